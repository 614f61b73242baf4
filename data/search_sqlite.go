package data

import (
	"context"
	"strconv"
	"unicode/utf8"
)

// searchSetMax is how many books of SQLite's full-text index a search may match and still be
// found by walking the added order's index and looking each book up in the set of its matches
// (bySet); past it, building the set costs more than asking the index about each book walked
// (byProbe). At 100,000 books, "mar" (8,723 matches) took 1.0 ms by the set and 3.5 ms asking,
// "the" (65,612) 9.7 ms by the set and 0.7 ms asking. Counting the matches up to it costs a
// search that matches more some 0.27 ms.
var searchSetMax = 8000

// searchWayLibrary is the size of library from which searchWay looks for a sooner way than
// collecting the matches (byMatches, which then counts them for the page).
var searchWayLibrary = narrowLibrary

// searchWay chooses how Find finds the first page of a search in the added order (denseCandidate)
// on SQLite: by collecting its matches and ordering them (byMatches, which turns to byProbe when
// they are many), or by walking the order's index (the index of the status, genre or format
// filtered by) and checking each book against the set of matches (bySet) or asking the index
// (byProbe). It counts what the full-text index matches, every reader's books, up to
// searchSetMax+1, which costs a tenth of finding those matches' books.
//
// Collecting m matches reads and sorts every one (about 0.35 µs each at 100,000 books); walking
// with the set builds it (0.11 µs a match) and walks past page × library / m books to fill a page
// (0.06 µs each); the two cost the same near half of narrowBelow: 1,129 matches of 100,000 books
// for a page of 50. At 100,000 books, "garc" (1,616 matches) took 1.2 ms collected and 0.4 ms
// walked with the set; "tolk" (625) 0.55 ms collected and 0.7 ms walked.
//
// The count is of every reader's books, so it says how many of this reader's books may match,
// not how many do: the walks are chosen only when books past the reader's own (the highest book
// id less the reader's live books) cannot account for the matches that make them sooner. A page
// after the first, a small library, and a search with filters that no index walks in the added
// order collect the matches first as before.
func (s *BookStore) searchWay(ctx context.Context, owner int64, q BookQuery, limit int) (searchWay, error) {
	// Filters that no index walks in the added order (a language, a span, a rating) may leave
	// few of the matches: those are collected first, as before.
	walked := q.Language == "" && q.Finished.IsZero() && q.Read.IsZero() && q.Rating == 0
	if s.db.postgres() || q.Cursor != "" || !walked {
		return byMatches, nil
	}
	expr, ok := matchExpr(q.Search)
	if !ok {
		return byMatches, nil
	}
	var n struct {
		Matches int `db:"matches"`
		Live    int `db:"live"`
		Top     int `db:"top"`
	}
	if err := s.db.get(ctx, &n, `SELECT
		(SELECT COUNT(*) FROM (SELECT 1 FROM books_fts(?)`+limitOf(searchSetMax+1)+`)) AS matches,
		COALESCE((SELECT live FROM book_counts WHERE owner_id = `+intArg+`), 0) AS live,
		COALESCE((SELECT MAX(id) FROM books), 0) AS top`, expr, owner); err != nil {
		return byMatches, err
	}
	if n.Live < searchWayLibrary {
		return byMatches, nil
	}
	// The fewest of the matches that can be the reader's live books.
	mine := n.Matches - max(n.Top-n.Live, 0)
	switch {
	case n.Matches <= narrowBelow(n.Live, limit)/2 || mine <= narrowBelow(n.Live, limit)/2:
		return byMatches, nil
	case n.Matches <= searchSetMax:
		return bySet, nil
	case mine > denseMatches:
		return byProbe, nil
	}
	return byMatches, nil
}

// newestRows is how many books, for each book a page shows, a search in the added order on
// SQLite first walks in that order before it turns to searchWay (newestWalk).
const newestRows = 4

