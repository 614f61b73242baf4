package handlers_test

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/bookcase/bookcase/data"
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
	if other.csrf == "" || other.csrf == a.csrf {
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
		{"ErrCookieForOtherToken", a.csrf, sessionCookie + "=" + session + "; " + csrfCookie + "=" + other.csrf},
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
