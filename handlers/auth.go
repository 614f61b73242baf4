package handlers

import (
	"context"
	"encoding/base64"
	"errors"
	"log/slog"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/views"
)

// UserStore is what the handlers need of the account store.
type UserStore interface {
	Create(ctx context.Context, username, password string) (data.User, error)
	Validate(username, password string) error
	Authenticate(ctx context.Context, username, password string) (data.User, error)
	SetDensity(ctx context.Context, userID int64, d data.Density) error
	TimeZone(ctx context.Context, id int64) (*time.Location, error)
	SetTimeZone(ctx context.Context, id int64, name string) error
}

// SessionStore is what the handlers need of the session store.
type SessionStore interface {
	Create(ctx context.Context, userID int64) (data.Session, error)
	Get(ctx context.Context, token string) (data.Session, error)
	Live(ctx context.Context, token string) (bool, error)
	Delete(ctx context.Context, token string) error
}

// userKey is where the signed-in reader's session is kept in Fiber's locals.
const userKey = "user"

// sessionCookie is the cookie's name: with the __Host- prefix over HTTPS, so it can only have
// been set by this host, for every path, over a secure connection.
func (s *Server) sessionCookie(c *fiber.Ctx) string {
	if s.isSecure(c) {
		return "__Host-bookcase_session"
	}
	return "bookcase_session"
}

// currentUser returns the signed-in reader, if any.
func currentUser(c *fiber.Ctx) (data.Session, bool) {
	sess, ok := c.Locals(userKey).(data.Session)
	return sess, ok
}

// loadSession finds the reader's session from the cookie. An unknown, expired or revoked
// session is treated as signed out and its cookie cleared.
func (s *Server) loadSession(c *fiber.Ctx) error {
	token := c.Cookies(s.sessionCookie(c))
	if token == "" {
		return c.Next()
	}
	sess, err := s.sessions.Get(c.UserContext(), token)
	if sess.Unrecorded != nil {
		// The page is served all the same. Our own writer kept busy for touchWait (by an import,
		// say) is routine; a database that cannot be written, or that another process holds, is
		// the operator's to know about.
		level := slog.LevelWarn
		if errors.Is(sess.Unrecorded, context.DeadlineExceeded) {
			level = slog.LevelDebug
		}
		s.log.Log(c.UserContext(), level, "session not updated; a later request updates it", "err", sess.Unrecorded)
	}
	switch {
	case errors.Is(err, data.ErrNotFound):
		s.clearSessionCookie(c)
	case err != nil:
		return err
	default:
		c.Locals(userKey, sess)
		if m := c.Method(); m == fiber.MethodGet || m == fiber.MethodHead {
			// A page read writes nothing its stats or summary count: they use the version read
			// with the session (data.WithReadingVersion).
			c.SetUserContext(data.WithReadingVersion(c.UserContext(), sess.UserID, sess.ReadingVersion))
		}
	}
	return c.Next()
}

// requireUser sends anonymous readers to the login page, remembering where they were going.
// For htmx requests it answers with HX-Redirect, so a login form never lands inside a table row.
func (s *Server) requireUser(c *fiber.Ctx) error {
	if _, ok := currentUser(c); ok {
		return c.Next()
	}
	// Return to the page the reader was on: the one shown (htmx), or the one asked for.
	next := views.LibraryURL
	switch {
	case isHTMX(c):
		if u, err := url.Parse(c.Get(hxCurrentURL)); err == nil && safeNext(u.RequestURI()) != "" {
			next = u.RequestURI()
		}
	case c.Method() == fiber.MethodGet:
		next = c.OriginalURL()
	}
	to := views.LoginURL
	if next = safeNext(next); next != "" && next != views.LibraryURL {
		to = views.LoginNextURL(next)
	}
	if isHTMX(c) {
		c.Set(hxRedirect, to)
		return c.SendStatus(fiber.StatusUnauthorized)
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}

// safeNext returns next when it is a path on this site, and "" otherwise (an open redirect
// would let a link to Bookcase send a reader anywhere).
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return ""
	}
	return next
}

// startSession signs the reader in: a new session (never one the browser brought along, so a
// planted identifier is useless), a new CSRF token, and the cookie.
func (s *Server) startSession(c *fiber.Ctx, userID int64) error {
	if old := c.Cookies(s.sessionCookie(c)); old != "" {
		if err := s.sessions.Delete(c.UserContext(), old); err != nil {
			return err
		}
	}
	sess, err := s.sessions.Create(c.UserContext(), userID)
	if err != nil {
		return err
	}
	if err := s.rotateCSRF(c); err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{
		Name:     s.sessionCookie(c),
		Value:    sess.Token,
		Path:     "/",
		Expires:  sess.ExpiresAt,
		Secure:   s.isSecure(c),
		HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode,
	})
	return nil
}

