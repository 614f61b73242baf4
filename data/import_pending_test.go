package data_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

// pendingBooks counts the books that imports are still writing.
func pendingBooks(t *testing.T, db *data.DB) int {
	t.Helper()
	write, _ := db.Pools()
	var n int
	if err := write.GetContext(t.Context(), &n, `SELECT COUNT(*) FROM books WHERE pending_import IS NOT NULL`); err != nil {
		t.Fatal(err)
	}
	return n
}

// aPendingBook returns the id of a book an import is writing.
func aPendingBook(t *testing.T, db *data.DB) int64 {
	t.Helper()
	write, _ := db.Pools()
	var id int64
	if err := write.GetContext(t.Context(), &id, `SELECT id FROM books WHERE pending_import IS NOT NULL LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	return id
}

// bigImport is rows for several of an import's batches: new books in the genre Poetry on the
// shelf Imported, and, last, a row that updates Dune (by its ISBN) and puts it on that shelf.
func bigImport(n int) []data.ImportRow {
	rows := make([]data.ImportRow, n, n+1)
	for i := range rows {
		rows[i] = data.ImportRow{Title: fmt.Sprintf("Verse %d", i), Author: "Wisława Szymborska", Genre: "Poetry",
			Status: data.StatusRead, Shelves: []string{"Imported"}}
	}
	return append(rows, data.ImportRow{Title: "Dune", Author: "Frank Herbert", ISBN: "9780441013593", Genre: "Classics",
		Status: data.StatusRead, Rating: 10, Shelves: []string{"Imported"}})
}

// TestImportDoesNotHoldTheWriter checks that an import writes its books a batch at a time, each
// committed, and out of sight: between two batches another reader's save goes through at once
// (before, the import held SQLite's only writer until its end), and the importing reader sees
// none of the import in the library, its counts, search, genres, shelves or by id, nor the
// update of a book they have, until all of it appears together.
func TestImportDoesNotHoldTheWriter(t *testing.T) {
	ctx := t.Context()
	db := openDB(t)
	ada, bob := addReader(t, db, "ada"), addReader(t, db, "bob")
	books := db.Books()
	dune := mustCreate(t, books, ada.ID, data.BookInput{Title: "Dune", Author: "Frank Herbert", Genre: "SF"})
	if _, err := db.Reading().SetDetails(ctx, ada.ID, dune.ID, data.DetailsInput{ISBN: "9780441013593"}); err != nil {
		t.Fatal(err)
	}
	db.SetImportBatches(1000)
	const n = 3000 // three batches at least
	rows := bigImport(n)
	batches := 0
	progress := func(done int) {
		if done == len(rows) {
			return // the end: everything is visible
		}
		batches++
		// Another reader saves while the import is under way; with the writer held, this
		// waited for the whole import, and the deadline ends it.
		wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if _, err := books.Create(wctx, bob.ID, data.BookInput{Title: fmt.Sprintf("Bob's %d", batches), Author: "B"}); err != nil {
			t.Errorf("after %d rows, another reader's Create: %v", done, err)
			return
		}
		if got := pendingBooks(t, db); got != done {
			t.Errorf("after %d rows, %d books are written and waiting", done, got)
		}
		wantCounts(t, db, ada.ID, 1)
		assertFinds(t, books, ada.ID, "verse")
		assertFinds(t, books, ada.ID, "szymborska")
		assertGenres(t, books, ada.ID, "SF")
		if _, err := books.Get(ctx, ada.ID, aPendingBook(t, db)); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("Get(a book being imported) = %v, want ErrNotFound", err)
		}
		if shelves, err := db.Shelves().List(ctx, ada.ID); err != nil || len(shelves) != 0 {
			t.Errorf("shelves during the import = %+v, %v; want none", shelves, err)
		}
		if b, err := books.Get(ctx, ada.ID, dune.ID); err != nil || b.Genre != "SF" || b.Rating != 0 {
			t.Errorf("Dune during the import = %+v, %v; want it as it was", b, err)
		}
	}
	sum, err := db.ImportWith(ctx, ada.ID, rows, data.ImportOptions{OnDuplicate: data.OnDuplicateUpdate, Progress: progress})
	if err != nil {
		t.Fatal(err)
	}
	if want := (data.ImportSummary{Created: n, Updated: 1}); sum != want {
		t.Errorf("ImportWith = %+v, want %+v", sum, want)
	}
	if batches < 2 {
		t.Errorf("the import wrote %d batches before its last, want several", batches)
	}
	if got := pendingBooks(t, db); got != 0 {
		t.Errorf("%d books still waiting after the import", got)
	}
	if got := count(t, books, ada.ID); got != n+1 {
		t.Errorf("Count = %d, want %d", got, n+1)
	}
	if got := count(t, books, bob.ID); got != batches {
		t.Errorf("Bob has %d books, want %d", got, batches)
	}
	page, err := books.Find(ctx, ada.ID, data.BookQuery{Search: "szymborska"})
	if err != nil || len(page.Books) == 0 {
		t.Errorf("Find(szymborska) after the import = %d books, %v", len(page.Books), err)
	}
	assertGenres(t, books, ada.ID, "Classics", "Poetry")
	if b, err := books.Get(ctx, ada.ID, dune.ID); err != nil || b.Genre != "Classics" || b.Rating != 10 {
		t.Errorf("Dune after the import = %+v, %v; want it updated", b, err)
	}
	shelves, err := db.Shelves().List(ctx, ada.ID)
	if err != nil || len(shelves) != 1 || shelves[0].Books != n+1 {
		t.Errorf("shelves after the import = %+v, %v; want Imported with %d books", shelves, err, n+1)
	}
	counts, err := db.Reading().StatusCounts(ctx, ada.ID)
	if err != nil || counts[data.StatusRead] != n+1 || counts[data.StatusWant] != 0 {
		t.Errorf("StatusCounts = %v, %v; want %d read", counts, err, n+1)
	}
}

// TestImportFailsWithoutTrace checks that an import failing after some of its batches have
// committed (a bad row near its end, or its context cancelled) deletes the books it wrote and
// leaves the library, its counts and genres as they were.
func TestImportFailsWithoutTrace(t *testing.T) {
	for _, tc := range []struct {
		name string
		fail func(rows []data.ImportRow, cancel context.CancelFunc) ([]data.ImportRow, func(int))
	}{
		{"BadRow", func(rows []data.ImportRow, _ context.CancelFunc) ([]data.ImportRow, func(int)) {
			rows[len(rows)-2].Title = ""
			return rows, nil
		}},
		{"Cancelled", func(rows []data.ImportRow, cancel context.CancelFunc) ([]data.ImportRow, func(int)) {
			return rows, func(done int) {
				if done >= 500 {
					cancel()
				}
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := openDB(t)
			db.SetImportBatches(1000)
			ada := addReader(t, db, "ada")
			books := db.Books()
			mustCreate(t, books, ada.ID, data.BookInput{Title: "Dune", Author: "Frank Herbert", Genre: "Poetry"})
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			rows, progress := tc.fail(bigImport(2500), cancel)
			wrote := 0
			opts := data.ImportOptions{OnDuplicate: data.OnDuplicateUpdate, Progress: func(done int) {
				wrote = max(wrote, pendingBooks(t, db))
				if progress != nil {
					progress(done)
				}
			}}
			if _, err := db.ImportWith(ctx, ada.ID, rows, opts); err == nil {
				t.Fatal("ImportWith succeeded")
			}
			if wrote < 500 {
				t.Errorf("the import had written %d books before it failed, want several batches", wrote)
			}
			if got := pendingBooks(t, db); got != 0 {
				t.Errorf("%d books of the failed import are left", got)
			}
			write, _ := db.Pools()
			var rows2, genre int
			if err := write.GetContext(t.Context(), &rows2, `SELECT COUNT(*) FROM books`); err != nil || rows2 != 1 {
				t.Errorf("books = %d, %v; want Dune alone", rows2, err)
			}
			if err := write.GetContext(t.Context(), &genre, `SELECT books FROM genres WHERE name_key = 'poetry'`); err != nil || genre != 1 {
				t.Errorf("Poetry counts %d books, %v; want 1", genre, err)
			}
			var shelves int
			if err := write.GetContext(t.Context(), &shelves, `SELECT COUNT(*) FROM shelves`); err != nil || shelves != 0 {
				t.Errorf("%d shelves are left, %v; want none", shelves, err)
			}
			wantCounts(t, db, ada.ID, 1)
			assertFinds(t, books, ada.ID, "verse")
			if shelves, err := db.Shelves().List(t.Context(), ada.ID); err != nil || len(shelves) != 0 {
				t.Errorf("shelves = %+v, %v; want none", shelves, err)
			}
		})
	}
}

// TestDropPendingBooks checks what a server starting after a crash in the middle of an import
// does with the books that import had committed: it deletes them, and only them, and the
// counts stay right.
func TestDropPendingBooks(t *testing.T) {
	ctx := t.Context()
	path := t.TempDir() + "/crashed.db"
	db, err := data.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.SetImportBatches(1000)
	ada := addReader(t, db, "ada")
	mustCreate(t, db.Books(), ada.ID, data.BookInput{Title: "Dune", Author: "Frank Herbert", Genre: "Poetry"})
	// The import stops after its first batches, as under kill -9: nothing runs its clean-up.
	stopped := errors.New("stopped")
	func() {
		defer func() {
			if r := recover(); r != stopped {
				t.Fatalf("ImportWith did not stop: %v", r)
			}
		}()
		_, err := db.ImportWith(ctx, ada.ID, bigImport(2500), data.ImportOptions{OnDuplicate: data.OnDuplicateSkip, Progress: func(done int) {
			if done >= 500 {
				panic(stopped)
			}
		}})
		t.Fatalf("ImportWith = %v, want it stopped", err)
	}()
	left := pendingBooks(t, db)
	if left < 500 {
		t.Fatalf("%d books written before the stop, want several batches", left)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = openAndCheck(t, path)
	wantCounts(t, db, ada.ID, 1)
	n, err := db.DropPendingBooks(ctx)
	if err != nil || n != int64(left) {
		t.Errorf("DropPendingBooks = %d, %v; want %d", n, err, left)
	}
	if got := pendingBooks(t, db); got != 0 {
		t.Errorf("%d books left waiting", got)
	}
	write, _ := db.Pools()
	var books, genre, fts int
	if err := write.GetContext(ctx, &books, `SELECT COUNT(*) FROM books`); err != nil || books != 1 {
		t.Errorf("books = %d, %v; want Dune alone", books, err)
	}
	if err := write.GetContext(ctx, &genre, `SELECT books FROM genres WHERE name_key = 'poetry'`); err != nil || genre != 1 {
		t.Errorf("Poetry counts %d books, %v; want 1", genre, err)
	}
	if err := write.GetContext(ctx, &fts, `SELECT COUNT(*) FROM books_fts`); err != nil || fts != 1 {
		t.Errorf("the search index holds %d books, %v; want 1", fts, err)
	}
	wantCounts(t, db, ada.ID, 1)
	assertGenres(t, db.Books(), ada.ID, "Poetry")
}

// TestImportCountsAsARecount checks that the counts an import adds (tallied as it writes, or
// counted from its books when a row updated a book it had created) equal a count from scratch:
// books by status, genres (keyed as SQLite's lower() keys them, ASCII letters only) and shelves.
func TestImportCountsAsARecount(t *testing.T) {
	for _, tc := range []struct {
		name string
		rows []data.ImportRow
	}{
		{"Tallied", []data.ImportRow{
			{Title: "A", Author: "X", Genre: "Poetry", Status: data.StatusRead, Shelves: []string{"Owned"}, Edition: data.Edition{Language: "fr"}},
			{Title: "B", Author: "X", Genre: "poetry", Status: data.StatusReading, Shelves: []string{"owned", "Lent"}, Edition: data.Edition{Language: "fr"}},
			{Title: "C", Author: "X", Genre: "Ästhetik", Status: data.StatusDNF},
			{Title: "D", Author: "X", Genre: "ästhetik"},
			{Title: "E", Author: "X"},
		}},
		{"RowUpdatesANewBook", []data.ImportRow{
			{Title: "A", Author: "X", Genre: "Poetry", Status: data.StatusRead, Shelves: []string{"Owned"}},
			{Title: "A", Author: "X", Genre: "Drama", Status: data.StatusWant, Shelves: []string{"Owned", "Lent"}, Edition: data.Edition{Language: "de"}},
		}},
		{"RowUpdatesALiveBook", []data.ImportRow{
			{Title: "Dune", Author: "Frank Herbert", Genre: "Poetry", Status: data.StatusDNF, Shelves: []string{"Owned"}, Edition: data.Edition{Language: "en"}},
			{Title: "B", Author: "X", Genre: "SF", Status: data.StatusRead},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			db := openDB(t)
			ada := addReader(t, db, "ada")
			dune := mustCreate(t, db.Books(), ada.ID, data.BookInput{Title: "Dune", Author: "Frank Herbert", Genre: "SF"})
			if _, err := db.Reading().SetStatus(ctx, ada.ID, dune.ID, data.StatusRead, time.Now()); err != nil {
				t.Fatal(err)
			}
			if _, err := db.ImportWith(ctx, ada.ID, tc.rows, data.ImportOptions{OnDuplicate: data.OnDuplicateUpdate}); err != nil {
				t.Fatal(err)
			}
			write, _ := db.Pools()
			for what, q := range map[string]string{
				"genres": `SELECT COUNT(*) FROM genres g WHERE g.books <> (SELECT COUNT(*) FROM books b
					WHERE b.owner_id = g.owner_id AND lower(b.genre) = g.name_key AND b.deleted_at IS NULL AND b.pending_import IS NULL)`,
				"missing genres": `SELECT COUNT(DISTINCT lower(genre)) FROM books b WHERE genre <> '' AND NOT EXISTS
					(SELECT 1 FROM genres g WHERE g.owner_id = b.owner_id AND g.name_key = lower(b.genre))`,
				"languages": `SELECT COUNT(*) FROM languages l WHERE l.books <> (SELECT COUNT(*) FROM editions e JOIN books b ON b.id = e.book_id
					WHERE b.owner_id = l.owner_id AND e.language = l.language AND b.deleted_at IS NULL AND b.pending_import IS NULL)`,
				"missing languages": `SELECT COUNT(*) FROM editions e JOIN books b ON b.id = e.book_id WHERE e.language <> ''
					AND b.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM languages l WHERE l.owner_id = b.owner_id AND l.language = e.language)`,
				"shelves": `SELECT COUNT(*) FROM shelves s WHERE s.books <> (SELECT COUNT(*) FROM book_shelves bs
					JOIN books b ON b.id = bs.book_id WHERE bs.shelf_id = s.id AND b.deleted_at IS NULL AND b.pending_import IS NULL)`,
			} {
				var wrong int
				if err := write.GetContext(ctx, &wrong, q); err != nil || wrong != 0 {
					t.Errorf("%s: %d disagree with a recount, %v", what, wrong, err)
				}
			}
			var live int
			if err := write.GetContext(ctx, &live, `SELECT COUNT(*) FROM books WHERE owner_id = ? AND deleted_at IS NULL`, ada.ID); err != nil {
				t.Fatal(err)
			}
			wantCounts(t, db, ada.ID, live)
		})
	}
}

// TestImportDeletesItsRowsAfter checks what an import does once its books are in: its rows
// are deleted (a few chunks a transaction, after the last one), and the search index merged
// into one piece finds every book.
func TestImportDeletesItsRowsAfter(t *testing.T) {
	ctx := t.Context()
	db := openDB(t)
	ada := addReader(t, db, "ada")
	store := db.Imports()
	rows := make([]data.ImportRow, 3000)
	for i := range rows {
		rows[i] = data.ImportRow{Title: fmt.Sprintf("Book %d", i), Author: "Wisława Szymborska"}
	}
	im, err := store.Create(ctx, ada.ID, file(pending(rows...)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Start(ctx, ada.ID, im.ID, data.OnDuplicateSkip); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Run(ctx, ada.ID, im.ID, nil); err != nil {
		t.Fatal(err)
	}
	write, _ := db.Pools()
	var chunks int
	if err := write.GetContext(ctx, &chunks, `SELECT COUNT(*) FROM import_chunks WHERE import_id = ?`, im.ID); err != nil || chunks != 0 {
		t.Errorf("%d chunks left after the import, %v", chunks, err)
	}
	got, err := store.Get(ctx, ada.ID, im.ID)
	if err != nil || got.State != data.ImportDone {
		t.Errorf("import = %+v, %v; want done", got, err)
	}
	n, err := db.Books().FindCount(ctx, ada.ID, data.BookQuery{Search: "szymborska"}, 5000)
	if err != nil || n != len(rows) {
		t.Errorf("search after the merge finds %d, %v; want %d", n, err, len(rows))
	}
}
