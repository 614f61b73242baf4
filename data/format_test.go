package data_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

func TestParseMinutes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"5:32", 332, true},
		{" 5:32 ", 332, true},
		{"0:07", 7, true},
		{"0:00", 0, true},
		{"1000:00", 60000, true},
		{"12:00", 720, true},
		{"5h32m", 332, true},
		{"5H32M", 332, true},
		{"5h 32m", 332, true},
		{"5 h 32 m", 332, true},
		{"5h32", 332, true},
		{"5h", 300, true},
		{"332m", 332, true},
		{"90 min", 90, true},
		{"11 hrs and 42 mins", 702, true},
		{"2 hours 5 minutes", 125, true},
		{"1 hour", 60, true},
		// Minutes past the hour are two digits under 60.
		{"5:60", 0, false},
		{"5:7", 0, false},
		{"5:075", 0, false},
		{":30", 0, false},
		{"5:", 0, false},
		{"1:02:03", 0, false},
		// A bare number says neither minutes nor hours.
		{"332", 0, false},
		{"", 0, false},
		{"-5:00", 0, false},
		{"-30m", 0, false},
		{"5.5h", 0, false},
		{"5h60", 0, false},
		{"32m5h", 0, false},
		{"5h5h", 0, false},
		{"5m32", 0, false},
		{"5 days", 0, false},
		{"h", 0, false},
		{"٥:٣٢", 0, false},
		{"99999999999h", 0, false},
	} {
		got, ok := data.ParseMinutes(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseMinutes(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestFormatMinutes(t *testing.T) {
	for _, tc := range []struct {
		in   int
		want string
	}{
		{0, "0:00"}, {7, "0:07"}, {59, "0:59"}, {60, "1:00"}, {332, "5:32"}, {702, "11:42"}, {60000, "1000:00"}, {-5, "0:00"},
	} {
		if got := data.FormatMinutes(tc.in); got != tc.want {
			t.Errorf("FormatMinutes(%d) = %q, want %q", tc.in, got, tc.want)
		}
		// What is written reads back as itself.
		if back, ok := data.ParseMinutes(data.FormatMinutes(tc.in)); tc.in >= 0 && (!ok || back != tc.in) {
			t.Errorf("ParseMinutes(FormatMinutes(%d)) = %d, %v", tc.in, back, ok)
		}
	}
}

func TestParseLength(t *testing.T) {
	for _, tc := range []struct {
		in      string
		format  data.Format
		want    int
		problem bool
	}{
		{"320", data.FormatPaperback, 320, false},
		{"", data.FormatHardcover, 0, false},
		{"100000", data.FormatEbook, 100000, false},
		{"100001", data.FormatPaperback, 0, true},
		{"-3", data.FormatPaperback, 0, true},
		{"5:32", data.FormatPaperback, 0, true},
		{"11:42", data.FormatAudiobook, 702, false},
		{"11h42m", data.FormatAudiobook, 702, false},
		{"", data.FormatAudiobook, 0, false},
		{"1000:00", data.FormatAudiobook, 60000, false},
		{"1000:01", data.FormatAudiobook, 0, true},
		{"1001h", data.FormatAudiobook, 0, true},
		{"0:00", data.FormatAudiobook, 0, true},
		{"-1:00", data.FormatAudiobook, 0, true},
		{"320", data.FormatAudiobook, 0, true},
	} {
		got, err := data.ParseLength(tc.in, tc.format)
		if got != tc.want || (err != nil) != tc.problem {
			t.Errorf("ParseLength(%q, %s) = %d, %v; want %d, problem %v", tc.in, tc.format, got, err, tc.want, tc.problem)
		}
		var verr *data.ValidationError
		if err != nil && (!errors.As(err, &verr) || verr.Fields["pages"] == "") {
			t.Errorf("ParseLength(%q, %s): %v is not a problem with pages", tc.in, tc.format, err)
		}
	}
}

func TestParseBookProgress(t *testing.T) {
	for _, tc := range []struct {
		in      string
		format  data.Format
		length  int
		want    data.ProgressInput
		problem string
	}{
		{"5:32", data.FormatAudiobook, 600, data.ProgressInput{Page: 332}, ""},
		{"5h32m", data.FormatAudiobook, 600, data.ProgressInput{Page: 332}, ""},
		{"332m", data.FormatAudiobook, 0, data.ProgressInput{Page: 332}, ""},
		{"45%", data.FormatAudiobook, 600, data.ProgressInput{Percent: 45, ByPercent: true}, ""},
		{"10:00", data.FormatAudiobook, 600, data.ProgressInput{Page: 600}, ""},
		{"10:01", data.FormatAudiobook, 600, data.ProgressInput{}, "10:01 is past the end (10:00)."},
		{"1001h", data.FormatAudiobook, 0, data.ProgressInput{}, "A time goes up to 1000 hours."},
		{"332", data.FormatAudiobook, 600, data.ProgressInput{}, "Enter a time, such as 5:32 or 5h32m, or a percentage, such as 45%."},
		{"5:75", data.FormatAudiobook, 600, data.ProgressInput{}, "Enter a time, such as 5:32 or 5h32m, or a percentage, such as 45%."},
		{"-0:10", data.FormatAudiobook, 600, data.ProgressInput{}, "A page number cannot be negative."},
		{"120%", data.FormatAudiobook, 600, data.ProgressInput{}, "A percentage is from 0 to 100."},
		// Paged books read pages as before, and a time is no page.
		{"120", data.FormatEbook, 300, data.ProgressInput{Page: 120}, ""},
		{"5:32", data.FormatHardcover, 300, data.ProgressInput{}, "Enter a page number, such as 123, or a percentage, such as 45%."},
	} {
		got, err := data.ParseBookProgress(tc.in, tc.format, tc.length)
		var verr *data.ValidationError
		switch {
		case tc.problem == "" && (err != nil || got != tc.want):
			t.Errorf("ParseBookProgress(%q, %s, %d) = %+v, %v; want %+v", tc.in, tc.format, tc.length, got, err, tc.want)
		case tc.problem != "" && (!errors.As(err, &verr) || verr.Fields["page"] != tc.problem):
			t.Errorf("ParseBookProgress(%q, %s, %d) = %+v, %v; want the problem %q", tc.in, tc.format, tc.length, got, err, tc.problem)
		}
	}
}

// TestAudiobook follows an audiobook through the store: its length and progress in minutes, a
// progress past its end refused, and the format changed to a paperback and back, where the
// positions recorded keep their share of the book and the length in the other unit is dropped.
func TestAudiobook(t *testing.T) {
	f := openReading(t)
	ctx := t.Context()
	b, err := f.books.Create(ctx, f.owner, data.BookInput{Title: "Piranesi", Author: "Susanna Clarke", Format: data.FormatAudiobook})
	if err != nil {
		t.Fatal(err)
	}
	if b.Format != data.FormatAudiobook {
		t.Fatalf("created as %q", b.Format)
	}
	if _, err := f.reading.SetDetails(ctx, f.owner, b.ID, data.DetailsInput{Pages: "320"}); !hasProblem(err, "pages") {
		t.Errorf("a bare number as an audiobook's length: %v, want a problem with pages", err)
	}
	b, err = f.reading.SetDetails(ctx, f.owner, b.ID, data.DetailsInput{Pages: "10:00"})
	if err != nil || b.Pages != 600 {
		t.Fatalf("SetDetails(10:00) = %d minutes, %v", b.Pages, err)
	}
	f.setStatus(t, b.ID, data.StatusReading, today)
	in, err := data.ParseBookProgress("2:30", b.Format, b.Pages)
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.reading.RecordProgress(ctx, f.owner, b.ID, in)
	if err != nil || p.Page != 150 || p.Percent != 25 {
		t.Fatalf("RecordProgress(2:30) = %+v, %v; want minute 150, 25%%", p, err)
	}
	if _, err := f.reading.RecordProgress(ctx, f.owner, b.ID, data.ProgressInput{Page: 601}); !hasProblem(err, "page") {
		t.Errorf("progress past the end: %v, want a problem with page", err)
	}
	// Shorter than where the reader is: refused, in time.
	_, err = f.reading.SetDetails(ctx, f.owner, b.ID, data.DetailsInput{Pages: "2:00"})
	var verr *data.ValidationError
	if !errors.As(err, &verr) || verr.Fields["pages"] != "You are at 2:30; the audiobook cannot be shorter." {
		t.Errorf("SetDetails(2:00) at 2:30: %v", err)
	}

	// To a paperback from the edit row: the length in minutes goes, the position is 25%.
	b, err = f.books.Update(ctx, f.owner, b.ID, data.BookInput{Title: b.Title, Author: b.Author, Format: data.FormatPaperback})
	if err != nil {
		t.Fatal(err)
	}
	if b.Format != data.FormatPaperback || b.Pages != 0 {
		t.Errorf("as a paperback: format %q, length %d; want paperback of unknown length", b.Format, b.Pages)
	}
	if got := b.Progress(); got.Percent != 25 || got.Page != 0 {
		t.Errorf("progress as a paperback = %+v, want 25%% of an unknown length", got)
	}
	// A length in pages in the same form as the format: the share becomes a page.
	b, err = f.reading.SetDetails(ctx, f.owner, b.ID, data.DetailsInput{Format: "paperback", Pages: "400"})
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Progress(); got.Page != 100 || got.Percent != 25 {
		t.Errorf("progress in 400 pages = %+v, want page 100 (25%%)", got)
	}
	// Between paged formats, nothing but the format changes.
	b, err = f.books.Update(ctx, f.owner, b.ID, data.BookInput{Title: b.Title, Author: b.Author, Format: data.FormatEbook})
	if err != nil || b.Format != data.FormatEbook || b.Pages != 400 {
		t.Fatalf("to an ebook: %q, %d pages, %v", b.Format, b.Pages, err)
	}
	// Back to an audiobook, with its length in the same form.
	b, err = f.reading.SetDetails(ctx, f.owner, b.ID, data.DetailsInput{Format: "audiobook", Pages: "8h"})
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Progress(); b.Pages != 480 || got.Page != 120 || got.Percent != 25 {
		t.Errorf("back to an audiobook of 8h: %d minutes, progress %+v; want minute 120 (25%%)", b.Pages, got)
	}
	if _, err := f.reading.SetDetails(ctx, f.owner, b.ID, data.DetailsInput{Format: "vinyl"}); !hasProblem(err, "format") {
		t.Errorf("an unknown format: %v, want a problem with format", err)
	}
	if _, err := f.books.Update(ctx, f.owner, b.ID, data.BookInput{Title: b.Title, Author: b.Author, Format: "scroll"}); !hasProblem(err, "format") {
		t.Errorf("an unknown format in an edit: %v, want a problem with format", err)
	}
	// Another reader's book is not there.
	if _, err := f.reading.SetDetails(ctx, f.other, b.ID, data.DetailsInput{Format: "ebook"}); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("another reader's book: %v, want ErrNotFound", err)
	}
}

// TestStatsCountNoAudiobookPages: an audiobook finished is a book finished, and no pages read.
func TestStatsCountNoAudiobookPages(t *testing.T) {
	f := openReading(t)
	ctx := t.Context()
	for _, tc := range []struct {
		title  string
		format data.Format
		length string
	}{{"Dune", data.FormatPaperback, "400"}, {"Piranesi", data.FormatAudiobook, "10:00"}} {
		b, err := f.books.Create(ctx, f.owner, data.BookInput{Title: tc.title, Author: "A", Format: tc.format})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.reading.SetDetails(ctx, f.owner, b.ID, data.DetailsInput{Pages: tc.length}); err != nil {
			t.Fatal(err)
		}
		f.setStatus(t, b.ID, data.StatusReading, day(-3))
		f.setStatus(t, b.ID, data.StatusRead, day(-1))
	}
	st, err := f.reading.YearStats(ctx, f.owner, today.Year(), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if st.Finished != 2 || st.Pages != 400 || st.Longest == nil || st.Longest.Title != "Dune" {
		t.Errorf("stats: %d finished, %d pages, longest %+v; want 2, 400, Dune", st.Finished, st.Pages, st.Longest)
	}
}

// hasProblem reports whether err is a validation error about field.
func hasProblem(err error, field string) bool {
	var verr *data.ValidationError
	return errors.As(err, &verr) && verr.Fields[field] != ""
}

// TestMigrateFormats migrates a database made by the schema before formats, with books in it:
// every book becomes a paperback with its pages and progress as they were; the migration's Down
// gives the old schema back with the books.
func TestMigrateFormats(t *testing.T) {
	const formats = 22
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := data.OpenAt(ctx, path, formats-1)
	if err != nil {
		t.Fatal(err)
	}
	oldSQL := oldWriter(t, old)
	owner := oldSQL(`INSERT INTO users (username, password_hash, created_at) VALUES ('reader', 'x', ?)`, t0)
	dune := oldSQL(`INSERT INTO books (owner_id, title, author, status, pages, created_at, updated_at) VALUES (?, 'Dune', 'Frank Herbert', 'reading', 400, ?, ?)`, owner, t0, t0)
	rt := oldSQL(`INSERT INTO read_throughs (book_id, started_on, outcome) VALUES (?, '2025-03-01', 'reading')`, dune)
	oldSQL(`INSERT INTO progress_updates (read_through_id, page, recorded_at) VALUES (?, 100, ?)`, rt, t0)
	emma := oldSQL(`INSERT INTO books (owner_id, title, author, created_at, updated_at) VALUES (?, 'Emma', 'Jane Austen', ?, ?)`, owner, t0, t0)
	oldSQL(`INSERT INTO book_counts (owner_id, live, want, reading) VALUES (?, 2, 1, 1)`, owner)
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	db, err := data.Open(ctx, path)
	if err != nil {
		t.Fatalf("migrate: %v", err)
	}
	for id, want := range map[int64]int{dune: 400, emma: 0} {
		b, err := db.Books().Get(ctx, owner, id)
		if err != nil {
			t.Fatal(err)
		}
		if b.Format != data.FormatPaperback || b.Pages != want {
			t.Errorf("%s after the migration: %q, %d pages; want paperback, %d", b.Title, b.Format, b.Pages, want)
		}
		if id == dune {
			if p := b.Progress(); p.Page != 100 || p.Percent != 25 {
				t.Errorf("Dune's progress after the migration = %+v, want page 100 (25%%)", p)
			}
		}
	}
	// The filter's index is there, and Down takes the column away and leaves the books.
	write, _ := db.Pools()
	var n int
	if err := write.GetContext(ctx, &n, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'books_format'`); err != nil || n != 1 {
		t.Errorf("index books_format: %d, %v", n, err)
	}
	if err := data.MigrateDownTo(ctx, db, formats-1); err != nil {
		t.Fatalf("down: %v", err)
	}
	if err := write.GetContext(ctx, &n, `SELECT COUNT(*) FROM pragma_table_info('books') WHERE name = 'format'`); err != nil || n != 0 {
		t.Errorf("format column after Down: %d, %v", n, err)
	}
	if err := write.GetContext(ctx, &n, `SELECT COUNT(*) FROM books WHERE pages = 400`); err != nil || n != 1 {
		t.Errorf("books after Down: %d with 400 pages, %v", n, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}
