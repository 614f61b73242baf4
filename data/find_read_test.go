package data_test

import (
	"slices"
	"strconv"
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

// TestFindReadEdges lists the books read on a day where a reading's days and its updates part
// ways: a reading without updates counts on every day from its start to its finish, one with
// updates only on the days of its updates and its finish (not on the days between), one still open
// and without updates on none; a re-read counts on each reading's days (and the book is listed
// once in a span holding both); a reading given up counts as a finished one does; another
// reader's readings, on the same days, never count. Every day of May and June lists a book
// exactly when the stats count pages read on it.
func TestFindReadEdges(t *testing.T) {
	ctx := t.Context()
	db := openDB(t)
	clock := time.Date(2026, 5, 31, 12, 0, 0, 0, time.UTC)
	db.SetClock(fixedClock(&clock))
	ada, bob := addReader(t, db, "ada").ID, addReader(t, db, "bob").ID
	books, reading := db.Books(), db.Reading()
	date := func(m time.Month, d int) *time.Time { t := time.Date(2026, m, d, 0, 0, 0, 0, time.UTC); return &t }
	book := func(owner int64, title string) int64 {
		t.Helper()
		id := mustCreate(t, books, owner, data.BookInput{Title: title, Author: "Writer"}).ID
		if _, err := reading.SetDetails(ctx, owner, id, data.DetailsInput{Pages: "300"}); err != nil {
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
	// status and progress move the clock to midday of a day of 2026 and set the book's status
	// on it, or record its progress.
	status := func(owner, id int64, m time.Month, d int, st data.Status) {
		t.Helper()
		clock = time.Date(2026, m, d, 12, 0, 0, 0, time.UTC)
		if _, err := reading.SetStatus(ctx, owner, id, st, clock); err != nil {
			t.Fatalf("SetStatus(%s): %v", st, err)
		}
	}
	progress := func(owner, id int64, m time.Month, d, page int) {
		t.Helper()
		clock = time.Date(2026, m, d, 12, 0, 0, 0, time.UTC)
		if _, err := reading.RecordProgress(ctx, owner, id, data.ProgressInput{Page: page}); err != nil {
			t.Fatalf("RecordProgress: %v", err)
		}
	}
	read(ada, book(ada, "Spread"), data.StatusRead, date(5, 1), date(5, 20))
	reread := book(ada, "Reread")
	read(ada, reread, data.StatusRead, date(5, 8), date(5, 12))
	read(ada, reread, data.StatusRead, date(5, 14), date(5, 16))
	read(ada, book(ada, "Same day"), data.StatusRead, date(5, 25), date(5, 25))
	read(ada, book(ada, "Finish only"), data.StatusRead, nil, date(5, 27))
	updated := book(ada, "Updated")
	status(ada, updated, 6, 1, data.StatusReading)
	progress(ada, updated, 6, 3, 100)
	progress(ada, updated, 6, 5, 80) // a correction: the day still counts as read
	status(ada, updated, 6, 20, data.StatusRead)
	open := book(ada, "Open")
	status(ada, open, 6, 2, data.StatusReading) // open all June, without an update
	clock = time.Date(2026, 8, 1, 12, 0, 0, 0, time.UTC)
	read(ada, book(ada, "Given up"), data.StatusDNF, date(7, 1), date(7, 3))
	read(ada, book(ada, "Undated"), data.StatusRead, nil, nil) // read, date unknown: on no day
	for _, d := range []int{3, 10, 21, 28} {
		read(bob, book(bob, "Bob's "+strconv.Itoa(d)), data.StatusRead, date(5, d), date(5, d+2))
	}
	bobs := book(bob, "Bob's June")
	status(bob, bobs, 6, 1, data.StatusReading)
	progress(bob, bobs, 6, 10, 50)

	titles := func(sp data.Span) []string {
		t.Helper()
		q := data.BookQuery{Read: sp, Sort: data.SortTitle}
		page, err := books.Find(ctx, ada, q)
		if err != nil {
			t.Fatalf("Find(%v): %v", sp, err)
		}
		var out []string
		for _, b := range page.Books {
			out = append(out, b.Title)
		}
		if n, err := books.FindCount(ctx, ada, q, 100); err != nil || n != len(out) {
			t.Errorf("FindCount(%v) = %d, %v; want %d", sp, n, err, len(out))
		}
		return out
	}
	day := func(m time.Month, d int) data.Span { return data.DaySpan(*date(m, d)) }
	for _, tc := range []struct {
		name string
		sp   data.Span
		want []string
	}{
		{"the first day of a spread", day(5, 1), []string{"Spread"}},
		{"inside a spread and a re-read", day(5, 10), []string{"Reread", "Spread"}},
		{"between the re-read's readings", day(5, 13), []string{"Spread"}},
		{"the second reading", day(5, 15), []string{"Reread", "Spread"}},
		{"the last day of a spread", day(5, 20), []string{"Spread"}},
		{"the day after it", day(5, 21), nil},
		{"started and finished the same day", day(5, 25), []string{"Same day"}},
		{"finished, start unknown: the finish day", day(5, 27), []string{"Finish only"}},
		{"the day before it", day(5, 26), nil},
		{"May, a re-read once", data.MonthSpan(2026, 5), []string{"Finish only", "Reread", "Same day", "Spread"}},
		{"started, no update that day", day(6, 1), nil},
		{"an update", day(6, 3), []string{"Updated"}},
		{"between updates", day(6, 4), nil},
		{"a correction", day(6, 5), []string{"Updated"}},
		{"after the updates, before the finish", day(6, 10), nil},
		{"the finish after updates", day(6, 20), []string{"Updated"}},
		{"June", data.MonthSpan(2026, 6), []string{"Updated"}},
		{"given up, inside", day(7, 2), []string{"Given up"}},
		{"2026", data.YearSpan(2026), []string{"Finish only", "Given up", "Reread", "Same day", "Spread", "Updated"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := titles(tc.sp); !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}

	st, err := reading.YearStats(ctx, ada, 2026, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range st.Days {
		// The correction's day lists its book, whose update there counted no page.
		if d.Day.Month() != time.May && d.Day.Month() != time.June || d.Day.Equal(*date(6, 5)) {
			continue
		}
		listed := len(titles(data.DaySpan(d.Day)))
		if (listed > 0) != (d.Pages > 0) {
			t.Errorf("%s: %d books listed, the stats count %d pages", d.Day.Format("2 January"), listed, d.Pages)
		}
	}
}
