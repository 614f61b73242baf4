package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// ImportRow is one row of an import: where it is in the file, what the review made of it, and
// the book it stands for. Package exchange reads a file into rows (Line, the book, and Problems
// with what could not be read); the ImportStore numbers them (N), classifies them (Kind,
// BookID) and holds them for review, one JSON object a row; Import writes their books. It is
// the one type of an import's row, from the file to the library, so that no layer copies it
// field by field into another.
//
// The review's stored rows are this type as JSON, in the order of its fields; a field added
// must keep the rows already stored readable (TestImportRowStoredForm).
type ImportRow struct {
	// N is the row's place in the file, from 1, given when the review stores it.
	N int
	// Line is where the row starts in the file.
	Line int
	// Kind and BookID are what the review makes of the row (see Classification).
	Kind   RowKind
	BookID int64

	// Title is the book's title without its series (which Series holds).
	Title string
	// Series are the book's series, each with its position as printed ("1", "0.5", "1-3", ""),
	// in the file's order: Goodreads' "(The Expanse, #1)" split off the title.
	Series []SeriesRef `json:",omitempty"`
	Author string
	// OtherAuthors are co-authors after the first (Goodreads' Additional Authors, StoryGraph's
	// Authors after the first): the book's contributors after those of Author, in order.
	OtherAuthors []string `json:",omitempty"`
	// Contributors, when the file gives them with their roles and sort names (Bookcase's JSON,
	// StoryGraph's Contributors, Goodreads' Author l-f), are the book's contributors in order,
	// instead of those Author and OtherAuthors read as (see ImportRow.People).
	Contributors []Contributor `json:",omitempty"`
	// AuthorSort is the first author's sort name as the file gives it (Goodreads' Author l-f),
	// which an author new to the library is filed under.
	AuthorSort string `json:",omitempty"`
	Genre      string
	ISBN       ISBN
	// Edition is the book's edition facts as the file has them (normalized, see Edition), the
	// other trackers' ids among them, which an import matches books on.
	Edition Edition `json:",omitzero"`
	// Format is the book's format, "" for the default (a paperback, or as it was on an
	// update); Pages its length in the format's unit (minutes for an audiobook), 0 when the
	// file does not say.
	Format Format `json:",omitempty"`
	Pages  int
	Rating Rating
	Status Status
	// Shelves are the book's shelves other than the reading-status ones, normalized
	// (NormalizeShelfName) and without duplicates (ignoring case), in file order.
	Shelves []string
	// Notes are the private notes; Review what the reader would share (Goodreads' My Review,
	// StoryGraph's Review), Spoiler whether it gives the story away.
	Notes     string
	Review    string `json:",omitempty"`
	Spoiler   bool   `json:",omitempty"`
	DateAdded *time.Time
	// DateUpdated is when the book was last changed (Bookcase JSON only).
	DateUpdated *time.Time
	DateStarted *time.Time
	DateRead    *time.Time
	// ReadCount is how many readings the book has had, as the file says, counting as Goodreads
	// does the one being read or given up (see readThrough); at most MaxReadCount.
	ReadCount int `json:",omitempty"`
	// ReadThroughs and Progress, when the file has them (Bookcase's JSON export), are the book's
	// readings and progress history; they replace the one reading Status and the dates imply.
	// Their IDs are ignored.
	ReadThroughs []ReadThrough
	Progress     []Progress
	// CoverSmall and CoverLarge are the book's cover (Bookcase JSON only), checked (CheckCover).
	CoverSmall []byte `json:",omitempty"`
	CoverLarge []byte `json:",omitempty"`

	// Problems are why the row cannot be imported as it is: what the file's reader could not
	// read, or what Classify refused.
	Problems []ImportProblem
}

// What to do with a row that matches a book the reader already has.
const (
	OnDuplicateSkip   = "skip"
	OnDuplicateUpdate = "update"
)

// ImportSummary counts what an import did.
type ImportSummary struct {
	Created, Updated, Skipped int
}

// ImportOptions says how Import writes its rows.
type ImportOptions struct {
	// OnDuplicate is OnDuplicateSkip or OnDuplicateUpdate.
	OnDuplicate string
	// Shelves are shelf names to have before the rows are written, in this order: a file's own
	// shelves, so that their order (and shelves without books) survive.
	Shelves []string
	// Progress, when set, is called with how many rows have been written so far, from the
	// goroutine that runs Import, outside any transaction: after each batch but the last, and
	// once the import is visible.
	Progress func(done int)

	// finish runs in the transaction after the last row, so that what it writes commits or rolls
	// back with the books.
	finish func(ctx context.Context, tx *sqlx.Tx, sum ImportSummary) error
}

// matchKey is a title and author folded for comparison: lower-case, trimmed, spaces collapsed.
func matchKey(title, author string) string {
	return strings.ToLower(NormalizeShelfName(title)) + "\x00" + leadAuthorKey(author)
}

// leadAuthorKey is the AuthorKey of the first person of an author text: a book's author text
// names all its contributors ("Terry Pratchett, Neil Gaiman"), a row's Author the first.
func leadAuthorKey(author string) string {
	if cs := contributorsOf(author); len(cs) > 0 {
		return AuthorKey(cs[0].Name)
	}
	return ""
}

// People are the row's contributors in order: Contributors when the file gave them, else those
// of Author then of each of OtherAuthors (a text the rules of ParseContributors refuse is one
// person: an import loses no name), at most MaxContributors.
func (r ImportRow) People() []Contributor {
	cs := r.Contributors
	if len(cs) == 0 {
		cs = contributorsOf(r.Author)
		for i, o := range r.OtherAuthors {
			// A list split on its commas splits "Martin Luther King, Jr." too.
			if i > 0 && isSuffix(strings.TrimSpace(o)) {
				continue
			}
			if i+1 < len(r.OtherAuthors) && isSuffix(strings.TrimSpace(r.OtherAuthors[i+1])) {
				o += ", " + strings.TrimSpace(r.OtherAuthors[i+1])
			}
			cs = append(cs, contributorsOf(o)...)
		}
	}
	if len(cs) > MaxContributors {
		cs = cs[:MaxContributors]
	}
	if sortName := strings.Join(strings.Fields(r.AuthorSort), " "); sortName != "" && len(r.Contributors) == 0 && len(cs) > 0 &&
		len(contributorsOf(r.Author)) == 1 && len([]rune(sortName)) <= MaxAuthorNameLen {
		cs = slices.Clone(cs)
		cs[0].SortName = sortName
	}
	return cs
}

// Import writes rows into the owner's library: all of them or, on any error, none. A row
// matching a live book of the owner's (see library.match) is skipped or updated as onDuplicate
// says; shelves are found by name, ignoring case, or created. An update keeps the edition facts
// the row does not give.
func (db *DB) Import(ctx context.Context, owner int64, rows []ImportRow, onDuplicate string) (ImportSummary, error) {
	return db.ImportWith(ctx, owner, rows, ImportOptions{OnDuplicate: onDuplicate})
}

