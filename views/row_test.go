package views

import (
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestBookRow checks the library's row, written without templ (bookRow): its links are the
// book's addresses, its text comes back as the reader typed it whatever characters it holds
// (escaped, never markup), a long text has its whole in a title, the focus is on the control
// asked for and no other, and a cover's address is sanitised as templ sanitises one.
func TestBookRow(t *testing.T) {
	hostile := `<script>alert("x")</script> & 'Co' "quoted"`
	for _, tt := range []struct {
		name  string
		book  Book
		focus string // the selector of the one autofocused control, "" for none
	}{
		{"OK", Book{ID: 7, Title: "Dune", Author: "Frank Herbert", Genre: "SF", Status: "want",
			AddedShort: "1 Jan 2025", Cover: NewRowCover("Dune", "")}, ""},
		{"Hostile", Book{ID: 123456, Title: hostile, Author: hostile, Genre: hostile, Status: "read",
			Rating: "4.5", AddedShort: "2 Feb 2025", FinishedShort: "3 Mar 2025", Focus: FocusTitle,
			Cover: CoverView{URL: `javascript:alert("x")`}}, "th.title > a:not(.series)"},
		{"Reading", Book{ID: 42, Title: "Middlemarch", Status: "reading", Focus: FocusProgress,
			Progress: Progress{Percent: 34, Label: `Page 120 of 350 (34%) <b>`}, Cover: NewRowCover("", "abc")}, "a.pg"},
		{"FocusStatus", Book{ID: 1, Title: "A", Status: "dnf", Focus: FocusStatus}, "td.status > a"},
		{"FocusEdit", Book{ID: 1, Title: "A", Focus: FocusEdit}, `a[href$="/edit"]`},
		{"Series", Book{ID: 9, Title: "Leviathan Wakes", Series: []SeriesLabel{{ID: 3, Label: "The Expanse, #1"}, {ID: 250, Label: hostile}}}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.book
			doc := render(t, BookRow(b))
			row := doc.Find("tr")
			if id, _ := row.Attr("id"); row.Length() != 1 || id != rowID(b.ID) {
				t.Fatalf("rows %d, id %q; want one, %q", row.Length(), id, rowID(b.ID))
			}
			if n := doc.Find("script, b").Length(); n != 0 {
				t.Errorf("%d elements from the book's text", n)
			}
			links := map[string]string{
				"th.title > a":           BookURL(b.ID),
				"td.status > a:not(.pg)": BookStatusURL(b.ID),
				"td:nth-child(5) > a":    BookRatingURL(b.ID),
				`a[href$="/edit"]`:       BookEditURL(b.ID),
				`a[href$="/delete"]`:     BookDeleteURL(b.ID),
			}
			if b.Status == "reading" {
				links["a.pg"] = BookProgressURL(b.ID)
			}
			for sel, want := range links {
				if got, _ := row.Find(sel).Attr("href"); got != want {
					t.Errorf("%s: href %q, want %q", sel, got, want)
				}
			}
			for _, c := range []struct {
				sel, text string
				fits      int
			}{{"th.title > a:not(.series)", b.Title, titleFits}, {"td:nth-child(2)", b.Author, authorFits}, {"td:nth-child(3)", b.Genre, genreFits}} {
				s := row.Find(c.sel)
				if got := s.Text(); got != c.text {
					t.Errorf("%s: text %q, want %q", c.sel, got, c.text)
				}
				title, has := s.Attr("title")
				if has != (len(c.text) > c.fits) || has && title != c.text {
					t.Errorf("%s: title %q (%v) for %d bytes", c.sel, title, has, len(c.text))
				}
			}
			if got, want := row.Find("td:nth-child(6)").Text()+"|"+row.Find("td:nth-child(7)").Text(), b.AddedShort+"|"+b.FinishedShort; got != want {
				t.Errorf("dates %q, want %q", got, want)
			}
			rating := row.Find("td:nth-child(5) > a")
			if label, _ := rating.Attr("aria-label"); rating.Text() != b.Rating || (b.Rating == "") != (label == "Rate") {
				t.Errorf("rating %q labelled %q, want %q", rating.Text(), label, b.Rating)
			}
			if b.Status == "reading" {
				label, _ := row.Find("a.pg").Attr("aria-label")
				if want := "34% read, update progress (" + b.Progress.Label + ")"; label != want {
					t.Errorf("progress link labelled %q, want %q", label, want)
				}
				if bar, _ := row.Find("a.pg progress").Attr("aria-label"); bar != b.Progress.Label {
					t.Errorf("progress bar labelled %q, want %q", bar, b.Progress.Label)
				}
			}
			series := row.Find("th.title > a.series")
			if series.Length() != len(b.Series) {
				t.Errorf("%d series links, want %d", series.Length(), len(b.Series))
			}
			series.Each(func(i int, a *goquery.Selection) {
				if href, _ := a.Attr("href"); i < len(b.Series) && (href != SeriesURL(b.Series[i].ID) || a.Text() != b.Series[i].Label) {
					t.Errorf("series %d: %q at %q, want %q at %q", i, a.Text(), href, b.Series[i].Label, SeriesURL(b.Series[i].ID))
				}
			})
			focused := row.Find("[autofocus]")
			if tt.focus == "" && focused.Length() != 0 || tt.focus != "" && (focused.Length() != 1 || !focused.Is(tt.focus)) {
				html, _ := goquery.OuterHtml(focused)
				t.Errorf("focused %d: %s, want %q", focused.Length(), html, tt.focus)
			}
			if b.Cover.URL != "" {
				want := string(safe(b.Cover.URL))
				if got, _ := row.Find("th.title img").Attr("src"); got != want {
					t.Errorf("cover src %q, want %q", got, want)
				}
			}
		})
	}
}
