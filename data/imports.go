package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// ImportState is where an uploaded file is on its way into the library.
type ImportState string

// The states of an import.
const (
	// ImportPending is an import in review: nothing has been written yet.
	ImportPending ImportState = "pending"
	// ImportRunning is an import being written.
	ImportRunning ImportState = "running"
	// ImportDone is an import written; its rows are gone, its counts kept.
	ImportDone ImportState = "done"
	// ImportFailed is an import that stopped before it was written; nothing was, and it can be
	// confirmed again.
	ImportFailed ImportState = "failed"
)

// Import is one uploaded file of the reader's and what became of it.
type Import struct {
	ID          int64       `db:"id"`
	Filename    string      `db:"filename"`
	Format      string      `db:"format"`
	State       ImportState `db:"state"`
	OnDuplicate string      `db:"on_duplicate"`
	// Total is how many rows the file had.
	Total int `db:"total"`
	// Kinds counts the rows still held by kind; empty once the import is done.
	Kinds map[RowKind]int `db:"-"`
	// Created, Updated and Skipped are what a done import did.
	Created int `db:"created"`
	Updated int `db:"updated"`
	Skipped int `db:"skipped"`
	// Error says, for a failed import, why, in words for the reader.
	Error      string     `db:"error"`
	CreatedAt  time.Time  `db:"created_at"`
	FinishedAt *time.Time `db:"finished_at"`
	shelves    string
}

// Open reports whether the import can still be reviewed and confirmed.
func (im Import) Open() bool { return im.State == ImportPending || im.State == ImportFailed }

// ToImport counts the rows that a confirmation would write (new books and matches).
func (im Import) ToImport() int { return im.Kinds[RowNew] + im.Kinds[RowMatch] }

// NewImport is a file to hold for review, read as it is stored.
type NewImport struct {
	Filename string
	// Rows yields the file's rows in order (those with Problems stay problems until fixed), or an
	// error, which abandons the import. Create stores each row as it comes, so a file of any size
	// is never held whole in memory.
	Rows iter.Seq2[ImportRow, error]
	// File, called once Rows has yielded every row, says what the file was: its format, and its
	// own shelves in their order (nil when it does not list them).
	File func() (format string, shelves []string)
}

// ImportStore holds imports under review and writes them into the library. Every method takes
// the owner's id; another reader's import is ErrNotFound.
type ImportStore struct {
	db *DB
	// maxOpen and maxBytes are MaxOpenImports and MaxOpenImportBytes, but in tests.
	maxOpen  int
	maxBytes int64
}

// Imports returns the store for imports.
func (db *DB) Imports() *ImportStore {
	return &ImportStore{db: db, maxOpen: MaxOpenImports, maxBytes: MaxOpenImportBytes}
}

// Limits on the imports a reader may hold for review (pending, or failed and to be confirmed
// again). Each holds its rows until it is confirmed, deleted or expired, so without them one
// account re-uploading a 10 MB file added 1.1 GB in 30 s. A reader reviews one file at a time;
// three leave room for a second try and a second file. 64 MB of stored rows (compressed, about a
// third of the file: see TestImportStoreSize) holds the largest file Bookcase reads (50 MB) with
// room to spare.
const (
	MaxOpenImports     = 3
	MaxOpenImportBytes = 64 << 20
)

// errImportClosed is the validation error for changing an import that has started.
func errImportClosed() error {
	return fieldError("import", "This import has already been confirmed, so its rows can no longer be changed.")
}

