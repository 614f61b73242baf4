package e2e

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/bookcase/bookcase/data"
)

// TestAddBookWithKeyboardAlone adds two books without touching the mouse: the title input has the
// focus on load, Tab moves between the fields and Enter adds the book.
func TestAddBookWithKeyboardAlone(t *testing.T) {
	p := signedIn(t)
	p.open("/books")
	p.toNewBook()
	if got := p.display(".first-run"); got == "none" {
		t.Errorf("empty library: the first steps are hidden (display %q)", got)
	}
	if got, want := p.count(), "No books yet"; got != want {
		t.Errorf("count before adding = %q, want %q", got, want)
	}

	add := func(title, author, genre string) {
		t.Helper()
		p.press(title)
		p.press(kb.Tab)
		p.press(author)
		p.press(kb.Tab)
		p.press(genre)
		p.press(kb.Enter)
	}

	add("Dune", "Frank Herbert", "Science fiction")
	p.waitUntil("the new book is listed", `document.querySelectorAll('#book-list > tr.book').length === 1`)
	dune := row{ID: "book-1", Title: "Dune", Author: "Frank Herbert", Genre: "Science fiction"}
	if got, want := p.rows(), []row{dune}; !slices.Equal(got, want) {
		t.Errorf("rows after the first add = %+v, want %+v", got, want)
	}
	p.waitFocus("#new-book-title")
	for _, id := range []string{"new-book-title", "new-book-author", "new-book-genre"} {
		if got := p.value(id); got != "" {
			t.Errorf("after the add, #%s = %q, want it cleared", id, got)
		}
	}
	p.waitUntil("the count says 1 book", `document.getElementById('book-count').textContent.trim() === '1 book'`)
	if got := p.display(".first-run"); got != "none" {
		t.Errorf("with a book: the first steps have display %q, want none", got)
	}

	add("The Left Hand of Darkness", "Ursula K. Le Guin", "Science fiction")
	p.waitUntil("the second book is listed", `document.querySelectorAll('#book-list > tr.book').length === 2`)
	leGuin := row{ID: "book-2", Title: "The Left Hand of Darkness", Author: "Ursula K. Le Guin", Genre: "Science fiction"}
	if got, want := p.rows(), []row{leGuin, dune}; !slices.Equal(got, want) {
		t.Errorf("rows after the second add = %+v, want %+v (newest first)", got, want)
	}
	p.waitFocus("#new-book-title")
	p.waitUntil("the count says 2 books", `document.getElementById('book-count').textContent.trim() === '2 books'`)
	p.stillSamePage()
}

// TestEditWithEnter opens a row for editing from its Edit button, changes the title and saves with
// Enter, without disturbing what was typed elsewhere on the page.
func TestEditWithEnter(t *testing.T) {
	p := signedIn(t)
	older := p.addBook("Piranesi", "Susanna Clarke", "Fantasy")
	book := p.addBook("Kindred", "Octavia E. Butler", "Science fiction")
	p.open("/books")
	p.toNewBook()
	p.press("Half-typed title")

	edit := fmt.Sprintf("#book-%d a[href$=\"/edit\"]", book.ID)
	p.tabTo(edit)
	p.press(kb.Enter)
	p.waitUntil("the row is in edit mode", fmt.Sprintf(`document.querySelector('#book-%d.editing')`, book.ID))
	p.waitFocus(fmt.Sprintf("#edit-%d-title", book.ID))
	editing := rowOf(book)
	editing.Editing = true
	if got, want := p.rows(), []row{editing, rowOf(older)}; !slices.Equal(got, want) {
		t.Errorf("rows while editing = %+v, want %+v", got, want)
	}

	p.replaceText("Kindred: A Graphic Novel Adaptation")
	p.press(kb.Enter)
	p.waitUntil("the row is shown again", fmt.Sprintf(`document.querySelector('#book-%d.book:not(.editing)')`, book.ID))
	saved := rowOf(book)
	saved.Title = "Kindred: A Graphic Novel Adaptation"
	if got, want := p.rows(), []row{saved, rowOf(older)}; !slices.Equal(got, want) {
		t.Errorf("rows after saving = %+v, want %+v", got, want)
	}
	p.waitFocus(edit)
	if got, want := p.value("new-book-title"), "Half-typed title"; got != want {
		t.Errorf("the new-book title holds %q after the edit, want what was typed there, %q", got, want)
	}
	stored, err := p.storedBook(book.ID)
	if err != nil || stored.Title != saved.Title {
		t.Errorf("stored book = %+v, %v; want the title %q", stored, err, saved.Title)
	}
	p.stillSamePage()
}

