package data

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/jmoiron/sqlx"
)

// Sort is an order the library can be listed in.
type Sort string

// The library's orders. Every one pages by a keyset cursor on an index, so a deep page costs what
// the first does.
const (
	SortAdded    Sort = "added"
	SortTitle    Sort = "title"
	SortAuthor   Sort = "author"
	SortRating   Sort = "rating"
	SortProgress Sort = "progress"
	SortFinished Sort = "finished"
	// SortSeries is by series, then position in it: the book's first series by name (a book in
	// several is listed once), books in no series last.
	SortSeries Sort = "series"
)

// Sorts lists the orders, as the library's columns show them.
func Sorts() []Sort {
	return []Sort{SortTitle, SortAuthor, SortAdded, SortRating, SortProgress, SortFinished, SortSeries}
}

// ParseSort reads an order's name; "" is SortAdded.
func ParseSort(s string) (Sort, error) {
	if s == "" {
		return SortAdded, nil
	}
	for _, so := range Sorts() {
		if Sort(s) == so {
			return so, nil
		}
	}
	return "", fieldError("sort", "There is no such order.")
}

// DefaultDesc reports whether the order runs from the highest value down unless asked otherwise:
// newest, best rated, furthest read and last finished first; titles and authors from A.
func (s Sort) DefaultDesc() bool { return s != SortTitle && s != SortAuthor && s != SortSeries }

// Label is the order's name as a column heading.
func (s Sort) Label() string {
	switch s {
	case SortTitle:
		return "Title"
	case SortAuthor:
		return "Author"
	case SortRating:
		return "Rating"
	case SortProgress:
		return "Progress"
	case SortFinished:
		return "Finished"
	case SortSeries:
		return "Series"
	}
	return "Added"
}

// keyKind is the type of a sort key, for reading it back from a cursor.
type keyKind int

const (
	keyText keyKind = iota
	keyInt
	keyReal
)

// keyArg is the parameter of a sort key of kind compared for equality with a cursor's: on SQLite
// a cast to the kind, as intArg says why (the deep library page, after the 90,000 newest books,
// compiled its query again on every request for the bare ? of its added time); on PostgreSQL a
// bare ?, which it types by the column (a timestamp, which a cast to text would not compare with).
func (db *DB) keyArg(kind keyKind) string {
	switch {
	case db.postgres():
		return "?"
	case kind == keyInt:
		return intArg
	case kind == keyReal:
		return "CAST(? AS REAL)"
	}
	return textArg
}

// sortKey returns the SQL expression the order sorts by (matching an index of migration 00005,
// 00010, 00020 or 00021 exactly, so that SQLite walks the index) and its type. A missing value sorts last both
// ways. The expressions are constants: nothing from input is ever spliced into SQL.
func sortKey(s Sort, desc bool) (string, keyKind) {
	switch s {
	case SortAdded:
		return addedKey, keyText
	case SortTitle:
		// Without a leading article (migration 00021's sort_title, NULL for most titles).
		return "COALESCE(b.sort_title, lower(b.title))", keyText
	case SortSeries:
		if desc {
			return "COALESCE(b.series_sort, '')", keyText
		}
		return "COALESCE(b.series_sort, '" + seriesSortNone + "')", keyText
	case SortAuthor:
		// The first author's sort name (migration 00020's author_sort, kept by the store; NULL
		// for a book whose contributors are not made yet, which sorts by its author text).
		return "COALESCE(b.author_sort, lower(b.author))", keyText
	case SortRating:
		if desc {
			return "COALESCE(b.rating, -1)", keyInt
		}
		return "COALESCE(b.rating, 99)", keyInt
	case SortProgress:
		if desc {
			return "COALESCE(b.progress, -1)", keyReal
		}
		return "COALESCE(b.progress, 999)", keyReal
	case SortFinished:
		if desc {
			return "COALESCE(b.finished_on, '')", keyText
		}
		return "COALESCE(b.finished_on, '9999-12-31')", keyText
	}
	panic(fmt.Sprintf("sortKey: no order %q", s)) // Find and NeighbourOf parse the order first
}

// addedKey is the added order's key: when the book was added, as the import's Date Added or the
// moment it was typed in, stored as UTC text that sorts as time does.
const addedKey = "b.created_at"

// keyValue is the SQL that reads a sort key's value back to compare with others and to put in a
// cursor: the key itself, but the added time as the text it is stored as (the driver would make
// a column declared TIMESTAMP a time.Time, which compares and encodes differently).
func keyValue(key string) string {
	if key == addedKey {
		return "CAST(" + key + " AS TEXT)"
	}
	return key
}

// BookQuery is what the library shows: a search, filters that all apply together, an order, and
// where the page starts.
type BookQuery struct {
	// Search is words to find in title, author (every contributor), genre, series, publisher, review,
	// private notes and ISBN (the reader's own books alone); every word must match the
	// start of a word, ignoring case and accents.
	Search string
	Status Status
	// Shelf is a shelf id, or 0 for every book.
	Shelf int64
	// Genre matches the book's genre exactly, ignoring case.
	Genre string
	// Format is the books' format, "" for every format.
	Format Format
	// Language is the language of the books' editions as a BCP 47 tag ("pt-BR"), "" for every
	// language; it matches the tag exactly, as Edition keeps it (canonical), so "en" is not "en-GB".
	Language string
	// Finished keeps the books with a reading that ended in the span: finished, or given up
	// when Status is StatusDNF. With a span, Status read or DNF is what that reading came to,
	// whatever the book's status is now (a book finished in March and being read again is
	// among March's read books); another status is the book's status now, as without one. A
	// book read twice is in each span one of its readings ended in, listed once in a span that
	// holds both. The zero Span is every book.
	Finished Span
	// Read keeps the books read (or listened to) in the span, as the stats count pages and
	// minutes: a reading of the book has a progress update on a day of the span, or ended in it
	// (finished or given up), or, without updates, ran from before the span's end to after its
	// start (its pages spread over its days). Days are those of Zone (UTC when nil). The zero Span
	// is every book.
	Read Span
	Zone *time.Location
	// Rating keeps the books rated exactly so; 0 is every book.
	Rating Rating
	Sort   Sort
	// Reverse runs the order the other way from its default (see Sort.DefaultDesc).
	Reverse bool
	// Cursor is BookPage.Cursor of the previous page, or "" for the first page.
	Cursor string
	// Limit is the page size; PageSize when 0.
	Limit int
}

// Descending reports whether q's order runs from the highest value down.
func (q BookQuery) Descending() bool {
	s := q.Sort
	if s == "" {
		s = SortAdded
	}
	return s.DefaultDesc() != q.Reverse
}

// maxSearchWords bounds how many words of a search are used, and maxWordLen their length.
const (
	maxSearchWords = 12
	maxWordLen     = 64 // characters
)