// ImportWith is Import with every option.
func (db *DB) ImportWith(ctx context.Context, owner int64, rows []ImportRow, opts ImportOptions) (ImportSummary, error) {
	// An import of rows held in memory has no import of its own to mark its books with: a
	// number no import has (imports count up from 1) and no other call is likely to draw.
	marker := -(time.Now().UnixNano() & math.MaxInt32) - 1
	// Claimed while it writes, so that another instance starting meanwhile leaves its books be.
	cl, err := db.claim(ctx, importClaim(marker))
	if err != nil {
		return ImportSummary{}, fmt.Errorf("import: %w", err)
	}
	defer cl.release()
	return db.importWith(ctx, owner, marker, opts, &sliceSource{rows: rows})
}

// An import writes its rows in batches, each one transaction, and gives the writer up between
// two as soon as another write waits for it: a batch ends once another write is waiting (after
// importBatchMin rows, so that two imports do not take turns row by row), or after importBatch
// rows or importBatchTime, whichever comes first. Another reader's save then waits for a few
// rows of an import, not for all of it (bench/import.sh measures it), and an import alone
// writes large batches: each commit writes every page the batch changed to the log, and the
// pages of a dozen indexes with keys all over them are shared by more rows in a larger batch.
// A 100,000-row import alone (the process's CPU time, BenchmarkImport/rows=100000): 21.6 s in
// batches of 100 ms, 18.5 s in batches of a second. Its progress moves a batch at a time.
// (DB.importBatch is importBatch but in tests.)
const (
	importBatchMin  = 16
	importBatch     = 10_000
	importBatchTime = time.Second
)

// dropBatch is how many books dropPending deletes a transaction.
const dropBatch = 1000

// importSource hands an import its rows.
type importSource interface {
	// next returns the next row and its key (its place among the rows), and false after the last.
	next(ctx context.Context) (r ImportRow, key int, ok bool, err error)
	// again calls fn with the rows of the keys, in their order (ascending), reading through q.
	again(ctx context.Context, q sqlx.QueryerContext, keys []int, fn func(ImportRow) error) error
}

// sliceSource is the rows of a slice, keyed by index.
type sliceSource struct {
	rows []ImportRow
	at   int
}

func (s *sliceSource) next(context.Context) (ImportRow, int, bool, error) {
	if s.at == len(s.rows) {
		return ImportRow{}, 0, false, nil
	}
	s.at++
	return s.rows[s.at-1], s.at - 1, true, nil
}

func (s *sliceSource) again(_ context.Context, _ sqlx.QueryerContext, keys []int, fn func(ImportRow) error) error {
	for _, k := range keys {
		if err := fn(s.rows[k]); err != nil {
			return err
		}
	}
	return nil
}

// importWith writes the rows of src, all or none, without holding the writer for long. New books
// go in a batch of rows at a time, each its own transaction, marked as the import's
// (books.pending_import = marker): every view, count and search leaves them out. The last
// transaction does what other readers' writes could otherwise see half done or interleave
// with: it updates the live books the rows match, creates shelves and puts books on them, makes
// the new books visible (one UPDATE of the column, which no index of live books holds), and
// counts again. If anything fails, the marked books are deleted; a crash leaves them to
// DropPendingBooks at the next start.
func (db *DB) importWith(ctx context.Context, owner, marker int64, opts ImportOptions, src importSource) (ImportSummary, error) {
	if opts.OnDuplicate != OnDuplicateSkip && opts.OnDuplicate != OnDuplicateUpdate {
		return ImportSummary{}, fieldError("onDuplicate", "Choose to skip or update books you already have.")
	}
	sum, err := db.importRows(ctx, owner, marker, opts, src)
	if err != nil {
		// The import's own context may be what failed: clean up on one of its own.
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if _, derr := db.dropPending(dctx, &marker); derr != nil {
			err = errors.Join(err, fmt.Errorf("delete the books it wrote: %w", derr))
		}
	}
	if errors.Is(err, ErrInvalid) {
		return ImportSummary{}, err
	}
	if err != nil {
		return ImportSummary{}, fmt.Errorf("import: %w", err)
	}
	return sum, nil
}

func (db *DB) importRows(ctx context.Context, owner, marker int64, opts ImportOptions, src importSource) (ImportSummary, error) {
	lib, err := loadLibrary(ctx, db.read, owner)
	if err != nil {
		return ImportSummary{}, err
	}
	im := &importer{db: db, owner: owner, marker: marker, lib: lib, created: map[int64]bool{}, exact: true}
	im.tally.status, im.tally.genres, im.tally.shelves = map[Status]int{}, map[string]*genreTally{}, map[int64]int{}
	if err := im.loadShelves(ctx); err != nil {
		return ImportSummary{}, err
	}
	var sum ImportSummary
	done := 0
	for more, first := true, true; more; first = false {
		err := db.inTx(ctx, func(tx *sqlx.Tx) error {
			if err := im.begin(ctx, tx); err != nil {
				return err
			}
			defer im.end()
			if first {
				for _, name := range opts.Shelves {
					if _, err := im.shelf(ctx, name, db.now()); err != nil {
						return fmt.Errorf("shelf %q: %w", name, err)
					}
				}
			}
			until := time.Now().Add(importBatchTime)
			for n := 0; n < db.importBatch && time.Now().Before(until) && (n < importBatchMin || db.waiting.Load() == 0); n++ {
				r, key, ok, err := src.next(ctx)
				if err != nil {
					return err
				}
				if !ok {
					more = false
					break
				}
				done++
				if err := im.write(ctx, r, key, opts.OnDuplicate, &sum); err != nil {
					return fmt.Errorf("row %d: %w", done, err)
				}
			}
			return im.indexBooks(ctx)
		})
		if err != nil {
			return ImportSummary{}, err
		}
		if opts.Progress != nil && more {
			opts.Progress(done)
		}
	}
	err = db.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := im.begin(ctx, tx); err != nil {
			return err
		}
		defer im.end()
		// The new books count in their genres and shelves from now on (the triggers left them
		// out), and they and the new shelves are the library's.
		if err := im.addCounts(ctx); err != nil {
			return err
		}
		if err := im.flip(ctx); err != nil {
			return err
		}
		if err := im.finish(ctx, src); err != nil {
			return err
		}
		if err := im.countStatuses(ctx); err != nil {
			return err
		}
		if opts.finish != nil {
			if err := opts.finish(ctx, tx, sum); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return ImportSummary{}, err
	}
	if opts.Progress != nil {
		opts.Progress(done)
	}
	return sum, nil
}

// genreTally is how many of an import's new books have a genre, under its first spelling.
type genreTally struct {
	name  string
	books int
}

