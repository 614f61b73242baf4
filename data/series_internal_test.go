package data

import (
	"strings"
	"testing"
)

// TestSeriesOfAPageLookedUpByKey checks PostgreSQL's plan for the series of a page of books as a
// prepared statement gets it after a few runs (a generic plan, for any values): the series of each
// book found from it (by key, once there are enough series for an index to pay), not every series
// of the reader's read into a hash and joined.
func TestSeriesOfAPageLookedUpByKey(t *testing.T) {
	if !OnPostgres() {
		t.Skip("PostgreSQL's plans: SQLite joins the page's books to their series in the order written (CROSS JOIN)")
	}
	ctx := t.Context()
	db := OpenTest(t)
	u := AddTestReader(t, db, "ada")
	// A third of the seed's books are in series of 2 to 12: some hundreds of series.
	if err := db.Books().Seed(ctx, u.ID, 600, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.ExecContext(ctx, `ANALYZE books, series, book_series`); err != nil {
		t.Fatal(err)
	}
	plan := postgresPlan(t, db, "force_generic_plan", seriesOfBooksPostgres, "1, '{1,2,3,4,5,6,7,8,9,10}'")
	if strings.Contains(plan, "Hash") {
		t.Errorf("generic plan of the series of a page of books:\n%s\nwant the series of each book found from it, not all the reader's series hashed and joined", plan)
	}
}
