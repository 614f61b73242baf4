package data_test

import (
	"errors"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

func TestParseTimeZone(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"Europe/Lisbon", "Europe/Lisbon"},
		{" America/New_York ", "America/New_York"},
		{"UTC", "UTC"},
		{"Pacific/Kiritimati", "Pacific/Kiritimati"},
		{"", ""},
		{"Local", ""},
		{"Mars/Olympus_Mons", ""},
		{"../../etc/passwd", ""},
		{"Europe/" + string(make([]byte, 80)), ""},
	} {
		loc, err := data.ParseTimeZone(tc.in)
		var v *data.ValidationError
		switch {
		case tc.want == "" && (!errors.As(err, &v) || v.Fields["time_zone"] == ""):
			t.Errorf("ParseTimeZone(%q) = %v, %v; want a time_zone error", tc.in, loc, err)
		case tc.want != "" && (err != nil || loc.String() != tc.want):
			t.Errorf("ParseTimeZone(%q) = %v, %v; want %s", tc.in, loc, err, tc.want)
		}
	}
}

// TestYearStatsInTimeZones counts a reading near midnight on the reader's day: 40 pages read at
// 23:30 UTC on 31 December 2025 are read at 08:30 on 1 January 2026 in Tokyo (UTC+9) and at
// 18:30 on 31 December in New York (UTC-5); 60 more at 03:00 UTC on 1 January are 1 January in
// Tokyo and 22:00 on 31 December in New York. The reader's zone is kept per reader, UTC by default, and a
// change of zone shows the stats for the new one.
func TestYearStatsInTimeZones(t *testing.T) {
	ctx := t.Context()
	db := openDB(t)
	clock := time.Date(2025, 12, 30, 12, 0, 0, 0, time.UTC)
	db.SetClock(fixedClock(&clock))
	ada := addReader(t, db, "ada").ID
	users, reading := db.Users(), db.Reading()
	b := mustCreate(t, db.Books(), ada, data.BookInput{Title: "Dune", Author: "Frank Herbert"})
	if _, err := reading.SetDetails(ctx, ada, b.ID, data.DetailsInput{Pages: "400"}); err != nil {
		t.Fatal(err)
	}
	if _, err := reading.SetStatus(ctx, ada, b.ID, data.StatusReading, clock); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		at   time.Time
		page int
	}{{time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC), 40}, {time.Date(2026, 1, 1, 3, 0, 0, 0, time.UTC), 100}} {
		clock = p.at
		if _, err := reading.RecordProgress(ctx, ada, b.ID, data.ProgressInput{Page: p.page}); err != nil {
			t.Fatal(err)
		}
	}
	clock = time.Date(2026, 1, 20, 12, 0, 0, 0, time.UTC)

	loc, err := users.TimeZone(ctx, ada)
	if err != nil || loc != time.UTC {
		t.Fatalf("a new reader's time zone = %v, %v; want UTC", loc, err)
	}
	for _, tc := range []struct {
		zone               string
		pages2026, pages25 int
	}{
		{"UTC", 60, 40},              // 23:30 on the 31st, 03:00 on the 1st
		{"Asia/Tokyo", 100, 0},       // both on 1 January
		{"America/New_York", 0, 100}, // both on 31 December
	} {
		if err := users.SetTimeZone(ctx, ada, tc.zone); err != nil {
			t.Fatalf("SetTimeZone(%s): %v", tc.zone, err)
		}
		loc, err := users.TimeZone(ctx, ada)
		if err != nil || loc.String() != tc.zone {
			t.Fatalf("TimeZone = %v, %v; want %s", loc, err, tc.zone)
		}
		st, err := reading.YearStats(ctx, ada, 2026, loc)
		if err != nil {
			t.Fatal(err)
		}
		if st.Pages != tc.pages2026 || st.LastYear.Pages != tc.pages25 || st.Days[0].Pages != tc.pages2026 {
			t.Errorf("%s: 2026 %d pages (1 January %d), 2025 %d; want %d and %d", tc.zone, st.Pages, st.Days[0].Pages, st.LastYear.Pages, tc.pages2026, tc.pages25)
		}
	}
	var v *data.ValidationError
	if err := users.SetTimeZone(ctx, ada, "Atlantis/Capital"); !errors.As(err, &v) {
		t.Errorf("SetTimeZone(Atlantis/Capital) = %v, want a validation error", err)
	}
	if err := users.SetTimeZone(ctx, ada+100, "UTC"); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("SetTimeZone(nobody) = %v, want ErrNotFound", err)
	}
}