// asciiLower lower-cases the ASCII letters of s alone, as SQLite's lower() does: the genres'
// keys are made by lower() in the triggers.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, s)
}

// addCounts adds the import's new books to their languages' counts, and to their genres' and
// shelves' counts: from what write
// tallied, or, when a row updated a book the import had created (whose first values the tally
// holds too), from the books themselves.
func (im *importer) addCounts(ctx context.Context) error {
	// Languages come with editions, which an import writes after the book and may change row
	// by row: they are counted from the books, one statement (the books by their pending
	// index, each one's edition by its key).
	if _, err := im.tx.ExecContext(ctx, `
		INSERT INTO languages (owner_id, language, books)
		SELECT ?, e.language, COUNT(*) FROM books b JOIN editions e ON e.book_id = b.id
		WHERE b.pending_import = ? AND b.owner_id = ? AND e.language <> '' GROUP BY e.language
		ON CONFLICT (owner_id, language) DO UPDATE SET books = languages.books + excluded.books`,
		im.owner, im.marker, im.owner); err != nil {
		return err
	}
	if !im.exact {
		return im.addCountsFromBooks(ctx)
	}
	for key, g := range im.tally.genres {
		if _, err := im.tx.ExecContext(ctx, `
			INSERT INTO genres (owner_id, name_key, name, books) VALUES (?, ?, ?, ?)
			ON CONFLICT (owner_id, name_key) DO UPDATE SET books = genres.books + excluded.books`,
			im.owner, key, g.name, g.books); err != nil {
			return err
		}
	}
	for id, n := range im.tally.shelves {
		if _, err := im.tx.ExecContext(ctx, `UPDATE shelves SET books = books + ? WHERE id = ? AND owner_id = ?`, n, id, im.owner); err != nil {
			return err
		}
	}
	return nil
}

// flip makes the import's books and shelves the library's: one UPDATE of a column that no index
// of live books holds. The owner's stats count them from now on: their version moves once here
// (the triggers that move it leave pending books out, and the UPDATE too, which would have
// moved it once a book).
func (im *importer) flip(ctx context.Context) error {
	for _, q := range []string{
		`UPDATE books SET pending_import = NULL WHERE pending_import = ? AND owner_id = ?`,
		`UPDATE shelves SET pending_import = NULL WHERE pending_import = ? AND owner_id = ?`,
	} {
		if _, err := im.tx.ExecContext(ctx, q, im.marker, im.owner); err != nil {
			return err
		}
	}
	_, err := im.tx.ExecContext(ctx, `
		INSERT INTO reading_versions (owner_id, version) VALUES (?, 1)
		ON CONFLICT (owner_id) DO UPDATE SET version = reading_versions.version + 1`, im.owner)
	return err
}

// countStatuses adds the new books to the owner's counts by status or, when the import changed
// the status of books the reader had (or of books it created), counts them all again.
func (im *importer) countStatuses(ctx context.Context) error {
	if !im.exact || len(im.later) > 0 {
		return recount(ctx, im.tx, im.owner)
	}
	t := im.tally.status
	live := t[StatusWant] + t[StatusReading] + t[StatusRead] + t[StatusDNF]
	_, err := im.tx.ExecContext(ctx, `
		INSERT INTO book_counts (owner_id, live, want, reading, read, dnf) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (owner_id) DO UPDATE SET live = book_counts.live + excluded.live,
			want = book_counts.want + excluded.want, reading = book_counts.reading + excluded.reading,
			read = book_counts.read + excluded.read, dnf = book_counts.dnf + excluded.dnf`,
		im.owner, live, t[StatusWant], t[StatusReading], t[StatusRead], t[StatusDNF])
	return err
}

