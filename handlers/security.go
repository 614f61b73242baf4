package handlers

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/csrf"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/views"
)

// contentSecurityPolicy allows only Bookcase's own scripts, styles and requests: no inline code,
// no framing. htmx is configured by a meta tag, not an inline script, for this reason.
// The service worker and the manifest are named although default-src allows them, so that
// tightening script-src or default-src later cannot make the app uninstallable unnoticed.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; worker-src 'self'; manifest-src 'self'; form-action 'self'; frame-ancestors 'none'; " +
	"base-uri 'none'; object-src 'none'"

// securityHeaders sets the headers that every response carries.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentSecurityPolicy, contentSecurityPolicy)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	c.Set(fiber.HeaderPermissionsPolicy, "camera=(), microphone=(), geolocation=(), interest-cohort=()")
	if s.isSecure(c) {
		c.Set(fiber.HeaderStrictTransportSecurity, "max-age=63072000")
	}
	return c.Next()
}

// isSecure reports whether the reader's connection is HTTPS: always, when the operator says so
// with --secure-cookies, or as told by a trusted proxy (X-Forwarded-Proto).
func (s *Server) isSecure(c *fiber.Ctx) bool {
	return s.secureCookies || c.Protocol() == "https"
}

// CSRFStore is what the anti-forgery check needs: to remember the tokens it hands to signed-in
// readers, and the key that signs the tokens of everyone else (SigningKey).
type CSRFStore interface {
	Expiry(ctx context.Context, token string) (time.Time, error)
	Save(ctx context.Context, token string, expires time.Time) error
	Delete(ctx context.Context, token string) error
	// SigningKey returns the server's secret key (at least 32 bytes), the same after a restart
	// and for every server on the same database.
	SigningKey(ctx context.Context) ([]byte, error)
}

// tokenStore is what csrfStorage needs of a CSRFStore.
type tokenStore interface {
	Expiry(ctx context.Context, token string) (time.Time, error)
	Save(ctx context.Context, token string, expires time.Time) error
	Delete(ctx context.Context, token string) error
}

// csrfTokenLifetime is how long a token stays valid without the reader loading a page.
const csrfTokenLifetime = 7 * 24 * time.Hour

// csrfKey is where the token for this request's pages is kept in Fiber's locals.
const csrfKey = "csrf"

// csrfHandlerKey is where Fiber's CSRF middleware keeps its handler (to rotate the token).
const csrfHandlerKey = "csrf.handler"

// csrfCookie is the name of the anti-forgery cookie: with the __Host- prefix over HTTPS, so it
// can only have been set by this host (no sibling domain can plant one).
func csrfCookie(secure bool) string {
	if secure {
		return "__Host-bookcase_csrf"
	}
	return "bookcase_csrf"
}

// newCSRF builds Fiber's CSRF middleware for signed-in readers: a token in a cookie that must
// come back, on every unsafe request, in the X-CSRF-Token header (htmx) or the _csrf form field
// (plain forms); over HTTPS the Referer must also be this site. Tokens are kept in the database,
// so they survive a restart, work across servers, and end with the session (logout).
func (s *Server) newCSRF(secure bool) fiber.Handler {
	return csrf.New(csrf.Config{
		CookieName:        csrfCookie(secure),
		CookiePath:        "/",
		CookieSecure:      secure,
		CookieHTTPOnly:    true,
		CookieSameSite:    fiber.CookieSameSiteLaxMode,
		Expiration:        csrfTokenLifetime,
		KeyGenerator:      data.NewToken,
		Storage:           s.csrfStorage,
		ContextKey:        csrfKey,
		HandlerContextKey: csrfHandlerKey,
		Extractor:         csrfFromHeaderOrBody,
		ErrorHandler: func(c *fiber.Ctx, err error) error {
			return errForbiddenCSRF
		},
	})
}

// csrfFromHeaderOrBody finds the anti-forgery token in the X-CSRF-Token header or the _csrf field
// of a form body; never in the URL, where it would end up in logs and Referer headers. Pages carry
// the token masked (maskCSRF): it is unmasked here, before it is checked.
func csrfFromHeaderOrBody(c *fiber.Ctx) (string, error) {
	if token := c.Get(csrf.HeaderName); token != "" {
		return unmaskCSRF(token)
	}
	ct := c.Get(fiber.HeaderContentType)
	switch {
	case strings.HasPrefix(ct, fiber.MIMEApplicationForm):
		if token := c.Request().PostArgs().Peek("_csrf"); len(token) > 0 {
			return unmaskCSRF(string(token))
		}
	case strings.HasPrefix(ct, fiber.MIMEMultipartForm):
		if form, err := c.MultipartForm(); err == nil && len(form.Value["_csrf"]) > 0 {
			return unmaskCSRF(form.Value["_csrf"][0])
		}
	}
	return "", csrf.ErrTokenNotFound
}

