package handlers_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/data/dbtest"
	"github.com/bookcase/bookcase/handlers"
)

// addLegacyBooks inserts books with no owner into the database file at path, as they were
// before accounts existed, and returns their ids.
func addLegacyBooks(t *testing.T, path string, titles ...string) []int64 {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+url.PathEscape(path)+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var ids []int64
	for _, title := range titles {
		var id int64
		err := conn.QueryRowContext(t.Context(), `INSERT INTO books (title, author, genre, created_at, updated_at)
			VALUES (?, 'Someone', '', ?, ?) RETURNING id`, title, time.Now(), time.Now()).Scan(&id)
		if err != nil {
			t.Fatalf("insert a book without an owner: %v", err)
		}
		ids = append(ids, id)
	}
	return ids
}

// loginForm is the body of the login form.
func loginForm(username, password string) url.Values {
	return url.Values{"username": {username}, "password": {password}}
}

// signupForm is the body of the sign-up form.
func signupForm(username, password, confirm string) url.Values {
	return url.Values{"username": {username}, "password": {password}, "confirm": {confirm}}
}

// genericLoginError is the one message for an unknown user and a wrong password alike.
const genericLoginError = "Wrong username or password. Check both and try again."

// login loads the login page at target (which may carry ?next=) and posts the form on it.
func (a *testApp) login(target, username, password string) response {
	a.t.Helper()
	doc := a.get(plain, target).page(a.t)
	f := loginForm(username, password)
	if next, ok := doc.Find(`form[action="/login"] input[name="next"]`).Attr("value"); ok {
		f.Set("next", next)
	}
	return a.do(plain, http.MethodPost, "/login", f)
}

// wantSessionCookie fails the test unless res starts a session with a cookie called name that
// scripts cannot read, that is not sent on cross-site posts, and that is for the whole site
// (and Secure when secure). It returns the cookie's value.
func wantSessionCookie(t *testing.T, res response, name string, secure bool) string {
	t.Helper()
	c := res.cookie(name)
	if c == nil {
		t.Fatalf("no %s cookie set; Set-Cookie: %q", name, res.Header.Values("Set-Cookie"))
	}
	if !c.HttpOnly {
		t.Errorf("%s is not HttpOnly", name)
	}
	if c.SameSite != http.SameSiteLaxMode {
		t.Errorf("%s SameSite = %v, want Lax", name, c.SameSite)
	}
	if c.Path != "/" || c.Domain != "" {
		t.Errorf("%s Path = %q, Domain = %q; want /, none", name, c.Path, c.Domain)
	}
	if c.Secure != secure {
		t.Errorf("%s Secure = %v, want %v", name, c.Secure, secure)
	}
	if len(c.Value) < 43 { // 256 random bits in base64; at least 128 are required
		t.Errorf("%s value %q is too short to hold 128 random bits", name, c.Value)
	}
	return c.Value
}

// wantNoSession fails the test if res starts a session.
func wantNoSession(t *testing.T, res response) {
	t.Helper()
	for _, name := range []string{sessionCookie, "__Host-" + sessionCookie} {
		if c := res.cookie(name); c != nil && c.Value != "" {
			t.Errorf("the response sets a session cookie: %s", c)
		}
	}
}

// wantSignedInAs fails the test unless the library page shows username signed in, with a button
// that logs out.
func wantSignedInAs(t *testing.T, a *testApp, username string) {
	t.Helper()
	res := a.get(plain, "/books")
	res.wantStatus(t, http.StatusOK)
	account := one(t, res.page(t), "header .account")
	if got := squash(account.Text()); !strings.HasPrefix(got, "Signed in as "+username) {
		t.Errorf("header says %q, want Signed in as %s", got, username)
	}
	wantText(t, one(t, account, `[data-testid="username"]`), username)
	f := one(t, account, "form")
	wantAttr(t, f, "method", "post")
	wantAttr(t, f, "action", "/logout")
	wantAttr(t, one(t, f, `input[type="hidden"][name="_csrf"]`), "value", a.csrf)
	wantText(t, one(t, f, `button[type="submit"]`), "Log out")
}

// wantSignedOut fails the test unless the library sends this browser to the login page.
func wantSignedOut(t *testing.T, a *testApp) {
	t.Helper()
	a.get(plain, "/books").wantRedirect(t, "/login")
}

// wantAuthField fails the test unless the form has a labelled input called name of the type,
// showing value.
func wantAuthField(t *testing.T, f *goquery.Selection, name, kind, value string) *goquery.Selection {
	t.Helper()
	in := one(t, f, "input#field-"+name)
	wantAttr(t, in, "name", name)
	wantAttr(t, in, "type", kind)
	wantAttr(t, in, "value", value)
	one(t, f, `label[for="field-`+name+`"]`)
	return in
}