// addCountsFromBooks is addCounts from the import's books as they are in the table.
func (im *importer) addCountsFromBooks(ctx context.Context) error {
	for _, q := range []string{`
			INSERT INTO genres (owner_id, name_key, name, books)
			SELECT ?, lower(genre), MIN(genre), COUNT(*) FROM books WHERE pending_import = ? AND genre <> ''
			GROUP BY lower(genre)
			ON CONFLICT (owner_id, name_key) DO UPDATE SET books = genres.books + excluded.books`, `
			UPDATE shelves SET books = shelves.books + n.books
			FROM (SELECT bs.shelf_id, COUNT(*) AS books FROM books b JOIN book_shelves bs ON bs.book_id = b.id
			      WHERE b.pending_import = ? GROUP BY bs.shelf_id) AS n
			WHERE shelves.id = n.shelf_id AND shelves.owner_id = ?`,
	} {
		args := []any{im.marker, im.owner}
		if strings.Contains(q, "INSERT INTO genres") {
			args = []any{im.owner, im.marker}
		}
		if _, err := im.tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// dropPending deletes the books and shelves that the import marked *marker is writing (every
// import's, when marker is nil), a few hundred books at a time so that other writes go on
// meanwhile, and returns how many books it deleted.
func (db *DB) dropPending(ctx context.Context, marker *int64) (int64, error) {
	var total int64
	for {
		var n int64
		err := db.inTx(ctx, func(tx *sqlx.Tx) error {
			res, err := tx.ExecContext(ctx, `
				DELETE FROM books WHERE id IN (
					SELECT id FROM books WHERE pending_import IS NOT NULL AND pending_import = COALESCE(?, pending_import) LIMIT ?)`,
				marker, dropBatch)
			if err != nil {
				return err
			}
			if n, err = res.RowsAffected(); err != nil || n > 0 {
				return err
			}
			_, err = tx.ExecContext(ctx, `
				DELETE FROM shelves WHERE pending_import IS NOT NULL AND pending_import = COALESCE(?, pending_import)`, marker)
			return err
		})
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// DropPendingBooks deletes the books of imports that a stopped server left half written (no
// import runs before the server starts them), and returns how many there were. On PostgreSQL,
// which other instances may share, it leaves the books of imports they are writing: only those
// of imports nobody claims (claims.go), whose instance died.
func (db *DB) DropPendingBooks(ctx context.Context) (int64, error) {
	if !db.postgres() {
		return db.dropPending(ctx, nil)
	}
	var markers []int64
	if err := db.selectAll(ctx, &markers, `
		SELECT pending_import FROM books WHERE pending_import IS NOT NULL
		UNION SELECT pending_import FROM shelves WHERE pending_import IS NOT NULL`); err != nil {
		return 0, fmt.Errorf("books of unfinished imports: %w", err)
	}
	var total int64
	for _, m := range markers {
		n, err := db.dropOrphan(ctx, m, func() error { return nil })
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// dropOrphan deletes the books of the import marked marker, after fail, unless an instance claims
// the import; it returns how many books it deleted.
func (db *DB) dropOrphan(ctx context.Context, marker int64, fail func() error) (int64, error) {
	cl, err := db.claim(ctx, importClaim(marker))
	if errors.Is(err, errClaimed) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer cl.release()
	if err := fail(); err != nil {
		return 0, err
	}
	n, err := db.dropPending(ctx, &marker)
	if err != nil {
		return n, fmt.Errorf("delete the books of import %d: %w", marker, err)
	}
	return n, nil
}

// library is the owner's live books as an import matches rows against them: by the other
// trackers' ids, by ISBN, and by title and author folded by matchKey.
type library struct {
	byGoodreads, byStoryGraph map[string]int64
	byISBN                    map[ISBN]int64
	byKey                     map[string]int64
}

// loadLibrary reads the owner's live books through q (the read pool, or a transaction).
func loadLibrary(ctx context.Context, q sqlx.QueryerContext, owner int64) (library, error) {
	lib := library{byGoodreads: map[string]int64{}, byStoryGraph: map[string]int64{}, byISBN: map[ISBN]int64{}, byKey: map[string]int64{}}
	rows, err := q.QueryContext(ctx, `SELECT id, title, author, COALESCE(isbn, '') FROM books WHERE owner_id = ? AND deleted_at IS NULL AND pending_import IS NULL`, owner)
	if err != nil {
		return library{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id            int64
			title, author string
			isbn          string
		)
		if err := rows.Scan(&id, &title, &author, &isbn); err != nil {
			return library{}, err
		}
		lib.remember(id, Edition{}, ISBN(isbn), title, author)
	}
	if err := rows.Err(); err != nil {
		return library{}, err
	}
	// The ids apart, in a query of their own: only books imported from the trackers have them.
	ids, err := q.QueryContext(ctx, `
		SELECT e.book_id, COALESCE(e.goodreads_id, ''), COALESCE(e.storygraph_id, '')
		FROM editions e JOIN books b ON b.id = e.book_id
		WHERE b.owner_id = ? AND b.deleted_at IS NULL AND b.pending_import IS NULL
			AND (e.goodreads_id IS NOT NULL OR e.storygraph_id IS NOT NULL)`, owner)
	if err != nil {
		return library{}, err
	}
	defer ids.Close()
	for ids.Next() {
		var id int64
		var e Edition
		if err := ids.Scan(&id, &e.GoodreadsID, &e.StoryGraphID); err != nil {
			return library{}, err
		}
		lib.rememberIDs(id, e)
	}
	return lib, ids.Err()
}

// remember adds book id, with what it is matched on, to the library.
func (l library) remember(id int64, e Edition, isbn ISBN, title, author string) {
	l.rememberIDs(id, e)
	if isbn != "" {
		l.byISBN[isbn] = id
	}
	l.byKey[matchKey(title, author)] = id
	// A book saved with its series still in its title (imported before series were split off,
	// or kept whole by its reader) is found by the title without it too, as an import's rows
	// now come (SplitSeries); a book of that title the library has wins.
	if clean, _, ok := SplitSeries(title); ok {
		if _, had := l.byKey[matchKey(clean, author)]; !had {
			l.byKey[matchKey(clean, author)] = id
		}
	}
}

// rememberIDs adds the other trackers' ids of book id to the library.
func (l library) rememberIDs(id int64, e Edition) {
	if e.GoodreadsID != "" {
		l.byGoodreads[e.GoodreadsID] = id
	}
	if e.StoryGraphID != "" {
		l.byStoryGraph[e.StoryGraphID] = id
	}
}

// match finds the book a row stands for: the one with the same Goodreads or StoryGraph id (a
// re-import of the same export finds its books, retitled or not), else the same ISBN, else the
// same title and author.
func (l library) match(e Edition, isbn ISBN, title, author string) (int64, bool) {
	if e.GoodreadsID != "" {
		if id, ok := l.byGoodreads[e.GoodreadsID]; ok {
			return id, true
		}
	}
	if e.StoryGraphID != "" {
		if id, ok := l.byStoryGraph[e.StoryGraphID]; ok {
			return id, true
		}
	}
	if isbn != "" {
		if id, ok := l.byISBN[isbn]; ok {
			return id, true
		}
	}
	id, ok := l.byKey[matchKey(title, author)]
	return id, ok
}

// RowKind is what an import will do with a row of a file.
type RowKind string

// The kinds of row, in the order the review lists them.
const (
	// RowProblem is a row that cannot be imported as it is: the reader fixes or drops it.
	RowProblem RowKind = "problem"
	// RowMatch is a row for a book the reader already has (or that an earlier row creates).
	RowMatch RowKind = "match"
	// RowNew is a row that creates a book.
	RowNew RowKind = "new"
	// RowDropped is a row the reader left out.
	RowDropped RowKind = "dropped"
)

// rank orders the kinds for the review: problems first.
func (k RowKind) rank() int {
	switch k {
	case RowProblem:
		return 0
	case RowMatch:
		return 1
	case RowNew:
		return 2
	default:
		return 3
	}
}

// ImportProblem is why a row cannot be imported as it is.
type ImportProblem struct {
	// Line is the row's line in the file.
	Line int
	// Column is the column (or JSON field) of the problem, or "" for the row as a whole.
	Column  string
	Value   string
	Message string
}

// Classification is what an import would do with one row.
type Classification struct {
	Kind RowKind
	// BookID is the reader's book a RowMatch matches; 0 when it matches an earlier row of the file.
	BookID int64
	// Problems are why a RowProblem cannot be imported.
	Problems []ImportProblem
}

// Classify tells, without writing anything, what Import would do with each row in the owner's
// library: create a book, match one (by ISBN, or by title and author, as Import matches; a row
// repeating an earlier row matches it), or refuse the row because it breaks the rules every book
// keeps (Problems, at the row's Line). It reads only the rows' books, not what they say of
// themselves (Kind, BookID, Problems).
func (db *DB) Classify(ctx context.Context, owner int64, rows []ImportRow) ([]Classification, error) {
	lib, err := loadLibrary(ctx, db.read, owner)
	if err != nil {
		return nil, fmt.Errorf("classify import: %w", err)
	}
	out := make([]Classification, len(rows))
	for i, r := range rows {
		out[i] = lib.classify(r)
	}
	return out, nil
}

// classify is Classify for one row, which a new book's row remembers for the rows after it.
func (l library) classify(r ImportRow) Classification {
	if problems := CheckImportRow(r); len(problems) > 0 {
		return Classification{Kind: RowProblem, Problems: problems}
	}
	in := BookInput{Title: r.Title, Author: r.Author}.Normalize()
	if id, ok := l.match(r.Edition, r.ISBN, in.Title, in.Author); ok {
		return Classification{Kind: RowMatch, BookID: id}
	}
	l.remember(0, r.Edition, r.ISBN, in.Title, in.Author)
	return Classification{Kind: RowNew}
}

// importColumns names the file's columns after the form fields the store checks.
// MaxReadCount is the most readings an imported row's read count may give its book. Each is a
// row written, so a file cannot ask for millions; a hundred readings of one book is past any
// reader's.
const MaxReadCount = 100

// msgReadCount is why a read count is refused, in the file or in the fix form; it says
// MaxReadCount.
const msgReadCount = "The read count is a whole number from 0 to 100, like 1."

var importColumns = map[string]string{"title": "Title", "author": "Author", "genre": "Genre", "status": "Status", "name": "Shelves"}

// editionColumns name the edition's form fields (EditionFields) in the problems of an import's
// rows, as Goodreads' export names those it has.
var editionColumns = map[string]string{
	"publisher": "Publisher", "year": "Year Published", "original_year": "Original Publication Year",
	"language": "Language", "copies": "Owned Copies", "goodreads_id": "Goodreads Book Id",
	"storygraph_id": "StoryGraph Id",
}

// CheckImportRow reports what keeps Import from writing r, as problems at r.Line: the rules of
// BookInput.Validate and of shelf names.
func CheckImportRow(r ImportRow) []ImportProblem {
	line := r.Line
	var problems []ImportProblem
	in := BookInput{Title: r.Title, Author: r.Author, Genre: r.Genre, Status: r.Status}.Normalize()
	if err := in.Validate(); err != nil {
		var v *ValidationError
		if errors.As(err, &v) {
			for _, field := range []string{"title", "author", "genre", "status"} {
				if msg, ok := v.Fields[field]; ok {
					value := map[string]string{"title": in.Title, "author": in.Author, "genre": in.Genre, "status": string(in.Status)}[field]
					problems = append(problems, ImportProblem{Line: line, Column: importColumns[field], Value: short(value), Message: msg})
				}
			}
		}
	}
	for _, sh := range r.Shelves {
		if msg := checkShelfName(sh); msg != "" {
			problems = append(problems, ImportProblem{Line: line, Column: "Shelves", Value: short(sh), Message: msg})
		}
	}
	if len(r.Series) > 0 {
		if _, err := checkRefs(r.Series); err != nil {
			problems = append(problems, ImportProblem{Line: line, Column: "Series", Value: short(FormatSeriesList(r.Series)),
				Message: fieldMessage(err, FieldSeriesList, msgPosition)})
		}
	}
	if msg := checkNotes(r.Notes); msg != "" {
		// The value as the review can show it: a control character or an open override would
		// garble the table it is quoted in.
		shown := strings.Map(func(r rune) rune {
			if notNotesText(r) {
				return '\uFFFD'
			}
			return r
		}, r.Notes)
		problems = append(problems, ImportProblem{Line: line, Column: "Notes", Value: short(shown), Message: msg})
	}
	if msg := checkLongText(r.Review, "Review", false); msg != "" {
		shown := strings.Map(func(r rune) rune {
			if notNotesText(r) {
				return '\uFFFD'
			}
			return r
		}, r.Review)
		problems = append(problems, ImportProblem{Line: line, Column: "Review", Value: short(shown), Message: msg})
	}
	if r.Edition == (Edition{}) {
		// Nothing to check.
	} else if _, err := r.Edition.Validate(time.Now()); err != nil {
		var v *ValidationError
		if errors.As(err, &v) {
			in := r.Edition.Input()
			in.Copies = strconv.Itoa(r.Edition.Copies)
			for _, f := range EditionFields {
				if msg, ok := v.Fields[f]; ok {
					problems = append(problems, ImportProblem{Line: line, Column: editionColumns[f], Value: short(in.Field(f)), Message: msg})
				}
			}
		}
	}
	dated := func(column string, t *time.Time) {
		if t != nil && !dateInRange(*t) {
			problems = append(problems, ImportProblem{Line: line, Column: column, Value: t.Format(dateLayout), Message: msgDateRange})
		}
	}
	if r.ReadCount < 0 || r.ReadCount > MaxReadCount {
		problems = append(problems, ImportProblem{Line: line, Column: "Read Count", Value: strconv.Itoa(r.ReadCount), Message: msgReadCount})
	}
	dated("Date Added", r.DateAdded)
	dated("Date Updated", r.DateUpdated)
	dated("Date Started", r.DateStarted)
	dated("Date Read", r.DateRead)
	for _, rt := range r.ReadThroughs {
		dated("Readings", rt.StartedOn)
		dated("Readings", rt.FinishedOn)
	}
	for _, p := range r.Progress {
		dated("Progress", &p.RecordedAt)
	}
	return problems
}

// short cuts a value to a length that a table cell shows.
func short(s string) string {
	const most = 60
	if r := []rune(s); len(r) > most {
		return string(r[:most]) + "…"
	}
	return s
}

// importer writes one import's rows: a transaction at a time (begin, end), with its lookups of
// the owner's books and shelves, and what the last transaction is left to do.
type importer struct {
	db     *DB
	owner  int64
	marker int64 // books.pending_import of the books it creates
	lib    library
	// created holds the books this import created: a row matching one of them updates it at
	// once, since no one sees it yet.
	created map[int64]bool
	// later are the rows matching a live book, in the rows' order: the last transaction updates
	// those books, so that a failed import changes none.
	later []laterRow

	shelves map[string]int64 // ShelfKey -> id

	// tally counts the new books by status and genre, and on each shelf, for the counts the last
	// transaction adds them to. It is exact until a row updates a book the import created (whose
	// first status and genre it holds too): the last transaction then counts from the table.
	tally struct {
		status  map[Status]int
		genres  map[string]*genreTally // by asciiLower of the name
		shelves map[int64]int
	}
	exact bool

	// seriesIDs are the owner's series the transaction has found or made, by SeriesKey: only
	// for the transaction, since the reader may remove one between two.
	seriesIDs map[string]int64
	// authors are the owner's authors the transaction has found or made, by AuthorKey: only for
	// the transaction too, since an author goes when their last book does.
	authors map[string]Author
	// unindexed are the books the transaction made or changed, which the search index leaves
	// to the import while they are pending (migration 00027) and indexBooks puts in; stale are
	// those among them an earlier transaction indexed as they were.
	unindexed map[int64]bool
	stale     []int64

	tx                                                                                                  *sqlx.Tx
	insertBook, updateBook, insertRead, insertProgress, insertShelf, shelveBook, putEdition, getEdition *sqlx.Stmt
	putSeries, putBookSeries, putAuthor, putContributor, index, unindex                                 *sqlx.Stmt
}

// laterRow is a row whose writing waits for the import's last transaction: the update of the
// live book id that the row at key matches.
type laterRow struct {
	key int
	id  int64
}

// begin prepares the import's statements in tx, a transaction of its own: SQLite then parses
// each statement once per transaction, not per row.
func (im *importer) begin(ctx context.Context, tx *sqlx.Tx) error {
	im.tx = tx
	im.seriesIDs = map[string]int64{}
	im.authors = map[string]Author{}
	im.unindexed, im.stale = map[int64]bool{}, nil
	for _, st := range []struct {
		dst   **sqlx.Stmt
		query string
	}{
		{&im.insertBook, `
			INSERT INTO books (owner_id, title, author, author_sort, genre, status, format, pages, rating, notes, review, review_spoiler, isbn, created_at, updated_at, pending_import)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)` + im.db.returningID()},
		{&im.updateBook, `
			UPDATE books SET genre = ?, status = ?, format = COALESCE(?, format), pages = ?, rating = ?, notes = ?, review = ?, review_spoiler = ?, isbn = ?, updated_at = ?
			WHERE id = ? AND owner_id = ?`},
		{&im.insertRead, `
			INSERT INTO read_throughs (book_id, started_on, finished_on, outcome, stopped_at_page)
			VALUES (?, ?, ?, ?, ?)` + im.db.returningID()},
		{&im.insertProgress, `
			INSERT INTO progress_updates (read_through_id, page, percent, recorded_at) VALUES (?, ?, ?, ?)`},
		// A shelf the reader made meanwhile under the same name is the one the books go on.
		{&im.insertShelf, `
			INSERT INTO shelves (owner_id, name, name_key, position, created_at, pending_import)
			VALUES (?, ?, ?, (SELECT COALESCE(MAX(position) + 1, 0) FROM shelves WHERE owner_id = ?), ?, ?)
			ON CONFLICT (owner_id, name_key) DO UPDATE SET name_key = excluded.name_key
			RETURNING id`},
		{&im.shelveBook, `
			INSERT INTO book_shelves (book_id, shelf_id, added_at) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`},
		{&im.putEdition, upsertEdition},
		// A series the reader has (by SeriesKey) is the one the book goes in.
		{&im.putSeries, `
			INSERT INTO series (owner_id, name, name_key, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (owner_id, name_key) DO UPDATE SET name_key = excluded.name_key
			RETURNING id`},
		{&im.putBookSeries, `
			INSERT INTO book_series (book_id, series_id, position, position_sort) VALUES (?, ?, ?, ?)
			ON CONFLICT (book_id, series_id) DO UPDATE SET position = excluded.position, position_sort = excluded.position_sort`},
		{&im.getEdition, `SELECT ` + editionSelect + ` FROM editions e WHERE e.book_id = ?`},
		{&im.putAuthor, upsertAuthor},
		{&im.putContributor, insertContributor},
	} {
		var err error
		if *st.dst, err = tx.PreparexContext(ctx, st.query); err != nil {
			im.end()
			return err
		}
	}
	return nil
}

// end closes the prepared statements of the transaction begin began.
func (im *importer) end() {
	for _, st := range []**sqlx.Stmt{&im.insertBook, &im.updateBook, &im.insertRead, &im.insertProgress, &im.insertShelf, &im.shelveBook, &im.putEdition, &im.getEdition, &im.putSeries, &im.putBookSeries, &im.putAuthor, &im.putContributor} {
		if *st != nil {
			(*st).Close()
			*st = nil
		}
	}
	im.tx = nil
}

// loadShelves reads the owner's shelves, for shelf.
func (im *importer) loadShelves(ctx context.Context) error {
	var shelves []struct {
		ID  int64  `db:"id"`
		Key string `db:"name_key"`
	}
	if err := im.db.selectAll(ctx, &shelves, `SELECT id, name_key FROM shelves WHERE owner_id = ? AND pending_import IS NULL`, im.owner); err != nil {
		return err
	}
	im.shelves = make(map[string]int64, len(shelves))
	for _, sh := range shelves {
		im.shelves[sh.Key] = sh.ID
	}
	return nil
}

// write writes the row at key that it can before the import's last transaction: a new book (not
// yet visible) on its shelves, or the update of one this import created; it leaves to finish the
// updates of live books.
func (im *importer) write(ctx context.Context, r ImportRow, key int, onDuplicate string, sum *ImportSummary) error {
	in := BookInput{Title: r.Title, Author: r.Author, Genre: r.Genre, Status: r.Status}.Normalize()
	if err := in.Validate(); err != nil {
		return err
	}
	for _, sh := range r.Shelves {
		if _, err := validateShelfName(sh); err != nil {
			return err
		}
	}
	if in.Status == "" {
		in.Status = StatusWant
	}
	edition, err := checkedEdition(r, im.db.now())
	if err != nil {
		return err
	}
	id, found := im.lib.match(edition, r.ISBN, in.Title, in.Author)
	switch {
	case found && onDuplicate == OnDuplicateSkip:
		sum.Skipped++
		return nil
	case found && !im.created[id]:
		im.later = append(im.later, laterRow{key: key, id: id})
		// The rows after this one find the book by the ids the update will give it.
		im.lib.rememberIDs(id, edition)
		sum.Updated++
		return nil
	case found:
		if err := im.update(ctx, id, in, r); err != nil {
			return err
		}
		if !im.unindexed[id] { // indexed by an earlier transaction, as it was
			im.unindexed[id] = true
			im.stale = append(im.stale, id)
		}
		im.exact = false
		sum.Updated++
	default:
		now := im.db.now()
		created, updated := now, now
		if r.DateAdded != nil {
			created = r.DateAdded.UTC()
		}
		if r.DateUpdated != nil {
			updated = r.DateUpdated.UTC()
		}
		people, authors, err := im.people(ctx, r.People())
		if err != nil {
			return err
		}
		author, authorSort := authorText(in.Author, people)
		// LastInsertId on SQLite, not RETURNING: go-sqlite3 runs a statement that returns rows
		// through a slower path than an exec, and this is the hottest statement of an import (a
		// third faster in BenchmarkImport). PostgreSQL has RETURNING (insertedID).
		if id, err = im.db.insertedID(ctx, im.insertBook,
			im.owner, in.Title, author, authorSort, in.Genre, in.Status, rowFormat(r), nullInt(r.Pages), nullInt(int(r.Rating)), r.Notes,
			r.Review, r.Spoiler && r.Review != "", nullString(string(r.ISBN)), created, updated, im.marker); err != nil {
			return err
		}
		for i, p := range people {
			if _, err := im.putContributor.ExecContext(ctx, contributorArgs(id, authors[i], p.Role, i)...); err != nil {
				return err
			}
		}
		if len(r.ReadThroughs) > 0 {
			if err := im.history(ctx, id, r); err != nil {
				return err
			}
		} else if err := im.readThrough(ctx, id, in.Status, r); err != nil {
			return err
		}
		if err := im.cover(ctx, id, r); err != nil {
			return err
		}
		if edition != (Edition{}) {
			if _, err := im.putEdition.ExecContext(ctx, editionArgs(id, edition, im.db.now())...); err != nil {
				return err
			}
		}
		if err := im.series(ctx, id, r.Series); err != nil {
			return err
		}
		im.unindexed[id] = true
		im.lib.remember(id, edition, r.ISBN, in.Title, in.Author)
		im.created[id] = true
		im.tally.status[in.Status]++
		if in.Genre != "" {
			key := asciiLower(in.Genre)
			if g := im.tally.genres[key]; g != nil {
				g.books++
			} else {
				im.tally.genres[key] = &genreTally{name: in.Genre, books: 1}
			}
		}
		sum.Created++
	}
	return im.shelve(ctx, id, r.Shelves, im.db.now())
}

// indexChunk is how many books indexBooks indexes a statement.
const indexChunk = 500

// indexBooksSQL is the statement that puts books into the search index, from book_search_text,
// given their ids (IN (?), for sqlx.In): books the index does not hold yet.
func (db *DB) indexBooksSQL() string {
	if db.postgres() {
		// The PostgreSQL search migration's bookcase_index_books, from the same view.
		return `SELECT bookcase_index_books(ARRAY[?]::bigint[])`
	}
	return `INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher, review)
		SELECT book_id, title, author, genre, notes, isbn, series, publisher, review FROM book_search_text WHERE book_id IN (?)`
}

// indexBooks puts the books the transaction made or changed into the search index (taking out
// what it held of the stale ones first), a few hundred a statement: FTS5 writes what it has
// gathered to the database file at every statement that changes the index, which made a
// statement a row cost more than all the rest of the row.
func (im *importer) indexBooks(ctx context.Context) error {
	ids := make([]int64, 0, len(im.unindexed))
	for id := range im.unindexed {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	slices.Sort(im.stale)
	type step struct {
		query string
		ids   []int64
	}
	steps := []step{
		{`DELETE FROM books_fts WHERE rowid IN (?)`, im.stale},
		{im.db.indexBooksSQL(), ids},
	}
	if im.db.postgres() {
		steps[0].query = `DELETE FROM book_search WHERE book_id IN (?)`
	}
	for _, step := range steps {
		for chunk := range slices.Chunk(step.ids, indexChunk) {
			query, args, err := sqlx.In(step.query, chunk)
			if err != nil {
				return err
			}
			if _, err := im.tx.ExecContext(ctx, query, args...); err != nil {
				return fmt.Errorf("index the new books: %w", err)
			}
		}
	}
	im.unindexed, im.stale = map[int64]bool{}, nil
	return nil
}

// people finds or makes the owner's authors of cs (storedPeople), each once a transaction: an
// import names most authors many times.
func (im *importer) people(ctx context.Context, cs []Contributor) ([]Contributor, []int64, error) {
	return storedPeople(cs, func(c Contributor) (Author, error) {
		key := AuthorKey(c.Name)
		a, ok := im.authors[key]
		if !ok {
			if err := im.putAuthor.GetContext(ctx, &a, authorArgs(im.owner, c, im.db.now())...); err != nil {
				return Author{}, err
			}
			im.authors[key] = a
		}
		return a, nil
	})
}

// update writes the row r over the owner's book id: what the book says of itself, not its title
// and author (by which it was matched), its cover when the row has one, and the edition facts
// the row gives (keeping those it does not).
func (im *importer) update(ctx context.Context, id int64, in BookInput, r ImportRow) error {
	if _, err := im.updateBook.ExecContext(ctx,
		in.Genre, in.Status, nullString(string(r.Format)), nullInt(r.Pages), nullInt(int(r.Rating)), r.Notes, r.Review, r.Spoiler && r.Review != "",
		nullString(string(r.ISBN)), im.db.now(), id, im.owner); err != nil {
		return err
	}
	if err := im.cover(ctx, id, r); err != nil {
		return err
	}
	if len(r.Series) > 0 {
		// A book saved with its series in its title (an earlier import's) gets the title
		// without it, now that the series is the book's.
		if _, err := im.tx.ExecContext(ctx, `UPDATE books SET title = ? WHERE id = ? AND owner_id = ? AND title = ?`,
			in.Title, id, im.owner, JoinSeriesTitle(in.Title, r.Series[:1])); err != nil {
			return err
		}
		if err := im.series(ctx, id, r.Series); err != nil {
			return err
		}
	}
	edition, err := checkedEdition(r, im.db.now())
	if err != nil || edition == (Edition{}) {
		return err
	}
	var had struct {
		BookID int64 `db:"book_id"`
		editionRow
	}
	if err := im.getEdition.GetContext(ctx, &had, id); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	_, err = im.putEdition.ExecContext(ctx, editionArgs(id, Edition(had.editionRow).merged(edition), im.db.now())...)
	return err
}

// rowFormat is the format of the book a row makes: a paperback unless the file says.
func rowFormat(r ImportRow) Format {
	if r.Format == "" {
		return FormatPaperback
	}
	return r.Format
}

// series puts book id in the row's series, at their positions (a book already in one moves to
// the row's position), making those the owner does not have, and keeps its series sort key.
func (im *importer) series(ctx context.Context, id int64, refs []SeriesRef) error {
	if len(refs) == 0 {
		return nil
	}
	places, err := checkRefs(refs)
	if err != nil {
		return err
	}
	for _, p := range places {
		key := SeriesKey(p.name)
		sid, ok := im.seriesIDs[key]
		if !ok {
			if err := im.putSeries.QueryRowxContext(ctx, im.owner, p.name, key, im.db.now()).Scan(&sid); err != nil {
				return err
			}
			im.seriesIDs[key] = sid
		}
		if _, err := im.putBookSeries.ExecContext(ctx, id, sid, p.pos.Text, positionSort(p.pos)); err != nil {
			return err
		}
	}
	return refreshSeriesSort(ctx, im.tx, id)
}

// checkedEdition is the row's edition facts, normalized and checked (Edition.Validate); a row
// without any costs nothing.
func checkedEdition(r ImportRow, now time.Time) (Edition, error) {
	if r.Edition == (Edition{}) {
		return Edition{}, nil
	}
	return r.Edition.Validate(now)
}

// cover stores the row's cover, if it has one, as book id's.
func (im *importer) cover(ctx context.Context, id int64, r ImportRow) error {
	if r.CoverLarge == nil {
		return nil
	}
	if err := CheckCover(r.CoverSmall, r.CoverLarge); err != nil {
		return err
	}
	_, err := putCover(ctx, im.tx, id, r.CoverSmall, r.CoverLarge, im.db.now())
	return err
}

// finish does, in the import's last transaction, what write left: the updates of live books,
// their rows read again from src, so that an import of any size keeps only their keys in memory.
func (im *importer) finish(ctx context.Context, src importSource) error {
	keys := make([]int, len(im.later))
	for i, l := range im.later {
		keys[i] = l.key
	}
	i := 0
	return src.again(ctx, im.tx, keys, func(r ImportRow) error {
		l := im.later[i]
		i++
		in := BookInput{Title: r.Title, Author: r.Author, Genre: r.Genre, Status: r.Status}.Normalize()
		if in.Status == "" {
			in.Status = StatusWant
		}
		if err := im.update(ctx, l.id, in, r); err != nil {
			return fmt.Errorf("row %d: %w", l.key, err)
		}
		return im.shelve(ctx, l.id, r.Shelves, im.db.now())
	})
}

// readThrough records the readings that a new book's status, the file's dates and its read
// count imply, and invents nothing: a date the file does not give stays unknown. The read count
// is Goodreads' (one for a book read once, or being read for the first time), so a book has:
//   - read: as many readings as the count (one at least), the latest finished on Date Read and
//     started on Date Started, the others read on dates unknown;
//   - being read or given up: that reading (started on Date Started; given up on Date Read,
//     which the file's reader sets from the abandoned date), and a finished reading for each
//     other count, the latest of them finished on Date Read for a book being read;
//   - want to read: a finished reading for each count, on dates unknown.
func (im *importer) readThrough(ctx context.Context, id int64, st Status, r ImportRow) error {
	date := func(t *time.Time) sql.NullString {
		if t == nil {
			return sql.NullString{}
		}
		return sql.NullString{String: dateOf(*t).Format(dateLayout), Valid: true}
	}
	start, finish := date(r.DateStarted), date(r.DateRead)
	earlier := max(r.ReadCount-1, 0)
	var earlierFinish sql.NullString
	switch st {
	case StatusWant:
		earlier = r.ReadCount
	case StatusReading:
		// Date Read, for a book being read again, is when the last reading before ended.
		if finish.Valid {
			earlier, earlierFinish, finish = max(earlier, 1), finish, sql.NullString{}
		}
	}
	// A start after the finish, or before the reading before ended, is not this reading's.
	// (Dates as yyyy-mm-dd compare as their text.)
	if start.Valid && (finish.Valid && start.String > finish.String || earlierFinish.Valid && start.String < earlierFinish.String) {
		start = sql.NullString{}
	}
	for i := range earlier {
		fin := sql.NullString{}
		if i == earlier-1 {
			fin = earlierFinish
		}
		if _, err := im.db.insertedID(ctx, im.insertRead, id, nil, fin, StatusRead, nil); err != nil {
			return err
		}
	}
	if st == StatusWant {
		return nil
	}
	_, err := im.db.insertedID(ctx, im.insertRead, id, start, finish, st, nil)
	return err
}

// history records a new book's readings and progress as the file has them. Each progress update
// goes to the reading it falls in: the latest one started on or before it and not finished
// before it; else the open reading; else the latest started on or before it; else the first.
func (im *importer) history(ctx context.Context, id int64, r ImportRow) error {
	ids := make([]int64, len(r.ReadThroughs))
	for i, rt := range r.ReadThroughs {
		var started, finished any
		if rt.StartedOn != nil {
			started = dateOf(*rt.StartedOn).Format(dateLayout)
		}
		if rt.FinishedOn != nil {
			finished = dateOf(*rt.FinishedOn).Format(dateLayout)
		}
		var err error
		if ids[i], err = im.db.insertedID(ctx, im.insertRead, id, started, finished, rt.Outcome, nullInt(rt.StoppedAtPage)); err != nil {
			return err
		}
	}
	for _, p := range r.Progress {
		page, percent := storedProgress(p, r.Pages)
		if _, err := im.insertProgress.ExecContext(ctx, ids[progressReading(r.ReadThroughs, p)], page, percent, p.RecordedAt.UTC()); err != nil {
			return err
		}
	}
	return nil
}

// progressReading returns the index of the reading among rts that the progress update p belongs
// to (see history); rts is not empty.
func progressReading(rts []ReadThrough, p Progress) int {
	day := dateOf(p.RecordedAt)
	startedBy := func(rt ReadThrough) bool { return rt.StartedOn != nil && !dateOf(*rt.StartedOn).After(day) }
	latest := func(ok func(ReadThrough) bool) int {
		at := -1
		for i, rt := range rts {
			if ok(rt) && (at < 0 || !rt.StartedOn.Before(*rts[at].StartedOn)) {
				at = i
			}
		}
		return at
	}
	if at := latest(func(rt ReadThrough) bool {
		return startedBy(rt) && (rt.FinishedOn == nil || !dateOf(*rt.FinishedOn).Before(day))
	}); at >= 0 {
		return at
	}
	for i, rt := range rts {
		if rt.Outcome == StatusReading {
			return i
		}
	}
	return max(latest(startedBy), 0)
}

// storedProgress is how a progress update is stored so that it reads back (progressRow.progress)
// as it was exported: as a page when its percentage is that page's share of the book, else as
// the percentage, and, in a book of unknown length, as whichever it has.
func storedProgress(p Progress, pages int) (page sql.NullInt64, percent sql.NullFloat64) {
	if pages > 0 {
		if math.Abs(float64(p.Page)*100/float64(pages)-p.Percent) < 1e-9 {
			return sql.NullInt64{Int64: int64(p.Page), Valid: true}, sql.NullFloat64{}
		}
		return sql.NullInt64{}, sql.NullFloat64{Float64: p.Percent, Valid: true}
	}
	page = sql.NullInt64{Int64: int64(p.Page), Valid: p.Page > 0 || p.Percent == 0}
	percent = sql.NullFloat64{Float64: p.Percent, Valid: p.Percent > 0}
	return page, percent
}

// shelf returns the id of the owner's shelf with the name, creating it at the end if need be.
func (im *importer) shelf(ctx context.Context, raw string, now time.Time) (int64, error) {
	name, err := validateShelfName(raw)
	if err != nil {
		return 0, err
	}
	key := ShelfKey(name)
	if id, ok := im.shelves[key]; ok {
		return id, nil
	}
	var id int64
	if err := im.insertShelf.QueryRowxContext(ctx, im.owner, name, key, im.owner, now, im.marker).Scan(&id); err != nil {
		return 0, err
	}
	im.shelves[key] = id
	return id, nil
}

// shelve puts the book on the named shelves, creating those the owner does not have yet.
func (im *importer) shelve(ctx context.Context, bookID int64, names []string, now time.Time) error {
	for _, raw := range names {
		shelfID, err := im.shelf(ctx, raw, now)
		if err != nil {
			return err
		}
		if _, err := im.shelveBook.ExecContext(ctx, bookID, shelfID, now); err != nil {
			return err
		}
		if im.created[bookID] {
			im.tally.shelves[shelfID]++
		}
	}
	return nil
}

func nullInt(n int) sql.NullInt64 { return sql.NullInt64{Int64: int64(n), Valid: n > 0} }

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }
