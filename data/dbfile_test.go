package data_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/bookcase/bookcase/data"
)

// TestDatabaseFileGone deletes the database file, or moves another in its place, under an open
// store: writes are refused with ErrDatabaseGone (before, they were acknowledged and lost at the
// next start, or replayed onto the restored file), Ready says why, and reads go on.
func TestDatabaseFileGone(t *testing.T) {
	for _, tc := range []struct {
		name string
		do   func(t *testing.T, path string)
	}{
		{"Deleted", func(t *testing.T, path string) {
			for _, f := range []string{path, path + "-wal", path + "-shm"} {
				if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
					t.Fatal(err)
				}
			}
		}},
		{"Replaced", func(t *testing.T, path string) {
			// A restore done wrong: another file moved over the live one.
			other := filepath.Join(filepath.Dir(path), "backup.db")
			if err := os.WriteFile(other, []byte("not this database"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(other, path); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bookcase.db")
			db, err := data.Open(t.Context(), path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			owner := addReader(t, db, "reader").ID
			books := db.Books()
			kept := mustCreate(t, books, owner, data.BookInput{Title: "Dune", Author: "Frank Herbert"})
			if err := db.Ready(t.Context()); err != nil {
				t.Fatalf("Ready before: %v", err)
			}

			tc.do(t, path)
			_, err = books.Create(t.Context(), owner, data.BookInput{Title: "Emma", Author: "Jane Austen"})
			if !errors.Is(err, data.ErrDatabaseGone) {
				t.Fatalf("create after the file went: %v, want ErrDatabaseGone", err)
			}
			if err := db.Ready(t.Context()); !errors.Is(err, data.ErrDatabaseGone) {
				t.Errorf("Ready after: %v, want ErrDatabaseGone", err)
			}
			if _, err := books.Get(t.Context(), owner, kept.ID); err != nil {
				t.Errorf("reading after the file went: %v", err)
			}
		})
	}
	t.Run("SameFileKeepsWorking", func(t *testing.T) {
		// The same file under the same path keeps working: a check of identity, not of time.
		db := openDB(t)
		owner := addReader(t, db, "reader").ID
		for range 3 {
			mustCreate(t, db.Books(), owner, data.BookInput{Title: "Dune", Author: "Frank Herbert"})
		}
		if err := db.Ready(t.Context()); err != nil {
			t.Errorf("Ready: %v", err)
		}
	})
}

// TestCloseTwice closes a store twice, as a deferred Close after an explicit one does: the
// second is harmless (the file watch's timer once panicked on it).
func TestCloseTwice(t *testing.T) {
	db, err := data.Open(t.Context(), filepath.Join(t.TempDir(), "bookcase.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db.Close() // the pools say they are closed already; it must not panic
}
