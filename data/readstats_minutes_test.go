package data_test

import (
	"slices"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

// TestYearStatsListening checks the minutes listened to audiobooks against figures worked out by
// hand: counted by the pages' rules, on their own, never as pages.
//
//   - Dune, 10 hours (600 minutes), read twice: first without updates from 30 December 2025 to 2
//     January 2026, 150 minutes a day (300 in each year); again with only a finish date, 10
//     March, all 600 then.
//   - Emma, 5 hours (300 minutes), begun 1 April: at 1:40 on 2 April (100), back to 1:20 on the
//     3rd (a correction: nothing), 2:30 on the 4th (50 past the furthest), finished on the 5th
//     (the 150 left).
//   - A paper book of 200 pages finished on 4 April: a day with pages and minutes.
//   - Bob listens only: a 90-minute audiobook finished on 2 February.
func TestYearStatsListening(t *testing.T) {
	ctx := t.Context()
	db := openDB(t)
	clock := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	db.SetClock(fixedClock(&clock))
	ada, bob := addReader(t, db, "ada").ID, addReader(t, db, "bob").ID
	books, reading := db.Books(), db.Reading()
	date := func(y int, m time.Month, d int) *time.Time { t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC); return &t }
	book := func(owner int64, title string, format data.Format, length string) int64 {
		t.Helper()
		b := mustCreate(t, books, owner, data.BookInput{Title: title, Author: "Someone", Format: format})
		if _, err := reading.SetDetails(ctx, owner, b.ID, data.DetailsInput{Pages: length}); err != nil {
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
	dune := book(ada, "Dune", data.FormatAudiobook, "10:00")
	past(ada, dune, data.ReadingInput{StartedOn: date(2025, 12, 30), FinishedOn: date(2026, 1, 2), Outcome: data.StatusRead})
	past(ada, dune, data.ReadingInput{FinishedOn: date(2026, 3, 10), Outcome: data.StatusRead})
	emma := book(ada, "Emma", data.FormatAudiobook, "5h")
	clock = time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
	if _, err := reading.SetStatus(ctx, ada, emma, data.StatusReading, *date(2026, 4, 1)); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		day, at int
	}{{2, 100}, {3, 80}, {4, 150}} {
		clock = time.Date(2026, 4, p.day, 1, 0, 0, 0, time.UTC)
		if _, err := reading.RecordProgress(ctx, ada, emma, data.ProgressInput{Page: p.at}); err != nil {
			t.Fatal(err)
		}
	}
	clock = time.Date(2026, 4, 5, 20, 0, 0, 0, time.UTC)
	if _, err := reading.SetStatus(ctx, ada, emma, data.StatusRead, *date(2026, 4, 5)); err != nil {
		t.Fatal(err)
	}
	past(ada, book(ada, "Paper", data.FormatPaperback, "200"), data.ReadingInput{FinishedOn: date(2026, 4, 4), Outcome: data.StatusRead})
	past(bob, book(bob, "Short", data.FormatAudiobook, "1:30"), data.ReadingInput{FinishedOn: date(2026, 2, 2), Outcome: data.StatusRead})

	st, err := reading.YearStats(ctx, ada, 2026, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if want := (data.Figures{Finished: 4, Pages: 200, Minutes: 300 + 600 + 300}); st.Figures != want {
		t.Errorf("2026 = %+v, want %+v", st.Figures, want)
	}
	if want := (data.Figures{Minutes: 300}); st.LastYear != want {
		t.Errorf("2025 = %+v, want %+v", st.LastYear, want)
	}
	for m, want := range map[time.Month][2]int{time.January: {0, 300}, time.February: {0, 0}, time.March: {0, 600}, time.April: {200, 300}} {
		if got := st.Months[m-1]; got.Pages != want[0] || got.Minutes != want[1] {
			t.Errorf("%s: %d pages, %d minutes; want %d, %d", m, got.Pages, got.Minutes, want[0], want[1])
		}
	}
	days := map[time.Time]data.DayPages{}
	for _, d := range st.Days {
		days[d.Day] = d
	}
	for _, want := range []data.DayPages{
		{Day: *date(2026, 1, 1), Minutes: 150}, {Day: *date(2026, 1, 2), Minutes: 150}, {Day: *date(2026, 1, 3)},
		{Day: *date(2026, 3, 10), Minutes: 600},
		{Day: *date(2026, 4, 2), Minutes: 100}, {Day: *date(2026, 4, 3)}, {Day: *date(2026, 4, 4), Pages: 200, Minutes: 50},
		{Day: *date(2026, 4, 5), Minutes: 150},
	} {
		if got := days[want.Day]; got != want {
			t.Errorf("%s = %+v, want %+v", want.Day.Format("2 January"), got, want)
		}
	}
	// Days of listening alone make streaks: 1–2 January and 4–5 April are two days each.
	if st.LongestStreak != 2 {
		t.Errorf("longest streak %d, want 2", st.LongestStreak)
	}
	// Dune twice and Emma are three audiobooks of four books finished.
	if want := []data.Share{{Name: "audiobook", Books: 3, Percent: 75}, {Name: "paperback", Books: 1, Percent: 25}}; !slices.Equal(st.Formats, want) {
		t.Errorf("formats = %+v, want %+v", st.Formats, want)
	}
	// Lengths in minutes are not pages: the paper book is the only length.
	if st.AveragePages != 200 || st.Longest == nil || st.Longest.Title != "Paper" {
		t.Errorf("average length %d, longest %+v; want the paper book's 200 pages", st.AveragePages, st.Longest)
	}

	all, err := reading.YearStats(ctx, ada, 0, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if all.Minutes != 1500 || all.Pages != 200 {
		t.Errorf("all time: %d minutes, %d pages; want 1,500 and 200", all.Minutes, all.Pages)
	}

	// A reader who only listens.
	bobs, err := reading.YearStats(ctx, bob, 2026, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if want := (data.Figures{Finished: 1, Minutes: 90}); bobs.Figures != want || bobs.Months[1].Minutes != 90 || bobs.LongestStreak != 1 {
		t.Errorf("bob's 2026 = %+v, February %+v, longest streak %d; want 90 minutes in February", bobs.Figures, bobs.Months[1], bobs.LongestStreak)
	}
}
