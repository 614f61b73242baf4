package handlers_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bookcase/bookcase/assets"
	"github.com/bookcase/bookcase/catalogue"
	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/handlers"
)

// noCatalogue is a catalogue that has no book.
type noCatalogue struct{}

func (noCatalogue) Lookup(context.Context, data.ISBN) (data.CatalogueRecord, error) {
	return data.CatalogueRecord{}, catalogue.ErrNotFound
}
func (noCatalogue) Cover(context.Context, data.ISBN) ([]byte, error) {
	return nil, catalogue.ErrNotFound
}

func TestNew(t *testing.T) {
	db := openTestDB(t)
	full := handlers.Config{
		Books:    db.Books(),
		Reading:  db.Reading(),
		Editions: db.Editions(),
		Series:   db.Series(),
		Authors:  db.Authors(),
		Shelves:  db.Shelves(),
		Export:   db.Books(),
		Imports:  db.Imports(),
		Covers:   db.Covers(),
		Users:    db.Users(),
		Sessions: db.Sessions(sessionIdle, sessionLifetime),
		CSRF:     db.CSRFTokens(),
		Logger:   slog.New(slog.DiscardHandler),
	}
	for _, tt := range []struct {
		name    string
		without func(*handlers.Config)
	}{
		{"ErrNoBookStore", func(c *handlers.Config) { c.Books = nil }},
		{"ErrNoReadingStore", func(c *handlers.Config) { c.Reading = nil }},
		{"ErrNoEditionStore", func(c *handlers.Config) { c.Editions = nil }},
		{"ErrNoSeriesStore", func(c *handlers.Config) { c.Series = nil }},
		{"ErrNoShelfStore", func(c *handlers.Config) { c.Shelves = nil }},
		{"ErrNoExportStore", func(c *handlers.Config) { c.Export = nil }},
		{"ErrNoImportStore", func(c *handlers.Config) { c.Imports = nil }},
		{"ErrNoCoverStore", func(c *handlers.Config) { c.Covers = nil }},
		{"ErrNoUserStore", func(c *handlers.Config) { c.Users = nil }},
		{"ErrNoSessionStore", func(c *handlers.Config) { c.Sessions = nil }},
		{"ErrNoCSRFStore", func(c *handlers.Config) { c.CSRF = nil }},
		{"ErrCatalogueWithoutCache", func(c *handlers.Config) { c.Catalogue = noCatalogue{} }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := full
			tt.without(&cfg)
			if _, err := handlers.New(cfg); err == nil {
				t.Error("New succeeded, want an error")
			}
		})
	}
	t.Run("OKNoLogger", func(t *testing.T) {
		cfg := full
		cfg.Logger = nil
		app, err := handlers.New(cfg)
		if err != nil || app == nil {
			t.Fatalf("New without a logger = %v, %v; want an app", app, err)
		}
	})
}

func TestRoot(t *testing.T) {
	a := newTestApp(t)
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			a.get(m, "/").wantRedirect(t, "/books")
		})
	}
}

func TestUnknownRoute(t *testing.T) {
	a := newTestApp(t)
	a.create("Dune", "Frank Herbert", "")
	for _, r := range []struct{ method, target string }{
		{http.MethodGet, "/nope"},
		{http.MethodGet, "/books/1/nope"},
		{http.MethodGet, "/books/1/edit/more"},
		{http.MethodPost, "/nope"},
		{http.MethodGet, "/assets/nope.css"},
		{http.MethodGet, "/assets/assets.go"}, // only the embedded assets are served, not the source
	} {
		for _, m := range modes {
			t.Run(m.name+"/"+r.method+" "+r.target, func(t *testing.T) {
				res := a.do(m, r.method, r.target, nil)
				res.wantStatus(t, http.StatusNotFound)
				if strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
					t.Errorf("a 404 is cacheable for ever: Cache-Control %q", res.Header.Get("Cache-Control"))
				}
				if m.htmx {
					// htmx errors are plain text, which app.js shows as a toast.
					if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
						t.Errorf("Content-Type = %q, want text/plain", ct)
					}
					if !strings.HasPrefix(res.body, "Not found.") {
						t.Errorf("body = %q, want a short Not found message", res.body)
					}
					return
				}
				wantNotFoundPage(t, res)
			})
		}
	}
}

