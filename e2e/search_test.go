package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/bookcase/bookcase/data"
)

// titles are the titles of the rows shown, top to bottom.
func (p *page) titles() []string {
	p.t.Helper()
	var out []string
	for _, r := range p.rows() {
		out = append(out, r.Title)
	}
	return out
}

// waitTitles waits until the rows shown are exactly want, in order.
func (p *page) waitTitles(what string, want ...string) {
	p.t.Helper()
	quoted := make([]string, len(want))
	for i, w := range want {
		quoted[i] = fmt.Sprintf("%q", w)
	}
	p.waitUntil(what, fmt.Sprintf(
		`JSON.stringify(Array.from(document.querySelectorAll('#book-list > tr.book .title a'), a => a.textContent)) === JSON.stringify([%s]) && %s`,
		strings.Join(quoted, ","), settled))
}

func searchShelf(p *page) {
	p.t.Helper()
	for _, b := range [][3]string{
		{"The Hobbit", "J. R. R. Tolkien", "Fantasy"},
		{"Cien años de soledad", "Gabriel García Márquez", "Novel"},
		{"The Fellowship of the Ring", "J. R. R. Tolkien", "Fantasy"},
		{"Solaris", "Stanisław Lem", "Science fiction"},
		{"Dune", "Frank Herbert", "Science fiction"},
	} {
		p.addBook(b[0], b[1], b[2])
	}
	other := p.newReader("grace")
	p.addBookFor(other, "The Silmarillion", "J. R. R. Tolkien", "Fantasy")
}

// TestSearchAsYouType types into the search box: the list follows each pause in typing, in place,
// with the address kept up to date but no history entry per letter; Back returns to the view
// before the last change, search and all.
func TestSearchAsYouType(t *testing.T) {
	p := signedIn(t)
	searchShelf(p)
	p.open("/books")
	start := eval[int](p, `history.length`)

	p.do("click the search box", chromedp.Click(chromedp.CSS("#search")))
	p.press("tolk")
	p.waitTitles("Tolkien's books (and never another reader's)", "The Fellowship of the Ring", "The Hobbit")
	p.waitUntil("the address says what was searched", `location.search === '?q=tolk'`)
	if got := p.text("[data-testid=matches]"); got != "2 books match." {
		t.Errorf("matches = %q", got)
	}
	p.waitFocus("#search")

	for range 4 {
		p.press(kb.Backspace)
	}
	p.press("GARCIA marq")
	p.waitTitles("accents and case are ignored", "Cien años de soledad")
	p.waitUntil("the address follows", `location.search === '?q=GARCIA+marq'`)
	p.stillSamePage()
	if got := eval[int](p, `history.length`); got != start {
		t.Errorf("history grew from %d to %d entries while typing", start, got)
	}

	// Sorting is a new view: Back returns to the search as it was.
	p.do("sort by author", chromedp.Click(chromedp.CSS("th.author a")))
	p.waitUntil("sorted by author", `location.search === '?q=GARCIA+marq&sort=author'`)
	p.do("clear the search", chromedp.Click(chromedp.CSS("#search")))
	eval[chromedp.Void](p, `document.getElementById('search').value = ''`)
	p.press(" ")
	p.press(kb.Backspace)
	// By the first author's sort name: García Márquez, Herbert, Lem, Tolkien.
	p.waitTitles("every book again, by author", "Cien años de soledad", "Dune", "Solaris", "The Hobbit", "The Fellowship of the Ring")
	eval[chromedp.Void](p, `history.back()`)
	p.waitUntil("Back restores the search", `location.search === '?q=GARCIA+marq' && document.getElementById('search').value === 'GARCIA marq'`)
	p.waitTitles("Back restores its results", "Cien años de soledad")
	p.stillSamePage()
}

// TestSortByClicking orders the library by clicking column headings and with the keyboard, keeps
// the order across "Load more", and goes back through the orders with Back.
func TestSortByClicking(t *testing.T) {
	p := signedIn(t)
	for i := range 55 {
		p.addBook(fmt.Sprintf("Book %03d", (i*37)%55), fmt.Sprintf("Author %02d", i%13), "")
	}
	var byTitle []string
	for i := range 55 {
		byTitle = append(byTitle, fmt.Sprintf("Book %03d", i))
	}
	p.open("/books")

	p.do("click the Title heading", chromedp.Click(chromedp.CSS("th.title a")))
	p.waitTitles("A to Z", byTitle[:50]...)
	p.waitUntil("the heading says so", `document.querySelector('th.title').getAttribute('aria-sort') === 'ascending' && location.search === '?sort=title'`)

	p.waitUntil("the results have settled", settled)
	p.do("load more", chromedp.Click(chromedp.CSS("#load-more a")))
	p.waitTitles("the next page continues the order", byTitle...)

	// The keyboard: the heading link has the focus after the click; Enter reverses the order.
	p.do("focus the Title heading", chromedp.Focus(chromedp.CSS("th.title a")))
	p.press(kb.Enter)
	reversed := slices.Clone(byTitle)
	slices.Reverse(reversed)
	p.waitTitles("Z to A", reversed[:50]...)
	p.waitUntil("the address says so", `location.search === '?sort=title&dir=desc' && document.querySelector('th.title').getAttribute('aria-sort') === 'descending'`)
	p.stillSamePage()

	eval[chromedp.Void](p, `history.back()`)
	p.waitUntil("Back returns to A to Z", `location.search === '?sort=title'`)
	p.waitTitles("A to Z again", byTitle[:50]...)
	eval[chromedp.Void](p, `history.back()`)
	p.waitUntil("Back returns to newest first", `location.search === ''`)
	p.waitUntil("newest first", `document.querySelector('th.added').getAttribute('aria-sort') === 'descending'`)
	p.stillSamePage()
}