func (s *Server) clearSessionCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{
		Name:     s.sessionCookie(c),
		Value:    "",
		Path:     "/",
		Expires:  time.Unix(0, 0),
		Secure:   s.isSecure(c),
		HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// showLogin renders the login page; a signed-in reader goes straight to the library.
func (s *Server) showLogin(c *fiber.Ctx) error {
	if _, ok := currentUser(c); ok {
		return c.Redirect(views.LibraryURL, fiber.StatusSeeOther)
	}
	return render(c, fiber.StatusOK, views.LoginPage(s.meta(c, "Log in"), views.AuthForm{Next: safeNext(c.Query("next")), SignupOpen: s.signupOpen}))
}

// login checks the credentials. Whatever was wrong, the answer is the same.
func (s *Server) login(c *fiber.Ctx) error {
	username := strings.TrimSpace(c.FormValue("username"))
	next := safeNext(c.FormValue("next"))
	form := views.AuthForm{Username: username, Next: next, SignupOpen: s.signupOpen}
	u, err := s.users.Authenticate(c.UserContext(), username, c.FormValue("password"))
	if errors.Is(err, data.ErrBadCredentials) {
		form.Errors = map[string]string{"form": "Wrong username or password. Check both and try again."}
		return render(c, fiber.StatusUnprocessableEntity, views.LoginPage(s.meta(c, "Log in"), form))
	}
	if err != nil {
		return err
	}
	if err := s.startSession(c, u.ID); err != nil {
		return err
	}
	s.trustDevice(c, u.Username)
	if next == "" {
		next = views.LibraryURL
	}
	return c.Redirect(next, fiber.StatusSeeOther)
}

// showSignup renders the sign-up page, or says sign-up is closed.
func (s *Server) showSignup(c *fiber.Ctx) error {
	if !s.signupOpen {
		return render(c, fiber.StatusForbidden, views.SignupClosed(s.meta(c, "Sign-up is closed")))
	}
	if _, ok := currentUser(c); ok {
		return c.Redirect(views.LibraryURL, fiber.StatusSeeOther)
	}
	return render(c, fiber.StatusOK, views.SignupPage(s.meta(c, "Create your account"), views.AuthForm{}))
}

// signup creates an account and signs the new reader in.
func (s *Server) signup(c *fiber.Ctx) error {
	if !s.signupOpen {
		return render(c, fiber.StatusForbidden, views.SignupClosed(s.meta(c, "Sign-up is closed")))
	}
	username := strings.TrimSpace(c.FormValue("username"))
	password := c.FormValue("password")
	zone := strings.TrimSpace(c.FormValue("time_zone"))
	if len(zone) > 64 {
		zone = "" // no zone's name is so long
	}
	form := views.AuthForm{Username: username, TimeZone: strings.Clone(zone)}
	var u data.User
	var err error
	if password != c.FormValue("confirm") {
		// Report every problem at once: the account's own, and the mismatch. Whether the name is
		// taken is only looked up once the rest is valid (Create), so a form with two different
		// passwords is no quick way to learn which names exist.
		problems := &data.ValidationError{}
		if err := s.users.Validate(username, password); err != nil && !errors.As(err, &problems) {
			return err
		}
		problems.Fields = mergeProblems(problems.Fields, "confirm", "The two passwords differ. Type the same password twice.")
		err = problems
	} else {
		u, err = s.users.Create(c.UserContext(), username, password)
	}
	var verr *data.ValidationError
	if errors.As(err, &verr) {
		form.Errors = verr.Fields
		return render(c, fiber.StatusUnprocessableEntity, views.SignupPage(s.meta(c, "Create your account"), form))
	}
	if err != nil {
		return err
	}
	// The browser's zone, when it is one the time zone database knows; otherwise (a browser
	// without JavaScript, or a name this server's database lacks) the reader starts in UTC, and
	// Settings changes it.
	if _, err := data.ParseTimeZone(zone); err == nil {
		if err := s.users.SetTimeZone(c.UserContext(), u.ID, zone); err != nil {
			return err
		}
	}
	if err := s.startSession(c, u.ID); err != nil {
		return err
	}
	s.trustDevice(c, u.Username)
	return c.Redirect(views.LibraryURL, fiber.StatusSeeOther)
}

// mergeProblems adds a problem for field to fields, making the map if needed.
func mergeProblems(fields map[string]string, field, problem string) map[string]string {
	if fields == nil {
		fields = make(map[string]string)
	}
	fields[field] = problem
	return fields
}

// headerClearSiteData asks the browser to forget what it kept of this site.
const headerClearSiteData = "Clear-Site-Data"

// logout ends the session for good: the old cookie no longer works anywhere.
func (s *Server) logout(c *fiber.Ctx) error {
	if token := c.Cookies(s.sessionCookie(c)); token != "" {
		if err := s.sessions.Delete(c.UserContext(), token); err != nil {
			return err
		}
	}
	s.clearSessionCookie(c)
	if err := s.rotateCSRF(c); err != nil {
		return err
	}
	// Pages are no-store already; this also empties whatever the browser kept of this site in its
	// HTTP cache and back/forward cache, so Back after logging out shows no private page. The
	// service worker's cache holds nothing private (pwa.go), and stays for the next reader.
	c.Set(headerClearSiteData, `"cache"`)
	if isHTMX(c) {
		c.Set(hxRedirect, views.LoginURL)
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.Redirect(views.LoginURL, fiber.StatusSeeOther)
}

// Login rate limits. Only failed attempts count. Per client address they slow down guessing
// across accounts. Per account they slow down guessing from many addresses, over a short sliding
// window, so an attacker cannot keep a real reader out for long after they stop; and they count
// only clients that have not proved themselves, so the reader is not kept out at all meanwhile
// (OWASP's device cookies): a browser that logged in to the account before carries a signed
// device cookie naming it, and its failures count against that cookie alone, with the same limit.
// Guessing one account from a botnet is just as slow as before; the owner's browser gets in.
const (
	loginFailuresPerAddress = 20
	loginAddressWindow      = 10 * time.Minute
	loginFailuresPerAccount = 10
	loginAccountWindow      = 5 * time.Minute
)

// Device cookies are "username.nonce.expiry.signature" (signer), the username base64url-encoded.
const (
	devicePurpose = "device"
	// deviceLifetime is how long a browser stays trusted for an account after logging in to it.
	deviceLifetime = 365 * 24 * time.Hour
)

// deviceCookie is the name of the device cookie, __Host- prefixed over HTTPS.
func (s *Server) deviceCookie(c *fiber.Ctx) string {
	if s.isSecure(c) {
		return "__Host-bookcase_device"
	}
	return "bookcase_device"
}

// trustDevice marks the browser as one that has logged in to the account username.
func (s *Server) trustDevice(c *fiber.Ctx, username string) {
	expires := time.Now().Add(deviceLifetime)
	c.Cookie(&fiber.Cookie{
		Name:     s.deviceCookie(c),
		Value:    s.signer.sign(devicePurpose, base64.RawURLEncoding.EncodeToString([]byte(username)), data.NewToken(), strconv.FormatInt(expires.Unix(), 10)),
		Path:     "/",
		Expires:  expires,
		Secure:   s.isSecure(c),
		HTTPOnly: true,
		SameSite: fiber.CookieSameSiteStrictMode,
	})
}

// trustedDevice returns the nonce of the browser's device cookie when it is this server's,
// unexpired, and for the account username (normalized).
func (s *Server) trustedDevice(c *fiber.Ctx, username string) (string, bool) {
	parts, ok := s.signer.open(devicePurpose, c.Cookies(s.deviceCookie(c)), 3)
	if !ok {
		return "", false
	}
	name, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil || string(name) != username {
		return "", false
	}
	unix, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || !time.Now().Before(time.Unix(unix, 0)) {
		return "", false
	}
	return parts[1], true
}

// loginAccountKey is what the per-account limit counts a login's failure against: the device
// cookie when the browser has one for the account, else the account, shared by every other client.
func (s *Server) loginAccountKey(c *fiber.Ctx) string {
	username := data.NormalizeUsername(c.FormValue("username"))
	if nonce, ok := s.trustedDevice(c, username); ok {
		return "device:" + nonce
	}
	return "user:" + username
}

// loginLimiters returns the rate limiters for POST /login.
func (s *Server) loginLimiters() []fiber.Handler {
	tooMany := func(c *fiber.Ctx) error {
		n := views.Notice{Title: "Too many attempts", Detail: "Too many failed logins. Wait a few minutes (see Retry-After) and try again."}
		return render(c, fiber.StatusTooManyRequests, views.LoginPage(s.meta(c, "Log in"), views.AuthForm{
			Username:   strings.TrimSpace(c.FormValue("username")),
			Next:       safeNext(c.FormValue("next")),
			Errors:     map[string]string{"form": n.Detail},
			SignupOpen: s.signupOpen,
		}))
	}
	addressKey := func(c *fiber.Ctx) string { return "ip:" + s.clientIP(c) }
	if s.loginFailures != nil {
		return []fiber.Handler{
			s.sharedLoginLimit(loginFailuresPerAddress, loginAddressWindow, addressKey, tooMany),
			s.sharedLoginLimit(loginFailuresPerAccount, loginAccountWindow, s.loginAccountKey, tooMany),
		}
	}
	return []fiber.Handler{
		limiter.New(limiter.Config{
			Max:                    loginFailuresPerAddress,
			Expiration:             loginAddressWindow,
			KeyGenerator:           addressKey,
			SkipSuccessfulRequests: true,
			LimitReached:           tooMany,
			LimiterMiddleware:      limiter.SlidingWindow{},
		}),
		limiter.New(limiter.Config{
			Max:                    loginFailuresPerAccount,
			Expiration:             loginAccountWindow,
			KeyGenerator:           s.loginAccountKey,
			SkipSuccessfulRequests: true,
			LimitReached:           tooMany,
			LimiterMiddleware:      limiter.SlidingWindow{},
		}),
	}
}

// sharedLoginLimit is a login limit whose failures are counted in the database
// (Config.LoginFailures), by every instance that shares it: as fiber's limiter does in memory,
// at most most failed logins (answers of 400 and over) of key in a sliding window, then 429 with
// Retry-After until the oldest leaves the window.
func (s *Server) sharedLoginLimit(most int, window time.Duration, key func(*fiber.Ctx) string, tooMany fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		k := key(c)
		n, free, err := s.loginFailures.Recent(c.UserContext(), k, window)
		if err != nil {
			return err
		}
		if n >= most {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(max(1, int(math.Ceil(time.Until(free).Seconds())))))
			return tooMany(c)
		}
		if err := c.Next(); err != nil {
			return err
		}
		if c.Response().StatusCode() >= fiber.StatusBadRequest {
			// The answer is made: a failure not counted is logged, not shown.
			if err := s.loginFailures.Add(c.UserContext(), k, window); err != nil {
				s.log.Error("counting a failed login failed", "err", err)
			}
		}
		return nil
	}
}