// TestCancelWithEscape changes an edit row and presses Escape: the row is back as it was.
func TestCancelWithEscape(t *testing.T) {
	p := signedIn(t)
	book := p.addBook("Middlemarch", "George Eliot", "Fiction")
	p.open("/books")

	edit := fmt.Sprintf("#book-%d a[href$=\"/edit\"]", book.ID)
	p.tabTo(edit)
	p.press(kb.Enter)
	p.waitFocus(fmt.Sprintf("#edit-%d-title", book.ID))
	p.replaceText("Something else entirely")
	p.press(kb.Tab)
	p.replaceText("Somebody else")
	if got := p.value(fmt.Sprintf("edit-%d-title", book.ID)); got != "Something else entirely" {
		t.Fatalf("typing into the edit row gave the title %q", got)
	}

	p.press(kb.Escape)
	p.waitUntil("the row is shown again", fmt.Sprintf(`document.querySelector('#book-%d.book:not(.editing)')`, book.ID))
	if got, want := p.rows(), []row{rowOf(book)}; !slices.Equal(got, want) {
		t.Errorf("rows after Escape = %+v, want the book unchanged, %+v", got, want)
	}
	p.waitFocus(edit)
	stored, err := p.storedBook(book.ID)
	if err != nil || stored.Title != book.Title || stored.Author != book.Author {
		t.Errorf("stored book = %+v, %v; want it unchanged", stored, err)
	}
	p.stillSamePage()
}

// TestDeleteAndUndo deletes the middle of three books and brings it back with the toast's Undo.
func TestDeleteAndUndo(t *testing.T) {
	p := signedIn(t)
	oldest := p.addBook("The Master and Margarita", "Mikhail Bulgakov", "Fiction")
	middle := p.addBook("Pale Fire", "Vladimir Nabokov", "Fiction")
	newest := p.addBook("Gödel, Escher, Bach", "Douglas Hofstadter", "")
	all := []row{rowOf(newest), rowOf(middle), rowOf(oldest)}
	p.open("/books")
	if got := p.rows(); !slices.Equal(got, all) {
		t.Fatalf("rows = %+v, want %+v", got, all)
	}

	rowSel := fmt.Sprintf("#book-%d", middle.ID)
	toast := fmt.Sprintf("#undo-%d", middle.ID)
	p.do("click Delete", chromedp.Click(chromedp.CSS(rowSel+" a[href$=\"/delete\"]")))
	p.do("wait for the row to go", chromedp.WaitNotPresent(chromedp.CSS(rowSel)))
	p.do("wait for the Undo toast", chromedp.WaitVisible(chromedp.CSS(toast)))
	if got, want := p.rows(), []row{rowOf(newest), rowOf(oldest)}; !slices.Equal(got, want) {
		t.Errorf("rows after the delete = %+v, want %+v", got, want)
	}
	if got, want := p.count(), "2 books"; got != want {
		t.Errorf("count after the delete = %q, want %q", got, want)
	}
	if got, want := p.text(toast+" span"), "Deleted “Pale Fire”."; got != want {
		t.Errorf("toast says %q, want %q", got, want)
	}
	p.waitFocus(toast + " [data-action=undo]")

	// Record the order of the rows after every change to the list, to see that the restored row
	// never shows anywhere but in its place, not even for a moment.
	eval[chromedp.Void](p, `window.__orders = [];
		new MutationObserver(() => window.__orders.push(
			Array.from(document.querySelectorAll('#book-list > tr.book'), r => r.id).join(' ')
		)).observe(document.getElementById('book-list'), {childList: true})`)
	p.press(kb.Enter)
	p.do("wait for the toast to go", chromedp.WaitNotPresent(chromedp.CSS(toast)))
	p.do("wait for the row to come back", chromedp.WaitVisible(chromedp.CSS(rowSel)))
	if got := p.rows(); !slices.Equal(got, all) {
		t.Errorf("rows after Undo = %+v, want %+v (the book back in its place)", got, all)
	}
	inPlace := fmt.Sprintf("book-%d book-%d book-%d", newest.ID, middle.ID, oldest.ID)
	for _, order := range eval[[]string](p, `window.__orders`) {
		if order != inPlace {
			t.Errorf("while restoring, the rows showed in the order %s, want only %s", order, inPlace)
		}
	}
	if got, want := p.count(), "3 books"; got != want {
		t.Errorf("count after Undo = %q, want %q", got, want)
	}
	p.waitFocus(rowSel + " .title a")
	stored, err := p.storedBook(middle.ID)
	if err != nil {
		t.Fatalf("the restored book is not in the store: %v", err)
	}
	if stored.ID != middle.ID || stored.Title != middle.Title || stored.Author != middle.Author || stored.Genre != middle.Genre {
		t.Errorf("stored book after Undo = %+v, want %+v", stored, middle)
	}
	p.stillSamePage()
}

