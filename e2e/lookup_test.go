package e2e

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp/kb"

	"github.com/bookcase/bookcase/catalogue/cataloguetest"
)

// TestAddByISBN adds a book by its ISBN with the keyboard alone: the ISBN typed in the new-book
// row's title and Enter fill the row from the (fake) catalogue, the cover shown; the reader
// corrects the pages, and Enter adds the book with its ISBN and cover, all without a reload. A
// catalogue that is down says so in the row, which keeps what was typed.
func TestAddByISBN(t *testing.T) {
	const fox, down = "9780140328721", "9780306406157"
	f := cataloguetest.New(t)
	f.AddBook(fox, "Fantastic Mr Fox", 96, map[string]string{"/authors/OL34184A": "Roald Dahl"}, true)
	for _, path := range []string{cataloguetest.EditionPath(down), cataloguetest.GooglePath(down)} {
		f.Set(path, cataloguetest.Answer{Status: http.StatusInternalServerError})
	}
	p := signedIn(t, withCatalogue(f.URL()))
	p.open("/books")

	p.toNewBook()
	p.press(down)
	p.press(kb.Enter)
	p.waitUntil("the row says the catalogue failed", `document.querySelector('[data-testid="lookup-problem"]') !== null`)
	p.waitFocus("#new-book-title")
	if got := p.value("new-book-title"); got != down {
		t.Errorf("the title after a failed lookup = %q, want the ISBN as typed", got)
	}

	p.replaceText("0-14-032872-6")
	p.press(kb.Enter)
	p.waitUntil("the row is filled", `document.querySelector('[data-testid="found"]') !== null`)
	p.waitFocus("#new-book-title")
	for id, want := range map[string]string{"new-book-title": "Fantastic Mr Fox", "new-book-author": "Roald Dahl", "new-book-pages": "96"} {
		if got := p.value(id); got != want {
			t.Errorf("%s = %q, want %q", id, got, want)
		}
	}
	if got, want := p.text(`[data-testid="found-edition"]`), "ISBN "+fox+" · Puffin · 1988 · English"; got != want {
		t.Errorf("edition = %q, want %q", got, want)
	}
	p.waitUntil("the catalogue's cover has loaded", `(() => {
		const img = document.querySelector('[data-testid="found-cover"]');
		return img !== null && img.complete && img.naturalHeight === 96;
	})()`)
	if n := len(p.rows()); n != 0 {
		t.Fatalf("a lookup added %d rows", n)
	}

	p.tabTo("#new-book-pages")
	p.replaceText("112")
	p.press(kb.Enter)
	p.waitUntil("the book is added", `document.querySelectorAll('#book-list > tr.book').length === 1`)
	p.stillSamePage()
	rows := p.rows()
	if rows[0].Title != "Fantastic Mr Fox" || rows[0].Author != "Roald Dahl" {
		t.Errorf("row = %+v", rows[0])
	}
	b, err := p.storedBook(p.idOf(rows[0]))
	if err != nil || b.Pages != 112 || b.ISBN != fox || b.Cover == "" {
		t.Errorf("stored book = %+v, %v; want 112 pages, the ISBN and the cover", b, err)
	}
	p.waitUntil("the row's cover has loaded", `(() => {
		const img = document.querySelector('#book-list th.title img');
		return img !== null && img.complete && img.naturalHeight === 96;
	})()`)
	if p.value("new-book-title") != "" {
		t.Errorf("the new-book row is not cleared after the add")
	}
}
