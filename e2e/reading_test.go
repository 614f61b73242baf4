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

// settled is true when htmx has no request, swap or settle under way.
const settled = `!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')`

// TestReadingWithKeyboard moves a book from Want to read to Reading with the keyboard, records
// progress twice (a page, then a percentage), marks it Read, all without a page load; then
// filters the library by Reading and back to All with the tabs, and goes Back.
func TestReadingWithKeyboard(t *testing.T) {
	p := signedIn(t)
	ctx := context.Background()
	other := p.addBook("Piranesi", "Susanna Clarke", "Fantasy")
	if _, err := p.reading.SetStatus(ctx, p.reader.id, other.ID, data.StatusReading, time.Time{}); err != nil {
		t.Fatal(err)
	}
	dune := p.addBook("Dune", "Frank Herbert", "Science fiction")
	if _, err := p.reading.SetDetails(ctx, p.reader.id, dune.ID, data.DetailsInput{Pages: "400"}); err != nil {
		t.Fatal(err)
	}
	status := fmt.Sprintf("#book-%d td.status > a:first-child", dune.ID)
	bar := fmt.Sprintf("#book-%d progress", dune.ID)
	// barIs holds once the row shows label and htmx has finished the swap (settling included), so
	// that the next key goes to the new row.
	barIs := func(label string) string {
		return fmt.Sprintf(`document.querySelector(%q)?.getAttribute('aria-label') === %q && %s`, bar, label, settled)
	}

	p.open("/books")
	p.tabTo(status)
	p.chooseStatus(dune.ID, data.StatusReading)
	p.waitUntil("the row shows its progress", barIs("Not started"))
	p.waitUntil("the Reading tab counts 2", `document.querySelector('#filters a[href="/books?status=reading"] .n').textContent === '2'`)

	p.openProgress(dune.ID)
	p.press("50")
	p.press(kb.Enter)
	p.waitUntil("the bar shows page 50", barIs("Page 50 of 400 (13%)"))
	p.openProgress(dune.ID)
	p.press("60%")
	p.press(kb.Enter)
	p.waitUntil("the bar shows 60%", barIs("Page 240 of 400 (60%)"))
	if got := eval[string](p, fmt.Sprintf(`document.querySelector(%q).value.toString()`, bar)); got != "60" {
		t.Errorf("bar value = %q, want 60", got)
	}
	p.waitUntil("the strip shows the progress", fmt.Sprintf(
		`document.querySelector('#now-reading li[data-id="%d"] progress')?.getAttribute('aria-label') === 'Page 240 of 400 (60%%)'`, dune.ID))

	p.tabBackTo(status)
	p.chooseStatus(dune.ID, data.StatusRead)
	p.waitUntil("the progress bar goes", fmt.Sprintf(`!document.querySelector(%q) && %s`, bar, settled))
	p.stillSamePage()
	if b, err := p.storedBook(dune.ID); err != nil || b.Status != data.StatusRead {
		t.Errorf("stored book = %+v, %v; want it read", b, err)
	}

	// The tabs are links, followed in place: each filter has its URL, and Back returns to the one before.
	p.waitUntil("the tabs have settled", settled)
	p.do("click the Reading tab", chromedp.Click(chromedp.CSS(`#filters a[href="/books?status=reading"]`)))
	p.waitUntil("the Reading tab is current", `location.search === '?status=reading' && document.querySelector('#filters a[aria-current="page"]').getAttribute('href') === '/books?status=reading'`)
	if got, want := p.rows(), []row{rowOf(other)}; len(got) != 1 || got[0] != want[0] {
		t.Errorf("rows filtered by Reading = %+v, want %+v", got, want)
	}
	p.stillSamePage()
	p.waitUntil("the results have settled", settled)
	p.do("click the All tab", chromedp.Click(chromedp.CSS(`#filters a[href="/books"]`)))
	p.waitUntil("All shows every book", `location.search === '' && document.querySelectorAll('#book-list > tr.book').length === 2`)
	p.stillSamePage()
	eval[chromedp.Void](p, `history.back()`)
	p.waitUntil("Back returns to the Reading filter", `location.search === '?status=reading'`)
	p.waitUntil("Back shows the filtered list", `document.querySelectorAll('#book-list > tr.book').length === 1`)
}

// chooseStatus opens the status menu of book id's row, whose status link has the focus, and
// chooses st with the arrow keys and Enter, as a keyboard user does; the focus comes back to the
// status link.
func (p *page) chooseStatus(id int64, st data.Status) {
	p.t.Helper()
	status := fmt.Sprintf("#book-%d td.status > a:first-child", id)
	choice := fmt.Sprintf(`#book-%d .status-menu button[value="%s"]`, id, st)
	p.waitFocus(status)
	p.press(kb.Enter)
	p.waitUntil("the status menu is open", fmt.Sprintf(`document.querySelector('#book-%d .status-menu button[aria-pressed=true]') === document.activeElement && %s`, id, settled))
	for range len(data.Statuses()) {
		if eval[bool](p, fmt.Sprintf(`document.activeElement === document.querySelector(%q)`, choice)) {
			break
		}
		p.press(kb.ArrowDown)
	}
	p.waitFocus(choice)
	p.press(kb.Enter)
	p.waitUntil("the row shows "+st.Label(), fmt.Sprintf(`document.querySelector(%q)?.textContent.trim() === %q && %s`, status, st.Label(), settled))
	p.waitFocus(status)
}