// Pages are compressed (compress.go), and a page both carries the anti-forgery token and reflects
// what the reader typed (the search box): the BREACH attack guesses a secret in such a page a
// character at a time, from how well each guess compresses against it. So the token is never sent
// as it is: each response carries it XORed with a pad of random bytes, the pad in front
// (maskCSRF), as Django and gorilla/csrf do. The bytes differ in every response, so there is
// nothing stable for a guess to compress against, while the token itself (the cookie, the
// database) stays the same for the session. Pages loaded before masking came carry it unmasked,
// which is still accepted: it proves the same thing.
//
// What else BREACH could read of a page is the reader's own library; the session cookie, which
// the attack needs the browser to send with each of its thousands of cross-site requests, is
// SameSite=Lax, so only top-level navigations carry it, not images, scripts or fetches.

// csrfMaskMark starts a masked token: it is in neither a stored token's alphabet (base64url) nor
// an anonymous one's (which adds ".").
const csrfMaskMark = "~"

// maxCSRFLen bounds the tokens unmaskCSRF decodes: what it is sent is the client's to choose.
const maxCSRFLen = 2 * maxSignedLen

// maskCSRF returns token XORed with a fresh random pad of its length, after the pad, in base64url.
func maskCSRF(token string) string {
	b := make([]byte, 2*len(token))
	pad, masked := b[:len(token)], b[len(token):]
	rand.Read(pad) // crypto/rand.Read never returns an error (Go 1.24+)
	for i := range len(token) {
		masked[i] = pad[i] ^ token[i]
	}
	return csrfMaskMark + base64.RawURLEncoding.EncodeToString(b)
}

// unmaskCSRF returns the token that maskCSRF masked, a token sent unmasked as it is, and
// csrf.ErrTokenNotFound for a masked token that is garbled.
func unmaskCSRF(sent string) (string, error) {
	enc, ok := strings.CutPrefix(sent, csrfMaskMark)
	if !ok {
		return sent, nil
	}
	if len(enc) > maxCSRFLen {
		return "", csrf.ErrTokenNotFound
	}
	b, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil || len(b) == 0 || len(b)%2 != 0 {
		return "", csrf.ErrTokenNotFound
	}
	n := len(b) / 2
	token := make([]byte, n)
	for i := range n {
		token[i] = b[i] ^ b[n+i]
	}
	return string(token), nil
}

// parsePrefix reads an address or a CIDR range.
func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		return netip.ParsePrefix(s)
	}
	addr, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(addr, addr.BitLen()), nil
}

// trusted reports whether addr is one of the trusted reverse proxies.
func (s *Server) trusted(addr netip.Addr) bool {
	for _, p := range s.trustedProxies {
		if p.Contains(addr.Unmap()) {
			return true
		}
	}
	return false
}

// clientIP is the reader's own address. Behind trusted proxies it is the rightmost address in
// X-Forwarded-For that is not a trusted proxy: entries further left were written by the client
// and prove nothing.
func (s *Server) clientIP(c *fiber.Ctx) string {
	peer, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	if !ok {
		return c.Context().RemoteIP().String()
	}
	peer = peer.Unmap()
	if !s.trusted(peer) {
		return peer.String()
	}
	hops := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		addr, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a garbled header: trust nothing further left
		}
		if !s.trusted(addr) {
			return addr.Unmap().String()
		}
	}
	return peer.String()
}

// errForbiddenCSRF answers a request whose anti-forgery token is missing or wrong.
var errForbiddenCSRF = fiber.NewError(fiber.StatusForbidden, "csrf")

// csrfMiddleware checks the anti-forgery token of unsafe requests and hands out the token for
// the page. A signed-in reader's token is stored (newCSRF); a visitor who is not signed in gets a
// signed one that is not (csrfAnonymous), so that anonymous requests, a flood of them included,
// cost no database write. It runs after loadSession, which tells the two apart.
//
// The login and sign-up forms, sent from a page loaded before the browser held a session, carry a
// signed token: there it is checked as such (and nowhere else once signed in).
func (s *Server) csrfMiddleware(c *fiber.Ctx) error {
	if _, ok := currentUser(c); !ok {
		return s.csrfAnonymous(c)
	}
	if !safeMethod(c.Method()) && (c.Path() == views.LoginURL || c.Path() == views.SignupURL) {
		if _, ok := s.readAnonCSRF(c.Cookies(csrfCookie(s.isSecure(c))), time.Now()); ok {
			return s.csrfAnonymous(c)
		}
	}
	if s.isSecure(c) {
		return s.csrfSecure(c)
	}
	return s.csrfPlain(c)
}

