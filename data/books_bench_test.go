package data_test

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/bookcase/bookcase/data"
)

// benchSizes are the library sizes every store benchmark runs at: a small library, and one large
// enough that a query which scans the table, rather than seeking an index, shows.
var benchSizes = []int{100, 10_000}

// benchStore opens a real SQLite file in a temporary directory, seeds it with n books (numbered 1..n,
// oldest first) and closes it when the benchmark ends.
func benchStore(b *testing.B, n int) *data.BookStore {
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
	books := db.Books()
	if err := books.Seed(b.Context(), n, 1); err != nil {
		b.Fatalf("Seed(%d): %v", n, err)
	}
	return books
}

// forEachSize runs bench as a sub-benchmark per library size, on a freshly seeded store.
func forEachSize(b *testing.B, bench func(b *testing.B, books *data.BookStore, n int)) {
	for _, n := range benchSizes {
		b.Run("books="+strconv.Itoa(n), func(b *testing.B) {
			bench(b, benchStore(b, n), n)
		})
	}
}

// benchList lists the page of books older than before, checking once that it is a full page.
func benchList(b *testing.B, books *data.BookStore, before int64) {
	page, err := books.List(b.Context(), before, data.PageSize)
	if err != nil {
		b.Fatalf("List(%d): %v", before, err)
	}
	if len(page.Books) != data.PageSize {
		b.Fatalf("List(%d) returned %d books, want %d", before, len(page.Books), data.PageSize)
	}
	for b.Loop() {
		if _, err := books.List(b.Context(), before, data.PageSize); err != nil {
			b.Fatalf("List(%d): %v", before, err)
		}
	}
}

// BenchmarkListFirstPage measures the library page's query: the newest books.
func BenchmarkListFirstPage(b *testing.B) {
	forEachSize(b, func(b *testing.B, books *data.BookStore, n int) {
		benchList(b, books, 0)
	})
}

// BenchmarkListDeepPage measures the page just before the oldest books, the last full page that
// "Load more" reaches; keyset pagination should make it cost the same as the first.
func BenchmarkListDeepPage(b *testing.B) {
	forEachSize(b, func(b *testing.B, books *data.BookStore, n int) {
		benchList(b, books, data.PageSize+2)
	})
}

// BenchmarkCount measures the count shown on every library page and after every add or delete.
func BenchmarkCount(b *testing.B) {
	forEachSize(b, func(b *testing.B, books *data.BookStore, n int) {
		for b.Loop() {
			got, err := books.Count(b.Context())
			if err != nil {
				b.Fatalf("Count: %v", err)
			}
			if got != n {
				b.Fatalf("Count = %d, want %d", got, n)
			}
		}
	})
}

// BenchmarkGet measures reading one book by id, as the edit row and the book page do.
func BenchmarkGet(b *testing.B) {
	forEachSize(b, func(b *testing.B, books *data.BookStore, n int) {
		var i int64
		for b.Loop() {
			id := i%int64(n) + 1
			i++
			if _, err := books.Get(b.Context(), id); err != nil {
				b.Fatalf("Get(%d): %v", id, err)
			}
		}
	})
}

// BenchmarkCreate measures adding one book: validation, a write transaction and its commit.
func BenchmarkCreate(b *testing.B) {
	in := data.BookInput{Title: "Benchmark Book", Author: "Load Tester", Genre: "Science fiction"}
	forEachSize(b, func(b *testing.B, books *data.BookStore, n int) {
		for b.Loop() {
			if _, err := books.Create(b.Context(), in); err != nil {
				b.Fatalf("Create: %v", err)
			}
		}
	})
}
