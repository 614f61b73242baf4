package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/bookcase/bookcase/data"
)

// authorPath is a path under /authors.
func authorPath(id int64, action ...string) string {
	return strings.Join(append([]string{"/authors/" + strconv.FormatInt(id, 10)}, action...), "/")
}

// authorNamed is the id of the reader's author of that name, or fails the test.
func (a *testApp) authorNamed(name string) int64 {
	a.t.Helper()
	list, err := a.db.Authors().List(a.t.Context(), a.reader.ID, data.AuthorQuery{Search: name})
	if err != nil {
		a.t.Fatal(err)
	}
	for _, x := range list.Authors {
		if x.Name == name {
			return x.ID
		}
	}
	a.t.Fatalf("no author %q", name)
	return 0
}

// contributors lists the book's contributors as stored, "Name/role".
func (a *testApp) contributors(id int64) []string {
	a.t.Helper()
	cs, err := a.db.Authors().OfBook(a.t.Context(), a.reader.ID, id)
	if err != nil {
		a.t.Fatal(err)
	}
	var out []string
	for _, c := range cs {
		out = append(out, c.Name+"/"+string(c.Role))
	}
	return out
}

func TestAuthorsList(t *testing.T) {
	a := newTestApp(t)
	a.create("Good Omens", "Terry Pratchett & Neil Gaiman", "")
	a.create("Sandman", "Neil Gaiman", "")
	read := a.create("The Hobbit", "Tolkien, J.R.R.", "")
	if _, err := a.reading.SetStatus(t.Context(), a.reader.ID, read.ID, data.StatusRead, time.Now()); err != nil {
		t.Fatal(err)
	}
	names := func(s *goquery.Selection) []string {
		var out []string
		s.Find("[data-testid=authors-list] tbody th a").Each(func(_ int, x *goquery.Selection) { out = append(out, x.Text()) })
		return out
	}
	doc := a.get(plain, "/authors").page(t)
	one(t, doc, `nav.site-nav a[href="/authors"]`)
	if got, want := names(doc.Selection), []string{"Neil Gaiman", "Terry Pratchett", "J.R.R. Tolkien"}; !slices.Equal(got, want) {
		t.Errorf("authors %q, want %q by sort name", got, want)
	}
	row := one(t, doc, "[data-testid=authors-list] tbody tr:last-child")
	wantText(t, one(t, row, "td:nth-of-type(1)"), "1")
	wantText(t, one(t, row, "td:nth-of-type(2)"), "1")

	// Searched as the reader types (htmx: the results alone), by surname too.
	res := a.get(htmx, "/authors?q=pratch")
	res.wantStatus(t, http.StatusOK)
	if got := names(res.parts(t).Selection); !slices.Equal(got, []string{"Terry Pratchett"}) {
		t.Errorf("search pratch: %q", got)
	}
	if !strings.Contains(res.Header.Get("Vary"), "HX-Request") {
		t.Errorf("Vary %q, want HX-Request", res.Header.Get("Vary"))
	}
	// By books, most first.
	if got := names(a.get(plain, "/authors?sort=books").page(t).Selection); got[0] != "Neil Gaiman" {
		t.Errorf("by books: %q, want Neil Gaiman first", got)
	}
	wantText(t, one(t, a.get(plain, "/authors?q=zzz").page(t), "[data-testid=authors-empty]"), "No authors match “zzz”.")
	// Paged: a hundred to a page, the next after the last author of the page before (plain
	// links, without JavaScript), and back to the first.
	for i := range data.AuthorsPageSize {
		a.create("Book "+strconv.Itoa(i), "Writer "+strconv.Itoa(1000+i), "")
	}
	doc = a.get(plain, "/authors").page(t)
	next := one(t, doc, "[data-testid=authors-next]")
	if got := len(names(doc.Selection)); got != data.AuthorsPageSize {
		t.Errorf("first page has %d authors, want %d", got, data.AuthorsPageSize)
	}
	if doc.Find("[data-testid=authors-first]").Length() != 0 {
		t.Error("the first page links to the first page")
	}
	href := attr(t, next, "href")
	if want := "/authors?after=" + strconv.FormatInt(a.authorNamed("Writer 1099"), 10); href != want {
		t.Errorf("next page %q, want %q: after the hundredth by sort name (\"1099, Writer\")", href, want)
	}
	doc = a.get(plain, href).page(t)
	if got, want := names(doc.Selection), []string{"Neil Gaiman", "Terry Pratchett", "J.R.R. Tolkien"}; !slices.Equal(got, want) {
		t.Errorf("second page %q, want %q", got, want)
	}
	one(t, doc, "[data-testid=authors-first][href='/authors']")
	if doc.Find("[data-testid=authors-next]").Length() != 0 {
		t.Error("the last page links to a page after it")
	}
	// htmx asks for the results alone, with the same links.
	res = a.get(htmx, href)
	res.wantStatus(t, http.StatusOK)
	part := res.parts(t)
	if got := names(part.Selection); len(got) != 3 {
		t.Errorf("second page (htmx) %q", got)
	}
	wantAttr(t, one(t, part, "[data-testid=authors-first]"), "hx-get", "/authors")
	// By most books, the order and search kept in the links.
	doc = a.get(plain, "/authors?sort=books").page(t)
	byBooks := attr(t, one(t, doc, "[data-testid=authors-next]"), "href")
	if !strings.HasPrefix(byBooks, "/authors?after=") || !strings.HasSuffix(byBooks, "&sort=books") {
		t.Errorf("next page by books %q", byBooks)
	}
	if got := len(names(a.get(plain, byBooks).page(t).Selection)); got != 3 {
		t.Errorf("second page by books has %d authors, want 3", got)
	}
	// A page after no author of the reader's: 400, with a message.
	for _, bad := range []string{"/authors?after=x", "/authors?after=-1", "/authors?after=999999"} {
		a.get(plain, bad).wantStatus(t, http.StatusBadRequest)
	}
	// Signed out: to the login page.
	if res := a.browser().get(plain, "/authors"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("signed out: %d, want 303", res.StatusCode)
	}
}