func TestSignup(t *testing.T) {
	t.Run("OKPage", func(t *testing.T) {
		a := newApp(t, openTestDB(t), handlers.Config{SignupOpen: true})
		res := a.get(plain, "/signup")
		res.wantStatus(t, http.StatusOK)
		doc := res.page(t)
		wantText(t, one(t, doc, "title"), "Create your account · Bookcase")
		none(t, doc, "header .account")
		f := one(t, doc, "main form")
		wantAttr(t, f, "method", "post")
		wantAttr(t, f, "action", "/signup")
		wantAttr(t, one(t, f, `input[type="hidden"][name="_csrf"]`), "value", a.csrf)
		if _, ok := wantAuthField(t, f, "username", "text", "").Attr("autofocus"); !ok {
			t.Error("the username field has no autofocus")
		}
		wantAttr(t, wantAuthField(t, f, "password", "password", ""), "autocomplete", "new-password")
		wantAttr(t, wantAuthField(t, f, "confirm", "password", ""), "autocomplete", "new-password")
		none(t, f, ".error, [aria-invalid]")
		one(t, f, `button[type="submit"]`)
		one(t, doc, `main a[href="/login"]`)
	})
	t.Run("OK", func(t *testing.T) {
		a := newApp(t, openTestDB(t), handlers.Config{SignupOpen: true})
		a.get(plain, "/signup").wantStatus(t, http.StatusOK)
		res := a.do(plain, http.MethodPost, "/signup", signupForm(" Ada ", password, password))
		res.wantRedirect(t, "/books")
		token := wantSessionCookie(t, res, sessionCookie, false)
		wantSignedInAs(t, a, "ada")
		u, err := a.db.Users().Authenticate(t.Context(), "ada", password)
		if err != nil {
			t.Fatalf("the new account does not take its password: %v", err)
		}
		if sess, err := a.sessions.Get(t.Context(), token); err != nil || sess.UserID != u.ID {
			t.Errorf("the cookie's session = %+v, %v; want one for user %d", sess, err, u.ID)
		}
		// Signed in, the sign-up and login pages lead to the library.
		a.get(plain, "/signup").wantRedirect(t, "/books")
		a.get(plain, "/login").wantRedirect(t, "/books")
	})
	t.Run("OKTimeZone", func(t *testing.T) {
		// The browser's zone (app.js fills the hidden field) is the new reader's, when the time
		// zone database knows it; another name, or none (no JavaScript), leaves UTC.
		for _, tc := range []struct{ sent, want string }{
			{"Asia/Tokyo", "Asia/Tokyo"}, {" America/New_York ", "America/New_York"}, {"Mars/Olympus", "UTC"},
			{"Local", "UTC"}, {"", "UTC"}, {strings.Repeat("Europe/", 20), "UTC"},
		} {
			a := newApp(t, openTestDB(t), handlers.Config{SignupOpen: true})
			doc := a.get(plain, "/signup").page(t)
			wantAttr(t, one(t, doc, `main form input[type="hidden"][name="time_zone"][data-browser-zone]`), "value", "")
			a.do(plain, http.MethodPost, "/signup", withField(signupForm("ada", password, password), "time_zone", tc.sent)).wantRedirect(t, "/books")
			u, err := a.db.Users().ByName(t.Context(), "ada")
			if err != nil {
				t.Fatal(err)
			}
			if loc, err := a.db.Users().TimeZone(t.Context(), u.ID); err != nil || loc.String() != tc.want {
				t.Errorf("sent %q: the zone is %v, %v; want %s", tc.sent, loc, err, tc.want)
			}
		}
		// A form refused keeps the zone it was sent with.
		a := newApp(t, openTestDB(t), handlers.Config{SignupOpen: true})
		a.get(plain, "/signup")
		res := a.do(plain, http.MethodPost, "/signup", withField(signupForm("ada", password, password+"x"), "time_zone", "Asia/Tokyo"))
		res.wantStatus(t, http.StatusUnprocessableEntity)
		wantAttr(t, one(t, res.page(t), `input[name="time_zone"]`), "value", "Asia/Tokyo")
	})
	t.Run("OKLongPassword", func(t *testing.T) {
		// Long passwords are welcome, and checked whole: no truncation (bcrypt stops at 72 bytes).
		long := strings.Repeat("a long passphrase, ", 5) + "ünïcödé too"
		a := newApp(t, openTestDB(t), handlers.Config{SignupOpen: true})
		a.get(plain, "/signup")
		a.do(plain, http.MethodPost, "/signup", signupForm("ada", long, long)).wantRedirect(t, "/books")

		b := a.browser()
		b.login("/login", "ada", long).wantRedirect(t, "/books")
		c := a.browser()
		c.login("/login", "ada", long[:72]).wantStatus(t, http.StatusUnprocessableEntity)
	})

	// The error cases share one database, where "ada" exists.
	db := openTestDB(t)
	if _, err := db.Users().Create(t.Context(), "ada", password); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name                        string
		username, password, confirm string
		field, want                 string
	}{
		{"ErrPasswordCommon", "bob", "Password1", "Password1", "password", "one of the most common"},
		{"ErrPasswordTooShort", "bob", "k7#pQ2x", "k7#pQ2x", "password", "at least 8 characters"},
		{"ErrPasswordMismatch", "bob", "a fine long passphrase", "a fine long passfrase", "confirm", "The two passwords differ"},
		{"ErrUsernameTaken", " ADA ", "a fine long passphrase", "a fine long passphrase", "username", "That username is taken"},
		{"ErrUsernameInvalid", "bob smith", "a fine long passphrase", "a fine long passphrase", "username", "only letters"},
		{"ErrUsernameRequired", "", "a fine long passphrase", "a fine long passphrase", "username", "required"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := newApp(t, db, handlers.Config{SignupOpen: true})
			a.get(plain, "/signup")
			res := a.do(plain, http.MethodPost, "/signup", signupForm(tt.username, tt.password, tt.confirm))
			res.wantStatus(t, http.StatusUnprocessableEntity)
			wantNoSession(t, res)
			doc := res.page(t)
			f := one(t, doc, `main form[action="/signup"]`)
			// What was typed is kept, except the passwords, which appear nowhere.
			wantAuthField(t, f, "username", "text", strings.TrimSpace(tt.username))
			wantAuthField(t, f, "password", "password", "")
			wantAuthField(t, f, "confirm", "password", "")
			for _, p := range []string{tt.password, tt.confirm} {
				if strings.Contains(res.body, p) {
					t.Errorf("the page contains the password %q", p)
				}
			}
			// The problem is said beside its field, which has the focus.
			in := one(t, f, "input#field-"+tt.field)
			wantAttr(t, in, "aria-invalid", "true")
			// The message is read out first; sign-up's fields also keep their hint.
			wantDescribed := "field-" + tt.field + "-error"
			if tt.field != "confirm" {
				wantDescribed += " field-" + tt.field + "-hint"
			}
			wantAttr(t, in, "aria-describedby", wantDescribed)
			if _, ok := in.Attr("autofocus"); !ok {
				t.Errorf("the bad field %s has no autofocus", tt.field)
			}
			if msg := squash(one(t, f, "#field-"+tt.field+"-error").Text()); !strings.Contains(msg, tt.want) {
				t.Errorf("error = %q, want it to say %q", msg, tt.want)
			}
			wantAttr(t, one(t, f, `input[name="_csrf"]`), "value", a.csrf)
			// Nothing was created, and nobody is signed in.
			if list, err := db.Users().List(t.Context()); err != nil || len(list) != 1 {
				t.Errorf("accounts = %+v, %v; want only ada", list, err)
			}
			wantSignedOut(t, a)
		})
	}

	t.Run("ErrEveryProblemAtOnce", func(t *testing.T) {
		// A common password and a mismatch are reported by one submit. Whether the name is taken
		// is only said once the rest of the form is valid (issue 12, item 5): the form is no
		// quick way to probe for usernames.
		a := newApp(t, db, handlers.Config{SignupOpen: true})
		a.get(plain, "/signup")
		res := a.do(plain, http.MethodPost, "/signup", signupForm("ADA", "password1", "password2"))
		res.wantStatus(t, http.StatusUnprocessableEntity)
		f := one(t, res.page(t), `main form[action="/signup"]`)
		for field, want := range map[string]string{"password": "most common", "confirm": "differ"} {
			if msg := squash(one(t, f, "#field-"+field+"-error").Text()); !strings.Contains(msg, want) {
				t.Errorf("%s error = %q, want it to say %q", field, msg, want)
			}
		}
		none(t, f, "#field-username-error")
		if _, ok := one(t, f, "input#field-password").Attr("autofocus"); !ok {
			t.Error("the first bad field, password, has no autofocus")
		}
	})
	t.Run("ErrTakenOnlyOnceTheRestIsValid", func(t *testing.T) {
		// Two different passwords that are each fine: before the fix this said the name was taken.
		a := newApp(t, db, handlers.Config{SignupOpen: true})
		a.get(plain, "/signup")
		res := a.do(plain, http.MethodPost, "/signup", signupForm("ada", "a fine long passphrase", "a fine long passfrase"))
		res.wantStatus(t, http.StatusUnprocessableEntity)
		f := one(t, res.page(t), `main form[action="/signup"]`)
		none(t, f, "#field-username-error")
		one(t, f, "#field-confirm-error")
	})

	t.Run("ErrClosed", func(t *testing.T) {
		a := newApp(t, openTestDB(t), handlers.Config{SignupOpen: false})
		wantClosed := func(t *testing.T, res response) {
			t.Helper()
			res.wantStatus(t, http.StatusForbidden)
			doc := res.page(t)
			wantText(t, one(t, doc, "main h1"), "Sign-up is closed")
			none(t, doc, `form[action="/signup"]`)
			one(t, doc, `main a[href="/login"]`)
		}
		wantClosed(t, a.get(plain, "/signup"))
		res := a.do(plain, http.MethodPost, "/signup", signupForm("ada", password, password))
		wantClosed(t, res)
		wantNoSession(t, res)
		if list, err := a.db.Users().List(t.Context()); err != nil || len(list) != 0 {
			t.Errorf("accounts = %+v, %v; want none", list, err)
		}
		// The login page does not offer what is closed.
		none(t, a.get(plain, "/login").page(t), `a[href="/signup"]`)
	})
}

