package data_test

import (
	"errors"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

// TestCoverStore: a cover belongs to its owner's live book; another reader's book, a deleted
// book and an old hash are ErrNotFound; purging the book removes its cover with it.
func TestCoverStore(t *testing.T) {
	db := openDB(t)
	ada, bob := addReader(t, db, "ada").ID, addReader(t, db, "bob").ID
	dune := mustCreate(t, db.Books(), ada, data.BookInput{Title: "Dune", Author: "Frank Herbert"})
	covers := db.Covers()
	ctx := t.Context()

	if _, err := covers.Set(ctx, bob, dune.ID, []byte("s"), []byte("l")); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("Set on another reader's book: %v, want ErrNotFound", err)
	}
	aaaa, err := covers.Set(ctx, ada, dune.ID, []byte("s1"), []byte("l1"))
	if err != nil || aaaa != data.CoverHash([]byte("l1")) {
		t.Fatalf("Set = %q, %v; want the large picture's hash", aaaa, err)
	}
	bbbb, err := covers.Set(ctx, ada, dune.ID, []byte("s2"), []byte("l2"))
	if err != nil {
		t.Fatal(err)
	}
	if b, err := db.Books().Get(ctx, ada, dune.ID); err != nil || b.Cover != bbbb {
		t.Errorf("the book's cover = %q, %v; want the replacement's %q", b.Cover, err, bbbb)
	}
	if img, err := covers.Image(ctx, ada, bbbb, data.CoverLarge); err != nil || string(img) != "l2" {
		t.Errorf("Image = %q, %v", img, err)
	}
	for name, get := range map[string]func() ([]byte, error){
		"OldHash":     func() ([]byte, error) { return covers.Image(ctx, ada, aaaa, data.CoverSmall) },
		"OtherReader": func() ([]byte, error) { return covers.Image(ctx, bob, bbbb, data.CoverSmall) },
		"Unknown":     func() ([]byte, error) { return covers.Image(ctx, ada, "cccc", data.CoverSmall) },
	} {
		if _, err := get(); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", name, err)
		}
	}
	if ok, err := covers.Owns(ctx, ada, bbbb); err != nil || !ok {
		t.Errorf("Owns(ada, bbbb) = %v, %v", ok, err)
	}
	if ok, err := covers.Owns(ctx, bob, bbbb); err != nil || ok {
		t.Errorf("Owns(bob, bbbb) = %v, %v; want false", ok, err)
	}

	// Deleted (Undo possible): hidden; restored: back; purged: gone with the book.
	if _, err := db.Books().Delete(ctx, ada, dune.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := covers.Image(ctx, ada, bbbb, data.CoverSmall); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("cover of a deleted book: %v", err)
	}
	if _, err := db.Books().PurgeDeleted(ctx, -time.Hour); err != nil {
		t.Fatal(err)
	}
	_, read := db.Pools()
	var left int
	if err := read.Get(&left, `SELECT COUNT(*) FROM covers`); err != nil || left != 0 {
		t.Errorf("%d covers left after their book was purged (%v)", left, err)
	}
}
