package e2e

import (
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestWithoutJavaScript logs in, adds, edits, deletes and restores a book, and logs out, with
// JavaScript turned off, through plain forms (each carrying its CSRF token) and full pages. Each
// step must load a new page: that it does shows that no script took the request over.
func TestWithoutJavaScript(t *testing.T) {
	p := signedIn(t, withoutJavaScript)
	p.do("open the library", chromedp.Navigate(p.url+"/books"))
	if got := eval[string](p, `typeof window.htmx`); got != "undefined" {
		t.Fatalf("htmx is loaded (typeof htmx = %q): JavaScript is not off", got)
	}
	if got := p.display(".first-run"); got == "none" {
		t.Errorf("empty library: the first steps have display %q", got)
	}

	// Add one book with Enter and one with a click on "Add book".
	p.toNewBook()
	p.press("Wolf Hall")
	p.press(kb.Tab)
	p.press("Hilary Mantel")
	p.press(kb.Tab)
	p.press("History")
	p.loads("press Enter to add", typed(kb.Enter))
	if got, want := p.path(), "/books"; got != want {
		t.Errorf("after adding, the tab shows %s, want %s", got, want)
	}
	p.toNewBook()
	p.press("Bring Up the Bodies")
	p.press(kb.Tab)
	p.press("Hilary Mantel")
	p.loads("click Add book", chromedp.Click(chromedp.CSS("#new-book button[type=submit]")))
	want := []row{
		{ID: "book-2", Title: "Bring Up the Bodies", Author: "Hilary Mantel"},
		{ID: "book-1", Title: "Wolf Hall", Author: "Hilary Mantel", Genre: "History"},
	}
	if got := p.rows(); !slices.Equal(got, want) {
		t.Fatalf("rows after adding = %+v, want %+v", got, want)
	}
	if got := p.count(); got != "2 books" {
		t.Errorf("count = %q, want 2 books", got)
	}

	// A missing title is refused on a full page that keeps what was typed.
	p.toNewBook()
	p.press(kb.Tab)
	p.press("Nobody")
	p.loads("submit without a title", typed(kb.Enter))
	if got := p.text(`td:has(> #new-book-title) p.error`); got != "Title is required." {
		t.Errorf("message beside the title = %q, want Title is required.", got)
	}
	if got := p.value("new-book-author"); got != "Nobody" {
		t.Errorf("author after the refusal = %q, want Nobody", got)
	}

	// Edit on the full edit page.
	p.loads("click Edit", chromedp.Click(chromedp.CSS("#book-1 a[href$=\"/edit\"]")))
	if got, want := p.path(), "/books/1/edit"; got != want {
		t.Errorf("Edit leads to %s, want %s", got, want)
	}
	p.waitFocus("#field-title")
	if got := p.value("field-title"); got != "Wolf Hall" {
		t.Errorf("edit page title = %q, want Wolf Hall", got)
	}
	p.replaceText("Wolf Hall (Book 1)")
	p.loads("press Enter to save", typed(kb.Enter))
	if got, want := p.path(), "/books"; got != want {
		t.Errorf("after saving, the tab shows %s, want %s", got, want)
	}
	want[1].Title = "Wolf Hall (Book 1)"
	if got := p.rows(); !slices.Equal(got, want) {
		t.Errorf("rows after editing = %+v, want %+v", got, want)
	}

	// Delete through the confirmation page, whose Delete button has the focus.
	p.loads("click Delete", chromedp.Click(chromedp.CSS("#book-1 a[href$=\"/delete\"]")))
	if got, want := p.path(), "/books/1/delete"; got != want {
		t.Errorf("Delete leads to %s, want %s", got, want)
	}
	p.waitFocus("form button.danger")
	p.loads("confirm with Enter", typed(kb.Enter))
	if got := p.location(); got.Path != "/books" || got.Query().Get("deleted") != "1" {
		t.Errorf("after deleting, the tab shows %s, want /books?deleted=1…", got)
	}
	if got := p.rows(); !slices.Equal(got, want[:1]) {
		t.Errorf("rows after deleting = %+v, want %+v", got, want[:1])
	}
	if got, want := p.text(".flash span"), "Deleted “Wolf Hall (Book 1)”."; got != want {
		t.Errorf("flash says %q, want %q", got, want)
	}
	if got := p.count(); got != "1 book" {
		t.Errorf("count after deleting = %q, want 1 book", got)
	}

	// Undo from the flash.
	p.loads("click Undo", chromedp.Click(chromedp.CSS(".flash button[type=submit]")))
	if got, want := p.path(), "/books"; got != want {
		t.Errorf("after Undo, the tab shows %s, want %s", got, want)
	}
	if got := p.rows(); !slices.Equal(got, want) {
		t.Errorf("rows after Undo = %+v, want %+v", got, want)
	}
	if got := eval[int](p, `document.querySelectorAll('.flash').length`); got != 0 {
		t.Errorf("%d flash messages after Undo, want none", got)
	}
	stored, err := p.storedBook(1)
	if err != nil || stored.Title != want[1].Title {
		t.Errorf("stored book 1 = %+v, %v; want %q", stored, err, want[1].Title)
	}

	// Log out with the plain form in the header: the library is then out of reach.
	p.loads("click Log out", chromedp.Click(chromedp.CSS("header.site button[type=submit]")))
	if got, want := p.path(), "/login"; got != want {
		t.Errorf("after logging out, the tab shows %s, want %s", got, want)
	}
	if got := p.signedInAs(); got != "" {
		t.Errorf("after logging out, the header says signed in as %q", got)
	}
	p.visit("/books")
	if got, want := p.path(), "/login"; got != want {
		t.Errorf("the library after logging out shows %s, want %s", got, want)
	}
}
