package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestContentSecurityPolicyHolds goes, with JavaScript on, through every kind of page and swap the
// app has: sign-up refused then done, the library, an add refused then done, edit saved, edit
// cancelled, delete and undo, load more, the book, edit and delete pages, a missing book, log out,
// a refused login and a login. The policy forbids inline scripts and styles; the browser must have
// blocked nothing. Every test fails on a violation; this one visits every page, then makes a
// violation on purpose, which shows that the tab reports them and that all earlier reports are in.
func TestContentSecurityPolicyHolds(t *testing.T) {
	p := newPage(t)
	p.visit("/signup")
	p.waitFocus("#field-username")
	p.press("ada")
	p.press(kb.Tab)
	p.press("short")
	p.press(kb.Tab)
	p.press("short")
	if status := p.loads("sign up with a short password", typed(kb.Enter)); status != 422 {
		t.Errorf("sign-up with a short password: status %d, want 422", status)
	}
	p.visit("/signup")
	p.reader = p.signUp("ada")
	if err := p.books.Seed(t.Context(), p.reader.id, 55, 1); err != nil {
		t.Fatal(err)
	}
	p.open("/books")

	// Add: refused without a title, then done.
	p.toNewBook()
	p.press(kb.Tab)
	p.press("Anonymous")
	p.press(kb.Enter)
	p.do("wait for the title's message", chromedp.WaitVisible(chromedp.CSS(`#new-book-row p.error`)))
	p.waitFocus("#new-book-title")
	p.press("Beowulf")
	p.press(kb.Enter)
	p.waitUntil("the book is added", `document.getElementById('book-count').textContent.trim() === '56 books'`)
	top := p.rows()[0]
	rowSel := "#" + top.ID
	id := p.idOf(top)

	// Edit, saved with Enter; edit again, cancelled with Escape.
	edit := rowSel + " a[href$=\"/edit\"]"
	p.waitFocus("#new-book-title")
	p.tabTo(edit)
	p.press(kb.Enter)
	p.waitFocus(fmt.Sprintf("#edit-%d-title", id))
	p.replaceText("Beowulf: A New Translation")
	p.press(kb.Enter)
	p.waitFocus(edit)
	p.press(kb.Enter)
	p.waitFocus(fmt.Sprintf("#edit-%d-title", id))
	p.press(kb.Escape)
	p.waitFocus(edit)

	// Delete, and Undo from the toast.
	p.do("click Delete", chromedp.Click(chromedp.CSS(rowSel+" a[href$=\"/delete\"]")))
	p.waitFocus(fmt.Sprintf("#undo-%d [data-action=undo]", id))
	p.press(kb.Enter)
	p.waitFocus(rowSel + " .title a")

	// Load more.
	p.do("focus Load more", chromedp.Focus(chromedp.CSS("#load-more a")))
	p.press(kb.Enter)
	p.do("wait for Load more to go", chromedp.WaitNotPresent(chromedp.CSS("#load-more")))
	p.stillSamePage()

	// The full pages, for readers without JavaScript, and a missing book.
	for _, want := range []struct {
		path   string
		status int64
	}{
		{fmt.Sprintf("/books/%d", id), 200},
		{fmt.Sprintf("/books/%d/edit", id), 200},
		{fmt.Sprintf("/books/%d/delete", id), 200},
		{"/books/999999", 404},
	} {
		if got := p.visit(want.path); got != want.status {
			t.Errorf("%s: status %d, want %d", want.path, got, want.status)
		}
	}

	// Log out, a refused login, a login.
	p.loads("click Log out", chromedp.Click(chromedp.CSS(logOutButton)))
	p.waitFocus("#field-username")
	p.press("ada")
	p.press(kb.Tab)
	p.press("not ada's password")
	if status := p.loads("log in with a wrong password", typed(kb.Enter)); status != 422 {
		t.Errorf("login with a wrong password: status %d, want 422", status)
	}
	p.waitFocus("#field-password")
	p.press(p.reader.password)
	p.loads("log in", typed(kb.Enter))
	if got := p.signedInAs(); got != "ada" {
		t.Errorf("after logging in, the header says signed in as %q, want ada", got)
	}

	// A violation on purpose: an image from another origin, which img-src 'self' forbids.
	eval[chromedp.Void](p, `new Image().src = 'http://127.0.0.1:9/csp-canary.png'`)
	p.waitViolation("csp-canary")
	for _, v := range p.takeViolations() {
		if !strings.Contains(v, "csp-canary") {
			t.Errorf("Content Security Policy violation: %s", v)
		}
	}
}
