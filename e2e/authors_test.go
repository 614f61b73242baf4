package e2e

import (
	"context"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp/kb"
)

// TestAddBookWithTwoAuthors adds a book with two authors from the keyboard, the second taken
// from the author field's suggestions of the reader's authors, so that it is the author the
// reader has (one author, two books); then opens that author's page from the list of authors.
func TestAddBookWithTwoAuthors(t *testing.T) {
	p := signedIn(t)
	ctx := context.Background()
	p.addBook("Sandman", "Neil Gaiman", "Comics")
	p.open("/books")
	p.toNewBook()
	p.press("Good Omens")
	p.press(kb.Tab)
	p.waitFocus("#new-book-author")
	p.press("Terry Pratchett, gai")
	// The suggestions arrive in the field's datalist as the reader types: the text typed with
	// its last name completed by the reader's author found by surname.
	option := `document.querySelector('#new-book-author-names option[value="Terry Pratchett, Neil Gaiman"]')`
	p.waitUntil("the field suggests Neil Gaiman", option+` !== null`)
	// The datalist's popup is the browser's own, which the DevTools protocol cannot press keys
	// in: the suggestion is taken as the popup's Enter takes it, into the field's value.
	eval[bool](p, `(() => { const i = document.querySelector('#new-book-author'); i.value = `+option+`.value; i.dispatchEvent(new Event('input', {bubbles: true})); return true })()`)
	p.waitFocus("#new-book-author")
	p.press(kb.Enter)
	p.waitUntil("the new book is listed", `document.querySelectorAll('#book-list > tr.book').length === 2`)
	if got := eval[string](p, `document.querySelector('#book-list > tr.book td').textContent.trim()`); got != "Terry Pratchett, Neil Gaiman" {
		t.Errorf("new row's author %q, want both", got)
	}
	gaiman, err := p.authors.ByName(ctx, p.reader.id, "Neil Gaiman")
	if err != nil {
		t.Fatal(err)
	}
	d, err := p.authors.Get(ctx, p.reader.id, gaiman.ID)
	if err != nil || len(d.Books) != 2 {
		t.Fatalf("Neil Gaiman has %d books, %v; want 2 (one author)", len(d.Books), err)
	}

	// The author's page, from the nav's Authors and the list, by keyboard.
	p.tabTo(`nav.site-nav a[href="/authors"]`)
	p.press(kb.Enter)
	p.waitUntil("the list of authors opens", `document.querySelector('[data-testid="authors-list"]') !== null`)
	p.tabTo(`[data-testid="authors-list"] a[href="/authors/` + strconv.FormatInt(gaiman.ID, 10) + `"]`)
	p.press(kb.Enter)
	p.waitUntil("the author's page opens", `document.querySelector('[data-testid="author-counts"]') !== null`)
	if got := eval[string](p, `document.querySelector('h1').textContent.trim()`); got != "Neil Gaiman" {
		t.Errorf("heading %q", got)
	}
	if got := eval[string](p, `document.querySelector('[data-testid="author-counts"]').textContent.replace(/\s+/g, ' ').trim()`); got != "2 books: 0 read, 2 unread." {
		t.Errorf("counts %q", got)
	}
	if got := eval[int](p, `document.querySelectorAll('#book-list > tr.book').length`); got != 2 {
		t.Errorf("%d rows, want 2", got)
	}
}

// TestMergeAuthorsFromKeyboard merges one spelling of an author into another on the author's
// page: the name typed in Merge into, Tab to Merge, Enter; the reader lands on the other's page,
// which has both books.
func TestMergeAuthorsFromKeyboard(t *testing.T) {
	p := signedIn(t)
	ctx := context.Background()
	p.addBook("The Hobbit", "Tolkien, J.R.R.", "Fantasy")
	silm := p.addBook("The Silmarillion", "John Ronald Reuel Tolkien", "Fantasy")
	from, err := p.authors.ByName(ctx, p.reader.id, "John Ronald Reuel Tolkien")
	if err != nil {
		t.Fatal(err)
	}
	into, err := p.authors.ByName(ctx, p.reader.id, "J.R.R. Tolkien")
	if err != nil {
		t.Fatal(err)
	}
	p.open("/authors/" + strconv.FormatInt(from.ID, 10))
	p.tabTo("#field-into")
	p.press("J. R. R. Tolkien")
	p.tabTo("#merge-author")
	p.press(kb.Enter)
	want := "/authors/" + strconv.FormatInt(into.ID, 10)
	p.waitUntil("the merged author's page opens", `location.pathname === '`+want+`' && document.querySelector('[data-testid="author-counts"]') !== null`)
	if got := eval[string](p, `document.querySelector('[data-testid="author-counts"]').textContent.replace(/\s+/g, ' ').trim()`); got != "2 books: 0 read, 2 unread." {
		t.Errorf("counts %q, want both books", got)
	}
	if _, err := p.authors.Get(ctx, p.reader.id, from.ID); err == nil {
		t.Error("the merged author is still there")
	}
	b, err := p.books.Get(ctx, p.reader.id, silm.ID)
	if err != nil || b.Author != "J.R.R. Tolkien" {
		t.Errorf("The Silmarillion's author %q, %v", b.Author, err)
	}
}
