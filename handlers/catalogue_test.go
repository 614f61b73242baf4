package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/bookcase/bookcase/catalogue"
	"github.com/bookcase/bookcase/catalogue/cataloguetest"
	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/handlers"
	"github.com/bookcase/bookcase/views"
)

const (
	foxISBN   = "9780140328721"
	foxISBN10 = "0-14-032872-6"
)

// newLookupApp is the app with lookups asking the fake catalogue f, within timeout (0: the
// default), and a reader signed in.
func newLookupApp(t *testing.T, f *cataloguetest.Fake, timeout time.Duration) *testApp {
	t.Helper()
	urls, err := catalogue.ParseURLs(f.URL())
	if err != nil {
		t.Fatal(err)
	}
	client, err := catalogue.New(catalogue.Config{Providers: []string{catalogue.OpenLibrary, catalogue.Google}, URLs: urls, Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	db := openTestDB(t)
	a := newApp(t, db, handlers.Config{Catalogue: client, CatalogueCache: db.Catalogue()})
	a.signIn(a.addUser("reader"))
	return a
}

// foxCatalogue is a fake catalogue that has Fantastic Mr Fox, its author by reference and a cover.
func foxCatalogue(t *testing.T) *cataloguetest.Fake {
	f := cataloguetest.New(t)
	f.AddBook(foxISBN, "Fantastic Mr Fox", 96, map[string]string{"/authors/OL34184A": "Roald Dahl"}, true)
	return f
}

// newBookRow finds the new-book row in an answer: the page's, or the htmx fragment (which htmx
// swaps in place of the row: HX-Retarget).
func newBookRow(t *testing.T, m mode, r response) *goquery.Selection {
	t.Helper()
	if !m.htmx {
		return one(t, r.page(t), "tr#new-book-row")
	}
	if got := r.Header.Get("HX-Retarget"); got != "#new-book-row" {
		t.Errorf("HX-Retarget = %q, want #new-book-row", got)
	}
	return one(t, r.fragment(t).Parent(), "tr#new-book-row")
}

// isbn13 is the ISBN-13 that starts with the twelve digits body.
func isbn13(body string) string {
	sum := 0
	for i, c := range body {
		d := int(c - '0')
		if i%2 == 1 {
			d *= 3
		}
		sum += d
	}
	return body + strconv.Itoa((10-sum%10)%10)
}

// TestLookupNewBook: an ISBN typed in the new-book row's title, looked up by the button or by
// Enter (which sends the form to POST /books), fills the row for the reader to confirm: nothing
// is saved; adding the book then keeps the pages as corrected, the ISBN and the cover.
func TestLookupNewBook(t *testing.T) {
	for _, m := range modes {
		for _, via := range []string{"/catalogue/lookup", "/books"} {
			t.Run(m.name+via, func(t *testing.T) {
				f := foxCatalogue(t)
				a := newLookupApp(t, f, 0)
				r := a.do(m, http.MethodPost, via, url.Values{"title": {" " + foxISBN10 + " "}, "genre": {"Children"}, "status": {"reading"}})
				r.wantStatus(t, http.StatusOK)
				row := newBookRow(t, m, r)
				wantAttr(t, one(t, row, "#new-book-title"), "value", "Fantastic Mr Fox")
				wantAttr(t, one(t, row, "#new-book-author"), "value", "Roald Dahl")
				wantAttr(t, one(t, row, "#new-book-genre"), "value", "Children")
				wantAttr(t, one(t, row, "#new-book-status option[selected]"), "value", "reading")
				wantAttr(t, one(t, row, "#new-book-pages"), "value", "96")
				wantAttr(t, one(t, row, `input[name="isbn"]`), "value", foxISBN)
				wantAttr(t, one(t, row, "[data-testid=found-cover]"), "src", "/catalogue/covers/"+foxISBN+"-s.jpg")
				one(t, row, "#new-book-cover[checked]")
				wantText(t, one(t, row, "[data-testid=found-edition]"), "ISBN "+foxISBN+" · Puffin · 1988 · English")
				one(t, row, "#new-book-title[autofocus]")
				if n := a.count(); n != 0 {
					t.Fatalf("a lookup saved %d books", n)
				}
				cover := a.get(plain, "/catalogue/covers/"+foxISBN+"-s.jpg")
				cover.wantStatus(t, http.StatusOK)
				if ct := cover.Header.Get("Content-Type"); ct != "image/jpeg" {
					t.Errorf("the cover found is %q", ct)
				}

				add := url.Values{"title": {"Fantastic Mr Fox"}, "author": {"Roald Dahl"}, "genre": {"Children"},
					"status": {"reading"}, "isbn": {foxISBN}, "pages": {"112"}, "cover": {"1"}}
				r = a.do(m, http.MethodPost, "/books", add)
				if m.htmx {
					r.wantStatus(t, http.StatusOK)
				} else {
					r.wantRedirect(t, "/books")
				}
				page, err := a.books.Find(t.Context(), a.reader.ID, data.BookQuery{})
				if err != nil || len(page.Books) != 1 {
					t.Fatalf("books = %v, %v; want the one added", page.Books, err)
				}
				b := a.stored(page.Books[0].ID)
				if b.Title != "Fantastic Mr Fox" || b.Pages != 112 || b.ISBN != foxISBN || b.Cover == "" || b.Status != data.StatusReading || b.Genre != "Children" {
					t.Errorf("book = %+v; want the row as confirmed, with the ISBN and the cover", b)
				}
				if e, err := a.db.Editions().Get(t.Context(), a.reader.ID, b.ID); err != nil || e != (data.Edition{Publisher: "Puffin", Year: 1988, Language: "en"}) {
					t.Errorf("edition = %+v, %v; want the catalogue's", e, err)
				}
				if n := f.Total(); n != 3 { // the edition, its author, its cover: once
					t.Errorf("the catalogue had %d requests, want 3", n)
				}
			})
		}
	}
}

// TestLookupCached: a second lookup of the same ISBN, found or not, asks no catalogue.
func TestLookupCached(t *testing.T) {
	f := foxCatalogue(t)
	a := newLookupApp(t, f, 0)
	missing := isbn13("978000000001")
	for _, isbn := range []string{foxISBN, missing, foxISBN, missing} {
		a.do(htmx, http.MethodPost, "/catalogue/lookup", url.Values{"title": {isbn}}).wantStatus(t, http.StatusOK)
	}
	if n := f.Requests(cataloguetest.EditionPath(foxISBN)); n != 1 {
		t.Errorf("Open Library asked %d times for a found ISBN, want 1", n)
	}
	if n := f.Requests(cataloguetest.EditionPath(missing)) + f.Requests(cataloguetest.GooglePath(missing)); n != 2 {
		t.Errorf("the catalogues asked %d times for a missing ISBN, want 2 (each once)", n)
	}
}

// TestLookupProblems: what the reader is told, in the row, with the form as typed, when the
// catalogue has nothing, is down, slow or talks nonsense, or the ISBN is wrong.
func TestLookupProblems(t *testing.T) {
	slow := isbn13("978000000002")
	down := isbn13("978000000003")
	nonsense := isbn13("978000000004")
	missing := isbn13("978000000005")
	f := cataloguetest.New(t)
	for _, path := range []string{cataloguetest.EditionPath(slow), cataloguetest.GooglePath(slow)} {
		f.Set(path, cataloguetest.Answer{Hang: true})
	}
	for _, path := range []string{cataloguetest.EditionPath(down), cataloguetest.GooglePath(down)} {
		f.Set(path, cataloguetest.Answer{Status: http.StatusInternalServerError, Body: []byte("<h1>Internal Server Error</h1>"), Type: "text/html"})
	}
	f.Set(cataloguetest.EditionPath(nonsense), cataloguetest.Answer{Body: []byte(`{"title": ["not", "a", "title"]}`)})
	f.JSON(cataloguetest.GooglePath(nonsense), `{"totalItems": 1, "items": "many"}`)
	f.JSON(cataloguetest.GooglePath(missing), `{"kind": "books#volumes", "totalItems": 0}`)
	a := newLookupApp(t, f, 300*time.Millisecond)
	for _, tc := range []struct {
		name, title string
		status      int
		says        string
	}{
		{"NotFound", missing, http.StatusOK, "No catalogue knows the ISBN " + missing},
		{"Slow", slow, http.StatusGatewayTimeout, "did not answer in time"},
		{"Down", down, http.StatusBadGateway, "could not be reached"},
		{"Nonsense", nonsense, http.StatusBadGateway, "could not be reached"},
		{"CheckDigit", "978-0-14-032872-2", http.StatusUnprocessableEntity, "check digit is wrong"},
		{"NotAnISBN", "Fantastic Mr Fox", http.StatusUnprocessableEntity, "Type or paste the book's ISBN"},
	} {
		for _, m := range modes {
			t.Run(tc.name+"/"+m.name, func(t *testing.T) {
				start := time.Now()
				r := a.do(m, http.MethodPost, "/catalogue/lookup", url.Values{"title": {tc.title}, "author": {"Someone"}, "genre": {"Poetry"}})
				r.wantStatus(t, tc.status)
				if took := time.Since(start); took > 5*time.Second {
					t.Errorf("the answer took %s", took)
				}
				row := newBookRow(t, m, r)
				wantAttr(t, one(t, row, "#new-book-title"), "value", tc.title)
				wantAttr(t, one(t, row, "#new-book-author"), "value", "Someone")
				wantAttr(t, one(t, row, "#new-book-genre"), "value", "Poetry")
				problem := one(t, row, "[data-testid=lookup-problem]")
				if !strings.Contains(problem.Text(), tc.says) {
					t.Errorf("problem %q does not say %q", problem.Text(), tc.says)
				}
				none(t, row, "[data-testid=found]")
				swap := r.Header.Get("Bookcase-Swap")
				if want := m.htmx && tc.status >= 500; (swap == "true") != want {
					t.Errorf("Bookcase-Swap = %q with status %d", swap, tc.status)
				}
			})
		}
	}
	if n := a.count(); n != 0 {
		t.Errorf("%d books saved by lookups", n)
	}
}

// TestLookupEscapesHTML: a catalogue's title with markup in it is text in the row.
func TestLookupEscapesHTML(t *testing.T) {
	f := cataloguetest.New(t)
	f.AddBook(foxISBN, `<script>alert("x")</script><b>Fox</b>`, 96, map[string]string{"/authors/OL1A": `<img src=x onerror=alert(1)>`}, false)
	a := newLookupApp(t, f, 0)
	r := a.do(htmx, http.MethodPost, "/catalogue/lookup", url.Values{"title": {foxISBN}})
	r.wantStatus(t, http.StatusOK)
	if strings.Contains(r.body, "<script>alert") || strings.Contains(r.body, "<img src=x") {
		t.Errorf("markup from the catalogue reached the page:\n%s", r.body)
	}
	row := newBookRow(t, htmx, r)
	wantAttr(t, one(t, row, "#new-book-title"), "value", `<script>alert("x")</script><b>Fox</b>`)
}

// TestLookupBusy: with every lookup slot taken by a slow catalogue, one more is told at once.
func TestLookupBusy(t *testing.T) {
	f := cataloguetest.New(t)
	slow := make([]string, 4)
	for i := range slow {
		slow[i] = isbn13("97800000010" + strconv.Itoa(i))
		f.Set(cataloguetest.EditionPath(slow[i]), cataloguetest.Answer{Hang: true})
		f.Set(cataloguetest.GooglePath(slow[i]), cataloguetest.Answer{Hang: true})
	}
	a := newLookupApp(t, f, 5*time.Second)
	var wg sync.WaitGroup
	for _, isbn := range slow {
		wg.Go(func() {
			req := a.request(htmx, http.MethodPost, "/catalogue/lookup", url.Values{"title": {isbn}})
			req.Header.Set(csrfHeader, a.csrf)
			for name, value := range a.cookies {
				req.AddCookie(&http.Cookie{Name: name, Value: value})
			}
			res, err := a.app.Test(req, -1)
			if err == nil {
				res.Body.Close()
			}
		})
	}
	deadline := time.Now().Add(10 * time.Second)
	for f.Total() < len(slow) {
		if time.Now().After(deadline) {
			t.Fatalf("the slow lookups did not all reach the catalogue: %d requests", f.Total())
		}
		time.Sleep(5 * time.Millisecond) // polling a condition, not waiting a fixed time
	}
	for _, m := range modes {
		start := time.Now()
		r := a.do(m, http.MethodPost, "/catalogue/lookup", url.Values{"title": {foxISBN}, "author": {"Roald Dahl"}})
		r.wantStatus(t, http.StatusServiceUnavailable)
		if took := time.Since(start); took > time.Second {
			t.Errorf("%s: a busy answer took %s", m.name, took)
		}
		problem := one(t, newBookRow(t, m, r), "[data-testid=lookup-problem]")
		if !strings.Contains(problem.Text(), "busy") {
			t.Errorf("%s: problem %q", m.name, problem.Text())
		}
	}
	wg.Wait()
}

// TestLookupRateLimit: a reader's lookups that ask the catalogue are limited; cached ones are not.
func TestLookupRateLimit(t *testing.T) {
	f := foxCatalogue(t)
	a := newLookupApp(t, f, 0)
	a.do(htmx, http.MethodPost, "/catalogue/lookup", url.Values{"title": {foxISBN}}).wantStatus(t, http.StatusOK)
	for i := range 29 {
		isbn := isbn13("9780000002" + strconv.Itoa(10+i))
		a.do(htmx, http.MethodPost, "/catalogue/lookup", url.Values{"title": {isbn}}).wantStatus(t, http.StatusOK)
	}
	r := a.do(htmx, http.MethodPost, "/catalogue/lookup", url.Values{"title": {isbn13("978000000300")}})
	r.wantStatus(t, http.StatusTooManyRequests)
	if !strings.Contains(r.body, "wait a minute") {
		t.Errorf("the limit's answer does not say to wait:\n%s", r.body)
	}
	a.do(htmx, http.MethodPost, "/catalogue/lookup", url.Values{"title": {foxISBN}}).wantStatus(t, http.StatusOK)

	other := a.browser()
	other.signIn(other.addUser("other"))
	other.do(htmx, http.MethodPost, "/catalogue/lookup", url.Values{"title": {isbn13("978000000301")}}).wantStatus(t, http.StatusOK)
}

// TestLookupsOff: without a catalogue nothing offers a lookup and its routes are not found; an
// ISBN in the title is a title like any other.
func TestLookupsOff(t *testing.T) {
	a := newTestApp(t)
	none(t, a.get(plain, "/books").page(t), "#new-book-lookup")
	b := a.create("Dune", "Frank Herbert", "")
	none(t, a.get(plain, bookPath(b.ID)).page(t), "[data-testid=catalogue]")
	for _, path := range []string{"/catalogue/lookup", bookPath(b.ID, "catalogue"), bookPath(b.ID, "catalogue/apply")} {
		a.do(plain, http.MethodPost, path, url.Values{"title": {foxISBN}, "isbn": {foxISBN}}).wantStatus(t, http.StatusNotFound)
	}
	a.get(plain, "/catalogue/covers/"+foxISBN+"-s.jpg").wantStatus(t, http.StatusNotFound)
	a.do(htmx, http.MethodPost, "/books", form(foxISBN, "Someone", "")).wantStatus(t, http.StatusOK)
	if n := a.count(); n != 2 {
		t.Errorf("%d books, want 2: an ISBN as title is saved as typed", n)
	}
}

// TestFillInFromCatalogue: a book page compares the book with the catalogue's record field by
// field, ticking what the book lacks; only the fields ticked are saved.
func TestFillInFromCatalogue(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			f := foxCatalogue(t)
			a := newLookupApp(t, f, 0)
			b := a.create("Mr Fox", "Dahl", "Children")

			page := a.get(plain, bookPath(b.ID)).page(t)
			wantAttr(t, one(t, page, "#catalogue-isbn"), "value", "")
			r := a.onPage(m, "book-catalogue", http.MethodPost, bookPath(b.ID, "catalogue"), url.Values{"isbn": {foxISBN10}})
			r.wantStatus(t, http.StatusOK)
			var doc *goquery.Document
			if m.htmx {
				doc = r.parts(t)
			} else {
				doc = r.page(t)
			}
			diff := one(t, doc, "#book-catalogue [data-testid=catalogue-diff]")
			for field, want := range map[string]struct {
				current, record string
				ticked, box     bool
			}{
				"title":     {"Mr Fox", "Fantastic Mr Fox", false, true},
				"author":    {"Dahl", "Roald Dahl", false, true},
				"pages":     {"None", "96", true, true},
				"isbn":      {"None", foxISBN, true, true},
				"cover":     {"None", "", true, true},
				"publisher": {"None", "Puffin", true, true},
				"year":      {"None", "1988", true, true},
				"language":  {"None", "English", true, true},
			} {
				row := one(t, diff, `tr[data-field="`+field+`"]`)
				cells := row.Find("td")
				if got := squash(cells.Eq(1).Text()); got != want.current {
					t.Errorf("%s: current %q, want %q", field, got, want.current)
				}
				if got := squash(cells.Eq(2).Text()); got != want.record {
					t.Errorf("%s: catalogue %q, want %q", field, got, want.record)
				}
				box := row.Find(`input[name="take"]`)
				if (box.Length() == 1) != want.box || box.Is("[checked]") != want.ticked {
					t.Errorf("%s: box %s, want box %t ticked %t", field, outer(box), want.box, want.ticked)
				}
			}
			if b2 := a.stored(b.ID); b2.Pages != 0 || b2.ISBN != "" || b2.Cover != "" {
				t.Fatalf("comparing saved something: %+v", b2)
			}

			r = a.onPage(m, "book-catalogue", http.MethodPost, bookPath(b.ID, "catalogue/apply"),
				url.Values{"isbn": {foxISBN}, "take": {"pages", "cover", "author", "publisher"}})
			if m.htmx {
				r.wantStatus(t, http.StatusOK)
				parts := r.parts(t)
				wantText(t, one(t, parts, "#book-catalogue [role=status]"), "Took 4 fields from the catalogue.")
				wantText(t, one(t, parts, `#book-facts[hx-swap-oob] [data-testid=format]`), "Paperback, 96 pages")
				one(t, parts, `#book-cover[hx-swap-oob] [data-testid=cover-image]`)
				one(t, parts, `#book-writing[hx-swap-oob]`)
				wantText(t, one(t, parts, `#book-facts[hx-swap-oob] [data-testid=edition-publisher]`), "Puffin")
			} else {
				r.wantRedirect(t, bookPath(b.ID))
			}
			got := a.stored(b.ID)
			if got.Title != "Mr Fox" || got.Author != "Roald Dahl" || got.Pages != 96 || got.ISBN != "" || got.Cover == "" || got.Genre != "Children" {
				t.Errorf("book = %+v; want the author, pages and cover taken, the rest kept", got)
			}
			if e, err := a.db.Editions().Get(t.Context(), a.reader.ID, b.ID); err != nil || e != (data.Edition{Publisher: "Puffin"}) {
				t.Errorf("edition = %+v, %v; want the publisher alone taken", e, err)
			}
		})
	}
}

