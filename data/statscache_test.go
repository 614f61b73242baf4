package data_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

// TestStatsFollowEveryChange changes a reader's library in every way the stats count, through
// each store, and checks after each change that the stats YearStats gives (kept, or computed
// again) are those computed afresh; and that asking again without a change computes nothing.
// Before the cache, every request computed them; a change the cache missed would show here as
// stale stats.
func TestStatsFollowEveryChange(t *testing.T) {
	ctx := t.Context()
	db := openDB(t)
	clock := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	db.SetClock(fixedClock(&clock))
	ada, bob := addReader(t, db, "ada").ID, addReader(t, db, "bob").ID
	books, reading, covers := db.Books(), db.Reading(), db.Covers()
	day := func(m time.Month, d int) *time.Time { t := time.Date(2026, m, d, 0, 0, 0, 0, time.UTC); return &t }

	check := func(step string, changed bool) {
		t.Helper()
		for _, year := range []int{2026, 2025, 0} {
			before := db.StatsComputed()
			got, err := reading.YearStats(ctx, ada, year, time.UTC)
			if err != nil {
				t.Fatalf("%s: YearStats(%d): %v", step, year, err)
			}
			want, err := reading.ComputeYearStats(ctx, ada, year, time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: YearStats(%d) = %+v\nwant (computed afresh) %+v", step, year, got, want)
			}
			if computed := db.StatsComputed() - before; computed != map[bool]int64{true: 1, false: 0}[changed] {
				t.Errorf("%s: YearStats(%d) computed the stats %d times, want %v", step, year, computed, changed)
			}
			if _, err := reading.YearStats(ctx, ada, year, time.UTC); err != nil {
				t.Fatal(err)
			}
			if db.StatsComputed()-before > 1 {
				t.Errorf("%s: YearStats(%d) asked again without a change computed them again", step, year)
			}
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
	_, err := reading.SetDetails(ctx, ada, dune.ID, data.DetailsInput{Pages: "600", Rating: "4"})
	must(err)
	check("pages and rating", true)
	_, err = reading.SetStatus(ctx, ada, dune.ID, data.StatusReading, *day(2, 20))
	must(err)
	check("started", true)
	_, err = reading.RecordProgress(ctx, ada, dune.ID, data.ProgressInput{Page: 150})
	must(err)
	check("progress", true)
	history, err := reading.ProgressHistory(ctx, ada, dune.ID)
	must(err)
	_, err = reading.EditProgress(ctx, ada, dune.ID, history[0].ID, data.ProgressInput{Page: 250}, *day(2, 25))
	must(err)
	check("progress corrected", true)
	_, err = reading.RecordProgress(ctx, ada, dune.ID, data.ProgressInput{Page: 400})
	must(err)
	check("more progress", true)
	history, err = reading.ProgressHistory(ctx, ada, dune.ID)
	must(err)
	must(reading.DeleteProgress(ctx, ada, dune.ID, history[0].ID))
	check("progress deleted", true)
	_, err = reading.SetStatus(ctx, ada, dune.ID, data.StatusRead, *day(3, 1))
	must(err)
	check("finished", true)
	_, err = books.Update(ctx, ada, dune.ID, data.BookInput{Title: "Dune", Author: "Frank Herbert", Genre: "Classics"})
	must(err)
	check("genre changed", true)
	_, err = covers.Set(ctx, ada, dune.ID, []byte("small"), []byte("large"))
	must(err)
	check("cover set", true)
	must(covers.Delete(ctx, ada, dune.ID))
	check("cover removed", true)
	past, err := reading.AddReadThrough(ctx, ada, dune.ID, data.ReadingInput{StartedOn: day(1, 2), FinishedOn: day(1, 9), Outcome: data.StatusRead})
	must(err)
	check("a past reading", true)
	_, err = reading.DeleteReadThrough(ctx, ada, dune.ID, past.ID)
	must(err)
	check("the past reading deleted", true)

	// Another reader's changes leave Ada's stats as they are.
	emma := mustCreate(t, books, bob, data.BookInput{Title: "Emma", Author: "Jane Austen"})
	_, err = reading.SetStatus(ctx, bob, emma.ID, data.StatusRead, *day(2, 1))
	must(err)
	check("another reader's book", false)

	_, err = books.Delete(ctx, ada, dune.ID)
	must(err)
	check("deleted", true)
	_, err = books.Restore(ctx, ada, dune.ID)
	must(err)
	check("restored by Undo", true)

	_, err = db.Import(ctx, ada, []data.ImportRow{
		{Title: "Emma", Author: "Jane Austen", Status: data.StatusRead, Pages: 400, DateRead: day(2, 14)},
	}, data.OnDuplicateUpdate)
	must(err)
	check("a new book imported", true)
	_, err = db.Import(ctx, ada, []data.ImportRow{
		{Title: "Dune", Author: "Frank Herbert", Rating: 10, Status: data.StatusRead},
	}, data.OnDuplicateUpdate)
	must(err)
	check("a book updated by an import", true)

	clock = clock.Add(24 * time.Hour)
	check("the next day", true)
}

// TestStatsComputedOnceTogether asks for the same stats from many requests at once: one
// computes them, the others wait for its result.
func TestStatsComputedOnceTogether(t *testing.T) {
	ctx := t.Context()
	db := openDB(t)
	ada := addReader(t, db, "ada").ID
	for i := range 50 {
		b := mustCreate(t, db.Books(), ada, data.BookInput{Title: fmt.Sprintf("Book %d", i), Author: "A"})
		if _, err := db.Reading().SetStatus(ctx, ada, b.ID, data.StatusRead, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 16 {
		wg.Go(func() {
			<-start
			if _, err := db.Reading().YearStats(context.WithoutCancel(ctx), ada, 0, time.UTC); err != nil {
				t.Error(err)
			}
		})
	}
	close(start)
	wg.Wait()
	// Those that came after the first had finished found the stats kept; those during, waited.
	if n := db.StatsComputed(); n != 1 {
		t.Errorf("16 requests at once computed the stats %d times, want 1", n)
	}
}

// TestStatsOutliveTheirRequest gives up on a stats computation while it runs (as a request
// whose deadline passes under load does): the request answers busy at once, but the computation
// goes on and keeps its result, so the next request takes it instead of starting again. Before,
// the request that started it took it down with it.
func TestStatsOutliveTheirRequest(t *testing.T) {
	ctx := t.Context()
	db := openDB(t)
	ada := addReader(t, db, "ada").ID
	b := mustCreate(t, db.Books(), ada, data.BookInput{Title: "Dune", Author: "Frank Herbert"})
	if _, err := db.Reading().SetStatus(ctx, ada, b.ID, data.StatusRead, time.Now()); err != nil {
		t.Fatal(err)
	}
	asked, giveUp := context.WithCancel(ctx)
	// YearStats asks the clock for the reader's day, then the computation asks it again as it
	// starts: that is when the request gives up. The computation then waits until the request
	// has answered: were it let go on, it could finish first, and the request would rightly
	// answer with its result (as CI's run of 2026-12-07 found).
	var calls atomic.Int64
	answered := make(chan struct{})
	var once sync.Once
	answer := func() { once.Do(func() { close(answered) }) }
	defer answer()
	now := time.Now()
	db.SetClock(func() time.Time {
		if calls.Add(1) == 2 {
			giveUp()
			<-answered
		}
		return now
	})
	_, err := db.Reading().YearStats(asked, ada, 0, time.UTC)
	answer()
	if !errors.Is(err, data.ErrBusy) && !errors.Is(err, context.Canceled) {
		t.Fatalf("a request that gave up: %v, want busy", err)
	}
	for deadline := time.Now().Add(20 * time.Second); !db.StatsKept(ada, 0); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the stats a request gave up on were never kept")
		}
	}
	st, err := db.Reading().YearStats(ctx, ada, 0, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if st.Finished != 1 {
		t.Errorf("%d books finished, want 1", st.Finished)
	}
	if n := db.StatsComputed(); n != 1 {
		t.Errorf("the stats were computed %d times, want once", n)
	}
}
