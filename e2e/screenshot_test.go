package e2e

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// screenshotPath is where BOOKCASE_SCREENSHOT=1 writes the picture of the library, from the
// package directory.
var screenshotPath = filepath.Join("..", "docs", "screenshot.png")

// TestScreenshot renders the library with a few books at 1280×800 and checks that a picture comes
// out. With BOOKCASE_SCREENSHOT=1 it also writes the picture to docs/screenshot.png; otherwise it
// writes nothing into the repository.
func TestScreenshot(t *testing.T) {
	p := signedIn(t)
	for _, b := range []struct{ title, author, genre string }{
		{"Middlemarch", "George Eliot", "Fiction"},
		{"The Left Hand of Darkness", "Ursula K. Le Guin", "Science fiction"},
		{"Things Fall Apart", "Chinua Achebe", "Fiction"},
		{"The Name of the Rose", "Umberto Eco", "Mystery"},
		{"Gödel, Escher, Bach", "Douglas Hofstadter", ""},
		{"A Room of One's Own", "Virginia Woolf", "Essays"},
		{"Station Eleven", "Emily St. John Mandel", "Science fiction"},
		{"The Remains of the Day", "Kazuo Ishiguro", "Fiction"},
	} {
		p.addBook(b.title, b.author, b.genre)
	}
	p.open("/books")
	p.do("wait for the rows", chromedp.WaitVisible(chromedp.CSS("#book-8")))

	shot, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	if got := img.Bounds().Size(); got.X != 1280 || got.Y != 800 {
		t.Errorf("screenshot is %v, want 1280×800", got)
	}
	if os.Getenv("BOOKCASE_SCREENSHOT") != "1" {
		return
	}
	if err := os.MkdirAll(filepath.Dir(screenshotPath), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(screenshotPath, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", screenshotPath)
}
