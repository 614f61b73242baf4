package handlers_test

import (
	"database/sql"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/data/dbtest"
	"github.com/bookcase/bookcase/handlers"
)

// wantSecurityHeaders fails the test unless res carries the headers every response must.
func wantSecurityHeaders(t *testing.T, res response) {
	t.Helper()
	csp := res.Header.Get("Content-Security-Policy")
	directives := map[string]string{}
	for _, d := range strings.Split(csp, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		directives[name] = value
	}
	if directives["script-src"] != "'self'" {
		t.Errorf("CSP script-src = %q, want 'self' only; CSP: %q", directives["script-src"], csp)
	}
	if directives["frame-ancestors"] != "'none'" {
		t.Errorf("CSP frame-ancestors = %q, want 'none'; CSP: %q", directives["frame-ancestors"], csp)
	}
	for _, bad := range []string{"'unsafe-inline'", "'unsafe-eval'", "*"} {
		if strings.Contains(csp, bad) {
			t.Errorf("CSP allows %s: %q", bad, csp)
		}
	}
	for name, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "same-origin",
	} {
		if got := res.Header.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	a := newTestApp(t)
	dune := a.create("Dune", "Frank Herbert", "")
	asset := attr(t, a.get(plain, "/books").page(t).Find("script[src]").First(), "src")
	anonymous := a.browser()
	anonymous.get(plain, "/login")

	for _, tt := range []struct {
		name         string
		a            *testApp
		m            mode
		method, path string
		form         url.Values
		status       int
	}{
		{"Page", a, plain, http.MethodGet, "/books", nil, http.StatusOK},
		{"Fragment", a, htmx, http.MethodGet, bookPath(dune.ID), nil, http.StatusOK},
		{"Invalid", a, htmx, http.MethodPost, "/books", url.Values{}, http.StatusUnprocessableEntity},
		{"Asset", a, plain, http.MethodGet, asset, nil, http.StatusOK},
		{"NotFoundPage", a, plain, http.MethodGet, "/nope", nil, http.StatusNotFound},
		{"NotFoundRow", a, htmx, http.MethodGet, "/books/999", nil, http.StatusNotFound},
		{"NotFoundAsset", a, plain, http.MethodGet, "/assets/nope.js", nil, http.StatusNotFound},
		{"Redirect", a, plain, http.MethodGet, "/", nil, http.StatusSeeOther},
		{"LoginPage", anonymous, plain, http.MethodGet, "/login", nil, http.StatusOK},
		{"LoginRedirect", anonymous, plain, http.MethodGet, "/books", nil, http.StatusSeeOther},
		{"LoginHXRedirect", anonymous, htmx, http.MethodGet, "/books", nil, http.StatusUnauthorized},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.a.do(tt.m, tt.method, tt.path, tt.form)
			res.wantStatus(t, tt.status)
			wantSecurityHeaders(t, res)
			if hsts := res.Header.Get("Strict-Transport-Security"); hsts != "" {
				t.Errorf("Strict-Transport-Security = %q over plain HTTP, want none", hsts)
			}
		})
	}
	for _, m := range modes {
		t.Run("Forbidden"+m.name, func(t *testing.T) {
			res := a.send(a.request(m, http.MethodPost, "/books", form("Dune", "Frank Herbert", "")))
			res.wantStatus(t, http.StatusForbidden)
			wantSecurityHeaders(t, res)
		})
	}
}

