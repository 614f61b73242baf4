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

// resultsRequest asks for the library's results as the search form, a tab or a column heading
// does with htmx; trigger is the id of the element that made the request ("" for none).
func (a *testApp) results(target, trigger string) response {
	a.t.Helper()
	req := a.request(htmx, http.MethodGet, target, nil)
	req.Header.Set("HX-Target", "results")
	if trigger != "" {
		req.Header.Set("HX-Trigger", trigger)
	}
	return a.send(req)
}

// resultsOf parses the results answer, which is not rows but a part of the page.
func resultsOf(t *testing.T, r response) *goquery.Selection {
	t.Helper()
	r.wantHTML(t)
	if strings.Contains(strings.ToLower(r.body), "<html") || strings.Contains(r.body, `id="main"`) {
		t.Fatalf("want the results alone, got a page:\n%s", r.body)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(r.body))
	if err != nil {
		t.Fatalf("parse results: %v", err)
	}
	return doc.Selection
}

// titlesOf lists the titles of the book rows in s, in order (not the links to their series under
// them).
func titlesOf(s *goquery.Selection) []string {
	var out []string
	s.Find("tr.book th.title a:not(.series)").Each(func(_ int, a *goquery.Selection) { out = append(out, a.Text()) })
	return out
}

// searchLibrary makes a reader with a small library worth searching, and another reader with books
// that would match the same searches.
func searchLibrary(t *testing.T) (*testApp, map[string]data.Book) {
	a := newTestApp(t)
	books := map[string]data.Book{}
	for _, b := range []struct{ title, author, genre string }{
		{"The Hobbit", "J. R. R. Tolkien", "Fantasy"},
		{"Cien años de soledad", "Gabriel García Márquez", "Novel"},
		{"The Fellowship of the Ring", "J. R. R. Tolkien", "Fantasy"},
		{"Solaris", "Stanisław Lem", "Science fiction"},
		{"Dune", "Frank Herbert", "Science fiction"},
	} {
		books[b.title] = a.create(b.title, b.author, b.genre)
	}
	other := a.addUser("other")
	if _, err := a.books.Create(t.Context(), other.ID, data.BookInput{Title: "The Silmarillion", Author: "J. R. R. Tolkien", Genre: "Fantasy"}); err != nil {
		t.Fatal(err)
	}
	return a, books
}

