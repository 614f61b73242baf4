package data

import (
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestWriteOnFullDisk fills the database to the most pages SQLite may give it (as a full disk
// does) and checks that the write that needs one more fails with ErrNoSpace, and changes nothing.
func TestWriteOnFullDisk(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "full.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	u, err := db.Users().Create(t.Context(), "ada", "a fine long passphrase")
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.Books().Create(t.Context(), u.ID, BookInput{Title: "Dune", Author: "Frank Herbert"})
	if err != nil {
		t.Fatal(err)
	}
	// The writer pool has one connection, so the limit holds for every write that follows.
	var pages int
	if err := db.write.GetContext(t.Context(), &pages, `PRAGMA page_count`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.ExecContext(t.Context(), `PRAGMA max_page_count = `+strconv.Itoa(pages)); err != nil {
		t.Fatal(err)
	}
	_, err = db.Books().SetDetails(t.Context(), u.ID, b.ID, DetailsInput{Notes: strings.Repeat("A long note. ", 700)})
	if !errors.Is(err, ErrNoSpace) {
		t.Fatalf("SetDetails on a full database: %v, want ErrNoSpace", err)
	}
	if got, err := db.Books().Get(t.Context(), u.ID, b.ID); err != nil || got.Notes != "" {
		t.Errorf("Get = %+v, %v; want the book unchanged", got, err)
	}
}