func TestAuthorPage(t *testing.T) {
	a := newTestApp(t)
	b1 := a.create("Good Omens", "Terry Pratchett & Neil Gaiman", "")
	b2 := a.create("Sandman", "Neil Gaiman", "")
	a.create("Dune", "Frank Herbert", "")
	if _, err := a.reading.SetStatus(t.Context(), a.reader.ID, b2.ID, data.StatusRead, time.Now()); err != nil {
		t.Fatal(err)
	}
	id := a.authorNamed("Neil Gaiman")
	doc := a.get(plain, authorPath(id)).page(t)
	wantText(t, one(t, doc, "h1#author-name"), "Neil Gaiman")
	wantText(t, one(t, doc, "[data-testid=author-counts]"), "2 books: 1 read, 1 unread.")
	// The library's rows, with their status links and Edit.
	if got, want := rowIDs(t, doc.Find("#book-list")), []int64{b1.ID, b2.ID}; !slices.Equal(got, want) {
		t.Errorf("rows %v, want %v by title", got, want)
	}
	wantText(t, one(t, doc, "#book-"+strconv.FormatInt(b2.ID, 10)+" td.status a"), "Read")
	wantAttr(t, one(t, doc, "#field-name"), "value", "Neil Gaiman")
	wantAttr(t, one(t, doc, "#field-sort_name"), "value", "Gaiman, Neil")
	// The book page links each contributor to their page.
	one(t, a.get(plain, bookPath(b1.ID)).page(t), `#fact-author [data-testid="author"] a[href="`+authorPath(id)+`"]`)

	for _, target := range []string{"/authors/0", "/authors/abc", "/authors/999999"} {
		a.get(plain, target).wantStatus(t, http.StatusNotFound)
	}
	mallory := a.browser()
	mallory.signIn(mallory.addUser("mallory"))
	for _, m := range modes {
		mallory.get(m, authorPath(id)).wantStatus(t, http.StatusNotFound)
	}
}

