package e2e

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/bookcase/bookcase/data"
)

// swapped is true once the element with id has been replaced since markOld and htmx has settled.
func swapped(id string) string {
	return fmt.Sprintf(`document.getElementById(%q) && document.getElementById(%q) !== window.__old && %s`, id, id, settled)
}

// markOld remembers the element with id, for swapped.
func (p *page) markOld(id string) {
	p.t.Helper()
	eval[chromedp.Void](p, fmt.Sprintf(`window.__old = document.getElementById(%q)`, id))
}

// TestReadingJourney follows the journey with the keyboard: a book goes Want to read →
// Reading → Read → Reading again in the library, and its page shows both readings; a shelf made
// on the shelves page gets two books from their pages; the shelf's tab shows exactly those two;
// and a rating is saved on a book's page. Every edit is made in place, without a page load.
func TestReadingJourney(t *testing.T) {
	p := signedIn(t)
	dune := p.addBook("Dune", "Frank Herbert", "Science fiction")
	emma := p.addBook("Emma", "Jane Austen", "Fiction")
	p.addBook("Ulysses", "James Joyce", "Fiction")
	status := fmt.Sprintf("#book-%d td.status > a:first-child", dune.ID)
	dunePage := "/books/" + strconv.FormatInt(dune.ID, 10)

	// Want to read → Reading → Read → Reading again, from the row's status menu.
	p.open("/books")
	p.tabTo(status)
	for _, want := range []data.Status{data.StatusReading, data.StatusRead, data.StatusReading} {
		p.chooseStatus(dune.ID, want)
		p.waitUntil("the row shows its progress", fmt.Sprintf(`document.querySelector('#book-%d progress') !== null === %t`, dune.ID, want == data.StatusReading))
		p.stillSamePage()
	}
	if b, err := p.storedBook(dune.ID); err != nil || b.Status != data.StatusReading {
		t.Fatalf("stored book = %+v, %v; want it being read again", b, err)
	}

	// Its page shows two readings: the first finished, the second open.
	p.open(dunePage)
	if got := eval[int](p, `document.querySelectorAll('#book-readings .reading').length`); got != 2 {
		t.Fatalf("%d readings on the book page, want 2", got)
	}
	if got := eval[int](p, `document.querySelectorAll('#book-readings [data-testid=ended] time').length`); got != 1 {
		t.Errorf("%d readings with a finish date, want 1", got)
	}

	// Create "Book club" from the keyboard alone, in place.
	p.open("/shelves")
	p.tabTo("#field-name")
	p.press("Book club")
	p.markOld("shelves-panel")
	p.press(kb.Enter)
	p.waitUntil("the shelf is listed", swapped("shelves-panel")+` && document.querySelector('#shelf-list .shelf-name')?.textContent.trim() === 'Book club'`)
	p.waitFocus("#field-name")
	p.stillSamePage()
	shelfID := eval[string](p, `document.querySelector('#shelf-list .shelf').dataset.id`)

	// Put Dune and Emma on it, each from its own page, in place: Enter on the shelves opens them,
	// Space ticks the box, Enter saves; then Escape puts them back unchanged.
	for _, id := range []int64{dune.ID, emma.ID} {
		p.open("/books/" + strconv.FormatInt(id, 10))
		p.tabTo("#edit-shelves")
		p.openFact("shelves")
		p.press(" ")
		p.markOld("fact-shelves")
		p.press(kb.Enter)
		p.closed("shelves")
		if got := p.factText("shelves"); got != "Book club" {
			t.Errorf("book %d: the shelves show %q after saving", id, got)
		}
		p.stillSamePage()
	}
	p.openFact("shelves")
	p.press(" ")
	p.markOld("fact-shelves")
	p.press(kb.Escape)
	p.closed("shelves")
	if got := p.factText("shelves"); got != "Book club" {
		t.Errorf("after Escape the shelves show %q", got)
	}

	// The shelf's tab is a link to the library filtered by it: exactly those two books.
	p.open("/books")
	tab := fmt.Sprintf(`#filters a[href="/books?shelf=%s"]`, shelfID)
	p.waitUntil("the page has settled", settled)
	p.do("follow the shelf's tab", chromedp.Click(chromedp.CSS(tab)))
	p.waitUntil("the shelf's books are shown", fmt.Sprintf(`location.search === '?shelf=%s' && document.querySelectorAll('#book-list > tr.book').length === 2`, shelfID))
	p.stillSamePage()
	if got, want := p.rows(), []row{rowOf(emma), rowOf(dune)}; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("rows on the shelf = %+v, want %+v", got, want)
	}

	// Rate Dune 4.5 stars: Tab into the star control (on "No rating"), nine arrow presses, Enter.
	p.open(dunePage)
	p.tabTo("#rating-page-0")
	for range 9 {
		p.press(kb.ArrowRight)
	}
	p.waitFocus("#rating-page-9")
	p.markOld("book-rating")
	p.press(kb.Enter)
	p.waitUntil("the rating is saved", swapped("book-rating")+` && document.querySelector('#book-rating input[name=rating]:checked')?.value === '4.5'`)
	p.waitFocus("#rating-page-9")
	p.stillSamePage()
	if b, err := p.storedBook(dune.ID); err != nil || b.Rating.String() != "4.5" {
		t.Errorf("stored rating %q (%v), want 4.5", b.Rating, err)
	}

	// The status saves in place on the book page too, and its readings follow: Reading → Read.
	// The arrow keys move between the statuses and save nothing; Enter saves the one focused.
	p.tabBackTo("#page-status-reading")
	if got := eval[string](p, `document.activeElement.getAttribute('aria-pressed')`); got != "true" {
		t.Errorf("Reading is aria-pressed=%q, want true", got)
	}
	p.press(kb.ArrowDown)
	p.waitFocus("#page-status-read")
	p.press(kb.ArrowDown)
	p.waitFocus("#page-status-dnf")
	p.press(kb.ArrowUp)
	p.waitFocus("#page-status-read")
	if b, err := p.storedBook(dune.ID); err != nil || b.Status != data.StatusReading {
		t.Errorf("after the arrow keys the stored book = %+v, %v; want it still being read", b, err)
	}
	p.markOld("book-status")
	p.press(kb.Enter)
	p.waitUntil("the status is saved", swapped("book-status")+` && document.querySelector('[data-testid="status"]').textContent.trim() === 'Read'`)
	p.waitUntil("the readings follow", `document.querySelectorAll('#book-readings [data-testid=ended] time').length === 2`)
	p.waitFocus("#page-status-read")
	p.stillSamePage()
	if b, err := p.books.Get(context.Background(), p.reader.id, dune.ID); err != nil || b.Status != data.StatusRead {
		t.Errorf("stored book = %+v, %v; want it read", b, err)
	}
}
