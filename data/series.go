package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
)

// Bounds of series.
const (
	// MaxPosition is the highest position in a series: longer than the longest-running series
	// in print (Perry Rhodan is past 3,300), short enough that a stray digit is caught.
	MaxPosition = 10000
	// MaxPositionLen is the longest position as typed, in bytes ("1000.25-1000.75").
	MaxPositionLen = 20
	// MaxSeriesBooks is the most books a series page lists.
	MaxSeriesBooks = 1000
	// MaxSeriesListed is the most series List returns.
	MaxSeriesListed = 1000
	// SeriesPerPage is how many series a page of the series list shows: at 100, a page cost 4.9 ms
	// of CPU at 100,000 seeded books (their 2,358 books counted), at 50 1.6 ms (bench/load.sh).
	SeriesPerPage = 50
	// maxBookSeries is the most series one book can belong to.
	maxBookSeries = 20
)

// Form fields of a book's series, the keys of the *ValidationError the store returns.
const (
	FieldSeriesName     = "series_name"
	FieldSeriesPosition = "series_position"
)

// Messages of the series' rules.
const (
	msgPosition       = "Write the position as a number or a range as printed: 1, 0.5, 3.5 or 1-3."
	msgPositionBounds = "A position is from 0 to 10000."
	msgPositionRange  = "A range runs from the lower number to the higher, like 1-3."
	msgTooManySeries  = "A book can be in at most 20 series."
)

// Position is a book's place in a series as printed: a number, a decimal ("0.5" for a novella
// between books), or a range ("1-3" for an omnibus), which sorts by its start. The zero Position
// is none: the book is in the series at no particular place, and sorts after the numbered ones.
type Position struct {
	// Text is the position as ParsePosition writes it back ("1-3"), "" for none.
	Text string
	// Sort is the number it sorts by: the number, or the range's start.
	Sort float64
}

// ParsePosition reads a position as a reader types it: "1", "#1", "0.5", "12.5", "1-3", "1–3"
// (an en dash), spaces around the dash allowed; "" is none. Negative numbers, numbers past
// MaxPosition, a range that runs backwards, and anything else are a *ValidationError on
// FieldSeriesPosition.
func ParsePosition(s string) (Position, error) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "#"))
	if s == "" {
		return Position{}, nil
	}
	if len(s) > MaxPositionLen*2 {
		return Position{}, fieldError(FieldSeriesPosition, msgPosition)
	}
	s = strings.NewReplacer("–", "-", "—", "-", " ", "").Replace(s)
	if len(s) > MaxPositionLen {
		return Position{}, fieldError(FieldSeriesPosition, msgPosition)
	}
	// A leading minus is a negative number, not a range without a start.
	if strings.HasPrefix(s, "-") {
		if _, err := positionNumber(s[1:]); err == nil {
			return Position{}, fieldError(FieldSeriesPosition, msgPositionBounds)
		}
		return Position{}, fieldError(FieldSeriesPosition, msgPosition)
	}
	from, to, isRange := strings.Cut(s, "-")
	start, err := positionNumber(from)
	if err != nil {
		return Position{}, err
	}
	text := formatPosition(start)
	if isRange {
		end, err := positionNumber(to)
		if err != nil {
			return Position{}, err
		}
		if end <= start {
			return Position{}, fieldError(FieldSeriesPosition, msgPositionRange)
		}
		text += "-" + formatPosition(end)
	}
	return Position{Text: text, Sort: start}, nil
}

