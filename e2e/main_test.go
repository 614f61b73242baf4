package e2e

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/bookcase/bookcase/catalogue"
	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/data/dbtest"
	"github.com/bookcase/bookcase/handlers"
)

const (
	// testTimeout bounds one test: its tab, its server and every wait in it.
	testTimeout = 30 * time.Second
	// waitTimeout bounds one wait for the page, so a stuck test names the condition it waited for.
	waitTimeout = 10 * time.Second
)

// chrome is the one browser that the tests of the package open their tabs in. It starts on first
// use, so a run that selects no browser test starts no browser; TestMain stops it.
var chrome struct {
	once    sync.Once
	path    string          // the browser's executable, when it was found
	ctx     context.Context // a chromedp context of the running browser; nil when there is none
	missing string          // why there is no browser to use, when it was not found
	err     error           // why the browser that was found could not be used
	stop    func()
}

func TestMain(m *testing.M) {
	code := testPool.Run(m)
	if chrome.stop != nil {
		chrome.stop()
	}
	os.Exit(code)
}

// browser returns the shared browser, starting it the first time. It skips the test when there
// is no browser, except in CI or with BOOKCASE_E2E=require, where browser tests must run.
func browser(t *testing.T) context.Context {
	t.Helper()
	chrome.once.Do(startBrowser)
	switch {
	case chrome.err != nil:
		t.Fatalf("browser: %v", chrome.err)
	case chrome.ctx == nil:
		if os.Getenv("CI") != "" || os.Getenv("BOOKCASE_E2E") == "require" {
			t.Fatalf("%s; browser tests must run here (CI or BOOKCASE_E2E=require)", chrome.missing)
		}
		t.Skip(chrome.missing)
	}
	return chrome.ctx
}

// certBlindBrowser starts a browser for this test alone that accepts any certificate, so that
// it can talk to a server whose certificate the test made up. The shared browser keeps checking
// certificates.
func certBlindBrowser(t *testing.T) context.Context {
	t.Helper()
	browser(t) // skips or fails the test as for every browser test, and finds the browser
	ctx, stop, err := launch(chrome.path, chromedp.Flag("ignore-certificate-errors", true))
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	t.Cleanup(stop)
	return ctx
}

// findBrowser returns the path of the browser to drive, or "" when none is installed.
func findBrowser() (string, error) {
	if name := os.Getenv("BOOKCASE_CHROME"); name != "" {
		path, err := exec.LookPath(name)
		if err != nil {
			return "", fmt.Errorf("BOOKCASE_CHROME=%s: %w", name, err)
		}
		return path, nil
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path, nil
		}
	}
	return "", nil
}

func startBrowser() {
	path, err := findBrowser()
	if err != nil {
		chrome.err = err
		return
	}
	if path == "" {
		chrome.missing = "no browser for the e2e tests: install Chromium (apt-get install chromium) or set BOOKCASE_CHROME"
		return
	}
	chrome.path = path
	chrome.ctx, chrome.stop, chrome.err = launch(path)
}

// launch starts headless Chromium from path with a profile of its own, plus the extra options.
// It returns a chromedp context of the browser, and stop, which closes it and removes the profile.
func launch(path string, extra ...chromedp.ExecAllocatorOption) (ctx context.Context, stop func(), err error) {
	profile, err := os.MkdirTemp("", "bookcase-e2e-chrome-")
	if err != nil {
		return nil, nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(profile),
		chromedp.NoSandbox, // the tests may run as root, where Chromium's sandbox refuses to start
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.WindowSize(1280, 800),
		// The network is closed: keep Chromium from calling home while the tests run.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
	)
	opts = append(opts, extra...)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	// The first Do starts the browser and binds it to ctx, which must not have a deadline.
	if err := chromedp.Do(ctx); err != nil {
		cancelBrowser()
		cancelAlloc()
		os.RemoveAll(profile)
		return nil, nil, fmt.Errorf("start %s: %w", path, err)
	}
	stop = func() {
		if err := chromedp.Cancel(ctx); err != nil && !errors.Is(err, context.Canceled) {
			fmt.Fprintln(os.Stderr, "e2e: closing the browser:", err)
		}
		cancelBrowser()
		cancelAlloc()
		os.RemoveAll(profile)
	}
	return ctx, stop, nil
}

