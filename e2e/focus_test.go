package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/bookcase/bookcase/data"
)

// TestLibraryOpensForShortcuts opens the library, whose footer advertises ?, j and /: they work
// at once, rather than typing themselves into the new book's title (where the focus used to be).
func TestLibraryOpensForShortcuts(t *testing.T) {
	p := signedIn(t)
	book := p.addBook("Middlemarch", "George Eliot", "Fiction")
	p.open("/books")
	p.waitFocus("body")
	p.key("?")
	p.waitUntil("the overlay is open", `document.getElementById('shortcuts').open`)
	p.key(kb.Escape)
	p.waitUntil("the overlay is closed", `!document.getElementById('shortcuts').open`)
	p.key("j")
	p.waitFocus(fmt.Sprintf("#book-%d .title a", book.ID))
	p.key("n")
	p.waitFocus("#new-book-title")
	p.key("/")
	if got := p.value("new-book-title"); got != "/" {
		t.Errorf("typing / in the title gave %q", got)
	}
	if got := p.value("search"); got != "" {
		t.Errorf("the search box holds %q, want nothing typed there", got)
	}
}

// TestShortcutsOverlayKeepsNewFocus closes the shortcuts overlay and moves the focus before the
// dialog's close event arrives, as keys typed right after Escape do (Chrome handles input before
// that event): the focus stays where the reader put it. It was taken back to the row focused
// before the overlay opened, which made TestLibraryOpensForShortcuts fail under load.
func TestShortcutsOverlayKeepsNewFocus(t *testing.T) {
	p := signedIn(t)
	book := p.addBook("Middlemarch", "George Eliot", "Fiction")
	p.open("/books")
	p.waitFocus("body")
	p.key("j")
	p.waitFocus(fmt.Sprintf("#book-%d .title a", book.ID))
	p.key("?")
	p.waitUntil("the overlay is open", `document.getElementById('shortcuts').open`)
	eval[bool](p, `(() => {
		const dialog = document.getElementById('shortcuts');
		dialog.addEventListener('close', () => { window.overlayClosed = true; }, {once: true});
		dialog.close();
		document.getElementById('new-book-title').focus();
		return true;
	})()`)
	p.waitUntil("the close event has run", `window.overlayClosed === true`)
	if got := eval[string](p, `document.activeElement.id`); got != "new-book-title" {
		t.Errorf("after the overlay closed the focus is on %q, want new-book-title", got)
	}
}