func TestCommonHeaders(t *testing.T) {
	a := newTestApp(t)
	dune := a.create("Dune", "Frank Herbert", "")
	for _, r := range []struct {
		name         string
		method, path string
		form         url.Values
		status       int
	}{
		{"Page", http.MethodGet, "/books", nil, http.StatusOK},
		{"Book", http.MethodGet, bookPath(dune.ID), nil, http.StatusOK},
		{"Redirect", http.MethodGet, "/", nil, http.StatusSeeOther},
		{"Invalid", http.MethodPost, "/books", url.Values{}, http.StatusUnprocessableEntity},
		{"NotFound", http.MethodGet, "/books/999", nil, http.StatusNotFound},
		{"BadRequest", http.MethodGet, "/books?before=x", nil, http.StatusBadRequest},
		{"ExportCSV", http.MethodGet, "/export/goodreads.csv", nil, http.StatusOK},
		{"ExportJSON", http.MethodGet, "/export/bookcase.json", nil, http.StatusOK},
	} {
		for _, m := range modes {
			t.Run(r.name+m.name, func(t *testing.T) {
				res := a.do(m, r.method, r.path, r.form)
				res.wantStatus(t, r.status)
				// One URL answers with a page or a fragment, so caches must key on HX-Request.
				if !strings.Contains(res.Header.Get("Vary"), "HX-Request") {
					t.Errorf("Vary = %q, want it to name HX-Request", res.Header.Get("Vary"))
				}
				// A reader's pages and exports are private: no cache keeps a copy (no-cache
				// only made it ask before showing its copy again).
				if got := res.Header.Get("Cache-Control"); got != "no-store" {
					t.Errorf("Cache-Control = %q, want no-store", got)
				}
			})
		}
	}
}

func TestAssets(t *testing.T) {
	a := newTestApp(t)
	doc := a.get(plain, "/books").page(t)
	type asset struct{ url, name, version string }
	var linked []asset
	for _, sel := range []struct{ css, attr string }{{`link[rel="stylesheet"]`, "href"}, {"script[src]", "src"}} {
		for _, node := range doc.Find(sel.css).EachIter() {
			u, err := url.Parse(attr(t, node, sel.attr))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(u.Path, "/assets/") || u.Query().Get("v") == "" {
				t.Errorf("asset URL %s is not a versioned /assets/ URL", u)
			}
			linked = append(linked, asset{u.String(), strings.TrimPrefix(u.Path, "/assets/"), u.Query().Get("v")})
		}
	}
	for _, name := range []string{assets.CSS, assets.App, assets.HTMX} {
		if !slices.ContainsFunc(linked, func(a asset) bool { return a.name == name }) {
			t.Errorf("the page does not link to %s (it links %v)", name, linked)
		}
	}
	contents := map[string]string{} // version -> content
	for _, l := range linked {
		t.Run(l.name, func(t *testing.T) {
			want, err := fs.ReadFile(assets.FS(), l.name)
			if err != nil {
				t.Fatal(err)
			}
			// The version names the content, so a changed file gets a new URL.
			if c, ok := contents[l.version]; ok && c != string(want) {
				t.Errorf("%s shares its version %s with a different file", l.name, l.version)
			}
			contents[l.version] = string(want)

			res := a.get(plain, l.url)
			res.wantStatus(t, http.StatusOK)
			cc := res.Header.Get("Cache-Control")
			if !strings.Contains(cc, "max-age=31536000") || !strings.Contains(cc, "immutable") {
				t.Errorf("Cache-Control = %q, want a year and immutable", cc)
			}
			if res.body != string(want) {
				t.Errorf("body is %d bytes, want the %d bytes of the embedded %s", len(res.body), len(want), l.name)
			}
			wantType := map[string]string{".css": "text/css", ".js": "javascript"}[filepath.Ext(l.name)]
			if ct := res.Header.Get("Content-Type"); !strings.Contains(ct, wantType) {
				t.Errorf("Content-Type = %q, want %s", ct, wantType)
			}
		})
	}
}

