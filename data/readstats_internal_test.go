package data

import (
	"database/sql"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestPagesByDay checks each rule by which pages read land on days (readstats.go), against
// figures worked out by hand.
func TestPagesByDay(t *testing.T) {
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
	page := func(n int, at time.Time) progressRow {
		return progressRow{Page: sql.NullInt64{Int64: int64(n), Valid: true}, RecordedAt: at.Add(12 * time.Hour)}
	}
	percent := func(p float64, at time.Time) progressRow {
		return progressRow{Percent: sql.NullFloat64{Float64: p, Valid: true}, RecordedAt: at.Add(12 * time.Hour)}
	}
	plus2 := time.FixedZone("UTC+2", 2*60*60)
	for _, tc := range []struct {
		name string
		f    readingFacts
		loc  *time.Location
		want map[time.Time]int
	}{
		{"UpdatesCountTheirDifference", readingFacts{Pages: 300, Outcome: StatusReading,
			progress: []progressRow{page(50, day(3, 1)), page(120, day(3, 2))}},
			nil, map[time.Time]int{day(3, 1): 50, day(3, 2): 70}},
		{"CorrectionBackwardsCountsNothingTwice", readingFacts{Pages: 300, Outcome: StatusReading,
			progress: []progressRow{page(100, day(3, 1)), page(80, day(3, 2)), page(120, day(3, 3))}},
			nil, map[time.Time]int{day(3, 1): 100, day(3, 3): 20}},
		{"PercentOfAKnownLength", readingFacts{Pages: 200, Outcome: StatusReading,
			progress: []progressRow{percent(25, day(3, 1)), page(80, day(3, 2))}},
			nil, map[time.Time]int{day(3, 1): 50, day(3, 2): 30}},
		{"PercentOfAnUnknownLength", readingFacts{Outcome: StatusRead, FinishedOn: day(3, 5),
			progress: []progressRow{percent(25, day(3, 1))}},
			nil, map[time.Time]int{}},
		{"FinishedAddsWhatUpdatesLeft", readingFacts{Pages: 300, Outcome: StatusRead, StartedOn: day(3, 1), FinishedOn: day(3, 5),
			progress: []progressRow{page(100, day(3, 1))}},
			nil, map[time.Time]int{day(3, 1): 100, day(3, 5): 200}},
		{"FinishedWithoutUpdatesSpreads", readingFacts{Pages: 10, Outcome: StatusRead, StartedOn: day(3, 1), FinishedOn: day(3, 3)},
			nil, map[time.Time]int{day(3, 1): 4, day(3, 2): 3, day(3, 3): 3}},
		{"SpreadOverNewYear", readingFacts{Pages: 9, Outcome: StatusRead,
			StartedOn: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC), FinishedOn: day(1, 1)},
			nil, map[time.Time]int{time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC): 5, day(1, 1): 4}},
		{"FinishOnlyLandsThatDay", readingFacts{Pages: 250, Outcome: StatusRead, FinishedOn: day(3, 9)},
			nil, map[time.Time]int{day(3, 9): 250}},
		{"UndatedCountsNowhere", readingFacts{Pages: 250, Outcome: StatusRead},
			nil, map[time.Time]int{}},
		{"NoPagesNoProgress", readingFacts{Outcome: StatusRead, StartedOn: day(3, 1), FinishedOn: day(3, 3)},
			nil, map[time.Time]int{}},
		{"AbandonedSpreadsWhereItStopped", readingFacts{Pages: 400, Outcome: StatusDNF, StoppedAtPage: 60,
			StartedOn: day(3, 1), FinishedOn: day(3, 2)},
			nil, map[time.Time]int{day(3, 1): 30, day(3, 2): 30}},
		{"AbandonedWithUpdatesCountsThem", readingFacts{Pages: 400, Outcome: StatusDNF, StoppedAtPage: 90,
			StartedOn: day(3, 1), FinishedOn: day(3, 4), progress: []progressRow{page(90, day(3, 2))}},
			nil, map[time.Time]int{day(3, 2): 90}},
		{"TheReadersDay", readingFacts{Pages: 300, Outcome: StatusReading,
			progress: []progressRow{{Page: sql.NullInt64{Int64: 40, Valid: true}, RecordedAt: time.Date(2026, 3, 1, 23, 30, 0, 0, time.UTC)}}},
			plus2, map[time.Time]int{day(3, 2): 40}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			loc := tc.loc
			if loc == nil {
				loc = time.UTC
			}
			got := map[time.Time]int{}
			tc.f.pagesByDay(loc, func(first, last time.Time, each int) {
				for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
					got[d] += each
				}
			})
			if !maps.Equal(got, tc.want) {
				t.Errorf("pages by day = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestTallyWhateverTheOrder checks that the books the stats single out do not depend on the order
// the readings stream in (eachReading reads them in the order of an index, not of their ids): of
// readings a figure ranks the same, the one entered first stands out (for the last finished, the
// one entered last), and the Year in Review lists the first reviewBooks finished.
func TestTallyWhateverTheOrder(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC) }
	reading := func(id int64, pages int, rating Rating, started time.Time, finished time.Time) readingFacts {
		return readingFacts{ReadThroughID: id, BookID: 10 + id, Outcome: StatusRead, Format: FormatPaperback,
			Author: "A", Pages: pages, Rating: rating, StartedOn: started, FinishedOn: finished}
	}
	ties := []readingFacts{
		reading(1, 200, 8, day(1), day(10)), // 10 days
		reading(2, 200, 8, day(6), day(10)), // 5 days
		reading(3, 500, 8, day(1), day(10)),
		reading(4, 500, 6, day(6), day(10)),
		reading(5, 300, 0, time.Time{}, day(1)),
		reading(6, 300, 8, time.Time{}, day(1)), // as highly rated as 1-3, finished before them
	}
	book := func(f *BookFigure) int64 {
		if f == nil {
			return 0
		}
		return f.ID - 10
	}
	type standouts struct{ first, last, highest, shortest, longest, fastest int64 }
	want := standouts{first: 5, last: 4, highest: 6, shortest: 1, longest: 3, fastest: 2}
	wantBooks := []int64{5, 6, 1, 2, 3, 4}
	for name, order := range map[string][]int{
		"ByID": {0, 1, 2, 3, 4, 5}, "Reversed": {5, 4, 3, 2, 1, 0}, "Shuffled": {3, 0, 5, 1, 4, 2}, "Other": {1, 3, 2, 0, 5, 4},
	} {
		t.Run(name, func(t *testing.T) {
			tl := newTally(2026, time.UTC)
			for _, i := range order {
				f := ties[i]
				tl.add(&f)
			}
			st := tl.stats(day(31))
			got := standouts{book(st.First), book(st.Last), book(st.HighestRated), book(st.Shortest), book(st.Longest), book(st.Fastest)}
			if got != want {
				t.Errorf("standouts = %+v, want %+v", got, want)
			}
			var books []int64
			for i := range st.Books {
				books = append(books, book(&st.Books[i]))
			}
			if !slices.Equal(books, wantBooks) {
				t.Errorf("books = %v, want %v", books, wantBooks)
			}
			if st.Fastest.Days != 5 || st.Shortest.Days != 0 {
				t.Errorf("days: fastest %d, shortest %d; want 5, 0", st.Fastest.Days, st.Shortest.Days)
			}
		})
	}
	t.Run("ReviewListsTheFirstFinished", func(t *testing.T) {
		// Each reading finished a day before the one entered before it: the first finished are
		// the last entered. They stream past first finished first, last finished first, and
		// shuffled.
		n := reviewBooks + 5
		ids := make([]int64, n)
		for i := range ids {
			ids[i] = int64(n - i)
		}
		reversed, shuffled := slices.Clone(ids), slices.Clone(ids)
		slices.Reverse(reversed)
		rand.New(rand.NewPCG(1, 2)).Shuffle(n, func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		for name, order := range map[string][]int64{"FirstFinishedFirst": ids, "LastFinishedFirst": reversed, "Shuffled": shuffled} {
			t.Run(name, func(t *testing.T) {
				tl := newTally(2026, time.UTC)
				for _, id := range order {
					f := reading(id, 100, 0, time.Time{}, time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -int(id)))
					tl.add(&f)
				}
				st := tl.stats(day(31))
				if len(st.Books) != reviewBooks {
					t.Fatalf("%d books, want %d", len(st.Books), reviewBooks)
				}
				// The first reviewBooks finished (ids n down to 6), the first finished first.
				for i, b := range st.Books {
					if got, want := book(&b), int64(n-i); got != want {
						t.Fatalf("books[%d] = reading %d, want %d", i, got, want)
					}
				}
			})
		}
	})
}

func TestStreaks(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC) }
	var days []DayPages
	for _, d := range []int{1, 2, 3, 5, 9, 10} {
		days = append(days, DayPages{Day: day(d), Pages: 5})
	}
	for _, tc := range []struct {
		today            time.Time
		longest, current int
	}{
		{day(10), 3, 2}, // today read
		{day(11), 3, 2}, // nothing yet today: the run to yesterday holds
		{day(12), 3, 0},
		{day(3), 3, 3},
	} {
		longest, current := streaks(days, tc.today)
		if longest != tc.longest || current != tc.current {
			t.Errorf("streaks(today %s) = %d, %d; want %d, %d", tc.today.Format(dateLayout), longest, current, tc.longest, tc.current)
		}
	}
}

