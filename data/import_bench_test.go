package data_test

import (
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

// benchRows is n rows like a Goodreads export's: a third read, a third reading, a third wanted,
// each on two shelves of a handful, each with its Goodreads id, publisher and years.
func benchRows(n int) []data.ImportRow {
	rows := make([]data.ImportRow, n)
	statuses := []data.Status{data.StatusRead, data.StatusReading, data.StatusWant}
	read := time.Date(2023, 1, 15, 0, 0, 0, 0, time.UTC)
	for i := range rows {
		rows[i] = data.ImportRow{
			Title: fmt.Sprintf("Book number %d", i), Author: fmt.Sprintf("Author %d", i%500),
			Status: statuses[i%3], Pages: 100 + i%400, Rating: data.Rating(i % 11),
			Shelves: []string{fmt.Sprintf("shelf-%d", i%7), "favourites"}, Notes: "A review.", DateRead: &read,
			Edition: data.Edition{Publisher: "Penguin", Year: 1990 + i%30, OriginalYear: 1800 + i%200, GoodreadsID: strconv.Itoa(100000 + i)},
		}
	}
	return rows
}

// BenchmarkImport writes 10,000 rows into an empty library, one transaction per iteration.
func BenchmarkImport(b *testing.B) {
	rows := benchRows(10_000)
	db, err := data.Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatalf("Open: %v", err)
	}
	b.Cleanup(func() {
		if err := db.Close(); err != nil {
			b.Errorf("Close: %v", err)
		}
	})
	for i := 0; b.Loop(); i++ {
		u, err := db.Users().Create(b.Context(), fmt.Sprintf("reader%d", i), goodPassword)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.Import(b.Context(), u.ID, rows, data.OnDuplicateSkip); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(rows)), "µs/row")
}
