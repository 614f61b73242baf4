package e2e

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/bookcase/bookcase/data"
)

// contributorNames are the names of the contributors of the reader's book id, in order.
func (p *page) contributorNames(id int64) []string {
	p.t.Helper()
	cs, err := p.authors.OfBook(context.Background(), p.reader.id, id)
	if err != nil {
		p.t.Fatalf("contributors of book %d: %v", id, err)
	}
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

// options is the JavaScript for the values of the datalist id's options, joined by '|'.
func options(id string) string {
	return `Array.from(document.querySelectorAll('#` + id + ` option'), o => o.value).join('|')`
}

// pick takes the suggestion value of the datalist under the input id, as the browser does when the
// reader chooses it from the list it shows (Down, then Enter): headless Chromium draws no such
// list, so the test does what choosing does, the value set and an input event.
func (p *page) pick(id, value string) {
	p.t.Helper()
	p.waitUntil("the suggestion "+value+" is offered", `Array.from(document.getElementById('`+id+`').list.options, o => o.value).includes(`+strconv.Quote(value)+`)`)
	eval[chromedp.Void](p, `(() => { const i = document.getElementById('`+id+`'); i.value = `+strconv.Quote(value)+`;
		i.dispatchEvent(new InputEvent('input', {bubbles: true, inputType: 'insertReplacementText', data: `+strconv.Quote(value)+`})); })()`)
}

// TestAddBookWithTwoAuthors adds a book with two authors from the keyboard alone: the second is
// one of the reader's authors, offered by the author field as its first letters are typed (the
// text typed with the name completed), and picked from the suggestions. The book has both as contributors, in order, the second the author the reader had.
func TestAddBookWithTwoAuthors(t *testing.T) {
	p := signedIn(t)
	mort := p.addBook("Mort", "Terry Pratchett", "Fantasy")
	before := p.contributorNames(mort.ID)
	p.open("/books")
	p.toNewBook()
	p.press("Good Omens")
	p.press(kb.Tab)
	p.waitFocus("#new-book-author")
	p.press("Neil Gaiman, Terry Pr")
	p.waitUntil("the field suggests the reader's author", options("new-book-author-names")+` === 'Neil Gaiman, Terry Pratchett'`)
	p.pick("new-book-author", "Neil Gaiman, Terry Pratchett")
	p.waitFocus("#new-book-author")
	p.press(kb.Tab)
	p.press("Fantasy")
	p.press(kb.Enter)
	p.waitUntil("the new book is listed", `document.querySelectorAll('#book-list > tr.book').length === 2`)
	rows := p.rows()
	if want := (row{ID: rows[0].ID, Title: "Good Omens", Author: "Neil Gaiman, Terry Pratchett", Genre: "Fantasy"}); rows[0] != want {
		t.Errorf("new row %+v, want %+v", rows[0], want)
	}
	id := p.idOf(rows[0])
	if got, want := p.contributorNames(id), []string{"Neil Gaiman", "Terry Pratchett"}; !slices.Equal(got, want) {
		t.Errorf("contributors %q, want %q", got, want)
	}
	list, err := p.authors.List(context.Background(), p.reader.id, data.AuthorQuery{Sort: data.AuthorsByBooks})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Authors) != 2 || list.Authors[0].Name != "Terry Pratchett" || list.Authors[0].Books != 2 || len(before) != 1 {
		t.Errorf("authors %+v, want Terry Pratchett (the one the reader had) with 2 books, and Neil Gaiman", list.Authors)
	}
	p.stillSamePage()
}

