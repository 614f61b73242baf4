package data

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestNarrowScalesWithTheLibrary finds which filters Find collects first and which it finds by
// walking the order's index, in a library of 10,000 books of which 1,000 are audiobooks and 100
// are of the format other: the audiobooks are too many to collect and sort for a page of them
// (narrowBelow is 714 here; an eighth of the library, 1,250, collected and sorted them all),
// the others few enough. Either way, the pages of the audiobooks by title are the audiobooks in
// title order.
func TestNarrowScalesWithTheLibrary(t *testing.T) {
	ctx := t.Context()
	db := openSQLite(t)
	u, err := db.Users().Create(ctx, "ada", "a long enough passphrase")
	if err != nil {
		t.Fatal(err)
	}
	// Titles in an order unrelated to the ids: 7,919 is prime, so id*7919 mod 10007 is a
	// permutation.
	if _, err := db.write.ExecContext(ctx, `
		WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
		INSERT INTO books (owner_id, title, author, genre, status, format, notes, created_at, updated_at, author_sort)
		SELECT ?, 'Book ' || printf('%05d', (i * 7919) % 10007), 'Ann Author', '', 'want',
		       CASE WHEN i % 10 = 0 THEN 'audiobook' WHEN i % 100 = 1 THEN 'other' ELSE 'paperback' END,
		       '', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 'author, ann'
		FROM n`, u.ID); err != nil {
		t.Fatal(err)
	}
	// The counts the store keeps beside its writes.
	if _, err := db.write.ExecContext(ctx, `UPDATE book_counts SET live = 10000, want = 10000 WHERE owner_id = ?`, u.ID); err != nil {
		t.Fatal(err)
	}
	books := db.Books()
	if got := narrowBelow(10000, PageSize); got != 714 {
		t.Errorf("narrowBelow(10000, %d) = %d; want 714", PageSize, got)
	}
	for _, c := range []struct {
		q    BookQuery
		want bool
	}{
		{BookQuery{Format: FormatAudiobook, Sort: SortTitle}, false},
		{BookQuery{Format: FormatOther, Sort: SortTitle}, true},
		{BookQuery{Format: FormatAudiobook}, false}, // the format index serves the added order
	} {
		got, err := books.narrow(ctx, u.ID, c.q, PageSize)
		if err != nil || got != c.want {
			t.Errorf("narrow(%+v) = %v, %v; want %v", c.q, got, err, c.want)
		}
	}

	for _, format := range []Format{FormatAudiobook, FormatOther} {
		var want []int64
		if err := db.read.SelectContext(ctx, &want, `SELECT id FROM books WHERE format = ? ORDER BY lower(title), id`, format); err != nil {
			t.Fatal(err)
		}
		var got []int64
		q := BookQuery{Format: format, Sort: SortTitle}
		for {
			page, err := books.Find(ctx, u.ID, q)
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range page.Books {
				got = append(got, b.ID)
			}
			if page.Cursor == "" {
				break
			}
			q.Cursor = page.Cursor
		}
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("%s by title: %d books, want %d in title order", format, len(got), len(want))
		}
	}
}

// TestFindReadPlan checks how SQLite finds the books read on a day (the stats calendar's links,
// /books?read=…), alone and among the audiobooks: from the progress updates recorded that day
// (progress_updates_recorded) and the readings ended since (read_throughs_ended, its start dates
// in the index), then the books by id (the first step); never walking the library's books, nor the audiobooks,
// to look up each one's readings.
func TestFindReadPlan(t *testing.T) {
	ctx := t.Context()
	db := openSQLite(t)
	books := db.Books()
	day := DaySpan(time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC))
	for name, q := range map[string]BookQuery{
		"a day":                {Read: day},
		"a day's audiobooks":   {Read: day, Format: FormatAudiobook},
		"a month's audiobooks": {Read: MonthSpan(2026, 3), Format: FormatAudiobook},
	} {
		f, _, ok, err := books.build(ctx, 1, q, false)
		if err != nil || !ok {
			t.Fatalf("build(%+v) = %v, %v", q, ok, err)
		}
		joined := QueryPlan(t, db.read, `SELECT b.id FROM `+f.from+where(f.where), f.args...)
		first, _, _ := strings.Cut(joined, "; ")
		if !strings.Contains(joined, "progress_updates_recorded (recorded_at>? AND recorded_at<?)") ||
			!strings.Contains(joined, "COVERING INDEX read_throughs_ended (outcome=? AND finished_on>?)") ||
			!strings.HasPrefix(first, "SEARCH b USING ") || !strings.HasSuffix(first, "id=?)") ||
			strings.Contains(joined, "SCAN b") || strings.Contains(joined, "books_format") {
			t.Errorf("plan of %s: %s; want the day's updates and readings, then their books by id", name, joined)
		}
	}
}

