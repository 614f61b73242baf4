package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// goodreadsExport is a small Goodreads library export: Dune (read, on two shelves), a book with
// no title, and Emma (being read, on a shelf).
const goodreadsExport = `Book Id,Title,Author,Author l-f,Additional Authors,ISBN,ISBN13,My Rating,Average Rating,Publisher,Binding,Number of Pages,Year Published,Original Publication Year,Date Read,Date Added,Bookshelves,Bookshelves with positions,Exclusive Shelf,My Review,Spoiler,Private Notes,Read Count,Owned Copies
234225,Dune,Frank Herbert,"Herbert, Frank",,"=""0441013597""","=""9780441013593""",5,4.27,Ace,Paperback,658,2005,1965,2023/01/15,2022/12/01,"sci-fi, favorites",,read,,,,1,0
1,,Nameless Author,,,,,0,0,,,,,,,2023/02/01,to-read,,to-read,,,,0,0
2,Emma,Jane Austen,"Austen, Jane",,,,0,4.0,,,,,,,2023/03/01,"currently-reading, classics",,currently-reading,,,,0,0
`

// writeExport writes the export to a file for the browser to upload.
func writeExport(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "goodreads_library_export.csv")
	if err := os.WriteFile(path, []byte(goodreadsExport), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// libraryBook is a row of the library as the reader sees it: its title and status.
type libraryBook struct {
	Title  string `json:"title"`
	Status string `json:"status"`
}

// library returns the books of the library page, and the names of its shelf tabs with counts.
func (p *page) library() ([]libraryBook, []string) {
	p.t.Helper()
	books := eval[[]libraryBook](p, `Array.from(document.querySelectorAll('#book-list > tr.book'), r => ({
		title: r.querySelector('.title').textContent.trim(),
		status: {'Want to read': 'want', 'Reading': 'reading', 'Read': 'read', 'Did not finish': 'dnf'}[
			r.querySelector('td.status > a:first-child').textContent.trim()],
	}))`)
	shelves := eval[[]string](p, `Array.from(document.querySelectorAll('#filters .shelves a'), a => a.textContent.trim().replace(/\s+/g, ' '))`)
	slices.SortFunc(books, func(a, b libraryBook) int { return strings.Compare(a.Title, b.Title) })
	slices.Sort(shelves)
	return books, shelves
}

// wantImported checks that the library shows the three books with their statuses and shelves.
func (p *page) wantImported() {
	p.t.Helper()
	books, shelves := p.library()
	want := []libraryBook{{"Dune", "read"}, {"Emma", "reading"}, {"Persuasion", "want"}}
	if !slices.Equal(books, want) {
		p.t.Errorf("library = %+v, want %+v", books, want)
	}
	if want := []string{"classics 1", "favorites 1", "sci-fi 1"}; !slices.Equal(shelves, want) {
		p.t.Errorf("shelf tabs = %q, want %q", shelves, want)
	}
}

// TestImport uploads a Goodreads export with one bad row, reviews it, fixes the row in place with
// the keyboard, confirms, waits for the progress to finish, and finds the books in the library.
func TestImport(t *testing.T) {
	p := signedIn(t)
	file := writeExport(t)

	p.open("/books")
	p.tabTo(`header nav a[href="/import"]`)
	if status := p.loads("follow the Import link", typed(kb.Enter)); status != http.StatusOK {
		t.Fatalf("the import page answered %d", status)
	}
	p.do("choose the file", chromedp.SetUploadFiles(`#import-file`, []string{file}))
	p.tabTo(`[data-testid="import-upload"]`)
	if status := p.loads("upload the file", typed(kb.Enter)); status != http.StatusOK {
		t.Fatalf("the review answered %d", status)
	}
	if !strings.HasPrefix(p.path(), "/import/") {
		t.Fatalf("the tab shows %s, want the review", p.path())
	}
	review := p.path()
	eval[chromedp.Void](p, `window.__marker = 42`)
	p.stillSamePage()
	for sel, want := range map[string]string{`[data-count="total"]`: "3", `[data-count="new"]`: "2", `[data-count="problem"]`: "1"} {
		if got := p.text(sel); got != want {
			t.Errorf("%s = %q, want %q", sel, got, want)
		}
	}
	// The problem row comes first, and says what is wrong where.
	if got := eval[string](p, `document.querySelector('tr[data-testid="import-row"]').dataset.kind`); got != "problem" {
		t.Errorf("the first row is %q, want the problem", got)
	}
	if got := p.text(`#import-row-2 [data-testid="import-problem"]`); !strings.Contains(got, "Line 3") || !strings.Contains(got, "Title is required.") {
		t.Errorf("problem = %q", got)
	}

	// The button counts the rows it writes, and the hint says what is left to do.
	if got := p.text(`[data-testid="import-confirm"]`); got != "Import 2 rows" {
		t.Errorf("button = %q, want Import 2 rows", got)
	}
	if got := p.text(`[data-testid="import-confirm-hint"]`); !strings.HasPrefix(got, "Fix or drop the 1 row with problems first") {
		t.Errorf("hint = %q", got)
	}
	// Confirming with the problem left is refused in place: the hint becomes the message, once,
	// and the page (and the choice of what to do with duplicates) stays.
	p.do("choose to update duplicates", chromedp.Click(`input[name="onDuplicate"][value="update"]`))
	p.tabTo(`[data-testid="import-confirm"]`)
	p.press(kb.Enter)
	p.waitUntil("the refusal is shown", `document.querySelector('[data-testid="import-confirm-error"]') !== null`)
	p.stillSamePage()
	if got := p.text(`[data-testid="import-confirm-error"]`); got != "Fix or drop the row with problems first." {
		t.Errorf("message = %q", got)
	}
	if n := eval[int](p, `document.body.innerText.split('Fix or drop').length - 1`); n != 1 {
		t.Errorf("the message is on the page %d times, want once", n)
	}
	if got := eval[string](p, `document.querySelector('input[name="onDuplicate"]:checked').value`); got != "update" {
		t.Errorf("duplicates choice = %q after the refusal, want update", got)
	}
	p.do("choose to skip duplicates again", chromedp.Click(`input[name="onDuplicate"][value="skip"]`))

	// Escape leaves the fix row as it was, the focus back on Fix.
	p.tabTo(`#import-row-2 button[data-action="fix"]`)
	p.press(kb.Enter)
	p.waitFocus(`#fix-2-title`)
	p.waitUntil("the fix row has settled", settled)
	p.press(kb.Escape)
	p.waitUntil("the row is shown again", `document.querySelector('#import-row-2:not(.editing)') && `+settled)
	p.waitFocus(`#import-row-2 button[data-action="fix"]`)

	// Fix it in place: Fix, type the title, Enter.
	p.press(kb.Enter)
	p.waitFocus(`#fix-2-title`)
	p.stillSamePage()
	// htmx wires the new row's form up as it settles, a moment after the focus lands; a person
	// is slower than that, the test waits.
	p.waitUntil("the fix row has settled", settled)
	p.press("Persuasion")
	p.press(kb.Enter)
	p.waitUntil("the row is fixed", `document.querySelector('#import-row-2') && document.querySelector('#import-row-2').dataset.kind === 'new'`)
	p.waitUntil("the counts follow", `document.querySelector('[data-count="problem"]').textContent.trim() === '0' && document.querySelector('[data-count="new"]').textContent.trim() === '3'`)
	// So do the button and the hint: nothing is left to fix.
	p.waitUntil("the button follows", `document.querySelector('[data-testid="import-confirm"]').textContent.trim() === 'Import 3 rows'`)
	if got := p.text(`[data-testid="import-confirm-hint"]`); got != "Nothing is saved until you import." {
		t.Errorf("hint after the fix = %q", got)
	}
	if n := eval[int](p, `document.querySelectorAll('[data-testid="import-confirm-error"]').length`); n != 0 {
		t.Errorf("the refusal is still shown after the fix")
	}
	if got := p.text(`#import-row-2 td.title`); got != "Persuasion" {
		t.Errorf("fixed row title = %q", got)
	}
	// The focus stays on the row: on its Edit button.
	p.waitFocus(`#import-row-2 button[data-action="fix"]`)
	p.stillSamePage()

	// Confirm; the progress ends in the summary.
	p.tabTo(`[data-testid="import-confirm"]`)
	if status := p.loads("confirm the import", typed(kb.Enter)); status != http.StatusOK {
		t.Fatalf("confirm answered %d", status)
	}
	if got := p.path(); got != review {
		t.Errorf("after confirming, the tab shows %s, want %s", got, review)
	}
	p.waitUntil("the import finishes", `document.querySelector('[data-testid="import-progress"]').dataset.state === 'done'`)
	if got := p.text(`[data-testid="import-summary"]`); got != "Import finished: 3 created, 0 updated, 0 skipped." {
		t.Errorf("summary = %q", got)
	}
	p.tabTo(`[data-testid="import-library"]`)
	if status := p.loads("go to the library", typed(kb.Enter)); status != http.StatusOK {
		t.Fatalf("the library answered %d", status)
	}
	p.wantImported()
}

// TestImportWithoutJavaScript takes the same steps with plain forms: the fix is a page of its
// own, and the progress a page with a Refresh link.
func TestImportWithoutJavaScript(t *testing.T) {
	p := signedIn(t, withoutJavaScript)
	file := writeExport(t)

	p.visit("/import")
	p.do("choose the file", chromedp.SetUploadFiles(`#import-file`, []string{file}))
	p.loads("upload the file", chromedp.Click(`[data-testid="import-upload"]`))
	review := p.path()
	if !strings.HasPrefix(review, "/import/") {
		t.Fatalf("the tab shows %s, want the review", review)
	}
	p.loads("open the fix page", chromedp.Click(`#import-row-2 button[data-action="fix"]`))
	if got := p.path(); got != review+"/rows/2/edit" {
		t.Fatalf("the tab shows %s, want the fix page", got)
	}
	// Saving without a title is refused beside the field.
	if status := p.loads("save without a title", chromedp.Click(`button[data-action="save"]`)); status != http.StatusUnprocessableEntity {
		t.Errorf("saving without a title answered %d, want 422", status)
	}
	if got := p.text(`#fix-2-title-error`); got != "Title is required." {
		t.Errorf("message = %q", got)
	}
	p.do("type the title", chromedp.SendKeys(`#fix-2-title`, "Persuasion"))
	p.loads("save the fix", chromedp.Click(`button[data-action="save"]`))
	if got := p.path(); got != review {
		t.Fatalf("after the fix, the tab shows %s, want %s", got, review)
	}
	if got := p.text(`[data-count="problem"]`); got != "0" {
		t.Errorf("problems = %q, want 0", got)
	}
	p.loads("confirm", chromedp.Click(`[data-testid="import-confirm"]`))
	for range 50 {
		if eval[string](p, `document.querySelector('[data-testid="import-progress"]').dataset.state`) == "done" {
			break
		}
		p.loads("refresh", chromedp.Click(`[data-testid="import-refresh"]`))
	}
	if got := p.text(`[data-testid="import-summary"]`); got != "Import finished: 3 created, 0 updated, 0 skipped." {
		t.Errorf("summary = %q", got)
	}
	p.loads("go to the library", chromedp.Click(`[data-testid="import-library"]`))
	p.wantImported()
}
