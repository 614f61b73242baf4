package e2e

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// screenshotDir is where BOOKCASE_SCREENSHOT=1 writes the pictures the README shows, from the
// package directory.
var screenshotDir = filepath.Join("..", "docs")

// shoot takes a picture of what the tab shows, checks that it is a PNG of width×height, and with
// BOOKCASE_SCREENSHOT=1 writes it to docs/name; otherwise it writes nothing into the repository.
func (p *page) shoot(name string, width, height int) {
	p.t.Helper()
	shot, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Fatalf("screenshot: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		p.t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	if got := img.Bounds().Size(); got.X != width || got.Y != height {
		p.t.Errorf("%s is %v, want %d×%d", name, got, width, height)
	}
	if os.Getenv("BOOKCASE_SCREENSHOT") != "1" {
		return
	}
	path := filepath.Join(screenshotDir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("wrote %s", path)
}

// TestScreenshot renders a library of a dozen books (one being read, some rated, on shelves) at
// 1280×800 in the light and the dark theme, and on a 390×844 phone, and checks that a picture
// comes out of each: docs/library-light.png, library-dark.png and library-phone.png with
// BOOKCASE_SCREENSHOT=1; and the page of a rated book the same three ways (book-light.png,
// book-dark.png, book-phone.png), and the year's stats (stats-light.png, stats-dark.png,
// stats-phone.png).
func TestScreenshot(t *testing.T) {
	p := signedIn(t)
	shelfBooks(t, p)
	for _, theme := range []string{"light", "dark"} {
		p.theme(theme)
		p.open("/books")
		p.do("wait for the rows", chromedp.WaitVisible(chromedp.CSS("#book-list > tr.book")))
		p.shoot("library-"+theme+".png", 1280, 800)
	}
	// The page of a rated book, in both themes.
	book := eval[string](p, `[...document.querySelectorAll('#book-list > tr.book')].find(r => r.children[4].textContent.trim())?.querySelector('th.title a').getAttribute('href') ?? ''`)
	if book == "" {
		t.Fatal("no rated book in the library to take the book page of")
	}
	for _, theme := range []string{"light", "dark"} {
		p.theme(theme)
		p.open(book)
		p.do("wait for the stars", chromedp.WaitVisible(chromedp.CSS("#book-rating form.stars")))
		p.shoot("book-"+theme+".png", 1280, 800)
	}
	// The year's stats: figures across the top, charts beside the goal and ratings, in both themes.
	for _, theme := range []string{"light", "dark"} {
		p.theme(theme)
		p.open("/stats")
		p.do("wait for the figures", chromedp.WaitVisible(chromedp.CSS("[data-testid=stats-figures]")))
		p.shoot("stats-"+theme+".png", 1280, 800)
	}
	p.theme("light")
	p.phone()
	p.open("/books")
	p.do("wait for the rows", chromedp.WaitVisible(chromedp.CSS("#book-list > tr.book")))
	// A phone's screenshot is in device pixels (EmulateMobile's scale is 1 here).
	p.shoot("library-phone.png", 390, 844)
	p.open(book)
	p.shoot("book-phone.png", 390, 844)
	p.open("/stats")
	p.do("wait for the figures", chromedp.WaitVisible(chromedp.CSS("[data-testid=stats-figures]")))
	p.shoot("stats-phone.png", 390, 844)
}