// TestAuthorPagePages pages an author's books: the first page of a hundred and three books by
// title with the counts of all of them and "Load more books", which htmx follows for the next
// page's rows alone (the first marked for the focus) and which, without JavaScript, is the page
// that starts there; a cursor not made by the store is a 400, and another reader gets a 404.
func TestAuthorPagePages(t *testing.T) {
	a := newTestApp(t)
	n := 2*data.AuthorBooksPageSize + 3
	var byTitle []int64
	for i := range n {
		byTitle = append(byTitle, a.create(fmt.Sprintf("Ancillary %03d", i), "Ann Leckie", "").ID)
	}
	a.create("Dune", "Frank Herbert", "")
	id := a.authorNamed("Ann Leckie")

	var got []int64
	doc := a.get(plain, authorPath(id)).page(t)
	wantText(t, one(t, doc, "[data-testid=author-counts]"), fmt.Sprintf("%d books: 0 read, %d unread.", n, n))
	got = append(got, rowIDs(t, doc.Find("#book-list"))...)
	more := attr(t, one(t, doc, "#load-more a"), "href")
	if !strings.HasPrefix(more, authorPath(id)+"?cursor=") {
		t.Fatalf("Load more = %q, want the author's page with a cursor", more)
	}
	wantAttr(t, one(t, doc, "#load-more a"), "hx-get", more)
	if doc.Find("a:contains('First page of books')").Length() != 0 {
		t.Error("the first page links to the first page")
	}

	frag := a.get(htmx, more).fragment(t)
	wantFocusOnFirstBook(t, frag)
	got = append(got, rowIDs(t, frag.Parent())...)
	last := attr(t, one(t, frag.Parent(), "#load-more a"), "href")

	// Without JavaScript, the link is a page of its own: the author, the counts, the rows.
	page := a.get(plain, last).page(t)
	wantText(t, one(t, page, "h1#author-name"), "Ann Leckie")
	wantAttr(t, one(t, page, "a:contains('First page of books by Ann Leckie')"), "href", authorPath(id))
	got = append(got, rowIDs(t, page.Find("#book-list"))...)
	if page.Find("#load-more").Length() != 0 {
		t.Error("the last page has Load more")
	}
	if !slices.Equal(got, byTitle) {
		t.Errorf("the pages' rows (%d) are not the author's %d books by title", len(got), len(byTitle))
	}

	for _, m := range modes {
		a.get(m, authorPath(id)+"?cursor=broken").wantStatus(t, http.StatusBadRequest)
	}
	mallory := a.browser()
	mallory.signIn(mallory.addUser("mallory"))
	for _, m := range modes {
		mallory.get(m, more).wantStatus(t, http.StatusNotFound)
	}
}