// TestFillInProblems: nothing ticked, a bad ISBN, and a field the book refuses are said in place.
func TestFillInProblems(t *testing.T) {
	f := foxCatalogue(t)
	a := newLookupApp(t, f, 0)
	b := a.create("Mr Fox", "Dahl", "")
	for _, m := range modes {
		r := a.onPage(m, "book-catalogue", http.MethodPost, bookPath(b.ID, "catalogue"), url.Values{"isbn": {"12345"}})
		r.wantStatus(t, http.StatusUnprocessableEntity)
		if !strings.Contains(r.body, "An ISBN has 10 or 13 digits") {
			t.Errorf("%s: a short ISBN is not explained:\n%s", m.name, r.body)
		}
		r = a.onPage(m, "book-catalogue", http.MethodPost, bookPath(b.ID, "catalogue/apply"), url.Values{"isbn": {foxISBN}})
		r.wantStatus(t, http.StatusUnprocessableEntity)
		if !strings.Contains(r.body, "Tick the fields to take") {
			t.Errorf("%s: nothing ticked is not explained:\n%s", m.name, r.body)
		}
	}
	other := a.browser()
	other.signIn(other.addUser("other"))
	other.onPage(plain, "book-catalogue", http.MethodPost, bookPath(b.ID, "catalogue"), url.Values{"isbn": {foxISBN}}).wantStatus(t, http.StatusNotFound)
	other.onPage(plain, "book-catalogue", http.MethodPost, bookPath(b.ID, "catalogue/apply"), url.Values{"isbn": {foxISBN}, "take": {"title"}}).wantStatus(t, http.StatusNotFound)
	if got := a.stored(b.ID); got.Title != "Mr Fox" {
		t.Errorf("another reader changed the book: %+v", got)
	}
}

