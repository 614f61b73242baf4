package e2e

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
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
	if got := p.display("#new-book-lookup"); got != "none" {
		t.Errorf("Look up is offered (display %q) before an ISBN is typed", got)
	}
	p.press(down)
	if got := p.display("#new-book-lookup"); got == "none" {
		t.Errorf("Look up is not offered once an ISBN is typed")
	}
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

// TestAddByISBNWithoutJavaScript is TestAddByISBN with JavaScript off: Enter in the title sends
// the plain form, whose page comes back with the row filled; Enter again adds the book (303).
func TestAddByISBNWithoutJavaScript(t *testing.T) {
	const fox = "9780140328721"
	f := cataloguetest.New(t)
	f.AddBook(fox, "Fantastic Mr Fox", 96, map[string]string{"/authors/OL34184A": "Roald Dahl"}, true)
	p := signedIn(t, withoutJavaScript, withCatalogue(f.URL()))
	p.do("open the library", chromedp.Navigate(p.url+"/books"))
	p.toNewBook()
	p.press(fox)
	if status := p.loads("press Enter to look up", typed(kb.Enter)); status != http.StatusOK {
		t.Errorf("the lookup's page: status %d", status)
	}
	p.waitFocus("#new-book-title")
	for id, want := range map[string]string{"new-book-title": "Fantastic Mr Fox", "new-book-author": "Roald Dahl", "new-book-pages": "96"} {
		if got := p.value(id); got != want {
			t.Errorf("%s = %q, want %q", id, got, want)
		}
	}
	p.loads("press Enter to add", typed(kb.Enter))
	if got := p.path(); got != "/books" {
		t.Errorf("after adding, the tab shows %s", got)
	}
	rows := p.rows()
	if len(rows) != 1 || rows[0].Title != "Fantastic Mr Fox" {
		t.Fatalf("rows = %+v", rows)
	}
	b, err := p.storedBook(p.idOf(rows[0]))
	if err != nil || b.Pages != 96 || b.ISBN != fox || b.Cover == "" {
		t.Errorf("stored book = %+v, %v", b, err)
	}
}

// TestFillInByKeyboard fills a book in from the catalogue on its page with the keyboard alone:
// the ISBN, Enter, the comparison with the focus on its first box, Space to tick the title,
// then Save; the page shows the new title without a reload.
func TestFillInByKeyboard(t *testing.T) {
	const fox = "9780140328721"
	f := cataloguetest.New(t)
	f.AddBook(fox, "Fantastic Mr Fox", 96, map[string]string{"/authors/OL34184A": "Roald Dahl"}, false)
	p := signedIn(t, withCatalogue(f.URL()))
	book := p.addBook("Mr Fox", "Roald Dahl", "Children")
	p.open(fmt.Sprintf("/books/%d", book.ID))

	p.tabTo("#catalogue-isbn")
	p.press(fox)
	p.press(kb.Enter)
	p.waitFocus("#take-title")
	if eval[bool](p, `document.getElementById('take-title').checked`) {
		t.Errorf("the title, which the book has, is ticked before the reader ticks it")
	}
	if !eval[bool](p, `document.getElementById('take-pages').checked`) {
		t.Errorf("the pages, which the book lacks, are not ticked")
	}
	p.press(" ")
	p.tabTo("#catalogue-save")
	p.press(kb.Enter)
	p.waitUntil("the fields are taken", `document.querySelector('#book-catalogue [role="status"]') !== null`)
	p.stillSamePage()
	if got := p.text(`#book-main h1 [data-testid="title"]`); got != "Fantastic Mr Fox" {
		t.Errorf("the page's title = %q", got)
	}
	if got := p.text(`#fact-format [data-testid="format"]`); got != "Paperback, 96 pages" {
		t.Errorf("the page's pages = %q", got)
	}
	b, err := p.storedBook(book.ID)
	if err != nil || b.Title != "Fantastic Mr Fox" || b.Pages != 96 || b.ISBN != fox {
		t.Errorf("stored book = %+v, %v", b, err)
	}
}