// Create classifies the rows against the owner's library (as Classify does) and holds them,
// unwritten, as a pending import, in one transaction. An owner with MaxOpenImports open imports,
// or whose open imports would take more than MaxOpenImportBytes with this one, gets a validation
// error (field "file"), and nothing is kept.
func (s *ImportStore) Create(ctx context.Context, owner int64, in NewImport) (Import, error) {
	lib, err := loadLibrary(ctx, s.db.read, owner)
	if err != nil {
		return Import{}, fmt.Errorf("create import: %w", err)
	}
	now := s.db.now()
	var id int64
	err = s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		var held struct {
			Count int   `db:"n"`
			Size  int64 `db:"size"`
		}
		if err := tx.GetContext(ctx, &held, `
			SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS size FROM imports
			WHERE owner_id = ? AND state IN (?, ?)`, owner, ImportPending, ImportFailed); err != nil {
			return err
		}
		if held.Count >= s.maxOpen {
			return fieldError("file", "You have "+strconv.Itoa(held.Count)+" imports waiting for review, the most Bookcase keeps: import or delete one of them before uploading another file.")
		}
		if err := tx.GetContext(ctx, &id, `
			INSERT INTO imports (owner_id, filename, format, total, created_at)
			VALUES (?, ?, '', 0, ?) RETURNING id`, owner, short(in.Filename), now); err != nil {
			return err
		}
		size := held.Size
		w := newChunkWriter()
		flush := func() error {
			rec, err := w.encode()
			if err != nil {
				return err
			}
			if size += int64(len(rec.Packed)); size > s.maxBytes {
				return fieldError("file", "This file's review would take more space than Bookcase keeps for one reader's imports waiting for review ("+
					strconv.FormatInt(s.maxBytes>>20, 10)+" MB): import or delete the ones waiting, or split the file.")
			}
			return insertChunk(ctx, tx, id, rec)
		}
		n := 0
		for r, err := range in.Rows {
			if err != nil {
				return err
			}
			n++
			r.N = n
			if len(r.Problems) == 0 {
				c := lib.classify(r)
				r.Kind, r.BookID, r.Problems = c.Kind, c.BookID, c.Problems
			} else {
				r.Kind = RowProblem
			}
			full, err := w.add(r)
			if err != nil {
				return err
			}
			if full {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if w.rows > 0 {
			if err := flush(); err != nil {
				return err
			}
		}
		format, fileShelves := in.File()
		shelves, err := json.Marshal(nonNil(fileShelves))
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE imports SET format = ?, shelves = ?, total = ?, size = ? WHERE id = ?`,
			format, string(shelves), n, size-held.Size, id)
		return err
	})
	if errors.Is(err, ErrInvalid) {
		return Import{}, err
	}
	if err != nil {
		return Import{}, fmt.Errorf("create import: %w", err)
	}
	return s.Get(ctx, owner, id)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nullInt64(n int64) sql.NullInt64 { return sql.NullInt64{Int64: n, Valid: n != 0} }

const importColumnsSQL = `id, filename, format, state, on_duplicate, total, created, updated, skipped, error, created_at, finished_at, shelves`

// importRecord is an imports row.
type importRecord struct {
	Import
	Shelves string `db:"shelves"`
}

// Get returns the owner's import id with its rows counted by kind.
func (s *ImportStore) Get(ctx context.Context, owner, id int64) (Import, error) {
	var rec importRecord
	err := s.db.get(ctx, &rec, `SELECT `+importColumnsSQL+` FROM imports WHERE id = ? AND owner_id = ?`, id, owner)
	if errors.Is(err, sql.ErrNoRows) {
		return Import{}, ErrNotFound
	}
	if err != nil {
		return Import{}, fmt.Errorf("get import %d: %w", id, err)
	}
	im := rec.Import
	im.shelves = rec.Shelves
	// Summed from the chunks' counts, beside their compressed rows: one small row per 256 rows
	// of the file, so polling stays cheap.
	var counts struct {
		Problems int `db:"problems"`
		Matches  int `db:"matches"`
		News     int `db:"news"`
		Dropped  int `db:"dropped"`
	}
	if err := s.db.get(ctx, &counts, `
		SELECT COALESCE(SUM(problems), 0) AS problems, COALESCE(SUM(matches), 0) AS matches,
			COALESCE(SUM(news), 0) AS news, COALESCE(SUM(dropped), 0) AS dropped
		FROM import_chunks WHERE import_id = ?`, id); err != nil {
		return Import{}, fmt.Errorf("count import %d: %w", id, err)
	}
	im.Kinds = make(map[RowKind]int, 4)
	for k, n := range map[RowKind]int{RowProblem: counts.Problems, RowMatch: counts.Matches, RowNew: counts.News, RowDropped: counts.Dropped} {
		if n > 0 {
			im.Kinds[k] = n
		}
	}
	return im, nil
}

// List returns the owner's imports, newest first (without counts by kind).
func (s *ImportStore) List(ctx context.Context, owner int64) ([]Import, error) {
	var recs []importRecord
	if err := s.db.selectAll(ctx, &recs, `SELECT `+importColumnsSQL+` FROM imports WHERE owner_id = ? ORDER BY id DESC LIMIT 50`, owner); err != nil {
		return nil, fmt.Errorf("list imports: %w", err)
	}
	out := make([]Import, len(recs))
	for i, r := range recs {
		out[i] = r.Import
	}
	return out, nil
}

// Rows returns up to limit of the owner's import's rows from offset, problems first, then
// matches, new books and dropped rows, each in file order.
func (s *ImportStore) Rows(ctx context.Context, owner, id int64, offset, limit int) ([]ImportRow, error) {
	if _, err := s.Get(ctx, owner, id); err != nil {
		return nil, err
	}
	rows, err := pageByKind(ctx, s.db, id, offset, limit)
	if err != nil {
		return nil, fmt.Errorf("import %d rows: %w", id, err)
	}
	return rows, nil
}

// Row returns row n of the owner's import id.
func (s *ImportStore) Row(ctx context.Context, owner, id int64, n int) (ImportRow, error) {
	if _, err := s.Get(ctx, owner, id); err != nil {
		return ImportRow{}, err
	}
	ctx, err := readContext(ctx)
	if err != nil {
		return ImportRow{}, err
	}
	c, _, err := chunkOf(ctx, s.db.read, id, n)
	if err != nil {
		return ImportRow{}, wrap(err, "import row of import", id)
	}
	for _, r := range c.Rows {
		if r.N == n {
			return r, nil
		}
	}
	return ImportRow{}, ErrNotFound
}

// RowFix is what a reader types to fix a row, as typed.
type RowFix struct {
	Title, Author, Genre, Status, ISBN, Pages, Rating string
	// The dates are year/month/day (or year-month-day), empty for unknown; Shelves is a
	// comma-separated list; ReadCount a whole number, empty for 0.
	DateAdded, DateStarted, DateRead, Shelves, Notes, ReadCount string
	// Review is the review; its spoiler flag stays the row's.
	Review string
	// Series are the book's series as one line (FormatSeriesList): "The Expanse, #1; Other".
	Series string
	// KeepTitle puts the series back at the end of the title, as the file had them, instead of
	// keeping them as the book's series: for a title that only looks like it ends in a series.
	KeepTitle bool
}

// fixDateLayout is how a RowFix writes a date (year/month/day, as Goodreads does); fixDate
// reads it, and a few others.
const fixDateLayout = "2006/01/02"

// AsFix is the row's book as the fix form shows it, in the form's own words: Fix, given it
// back unchanged, keeps the book as it is.
func (r ImportRow) AsFix() RowFix {
	date := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format(fixDateLayout)
	}
	whole := func(n int) string {
		if n <= 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	fix := RowFix{
		Title: r.Title, Author: r.Author, Genre: r.Genre, Status: string(r.Status), ISBN: string(r.ISBN), Pages: whole(r.Pages),
		DateAdded: date(r.DateAdded), DateStarted: date(r.DateStarted), DateRead: date(r.DateRead),
		Shelves: strings.Join(r.Shelves, ", "), Notes: r.Notes, ReadCount: whole(r.ReadCount), Review: r.Review,
		Series: FormatSeriesList(r.Series),
	}
	if r.Rating > 0 {
		fix.Rating = r.Rating.String()
	}
	return fix
}

// fixDate reads a date of a RowFix: empty for unknown.
func fixDate(v *ValidationError, field, s string) *time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	for _, layout := range []string{fixDateLayout, "2006-01-02", "2006/1/2"} {
		if t, err := time.Parse(layout, s); err == nil {
			if !dateInRange(t) {
				v.add(field, msgDateRange)
				return nil
			}
			return &t
		}
	}
	v.add(field, "Write the date year/month/day, like 2023/01/15, or leave it empty.")
	return nil
}

// Fix replaces the book of row n with fix, checked by the rules every book keeps (a
// *ValidationError keyed by the form's fields otherwise), clears the row's problems and
// classifies it again. Only an open import's rows can be fixed.
func (s *ImportStore) Fix(ctx context.Context, owner, id int64, n int, fix RowFix) (ImportRow, error) {
	row, err := s.Row(ctx, owner, id, n)
	if err != nil {
		return ImportRow{}, err
	}
	in := BookInput{Title: fix.Title, Author: fix.Author, Genre: fix.Genre, Status: Status(fix.Status)}.Normalize()
	var v ValidationError
	if err := in.Validate(); err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			for f, msg := range ve.Fields {
				v.add(f, msg)
			}
		}
	}
	isbn, err := ParseISBN(fix.ISBN)
	if err != nil {
		v.add("isbn", fieldMessage(err, "isbn", "This is not an ISBN."))
	}
	pages, ok := parsePages(fix.Pages)
	if !ok {
		v.add("pages", "The number of pages is a whole number from 1 to 100000, or empty.")
	}
	rating, err := ParseRating(fix.Rating)
	if err != nil {
		v.add("rating", msgRating)
	}
	added := fixDate(&v, "dateAdded", fix.DateAdded)
	started := fixDate(&v, "dateStarted", fix.DateStarted)
	read := fixDate(&v, "dateRead", fix.DateRead)
	if started != nil && read != nil && read.Before(*started) {
		v.add("dateRead", msgFinishBefore)
	}
	var shelves []string
	for name := range strings.SplitSeq(fix.Shelves, ",") {
		if name = NormalizeShelfName(name); name == "" {
			continue
		}
		if msg := checkShelfName(name); msg != "" {
			v.add("shelves", msg)
			continue
		}
		shelves = append(shelves, name)
	}
	notes := normalizeNotes(fix.Notes)
	if msg := checkNotes(notes); msg != "" {
		v.add("notes", msg)
	}
	review := normalizeNotes(fix.Review)
	if msg := checkLongText(review, "Review", false); msg != "" {
		v.add("review", msg)
	}
	readCount := 0
	if s := strings.TrimSpace(fix.ReadCount); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > MaxReadCount {
			v.add("readCount", msgReadCount+" Leave it empty for 0.")
		}
		readCount = n
	}
	series, err := ParseSeriesList(fix.Series)
	if err != nil {
		v.add(FieldSeriesList, fieldMessage(err, FieldSeriesList, msgPosition))
	}
	if fix.KeepTitle && len(series) > 0 {
		// The title as Goodreads would write it with these series (SplitSeries reads it back).
		in.Title += " (" + FormatSeriesList(series) + ")"
		series = nil
		var tv ValidationError
		checkText(&tv, "title", "Title", in.Title, true)
		if msg, bad := tv.Fields["title"]; bad {
			v.add("title", "With its series: "+msg)
		}
	}
	if err := v.errOrNil(); err != nil {
		return ImportRow{}, err
	}
	if in.Status == "" {
		in.Status = StatusWant
	}
	row.Series = series
	row.Title, row.Author, row.Genre, row.Status, row.ISBN, row.Pages, row.Rating = in.Title, in.Author, in.Genre, in.Status, isbn, pages, rating
	row.DateAdded, row.DateStarted, row.DateRead, row.Shelves, row.Notes, row.ReadCount = added, started, read, shelves, notes, readCount
	row.Review = review
	classes, err := s.db.Classify(ctx, owner, []ImportRow{row})
	if err != nil {
		return ImportRow{}, err
	}
	row.Kind, row.BookID, row.Problems = classes[0].Kind, classes[0].BookID, classes[0].Problems
	if err := s.save(ctx, owner, id, row); err != nil {
		return ImportRow{}, err
	}
	return row, nil
}

// fieldMessage is the message a *ValidationError has for field, or fallback.
func fieldMessage(err error, field, fallback string) string {
	var v *ValidationError
	if errors.As(err, &v) {
		if msg, ok := v.Fields[field]; ok {
			return msg
		}
	}
	return fallback
}

// Restore takes a dropped row n back into the owner's open import id, classified again.
func (s *ImportStore) Restore(ctx context.Context, owner, id int64, n int) (ImportRow, error) {
	row, err := s.Row(ctx, owner, id, n)
	if err != nil {
		return ImportRow{}, err
	}
	if row.Kind != RowDropped {
		return row, nil
	}
	if len(row.Problems) > 0 {
		row.Kind = RowProblem
	} else {
		classes, err := s.db.Classify(ctx, owner, []ImportRow{row})
		if err != nil {
			return ImportRow{}, err
		}
		row.Kind, row.BookID, row.Problems = classes[0].Kind, classes[0].BookID, classes[0].Problems
	}
	if err := s.save(ctx, owner, id, row); err != nil {
		return ImportRow{}, err
	}
	return row, nil
}

// Drop leaves row n out of the owner's open import id.
func (s *ImportStore) Drop(ctx context.Context, owner, id int64, n int) (ImportRow, error) {
	row, err := s.Row(ctx, owner, id, n)
	if err != nil {
		return ImportRow{}, err
	}
	row.Kind, row.BookID = RowDropped, 0
	if err := s.save(ctx, owner, id, row); err != nil {
		return ImportRow{}, err
	}
	return row, nil
}

// save writes row back into its chunk, if the import is still open.
func (s *ImportStore) save(ctx context.Context, owner, id int64, row ImportRow) error {
	return s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		var state ImportState
		err := tx.GetContext(ctx, &state, `SELECT state FROM imports WHERE id = ? AND owner_id = ?`, id, owner)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if state != ImportPending && state != ImportFailed {
			return errImportClosed()
		}
		c, size, err := chunkOf(ctx, tx, id, row.N)
		if err != nil {
			return err
		}
		for i := range c.Rows {
			if c.Rows[i].N == row.N {
				c.Rows[i] = row
			}
		}
		rec, err := encodeChunk(c)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE import_chunks SET problems = ?, matches = ?, news = ?, dropped = ?, packed = ?
			WHERE import_id = ? AND first_n = ?`,
			rec.Problems, rec.Matches, rec.News, rec.Dropped, rec.Packed, id, c.First); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE imports SET size = size + ? WHERE id = ?`, len(rec.Packed)-size, id)
		return err
	})
}

// Start marks the owner's open import id as running with onDuplicate, and reports whether it did:
// an import already running or done is left as it is (a second click of Confirm starts nothing).
func (s *ImportStore) Start(ctx context.Context, owner, id int64, onDuplicate string) (bool, error) {
	if onDuplicate != OnDuplicateSkip && onDuplicate != OnDuplicateUpdate {
		return false, fieldError("onDuplicate", "Choose to skip or update books you already have.")
	}
	// The import is claimed before it shows as running, and the claim kept for Run: another
	// instance never takes it for one whose instance died (FailInterrupted).
	cl, err := s.db.claim(ctx, importClaim(id))
	if errors.Is(err, errClaimed) {
		return false, nil // running here or elsewhere
	}
	if err != nil {
		return false, fmt.Errorf("start import %d: %w", id, err)
	}
	// On PostgreSQL, an import marked running that nobody claimed was left so by an instance that
	// died: it is rolled back here, as RollBackOrphans would within a minute, so that its reader's
	// confirming it again (its page asks them to) starts it now rather than do nothing.
	if s.db.postgres() {
		if err := s.rollBackUnclaimed(ctx, owner, id); err != nil {
			cl.release()
			return false, fmt.Errorf("start import %d: %w", id, err)
		}
	}
	var started bool
	err = s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		var state ImportState
		err := tx.GetContext(ctx, &state, `SELECT state FROM imports WHERE id = ? AND owner_id = ?`, id, owner)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil || (state != ImportPending && state != ImportFailed) {
			return err
		}
		var problems int
		if err := tx.GetContext(ctx, &problems, `SELECT COALESCE(SUM(problems), 0) FROM import_chunks WHERE import_id = ?`, id); err != nil {
			return err
		}
		if problems > 0 {
			return fieldError("import", "Fix or drop the rows with problems first.")
		}
		_, err = tx.ExecContext(ctx, `UPDATE imports SET state = ?, on_duplicate = ?, error = '' WHERE id = ?`, ImportRunning, onDuplicate, id)
		started = err == nil
		return err
	})
	if started {
		s.db.handOver(importClaim(id), cl)
	} else {
		cl.release()
	}
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrInvalid) {
		return false, err
	}
	if err != nil {
		return false, fmt.Errorf("start import %d: %w", id, err)
	}
	return started, nil
}

// rollBackUnclaimed fails the owner's import id if it is marked running, and deletes the books it
// wrote: the caller holds its claim, so no instance is writing it.
func (s *ImportStore) rollBackUnclaimed(ctx context.Context, owner, id int64) error {
	var failed int64
	if err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE imports SET state = ?, error = ? WHERE id = ? AND owner_id = ? AND state = ?`,
			ImportFailed, msgImportFailed, id, owner, ImportRunning)
		if err != nil {
			return err
		}
		failed, err = res.RowsAffected()
		return err
	}); err != nil || failed == 0 {
		return err
	}
	_, err := s.db.dropPending(ctx, &id)
	return err
}