// TestCatalogueURLsAreRouted is TestBuiltURLsAreRouted for the addresses of lookups, which are
// routed only when lookups are on.
func TestCatalogueURLsAreRouted(t *testing.T) {
	a := newLookupApp(t, foxCatalogue(t), 0)
	b := a.create("Mr Fox", "Dahl", "")
	for _, r := range []struct {
		method, url string
		form        url.Values
	}{
		{http.MethodPost, views.LookupURL, url.Values{"title": {foxISBN}}},
		{http.MethodGet, views.CatalogueCoverURL(foxISBN, "s"), nil},
		{http.MethodGet, views.CatalogueCoverURL(foxISBN, "l"), nil},
		{http.MethodPost, views.BookCatalogueURL(b.ID), url.Values{"isbn": {foxISBN}}},
		{http.MethodPost, views.BookCatalogueApplyURL(b.ID), url.Values{"isbn": {foxISBN}, "take": {"pages"}}},
	} {
		res := a.do(htmx, r.method, r.url, r.form)
		if res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusMethodNotAllowed {
			t.Errorf("%s %s: %d, want it routed:\n%s", r.method, r.url, res.StatusCode, res.body)
		}
	}
}

// TestAddFoundBookRefused: a book from a lookup refused for its fields comes back with what was
// found and typed, the problem beside the field, and nothing saved.
func TestAddFoundBookRefused(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			a := newLookupApp(t, foxCatalogue(t), 0)
			a.do(m, http.MethodPost, "/catalogue/lookup", url.Values{"title": {foxISBN}}).wantStatus(t, http.StatusOK)
			r := a.do(m, http.MethodPost, "/books", url.Values{"title": {"Fantastic Mr Fox"}, "author": {"Roald Dahl"},
				"isbn": {foxISBN}, "pages": {"lots"}, "cover": {"1"}})
			r.wantStatus(t, http.StatusUnprocessableEntity)
			row := newBookRow(t, m, r)
			wantAttr(t, one(t, row, "#new-book-pages[autofocus]"), "value", "lots")
			one(t, row, "#new-book-pages-error")
			none(t, row, "#new-book-title[autofocus]")
			one(t, row, "#new-book-cover[checked]")
			wantAttr(t, one(t, row, `input[name="isbn"]`), "value", foxISBN)
			if n := a.count(); n != 0 {
				t.Errorf("%d books saved", n)
			}
		})
	}
}
