package data_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

// TestSummaryFollowsEveryChange makes each kind of change that a library page's summary shows,
// through each store, and checks that Summary then gives what the five queries it keeps give
// afresh, read once, and asked again without a change, not read at all.
func TestSummaryFollowsEveryChange(t *testing.T) {
	ctx := t.Context()
	db := openDB(t)
	ada, bob := addReader(t, db, "ada").ID, addReader(t, db, "bob").ID
	books, reading, shelves, covers, editions := db.Books(), db.Reading(), db.Shelves(), db.Covers(), db.Editions()
	const strip = 5

	check := func(step string, changed bool) {
		t.Helper()
		before := db.SummariesRead()
		got, err := books.Summary(ctx, ada, strip)
		if err != nil {
			t.Fatalf("%s: Summary: %v", step, err)
		}
		var want data.LibrarySummary
		if want.Counts, err = reading.StatusCounts(ctx, ada); err != nil {
			t.Fatal(err)
		}
		if want.Shelves, err = shelves.List(ctx, ada); err != nil {
			t.Fatal(err)
		}
		if want.Counts[data.StatusReading] > 0 {
			if want.Reading, err = reading.CurrentlyReading(ctx, ada, strip); err != nil {
				t.Fatal(err)
			}
		}
		if want.Genres, err = books.Genres(ctx, ada); err != nil {
			t.Fatal(err)
		}
		if want.Languages, err = books.Languages(ctx, ada); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: Summary = %+v\nwant (read afresh) %+v", step, got, want)
		}
		if read := db.SummariesRead() - before; read != map[bool]int64{true: 1, false: 0}[changed] {
			t.Errorf("%s: Summary read the summary %d times, want %v", step, read, changed)
		}
		before = db.SummariesRead()
		if _, err := books.Summary(ctx, ada, strip); err != nil {
			t.Fatal(err)
		}
		if db.SummariesRead() != before {
			t.Errorf("%s: Summary asked again without a change read it again", step)
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	check("empty library", true)
	check("asked again", false)

	dune := mustCreate(t, books, ada, data.BookInput{Title: "Dune", Author: "Frank Herbert", Genre: "SF"})
	check("a book added", true)
	_, err := reading.SetStatus(ctx, ada, dune.ID, data.StatusReading, time.Now())
	must(err)
	check("started", true)
	_, err = reading.RecordProgress(ctx, ada, dune.ID, data.ProgressInput{Page: 150})
	must(err)
	check("progress", true)
	_, err = covers.Set(ctx, ada, dune.ID, []byte("small"), []byte("large"))
	must(err)
	check("cover set", true)
	_, err = books.Update(ctx, ada, dune.ID, data.BookInput{Title: "Dune", Author: "Frank Herbert", Genre: "Classics"})
	must(err)
	check("genre changed", true)
	_, err = editions.Set(ctx, ada, dune.ID, data.Edition{Language: "fr"})
	must(err)
	check("a language given", true)
	_, err = editions.Set(ctx, ada, dune.ID, data.Edition{Language: "de"})
	must(err)
	check("the language changed", true)

	owned, err := shelves.Create(ctx, ada, "Owned")
	must(err)
	check("a shelf made", true)
	must(shelves.Shelve(ctx, ada, dune.ID, owned.ID))
	check("a book shelved", true)
	_, err = shelves.Rename(ctx, ada, owned.ID, "Mine")
	must(err)
	check("the shelf renamed", true)
	lent, err := shelves.Create(ctx, ada, "Lent out")
	must(err)
	check("a second shelf", true)
	_, err = shelves.Move(ctx, ada, lent.ID, 0)
	must(err)
	check("a shelf moved", true)
	must(shelves.Unshelve(ctx, ada, dune.ID, owned.ID))
	check("a book taken off its shelf", true)
	must(shelves.SetBookShelves(ctx, ada, dune.ID, []int64{lent.ID}))
	check("a book's shelves set", true)
	must(shelves.Delete(ctx, ada, owned.ID))
	check("a shelf deleted", true)

	// Another reader's changes leave Ada's summary as it is.
	emma := mustCreate(t, books, bob, data.BookInput{Title: "Emma", Author: "Jane Austen", Genre: "Classics"})
	bobs, err := shelves.Create(ctx, bob, "Owned")
	must(err)
	must(shelves.Shelve(ctx, bob, emma.ID, bobs.ID))
	_, err = editions.Set(ctx, bob, emma.ID, data.Edition{Language: "en"})
	must(err)
	check("another reader's changes", false)

	_, err = books.Delete(ctx, ada, dune.ID)
	must(err)
	check("deleted", true)
	_, err = books.Restore(ctx, ada, dune.ID)
	must(err)
	check("restored by Undo", true)

	_, err = db.Import(ctx, ada, []data.ImportRow{
		{Title: "Persuasion", Author: "Jane Austen", Genre: "Romance", Status: data.StatusReading,
			Shelves: []string{"Book club"}, Edition: data.Edition{Language: "it"}},
	}, data.OnDuplicateUpdate)
	must(err)
	check("a book imported with a new shelf and language", true)
}

// TestSummaryTakesTheVersionReadWithTheSession checks that the session gives the reader's
// reading version as it is, and that the summary, given it for its reader
// (data.WithReadingVersion), takes the summary kept for that version without reading the version
// again: a page read costs one query less (a round trip on PostgreSQL). Given for another reader,
// the version is not used.
func TestSummaryTakesTheVersionReadWithTheSession(t *testing.T) {
	ctx := t.Context()
	db := openDB(t)
	ada, bob := addReader(t, db, "ada").ID, addReader(t, db, "bob").ID
	books, sessions := db.Books(), db.Sessions(time.Hour, 24*time.Hour)
	sess, err := sessions.Create(ctx, ada)
	if err != nil {
		t.Fatal(err)
	}
	version := func() int64 {
		t.Helper()
		got, err := sessions.Get(ctx, sess.Token)
		if err != nil {
			t.Fatal(err)
		}
		return got.ReadingVersion
	}
	count := func(sum data.LibrarySummary) int { return sum.Counts[data.StatusWant] }

	mustCreate(t, books, ada, data.BookInput{Title: "Dune", Author: "Frank Herbert"})
	v1 := version()
	kept, err := books.Summary(data.WithReadingVersion(ctx, ada, v1), ada, 5)
	if err != nil {
		t.Fatal(err)
	}
	if count(kept) != 1 {
		t.Fatalf("summary after one book counts %d books to read", count(kept))
	}
	mustCreate(t, books, ada, data.BookInput{Title: "Emma", Author: "Jane Austen"})
	v2 := version()
	if v2 <= v1 {
		t.Fatalf("the session's reading version after a book was added = %d, want more than %d", v2, v1)
	}

	before := db.SummariesRead()
	got, err := books.Summary(data.WithReadingVersion(ctx, ada, v1), ada, 5)
	if err != nil {
		t.Fatal(err)
	}
	if count(got) != 1 || db.SummariesRead() != before {
		t.Errorf("summary given the version read before the second book: %d books to read, read %d times; "+
			"want the summary kept for that version (1 book), read 0 times", count(got), db.SummariesRead()-before)
	}
	for _, c := range []struct {
		name string
		ctx  context.Context
	}{
		{"given bob's version", data.WithReadingVersion(ctx, bob, v1)},
		{"given the version now", data.WithReadingVersion(ctx, ada, v2)},
		{"given none", ctx},
	} {
		got, err := books.Summary(c.ctx, ada, 5)
		if err != nil {
			t.Fatal(err)
		}
		if count(got) != 2 {
			t.Errorf("summary %s: %d books to read, want 2", c.name, count(got))
		}
	}
}
