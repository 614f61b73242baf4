package e2e

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestShelvesAndRating makes a shelf from the shelves page with the keyboard, puts two books on it
// from their pages, follows the shelf's link, and rates a book with the rating's radio group.
func TestShelvesAndRating(t *testing.T) {
	p := signedIn(t)
	dune := p.addBook("Dune", "Frank Herbert", "Science fiction")
	emma := p.addBook("Emma", "Jane Austen", "Fiction")

	// Create "Book club" from the keyboard alone.
	p.visit("/shelves")
	p.tabTo("#field-name")
	p.press("Book club")
	if status := p.loads("create the shelf with Enter", chromedp.KeyEvent(kb.Enter)); status != 200 {
		t.Fatalf("creating a shelf: status %d, want 200", status)
	}
	if got, want := p.text("#shelf-list .shelf-name"), "Book club"; got != want {
		t.Fatalf("the first shelf is %q, want %q", got, want)
	}
	shelfID := eval[string](p, `document.querySelector('#shelf-list .shelf').dataset.id`)

	// Put both books on it, each from its own page: tick the box, Save.
	for _, id := range []int64{dune.ID, emma.ID} {
		p.visit("/books/" + strconv.FormatInt(id, 10))
		p.tabTo("#shelf-check-" + shelfID)
		p.press(" ")
		p.tabTo("#save-shelves")
		if status := p.loads("save the shelves", chromedp.KeyEvent(kb.Enter)); status != 200 {
			t.Fatalf("saving the shelves: status %d, want 200", status)
		}
		if !eval[bool](p, fmt.Sprintf(`document.getElementById('shelf-check-%s').checked`, shelfID)) {
			t.Errorf("book %d: the shelf is not ticked after Save", id)
		}
	}

	// The shelves page counts them, and links to the library filtered by the shelf.
	p.visit("/shelves")
	if got, want := p.text(`#shelf-list [data-testid="shelf-count"]`), "2 books"; got != want {
		t.Errorf("the shelf's count is %q, want %q", got, want)
	}
	href := eval[string](p, `document.querySelector('#shelf-list .shelf-name').getAttribute('href')`)
	if want := "/books?shelf=" + shelfID; href != want {
		t.Errorf("the shelf links to %q, want %q", href, want)
	}
	if status := p.loads("follow the shelf's link", chromedp.Click(chromedp.CSS(`#shelf-list .shelf-name`))); status != 200 {
		t.Errorf("the shelf's link: status %d, want 200", status)
	}
	if got := p.location().RequestURI(); got != href {
		t.Errorf("the shelf's link led to %q, want %q", got, href)
	}

	// Rate Dune 4.5 stars: Tab into the radio group (on "No rating"), nine arrow presses, Save.
	p.visit("/books/" + strconv.FormatInt(dune.ID, 10))
	p.tabTo("#rating-0")
	for range 9 {
		p.press(kb.ArrowRight)
	}
	p.waitFocus("#rating-9")
	if got := eval[string](p, `document.querySelector('input[name=rating]:checked').value`); got != "4.5" {
		t.Fatalf("after nine right arrows the rating is %q, want 4.5", got)
	}
	p.tabTo("#save-details")
	if status := p.loads("save the details", chromedp.KeyEvent(kb.Enter)); status != 200 {
		t.Fatalf("saving the details: status %d, want 200", status)
	}
	if got, want := p.text(`[data-testid="rating"]`), "4.5 stars"; got != want {
		t.Errorf("the rating shows %q, want %q", got, want)
	}
	if b, err := p.storedBook(dune.ID); err != nil || b.Rating.String() != "4.5" {
		t.Errorf("stored rating %q (%v), want 4.5", b.Rating, err)
	}
}
