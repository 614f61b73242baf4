package e2e

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp/kb"

	"github.com/bookcase/bookcase/data"
)

// TestSeriesNextUp opens a series from the library (its name under a title) with the keyboard,
// and sees its books in order and the first one unread as next up.
func TestSeriesNextUp(t *testing.T) {
	p := signedIn(t)
	ctx := context.Background()
	var ids []int64
	for i, title := range []string{"Leviathan Wakes", "Caliban's War", "Abaddon's Gate"} {
		b := p.addBook(title, "James S. A. Corey", "Science fiction")
		if _, err := p.series.AddBook(ctx, p.reader.id, b.ID, data.SeriesRef{Name: "The Expanse", Position: strconv.Itoa(i + 1)}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, b.ID)
	}
	if _, err := p.reading.SetStatus(ctx, p.reader.id, ids[0], data.StatusRead, time.Time{}); err != nil {
		t.Fatal(err)
	}
	p.open("/books")
	p.tabTo("#book-" + strconv.FormatInt(ids[1], 10) + " a.series")
	p.press(kb.Enter)
	p.waitUntil("the series page opens", `document.querySelector('[data-testid="next-up"]') !== null`)
	if got := eval[string](p, `document.querySelector('h1').textContent.trim()`); got != "The Expanse" {
		t.Errorf("heading %q, want The Expanse", got)
	}
	if got := eval[string](p, `document.querySelector('[data-testid="next-up"]').textContent.replace(/\s+/g, ' ').trim()`); got != "Next up: Caliban's War (#2)" {
		t.Errorf("next up %q, want Caliban's War (#2)", got)
	}
	if got := eval[[]string](p, `Array.from(document.querySelectorAll('[data-testid="series-books"] tbody th a'), a => a.textContent.trim())`); len(got) != 3 || got[0] != "Leviathan Wakes" || got[2] != "Abaddon's Gate" {
		t.Errorf("books %q, want them in position order", got)
	}
}

// TestAddBookSplitsSeries types a title with a series after it into the new-book row, from the
// keyboard: the row shows the clean title and the series, and Keep as title (Tab to it, Enter)
// puts the title back as typed, all without a page load.
func TestAddBookSplitsSeries(t *testing.T) {
	p := signedIn(t)
	p.open("/books")
	p.toNewBook()
	p.press("Leviathan Wakes (The Expanse, #1)")
	p.press(kb.Tab)
	p.press("James S. A. Corey")
	p.press(kb.Enter)
	p.waitUntil("the new book is listed", `document.querySelectorAll('#book-list > tr.book').length === 1`)
	title := `document.querySelector('#book-list > tr.book th.title > a').textContent.trim()`
	if got := eval[string](p, title); got != "Leviathan Wakes" {
		t.Errorf("title %q, want the clean title", got)
	}
	if got := eval[string](p, `document.querySelector('#book-list > tr.book a.series').textContent.trim()`); got != "The Expanse #1" {
		t.Errorf("series %q, want The Expanse #1", got)
	}
	p.waitFocus("#new-book-title")
	p.tabTo("#book-list > tr.book form.split button")
	p.press(kb.Enter)
	p.waitUntil("the title is back as typed", title+` === 'Leviathan Wakes (The Expanse, #1)' && document.querySelector('#book-list > tr.book a.series') === null`)
	p.waitFocus("#book-list > tr.book th.title > a")
	p.stillSamePage()
	page, err := p.books.Find(context.Background(), p.reader.id, data.BookQuery{})
	if err != nil || len(page.Books) != 1 || page.Books[0].Title != "Leviathan Wakes (The Expanse, #1)" {
		t.Errorf("stored %+v, %v; want the title as typed", page.Books, err)
	}
}

