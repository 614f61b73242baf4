package data_test

import (
	"slices"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

// TestFindRead lists the books read in a day, a month, a year or at any time, as the stats count
// pages and minutes, in the reader's time zone, and the books given one rating: the stats' pages
// and hours link to these views.
func TestFindRead(t *testing.T) {
	ctx := t.Context()
	db := openDB(t)
	clock := time.Date(2026, 3, 5, 23, 30, 0, 0, time.UTC) // 6 March in Tokyo
	db.SetClock(fixedClock(&clock))
	ada, bob := addReader(t, db, "ada").ID, addReader(t, db, "bob").ID
	books, reading := db.Books(), db.Reading()
	date := func(y int, m time.Month, d int) *time.Time { t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC); return &t }
	book := func(owner int64, title string, format data.Format, pages, rating string) int64 {
		t.Helper()
		id := mustCreate(t, books, owner, data.BookInput{Title: title, Author: "Writer", Format: format}).ID
		if _, err := reading.SetDetails(ctx, owner, id, data.DetailsInput{Pages: pages, Rating: rating}); err != nil {
			t.Fatalf("SetDetails(%s): %v", title, err)
		}
		return id
	}
	read := func(owner, id int64, outcome data.Status, from, to *time.Time) {
		t.Helper()
		if _, err := reading.AddReadThrough(ctx, owner, id, data.ReadingInput{StartedOn: from, FinishedOn: to, Outcome: outcome}); err != nil {
			t.Fatalf("AddReadThrough: %v", err)
		}
	}
	progress := func(owner, id int64, page int) {
		t.Helper()
		if _, err := reading.SetStatus(ctx, owner, id, data.StatusReading, clock); err != nil {
			t.Fatal(err)
		}
		if _, err := reading.RecordProgress(ctx, owner, id, data.ProgressInput{Page: page}); err != nil {
			t.Fatalf("RecordProgress: %v", err)
		}
	}
	progress(ada, book(ada, "Atlas", "", "300", ""), 100)                      // 5 March UTC, 6 March in Tokyo
	progress(ada, book(ada, "Fables", data.FormatAudiobook, "10:00", ""), 120) // minutes
	gone := book(ada, "Gone", "", "100", "4.5")
	progress(ada, gone, 50)
	if _, err := books.Delete(ctx, ada, gone); err != nil {
		t.Fatal(err)
	}
	progress(bob, book(bob, "Bob's", "", "100", "4.5"), 50)
	clock = time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	read(ada, book(ada, "Beloved", "", "140", "4.5"), data.StatusRead, date(2026, 2, 25), date(2026, 3, 2)) // spread over both months
	read(ada, book(ada, "Carmilla", "", "90", "4.5"), data.StatusRead, nil, date(2026, 4, 10))              // on its finish day
	read(ada, book(ada, "Dracula", "", "400", "3"), data.StatusRead, date(2025, 1, 2), date(2025, 1, 20))
	read(ada, book(ada, "Emma", "", "", ""), data.StatusDNF, date(2026, 4, 1), date(2026, 4, 3))
	read(ada, book(ada, "Undated", "", "200", ""), data.StatusRead, nil, nil)

	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	titles := func(q data.BookQuery) []string {
		t.Helper()
		q.Sort = data.SortTitle
		page, err := books.Find(ctx, ada, q)
		if err != nil {
			t.Fatalf("Find(%+v): %v", q, err)
		}
		var out []string
		for _, b := range page.Books {
			out = append(out, b.Title)
		}
		if n, err := books.FindCount(ctx, ada, q, 100); err != nil || n != len(out) {
			t.Errorf("FindCount(%+v) = %d, %v; want %d", q, n, err, len(out))
		}
		return out
	}
	day := func(y int, m time.Month, d int) data.Span { return data.DaySpan(*date(y, m, d)) }
	for _, tc := range []struct {
		name string
		q    data.BookQuery
		want []string
	}{
		{"March", data.BookQuery{Read: data.MonthSpan(2026, 3)}, []string{"Atlas", "Beloved", "Fables"}},
		{"February", data.BookQuery{Read: data.MonthSpan(2026, 2)}, []string{"Beloved"}},
		{"April: finished and given up", data.BookQuery{Read: data.MonthSpan(2026, 4)}, []string{"Carmilla", "Emma"}},
		{"5 March in UTC", data.BookQuery{Read: day(2026, 3, 5)}, []string{"Atlas", "Fables"}},
		{"5 March in Tokyo", data.BookQuery{Read: day(2026, 3, 5), Zone: tokyo}, nil},
		{"6 March in Tokyo", data.BookQuery{Read: day(2026, 3, 6), Zone: tokyo}, []string{"Atlas", "Fables"}},
		{"1 March, in a spread", data.BookQuery{Read: day(2026, 3, 1)}, []string{"Beloved"}},
		{"2026", data.BookQuery{Read: data.YearSpan(2026)}, []string{"Atlas", "Beloved", "Carmilla", "Emma", "Fables"}},
		{"2026 audiobooks", data.BookQuery{Read: data.YearSpan(2026), Format: data.FormatAudiobook}, []string{"Fables"}},
		{"2025", data.BookQuery{Read: data.YearSpan(2025)}, []string{"Dracula"}},
		{"all time", data.BookQuery{Read: data.AllTime()}, []string{"Atlas", "Beloved", "Carmilla", "Dracula", "Emma", "Fables"}},
		{"rated 4.5", data.BookQuery{Rating: 9}, []string{"Beloved", "Carmilla"}},
		{"rated 4.5, finished in April", data.BookQuery{Rating: 9, Status: data.StatusRead, Finished: data.MonthSpan(2026, 4)}, []string{"Carmilla"}},
		{"rated 3 in 2026", data.BookQuery{Rating: 6, Finished: data.YearSpan(2026)}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := titles(tc.q); !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	if _, err := books.Find(ctx, ada, data.BookQuery{Rating: 11}); err == nil {
		t.Error("a rating of 5.5 stars found books")
	}

	// Every month the stats count pages or minutes in lists books, and no other.
	st, err := reading.YearStats(ctx, ada, 2026, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range st.Months {
		listed := len(titles(data.BookQuery{Read: data.MonthSpan(2026, m.Month)}))
		if (listed > 0) != (m.Pages > 0 || m.Minutes > 0) {
			t.Errorf("%s: %d books listed, the stats count %d pages and %d minutes", m.Month, listed, m.Pages, m.Minutes)
		}
	}
}
