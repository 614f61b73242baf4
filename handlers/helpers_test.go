package handlers_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/gofiber/fiber/v2"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/handlers"
)

// testApp is the whole HTTP layer on a real SQLite database in a temporary directory.
type testApp struct {
	t     *testing.T
	app   *fiber.App
	books *data.BookStore
}

// newTestApp builds the app on a fresh, empty database.
func newTestApp(t *testing.T) *testApp {
	t.Helper()
	db, err := data.Open(t.Context(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close database: %v", err)
		}
	})
	app, err := handlers.New(handlers.Config{Books: db.Books(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("handlers.New: %v", err)
	}
	return &testApp{t: t, app: app, books: db.Books()}
}

// mode is how a request is made: by a plain browser (JavaScript off) or by htmx.
type mode struct {
	name string
	htmx bool
}

var (
	plain = mode{"Plain", false}
	htmx  = mode{"HTMX", true}
	modes = []mode{plain, htmx}
)

// response is an answer from the app with its body read.
type response struct {
	*http.Response
	body string
}

// do sends a request. form, when not nil, is sent as an urlencoded body.
func (a *testApp) do(m mode, method, target string, form url.Values) response {
	a.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if m.htmx {
		req.Header.Set("HX-Request", "true")
		req.Header.Set("HX-Current-URL", "http://example.com/books")
	}
	return a.send(req)
}

// send sends req as it is.
func (a *testApp) send(req *http.Request) response {
	a.t.Helper()
	res, err := a.app.Test(req, -1)
	if err != nil {
		a.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		a.t.Fatalf("%s %s: read body: %v", req.Method, req.URL, err)
	}
	return response{Response: res, body: string(b)}
}

// get sends a GET request.
func (a *testApp) get(m mode, target string) response {
	a.t.Helper()
	return a.do(m, http.MethodGet, target, nil)
}

// create adds a book straight to the store.
func (a *testApp) create(title, author, genre string) data.Book {
	a.t.Helper()
	b, err := a.books.Create(a.t.Context(), data.BookInput{Title: title, Author: author, Genre: genre})
	if err != nil {
		a.t.Fatalf("create book: %v", err)
	}
	return b
}

// count returns how many live books the store holds.
func (a *testApp) count() int {
	a.t.Helper()
	n, err := a.books.Count(a.t.Context())
	if err != nil {
		a.t.Fatalf("count books: %v", err)
	}
	return n
}

// form is the body of a book form.
func form(title, author, genre string) url.Values {
	return url.Values{"title": {title}, "author": {author}, "genre": {genre}}
}

// wantStatus fails the test unless the response has the status.
func (r response) wantStatus(t *testing.T, want int) {
	t.Helper()
	if r.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d; body:\n%s", r.Request.Method, r.Request.URL, r.StatusCode, want, r.body)
	}
}

// wantRedirect fails the test unless the response is a 303 See Other to location.
func (r response) wantRedirect(t *testing.T, location string) {
	t.Helper()
	r.wantStatus(t, http.StatusSeeOther)
	if got := r.Header.Get("Location"); got != location {
		t.Errorf("Location = %q, want %q", got, location)
	}
}

// wantHTML fails the test unless the response is HTML.
func (r response) wantHTML(t *testing.T) {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("Content-Type = %q, want text/html", ct)
	}
}

// page parses a full page, failing the test unless it is one.
func (r response) page(t *testing.T) *goquery.Document {
	t.Helper()
	r.wantHTML(t)
	if !strings.HasPrefix(strings.ToLower(r.body), "<!doctype html>") {
		t.Fatalf("want a full page, got:\n%s", r.body)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(r.body))
	if err != nil {
		t.Fatalf("parse page: %v", err)
	}
	return doc
}

// fragment parses an htmx fragment (table rows and templates), failing the test if it is a full
// page. It returns the top-level nodes of the fragment.
func (r response) fragment(t *testing.T) *goquery.Selection {
	t.Helper()
	r.wantHTML(t)
	if strings.Contains(strings.ToLower(r.body), "<html") || strings.Contains(r.body, `id="main"`) {
		t.Fatalf("want a fragment, got a page:\n%s", r.body)
	}
	// Rows only parse inside a table, as htmx parses them.
	doc, err := goquery.NewDocumentFromReader(strings.NewReader("<table><tbody id=\"fragment\">" + r.body + "</tbody></table>"))
	if err != nil {
		t.Fatalf("parse fragment: %v", err)
	}
	return doc.Find("#fragment").Children()
}

