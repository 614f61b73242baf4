package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/gofiber/fiber/v2"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/data/dbtest"
	"github.com/bookcase/bookcase/handlers"
)

// Test sessions last an hour idle and a day at most.
const (
	sessionIdle     = time.Hour
	sessionLifetime = 24 * time.Hour
)

// The cookies and the header of a plain-HTTP server, and the password every test account has.
const (
	sessionCookie = "bookcase_session"
	csrfCookie    = "bookcase_csrf"
	csrfHeader    = "X-Csrf-Token"
	password      = "correct horse battery staple"
)

// testApp is the whole HTTP layer on a real SQLite database in a temporary directory, and one
// browser using it: its cookies, and the anti-forgery token of the last page it loaded.
type testApp struct {
	t        *testing.T
	app      *fiber.App
	db       *data.DB
	books    *data.BookStore
	reading  *data.ReadingStore
	sessions *data.SessionStore

	// reader is who this browser signed in as with signIn.
	reader data.User
	// cookies are the browser's cookies by name, kept from the responses' Set-Cookie headers.
	cookies map[string]string
	// csrf is the token from the csrf-token meta tag of the last page that had one.
	csrf string
	// header is added to every request (X-Forwarded-Proto, Referer).
	header http.Header
}

// testPool holds the migrated schemas openTestDB hands out when the tests run on PostgreSQL
// (BOOKCASE_TEST_POSTGRES); on SQLite each test has a new file.
var testPool = dbtest.NewPool(func(ctx context.Context, dsn string) error {
	db, err := data.Open(ctx, dsn)
	if err != nil {
		return err
	}
	return db.Close()
})

// TestMain drops the pool's schemas once the tests are done.
func TestMain(m *testing.M) { os.Exit(testPool.Run(m)) }

// openTestDB opens a fresh, empty database that is closed when the test ends: a file in the
// test's directory, or a schema of its own on PostgreSQL.
func openTestDB(t *testing.T) *data.DB {
	t.Helper()
	db, err := data.Open(t.Context(), testPool.DSN(t))
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close database: %v", err)
		}
	})
	return db
}

// newApp builds the app on db with cfg, filling in the stores cfg leaves nil with db's and a
// logger that discards, and returns a browser on it with nobody signed in.
func newApp(t *testing.T, db *data.DB, cfg handlers.Config) *testApp {
	t.Helper()
	if cfg.Books == nil {
		cfg.Books = db.Books()
	}
	if cfg.Reading == nil {
		cfg.Reading = db.Reading()
	}
	if cfg.Editions == nil {
		cfg.Editions = db.Editions()
	}
	if cfg.Series == nil {
		cfg.Series = db.Series()
	}
	if cfg.Authors == nil {
		cfg.Authors = db.Authors()
	}
	if cfg.Shelves == nil {
		cfg.Shelves = db.Shelves()
	}
	if cfg.Export == nil {
		cfg.Export = db.Books()
	}
	if cfg.Imports == nil {
		cfg.Imports = db.Imports()
	}
	if cfg.Covers == nil {
		cfg.Covers = db.Covers()
	}
	if cfg.Users == nil {
		cfg.Users = db.Users()
	}
	sessions := db.Sessions(sessionIdle, sessionLifetime)
	if cfg.Sessions == nil {
		cfg.Sessions = sessions
	}
	if cfg.CSRF == nil {
		cfg.CSRF = db.CSRFTokens()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.RequestTimeout == 0 {
		// A test's requests are not timed: the server's 15 s, under -race on a machine at load
		// average 24, cut off an upload being read or a picture being decoded (503 Busy in
		// TestImportStoredSize and TestCoverBodyLimit). The tests of the timeout set their own.
		cfg.RequestTimeout = time.Hour
	}
	app, err := handlers.New(cfg)
	if err != nil {
		t.Fatalf("handlers.New: %v", err)
	}
	return &testApp{t: t, app: app, db: db, books: db.Books(), reading: db.Reading(), sessions: sessions, cookies: map[string]string{}, header: http.Header{}}
}

// newTestApp builds the app on a fresh, empty database, with a reader signed in.
func newTestApp(t *testing.T) *testApp {
	t.Helper()
	a := newApp(t, openTestDB(t), handlers.Config{})
	a.signIn(a.addUser("reader"))
	return a
}

// browser returns another browser on the same app, with its own cookies and nobody signed in.
func (a *testApp) browser() *testApp {
	b := *a
	b.reader = data.User{}
	b.cookies = map[string]string{}
	b.csrf = ""
	b.header = a.header.Clone()
	return &b
}

// addUser creates an account with the test password. Each costs an argon2id hash (tens of
// milliseconds), so tests make a few, not hundreds.
func (a *testApp) addUser(username string) data.User {
	a.t.Helper()
	u, err := a.db.Users().Create(a.t.Context(), username, password)
	if err != nil {
		a.t.Fatalf("create user %q: %v", username, err)
	}
	return u
}

// signIn signs u in on this plain-HTTP browser: it loads the login page, as a reader would, then
// starts a session for u straight in the store (the login form itself is tested in auth_test.go,
// and skipping it saves a password hash per test) and loads a page for the reader's anti-forgery
// token.
func (a *testApp) signIn(u data.User) {
	a.t.Helper()
	a.get(plain, "/login").wantStatus(a.t, http.StatusOK)
	if a.csrf == "" {
		a.t.Fatal("the login page has no csrf-token meta tag")
	}
	sess, err := a.sessions.Create(a.t.Context(), u.ID)
	if err != nil {
		a.t.Fatalf("create session: %v", err)
	}
	a.cookies[sessionCookie] = sess.Token
	a.reader = u
	// A signed-in reader's token is another than the login page's, as after a real login.
	a.get(plain, "/shortcuts").wantStatus(a.t, http.StatusOK)
}

// mode is how a request is made: by a plain browser (JavaScript off) or by htmx, which names the
// id of the element its answer goes to, when target is not "" (HX-Target).
type mode struct {
	name   string
	htmx   bool
	target string
}

var (
	plain = mode{name: "Plain"}
	htmx  = mode{name: "HTMX", htmx: true}
	modes = []mode{plain, htmx}
)

// response is an answer from the app with its body read.
type response struct {
	*http.Response
	body string
}

// unsafe reports whether a request with method must carry the anti-forgery token.
func unsafe(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return false
	}
	return true
}