// TestParseDates checks the dates the stats read as text: the store's own layout, and times in
// any layout the driver reads (a row written by hand or by SQL), whose date is taken.
func TestParseDates(t *testing.T) {
	for _, tc := range []struct {
		in   sql.NullString
		want string // "" for no date
	}{
		{sql.NullString{}, ""},
		{sql.NullString{String: "2026-03-01", Valid: true}, "2026-03-01"},
		{sql.NullString{String: "2026-03-01 00:00:00+00:00", Valid: true}, "2026-03-01"},
		{sql.NullString{String: "2026-03-01 23:59:59.5+00:00", Valid: true}, "2026-03-01"},
		{sql.NullString{String: "2026-03-01T10:00:00Z", Valid: true}, "2026-03-01"},
		{sql.NullString{String: "2026-03-01 10:00:00", Valid: true}, "2026-03-01"},
	} {
		got, err := parseDate(tc.in)
		if err != nil {
			t.Errorf("parseDate(%q) = %v", tc.in.String, err)
			continue
		}
		if (got == nil) != (tc.want == "") || got != nil && got.Format(dateLayout) != tc.want {
			t.Errorf("parseDate(%q) = %v, want %q", tc.in.String, got, tc.want)
		}
	}
	if _, err := parseDate(sql.NullString{String: "March", Valid: true}); err == nil {
		t.Error(`parseDate("March") read a date`)
	}
	at, err := parseTimestamp("2026-10-16 20:30:59.190864508+00:00")
	if err != nil || !at.Equal(time.Date(2026, 10, 16, 20, 30, 59, 190864508, time.UTC)) {
		t.Errorf("parseTimestamp = %v, %v", at, err)
	}
}