// Sign-up rate limits. Every attempt counts, whether it made an account or not: a sign-up costs a
// password hash, and a refused one may be probing for taken usernames. Per client address, ten
// attempts in ten minutes is more than a person needs to find a free name and a good password;
// for the whole server, thirty a minute keeps a flood from many addresses to a small share of the
// hashing capacity (about 40 hashes a second on 2 cores), which logins need.
const (
	signupsPerAddress   = 10
	signupAddressWindow = 10 * time.Minute
	signupsPerServer    = 30
	signupServerWindow  = time.Minute
)

// signupLimiters returns the rate limiters for POST /signup: per address first, so that one
// address's attempts past its own limit do not use up everyone's.
func (s *Server) signupLimiters() []fiber.Handler {
	tooMany := func(detail string) fiber.Handler {
		return func(c *fiber.Ctx) error {
			return render(c, fiber.StatusTooManyRequests, views.SignupPage(s.meta(c, "Create your account"), views.AuthForm{
				Username: strings.TrimSpace(c.FormValue("username")),
				Errors:   map[string]string{"form": detail},
			}))
		}
	}
	return []fiber.Handler{
		limiter.New(limiter.Config{
			Max:               signupsPerAddress,
			Expiration:        signupAddressWindow,
			KeyGenerator:      func(c *fiber.Ctx) string { return "ip:" + s.clientIP(c) },
			LimitReached:      tooMany("Too many sign-up attempts from your address. Wait a few minutes (see Retry-After) and try again."),
			LimiterMiddleware: limiter.SlidingWindow{},
		}),
		limiter.New(limiter.Config{
			Max:               signupsPerServer,
			Expiration:        signupServerWindow,
			KeyGenerator:      func(*fiber.Ctx) string { return "all" },
			LimitReached:      tooMany("Many people are signing up right now. Wait a minute (see Retry-After) and try again."),
			LimiterMiddleware: limiter.SlidingWindow{},
		}),
	}
}