// do sends a request as the browser's page would: form, when not nil, as an urlencoded body, and
// on unsafe methods the page's anti-forgery token (the X-Csrf-Token header from htmx, the _csrf
// field from a plain form).
func (a *testApp) do(m mode, method, target string, form url.Values) response {
	a.t.Helper()
	if unsafe(method) && !m.htmx {
		form = withField(form, "_csrf", a.csrf)
	}
	req := a.request(m, method, target, form)
	if unsafe(method) && m.htmx {
		req.Header.Set(csrfHeader, a.csrf)
	}
	return a.send(req)
}

// onPage sends a request as the book page's forms and links do: htmx names the page's section
// that the answer replaces (HX-Target), a plain form sends the page's hidden field screen=page.
func (a *testApp) onPage(m mode, section, method, target string, form url.Values) response {
	a.t.Helper()
	if unsafe(method) {
		form = withField(form, "screen", "page")
	}
	m.target = section
	return a.do(m, method, target, form)
}

// withField returns a copy of form (which may be nil) with the field set.
func withField(form url.Values, name, value string) url.Values {
	out := url.Values{}
	maps.Copy(out, form)
	out.Set(name, value)
	return out
}

// request builds a request as the browser's page would, without the anti-forgery token.
func (a *testApp) request(m mode, method, target string, form url.Values) *http.Request {
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
		if m.target != "" {
			req.Header.Set("HX-Target", m.target)
		}
	}
	for name, values := range a.header {
		req.Header[name] = slices.Clone(values)
	}
	return req
}

// send sends req with the browser's cookies (unless it has a Cookie header of its own) and, like a
// browser, keeps the cookies the response sets and the token of the page it shows.
func (a *testApp) send(req *http.Request) response {
	a.t.Helper()
	if req.Header.Get("Cookie") == "" {
		for _, name := range slices.Sorted(maps.Keys(a.cookies)) {
			req.AddCookie(&http.Cookie{Name: name, Value: a.cookies[name]})
		}
	}
	res, err := a.app.Test(req, -1)
	if err != nil {
		a.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		a.t.Fatalf("%s %s: read body: %v", req.Method, req.URL, err)
	}
	for _, c := range res.Cookies() {
		if c.Value == "" || c.MaxAge < 0 || (!c.Expires.IsZero() && c.Expires.Before(time.Now())) {
			delete(a.cookies, c.Name)
		} else {
			a.cookies[c.Name] = c.Value
		}
	}
	r := response{Response: res, body: string(b)}
	if token := r.csrfMeta(a.t); token != "" {
		a.csrf = token
	}
	return r
}

// csrfMeta returns the token of the page's csrf-token meta tag, or "".
// maskedCSRF is an anti-forgery token as pages carry it, masked afresh in each response.
var maskedCSRF = regexp.MustCompile(`(content|value)="~[A-Za-z0-9_-]+"`)

// withoutCSRF is body with its masked anti-forgery tokens taken out, to compare two responses.
func withoutCSRF(body string) string {
	return maskedCSRF.ReplaceAllString(body, `$1="TOKEN"`)
}

// rawCSRF is the token that a page's masked token stands for: the cookie's, and the stored one.
func rawCSRF(t *testing.T, masked string) string {
	t.Helper()
	raw, err := handlers.UnmaskCSRF(masked)
	if err != nil {
		t.Fatalf("unmask anti-forgery token %q: %v", masked, err)
	}
	return raw
}

