package views

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/bookcase/bookcase/data"
)

// render renders c and parses it as a fragment of a table body.
func render(t *testing.T, c interface {
	Render(context.Context, io.Writer) error
}) *goquery.Document {
	t.Helper()
	var b strings.Builder
	if err := c.Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader("<table><tbody>" + b.String() + "</tbody></table>"))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestImportRowView checks that a review row shows the import's row as data holds it: its kind,
// its book's status by name, its problems, and the actions its kind allows.
func TestImportRowView(t *testing.T) {
	for _, tt := range []struct {
		kind    data.RowKind
		label   string
		actions string
	}{
		{data.RowNew, "New", "fix drop"},
		{data.RowMatch, "Already in library", "fix drop"},
		{data.RowProblem, "Problem", "fix drop"},
		{data.RowDropped, "Left out", "restore"},
	} {
		t.Run(string(tt.kind), func(t *testing.T) {
			row := data.ImportRow{N: 3, Line: 4, Kind: tt.kind, Title: "Dune", Author: "Frank Herbert", Status: data.StatusDNF,
				Shelves: []string{"Owned", "Club"}, Problems: []data.ImportProblem{{Line: 4, Column: "Date Read", Value: "2020/13/45", Message: "Bad date."}}}
			doc := render(t, ImportRowView(ImportRow{ImportID: 7, ImportRow: row, Open: true}))
			tr := doc.Find(`tr[data-testid="import-row"]`)
			if got := tr.AttrOr("data-kind", ""); got != string(tt.kind) || !tr.HasClass(string(tt.kind)) {
				t.Errorf("data-kind = %q, class %q; want %q", got, tr.AttrOr("class", ""), tt.kind)
			}
			for sel, want := range map[string]string{
				"td.kind":                        tt.label,
				".status-label":                  "Did not finish",
				"td.shelves":                     "Owned, Club",
				`[data-testid="import-problem"]`: "Line 4, Date Read “2020/13/45”: Bad date.",
				"td.line":                        "4",
			} {
				if got := strings.Join(strings.Fields(tr.Find(sel).Text()), " "); got != want { // as a reader sees it: spaces collapse
					t.Errorf("%s = %q, want %q", sel, got, want)
				}
			}
			var actions []string
			tr.Find("[data-action]").Each(func(_ int, s *goquery.Selection) { actions = append(actions, s.AttrOr("data-action", "")) })
			if got := strings.Join(actions, " "); got != tt.actions {
				t.Errorf("actions = %q, want %q", got, tt.actions)
			}
		})
	}
}

// TestImportRowEditShowsTheForm checks that the fix form shows its Form, what the reader typed
// after a refused fix, and not the row as stored.
func TestImportRowEditShowsTheForm(t *testing.T) {
	row := data.ImportRow{N: 1, Line: 2, Kind: data.RowProblem, Title: "", Author: "Anon", Status: data.StatusWant}
	typed := data.RowFix{Title: "Typed", Author: "Someone", Status: "dnf", DateRead: "2020/13/45", Shelves: "a, b", Notes: "kept"}
	doc := render(t, ImportRowEdit(ImportRow{ImportID: 7, ImportRow: row, Form: typed, Open: true, Errors: map[string]string{"dateRead": "Bad date."}}))
	for name, want := range map[string]string{"title": "Typed", "author": "Someone", "dateRead": "2020/13/45", "shelves": "a, b"} {
		if got := doc.Find(`input[name="`+name+`"]`).AttrOr("value", "?"); got != want {
			t.Errorf("input %s = %q, want %q", name, got, want)
		}
	}
	if got := doc.Find(`select[name="status"] option[selected]`).AttrOr("value", ""); got != "dnf" {
		t.Errorf("status selected = %q, want dnf", got)
	}
	if got := doc.Find(`textarea[name="notes"]`).Text(); got != "kept" {
		t.Errorf("notes = %q, want kept", got)
	}
	if _, ok := doc.Find(`input[name="dateRead"]`).Attr("autofocus"); !ok {
		t.Error("the field with the problem has no autofocus")
	}
}
