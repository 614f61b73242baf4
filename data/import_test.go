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

// TestImportEditions: an import keeps each row's edition facts; importing the same export again
// finds its books by their Goodreads or StoryGraph id, even retitled and without an ISBN, among
// the owner's live books only; an update takes the file's facts and keeps those the file does
// not give; a bad fact in a row is a problem of the row.
func TestImportEditions(t *testing.T) {
	db := openDB(t)
	ctx := t.Context()
	ada, bob := addReader(t, db, "ada").ID, addReader(t, db, "bob").ID
	rows := func() []data.ImportRow {
		return []data.ImportRow{
			{Title: "Dune (Dune, #1)", Author: "Frank Herbert", Edition: data.Edition{Publisher: "Ace", Year: 2005, OriginalYear: 1965, GoodreadsID: "234225"}},
			{Title: "Piranesi", Author: "Susanna Clarke", Edition: data.Edition{StoryGraphID: "b5c8a0f1-uid", Copies: 1}},
			{Title: "The Iliad", Author: "Homer", Edition: data.Edition{OriginalYear: -750, Language: "grc", GoodreadsID: "1371"}},
		}
	}
	if sum, err := db.Import(ctx, ada, rows(), data.OnDuplicateSkip); err != nil || sum != (data.ImportSummary{Created: 3}) {
		t.Fatalf("Import = %+v, %v; want 3 created", sum, err)
	}
	books := map[string]data.Book{}
	page, err := db.Books().List(ctx, ada, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range page.Books {
		books[b.Title] = b
	}
	for _, r := range rows() {
		if e, err := db.Editions().Get(ctx, ada, books[r.Title].ID); err != nil || e != r.Edition {
			t.Errorf("%s: edition %+v, %v; want %+v", r.Title, e, err, r.Edition)
		}
	}

	// The reader retitles Dune and says its language; the Iliad is deleted.
	dune, iliad := books["Dune (Dune, #1)"], books["The Iliad"]
	if _, err := db.Books().Update(ctx, ada, dune.ID, data.BookInput{Title: "Dune", Author: "Frank Herbert"}); err != nil {
		t.Fatal(err)
	}
	e, err := db.Editions().Get(ctx, ada, dune.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.Language, e.Publisher = "en", "Chilton Books"
	if _, err := db.Editions().Set(ctx, ada, dune.ID, e); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Books().Delete(ctx, ada, iliad.ID); err != nil {
		t.Fatal(err)
	}

	classes, err := db.Classify(ctx, ada, rows())
	if err != nil {
		t.Fatal(err)
	}
	want := []data.Classification{
		{Kind: data.RowMatch, BookID: dune.ID},
		{Kind: data.RowMatch, BookID: books["Piranesi"].ID},
		{Kind: data.RowNew}, // its book is deleted
	}
	for i := range want {
		if classes[i].Kind != want[i].Kind || classes[i].BookID != want[i].BookID {
			t.Errorf("row %d classified %+v, want %+v", i, classes[i], want[i])
		}
	}
	// Another reader's ids are not this reader's: bob's import of the same file creates all.
	if classes, err := db.Classify(ctx, bob, rows()); err != nil || classes[0].Kind != data.RowNew || classes[1].Kind != data.RowNew {
		t.Errorf("bob's rows classified %+v, %v; want new", classes, err)
	}

	sum, err := db.Import(ctx, ada, rows(), data.OnDuplicateUpdate)
	if err != nil || sum != (data.ImportSummary{Created: 1, Updated: 2}) {
		t.Fatalf("Import again = %+v, %v; want 2 updated and the deleted one created again", sum, err)
	}
	wantDune := data.Edition{Publisher: "Ace", Year: 2005, OriginalYear: 1965, Language: "en", GoodreadsID: "234225"}
	if got, err := db.Editions().Get(ctx, ada, dune.ID); err != nil || got != wantDune {
		t.Errorf("Dune's edition after the update = %+v, %v; want the file's facts and the language kept: %+v", got, err, wantDune)
	}
	if n, err := db.Books().Count(ctx, ada); err != nil || n != 3 {
		t.Errorf("%d books, %v; want 3", n, err)
	}

	// A fact that breaks the rules is a problem of its row, in its column.
	bad := rows()[:1]
	bad[0].Edition.Copies, bad[0].Edition.Language = -1, "xx"
	problems := data.CheckImportRow(bad[0])
	if len(problems) != 2 || problems[0].Column != "Language" || problems[1].Column != "Owned Copies" || problems[1].Value != "-1" {
		t.Errorf("problems = %+v, want the language and the copies", problems)
	}
	if _, err := db.Import(ctx, ada, bad, data.OnDuplicateUpdate); err == nil {
		t.Error("Import of a row with a bad edition succeeded")
	}
}