// msgImportFailed is what a failed import says when it failed for a reason of the server's.
const msgImportFailed = "The import stopped before it finished, so nothing was saved. Confirm it again to retry."

// Run writes the owner's running import id into the library, all or nothing (ImportWith),
// calling progress with how many of total rows are written. On success the import is done, with
// its counts, and its rows are deleted in the same transaction; on failure nothing is written and
// the import is failed, to be confirmed again.
func (s *ImportStore) Run(ctx context.Context, owner, id int64, progress func(done, total int)) (ImportSummary, error) {
	cl, err := s.db.takeOver(ctx, importClaim(id))
	if err != nil {
		return ImportSummary{}, fmt.Errorf("run import %d: %w", id, err)
	}
	defer cl.release()
	im, err := s.Get(ctx, owner, id)
	if errors.Is(err, ErrNotFound) {
		return ImportSummary{}, err
	}
	if err == nil && im.State != ImportRunning {
		return ImportSummary{}, fmt.Errorf("run import %d: it is %s, not running", id, im.State)
	}
	var sum ImportSummary
	if err == nil {
		sum, err = s.run(ctx, owner, im, progress)
	}
	if err != nil {
		// The run's context may be what failed: record the failure on one of its own.
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if ferr := s.db.inTx(fctx, func(tx *sqlx.Tx) error {
			_, err := tx.ExecContext(fctx, `UPDATE imports SET state = ?, error = ? WHERE id = ? AND owner_id = ? AND state = ?`,
				ImportFailed, msgImportFailed, id, owner, ImportRunning)
			return err
		}); ferr != nil {
			err = errors.Join(err, ferr)
		}
		return ImportSummary{}, err
	}
	// The books are in and the import is done whatever happens here: its rows are deleted, the
	// segments it added to the search index merged, and the space given back to the file
	// system, each a little at a time, so that other readers' saves are not held behind it (a
	// 100,000-row import's rows are tens of megabytes). What is left undone, the hourly
	// housekeeping and the import's own deletion do.
	if err := s.dropChunks(ctx, id); err == nil {
		_ = s.db.mergeSearch(ctx)
		_ = s.db.reclaimGently(ctx)
	}
	return sum, nil
}

