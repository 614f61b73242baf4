package data_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

// benchRows is n rows like a Goodreads export's (bench/import.sh's file): a third read, a third
// reading, a third wanted, each on two shelves of a handful, with its publisher, years and
// Goodreads id.
func benchRows(n int) []data.ImportRow {
	rows := make([]data.ImportRow, n)
	statuses := []data.Status{data.StatusRead, data.StatusReading, data.StatusWant}
	read := time.Date(2023, 1, 15, 0, 0, 0, 0, time.UTC)
	for i := range rows {
		rows[i] = data.ImportRow{
			Title: fmt.Sprintf("Book number %d", i), Author: fmt.Sprintf("Author %d", i%500),
			Status: statuses[i%3], Pages: 100 + i%400, Rating: data.Rating(i % 11),
			Shelves: []string{fmt.Sprintf("shelf-%d", i%7), "favourites"}, Notes: "A review.", DateRead: &read,
			Edition: data.Edition{Publisher: "Some Publisher", Year: 2001, OriginalYear: 1999, GoodreadsID: strconv.Itoa(i + 1)},
		}
	}
	return rows
}

// BenchmarkImport writes 10,000 rows into an empty library, and 100,000 with -benchtime 1x or
// more, an import per iteration, and reports the CPU time the process used a row (the writer's
// work, which wall time on a busy machine does not show).
func BenchmarkImport(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			rows := benchRows(n)
			db, err := data.Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"))
			if err != nil {
				b.Fatalf("Open: %v", err)
			}
			b.Cleanup(func() {
				if err := db.Close(); err != nil {
					b.Errorf("Close: %v", err)
				}
			})
			cpu := cpuTime(b)
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
			b.ReportMetric(float64((cpuTime(b)-cpu).Microseconds())/float64(b.N*len(rows)), "CPU-µs/row")
		})
	}
}

// BenchmarkCreateDuringImport measures what a running import costs other readers: while one
// reader imports 100,000 rows (benchRows), four others add books one after another, and the
// benchmark reports the latency of their adds (p50, p99, the longest) and how long the import
// took. Run it once: -benchtime 1x.
func BenchmarkCreateDuringImport(b *testing.B) {
	const rows, writers = 100_000, 4
	file := benchRows(rows)
	for b.Loop() {
		b.StopTimer()
		db, err := data.Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatalf("Open: %v", err)
		}
		importer, err := db.Users().Create(b.Context(), "importer", goodPassword)
		if err != nil {
			b.Fatal(err)
		}
		others := make([]data.User, writers)
		for i := range others {
			if others[i], err = db.Users().Create(b.Context(), fmt.Sprintf("reader%d", i), goodPassword); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		started := make(chan struct{})
		var once sync.Once
		done := make(chan error, 1)
		t0 := time.Now()
		go func() {
			_, err := db.ImportWith(b.Context(), importer.ID, file, data.ImportOptions{
				OnDuplicate: data.OnDuplicateSkip,
				Progress:    func(int) { once.Do(func() { close(started) }) },
			})
			done <- err
		}()
		<-started
		var (
			mu        sync.Mutex
			latencies []time.Duration
			wg        sync.WaitGroup
			stop      atomic.Bool
		)
		for _, r := range others {
			wg.Go(func() {
				for i := 0; !stop.Load(); i++ {
					at := time.Now()
					if _, err := db.Books().Create(b.Context(), r.ID, data.BookInput{Title: fmt.Sprintf("Book %d", i), Author: "A"}); err != nil {
						b.Error(err)
						return
					}
					mu.Lock()
					latencies = append(latencies, time.Since(at))
					mu.Unlock()
				}
			})
		}
		err = <-done
		took := time.Since(t0)
		stop.Store(true)
		wg.Wait()
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		slices.Sort(latencies)
		at := func(q float64) float64 {
			return float64(latencies[min(len(latencies)-1, int(q*float64(len(latencies))))].Microseconds()) / 1000
		}
		b.ReportMetric(float64(len(latencies)), "creates")
		b.ReportMetric(at(0.5), "p50-ms")
		b.ReportMetric(at(0.99), "p99-ms")
		b.ReportMetric(at(1), "max-ms")
		b.ReportMetric(took.Seconds(), "import-s")
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