func TestRenameAuthor(t *testing.T) {
	for _, m := range modes {
		t.Run("OK"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			b := a.create("Good Omens", "Terry Pratchett & Neil Gaiman", "")
			id := a.authorNamed("Terry Pratchett")
			a.get(plain, authorPath(id))
			res := a.do(m, http.MethodPost, authorPath(id), url.Values{"name": {"Sir Terry Pratchett"}})
			if m.htmx {
				res.wantStatus(t, http.StatusOK)
				doc := res.parts(t)
				wantText(t, one(t, doc, "#author-edit [role=status]"), "Renamed Sir Terry Pratchett on every book.")
				wantText(t, one(t, doc, "h1#author-name[hx-swap-oob]"), "Sir Terry Pratchett")
			} else {
				res.wantRedirect(t, authorPath(id))
			}
			if got := a.stored(b.ID).Author; got != "Sir Terry Pratchett, Neil Gaiman" {
				t.Errorf("book's author %q after rename", got)
			}
		})
		t.Run("ErrInvalid"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			b := a.create("Good Omens", "Terry Pratchett & Neil Gaiman", "")
			id := a.authorNamed("Terry Pratchett")
			a.get(plain, authorPath(id))
			for typed, msg := range map[string]string{
				" ":                          "Name is required.",
				"Neil Gaiman":                "You have an author of that name already: merge into them instead.",
				"A & B":                      "Write one name, without a role: the roles are set on each book.",
				"X (cook)":                   `"cook" is not a role: write author, translator, editor, illustrator or narrator.`,
				strings.Repeat("x", 251):     "An author's name must be at most 250 characters.",
				"Terry Pratchett (narrator)": "Write one name, without a role: the roles are set on each book.",
			} {
				res := a.do(m, http.MethodPost, authorPath(id), url.Values{"name": {typed}})
				res.wantStatus(t, http.StatusUnprocessableEntity)
				var doc *goquery.Document
				if m.htmx {
					doc = res.parts(t)
				} else {
					doc = res.page(t)
				}
				wantText(t, one(t, doc, "#field-name-error"), msg)
				wantAttr(t, one(t, doc, "#field-name[aria-invalid=true][autofocus]"), "value", typed)
			}
			if got := a.stored(b.ID).Author; got != "Terry Pratchett, Neil Gaiman" {
				t.Errorf("book's author %q, want it kept", got)
			}
		})
	}
}

func TestAuthorSortName(t *testing.T) {
	for _, m := range modes {
		t.Run("OK"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			a.create("Dune", "Frank Herbert", "")
			a.create("One Hundred Years of Solitude", "Mario Vargas Llosa", "")
			id := a.authorNamed("Mario Vargas Llosa")
			a.get(plain, authorPath(id))
			res := a.do(m, http.MethodPost, authorPath(id, "sort-name"), url.Values{"sort_name": {"Vargas Llosa, Mario"}})
			if m.htmx {
				res.wantStatus(t, http.StatusOK)
				wantText(t, one(t, res.parts(t), "#author-edit [role=status]"), "Filed under Vargas Llosa, Mario.")
			} else {
				res.wantRedirect(t, authorPath(id))
			}
			// The library's author order files him under V, after Herbert.
			doc := a.get(plain, "/books?sort=author").page(t)
			var authors []string
			doc.Find("#book-list tr.book td:nth-of-type(1)").Each(func(_ int, s *goquery.Selection) { authors = append(authors, s.Text()) })
			if want := []string{"Frank Herbert", "Mario Vargas Llosa"}; !slices.Equal(authors, want) {
				t.Errorf("by author %q, want %q", authors, want)
			}
		})
		t.Run("ErrInvalid"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			a.create("Dune", "Frank Herbert", "")
			id := a.authorNamed("Frank Herbert")
			a.get(plain, authorPath(id))
			res := a.do(m, http.MethodPost, authorPath(id, "sort-name"), url.Values{"sort_name": {"  "}})
			res.wantStatus(t, http.StatusUnprocessableEntity)
			var doc *goquery.Document
			if m.htmx {
				doc = res.parts(t)
			} else {
				doc = res.page(t)
			}
			wantText(t, one(t, doc, "#field-sort_name-error"), "Sort name is required.")
		})
	}
}