// dropChunks deletes the rows of import id, a few chunks a transaction.
func (s *ImportStore) dropChunks(ctx context.Context, id int64) error {
	for {
		var n int64
		err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
			res, err := tx.ExecContext(ctx, `
				DELETE FROM import_chunks WHERE import_id = ? AND first_n IN (
					SELECT first_n FROM import_chunks WHERE import_id = ? ORDER BY first_n LIMIT 8)`, id, id)
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		})
		if err != nil || n == 0 {
			return err
		}
	}
}

func (s *ImportStore) run(ctx context.Context, owner int64, im Import, progress func(done, total int)) (ImportSummary, error) {
	var shelves []string
	if err := json.Unmarshal([]byte(im.shelves), &shelves); err != nil {
		return ImportSummary{}, fmt.Errorf("import %d shelves: %w", im.ID, err)
	}
	total := im.ToImport()
	opts := ImportOptions{OnDuplicate: im.OnDuplicate, Shelves: shelves}
	if progress != nil {
		opts.Progress = func(done int) { progress(done, total) }
		progress(0, total)
	}
	opts.finish = func(ctx context.Context, tx *sqlx.Tx, sum ImportSummary) error {
		_, err := tx.ExecContext(ctx, `
			UPDATE imports SET state = ?, created = ?, updated = ?, skipped = ?, finished_at = ? WHERE id = ?`,
			ImportDone, sum.Created, sum.Updated, sum.Skipped, s.db.now(), im.ID)
		return err
	}
	// The rows are read a chunk at a time, so memory stays bounded whatever the size of the file.
	return s.db.importWith(ctx, owner, im.ID, opts, &chunkSource{db: s.db, id: im.ID})
}

