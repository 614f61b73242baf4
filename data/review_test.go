package data_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/bookcase/bookcase/data"
)

// TestReview keeps a book's review apart from its private notes: both saved by SetDetails, the
// spoiler flag only with a review, a form without the review keeping it, a bad review refused
// with nothing saved.
func TestReview(t *testing.T) {
	f := openReading(t)
	ctx := t.Context()
	b, err := f.books.Create(ctx, f.owner, data.BookInput{Title: "Solaris", Author: "Stanisław Lem"})
	if err != nil {
		t.Fatal(err)
	}
	review := "An ocean that thinks.\nKelvin stays."
	b, err = f.reading.SetDetails(ctx, f.owner, b.ID, data.DetailsInput{Notes: "Lent to Ann", Review: &review, Spoiler: true})
	if err != nil {
		t.Fatal(err)
	}
	if b.Review != review || !b.Spoiler || b.Notes != "Lent to Ann" {
		t.Errorf("saved: review %q, spoiler %v, notes %q", b.Review, b.Spoiler, b.Notes)
	}
	// A form without the review (nil) keeps it and its flag.
	b, err = f.reading.SetDetails(ctx, f.owner, b.ID, data.DetailsInput{Notes: "Back from Ann"})
	if err != nil || b.Review != review || !b.Spoiler || b.Notes != "Back from Ann" {
		t.Errorf("without the review: %q, %v, %q, %v", b.Review, b.Spoiler, b.Notes, err)
	}
	// A bad review: refused beside its field, nothing saved.
	bad := "Fine\x00"
	if _, err := f.reading.SetDetails(ctx, f.owner, b.ID, data.DetailsInput{Notes: "changed", Review: &bad}); !hasProblem(err, "review") {
		t.Errorf("a review with a control character: %v, want a problem with review", err)
	}
	long := strings.Repeat("a", data.MaxNotesLen+1)
	if _, err := f.reading.SetDetails(ctx, f.owner, b.ID, data.DetailsInput{Review: &long}); !hasProblem(err, "review") {
		t.Errorf("a review too long: %v, want a problem with review", err)
	}
	if b, err = f.books.Get(ctx, f.owner, b.ID); err != nil || b.Review != review || b.Notes != "Back from Ann" {
		t.Errorf("after the refusals: %q, %q, %v", b.Review, b.Notes, err)
	}
	// No review: no spoiler warning.
	empty := "  "
	b, err = f.reading.SetDetails(ctx, f.owner, b.ID, data.DetailsInput{Review: &empty, Spoiler: true})
	if err != nil || b.Review != "" || b.Spoiler {
		t.Errorf("an empty review with the spoiler box ticked: %q, %v, %v", b.Review, b.Spoiler, err)
	}
}

// TestMigrateReviews migrates a database made by the schema before reviews, with a book with
// notes: the notes stay the book's private notes and it has no review; Down takes the review
// columns away and leaves the notes.
func TestMigrateReviews(t *testing.T) {
	const reviews = 23
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := data.OpenAt(ctx, path, reviews-1)
	if err != nil {
		t.Fatal(err)
	}
	oldSQL := oldWriter(t, old)
	owner := oldSQL(`INSERT INTO users (username, password_hash, created_at) VALUES ('reader', 'x', ?)`, t0)
	dune := oldSQL(`INSERT INTO books (owner_id, title, author, notes, created_at, updated_at) VALUES (?, 'Dune', 'Frank Herbert', 'Spice!', ?, ?)`, owner, t0, t0)
	oldSQL(`INSERT INTO book_counts (owner_id, live, want) VALUES (?, 1, 1)`, owner)
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	db, err := data.Open(ctx, path)
	if err != nil {
		t.Fatalf("migrate: %v", err)
	}
	b, err := db.Books().Get(ctx, owner, dune)
	if err != nil {
		t.Fatal(err)
	}
	if b.Notes != "Spice!" || b.Review != "" || b.Spoiler {
		t.Errorf("after the migration: notes %q, review %q, spoiler %v; want the notes kept private", b.Notes, b.Review, b.Spoiler)
	}
	if err := data.MigrateDownTo(ctx, db, reviews-1); err != nil {
		t.Fatalf("down: %v", err)
	}
	write, _ := db.Pools()
	var n int
	if err := write.GetContext(ctx, &n, `SELECT COUNT(*) FROM pragma_table_info('books') WHERE name IN ('review', 'review_spoiler')`); err != nil || n != 0 {
		t.Errorf("review columns after Down: %d, %v", n, err)
	}
	if err := write.GetContext(ctx, &n, `SELECT COUNT(*) FROM books WHERE notes = 'Spice!'`); err != nil || n != 1 {
		t.Errorf("books after Down: %d with their notes, %v", n, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}
