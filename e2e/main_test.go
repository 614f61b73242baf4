package e2e

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/bookcase/bookcase/data"
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
	ctx     context.Context // a chromedp context of the running browser; nil when there is none
	missing string          // why there is no browser to use, when it was not found
	err     error           // why the browser that was found could not be used
	stop    func()
}

func TestMain(m *testing.M) {
	code := m.Run()
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
	profile, err := os.MkdirTemp("", "bookcase-e2e-chrome-")
	if err != nil {
		chrome.err = err
		return
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
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	chrome.stop = func() {
		if err := chromedp.Cancel(ctx); err != nil && !errors.Is(err, context.Canceled) {
			fmt.Fprintln(os.Stderr, "e2e: closing the browser:", err)
		}
		cancelBrowser()
		cancelAlloc()
		os.RemoveAll(profile)
	}
	// The first Do starts the browser and binds it to ctx, which must not have a deadline.
	if err := chromedp.Do(ctx); err != nil {
		chrome.err = fmt.Errorf("start %s: %w", path, err)
		return
	}
	chrome.ctx = ctx
}

// server is a Bookcase server for one test, with its own empty database.
type server struct {
	url   string
	books *data.BookStore
	stop  func() // shuts the server down; it is safe to call more than once
}

func startServer(t *testing.T) *server {
	t.Helper()
	ctx := context.Background()
	db, err := data.Open(ctx, filepath.Join(t.TempDir(), "e2e.db"))
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	app, err := handlers.New(handlers.Config{Books: db.Books(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		db.Close()
		t.Fatalf("build app: %v", err)
	}
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		db.Close()
		t.Fatalf("listen: %v", err)
	}
	ln := &connTracker{Listener: tcp, conns: make(map[net.Conn]struct{})}
	served := make(chan error, 1)
	go func() { served <- app.Listener(ln) }()

	var once sync.Once
	stop := func() {
		once.Do(func() {
			ln.closeConns()
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
	return &server{url: "http://" + ln.Addr().String(), books: db.Books(), stop: stop}
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
	ctx context.Context
}

type pageOption func(*pageConfig)

type pageConfig struct{ noScript bool }

// withoutJavaScript opens the tab with JavaScript turned off, as for a reader who blocks it.
func withoutJavaScript(c *pageConfig) { c.noScript = true }

// newPage starts a server with an empty database and opens a tab, in a browser context of its own,
// at a 1280×800 viewport. An uncaught JavaScript exception in the tab fails the test.
func newPage(t *testing.T, opts ...pageOption) *page {
	t.Helper()
	var cfg pageConfig
	for _, o := range opts {
		o(&cfg)
	}
	parent := browser(t)
	srv := startServer(t)

	deadline, cancelDeadline := context.WithTimeout(parent, testTimeout)
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

	var mu sync.Mutex
	var exceptions []string
	err := chromedp.Listen(ctx, func(ev any) {
		if ev, ok := ev.(*runtime.EventExceptionThrown); ok {
			mu.Lock()
			defer mu.Unlock()
			exceptions = append(exceptions, describeException(ev.ExceptionDetails))
		}
	})
	if err != nil {
		t.Fatalf("listen to the tab: %v", err)
	}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, e := range exceptions {
			t.Errorf("uncaught JavaScript exception: %s", e)
		}
	})

	p := &page{t: t, server: srv, ctx: ctx}
	p.do("set the viewport", chromedp.EmulateViewport(1280, 800))
	if cfg.noScript {
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatalf("turn JavaScript off: %v", err)
		}
	}
	return p
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

// open loads path and marks the document, so stillSamePage can tell that nothing reloaded it.
func (p *page) open(path string) {
	p.t.Helper()
	p.do("open "+path, chromedp.Navigate(p.url+path))
	eval[chromedp.Void](p, `window.__marker = 42`)
}

// stillSamePage checks that the document that open loaded was never replaced: every change the
// test saw was made in place.
func (p *page) stillSamePage() {
	p.t.Helper()
	if !eval[bool](p, `window.__marker === 42`) {
		p.t.Fatal("the page was reloaded: window.__marker is gone")
	}
}

// loads runs step, which must make the browser load a new document, and waits for the load.
func (p *page) loads(what string, step chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if _, err := chromedp.Run(p.ctx, chromedp.WaitEvent(cdppage.LoadEventFired, nil, step)); err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
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
	if err := chromedp.Do(p.ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(waitTimeout))); err != nil {
		p.t.Fatalf("waiting until %s (%s): %v", what, expr, err)
	}
}

// press sends keys to whatever has the focus, as a person typing would: kb.Tab, kb.Enter,
// kb.Escape or plain text.
func (p *page) press(keys string, opts ...chromedp.KeyOption) {
	p.t.Helper()
	p.do(fmt.Sprintf("press %q", keys), chromedp.KeyEvent(keys, opts...))
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

// waitFocus waits until the element that matches selector has the focus.
func (p *page) waitFocus(selector string) {
	p.t.Helper()
	expr := fmt.Sprintf(`document.activeElement !== null && document.activeElement === document.querySelector(%q)`, selector)
	if err := chromedp.Do(p.ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(waitTimeout))); err != nil {
		p.t.Fatalf("waiting for the focus on %s, it is on %s: %v", selector, p.focused(), err)
	}
}

// tabTo presses Tab until the element that matches selector has the focus.
func (p *page) tabTo(selector string) {
	p.t.Helper()
	const most = 20
	expr := fmt.Sprintf(`document.activeElement === document.querySelector(%q)`, selector)
	var path []string
	for range most {
		if eval[bool](p, expr) {
			return
		}
		p.press(kb.Tab)
		path = append(path, p.focused())
	}
	p.t.Fatalf("%d presses of Tab never reached %s; the focus went %s", most, selector, strings.Join(path, " → "))
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
		const field = name => {
			const input = r.querySelector('input[name="' + name + '"]');
			return input ? input.value : r.querySelector('td.' + name).textContent.trim();
		};
		return {id: r.id, title: field('title'), author: field('author'), genre: field('genre'),
			editing: r.classList.contains('editing')};
	})`)
}

// rowOf is the row that book b should have, shown (not being edited).
func rowOf(b data.Book) row {
	return row{ID: fmt.Sprintf("book-%d", b.ID), Title: b.Title, Author: b.Author, Genre: b.Genre}
}

// addBook stores a book directly, as if it had been added earlier.
func (p *page) addBook(title, author, genre string) data.Book {
	p.t.Helper()
	b, err := p.books.Create(context.Background(), data.BookInput{Title: title, Author: author, Genre: genre})
	if err != nil {
		p.t.Fatalf("add %q: %v", title, err)
	}
	return b
}
