package data_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

// file is a Goodreads file of rows, for Create.
func file(rows []data.PendingRow) data.NewImport {
	return data.NewImport{
		Filename: "x.csv",
		Rows: func(yield func(data.PendingRow, error) bool) {
			for _, r := range rows {
				if !yield(r, nil) {
					return
				}
			}
		},
		File: func() (string, []string) { return "goodreads", nil },
	}
}

// pending wraps rows as a file's rows, on lines 2, 3, ...
func pending(rows ...data.ImportRow) []data.PendingRow {
	out := make([]data.PendingRow, len(rows))
	for i, r := range rows {
		out[i] = data.PendingRow{Line: i + 2, ImportRow: r}
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
	got, err := db.Classify(t.Context(), ada.ID, rows, []int{2, 3, 4, 5, 6, 7})
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
	got, err = db.Classify(t.Context(), bob.ID, rows[:1], nil)
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
		{"ErrReadingYearZero", data.ImportRow{Title: "T", Author: "A", ReadThroughs: []data.ReadThrough{{StartedOn: year0, FinishedOn: &fine, Outcome: data.StatusRead}}},
			[]data.ImportProblem{{Line: 2, Column: "Readings", Value: "0000-06-01", Message: dates}}},
		{"ErrProgressYearZero", data.ImportRow{Title: "T", Author: "A", Progress: []data.Progress{{Page: 3, RecordedAt: year0}}},
			[]data.ImportProblem{{Line: 2, Column: "Progress", Value: "0000-06-01", Message: dates}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := data.CheckImportRow(tt.row, 2)
			if !slices.Equal(got, tt.want) {
				t.Errorf("CheckImportRow() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestImportStore(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := openDB(t)
		ada, bob := addReader(t, db, "ada"), addReader(t, db, "bob")
		store := db.Imports()
		rows := pending(importRows()...)
		rows = append(rows, data.PendingRow{Line: 9, ImportRow: data.ImportRow{Author: "Anon"}, Problems: []data.ImportProblem{{Line: 9, Column: "Title", Message: "Title is required."}}})
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
		db := openDB(t)
		ada := addReader(t, db, "ada")
		store := db.Imports()
		im, err := store.Create(t.Context(), ada.ID, file(pending(importRows()...)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.Start(t.Context(), ada.ID, im.ID, data.OnDuplicateUpdate); err != nil {
			t.Fatal(err)
		}
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
	ada := addReader(t, db, "ada")
	store := db.Imports()
	rows := make([]data.ImportRow, 300)
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
	if err != nil || got.State != data.ImportFailed || got.Kinds[data.RowNew] != 300 {
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