// wantNoInlineCode fails the test if the HTML in s runs code that is not in a script file of the
// site's own: the Content-Security-Policy would block it in a browser (and so break the page),
// and it is how injected markup would run. Inline styles are blocked too (style-src 'self').
func wantNoInlineCode(t *testing.T, s *goquery.Selection) {
	t.Helper()
	s.Find("script").Each(func(_ int, script *goquery.Selection) {
		if src := script.AttrOr("src", ""); !strings.HasPrefix(src, "/assets/") || script.Text() != "" {
			t.Errorf("script without a src of the site's own, or with inline code: %s", outer(script))
		}
	})
	none(t, s, "style")
	s.Find("*").Each(func(_ int, el *goquery.Selection) {
		for _, a := range el.Get(0).Attr {
			key, val := strings.ToLower(a.Key), strings.TrimSpace(a.Val)
			switch {
			case strings.HasPrefix(key, "on"):
				t.Errorf("inline event handler %s on %s", a.Key, outer(el))
			case strings.HasPrefix(key, "hx-on"), strings.HasPrefix(key, "data-hx-on"):
				t.Errorf("htmx inline handler %s on %s", a.Key, outer(el))
			case key == "style":
				t.Errorf("inline style on %s", outer(el))
			case strings.HasPrefix(strings.ToLower(val), "javascript:"):
				t.Errorf("javascript: URL in %s on %s", a.Key, outer(el))
			case strings.HasPrefix(key, "hx-") && strings.HasPrefix(val, "js:"):
				t.Errorf("htmx would evaluate %s on %s", a.Key, outer(el))
			}
		}
	})
}

func TestNoInlineCode(t *testing.T) {
	// Every kind of page and fragment the app serves, with books in it.
	a := newTestApp(t)
	a.create("Emma", "Jane Austen", "")
	dune := a.create("Dune", "Frank Herbert", "Science fiction")
	gone := a.create("Gone", "Someone", "")
	if _, err := a.books.Delete(t.Context(), a.reader.ID, gone.ID); err != nil {
		t.Fatal(err)
	}
	anonymous := a.browser()
	anonymous.get(plain, "/login")
	closed := newApp(t, a.db, handlers.Config{SignupOpen: false})
	open := newApp(t, a.db, handlers.Config{SignupOpen: true})

	for _, tt := range []struct {
		name         string
		a            *testApp
		m            mode
		method, path string
		form         url.Values
	}{
		{"Library", a, plain, http.MethodGet, "/books?deleted=" + strconv.FormatInt(gone.ID, 10), nil},
		{"LibraryInvalid", a, plain, http.MethodPost, "/books", url.Values{}},
		{"BookPage", a, plain, http.MethodGet, bookPath(dune.ID), nil},
		{"EditPage", a, plain, http.MethodGet, bookPath(dune.ID, "edit"), nil},
		{"EditPageInvalid", a, plain, http.MethodPost, bookPath(dune.ID), url.Values{}},
		{"DeletePage", a, plain, http.MethodGet, bookPath(dune.ID, "delete"), nil},
		{"NotFoundPage", a, plain, http.MethodGet, "/books/999", nil},
		{"LoginPage", anonymous, plain, http.MethodGet, "/login?next=%2Fbooks%2F1", nil},
		{"LoginFailed", anonymous, plain, http.MethodPost, "/login", loginForm("nobody", "not the right passphrase")},
		{"SignupPage", open, plain, http.MethodGet, "/signup", nil},
		{"SignupInvalid", open, plain, http.MethodPost, "/signup", signupForm("x", "short", "")},
		{"SignupClosed", closed, plain, http.MethodGet, "/signup", nil},
		{"Rows", a, htmx, http.MethodGet, "/books", nil},
		{"Row", a, htmx, http.MethodGet, bookPath(dune.ID), nil},
		{"EditRow", a, htmx, http.MethodGet, bookPath(dune.ID, "edit"), nil},
		{"EditRowInvalid", a, htmx, http.MethodPut, bookPath(dune.ID), url.Values{}},
		{"NewRowInvalid", a, htmx, http.MethodPost, "/books", url.Values{}},
		{"Created", a, htmx, http.MethodPost, "/books", form("Kindred", "Octavia E. Butler", "")},
		{"Deleted", a, htmx, http.MethodDelete, bookPath(dune.ID), nil},
		{"Restored", a, htmx, http.MethodPost, bookPath(dune.ID, "restore"), url.Values{}},
		{"GoneRow", a, htmx, http.MethodGet, "/books/999", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.a.csrf == "" {
				tt.a.get(plain, "/login")
			}
			res := tt.a.do(tt.m, tt.method, tt.path, tt.form)
			if res.StatusCode >= 500 || strings.TrimSpace(res.body) == "" {
				t.Fatalf("status %d, body %q: want something to look at", res.StatusCode, res.body)
			}
			if tt.m.htmx {
				wantNoInlineCode(t, res.fragment(t).Parent())
			} else {
				wantNoInlineCode(t, res.page(t).Selection)
			}
		})
	}
	t.Run("ForbiddenPage", func(t *testing.T) {
		res := a.send(a.request(plain, http.MethodPost, "/logout", url.Values{"_csrf": {"wrong"}}))
		res.wantStatus(t, http.StatusForbidden)
		wantNoInlineCode(t, res.page(t).Selection)
	})
}