func TestMergeAuthors(t *testing.T) {
	for _, m := range modes {
		t.Run("OK"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			b1 := a.create("The Hobbit", "Tolkien, J.R.R.", "")
			b2 := a.create("The Silmarillion", "John Ronald Reuel Tolkien", "")
			from, into := a.authorNamed("John Ronald Reuel Tolkien"), a.authorNamed("J.R.R. Tolkien")
			a.get(plain, authorPath(from))
			// Named as typed, in another spelling of the same author.
			res := a.do(m, http.MethodPost, authorPath(from, "merge"), url.Values{"into": {"J. R. R. Tolkien"}})
			if m.htmx {
				res.wantStatus(t, http.StatusOK)
				if got := res.Header.Get("HX-Redirect"); got != authorPath(into) {
					t.Errorf("HX-Redirect %q, want %q", got, authorPath(into))
				}
			} else {
				res.wantRedirect(t, authorPath(into))
			}
			for _, b := range []data.Book{b1, b2} {
				if got := a.stored(b.ID).Author; got != "J.R.R. Tolkien" {
					t.Errorf("book %d's author %q after merge", b.ID, got)
				}
			}
			a.get(plain, authorPath(from)).wantStatus(t, http.StatusNotFound)
			wantText(t, one(t, a.get(plain, authorPath(into)).page(t), "[data-testid=author-counts]"), "2 books: 0 read, 2 unread.")
		})
		t.Run("ErrInvalid"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			a.create("The Hobbit", "J.R.R. Tolkien", "")
			id := a.authorNamed("J.R.R. Tolkien")
			a.get(plain, authorPath(id))
			for typed, msg := range map[string]string{
				"Nobody Here":    "You have no author named Nobody Here.",
				"":               "Type the name of one of your authors.",
				"J.R.R. Tolkien": "Choose another author to merge into.",
			} {
				res := a.do(m, http.MethodPost, authorPath(id, "merge"), url.Values{"into": {typed}})
				res.wantStatus(t, http.StatusUnprocessableEntity)
				var doc *goquery.Document
				if m.htmx {
					doc = res.parts(t)
				} else {
					doc = res.page(t)
				}
				wantText(t, one(t, doc, "#field-into-error"), msg)
				wantAttr(t, one(t, doc, "#field-into[aria-invalid=true]"), "value", typed)
			}
		})
		t.Run("ErrNotFoundOtherReader"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			b := a.create("The Hobbit", "J.R.R. Tolkien", "")
			id := a.authorNamed("J.R.R. Tolkien")
			mallory := a.browser()
			mallory.signIn(mallory.addUser("mallory"))
			mallory.create("Mine", "Mallory Writer", "")
			mallory.get(plain, "/books")
			for _, target := range []string{authorPath(id), authorPath(id, "sort-name"), authorPath(id, "merge")} {
				mallory.do(m, http.MethodPost, target, url.Values{"name": {"X Y"}, "sort_name": {"Y, X"}, "into": {"Mallory Writer"}}).
					wantStatus(t, http.StatusNotFound)
			}
			// Her own author, into Ada's by name: none of hers is of that name.
			mine, err := a.db.Authors().ByName(t.Context(), mallory.reader.ID, "Mallory Writer")
			if err != nil {
				t.Fatal(err)
			}
			mallory.do(m, http.MethodPost, authorPath(mine.ID, "merge"), url.Values{"into": {"J.R.R. Tolkien"}}).
				wantStatus(t, http.StatusUnprocessableEntity)
			if got := a.stored(b.ID).Author; got != "J.R.R. Tolkien" {
				t.Errorf("Ada's book's author %q", got)
			}
		})
	}
}