// matchExpr turns what a reader typed into an FTS5 query: every word a prefix, all of them
// required, in any column. Only letters and digits reach the query, each word in double quotes,
// so FTS5's syntax cannot be injected. A whole ISBN (10 or 13 digits, hyphens allowed) finds the
// book with that ISBN. ok is false when nothing searchable was typed. The caller joins books to
// keep the owner's own.
func matchExpr(search string) (expr string, ok bool) {
	if isbn, err := ParseISBN(search); err == nil {
		return `isbn : "` + string(isbn) + `"`, true
	}
	words := searchWords(search)
	if len(words) == 0 {
		return "", false
	}
	terms := make([]string, len(words))
	for i, w := range words {
		terms[i] = `"` + w + `"*`
	}
	return strings.Join(terms, " AND "), true
}

// searchMatch is the SQL that finds the books matching a search, through the search index of
// the database's engine (books_fts on SQLite, book_search on PostgreSQL).
type searchMatch struct {
	// from joins the index's matches, aliased f, to books b, taking fromArgs; cond (with args)
	// keeps the matches, when from does not; id is the matches' book id, to page by (the order
	// FTS5 walks its matches in).
	from, cond, id string
	fromArgs       []any
	// exists is a condition on books b alone, taking args, true when the book matches: the index
	// is asked about each book. in (SQLite alone; "" on PostgreSQL) is the same condition, taking
	// args too, answered from the set of every match, found once (see searchWay).
	exists, in string
	args       []any
	// indexed (PostgreSQL alone; "" for an ISBN) is the condition on the index's rows f alone
	// that keeps the matches that are the owner's live books, taking args and then the owner:
	// book_search keeps each book's owner, added time (f.added) and liveness (migration 00053).
	indexed string
}

// searchMatch turns what a reader typed into the SQL that finds their books, or reports false
// when nothing searchable was typed.
//
// On PostgreSQL the words go to bookcase_search_query (its search migration), which folds them
// as the index's words are folded and makes each a prefix query: the words are parameters, never
// tsquery syntax. A whole ISBN matches the book's ISBN alone, as FTS5's column filter does on
// SQLite: the index finds the books with the word, and the ISBN column is compared after.
func (db *DB) searchMatch(search string) (searchMatch, bool) {
	if !db.postgres() {
		expr, ok := matchExpr(search)
		// CROSS JOIN makes SQLite find the matches first, as from says, and never walk an
		// order's index asking the full-text index about each book: given a page's cursor,
		// (created_at, id) < (?, ?), it walked the added order from the cursor, and "tolk"'s
		// second page at 100,000 books took 2.3 s of CPU rather than 0.8 ms (TestSearchWays).
		return searchMatch{
			from: "books_fts(?) AS f CROSS JOIN books b ON b.id = f.rowid", id: "f.rowid", fromArgs: []any{expr},
			exists: "EXISTS (SELECT 1 FROM books_fts(?) AS f WHERE f.rowid = b.id)", args: []any{expr},
			// The + keeps SQLite from looking the matches up by id and sorting them: the order's
			// index is walked, and each book checked against the set (a Bloom filter first).
			in: "+b.id IN (SELECT rowid FROM books_fts(?))",
		}, ok
	}
	// The query is made once a statement, in a subquery of its own: as bookcase_search_query(?)
	// alone, a generic plan (the statement prepared, run a sixth time) folded the words again for
	// every book it checked (a page of "sea", a twelfth of 100,000 books, walking the added
	// order: 27 ms → 0.7 ms).
	//
	// exists is a condition checked on each book as the order's index is walked (a search that
	// matches a great many books, denseCandidate). OFFSET 0 keeps PostgreSQL from turning it into
	// a join: hidden in its subquery, the words' frequency is unknown to the planner, which then
	// joined every match and sorted them. Searching "the" at 100,000 books (65,676 matches) took
	// 400–1,100 ms that way, and 0.8 ms walking the added order (TestDenseSearchWalksTheOrder).
	const from, in = "book_search f JOIN books b ON b.id = f.book_id", "f.doc @@ (SELECT bookcase_search_query(?))"
	if isbn, err := ParseISBN(search); err == nil && isbn != "" {
		return searchMatch{
			from: from, cond: in + " AND b.isbn = ?", id: "f.book_id",
			exists: "EXISTS (SELECT 1 FROM book_search f WHERE f.book_id = b.id AND " + in + " OFFSET 0) AND b.isbn = ?",
			args:   []any{string(isbn), string(isbn)},
		}, true
	}
	words := searchWords(search)
	if len(words) == 0 {
		return searchMatch{}, false
	}
	w := strings.Join(words, " ")
	return searchMatch{
		from: from, cond: in, id: "f.book_id",
		exists:  "EXISTS (SELECT 1 FROM book_search f WHERE f.book_id = b.id AND " + in + " OFFSET 0)",
		args:    []any{w},
		indexed: in + " AND f.owner_id = " + intArg + " AND f.live",
	}, true
}

// indexedMatches returns the condition on book_search f alone that keeps the owner's live books
// matching q's search, with its arguments, when q has no filter but the search and the database
// is PostgreSQL (ok false otherwise): the matches and their added times (f.added) are then the
// index's own, not each looked up in books.
func (db *DB) indexedMatches(owner int64, q BookQuery) (cond string, args []any, ok bool) {
	if !db.postgres() || q.Status != "" || strings.TrimSpace(q.Genre) != "" || q.Format != "" || strings.TrimSpace(q.Language) != "" ||
		q.Shelf != 0 || !q.Finished.IsZero() || !q.Read.IsZero() || q.Rating != 0 {
		return "", nil, false
	}
	m, ok := db.searchMatch(q.Search)
	if !ok || m.indexed == "" {
		return "", nil, false
	}
	return m.indexed, append(slices.Clone(m.args), owner), true
}

// foldLetters replaces the letters that SQLite's unicode61 tokenizer does not fold to a plain
// Latin letter, exactly as migration 00005 does to the indexed text, so "Nesbo" finds "Nesbø".
var foldLetters = strings.NewReplacer("ł", "l", "Ł", "L", "ø", "o", "Ø", "O", "æ", "ae", "Æ", "AE", "œ", "oe", "Œ", "OE", "ß", "ss", "đ", "d", "Đ", "D", "ð", "d", "Ð", "D", "þ", "th", "Þ", "TH", "ı", "i")

// searchWords splits a search into words of letters and digits. Digits joined by hyphens are one
// word, so a partial ISBN typed with hyphens still matches.
func searchWords(search string) []string {
	var words []string
	var w strings.Builder
	runes := []rune(foldLetters.Replace(search))
	flush := func() {
		if w.Len() > 0 && len(words) < maxSearchWords {
			word := []rune(w.String())
			words = append(words, string(word[:min(len(word), maxWordLen)]))
		}
		w.Reset()
	}
	for i, r := range runes {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			w.WriteRune(r)
		case r == '-' && i > 0 && i+1 < len(runes) && unicode.IsDigit(runes[i-1]) && unicode.IsDigit(runes[i+1]):
			// 978-0-441: one word
		default:
			flush()
		}
	}
	flush()
	return words
}