// unsafeRoutes are the routes that change something, each with a form that would change it.
func unsafeRoutes(book, deleted int64) []struct {
	name, method, target string
	form                 url.Values
} {
	return []struct {
		name, method, target string
		form                 url.Values
	}{
		{"CreateBook", http.MethodPost, "/books", form("Forged", "Mallory", "")},
		{"UpdateBookPut", http.MethodPut, bookPath(book), form("Forged", "Mallory", "")},
		{"UpdateBookPost", http.MethodPost, bookPath(book), form("Forged", "Mallory", "")},
		{"DeleteBook", http.MethodDelete, bookPath(book), nil},
		{"DeleteBookPost", http.MethodPost, bookPath(book, "delete"), url.Values{}},
		{"RestoreBook", http.MethodPost, bookPath(deleted, "restore"), url.Values{}},
		{"Login", http.MethodPost, "/login", loginForm("mallory", password)},
		{"Signup", http.MethodPost, "/signup", signupForm("newcomer", password, password)},
		{"Logout", http.MethodPost, "/logout", url.Values{}},
	}
}

func TestCSRF(t *testing.T) {
	db := openTestDB(t)
	a := newApp(t, db, handlers.Config{SignupOpen: true})
	a.signIn(a.addUser("reader"))
	a.addUser("mallory")
	dune := a.create("Dune", "Frank Herbert", "")
	gone := a.create("Gone", "Someone", "")
	if _, err := a.books.Delete(t.Context(), a.reader.ID, gone.ID); err != nil {
		t.Fatal(err)
	}
	session := a.cookies[sessionCookie]
	// Another browser's token is genuine, but it is not this browser's.
	other := a.browser()
	other.get(plain, "/login")
	if other.csrf == "" || rawCSRF(t, other.csrf) == rawCSRF(t, a.csrf) {
		t.Fatalf("tokens %q and %q, want two different ones", a.csrf, other.csrf)
	}

	// assertNothingChanged fails the test if the refused request changed anything.
	assertNothingChanged := func(t *testing.T, res response) {
		t.Helper()
		if got := a.stored(dune.ID); got.Title != dune.Title || got.Author != dune.Author || !got.UpdatedAt.Equal(dune.UpdatedAt) {
			t.Errorf("book = %+v, want it unchanged", got)
		}
		if _, err := a.books.GetDeleted(t.Context(), a.reader.ID, gone.ID); err != nil {
			t.Errorf("deleted book: %v, want it still deleted", err)
		}
		if n := a.count(); n != 1 {
			t.Errorf("Count() = %d, want 1", n)
		}
		if sess, err := a.sessions.Get(t.Context(), session); err != nil || sess.UserID != a.reader.ID {
			t.Errorf("session = %+v, %v; want the reader still signed in", sess, err)
		}
		if _, err := db.Users().ByName(t.Context(), "newcomer"); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("ByName(newcomer) = %v, want ErrNotFound", err)
		}
		wantNoSession(t, res)
	}

	for _, tt := range []struct {
		name string
		// token is what the request carries (in the header for htmx, the _csrf field otherwise).
		token string
		// cookies is the Cookie header, or "" for the browser's cookies.
		cookies string
	}{
		{"ErrMissing", "", ""},
		{"ErrWrong", data.NewToken(), ""},
		{"ErrOtherBrowsersToken", other.csrf, ""},
		// Double submit: the right token without its cookie proves nothing.
		{"ErrNoCookie", a.csrf, sessionCookie + "=" + session},
		{"ErrCookieForOtherToken", a.csrf, sessionCookie + "=" + session + "; " + csrfCookie + "=" + rawCSRF(t, other.csrf)},
	} {
		for _, r := range unsafeRoutes(dune.ID, gone.ID) {
			for _, m := range modes {
				t.Run(tt.name+"/"+m.name+"/"+r.name, func(t *testing.T) {
					f := r.form
					if !m.htmx && tt.token != "" {
						f = withField(f, "_csrf", tt.token)
					}
					req := a.request(m, r.method, r.target, f)
					if m.htmx && tt.token != "" {
						req.Header.Set(csrfHeader, tt.token)
					}
					if tt.cookies != "" {
						req.Header.Set("Cookie", tt.cookies)
					}
					res := a.send(req)
					res.wantStatus(t, http.StatusForbidden)
					if m.htmx {
						if !strings.HasPrefix(res.body, "Page out of date.") {
							t.Errorf("body = %q, want a short Page out of date message", res.body)
						}
					} else {
						wantText(t, one(t, res.page(t), "main h1"), "Page out of date")
					}
					assertNothingChanged(t, res)
				})
			}
		}
	}
	t.Run("ErrTokenInURL", func(t *testing.T) {
		// Tokens end up in logs and Referer headers when put in URLs, so a URL's token counts for nothing.
		for _, r := range unsafeRoutes(dune.ID, gone.ID) {
			target := r.target + "?" + url.Values{"_csrf": {a.csrf}}.Encode()
			if strings.Contains(r.target, "?") {
				target = r.target + "&" + url.Values{"_csrf": {a.csrf}}.Encode()
			}
			res := a.send(a.request(plain, r.method, target, r.form))
			res.wantStatus(t, http.StatusForbidden)
			assertNothingChanged(t, res)
		}
	})
	// The refusals left the browser's own token working.
	a.do(htmx, http.MethodPut, bookPath(dune.ID), form("Dune", "F. Herbert", "")).wantStatus(t, http.StatusOK)
}

