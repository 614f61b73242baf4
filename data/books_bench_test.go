package data_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

// benchSizes are the library sizes every store benchmark runs at: a small library, one large
// enough that a query which scans the table, rather than seeking an index, shows, and the 100,000
// books the load test's goals are set for (seeding them takes about a second).
var benchSizes = []int{100, 10_000, 100_000}

// benchLibrary is a seeded store and the reader who owns its books.
type benchLibrary struct {
	db    *data.DB
	path  string
	books *data.BookStore
	owner int64
	n     int
}

// benchStore opens a real SQLite file in a temporary directory, seeds one reader's library with n
// books (numbered 1..n, oldest first) and closes it when the benchmark ends.
func benchStore(b *testing.B, n int) benchLibrary {
	b.Helper()
	path := filepath.Join(b.TempDir(), "bench.db")
	db, err := data.Open(b.Context(), path)
	if err != nil {
		b.Fatalf("Open: %v", err)
	}
	b.Cleanup(func() {
		if err := db.Close(); err != nil {
			b.Errorf("Close: %v", err)
		}
	})
	u, err := db.Users().Create(b.Context(), "bench", "a long benchmark passphrase")
	if err != nil {
		b.Fatalf("create user: %v", err)
	}
	books := db.Books()
	if err := books.Seed(b.Context(), u.ID, n, 1); err != nil {
		b.Fatalf("Seed(%d): %v", n, err)
	}
	return benchLibrary{db: db, path: path, books: books, owner: u.ID, n: n}
}

// forEachSize runs bench as a sub-benchmark per library size, on a freshly seeded store.
func forEachSize(b *testing.B, bench func(b *testing.B, lib benchLibrary)) {
	for _, n := range benchSizes {
		b.Run("books="+strconv.Itoa(n), func(b *testing.B) {
			bench(b, benchStore(b, n))
		})
	}
}

// benchList lists the page of books older than before, checking once that it is a full page.
func benchList(b *testing.B, lib benchLibrary, before int64) {
	page, err := lib.books.List(b.Context(), lib.owner, before, data.PageSize)
	if err != nil {
		b.Fatalf("List(%d): %v", before, err)
	}
	if len(page.Books) != data.PageSize {
		b.Fatalf("List(%d) returned %d books, want %d", before, len(page.Books), data.PageSize)
	}
	for b.Loop() {
		if _, err := lib.books.List(b.Context(), lib.owner, before, data.PageSize); err != nil {
			b.Fatalf("List(%d): %v", before, err)
		}
	}
}

// BenchmarkListFirstPage measures the library page's query: the newest books.
func BenchmarkListFirstPage(b *testing.B) {
	forEachSize(b, func(b *testing.B, lib benchLibrary) {
		benchList(b, lib, 0)
	})
}

// BenchmarkListDeepPage measures the page just before the oldest books, the last full page that
// "Load more" reaches; keyset pagination should make it cost the same as the first.
func BenchmarkListDeepPage(b *testing.B) {
	forEachSize(b, func(b *testing.B, lib benchLibrary) {
		benchList(b, lib, data.PageSize+2)
	})
}

// BenchmarkListPage90000 measures the page that starts after the 90,000 newest books, as the load
// test's deep page does; with fewer books, the oldest full page.
func BenchmarkListPage90000(b *testing.B) {
	forEachSize(b, func(b *testing.B, lib benchLibrary) {
		// Books are numbered 1..n, oldest first: the 90,000th newest is n-89,999.
		benchList(b, lib, int64(max(lib.n-89_999, data.PageSize+2)))
	})
}

// BenchmarkCount measures the count shown on every library page and after every add or delete.
func BenchmarkCount(b *testing.B) {
	forEachSize(b, func(b *testing.B, lib benchLibrary) {
		for b.Loop() {
			got, err := lib.books.Count(b.Context(), lib.owner)
			if err != nil {
				b.Fatalf("Count: %v", err)
			}
			if got != lib.n {
				b.Fatalf("Count = %d, want %d", got, lib.n)
			}
		}
	})
}

// BenchmarkGet measures reading one book by id, as the edit row and the book page do.
func BenchmarkGet(b *testing.B) {
	forEachSize(b, func(b *testing.B, lib benchLibrary) {
		var i int64
		for b.Loop() {
			id := i%int64(lib.n) + 1
			i++
			if _, err := lib.books.Get(b.Context(), lib.owner, id); err != nil {
				b.Fatalf("Get(%d): %v", id, err)
			}
		}
	})
}

// BenchmarkCreate measures adding one book: validation, a write transaction and its commit. Besides
// the time it reports the bytes the writes append to the write-ahead log per book (WAL-bytes/op):
// every page a transaction changes is written to the log whole, so this is the write
// amplification of adding a book.
func BenchmarkCreate(b *testing.B) {
	in := data.BookInput{Title: "Benchmark Book", Author: "Load Tester", Genre: "Science fiction"}
	forEachSize(b, func(b *testing.B, lib benchLibrary) {
		wal := newWALMeter(b, lib)
		for b.Loop() {
			if _, err := lib.books.Create(b.Context(), lib.owner, in); err != nil {
				b.Fatalf("Create: %v", err)
			}
			wal.checkpoint(b, false)
		}
		wal.report(b)
	})
}