// bookColumnsB are the columns of a Book that a page of books has (BookPage.Books: all but notes,
// ISBN and updated_at), on the books table aliased b, in the order findPage scans them.
// Its times are read by storedTime (which says why COALESCE).
const bookColumnsB = `b.id, b.title, b.author, b.genre, COALESCE(b.created_at, b.created_at) AS created_at, b.status, b.format,
	COALESCE(b.pages, 0) AS pages, COALESCE(b.rating, 0) AS rating,
	COALESCE(CAST(b.finished_on AS TEXT), '') AS finished_on, b.progress_page, b.progress_percent,
	COALESCE(b.progress_at, b.progress_at) AS progress_at,
	COALESCE((SELECT c.hash FROM covers c WHERE c.book_id = b.id), '') AS cover, b.series_sort IS NULL AS no_series`

// findQuery is a query being built from a BookQuery: fixed SQL fragments, and the arguments
// that go with them, in order.
type findQuery struct {
	from  string
	where []string
	args  []any
}

// where joins conditions into a WHERE clause.
func where(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// narrowLibrary is the size of library from which Find checks whether a filter is narrow.
const narrowLibrary = 2000

// narrowBelow is how many of a library of live books a filter may leave and still be collected
// first and then ordered, for a page of limit books: about √(page × library). Collecting and
// sorting m matches reads m books (and sorts them); walking the order's index until a page of
// them turns up reads about page × library / m books. The two cost the same where m² is page ×
// library: 2,258 books of 100,000 for a page of 50 (with the one more that says whether there is
// a next page), 714 of 10,000. The cut-off was an eighth of the library, which made the
// audiobooks (12% of a seeded library) collect and sort 12,000 books for a page of them by title
// (BenchmarkLibraryByFormat/byTitle, 100,000 books: about 129 ms of CPU a request).
func narrowBelow(live, limit int) int {
	return int(math.Sqrt(float64(live) * float64(limit+1)))
}

// narrow reports whether q's filters leave so few of a large library's books (under
// narrowBelow) that they are best collected first and then ordered: walking the order's index to
// find a rare book would read most of the library. The indexes on status, genre and format serve
// the newest-first order directly, and a search is always driven by the full-text index.
func (s *BookStore) narrow(ctx context.Context, owner int64, q BookQuery, limit int) (bool, error) {
	added := q.Sort == "" || q.Sort == SortAdded
	if strings.TrimSpace(q.Search) != "" || (q.Shelf == 0 && q.Language == "" && q.Finished.IsZero() && q.Read.IsZero() && q.Rating == 0 && (added || q.Status == "" && q.Genre == "" && q.Format == "")) {
		return false, nil
	}
	live, err := s.Count(ctx, owner)
	if err != nil || live < narrowLibrary {
		return false, err
	}
	enough := narrowBelow(live, limit)
	if q.Status != "" && !added {
		counts, err := s.db.statusCounts(ctx, owner)
		if err != nil {
			return false, err
		}
		if counts[q.Status] < enough {
			return true, nil
		}
	}
	var n int
	if q.Shelf != 0 {
		if err := s.db.get(ctx, &n, `SELECT COUNT(*) FROM (SELECT 1 FROM book_shelves WHERE shelf_id = ? LIMIT ?) AS m`, q.Shelf, enough); err != nil {
			return false, err
		}
		if n < enough {
			return true, nil
		}
	}
	if g := strings.TrimSpace(q.Genre); g != "" && !added {
		if err := s.db.get(ctx, &n, `
			SELECT COUNT(*) FROM (SELECT 1 FROM books WHERE owner_id = ? AND lower(genre) = lower(?) AND deleted_at IS NULL AND pending_import IS NULL LIMIT ?) AS m`,
			owner, g, enough); err != nil {
			return false, err
		}
		if n < enough {
			return true, nil
		}
	}
	if q.Format != "" && !added {
		if err := s.db.get(ctx, &n, `
			SELECT COUNT(*) FROM (SELECT 1 FROM books WHERE owner_id = ? AND format = ? AND deleted_at IS NULL AND pending_import IS NULL LIMIT ?) AS m`,
			owner, q.Format, enough); err != nil {
			return false, err
		}
		if n < enough {
			return true, nil
		}
	}
	if q.Language != "" {
		// No index leads from a language to the owner's books in an order of the library: the
		// editions in the language are collected first whenever they are few, which they are in
		// most libraries (a book has an edition row only when one of its facts is known).
		if err := s.db.get(ctx, &n, `
			SELECT COUNT(*) FROM (SELECT 1 FROM editions e JOIN books b ON b.id = e.book_id
				WHERE e.language = ? AND e.language <> '' AND b.owner_id = ? AND b.deleted_at IS NULL AND b.pending_import IS NULL LIMIT ?) AS m`,
			q.Language, owner, enough); err != nil {
			return false, err
		}
		if n < enough {
			return true, nil
		}
	}
	if !q.Finished.IsZero() {
		// Readings that ended in a month or a year are few beside a library's books: collected
		// from the index read_throughs_ended, then ordered.
		cond, args := finishedIn(q)
		if err := s.db.get(ctx, &n, `
			SELECT COUNT(*) FROM (SELECT 1 FROM books b WHERE b.owner_id = ? AND b.deleted_at IS NULL AND b.pending_import IS NULL AND `+cond+` LIMIT ?) AS m`,
			append(append([]any{owner}, args...), enough)...); err != nil {
			return false, err
		}
		if n < enough {
			return true, nil
		}
	}
	if !q.Read.IsZero() || q.Rating != 0 {
		// Books read in a span, or given one rating, are counted among the owner's books; a
		// day's, a month's or a rating's are few.
		f, _, ok, err := s.build(ctx, owner, BookQuery{Read: q.Read, Zone: q.Zone, Rating: q.Rating}, false)
		if err != nil || !ok {
			return false, err
		}
		if err := s.db.get(ctx, &n, `SELECT COUNT(*) FROM (SELECT 1 FROM `+f.from+where(f.where)+` LIMIT ?) AS m`,
			append(f.args, enough)...); err != nil {
			return false, err
		}
		if n < enough {
			return true, nil
		}
	}
	return false, nil
}

// readIn is the condition on books b of q's Read span, and its arguments (see BookQuery.Read).
//
// For a day, a month or a year, the books are collected first from the span's readings, as
// finishedIn collects them: the progress updates recorded in the span (migration 00037's index of
// their times) and the readings ended on or after its first day (read_throughs_ended, whose
// start dates are in the index too), those ended in the span or, without updates, running
// through it. It was a correlated EXISTS on each book, over its readings and their updates, which
// made a day's link walk the whole library (the narrow filter's count, then the page). At 100,000
// seeded books, CPU for the page and its count (BenchmarkFindRead): a day of this year 559 → 4–7 ms,
// one eight years ago 557 → 26 (every reading ended since is read from the index), a month by
// title 600 → 8, the year 152 → 28.
func readIn(q BookQuery) (string, []any) {
	loc := q.Zone
	if loc == nil {
		loc = time.UTC
	}
	from, until := q.Read.dates()
	if from == "" {
		// Most books read at all: checked book by book as an order's index walks them.
		return `EXISTS (SELECT 1 FROM read_throughs r WHERE r.book_id = b.id AND (r.outcome IN ('read', 'dnf') AND r.finished_on IS NOT NULL OR
			EXISTS (SELECT 1 FROM progress_updates p WHERE p.read_through_id = r.id)))`, nil
	}
	at, before := q.Read.instants(loc)
	return `b.id IN (
			SELECT r.book_id FROM progress_updates p JOIN read_throughs r ON r.id = p.read_through_id
			WHERE p.recorded_at >= ? AND p.recorded_at < ?
			UNION ALL
			SELECT r.book_id FROM read_throughs r
			WHERE r.outcome IN ('read', 'dnf') AND r.finished_on >= ?
				AND (r.finished_on < ? OR r.started_on < ?
					AND NOT EXISTS (SELECT 1 FROM progress_updates p WHERE p.read_through_id = r.id)))`,
		[]any{at, before, from, until, until}
}

// finishedIn is the condition on books b of q's Finished span, and its arguments: one of the
// book's readings ended in the span, finished (or given up, for the status DNF).
func finishedIn(q BookQuery) (string, []any) {
	outcome := StatusRead
	if q.Status == StatusDNF {
		outcome = StatusDNF
	}
	from, until := q.Finished.dates()
	if from == "" {
		return "b.id IN (SELECT book_id FROM read_throughs WHERE outcome = ? AND finished_on IS NOT NULL)", []any{outcome}
	}
	// finished_on < the day after, not <= the last day: a date stored as a timestamp's text
	// ('2026-03-31 00:00:00') is past '2026-03-31' as text.
	return "b.id IN (SELECT book_id FROM read_throughs WHERE outcome = ? AND finished_on >= ? AND finished_on < ?)", []any{outcome, from, until}
}

// denseMatches is how many books a search in the added order may match and still be found
// through the full-text index and then ordered; past it, walking the added order's index and
// checking each book is sooner. At 100,000 books, ordering 100,000 matches took 86 ms a page.
// The added order's index, and the status and genre indexes, which end in the added time, are
// walked in that order; the other orders, and a shelf, keep collecting the matches first.
var denseMatches = 3000

func (f *findQuery) and(cond string, args ...any) {
	f.where = append(f.where, cond)
	f.args = append(f.args, args...)
}

// searchWay is how a search finds its books.
type searchWay int

const (
	// byMatches finds the books that match first, through the full-text index, then orders them.
	byMatches searchWay = iota
	// byProbe walks the order's index and asks the full-text index about each book.
	byProbe
	// bySet walks the order's index and looks each book up in the set of every match (SQLite).
	bySet
)

// build turns the query's filters into FROM and WHERE, and reports false when the search has
// nothing to look for (so nothing matches). id is the column to page by: the index's rowid when
// searching, which FTS5 walks in order.
//
// A search is driven by the full-text index: the books that match are found first, then ordered.
// When it matches a great many books, walking the order's index and checking each book against
// the search finds a page sooner (byOrder), as long as the order's index is the one walked.
func (s *BookStore) build(ctx context.Context, owner int64, q BookQuery, byOrder bool) (f findQuery, id string, ok bool, err error) {
	way := byMatches
	if byOrder {
		way = byProbe
	}
	return s.buildBy(ctx, owner, q, way)
}

// buildBy is build, the search found the way given.
func (s *BookStore) buildBy(ctx context.Context, owner int64, q BookQuery, way searchWay) (f findQuery, id string, ok bool, err error) {
	f.from = "books b"
	id = "b.id"
	if strings.TrimSpace(q.Search) != "" {
		m, ok := s.db.searchMatch(q.Search)
		if !ok {
			return f, id, false, nil
		}
		switch {
		case way == bySet && m.in != "":
			f.and(m.in, m.args...)
		case way != byMatches:
			f.and(m.exists, m.args...)
		default:
			f.from = m.from
			f.args = append(f.args, m.fromArgs...)
			if m.cond != "" {
				f.and(m.cond, m.args...)
			}
			id = m.id
		}
	}
	f.and("b.owner_id = "+intArg, owner)
	f.and("b.deleted_at IS NULL AND b.pending_import IS NULL")
	if q.Status != "" {
		if !validStatus(q.Status) {
			return f, id, false, fieldError("status", msgStatus)
		}
		if q.Finished.IsZero() || q.Status != StatusRead && q.Status != StatusDNF {
			f.and("b.status = ?", q.Status)
		}
	}
	if q.Shelf != 0 {
		var mine bool
		if err := s.db.get(ctx, &mine,
			`SELECT EXISTS (SELECT 1 FROM shelves WHERE id = ? AND owner_id = ? AND pending_import IS NULL)`, q.Shelf, owner); err != nil {
			return f, id, false, err
		}
		if !mine {
			return f, id, false, ErrNotFound
		}
		f.and("b.id IN (SELECT book_id FROM book_shelves WHERE shelf_id = ?)", q.Shelf)
	}
	if g := strings.TrimSpace(q.Genre); g != "" {
		f.and("lower(b.genre) = lower(?)", g)
	}
	if q.Format != "" {
		if _, err := ParseFormat(string(q.Format)); err != nil {
			return f, id, false, err
		}
		if q.Read.IsZero() || q.Read.all {
			f.and("b.format = ?", q.Format)
		} else {
			// The books read in a span are collected from its readings, then looked up by id:
			// the format, written so that no index serves it, is checked on each. SQLite chose
			// to walk the format's books (an eighth of the library is audiobooks) and look each
			// one up among them, which cost the audiobooks read on a day 36 ms of CPU at
			// 100,000 books rather than 3, and a month's 58 rather than 6 (BenchmarkFindRead).
			f.and("b.format || '' = ?", q.Format)
		}
	}
	if l := strings.TrimSpace(q.Language); l != "" {
		// language <> '' (implied) lets SQLite use an index on the languages editions give,
		// partial as most editions give none.
		f.and("b.id IN (SELECT book_id FROM editions WHERE language = ? AND language <> '')", l)
	}
	if !q.Finished.IsZero() {
		cond, args := finishedIn(q)
		f.and(cond, args...)
	}
	if !q.Read.IsZero() {
		cond, args := readIn(q)
		f.and(cond, args...)
	}
	if q.Rating != 0 {
		if q.Rating < 0 || q.Rating > MaxRating {
			return f, id, false, ratingError()
		}
		f.and("b.rating = ?", q.Rating)
	}
	return f, id, true, nil
}

// Find returns one page of the owner's live books that match q, in q's order, and the cursor of
// the next page. An unknown status or order, or a cursor that is not one Find made, is a
// validation error; a shelf that is not the owner's is ErrNotFound.
func (s *BookStore) Find(ctx context.Context, owner int64, q BookQuery) (BookPage, error) {
	if q.Sort == "" {
		q.Sort = SortAdded
	}
	if _, err := ParseSort(string(q.Sort)); err != nil {
		return BookPage{}, err
	}
	limit := q.Limit
	if limit <= 0 || limit > 500 {
		limit = PageSize
	}
	f, id, ok, err := s.build(ctx, owner, q, false)
	if err != nil || !ok {
		return BookPage{Matches: -1}, wrapFind(err)
	}
	key, kind := sortKey(q.Sort, q.Descending())
	dir, cmp := "ASC", ">"
	if q.Descending() {
		dir, cmp = "DESC", "<"
	}
	var k any
	var after int64
	if q.Cursor != "" {
		if k, after, err = s.cursorAt(ctx, owner, q.Sort, q.Cursor, kind); err != nil {
			return BookPage{}, err
		}
	}
	if denseCandidate(q) {
		if page, ok, err := s.newestWalk(ctx, owner, q, limit, dir); err != nil || ok {
			return page, wrapFind(err)
		}
		way, err := s.searchWay(ctx, owner, q, limit)
		if err != nil {
			return BookPage{}, wrapFind(err)
		}
		if way == byMatches {
			page, dense, err := s.searchPage(ctx, owner, f, id, q, limit, key, dir, cmp, k, after)
			if err != nil || !dense {
				return page, wrapFind(err)
			}
			way = byProbe
		}
		if f, id, _, err = s.buildBy(ctx, owner, q, way); err != nil {
			return BookPage{}, wrapFind(err)
		}
	}
	order := key + " " + dir + ", " + id + " " + dir
	narrow, err := s.narrow(ctx, owner, q, limit)
	if err != nil {
		return BookPage{}, wrapFind(err)
	}
	// Where SQLite sorts the books it finds (those the search index finds, or a narrow filter
	// collects, and the two seeks of a page after a cursor in an order whose keys repeat), the
	// page is found by their ids and sort keys alone, and the page's columns read after: SQLite
	// would otherwise carry every found book's columns through the sort, and look up each one's
	// cover (the deep page at 100,000 books: 783–827 → 761–783 µs of CPU a request). Walking an
	// order's index reads the page's books alone anyway.
	sorted := narrow || id != "b.id" || q.Cursor != "" && q.Sort != SortTitle && q.Sort != SortAuthor
	// The page's rows carry their sort keys for the next page's cursor, but for the added order,
	// whose cursor is the page's last book (cursorOf): 50 strings fewer a page.
	pageKey, wrappedKey := keyValue(key), "p.sort_key"
	if q.Sort == SortAdded {
		pageKey, wrappedKey = "NULL", "NULL"
	}
	cols := `SELECT ` + bookColumnsB + `, ` + pageKey + ` AS sort_key FROM `
	if sorted {
		cols = `SELECT b.id AS id, ` + keyValue(key) + ` AS sort_key FROM `
	}
	var query string
	args := slices.Clone(f.args)
	switch {
	case narrow:
		// Few books pass the filters: collect them first, then order them, rather than walk the
		// order's index through the whole library looking for them.
		var cursor []string
		if q.Cursor != "" {
			cursor, args = []string{"(" + key + ", b.id) " + cmp + " (?, ?)"}, append(args, k, after)
		}
		query = `WITH m (id) AS MATERIALIZED (SELECT b.id FROM ` + f.from + where(f.where) + `) ` +
			cols + `books b JOIN m ON m.id = b.id` + where(cursor) +
			` ORDER BY ` + strings.ReplaceAll(order, id, "b.id") + limitOf(limit+1)
	case q.Cursor == "":
		query = cols + f.from + where(f.where) + ` ORDER BY ` + order + limitOf(limit+1)
	case q.Sort == SortTitle || q.Sort == SortAuthor:
		// Titles and authors are nearly all different: seek to the cursor's key and pass the
		// few books that share it. The first condition is implied by the second, but SQLite
		// seeks an expression index only on it.
		query = cols + f.from + where(append(f.where, key+" "+cmp+"= ?", "("+key+", "+id+") "+cmp+" (?, ?)")) +
			` ORDER BY ` + order + limitOf(limit+1)
		args = append(args, k, k, after)
	default:
		// Ratings, progress, finish dates and added dates are shared by many books (every unrated
		// book has the same key, every book of an import's day the same added date): the rest of the books with the cursor's key, then those past it, two
		// seeks on the order's index. One condition on (key, id) would make SQLite walk the
		// index from the start of the key, through every book before the cursor that shares it.
		same := cols + f.from + where(append(slices.Clone(f.where), key+" = "+s.db.keyArg(kind), id+" "+cmp+" ?")) +
			` ORDER BY ` + id + ` ` + dir + limitOf(limit+1)
		past := cols + f.from + where(append(slices.Clone(f.where), key+" "+cmp+" ?")) +
			` ORDER BY ` + order + limitOf(limit+1)
		query = `SELECT * FROM (` + same + `) AS same UNION ALL SELECT * FROM (` + past + `) AS past ORDER BY sort_key ` + dir + `, id ` + dir + limitOf(limit+1)
		args = append(append(append(args, k, after), f.args...), k)
	}
	if sorted {
		// SQLite does not flatten a subquery with a LIMIT into a join, so the columns are read
		// for the page's books alone. At 100,000 books, CPU per request (runs alternated):
		// BenchmarkLibrarySearch (tolk) 1,767–2,208 → 1,453–1,680 µs,
		// BenchmarkLibrarySearchFragment (garc) 2,606–3,024 → 1,933–2,232 µs.
		query = `SELECT ` + bookColumnsB + `, ` + wrappedKey + ` AS sort_key FROM (` + query + `) AS p JOIN books b ON b.id = p.id` +
			` ORDER BY p.sort_key ` + dir + `, p.id ` + dir
	}
	books, lastKey, err := s.db.findPage(ctx, query, args, limit, nil)
	if err != nil {
		return BookPage{}, wrapFind(err)
	}
	return pageOf(q, books, lastKey, limit), nil
}

// pageOf is the page of books found for q, at most limit of them, with the cursor of the next
// page when there is one more; lastKey is the sort key of the page's last book.
func pageOf(q BookQuery, books []Book, lastKey any, limit int) BookPage {
	page := BookPage{Matches: -1}
	if len(books) > limit {
		books = books[:limit]
		last := books[limit-1].ID
		if q.Sort == SortAdded {
			page.Next = last
		}
		page.Cursor = cursorOf(q.Sort, lastKey, last)
	}
	page.Books = books
	return page
}

// denseCandidate reports whether q is a search in the added order (without a shelf), which
// Find answers from the full-text index's matches when they are few, and by walking the added
// order's index, checking each book against the search, when they are many (denseMatches).
func denseCandidate(q BookQuery) bool {
	return q.Sort == SortAdded && strings.TrimSpace(q.Search) != "" && q.Shelf == 0
}

// searchPage finds a page of a search in the added order through the full-text index, in one
// statement: the matches past the cursor (no more than denseMatches+1 of them) are collected with
// their sort keys, counted, and the page taken from them. dense is true, and the page empty, when
// there are more than denseMatches: walking the order's index is then sooner. On the first page
// the count is every match, which the page carries (BookPage.Matches) so that the library need
// not count them again. It replaced a count of the matches (to choose between the two ways)
// followed by the page's query, which found every match twice: at 100,000 books, searching
// "tolk" (583 matches) … CPU-µs a request (BenchmarkLibrarySearch).
//
// On PostgreSQL the same statement first walks the order for a while (probe): when that fills the
// page, the page is the walk's, and the index is not asked at all.
func (s *BookStore) searchPage(ctx context.Context, owner int64, f findQuery, id string, q BookQuery, limit int, key, dir, cmp string, k any, after int64) (page BookPage, dense bool, err error) {
	from, conds, args, mKey, mID := f.from, f.where, slices.Clone(f.args), key, id
	if cond, condArgs, ok := s.db.indexedMatches(owner, q); ok {
		// Each match was looked up in books for its owner, liveness and added time: "garc" at
		// 100,000 books (1,601 matches) cost 6.5-7.8 ms of the database's time to collect them,
		// against 1.5 ms from book_search alone (pgbench).
		from, conds, args, mKey, mID = "book_search f", []string{cond}, condArgs, "f.added", "f.book_id"
	}
	if q.Cursor != "" {
		conds = append(slices.Clone(conds), "("+mKey+", "+mID+") "+cmp+" (?, ?)")
		args = append(args, k, after)
	}
	m := `m (id, sort_key) AS MATERIALIZED (SELECT ` + mID + `, CAST(` + mKey + ` AS TEXT) FROM ` + from + where(conds) + limitOf(denseMatches+1) + `)`
	found := `SELECT ` + bookColumnsB + `, p.sort_key, (SELECT COUNT(*) FROM m) FROM ` +
		`(SELECT id, sort_key FROM m ORDER BY sort_key ` + dir + `, id ` + dir + limitOf(limit+1) + `) AS p JOIN books b ON b.id = p.id`
	query := `WITH ` + m + ` ` + found + ` ORDER BY p.sort_key ` + dir + `, p.id ` + dir
	if walk, ok, err := s.probeWalk(ctx, owner, q, probeRows*(limit+1)); err != nil {
		return BookPage{}, false, err
	} else if ok {
		if q.Cursor != "" {
			walk.where = append(walk.where, "("+key+", b.id) "+cmp+" (?, ?)")
			walk.args = append(walk.args, k, after)
		}
		// The books walked, in order, as b: the search's check (searchMatch's exists) reads
		// b.id. Whichever half's condition holds runs; the other is never started, nor m
		// collected when the walk filled the page. The walk's page says so by a count of -1.
		inner := `SELECT b.id, ` + key + ` AS k, ` + keyValue(key) + ` AS sort_key FROM books b` + where(walk.where) +
			` ORDER BY ` + key + ` ` + dir + `, b.id ` + dir + limitOf(walk.rows)
		w := `w (id, sort_key) AS MATERIALIZED (SELECT b.id, b.sort_key FROM (` + inner + `) AS b WHERE ` + walk.exists +
			` ORDER BY b.k ` + dir + `, b.id ` + dir + limitOf(limit+1) + `)`
		full := `(SELECT COUNT(*) FROM w) > ` + strconv.Itoa(limit)
		query = `WITH ` + w + `, ` + m + ` ` +
			`SELECT ` + bookColumnsB + `, p.sort_key, -1 FROM w AS p JOIN books b ON b.id = p.id WHERE ` + full +
			` UNION ALL ` + found + ` WHERE NOT ` + full +
			` ORDER BY sort_key ` + dir + `, id ` + dir
		args = append(append(walk.args, walk.existsArgs...), args...)
	}
	var matches int
	books, lastKey, err := s.db.findPage(ctx, query, args, limit, &matches)
	if err != nil {
		return BookPage{}, false, err
	}
	if matches > denseMatches {
		return BookPage{}, true, nil
	}
	page = pageOf(q, books, lastKey, limit)
	if q.Cursor == "" && matches >= 0 {
		page.Matches = matches
	}
	return page, false, nil
}

// probeRows is how many books, for each book a page shows (or a count counts), a search in the
// added order on PostgreSQL walks in that order, checking each against the search, before it asks
// the full-text index for the matches instead. The index cannot hand its matches out a few at a
// time: it makes the whole set of them first (a bitmap), which for a word most books have costs
// far more than the page: "the" at 100,000 books (65,676 matches) took 20–40 ms to make that set,
// and 50–120 ms to collect the first denseMatches of them (EXPLAIN ANALYZE, a shared, busy
// machine), where walking the order fills a page of it after about 80 books, in 0.2 ms. A word
// too rare to fill the page within the walk (fewer than one book in probeRows) costs the walk,
// 204 books checked for a page of 50: about 0.3 ms, in the same statement as the index's search.
const probeRows = 4

// probe is a walk of the owner's books in the added order that pass q's filters but the search
// (where, with args), at most rows of them, each then checked against the search (exists, which
// reads b.id, with existsArgs). It walks nothing unless the reader has more books than
// denseMatches: with fewer, the index's matches are always few enough to collect.
type probe struct {
	where      []string
	args       []any
	rows       int
	exists     string
	existsArgs []any
}

// probeWalk makes the walk of a probe of q's search on PostgreSQL; ok is false on SQLite, whose
// index hands its matches out in the order walked, for an ISBN, which a book or two have, or when
// nothing searchable was typed.
func (s *BookStore) probeWalk(ctx context.Context, owner int64, q BookQuery, rows int) (p probe, ok bool, err error) {
	if !s.db.postgres() {
		return p, false, nil
	}
	if isbn, err := ParseISBN(q.Search); err == nil && isbn != "" {
		return p, false, nil
	}
	m, ok := s.db.searchMatch(q.Search)
	if !ok {
		return p, false, nil
	}
	rest := q
	rest.Search = ""
	f, _, ok, err := s.build(ctx, owner, rest, true)
	if err != nil || !ok {
		return p, false, err
	}
	// Checked once, before the walk (a condition on no book walked).
	f.and("EXISTS (SELECT 1 FROM book_counts WHERE owner_id = "+intArg+" AND live > "+strconv.Itoa(denseMatches)+")", owner)
	return probe{where: f.where, args: f.args, rows: rows, exists: m.exists, existsArgs: m.args}, true, nil
}

// findPage runs a query of Find, whose rows are bookColumnsB and a sort key, and returns its
// books (room made for limit+1) and the sort key of the book at index limit-1, the page's last
// when there are more.
//
// The rows are scanned by hand, into the types the driver returns: sqlx's scan by reflection
// (a struct made and copied per row, its fields found by name) and database/sql's conversion of
// an integer into an int (through a string) cost a page some 40 µs and 15 KB
// (BenchmarkFindSorted, 100,000 books, added/first: 230–255 → 176–202 µs, 62 → 47 KB).
//
// When matches is not nil, each row has one more column after the sort key, the same in every
// row, which is read into it (0 when there are no rows).
func (db *DB) findPage(ctx context.Context, query string, args []any, limit int, matches *int) ([]Book, any, error) {
	var extra []any
	if matches != nil {
		extra = []any{matches}
	}
	return db.bookRows(ctx, query, args, limit, extra, nil)
}

// bookRows is findPage of a query whose rows have, after the sort key, the columns scanned into
// extra, which row (when not nil) reads after each row is scanned.
func (db *DB) bookRows(ctx context.Context, query string, args []any, limit int, extra []any, row func()) ([]Book, any, error) {
	rows, err := db.query(ctx, query, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	// Room for a page and the one after it; a longer list (a series' books) grows as it goes.
	books := make([]Book, 0, min(limit, PageSize)+1)
	var (
		lastKey, key  any
		b             Book
		pages, rating int64
	)
	dest := []any{&b.ID, &b.Title, &b.Author, &b.Genre, storedTime{T: &b.CreatedAt}, (*string)(&b.Status), (*string)(&b.Format),
		&pages, &rating, &b.FinishedOn, &b.LastPage, &b.LastPercent, storedTime{Null: &b.LastProgressAt}, &b.Cover, &b.NoSeries, &key}
	dest = append(dest, extra...)
	for rows.Next() {
		b, key = Book{}, nil
		if err := rows.Scan(dest...); err != nil {
			return nil, nil, storeError(err)
		}
		b.Pages, b.Rating = int(pages), Rating(rating)
		if len(books) == limit-1 {
			lastKey = key
		}
		books = append(books, b)
		if row != nil {
			row()
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, storeError(err)
	}
	return books, lastKey, nil
}

// FindCount counts the owner's live books that match q's search and filters, stopping past max:
// it returns at most max+1, so "more than max" costs no more than max.
func (s *BookStore) FindCount(ctx context.Context, owner int64, q BookQuery, max int) (int, error) {
	query, args, ok, err := s.countQuery(ctx, owner, q, max)
	if err != nil || !ok {
		return 0, wrapFind(err)
	}
	var n int
	if err := s.db.get(ctx, &n, query, args...); err != nil {
		return 0, wrapFind(err)
	}
	return n, nil
}

// countQuery is FindCount's statement and its arguments; ok is false when nothing can match.
func (s *BookStore) countQuery(ctx context.Context, owner int64, q BookQuery, max int) (query string, args []any, ok bool, err error) {
	f, _, ok, err := s.build(ctx, owner, q, false)
	if err != nil || !ok {
		return "", nil, false, err
	}
	query = `SELECT COUNT(*) FROM (SELECT 1 FROM ` + f.from + where(f.where) + ` LIMIT ?) AS m`
	args = append(f.args, max+1)
	if cond, condArgs, ok := s.db.indexedMatches(owner, q); ok {
		query = `SELECT COUNT(*) FROM (SELECT 1 FROM book_search f WHERE ` + cond + ` LIMIT ?) AS m`
		args = append(condArgs, max+1)
	}
	walk, ok, err := s.probeWalk(ctx, owner, q, probeRows*(max+1))
	if err != nil {
		return "", nil, false, err
	}
	if ok {
		// A word most books have is counted sooner by walking the books (searchPage's probe)
		// than by the index; the index counts when the walk finds no more than max. In the
		// added order, by its index: never a scan of every reader's books.
		query = `WITH w (n) AS MATERIALIZED (SELECT COUNT(*) FROM (SELECT 1 FROM (SELECT b.id FROM books b` + where(walk.where) +
			` ORDER BY ` + addedKey + ` DESC, b.id DESC` + limitOf(walk.rows) + `) AS b WHERE ` + walk.exists + limitOf(max+1) + `) AS p) ` +
			`SELECT CASE WHEN n > ` + strconv.Itoa(max) + ` THEN n ELSE (` + query + `) END FROM w`
		args = append(append(walk.args, walk.existsArgs...), args...)
	}
	return query, args, true, nil
}

// CompactSearchIndex merges the search index into one piece. FTS5 adds a segment to the index with
// every transaction that changes a book's text, and merges segments only now and then, so an index
// written by many transactions (a seeded or imported library, or months of use) is read in many
// pieces by every search. On a 100,000-book library seeded in batches, compacting halved the time
// the index takes to answer a search for a page of books (the prefix "tolk", newest first:
// 51 µs → 31 µs; "the": 57 µs → 15 µs).
// It holds the writer while it works: about 160 ms for 100,000 books when there is work to do, a
// few milliseconds when the index is compact already. It runs after bulk writes (Seed, an import)
// and in the server's hourly housekeeping. On PostgreSQL it moves the GIN index's pending entries
// into the index proper (gin_clean_pending_list), which autovacuum would do in its own time.
func (s *BookStore) CompactSearchIndex(ctx context.Context) error { return s.db.compactSearch(ctx) }

func (db *DB) compactSearch(ctx context.Context) error {
	compact := `INSERT INTO books_fts (books_fts) VALUES ('optimize')`
	if db.postgres() {
		// GIN gathers new entries in a pending list that every search reads through.
		compact = `SELECT gin_clean_pending_list('book_search_doc'::regclass)`
	}
	err := db.inTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, compact)
		return err
	})
	if err != nil {
		return fmt.Errorf("compact search index: %w", err)
	}
	return nil
}