// positionNumber reads one number of a position: digits, with at most three after a point.
func positionNumber(s string) (float64, error) {
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" || len(frac) > 3 ||
		strings.IndexFunc(whole, notASCIIDigit) >= 0 || strings.IndexFunc(frac, notASCIIDigit) >= 0 {
		return 0, fieldError(FieldSeriesPosition, msgPosition)
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(n) {
		return 0, fieldError(FieldSeriesPosition, msgPosition)
	}
	if n > MaxPosition {
		return 0, fieldError(FieldSeriesPosition, msgPositionBounds)
	}
	return n, nil
}

// formatPosition writes a position's number as short as it reads: 1, 0.5, 12.25.
func formatPosition(n float64) string { return strconv.FormatFloat(n, 'f', -1, 64) }

// SeriesKey is a series name folded for matching: lower case, runs of spaces as one, so that the
// same series typed twice is one series.
func SeriesKey(name string) string { return strings.ToLower(strings.Join(strings.Fields(name), " ")) }

// SeriesRef is a book's place in a series as a title or a form gives it: the series' name and the
// position, both as typed.
type SeriesRef struct {
	Name     string
	Position string
}

// SplitSeriesTitle reads a series from the end of a title, as Goodreads writes it: "Leviathan
// Wakes (The Expanse, #1)" is "Leviathan Wakes" in The Expanse at 1; "(Discworld #12.5)" and
// "(Series, #1-3)" read too. It is SplitSeries for a title with one series: ok is false when
// there is no series to split off, or more than one.
func SplitSeriesTitle(title string) (clean string, ref SeriesRef, ok bool) {
	clean, refs, ok := SplitSeries(title)
	if !ok || len(refs) != 1 {
		return title, SeriesRef{}, false
	}
	return clean, refs[0], true
}

// SplitSeries reads the series at the end of a title, as Goodreads writes them: one, "Leviathan
// Wakes (The Expanse, #1)", or several separated by semicolons, "Mort (Discworld, #4; Death,
// #1)". The rule is the '#': a title ends with parentheses (matched, so a series' name may hold
// its own) whose text is one or more parts, each a name, a '#' and a position ParsePosition
// reads, and something comes before them. Anything else is a title as it is: "Foo (Revised
// Edition)", "Sense and Sensibility (Penguin Classics)", "(Book 1)" and "Vol. 2" are not split,
// since a title has as many ways of ending in parentheses or numbers as publishers have, and only
// the '#' is Goodreads' mark of a series. ok is false when there is no series to split off.
func SplitSeries(title string) (clean string, refs []SeriesRef, ok bool) {
	t := strings.TrimSpace(title)
	if !strings.HasSuffix(t, ")") {
		return title, nil, false
	}
	depth, open := 0, -1
	for i := len(t) - 1; i >= 0 && open < 0; i-- {
		switch t[i] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				open = i
			}
		}
	}
	if open <= 0 {
		return title, nil, false
	}
	before := strings.TrimSpace(t[:open])
	if before == "" {
		return title, nil, false
	}
	for part := range strings.SplitSeq(t[open+1:len(t)-1], ";") {
		hash := strings.LastIndex(part, "#")
		if hash < 0 {
			return title, nil, false
		}
		name := strings.TrimSpace(strings.TrimRight(strings.TrimSpace(part[:hash]), ","))
		pos := strings.TrimSpace(part[hash+1:])
		if name == "" || pos == "" {
			return title, nil, false
		}
		if _, err := ParsePosition(pos); err != nil {
			return title, nil, false
		}
		refs = append(refs, SeriesRef{Name: name, Position: pos})
	}
	return before, refs, true
}

// FormatSeriesList writes a book's series as one line of text, ParseSeriesList's inverse: "The
// Expanse, #1; Other, #2.5", a series without a position by its name alone. The import's fix
// form and Bookcase's CSV export write a book's series so.
func FormatSeriesList(refs []SeriesRef) string {
	var b strings.Builder
	for i, r := range refs {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(r.Name)
		if r.Position != "" {
			b.WriteString(", #" + r.Position)
		}
	}
	return b.String()
}

// FieldSeriesList is the form field of a book's series written as one line (FormatSeriesList).
const FieldSeriesList = "series"

