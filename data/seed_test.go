package data_test

import (
	"strconv"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bookcase/bookcase/data"
)

// TestSeedConsistent seeds libraries and checks them against what the store itself keeps true:
// the stored counts match the books, every status has the read-throughs it implies, and every
// field is one a reader could have typed.
func TestSeedConsistent(t *testing.T) {
	for _, tc := range []struct {
		name  string
		n     []int // seeded one after the other into the same library
		batch int   // books a transaction, when not Seed's own (50,000)
	}{
		{"OK", []int{3000}, 0},
		{"OKTwice", []int{400, 700}, 0},
		{"OKAcrossTransactions", []int{1000 + 123}, 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := openDB(t)
			if tc.batch > 0 {
				db.SetSeedBatches(tc.batch)
			}
			books := db.Books()
			owner := addReader(t, db, "reader").ID
			other := addReader(t, db, "other").ID
			want := 0
			for i, n := range tc.n {
				if err := books.Seed(t.Context(), owner, n, uint64(i+1)); err != nil {
					t.Fatalf("Seed(%d): %v", n, err)
				}
				want += n
			}
			if err := books.Seed(t.Context(), other, 10, 9); err != nil {
				t.Fatal(err)
			}
			checkSeeded(t, db, owner, want)
		})
	}
}