// Languages lists the languages of the owner's live books' editions as BCP 47 tags, each once,
// in tag order (at most maxGenres); books whose language is not known have none.
func (s *BookStore) Languages(ctx context.Context, owner int64) ([]string, error) {
	var tags []string
	// Counted by triggers (migration 00036): the reader's own few rows. Walking the languages
	// every edition has and looking for one of the reader's books in each read, for a language
	// only other readers' books have, every edition in it on every library page.
	err := s.db.selectAll(ctx, &tags, `
		SELECT language FROM languages WHERE owner_id = ? AND books > 0 ORDER BY language LIMIT ?`, owner, maxGenres)
	if err != nil {
		return nil, fmt.Errorf("list languages: %w", err)
	}
	return tags, nil
}

// maxGenres bounds how many genres Genres lists.
const maxGenres = 200

// Genres lists the genres of the owner's live books, ignoring case, alphabetically (at most
// maxGenres), from the genres table that the triggers of migration 00005 keep.
func (s *BookStore) Genres(ctx context.Context, owner int64) ([]string, error) {
	var genres []string
	err := s.db.selectAll(ctx, &genres, `
		SELECT name FROM genres WHERE owner_id = ? AND books > 0 ORDER BY name_key LIMIT ?`, owner, maxGenres)
	if err != nil {
		return nil, fmt.Errorf("list genres: %w", err)
	}
	return genres, nil
}