// rotateCSRF drops the current token so the next page gets a new one (after login and logout).
func (s *Server) rotateCSRF(c *fiber.Ctx) error {
	h, ok := c.Locals(csrfHandlerKey).(*csrf.CSRFHandler)
	if !ok {
		// Not signed in: the token is not stored, only the cookie is to go.
		s.setAnonCSRFCookie(c, "", time.Unix(0, 0))
		return nil
	}
	if err := h.DeleteToken(c); err != nil && !errors.Is(err, errForbiddenCSRF) {
		return err
	}
	return nil
}

// Anonymous anti-forgery tokens are signed, not stored: "nonce.expiry.signature", where the
// signature is an HMAC under the server's key (signer). The token comes back in the cookie and in
// the form (double submit); both must be signed by this server, unexpired, and carry the same
// nonce. A forger can neither make a token nor read the victim's cookie, and with the __Host-
// prefix (HTTPS) cannot plant one either.
const (
	// anonCSRFLifetime is how long a login or sign-up page stays usable without a reload.
	anonCSRFLifetime = 24 * time.Hour
	// csrfPurpose is what anonymous anti-forgery tokens are signed for.
	csrfPurpose = "csrf"
)

// anonCSRF is a checked anonymous anti-forgery token.
type anonCSRF struct {
	nonce   string
	expires time.Time
}

// newAnonCSRF returns a token for nonce that expires at expires.
func (s *Server) newAnonCSRF(nonce string, expires time.Time) string {
	return s.signer.sign(csrfPurpose, nonce, strconv.FormatInt(expires.Unix(), 10))
}

// readAnonCSRF checks an anonymous token: signed by this server and unexpired.
func (s *Server) readAnonCSRF(token string, now time.Time) (anonCSRF, bool) {
	parts, ok := s.signer.open(csrfPurpose, token, 2)
	if !ok {
		return anonCSRF{}, false
	}
	unix, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || !now.Before(time.Unix(unix, 0)) {
		return anonCSRF{}, false
	}
	return anonCSRF{nonce: parts[0], expires: time.Unix(unix, 0)}, true
}

// csrfAnonymous is the anti-forgery check for visitors who are not signed in: the same rules as
// newCSRF's (token in the header or form matching the cookie; Referer of this site over HTTPS),
// with signed tokens instead of stored ones.
func (s *Server) csrfAnonymous(c *fiber.Ctx) error {
	now := time.Now()
	cookie, cookieOK := s.readAnonCSRF(c.Cookies(csrfCookie(s.isSecure(c))), now)
	if !safeMethod(c.Method()) {
		if c.Protocol() == "https" && !refererIsThisSite(c) {
			return errForbiddenCSRF
		}
		sent, err := csrfFromHeaderOrBody(c)
		if err != nil || !cookieOK {
			return errForbiddenCSRF
		}
		if token, ok := s.readAnonCSRF(sent, now); !ok || !hmac.Equal([]byte(token.nonce), []byte(cookie.nonce)) {
			return errForbiddenCSRF
		}
	}
	token := strings.Clone(c.Cookies(csrfCookie(s.isSecure(c))))
	if !cookieOK || cookie.expires.Sub(now) < anonCSRFLifetime/2 {
		// A new token, or a longer-lived one with the same nonce, so that pages open in other
		// tabs keep working.
		nonce := cookie.nonce
		if !cookieOK {
			nonce = data.NewToken()
		}
		expires := now.Add(anonCSRFLifetime)
		token = s.newAnonCSRF(nonce, expires)
		s.setAnonCSRFCookie(c, token, expires)
	}
	c.Vary(fiber.HeaderCookie)
	c.Locals(csrfKey, token)
	return c.Next()
}

// safeMethod reports whether a request with method changes nothing (RFC 9110), so needs no token.
func safeMethod(method string) bool {
	switch method {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions, fiber.MethodTrace:
		return true
	}
	return false
}