// TestValidationBesideTheField submits a book without a title, then clears an author in an edit
// row: each time the message appears beside the field at fault and nothing typed is lost.
func TestValidationBesideTheField(t *testing.T) {
	p := signedIn(t)
	book := p.addBook("Things Fall Apart", "Chinua Achebe", "Fiction")
	p.open("/books")
	p.toNewBook()

	p.press(kb.Tab)
	p.press("Anonymous")
	p.press(kb.Enter)
	titleError := `#new-book-row td:has(> #new-book-title) p.error`
	p.do("wait for the title's message", chromedp.WaitVisible(chromedp.CSS(titleError)))
	if got, want := p.text(titleError), "Title is required."; got != want {
		t.Errorf("message beside the title = %q, want %q", got, want)
	}
	if got := eval[int](p, `document.querySelectorAll('#new-book-row p.error').length`); got != 1 {
		t.Errorf("the new-book row has %d messages, want 1 (for the title)", got)
	}
	if got, want := p.value("new-book-author"), "Anonymous"; got != want {
		t.Errorf("author after the refusal = %q, want what was typed, %q", got, want)
	}
	if got := eval[string](p, `document.getElementById('new-book-title').getAttribute('aria-describedby')`); got != "new-book-title-error" {
		t.Errorf("the title input is described by %q, want its message new-book-title-error", got)
	}
	p.waitFocus("#new-book-title")
	if got, want := p.rows(), []row{rowOf(book)}; !slices.Equal(got, want) {
		t.Errorf("rows after the refusal = %+v, want %+v (nothing added)", got, want)
	}
	if got, want := p.count(), "1 book"; got != want {
		t.Errorf("count after the refusal = %q, want %q", got, want)
	}

	// Fixing the title and pressing Enter again adds the book and clears the message.
	p.press("Beowulf")
	p.press(kb.Enter)
	p.waitUntil("the fixed book is listed", `document.querySelectorAll('#book-list > tr.book').length === 2`)
	p.do("wait for the message to go", chromedp.WaitNotPresent(chromedp.CSS(titleError)))
	if got := p.rows()[0]; got.Title != "Beowulf" || got.Author != "Anonymous" {
		t.Errorf("top row after the fix = %+v, want Beowulf by Anonymous", got)
	}

	// An edit row reports a missing author beside the author field, in that row.
	p.tabTo(fmt.Sprintf("#book-%d a[href$=\"/edit\"]", book.ID))
	p.press(kb.Enter)
	p.waitFocus(fmt.Sprintf("#edit-%d-title", book.ID))
	p.press(kb.Tab)
	p.replaceText("")
	p.press(kb.Enter)
	authorError := fmt.Sprintf(`#book-%d td:has(> #edit-%d-author) p.error`, book.ID, book.ID)
	p.do("wait for the author's message", chromedp.WaitVisible(chromedp.CSS(authorError)))
	if got, want := p.text(authorError), "Author is required."; got != want {
		t.Errorf("message beside the author = %q, want %q", got, want)
	}
	p.waitFocus(fmt.Sprintf("#edit-%d-author", book.ID))
	if got, want := p.value(fmt.Sprintf("edit-%d-title", book.ID)), book.Title; got != want {
		t.Errorf("title in the refused edit row = %q, want %q", got, want)
	}
	stored, err := p.storedBook(book.ID)
	if err != nil || stored.Author != book.Author {
		t.Errorf("stored book = %+v, %v; want the author unchanged, %q", stored, err, book.Author)
	}
	p.stillSamePage()
}