// TestTimestampText reads dates and timestamps in place as parseDate and parseTimestamp read
// them, and leaves to them what it does not read.
func TestTimestampText(t *testing.T) {
	for _, s := range []string{
		"2026-03-05 23:30:00+00:00", "2026-03-05 23:30:00.123456789+00:00", "2026-03-05 23:30:00.5Z",
		"2026-03-05T23:30:00Z", "2026-03-05 23:30:00", "2024-02-29 00:00:00.000001+00:00",
	} {
		want, err := parseTimestamp(s)
		if err != nil {
			t.Fatalf("parseTimestamp(%q): %v", s, err)
		}
		if got, ok := utcTimestamp([]byte(s)); !ok || !got.Equal(want) {
			t.Errorf("utcTimestamp(%q) = %v, %v; want %v", s, got, ok, want)
		}
	}
	for _, s := range []string{"2026-03-05 23:30:00+02:00", "2026-03-05", "2026-02-30 10:00:00", "2026-03-05 24:00:00", "2026-03-05 23:30:00.", "garbage"} {
		if got, ok := utcTimestamp([]byte(s)); ok {
			t.Errorf("utcTimestamp(%q) = %v, want it left to parseTimestamp", s, got)
		}
	}
	for _, tc := range []struct {
		in   string
		want string // "" for no date, "error" for refused
	}{
		{"2026-03-05", "2026-03-05"}, {"2026-03-05 00:00:00+00:00", "2026-03-05"}, {"2026-02-30", "error"}, {"05/03/2026", "error"},
	} {
		got, err := parseDateText([]byte(tc.in))
		switch {
		case tc.want == "error":
			if err == nil {
				t.Errorf("parseDateText(%q) = %v, want an error", tc.in, got)
			}
		case err != nil || got.Format(dateLayout) != tc.want:
			t.Errorf("parseDateText(%q) = %v, %v; want %s", tc.in, got, err, tc.want)
		}
	}
	if got, err := parseDateText(nil); !got.IsZero() || err != nil {
		t.Errorf("parseDateText(NULL) = %v, %v", got, err)
	}
}
