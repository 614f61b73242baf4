package exchange_test

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/data/exchange"
)

// library is one of each kind of book Bookcase holds, with everything set that an export can carry.
func library() []data.ExportBook {
	at := func(s string) time.Time {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	return []data.ExportBook{
		{
			Book: data.Book{
				ID: 7, Title: "Dune", Author: "Frank Herbert", Genre: "Science fiction", Status: data.StatusRead, Format: data.FormatHardcover,
				Pages: 400, Rating: 9, Notes: "=Spice, \"must\" flow.\nTwo lines.", ISBN: "9780441013593",
				Review: "+The desert planet.\nPaul lives.", Spoiler: true,
				CreatedAt: at("2022-12-01T09:30:00.123456789Z"), UpdatedAt: at("2023-01-15T20:00:00Z"),
			},
			Shelves: []string{"Owned", "Book club, 2023"},
			ReadThroughs: []data.ReadThrough{
				{StartedOn: day("2020-03-01"), FinishedOn: day("2020-03-20"), Outcome: data.StatusRead},
				{StartedOn: day("2023-01-01"), FinishedOn: day("2023-01-15"), Outcome: data.StatusRead},
			},
			Progress: []data.ProgressUpdate{{Progress: data.Progress{Page: 120, Percent: 30, RecordedAt: at("2023-01-05T08:00:00Z")}}},
			Edition: data.Edition{
				Publisher: "Ace, \"Books\"", Year: 1990, OriginalYear: 1965, Language: "en-US", Copies: 2,
				GoodreadsID: "234225", StoryGraphID: "0d5c0f56-8b87-4e4c",
			},
			Series: []data.SeriesRef{{Name: "Dune Chronicles", Position: "1"}, {Name: "Great Novels", Position: "0.5"}},
		},
		{
			Book: data.Book{
				ID: 8, Title: "Some Slog", Author: "An Author", Genre: "Essays", Status: data.StatusDNF, Rating: 1, Format: data.FormatEbook,
				CreatedAt: at("2024-02-01T00:00:00Z"), UpdatedAt: at("2024-03-10T00:00:00Z"),
			},
			Shelves: []string{},
			ReadThroughs: []data.ReadThrough{
				{StartedOn: day("2024-03-01"), FinishedOn: day("2024-03-10"), Outcome: data.StatusDNF, StoppedAtPage: 40},
			},
			// A work from before Christ; a publisher a spreadsheet would take for a formula.
			Edition: data.Edition{Publisher: "-Minus Press", OriginalYear: -750, Language: "grc"},
		},
		{
			Book: data.Book{
				ID: 9, Title: "Emma", Author: "Jane Austen", Status: data.StatusReading, Format: data.FormatAudiobook,
				CreatedAt: at("2024-05-01T00:00:00Z"), UpdatedAt: at("2024-05-02T00:00:00Z"),
			},
			Series:       []data.SeriesRef{{Name: "Austen Novels"}},
			ReadThroughs: []data.ReadThrough{{StartedOn: day("2024-05-02"), Outcome: data.StatusReading}},
		},
		{
			// Readings whose dates the reader does not know: read once on a day unknown, once
			// finished on a day known, started who knows when, and now being read again since a
			// day unknown.
			Book: data.Book{
				ID: 11, Title: "Undated", Author: "Some One", Status: data.StatusReading,
				CreatedAt: at("2019-01-01T00:00:00Z"), UpdatedAt: at("2024-05-02T00:00:00Z"),
			},
			ReadThroughs: []data.ReadThrough{
				{Outcome: data.StatusRead},
				{FinishedOn: day("2021-06-01"), Outcome: data.StatusRead},
				{Outcome: data.StatusReading},
			},
		},
		{
			Book: data.Book{
				// A title that ends like a series, kept whole by its reader.
				ID: 10, Title: "-Minus (Not a Series, #2)", Author: "@Someone", Status: data.StatusWant,
				CreatedAt: at("2024-06-01T00:00:00Z"), UpdatedAt: at("2024-06-01T00:00:00Z"),
			},
		},
	}
}

// TestCSVRoundTrip writes the library as Bookcase's CSV export and reads it back: what the
// format can hold comes back as it was, the half stars, genre and dates of the latest reading
// included. Both directions are defined in this package, so this is the format's whole contract.
func TestCSVRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	w, err := exchange.NewCSVWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	books := library()
	for _, b := range books {
		if err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	res, err := exchange.Parse(&buf, 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != exchange.FormatGoodreads {
		t.Errorf("format = %q", res.Format)
	}
	want := []data.ImportRow{
		{
			Title: "Dune", Series: []data.SeriesRef{{Name: "Dune Chronicles", Position: "1"}, {Name: "Great Novels", Position: "0.5"}},
			Author: "Frank Herbert", Genre: "Science fiction", ISBN: "9780441013593", Pages: 400, Format: data.FormatHardcover,
			Rating: 9, Status: data.StatusRead, Shelves: []string{"Owned", "Book club 2023"},
			Notes: "=Spice, \"must\" flow.\nTwo lines.", Review: "+The desert planet.\nPaul lives.", Spoiler: true, DateAdded: day("2022-12-01"),
			DateStarted: day("2023-01-01"), DateRead: day("2023-01-15"), ReadCount: 2,
			Edition: data.Edition{
				Publisher: "Ace, \"Books\"", Year: 1990, OriginalYear: 1965, Language: "en-US", Copies: 2,
				GoodreadsID: "234225", StoryGraphID: "0d5c0f56-8b87-4e4c",
			},
		},
		{
			Title: "Some Slog", Author: "An Author", Genre: "Essays", Rating: 1, Status: data.StatusDNF, Format: data.FormatEbook,
			DateAdded: day("2024-02-01"), DateStarted: day("2024-03-01"), DateRead: day("2024-03-10"), ReadCount: 1,
			Edition: data.Edition{Publisher: "-Minus Press", OriginalYear: -750, Language: "grc"},
		},
		{
			Title: "Emma", Series: []data.SeriesRef{{Name: "Austen Novels"}}, Author: "Jane Austen", Status: data.StatusReading, DateAdded: day("2024-05-01"), Format: data.FormatAudiobook,
			DateStarted: day("2024-05-02"), ReadCount: 1,
		},
		{
			// Goodreads' read count counts the reading under way; the finish date known is the
			// latest reading's before it, and no start is made up.
			Title: "Undated", Author: "Some One", Status: data.StatusReading, DateAdded: day("2019-01-01"), Format: data.FormatPaperback,
			DateRead: day("2021-06-01"), ReadCount: 3,
		},
		{Title: "-Minus (Not a Series, #2)", Author: "@Someone", Status: data.StatusWant, DateAdded: day("2024-06-01"), Format: data.FormatPaperback},
	}
	if len(res.Rows) != len(want) {
		t.Fatalf("read %d rows, want %d", len(res.Rows), len(want))
	}
	for i, r := range res.Rows {
		if len(r.Problems) > 0 {
			t.Errorf("row %d has problems: %+v", i, r.Problems)
		}
		want[i].Line = r.Line // where the file has it, which the TestParse tests check
		if !reflect.DeepEqual(r, want[i]) {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, r, want[i])
		}
	}
}

// TestJSONRoundTrip writes the library as Bookcase's JSON export and reads it back: everything
// comes back, every reading and progress update with it.
func TestJSONRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	shelves := []data.Shelf{{Name: "Book club, 2023", Position: 1}, {Name: "Owned", Position: 0}, {Name: "Empty", Position: 2}}
	w, err := exchange.NewJSONWriter(&buf, time.Now(), shelves)
	if err != nil {
		t.Fatal(err)
	}
	books := library()
	for _, b := range books {
		if err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	res, err := exchange.Parse(&buf, 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != exchange.FormatBookcaseJSON {
		t.Errorf("format = %q", res.Format)
	}
	if want := []string{"Owned", "Book club, 2023", "Empty"}; !reflect.DeepEqual(res.Shelves, want) {
		t.Errorf("shelves = %q, want %q", res.Shelves, want)
	}
	if len(res.Rows) != len(books) {
		t.Fatalf("read %d rows, want %d", len(res.Rows), len(books))
	}
	for i, r := range res.Rows {
		b := books[i]
		if len(r.Problems) > 0 {
			t.Errorf("row %d has problems: %+v", i, r.Problems)
		}
		created, updated := b.CreatedAt, b.UpdatedAt
		shelves := b.Shelves
		if len(shelves) == 0 {
			shelves = nil
		}
		var progress []data.Progress
		for _, p := range b.Progress {
			progress = append(progress, p.Progress)
		}
		var readThroughs []data.ReadThrough
		if len(b.ReadThroughs) > 0 {
			readThroughs = b.ReadThroughs
		}
		got := r
		want := data.ImportRow{
			Line:  r.Line,
			Title: b.Title, Series: b.Series, Author: b.Author, Genre: b.Genre, ISBN: b.ISBN, Pages: b.Pages, Rating: b.Rating,
			Status: b.Status, Format: b.Format, Shelves: shelves, Notes: b.Notes, Review: b.Review, Spoiler: b.Spoiler, DateAdded: &created, DateUpdated: &updated,
			ReadThroughs: readThroughs, Progress: progress, Edition: b.Edition,
			// What the readings imply, for the review.
			DateStarted: got.DateStarted, DateRead: got.DateRead, ReadCount: got.ReadCount,
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, got, want)
		}
	}
}