// ParseSeriesList reads a book's series written as one line: series separated by semicolons,
// each a name, then, when it has one, its position after a '#' ("The Expanse #1", "The Expanse,
// #1"). A '#' followed by anything but a digit is part of the name ("C# in Depth"). It returns
// the series normalized (checkRefs); a bad name or position, or more than 20 series, is a
// *ValidationError on FieldSeriesList.
func ParseSeriesList(s string) ([]SeriesRef, error) {
	var refs []SeriesRef
	for part := range strings.SplitSeq(s, ";") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		ref := SeriesRef{Name: part}
		if hash := strings.LastIndex(part, "#"); hash >= 0 {
			if after := strings.TrimSpace(part[hash+1:]); after == "" || after[0] >= '0' && after[0] <= '9' {
				ref = SeriesRef{Name: strings.TrimRight(strings.TrimSpace(part[:hash]), ","), Position: after}
			}
		}
		refs = append(refs, ref)
	}
	return CheckSeries(refs)
}

// CheckSeries checks a book's series as a file or a form gives them, and returns them
// normalized: names' spaces collapsed, positions as ParsePosition writes them ("#01" is "1"), the
// same series once, at its first position. A bad name or position, or more than 20 series, is a
// *ValidationError on FieldSeriesList that quotes the series.
func CheckSeries(refs []SeriesRef) ([]SeriesRef, error) {
	places, err := checkRefs(refs)
	if err != nil || len(places) == 0 {
		return nil, err
	}
	out := make([]SeriesRef, len(places))
	for i, p := range places {
		out[i] = SeriesRef{Name: p.name, Position: p.pos.Text}
	}
	return out, nil
}

// seriesPlace is a book's place in a series as checkRef leaves it: the name normalized, the
// position read.
type seriesPlace struct {
	name string
	pos  Position
}

// checkRefs checks a book's series as a list gives them (an import's row, the fix form): each
// as checkRef does, the same series (by SeriesKey) kept once, at its first position, and at most
// maxBookSeries. A bad one is a *ValidationError on FieldSeriesList that names it.
func checkRefs(refs []SeriesRef) ([]seriesPlace, error) {
	out := make([]seriesPlace, 0, len(refs))
	seen := make(map[string]bool, len(refs))
	for _, ref := range refs {
		name, pos, err := checkRef(ref)
		if v, ok := errors.AsType[*ValidationError](err); ok {
			msg := v.Fields[FieldSeriesName]
			if msg == "" {
				msg = v.Fields[FieldSeriesPosition]
			}
			return nil, fieldError(FieldSeriesList, "“"+FormatSeriesList([]SeriesRef{ref})+"”: "+msg)
		}
		if key := SeriesKey(name); !seen[key] {
			seen[key] = true
			out = append(out, seriesPlace{name: name, pos: pos})
		}
	}
	if len(out) > maxBookSeries {
		return nil, fieldError(FieldSeriesList, msgTooManySeries)
	}
	return out, nil
}

// JoinSeriesTitle writes a title with its series the way Goodreads does, SplitSeriesTitle's
// inverse: "Leviathan Wakes (The Expanse, #1)"; a series without a position is "(The Expanse)".
func JoinSeriesTitle(title string, refs []SeriesRef) string {
	if len(refs) == 0 {
		return title
	}
	// Goodreads writes one series, the book's main one: the first.
	r := refs[0]
	if r.Position == "" {
		return title + " (" + r.Name + ")"
	}
	return title + " (" + r.Name + ", #" + r.Position + ")"
}

// BookSeries is one of a book's series, with the book's position in it.
type BookSeries struct {
	SeriesID int64  `db:"series_id"`
	Name     string `db:"name"`
	// Position is the position as ParsePosition writes it, "" for none.
	Position string `db:"position"`
	BookID   int64  `db:"book_id"`
}

// Label is the series as the library writes it under a title: "The Expanse #1".
func (s BookSeries) Label() string {
	if s.Position == "" {
		return s.Name
	}
	return s.Name + " #" + s.Position
}

// SeriesSummary is a series as the list of series shows it: its live books, and how many of
// them the reader has read.
type SeriesSummary struct {
	ID   int64  `db:"id"`
	Name string `db:"name"`
	// Key is the name's key, by which the list is in order: ListFrom's after.
	Key   string `db:"name_key"`
	Books int    `db:"books"`
	Read  int    `db:"read"`
}