func TestSuggestAuthors(t *testing.T) {
	a := newTestApp(t)
	a.create("Good Omens", "Terry Pratchett & Neil Gaiman", "")
	a.create("The Hobbit", "J.R.R. Tolkien", "")
	mallory := a.browser()
	mallory.signIn(mallory.addUser("mallory"))
	mallory.create("Mine", "Nelly Secret", "")

	options := func(res response) []string {
		t.Helper()
		res.wantStatus(t, http.StatusOK)
		var out []string
		res.parts(t).Find("option").Each(func(_ int, s *goquery.Selection) { out = append(out, attr(t, s, "value")) })
		return out
	}
	for typed, want := range map[string][]string{
		"ne":                   {"Neil Gaiman"},
		"gaim":                 {"Neil Gaiman"},
		"Terry Pratchett, ne":  {"Terry Pratchett, Neil Gaiman"},
		"Terry Pratchett & to": {"Terry Pratchett & J.R.R. Tolkien"},
		"zz":                   nil,
		"":                     nil,
	} {
		got := options(a.get(htmx, "/authors/suggest?"+url.Values{"author": {typed}}.Encode()))
		if !slices.Equal(got, want) {
			t.Errorf("suggestions for %q = %q, want %q", typed, got, want)
		}
	}
	// The other fields that suggest: the merge form's, the book page's contributors'.
	if got := options(a.get(htmx, "/authors/suggest?into=tolk")); !slices.Equal(got, []string{"J.R.R. Tolkien"}) {
		t.Errorf("into=tolk: %q", got)
	}
	if got := options(a.get(htmx, "/authors/suggest?name=tolk")); !slices.Equal(got, []string{"J.R.R. Tolkien"}) {
		t.Errorf("name=tolk: %q", got)
	}
	// Never another reader's.
	if got := options(mallory.get(htmx, "/authors/suggest?author=ne")); !slices.Equal(got, []string{"Nelly Secret"}) {
		t.Errorf("mallory's suggestions %q", got)
	}
	// Without JavaScript: the list of authors with that search.
	a.get(plain, "/authors/suggest?author=Terry+Pratchett,+ne").wantRedirect(t, "/authors?q=ne")

	// The rows' author fields ask for them into their datalist.
	doc := a.get(plain, "/books").page(t)
	input := one(t, doc, "#new-book-author")
	wantAttr(t, input, "hx-get", "/authors/suggest")
	wantAttr(t, input, "list", "new-book-author-names")
	one(t, doc, "datalist#new-book-author-names")
}