func TestFirstAccountAdoptsBooks(t *testing.T) {
	// Books made before accounts existed have no owner; the first account takes them all.
	dbtest.SkipOnPostgres(t, "books without an owner are in SQLite files made before accounts; this test writes them into the file")
	path := filepath.Join(t.TempDir(), "test.db")
	db, err := data.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	legacy := addLegacyBooks(t, path, "Dune", "Emma")
	first := newApp(t, db, handlers.Config{SignupOpen: true})
	first.get(plain, "/signup")
	first.do(plain, http.MethodPost, "/signup", signupForm("first", password, password)).wantRedirect(t, "/books")
	doc := first.get(plain, "/books").page(t)
	if got := rowIDs(t, doc.Selection); len(got) != 2 || got[0] != legacy[1] || got[1] != legacy[0] {
		t.Errorf("the first account's library = %v, want the books made before accounts %v", got, legacy)
	}
	wantText(t, one(t, doc, "#book-count"), "2 books")

	second := first.browser()
	second.get(plain, "/signup")
	second.do(plain, http.MethodPost, "/signup", signupForm("second", password, password)).wantRedirect(t, "/books")
	doc = second.get(plain, "/books").page(t)
	none(t, doc, "tr.book")
	second.get(plain, bookPath(legacy[0])).wantStatus(t, http.StatusNotFound)
}