// SeriesBook is a book of a series, at its position ("" for none).
type SeriesBook struct {
	Position string `db:"position"`
	Book
}

// SeriesDetail is a series with its live books in order.
type SeriesDetail struct {
	ID    int64
	Name  string
	Books []SeriesBook
	// Truncated is true when the series has more than MaxSeriesBooks books, of which Books are
	// the first.
	Truncated bool
}

// NextUp is the first book of the series in order that the reader has neither read nor given up:
// the one being read, or the next to start. ok is false when every book is read.
func (d SeriesDetail) NextUp() (SeriesBook, bool) {
	for _, b := range d.Books {
		if b.Status != StatusRead && b.Status != StatusDNF {
			return b, true
		}
	}
	return SeriesBook{}, false
}

// Read is how many of the series' books the reader has read.
func (d SeriesDetail) Read() int {
	n := 0
	for _, b := range d.Books {
		if b.Status == StatusRead {
			n++
		}
	}
	return n
}

// SeriesStore keeps readers' series and their books' places in them. Every method takes the
// owner: another reader's series or book, or a deleted book, is ErrNotFound. A series exists while
// it has books: removing a book from the last series it is in, or purging the last one, removes
// the series (trigger book_series_last_book); a series whose books are all deleted is hidden
// (not listed, its page not found) and comes back with Undo.
type SeriesStore struct{ db *DB }

// Series returns the store for series.
func (db *DB) Series() *SeriesStore { return &SeriesStore{db: db} }

// OfBook returns the series of the owner's book id, by name.
func (s *SeriesStore) OfBook(ctx context.Context, owner, id int64) ([]BookSeries, error) {
	var live bool
	if err := s.db.get(ctx, &live, `
		SELECT EXISTS (SELECT 1 FROM books WHERE id = ? AND owner_id = ? AND deleted_at IS NULL AND pending_import IS NULL)`, id, owner); err != nil {
		return nil, fmt.Errorf("series of book %d: %w", id, err)
	}
	if !live {
		return nil, ErrNotFound
	}
	var out []BookSeries
	if err := s.db.selectAll(ctx, &out, `
		SELECT bs.book_id, bs.series_id, s.name, bs.position FROM book_series bs JOIN series s ON s.id = bs.series_id
		WHERE bs.book_id = ? ORDER BY s.name_key`, id); err != nil {
		return nil, fmt.Errorf("series of book %d: %w", id, err)
	}
	return out, nil
}

// OfBooks returns the series of the owner's books ids (a page of the library), by book; the
// books without a series are not in the map.
func (s *SeriesStore) OfBooks(ctx context.Context, owner int64, ids []int64) (map[int64][]BookSeries, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	// PostgreSQL plans a prepared statement once for any values after a few runs: for a list
	// of fifty books it expected fifty rows, and read every one of the owner's series into a
	// hash to join them (2,601 in the seeded library of 100,000 books: 1.1 ms of the
	// database's time a page, against 0.13 ms for looking up the series of the dozen books
	// that have one). The subquery, which OFFSET 0 keeps from being merged into a join, makes
	// it look each one up by its key; the ids go as one array.
	query, args := seriesOfBooksPostgres, []any{owner, ids}
	if !s.db.postgres() {
		// The page's books first, by the primary key of book_series, then their series by id:
		// SQLite otherwise walks all the owner's series (thousands, with the seed's third of books in
		// series) looking for the page's books. CROSS JOIN keeps the order as written in SQLite, and
		// is plain SQL elsewhere. BenchmarkLibrarySearch at 10,000 books: 4,520–4,545 → 1,448–1,708 µs of CPU a request.
		// The owner is intArg (a bare ? made SQLite compile the query again on every request), and the
		// rows are scanned by hand (findPage says why): 65 → 37 µs of CPU for a page of 50 books at
		// 100,000.
		var err error
		query, args, err = sqlx.In(`
		SELECT bs.book_id, bs.series_id, s.name, bs.position FROM book_series bs CROSS JOIN series s
		WHERE s.id = bs.series_id AND bs.book_id IN (?) AND s.owner_id = `+intArg+` ORDER BY bs.book_id, s.name_key`, ids, owner)
		if err != nil {
			return nil, err
		}
	}
	rows, err := s.db.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("series of books: %w", err)
	}
	defer rows.Close()
	out := make(map[int64][]BookSeries, len(ids))
	var r BookSeries
	dest := []any{&r.BookID, &r.SeriesID, &r.Name, &r.Position}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("series of books: %w", storeError(err))
		}
		out[r.BookID] = append(out[r.BookID], r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("series of books: %w", storeError(err))
	}
	return out, nil
}

