package e2e

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// viewports are the sizes the star control is tried at: a desktop's and a phone's.
var viewports = []struct {
	name          string
	width, height int64
	phone         bool
}{
	{"Desktop", 1280, 900, false},
	{"Phone", 390, 844, true},
}

// sized sets the page's viewport to one of viewports.
func (p *page) sized(width, height int64, phone bool) {
	p.t.Helper()
	opts := []chromedp.EmulateViewportOption{}
	if phone {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	p.do("set the viewport", chromedp.EmulateViewport(width, height, opts...))
}

// chosenStars is the value of the rating radio checked in the control of sel ("" for none).
func (p *page) chosenStars(sel string) string {
	p.t.Helper()
	return eval[string](p, fmt.Sprintf(`document.querySelector(%q + ' input[name=rating]:checked')?.value ?? 'none checked'`, sel))
}

// waitStarsSaved waits until the book page's rating section has been replaced by one showing
// stars ("" for none), as a save brings it back.
func (p *page) waitStarsSaved(stars string) {
	p.t.Helper()
	p.waitUntil("the rating "+strconv.Quote(stars)+" is saved", swapped("book-rating")+
		fmt.Sprintf(` && document.querySelector('#book-rating input[name=rating]:checked')?.value === %q`, stars))
}

// wantStars fails the test unless the book's rating as stored is stars ("" for none), after what
// the test did.
func (p *page) wantStars(id int64, stars, after string) {
	p.t.Helper()
	b, err := p.storedBook(id)
	if err != nil {
		p.t.Fatal(err)
	}
	if got := b.Rating.String(); got != stars {
		p.t.Errorf("stored %q after %s, want %q", got, after, stars)
	}
}

// TestStarRatingKeyboard rates a book with the keyboard on its page and from its library row, at
// a desktop's and a phone's size: the arrows move by half a star and the number keys choose whole
// stars without saving anything; Enter saves, Escape puts back the rating saved, leaving the
// control saves, 0 or Delete clears; no page load.
func TestStarRatingKeyboard(t *testing.T) {
	for _, size := range viewports {
		t.Run(size.name, func(t *testing.T) {
			p := signedIn(t)
			p.sized(size.width, size.height, size.phone)
			dune := p.addBook("Dune", "Frank Herbert", "Science fiction")
			p.open("/books/" + strconv.FormatInt(dune.ID, 10))

			// Into the control, on "No rating"; three arrows and 4 choose, but save nothing.
			p.tabTo("#rating-page-0")
			p.press(kb.ArrowRight)
			p.press(kb.ArrowRight)
			p.press(kb.ArrowRight)
			p.waitFocus("#rating-page-3")
			if got := p.chosenStars("#book-rating"); got != "1.5" {
				t.Errorf("after three arrows the control shows %q, want 1.5", got)
			}
			p.key("4")
			p.press(kb.ArrowLeft)
			p.waitFocus("#rating-page-7")
			p.wantStars(dune.ID, "", "moving through the stars (only Enter saves)")
			if !eval[bool](p, `document.querySelector('#book-rating form.stars').classList.contains('unsaved')`) {
				t.Error("an unsaved choice is not marked as such")
			}
			p.markOld("book-rating")
			p.press(kb.Enter)
			p.waitStarsSaved("3.5")
			p.waitFocus("#rating-page-7")
			p.wantStars(dune.ID, "3.5", "Enter")

			// 2, then Escape: the saved rating comes back and nothing is sent.
			p.key("2")
			p.waitFocus("#rating-page-4")
			p.key(kb.Escape)
			p.waitFocus("#rating-page-7")
			p.wantStars(dune.ID, "3.5", "Escape")

			// 5, then Tab away: Tab goes to Save rating, shown while a choice is not saved, and
			// leaving the control keeps the choice the reader sees.
			p.key("5")
			p.press(kb.Tab)
			p.waitFocus("#book-rating button.save")
			p.markOld("book-rating")
			p.press(kb.Tab)
			p.waitStarsSaved("5")
			p.wantStars(dune.ID, "5", "leaving the control")

			// Delete, Enter: no rating.
			p.tabBackTo("#rating-page-10")
			p.key(kb.Delete)
			p.waitFocus("#rating-page-0")
			p.markOld("book-rating")
			p.press(kb.Enter)
			p.waitStarsSaved("")
			p.wantStars(dune.ID, "", "Delete and Enter")
			p.stillSamePage()

			// From the library: j to the row, r opens the control in it, 3 and Enter save, and the
			// focus is back on the row's title.
			p.open("/books")
			rowSel := "#book-" + strconv.FormatInt(dune.ID, 10)
			p.key("j")
			p.waitFocus(rowSel + " th.title a")
			p.markOld(rowSel[1:])
			p.key("r")
			p.waitUntil("the control opens in the row", swapped(rowSel[1:])+` && document.querySelector('`+rowSel+`.choosing form.stars') !== null`)
			p.waitFocus("#rating-" + strconv.FormatInt(dune.ID, 10) + "-0")
			p.key("3")
			p.markOld(rowSel[1:])
			p.press(kb.Enter)
			p.waitUntil("the row is back with 3 stars", swapped(rowSel[1:])+` && document.querySelector('`+rowSel+`:not(.choosing) > td:nth-child(5)')?.textContent.trim() === '3'`)
			p.waitFocus(rowSel + " th.title a")
			p.wantStars(dune.ID, "3", "rating from the row")
			// r, 1, Escape: the row closes and nothing changes.
			p.markOld(rowSel[1:])
			p.key("r")
			p.waitUntil("the control opens again", swapped(rowSel[1:])+` && document.querySelector('`+rowSel+`.choosing form.stars') !== null`)
			p.waitFocus("#rating-" + strconv.FormatInt(dune.ID, 10) + "-6")
			p.key("1")
			p.markOld(rowSel[1:])
			p.key(kb.Escape)
			p.waitUntil("the row is back", swapped(rowSel[1:])+` && document.querySelector('`+rowSel+`.choosing') === null`)
			p.waitFocus(rowSel + " th.title a")
			p.wantStars(dune.ID, "3", "Escape in the row")

			// Without the shortcut: Tab from the row's status reaches its rating, a link, and
			// Enter on it opens the control in the row.
			p.tabTo(rowSel + " > td:nth-child(5) > a")
			p.markOld(rowSel[1:])
			p.press(kb.Enter)
			p.waitUntil("Enter on the rating opens the control", swapped(rowSel[1:])+` && document.querySelector('`+rowSel+`.choosing form.stars') !== null`)
			p.waitFocus("#rating-" + strconv.FormatInt(dune.ID, 10) + "-6")
			p.markOld(rowSel[1:])
			p.key(kb.Escape)
			p.waitUntil("the row is back again", swapped(rowSel[1:])+` && document.querySelector('`+rowSel+`.choosing') === null`)
			p.stillSamePage()
		})
	}
}

// TestStarRatingPointer rates a book with the pointer on its page and in its library row, at a
// desktop's and a phone's size: a click on a star's half saves it at once.
func TestStarRatingPointer(t *testing.T) {
	for _, size := range viewports {
		t.Run(size.name, func(t *testing.T) {
			p := signedIn(t)
			p.sized(size.width, size.height, size.phone)
			dune := p.addBook("Dune", "Frank Herbert", "Science fiction")
			p.open("/books/" + strconv.FormatInt(dune.ID, 10))
			p.markOld("book-rating")
			p.do("click the right half of the fourth star", chromedp.Click(chromedp.CSS(`label[for="rating-page-8"]`)))
			p.waitStarsSaved("4")
			p.markOld("book-rating")
			p.do("click the left half of the third star", chromedp.Click(chromedp.CSS(`label[for="rating-page-5"]`)))
			p.waitStarsSaved("2.5")
			p.wantStars(dune.ID, "2.5", "the clicks")
			p.markOld("book-rating")
			p.do("click Clear", chromedp.Click(chromedp.CSS(`label[for="rating-page-0"]`)))
			p.waitStarsSaved("")
			p.stillSamePage()

			// The library row: a click on the rating cell opens the control; a click on a star saves.
			// An unrated book's Rate (a star on a phone) is there to be clicked or tapped.
			p.open("/books")
			id := strconv.FormatInt(dune.ID, 10)
			rowSel := "#book-" + id
			if got := eval[string](p, `getComputedStyle(document.querySelector('`+rowSel+` > td:nth-child(5) > a'), '::before').content`); got == "none" || got == "" {
				t.Errorf("an unrated book's rating shows nothing to click (content %s)", got)
			}
			if size.phone {
				if h := eval[float64](p, `document.querySelector('`+rowSel+` > td:nth-child(5) > a').getBoundingClientRect().height`); h < 44 {
					t.Errorf("the rating's tap target is %.0f px high, want 44", h)
				}
			}
			p.markOld(rowSel[1:])
			p.do("click the row's rating", chromedp.Click(chromedp.CSS(rowSel+" > td:nth-child(5) > a")))
			p.waitUntil("the control opens in the row", swapped(rowSel[1:])+` && document.querySelector('`+rowSel+`.choosing form.stars') !== null`)
			p.markOld(rowSel[1:])
			p.do("click the fifth star", chromedp.Click(chromedp.CSS(`label[for="rating-`+id+`-10"]`)))
			p.waitUntil("the row is back with 5 stars", swapped(rowSel[1:])+` && document.querySelector('`+rowSel+`:not(.choosing) > td:nth-child(5)')?.textContent.trim() === '5'`)
			p.wantStars(dune.ID, "5", "a click in the row")
			// A rated book's stars open the control again, a click on them a star saves.
			p.markOld(rowSel[1:])
			p.do("click the row's stars", chromedp.Click(chromedp.CSS(rowSel+" > td:nth-child(5)")))
			p.waitUntil("the control opens in the row again", swapped(rowSel[1:])+` && document.querySelector('`+rowSel+`.choosing form.stars') !== null`)
			p.markOld(rowSel[1:])
			p.do("click the left half of the second star", chromedp.Click(chromedp.CSS(`label[for="rating-`+id+`-3"]`)))
			p.waitUntil("the row is back with 1.5 stars", swapped(rowSel[1:])+` && document.querySelector('`+rowSel+`:not(.choosing) > td:nth-child(5)')?.textContent.trim() === '1.5'`)
			p.wantStars(dune.ID, "1.5", "a second click in the row")
			// The stars are drawn in the light theme's star colour (app.css once lost it).
			if got := eval[string](p, `getComputedStyle(document.documentElement).getPropertyValue('--star').trim()`); got == "" {
				t.Error("the stars have no colour of their own (--star is not set)")
			}
			p.stillSamePage()
		})
	}
}

// TestBookPageNoOverflow: the book page, with every section shown, is no wider than a phone.
func TestBookPageNoOverflow(t *testing.T) {
	p := signedIn(t)
	p.sized(390, 844, true)
	ids := seedLibrary(t, p)
	for _, id := range ids {
		p.open("/books/" + strconv.FormatInt(id, 10))
		if w := p.overflow(); w > 0 {
			t.Errorf("book %d: the page is %d px wider than the phone's screen", id, w)
		}
	}
}

// TestStarRatingWithoutJavaScript rates a book with JavaScript off: the radios under the stars
// take the arrow keys as radios do, Save rating sends the plain form, and the page comes back
// with the rating; the rating page a library row would lead to does the same for the library.
func TestStarRatingWithoutJavaScript(t *testing.T) {
	p := signedIn(t, withoutJavaScript)
	dune := p.addBook("Dune", "Frank Herbert", "Science fiction")
	page := "/books/" + strconv.FormatInt(dune.ID, 10)
	p.open(page)
	if got := p.display("#book-rating button.save"); got == "none" {
		t.Fatalf("Save rating is hidden without JavaScript")
	}
	p.tabTo("#rating-page-0")
	for range 7 {
		p.press(kb.ArrowRight)
	}
	p.waitFocus("#rating-page-7")
	p.tabTo("#book-rating button.save")
	p.loads("press Enter on Save rating", typed(kb.Enter))
	if got := p.path(); got != page {
		t.Errorf("after saving, the tab shows %s, want %s", got, page)
	}
	if got := p.chosenStars("#book-rating"); got != "3.5" {
		t.Errorf("the page shows %q, want 3.5", got)
	}
	p.wantStars(dune.ID, "3.5", "the clicks")

	// The library row's rating is a link to the rating page.
	p.open("/books")
	p.loads("click the row's rating", chromedp.Click(chromedp.CSS("#book-"+strconv.FormatInt(dune.ID, 10)+" > td:nth-child(5) > a")))
	if got := p.path(); got != page+"/rating" {
		t.Errorf("the row's rating leads to %s, want %s", got, page+"/rating")
	}
	p.do("click the fifth star", chromedp.Click(chromedp.CSS(`label[for="rating-page-10"]`)))
	p.loads("click Save rating", chromedp.Click(chromedp.CSS("main button.save")))
	if got := p.path(); got != "/books" {
		t.Errorf("after saving on the rating page, the tab shows %s, want /books", got)
	}
	p.wantStars(dune.ID, "5", "the clicks")
}
