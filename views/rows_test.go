package views

import (
	"context"
	"strings"
	"testing"

	"github.com/bookcase/bookcase/data"
)

// TestRowStatus checks that a row shows its book's reading status as a link to the status menu,
// and that the menu offers every status, in order, with the book's own pressed and focused.
func TestRowStatus(t *testing.T) {
	for _, st := range append([]data.Status{""}, data.Statuses()...) {
		want := st
		if want == "" {
			want = data.StatusWant
		}
		var row, menu strings.Builder
		if err := BookRow(Book{ID: 1, Title: "Dune", Status: string(st)}).Render(context.Background(), &row); err != nil {
			t.Fatal(err)
		}
		link := `<td class="status"><a href="/books/1/status">` + want.Label() + `</a>`
		if !strings.Contains(row.String(), link) {
			t.Errorf("status %q: the row has no %s:\n%s", st, link, row.String())
		}
		if strings.Contains(row.String(), "<select") || strings.Contains(row.String(), "_csrf") {
			t.Errorf("status %q: the row has a select or a token of its own:\n%s", st, row.String())
		}
		if err := StatusMenuRow(Book{ID: 1, Title: "Dune", Status: string(st)}).Render(context.Background(), &menu); err != nil {
			t.Fatal(err)
		}
		for i, ch := range data.Statuses() {
			pressed := "false"
			if ch == want {
				pressed = "true\" autofocus"
			}
			button := `<button type="submit" class="btn" name="status" value="` + string(ch) + `" aria-pressed="` + pressed
			if !strings.Contains(menu.String(), button) {
				t.Errorf("status %q: choice %d is not %s…:\n%s", st, i, button, menu.String())
			}
		}
	}
}
