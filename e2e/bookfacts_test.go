package e2e

import (
	"context"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/bookcase/bookcase/data"
)

// editFact edits the fact name of the book page in place with the keyboard, from its shown
// value, which has the focus: Enter opens its input, text replaces what it holds, and Enter
// (Ctrl+Enter in a text area) saves it; the fact comes back with the focus on it.
func (p *page) editFact(name, text string) {
	p.t.Helper()
	p.openFact(name)
	p.replaceText(text)
	p.markOld("fact-" + name)
	if eval[bool](p, `document.activeElement instanceof HTMLTextAreaElement`) {
		p.press(kb.Enter, chromedp.KeyModifiers(chromedp.ModifierCtrl))
	} else {
		p.press(kb.Enter)
	}
	p.closed(name)
}

// openFact opens the input of the fact name with Enter on its shown value, which has the focus,
// and waits for the focus in it.
func (p *page) openFact(name string) {
	p.t.Helper()
	p.waitFocus("#edit-" + name)
	p.markOld("fact-" + name)
	p.press(kb.Enter)
	p.waitUntil("the input of "+name+" opens", swapped("fact-"+name)+` && document.querySelector('#fact-`+name+`.editing') !== null`)
	p.waitFocus("#field-" + name)
}

// closed waits until the fact name is shown again (saved or cancelled), the focus on it.
func (p *page) closed(name string) {
	p.t.Helper()
	p.waitUntil(name+" is shown", swapped("fact-"+name)+` && document.querySelector('#fact-`+name+`.editing') === null`)
	p.waitFocus("#edit-" + name)
}

// overflow is how many pixels the page is wider than the window.
func (p *page) overflow() int64 {
	p.t.Helper()
	return eval[int64](p, `document.documentElement.scrollWidth - document.documentElement.clientWidth`)
}

// factText is what the book page shows of the fact name.
func (p *page) factText(name string) string {
	p.t.Helper()
	return p.text("#fact-" + name + " dd [data-testid]")
}

