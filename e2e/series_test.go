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
