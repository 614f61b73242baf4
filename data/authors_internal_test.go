package data

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestAuthorPagePlan checks how SQLite reads an author's page: from the author's contributions
// (book_contributors_author) to their books by id, never walking the library's books by title or
// scanning them, for the counts and for a page, the first and one after a cursor.
func TestAuthorPagePlan(t *testing.T) {
	ctx := t.Context()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for name, q := range map[string]struct {
		query string
		args  []any
	}{
		"counts":     {authorCounts, []any{1, 1}},
		"first page": {authorPageQuery(""), []any{1, 1, 1, 51}},
		"later page": {authorPageQuery(" AND (" + authorBooksKey + ", b.id) > (?, ?)"), []any{1, 1, 1, "m", 5, 51}},
	} {
		rows, err := db.write.QueryContext(ctx, `EXPLAIN QUERY PLAN `+q.query, q.args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		joined := strings.Join(plan, "; ")
		if !strings.Contains(joined, "SEARCH bc USING COVERING INDEX book_contributors_author") ||
			!strings.Contains(joined, "SEARCH b USING INTEGER PRIMARY KEY") ||
			strings.Contains(joined, "books_sort_title") || strings.Contains(joined, "SCAN b ") {
			t.Errorf("plan of the author page's %s: %s; want the author's contributions, then their books by id", name, joined)
		}
	}
}