// testPool holds the migrated schemas the test servers run on when the tests run on PostgreSQL
// (BOOKCASE_TEST_POSTGRES); on SQLite each server has a new file.
var testPool = dbtest.NewPool(func(ctx context.Context, dsn string) error {
	db, err := data.Open(ctx, dsn)
	if err != nil {
		return err
	}
	return db.Close()
})

// Session lengths of the test servers: the command's defaults, long enough never to run out.
const (
	sessionIdle     = 24 * time.Hour
	sessionLifetime = 7 * 24 * time.Hour
)

// server is a Bookcase server for one test, with accounts and its own empty database.
type server struct {
	url      string
	books    *data.BookStore
	reading  *data.ReadingStore
	editions *data.EditionStore
	series   *data.SeriesStore
	authors  *data.AuthorStore
	shelves  *data.ShelfStore
	users    *data.UserStore
	sessions *data.SessionStore
	stop     func() // shuts the server down; it is safe to call more than once
}

// startServer starts a server on a loopback port, configured as main.go configures it, with
// sign-up open. With a certificate it serves HTTPS, where its cookies are Secure with the
// __Host- prefix and the CSRF check also wants a same-site Referer. With a catalogue (a base URL,
// catalogue.ParseURLs), it looks books up there by ISBN.
func startServer(t *testing.T, cert *tls.Certificate, catalogueURL string) *server {
	t.Helper()
	ctx := context.Background()
	db, err := data.Open(ctx, testPool.DSN(t))
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	sessions := db.Sessions(sessionIdle, sessionLifetime)
	// The server's log is shown only when the test fails: it says what the server made of the
	// requests that the failure is about.
	serverLog := new(lockedBuffer)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the server's log:\n%s", serverLog)
		}
	})
	var lookups handlers.Catalogue
	if catalogueURL != "" {
		urls, err := catalogue.ParseURLs(catalogueURL)
		if err != nil {
			t.Fatal(err)
		}
		client, err := catalogue.New(catalogue.Config{Providers: []string{catalogue.OpenLibrary, catalogue.Google}, URLs: urls})
		if err != nil {
			t.Fatal(err)
		}
		lookups = client
	}
	app, err := handlers.New(handlers.Config{
		Books:      db.Books(),
		Reading:    db.Reading(),
		Editions:   db.Editions(),
		Series:     db.Series(),
		Authors:    db.Authors(),
		Shelves:    db.Shelves(),
		Export:     db.Books(),
		Imports:    db.Imports(),
		Covers:     db.Covers(),
		Users:      db.Users(),
		Sessions:   sessions,
		CSRF:       db.CSRFTokens(),
		Logger:     slog.New(slog.NewTextHandler(serverLog, nil)),
		SignupOpen: true,

		Catalogue:      lookups,
		CatalogueCache: db.Catalogue(),
	})
	if err != nil {
		db.Close()
		t.Fatalf("build app: %v", err)
	}
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		db.Close()
		t.Fatalf("listen: %v", err)
	}
	tracker := &connTracker{Listener: tcp, conns: make(map[net.Conn]struct{})}
	var ln net.Listener = tracker
	scheme := "http"
	if cert != nil {
		ln = tls.NewListener(tracker, &tls.Config{Certificates: []tls.Certificate{*cert}, MinVersion: tls.VersionTLS12})
		scheme = "https"
	}
	served := make(chan error, 1)
	go func() { served <- app.Listener(ln) }()

	var once sync.Once
	stop := func() {
		once.Do(func() {
			tracker.closeConns()
			if err := app.ShutdownWithTimeout(5 * time.Second); err != nil {
				t.Errorf("shut the server down: %v", err)
			}
			if err := <-served; err != nil {
				t.Errorf("serve: %v", err)
			}
		})
	}
	t.Cleanup(func() {
		stop()
		if err := db.Close(); err != nil {
			t.Errorf("close database: %v", err)
		}
	})
	return &server{
		url:      scheme + "://" + tcp.Addr().String(),
		books:    db.Books(),
		reading:  db.Reading(),
		editions: db.Editions(),
		series:   db.Series(),
		authors:  db.Authors(),
		shelves:  db.Shelves(),
		users:    db.Users(),
		sessions: sessions,
		stop:     stop,
	}
}