// TestLibrarySearchCountsEveryMatch counts a search's matches past its first page, as Find
// counts them on its way to the page (70), and says "more than" past the hundred it counts; the
// next page's matches are counted as before. Another reader's matching books never count.
func TestLibrarySearchCountsEveryMatch(t *testing.T) {
	a := newTestApp(t)
	add := func(owner int64, n int, title string) {
		for i := range n {
			if _, err := a.books.Create(t.Context(), owner, data.BookInput{Title: fmt.Sprintf("%s %d", title, i+1), Author: "Ann Writer"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	other := a.addUser("other")
	add(other.ID, 40, "Saga")
	add(a.reader.ID, 70, "Saga")
	add(a.reader.ID, 5, "Chronicle")
	doc := a.get(plain, "/books?q=saga").page(t)
	wantText(t, one(t, doc, "[data-testid=matches]"), "70 books match.")
	if got := len(titlesOf(doc.Selection)); got != data.PageSize {
		t.Errorf("%d rows, want a page of %d", got, data.PageSize)
	}
	// As the reader types: the results alone, a page of them.
	if got := len(titlesOf(resultsOf(t, a.results("/books?q=saga", "library-search")))); got != data.PageSize {
		t.Errorf("results: %d rows, want a page of %d", got, data.PageSize)
	}
	add(a.reader.ID, 31, "Saga")
	doc = a.get(plain, "/books?q=saga").page(t)
	wantText(t, one(t, doc, "[data-testid=matches]"), "More than 100 books match.")
	more := attr(t, one(t, doc, "#load-more a"), "href")
	doc = a.get(plain, more).page(t)
	wantText(t, one(t, doc, "[data-testid=matches]"), "More than 100 books match.")
}

func TestLibrarySearch(t *testing.T) {
	a, _ := searchLibrary(t)

	t.Run("PlainPage", func(t *testing.T) {
		res := a.get(plain, "/books?q=tolk")
		res.wantStatus(t, http.StatusOK)
		doc := res.page(t)
		if got, want := titlesOf(doc.Selection), []string{"The Fellowship of the Ring", "The Hobbit"}; !slices.Equal(got, want) {
			t.Errorf("rows %q, want %q (never another reader's Silmarillion)", got, want)
		}
		wantAttr(t, one(t, doc, "#search"), "value", "tolk")
		wantText(t, one(t, doc, "[data-testid=matches]"), "2 books match.")
		// The column headings and tabs keep the search.
		wantAttr(t, one(t, doc, "thead th.title a[data-sort=title]"), "href", "/books?q=tolk&sort=title")
		wantAttr(t, one(t, doc, "#filters a[href$='status=read']"), "href", "/books?q=tolk&status=read")
	})
	t.Run("AccentsAndCase", func(t *testing.T) {
		doc := a.get(plain, "/books?q=GARCIA+marq").page(t)
		if got := titlesOf(doc.Selection); !slices.Equal(got, []string{"Cien años de soledad"}) {
			t.Errorf("rows %q", got)
		}
	})
	t.Run("AsYouTypeReplacesTheURL", func(t *testing.T) {
		res := a.results("/books?q=sol&genre=&status=", "library-search")
		res.wantStatus(t, http.StatusOK)
		if got := res.Header.Get("HX-Replace-Url"); got != "/books?q=sol" {
			t.Errorf("HX-Replace-Url = %q, want the canonical /books?q=sol", got)
		}
		if got := res.Header.Get("HX-Push-Url"); got != "" {
			t.Errorf("HX-Push-Url = %q: typing must not add history entries", got)
		}
		frag := resultsOf(t, res)
		if got := titlesOf(frag); !slices.Equal(got, []string{"Solaris", "Cien años de soledad"}) {
			t.Errorf("rows %q", got)
		}
		one(t, frag, "#search-state[hx-swap-oob]")
		one(t, frag, "#filters")
	})
	t.Run("NoMatches", func(t *testing.T) {
		doc := a.get(plain, "/books?q=zzz").page(t)
		if got := titlesOf(doc.Selection); len(got) != 0 {
			t.Errorf("rows %q", got)
		}
		wantText(t, one(t, doc, "tbody.empty .empty-title"), "No books match “zzz”.")
		// Said once, where the rows would be, and announced there (before, the count above the
		// table said "No books match." too).
		if n := strings.Count(doc.Text(), "No books match"); n != 1 {
			t.Errorf("the page says “No books match” %d times, want once", n)
		}
		wantAttr(t, one(t, doc, "tbody.empty .empty-title"), "role", "status")
		// As the reader types (htmx, the results alone), the same.
		frag := resultsOf(t, a.results("/books?q=zzz", "library-search"))
		if n := strings.Count(frag.Text(), "No books match"); n != 1 {
			t.Errorf("the results say “No books match” %d times, want once", n)
		}
	})
	t.Run("Escaped", func(t *testing.T) {
		res := a.get(plain, "/books?q="+url.QueryEscape(`<script>alert(1)</script>`))
		res.wantStatus(t, http.StatusOK)
		if strings.Contains(res.body, "<script>alert") {
			t.Error("the search is not escaped")
		}
	})
}

func TestLibrarySort(t *testing.T) {
	a := newTestApp(t)
	var made []data.Book
	for i := range 60 {
		made = append(made, a.create("Book "+strconv.Itoa(1000-i), "Author "+strconv.Itoa(i%7), ""))
	}
	byTitle := slices.Clone(made)
	slices.SortFunc(byTitle, func(x, y data.Book) int { return strings.Compare(x.Title, y.Title) })

	for _, m := range modes {
		t.Run("ByTitle"+m.name, func(t *testing.T) {
			var doc *goquery.Selection
			if m.htmx {
				res := a.results("/books?sort=title", "")
				if got := res.Header.Get("HX-Push-Url"); got != "/books?sort=title" {
					t.Errorf("HX-Push-Url = %q: a new order is a new history entry", got)
				}
				doc = resultsOf(t, res)
			} else {
				doc = a.get(plain, "/books?sort=title").page(t).Selection
			}
			ids := rowIDs(t, doc)
			if len(ids) != data.PageSize {
				t.Fatalf("%d rows, want a page of %d", len(ids), data.PageSize)
			}
			for i, id := range ids {
				if id != byTitle[i].ID {
					t.Fatalf("row %d is book %d, want %d (%s)", i, id, byTitle[i].ID, byTitle[i].Title)
				}
			}
			th := one(t, doc, "thead th.title")
			wantAttr(t, th, "aria-sort", "ascending")
			wantAttr(t, one(t, th, "a[data-sort=title]"), "href", "/books?sort=title&dir=desc")
			if th.Parent().Find("th[aria-sort]").Length() != 1 {
				t.Error("more than one column says it orders the table")
			}
			more := attr(t, one(t, doc, "#load-more a"), "href")
			if !strings.HasPrefix(more, "/books?sort=title&cursor=") {
				t.Fatalf("Load more = %q, want the order and a cursor", more)
			}
			rest := rowIDs(t, a.get(htmx, more).fragment(t).Parent())
			if len(rest) != 10 || rest[0] != byTitle[50].ID || rest[9] != byTitle[59].ID {
				t.Errorf("next page %v, want the last 10 by title", rest)
			}
		})
	}
	t.Run("Reversed", func(t *testing.T) {
		doc := a.get(plain, "/books?sort=title&dir=desc").page(t)
		if ids := rowIDs(t, doc.Selection); ids[0] != byTitle[59].ID {
			t.Errorf("first row %d, want %d", ids[0], byTitle[59].ID)
		}
		wantAttr(t, one(t, doc, "thead th.title"), "aria-sort", "descending")
		wantAttr(t, one(t, doc, "thead th.title a[data-sort=title]"), "href", "/books?sort=title")
	})
	t.Run("DefaultIsNewestFirst", func(t *testing.T) {
		doc := a.get(plain, "/books").page(t)
		wantAttr(t, one(t, doc, "th.added"), "aria-sort", "descending")
		wantAttr(t, one(t, doc, "th.added a"), "href", "/books?dir=asc")
		if ids := rowIDs(t, doc.Selection); ids[0] != made[59].ID {
			t.Errorf("first row %d, want the newest %d", ids[0], made[59].ID)
		}
		if got := attr(t, one(t, doc, "#load-more a"), "href"); got != "/books?before="+strconv.FormatInt(made[10].ID, 10) {
			t.Errorf("Load more = %q", got)
		}
	})
	t.Run("LoadMoreFocusesItsFirstBook", func(t *testing.T) {
		more := attr(t, one(t, a.get(plain, "/books?sort=title").page(t), "#load-more a"), "href")
		wantFocusOnFirstBook(t, a.get(htmx, more).fragment(t))
	})
	// A heading's link is named by its hint, which must contain the heading's visible text
	// (WCAG 2.5.3, axe's label-content-name-mismatch): "Status" was "Sort by progress, …".
	t.Run("HintsNameTheirHeading", func(t *testing.T) {
		doc := a.get(plain, "/books").page(t)
		doc.Find("thead th a.sort").Each(func(_ int, link *goquery.Selection) {
			visible := strings.TrimSpace(link.Clone().Children().Remove().End().Text())
			if label := attr(t, link, "aria-label"); !strings.Contains(strings.ToLower(label), strings.ToLower(visible)) {
				t.Errorf("heading %q is named %q, which does not contain it", visible, label)
			}
		})
	})
	t.Run("OldestFirst", func(t *testing.T) {
		doc := a.get(plain, "/books?dir=asc").page(t)
		if ids := rowIDs(t, doc.Selection); ids[0] != made[0].ID {
			t.Errorf("first row %d, want the oldest %d", ids[0], made[0].ID)
		}
	})
}

// TestGenreWithSpacesInside: an option without a value attribute has its text as value, its
// spaces collapsed, so a genre whose spaces a browser would collapse keeps its value attribute and
// choosing it filters by the genre as stored.
func TestGenreWithSpacesInside(t *testing.T) {
	a := newTestApp(t)
	if _, err := a.db.Books().Create(t.Context(), a.reader.ID, data.BookInput{Title: "Ubik", Author: "Philip K. Dick", Genre: "Weird  fiction"}); err != nil {
		t.Fatal(err)
	}
	doc := a.get(plain, "/books").page(t)
	var values []string
	doc.Find("#genre option").Each(func(_ int, o *goquery.Selection) { values = append(values, optionValue(o)) })
	if !slices.Contains(values, "Weird  fiction") {
		t.Fatalf("genre values %q, want Weird  fiction among them", values)
	}
	res := a.get(plain, "/books?genre="+url.QueryEscape("Weird  fiction"))
	if got := titlesOf(res.page(t).Selection); !slices.Equal(got, []string{"Ubik"}) {
		t.Errorf("rows %q", got)
	}
}

// optionValue is the value a browser gives the option o: its value attribute, else its text
// with ASCII whitespace stripped and collapsed.
func optionValue(o *goquery.Selection) string {
	if v, ok := o.Attr("value"); ok {
		return v
	}
	return strings.Join(strings.Fields(o.Text()), " ")
}

func TestLibraryURLState(t *testing.T) {
	a, books := searchLibrary(t)
	shelf, err := a.db.Shelves().Create(t.Context(), a.reader.ID, "Favourites")
	if err != nil {
		t.Fatal(err)
	}
	for _, title := range []string{"The Hobbit", "Dune"} {
		if err := a.db.Shelves().Shelve(t.Context(), a.reader.ID, books[title].ID, shelf.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.reading.SetStatus(t.Context(), a.reader.ID, books["The Hobbit"].ID, data.StatusRead, time.Time{}); err != nil {
		t.Fatal(err)
	}
	shelfID := strconv.FormatInt(shelf.ID, 10)

	t.Run("DirectLoadOfEveryParameter", func(t *testing.T) {
		target := "/books?q=the&status=read&shelf=" + shelfID + "&genre=fantasy&sort=author&dir=desc"
		res := a.get(plain, target)
		res.wantStatus(t, http.StatusOK)
		doc := res.page(t)
		if got := titlesOf(doc.Selection); !slices.Equal(got, []string{"The Hobbit"}) {
			t.Errorf("rows %q", got)
		}
		wantAttr(t, one(t, doc, "#search"), "value", "the")
		if got := optionValue(one(t, doc, "#genre option[selected]")); got != "Fantasy" {
			t.Errorf("the genre chosen is %q, want Fantasy", got)
		}
		for name, want := range map[string]string{"status": "read", "shelf": shelfID, "sort": "author", "dir": "desc"} {
			wantAttr(t, one(t, doc, "#search-state input[name="+name+"]"), "value", want)
		}
		wantAttr(t, one(t, doc, "th.author"), "aria-sort", "descending")
		wantAttr(t, one(t, doc, "#filters ul.shelves a[aria-current=page]"), "href", "/books?q=the&status=read&genre=fantasy&sort=author&dir=desc")
	})
	t.Run("StatusAndShelfCombine", func(t *testing.T) {
		doc := a.get(plain, "/books?status=want&shelf="+shelfID).page(t)
		if got := titlesOf(doc.Selection); !slices.Equal(got, []string{"Dune"}) {
			t.Errorf("rows %q", got)
		}
	})
	t.Run("Genre", func(t *testing.T) {
		doc := a.get(plain, "/books?genre=SCIENCE+FICTION").page(t)
		if got := titlesOf(doc.Selection); !slices.Equal(got, []string{"Dune", "Solaris"}) {
			t.Errorf("rows %q", got)
		}
		var genres, values []string
		doc.Find("#genre option").Each(func(_ int, o *goquery.Selection) {
			genres, values = append(genres, o.Text()), append(values, optionValue(o))
		})
		if want := []string{"All genres", "Fantasy", "Novel", "Science fiction"}; !slices.Equal(genres, want) {
			t.Errorf("genre choices %q, want %q", genres, want)
		}
		if want := []string{"", "Fantasy", "Novel", "Science fiction"}; !slices.Equal(values, want) {
			t.Errorf("genre values %q, want %q", values, want)
		}
	})
	for _, tc := range []struct {
		name, target string
		status       int
	}{
		{"UnknownSort", "/books?sort=price", http.StatusBadRequest},
		{"UnknownDirection", "/books?sort=title&dir=up", http.StatusBadRequest},
		{"UnknownStatus", "/books?status=finished", http.StatusBadRequest},
		{"BrokenCursor", "/books?sort=title&cursor=abc", http.StatusBadRequest},
		{"CursorOfAnotherOrder", "/books?sort=rating&cursor=WyJhIiwxXQ", http.StatusBadRequest},
		{"BadShelf", "/books?shelf=x", http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, m := range modes {
				res := a.get(m, tc.target)
				res.wantStatus(t, tc.status)
				// What an error from the database says ("sql: no rows", "sqlite3: …", "SELECT …"),
				// not "sql" alone: the page's random anti-forgery token may hold it (the test
				// failed once so).
				if strings.Contains(res.body, "sql:") || strings.Contains(res.body, "sqlite") || strings.Contains(res.body, "SELECT ") {
					t.Errorf("%s: the answer leaks internals:\n%.500s", m.name, res.body)
				}
			}
		})
	}
	t.Run("UnknownSortSaysSo", func(t *testing.T) {
		doc := a.get(plain, "/books?sort=price").page(t)
		wantText(t, one(t, doc, ".flash.problem"), "The library cannot be sorted by “price”. Showing all your books, newest first.")
		if got := len(rowIDs(t, doc.Selection)); got != 5 {
			t.Errorf("%d rows, want all 5 books", got)
		}
	})
	t.Run("AnotherReadersShelf", func(t *testing.T) {
		other := a.addUser("third")
		theirs, err := a.db.Shelves().Create(t.Context(), other.ID, "Theirs")
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range modes {
			a.get(m, "/books?q=the&shelf="+strconv.FormatInt(theirs.ID, 10)).wantStatus(t, http.StatusNotFound)
		}
	})
}

// TestFirstRun: a reader with no book sees what to do first (add a book, import from Goodreads)
// and not an empty table; the steps go once there is a book, and an empty search or shelf says
// so with a next step instead.
func TestFirstRun(t *testing.T) {
	a := newTestApp(t)
	for _, m := range []mode{plain, {name: "Results", htmx: true, target: "results"}} {
		t.Run("New/"+m.name, func(t *testing.T) {
			var doc finder
			if m.htmx {
				doc = resultsOf(t, a.results("/books", ""))
			} else {
				doc = a.get(plain, "/books").page(t)
			}
			steps := one(t, doc, `[data-testid="first-run"]`)
			wantAttr(t, one(t, steps, `a[data-action="add"]`), "href", "#new-book-row")
			wantText(t, one(t, steps, `a[href="/import"]`), "Import from Goodreads")
			one(t, doc, "#new-book-row")
		})
	}
	a.create("Dune", "Frank Herbert", "Science fiction")
	t.Run("NotOnceThereIsABook", func(t *testing.T) {
		none(t, a.get(plain, "/books").page(t), `[data-testid="first-run"]`)
	})
	t.Run("EmptySearch", func(t *testing.T) {
		doc := a.get(plain, "/books?q=zzz").page(t)
		none(t, doc, `[data-testid="first-run"]`)
		wantText(t, one(t, doc, "tbody.empty .empty-title"), "No books match “zzz”.")
		one(t, doc, `tbody.empty a[href="/books"]`)
	})
	t.Run("EmptyShelf", func(t *testing.T) {
		club := a.addShelf("Book club")
		doc := a.get(plain, "/books?shelf="+strconv.FormatInt(club.ID, 10)).page(t)
		none(t, doc, `[data-testid="first-run"]`)
		wantText(t, one(t, doc, "tbody.empty .empty-title"), "No books on the shelf “Book club” yet.")
		one(t, doc, `tbody.empty a[href="/books"]`)
	})
	t.Run("EmptyStatus", func(t *testing.T) {
		doc := a.get(plain, "/books?status=dnf").page(t)
		none(t, doc, `[data-testid="first-run"]`)
		wantText(t, one(t, doc, "tbody.empty .empty-title"), "No books here.")
	})
}

// TestShelfTabs: the shelves are a group of their own beside the status tabs, labelled Shelves,
// with a way to manage them.
func TestShelfTabs(t *testing.T) {
	a := newTestApp(t)
	a.create("Dune", "Frank Herbert", "")
	doc := a.get(plain, "/books").page(t)
	none(t, doc, "#filters .shelf-tabs")
	a.addShelf("Owned")
	doc = a.get(plain, "/books").page(t)
	group := one(t, doc, "#filters .shelf-tabs")
	label := one(t, group, "#shelf-tabs-label")
	wantText(t, label, "Shelves")
	wantAttr(t, one(t, group, "ul.shelves"), "aria-labelledby", "shelf-tabs-label")
	if got := squash(one(t, group, "ul.shelves a").Text()); got != "Owned 0" {
		t.Errorf("shelf tab reads %q, want Owned 0", got)
	}
	one(t, group, `a[href="/shelves"]`)
	if n := one(t, doc, "#filters ul.statuses").Find(`a[href*="shelf="]`).Length(); n != 0 {
		t.Errorf("%d shelves among the status tabs", n)
	}
}

// TestProgressOnDemand: a book being read shows its progress compactly in its row, a link that
// opens the progress input: in the row for htmx (focused; Cancel brings the row back), on a page
// of its own without JavaScript, whose plain form records it.
func TestProgressOnDemand(t *testing.T) {
	a := newTestApp(t)
	b := a.create("Dune", "Frank Herbert", "")
	if _, err := a.reading.SetDetails(t.Context(), a.reader.ID, b.ID, data.DetailsInput{Pages: "400"}); err != nil {
		t.Fatal(err)
	}
	a.setStatus(b.ID, data.StatusReading)
	row := one(t, a.get(plain, "/books").page(t), "#book-"+strconv.FormatInt(b.ID, 10))
	link := one(t, row, "td.status > a.pg")
	wantAttr(t, link, "href", bookPath(b.ID, "progress"))
	none(t, row, `input[name="progress"]`)

	t.Run("OpenHTMX", func(t *testing.T) {
		res := a.do(htmx, http.MethodGet, bookPath(b.ID, "progress"), nil)
		res.wantStatus(t, http.StatusOK)
		row := res.fragment(t).First()
		if !row.Is("tr.book.choosing#book-" + strconv.FormatInt(b.ID, 10)) {
			t.Fatalf("want the row with its input open, got:\n%s", res.body)
		}
		input := one(t, row, `input[name="progress"][autofocus]`)
		wantAttr(t, input, "id", "progress-"+strconv.FormatInt(b.ID, 10))
		one(t, row, `label[for="progress-`+strconv.FormatInt(b.ID, 10)+`"]`)
		wantAttr(t, one(t, row, `form[hx-post]`), "hx-post", bookPath(b.ID, "progress"))
		wantAttr(t, one(t, row, `[data-action="cancel"]`), "hx-get", bookPath(b.ID)+"?focus=progress")
	})
	t.Run("CancelHTMX", func(t *testing.T) {
		res := a.do(htmx, http.MethodGet, bookPath(b.ID)+"?focus=progress", nil)
		res.wantStatus(t, http.StatusOK)
		row := res.fragment(t).First()
		one(t, row, "a.pg[autofocus]")
		none(t, row, `input[name="progress"]`)
	})
	t.Run("OpenPlain", func(t *testing.T) {
		doc := a.get(plain, bookPath(b.ID, "progress")).page(t)
		form := one(t, doc, "main form.progress-form")
		wantAttr(t, form, "action", bookPath(b.ID, "progress"))
		none(t, form, "[hx-post]")
		one(t, form, `input[name="_csrf"]`)
		one(t, form, `input[name="progress"]`)
		a.do(plain, http.MethodPost, bookPath(b.ID, "progress"), url.Values{"progress": {"200"}}).wantRedirect(t, "/books")
		wantText(t, one(t, a.get(plain, "/books").page(t), "#book-"+strconv.FormatInt(b.ID, 10)+" a.pg"), "50%")
	})
	t.Run("ErrGone", func(t *testing.T) {
		a.do(plain, http.MethodGet, bookPath(999999, "progress"), nil).wantStatus(t, http.StatusNotFound)
	})
}

// TestLongTextInTitles: a row whose text may not fit its column carries the whole of it in the
// cell's title (app.css cuts it short on one line); a short one carries none, a page having fifty rows.
func TestLongTextInTitles(t *testing.T) {
	a := newTestApp(t)
	long := a.create("The Hitchhiker's Guide to the Galaxy", "Gabriel García Márquez Jr.", "Literary science fiction")
	short := a.create("Emma", "Jane Austen", "Fiction")
	doc := a.get(plain, "/books").page(t)
	row := one(t, doc, "#book-"+strconv.FormatInt(long.ID, 10))
	wantAttr(t, one(t, row, "th.title > a"), "title", "The Hitchhiker's Guide to the Galaxy")
	wantAttr(t, row.Find("td").Eq(0), "title", "Gabriel García Márquez Jr.")
	wantAttr(t, row.Find("td").Eq(1), "title", "Literary science fiction")
	if n := one(t, doc, "#book-"+strconv.FormatInt(short.ID, 10)).Find("[title]").Length(); n != 0 {
		t.Errorf("%d titles in a row of short texts, want none", n)
	}
}