// TestSearchWithTabsAndGenre combines a search with a status tab and the genre filter.
func TestSearchWithTabsAndGenre(t *testing.T) {
	p := signedIn(t)
	searchShelf(p)
	hobbit := p.addBook("The Two Towers", "J. R. R. Tolkien", "Fantasy")
	if _, err := p.reading.SetStatus(context.Background(), p.reader.id, hobbit.ID, data.StatusRead, hobbit.CreatedAt); err != nil {
		t.Fatal(err)
	}
	p.open("/books?q=tolkien")
	p.waitTitles("the search", "The Two Towers", "The Fellowship of the Ring", "The Hobbit")
	p.do("click the Read tab", chromedp.Click(chromedp.CSS(`#filters a[href="/books?q=tolkien&status=read"]`)))
	p.waitTitles("read books by Tolkien", "The Two Towers")
	p.waitUntil("the address keeps both", `location.search === '?q=tolkien&status=read'`)
	// The search form keeps the tab: a new search stays within read books.
	p.do("click the search box", chromedp.Click(chromedp.CSS("#search")))
	p.press(kb.Backspace)
	p.waitUntil("the address keeps the tab", `location.search === '?q=tolkie&status=read'`)
	p.waitTitles("still only read books", "The Two Towers")

	p.open("/books")
	p.do("choose a genre", chromedp.SetValue(chromedp.CSS("#genre"), "Science fiction"))
	eval[chromedp.Void](p, `document.getElementById('genre').dispatchEvent(new Event('change', {bubbles: true}))`)
	p.waitTitles("science fiction", "Dune", "Solaris")
	p.waitUntil("the address has the genre", `location.search === '?genre=Science+fiction'`)
	p.stillSamePage()
}

// TestSearchWithoutJavaScript searches with a plain form.
func TestSearchWithoutJavaScript(t *testing.T) {
	p := signedIn(t, withoutJavaScript)
	searchShelf(p)
	p.visit("/books")
	p.do("type a search", chromedp.SendKeys(chromedp.CSS("#search"), "solar"))
	if status := p.loads("submit the search", chromedp.Click(chromedp.CSS("#library-search button[type=submit]"))); status != 200 {
		t.Fatalf("status %d", status)
	}
	if got := p.titles(); !slices.Equal(got, []string{"Solaris"}) {
		t.Errorf("rows %q", got)
	}
	if q := p.location().Query().Get("q"); q != "solar" {
		t.Errorf("q = %q", q)
	}
	if status := p.loads("sort by title", chromedp.Click(chromedp.CSS("th.title a"))); status != 200 {
		t.Fatalf("status %d", status)
	}
	if got := p.location().RawQuery; got != "q=solar&sort=title" {
		t.Errorf("query = %q", got)
	}
}

// TestFilterByFormatFromKeyboard reaches the format filter with Tab from the search box and picks
// Audiobook with the arrow keys: the list follows, the address carries the format, and the genre
// chosen before still applies.
func TestFilterByFormatFromKeyboard(t *testing.T) {
	p := signedIn(t)
	searchShelf(p)
	for _, title := range []string{"Dune", "The Hobbit"} {
		page, err := p.books.Find(context.Background(), p.reader.id, data.BookQuery{Search: title})
		if err != nil || len(page.Books) != 1 {
			t.Fatalf("find %q: %v, %d books", title, err, len(page.Books))
		}
		b := page.Books[0]
		if _, err := p.books.Update(context.Background(), p.reader.id, b.ID, data.BookInput{Title: b.Title, Author: b.Author, Genre: b.Genre, Format: data.FormatAudiobook}); err != nil {
			t.Fatal(err)
		}
	}
	p.open("/books?genre=Science+fiction")
	p.waitTitles("science fiction", "Dune", "Solaris")
	p.do("click the search box", chromedp.Click(chromedp.CSS("#search")))
	p.press(kb.Tab)
	p.waitFocus("#genre")
	p.press(kb.Tab)
	p.waitFocus("#format")
	// All formats, Paperback, Hardcover, Ebook, Audiobook.
	for range 4 {
		p.press(kb.ArrowDown)
	}
	p.waitUntil("Audiobook chosen", `document.getElementById('format').value === 'audiobook'`)
	p.waitTitles("science fiction audiobooks", "Dune")
	p.waitUntil("the address has the genre and the format", `location.search === '?genre=Science+fiction&format=audiobook'`)
	p.stillSamePage()
}