func TestHTTPS(t *testing.T) {
	// Bookcase behind a TLS-terminating proxy. Requests from app.Test come from 0.0.0.0.
	behindProxy := handlers.Config{TrustedProxies: []string{"0.0.0.0/0"}}
	const origin = "https://example.com"

	// wantSecureCookie fails the test unless res sets the cookie for HTTPS only, with __Host-.
	wantSecureCookie := func(t *testing.T, res response, name string) {
		t.Helper()
		if c := res.cookie(strings.TrimPrefix(name, "__Host-")); c != nil {
			t.Errorf("cookie %s set without the __Host- prefix", c.Name)
		}
		c := res.cookie(name)
		if c == nil {
			t.Fatalf("no %s cookie; Set-Cookie: %q", name, res.Header.Values("Set-Cookie"))
		}
		if !c.Secure || c.Path != "/" || c.Domain != "" {
			t.Errorf("%s: Secure %v, Path %q, Domain %q; want Secure, /, none (as __Host- requires)", name, c.Secure, c.Path, c.Domain)
		}
	}
	wantHSTS := func(t *testing.T, res response) {
		t.Helper()
		if hsts := res.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(hsts, "max-age=") || hsts == "max-age=0" {
			t.Errorf("Strict-Transport-Security = %q, want a max-age", hsts)
		}
	}

	t.Run("OKForwardedProto", func(t *testing.T) {
		a := newApp(t, openTestDB(t), behindProxy)
		a.addUser("ada")
		a.header.Set("X-Forwarded-Proto", "https")
		a.header.Set("Referer", origin+"/login")

		res := a.get(plain, "/login")
		res.wantStatus(t, http.StatusOK)
		wantSecureCookie(t, res, "__Host-bookcase_csrf")
		wantHSTS(t, res)
		res = a.do(plain, http.MethodPost, "/login", loginForm("ada", password))
		res.wantRedirect(t, "/books")
		wantSecureCookie(t, res, "__Host-bookcase_session")
		wantSessionCookie(t, res, "__Host-bookcase_session", true)
		wantHSTS(t, res)
		wantSignedInAs(t, a, "ada")
		// htmx sends the token in a header; the Referer rule holds for it too.
		a.header.Set("Referer", origin+"/books")
		a.do(htmx, http.MethodPost, "/books", form("Dune", "Frank Herbert", "")).wantStatus(t, http.StatusOK)
	})
	t.Run("ErrReferer", func(t *testing.T) {
		// Over HTTPS the anti-forgery check also wants the request to come from this site. Browsers
		// send a same-origin Referer under Referrer-Policy: same-origin.
		a := newApp(t, openTestDB(t), behindProxy)
		a.addUser("ada")
		a.header.Set("X-Forwarded-Proto", "https")
		a.get(plain, "/login").wantStatus(t, http.StatusOK) // a GET needs no Referer
		for _, tt := range []struct{ name, referer string }{
			{"ErrNone", ""},
			{"ErrForeign", "https://evil.example/books"},
			{"ErrLookalike", "https://example.com.evil.example/books"},
			{"ErrPlainHTTP", "http://example.com/books"},
		} {
			for _, m := range modes {
				t.Run(tt.name+m.name, func(t *testing.T) {
					a.header.Del("Referer")
					if tt.referer != "" {
						a.header.Set("Referer", tt.referer)
					}
					res := a.do(m, http.MethodPost, "/login", loginForm("ada", password))
					res.wantStatus(t, http.StatusForbidden)
					wantNoSession(t, res)
				})
			}
		}
		a.header.Set("Referer", origin+"/login")
		res := a.do(plain, http.MethodPost, "/login", loginForm("ada", password))
		res.wantRedirect(t, "/books")
		wantSessionCookie(t, res, "__Host-bookcase_session", true)
	})
	t.Run("OKSecureCookiesOverHTTP", func(t *testing.T) {
		// --secure-cookies: for a proxy that does not say it speaks HTTPS.
		a := newApp(t, openTestDB(t), handlers.Config{SecureCookies: true})
		a.addUser("ada")
		res := a.get(plain, "/login")
		wantSecureCookie(t, res, "__Host-bookcase_csrf")
		res = a.do(plain, http.MethodPost, "/login", loginForm("ada", password))
		res.wantRedirect(t, "/books")
		wantSessionCookie(t, res, "__Host-bookcase_session", true)
		wantSignedInAs(t, a, "ada")
	})
	t.Run("ErrUntrustedForwardedProto", func(t *testing.T) {
		// Without a trusted proxy, a client claiming HTTPS is not believed.
		a := newApp(t, openTestDB(t), handlers.Config{})
		a.addUser("ada")
		a.header.Set("X-Forwarded-Proto", "https")
		res := a.get(plain, "/login")
		if c := res.cookie("__Host-bookcase_csrf"); c != nil {
			t.Errorf("cookie %s set on a client's word", c)
		}
		if c := res.cookie(csrfCookie); c == nil || c.Secure {
			t.Errorf("token cookie = %v, want a plain one", c)
		}
		if hsts := res.Header.Get("Strict-Transport-Security"); hsts != "" {
			t.Errorf("Strict-Transport-Security = %q, want none", hsts)
		}
		res = a.do(plain, http.MethodPost, "/login", loginForm("ada", password))
		res.wantRedirect(t, "/books")
		wantSessionCookie(t, res, sessionCookie, false)
	})
}

