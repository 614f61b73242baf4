package data_test

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

// file is a Goodreads file of rows, for Create.
func file(rows []data.ImportRow) data.NewImport {
	return data.NewImport{
		Filename: "x.csv",
		Rows: func(yield func(data.ImportRow, error) bool) {
			for _, r := range rows {
				if !yield(r, nil) {
					return
				}
			}
		},
		File: func() (string, []string) { return "goodreads", nil },
	}
}

// pending places rows as a file's rows, on lines 2, 3, ...
func pending(rows ...data.ImportRow) []data.ImportRow {
	out := make([]data.ImportRow, len(rows))
	for i, r := range rows {
		r.Line = i + 2
		out[i] = r
	}
	return out
}

func TestClassify(t *testing.T) {
	db := openDB(t)
	ada, bob := addReader(t, db, "ada"), addReader(t, db, "bob")
	if _, err := db.Import(t.Context(), ada.ID, importRows(), data.OnDuplicateSkip); err != nil {
		t.Fatal(err)
	}
	page, err := db.Books().List(t.Context(), ada.ID, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for _, b := range page.Books {
		ids[b.Title] = b.ID
	}
	rows := []data.ImportRow{
		{Title: "Dune Messiah", Author: "Someone Else", ISBN: "9780441013593"}, // Dune's ISBN
		{Title: "  emma", Author: "JANE  Austen"},                              // Emma, folded
		{Title: "Persuasion", Author: "Jane Austen"},                           // new
		{Title: "persuasion", Author: "jane austen"},                           // repeats the row above
		{Title: "", Author: "Nobody"},                                          // no title
		{Title: "Fine", Author: "Author", Shelves: []string{"bad\nshelf"}},     // bad shelf
	}
	got, err := db.Classify(t.Context(), ada.ID, pending(rows...))
	if err != nil {
		t.Fatal(err)
	}
	want := []data.Classification{
		{Kind: data.RowMatch, BookID: ids["Dune"]},
		{Kind: data.RowMatch, BookID: ids["Emma"]},
		{Kind: data.RowNew},
		{Kind: data.RowMatch},
		{Kind: data.RowProblem, Problems: []data.ImportProblem{{Line: 6, Column: "Title", Message: "Title is required."}}},
		{Kind: data.RowProblem, Problems: []data.ImportProblem{{Line: 7, Column: "Shelves", Value: "bad\nshelf", Message: "The name must be a single line of text."}}},
	}
	for i := range want {
		if g, w := got[i], want[i]; g.Kind != w.Kind || g.BookID != w.BookID || len(g.Problems) != len(w.Problems) || (len(w.Problems) > 0 && g.Problems[0] != w.Problems[0]) {
			t.Errorf("row %d: Classify() = %+v, want %+v", i+1, g, w)
		}
	}
	// Nothing was written, and bob's library is bob's.
	wantCounts(t, db, ada.ID, 3)
	got, err = db.Classify(t.Context(), bob.ID, rows[:1])
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Kind != data.RowNew {
		t.Errorf("Classify() for bob = %+v, want new", got[0])
	}
}

// TestCheckImportRowRefuses checks that an import row is held to the rules the book form and the
// book page keep: a visible title and author, notes without control characters or direction
// overrides (line breaks and tabs are text), and dates in the years 1 to 9999.
func TestCheckImportRowRefuses(t *testing.T) {
	year0 := time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC)
	fine := time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC)
	const dates = "Enter a date between the years 1 and 9999."
	for _, tt := range []struct {
		name string
		row  data.ImportRow
		want []data.ImportProblem // nil: none
	}{
		{"OK", data.ImportRow{Title: "Dune", Author: "Frank Herbert", Notes: "Line\n\tindented", DateRead: &fine}, nil},
		{"ErrTitleZeroWidth", data.ImportRow{Title: "\u200b", Author: "A"},
			[]data.ImportProblem{{Line: 2, Column: "Title", Value: "\u200b", Message: "Title needs at least one visible character."}}},
		{"ErrAuthorByteOrderMark", data.ImportRow{Title: "T", Author: "\ufeff\u2060"},
			[]data.ImportProblem{{Line: 2, Column: "Author", Value: "\ufeff\u2060", Message: "Author needs at least one visible character."}}},
		{"ErrNotesEscape", data.ImportRow{Title: "T", Author: "A", Notes: "red\x1b[31m\u202eevil"},
			[]data.ImportProblem{{Line: 2, Column: "Notes", Value: "red\ufffd[31m\ufffdevil", Message: "Notes may not contain control characters or text-direction overrides."}}},
		{"ErrDateReadYearZero", data.ImportRow{Title: "T", Author: "A", DateRead: &year0},
			[]data.ImportProblem{{Line: 2, Column: "Date Read", Value: "0000-06-01", Message: dates}}},
		{"ErrDateAddedYearZero", data.ImportRow{Title: "T", Author: "A", DateAdded: &year0},
			[]data.ImportProblem{{Line: 2, Column: "Date Added", Value: "0000-06-01", Message: dates}}},
		{"ErrReadingYearZero", data.ImportRow{Title: "T", Author: "A", ReadThroughs: []data.ReadThrough{{StartedOn: &year0, FinishedOn: &fine, Outcome: data.StatusRead}}},
			[]data.ImportProblem{{Line: 2, Column: "Readings", Value: "0000-06-01", Message: dates}}},
		{"ErrReadCountTooLarge", data.ImportRow{Title: "T", Author: "A", Status: data.StatusRead, ReadCount: data.MaxReadCount + 1},
			[]data.ImportProblem{{Line: 2, Column: "Read Count", Value: "101", Message: "The read count is a whole number from 0 to 100, like 1."}}},
		{"ErrProgressYearZero", data.ImportRow{Title: "T", Author: "A", Progress: []data.Progress{{Page: 3, RecordedAt: year0}}},
			[]data.ImportProblem{{Line: 2, Column: "Progress", Value: "0000-06-01", Message: dates}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			row := tt.row
			row.Line = 2
			got := data.CheckImportRow(row)
			if !slices.Equal(got, tt.want) {
				t.Errorf("CheckImportRow() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestImportRowAsFix checks that the fix form, filled from a row (AsFix), says the row's book in
// words that Fix reads back as the same book: saving a row's form unchanged changes nothing.
func TestImportRowAsFix(t *testing.T) {
	db := openDB(t)
	ada := addReader(t, db, "ada")
	day := func(s string) *time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return &d
	}
	rows := []data.ImportRow{
		{Title: "Dune", Author: "Frank Herbert", OtherAuthors: []string{"Brian Herbert"}, Genre: "Science fiction",
			ISBN: "9780441013593", Pages: 658, Rating: 9, Status: data.StatusRead, Shelves: []string{"Owned", "Book club"},
			Notes: "Spice.\n\tWorms.", DateAdded: day("2022-12-01"), DateStarted: day("2023-01-02"), DateRead: day("2023-02-01"), ReadCount: 2},
		{Title: "Emma", Author: "Jane Austen", Status: data.StatusWant},
	}
	store := db.Imports()
	im, err := store.Create(t.Context(), ada.ID, file(pending(rows...)))
	if err != nil {
		t.Fatal(err)
	}
	for n := 1; n <= len(rows); n++ {
		row, err := store.Row(t.Context(), ada.ID, im.ID, n)
		if err != nil {
			t.Fatal(err)
		}
		got, err := store.Fix(t.Context(), ada.ID, im.ID, n, row.AsFix())
		if err != nil {
			t.Fatalf("Fix(row %d's own form %+v): %v", n, row.AsFix(), err)
		}
		if !reflect.DeepEqual(got, row) {
			t.Errorf("row %d after Fix with its own form:\n got %+v\nwant %+v", n, got, row)
		}
	}
}

func TestImportStore(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := openDB(t)
		ada, bob := addReader(t, db, "ada"), addReader(t, db, "bob")
		store := db.Imports()
		rows := pending(importRows()...)
		rows = append(rows, data.ImportRow{Line: 9, Author: "Anon", Problems: []data.ImportProblem{{Line: 9, Column: "Title", Message: "Title is required."}}})
		im, err := store.Create(t.Context(), ada.ID, file(rows))
		if err != nil {
			t.Fatal(err)
		}
		if im.State != data.ImportPending || im.Total != 4 || im.Kinds[data.RowNew] != 3 || im.Kinds[data.RowProblem] != 1 {
			t.Fatalf("Create() = %+v", im)
		}
		if _, err := store.Get(t.Context(), bob.ID, im.ID); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("Get() for bob: %v, want ErrNotFound", err)
		}
		if _, err := store.Fix(t.Context(), bob.ID, im.ID, 4, data.RowFix{Title: "X", Author: "Y"}); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("Fix() for bob: %v, want ErrNotFound", err)
		}
		got, err := store.Rows(t.Context(), ada.ID, im.ID, 0, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].N != 4 || got[0].Kind != data.RowProblem || got[1].N != 1 {
			t.Fatalf("Rows() = %+v, want the problem row first", got)
		}
		if started, err := store.Start(t.Context(), ada.ID, im.ID, data.OnDuplicateSkip); started || !errors.Is(err, data.ErrInvalid) {
			t.Errorf("Start() with a problem = %v, %v; want a validation error", started, err)
		}

		_, err = store.Fix(t.Context(), ada.ID, im.ID, 4, data.RowFix{Title: "", Author: "Anon", Rating: "7"})
		var v *data.ValidationError
		if !errors.As(err, &v) || v.Fields["title"] == "" || v.Fields["rating"] == "" {
			t.Fatalf("Fix() with no title = %v, want title and rating problems", err)
		}
		_, err = store.Fix(t.Context(), ada.ID, im.ID, 4, data.RowFix{Title: "\u200b", Author: "Anon", Notes: "a\x00b", DateRead: "0000/01/15"})
		if !errors.As(err, &v) || v.Fields["title"] != "Title needs at least one visible character." ||
			v.Fields["notes"] != "Notes may not contain control characters or text-direction overrides." ||
			v.Fields["dateRead"] != "Enter a date between the years 1 and 9999." {
			t.Fatalf("Fix() with an invisible title, a NUL in the notes and year 0 = %v, want a message at each", err)
		}
		fixed, err := store.Fix(t.Context(), ada.ID, im.ID, 4, data.RowFix{Title: "Ulysses", Author: "James Joyce", Rating: "4.5", Pages: "730"})
		if err != nil {
			t.Fatal(err)
		}
		if fixed.Kind != data.RowNew || fixed.Rating != 9 || fixed.Pages != 730 || len(fixed.Problems) != 0 {
			t.Errorf("Fix() = %+v, want a new book with the rating and pages (row 3 repeats it: Run skips it)", fixed)
		}
		if _, err := store.Drop(t.Context(), ada.ID, im.ID, 2); err != nil {
			t.Fatal(err)
		}

		started, err := store.Start(t.Context(), ada.ID, im.ID, data.OnDuplicateSkip)
		if err != nil || !started {
			t.Fatalf("Start() = %v, %v", started, err)
		}
		if again, err := store.Start(t.Context(), ada.ID, im.ID, data.OnDuplicateSkip); again || err != nil {
			t.Errorf("second Start() = %v, %v; want nothing started", again, err)
		}
		var seen []int
		sum, err := store.Run(t.Context(), ada.ID, im.ID, func(done, total int) { seen = append(seen, done, total) })
		if err != nil {
			t.Fatal(err)
		}
		if want := (data.ImportSummary{Created: 2, Skipped: 1}); sum != want {
			t.Errorf("Run() = %+v, want %+v", sum, want)
		}
		if len(seen) < 4 || seen[len(seen)-2] != 3 || seen[len(seen)-1] != 3 {
			t.Errorf("progress = %v, want it to end at 3 of 3", seen)
		}
		wantCounts(t, db, ada.ID, 2)
		done, err := store.Get(t.Context(), ada.ID, im.ID)
		if err != nil {
			t.Fatal(err)
		}
		if done.State != data.ImportDone || done.Created != 2 || done.Skipped != 1 || len(done.Kinds) != 0 || done.FinishedAt == nil {
			t.Errorf("Get() after Run() = %+v, want done with counts and no rows", done)
		}
		list, err := store.List(t.Context(), ada.ID)
		if err != nil || len(list) != 1 {
			t.Errorf("List() = %+v, %v", list, err)
		}
		if list, err := store.List(t.Context(), bob.ID); err != nil || len(list) != 0 {
			t.Errorf("List() for bob = %+v, %v", list, err)
		}
	})

	// A row that breaks a constraint of the database in the middle of the import rolls every
	// earlier row back: no book, no shelf, and the import is failed with its rows kept.
	t.Run("ErrRollback", func(t *testing.T) {
		db := openDB(t)
		ada := addReader(t, db, "ada")
		store := db.Imports()
		rows := importRows()
		bad := data.ImportRow{Title: "Broken", Author: "Rating", Rating: 20, Shelves: []string{"Late"}}
		rows = append(rows[:2], bad, rows[2])
		im, err := store.Create(t.Context(), ada.ID, file(pending(rows...)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.Start(t.Context(), ada.ID, im.ID, data.OnDuplicateSkip); err != nil {
			t.Fatal(err)
		}
		if _, err := store.Run(t.Context(), ada.ID, im.ID, nil); err == nil {
			t.Fatal("Run() with a rating of 10 stars succeeded")
		}
		wantCounts(t, db, ada.ID, 0)
		if shelves, err := db.Shelves().List(t.Context(), ada.ID); err != nil || len(shelves) != 0 {
			t.Errorf("shelves = %+v, %v after a failed import, want none", shelves, err)
		}
		failed, err := store.Get(t.Context(), ada.ID, im.ID)
		if err != nil {
			t.Fatal(err)
		}
		if failed.State != data.ImportFailed || failed.Error == "" || failed.Kinds[data.RowNew] != 4 {
			t.Errorf("Get() = %+v, want failed with its rows", failed)
		}
		// Fixed, it can be confirmed again.
		if _, err := store.Fix(t.Context(), ada.ID, im.ID, 3, data.RowFix{Title: "Broken", Author: "Rating", Rating: "5"}); err != nil {
			t.Fatal(err)
		}
		if started, err := store.Start(t.Context(), ada.ID, im.ID, data.OnDuplicateSkip); !started || err != nil {
			t.Fatalf("Start() again = %v, %v", started, err)
		}
		if _, err := store.Run(t.Context(), ada.ID, im.ID, nil); err != nil {
			t.Fatal(err)
		}
		wantCounts(t, db, ada.ID, 4)
	})

	t.Run("FailInterrupted", func(t *testing.T) {
		// The server stops with the import running, and starts again.
		dsn := data.NewTestDSN(t)
		stopped := openInstance(t, dsn)
		ada := addReader(t, stopped, "ada")
		im, err := stopped.Imports().Create(t.Context(), ada.ID, file(pending(importRows()...)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := stopped.Imports().Start(t.Context(), ada.ID, im.ID, data.OnDuplicateUpdate); err != nil {
			t.Fatal(err)
		}
		if err := stopped.Close(); err != nil {
			t.Fatal(err)
		}
		store := openInstance(t, dsn).Imports()
		if n, err := store.FailInterrupted(t.Context()); n != 1 || err != nil {
			t.Fatalf("FailInterrupted() = %d, %v", n, err)
		}
		got, err := store.Get(t.Context(), ada.ID, im.ID)
		if err != nil || got.State != data.ImportFailed || !got.Open() {
			t.Errorf("Get() = %+v, %v; want failed and open", got, err)
		}
	})
}

// TestImportStoreCancel cancels a run in the middle of its transaction, as a server shutting
// down does: nothing is written, and the import is failed, to be confirmed again.
func TestImportStoreCancel(t *testing.T) {
	db := openDB(t)
	db.SetImportBatches(1000)
	ada := addReader(t, db, "ada")
	store := db.Imports()
	rows := make([]data.ImportRow, 2500) // more than one batch
	for i := range rows {
		rows[i] = data.ImportRow{Title: fmt.Sprintf("Book %d", i), Author: "Author", Shelves: []string{"Imported"}}
	}
	im, err := store.Create(t.Context(), ada.ID, file(pending(rows...)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Start(t.Context(), ada.ID, im.ID, data.OnDuplicateSkip); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	_, err = store.Run(ctx, ada.ID, im.ID, func(done, total int) {
		if done >= 100 {
			cancel()
		}
	})
	if err == nil {
		t.Fatal("Run() cancelled half way succeeded")
	}
	wantCounts(t, db, ada.ID, 0)
	if shelves, err := db.Shelves().List(t.Context(), ada.ID); err != nil || len(shelves) != 0 {
		t.Errorf("shelves = %+v, %v, want none", shelves, err)
	}
	got, err := store.Get(t.Context(), ada.ID, im.ID)
	if err != nil || got.State != data.ImportFailed || got.Kinds[data.RowNew] != len(rows) {
		t.Errorf("Get() = %+v, %v; want failed with its rows", got, err)
	}
}

func TestImportStorePurgeStale(t *testing.T) {
	db := openDB(t)
	ada := addReader(t, db, "ada")
	now := time.Now().UTC()
	db.SetClock(func() time.Time { return now })
	store := db.Imports()
	old, err := store.Create(t.Context(), ada.ID, file(pending(importRows()...)))
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(31 * 24 * time.Hour)
	fresh, err := store.Create(t.Context(), ada.ID, file(pending(importRows()...)))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := store.PurgeStale(t.Context(), 24*time.Hour, 30*24*time.Hour); n != 1 || err != nil {
		t.Fatalf("PurgeStale() = %d, %v; want 1", n, err)
	}
	if _, err := store.Get(t.Context(), ada.ID, old.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("old import: %v, want ErrNotFound", err)
	}
	if _, err := store.Row(t.Context(), ada.ID, old.ID, 1); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("old import's row: %v, want ErrNotFound (its rows go with it)", err)
	}
	if _, err := store.Get(t.Context(), ada.ID, fresh.ID); err != nil {
		t.Errorf("fresh import: %v", err)
	}
}

// storedRows are an import's rows as the review stored them before ImportRow took in
// PendingRow's fields (a PendingRow embedding the book's ImportRow), one JSON object a line.
var storedRows = []string{
	`{"N":1,"Line":2,"Kind":"new","BookID":0,"Title":"Dune","Author":"Frank Herbert","OtherAuthors":["Brian Herbert"],"Genre":"Science fiction","ISBN":"9780441013593","Pages":658,"Rating":9,"Status":"read","Shelves":["Owned","Book club"],"Notes":"Spice.\nWorms.","DateAdded":"2022-12-01T00:00:00Z","DateUpdated":null,"DateStarted":"2023-01-02T00:00:00Z","DateRead":"2023-02-01T00:00:00Z","ReadCount":2,"ReadThroughs":[{"ID":0,"BookID":0,"StartedOn":"2023-01-02T00:00:00Z","FinishedOn":"2023-02-01T00:00:00Z","Outcome":"read","StoppedAtPage":0}],"Progress":[{"Page":100,"Percent":15.2,"RecordedAt":"2023-01-10T08:00:00Z"}],"Problems":null}`,
	`{"N":2,"Line":3,"Kind":"problem","BookID":0,"Title":"","Author":"Anon","Genre":"","ISBN":"","Pages":0,"Rating":0,"Status":"want","Shelves":null,"Notes":"","DateAdded":null,"DateUpdated":null,"DateStarted":null,"DateRead":null,"ReadThroughs":null,"Progress":null,"Problems":[{"Line":3,"Column":"Title","Value":"","Message":"Title is required."}]}`,
}

// TestImportRowStoredForm checks that rows held for review by the previous version, before its
// import row types became one, are read, encoded again byte for byte as they were, and confirmed.
func TestImportRowStoredForm(t *testing.T) {
	db := openDB(t)
	ada := addReader(t, db, "ada")
	write, _ := db.Pools()
	var id int64
	if err := write.Get(&id, `
		INSERT INTO imports (owner_id, filename, format, total, created_at) VALUES (?, 'old.csv', 'goodreads', 2, ?)
		RETURNING id`, ada.ID, time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	var packed bytes.Buffer
	zw, err := flate.NewWriter(&packed, flate.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range storedRows {
		if _, err := io.WriteString(zw, line+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := write.Exec(`
		INSERT INTO import_chunks (import_id, first_n, last_n, problems, matches, news, dropped, packed)
		VALUES (?, 1, 2, 1, 0, 1, 0, ?)`, id, packed.Bytes()); err != nil {
		t.Fatal(err)
	}

	store := db.Imports()
	for n, stored := range storedRows {
		row, err := store.Row(t.Context(), ada.ID, id, n+1)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := json.Marshal(row); err != nil || string(got) != stored {
			t.Errorf("row %d encodes as\n%s, %v; it was stored as\n%s", n+1, got, err, stored)
		}
	}
	dune, err := store.Row(t.Context(), ada.ID, id, 1)
	if err != nil {
		t.Fatal(err)
	}
	if dune.Kind != data.RowNew || dune.Line != 2 || dune.Title != "Dune" || dune.ReadCount != 2 || len(dune.ReadThroughs) != 1 {
		t.Errorf("row 1 = %+v, want Dune, new, on line 2, with its reading", dune)
	}
	if _, err := store.Drop(t.Context(), ada.ID, id, 2); err != nil {
		t.Fatal(err)
	}
	if ok, err := store.Start(t.Context(), ada.ID, id, data.OnDuplicateSkip); !ok || err != nil {
		t.Fatalf("Start() = %v, %v", ok, err)
	}
	sum, err := store.Run(t.Context(), ada.ID, id, nil)
	if err != nil || sum != (data.ImportSummary{Created: 1}) {
		t.Fatalf("Run() = %+v, %v; want one book created", sum, err)
	}
	page, err := db.Books().List(t.Context(), ada.ID, 0, 10)
	if err != nil || len(page.Books) != 1 || page.Books[0].Title != "Dune" {
		t.Fatalf("library = %+v, %v; want Dune", page.Books, err)
	}
	rts, err := db.Reading().ReadThroughs(t.Context(), ada.ID, page.Books[0].ID)
	if err != nil || len(rts) != 1 || rts[0].Outcome != data.StatusRead || rts[0].FinishedOn == nil || rts[0].FinishedOn.Format(time.DateOnly) != "2023-02-01" {
		t.Errorf("readings = %+v, %v; want the stored one, read on 2023-02-01", rts, err)
	}
}