// TestStatusArrowKeysSaveNothing browses the reading status of a book that was read with the
// arrow keys, as a keyboard on Windows or Linux does: nothing is saved (before, ↑ then ↓ saved
// Reading and then Read again, which left a new reading dated today). Enter on a choice of the
// status menu saves it, and Escape closes the menu without saving.
func TestStatusArrowKeysSaveNothing(t *testing.T) {
	p := signedIn(t)
	ctx := context.Background()
	book := p.addBook("Dune", "Frank Herbert", "Science fiction")
	if _, err := p.reading.SetStatus(ctx, p.reader.id, book.ID, data.StatusRead, time.Time{}); err != nil {
		t.Fatal(err)
	}
	readings := func() int {
		t.Helper()
		rts, err := p.reading.ReadThroughs(ctx, p.reader.id, book.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(rts)
	}
	stored := func() data.Status {
		t.Helper()
		b, err := p.storedBook(book.ID)
		if err != nil {
			t.Fatal(err)
		}
		return b.Status
	}
	control := fmt.Sprintf("#book-%d td.status select, #book-%d td.status a", book.ID, book.ID)
	p.open("/books")
	p.tabTo(control)
	p.press(kb.ArrowUp)
	p.press(kb.ArrowDown)
	p.press(kb.Tab)
	p.waitUntil("htmx is idle", htmxIdle)
	if got := stored(); got != data.StatusRead {
		t.Errorf("after ↑ ↓ the book is %q, want read", got)
	}
	if got := readings(); got != 1 {
		t.Errorf("after ↑ ↓ the book has %d readings, want 1", got)
	}

	// The menu: the book's own status is pressed and focused; arrows move between the choices.
	status := fmt.Sprintf("#book-%d td.status > a:first-child", book.ID)
	choice := func(st data.Status) string {
		return fmt.Sprintf(`#book-%d .status-menu button[value="%s"]`, book.ID, st)
	}
	p.tabBackTo(status)
	p.press(kb.Enter)
	p.waitFocus(choice(data.StatusRead))
	if got := eval[string](p, fmt.Sprintf(`document.querySelector(%q).getAttribute('aria-pressed')`, choice(data.StatusRead))); got != "true" {
		t.Errorf("Read is aria-pressed=%q, want true", got)
	}
	p.press(kb.ArrowUp)
	p.waitFocus(choice(data.StatusReading))
	p.press(kb.ArrowDown)
	p.press(kb.ArrowDown)
	p.waitFocus(choice(data.StatusDNF))
	if got := stored(); got != data.StatusRead {
		t.Errorf("moving through the menu saved %q", got)
	}
	p.press(kb.Escape)
	p.waitUntil("the menu closes", fmt.Sprintf(`!document.querySelector('#book-%d .status-menu') && %s`, book.ID, htmxIdle))
	p.waitFocus(status)
	if got := stored(); got != data.StatusRead {
		t.Errorf("Escape saved %q", got)
	}

	// Enter on a choice saves it, and the focus comes back to the status.
	p.press(kb.Enter)
	p.waitFocus(choice(data.StatusRead))
	p.press(kb.ArrowUp)
	p.press(kb.Enter)
	p.waitUntil("the row says Reading", fmt.Sprintf(`document.querySelector(%q)?.textContent.trim() === 'Reading' && %s`, status, htmxIdle))
	p.waitFocus(status)
	if got := stored(); got != data.StatusReading {
		t.Errorf("after Enter on Reading the book is %q", got)
	}
	if got := readings(); got != 2 {
		t.Errorf("after Enter on Reading the book has %d readings, want 2", got)
	}
	p.stillSamePage()
}

// TestNewBookStatusEnter adds a book with Enter from the new-book row's status select, as from its
// other fields.
func TestNewBookStatusEnter(t *testing.T) {
	p := signedIn(t)
	p.open("/books")
	p.key("n")
	p.waitFocus("#new-book-title")
	p.press("Piranesi")
	p.press(kb.Tab)
	p.press("Susanna Clarke")
	p.tabTo("#new-book-status")
	p.press(kb.ArrowDown) // Reading
	p.press(kb.Enter)
	p.waitUntil("the book is added", `document.querySelectorAll('#book-list > tr.book').length === 1 && `+htmxIdle)
	if got := p.rows(); len(got) != 1 || got[0].Title != "Piranesi" {
		t.Fatalf("rows = %+v, want Piranesi", got)
	}
	b, err := p.storedBook(p.idOf(p.rows()[0]))
	if err != nil || b.Status != data.StatusReading {
		t.Errorf("stored book = %+v, %v; want it being read", b, err)
	}
	p.waitFocus("#new-book-title")
}

// TestDeleteFromBookPage deletes a book from its page: back in the library, the focus is on Undo.
func TestDeleteFromBookPage(t *testing.T) {
	p := signedIn(t)
	book := p.addBook("Kindred", "Octavia E. Butler", "Science fiction")
	p.open(fmt.Sprintf("/books/%d", book.ID))
	p.loads("click Delete", chromedp.Click(chromedp.CSS("#book-main a.danger")))
	p.waitFocus("form button.danger")
	p.loads("confirm with Enter", typed(kb.Enter))
	p.waitFocus(".flash button")
	if got := p.text(".flash button"); got != "Undo" {
		t.Errorf("the focus is on %q, want Undo", got)
	}
}

// TestToastsLeaveTheLastRowFree deletes three books in a long library, scrolled to its end: the
// Undo toasts must not cover the buttons of the last row.
func TestToastsLeaveTheLastRowFree(t *testing.T) {
	p := signedIn(t)
	if err := p.books.Seed(context.Background(), p.reader.id, 30, 3); err != nil {
		t.Fatal(err)
	}
	p.open("/books")
	for i := range 3 {
		p.do("click Delete", chromedp.Click(chromedp.CSS("#book-list > tr.book:first-child a[href$=\"/delete\"]")))
		p.waitUntil("the toast is shown", fmt.Sprintf(`document.querySelectorAll('#toasts .toast').length === %d && %s`, i+1, htmxIdle))
	}
	eval[chromedp.Void](p, `window.scrollTo(0, document.documentElement.scrollHeight)`)
	for action, sel := range map[string]string{"edit": `a[href$="/edit"]`, "status": `td.status > a:first-child`, "delete": `a[href$="/delete"]`} {
		hit := eval[bool](p, fmt.Sprintf(`(() => {
			const el = document.querySelector('#book-list > tr.book:last-child %s');
			const r = el.getBoundingClientRect();
			return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === el;
		})()`, sel))
		if !hit {
			t.Errorf("the last row's %s control is covered", action)
		}
	}
}