// seriesOfBooksPostgres is OfBooks' query on PostgreSQL, for an owner and an array of book ids.
const seriesOfBooksPostgres = `
	SELECT bs.book_id, bs.series_id, s.name, bs.position FROM book_series bs
	CROSS JOIN LATERAL (SELECT s.name, s.name_key FROM series s WHERE s.id = bs.series_id AND s.owner_id = ? OFFSET 0) s
	WHERE bs.book_id = ANY(?) ORDER BY bs.book_id, s.name_key`

// checkRef normalizes and checks a series as a form gives it.
func checkRef(ref SeriesRef) (string, Position, error) {
	var v ValidationError
	name := strings.Join(strings.Fields(ref.Name), " ")
	checkText(&v, FieldSeriesName, "Series", name, true)
	pos, err := ParsePosition(ref.Position)
	var pv *ValidationError
	if errors.As(err, &pv) {
		v.add(FieldSeriesPosition, pv.Fields[FieldSeriesPosition])
	}
	if err := v.errOrNil(); err != nil {
		return "", Position{}, err
	}
	return name, pos, nil
}

// AddBook puts the owner's book id in the series ref names (made when the reader has none of
// that name, found by SeriesKey when they have), at its position; a book already in it moves to
// the new position. A bad name or position is a *ValidationError keyed FieldSeriesName and
// FieldSeriesPosition, and nothing is saved.
func (s *SeriesStore) AddBook(ctx context.Context, owner, id int64, ref SeriesRef) (BookSeries, error) {
	name, pos, verr := checkRef(ref)
	var out BookSeries
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := ownBook(ctx, tx, owner, id); err != nil {
			return err
		}
		if verr != nil {
			return verr
		}
		var err error
		out, err = s.db.putBookSeries(ctx, tx, owner, id, name, pos)
		return err
	})
	if err != nil {
		return BookSeries{}, wrap(err, "add book to series", id)
	}
	return out, nil
}

// putBookSeries puts book id, the owner's, in their series name at pos, in tx, making the series if
// need be, and keeps the book's series sort key.
func (db *DB) putBookSeries(ctx context.Context, tx *sqlx.Tx, owner, id int64, name string, pos Position) (BookSeries, error) {
	var sid int64
	if err := tx.GetContext(ctx, &sid, `
		INSERT INTO series (owner_id, name, name_key, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (owner_id, name_key) DO UPDATE SET name = series.name
		RETURNING id`, owner, name, SeriesKey(name), db.now()); err != nil {
		return BookSeries{}, err
	}
	var n int
	if err := tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM book_series WHERE book_id = ? AND series_id <> ?`, id, sid); err != nil {
		return BookSeries{}, err
	}
	if n >= maxBookSeries {
		return BookSeries{}, fieldError(FieldSeriesName, msgTooManySeries)
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO book_series (book_id, series_id, position, position_sort) VALUES (?, ?, ?, ?)
		ON CONFLICT (book_id, series_id) DO UPDATE SET position = excluded.position, position_sort = excluded.position_sort`,
		id, sid, pos.Text, positionSort(pos)); err != nil {
		return BookSeries{}, err
	}
	if err := refreshSeriesSort(ctx, tx, id); err != nil {
		return BookSeries{}, err
	}
	var out BookSeries
	err := tx.GetContext(ctx, &out, `
		SELECT bs.book_id, bs.series_id, s.name, bs.position FROM book_series bs JOIN series s ON s.id = bs.series_id
		WHERE bs.book_id = ? AND bs.series_id = ?`, id, sid)
	return out, err
}

