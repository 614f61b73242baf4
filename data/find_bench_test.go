package data_test

import (
	"os"
	"testing"

	"github.com/bookcase/bookcase/data"
)

// benchFind runs q, checking once that it finds at least one book.
func benchFind(b *testing.B, lib benchLibrary, q data.BookQuery) {
	page, err := lib.books.Find(b.Context(), lib.owner, q)
	if err != nil {
		b.Fatalf("Find(%+v): %v", q, err)
	}
	if len(page.Books) == 0 {
		b.Fatalf("Find(%+v) found nothing", q)
	}
	for b.Loop() {
		if _, err := lib.books.Find(b.Context(), lib.owner, q); err != nil {
			b.Fatalf("Find(%+v): %v", q, err)
		}
	}
}

// cursorAt returns the cursor of q's page that starts after the first at books.
func cursorAt(b *testing.B, lib benchLibrary, q data.BookQuery, at int) string {
	b.Helper()
	q.Limit = 500
	for seen := 0; seen+q.Limit <= at; seen += q.Limit {
		page, err := lib.books.Find(b.Context(), lib.owner, q)
		if err != nil || page.Cursor == "" {
			b.Fatalf("Find(%+v): %v, cursor %q", q, err, page.Cursor)
		}
		q.Cursor = page.Cursor
	}
	return q.Cursor
}

// BenchmarkFindSorted measures a page of the library in each order: the first page, and the page
// after nine tenths of the library (the load test's "cursor at book 90,000").
func BenchmarkFindSorted(b *testing.B) {
	forEachSize(b, func(b *testing.B, lib benchLibrary) {
		for _, s := range []data.Sort{data.SortAdded, data.SortTitle, data.SortAuthor, data.SortRating, data.SortProgress, data.SortFinished} {
			q := data.BookQuery{Sort: s}
			b.Run(string(s)+"/first", func(b *testing.B) { benchFind(b, lib, q) })
			q.Cursor = cursorAt(b, lib, q, lib.n*9/10)
			b.Run(string(s)+"/deep", func(b *testing.B) { benchFind(b, lib, q) })
		}
	})
}

// BenchmarkFindSearch measures searching as a reader types: a one-letter prefix (the most books
// to walk), a common word, and a search combined with a filter and another order.
func BenchmarkFindSearch(b *testing.B) {
	forEachSize(b, func(b *testing.B, lib benchLibrary) {
		for name, q := range map[string]data.BookQuery{
			"prefix=t":        {Search: "t"},
			"word=the":        {Search: "the"},
			"two-words":       {Search: "the s"},
			"the+status":      {Search: "the", Status: data.StatusWant},
			"the+byTitle":     {Search: "the", Sort: data.SortTitle},
			"status+byAuthor": {Status: data.StatusWant, Sort: data.SortAuthor},
		} {
			b.Run(name, func(b *testing.B) { benchFind(b, lib, q) })
		}
	})
}

// BenchmarkFindCount measures counting a search's matches, up to the thousand the library shows.
func BenchmarkFindCount(b *testing.B) {
	forEachSize(b, func(b *testing.B, lib benchLibrary) {
		q := data.BookQuery{Search: "the"}
		for b.Loop() {
			if _, err := lib.books.FindCount(b.Context(), lib.owner, q, 1000); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkGenres measures the genre filter's choices, listed on every library page.
func BenchmarkGenres(b *testing.B) {
	forEachSize(b, func(b *testing.B, lib benchLibrary) {
		for b.Loop() {
			if _, err := lib.books.Genres(b.Context(), lib.owner); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkCurrentlyReading measures the "Currently reading" strip that every library page shows:
// the five books most recently read.
func BenchmarkCurrentlyReading(b *testing.B) {
	forEachSize(b, func(b *testing.B, lib benchLibrary) {
		now, err := lib.db.Reading().CurrentlyReading(b.Context(), lib.owner, 5)
		if err != nil || len(now) == 0 {
			b.Fatalf("CurrentlyReading = %d books, %v", len(now), err)
		}
		for b.Loop() {
			if _, err := lib.db.Reading().CurrentlyReading(b.Context(), lib.owner, 5); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkLanguages measures the language filter's choices: for the seeded reader, whose books
// come in eight languages, and for another reader on the same database with one English book,
// whose list must not cost what the seeded reader's editions cost.
func BenchmarkLanguages(b *testing.B) {
	forEachSize(b, func(b *testing.B, lib benchLibrary) {
		other, err := lib.db.Users().Create(b.Context(), "other", "a long benchmark passphrase")
		if err != nil {
			b.Fatal(err)
		}
		book, err := lib.books.Create(b.Context(), other.ID, data.BookInput{Title: "One", Author: "Reader"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := lib.db.Editions().Set(b.Context(), other.ID, book.ID, data.Edition{Language: "en"}); err != nil {
			b.Fatal(err)
		}
		for name, owner := range map[string]int64{"seeded": lib.owner, "other": other.ID} {
			b.Run(name, func(b *testing.B) {
				cpu := cpuTime(b)
				for b.Loop() {
					if langs, err := lib.books.Languages(b.Context(), owner); err != nil || len(langs) == 0 {
						b.Fatalf("Languages = %q, %v", langs, err)
					}
				}
				b.ReportMetric(float64((cpuTime(b)-cpu).Microseconds())/float64(b.N), "CPU-µs/op")
			})
		}
	})
}

// BenchmarkFindSearchSeeded measures searches in the added order, and their counts, on a library
// made by bookcase seed for the reader "bench", named by BOOKCASE_BENCH_DB (a SQLite file or a
// PostgreSQL URL: PostgreSQL's benchmarks need a library seeded once, as seeding 100,000 books
// there takes minutes; bench/load.sh's copy, or bookcase seed then bookcase copy). "the" matches
// two books in three, "garc" and "tolk" one or two in a hundred.
func BenchmarkFindSearchSeeded(b *testing.B) {
	dsn := os.Getenv("BOOKCASE_BENCH_DB")
	if dsn == "" {
		b.Skip("BOOKCASE_BENCH_DB names no seeded library")
	}
	db, err := data.Open(b.Context(), dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	u, err := db.Users().ByName(b.Context(), "bench")
	if err != nil {
		b.Fatal(err)
	}
	lib := benchLibrary{db: db, books: db.Books(), owner: u.ID}
	for _, word := range []string{"the", "garc", "tolk"} {
		q := data.BookQuery{Search: word}
		b.Run("page/"+word, func(b *testing.B) { benchFind(b, lib, q) })
		b.Run("count/"+word, func(b *testing.B) {
			for b.Loop() {
				if _, err := lib.books.FindCount(b.Context(), lib.owner, q, 100); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