func TestLogin(t *testing.T) {
	// One database for every case, each on an app of its own: the rate limits start afresh.
	db := openTestDB(t)
	setup := newApp(t, db, handlers.Config{})
	ada := setup.addUser("ada")
	newLoginApp := func(t *testing.T) *testApp {
		t.Helper()
		return newApp(t, db, handlers.Config{SignupOpen: true})
	}

	t.Run("OKPage", func(t *testing.T) {
		a := newLoginApp(t)
		res := a.get(plain, "/login")
		res.wantStatus(t, http.StatusOK)
		doc := res.page(t)
		wantText(t, one(t, doc, "title"), "Log in · Bookcase")
		none(t, doc, "header .account")
		f := one(t, doc, "main form")
		wantAttr(t, f, "method", "post")
		wantAttr(t, f, "action", "/login")
		wantAttr(t, one(t, f, `input[type="hidden"][name="_csrf"]`), "value", a.csrf)
		none(t, f, `input[name="next"]`)
		if _, ok := wantAuthField(t, f, "username", "text", "").Attr("autofocus"); !ok {
			t.Error("the username field has no autofocus")
		}
		wantAttr(t, wantAuthField(t, f, "password", "password", ""), "autocomplete", "current-password")
		none(t, f, ".error, [aria-invalid]")
		one(t, doc, `main a[href="/signup"]`)
	})
	t.Run("OK", func(t *testing.T) {
		a := newLoginApp(t)
		res := a.login("/login", " ADA ", password)
		res.wantRedirect(t, "/books")
		token := wantSessionCookie(t, res, sessionCookie, false)
		if sess, err := a.sessions.Get(t.Context(), token); err != nil || sess.UserID != ada.ID {
			t.Errorf("the cookie's session = %+v, %v; want one for ada", sess, err)
		}
		wantSignedInAs(t, a, "ada")
	})

	t.Run("ErrBadCredentials", func(t *testing.T) {
		// A wrong password and an unknown user get the same answer: nothing tells which it was.
		a := newLoginApp(t)
		bodies := map[string]string{}
		for _, tt := range []struct{ name, username, password string }{
			{"ErrWrongPassword", "ada", "not the right passphrase"},
			{"ErrUnknownUser", "nobody", "not the right passphrase"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				res := a.login("/login", tt.username, tt.password)
				res.wantStatus(t, http.StatusUnprocessableEntity)
				wantNoSession(t, res)
				if strings.Contains(res.body, tt.password) {
					t.Error("the page contains the password")
				}
				f := one(t, res.page(t), `main form[action="/login"]`)
				msg := one(t, f, "#login-error")
				wantText(t, msg, genericLoginError)
				wantAttr(t, msg, "role", "alert")
				// The username is kept, so the focus goes to the password.
				wantAuthField(t, f, "username", "text", tt.username)
				if _, ok := wantAuthField(t, f, "password", "password", "").Attr("autofocus"); !ok {
					t.Error("the password field has no autofocus")
				}
				wantSignedOut(t, a)
				bodies[tt.name] = strings.Replace(withoutCSRF(res.body), `value="`+tt.username+`"`, `value="USERNAME"`, 1)
			})
		}
		if bodies["ErrWrongPassword"] != bodies["ErrUnknownUser"] {
			t.Errorf("the answers differ beyond the username:\n%s\n---\n%s", bodies["ErrWrongPassword"], bodies["ErrUnknownUser"])
		}
	})
	t.Run("ErrEmpty", func(t *testing.T) {
		a := newLoginApp(t)
		res := a.login("/login", "", "")
		res.wantStatus(t, http.StatusUnprocessableEntity)
		wantText(t, one(t, res.page(t), "#login-error"), genericLoginError)
	})

	t.Run("OKNext", func(t *testing.T) {
		// An anonymous reader sent to log in comes back to where they were going.
		for _, target := range []string{"/books/7/edit", "/books?before=12"} {
			t.Run(target, func(t *testing.T) {
				a := newLoginApp(t)
				to := "/login?" + url.Values{"next": {target}}.Encode()
				a.get(plain, target).wantRedirect(t, to)
				doc := a.get(plain, to).page(t)
				wantAttr(t, one(t, doc, `form[action="/login"] input[type="hidden"][name="next"]`), "value", target)
				a.login(to, "ada", password).wantRedirect(t, target)
			})
		}
	})
	t.Run("ErrOpenRedirect", func(t *testing.T) {
		// next may only name a path on this site; anything else lands on the library.
		a := newLoginApp(t)
		for _, next := range []string{
			"//evil.example",
			"///evil.example",
			"https://evil.example",
			`/\evil.example`,
			`/\/evil.example`,
			"/\t/evil.example",
			"http:evil.example",
			"javascript:alert(1)",
			"evil.example",
		} {
			t.Run(url.PathEscape(next), func(t *testing.T) {
				b := a.browser()
				doc := b.get(plain, "/login?"+url.Values{"next": {next}}.Encode()).page(t)
				none(t, doc, `input[name="next"]`)
				// Posted directly, as a forged form would.
				b.do(plain, http.MethodPost, "/login", withField(loginForm("ada", password), "next", next)).wantRedirect(t, "/books")
			})
		}
	})

	t.Run("OKNewSessionOnLogin", func(t *testing.T) {
		// Session fixation: a session identifier planted in the reader's browser before they log
		// in (here, the attacker's own) is never the one they get, and it stops working.
		a := newLoginApp(t)
		mallory := a.browser()
		mallory.addUser("mallory")
		planted := wantSessionCookie(t, mallory.login("/login", "mallory", password), sessionCookie, false)

		a.get(plain, "/login")
		tokenBefore := a.csrf
		a.cookies[sessionCookie] = planted
		res := a.do(plain, http.MethodPost, "/login", loginForm("ada", password))
		res.wantRedirect(t, "/books")
		got := wantSessionCookie(t, res, sessionCookie, false)
		if got == planted {
			t.Fatal("login kept the session identifier the browser brought")
		}
		wantSignedInAs(t, a, "ada")
		if _, err := db.Sessions(sessionIdle, sessionLifetime).Get(t.Context(), planted); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("the planted session after login = %v, want ErrNotFound", err)
		}

		// The anti-forgery token is new too, and the old one is refused.
		if rawCSRF(t, a.csrf) == rawCSRF(t, tokenBefore) {
			t.Error("the anti-forgery token did not change on login")
		}
		stale := a.request(plain, http.MethodPost, "/books", withField(form("Dune", "Frank Herbert", ""), "_csrf", tokenBefore))
		stale.Header.Set("Cookie", sessionCookie+"="+got+"; "+csrfCookie+"="+rawCSRF(t, tokenBefore))
		a.send(stale).wantStatus(t, http.StatusForbidden)
		a.get(plain, "/books") // the refusal expired the token cookie; this page hands out a new one

		// Logging in again, signed in, also gives a new session and ends the old one.
		again := a.do(plain, http.MethodPost, "/login", loginForm("ada", password))
		again.wantRedirect(t, "/books")
		if next := wantSessionCookie(t, again, sessionCookie, false); next == got {
			t.Error("a second login kept the session identifier")
		}
		if _, err := a.sessions.Get(t.Context(), got); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("the first session after a second login = %v, want ErrNotFound", err)
		}
		wantSignedInAs(t, a, "ada")
	})
}

