package e2e

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/bookcase/bookcase/data"
)

// goodreadsSeriesExport is a Goodreads export whose titles end in their series, as Goodreads
// writes them: three books of The Expanse, the first read.
const goodreadsSeriesExport = `Book Id,Title,Author,Author l-f,Additional Authors,ISBN,ISBN13,My Rating,Average Rating,Publisher,Binding,Number of Pages,Year Published,Original Publication Year,Date Read,Date Added,Bookshelves,Bookshelves with positions,Exclusive Shelf,My Review,Spoiler,Private Notes,Read Count,Owned Copies
8855321,"Leviathan Wakes (The Expanse, #1)",James S.A. Corey,"Corey, James S.A.",,,,5,4.27,Orbit,Paperback,561,2011,2011,2021/03/01,2021/02/01,,,read,,,,1,0
8855000,"Caliban's War (The Expanse, #2)",James S.A. Corey,"Corey, James S.A.",,,,0,4.33,Orbit,Paperback,595,2012,2012,,2021/02/02,,,to-read,,,,0,0
8855001,"Abaddon's Gate (The Expanse, #3)",James S.A. Corey,"Corey, James S.A.",,,,0,4.33,Orbit,Paperback,539,2013,2013,,2021/02/03,,,to-read,,,,0,0
`

// TestImportSeries imports a Goodreads export whose titles carry their series, from the keyboard:
// the review shows each row's series beside its clean title, the library shows the books under
// their series, and the series' link opens its page with the books in order and the first unread
// as next up, whose link (Tab, Enter) opens that book.
func TestImportSeries(t *testing.T) {
	p := signedIn(t)
	file := filepath.Join(t.TempDir(), "goodreads_library_export.csv")
	if err := os.WriteFile(file, []byte(goodreadsSeriesExport), 0o600); err != nil {
		t.Fatal(err)
	}

	p.open("/import")
	p.do("choose the file", chromedp.SetUploadFiles(`#import-file`, []string{file}))
	p.tabTo(`[data-testid="import-upload"]`)
	if status := p.loads("upload the file", typed(kb.Enter)); status != http.StatusOK {
		t.Fatalf("the review answered %d", status)
	}
	rows := eval[[]string](p, `Array.from(document.querySelectorAll('tr[data-testid="import-row"] td.title'), td => td.textContent.replace(/\s+/g, ' ').trim())`)
	slices.Sort(rows)
	want := []string{"Abaddon's Gate The Expanse, #3", "Caliban's War The Expanse, #2", "Leviathan Wakes The Expanse, #1"}
	if !slices.Equal(rows, want) {
		t.Errorf("review rows %q, want %q", rows, want)
	}

	p.tabTo(`[data-testid="import-confirm"]`)
	if status := p.loads("confirm the import", typed(kb.Enter)); status != http.StatusOK {
		t.Fatalf("confirm answered %d", status)
	}
	p.waitUntil("the import finishes", `document.querySelector('[data-testid="import-progress"]').dataset.state === 'done'`)
	p.tabTo(`[data-testid="import-library"]`)
	if status := p.loads("go to the library", typed(kb.Enter)); status != http.StatusOK {
		t.Fatalf("the library answered %d", status)
	}
	type row struct {
		Title  string `json:"title"`
		Series string `json:"series"`
	}
	got := eval[[]row](p, `Array.from(document.querySelectorAll('#book-list > tr.book'), r => ({
		title: r.querySelector('th.title > a').textContent.trim(),
		series: r.querySelector('a.series') ? r.querySelector('a.series').textContent.trim() : '',
	}))`)
	slices.SortFunc(got, func(a, b row) int { return strings.Compare(a.Title, b.Title) })
	if wantRows := []row{{"Abaddon's Gate", "The Expanse #3"}, {"Caliban's War", "The Expanse #2"}, {"Leviathan Wakes", "The Expanse #1"}}; !slices.Equal(got, wantRows) {
		t.Errorf("library rows %+v, want %+v", got, wantRows)
	}

	page, err := p.books.Find(context.Background(), p.reader.id, data.BookQuery{Search: "caliban"})
	if err != nil || len(page.Books) != 1 {
		t.Fatalf("Find(caliban) = %+v, %v", page.Books, err)
	}
	caliban := strconv.FormatInt(page.Books[0].ID, 10)
	p.tabTo("#book-" + caliban + " a.series")
	if status := p.loads("open the series", typed(kb.Enter)); status != http.StatusOK {
		t.Fatalf("the series page answered %d", status)
	}
	if got := eval[string](p, `document.querySelector('h1').textContent.trim()`); got != "The Expanse" {
		t.Errorf("heading %q, want The Expanse", got)
	}
	if got := eval[[]string](p, `Array.from(document.querySelectorAll('[data-testid="series-books"] tbody th a'), a => a.textContent.trim())`); !slices.Equal(got, []string{"Leviathan Wakes", "Caliban's War", "Abaddon's Gate"}) {
		t.Errorf("books %q, want them in position order", got)
	}
	if got := p.text(`[data-testid="next-up"]`); strings.Join(strings.Fields(got), " ") != "Next up: Caliban's War (#2)" {
		t.Errorf("next up %q, want Caliban's War (#2)", got)
	}
	p.tabTo(`[data-testid="next-up"] a`)
	if status := p.loads("open the next book", typed(kb.Enter)); status != http.StatusOK {
		t.Fatalf("the book page answered %d", status)
	}
	if got := p.path(); got != "/books/"+caliban {
		t.Errorf("next up opened %s, want /books/%s", got, caliban)
	}
}