// TestSeriesInPlace puts a book in a series, moves it and takes it out, by keyboard, at a
// desktop's and a phone's size, each in its place on the book page: Enter on "Add to a series"
// opens the name and the position, a bad position is refused beside its field (which keeps the
// focus), Enter saves, the focus back on the series; Escape puts a position back unchanged; Remove
// waits in the series' edit. Nothing loads a page, and nothing is wider than the window.
func TestSeriesInPlace(t *testing.T) {
	for _, size := range viewports {
		t.Run(size.name, func(t *testing.T) {
			p := signedIn(t)
			p.sized(size.width, size.height, size.phone)
			b := p.addBook("Caliban's War", "James S. A. Corey", "Science fiction")
			p.open("/books/" + strconv.FormatInt(b.ID, 10))
			const section = "book-series"

			p.tabTo("#edit-series_name")
			p.markOld(section)
			p.press(kb.Enter)
			p.waitUntil("the add opens", swapped(section)+` && document.querySelector('#fact-series_name.editing') !== null`)
			p.waitFocus("#field-series_name")
			p.press("The Expanse")
			p.press(kb.Tab)
			p.waitFocus("#field-series_position")
			p.press("two")
			p.markOld(section)
			p.press(kb.Enter)
			p.waitUntil("the position is refused", swapped(section)+
				` && document.getElementById('field-series_position-error')?.textContent.trim() === 'Write the position as a number or a range as printed: 1, 0.5, 3.5 or 1-3.'`)
			p.waitFocus("#field-series_position")
			if got := p.value("field-series_name"); got != "The Expanse" {
				t.Errorf("the name as typed is %q after the refusal", got)
			}
			p.replaceText("2")
			p.markOld(section)
			p.press(kb.Enter)
			p.waitUntil("the book is in the series", swapped(section)+` && document.querySelector('#book-series .fact.series') !== null`)
			of, err := p.series.OfBook(context.Background(), p.reader.id, b.ID)
			if err != nil || len(of) != 1 || of[0].Name != "The Expanse" || of[0].Position != "2" {
				t.Fatalf("series %+v, %v; want The Expanse #2", of, err)
			}
			name := "series-" + strconv.FormatInt(of[0].SeriesID, 10)
			p.waitFocus("#edit-" + name)
			if got := p.text("#book-series [role=status]"); got != "Added to The Expanse #2." {
				t.Errorf("message %q", got)
			}
			if w := p.overflow(); w > 0 {
				t.Errorf("the page is %d px wider than the window", w)
			}

			// Moved: Enter opens the position, a bad one is refused, then saved.
			p.markOld(section)
			p.press(kb.Enter)
			p.waitFocus("#field-" + name)
			p.replaceText("-3")
			p.markOld(section)
			p.press(kb.Enter)
			p.waitUntil("the position is refused", swapped(section)+
				` && document.getElementById('field-`+name+`-error')?.textContent.trim() === 'A position is from 0 to 10000.'`)
			p.waitFocus("#field-" + name)
			p.replaceText("2.5")
			p.markOld(section)
			p.press(kb.Enter)
			p.waitUntil("the position is saved", swapped(section)+` && document.querySelector('#fact-`+name+`.editing') === null`)
			p.waitFocus("#edit-" + name)
			if got := p.factText(name); got != "#2.5" {
				t.Errorf("position shown %q, want #2.5", got)
			}

			// Escape puts it back unchanged.
			p.markOld(section)
			p.press(kb.Enter)
			p.waitFocus("#field-" + name)
			p.replaceText("9")
			p.markOld(section)
			p.press(kb.Escape)
			p.waitUntil("the position is back", swapped(section)+` && document.querySelector('#fact-`+name+`.editing') === null`)
			p.waitFocus("#edit-" + name)
			if got := p.factText(name); got != "#2.5" {
				t.Errorf("position shown %q after Escape, want #2.5", got)
			}

			// Removed, from the series' edit.
			p.markOld(section)
			p.press(kb.Enter)
			p.waitFocus("#field-" + name)
			p.tabTo("#remove-" + name)
			p.markOld(section)
			p.press(kb.Enter)
			p.waitUntil("the book left the series", swapped(section)+` && document.querySelector('#book-series .fact.series') === null`)
			p.waitFocus("#edit-series_name")
			if got := p.text("#book-series [role=status]"); got != "Removed from the series." {
				t.Errorf("message %q", got)
			}
			p.stillSamePage()
			if of, err := p.series.OfBook(context.Background(), p.reader.id, b.ID); err != nil || len(of) != 0 {
				t.Errorf("series %+v, %v; want none", of, err)
			}
		})
	}
}