// setAnonCSRFCookie sets the anti-forgery cookie of a visitor who is not signed in.
func (s *Server) setAnonCSRFCookie(c *fiber.Ctx, token string, expires time.Time) {
	c.Cookie(&fiber.Cookie{
		Name:     csrfCookie(s.isSecure(c)),
		Value:    token,
		Path:     "/",
		Expires:  expires,
		Secure:   s.isSecure(c),
		HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// refererIsThisSite reports whether the request's Referer is a page of this site, with the same
// scheme and host (the check Fiber's CSRF middleware makes over HTTPS).
func refererIsThisSite(c *fiber.Ctx) bool {
	u, err := url.Parse(strings.ToLower(c.Get(fiber.HeaderReferer)))
	return err == nil && u.Scheme == c.Protocol() && u.Host == c.Hostname()
}

// signer signs values that the server hands out without storing them (anonymous anti-forgery
// tokens, device cookies) with HMAC-SHA256 under the server's key. Each value is signed for a
// purpose, so a value made for one use is worthless for another.
type signer struct{ key []byte }

// maxSignedLen bounds the values open looks at: what it is sent is the client's to choose.
const maxSignedLen = 512

// mac is the signature of parts for purpose.
func (g signer) mac(purpose string, parts ...string) []byte {
	m := hmac.New(sha256.New, g.key)
	m.Write([]byte(purpose))
	for _, p := range parts {
		m.Write([]byte{0})
		m.Write([]byte(p))
	}
	return m.Sum(nil)
}

// sign returns parts, which must not hold a ".", and their signature, joined by ".".
func (g signer) sign(purpose string, parts ...string) string {
	return strings.Join(parts, ".") + "." + base64.RawURLEncoding.EncodeToString(g.mac(purpose, parts...))
}

// open returns the n parts of a value made by sign for purpose, and false when it was not.
func (g signer) open(purpose, value string, n int) ([]string, bool) {
	if len(value) > maxSignedLen {
		return nil, false
	}
	parts := strings.Split(value, ".")
	if len(parts) != n+1 {
		return nil, false
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[n])
	if err != nil || !hmac.Equal(sig, g.mac(purpose, parts[:n]...)) {
		return nil, false
	}
	return parts[:n], true
}

// csrfStorage adapts CSRFStore to fiber.Storage. Fiber extends a token's expiry on every page
// view; this writes the new expiry only when it has moved by more than an hour, so browsing does
// not cost a database write per request.
type csrfStorage struct {
	store tokenStore
	// saveWait bounds how long storing a token waits for the database's writer (csrfSaveWait).
	saveWait time.Duration

	mu    sync.Mutex
	known map[string]time.Time // token -> expiry as stored
}

// csrfSaveWait is how long storing a new token waits for the writer, which an import holds for
// seconds. A page is worth more now than its token stored: past the wait, the page is served with
// a token that is not stored yet, and a form sent from it is refused as out of date (403, "reload
// the page"), while any page loaded afterwards gets a token that is.
const csrfSaveWait = 2 * time.Second

// csrfRewriteAfter is how far a token's expiry must move before it is written again.
const csrfRewriteAfter = time.Hour

// maxKnownTokens bounds the in-memory cache; it is simply emptied when full.
const maxKnownTokens = 50000

func newCSRFStorage(store tokenStore) *csrfStorage {
	return &csrfStorage{store: store, saveWait: csrfSaveWait, known: make(map[string]time.Time)}
}

var csrfPresent = []byte{'+'}

// Get returns a non-nil value when the token is known and unexpired.
func (s *csrfStorage) Get(token string) ([]byte, error) {
	now := time.Now()
	s.mu.Lock()
	exp, ok := s.known[token]
	s.mu.Unlock()
	if ok && now.Before(exp) {
		return csrfPresent, nil
	}
	exp, err := s.store.Expiry(context.Background(), token)
	if errors.Is(err, data.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	s.remember(token, exp)
	return csrfPresent, nil
}

// Set records the token with a new expiry.
func (s *csrfStorage) Set(token string, _ []byte, ttl time.Duration) error {
	exp := time.Now().Add(ttl)
	s.mu.Lock()
	stored, ok := s.known[token]
	s.mu.Unlock()
	if ok && exp.Sub(stored) < csrfRewriteAfter {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.saveWait)
	defer cancel()
	if err := s.store.Save(ctx, token, exp); err != nil {
		return err
	}
	s.remember(token, exp)
	return nil
}

// Delete forgets the token.
func (s *csrfStorage) Delete(token string) error {
	s.mu.Lock()
	delete(s.known, token)
	s.mu.Unlock()
	return s.store.Delete(context.Background(), token)
}

// remember caches the token's expiry. The token often comes from the request's cookie or header,
// whose bytes Fiber reuses for the next request: the map keeps its own copy, or its key would
// change under it.
func (s *csrfStorage) remember(token string, exp time.Time) {
	token = strings.Clone(token)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.known) >= maxKnownTokens {
		clear(s.known)
	}
	s.known[token] = exp
}

// Reset and Close are part of fiber.Storage; the tokens live in the database, which the
// application closes.
func (s *csrfStorage) Reset() error { return nil }

// Close does nothing; see Reset.
func (s *csrfStorage) Close() error { return nil }