// newestPrefix is the longest word a search that newestWalk tries may have: the full-text index
// keeps prefixes of up to 3 characters as words of their own (migration 00005), whose matches
// in a span of ids it finds by seeking. A longer word is a prefix of words that the index
// gathers, every match of each, whatever the span: the walk then cost "garc" (1,601 matches at
// 100,000 books) 180 µs, and "tolk" 110 µs, to find too few books.
const newestPrefix = 3

// newestWalk finds the first page of a search in the added order on SQLite from the reader's
// newestRows × (limit+1) newest books (oldest, reversed), read from the added order's index alone,
// then kept when they match and are live: the full-text index is asked once, for its matches
// among the ids those books span, and each book looked up in that set. ok is false, and the page
// empty, when that walk does not fill the page: then searchWay and its count choose the way, as
// before. A word most books have fills it: "the" at 100,000 books counted 8,001 of its matches
// (0.35 ms) and then asked the index about each book walked (about 8 µs each, some 80 books),
// and now fills the page in 0.2-0.3 ms. A word in fewer than a quarter of the books walked does
// not fill it, and pays the walk on top: "mar" (8,723 matches) about 0.1 ms. It is not tried for
// a page after the first, a search with a filter, a word longer than newestPrefix, an ISBN, or a
// reader with no more books than denseMatches, whose matches are collected and counted for the
// library to show. A page it finds does not count the matches (BookPage.Matches is -1), as no
// walk of the order does.
func (s *BookStore) newestWalk(ctx context.Context, owner int64, q BookQuery, limit int, dir string) (page BookPage, ok bool, err error) {
	rest := q
	rest.Search, rest.Sort, rest.Reverse, rest.Zone, rest.Limit = "", "", false, nil, 0
	if s.db.postgres() || q.Cursor != "" || rest != (BookQuery{}) {
		return page, false, nil
	}
	if isbn, err := ParseISBN(q.Search); err == nil && isbn != "" {
		return page, false, nil
	}
	for _, w := range searchWords(q.Search) {
		if utf8.RuneCountInString(w) > newestPrefix {
			return page, false, nil
		}
	}
	expr, ok := matchExpr(q.Search)
	if !ok {
		return page, false, nil
	}
	order := func(k, id string) string { return ` ORDER BY ` + k + ` ` + dir + `, ` + id + ` ` + dir }
	// The walk reads the index alone (it keeps every book not deleted, pending imports too: the
	// books found are then read, and those pending dropped). The book_counts condition is on no
	// book walked, checked once. The + makes SQLite find the set of the index's matches once and
	// look each book up in it, rather than ask the index about each book.
	query := `WITH c (id, k) AS MATERIALIZED (SELECT b.id, ` + addedKey + ` FROM books b WHERE b.owner_id = ` + intArg +
		` AND b.deleted_at IS NULL AND EXISTS (SELECT 1 FROM book_counts WHERE owner_id = ` + intArg +
		` AND live > ` + strconv.Itoa(denseMatches) + `)` + order(addedKey, "b.id") + limitOf(newestRows*(limit+1)) + `), ` +
		`w (id, k) AS MATERIALIZED (SELECT c.id, c.k FROM c JOIN books b ON b.id = c.id WHERE +c.id IN (SELECT rowid FROM books_fts(?) ` +
		`WHERE rowid BETWEEN (SELECT MIN(id) FROM c) AND (SELECT MAX(id) FROM c)) AND b.pending_import IS NULL` +
		order("c.k", "c.id") + limitOf(limit+1) + `) ` +
		`SELECT ` + bookColumnsB + `, NULL AS sort_key FROM w JOIN books b ON b.id = w.id` + order("w.k", "w.id")
	books, lastKey, err := s.db.findPage(ctx, query, []any{owner, owner, expr}, limit, nil)
	if err != nil || len(books) <= limit {
		return BookPage{}, false, err
	}
	return pageOf(q, books, lastKey, limit), true, nil
}