// lockedBuffer is a bytes.Buffer that the server's goroutines can write to at once.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// selfSignedCert makes a certificate for 127.0.0.1, valid for an hour, that nobody vouches for.
func selfSignedCert(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("make a key: %v", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(now.UnixNano()),
		Subject:      pkix.Name{CommonName: "Bookcase e2e"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    now.Add(-time.Minute),
		NotAfter:     now.Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("make a certificate: %v", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// connTracker is a listener that can drop every connection it accepted, as the exit of the server
// process would. Without it a graceful shutdown keeps, for 5 seconds, each connection that the
// browser opened ahead of need and has not used yet (fasthttp counts it idle only after that),
// and still serves a request that arrives on it: the server would not be unreachable yet.
type connTracker struct {
	net.Listener
	mu    sync.Mutex
	conns map[net.Conn]struct{}
}

func (l *connTracker) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.conns[c] = struct{}{}
	return c, nil
}

func (l *connTracker) closeConns() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for c := range l.conns {
		c.Close()
	}
	clear(l.conns)
}

// page is a browser tab on a fresh server, with what a test needs to act and look.
type page struct {
	t *testing.T
	*server
	ctx     context.Context
	console *console
	// reader is who signedIn signed in; addBook gives them the books.
	reader reader
}

type pageOption func(*pageConfig)

type pageConfig struct {
	noScript, https bool
	catalogue       string
	timeout         time.Duration // the tab's time bound, when not testTimeout
}

// axeTimeout bounds a tab that runs axe on several pages: axe takes about a second a page on a
// quiet machine and several on a busy one (a CI step runs other packages' tests beside these).
const axeTimeout = 90 * time.Second

// forAxe gives the tab axeTimeout rather than testTimeout.
func forAxe(c *pageConfig) { c.timeout = axeTimeout }

// lasting gives the tab d rather than testTimeout: for a test that goes through many views in
// one tab, each view's waits still bounded by waitTimeout.
func lasting(d time.Duration) pageOption { return func(c *pageConfig) { c.timeout = d } }

// withCatalogue has the server look books up in the catalogue at url (a fake's).
func withCatalogue(url string) pageOption { return func(c *pageConfig) { c.catalogue = url } }

// withoutJavaScript opens the tab with JavaScript turned off, as for a reader who blocks it.
func withoutJavaScript(c *pageConfig) { c.noScript = true }

// overHTTPS serves the page over HTTPS, with a self-signed certificate, to a browser of the
// test's own that accepts it.
func overHTTPS(c *pageConfig) { c.https = true }

// newPage starts a server with an empty database and opens a tab, in a browser context of its own,
// at a 1280×800 viewport. An uncaught JavaScript exception or a Content Security Policy violation
// in the tab fails the test.
func newPage(t *testing.T, opts ...pageOption) *page {
	t.Helper()
	var cfg pageConfig
	for _, o := range opts {
		o(&cfg)
	}
	parent := browser(t)
	var cert *tls.Certificate
	if cfg.https {
		parent = certBlindBrowser(t)
		c := selfSignedCert(t)
		cert = &c
	}
	srv := startServer(t, cert, cfg.catalogue)

	timeout := testTimeout
	if cfg.timeout > 0 {
		timeout = cfg.timeout
	}
	deadline, cancelDeadline := context.WithTimeout(parent, timeout)
	ctx, cancelTab := chromedp.NewContext(deadline, chromedp.WithNewBrowserContext())
	t.Cleanup(func() {
		// Close the tab before the server stops, so the server has no connection to wait for.
		if err := chromedp.Cancel(ctx); err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			t.Logf("close tab: %v", err)
		}
		cancelTab()
		cancelDeadline()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}

	c := newConsole()
	if err := chromedp.Listen(ctx, c.listen); err != nil {
		t.Fatalf("listen to the tab: %v", err)
	}
	t.Cleanup(func() {
		exceptions, violations := c.take()
		for _, e := range exceptions {
			t.Errorf("uncaught JavaScript exception: %s", e)
		}
		for _, v := range violations {
			t.Errorf("Content Security Policy violation: %s", v)
		}
	})

	p := &page{t: t, server: srv, ctx: ctx, console: c}
	p.do("set the viewport", chromedp.EmulateViewport(1280, 800))
	if cfg.noScript {
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatalf("turn JavaScript off: %v", err)
		}
	}
	return p
}

// console keeps what a tab reports that fails a test: uncaught JavaScript exceptions, and
// Content Security Policy violations, which Chromium writes to its log (source "security") as
// "… violates the following Content Security Policy directive …" ("Refused to …" before).
type console struct {
	mu         sync.Mutex
	exceptions []string
	violations []string
	arrived    chan struct{} // closed, and replaced, when a violation arrives
}

func newConsole() *console { return &console{arrived: make(chan struct{})} }

// listen is the tab's listener: it runs in the loop that reads the tab's messages, in order.
func (c *console) listen(ev any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		c.exceptions = append(c.exceptions, describeException(ev.ExceptionDetails))
	case *cdplog.EventEntryAdded:
		if text := ev.Entry.Text; strings.Contains(text, "Content Security Policy") || strings.HasPrefix(text, "Refused to") {
			c.violations = append(c.violations, text)
			close(c.arrived)
			c.arrived = make(chan struct{})
		}
	}
}