func TestLogout(t *testing.T) {
	db := openTestDB(t)
	newApp(t, db, handlers.Config{}).addUser("ada")
	for _, m := range modes {
		t.Run("OK"+m.name, func(t *testing.T) {
			a := newApp(t, db, handlers.Config{})
			token := wantSessionCookie(t, a.login("/login", "ada", password), sessionCookie, false)
			wantSignedInAs(t, a, "ada")

			res := a.do(m, http.MethodPost, "/logout", url.Values{})
			if m.htmx {
				res.wantStatus(t, http.StatusNoContent)
				if got := res.Header.Get("HX-Redirect"); got != "/login" {
					t.Errorf("HX-Redirect = %q, want /login", got)
				}
			} else {
				res.wantRedirect(t, "/login")
			}
			if c := res.cookie(sessionCookie); c == nil || c.Value != "" {
				t.Errorf("session cookie after logout = %v, want it cleared", c)
			}
			if got := res.Header.Get("Clear-Site-Data"); got != `"cache"` {
				t.Errorf(`Clear-Site-Data = %q, want "cache" (no private page kept for Back)`, got)
			}
			wantSignedOut(t, a)

			// The session is gone from the server: the old cookie, replayed, opens nothing.
			if _, err := a.sessions.Get(t.Context(), token); !errors.Is(err, data.ErrNotFound) {
				t.Errorf("session after logout = %v, want ErrNotFound", err)
			}
			for _, mm := range modes {
				req := a.request(mm, http.MethodGet, "/books", nil)
				req.Header.Set("Cookie", sessionCookie+"="+token)
				res := a.send(req)
				if mm.htmx {
					res.wantStatus(t, http.StatusUnauthorized)
				} else {
					res.wantRedirect(t, "/login")
				}
			}
		})
	}
	t.Run("OKSignedOut", func(t *testing.T) {
		a := newApp(t, db, handlers.Config{})
		a.get(plain, "/login")
		a.do(plain, http.MethodPost, "/logout", url.Values{}).wantRedirect(t, "/login")
	})
	t.Run("OKPasswordChangeSignsOut", func(t *testing.T) {
		a := newApp(t, db, handlers.Config{})
		a.addUser("bob")
		a.login("/login", "bob", password).wantRedirect(t, "/books")
		if err := a.db.Users().SetPassword(t.Context(), "bob", "another fine passphrase"); err != nil {
			t.Fatal(err)
		}
		wantSignedOut(t, a)
	})
	t.Run("ErrUnknownSession", func(t *testing.T) {
		a := newApp(t, db, handlers.Config{})
		a.cookies[sessionCookie] = data.NewToken()
		res := a.get(plain, "/books")
		res.wantRedirect(t, "/login")
		if c := res.cookie(sessionCookie); c == nil || c.Value != "" {
			t.Errorf("unknown session cookie = %v, want it cleared", c)
		}
	})
}

// anonymousRoutes are the library's routes, as an anonymous reader might ask for them.
var anonymousRoutes = []struct {
	method, target string
	form           url.Values
}{
	{http.MethodGet, "/books", nil},
	{http.MethodGet, "/books?before=7", nil},
	{http.MethodPost, "/books", form("Dune", "Frank Herbert", "")},
	{http.MethodGet, "/books/1", nil},
	{http.MethodGet, "/books/1/edit", nil},
	{http.MethodPut, "/books/1", form("Stolen", "Mallory", "")},
	{http.MethodPost, "/books/1", form("Stolen", "Mallory", "")},
	{http.MethodDelete, "/books/1", nil},
	{http.MethodGet, "/books/1/delete", nil},
	{http.MethodPost, "/books/1/delete", url.Values{}},
	{http.MethodPost, "/books/2/restore", url.Values{}},
}