func wrapFind(err error) error {
	if err == nil || errors.Is(err, ErrNotFound) || errors.Is(err, ErrInvalid) {
		return err
	}
	return fmt.Errorf("find books: %w", err)
}

// msgCursor is the message for a page cursor Find did not make.
const msgCursor = "That page link is broken. Start again from the first page."

// encodeCursor makes the opaque cursor of a page that ends with a book whose sort key is key.
func encodeCursor(key any, id int64) string {
	if b, ok := key.([]byte); ok {
		key = string(b)
	}
	raw, err := json.Marshal([]any{key, id})
	if err != nil { // the key is a string or a number, which always marshal
		panic(fmt.Sprintf("encode cursor: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(raw)
}

// cursorOf is the cursor of a page that ends with book id, whose sort key is key: for the added
// order the id alone (the library's URLs have always been ?before=ID, and the book's added time
// is read back from it), otherwise the key and the id.
func cursorOf(s Sort, key any, id int64) string {
	if s == SortAdded {
		return strconv.FormatInt(id, 10)
	}
	return encodeCursor(key, id)
}

// cursorAt reads a cursor of order so back into the position it stands for: a sort key of the
// order's kind and a book id. The added order's cursor is a book of the owner's (deleted since,
// perhaps), whose added time is the key.
func (s *BookStore) cursorAt(ctx context.Context, owner int64, so Sort, c string, kind keyKind) (any, int64, error) {
	if so != SortAdded {
		return decodeCursor(c, kind)
	}
	id, err := strconv.ParseInt(c, 10, 64)
	if err != nil || id <= 0 {
		return nil, 0, fieldError("cursor", msgCursor)
	}
	var at []string
	if err := s.db.selectAll(ctx, &at,
		`SELECT CAST(created_at AS TEXT) FROM books WHERE id = ? AND owner_id = ?`, id, owner); err != nil {
		return nil, 0, wrapFind(err)
	}
	if len(at) == 0 {
		return nil, 0, fieldError("cursor", msgCursor)
	}
	return at[0], id, nil
}

// decodeCursor reads an encoded cursor back: the sort key, of the order's type, and the id.
func decodeCursor(c string, kind keyKind) (key any, id int64, err error) {
	bad := fieldError("cursor", msgCursor)
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return nil, 0, bad
	}
	var parts []json.RawMessage
	if err := json.Unmarshal(raw, &parts); err != nil || len(parts) != 2 {
		return nil, 0, bad
	}
	if err := json.Unmarshal(parts[1], &id); err != nil || id <= 0 {
		return nil, 0, bad
	}
	switch kind {
	case keyText:
		var s string
		if err := json.Unmarshal(parts[0], &s); err != nil {
			return nil, 0, bad
		}
		return s, id, nil
	case keyInt:
		var n int64
		if err := json.Unmarshal(parts[0], &n); err != nil {
			return nil, 0, bad
		}
		return n, id, nil
	default:
		var x float64
		if err := json.Unmarshal(parts[0], &x); err != nil {
			return nil, 0, bad
		}
		return x, id, nil
	}
}

// Neighbour is where a book belongs among the rows of a view that a reader has loaded: the view's
// pages up to a cursor (BookPage.Cursor of the last page loaded), or all of them.
type Neighbour struct {
	// In is false when the book is not in the view (another reader's, deleted, filtered out), or
	// belongs to a page the reader has not loaded yet, which will bring it.
	In bool
	// Next is the book that follows it in the view, or 0 when the book is the last loaded (or the
	// last of all).
	Next int64
}

// NeighbourOf says where the owner's book id belongs in q's view, as loaded up to q.Cursor ("":
// every page), so that a book brought back (Undo) can be put in its place by the server, in any
// order. A cursor Find did not make is a validation error.
func (s *BookStore) NeighbourOf(ctx context.Context, owner int64, q BookQuery, id int64) (Neighbour, error) {
	if q.Sort == "" {
		q.Sort = SortAdded
	}
	if _, err := ParseSort(string(q.Sort)); err != nil {
		return Neighbour{}, err
	}
	f, _, ok, err := s.build(ctx, owner, q, false)
	if err != nil || !ok {
		return Neighbour{}, wrapFind(err)
	}
	desc := q.Descending()
	key, kind := sortKey(q.Sort, desc)
	var loaded *position
	if q.Cursor != "" {
		k, after, err := s.cursorAt(ctx, owner, q.Sort, q.Cursor, kind)
		if err != nil {
			return Neighbour{}, err
		}
		loaded = &position{key: k, id: after}
	}
	keyCol := keyValue(key)
	k, ok, err := s.keyOf(ctx, f, keyCol, id)
	if err != nil || !ok {
		return Neighbour{}, err
	}
	book := position{key: k, id: id}
	if loaded != nil && book.after(*loaded, desc) {
		return Neighbour{}, nil
	}
	next := q
	next.Limit = 1
	next.Cursor = cursorOf(q.Sort, book.key, id)
	page, err := s.Find(ctx, owner, next)
	if err != nil {
		return Neighbour{}, err
	}
	n := Neighbour{In: true}
	if len(page.Books) == 1 {
		b := page.Books[0]
		// The book that follows is shown only if it is not past the last page loaded.
		nk, _, err := s.keyOf(ctx, f, keyCol, b.ID)
		if err != nil {
			return Neighbour{}, err
		}
		if loaded == nil || !(position{key: nk, id: b.ID}).after(*loaded, desc) {
			n.Next = b.ID
		}
	}
	return n, nil
}

// keyOf reads the sort key of book id (keyCol, the order's key expression), and reports false
// when the book is not in the view f.
func (s *BookStore) keyOf(ctx context.Context, f findQuery, keyCol string, id int64) (any, bool, error) {
	var k []struct {
		Key any `db:"k"`
	}
	if err := s.db.selectAll(ctx, &k, `SELECT `+keyCol+` AS k FROM `+f.from+where(append(slices.Clone(f.where), "b.id = ?")),
		append(slices.Clone(f.args), id)...); err != nil {
		return nil, false, wrapFind(err)
	}
	if len(k) == 0 {
		return nil, false, nil
	}
	return k[0].Key, true, nil
}

// position is a book's place in an order: its sort key and id.
type position struct {
	key any
	id  int64
}

// after reports whether p comes after o in an order running down (desc) or up. Keys compare as
// SQLite compares them: numbers by value, text byte by byte (the keys are SQLite's own values,
// lower-cased by it where the order ignores case); the id breaks ties.
func (p position) after(o position, desc bool) bool {
	c := compareKeys(p.key, o.key)
	if c == 0 {
		c = cmpInt(p.id, o.id)
	}
	if desc {
		return c < 0
	}
	return c > 0
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compareKeys compares two sort keys read from SQLite or from a cursor: nil (no key), numbers
// (int64 or float64) or text (string or []byte).
func compareKeys(a, b any) int {
	if x, ok := a.([]byte); ok {
		a = string(x)
	}
	if x, ok := b.([]byte); ok {
		b = string(x)
	}
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y)
		}
	case int64, float64:
		if y, ok := number(b); ok {
			xf, _ := number(x)
			switch {
			case xf < y:
				return -1
			case xf > y:
				return 1
			}
			return 0
		}
	}
	return 0
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}