// take returns what was reported so far and forgets it.
func (c *console) take() (exceptions, violations []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	exceptions, violations = c.exceptions, c.violations
	c.exceptions, c.violations = nil, nil
	return exceptions, violations
}

// takeViolations returns the violations reported so far and forgets them, so that a test can
// make one on purpose.
func (p *page) takeViolations() []string {
	p.console.mu.Lock()
	defer p.console.mu.Unlock()
	v := p.console.violations
	p.console.violations = nil
	return v
}

// waitViolation waits until a violation that mentions s has been reported. The tab reports its
// messages in order, so by then every violation of what the tab did before has arrived too.
func (p *page) waitViolation(s string) {
	p.t.Helper()
	timeout := time.NewTimer(waitTimeout)
	defer timeout.Stop()
	for {
		p.console.mu.Lock()
		found := slices.ContainsFunc(p.console.violations, func(v string) bool { return strings.Contains(v, s) })
		arrived := p.console.arrived
		p.console.mu.Unlock()
		if found {
			return
		}
		select {
		case <-arrived:
		case <-timeout.C:
			p.t.Fatalf("no Content Security Policy violation that mentions %q was reported in %v", s, waitTimeout)
		case <-p.ctx.Done():
			p.t.Fatalf("waiting for a violation that mentions %q: %v", s, p.ctx.Err())
		}
	}
}

func describeException(d *runtime.ExceptionDetails) string {
	if d == nil {
		return "(no details)"
	}
	msg := d.Text
	if d.Exception != nil && d.Exception.Description != "" {
		msg += " " + d.Exception.Description
	}
	return fmt.Sprintf("%s (%s:%d:%d)", msg, d.URL, d.LineNumber+1, d.ColumnNumber+1)
}

// reader is an account that a test made, with the password it was made with.
type reader struct {
	id       int64
	name     string
	password string
}

// passwordFor is the password the tests give name: long, uncommon, and not the name itself.
func passwordFor(name string) string { return name + " reads by lamplight" }

// newReader creates the account name in the store, as if its reader had signed up earlier.
func (p *page) newReader(name string) reader {
	p.t.Helper()
	u, err := p.users.Create(context.Background(), name, passwordFor(name))
	if err != nil {
		p.t.Fatalf("create the account %q: %v", name, err)
	}
	return reader{id: u.ID, name: u.Username, password: passwordFor(name)}
}