// positionSort is the position's sort number as stored: NULL for none.
func positionSort(p Position) sql.NullFloat64 {
	return sql.NullFloat64{Float64: p.Sort, Valid: p.Text != ""}
}

// SetPosition moves the owner's book id to position in their series sid. A series that is not
// the owner's, or that the book is not in, is ErrNotFound; a bad position a *ValidationError.
func (s *SeriesStore) SetPosition(ctx context.Context, owner, id, sid int64, position string) (BookSeries, error) {
	pos, perr := ParsePosition(position)
	var out BookSeries
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := ownBookSeries(ctx, tx, owner, id, sid); err != nil {
			return err
		}
		if perr != nil {
			return perr
		}
		if _, err := tx.ExecContext(ctx, `UPDATE book_series SET position = ?, position_sort = ? WHERE book_id = ? AND series_id = ?`,
			pos.Text, positionSort(pos), id, sid); err != nil {
			return err
		}
		if err := refreshSeriesSort(ctx, tx, id); err != nil {
			return err
		}
		return tx.GetContext(ctx, &out, `
			SELECT bs.book_id, bs.series_id, s.name, bs.position FROM book_series bs JOIN series s ON s.id = bs.series_id
			WHERE bs.book_id = ? AND bs.series_id = ?`, id, sid)
	})
	if err != nil {
		return BookSeries{}, wrap(err, "set position of book", id)
	}
	return out, nil
}

// RemoveBook takes the owner's book id out of their series sid; the series goes with its last
// book. A series that is not the owner's, or that the book is not in, is ErrNotFound.
func (s *SeriesStore) RemoveBook(ctx context.Context, owner, id, sid int64) error {
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := ownBookSeries(ctx, tx, owner, id, sid); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM book_series WHERE book_id = ? AND series_id = ?`, id, sid); err != nil {
			return err
		}
		return refreshSeriesSort(ctx, tx, id)
	})
	return wrap(err, "remove book from series", id)
}

// KeepAsTitle undoes the split of a title: the owner's book id leaves their series sid, and the
// series goes back at the end of its title as it was typed (JoinSeriesTitle), in one transaction.
// It returns the book as saved.
func (s *SeriesStore) KeepAsTitle(ctx context.Context, owner, id, sid int64) (Book, error) {
	var b Book
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := ownBookSeries(ctx, tx, owner, id, sid); err != nil {
			return err
		}
		var bs BookSeries
		if err := tx.GetContext(ctx, &bs, `
			SELECT bs.book_id, bs.series_id, s.name, bs.position FROM book_series bs JOIN series s ON s.id = bs.series_id
			WHERE bs.book_id = ? AND bs.series_id = ?`, id, sid); err != nil {
			return err
		}
		var title string
		if err := tx.GetContext(ctx, &title, `SELECT title FROM books WHERE id = ?`, id); err != nil {
			return err
		}
		title = JoinSeriesTitle(title, []SeriesRef{{Name: bs.Name, Position: bs.Position}})
		var v ValidationError
		checkText(&v, "title", "Title", title, true)
		if err := v.errOrNil(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM book_series WHERE book_id = ? AND series_id = ?`, id, sid); err != nil {
			return err
		}
		if err := refreshSeriesSort(ctx, tx, id); err != nil {
			return err
		}
		return tx.GetContext(ctx, &b, `UPDATE books SET title = ?, updated_at = ? WHERE id = ? RETURNING `+bookColumns, title, s.db.now(), id)
	})
	if err != nil {
		return Book{}, wrap(err, "keep series in title of book", id)
	}
	return b, nil
}

