package data

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
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
	u := AddTestReader(t, db, "ada")
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

// searchReaders adds to db the readers ada and bob, with mine and theirs books. Added times are in
// an order unrelated to the ids (7,919 is prime, so i*7919 mod 10007 is a permutation), three
// books to a time; words in every book ("Omni"), every fifth ("Mid"), every hundredth ("Rare"),
// and one in all of bob's books and in three of ada's ("Theirs").
func searchReaders(t *testing.T, db *DB, mine, theirs int) (ada, bob int64) {
	ctx := t.Context()
	ada, bob = AddTestReader(t, db, "ada").ID, AddTestReader(t, db, "bob").ID
	for _, r := range []struct {
		owner int64
		n     int
		word  string
	}{{ada, mine, "mine"}, {bob, theirs, "theirs"}} {
		if _, err := db.write.ExecContext(ctx, `
			WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
			INSERT INTO books (owner_id, title, author, genre, status, format, notes, created_at, updated_at, author_sort)
			SELECT ?, 'Omni ' || printf('%05d', i) || CASE WHEN i % 5 = 0 THEN ' Mid' ELSE '' END
			           || CASE WHEN i % 100 = 0 THEN ' Rare' ELSE '' END
			           || CASE WHEN ? = 'theirs' OR i IN (7, ? / 2, ? - 1) THEN ' Theirs' ELSE '' END,
			       'Ann Author', '', 'want', 'paperback', '',
			       datetime('2026-01-01', '+' || (((i * 7919) % 10007) / 3) || ' minutes'), '2026-01-01 00:00:00', 'author, ann'
			FROM n`, r.n, r.owner, r.word, mine, mine); err != nil {
			t.Fatal(err)
		}
		// The counts the store keeps beside its writes.
		if _, err := db.write.ExecContext(ctx, `UPDATE book_counts SET live = ?, want = ? WHERE owner_id = ?`, r.n, r.n, r.owner); err != nil {
			t.Fatal(err)
		}
	}
	return ada, bob
}

