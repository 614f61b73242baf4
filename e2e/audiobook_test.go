package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp/kb"

	"github.com/bookcase/bookcase/data"
)

// TestAudiobookProgressWithKeyboard adds an audiobook from the new-book row, its format picked
// with the arrow keys, and logs progress on it as a time, from the keyboard: the row and the
// Currently reading strip show the time listened of the whole, and a time past the end is refused
// beside the input.
func TestAudiobookProgressWithKeyboard(t *testing.T) {
	p := signedIn(t)
	ctx := context.Background()
	p.open("/books")
	p.toNewBook()
	p.press("Piranesi")
	p.press(kb.Tab)
	p.press("Susanna Clarke")
	p.tabTo("#new-book-format")
	p.press(kb.ArrowDown + kb.ArrowDown + kb.ArrowDown) // paperback, hardcover, ebook, audiobook
	p.waitUntil("Audiobook is chosen", `document.getElementById('new-book-format').value === 'audiobook'`)
	p.press(kb.Enter)
	p.waitUntil("the book is added", `document.querySelectorAll('#book-list > tr.book').length === 1 && `+htmxIdle)
	p.waitFocus("#new-book-title")
	if got := p.value("new-book-format"); got != "paperback" {
		t.Errorf("the new-book row's format after adding = %q, want paperback again", got)
	}
	b, err := p.storedBook(p.idOf(p.rows()[0]))
	if err != nil || b.Title != "Piranesi" || b.Format != data.FormatAudiobook {
		t.Fatalf("stored %+v, %v; want the audiobook Piranesi", b, err)
	}
	if _, err := p.reading.SetDetails(ctx, p.reader.id, b.ID, data.DetailsInput{Pages: "10:00"}); err != nil {
		t.Fatal(err)
	}
	status := fmt.Sprintf("#book-%d td.status > a:first-child", b.ID)
	progress := fmt.Sprintf("#progress-%d", b.ID)
	bar := fmt.Sprintf("#book-%d progress", b.ID)
	barIs := func(label string) string {
		return fmt.Sprintf(`document.querySelector(%q)?.getAttribute('aria-label') === %q && %s`, bar, label, settled)
	}

	p.open("/books")
	p.tabTo(status)
	p.chooseStatus(b.ID, data.StatusReading)
	p.waitUntil("the row shows its progress", barIs("Not started"))

	p.openProgress(b.ID)
	p.press("5:32")
	p.press(kb.Enter)
	p.waitUntil("the bar shows 5:32", barIs("5:32 of 10:00 (55%)"))
	p.waitUntil("the strip shows the time", fmt.Sprintf(
		`document.querySelector('#now-reading li[data-id="%d"] progress')?.getAttribute('aria-label') === '5:32 of 10:00 (55%%)'`, b.ID))
	p.openProgress(b.ID)
	p.press("6h15m")
	p.press(kb.Enter)
	p.waitUntil("the bar shows 6:15", barIs("6:15 of 10:00 (63%)"))

	// Past the end: refused beside the input, with what was typed; nothing recorded.
	p.openProgress(b.ID)
	p.press("11:00")
	p.press(kb.Enter)
	p.waitUntil("the problem shows beside the input", fmt.Sprintf(
		`document.querySelector(%q)?.textContent === '11:00 is past the end (10:00).' && %s`, progress+"-error", settled))
	if got, err := p.storedBook(b.ID); err != nil || got.Progress().Page != 375 {
		t.Errorf("stored progress = %+v, %v; want minute 375", got.Progress(), err)
	}
}