// in is the page as seen by t, a subtest of the page's own test: the subtest's failures are its
// own, and the tab, server and reader stay the same.
func (p *page) in(t *testing.T) *page {
	q := *p
	q.t = t
	return &q
}

// signedIn starts a page for a reader, ada, who has an account and has just logged in through
// the login page: where most tests begin.
func signedIn(t *testing.T, opts ...pageOption) *page {
	t.Helper()
	p := newPage(t, opts...)
	p.reader = p.newReader("ada")
	p.logIn(p.reader)
	return p
}

// logIn signs r in through the login page, typing as a person would, and checks that the tab
// shows r's library.
func (p *page) logIn(r reader) {
	p.t.Helper()
	p.visit("/login")
	p.submitLogin(r)
	if got := p.path(); got != "/books" {
		p.t.Fatalf("after logging in, the tab shows %s, want /books", got)
	}
}

// submitLogin types r's username and password into the login page that the tab shows, presses
// Enter, and checks that the page that loads says r is signed in.
func (p *page) submitLogin(r reader) {
	p.t.Helper()
	p.waitFocus("#field-username")
	p.press(r.name)
	p.press(kb.Tab)
	p.press(r.password)
	if status := p.loads("log in with Enter", typed(kb.Enter)); status != 200 {
		p.t.Fatalf("logging in as %s: status %d, want 200", r.name, status)
	}
	if got := p.signedInAs(); got != r.name {
		p.t.Fatalf("after logging in as %s, the header says signed in as %q", r.name, got)
	}
}

// signUp creates the account name on the sign-up page that the tab shows, with the keyboard
// alone: the username, Tab, the password, Tab, the password again, Enter. It checks that the
// library loads with name signed in.
func (p *page) signUp(name string) reader {
	p.t.Helper()
	r := reader{name: name, password: passwordFor(name)}
	p.waitFocus("#field-username")
	p.press(r.name)
	p.press(kb.Tab)
	p.waitFocus("#field-password")
	p.press(r.password)
	p.press(kb.Tab)
	p.waitFocus("#field-confirm")
	p.press(r.password)
	if status := p.loads("sign up with Enter", typed(kb.Enter)); status != 200 {
		p.t.Fatalf("signing up as %s: status %d, want 200", name, status)
	}
	if got := p.path(); got != "/books" {
		p.t.Fatalf("after signing up, the tab shows %s, want /books", got)
	}
	if got := p.signedInAs(); got != name {
		p.t.Fatalf("after signing up as %s, the header says signed in as %q", name, got)
	}
	u, err := p.users.ByName(context.Background(), name)
	if err != nil {
		p.t.Fatalf("the account %s is not in the store: %v", name, err)
	}
	r.id = u.ID
	return r
}

// signedInAs returns the username that the header says is signed in, or "" when nobody is.
func (p *page) signedInAs() string {
	p.t.Helper()
	return eval[string](p, `(() => {
		const name = document.querySelector('header [data-testid=username]');
		return name ? name.textContent.trim() : '';
	})()`)
}

// cookies returns the cookies that the browser would send to the server.
func (p *page) cookies() map[string]*network.Cookie {
	p.t.Helper()
	res, err := chromedp.Call(p.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{p.url + "/"}})
	if err != nil {
		p.t.Fatalf("read the cookies: %v", err)
	}
	m := make(map[string]*network.Cookie, len(res.Cookies))
	for _, c := range res.Cookies {
		m[c.Name] = c
	}
	return m
}

// do runs steps in the tab, failing the test with what it was doing when one fails.
func (p *page) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, steps...); err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
}

// eval returns the value of a JavaScript expression in the page.
func eval[T any](p *page, expr string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// visit loads path in the tab, waits until the page has settled, and returns the HTTP status of
// the document it ends on, after redirects.
func (p *page) visit(path string) int64 {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, waitTimeout)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(p.url+path))
	if err != nil {
		p.t.Fatalf("open %s: %v", path, err)
	}
	if resp == nil {
		p.t.Fatalf("open %s: the browser reported no response", path)
	}
	p.waitUntil("the page has settled", pageSettled)
	return resp.Status
}