func (r response) csrfMeta(t *testing.T) string {
	t.Helper()
	if !strings.Contains(r.body, `name="csrf-token"`) {
		return ""
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(r.body))
	if err != nil {
		t.Fatalf("parse page: %v", err)
	}
	return doc.Find(`head meta[name="csrf-token"]`).AttrOr("content", "")
}

// cookie returns the cookie the response sets with that name, or nil.
func (r response) cookie(name string) *http.Cookie {
	for _, c := range r.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// get sends a GET request.
func (a *testApp) get(m mode, target string) response {
	a.t.Helper()
	return a.do(m, http.MethodGet, target, nil)
}

// create adds a book to the signed-in reader's library, straight in the store.
func (a *testApp) create(title, author, genre string) data.Book {
	a.t.Helper()
	b, err := a.books.Create(a.t.Context(), a.reader.ID, data.BookInput{Title: title, Author: author, Genre: genre})
	if err != nil {
		a.t.Fatalf("create book: %v", err)
	}
	return b
}

// count returns how many live books the signed-in reader has.
func (a *testApp) count() int {
	a.t.Helper()
	n, err := a.books.Count(a.t.Context(), a.reader.ID)
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
		ids = append(ids, rowBookID(t, row))
	})
	return ids
}

// rowBookID is the id of the book whose row is row, from its id ("book-42").
func rowBookID(t *testing.T, row *goquery.Selection) int64 {
	t.Helper()
	s, ok := strings.CutPrefix(attr(t, row, "id"), "book-")
	id, err := strconv.ParseInt(s, 10, 64)
	if !ok || err != nil {
		t.Fatalf("row id %q is not book- and a book's id", attr(t, row, "id"))
	}
	return id
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
	link := one(t, row, "th.title a")
	wantAttr(t, link, "href", bookPath(b.ID))
	wantText(t, link, b.Title)
	wantAttr(t, one(t, row, "th.title"), "scope", "row")
	wantText(t, row.Children().Eq(1), b.Author)
	wantText(t, row.Children().Eq(2), b.Genre)
	// The status, the rating and Edit are links to pages without JavaScript, which app.js opens
	// in the row (the page's weight has no room for an hx-get on each).
	wantAttr(t, one(t, row, `a[href$="/edit"]`), "href", bookPath(b.ID, "edit"))
	wantAttr(t, one(t, row, `td.status > a:first-child`), "href", bookPath(b.ID, "status"))
	rating := one(t, row.Children().Eq(4), "a")
	wantAttr(t, rating, "href", bookPath(b.ID, "rating"))
	if b.Rating == 0 {
		wantAttr(t, rating, "aria-label", "Rate")
		wantText(t, rating, "")
	} else {
		wantText(t, rating, b.Rating.String())
	}
	// Delete too: app.js posts to its link, as the page it leads to does.
	none(t, row, "a[hx-get], a[hx-delete]")
	wantAttr(t, one(t, row, `a[href$="/delete"]`), "href", bookPath(b.ID, "delete"))
	// The page's token is sent by htmx as a header: the row has no form that needs it.
	none(t, row, `input[name="_csrf"], select`)
}

// stored returns the signed-in reader's live book id from the store, failing the test if it is
// not there.
func (a *testApp) stored(id int64) data.Book {
	a.t.Helper()
	b, err := a.books.Get(a.t.Context(), a.reader.ID, id)
	if err != nil {
		a.t.Fatalf("get book %d: %v", id, err)
	}
	return b
}

// wantFocusOnFirstBook checks that the rows "Load more" brought mark their first book's title,
// and nothing else, for the focus, which htmx moves there after the swap.
func wantFocusOnFirstBook(t *testing.T, frag *goquery.Selection) {
	t.Helper()
	rows := frag.Filter("tr.book")
	if _, ok := one(t, rows.First(), ".title a").Attr("autofocus"); !ok {
		t.Error("the first book of the page has no autofocus")
	}
	if n := rows.Find("[autofocus]").Length(); n != 1 {
		t.Errorf("%d elements with autofocus, want 1", n)
	}
}

// events lists the events of the reading timelines in s (ol.events: a reading's, or the updates
// outside them), in order, each as a reader hears it without the hint of its link: "Started 1
// March 2025", "Page 40 (10%) 3 March 2025", "Finished 9 March 2025".
func events(s finder) []string {
	var got []string
	s.Find("ol.events > li").Each(func(_ int, li *goquery.Selection) {
		c := li.Clone()
		c.Find(".sr-only").Remove()
		got = append(got, squash(c.Text()))
	})
	return got
}

// wantEvents fails the test unless the events of the timelines in s are want, in order.
func wantEvents(t *testing.T, s finder, want ...string) {
	t.Helper()
	if got := events(s); !slices.Equal(got, want) {
		t.Errorf("events %q, want %q", got, want)
	}
}