// ownBookSeries checks in tx that book id is the owner's, live, and in their series sid.
func ownBookSeries(ctx context.Context, tx *sqlx.Tx, owner, id, sid int64) error {
	var in bool
	err := tx.GetContext(ctx, &in, `
		SELECT EXISTS (SELECT 1 FROM book_series bs JOIN series s ON s.id = bs.series_id JOIN books b ON b.id = bs.book_id
		WHERE bs.book_id = ? AND bs.series_id = ? AND s.owner_id = ? AND b.owner_id = ?
		AND b.deleted_at IS NULL AND b.pending_import IS NULL)`, id, sid, owner, owner)
	if err != nil {
		return err
	}
	if !in {
		return ErrNotFound
	}
	return nil
}

// seriesSortNone is the series sort key of a book in no series, in the ascending order: after
// every key (U+10FFFF is the last code point, and text compares byte by byte). The expressions
// of sortKey and the indexes of migration 00021 spell it the same.
const seriesSortNone = "\U0010FFFF"

// seriesSortKey is the key the library sorts a book in a series by: the series' name key, a
// unit separator (below the space, so "dune" comes before "dune messiah"), and the position as
// fixed-width digits, or "~" for none, after every number.
func seriesSortKey(nameKey string, pos sql.NullFloat64) string {
	p := "~"
	if pos.Valid {
		p = fmt.Sprintf("%010.3f", pos.Float64)
	}
	return nameKey + "\x1f" + p
}

// refreshSeriesSort sets book id's series sort key from its series in tx: the first, in the
// library's order, of its places in series.
func refreshSeriesSort(ctx context.Context, tx *sqlx.Tx, id int64) error {
	var rows []struct {
		Key string          `db:"name_key"`
		Pos sql.NullFloat64 `db:"position_sort"`
	}
	if err := tx.SelectContext(ctx, &rows, `
		SELECT s.name_key, bs.position_sort FROM book_series bs JOIN series s ON s.id = bs.series_id WHERE bs.book_id = ?`, id); err != nil {
		return err
	}
	var key sql.NullString
	for _, r := range rows {
		if k := seriesSortKey(r.Key, r.Pos); !key.Valid || k < key.String {
			key = sql.NullString{String: k, Valid: true}
		}
	}
	_, err := tx.ExecContext(ctx, `UPDATE books SET series_sort = ? WHERE id = ? AND series_sort IS DISTINCT FROM ?`, key, id, key)
	return err
}

// List returns the owner's series that have live books, by name (at most MaxSeriesListed), with
// their counts of books and of books read.
func (s *SeriesStore) List(ctx context.Context, owner int64) ([]SeriesSummary, error) {
	return s.ListFrom(ctx, owner, "", MaxSeriesListed)
}

// ListFrom is List from the series after the one whose name key is after ("" for the first),
// at most limit of them. It walks the series in the order of their name index and reads the
// counts each keeps (series.books and books_read, kept by the triggers of migration 00032):
// counting every series' books first, then sorting them, cost 61 ms of CPU a request at 100,000
// seeded books (2,509 series; bench/load.sh series-list), and counting the books of the fifty
// listed alone (some 1,400 looked up) 1,494 CPU-µs (BenchmarkSeriesList).
func (s *SeriesStore) ListFrom(ctx context.Context, owner int64, after string, limit int) ([]SeriesSummary, error) {
	var out []SeriesSummary
	err := s.db.selectAll(ctx, &out, `
		SELECT id, name, name_key, books, books_read AS read FROM series
		WHERE owner_id = ? AND name_key > ? AND books > 0 ORDER BY name_key LIMIT ?`, owner, after, limit)
	if err != nil {
		return nil, fmt.Errorf("list series: %w", err)
	}
	return out, nil
}

