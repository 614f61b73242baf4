package data_test

import (
	"strings"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

func importRows() []data.ImportRow {
	return []data.ImportRow{
		{Title: "Dune", Author: "Frank Herbert", ISBN: "9780441013593", Status: data.StatusRead, Shelves: []string{"Sci-Fi", "Favorites"}, Pages: 658, Rating: 10},
		{Title: "Emma", Author: "Jane Austen", Status: data.StatusReading, Shelves: []string{"sci-fi"}},
		{Title: "Ulysses", Author: "James Joyce"},
	}
}

// wantCounts checks that book_counts agrees with the books themselves.
func wantCounts(t *testing.T, db *data.DB, owner int64, live int) {
	t.Helper()
	n, err := db.Books().Count(t.Context(), owner)
	if err != nil {
		t.Fatal(err)
	}
	if n != live {
		t.Errorf("Count() = %d, want %d", n, live)
	}
	page, err := db.Books().List(t.Context(), owner, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Books) != live {
		t.Errorf("List() has %d books, want %d", len(page.Books), live)
	}
	byStatus := map[data.Status]int{}
	for _, b := range page.Books {
		byStatus[b.Status]++
	}
	counts, err := db.Reading().StatusCounts(t.Context(), owner)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []data.Status{data.StatusWant, data.StatusReading, data.StatusRead, data.StatusDNF} {
		if counts[st] != byStatus[st] {
			t.Errorf("StatusCounts()[%s] = %d, want %d", st, counts[st], byStatus[st])
		}
	}
}

func TestImport(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := openDB(t)
		u := addReader(t, db, "ada")
		got, err := db.Import(t.Context(), u.ID, importRows(), data.OnDuplicateSkip)
		if err != nil {
			t.Fatal(err)
		}
		if want := (data.ImportSummary{Created: 3}); got != want {
			t.Errorf("Import() = %+v, want %+v", got, want)
		}
		wantCounts(t, db, u.ID, 3)
		shelves, err := db.Shelves().List(t.Context(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(shelves) != 2 {
			t.Fatalf("shelves = %+v, want Sci-Fi and Favorites once each", shelves)
		}
		for _, sh := range shelves {
			if sh.Name == "Sci-Fi" && sh.Books != 2 {
				t.Errorf("Sci-Fi has %d books, want 2", sh.Books)
			}
		}

		// The same file again creates nothing: every row matches by ISBN or by title and author.
		again := importRows()
		again[1].Title, again[1].Author = "  EMMA ", "jane   austen"
		got, err = db.Import(t.Context(), u.ID, again, data.OnDuplicateSkip)
		if err != nil {
			t.Fatal(err)
		}
		if want := (data.ImportSummary{Skipped: 3}); got != want {
			t.Errorf("second Import() = %+v, want %+v", got, want)
		}
		wantCounts(t, db, u.ID, 3)

		upd := importRows()[:1]
		upd[0].Title, upd[0].Status = "Dune (Dune, #1)", data.StatusDNF
		got, err = db.Import(t.Context(), u.ID, upd, data.OnDuplicateUpdate)
		if err != nil {
			t.Fatal(err)
		}
		if want := (data.ImportSummary{Updated: 1}); got != want {
			t.Errorf("update Import() = %+v, want %+v", got, want)
		}
		wantCounts(t, db, u.ID, 3)
		counts, err := db.Reading().StatusCounts(t.Context(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if counts[data.StatusDNF] != 1 || counts[data.StatusRead] != 0 {
			t.Errorf("StatusCounts() = %v, want Dune moved to dnf", counts)
		}
	})

	t.Run("ErrRollback", func(t *testing.T) {
		db := openDB(t)
		u := addReader(t, db, "ada")
		rows := append(importRows(), data.ImportRow{Title: "", Author: "Nobody", Shelves: []string{"Never"}})
		if _, err := db.Import(t.Context(), u.ID, rows, data.OnDuplicateSkip); err == nil {
			t.Fatal("Import() with an untitled row succeeded")
		}
		wantCounts(t, db, u.ID, 0)
		shelves, err := db.Shelves().List(t.Context(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(shelves) != 0 {
			t.Errorf("shelves = %+v after a failed import, want none", shelves)
		}
	})

	t.Run("OtherOwner", func(t *testing.T) {
		db := openDB(t)
		ada, bob := addReader(t, db, "ada"), addReader(t, db, "bob")
		if _, err := db.Import(t.Context(), ada.ID, importRows(), data.OnDuplicateSkip); err != nil {
			t.Fatal(err)
		}
		got, err := db.Import(t.Context(), bob.ID, importRows(), data.OnDuplicateSkip)
		if err != nil {
			t.Fatal(err)
		}
		if want := (data.ImportSummary{Created: 3}); got != want {
			t.Errorf("Import() for bob = %+v, want %+v", got, want)
		}
		wantCounts(t, db, ada.ID, 3)
		wantCounts(t, db, bob.ID, 3)
	})
}

// TestImportDates checks that an import records the readings a file's status, dates and read
// count imply, and invents no date: a date the file does not give stays unknown (never the day
// of the import, nor a start equal to the finish), and a read count of N gives N readings.
func TestImportDates(t *testing.T) {
	db := openDB(t)
	u := addReader(t, db, "ada")
	day := func(s string) *time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return &d
	}
	rows := []data.ImportRow{
		{Title: "Read undated", Author: "A", Status: data.StatusRead},
		{Title: "Given up undated", Author: "A", Status: data.StatusDNF},
		{Title: "Read dated", Author: "A", Status: data.StatusRead, DateRead: day("2023-01-15")},
		{Title: "Read three times", Author: "A", Status: data.StatusRead, ReadCount: 3, DateRead: day("2023-01-15")},
		{Title: "Read with start", Author: "A", Status: data.StatusRead, ReadCount: 1, DateStarted: day("2023-01-02"), DateRead: day("2023-01-15")},
		{Title: "Start after finish", Author: "A", Status: data.StatusRead, DateStarted: day("2023-02-02"), DateRead: day("2023-01-15")},
		{Title: "Given up dated", Author: "A", Status: data.StatusDNF, DateStarted: day("2023-03-01"), DateRead: day("2023-04-01")},
		{Title: "Reading unstarted", Author: "A", Status: data.StatusReading, ReadCount: 1},
		{Title: "Reading started", Author: "A", Status: data.StatusReading, DateStarted: day("2023-05-01")},
		{Title: "Reading again", Author: "A", Status: data.StatusReading, ReadCount: 2, DateStarted: day("2023-05-01"), DateRead: day("2020-06-01")},
		{Title: "Want again", Author: "A", Status: data.StatusWant, ReadCount: 2},
		{Title: "Want", Author: "A", Status: data.StatusWant},
	}
	if _, err := db.Import(t.Context(), u.ID, rows, data.OnDuplicateSkip); err != nil {
		t.Fatal(err)
	}
	page, err := db.Books().List(t.Context(), u.ID, 0, 20)
	if err != nil {
		t.Fatal(err)
	}
	// Each reading newest first, as start..finish outcome, "?" for a date not known.
	want := map[string]string{
		"Read undated":       "?..? read",
		"Given up undated":   "?..? dnf",
		"Read dated":         "?..2023-01-15 read",
		"Read three times":   "?..2023-01-15 read; ?..? read; ?..? read",
		"Read with start":    "2023-01-02..2023-01-15 read",
		"Start after finish": "?..2023-01-15 read",
		"Given up dated":     "2023-03-01..2023-04-01 dnf",
		"Reading unstarted":  "?..? reading",
		"Reading started":    "2023-05-01..? reading",
		"Reading again":      "2023-05-01..? reading; ?..2020-06-01 read",
		"Want again":         "?..? read; ?..? read",
		"Want":               "",
	}
	if len(page.Books) != len(want) {
		t.Fatalf("%d books, want %d", len(page.Books), len(want))
	}
	today := time.Now().UTC().Format(time.DateOnly)
	for _, b := range page.Books {
		rts, err := db.Reading().ReadThroughs(t.Context(), u.ID, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, rt := range rts {
			got = append(got, importedDate(rt.StartedOn)+".."+importedDate(rt.FinishedOn)+" "+string(rt.Outcome))
		}
		if g := strings.Join(got, "; "); g != want[b.Title] {
			t.Errorf("%s: readings %q, want %q", b.Title, g, want[b.Title])
		}
		if g := strings.Join(got, "; "); strings.Contains(g, today) {
			t.Errorf("%s: readings %q dated today, which the file does not say", b.Title, g)
		}
	}
}

// importedDate writes a reading's date, or "?" when it is not known.
func importedDate(t *time.Time) string {
	if t == nil {
		return "?"
	}
	return t.Format(time.DateOnly)
}