// chunkSource is the rows of import id that it writes (new and matching ones), keyed by their
// number, read a chunk at a time through the read pool.
type chunkSource struct {
	db    *DB
	id    int64
	after int // the first row of the last chunk read
	rows  []ImportRow
}

func (s *chunkSource) next(ctx context.Context) (ImportRow, int, bool, error) {
	for {
		for len(s.rows) > 0 {
			r := s.rows[0]
			s.rows = s.rows[1:]
			if r.Kind == RowNew || r.Kind == RowMatch {
				return r, r.N, true, nil
			}
		}
		var rec chunkRecord
		err := s.db.get(ctx, &rec, `
			SELECT first_n, last_n, problems, matches, news, dropped, packed FROM import_chunks
			WHERE import_id = ? AND first_n > ? AND (matches > 0 OR news > 0) ORDER BY first_n LIMIT 1`, s.id, s.after)
		if errors.Is(err, sql.ErrNoRows) {
			return ImportRow{}, 0, false, nil
		}
		if err != nil {
			return ImportRow{}, 0, false, err
		}
		c, err := rec.decode()
		if err != nil {
			return ImportRow{}, 0, false, err
		}
		s.after, s.rows = c.First, c.Rows
	}
}

func (s *chunkSource) again(ctx context.Context, q sqlx.QueryerContext, keys []int, fn func(ImportRow) error) error {
	var c chunk
	for _, n := range keys {
		if len(c.Rows) == 0 || n > c.Last {
			var err error
			if c, _, err = chunkOf(ctx, q, s.id, n); err != nil {
				return err
			}
		}
		i := slices.IndexFunc(c.Rows, func(r ImportRow) bool { return r.N == n })
		if i < 0 {
			return fmt.Errorf("import %d has no row %d", s.id, n)
		}
		if err := fn(c.Rows[i]); err != nil {
			return err
		}
	}
	return nil
}

