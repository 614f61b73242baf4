package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// waitControlled waits until the service worker that app.js registers is active, then reloads
// the page, which the worker must control: a page loaded before the worker was active is
// controlled only once the worker claims it, a reload always.
func (p *page) waitControlled(path string) {
	p.t.Helper()
	p.waitUntil("the service worker is active",
		`navigator.serviceWorker && navigator.serviceWorker.controller !== null ||
		 (window.__swReady ??= false, navigator.serviceWorker.ready.then(() => window.__swReady = true), window.__swReady)`)
	p.visit(path)
	p.waitUntil("the service worker controls the page",
		`navigator.serviceWorker.controller !== null && new URL(navigator.serviceWorker.controller.scriptURL).pathname === '/sw.js'`)
}

// offlineShown is true when the tab shows the worker's offline page.
const offlineShown = `document.querySelector('[data-testid="offline-page"]') !== null`

// TestInstallable: the page links a manifest that Chromium parses without a complaint, whose
// icons are served; the service worker registers and controls the page after a reload; and with
// the server gone, a navigation shows the offline page, styled by the stylesheet the worker kept.
func TestInstallable(t *testing.T) {
	p := signedIn(t)
	p.addBook("The Left Hand of Darkness", "Ursula K. Le Guin", "")
	p.visit("/books")

	res, err := chromedp.Call(p.ctx, cdppage.GetAppManifest, cdppage.GetAppManifestParams{})
	if err != nil {
		t.Fatalf("get the manifest: %v", err)
	}
	if !strings.HasSuffix(res.URL, "/manifest.webmanifest") {
		t.Errorf("manifest URL = %q, want the page's /manifest.webmanifest", res.URL)
	}
	for _, e := range res.Errors {
		t.Errorf("manifest error: %s (line %d)", e.Message, e.Line)
	}
	if m := res.Manifest; m == nil {
		t.Errorf("Chromium parsed no manifest: %s", res.Data)
	} else if m.Name != "Bookcase" || !strings.EqualFold(strings.TrimPrefix(m.Display, "k"), "standalone") || !strings.HasSuffix(m.StartURL, "/books") {
		t.Errorf("Chromium read the manifest as name %q, display %q, start URL %q; want Bookcase, standalone, /books",
			m.Name, m.Display, m.StartURL)
	}
	icons, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]string](`(async () => {
		const m = await (await fetch('/manifest.webmanifest')).json();
		return Promise.all(m.icons.map(async i => {
			const r = await fetch(i.src);
			return i.src + ' ' + i.sizes + ' ' + i.purpose + ': ' + r.status + ' ' + r.headers.get('Content-Type');
		}));
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("fetch the manifest's icons: %v", err)
	}
	want := map[string]bool{"192x192 any": false, "512x512 any": false, "512x512 maskable": false}
	for _, icon := range icons {
		if !strings.HasSuffix(icon, ": 200 image/png") && !strings.HasSuffix(icon, ": 200 image/svg+xml") {
			t.Errorf("icon %s, want status 200 and an image", icon)
		}
		for k := range want {
			if strings.Contains(icon, " "+k+":") {
				want[k] = true
			}
		}
	}
	for k, found := range want {
		if !found {
			t.Errorf("the manifest has no %s icon: %v", k, icons)
		}
	}

	p.waitControlled("/books")
	inst, err := chromedp.Call(p.ctx, cdppage.GetInstallabilityErrors, cdp.Empty{})
	if err != nil {
		t.Fatalf("get installability errors: %v", err)
	}
	for _, e := range inst.InstallabilityErrors {
		if e.ErrorID == "in-incognito" {
			// The tab runs in a browser context of its own (newPage), which Chromium treats as
			// incognito, where it offers no install whatever the app. Every other check holds.
			continue
		}
		t.Errorf("Chromium says the app cannot be installed: %s %v", e.ErrorID, e.ErrorArguments)
	}

	p.stop()
	p.visit("/shelves")
	p.waitUntil("the offline page is shown", offlineShown)
	if got := p.text("h1"); got != "You are offline" {
		t.Errorf("offline page heading = %q, want You are offline", got)
	}
	// The light theme's --bg: the stylesheet came from the worker's cache, the server being gone.
	if got := eval[string](p, `getComputedStyle(document.body).backgroundColor`); got != "rgb(247, 244, 238)" {
		t.Errorf("offline page background = %s, want the stylesheet's rgb(247, 244, 238)", got)
	}
	if got := p.signedInAs(); got != "" {
		t.Errorf("the offline page says %q is signed in", got)
	}
}

// TestLogOutThenBackShowsNoPrivatePage: after logging out, neither Back to a book's page nor a
// fresh visit to the library shows the reader's books, from the worker, the HTTP cache or the
// back/forward cache: the login page comes instead, and the offline page once the server is gone.
func TestLogOutThenBackShowsNoPrivatePage(t *testing.T) {
	const title = "A Private Diary of Reading"
	p := signedIn(t)
	b := p.addBook(title, "Ada Lovelace", "")
	p.waitControlled("/books")
	p.visit(fmt.Sprintf("/books/%d", b.ID))
	if !eval[bool](p, fmt.Sprintf(`document.body.textContent.includes(%q)`, title)) {
		t.Fatalf("the book page does not show %q", title)
	}
	p.loads("click Log out", chromedp.Click(chromedp.CSS(logOutButton)))

	noPrivatePage := func(when string) {
		t.Helper()
		if eval[bool](p, fmt.Sprintf(`document.body.textContent.includes(%q) || document.querySelector('#book-list') !== null`, title)) {
			t.Errorf("%s, the tab shows the reader's books at %s", when, p.location())
		}
		if got := p.signedInAs(); got != "" {
			t.Errorf("%s, the header says %q is signed in", when, got)
		}
	}
	back := func(when string) {
		t.Helper()
		// history.back, not chromedp.NavigateBack: a page restored from the back/forward cache
		// fires no load event, and that is just what the test must see if it happens.
		eval[chromedp.Void](p, `window.__before = true; setTimeout(() => history.back())`)
		p.waitUntil("the page before is shown", `window.__before === undefined && document.readyState === 'complete'`)
		noPrivatePage(when)
	}

	back("after Back from the login page")
	if got := p.path(); got != "/login" {
		t.Errorf("Back after logging out shows %s, want /login", got)
	}
	p.visit("/books")
	noPrivatePage("after visiting /books")
	if got := p.path(); got != "/login" {
		t.Errorf("/books after logging out shows %s, want /login", got)
	}

	p.stop()
	p.visit("/books")
	p.waitUntil("the offline page is shown", offlineShown)
	noPrivatePage("offline, at /books")
	back("offline, after Back")
}
