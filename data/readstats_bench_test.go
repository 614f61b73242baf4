package data_test

import (
	"os"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

// BenchmarkYearStats computes a year's stats and all time's on a library made by bookcase seed
// (BOOKCASE_STATS_DB names it; the benchmark is skipped without one): the owner is its first
// reader. It computes them afresh each time (ComputeYearStats), as on a first request or after a
// change: YearStats would answer from its cache.
func BenchmarkYearStats(b *testing.B) {
	path := os.Getenv("BOOKCASE_STATS_DB")
	if path == "" {
		b.Skip("BOOKCASE_STATS_DB is not set")
	}
	db, err := data.Open(b.Context(), path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for _, year := range []int{time.Now().Year(), 0} {
		b.Run(map[bool]string{true: "year", false: "all"}[year != 0], func(b *testing.B) {
			cpu := cpuTime(b)
			for b.Loop() {
				if _, err := db.Reading().ComputeYearStats(b.Context(), 1, year, time.UTC); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64((cpuTime(b)-cpu).Microseconds())/float64(b.N), "CPU-µs/op")
		})
	}
}

// BenchmarkFindRead lists the books read on a day, in a month and in a year, as the stats'
// calendar, months and totals link to them (/books?read=…), on a library made by bookcase seed
// (BOOKCASE_STATS_DB, as BenchmarkYearStats; skipped without one): a day of this year and one of
// eight years ago, the month by title, the year newest first; with the count of matches the
// library shows when there is more than a page.
func BenchmarkFindRead(b *testing.B) {
	path := os.Getenv("BOOKCASE_STATS_DB")
	if path == "" {
		b.Skip("BOOKCASE_STATS_DB is not set")
	}
	db, err := data.Open(b.Context(), path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	year := time.Now().Year()
	for name, q := range map[string]data.BookQuery{
		"day":             {Read: data.DaySpan(time.Date(year, 3, 5, 0, 0, 0, 0, time.UTC))},
		"day-old":         {Read: data.DaySpan(time.Date(year-8, 3, 5, 0, 0, 0, 0, time.UTC))},
		"month-title":     {Read: data.MonthSpan(year, 3), Sort: data.SortTitle},
		"year":            {Read: data.YearSpan(year)},
		"all-time":        {Read: data.AllTime()},
		"day-audiobook":   {Read: data.DaySpan(time.Date(year, 3, 5, 0, 0, 0, 0, time.UTC)), Format: data.FormatAudiobook},
		"month-audiobook": {Read: data.MonthSpan(year, 3), Format: data.FormatAudiobook},
		"year-audiobook":  {Read: data.YearSpan(year), Format: data.FormatAudiobook},
	} {
		b.Run(name, func(b *testing.B) {
			page, err := db.Books().Find(b.Context(), 1, q)
			if err != nil || len(page.Books) == 0 {
				b.Fatalf("Find(%+v) = %d books, %v", q, len(page.Books), err)
			}
			cpu := cpuTime(b)
			for b.Loop() {
				page, err := db.Books().Find(b.Context(), 1, q)
				if err != nil {
					b.Fatal(err)
				}
				if page.Cursor != "" { // as the library counts the matches of more than a page
					if _, err := db.Books().FindCount(b.Context(), 1, q, 100); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64((cpuTime(b)-cpu).Microseconds())/float64(b.N), "CPU-µs/op")
		})
	}
}
