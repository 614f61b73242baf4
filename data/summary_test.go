package data_test

import (
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