func TestRequireUser(t *testing.T) {
	db := openTestDB(t)
	owner := newApp(t, db, handlers.Config{})
	owner.reader = owner.addUser("owner")
	live := owner.create("Dune", "Frank Herbert", "")
	gone := owner.create("Emma", "Jane Austen", "")
	if live.ID != 1 || gone.ID != 2 {
		t.Fatalf("books got ids %d and %d, want 1 and 2", live.ID, gone.ID)
	}
	if _, err := db.Books().Delete(t.Context(), owner.reader.ID, gone.ID); err != nil {
		t.Fatal(err)
	}

	a := newApp(t, db, handlers.Config{})
	a.get(plain, "/login") // for the anti-forgery token: without it, unsafe requests stop earlier
	for _, r := range anonymousRoutes {
		t.Run("Plain/"+r.method+" "+r.target, func(t *testing.T) {
			// A page request comes back to its page after login; a form post, to the library.
			want := "/login"
			if r.method == http.MethodGet && r.target != "/books" {
				want += "?" + url.Values{"next": {r.target}}.Encode()
			}
			res := a.do(plain, r.method, r.target, r.form)
			res.wantRedirect(t, want)
			wantNoSession(t, res)
		})
		t.Run("HTMX/"+r.method+" "+r.target, func(t *testing.T) {
			// htmx is told to load the login page in place of the whole page; the fragment it
			// asked for never holds a login form. After login, the reader returns to the page
			// they were on (HX-Current-URL), whatever the request was.
			for _, current := range []struct{ url, want string }{
				{"http://example.com/books", "/login"},
				{"http://example.com/books/1/edit", "/login?next=%2Fbooks%2F1%2Fedit"},
				{"http://example.com/books?before=7", "/login?next=%2Fbooks%3Fbefore%3D7"},
			} {
				req := a.request(htmx, r.method, r.target, r.form)
				req.Header.Set("HX-Current-URL", current.url)
				if unsafe(r.method) {
					req.Header.Set(csrfHeader, a.csrf)
				}
				res := a.send(req)
				res.wantStatus(t, http.StatusUnauthorized)
				if got := res.Header.Get("HX-Redirect"); got != current.want {
					t.Errorf("from %s: HX-Redirect = %q, want %q", current.url, got, current.want)
				}
				if body := strings.ToLower(res.body); strings.Contains(body, "<form") || strings.Contains(body, "<html") || strings.Contains(body, "password") {
					t.Errorf("the 401 body holds a page or a form:\n%s", res.body)
				}
			}
		})
	}
	// Nothing an anonymous reader asked for changed anything.
	if got, err := db.Books().Get(t.Context(), owner.reader.ID, live.ID); err != nil || got.Title != "Dune" || !got.UpdatedAt.Equal(live.UpdatedAt) {
		t.Errorf("the owner's book = %+v, %v; want it unchanged", got, err)
	}
	if _, err := db.Books().GetDeleted(t.Context(), owner.reader.ID, gone.ID); err != nil {
		t.Errorf("the owner's deleted book = %v, want it still deleted", err)
	}
	if n, err := db.Books().Count(t.Context(), owner.reader.ID); err != nil || n != 1 {
		t.Errorf("the owner's count = %d, %v; want 1", n, err)
	}
}

func TestLoginRateLimit(t *testing.T) {
	db := openTestDB(t)
	newApp(t, db, handlers.Config{}).addUser("ada")

	// wantLimited fails the test unless res refuses a login for now, saying when to try again.
	wantLimited := func(t *testing.T, res response) {
		t.Helper()
		res.wantStatus(t, http.StatusTooManyRequests)
		wantNoSession(t, res)
		after, err := strconv.Atoi(res.Header.Get("Retry-After"))
		if err != nil || after <= 0 || after > 10*60 {
			t.Errorf("Retry-After = %q, want a number of seconds up to 10 minutes", res.Header.Get("Retry-After"))
		}
		f := one(t, res.page(t), `main form[action="/login"]`)
		if msg := squash(one(t, f, "#login-error").Text()); !strings.Contains(msg, "Too many failed logins") {
			t.Errorf("error = %q, want it to say there were too many failed logins", msg)
		}
	}
	fail := func(a *testApp, username string) response {
		a.t.Helper()
		return a.do(plain, http.MethodPost, "/login", loginForm(username, "not the right passphrase"))
	}

	t.Run("PerAccount", func(t *testing.T) {
		t.Parallel() // each on an app of its own; the hashing is what takes time
		a := newApp(t, db, handlers.Config{})
		a.get(plain, "/login")
		// However the name is typed, it is one account.
		for i, name := range []string{"ada", "ADA", " Ada ", "ada", "ada", "ada", "ada", "ada", "ada", "ada"} {
			if res := fail(a, name); res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("failed attempt %d: status %d, want 422", i+1, res.StatusCode)
			}
		}
		wantLimited(t, fail(a, "ada"))
		// While limited, even the right password is refused.
		wantLimited(t, a.do(plain, http.MethodPost, "/login", loginForm("ada", password)))
		wantSignedOut(t, a)
		// Other accounts are not held back by ada's.
		fail(a, "bob").wantStatus(t, http.StatusUnprocessableEntity)
	})
	t.Run("PerAddress", func(t *testing.T) {
		t.Parallel()
		// Guessing across many accounts from one address is limited too. X-Forwarded-For is not
		// believed from a client that is not a trusted proxy, so inventing addresses does not help.
		a := newApp(t, db, handlers.Config{})
		a.get(plain, "/login")
		for i := range 20 {
			req := a.request(plain, http.MethodPost, "/login", withField(loginForm("user"+strconv.Itoa(i), "not the right passphrase"), "_csrf", a.csrf))
			req.Header.Set("X-Forwarded-For", "198.51.100."+strconv.Itoa(i))
			if res := a.send(req); res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("failed attempt %d: status %d, want 422", i+1, res.StatusCode)
			}
		}
		wantLimited(t, fail(a, "user20"))
		wantLimited(t, a.do(plain, http.MethodPost, "/login", loginForm("ada", password)))
	})
	t.Run("PerAddressBehindProxy", func(t *testing.T) {
		// Behind a proxy that appends the client's address to X-Forwarded-For, the client's
		// address is the last one the trusted proxy added; what the client itself sent in the
		// header is its own invention and must not give it a fresh budget per request.

		t.Parallel()
		a := newApp(t, db, handlers.Config{TrustedProxies: []string{"0.0.0.0/32"}})
		a.get(plain, "/login")
		attempt := func(i int, client string) response {
			req := a.request(plain, http.MethodPost, "/login", withField(loginForm("user"+strconv.Itoa(i), "not the right passphrase"), "_csrf", a.csrf))
			req.Header.Set("X-Forwarded-For", "198.51.100."+strconv.Itoa(i)+", "+client)
			return a.send(req)
		}
		for i := range 20 {
			if res := attempt(i, "203.0.113.9"); res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("failed attempt %d: status %d, want 422", i+1, res.StatusCode)
			}
		}
		wantLimited(t, attempt(20, "203.0.113.9"))
		attempt(21, "203.0.113.10").wantStatus(t, http.StatusUnprocessableEntity)
	})
	t.Run("OKSuccessesDoNotCount", func(t *testing.T) {
		t.Parallel()
		a := newApp(t, db, handlers.Config{})
		a.get(plain, "/login")
		for range 9 {
			fail(a, "ada").wantStatus(t, http.StatusUnprocessableEntity)
		}
		// Another browser's logins (which it then has a device cookie for) do not count.
		b := a.browser()
		for range 3 {
			b.get(plain, "/login")
			b.do(plain, http.MethodPost, "/login", loginForm("ada", password)).wantRedirect(t, "/books")
			delete(b.cookies, sessionCookie)
		}
		fail(a, "ada").wantStatus(t, http.StatusUnprocessableEntity) // the 10th failure
		wantLimited(t, fail(a, "ada"))
	})
}