// TestBookContributors: the book page's contributors are its author fact, a list edited in its
// place: Save (or Enter) saves the list and closes it, Up and Remove save their change and keep it
// open, saying what they did; a refused list is a 422 beside it with the lines as typed.
func TestBookContributors(t *testing.T) {
	t.Run("Open", func(t *testing.T) {
		a := newTestApp(t)
		b := a.create("Sandman", "Neil Gaiman, Dave McKean (illustrator)", "")
		a.get(plain, bookPath(b.ID))
		doc := a.get(plain, bookPath(b.ID)).page(t)
		fact := one(t, doc, "#book-main div#fact-author:not(.editing)")
		wantText(t, one(t, fact, `[data-testid="author"]`), "Neil Gaiman, Dave McKean (illustrator)")
		if n := fact.Find(`[data-testid="author"] a[href^="/authors/"]`).Length(); n != 2 {
			t.Errorf("%d links to author pages, want 2", n)
		}
		wantAttr(t, one(t, fact, "a#edit-author"), "href", bookPath(b.ID)+"?edit=author")
		none(t, doc, "#book-contributors, input[name=name]")
		for _, m := range modes {
			var doc *goquery.Document
			if m.htmx {
				doc = a.onPage(m, "fact-author", http.MethodGet, bookPath(b.ID)+"?edit=author", nil).parts(t)
			} else {
				doc = a.get(plain, bookPath(b.ID)+"?edit=author").page(t)
			}
			form := one(t, doc, "div#fact-author.editing form")
			wantAttr(t, form, "action", bookPath(b.ID, "contributors"))
			// Enter in a name presses the form's first submit button: a hidden Save.
			first := form.Find(`button[type=submit]`).First()
			wantAttr(t, first, "value", "save")
			if _, ok := first.Attr("hidden"); !ok {
				t.Errorf("%s: the first submit button is %s, want the hidden Save", m.name, first.Text())
			}
			wantAttr(t, one(t, form, "#field-author[autofocus]"), "value", "Neil Gaiman")
			wantAttr(t, one(t, form, "#contributor-name-2"), "value", "Dave McKean")
			wantAttr(t, one(t, form, "#contributor-role-2 option[selected]"), "value", "illustrator")
			one(t, form, "#contributor-up-2")
			one(t, form, "#contributor-name-new")
		}
	})
	for _, m := range modes {
		t.Run("OK"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			b := a.create("Sandman", "Neil Gaiman", "")
			a.get(plain, bookPath(b.ID))
			send := func(names, roles []string, action string) response {
				return a.onPage(m, "fact-author", http.MethodPost, bookPath(b.ID, "contributors"),
					url.Values{"name": names, "role": roles, "action": {action}})
			}
			check := func(res response, done string, want ...string) {
				t.Helper()
				switch {
				case m.htmx && done == "":
					res.wantStatus(t, http.StatusOK)
					doc := res.parts(t)
					one(t, doc, "div#fact-author:not(.editing) a#edit-author[autofocus]")
					none(t, doc, "[role=status], input")
				case m.htmx:
					res.wantStatus(t, http.StatusOK)
					doc := res.parts(t)
					wantText(t, one(t, doc, "div#fact-author.editing [role=status]"), done)
					none(t, doc, "[autofocus]") // the focus stays on the button, which keeps its id
				case done == "":
					res.wantRedirect(t, bookPath(b.ID))
				default:
					res.wantRedirect(t, bookPath(b.ID)+"?edit=author")
				}
				if got := a.contributors(b.ID); !slices.Equal(got, want) {
					t.Errorf("contributors %q, want %q", got, want)
				}
			}
			// Add, with the empty line that adds none.
			check(send([]string{"Neil Gaiman", "Dave McKean"}, []string{"author", "illustrator"}, "save"), "",
				"Neil Gaiman/author", "Dave McKean/illustrator")
			check(send([]string{"Neil Gaiman", "Dave McKean", "Sam Kieth"}, []string{"author", "illustrator", "illustrator"}, ""), "",
				"Neil Gaiman/author", "Dave McKean/illustrator", "Sam Kieth/illustrator")
			// Reorder, remove, change a role.
			check(send([]string{"Neil Gaiman", "Dave McKean", "Sam Kieth", ""}, []string{"author", "illustrator", "illustrator", "author"}, "up-3"),
				"Moved Sam Kieth up.", "Neil Gaiman/author", "Sam Kieth/illustrator", "Dave McKean/illustrator")
			check(send([]string{"Neil Gaiman", "Sam Kieth", "Dave McKean", ""}, []string{"author", "illustrator", "illustrator", "author"}, "remove-2"),
				"Removed Sam Kieth.", "Neil Gaiman/author", "Dave McKean/illustrator")
			check(send([]string{"Neil Gaiman", "Dave McKean"}, []string{"author", "editor"}, "save"), "",
				"Neil Gaiman/author", "Dave McKean/editor")
			if got := a.stored(b.ID).Author; got != "Neil Gaiman, Dave McKean (editor)" {
				t.Errorf("author text %q", got)
			}
		})
		t.Run("ErrInvalid"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			b := a.create("Sandman", "Neil Gaiman", "")
			a.get(plain, bookPath(b.ID))
			fifty := make([]string, 50)
			for i := range fifty {
				fifty[i] = "Person " + strconv.Itoa(i)
			}
			for _, tt := range []struct {
				names, roles []string
				msg          string
			}{
				{[]string{"Neil Gaiman"}, []string{"cook"}, `"cook" is not a role: write author, translator, editor, illustrator or narrator.`},
				{[]string{" ", ""}, []string{"author", "author"}, "A book needs at least one author."},
				{fifty, nil, "A book can have at most 30 contributors."},
				{[]string{strings.Repeat("x", 251)}, nil, "An author's name must be at most 250 characters."},
				{[]string{"A & B", "C"}, nil, "Write one name in each line."},
			} {
				res := a.onPage(m, "fact-author", http.MethodPost, bookPath(b.ID, "contributors"),
					url.Values{"name": tt.names, "role": tt.roles, "action": {"save"}})
				res.wantStatus(t, http.StatusUnprocessableEntity)
				var doc *goquery.Document
				if m.htmx {
					doc = res.parts(t)
					none(t, doc, "#book-main, #fact-title")
				} else {
					doc = res.page(t)
				}
				fact := one(t, doc, "div#fact-author.editing.invalid")
				wantText(t, one(t, fact, "#field-author-error"), tt.msg)
				if len(tt.names) == 2 && tt.names[1] == "C" {
					wantAttr(t, one(t, fact, "#field-author[aria-invalid=true]"), "value", "A & B")
					wantAttr(t, one(t, fact, "#field-author"), "aria-describedby", "field-author-error")
				}
			}
			if got := a.contributors(b.ID); !slices.Equal(got, []string{"Neil Gaiman/author"}) {
				t.Errorf("contributors %q, want them kept", got)
			}
		})
		t.Run("ErrNotFoundOtherReader"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			b := a.create("Sandman", "Neil Gaiman", "")
			mallory := a.browser()
			mallory.signIn(mallory.addUser("mallory"))
			mallory.get(plain, "/books")
			mallory.onPage(m, "fact-author", http.MethodPost, bookPath(b.ID, "contributors"),
				url.Values{"name": {"Mallory"}, "action": {"save"}}).wantStatus(t, http.StatusNotFound)
			if got := a.contributors(b.ID); !slices.Equal(got, []string{"Neil Gaiman/author"}) {
				t.Errorf("contributors %q, want them kept", got)
			}
		})
	}
}