// bodyOf is a valid book form with the anti-forgery token, padded with an ignored field to
// exactly n bytes.
func bodyOf(token string, n int) string {
	b := withField(form("Dune", "Frank Herbert", ""), "_csrf", token).Encode() + "&pad="
	return b + strings.Repeat("x", n-len(b))
}

const bodyLimit = 64 << 10

func TestBodyLimit(t *testing.T) {
	a := newTestApp(t)
	t.Run("OKAtLimit", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodPost, "/books", strings.NewReader(bodyOf(a.csrf, bodyLimit)))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		a.send(req).wantRedirect(t, "/books")
		if n := a.count(); n != 1 {
			t.Errorf("Count() = %d, want 1", n)
		}
	})

	// fasthttp refuses an oversized body while reading the request, before any handler runs, and
	// app.Test reports that as an error instead of a response; so these requests are written to
	// the server by hand, and the answer read back.
	for _, m := range modes {
		t.Run("ErrTooLarge"+m.name, func(t *testing.T) {
			res, body := postHeadersOnly(t, a, m, bodyLimit+1)
			if res.StatusCode != http.StatusRequestEntityTooLarge {
				t.Fatalf("status %d, want 413; body:\n%.300s", res.StatusCode, body)
			}
			if m.htmx {
				if !strings.HasPrefix(body, "Too much data.") {
					t.Errorf("body = %q, want a short Too much data message", body)
				}
			} else {
				doc := response{Response: res, body: body}.page(t)
				wantText(t, one(t, doc, "main h1"), "Too much data")
			}
			if n := a.count(); n != 1 {
				t.Errorf("Count() = %d, want 1: nothing more may be stored", n)
			}
		})
	}
}

// postHeadersOnly announces a POST /books with a body of n bytes, sends only the headers (the
// server must refuse on Content-Length alone, without reading the body) and returns the answer.
func postHeadersOnly(t *testing.T, a *testApp, m mode, n int) (*http.Response, string) {
	t.Helper()
	a.app.Handler() // builds the routes, as app.Test does
	client, server := net.Pipe()
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = a.app.Server().ServeConn(server) // fails with "body size exceeds the given limit"
		server.Close()
	}()
	defer func() { <-served }()
	defer client.Close()
	if err := client.SetDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	head := "POST /books HTTP/1.1\r\nHost: bookcase.test\r\n" +
		"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + strconv.Itoa(n) + "\r\n"
	if m.htmx {
		head += "HX-Request: true\r\n"
	}
	if _, err := io.WriteString(client, head+"\r\n"); err != nil {
		t.Fatalf("write request: %v", err)
	}
	res, err := http.ReadResponse(bufio.NewReader(client), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return res, string(b)
}

// failingStore is a book store whose every method fails with err, or panics when err is nil.
type failingStore struct{ err error }

func (s *failingStore) fail() error {
	if s.err == nil {
		panic("store exploded")
	}
	return s.err
}

func (s *failingStore) Create(context.Context, int64, data.BookInput) (data.Book, error) {
	return data.Book{}, s.fail()
}
func (s *failingStore) Get(context.Context, int64, int64) (data.Book, error) {
	return data.Book{}, s.fail()
}
func (s *failingStore) Find(context.Context, int64, data.BookQuery) (data.BookPage, error) {
	return data.BookPage{}, s.fail()
}
func (s *failingStore) FindCount(context.Context, int64, data.BookQuery, int) (int, error) {
	return 0, s.fail()
}
func (s *failingStore) Summary(context.Context, int64, int) (data.LibrarySummary, error) {
	return data.LibrarySummary{}, s.fail()
}
func (s *failingStore) Update(context.Context, int64, int64, data.BookInput) (data.Book, error) {
	return data.Book{}, s.fail()
}
func (s *failingStore) Delete(context.Context, int64, int64) (data.Book, error) {
	return data.Book{}, s.fail()
}
func (s *failingStore) Restore(context.Context, int64, int64) (data.Book, error) {
	return data.Book{}, s.fail()
}
func (s *failingStore) NeighbourOf(context.Context, int64, data.BookQuery, int64) (data.Neighbour, error) {
	return data.Neighbour{}, s.fail()
}
func (s *failingStore) GetDeleted(context.Context, int64, int64) (data.Book, error) {
	return data.Book{}, s.fail()
}
func (s *failingStore) CreateWithTabs(context.Context, int64, data.BookInput, data.Catalogued) (data.Book, data.LibraryTabs, error) {
	return data.Book{}, data.LibraryTabs{}, s.fail()
}
func (s *failingStore) TakeFromCatalogue(context.Context, int64, int64, data.CatalogueChanges) (data.Book, error) {
	return data.Book{}, s.fail()
}