// finder is a parsed page or part of one.
type finder interface {
	Find(selector string) *goquery.Selection
}

// one returns the single node sel matches in s, failing the test unless there is exactly one.
func one(t *testing.T, s finder, sel string) *goquery.Selection {
	t.Helper()
	found := s.Find(sel)
	if found.Length() != 1 {
		t.Fatalf("%d nodes match %q, want 1", found.Length(), sel)
	}
	return found
}

// none fails the test if sel matches anything in s.
func none(t *testing.T, s finder, sel string) {
	t.Helper()
	if n := s.Find(sel).Length(); n != 0 {
		t.Errorf("%d nodes match %q, want none", n, sel)
	}
}

// attr returns an attribute of the first node in s, failing the test when it is missing.
func attr(t *testing.T, s *goquery.Selection, name string) string {
	t.Helper()
	v, ok := s.Attr(name)
	if !ok {
		t.Fatalf("no %s attribute on %s", name, outer(s))
	}
	return v
}

// outer is the HTML of the first node in s, for failure messages.
func outer(s *goquery.Selection) string {
	html, err := goquery.OuterHtml(s)
	if err != nil {
		return "(" + err.Error() + ")"
	}
	return html
}

// wantAttr fails the test unless the first node in s has the attribute with the value.
func wantAttr(t *testing.T, s *goquery.Selection, name, want string) {
	t.Helper()
	if got := attr(t, s, name); got != want {
		t.Errorf("%s = %q, want %q", name, got, want)
	}
}

// wantText fails the test unless the text of s, with spaces collapsed, is want.
func wantText(t *testing.T, s *goquery.Selection, want string) {
	t.Helper()
	if got := squash(s.Text()); got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
}

// squash trims s and collapses runs of white space, as a browser shows text.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

// rowIDs lists the ids of the book rows (tr.book) in s, in order.
func rowIDs(t *testing.T, s *goquery.Selection) []int64 {
	t.Helper()
	var ids []int64
	s.Find("tr.book").Each(func(_ int, row *goquery.Selection) {
		id, err := strconv.ParseInt(attr(t, row, "data-id"), 10, 64)
		if err != nil {
			t.Fatalf("row data-id: %v", err)
		}
		if got, want := attr(t, row, "id"), "book-"+strconv.FormatInt(id, 10); got != want {
			t.Errorf("row id = %q, want %q", got, want)
		}
		ids = append(ids, id)
	})
	return ids
}

// bookPath is the URL of a book, with an optional action.
func bookPath(id int64, action ...string) string {
	p := "/books/" + strconv.FormatInt(id, 10)
	for _, a := range action {
		p += "/" + a
	}
	return p
}

// wantBookRow fails the test unless row shows b with its Edit and Delete controls.
func wantBookRow(t *testing.T, row *goquery.Selection, b data.Book) {
	t.Helper()
	id := strconv.FormatInt(b.ID, 10)
	if row.Length() != 1 || !row.Is("tr.book") || row.HasClass("editing") {
		t.Fatalf("want one display row tr.book, got %d: %s", row.Length(), outer(row))
	}
	wantAttr(t, row, "id", "book-"+id)
	wantAttr(t, row, "data-id", id)
	link := one(t, row, "td.title a")
	wantAttr(t, link, "href", bookPath(b.ID))
	wantText(t, link, b.Title)
	wantText(t, one(t, row, "td.author"), b.Author)
	wantText(t, one(t, row, "td.genre"), b.Genre)
	edit := one(t, row, `button[data-action="edit"]`)
	wantAttr(t, edit, "hx-get", bookPath(b.ID, "edit"))
	wantAttr(t, edit.Closest("form"), "action", bookPath(b.ID, "edit"))
	wantAttr(t, edit.Closest("form"), "method", "get")
	del := one(t, row, `button[data-action="delete"]`)
	wantAttr(t, del, "hx-delete", bookPath(b.ID))
	wantAttr(t, del.Closest("form"), "action", bookPath(b.ID, "delete"))
	wantAttr(t, del.Closest("form"), "method", "get")
}

// stored returns the live book id from the store, failing the test if it is not there.
func (a *testApp) stored(id int64) data.Book {
	a.t.Helper()
	b, err := a.books.Get(a.t.Context(), id)
	if err != nil {
		a.t.Fatalf("get book %d: %v", id, err)
	}
	return b
}