// Delete removes the owner's import id and its rows (not the books it wrote), and gives their
// space back to the file system. A running import cannot be removed: that is a validation error.
func (s *ImportStore) Delete(ctx context.Context, owner, id int64) error {
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		var state ImportState
		err := tx.GetContext(ctx, &state, `SELECT state FROM imports WHERE id = ? AND owner_id = ?`, id, owner)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if state == ImportRunning {
			return fieldError("import", "This import is being written: wait until it has finished.")
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM imports WHERE id = ? AND owner_id = ?`, id, owner)
		return err
	})
	if err != nil {
		return err
	}
	return s.db.reclaim(ctx)
}

// RunningElsewhere reports whether the owner's running import id is being written by another
// instance sharing the database (it holds the import's claim), and how many of its new books are
// written so far (updated books are not counted). A running import that no instance writes died
// with its instance: RollBackOrphans fails it. On SQLite, which one process serves, no import
// runs elsewhere.
func (s *ImportStore) RunningElsewhere(ctx context.Context, owner, id int64) (bool, int, error) {
	held, err := s.db.claimed(ctx, importClaim(id))
	if err != nil || !held {
		return false, 0, err
	}
	var written int
	err = s.db.get(ctx, &written, `SELECT COUNT(*) FROM books WHERE owner_id = ? AND pending_import = ?`, owner, id)
	return true, written, err
}

// FailInterrupted marks every running import failed, for a server starting after one stopped in
// the middle of an import (DropPendingBooks deletes what it wrote). It returns how many there were.
// On PostgreSQL, which other instances may share, it fails only the imports no instance claims
// (their instance died), and deletes the books they wrote; the reader confirms them again.
func (s *ImportStore) FailInterrupted(ctx context.Context) (int64, error) {
	if s.db.postgres() {
		return s.failOrphans(ctx)
	}
	var n int64
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE imports SET state = ?, error = ? WHERE state = ?`, ImportFailed, msgImportFailed, ImportRunning)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// failOrphans marks failed the running imports whose instance died (nobody claims them), and
// deletes the books they wrote.
func (s *ImportStore) failOrphans(ctx context.Context) (int64, error) {
	var ids []int64
	if err := s.db.selectAll(ctx, &ids, `SELECT id FROM imports WHERE state = ?`, ImportRunning); err != nil {
		return 0, fmt.Errorf("running imports: %w", err)
	}
	var failed int64
	for _, id := range ids {
		if _, err := s.db.dropOrphan(ctx, id, func() error {
			return s.db.inTx(ctx, func(tx *sqlx.Tx) error {
				res, err := tx.ExecContext(ctx, `UPDATE imports SET state = ?, error = ? WHERE id = ? AND state = ?`,
					ImportFailed, msgImportFailed, id, ImportRunning)
				if err != nil {
					return err
				}
				n, err := res.RowsAffected()
				failed += n
				return err
			})
		}); err != nil {
			return failed, fmt.Errorf("fail interrupted import %d: %w", id, err)
		}
	}
	return failed, nil
}

// RollBackOrphans fails the imports whose instance died while writing them and deletes what
// they wrote (FailInterrupted, DropPendingBooks), and returns how many imports it failed. On
// SQLite, which one process serves, an import runs only in this process: nothing is orphaned.
func (s *ImportStore) RollBackOrphans(ctx context.Context) (int64, error) {
	if !s.db.postgres() {
		return 0, nil
	}
	n, err := s.failOrphans(ctx)
	if err != nil {
		return n, err
	}
	_, err = s.db.DropPendingBooks(ctx)
	return n, err
}

// PurgeStale deletes the imports (and their rows) left open, in review or failed, for longer than
// open since they were uploaded, and the finished ones (only their counts) older than done; it
// returns how many it deleted, and gives their space back to the file system.
func (s *ImportStore) PurgeStale(ctx context.Context, open, done time.Duration) (int64, error) {
	var n int64
	now := s.db.now()
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `
			DELETE FROM imports WHERE (state IN (?, ?) AND created_at < ?) OR (state = ? AND created_at < ?)`,
			ImportPending, ImportFailed, now.Add(-open), ImportDone, now.Add(-done))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil || n == 0 {
		return n, err
	}
	return n, s.db.reclaim(ctx)
}