// TestDenseSearchWalksTheOrder checks the plan of a search that matches a great many books, in
// the added order, on PostgreSQL: the books are walked in the order and each checked against the
// search (a subplan), rather than every match joined and sorted, which took "the" at 100,000
// books 400–1,100 ms.
func TestDenseSearchWalksTheOrder(t *testing.T) {
	if !OnPostgres() {
		t.Skip("SQLite checks the search on each book walked as it is written")
	}
	ctx := t.Context()
	db := OpenTest(t)
	for _, search := range []string{"the", "978-0-441-17271-9"} {
		f, _, ok, err := db.Books().build(ctx, 1, BookQuery{Search: search, Sort: SortAdded}, true)
		if err != nil || !ok {
			t.Fatalf("build(%q) = %v, %v", search, ok, err)
		}
		var plan []string
		if err := db.read.SelectContext(ctx, &plan, `EXPLAIN SELECT b.id FROM `+f.from+where(f.where)+
			` ORDER BY b.created_at DESC, b.id DESC LIMIT 51`, f.args...); err != nil {
			t.Fatal(err)
		}
		if joined := strings.Join(plan, "\n"); !strings.Contains(joined, "SubPlan") || strings.Contains(joined, "Join") {
			t.Errorf("plan of a dense search for %q:\n%s\nwant the books walked and each checked (a subplan), no join", search, joined)
		}
	}
}

// TestSearchProbe checks how a search in the added order finds its page on PostgreSQL when the
// reader has more books than denseMatches: a word most books have fills the page by walking the
// order (searchPage's probe), and is counted so (FindCount), without the full-text index making
// the set of all its matches; a rare word does not fill it, and is found and counted through the
// index. Either way every page, and the count, is what the index alone finds.
func TestSearchProbe(t *testing.T) {
	if !OnPostgres() {
		t.Skip("SQLite's index hands out its matches in the order walked: no probe")
	}
	ctx := t.Context()
	db := OpenTest(t)
	u, err := db.Users().Create(ctx, "ada", "a long enough passphrase")
	if err != nil {
		t.Fatal(err)
	}
	books := db.Books()
	if err := books.Seed(ctx, u.ID, 300, 1); err != nil {
		t.Fatal(err)
	}
	rare, err := books.Create(ctx, u.ID, BookInput{Title: "Zyxwv and the quux", Author: "Ann Author"})
	if err != nil {
		t.Fatal(err)
	}
	// Every page of q, following the cursors, and the count up to 20.
	all := func(q BookQuery) (ids []int64, count int) {
		t.Helper()
		for {
			page, err := books.Find(ctx, u.ID, q)
			if err != nil {
				t.Fatalf("Find(%+v): %v", q, err)
			}
			for _, b := range page.Books {
				ids = append(ids, b.ID)
			}
			if page.Cursor == "" {
				break
			}
			q.Cursor = page.Cursor
		}
		q.Cursor = ""
		if count, err = books.FindCount(ctx, u.ID, q, 20); err != nil {
			t.Fatal(err)
		}
		return ids, count
	}
	for _, c := range []struct {
		search  string
		dense   bool
		matches int // the first page's count when found through the index
	}{{"the", true, -1}, {"zyxwv", false, 1}, {"the s", true, -1}} {
		for _, reverse := range []bool{false, true} {
			q := BookQuery{Search: c.search, Sort: SortAdded, Reverse: reverse, Limit: 10}
			SetDenseMatches(t, 1_000_000) // the index alone, as before the probe
			wantIDs, wantCount := all(q)
			SetDenseMatches(t, 50)
			gotIDs, gotCount := all(q)
			if !slices.Equal(gotIDs, wantIDs) || gotCount != wantCount || len(wantIDs) == 0 {
				t.Errorf("%+v: found %v (count %d), want %v (count %d), not none", q, gotIDs, gotCount, wantIDs, wantCount)
			}

			// The page: the walk's (not dense, no count), or the index's, which counts.
			f, id, _, err := books.build(ctx, u.ID, q, false)
			if err != nil {
				t.Fatal(err)
			}
			dir, cmp := "DESC", "<"
			if reverse {
				dir, cmp = "ASC", ">"
			}
			page, dense, err := books.searchPage(ctx, u.ID, f, id, q, q.Limit, addedKey, dir, cmp, nil, 0)
			if err != nil || dense || page.Matches != c.matches || !slices.Equal(ids(page.Books), wantIDs[:min(q.Limit, len(wantIDs))]) {
				t.Errorf("searchPage(%+v) = %v, matches %d, dense %v, %v; want %v, matches %d, not dense",
					q, ids(page.Books), page.Matches, dense, err, wantIDs[:min(q.Limit, len(wantIDs))], c.matches)
			}

			// The count: the index's part of the statement runs only for the rare word.
			query, args, _, err := books.countQuery(ctx, u.ID, q, 20)
			if err != nil {
				t.Fatal(err)
			}
			var plan []string
			if err := db.read.SelectContext(ctx, &plan, `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) `+query, args...); err != nil {
				t.Fatal(err)
			}
			// The plan reads book_search twice: the walk's check on each book, and the index's
			// count, which is never started when the walk counted past 20.
			var reads, unread int
			for _, line := range plan {
				if strings.Contains(line, " on book_search") {
					reads++
					if strings.Contains(line, "never executed") {
						unread++
					}
				}
			}
			if reads < 2 || (unread > 0) != c.dense {
				t.Errorf("count of %q: book_search read in %d places, %d never; want the index's count skipped: %v\n%s",
					c.search, reads, unread, c.dense, strings.Join(plan, "\n"))
			}
		}
	}
	if ids, _ := all(BookQuery{Search: "zyxwv"}); !slices.Equal(ids, []int64{rare.ID}) {
		t.Errorf("zyxwv found %v, want the one book %d", ids, rare.ID)
	}
}

func ids(books []Book) []int64 {
	out := make([]int64, len(books))
	for i, b := range books {
		out[i] = b.ID
	}
	return out
}
