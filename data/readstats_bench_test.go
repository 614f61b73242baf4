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
