package e2e

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/bookcase/bookcase/data"
)

// logOutButton is the Log out button in the header of every page a signed-in reader sees.
const logOutButton = `header.site form[action="/logout"] button[type=submit]`

// TestSignUpWithKeyboardAlone signs a reader up, adds a book and logs out without the mouse. A
// second reader then signs up to an empty library that shows nothing of the first one's, and the
// first reader, logging in again, finds their book.
func TestSignUpWithKeyboardAlone(t *testing.T) {
	p := newPage(t)
	p.visit("/signup")
	ada := p.signUp("ada")
	if got, want := p.count(), "No books yet"; got != want {
		t.Errorf("count of a new library = %q, want %q", got, want)
	}
	if got := p.rows(); len(got) != 0 {
		t.Errorf("rows of a new library = %+v, want none", got)
	}
	if got := p.display(".first-run"); got == "none" {
		t.Errorf("new library: the first steps are hidden (display %q)", got)
	}

	p.toNewBook()
	p.press("The Dispossessed")
	p.press(kb.Tab)
	p.press("Ursula K. Le Guin")
	p.press(kb.Tab)
	p.press("Science fiction")
	p.press(kb.Enter)
	p.waitUntil("the book is listed", `document.querySelectorAll('#book-list > tr.book').length === 1`)
	book := p.rows()[0]
	if book.Title != "The Dispossessed" || book.Author != "Ursula K. Le Guin" {
		t.Fatalf("the added row is %+v, want The Dispossessed by Ursula K. Le Guin", book)
	}
	p.waitFocus("#new-book-title")

	// The header's Log out button is one Shift+Tab before the new-book title.
	p.tabBackTo(logOutButton)
	p.loads("press Enter on Log out", typed(kb.Enter))
	if got, want := p.path(), "/login"; got != want {
		t.Fatalf("after logging out, the tab shows %s, want %s", got, want)
	}
	if got := p.signedInAs(); got != "" {
		t.Errorf("after logging out, the header says signed in as %q", got)
	}

	// A second reader signs up from the login page's link, to a library of her own.
	p.loads("click Create an account", chromedp.Click(chromedp.CSS(`main a[href="/signup"]`)))
	grace := p.signUp("grace")
	if got, want := p.count(), "No books yet"; got != want {
		t.Errorf("count of the second reader's library = %q, want %q", got, want)
	}
	if got := p.rows(); len(got) != 0 {
		t.Errorf("rows of the second reader's library = %+v, want none", got)
	}
	if eval[bool](p, `document.body.textContent.includes('The Dispossessed')`) {
		t.Error("the second reader's library page mentions the first reader's book")
	}
	id := p.idOf(book)
	bookPath := fmt.Sprintf("/books/%d", id)
	if status := p.visit(bookPath); status != 404 {
		t.Errorf("the second reader opening %s of the first reader's book: status %d, want 404", bookPath, status)
	}

	// The first reader logs in again and finds the book.
	p.do("wait for the header", chromedp.WaitVisible(chromedp.CSS(logOutButton)))
	p.loads("click Log out", chromedp.Click(chromedp.CSS(logOutButton)))
	p.submitLogin(ada)
	if got, want := p.path(), "/books"; got != want {
		t.Errorf("after logging in again, the tab shows %s, want %s", got, want)
	}
	if got, want := p.rows(), []row{book}; !slices.Equal(got, want) {
		t.Errorf("the first reader's rows = %+v, want %+v", got, want)
	}

	ctx := context.Background()
	if _, err := p.books.Get(ctx, ada.id, id); err != nil {
		t.Errorf("the book is not in the first reader's library: %v", err)
	}
	if b, err := p.books.Get(ctx, grace.id, id); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("the second reader's library has the book: %+v, %v", b, err)
	}
}

