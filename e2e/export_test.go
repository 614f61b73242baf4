package e2e

import (
	"encoding/csv"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp/kb"
)

// TestExport follows the header's Export link with the keyboard, checks the page's two download
// links, and fetches the CSV with the browser's session cookies.
func TestExport(t *testing.T) {
	p := signedIn(t)
	p.addBook("=SUM(A1)", "Frank Herbert", "")
	p.open("/books")
	p.tabTo(`header nav a[href="/export"]`)
	if status := p.loads("follow the Export link", typed(kb.Enter)); status != http.StatusOK {
		t.Fatalf("the export page answered %d, want 200", status)
	}
	if got := p.path(); got != "/export" {
		t.Fatalf("the tab shows %s, want /export", got)
	}
	for sel, want := range map[string]string{`[data-testid="export-csv"]`: "/export/goodreads.csv", `[data-testid="export-json"]`: "/export/bookcase.json"} {
		if got := eval[string](p, `document.querySelector('`+sel+`')?.getAttribute('href') ?? ''`); got != want {
			t.Errorf("%s links to %q, want %q", sel, got, want)
		}
	}

	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, p.url+"/export/goodreads.csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range p.cookies() {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("download the CSV: %v", err)
	}
	defer res.Body.Close()
	rows, err := csv.NewReader(res.Body).ReadAll()
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("download the CSV: status %d, %v", res.StatusCode, err)
	}
	if len(rows) != 2 || rows[1][1] != "'=SUM(A1)" {
		t.Errorf("CSV rows = %q, want the header and the book, its title neutralised", rows)
	}
}
