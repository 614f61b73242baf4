package data

import (
	"context"
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