// dbWatcher tells whether anything was written to a database file: SQLite's data_version, read
// on one connection of its own, changes when another connection commits.
type dbWatcher struct {
	t    *testing.T
	conn *sql.Conn
}

func watchDB(t *testing.T, path string) *dbWatcher {
	t.Helper()
	pool, err := sql.Open("sqlite3", "file:"+url.PathEscape(path)+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	conn, err := pool.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &dbWatcher{t: t, conn: conn}
}

// state is the data version and the numbers of stored anti-forgery tokens and sessions.
func (w *dbWatcher) state() [3]int64 {
	w.t.Helper()
	var s [3]int64
	for i, q := range []string{`PRAGMA data_version`, `SELECT count(*) FROM csrf_tokens`, `SELECT count(*) FROM sessions`} {
		if err := w.conn.QueryRowContext(w.t.Context(), q).Scan(&s[i]); err != nil {
			w.t.Fatalf("%s: %v", q, err)
		}
	}
	return s
}

func TestAnonymousRequestsWriteNothing(t *testing.T) {
	// A visitor who is not signed in costs no database write, whatever they ask for (issue 12,
	// item 2): before, every cookieless request stored an anti-forgery token, even a 404's.
	dbtest.SkipOnPostgres(t, "watches the SQLite file and its log for writes")
	path := filepath.Join(t.TempDir(), "test.db")
	db, err := data.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	a := newApp(t, db, handlers.Config{SignupOpen: true})
	a.addUser("ada")
	css := one(t, a.get(plain, "/login").page(t), `link[rel="stylesheet"]`).AttrOr("href", "")
	w := watchDB(t, path)
	before := w.state()
	const visitors = 30
	for i := range visitors {
		b := a.browser() // no cookies
		for _, target := range []string{"/login", "/signup", "/login?next=/books/1", "/nope/" + strconv.Itoa(i), "/books", "/books/1", "/", "/shortcuts", css} {
			for _, m := range modes {
				if res := b.get(m, target); res.StatusCode >= 500 {
					t.Fatalf("GET %s: status %d", target, res.StatusCode)
				}
			}
		}
		if i >= 5 {
			continue // the rest would be rate limited
		}
		// Nor do forms that fail: a wrong password, a sign-up with two different passwords.
		b.get(plain, "/login")
		b.do(plain, http.MethodPost, "/login", loginForm("ada", "not the right passphrase")).wantStatus(t, http.StatusUnprocessableEntity)
		b.do(plain, http.MethodPost, "/signup", signupForm("bob", "a fine long passphrase", "another passphrase")).wantStatus(t, http.StatusUnprocessableEntity)
	}
	if after := w.state(); after != before {
		t.Errorf("data version, tokens, sessions = %v after %d anonymous visitors, want them unchanged from %v", after, visitors, before)
	}
	// The login form still works, and signs in (that writes, once).
	b := a.browser()
	b.login("/login", "ada", password).wantRedirect(t, "/books")
	wantSignedInAs(t, b, "ada")
}

func TestCSRFAnonymous(t *testing.T) {
	// The anonymous forms (login, sign-up) keep their protection with signed, unstored tokens.
	db := openTestDB(t)
	a := newApp(t, db, handlers.Config{SignupOpen: true})
	a.addUser("ada")
	victim := a.browser()
	victim.get(plain, "/login")
	mallory := a.browser()
	mallory.get(plain, "/login")
	// A token from another server (another database, so another key) is well formed, and no use.
	elsewhere := newApp(t, openTestDB(t), handlers.Config{})
	elsewhere.get(plain, "/login")
	tampered := func(token string) string {
		i := strings.IndexByte(token, '.')
		return token[:i] + ".9" + token[i+1:] // a later expiry
	}
	for _, tt := range []struct {
		name          string
		token, cookie string
	}{
		{"ErrMissing", "", victim.cookies[csrfCookie]},
		{"ErrNoCookie", victim.csrf, ""},
		{"ErrOtherBrowsersToken", mallory.csrf, victim.cookies[csrfCookie]},
		{"ErrBadCookie", victim.csrf, victim.cookies[csrfCookie] + "x"},
		{"ErrOtherServers", elsewhere.csrf, elsewhere.cookies[csrfCookie]},
		{"ErrTampered", tampered(rawCSRF(t, victim.csrf)), tampered(victim.cookies[csrfCookie])},
		{"ErrStoredKind", data.NewToken(), data.NewToken()},
	} {
		for _, r := range []struct {
			path string
			form url.Values
		}{{"/login", loginForm("ada", password)}, {"/signup", signupForm("newcomer", password, password)}} {
			for _, m := range modes {
				t.Run(tt.name+"/"+m.name+r.path, func(t *testing.T) {
					f := r.form
					if !m.htmx && tt.token != "" {
						f = withField(f, "_csrf", tt.token)
					}
					req := victim.request(m, http.MethodPost, r.path, f)
					if m.htmx && tt.token != "" {
						req.Header.Set(csrfHeader, tt.token)
					}
					req.Header.Set("Cookie", csrfCookie+"="+tt.cookie)
					res := victim.send(req)
					res.wantStatus(t, http.StatusForbidden)
					wantNoSession(t, res)
					if _, err := db.Users().ByName(t.Context(), "newcomer"); !errors.Is(err, data.ErrNotFound) {
						t.Errorf("ByName(newcomer) = %v, want ErrNotFound", err)
					}
				})
			}
		}
	}
	t.Run("OKAnotherServerOnTheSameDatabase", func(t *testing.T) {
		// The key is the database's: a second server (or the same after a restart) takes the
		// token the first handed out.
		again := newApp(t, db, handlers.Config{})
		b := a.browser()
		b.get(plain, "/login")
		b.app = again.app
		b.do(plain, http.MethodPost, "/login", loginForm("ada", password)).wantRedirect(t, "/books")
		wantSignedInAs(t, b, "ada")
	})
}

func TestCSRFMaskedPerResponse(t *testing.T) {
	// Compressed pages reflect what the reader types: the token must not be the same bytes in
	// every response (BREACH), but every form of it must work.
	a := newTestApp(t)
	a.create("Dune", "Frank Herbert", "")
	first := a.get(plain, "/books")
	firstToken := a.csrf
	doc := first.page(t)
	// One response masks it once: the page's meta tag and its forms agree.
	for _, f := range doc.Find(`input[name="_csrf"]`).EachIter() {
		wantAttr(t, f, "value", firstToken)
	}
	a.get(plain, "/books")
	secondToken := a.csrf
	if firstToken == secondToken {
		t.Fatalf("two pages carry the same token %q, want it masked afresh in each", firstToken)
	}
	raw := rawCSRF(t, firstToken)
	if rawCSRF(t, secondToken) != raw || a.cookies[csrfCookie] != raw {
		t.Fatalf("the pages' tokens stand for %q and %q, want the cookie's %q", raw, rawCSRF(t, secondToken), a.cookies[csrfCookie])
	}
	for _, tt := range []struct {
		name  string
		token string
		want  int
	}{
		{"OKOlderPage", firstToken, http.StatusSeeOther},
		{"OKNewerPage", secondToken, http.StatusSeeOther},
		{"OKUnmasked", raw, http.StatusSeeOther}, // from a page loaded before masking
		{"ErrGarbled", "~" + firstToken[2:], http.StatusForbidden},
		{"ErrOtherToken", "~" + base64.RawURLEncoding.EncodeToString(make([]byte, 2*len(raw))), http.StatusForbidden},
	} {
		for _, m := range modes {
			t.Run(tt.name+"/"+m.name, func(t *testing.T) {
				want := tt.want
				if m.htmx && want == http.StatusSeeOther {
					want = http.StatusOK
				}
				var req *http.Request
				if m.htmx {
					req = a.request(m, http.MethodPost, "/books", form("Kindred", "Octavia Butler", ""))
					req.Header.Set(csrfHeader, tt.token)
				} else {
					req = a.request(m, http.MethodPost, "/books", withField(form("Kindred", "Octavia Butler", ""), "_csrf", tt.token))
				}
				a.cookies[csrfCookie] = raw // however an earlier refusal left it
				a.send(req).wantStatus(t, want)
			})
		}
	}
}
