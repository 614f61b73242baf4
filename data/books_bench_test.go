package data_test

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/bookcase/bookcase/data"
)

// benchSizes are the library sizes every store benchmark runs at: a small library, one large
// enough that a query which scans the table, rather than seeking an index, shows, and the 100,000
// books the load test's goals are set for (seeding them takes about a second).
var benchSizes = []int{100, 10_000, 100_000}

// benchLibrary is a seeded store and the reader who owns its books.
type benchLibrary struct {
	books *data.BookStore
	owner int64
	n     int
}

// benchStore opens a real SQLite file in a temporary directory, seeds one reader's library with n
// books (numbered 1..n, oldest first) and closes it when the benchmark ends.
func benchStore(b *testing.B, n int) benchLibrary {
	b.Helper()
	db, err := data.Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"))
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
	return benchLibrary{books: books, owner: u.ID, n: n}
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

// BenchmarkCreate measures adding one book: validation, a write transaction and its commit.
func BenchmarkCreate(b *testing.B) {
	in := data.BookInput{Title: "Benchmark Book", Author: "Load Tester", Genre: "Science fiction"}
	forEachSize(b, func(b *testing.B, lib benchLibrary) {
		for b.Loop() {
			if _, err := lib.books.Create(b.Context(), lib.owner, in); err != nil {
				b.Fatalf("Create: %v", err)
			}
		}
	})
}