// Get returns the owner's series id with its live books in order: by position, those without
// one last, then by title. Another reader's series, or one without live books, is ErrNotFound.
func (s *SeriesStore) Get(ctx context.Context, owner, id int64) (SeriesDetail, error) {
	var head struct {
		ID   int64  `db:"id"`
		Name string `db:"name"`
	}
	err := s.db.get(ctx, &head, `SELECT id, name FROM series WHERE id = ? AND owner_id = ?`, id, owner)
	if errors.Is(err, sql.ErrNoRows) {
		return SeriesDetail{}, ErrNotFound
	}
	if err != nil {
		return SeriesDetail{}, fmt.Errorf("get series %d: %w", id, err)
	}
	d := SeriesDetail{ID: head.ID, Name: head.Name}
	// The order is written out (NULL last, portably) rather than left to the database's idea of
	// where NULL goes; the index on (series_id, position_sort, book_id) finds the rows. The unary
	// plus keeps SQLite from reading the reader's books by owner instead and looking each up in
	// the series (27 ms of CPU a request at 100,000 books, against one seek a book).
	// The rows are bookRows' (with no sort key), and the position after them.
	var (
		position  string
		positions []string
	)
	books, _, err := s.db.bookRows(ctx, `
		SELECT `+bookColumnsB+`, NULL AS sort_key, bs.position FROM book_series bs JOIN books b ON b.id = bs.book_id
		WHERE bs.series_id = ? AND +b.owner_id = ? AND b.deleted_at IS NULL AND b.pending_import IS NULL
		ORDER BY CASE WHEN bs.position_sort IS NULL THEN 1 ELSE 0 END, bs.position_sort, lower(b.title), b.id
		`+limitOf(MaxSeriesBooks+1), []any{id, owner}, MaxSeriesBooks+1,
		[]any{&position}, func() { positions = append(positions, position) })
	if err != nil {
		return SeriesDetail{}, fmt.Errorf("get series %d: %w", id, err)
	}
	if len(books) == 0 {
		return SeriesDetail{}, ErrNotFound
	}
	if len(books) > MaxSeriesBooks {
		books, d.Truncated = books[:MaxSeriesBooks], true
	}
	d.Books = make([]SeriesBook, len(books))
	for i, b := range books {
		d.Books[i] = SeriesBook{Position: positions[i], Book: b}
	}
	return d, nil
}

// CreateInSeries is BookStore.CreateWithTabs for a book typed in the new-book row with a series
// after its title (split off by SplitSeriesTitle): the book, with in's title, is put in the
// series ref at its position in the same transaction. It returns the book, its place in the
// series and the library's tabs; a series the rules refuse (a name too long, say) leaves the
// title as typed, with the series back in it, and the place nil. KeepAsTitle undoes the split.
func (s *SeriesStore) CreateInSeries(ctx context.Context, owner int64, in BookInput, x Catalogued, ref SeriesRef) (Book, *BookSeries, LibraryTabs, error) {
	var tabs LibraryTabs
	name, pos, err := checkRef(ref)
	if err != nil {
		in.Title = JoinSeriesTitle(in.Title, []SeriesRef{ref})
		b, err := s.db.Books().createBook(ctx, owner, in, x, nil, &tabs)
		return b, nil, tabs, err
	}
	var placed BookSeries
	b, err := s.db.Books().createBook(ctx, owner, in, x, func(ctx context.Context, tx *sqlx.Tx, b *Book) error {
		var err error
		placed, err = s.db.putBookSeries(ctx, tx, owner, b.ID, name, pos)
		return err
	}, &tabs)
	if err != nil {
		return Book{}, nil, LibraryTabs{}, err
	}
	return b, &placed, tabs, nil
}

// maxSeriesNames bounds how many names Names lists.
const maxSeriesNames = 200

// Names lists the names of the owner's series, by name (at most maxSeriesNames), for the form
// that adds a book to one to suggest.
func (s *SeriesStore) Names(ctx context.Context, owner int64) ([]string, error) {
	var names []string
	if err := s.db.selectAll(ctx, &names, `SELECT name FROM series WHERE owner_id = ? ORDER BY name_key LIMIT ?`, owner, maxSeriesNames); err != nil {
		return nil, fmt.Errorf("series names: %w", err)
	}
	return names, nil
}
