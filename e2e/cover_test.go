package e2e

import (
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestCoverByKeyboard chooses a cover in the book page's file picker, uploads it with the
// keyboard, sees it (loaded under the page's Content-Security-Policy) without a reload, and
// removes it again, the placeholder coming back.
func TestCoverByKeyboard(t *testing.T) {
	p := signedIn(t)
	book := p.addBook("Wolf Hall", "Hilary Mantel", "Historical")
	file := filepath.Join(t.TempDir(), "wolf-hall.jpg")
	img := image.NewRGBA(image.Rect(0, 0, 120, 180))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	img.SetRGBA(0, 0, color.RGBA{R: 255, A: 255})
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(f, img, nil); err != nil {
		t.Fatal(err)
	}
	f.Close()

	p.open(fmt.Sprintf("/books/%d", book.ID))
	eval[chromedp.Void](p, `window.__marker = 42`)
	if got := p.text(`[data-testid="cover"] .placeholder`); got != "WH" {
		t.Errorf("placeholder = %q, want the initials WH", got)
	}
	p.tabTo(`#cover-file`)
	p.do("choose the picture", chromedp.SetUploadFiles(`#cover-file`, []string{file}))
	p.tabTo(`#cover-upload`)
	p.press(kb.Enter)
	p.waitUntil("the cover has loaded", `(() => {
		const img = document.querySelector('[data-testid="cover-image"]');
		return img !== null && img.complete && img.naturalHeight === 180;
	})()`)
	p.stillSamePage()

	// The library's row shows it small.
	p.open("/books")
	p.waitUntil("the row's cover has loaded", fmt.Sprintf(`(() => {
		const img = document.querySelector('#book-%d th.title img');
		return img !== null && img.complete && img.naturalHeight === 96; // drawn 48 high: sharp on a 2x screen
	})()`, book.ID))
	p.open(fmt.Sprintf("/books/%d", book.ID))
	eval[chromedp.Void](p, `window.__marker = 42`)

	p.tabTo(`#cover-remove`)
	p.press(kb.Enter)
	p.waitUntil("the placeholder is back", `document.querySelector('[data-testid="cover"] .placeholder') !== null`)
	p.stillSamePage()
}

// TestCoverDropAndPaste drops a picture on the book page's cover section, then pastes another on
// the page: each becomes the cover in place, without a reload, as the file picker's does.
func TestCoverDropAndPaste(t *testing.T) {
	p := signedIn(t)
	book := p.addBook("Middlemarch", "George Eliot", "Fiction")
	p.open(fmt.Sprintf("/books/%d", book.ID))
	eval[chromedp.Void](p, `window.__marker = 42`)
	// A JPEG made by the page's canvas, of the given height, put in a DataTransfer.
	const picture = `(h) => new Promise(resolve => {
		const c = document.createElement('canvas');
		c.width = 100; c.height = h;
		c.getContext('2d').fillRect(0, 0, 100, h);
		c.toBlob(b => {
			const dt = new DataTransfer();
			dt.items.add(new File([b], 'cover.jpg', {type: 'image/jpeg'}));
			resolve(dt);
		}, 'image/jpeg');
	})`
	loaded := func(what string, h int) {
		p.waitUntil(what, fmt.Sprintf(`(() => {
			const img = document.querySelector('[data-testid="cover-image"]');
			return img !== null && img.complete && img.naturalHeight === %d;
		})()`, h))
	}
	// The paste comes straight after the dropped cover's section is swapped in, before htmx has
	// settled it: as fast as a reader could be, faster than any.
	eval[bool](p, `(`+picture+`)(150).then(dt => {
		document.querySelector('#book-cover h2').dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
	}) && true`)
	loaded("the dropped cover has loaded", 150)
	eval[bool](p, `(`+picture+`)(200).then(dt => {
		document.body.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true}));
	}) && true`)
	loaded("the pasted cover has loaded", 200)
	p.stillSamePage()
}
