package handlers_test

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

// importedBooks imports the sample export name (data/exchange/testdata) into a's empty library
// and returns its books by title, with their readings.
func importedBooks(t *testing.T, a *testApp, name string) map[string]data.ExportBook {
	t.Helper()
	file, err := os.ReadFile(filepath.Join("..", "data", "exchange", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	id := a.uploaded(name, file)
	a.do(plain, http.MethodPost, importURL(id, "/confirm"), url.Values{"onDuplicate": {"skip"}}).wantRedirect(t, importURL(id))
	if im := a.waitImport(id); im.State != data.ImportDone {
		t.Fatalf("import = %+v", im)
	}
	books := map[string]data.ExportBook{}
	if err := a.db.Books().Export(t.Context(), a.reader.ID, func(b data.ExportBook) error {
		books[b.Title] = b
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return books
}

// reading is a reading as a test writes it: outcome, start and finish ("" when unknown).
type reading struct{ outcome, start, finish string }

func readingsOf(b data.ExportBook) []reading {
	day := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format(time.DateOnly)
	}
	out := []reading{}
	for _, rt := range b.ReadThroughs {
		out = append(out, reading{string(rt.Outcome), day(rt.StartedOn), day(rt.FinishedOn)})
	}
	return out
}

// TestImportFormatsAndReadings imports Goodreads and StoryGraph samples with several bindings
// and read counts: each binding is its format, and the readings are as many as the count, the
// latest on Date Read, nothing invented (no start on the day of the import for a book being read
// or given up, no start equal to the finish).
func TestImportFormatsAndReadings(t *testing.T) {
	for _, tc := range []struct {
		file string
		want map[string]struct {
			format   data.Format
			pages    int
			readings []reading
		}
	}{
		{"goodreads-formats.csv", map[string]struct {
			format   data.Format
			pages    int
			readings []reading
		}{
			"Kindle Book":  {data.FormatEbook, 310, []reading{{"read", "", ""}, {"read", "", ""}, {"read", "", "2023-04-02"}}},
			"Audible Book": {data.FormatAudiobook, 0, []reading{{"reading", "", ""}}},
			"CD Book":      {data.FormatAudiobook, 0, []reading{}},
			"Mass Market":  {data.FormatPaperback, 200, []reading{{"dnf", "", ""}}},
			"Library Copy": {data.FormatHardcover, 150, []reading{}},
			"Leather":      {data.FormatOther, 90, []reading{}},
			"No Binding":   {data.FormatPaperback, 80, []reading{}},
			"MP3":          {data.FormatAudiobook, 0, []reading{}},
		}},
		{"storygraph-formats.csv", map[string]struct {
			format   data.Format
			pages    int
			readings []reading
		}{
			"Heard It": {data.FormatAudiobook, 0, []reading{{"read", "", ""}, {"read", "", "2023-02-20"}}},
			"Read It":  {data.FormatEbook, 0, []reading{{"reading", "", ""}}},
			"Held It":  {data.FormatHardcover, 0, []reading{{"dnf", "", ""}}},
			"Bent It":  {data.FormatPaperback, 0, []reading{}},
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			a := newTestApp(t)
			books := importedBooks(t, a, tc.file)
			if len(books) != len(tc.want) {
				t.Fatalf("%d books imported, want %d", len(books), len(tc.want))
			}
			for title, want := range tc.want {
				b := books[title]
				if b.Format != want.format || b.Pages != want.pages {
					t.Errorf("%s: %q of %d, want %q of %d", title, b.Format, b.Pages, want.format, want.pages)
				}
				// Readings oldest first: undated ones before the dated.
				if got := readingsOf(b); !equalReadings(got, want.readings) {
					t.Errorf("%s: readings %v, want %v", title, got, want.readings)
				}
			}
		})
	}
	t.Run("Review", func(t *testing.T) {
		a := newTestApp(t)
		b := importedBooks(t, a, "goodreads-formats.csv")["Kindle Book"]
		if b.Review != "So good.\nTwist: he lives." || !b.Spoiler || b.Notes != "Borrowed from Sam" {
			t.Errorf("review %q, spoiler %v, notes %q", b.Review, b.Spoiler, b.Notes)
		}
		sg := importedBooks(t, newTestApp(t), "storygraph-formats.csv")["Heard It"]
		if sg.Review != "Loved the narrator." || sg.Notes != "" {
			t.Errorf("StoryGraph review %q, notes %q", sg.Review, sg.Notes)
		}
	})
}

func equalReadings(a, b []reading) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
