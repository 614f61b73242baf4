package views

import (
	"context"
	"strings"
	"testing"

	"github.com/bookcase/bookcase/data"
)

// options returns the <option> elements of the first <select> in html.
func options(t *testing.T, html string) string {
	t.Helper()
	start := strings.Index(html, "<option")
	end := strings.LastIndex(html, "</option>")
	if start < 0 || end < start {
		t.Fatalf("no options in %s", html)
	}
	// Options on lines of their own are rendered with a space between them, which is no difference.
	return strings.ReplaceAll(html[start:end+len("</option>")], "> <", "><")
}

// TestRowStatusChoices checks that a row's status select, which spells its options out, offers
// what statusSelect offers (every status, with its label, in order), with the book's status
// selected.
func TestRowStatusChoices(t *testing.T) {
	for _, st := range append([]data.Status{""}, data.Statuses()...) {
		var row, sel strings.Builder
		if err := BookRow(Book{ID: 1, Title: "Dune", Status: string(st)}).Render(context.Background(), &row); err != nil {
			t.Fatal(err)
		}
		if err := statusSelect("status-1", "", "Reading status", string(st)).Render(context.Background(), &sel); err != nil {
			t.Fatal(err)
		}
		got, want := options(t, row.String()), options(t, sel.String())
		if got != want {
			t.Errorf("status %q: the row offers\n%s\nstatusSelect offers\n%s", st, got, want)
		}
		if n := strings.Count(got, "<option"); n != len(data.Statuses()) {
			t.Errorf("status %q: %d options, want %d", st, n, len(data.Statuses()))
		}
		if n := strings.Count(got, " selected"); n != 1 {
			t.Errorf("status %q: %d options selected, want 1", st, n)
		}
	}
}