// TestAuthorPageAndMerge goes from the library to the list of authors (the nav's Authors link),
// opens an author's page with their books and counts, and merges them into another author
// picked from the merge field's suggestions, all from the keyboard: the page becomes the other
// author's, with every book.
func TestAuthorPageAndMerge(t *testing.T) {
	p := signedIn(t)
	ctx := context.Background()
	p.addBook("Mort", "Terry Pratchett", "Fantasy")
	p.addBook("Good Omens", "Terry Pratchett, Neil Gaiman", "Fantasy")
	rites := p.addBook("Equal Rites", "T. Pratchett", "Fantasy")
	if _, err := p.reading.SetStatus(ctx, p.reader.id, rites.ID, data.StatusRead, time.Time{}); err != nil {
		t.Fatal(err)
	}
	p.open("/books")
	p.tabTo(`nav.site-nav a[href="/authors"]`)
	p.loads("open the list of authors", typed(kb.Enter))
	// By sort name: Gaiman, Pratchett (T.), Pratchett (Terry).
	names := `Array.from(document.querySelectorAll('#authors-results tbody th a'), a => a.textContent.trim()).join('|')`
	p.waitUntil("the authors are listed by sort name", names+` === 'Neil Gaiman|T. Pratchett|Terry Pratchett'`)

	p.tabTo(`#authors-results tbody th a[href$="/` + strconv.FormatInt(p.authorID("T. Pratchett"), 10) + `"]`)
	p.loads("open T. Pratchett's page", typed(kb.Enter))
	if got := p.text("#author-name"); got != "T. Pratchett" {
		t.Errorf("heading %q, want T. Pratchett", got)
	}
	if got := p.text(`[data-testid="author-counts"]`); got != "1 book: 1 read, 0 unread." {
		t.Errorf("counts %q", got)
	}
	if got := p.titles(); !slices.Equal(got, []string{"Equal Rites"}) {
		t.Errorf("books %q, want Equal Rites", got)
	}

	p.tabTo("#field-into")
	p.press("Terr")
	p.waitUntil("the merge field suggests the other author", options("merge-into-names")+` === 'Terry Pratchett'`)
	p.pick("field-into", "Terry Pratchett")
	p.tabTo("#merge-author")
	p.loads("merge", typed(kb.Enter))
	p.waitUntil("the page is Terry Pratchett's, with every book", `document.getElementById('author-name').textContent.trim() === 'Terry Pratchett' && `+
		`document.querySelector('[data-testid="author-counts"]').textContent.trim() === '3 books: 1 read, 2 unread.'`)
	if got := p.titles(); !slices.Equal(got, []string{"Equal Rites", "Good Omens", "Mort"}) {
		t.Errorf("books %q, want all three by title", got)
	}
	if got := p.contributorNames(rites.ID); !slices.Equal(got, []string{"Terry Pratchett"}) {
		t.Errorf("Equal Rites' contributors %q, want Terry Pratchett", got)
	}
}

// authorID is the id of the reader's author name.
func (p *page) authorID(name string) int64 {
	p.t.Helper()
	a, err := p.authors.ByName(context.Background(), p.reader.id, name)
	if err != nil {
		p.t.Fatalf("author %q: %v", name, err)
	}
	return a.ID
}

// authorWithBooks gives the reader n books by one author, titled "Ancillary 000" on, and opens
// the author's page: the first page of their books.
func (p *page) authorWithBooks(n int) {
	p.t.Helper()
	for i := range n {
		if _, err := p.books.Create(context.Background(), p.reader.id, data.BookInput{Title: fmt.Sprintf("Ancillary %03d", i), Author: "Ann Leckie"}); err != nil {
			p.t.Fatal(err)
		}
	}
	p.open("/authors/" + strconv.FormatInt(p.authorID("Ann Leckie"), 10))
	if got := len(p.rows()); got != data.AuthorBooksPageSize {
		p.t.Fatalf("the author's first page has %d rows, want %d", got, data.AuthorBooksPageSize)
	}
	if got, want := p.text(`[data-testid="author-counts"]`), fmt.Sprintf("%d books: 0 read, %d unread.", n, n); got != want {
		p.t.Errorf("counts %q, want %q", got, want)
	}
}

// TestAuthorPageLoadMore loads the rest of an author's books from the keyboard: "Load more
// books" brings them in place, by title, and the focus goes to the first book it brought.
func TestAuthorPageLoadMore(t *testing.T) {
	p := signedIn(t)
	n := data.AuthorBooksPageSize + 5
	p.authorWithBooks(n)
	p.do("focus Load more", chromedp.Focus(chromedp.CSS("#load-more a")))
	p.press(kb.Enter)
	p.waitUntil("every book is listed", `document.querySelectorAll('#book-list > tr.book').length === `+strconv.Itoa(n))
	p.do("wait for Load more to go", chromedp.WaitNotPresent(chromedp.CSS("#load-more")))
	titles := p.titles()
	for i, title := range titles {
		if want := fmt.Sprintf("Ancillary %03d", i); title != want {
			t.Fatalf("row %d is %q, want %q", i, title, want)
		}
	}
	rows := p.rows()
	p.waitFocus("#" + rows[data.AuthorBooksPageSize].ID + " .title a")
	p.stillSamePage()
}

// TestAuthorPageLoadMoreWithoutJavaScript follows "Load more books" as a link: the page that
// starts after the first page's books, with the author and the counts, and a way back.
func TestAuthorPageLoadMoreWithoutJavaScript(t *testing.T) {
	p := signedIn(t, withoutJavaScript)
	n := data.AuthorBooksPageSize + 5
	p.authorWithBooks(n)
	p.do("focus Load more", chromedp.Focus(chromedp.CSS("#load-more a")))
	p.loads("follow Load more", typed(kb.Enter))
	var want []string
	for i := data.AuthorBooksPageSize; i < n; i++ {
		want = append(want, fmt.Sprintf("Ancillary %03d", i))
	}
	if got := p.titles(); !slices.Equal(got, want) {
		t.Errorf("the next page's books %q, want %q", got, want)
	}
	if got := p.text("#author-name"); got != "Ann Leckie" {
		t.Errorf("heading %q", got)
	}
	if got := eval[int](p, `document.querySelectorAll('#load-more').length`); got != 0 {
		t.Error("the last page has Load more")
	}
	p.loads("go back to the first page", chromedp.Click(chromedp.CSS(`a[href="/authors/`+strconv.FormatInt(p.authorID("Ann Leckie"), 10)+`"]`)))
	if got := len(p.rows()); got != data.AuthorBooksPageSize {
		t.Errorf("the first page again has %d rows", got)
	}
}

