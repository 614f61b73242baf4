package data_test

import (
	"testing"

	"github.com/bookcase/bookcase/data"
)

// BenchmarkAuthorSuggest measures the author field's suggestions for a common prefix, "ma", and
// reports how many of the reader's authors it matches by name or by sort name (the seed makes
// thousands of authors from its first and last names).
func BenchmarkAuthorSuggest(b *testing.B) {
	forEachSize(b, func(b *testing.B, lib benchLibrary) {
		_, read := lib.db.Pools()
		var matches int
		if err := read.QueryRowContext(b.Context(), `SELECT COUNT(*) FROM authors WHERE owner_id = ?
			AND (name_key >= 'ma' AND name_key < 'mb' OR sort_key >= 'ma' AND sort_key < 'mb')`, lib.owner).Scan(&matches); err != nil {
			b.Fatal(err)
		}
		authors := lib.db.Authors()
		if got, err := authors.Suggest(b.Context(), lib.owner, "ma"); err != nil || len(got) != min(matches, data.MaxAuthorSuggestions) {
			b.Fatalf("Suggest(ma) = %q, %v; want %d of %d matches", got, err, data.MaxAuthorSuggestions, matches)
		}
		cpu := cpuTime(b)
		for b.Loop() {
			if _, err := authors.Suggest(b.Context(), lib.owner, "ma"); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64((cpuTime(b)-cpu).Microseconds())/float64(b.N), "CPU-µs/op")
		b.ReportMetric(float64(matches), "matches")
	})
}