// TestRowAuthorText checks the author text of the new-book and edit rows: two authors typed with
// "&" are saved as two, and the rules' refusals are 422s beside the field, the row as typed.
func TestRowAuthorText(t *testing.T) {
	for _, m := range modes {
		t.Run("OK"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			a.get(plain, "/books")
			res := a.do(m, http.MethodPost, "/books", form("Good Omens", "Terry Pratchett & Neil Gaiman", ""))
			if m.htmx {
				res.wantStatus(t, http.StatusOK)
				wantText(t, one(t, res.fragment(t).Filter("tr.book"), "td:nth-of-type(1)"), "Terry Pratchett, Neil Gaiman")
			} else {
				res.wantRedirect(t, "/books")
			}
			page, err := a.books.Find(t.Context(), a.reader.ID, data.BookQuery{})
			if err != nil || len(page.Books) != 1 {
				t.Fatalf("Find = %+v, %v", page, err)
			}
			if got := a.contributors(page.Books[0].ID); !slices.Equal(got, []string{"Terry Pratchett/author", "Neil Gaiman/author"}) {
				t.Errorf("contributors %q", got)
			}
		})
		t.Run("ErrInvalid"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			b := a.create("Dune", "Frank Herbert", "")
			a.get(plain, "/books")
			fifty := make([]string, 50)
			for i := range fifty {
				fifty[i] = "P" + strconv.Itoa(i)
			}
			for typed, msg := range map[string]string{
				"Ann Goldstein (cook)":   `"cook" is not a role: write author, translator, editor, illustrator or narrator.`,
				strings.Join(fifty, ","): "A book can have at most 30 contributors.",
				" , & ":                  "Author is required.",
			} {
				res := a.do(m, http.MethodPost, "/books", form("X", typed, ""))
				res.wantStatus(t, http.StatusUnprocessableEntity)
				var s finder
				if m.htmx {
					s = res.fragment(t)
				} else {
					s = res.page(t)
				}
				wantText(t, one(t, s, "#new-book-author-error"), msg)
				wantAttr(t, one(t, s, "#new-book-author"), "value", typed)
				// The edit row the same.
				res = a.do(m, http.MethodPut, bookPath(b.ID), form("Dune", typed, ""))
				if !m.htmx {
					res = a.do(m, http.MethodPost, bookPath(b.ID), form("Dune", typed, ""))
				}
				res.wantStatus(t, http.StatusUnprocessableEntity)
				if m.htmx {
					s = res.fragment(t)
				} else {
					s = res.page(t)
				}
				one(t, s, "[aria-invalid=true][name=author]")
				if !strings.Contains(res.body, strings.ReplaceAll(msg, `"`, "&#34;")) && !strings.Contains(res.body, msg) {
					t.Errorf("edit %q: no message %q", typed, msg)
				}
			}
			if got := a.stored(b.ID).Author; got != "Frank Herbert" {
				t.Errorf("author %q, want it kept", got)
			}
		})
	}
}