// TestContributorsInPlace edits a book's contributors in their place on its page with the
// keyboard: Enter on Edit opens the list, Up on the second line moves it first and keeps the list
// open with the focus on the same button, a role is chosen with the arrow keys, Enter in a name
// saves (not the first line's Remove, the first button in the form), and Escape puts the list
// back unchanged.
func TestContributorsInPlace(t *testing.T) {
	p := signedIn(t)
	sandman := p.addBook("Sandman", "Neil Gaiman, Dave McKean", "Comics")
	p.open("/books/" + strconv.FormatInt(sandman.ID, 10))
	if got := p.factText("author"); got != "Neil Gaiman, Dave McKean" {
		t.Errorf("the page shows %q", got)
	}
	p.tabTo("#edit-author")
	p.openFact("author")
	p.tabTo("#contributor-up-2")
	p.markOld("fact-author")
	p.press(kb.Enter)
	p.waitUntil("Dave McKean is first", swapped("fact-author")+` && document.getElementById('field-author').value === 'Dave McKean'`)
	p.waitFocus("#contributor-up-2")
	if got := p.text("#fact-author [role=status]"); got != "Moved Dave McKean up." {
		t.Errorf("the list says %q", got)
	}
	if got, want := p.contributorNames(sandman.ID), []string{"Dave McKean", "Neil Gaiman"}; !slices.Equal(got, want) {
		t.Errorf("contributors %q, want %q", got, want)
	}
	p.tabBackTo("#contributor-role-1")
	p.press(kb.ArrowDown) // author, then translator, editor, illustrator
	p.press(kb.ArrowDown)
	p.press(kb.ArrowDown)
	p.waitUntil("illustrator is chosen", `document.getElementById('contributor-role-1').value === 'illustrator'`)
	p.tabBackTo("#field-author")
	p.markOld("fact-author")
	p.press(kb.Enter)
	p.closed("author")
	if got := p.factText("author"); got != "Dave McKean (illustrator), Neil Gaiman" {
		t.Errorf("the page shows %q", got)
	}
	if got, want := p.contributorNames(sandman.ID), []string{"Dave McKean", "Neil Gaiman"}; !slices.Equal(got, want) {
		t.Errorf("contributors %q, want %q, none removed", got, want)
	}

	p.openFact("author")
	p.replaceText("Someone else")
	p.markOld("fact-author")
	p.press(kb.Escape)
	p.closed("author")
	if got := p.factText("author"); got != "Dave McKean (illustrator), Neil Gaiman" {
		t.Errorf("after Escape the page shows %q", got)
	}
	p.stillSamePage()
}

// TestAuthorsListPages pages through a list of 101 authors with Enter on its links: "More
// authors" brings the page after the hundredth (htmx, the address bar following it, ?after=), and
// "First authors", tabbed to, the first page again.
func TestAuthorsListPages(t *testing.T) {
	p := signedIn(t)
	for i := range data.AuthorsPageSize + 1 {
		p.addBook(fmt.Sprintf("Book %d", i), fmt.Sprintf("Writer %03d", i), "")
	}
	p.open("/authors")
	names := `Array.from(document.querySelectorAll('#authors-results tbody th a'), a => a.textContent.trim())`
	p.waitUntil("the first hundred authors are listed", names+`.length === 100 && `+names+`[0] === 'Writer 000'`)
	// A hundred names are too many to Tab past: the link has the focus as if tabbed to.
	p.waitUntil("the link to the next page has the focus", `(document.querySelector('[data-testid="authors-next"]').focus(), document.activeElement.matches('[data-testid="authors-next"]'))`)
	p.press(kb.Enter)
	p.waitUntil("the page after the hundredth author is listed", names+`.join('|') === 'Writer 100'`)
	if got, want := eval[string](p, `location.search`), "?after="+strconv.FormatInt(p.authorID("Writer 099"), 10); got != want {
		t.Errorf("address %q, want %q", got, want)
	}
	p.tabTo(`[data-testid="authors-first"]`)
	p.press(kb.Enter)
	p.waitUntil("the first page is listed again", names+`.length === 100 && `+names+`[0] === 'Writer 000'`)
	p.stillSamePage()
}
