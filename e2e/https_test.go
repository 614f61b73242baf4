package e2e

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestOverHTTPS signs up and adds, edits, deletes and restores a book in place on a server reached
// over HTTPS. There the cookies are Secure, HttpOnly and __Host- prefixed, and the CSRF check also
// wants a Referer of this site, which the page's Referrer-Policy (same-origin) lets the browser
// send: that the flow works shows that both hold together.
func TestOverHTTPS(t *testing.T) {
	p := newPage(t, overHTTPS)
	if !strings.HasPrefix(p.url, "https://") {
		t.Fatalf("the server is at %s, want https://", p.url)
	}
	p.visit("/signup")
	p.reader = p.signUp("ada")

	cookies := p.cookies()
	for _, name := range []string{"__Host-bookcase_session", "__Host-bookcase_csrf"} {
		c := cookies[name]
		if c == nil {
			t.Errorf("no %s cookie; the browser has %v", name, slices.Sorted(maps.Keys(cookies)))
			continue
		}
		if !c.Secure || !c.HTTPOnly || c.Path != "/" || strings.HasPrefix(c.Domain, ".") || c.SameSite != network.CookieSameSiteLax {
			t.Errorf("%s: secure %v, httpOnly %v, path %q, domain %q, sameSite %q; want Secure, HttpOnly, path /, host-only, Lax",
				name, c.Secure, c.HTTPOnly, c.Path, c.Domain, c.SameSite)
		}
	}
	for name := range cookies {
		if !strings.HasPrefix(name, "__Host-") {
			t.Errorf("cookie %s has no __Host- prefix over HTTPS", name)
		}
	}

	p.open("/books")
	p.toNewBook()
	p.press("Parable of the Sower")
	p.press(kb.Tab)
	p.press("Octavia E. Butler")
	p.press(kb.Enter)
	p.waitUntil("the new book is listed", `document.querySelectorAll('#book-list > tr.book').length === 1`)
	book := p.rows()[0]
	if book.Title != "Parable of the Sower" {
		t.Fatalf("the added row is %+v", book)
	}
	id := p.idOf(book)
	rowSel := "#" + book.ID
	edit := rowSel + " a[href$=\"/edit\"]"

	p.waitFocus("#new-book-title")
	p.tabTo(edit)
	p.press(kb.Enter)
	p.waitFocus(fmt.Sprintf("#edit-%d-title", id))
	p.press(kb.Tab)
	p.press(kb.Tab)
	p.waitFocus(fmt.Sprintf("#edit-%d-genre", id))
	p.replaceText("Science fiction")
	p.press(kb.Enter)
	p.waitFocus(edit)
	if got := p.rows()[0].Genre; got != "Science fiction" {
		t.Errorf("genre after saving = %q, want Science fiction", got)
	}

	p.do("click Delete", chromedp.Click(chromedp.CSS(rowSel+" a[href$=\"/delete\"]")))
	p.do("wait for the row to go", chromedp.WaitNotPresent(chromedp.CSS(rowSel)))
	p.waitFocus(fmt.Sprintf("#undo-%d [data-action=undo]", id))
	p.press(kb.Enter)
	p.waitFocus(rowSel + " .title a")
	want := book
	want.Genre = "Science fiction"
	if got := p.rows(); !slices.Equal(got, []row{want}) {
		t.Errorf("rows after Undo = %+v, want %+v", got, []row{want})
	}
	if got := eval[int](p, `document.querySelectorAll('#toasts .toast.alert').length`); got != 0 {
		t.Errorf("%d error toasts: a request was refused", got)
	}
	p.stillSamePage()

	// The Referer check is on: the same request as the page's, with no Referer, is refused.
	post := func(referrerPolicy string) int {
		t.Helper()
		status, err := chromedp.Run(p.ctx, chromedp.Evaluate[int](fmt.Sprintf(`fetch('/books', {
			method: 'POST',
			headers: {'HX-Request': 'true', 'X-CSRF-Token': document.querySelector('meta[name=csrf-token]').content},
			body: new URLSearchParams({title: 'Kindred', author: 'Octavia E. Butler'}),
			referrerPolicy: %q,
		}).then(r => r.status)`, referrerPolicy), chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("post with referrerPolicy %s: %v", referrerPolicy, err)
		}
		return status
	}
	if got := post("no-referrer"); got != 403 {
		t.Errorf("a POST with the token and no Referer: status %d, want 403", got)
	}
	if got := post("same-origin"); got != 200 {
		t.Errorf("the same POST with a same-origin Referer: status %d, want 200", got)
	}

	// Logging out is a plain form, with the token and the Referer.
	p.loads("click Log out", chromedp.Click(chromedp.CSS(logOutButton)))
	if got, want := p.path(), "/login"; got != want {
		t.Errorf("after logging out, the tab shows %s, want %s", got, want)
	}
	if c := p.cookies()["__Host-bookcase_session"]; c != nil {
		t.Error("after logging out, the browser still has the session cookie")
	}
}