// TestLoadMore shows the first 50 of 60 books, then the rest when the reader activates "Load more
// books" with the keyboard, and leaves the focus on the first book loaded.
func TestLoadMore(t *testing.T) {
	p := signedIn(t)
	if err := p.books.Seed(context.Background(), p.reader.id, 60, 1); err != nil {
		t.Fatal(err)
	}
	p.open("/books")
	if got := len(p.rows()); got != data.PageSize {
		t.Fatalf("first page has %d rows, want %d", got, data.PageSize)
	}
	more := "#load-more a"
	p.do("focus Load more", chromedp.Focus(chromedp.CSS(more)))
	p.press(kb.Enter)
	p.waitUntil("60 books are listed", `document.querySelectorAll('#book-list > tr.book').length === 60`)
	p.do("wait for Load more to go", chromedp.WaitNotPresent(chromedp.CSS("#load-more")))

	rows := p.rows()
	seen := make(map[string]bool, len(rows))
	for _, r := range rows {
		if seen[r.ID] {
			t.Errorf("%s is listed twice", r.ID)
		}
		seen[r.ID] = true
	}
	if got, want := len(seen), 60; got != want {
		t.Errorf("%d distinct rows, want %d", got, want)
	}
	all, err := p.books.List(context.Background(), p.reader.id, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]row, len(all.Books))
	for i, b := range all.Books {
		want[i] = rowOf(b)
	}
	if !slices.Equal(rows, want) {
		t.Errorf("rows after Load more are not the library, newest first:\n got %+v\nwant %+v", rows, want)
	}
	if got, want := p.count(), "60 books"; got != want {
		t.Errorf("count = %q, want %q", got, want)
	}
	// The reader carries on from the first book that was loaded, not from the top of the page.
	p.waitFocus(fmt.Sprintf("#%s .title a", rows[data.PageSize].ID))
	p.stillSamePage()
}

// TestServerUnreachable tries to add a book after the server has gone: the page says so and keeps
// what was typed.
func TestServerUnreachable(t *testing.T) {
	p := signedIn(t)
	p.open("/books")
	p.toNewBook()
	if got := eval[bool](p, `document.getElementById('offline').hidden`); !got {
		t.Fatal("the offline banner shows while the server is up")
	}

	p.stop()
	p.press("Americanah")
	p.press(kb.Tab)
	p.press("Chimamanda Ngozi Adichie")
	p.press(kb.Enter)
	p.do("wait for the offline banner", chromedp.WaitVisible(chromedp.CSS("#offline")))
	if got := eval[bool](p, `document.getElementById('offline').hidden`); got {
		t.Error("the offline banner is still hidden")
	}
	if got, want := p.value("new-book-title"), "Americanah"; got != want {
		t.Errorf("title after the failure = %q, want %q", got, want)
	}
	if got, want := p.value("new-book-author"), "Chimamanda Ngozi Adichie"; got != want {
		t.Errorf("author after the failure = %q, want %q", got, want)
	}
	if got := p.rows(); len(got) != 0 {
		t.Errorf("rows after the failure = %+v, want none", got)
	}
	p.stillSamePage()
}