func TestSignupRateLimit(t *testing.T) {
	// wantLimited fails the test unless res refuses a sign-up for now, saying why and when to try
	// again, with the name kept.
	wantLimited := func(t *testing.T, res response, why string) {
		t.Helper()
		res.wantStatus(t, http.StatusTooManyRequests)
		wantNoSession(t, res)
		after, err := strconv.Atoi(res.Header.Get("Retry-After"))
		if err != nil || after <= 0 || after > 10*60 {
			t.Errorf("Retry-After = %q, want a number of seconds up to 10 minutes", res.Header.Get("Retry-After"))
		}
		f := one(t, res.page(t), `main form[action="/signup"]`)
		if msg := squash(one(t, f, "#signup-error").Text()); !strings.Contains(msg, why) {
			t.Errorf("error = %q, want it to say %q", msg, why)
		}
	}
	// signup sends a sign-up from client, behind the trusted proxy; the passwords differ, so no
	// hashing is needed to answer it.
	signup := func(a *testApp, client, name string) response {
		req := a.request(plain, http.MethodPost, "/signup", withField(signupForm(name, "a fine long passphrase", "a fine long passfrase"), "_csrf", a.csrf))
		req.Header.Set("X-Forwarded-For", client)
		return a.send(req)
	}
	db := openTestDB(t)

	t.Run("PerAddress", func(t *testing.T) {
		a := newApp(t, db, handlers.Config{SignupOpen: true, TrustedProxies: []string{"0.0.0.0/32"}})
		a.get(plain, "/signup")
		for i := range 10 {
			if res := signup(a, "203.0.113.9", "probe"+strconv.Itoa(i)); res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("attempt %d: status %d, want 422", i+1, res.StatusCode)
			}
		}
		wantLimited(t, signup(a, "203.0.113.9", "probe10"), "Too many sign-up attempts from your address")
		// A right form from the same address is refused too: every attempt counts.
		req := a.request(plain, http.MethodPost, "/signup", withField(signupForm("ada", password, password), "_csrf", a.csrf))
		req.Header.Set("X-Forwarded-For", "203.0.113.9")
		wantLimited(t, a.send(req), "from your address")
		// Another address is not held back by this one.
		signup(a, "203.0.113.10", "probe").wantStatus(t, http.StatusUnprocessableEntity)
	})
	t.Run("PerServer", func(t *testing.T) {
		a := newApp(t, db, handlers.Config{SignupOpen: true, TrustedProxies: []string{"0.0.0.0/32"}})
		a.get(plain, "/signup")
		for i := range 30 {
			if res := signup(a, "198.51.100."+strconv.Itoa(i), "probe"); res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("attempt %d: status %d, want 422", i+1, res.StatusCode)
			}
		}
		wantLimited(t, signup(a, "198.51.100.200", "probe"), "Many people are signing up")
	})
}

// busyUsers is an account store whose password hashing is always busy.
type busyUsers struct{ handlers.UserStore }

func (busyUsers) Create(context.Context, string, string) (data.User, error) {
	return data.User{}, fmt.Errorf("hash password: %w", data.ErrBusy)
}

func (busyUsers) Authenticate(context.Context, string, string) (data.User, error) {
	return data.User{}, fmt.Errorf("verify password: %w", data.ErrBusy)
}

func TestAuthBusy(t *testing.T) {
	// When the password hashing queue is full, sign-up and login say so with 503 and Retry-After,
	// never an empty 500 (issue 12, item 3).
	db := openTestDB(t)
	for _, tt := range []struct{ name, path string }{{"Signup", "/signup"}, {"Login", "/login"}} {
		for _, m := range modes {
			t.Run(tt.name+m.name, func(t *testing.T) {
				a := newApp(t, db, handlers.Config{SignupOpen: true, Users: busyUsers{db.Users()}})
				a.get(plain, tt.path)
				res := a.do(m, http.MethodPost, tt.path, signupForm("ada", password, password))
				res.wantStatus(t, http.StatusServiceUnavailable)
				wantNoSession(t, res)
				if after, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || after <= 0 {
					t.Errorf("Retry-After = %q, want a number of seconds", res.Header.Get("Retry-After"))
				}
				if !strings.Contains(res.body, "Busy") {
					t.Errorf("body = %q, want it to say Bookcase is busy", res.body)
				}
			})
		}
	}
}

