package data_test

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/bookcase/bookcase/data"
)

// languagesMigration is the migration that counts each reader's books by language.
const languagesMigration = 36

// TestMigrateLanguages migrates a database made before languagesMigration: each reader's live
// books are counted by their editions' language (not a deleted book's, not a pending import's,
// not another reader's), the language filter lists them, and Down takes the counts away.
func TestMigrateLanguages(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := data.OpenAt(ctx, path, languagesMigration-1)
	if err != nil {
		t.Fatalf("OpenAt(%d): %v", languagesMigration-1, err)
	}
	oldSQL := oldWriter(t, old)
	reader := func(name string) int64 {
		return oldSQL(`INSERT INTO users (username, password_hash, created_at) VALUES (?, 'x', ?)`, name, t0)
	}
	book := func(owner int64, lang string, deleted, pending bool) {
		var del, pend any
		if deleted {
			del = t0
		}
		if pending {
			pend = 1
		}
		id := oldSQL(`INSERT INTO books (owner_id, title, author, genre, status, created_at, updated_at, deleted_at, pending_import)
			VALUES (?, 'T', 'A', '', 'want', ?, ?, ?, ?)`, owner, t0, t0, del, pend)
		oldSQL(`INSERT INTO editions (book_id, language, updated_at) VALUES (?, ?, ?)`, id, lang, t0)
	}
	ada, bob := reader("ada"), reader("bob")
	book(ada, "en", false, false)
	book(ada, "en", false, false)
	book(ada, "", false, false)
	book(ada, "fr", true, false)
	book(ada, "ja", false, true)
	book(bob, "de", false, false)
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := data.Open(ctx, path)
	if err != nil {
		t.Fatalf("migrate: %v", err)
	}
	for owner, want := range map[int64][]string{ada: {"en"}, bob: {"de"}} {
		if got, err := db.Books().Languages(ctx, owner); err != nil || !slices.Equal(got, want) {
			t.Errorf("Languages(%d) = %q, %v; want %q", owner, got, err, want)
		}
	}
	write, _ := db.Pools()
	var n int
	if err := write.GetContext(ctx, &n, `SELECT books FROM languages WHERE owner_id = ? AND language = 'en'`, ada); err != nil || n != 2 {
		t.Errorf("ada's English books: %d, %v; want 2", n, err)
	}
	if err := data.MigrateDownTo(ctx, db, languagesMigration-1); err != nil {
		t.Fatalf("down: %v", err)
	}
	if err := write.GetContext(ctx, &n, `SELECT COUNT(*) FROM sqlite_master WHERE name LIKE '%languages%'`); err != nil || n != 0 {
		t.Errorf("tables and triggers of languages after Down: %d, %v", n, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}