// logBuffer collects log output; the app logs from its own goroutine.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Reset forgets what was logged so far.
func (b *logBuffer) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Reset()
}

// newFailingApp builds the app on db with a book store that fails as s does, signs reader in,
// and returns the buffer that logs what happens next.
func newFailingApp(t *testing.T, db *data.DB, reader data.User, s *failingStore) (*testApp, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	a := newApp(t, db, handlers.Config{Books: s, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	a.signIn(reader)
	logs.Reset()
	return a, logs
}

func TestInternalError(t *testing.T) {
	const secret = "disk I/O error at /var/lib/bookcase/secret.db"
	routes := []struct {
		method, target string
		form           url.Values
	}{
		{http.MethodGet, "/books", nil},
		{http.MethodPost, "/books", form("Dune", "Frank Herbert", "")},
		{http.MethodGet, "/books/1", nil},
		{http.MethodGet, "/books/1/edit", nil},
		{http.MethodPut, "/books/1", form("Dune", "Frank Herbert", "")},
		{http.MethodPost, "/books/1", form("Dune", "Frank Herbert", "")},
		{http.MethodDelete, "/books/1", nil},
		{http.MethodGet, "/books/1/delete", nil},
		{http.MethodPost, "/books/1/delete", url.Values{}},
		{http.MethodPost, "/books/1/restore", url.Values{}},
	}
	// The accounts are real; only the book store fails. One database and one account serve every
	// case, each on an app of its own (so each has its own log).
	db := openTestDB(t)
	reader, err := db.Users().Create(t.Context(), "reader", password)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []struct {
		name string
		err  error
	}{{"Error", errors.New(secret)}, {"Panic", nil}} {
		for _, r := range routes {
			for _, m := range modes {
				t.Run(kind.name+"/"+m.name+"/"+r.method+" "+r.target, func(t *testing.T) {
					a, logs := newFailingApp(t, db, reader, &failingStore{err: kind.err})
					res := a.do(m, r.method, r.target, r.form)
					res.wantStatus(t, http.StatusInternalServerError)
					// The reader gets a short, honest message and no internals.
					if strings.Contains(res.body, "secret") || strings.Contains(res.body, "exploded") {
						t.Errorf("the response leaks the internal error:\n%s", res.body)
					}
					if m.htmx {
						if !strings.HasPrefix(res.body, "Something went wrong.") {
							t.Errorf("body = %q, want a short Something went wrong message", res.body)
						}
					} else {
						wantText(t, one(t, res.page(t), "main h1"), "Something went wrong")
					}
					// The log has it all.
					want := "secret.db"
					if kind.err == nil {
						want = "store exploded"
					}
					if out := logs.String(); !strings.Contains(out, "level=ERROR") || !strings.Contains(out, want) {
						t.Errorf("log does not record the error %q:\n%s", want, out)
					}
				})
			}
		}
	}
}

func TestRequestLog(t *testing.T) {
	logs := &logBuffer{}
	a := newApp(t, openTestDB(t), handlers.Config{Logger: slog.New(slog.NewTextHandler(logs, nil))})
	a.signIn(a.addUser("reader"))
	logs.Reset()
	a.get(htmx, "/books/42").wantStatus(t, http.StatusNotFound)

	// One line per request, with the status the reader got.
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("%d log lines for one request, want 1:\n%s", len(lines), logs.String())
	}
	for _, want := range []string{"level=INFO", "msg=request", "method=GET", "path=/books/42", "status=404", "htmx=true"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("log line %q lacks %q", lines[0], want)
		}
	}
}
