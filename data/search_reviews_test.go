package data_test

import (
	"path/filepath"
	"testing"

	"github.com/bookcase/bookcase/data"
)

// TestSearchReviews checks that the library's search finds a book by a word of its review alone,
// as the review changes, and never by another reader's review (migration 00028).
func TestSearchReviews(t *testing.T) {
	f := openReading(t)
	ctx := t.Context()
	solaris := mustCreate(t, f.books, f.owner, data.BookInput{Title: "Solaris", Author: "Stanisław Lem"})
	dune := mustCreate(t, f.books, f.owner, data.BookInput{Title: "Dune", Author: "Frank Herbert"})
	theirs := mustCreate(t, f.books, f.other, data.BookInput{Title: "Eden", Author: "Stanisław Lem"})
	review := func(owner, id int64, text string) {
		t.Helper()
		if _, err := f.reading.SetDetails(ctx, owner, id, data.DetailsInput{Review: &text}); err != nil {
			t.Fatalf("SetDetails(review %q): %v", text, err)
		}
	}
	review(f.owner, solaris.ID, "A haunting ocean; Kelvin's grief, złożony.")
	review(f.other, theirs.ID, "Haunting too, and a sentient planet.")

	wantFound(t, f.books, f.owner, "haunting", solaris.ID) // never the other reader's book
	wantFound(t, f.books, f.owner, "haunt ocean", solaris.ID)
	wantFound(t, f.books, f.owner, "zlozony", solaris.ID) // folded as the other columns are
	wantFound(t, f.books, f.owner, "sentient")
	wantFound(t, f.books, f.other, "haunting", theirs.ID)
	wantFound(t, f.books, f.other, "ocean")

	// A new review replaces the old words; an edit of the book keeps the review's.
	review(f.owner, solaris.ID, "Mimoids and a thinking sea.")
	wantFound(t, f.books, f.owner, "haunting")
	wantFound(t, f.books, f.owner, "mimoids", solaris.ID)
	if _, err := f.books.Update(ctx, f.owner, solaris.ID, data.BookInput{Title: "Solaris (1961)", Author: "Stanisław Lem"}); err != nil {
		t.Fatal(err)
	}
	wantFound(t, f.books, f.owner, "mimoids", solaris.ID)
	// No review, no match.
	review(f.owner, solaris.ID, "")
	wantFound(t, f.books, f.owner, "mimoids")
	wantFound(t, f.books, f.owner, "dune", dune.ID)

	// An imported review, indexed with its book by the importer; a row that changes it later in
	// the file replaces its words.
	rows := []data.ImportRow{
		{Title: "The Dispossessed", Author: "Ursula K. Le Guin", Status: data.StatusRead, Review: "Anarres, brooding"},
		{Title: "Kindred", Author: "Octavia E. Butler", Status: data.StatusWant},
		{Title: "The Dispossessed", Author: "Ursula K. Le Guin", Status: data.StatusRead, Review: "Anarres, hopeful"},
	}
	f.db.SetImportBatches(2)
	if _, err := f.db.Import(ctx, f.owner, rows, data.OnDuplicateUpdate); err != nil {
		t.Fatalf("Import: %v", err)
	}
	dispossessed := findIDs(t, f.books, f.owner, "dispossessed")
	if len(dispossessed) != 1 {
		t.Fatalf("Find(dispossessed) = %v, want the imported book", dispossessed)
	}
	wantFound(t, f.books, f.owner, "anarres hopeful", dispossessed...)
	wantFound(t, f.books, f.owner, "brooding")
	wantFound(t, f.books, f.other, "anarres")
}

// searchReviewsMigration is the migration that indexes reviews.
const searchReviewsMigration = 28

// TestMigrateSearchReviews opens a database made by the schema before searchReviewsMigration with
// a reviewed book in it: Up indexes the review of every book there was, and Down gives back the
// index without reviews, which still finds titles, series and publishers and keeps up with new
// books.
func TestMigrateSearchReviews(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := data.OpenAt(ctx, path, searchReviewsMigration-1)
	if err != nil {
		t.Fatalf("OpenAt(%d): %v", searchReviewsMigration-1, err)
	}
	oldSQL := oldWriter(t, old)
	owner := oldSQL(`INSERT INTO users (username, password_hash, created_at) VALUES ('reader', 'x', ?)`, t0)
	wakes := oldSQL(`INSERT INTO books (owner_id, title, author, genre, review, created_at, updated_at)
		VALUES (?, 'Leviathan Wakes', 'James S. A. Corey', '', 'Noir on Ceres', ?, ?)`, owner, t0, t0)
	sid := oldSQL(`INSERT INTO series (owner_id, name, name_key, created_at) VALUES (?, 'The Expanse', 'the expanse', ?)`, owner, t0)
	oldSQL(`INSERT INTO book_series (book_id, series_id, position, position_sort) VALUES (?, ?, '1', 1)`, wakes, sid)
	oldSQL(`INSERT INTO editions (book_id, publisher, updated_at) VALUES (?, 'Orbit', ?)`, wakes, t0)
	oldSQL(`INSERT INTO book_counts (owner_id, live, want) VALUES (?, 1, 1)`, owner)
	// A book of an import under way that the import has not indexed yet stays out of the index.
	oldSQL(`INSERT INTO books (owner_id, title, author, genre, review, created_at, updated_at, pending_import)
		VALUES (?, 'Caliban''s War', 'James S. A. Corey', '', 'Mars', ?, ?, 1)`, owner, t0, t0)
	if err := old.Close(); err != nil {
		t.Fatalf("close the old database: %v", err)
	}

	db, err := data.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	books := db.Books()
	wantFound(t, books, owner, "ceres", wakes)
	wantFound(t, books, owner, "expanse orbit leviathan", wakes)
	write, _ := db.Pools()
	var n int
	if err := write.GetContext(ctx, &n, `SELECT COUNT(*) FROM books_fts('caliban OR mars')`); err != nil || n != 0 {
		t.Errorf("the pending book is indexed: %d rows, %v", n, err)
	}

	if err := data.MigrateDownTo(ctx, db, searchReviewsMigration-1); err != nil {
		t.Fatalf("down: %v", err)
	}
	if err := write.GetContext(ctx, &n, `SELECT COUNT(*) FROM pragma_table_info('books_fts') WHERE name = 'review'`); err != nil || n != 0 {
		t.Errorf("review column after Down: %d, %v", n, err)
	}
	wantFound(t, books, owner, "ceres")
	wantFound(t, books, owner, "expanse orbit leviathan", wakes)
	var dune int64
	if err := write.GetContext(ctx, &dune, `
		INSERT INTO books (owner_id, title, author, genre, review, created_at, updated_at) VALUES (?, 'Dune', 'Frank Herbert', '', 'Spice', ?, ?)
		RETURNING id`, owner, t0, t0); err != nil {
		t.Fatal(err)
	}
	wantFound(t, books, owner, "dune", dune)
	wantFound(t, books, owner, "spice")
}