// open loads path, waits until the page has settled, and marks the document, so stillSamePage can
// tell that nothing reloaded it.
func (p *page) open(path string) {
	p.t.Helper()
	p.do("open "+path, chromedp.Navigate(p.url+path))
	p.waitUntil("the page has settled", pageSettled)
	eval[chromedp.Void](p, `window.__marker = 42`)
}

// pageSettled is true once the document has loaded and, if it has a visible [autofocus] field, the
// focus has left the body: Chromium applies autofocus at a rendering update after the load is
// reported, so a test that starts pressing Tab straight after a load may start from the top of the
// page or from the field, depending on the moment. (A page opened at a #fragment gets no autofocus;
// app.js may focus something else there, and tests wait for that themselves.)
const pageSettled = `document.readyState === 'complete' && (location.hash !== '' ||
	![...document.querySelectorAll('[autofocus]')].some(e => e.checkVisibility()) ||
	document.activeElement !== document.body)`

// htmxIdle is true when htmx has no request in flight and nothing left to swap or settle. Without
// JavaScript there is no htmx, and nothing carries those classes.
const htmxIdle = `!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')`

// stillSamePage checks that the document that open loaded was never replaced: every change the
// test saw was made in place.
func (p *page) stillSamePage() {
	p.t.Helper()
	if !eval[bool](p, `window.__marker === 42`) {
		p.t.Fatal("the page was reloaded: window.__marker is gone")
	}
}

// loads runs step, which must make the browser load a new document, waits until it has settled, and
// returns the HTTP status of the document (the last one, after redirects).
func (p *page) loads(what string, step chromedp.Action[chromedp.Void]) int64 {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, waitTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, step)
	if err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
	if resp == nil {
		p.t.Fatalf("%s: the browser reported no response for the new document", what)
	}
	p.waitUntil("the page has settled", pageSettled)
	return resp.Status
}