func checkSeeded(t *testing.T, db *data.DB, owner int64, want int) {
	t.Helper()
	ctx := t.Context()
	books := db.Books()
	write, _ := db.Pools()
	q := func(query string, args ...any) int {
		t.Helper()
		var n int
		if err := write.GetContext(ctx, &n, query, args...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return n
	}
	if got := q(`SELECT COUNT(*) FROM books WHERE owner_id = ? AND deleted_at IS NULL`, owner); got != want {
		t.Fatalf("%d books, want %d", got, want)
	}
	if got := count(t, books, owner); got != want {
		t.Errorf("Count = %d, want %d", got, want)
	}
	byStatus, err := db.Reading().StatusCounts(ctx, owner)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range data.Statuses() {
		n := q(`SELECT COUNT(*) FROM books WHERE owner_id = ? AND status = ? AND deleted_at IS NULL`, owner, st)
		if byStatus[st] != n {
			t.Errorf("StatusCounts[%s] = %d; the books say %d", st, byStatus[st], n)
		}
		// A realistic mix: every status is there, and reading is a handful, as for a person.
		switch {
		case n == 0:
			t.Errorf("no %s books among %d", st, want)
		case st == data.StatusReading && n > 50:
			t.Errorf("%d books being read at once", n)
		case st != data.StatusReading && n < want/50:
			t.Errorf("only %d %s books among %d", n, st, want)
		}
	}

	// Each status has its read-throughs: reading exactly one open one; read and did not finish
	// at least one, all finished, the latest with the book's outcome; want none.
	for _, c := range []struct {
		what  string
		query string
	}{
		{"reading books without exactly one read-through, open", `
			SELECT COUNT(*) FROM books b WHERE owner_id = ? AND status = 'reading' AND (
				(SELECT COUNT(*) FROM read_throughs r WHERE r.book_id = b.id) != 1 OR
				(SELECT COUNT(*) FROM read_throughs r WHERE r.book_id = b.id AND outcome = 'reading') != 1)`},
		{"finished books whose latest read-through is not their outcome", `
			SELECT COUNT(*) FROM books b WHERE owner_id = ? AND status IN ('read', 'dnf') AND
				COALESCE((SELECT outcome FROM read_throughs r WHERE r.book_id = b.id
				          ORDER BY started_on DESC, id DESC LIMIT 1), '') != b.status`},
		{"finished books with an open read-through", `
			SELECT COUNT(*) FROM books b JOIN read_throughs r ON r.book_id = b.id
			WHERE owner_id = ? AND status IN ('read', 'dnf') AND r.finished_on IS NULL`},
		{"want books with read-throughs", `
			SELECT COUNT(*) FROM books b JOIN read_throughs r ON r.book_id = b.id WHERE owner_id = ? AND status = 'want'`},
		{"read-throughs finished in the future or before they started", `
			SELECT COUNT(*) FROM books b JOIN read_throughs r ON r.book_id = b.id
			WHERE owner_id = ? AND (r.finished_on > date('now') OR r.started_on > date('now') OR r.finished_on < r.started_on)`},
		{"progress beyond the book's last page", `
			SELECT COUNT(*) FROM books b JOIN read_throughs r ON r.book_id = b.id
			JOIN progress_updates p ON p.read_through_id = r.id
			WHERE owner_id = ? AND b.pages IS NOT NULL AND p.page > b.pages`},
		{"shelf entries on another reader's shelves", `
			SELECT COUNT(*) FROM books b JOIN book_shelves bs ON bs.book_id = b.id
			JOIN shelves s ON s.id = bs.shelf_id WHERE b.owner_id = ? AND s.owner_id != b.owner_id`},
		{"books updated before they were added", `
			SELECT COUNT(*) FROM books WHERE owner_id = ? AND updated_at < created_at`},
	} {
		if n := q(c.query, owner); n != 0 {
			t.Errorf("%d %s", n, c.what)
		}
	}

	// A history of seedYears: every one of the last ten years has its share of the readings
	// finished (the stats count years), none most of them.
	finished := q(`SELECT COUNT(*) FROM read_throughs r JOIN books b ON b.id = r.book_id WHERE owner_id = ? AND r.finished_on IS NOT NULL`, owner)
	for year := time.Now().Year() - 9; year <= time.Now().Year(); year++ {
		n := q(`SELECT COUNT(*) FROM read_throughs r JOIN books b ON b.id = r.book_id
			WHERE owner_id = ? AND substr(CAST(r.finished_on AS TEXT), 1, 4) = ?`, owner, strconv.Itoa(year))
		if n < finished/40 || n > finished/4 {
			t.Errorf("%d of %d readings finished in %d, want a tenth or so", n, finished, year)
		}
	}

	// Every edition is one a reader could have typed (Edition.Validate), owned copies of a paper book.
	var editions []data.Edition
	if err := write.SelectContext(ctx, &editions, `
		SELECT publisher, COALESCE(published_year, 0) AS year, COALESCE(original_year, 0) AS originalyear,
		       language, copies, COALESCE(goodreads_id, '') AS goodreadsid
		FROM editions e JOIN books b ON b.id = e.book_id WHERE owner_id = ? AND (copies = 0 OR format NOT IN ('ebook', 'audiobook'))`, owner); err != nil {
		t.Fatal(err)
	}
	for _, e := range editions {
		if got, err := e.Validate(time.Now()); err != nil || got != e {
			t.Errorf("seeded edition %+v: %v (normalized %+v)", e, err, got)
			break
		}
	}
	if n := q(`SELECT COUNT(*) FROM editions e JOIN books b ON b.id = e.book_id WHERE owner_id = ?`, owner); n != len(editions) {
		t.Errorf("%d of %d editions are owned copies of an ebook or audiobook", n-len(editions), n)
	}

	// Some of everything a library has.
	for _, c := range []struct {
		what  string
		query string
	}{
		{"books with progress", `SELECT COUNT(DISTINCT b.id) FROM books b JOIN read_throughs r ON r.book_id = b.id
			JOIN progress_updates p ON p.read_through_id = r.id WHERE owner_id = ?`},
		{"reading books with progress", `SELECT COUNT(DISTINCT b.id) FROM books b JOIN read_throughs r ON r.book_id = b.id
			JOIN progress_updates p ON p.read_through_id = r.id WHERE owner_id = ? AND status = 'reading'`},
		{"shelved books", `SELECT COUNT(DISTINCT book_id) FROM book_shelves bs JOIN books b ON b.id = bs.book_id WHERE owner_id = ?`},
		{"rated books", `SELECT COUNT(*) FROM books WHERE owner_id = ? AND rating IS NOT NULL`},
		{"books with pages", `SELECT COUNT(*) FROM books WHERE owner_id = ? AND pages IS NOT NULL`},
		{"books with notes", `SELECT COUNT(*) FROM books WHERE owner_id = ? AND notes != ''`},
		{"books with an ISBN", `SELECT COUNT(*) FROM books WHERE owner_id = ? AND isbn IS NOT NULL`},
		{"books with a genre", `SELECT COUNT(*) FROM books WHERE owner_id = ? AND genre != ''`},
		{"books with accented authors", `SELECT COUNT(*) FROM books WHERE owner_id = ? AND author IN ('Gabriel García Márquez', 'Stanisław Lem')`},
		{"distinct titles", `SELECT COUNT(DISTINCT title) FROM books WHERE owner_id = ?`},
		{"distinct authors", `SELECT COUNT(DISTINCT author) FROM books WHERE owner_id = ?`},
		{"books with a publisher", `SELECT COUNT(*) FROM editions e JOIN books b ON b.id = e.book_id WHERE owner_id = ? AND publisher != ''`},
		{"books first published before their edition", `SELECT COUNT(*) FROM editions e JOIN books b ON b.id = e.book_id
			WHERE owner_id = ? AND original_year < published_year`},
		{"books in a language other than English", `SELECT COUNT(*) FROM editions e JOIN books b ON b.id = e.book_id
			WHERE owner_id = ? AND language NOT IN ('', 'en')`},
		{"owned copies", `SELECT COUNT(*) FROM editions e JOIN books b ON b.id = e.book_id WHERE owner_id = ? AND copies > 0`},
		{"books with a Goodreads id", `SELECT COUNT(*) FROM editions e JOIN books b ON b.id = e.book_id WHERE owner_id = ? AND goodreads_id IS NOT NULL`},
		{"reviewed books", `SELECT COUNT(*) FROM books WHERE owner_id = ? AND review != ''`},
	} {
		if n := q(c.query, owner); n == 0 || (c.what == "distinct titles" && n < want/4) {
			t.Errorf("%d %s among %d", n, c.what, want)
		}
	}
	var shelves int
	if err := write.GetContext(ctx, &shelves, `SELECT COUNT(*) FROM shelves WHERE owner_id = ?`, owner); err != nil || shelves != 5 {
		t.Errorf("%d shelves, %v; want 5 (made once, reused)", shelves, err)
	}

	// What a reader could have typed, page by page through the whole library.
	var before int64
	seen := 0
	for {
		page, err := books.List(ctx, owner, before, 500)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range page.Books {
			seen++
			if err := (data.BookInput{Title: b.Title, Author: b.Author, Genre: b.Genre, Status: b.Status}).Validate(); err != nil {
				t.Fatalf("seeded book %+v is invalid: %v", b, err)
			}
			if b.ISBN != "" {
				if _, err := data.ParseISBN(string(b.ISBN)); err != nil {
					t.Fatalf("seeded ISBN %q: %v", b.ISBN, err)
				}
			}
			if b.Pages < 0 || b.Pages > data.MaxPages || utf8.RuneCountInString(b.Notes) > data.MaxNotesLen || !utf8.ValidString(b.Notes) {
				t.Fatalf("seeded book %+v has bad details", b)
			}
		}
		if page.Next == 0 {
			break
		}
		before = page.Next
	}
	if seen != want {
		t.Errorf("listed %d books, want %d", seen, want)
	}
	// About a third of the books are in a series, each with the sort key the store keeps, and
	// the series with books by one author in order.
	inSeries := q(`SELECT COUNT(*) FROM books b WHERE owner_id = ? AND EXISTS (SELECT 1 FROM book_series bs WHERE bs.book_id = b.id)`, owner)
	if inSeries < want/4 || inSeries > want*42/100 {
		t.Errorf("%d of %d books in a series, want about a third", inSeries, want)
	}
	if bad := q(`SELECT COUNT(*) FROM books b WHERE owner_id = ? AND (series_sort IS NULL) =
		EXISTS (SELECT 1 FROM book_series bs WHERE bs.book_id = b.id)`, owner); bad != 0 {
		t.Errorf("%d books whose series sort key disagrees with their series", bad)
	}
	if foreign := q(`SELECT COUNT(*) FROM book_series bs JOIN series s ON s.id = bs.series_id JOIN books b ON b.id = bs.book_id
		WHERE b.owner_id = ? AND s.owner_id <> b.owner_id`, owner); foreign != 0 {
		t.Errorf("%d books in another reader's series", foreign)
	}
	list, err := db.Series().List(ctx, owner)
	if err != nil || len(list) == 0 {
		t.Fatalf("series = %d, %v", len(list), err)
	}
	d, err := db.Series().Get(ctx, owner, list[0].ID)
	if err != nil || len(d.Books) == 0 {
		t.Fatalf("Get(%d) = %+v, %v", list[0].ID, d, err)
	}
}

// TestSeedFormats: a seeded library has every format in about the shares Seed documents, and its
// audiobooks' lengths are times (an hour to a few days, in minutes) that their progress stays within.
func TestSeedFormats(t *testing.T) {
	db := openDB(t)
	owner := addReader(t, db, "reader").ID
	const n = 3000
	if err := db.Books().Seed(t.Context(), owner, n, 3); err != nil {
		t.Fatal(err)
	}
	write, _ := db.Pools()
	var rows []struct {
		Format string `db:"format"`
		N      int    `db:"n"`
	}
	if err := write.SelectContext(t.Context(), &rows, `SELECT format, COUNT(*) AS n FROM books WHERE owner_id = ? GROUP BY format`, owner); err != nil {
		t.Fatal(err)
	}
	share := map[string]float64{}
	for _, r := range rows {
		share[r.Format] = float64(r.N) / n
	}
	for f, want := range map[string]float64{"paperback": 0.45, "hardcover": 0.20, "ebook": 0.20, "audiobook": 0.12, "other": 0.03} {
		if got := share[f]; got < want*0.7 || got > want*1.3 {
			t.Errorf("%s: %.1f%% of the books, want about %.0f%%", f, 100*got, 100*want)
		}
	}
	var bad int
	if err := write.GetContext(t.Context(), &bad, `
		SELECT COUNT(*) FROM books WHERE owner_id = ? AND format = 'audiobook'
		AND (pages < 60 OR pages > ? OR progress_page > pages)`, owner, data.MaxMinutes); err != nil {
		t.Fatal(err)
	}
	if bad > 0 {
		t.Errorf("%d audiobooks shorter than an hour, longer than %d minutes, or with progress past their end", bad, data.MaxMinutes)
	}
}