// TestSignUpRefusedBesideTheField submits the sign-up form with a password that is too short, then
// a common one, then two that differ. Each time the page comes back (422) with the message beside
// the field at fault and the focus in it, the username kept and the passwords never sent back.
func TestSignUpRefusedBesideTheField(t *testing.T) {
	p := newPage(t)
	p.visit("/signup")
	p.waitFocus("#field-username")
	p.press("ada")
	p.press(kb.Tab)

	for _, try := range []struct {
		password, confirm string
		field, message    string
	}{
		{"short", "short", "password", "Password must be at least 8 characters."},
		{"password123", "password123", "password", "This password is one of the most common ones, which attackers try first. Choose another."},
		{passwordFor("ada"), "something else entirely", "confirm", "The two passwords differ. Type the same password twice."},
	} {
		p.tabBackTo("#field-password")
		p.press(try.password)
		p.press(kb.Tab)
		p.press(try.confirm)
		if status := p.loads("sign up with Enter", typed(kb.Enter)); status != 422 {
			t.Errorf("password %q, confirmed as %q: status %d, want 422", try.password, try.confirm, status)
		}
		input := "#field-" + try.field
		beside := fmt.Sprintf(".stacked-field:has(> %s) p.error", input)
		if got := eval[string](p, fmt.Sprintf(`(document.querySelector(%q) || {textContent: '(none)'}).textContent.trim()`, beside)); got != try.message {
			t.Errorf("password %q: message beside %s = %q, want %q", try.password, input, got, try.message)
		}
		if got := eval[int](p, `document.querySelectorAll('form p.error').length`); got != 1 {
			t.Errorf("password %q: the form has %d messages, want 1", try.password, got)
		}
		// The message is read out first, then the field's hint, if it has one.
		want := "field-" + try.field + "-error"
		if try.field == "password" {
			want += " field-password-hint"
		}
		if got := eval[string](p, fmt.Sprintf(`document.querySelector(%q).getAttribute('aria-describedby')`, input)); got != want {
			t.Errorf("password %q: %s is described by %q, want %q", try.password, input, got, want)
		}
		p.waitFocus(input)
		if got := p.value("field-username"); got != "ada" {
			t.Errorf("password %q: the username reads %q, want it kept, ada", try.password, got)
		}
		for _, id := range []string{"field-password", "field-confirm"} {
			if got := p.value(id); got != "" {
				t.Errorf("password %q: #%s holds %q, want it empty", try.password, id, got)
			}
		}
		if got := p.signedInAs(); got != "" {
			t.Errorf("password %q: the header says signed in as %q", try.password, got)
		}
	}
	if _, err := p.users.ByName(context.Background(), "ada"); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("after three refusals, the account ada exists (%v)", err)
	}

	// The reader goes back to the password and types it twice the same.
	p.tabBackTo("#field-password")
	p.press(passwordFor("ada"))
	p.press(kb.Tab)
	p.press(passwordFor("ada"))
	if status := p.loads("sign up with Enter", typed(kb.Enter)); status != 200 {
		t.Errorf("signing up at last: status %d, want 200", status)
	}
	if got := p.signedInAs(); got != "ada" {
		t.Errorf("after signing up, the header says signed in as %q, want ada", got)
	}
}

// TestLoginRefusedWithOneMessage logs in with an unknown username, then with a wrong password:
// both get the same message, the username kept and the focus on the password, which is how the
// reader then logs in.
func TestLoginRefusedWithOneMessage(t *testing.T) {
	p := newPage(t)
	ada := p.newReader("ada")
	p.visit("/login")
	p.waitFocus("#field-username")
	const message = "Wrong username or password. Check both and try again."

	for _, try := range []struct{ what, username, password string }{
		{"an unknown username", "adah", ada.password},
		{"a wrong password", "ada", "not what ada chose"},
	} {
		p.tabBackTo("#field-username")
		p.replaceText(try.username)
		p.press(kb.Tab)
		p.press(try.password)
		if status := p.loads("log in with Enter", typed(kb.Enter)); status != 422 {
			t.Errorf("%s: status %d, want 422", try.what, status)
		}
		if got := p.text("#login-error"); got != message {
			t.Errorf("%s: the page says %q, want %q", try.what, got, message)
		}
		if got := p.value("field-username"); got != try.username {
			t.Errorf("%s: the username reads %q, want it kept, %q", try.what, got, try.username)
		}
		if got := p.value("field-password"); got != "" {
			t.Errorf("%s: the password field holds %q, want it empty", try.what, got)
		}
		p.waitFocus("#field-password")
		if got := p.signedInAs(); got != "" {
			t.Errorf("%s: the header says signed in as %q", try.what, got)
		}
		if c := p.cookies()["bookcase_session"]; c != nil {
			t.Errorf("%s: the browser has a session cookie", try.what)
		}
	}

	// The username is still there, the focus on the password: type it and press Enter.
	p.press(ada.password)
	p.loads("log in with Enter", typed(kb.Enter))
	if got, want := p.path(), "/books"; got != want {
		t.Errorf("after logging in, the tab shows %s, want %s", got, want)
	}
	if got := p.signedInAs(); got != "ada" {
		t.Errorf("after logging in, the header says signed in as %q, want ada", got)
	}
}

// TestLoginReturnsToTheBook opens a book's address while signed out: the login page comes first,
// and logging in leads to the book.
func TestLoginReturnsToTheBook(t *testing.T) {
	p := newPage(t)
	ada := p.newReader("ada")
	book := p.addBookFor(ada, "Beloved", "Toni Morrison", "Fiction")
	path := fmt.Sprintf("/books/%d", book.ID)

	p.visit(path)
	if got := p.location(); got.Path != "/login" || got.Query().Get("next") != path {
		t.Fatalf("a signed-out visit to %s shows %s, want /login?next=%s", path, got, path)
	}
	p.submitLogin(ada)
	if got := p.path(); got != path {
		t.Errorf("after logging in, the tab shows %s, want %s", got, path)
	}
	if got := p.text("[data-testid=book] h1 [data-testid=title]"); got != book.Title {
		t.Errorf("the book page is titled %q, want %q", got, book.Title)
	}
}

// TestSessionEndedWhileThePageIsOpen ends the reader's session on the server while the library is
// open, as an expiry or a logout elsewhere would, then presses Edit: the browser goes to the login
// page (HX-Redirect), the row untouched until then, so no login form lands inside the table.
func TestSessionEndedWhileThePageIsOpen(t *testing.T) {
	p := signedIn(t)
	book := p.addBook("Invisible Cities", "Italo Calvino", "Fiction")
	p.open("/books")

	// Remember, across the page change, whether anything was swapped into the list.
	eval[chromedp.Void](p, `sessionStorage.clear();
		new MutationObserver(() => {
			sessionStorage.setItem('listChanged', '1');
			if (document.querySelector('#book-list form[action="/login"], #book-list input[type=password]')) {
				sessionStorage.setItem('loginInList', '1');
			}
		}).observe(document.getElementById('book-list'), {childList: true, subtree: true})`)

	session := p.cookies()["bookcase_session"]
	if session == nil {
		t.Fatal("the signed-in browser has no bookcase_session cookie")
	}
	if err := p.sessions.Delete(context.Background(), session.Value); err != nil {
		t.Fatalf("end the session: %v", err)
	}

	p.tabTo(fmt.Sprintf("#book-%d a[href$=\"/edit\"]", book.ID))
	p.loads("press Enter on Edit", typed(kb.Enter))
	if got, want := p.path(), "/login"; got != want {
		t.Fatalf("Edit after the session ended leads to %s, want %s", got, want)
	}
	p.waitFocus("#field-username")
	if got := p.signedInAs(); got != "" {
		t.Errorf("the login page says signed in as %q", got)
	}
	if eval[bool](p, `sessionStorage.getItem('loginInList') === '1'`) {
		t.Error("a login form was swapped into the book list")
	}
	if eval[bool](p, `sessionStorage.getItem('listChanged') === '1'`) {
		t.Error("the book list changed before the browser left the page")
	}
	if c := p.cookies()["bookcase_session"]; c != nil {
		t.Error("the ended session's cookie is still in the browser")
	}

	p.submitLogin(p.reader)
	if got, want := p.rows(), []row{rowOf(book)}; !slices.Equal(got, want) {
		t.Errorf("rows after logging in again = %+v, want %+v", got, want)
	}
}