// location returns the address of the document the tab shows.
func (p *page) location() *url.URL {
	p.t.Helper()
	loc, err := chromedp.Run(p.ctx, chromedp.Location())
	if err != nil {
		p.t.Fatalf("location: %v", err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		p.t.Fatalf("location %q: %v", loc, err)
	}
	return u
}

// path returns the path of the document the tab shows, without its query.
func (p *page) path() string {
	p.t.Helper()
	return p.location().Path
}

// waitUntil waits until the JavaScript expression is truthy.
func (p *page) waitUntil(what, expr string) {
	p.t.Helper()
	if err := p.poll(expr); err != nil {
		p.t.Fatalf("waiting until %s (%s): %v\nthe page's main element:\n%s", what, expr, err, p.mainHTML())
	}
}

// mainHTML returns the HTML of the page's main element (or body), cut to a few thousand bytes,
// for a failure to show what the page looked like.
func (p *page) mainHTML() string {
	ctx, cancel := context.WithTimeout(p.ctx, 2*time.Second)
	defer cancel()
	html, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('main') || document.body).outerHTML`))
	if err != nil {
		return "(unavailable: " + err.Error() + ")"
	}
	const most = 4000
	if len(html) > most {
		html = html[:most] + "…"
	}
	return html
}

// poll waits, for at most waitTimeout, until the JavaScript expression is truthy in the document
// that the tab shows. It evaluates the expression from Go every few milliseconds, rather than in
// the page as chromedp.Poll does, for two reasons. In a tab with JavaScript off the page runs no
// callbacks, not even those of Poll's requestAnimationFrame loop, so Poll only sees what is true
// at its first look. And Poll runs in the execution context that chromedp recorded last, which
// chromedp v0.23.0 updates on another goroutine than the one that reports a load: right after a
// load it can still be the old document's, and Poll fails with "Cannot find context with
// specified id". Evaluate without a context runs in the document that the tab shows.
func (p *page) poll(expr string) error {
	ctx, cancel := context.WithTimeout(p.ctx, waitTimeout)
	defer cancel()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+expr+")"))
		switch {
		case err != nil:
			return err
		case ok:
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// press sends keys to whatever has the focus, as a person typing would: kb.Tab, kb.Enter,
// kb.Escape or plain text.
func (p *page) press(keys string, opts ...chromedp.KeyOption) {
	p.t.Helper()
	p.do(fmt.Sprintf("press %q", keys), typed(keys, opts...))
}

// typed presses keys as a keyboard does in Chromium: a key's keydown and keypress come from one
// event, then its keyup. chromedp.KeyEvent sends the keypress (a "char") as an event of its own,
// a round trip later; on a busy machine the answer to what the keydown started could be swapped
// in between, and the keypress then went to what that answer focused. Enter on a row's Delete
// link, whose answer focuses the toast's Undo button, pressed Undo as well (TestUndoInEveryOrder
// on 2026-12-07: the restore came 0.2 s after the delete, and no second Enter had been sent).
// As with KeyEvent, a key held with Ctrl, Alt or Meta types nothing.
func typed(keys string, opts ...chromedp.KeyOption) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, r := range keys {
			events := kb.Encode(r)
			var text, unmodified string
			for _, k := range events {
				for _, o := range opts {
					o(k)
				}
				if k.Type == kb.KeyChar && k.Modifiers&^int64(chromedp.ModifierShift) == 0 {
					text, unmodified = k.Text, k.UnmodifiedText
				}
			}
			for _, k := range events {
				switch k.Type {
				case kb.KeyChar:
					continue
				case kb.KeyDown:
					// A keydown with its text makes Chromium dispatch keydown and then, unless
					// the page cancelled the keydown, keypress; without text it is a bare keydown.
					k.Text, k.UnmodifiedText = text, unmodified
					if text == "" {
						k.Type = kb.KeyRawDown
					}
				}
				if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, *k); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// replaceText selects everything in the focused input (Ctrl+A) and types text over it.
func (p *page) replaceText(text string) {
	p.t.Helper()
	p.press("a", chromedp.KeyModifiers(chromedp.ModifierCtrl))
	if text == "" {
		p.press(kb.Backspace)
		return
	}
	p.press(text)
}

// focused describes the element that has the focus: its id, or its tag, data-action and row.
func (p *page) focused() string {
	p.t.Helper()
	return eval[string](p, `(() => {
		const el = document.activeElement;
		if (!el || el === document.body) return 'body';
		if (el.id) return '#' + el.id;
		const row = el.closest('tr[id]');
		return (row ? '#' + row.id + ' ' : '') + el.tagName.toLowerCase() +
			(el.dataset.action ? '[data-action=' + el.dataset.action + ']' : '');
	})()`)
}

// waitFocus waits until the element that matches selector has the focus and htmx has settled.
// Both matter: Chromium focuses an [autofocus] element that a swap brings in at its next frame,
// while htmx binds the new content (hx-get on its buttons) and focuses it again only when it
// settles, 20 ms later; a key pressed in between would go to controls that do nothing yet, and
// its effect on the focus would be undone.
func (p *page) waitFocus(selector string) {
	p.t.Helper()
	expr := fmt.Sprintf(`document.activeElement !== null && document.activeElement === document.querySelector(%q) && %s`, selector, htmxIdle)
	if err := p.poll(expr); err != nil {
		p.t.Fatalf("waiting for the focus on %s, it is on %s: %v", selector, p.focused(), err)
	}
}

// tabTo presses Tab until the element that matches selector has the focus.
func (p *page) tabTo(selector string) {
	p.t.Helper()
	p.tabUntil(selector, "Tab")
}

// tabBackTo presses Shift+Tab until the element that matches selector has the focus.
func (p *page) tabBackTo(selector string) {
	p.t.Helper()
	p.tabUntil(selector, "Shift+Tab", chromedp.KeyModifiers(chromedp.ModifierShift))
}

func (p *page) tabUntil(selector, keys string, opts ...chromedp.KeyOption) {
	p.t.Helper()
	const most = 60
	expr := fmt.Sprintf(`document.activeElement === document.querySelector(%q)`, selector)
	// A swap that is still settling moves the focus when it ends (to an [autofocus] field it
	// brought, or wherever app.js puts it), which would throw the count off midway.
	p.waitUntil("htmx has finished swapping", htmxIdle)
	var path []string
	for range most {
		if eval[bool](p, expr) {
			return
		}
		p.press(kb.Tab, opts...)
		path = append(path, p.focused())
	}
	p.t.Fatalf("%d presses of %s never reached %s; the focus went %s", most, keys, selector, strings.Join(path, " → "))
}

// toNewBook puts the focus in the new book's title as a reader does: the library opens with the
// focus nowhere, and n goes there; without JavaScript, the reader moves there (a click or Tab).
func (p *page) toNewBook() {
	p.t.Helper()
	p.waitFocus("body")
	if eval[bool](p, `typeof window.htmx === 'undefined'`) {
		p.do("focus the new book's title", chromedp.Focus(chromedp.CSS("#new-book-title")))
	} else {
		p.key("n")
	}
	p.waitFocus("#new-book-title")
}

// value returns the current value of the input with the given id.
func (p *page) value(id string) string {
	p.t.Helper()
	return eval[string](p, fmt.Sprintf(`document.getElementById(%q).value`, id))
}

// text returns the trimmed text of the first element that matches selector.
func (p *page) text(selector string) string {
	p.t.Helper()
	return eval[string](p, fmt.Sprintf(`document.querySelector(%q).textContent.trim()`, selector))
}

// count returns what #book-count says.
func (p *page) count() string {
	p.t.Helper()
	return p.text("#book-count")
}

// display returns the computed CSS display of the first element that matches selector.
func (p *page) display(selector string) string {
	p.t.Helper()
	return eval[string](p, fmt.Sprintf(`getComputedStyle(document.querySelector(%q)).display`, selector))
}

// row is a book row of the library as the reader sees it. An edit row has its inputs' values.
type row struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Author  string `json:"author"`
	Genre   string `json:"genre"`
	Editing bool   `json:"editing"`
}

// rows returns the book rows of #book-list, top to bottom.
func (p *page) rows() []row {
	p.t.Helper()
	return eval[[]row](p, `Array.from(document.querySelectorAll('#book-list > tr.book'), r => {
		// A row's cells are title, author and genre first; an edit row has inputs there. The
		// title is the book's, without the links to its series shown under it.
		const field = (name, i) => {
			const input = r.querySelector('input[name="' + name + '"]');
			if (input) return input.value;
			const cell = r.children[i].cloneNode(true);
			cell.querySelectorAll('a.series').forEach(a => a.remove());
			return cell.textContent.trim();
		};
		return {id: r.id, title: field('title', 0), author: field('author', 1), genre: field('genre', 2),
			editing: r.classList.contains('editing')};
	})`)
}

// idOf returns the id of the book that r shows.
func (p *page) idOf(r row) int64 {
	p.t.Helper()
	id, err := strconv.ParseInt(strings.TrimPrefix(r.ID, "book-"), 10, 64)
	if err != nil {
		p.t.Fatalf("row %q names no book: %v", r.ID, err)
	}
	return id
}

// rowOf is the row that book b should have, shown (not being edited).
func rowOf(b data.Book) row {
	return row{ID: fmt.Sprintf("book-%d", b.ID), Title: b.Title, Author: b.Author, Genre: b.Genre}
}

// addBook stores a book in the library of the reader whom signedIn signed in, as if they had
// added it earlier.
func (p *page) addBook(title, author, genre string) data.Book {
	p.t.Helper()
	return p.addBookFor(p.reader, title, author, genre)
}

// addBookFor stores a book in r's library, as if r had added it earlier.
func (p *page) addBookFor(r reader, title, author, genre string) data.Book {
	p.t.Helper()
	if r.id == 0 {
		p.t.Fatalf("add %q: no reader to own it", title)
	}
	b, err := p.books.Create(context.Background(), r.id, data.BookInput{Title: title, Author: author, Genre: genre})
	if err != nil {
		p.t.Fatalf("add %q: %v", title, err)
	}
	return b
}

// storedBook returns the book id of the reader whom signedIn signed in, as the store has it.
func (p *page) storedBook(id int64) (data.Book, error) {
	return p.books.Get(context.Background(), p.reader.id, id)
}