// TestSearchWays finds how Find finds the first page of a search in the added order on SQLite,
// in a library of 3,000 books (another reader has 500): a word most books have is walked in the
// order and checked against the set of its matches, or, past searchSetMax matches, against the
// index book by book; a rare word, a word that is mostly another reader's, and a page after
// the first collect the matches first. Every way gives the reader's matches, newest first; the
// walk by the set is a walk of the order's index, with no sort, and a page after a cursor finds
// the matches first (it walked the order's index from the cursor, asking the full-text index
// about each book: this test took 79 s).
func TestSearchWays(t *testing.T) {
	ctx := t.Context()
	db := openSQLite(t)
	ada, _ := searchReaders(t, db, 3000, 500)
	books := db.Books()
	setMax, dense := searchSetMax, denseMatches
	t.Cleanup(func() { searchSetMax, denseMatches = setMax, dense })
	for _, c := range []struct {
		search        string
		setMax, dense int
		want          searchWay
	}{
		{"omni", 8000, 3000, bySet},
		{"mid", 8000, 3000, bySet},
		{"omni", 2500, 1500, byProbe},
		{"omni", 2500, 3000, byMatches}, // past searchSetMax, but at most 2,001 of them ada's
		{"rare", 8000, 3000, byMatches},
		{"theirs", 8000, 3000, byMatches},
	} {
		searchSetMax, denseMatches = c.setMax, c.dense
		q := BookQuery{Search: c.search, Sort: SortAdded}
		if got, err := books.searchWay(ctx, ada, q, PageSize); err != nil || got != c.want {
			t.Errorf("searchWay(%q), searchSetMax %d, denseMatches %d = %v, %v; want %v", c.search, c.setMax, c.dense, got, err, c.want)
		}
		if got, err := books.searchWay(ctx, ada, BookQuery{Search: c.search, Sort: SortAdded, Cursor: "12"}, PageSize); err != nil || got != byMatches {
			t.Errorf("searchWay(%q) after a cursor = %v, %v; want the matches collected", c.search, got, err)
		}
		var want []int64
		if err := db.read.SelectContext(ctx, &want, `SELECT id FROM books WHERE owner_id = ? AND (' ' || lower(title) || ' ') LIKE '% ' || ? || ' %'
			ORDER BY created_at DESC, id DESC`, ada, c.search); err != nil {
			t.Fatal(err)
		}
		var got []int64
		for page := 0; ; page++ {
			p, err := books.Find(ctx, ada, q)
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range p.Books {
				got = append(got, b.ID)
			}
			if p.Cursor == "" || page > 100 {
				break
			}
			q.Cursor = p.Cursor
		}
		if !slices.Equal(got, want) || len(want) < 3 {
			t.Errorf("%q (searchSetMax %d, denseMatches %d): %d books %v…, want %d %v… (and at least 3)",
				c.search, c.setMax, c.dense, len(got), got[:min(len(got), 5)], len(want), want[:min(len(want), 5)])
		}
	}
	// A page after the first finds the matches past the cursor through the full-text index.
	f, _, ok, err := books.build(ctx, ada, BookQuery{Search: "rare", Sort: SortAdded}, false)
	if err != nil || !ok {
		t.Fatalf("build(rare) = %v, %v", ok, err)
	}
	plan := QueryPlan(t, db.read, `SELECT f.rowid FROM `+f.from+where(append(f.where, "(b.created_at, f.rowid) < (?, ?)")),
		append(f.args, "2026-01-03 00:00:00", 2000)...)
	if !strings.HasPrefix(plan, "SCAN f VIRTUAL TABLE") || strings.Contains(plan, "books_sort_added") {
		t.Errorf("plan of a search's page after a cursor: %s; want the matches found first", plan)
	}
	f, _, ok, err = books.buildBy(ctx, ada, BookQuery{Search: "mid", Sort: SortAdded}, bySet)
	if err != nil || !ok {
		t.Fatalf("buildBy(mid, bySet) = %v, %v", ok, err)
	}
	plan = QueryPlan(t, db.read, `SELECT b.id FROM `+f.from+where(f.where)+` ORDER BY b.created_at DESC, b.id DESC LIMIT 51`, f.args...)
	if !strings.Contains(plan, "books_sort_added (owner_id=?)") || !strings.Contains(plan, "BLOOM FILTER") || strings.Contains(plan, "TEMP B-TREE") {
		t.Errorf("plan of a search by the set: %s; want the added order's index walked, each book looked up in the matches", plan)
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
	u := AddTestReader(t, db, "ada")
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

// TestSearchMatchesFromTheIndex checks a search in the added order with no other filter as books
// are deleted, restored, given another added time and taken into an import: every page, and the
// count, are the reader's live books whose title has the word, newest first. On PostgreSQL the
// matches are collected from book_search alone (its owner, added time and liveness, kept by
// migration 00053), not each looked up in books: books are read for the page's books alone.
func TestSearchMatchesFromTheIndex(t *testing.T) {
	ctx := t.Context()
	db := OpenTest(t)
	books := db.Books()
	ada := AddTestReader(t, db, "ada")
	bob := AddTestReader(t, db, "bob")
	var made []Book
	for i := range 40 {
		for _, in := range []BookInput{{Title: fmt.Sprintf("García %d", i), Author: "Ann Author"}, {Title: fmt.Sprintf("Other %d", i), Author: "Ann Author"}} {
			b, err := books.Create(ctx, ada.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(in.Title, "García") {
				made = append(made, b)
			}
		}
	}
	if _, err := books.Create(ctx, bob.ID, BookInput{Title: "García of Bob's", Author: "Bob Author"}); err != nil {
		t.Fatal(err)
	}
	const limit = 10
	check := func(step string) {
		t.Helper()
		var want []int64
		if err := db.read.SelectContext(ctx, &want, `SELECT id FROM books WHERE owner_id = ? AND deleted_at IS NULL AND pending_import IS NULL
			AND title LIKE 'García%' ORDER BY created_at DESC, id DESC`, ada.ID); err != nil {
			t.Fatal(err)
		}
		q := BookQuery{Search: "garc", Limit: limit}
		var got []int64
		for {
			page, err := books.Find(ctx, ada.ID, q)
			if err != nil {
				t.Fatalf("%s: %v", step, err)
			}
			if q.Cursor == "" && page.Matches != len(want) {
				t.Errorf("%s: the first page counts %d matches, want %d", step, page.Matches, len(want))
			}
			got = append(got, ids(page.Books)...)
			if page.Cursor == "" {
				break
			}
			q.Cursor = page.Cursor
		}
		n, err := books.FindCount(ctx, ada.ID, BookQuery{Search: "garc"}, 100)
		if !slices.Equal(got, want) || n != len(want) || err != nil {
			t.Errorf("%s: found %v, counted %d (%v); want %v", step, got, n, err, want)
		}
	}
	check("made")
	if _, err := books.Delete(ctx, ada.ID, made[39].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := books.Delete(ctx, ada.ID, made[5].ID); err != nil {
		t.Fatal(err)
	}
	check("deleted")
	if _, err := books.Restore(ctx, ada.ID, made[5].ID); err != nil {
		t.Fatal(err)
	}
	check("restored")
	if _, err := db.write.ExecContext(ctx, `UPDATE books SET created_at = ? WHERE id = ?`, time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC), made[30].ID); err != nil {
		t.Fatal(err)
	}
	check("added earlier")
	if _, err := db.write.ExecContext(ctx, `UPDATE books SET pending_import = 1 WHERE id = ?`, made[20].ID); err != nil {
		t.Fatal(err)
	}
	check("taken into an import")
	if _, err := db.write.ExecContext(ctx, `UPDATE books SET pending_import = NULL WHERE id = ?`, made[20].ID); err != nil {
		t.Fatal(err)
	}
	check("imported")

	if !OnPostgres() {
		return
	}
	q := BookQuery{Search: "garc", Limit: limit}
	f, id, _, err := books.build(ctx, ada.ID, q, false)
	if err != nil {
		t.Fatal(err)
	}
	page, _, err := books.searchPage(ctx, ada.ID, f, id, q, limit, addedKey, "DESC", "<", nil, 0)
	if err != nil || len(page.Books) != limit {
		t.Fatalf("searchPage: %d books, %v", len(page.Books), err)
	}
	// The statement searchPage ran for the first page, from the statements' cache (the later
	// pages' have a cursor's condition).
	var query string
	db.stmts.Range(func(k, _ any) bool {
		if s := k.(string); strings.Contains(s, "m (id, sort_key)") && !strings.Contains(s, "(?, ?)") {
			query = s
		}
		return query == ""
	})
	// Its arguments: the walk's owner and the count's, the words of the walk's check, and the
	// words and owner of the matches.
	var plan []string
	if err := db.read.SelectContext(ctx, &plan, `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) `+query, ada.ID, ada.ID, "garc", "garc", ada.ID); err != nil {
		t.Fatal(err)
	}
	// Books are read for the page alone: the walk of the added order does not run (the reader
	// has too few books), nor the page the walk would have filled.
	var reads []string
	for _, line := range plan {
		if strings.Contains(line, " on books ") && !strings.Contains(line, "never executed") {
			reads = append(reads, line)
		}
	}
	if len(reads) != 1 || !strings.Contains(reads[0], "loops="+strconv.Itoa(limit+1)) {
		t.Errorf("books read by %q; want them read for the page's %d books alone, the matches from book_search:\n%s",
			reads, limit+1, strings.Join(plan, "\n"))
	}
}

// TestSearchWalksTheNewest checks newestWalk, the first try of a search's first page in the
// added order on SQLite: in a library of 400 books (another reader has 100), with added times in
// an order unrelated to the ids, a word every book has fills the page from the reader's newest
// books, newest or oldest first, as the index finds it, passing a deleted book and one taken
// into an import (which the walk of the index reads); a word in a fifth of the books (too few of
// the books walked), a word mostly another reader's, a page after the first, a filter, and a
// reader with no more books than denseMatches leave the page to searchWay.
func TestSearchWalksTheNewest(t *testing.T) {
	ctx := t.Context()
	db := openSQLite(t)
	ada, _ := searchReaders(t, db, 400, 100)
	var newest []int64
	if err := db.read.SelectContext(ctx, &newest, `SELECT id FROM books WHERE owner_id = ? ORDER BY created_at DESC, id DESC LIMIT 2`, ada); err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.ExecContext(ctx, `UPDATE books SET deleted_at = '2026-02-01 00:00:00' WHERE id = ?`, newest[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.ExecContext(ctx, `UPDATE books SET pending_import = 1 WHERE id = ?`, newest[1]); err != nil {
		t.Fatal(err)
	}
	dense := denseMatches
	t.Cleanup(func() { denseMatches = dense })
	denseMatches = 300
	books := db.Books()
	for _, c := range []struct {
		q    BookQuery
		want bool
	}{
		{BookQuery{Search: "omn"}, true},
		{BookQuery{Search: "omn", Reverse: true}, true},
		{BookQuery{Search: "omn", Limit: 10}, true},
		{BookQuery{Search: "omn an"}, true},
		{BookQuery{Search: "omni"}, false}, // longer than newestPrefix
		{BookQuery{Search: "mid"}, false},
		{BookQuery{Search: "the"}, false}, // Theirs: bob's
		{BookQuery{Search: "omn", Cursor: "12"}, false},
		{BookQuery{Search: "omn", Status: StatusWant}, false},
		{BookQuery{Search: "omn", Language: "en"}, false},
	} {
		q := c.q
		q.Sort = SortAdded
		limit := cmp.Or(q.Limit, PageSize)
		dir := "DESC"
		if !q.Descending() {
			dir = "ASC"
		}
		page, ok, err := books.newestWalk(ctx, ada, q, limit, dir)
		if err != nil || ok != c.want {
			t.Errorf("newestWalk(%+v) = %v, %v; want %v", c.q, ok, err, c.want)
			continue
		}
		if !ok {
			continue
		}
		var want []int64
		if err := db.read.SelectContext(ctx, &want, `SELECT id FROM books WHERE owner_id = ? AND lower(title) LIKE ? || '%'
			AND deleted_at IS NULL AND pending_import IS NULL ORDER BY created_at `+dir+`, id `+dir+` LIMIT ?`, ada, strings.Fields(q.Search)[0], limit); err != nil {
			t.Fatal(err)
		}
		if got := ids(page.Books); !slices.Equal(got, want) || page.Matches != -1 || page.Cursor != strconv.FormatInt(want[limit-1], 10) {
			t.Errorf("newestWalk(%+v): %v, Matches %d, cursor %q; want %v, -1, the last book's", c.q, got, page.Matches, page.Cursor, want)
		}
		if found, err := books.Find(ctx, ada, q); err != nil || !slices.Equal(ids(found.Books), want) {
			t.Errorf("Find(%+v) = %v, %v; want %v", c.q, ids(found.Books), err, want)
		}
	}
	denseMatches = 400
	if _, ok, err := books.newestWalk(ctx, ada, BookQuery{Search: "omn", Sort: SortAdded}, PageSize, "DESC"); ok || err != nil {
		t.Errorf("newestWalk(omn) with 400 books, denseMatches 400 = %v, %v; want the matches counted, as before", ok, err)
	}
}