func TestLoginLockout(t *testing.T) {
	// Wrong passwords from many addresses must not lock the owner out (issue 12, item 4), and
	// must still be slowed down as before: the owner's browser, which logged in before, carries a
	// device cookie for the account; every other client shares the account's limit.
	db := openTestDB(t)
	newApp(t, db, handlers.Config{}).addUser("ada")
	newApp(t, db, handlers.Config{}).addUser("mallory")
	a := newApp(t, db, handlers.Config{TrustedProxies: []string{"0.0.0.0/32"}})
	// try logs username in with pass from browser b at address client.
	try := func(b *testApp, client, username, pass string) response {
		t.Helper()
		b.get(plain, "/login")
		req := b.request(plain, http.MethodPost, "/login", withField(loginForm(username, pass), "_csrf", b.csrf))
		req.Header.Set("X-Forwarded-For", client)
		return b.send(req)
	}

	owner := a.browser()
	res := try(owner, "192.0.2.1", "ada", password)
	res.wantRedirect(t, "/books")
	device := res.cookie("bookcase_device")
	if device == nil || !device.HttpOnly || device.Path != "/" || device.Expires.Before(time.Now().Add(24*time.Hour)) {
		t.Fatalf("device cookie = %v, want a lasting HttpOnly cookie for /", device)
	}
	delete(owner.cookies, sessionCookie) // signed out (the session expired, say); the device cookie stays

	// Mallory's own device cookie, for her own account, is no use against ada's.
	mallory := a.browser()
	try(mallory, "198.51.100.250", "mallory", password).wantRedirect(t, "/books")
	delete(mallory.cookies, sessionCookie)

	attacker := a.browser()
	for i := range 10 {
		b := attacker
		if i%2 == 1 {
			b = mallory
		}
		if res := try(b, "198.51.100."+strconv.Itoa(i), "ada", "a wrong guess "+strconv.Itoa(i)); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("wrong guess %d: status %d, want 422", i+1, res.StatusCode)
		}
	}
	// The attacker is slowed, from any new address, with or without a device cookie of their own
	// or a made-up one, and even with the right password.
	try(attacker, "198.51.100.100", "ada", "another guess").wantStatus(t, http.StatusTooManyRequests)
	try(mallory, "198.51.100.101", "ada", password).wantStatus(t, http.StatusTooManyRequests)
	forger := a.browser()
	forger.cookies["bookcase_device"] = device.Value[:len(device.Value)-2] + "AA"
	try(forger, "198.51.100.102", "ada", password).wantStatus(t, http.StatusTooManyRequests)
	fresh := a.browser()
	try(fresh, "203.0.113.50", "ada", password).wantStatus(t, http.StatusTooManyRequests)

	// The owner's browser gets in, from a new address too.
	try(owner, "203.0.113.7", "ada", password).wantRedirect(t, "/books")
	wantSignedInAs(t, owner, "ada")
	delete(owner.cookies, sessionCookie)

	// A device cookie is limited on its own, as the account is: a stolen one buys no more guesses.
	for i := range 10 {
		if res := try(owner, "203.0.113.7", "ada", "a wrong guess"); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("wrong guess %d with the device cookie: status %d, want 422", i+1, res.StatusCode)
		}
	}
	try(owner, "203.0.113.8", "ada", password).wantStatus(t, http.StatusTooManyRequests)
}

func TestLoginLimitAcrossInstances(t *testing.T) {
	// Instances that share a database count failed logins there (Config.LoginFailures, as on
	// PostgreSQL): wrong passwords for an account, taking turns between two instances, are
	// refused on either once the account's limit is reached. Each counting in memory, each
	// would have allowed ten of its own.
	dsn := testPool.DSN(t)
	open := func() *data.DB {
		db, err := data.Open(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	first, second := open(), open()
	instances := []*testApp{
		newApp(t, first, handlers.Config{LoginFailures: first.LoginFailures()}),
		newApp(t, second, handlers.Config{LoginFailures: second.LoginFailures()}),
	}
	instances[0].addUser("ada")
	for _, a := range instances {
		a.get(plain, "/login")
	}
	for i := range 10 {
		a := instances[i%2]
		if res := a.do(plain, http.MethodPost, "/login", loginForm("ada", "a wrong guess")); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("wrong guess %d on instance %d: status %d, want 422", i+1, i%2+1, res.StatusCode)
		}
	}
	for i, a := range instances {
		res := a.do(plain, http.MethodPost, "/login", loginForm("ada", password))
		res.wantStatus(t, http.StatusTooManyRequests)
		wantNoSession(t, res)
		if after, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || after <= 0 || after > 5*60 {
			t.Errorf("instance %d: Retry-After = %q, want a number of seconds up to 5 minutes", i+1, res.Header.Get("Retry-After"))
		}
		if msg := squash(one(t, res.page(t), "#login-error").Text()); !strings.Contains(msg, "Too many failed logins") {
			t.Errorf("instance %d: error = %q, want it to say there were too many failed logins", i+1, msg)
		}
	}
	// Other accounts are not held back by ada's.
	instances[1].addUser("bob")
	instances[1].do(plain, http.MethodPost, "/login", loginForm("bob", password)).wantRedirect(t, "/books")
}