// BenchmarkCreateParallel measures adding books from 32 goroutines at once, as 32 connections of
// the load test do (b.N books in all; ns/op is the time per book with every goroutine busy), and
// the bytes of write-ahead log per book.
func BenchmarkCreateParallel(b *testing.B) {
	in := data.BookInput{Title: "Benchmark Book", Author: "Load Tester", Genre: "Science fiction"}
	forEachSize(b, func(b *testing.B, lib benchLibrary) {
		wal := newWALMeter(b, lib)
		b.SetParallelism(max(1, 32/runtime.GOMAXPROCS(0)))
		// RunParallel does not reset the timer as b.Loop does: without this, ns/op counted the
		// seeding of the library too (4.4 ms a book at 100,000 books, against about 0.3).
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := lib.books.Create(b.Context(), lib.owner, in); err != nil {
					b.Errorf("Create: %v", err)
					return
				}
				wal.checkpoint(b, false)
			}
		})
		wal.report(b)
	})
}

// BenchmarkSetDetails measures saving a book's rating on its page, alternating between two
// ratings, with the bytes of write-ahead log it costs: the search index is not touched by it
// (migration 00014), though the same UPDATE names the notes and ISBN.
func BenchmarkSetDetails(b *testing.B) {
	forEachSize(b, func(b *testing.B, lib benchLibrary) {
		page, err := lib.books.List(b.Context(), lib.owner, 0, data.PageSize)
		if err != nil || len(page.Books) == 0 {
			b.Fatalf("List: %d books, %v", len(page.Books), err)
		}
		id := page.Books[0].ID
		reading := lib.db.Reading()
		wal := newWALMeter(b, lib)
		i := 0
		for b.Loop() {
			in := data.DetailsInput{Pages: "320", Rating: []string{"3.5", "4"}[i%2]}
			i++
			if _, err := reading.SetDetails(b.Context(), lib.owner, id, in); err != nil {
				b.Fatalf("SetDetails: %v", err)
			}
			wal.checkpoint(b, false)
		}
		wal.report(b)
	})
}

// walMeter counts the bytes written to a benchmark store's write-ahead log. It stops the
// store's checkpointer and turns SQLite's automatic checkpoints off, and does their work itself,
// as often (at about 1,000 pages of log): it adds up the log's size, then checkpoints and empties
// it. Holding the store's one write connection while it does, no write can slip in between the
// two. The checkpointer's own checkpoints made its TRUNCATE busy (the benchmark failed), and let
// the writer go back to the log's start unseen.
type walMeter struct {
	lib   benchLibrary
	mu    sync.Mutex
	bytes int64
	cpu   time.Duration // the process's CPU time when the meter started
}

// walCheckpointSize is the size of log at which walMeter checkpoints: SQLite's automatic
// checkpoint's 1,000 pages of 4 KiB, each with its 24-byte frame header.
const walCheckpointSize = 1000 * (4096 + 24)

func newWALMeter(b *testing.B, lib benchLibrary) *walMeter {
	b.Helper()
	if err := lib.db.StopCheckpointer(); err != nil {
		b.Fatalf("stop the checkpointer: %v", err)
	}
	write, _ := lib.db.Pools()
	if _, err := write.ExecContext(b.Context(), "PRAGMA wal_autocheckpoint = 0"); err != nil {
		b.Fatalf("turn off automatic checkpoints: %v", err)
	}
	b.Cleanup(func() {
		if _, err := write.Exec("PRAGMA wal_autocheckpoint = 1000"); err != nil {
			b.Errorf("turn on automatic checkpoints: %v", err)
		}
	})
	m := &walMeter{lib: lib}
	m.checkpoint(b, true)
	m.bytes = 0
	m.cpu = cpuTime(b)
	return m
}

// checkpoint adds up and empties the log when it has reached walCheckpointSize, or always when
// force is set.
func (m *walMeter) checkpoint(b *testing.B, force bool) {
	path := m.lib.path + "-wal"
	if !force {
		st, err := os.Stat(path)
		if err != nil || st.Size() < walCheckpointSize {
			return
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	write, _ := m.lib.db.Pools()
	conn, err := write.Conn(b.Context())
	if err != nil {
		b.Fatalf("write connection: %v", err)
	}
	defer conn.Close()
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		b.Fatalf("stat the log: %v", err)
	default:
		if !force && st.Size() < walCheckpointSize {
			return // another goroutine emptied it meanwhile
		}
		m.bytes += st.Size()
	}
	var busy, logged, moved int
	if err := conn.QueryRowContext(b.Context(), "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logged, &moved); err != nil || busy != 0 {
		b.Fatalf("checkpoint: %v (busy %d)", err, busy)
	}
}

// report adds what is left in the log and reports the bytes per operation, and the CPU time the
// whole process spent per operation (CPU-µs/op: on a shared machine it moves less than ns/op).
func (m *walMeter) report(b *testing.B) {
	m.checkpoint(b, true)
	b.ReportMetric(float64(m.bytes)/float64(b.N), "WAL-bytes/op")
	b.ReportMetric(float64((cpuTime(b)-m.cpu).Microseconds())/float64(b.N), "CPU-µs/op")
}
