package data

import (
	"database/sql"
	"maps"
	"testing"
	"time"
)

// TestPagesByDay checks each rule by which pages read land on days (readstats.go), against
// figures worked out by hand.
func TestPagesByDay(t *testing.T) {
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
	ptr := func(t time.Time) *time.Time { return &t }
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
		{"PercentOfAnUnknownLength", readingFacts{Outcome: StatusRead, FinishedOn: ptr(day(3, 5)),
			progress: []progressRow{percent(25, day(3, 1))}},
			nil, map[time.Time]int{}},
		{"FinishedAddsWhatUpdatesLeft", readingFacts{Pages: 300, Outcome: StatusRead, StartedOn: ptr(day(3, 1)), FinishedOn: ptr(day(3, 5)),
			progress: []progressRow{page(100, day(3, 1))}},
			nil, map[time.Time]int{day(3, 1): 100, day(3, 5): 200}},
		{"FinishedWithoutUpdatesSpreads", readingFacts{Pages: 10, Outcome: StatusRead, StartedOn: ptr(day(3, 1)), FinishedOn: ptr(day(3, 3))},
			nil, map[time.Time]int{day(3, 1): 4, day(3, 2): 3, day(3, 3): 3}},
		{"SpreadOverNewYear", readingFacts{Pages: 9, Outcome: StatusRead,
			StartedOn: ptr(time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)), FinishedOn: ptr(day(1, 1))},
			nil, map[time.Time]int{time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC): 5, day(1, 1): 4}},
		{"FinishOnlyLandsThatDay", readingFacts{Pages: 250, Outcome: StatusRead, FinishedOn: ptr(day(3, 9))},
			nil, map[time.Time]int{day(3, 9): 250}},
		{"UndatedCountsNowhere", readingFacts{Pages: 250, Outcome: StatusRead},
			nil, map[time.Time]int{}},
		{"NoPagesNoProgress", readingFacts{Outcome: StatusRead, StartedOn: ptr(day(3, 1)), FinishedOn: ptr(day(3, 3))},
			nil, map[time.Time]int{}},
		{"AbandonedSpreadsWhereItStopped", readingFacts{Pages: 400, Outcome: StatusDNF, StoppedAtPage: 60,
			StartedOn: ptr(day(3, 1)), FinishedOn: ptr(day(3, 2))},
			nil, map[time.Time]int{day(3, 1): 30, day(3, 2): 30}},
		{"AbandonedWithUpdatesCountsThem", readingFacts{Pages: 400, Outcome: StatusDNF, StoppedAtPage: 90,
			StartedOn: ptr(day(3, 1)), FinishedOn: ptr(day(3, 4)), progress: []progressRow{page(90, day(3, 2))}},
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
		case err != nil || got == nil || got.Format(dateLayout) != tc.want:
			t.Errorf("parseDateText(%q) = %v, %v; want %s", tc.in, got, err, tc.want)
		}
	}
	if got, err := parseDateText(nil); got != nil || err != nil {
		t.Errorf("parseDateText(NULL) = %v, %v", got, err)
	}
}