// TestBookFactsInPlace edits every fact of the book page in its place with the keyboard, at a
// desktop's and a phone's size: the title, the author, the genre, the format and length, the ISBN, each edition fact, the review
// and the private notes, the status and the shelves; Escape puts a fact back unchanged; nothing loads a page, and the page
// is no wider than the phone.
func TestBookFactsInPlace(t *testing.T) {
	for _, size := range viewports {
		t.Run(size.name, func(t *testing.T) {
			p := signedIn(t)
			p.sized(size.width, size.height, size.phone)
			dune := p.addBook("Dune", "Frank Herbert", "Science fiction")
			if _, err := p.shelves.Create(context.Background(), p.reader.id, "Owned"); err != nil {
				t.Fatal(err)
			}
			p.open("/books/" + strconv.FormatInt(dune.ID, 10))
			if w := p.overflow(); w > 0 {
				t.Errorf("the page is %d px wider than the window", w)
			}
			// Wide, the cover beside the title, level with it; on a phone, the title first.
			layout := eval[string](p, `(() => {
				const cover = document.getElementById('book-cover').getBoundingClientRect();
				const title = document.getElementById('book-main').getBoundingClientRect();
				if (cover.right <= title.left && Math.abs(cover.top - title.top) < 2) return 'two columns';
				if (title.bottom <= cover.top) return 'the title above the cover';
				return 'neither';
			})()`)
			if want := map[bool]string{false: "two columns", true: "the title above the cover"}[size.phone]; layout != want {
				t.Errorf("the layout is %s, want %s", layout, want)
			}

			// The title, the authors and the genre, each in its place in the head. The authors are
			// a list: Tab past the first line's role and Remove to the empty line, which adds one.
			p.tabTo("#edit-title")
			p.editFact("title", "Dune Messiah")
			p.tabTo("#edit-author")
			p.openFact("author")
			p.tabTo("#contributor-name-new")
			p.press("Brian Herbert")
			p.markOld("fact-author")
			p.press(kb.Enter)
			p.closed("author")
			p.press(kb.Tab)
			p.editFact("genre", "Space opera")
			for name, want := range map[string]string{"title": "Dune Messiah", "author": "Frank Herbert, Brian Herbert", "genre": "Space opera"} {
				if got := p.factText(name); got != want {
					t.Errorf("%s shows %q, want %q", name, got, want)
				}
			}

			// The format and its length: Enter opens both, the format first; Tab to the length.
			p.tabTo("#edit-format")
			p.openFact("format")
			p.press(kb.Tab)
			p.waitFocus("#field-pages")
			p.replaceText("412")
			p.markOld("fact-format")
			p.press(kb.Enter)
			p.closed("format")
			if got := p.factText("format"); got != "Paperback, 412 pages" {
				t.Errorf("format shows %q", got)
			}

			// Each fact after it, one Tab away once the one before is saved.
			for _, f := range []struct{ name, typed, shown string }{
				{"isbn", "0-441-01359-7", "9780441013593"},
				{"publisher", "Chilton Books", "Chilton Books"},
				{"year", "1965", "1965"},
				{"original_year", "1965", "1965"},
				{"language", "en", "English"},
				{"copies", "2", "2"},
				{"goodreads_id", "44767458", "44767458"},
				{"storygraph_id", "a1b2-c3", "a1b2-c3"},
			} {
				p.press(kb.Tab)
				p.editFact(f.name, f.typed)
				if got := p.factText(f.name); got != f.shown {
					t.Errorf("%s shows %q, want %q", f.name, got, f.shown)
				}
			}

			// Escape puts a fact back as it was, the focus on it.
			p.tabBackTo("#edit-publisher")
			p.openFact("publisher")
			p.replaceText("Something else")
			p.markOld("fact-publisher")
			p.press(kb.Escape)
			p.closed("publisher")
			if got := p.factText("publisher"); got != "Chilton Books" {
				t.Errorf("after Escape the publisher shows %q", got)
			}

			// The review and the notes: Enter is a new line in them, Ctrl+Enter saves.
			p.tabTo("#edit-review")
			p.editFact("review", "The spice must flow.")
			p.tabTo("#edit-notes")
			p.editFact("notes", "Lent to Ann.")

			// The status, a button each: Enter on one saves it. The shelves: Space ticks, Enter saves.
			p.tabTo("#page-status-reading")
			p.markOld("book-status")
			p.press(kb.Enter)
			p.waitUntil("the status is saved", swapped("book-status")+` && document.getElementById('page-status-reading').getAttribute('aria-pressed') === 'true'`)
			p.waitFocus("#page-status-reading")
			p.tabBackTo("#edit-shelves") // the shelves are in the facts, before the status
			p.openFact("shelves")
			p.press(" ")
			p.markOld("fact-shelves")
			p.press(kb.Enter)
			p.closed("shelves")
			if got := p.factText("shelves"); got != "Owned" {
				t.Errorf("the shelves show %q", got)
			}
			p.stillSamePage()

			b, err := p.storedBook(dune.ID)
			if err != nil {
				t.Fatal(err)
			}
			if b.Title != "Dune Messiah" || b.Author != "Frank Herbert, Brian Herbert" || b.Genre != "Space opera" || b.Status != data.StatusReading ||
				b.Pages != 412 || b.ISBN.String() != "9780441013593" || b.Review != "The spice must flow." || b.Notes != "Lent to Ann." {
				t.Errorf("stored %+v", b)
			}
			e, err := p.editions.Get(context.Background(), p.reader.id, dune.ID)
			if err != nil || e.Publisher != "Chilton Books" || e.Year != 1965 || e.Language != "en" || e.Copies != 2 || e.GoodreadsID != "44767458" || e.StoryGraphID != "a1b2-c3" {
				t.Errorf("stored edition %+v, %v", e, err)
			}
			if w := p.overflow(); w > 0 {
				t.Errorf("with every fact filled in, the page is %d px wider than the window", w)
			}
		})
	}
}

// TestBookFactWithoutJavaScript edits a fact with JavaScript off: the fact is a link to the page
// with its input open and focused, Enter sends the plain form, and the page comes back with it.
func TestBookFactWithoutJavaScript(t *testing.T) {
	p := signedIn(t, withoutJavaScript)
	dune := p.addBook("Dune", "Frank Herbert", "Science fiction")
	page := "/books/" + strconv.FormatInt(dune.ID, 10)
	p.open(page)
	p.loads("click the ISBN", chromedp.Click(chromedp.CSS("#edit-isbn")))
	if got := p.location().RawQuery; got != "edit=isbn" {
		t.Errorf("the ISBN link went to ?%s, want ?edit=isbn", got)
	}
	p.waitFocus("#field-isbn")
	p.press("0-441-01359-7")
	p.loads("press Enter", typed(kb.Enter))
	if got := p.path(); got != page {
		t.Errorf("after saving, the tab shows %s, want %s", got, page)
	}
	if got := p.factText("isbn"); got != "9780441013593" {
		t.Errorf("the ISBN shows %q", got)
	}
}
