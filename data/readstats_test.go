package data_test

import (
	"cmp"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

// TestYearStats checks the stats of a small library against figures worked out by hand: a
// reading with progress, one spanning New Year, one given up, one of last year, a deleted book
// (left out, and counted again once restored) and another reader's book (never counted).
func TestYearStats(t *testing.T) {
	ctx := t.Context()
	db := openDB(t)
	clock := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC) // Dune's page 100 is read that day
	db.SetClock(fixedClock(&clock))
	ada, bob := addReader(t, db, "ada").ID, addReader(t, db, "bob").ID
	books, reading := db.Books(), db.Reading()
	date := func(y int, m time.Month, d int) *time.Time { t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC); return &t }
	book := func(owner int64, title, genre, pages, rating string) int64 {
		t.Helper()
		b := mustCreate(t, books, owner, data.BookInput{Title: title, Author: title + " Author", Genre: genre})
		if _, err := reading.SetDetails(ctx, owner, b.ID, data.DetailsInput{Pages: pages, Rating: rating}); err != nil {
			t.Fatal(err)
		}
		return b.ID
	}
	past := func(owner, id int64, in data.ReadingInput) {
		t.Helper()
		if _, err := reading.AddReadThrough(ctx, owner, id, in); err != nil {
			t.Fatalf("AddReadThrough: %v", err)
		}
	}
	status := func(id int64, st data.Status, on *time.Time) {
		t.Helper()
		if _, err := reading.SetStatus(ctx, ada, id, st, *on); err != nil {
			t.Fatalf("SetStatus: %v", err)
		}
	}

	// Dune: 400 pages, started 1 March, page 100 on 2 March, finished 10 March (300 more).
	dune := book(ada, "Dune", "SF", "400", "4")
	status(dune, data.StatusReading, date(2026, 3, 1))
	if _, err := reading.RecordProgress(ctx, ada, dune, data.ProgressInput{Page: 100}); err != nil {
		t.Fatal(err)
	}
	clock = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	status(dune, data.StatusRead, date(2026, 3, 10))
	clock = time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)
	// Emma: 200 pages over 30 December to 2 January, 50 a day.
	past(ada, book(ada, "Emma", "Classics", "200", "5"), data.ReadingInput{StartedOn: date(2025, 12, 30), FinishedOn: date(2026, 1, 2), Outcome: data.StatusRead})
	// Ulysses: given up the day it was begun, no page known.
	past(ada, book(ada, "Ulysses", "", "700", ""), data.ReadingInput{StartedOn: date(2026, 2, 1), FinishedOn: date(2026, 2, 1), Outcome: data.StatusDNF})
	// Old: read last year, finish date only.
	past(ada, book(ada, "Old", "SF", "100", ""), data.ReadingInput{FinishedOn: date(2025, 5, 5), Outcome: data.StatusRead})
	// Gone: read in April, then deleted.
	gone := book(ada, "Gone", "Poetry", "500", "1")
	past(ada, gone, data.ReadingInput{FinishedOn: date(2026, 4, 1), Outcome: data.StatusRead})
	if _, err := books.Delete(ctx, ada, gone); err != nil {
		t.Fatal(err)
	}
	past(bob, book(bob, "Bob's", "SF", "900", "5"), data.ReadingInput{FinishedOn: date(2026, 3, 3), Outcome: data.StatusRead})

	st, err := reading.YearStats(ctx, ada, 2026, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if want := (data.Figures{Finished: 2, Abandoned: 1, Pages: 500}); st.Figures != want {
		t.Errorf("2026 = %+v, want %+v", st.Figures, want)
	}
	if want := (data.Figures{Finished: 1, Pages: 200}); st.LastYear != want {
		t.Errorf("2025 = %+v, want %+v", st.LastYear, want)
	}
	if m := st.Months; m[0].Finished != 1 || m[0].Pages != 100 || m[1].Pages != 0 || m[2].Finished != 1 || m[2].Pages != 400 || m[3].Finished != 0 {
		t.Errorf("months = %+v", m)
	}
	if len(st.Days) != 365 || st.Days[0].Pages != 50 || st.Days[1].Pages != 50 || st.Days[31+28+1].Pages != 100 {
		t.Errorf("days: %d, 1 January %d, 2 January %d, 2 March %d", len(st.Days), st.Days[0].Pages, st.Days[1].Pages, st.Days[31+28+1].Pages)
	}
	if st.LongestStreak != 2 || st.CurrentStreak != 0 {
		t.Errorf("streaks = %d, %d; want 2, 0", st.LongestStreak, st.CurrentStreak)
	}
	wantShares := func(what string, got []data.Share, want ...data.Share) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s = %+v, want %+v", what, got, want)
			return
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%s = %+v, want %+v", what, got, want)
			}
		}
	}
	wantShares("genres", st.Genres, data.Share{Name: "Classics", Books: 1, Percent: 50}, data.Share{Name: "SF", Books: 1, Percent: 50})
	wantShares("authors", st.Authors, data.Share{Name: "Dune Author", Books: 1, Percent: 50}, data.Share{Name: "Emma Author", Books: 1, Percent: 50})
	if st.Ratings[7] != 1 || st.Ratings[9] != 1 || st.AverageRating != 4.5 {
		t.Errorf("ratings = %v, average %v; want one 4 and one 5 stars, 4.5", st.Ratings, st.AverageRating)
	}
	if st.AveragePages != 300 || st.AverageDays != 7 {
		t.Errorf("average pages %d, days %d; want 300, 7", st.AveragePages, st.AverageDays)
	}
	if st.Shortest == nil || st.Shortest.Title != "Emma" || st.Longest == nil || st.Longest.Title != "Dune" ||
		st.Fastest == nil || st.Fastest.Title != "Emma" || st.Fastest.Days != 4 {
		t.Errorf("shortest %+v, longest %+v, fastest %+v", st.Shortest, st.Longest, st.Fastest)
	}

	if st.HighestRated == nil || st.HighestRated.Title != "Emma" || st.First == nil || st.First.Title != "Emma" ||
		st.Last == nil || st.Last.Title != "Dune" || len(st.Books) != 2 || st.Books[0].Title != "Emma" || st.Books[1].Title != "Dune" {
		t.Errorf("highest rated %+v, first %+v, last %+v, books %+v", st.HighestRated, st.First, st.Last, st.Books)
	}

	all, err := reading.YearStats(ctx, ada, 0, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if want := (data.Figures{Finished: 3, Abandoned: 1, Pages: 700}); all.Figures != want || all.Days != nil {
		t.Errorf("all time = %+v (%d days), want %+v", all.Figures, len(all.Days), want)
	}

	// Undo brings the deleted book back, and its reading with it.
	if _, err := books.Restore(ctx, ada, gone); err != nil {
		t.Fatal(err)
	}
	st, err = reading.YearStats(ctx, ada, 2026, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if want := (data.Figures{Finished: 3, Abandoned: 1, Pages: 1000}); st.Figures != want || st.Months[3].Finished != 1 {
		t.Errorf("2026 after Undo = %+v, April %+v; want %+v", st.Figures, st.Months[3], want)
	}
}

// TestYearInReviewListsTheFirstFinished checks that a year of more finished books than the Year
// in Review lists gives it the first finished, in the order they were finished (of those finished
// the same day, the one entered first first), whatever the order they were entered in: here the
// books entered last are among the first finished, and some days have two.
func TestYearInReviewListsTheFirstFinished(t *testing.T) {
	ctx := t.Context()
	db := openDB(t)
	ada := addReader(t, db, "ada").ID
	books, reading := db.Books(), db.Reading()
	const listed, n = 120, 125 // the review lists 120 (reviewBooks)
	type entered struct {
		title    string
		finished time.Time
		order    int // the order it was entered in
	}
	var all []entered
	for i := range n {
		// Days 0 to 99 of the year, in an order unlike the books': book i and book i+100
		// finish the same day, and the five finished last (days 95 to 99) were entered early.
		finished := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i*37%100)
		e := entered{title: fmt.Sprintf("Book %03d", i), finished: finished, order: i}
		b := mustCreate(t, books, ada, data.BookInput{Title: e.title, Author: "A"})
		if _, err := reading.AddReadThrough(ctx, ada, b.ID, data.ReadingInput{FinishedOn: &finished, Outcome: data.StatusRead}); err != nil {
			t.Fatalf("AddReadThrough: %v", err)
		}
		all = append(all, e)
	}
	slices.SortFunc(all, func(a, b entered) int { return cmp.Or(a.finished.Compare(b.finished), cmp.Compare(a.order, b.order)) })
	var want []string
	for _, e := range all[:listed] {
		want = append(want, e.title)
	}

	st, err := reading.YearStats(ctx, ada, 2026, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if st.Finished != n {
		t.Errorf("finished = %d, want %d", st.Finished, n)
	}
	var got []string
	for _, b := range st.Books {
		got = append(got, b.Title)
	}
	if !slices.Equal(got, want) {
		t.Errorf("review lists %d books:\n%v\nwant %d:\n%v", len(got), got, len(want), want)
	}
}
