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
	"unicode"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
)

// MaxPages is the most pages a book can have, and the highest page a reader can be on.
const MaxPages = 100000

// MaxNotesLen is the longest notes accepted, in characters.
const MaxNotesLen = 10000

// dateLayout is how read-through dates are stored: calendar dates, without a time or zone.
const dateLayout = "2006-01-02"

// Messages for rejected reading input, keyed by form field. They never echo free text back.
const (
	msgStartReading   = "Start reading this book first."
	msgProgressFormat = "Enter a page number, such as 123, or a percentage, such as 45%."
	msgPageNegative   = "A page number cannot be negative."
	msgPageTooLarge   = "Page numbers go up to 100000."
	msgPercentRange   = "A percentage is from 0 to 100."
	msgPages          = "Pages must be a whole number from 1 to 100000."
	msgDateRange      = "Enter a date between the years 1 and 9999."
	msgStartFuture    = "The start date cannot be in the future."
	msgFinishFuture   = "The finish date cannot be in the future."
	msgFinishBefore   = "The finish date is before the start date."
	msgFinishOpen     = "Mark the book as read or not finished to give this reading a finish date."
	msgOutcome        = "Choose whether you read the book or did not finish it."
	msgProgressFuture = "The date cannot be in the future."
	// msgProgressBeforeStart and msgProgressAfterFinish take the reading's start or finish.
	msgProgressBeforeStart = "The date is before this reading started (%s)."
	msgProgressAfterFinish = "The date is after this reading finished (%s)."
)

// dayWritten is how a message writes a date: "3 May 2024".
const dayWritten = "2 January 2006"

// ReadingStore holds the readers' readings of their books: each book's status, its
// read-throughs and progress, and the details a reader keeps about it (pages, rating, notes,
// ISBN). Every method takes the owner's id; another reader's book is ErrNotFound. It shares
// its database, and the books' counts by status, with the BookStore.
type ReadingStore struct {
	db *DB
}

// Reading returns the store for readings.
func (db *DB) Reading() *ReadingStore { return &ReadingStore{db: db} }

// ReadThrough is one reading of a book, from its start to its finish or to where the reader stopped.
type ReadThrough struct {
	ID     int64 `db:"id"`
	BookID int64 `db:"book_id"`
	// StartedOn is nil when the reader does not know when the reading began.
	StartedOn *time.Time `db:"started_on"`
	// FinishedOn is nil while the reading is open (Outcome is StatusReading), and when the
	// reader does not know when it ended.
	FinishedOn *time.Time `db:"finished_on"`
	// Outcome is StatusReading while open, then StatusRead or StatusDNF.
	Outcome Status `db:"outcome"`
	// StoppedAtPage is where a reader who did not finish stopped, or 0 when not known.
	StoppedAtPage int `db:"stopped_at_page"`
}

// Progress is how far a reader is into a book. Page is 0 and Percent alone is set when the progress
// was given as a percentage of a book of unknown length; Percent is 0 when the progress is a page
// of a book of unknown length. The zero Progress (RecordedAt zero) means no progress yet.
type Progress struct {
	Page       int
	Percent    float64
	RecordedAt time.Time
}

// ProgressUpdate is one recorded Progress, of one read-through.
type ProgressUpdate struct {
	ID            int64
	ReadThroughID int64
	Progress
}

// ReadingNow is a book being read, as the "Currently reading" strip shows it: its title, its
// length (0 when the reader has not said) and where the reader is in it.
type ReadingNow struct {
	ID     int64
	Title  string
	Format Format
	// Pages is the length in the format's unit: minutes for an audiobook.
	Pages    int
	Progress Progress
	Cover    string // its hash, "" when it has none
}

// ReadingInput is a past reading as a reader adds it: its outcome (StatusRead or StatusDNF) and
// its dates, each nil when not known.
type ReadingInput struct {
	StartedOn, FinishedOn *time.Time
	Outcome               Status
}

// ParseOutcome reads the outcome of a past reading as a form sends it: "read" or "dnf". Errors
// are a *ValidationError for the field "outcome".
func ParseOutcome(s string) (Status, error) {
	st, err := ParseStatus(s)
	if err != nil || (st != StatusRead && st != StatusDNF) {
		return "", fieldError("outcome", msgOutcome)
	}
	return st, nil
}

// ProgressInput is a progress update as the reader gave it: a page, or a percentage (ByPercent).
type ProgressInput struct {
	Page      int
	Percent   float64
	ByPercent bool
}

// DetailsInput is what a reader types into a book's details form, as typed.
type DetailsInput struct {
	// Format is the book's format; "" keeps the one it has.
	Format string
	// Pages is the book's length as typed: pages, or a time for an audiobook (ParseLength).
	Pages  string
	Rating string
	Notes  string
	// Review is the review as typed, and Spoiler whether it gives the story away; nil Review
	// keeps the review and its spoiler flag as they are (a form without them).
	Review  *string
	Spoiler bool
	ISBN    string
	// Keep names the fields ("pages", "rating", "notes", "isbn") that keep their values whatever
	// the input says: a form that edits one detail in place leaves the others alone.
	Keep []string
}

// keeps reports whether the field name keeps its value.
func (in DetailsInput) keeps(name string) bool { return slices.Contains(in.Keep, name) }

// ParseProgress reads a progress update as the reader types it: a page ("123") or a percentage
// ("45%", "45 %", "12.5%", "12,5%"), surrounding whitespace ignored. pages is the book's length,
// or 0 when unknown, and bounds the page. A percentage is kept as such: RecordProgress turns it into
// a page of the book's length when it is known. Errors are a *ValidationError for the field "page".
func ParseProgress(s string, pages int) (ProgressInput, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return ProgressInput{}, fieldError("page", msgProgressFormat)
	}
	num, isPercent := strings.CutSuffix(s, "%")
	num = strings.TrimSpace(num)
	negative := strings.HasPrefix(num, "-")
	if negative {
		num = num[1:]
	}
	if !isDecimal(num, isPercent) {
		return ProgressInput{}, fieldError("page", msgProgressFormat)
	}
	var in ProgressInput
	if isPercent {
		pct, err := strconv.ParseFloat(strings.Replace(num, ",", ".", 1), 64)
		if err != nil || negative {
			return ProgressInput{}, fieldError("page", msgPercentRange)
		}
		in = ProgressInput{Percent: pct, ByPercent: true}
	} else {
		if negative {
			return ProgressInput{}, fieldError("page", msgPageNegative)
		}
		page, err := strconv.Atoi(num)
		if err != nil { // only too many digits gets here
			return ProgressInput{}, fieldError("page", msgPageTooLarge)
		}
		in = ProgressInput{Page: page}
	}
	if err := in.check(pages); err != nil {
		return ProgressInput{}, err
	}
	return in, nil
}

// isDecimal reports whether s is ASCII digits with, when fraction allows it, one decimal point or
// comma between digits.
func isDecimal(s string, fraction bool) bool {
	whole, frac, hasFrac := strings.Cut(s, ".")
	if !hasFrac {
		whole, frac, hasFrac = strings.Cut(s, ",")
	}
	if hasFrac && (!fraction || frac == "") || whole == "" {
		return false
	}
	return strings.IndexFunc(whole, notASCIIDigit) < 0 && strings.IndexFunc(frac, notASCIIDigit) < 0
}

// check validates the input against a paged book of the given length (0 when unknown).
func (in ProgressInput) check(pages int) error { return in.checkIn(pages, FormatPaperback) }

// checkIn validates the input against a book of format f and the given length in its unit (0
// when unknown).
func (in ProgressInput) checkIn(length int, f Format) error {
	pages := length
	switch {
	case f.Timed() && !in.ByPercent && in.Page > MaxMinutes:
		return fieldError("page", msgTimeTooLarge)
	case f.Timed() && !in.ByPercent && length > 0 && in.Page > length:
		return fieldError("page", fmt.Sprintf("%s is past the end (%s).", FormatMinutes(in.Page), FormatMinutes(length)))
	case in.ByPercent && !(in.Percent >= 0 && in.Percent <= 100): // also refuses NaN
		return fieldError("page", msgPercentRange)
	case in.ByPercent:
		return nil
	case in.Page < 0:
		return fieldError("page", msgPageNegative)
	case pages > 0 && in.Page > pages:
		return fieldError("page", fmt.Sprintf("Page %d is past the end (%d pages).", in.Page, pages))
	case in.Page > MaxPages:
		return fieldError("page", msgPageTooLarge)
	}
	return nil
}

// fieldError is a validation error about one field.
func fieldError(field, msg string) error {
	return &ValidationError{Fields: map[string]string{field: msg}}
}

// dateOf returns the calendar date of t, as written in t's own location, as midnight UTC: a reader
// who says "the 14th" means the 14th wherever the time value was made.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// wrap adds what failed to an unexpected error, and passes ErrNotFound and validation errors as they are.
func wrap(err error, what string, id int64) error {
	if err == nil || errors.Is(err, ErrNotFound) || errors.Is(err, ErrInvalid) {
		return err
	}
	return fmt.Errorf("%s %d: %w", what, id, err)
}

// SetStatus moves the owner's book id to status, on the calendar date of on in its location (the
// reader's time zone; today in UTC when zero), and
// keeps its read-throughs in step, in one transaction:
//   - to reading (from want, read or did not finish): a new read-through starts on that date; the
//     earlier ones are kept;
//   - from reading to read or did not finish: the open read-through finishes on that date (did not
//     finish keeps the page of the last progress update); from reading to want: it is closed as
//     did not finish, so history is never lost;
//   - from want to read or did not finish: a read-through starts and finishes on that date;
//   - between read and did not finish: the latest read-through's outcome is corrected;
//   - from read or did not finish to want: only the status changes.
//
// The same status again changes nothing.
func (s *ReadingStore) SetStatus(ctx context.Context, owner, id int64, status Status, on time.Time) (Book, error) {
	var b Book
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		if b, err = liveBook(ctx, tx, owner, id); err != nil {
			return err
		}
		if !validStatus(status) {
			return fieldError("status", msgStatus)
		}
		// The day is on's in its own location (the reader's time zone), and so is today.
		if on.IsZero() {
			on = s.db.now()
		}
		today := dateOf(s.db.now().In(on.Location()))
		on = dateOf(on)
		if !dateInRange(on) {
			if status == StatusReading {
				return fieldError("started_on", msgDateRange)
			}
			return fieldError("finished_on", msgDateRange)
		}
		if on.After(today) {
			if status == StatusReading {
				return fieldError("started_on", msgStartFuture)
			}
			return fieldError("finished_on", msgFinishFuture)
		}
		return s.db.changeStatus(ctx, tx, owner, &b, status, on)
	})
	if err != nil {
		return Book{}, wrap(err, "set status of book", id)
	}
	return b, nil
}

// changeStatus applies SetStatus's rules to b, a live book read in tx, and updates b. It is the
// DB's, not a store's, because the BookStore's Create and Update, which take a status, apply them too.
func (db *DB) changeStatus(ctx context.Context, tx *sqlx.Tx, owner int64, b *Book, to Status, on time.Time) error {
	from := b.Status
	if to == from {
		return nil
	}
	day := on.Format(dateLayout)
	var err error
	switch {
	case to == StatusReading:
		_, err = tx.ExecContext(ctx, `
			INSERT INTO read_throughs (book_id, started_on, outcome) VALUES (?, ?, 'reading')`, b.ID, day)
	case from == StatusReading:
		outcome := to
		if to == StatusWant {
			outcome = StatusDNF
		}
		err = closeOpen(ctx, tx, *b, outcome, on)
	case to == StatusWant:
		// Read or did not finish back to want: the read-throughs stay as they were.
	case from == StatusWant:
		err = insertFinished(ctx, tx, b.ID, to, day)
	default:
		err = correctOutcome(ctx, tx, *b, to, day)
	}
	if err != nil {
		return err
	}
	if err := moveCount(ctx, tx, owner, from, to); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE books SET status = ?, updated_at = ? WHERE id = ?`, to, db.now(), b.ID); err != nil {
		return err
	}
	// Read the book again rather than use RETURNING, which would miss the finish date and
	// progress that the triggers of migration 00005 set after the update.
	return tx.GetContext(ctx, b, `SELECT `+bookColumns+` FROM books WHERE id = ?`, b.ID)
}

// insertFinished records a read-through finished on day. When it started is not known: a book
// marked read today was not necessarily begun today, and the reader can add the start.
func insertFinished(ctx context.Context, tx *sqlx.Tx, bookID int64, outcome Status, day string) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO read_throughs (book_id, finished_on, outcome) VALUES (?, ?, ?)`,
		bookID, day, outcome)
	return err
}

// closeOpen finishes the book's open read-through on the date on with the given outcome.
func closeOpen(ctx context.Context, tx *sqlx.Tx, b Book, outcome Status, on time.Time) error {
	rt, ok, err := openReadThrough(ctx, tx, b.ID)
	if err != nil {
		return err
	}
	if !ok { // a reading book always has one; should it not, the history gets one rather than none
		return insertFinished(ctx, tx, b.ID, outcome, on.Format(dateLayout))
	}
	if rt.StartedOn != nil && on.Before(*rt.StartedOn) {
		return fieldError("finished_on", msgFinishBefore)
	}
	stopped, err := stoppedAt(ctx, tx, rt.ID, outcome, b.Pages)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `
		UPDATE read_throughs SET finished_on = ?, outcome = ?, stopped_at_page = ? WHERE id = ?`,
		on.Format(dateLayout), outcome, stopped, rt.ID)
	return err
}

// correctOutcome changes the outcome of the book's latest read-through between read and did not finish.
func correctOutcome(ctx context.Context, tx *sqlx.Tx, b Book, to Status, day string) error {
	var rtID int64
	err := tx.GetContext(ctx, &rtID, `
		SELECT id FROM read_throughs WHERE book_id = ? ORDER BY `+readingsNewestFirst+` LIMIT 1`, b.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return insertFinished(ctx, tx, b.ID, to, day)
	}
	if err != nil {
		return err
	}
	stopped, err := stoppedAt(ctx, tx, rtID, to, b.Pages)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE read_throughs SET outcome = ?, stopped_at_page = ? WHERE id = ?`, to, stopped, rtID)
	return err
}

// stoppedAt returns the page of the read-through's last progress update when the outcome is did
// not finish, or NULL.
func stoppedAt(ctx context.Context, tx *sqlx.Tx, rtID int64, outcome Status, pages int) (sql.NullInt64, error) {
	if outcome != StatusDNF {
		return sql.NullInt64{}, nil
	}
	last, ok, err := lastProgress(ctx, tx, rtID)
	if err != nil || !ok {
		return sql.NullInt64{}, err
	}
	if page, ok := last.page(pages); ok {
		return sql.NullInt64{Int64: int64(page), Valid: true}, nil
	}
	return sql.NullInt64{}, nil
}

// liveBook reads the owner's live book id in tx, or returns ErrNotFound.
func liveBook(ctx context.Context, tx *sqlx.Tx, owner, id int64) (Book, error) {
	var b Book
	err := tx.GetContext(ctx, &b, `
		SELECT `+bookColumns+` FROM books WHERE id = ? AND owner_id = ? AND deleted_at IS NULL AND pending_import IS NULL`, id, owner)
	if errors.Is(err, sql.ErrNoRows) {
		return Book{}, ErrNotFound
	}
	return b, err
}

const readThroughColumns = `id, book_id, started_on, finished_on, outcome, COALESCE(stopped_at_page, 0) AS stopped_at_page`

// The order of a book's readings, newest first and oldest first, one the reverse of the other.
// The open reading, if any, is the newest; the others go by their start, or their finish when
// the start is not known; readings without either date are the oldest (nothing says they are
// recent), in the order they were recorded. NULLS FIRST/LAST are written out: PostgreSQL sorts
// NULLs the other way round from SQLite.
const (
	readingsNewestFirst = `outcome = 'reading' DESC, COALESCE(started_on, finished_on) DESC NULLS LAST, id DESC`
	readingsOldestFirst = `outcome = 'reading', COALESCE(started_on, finished_on) NULLS FIRST, id`
)

// openReadThrough returns the book's open read-through, if it has one.
func openReadThrough(ctx context.Context, tx *sqlx.Tx, bookID int64) (ReadThrough, bool, error) {
	var rt ReadThrough
	err := tx.GetContext(ctx, &rt, `
		SELECT `+readThroughColumns+` FROM read_throughs
		WHERE book_id = ? AND outcome = 'reading'
		LIMIT 1`, bookID)
	if errors.Is(err, sql.ErrNoRows) {
		return ReadThrough{}, false, nil
	}
	return rt, err == nil, err
}

// progressRow is a progress update as stored: a page, a percentage, or both.
type progressRow struct {
	ID            int64           `db:"id"`
	ReadThroughID int64           `db:"read_through_id"`
	Page          sql.NullInt64   `db:"page"`
	Percent       sql.NullFloat64 `db:"percent"`
	RecordedAt    time.Time       `db:"recorded_at"`
}

const progressColumns = `p.id, p.read_through_id, p.page, p.percent, p.recorded_at`

// page returns the page the update stands for in a book of the given length, if it can be told.
func (r progressRow) page(pages int) (int, bool) {
	switch {
	case r.Page.Valid:
		return int(r.Page.Int64), true
	case r.Percent.Valid && pages > 0:
		return int(math.Round(r.Percent.Float64 * float64(pages) / 100)), true
	}
	return 0, false
}

// progress returns the update as a Progress in a book of the given length.
func (r progressRow) progress(pages int) Progress {
	p := Progress{RecordedAt: r.RecordedAt}
	p.Page, _ = r.page(pages)
	switch {
	case r.Page.Valid && pages > 0:
		p.Percent = float64(r.Page.Int64) * 100 / float64(pages)
	case r.Percent.Valid:
		p.Percent = r.Percent.Float64
	}
	return p
}

// set puts the progress in into the row, for a book of the given length (0 when unknown): a
// percentage becomes a page when the length is known.
func (r *progressRow) set(in ProgressInput, pages int) {
	r.Page, r.Percent = sql.NullInt64{}, sql.NullFloat64{}
	switch {
	case in.ByPercent && pages > 0:
		r.Page = sql.NullInt64{Int64: int64(math.Round(in.Percent * float64(pages) / 100)), Valid: true}
	case in.ByPercent:
		r.Percent = sql.NullFloat64{Float64: in.Percent, Valid: true}
	default:
		r.Page = sql.NullInt64{Int64: int64(in.Page), Valid: true}
	}
}

// lastProgress returns the read-through's latest progress update, if it has one.
func lastProgress(ctx context.Context, tx *sqlx.Tx, rtID int64) (progressRow, bool, error) {
	var r progressRow
	err := tx.GetContext(ctx, &r, `
		SELECT `+progressColumns+` FROM progress_updates p
		WHERE p.read_through_id = ?
		ORDER BY p.recorded_at DESC, p.id DESC LIMIT 1`, rtID)
	if errors.Is(err, sql.ErrNoRows) {
		return progressRow{}, false, nil
	}
	return r, err == nil, err
}

// RecordProgress records how far the reader is into the owner's book id, which must be Reading. A
// percentage becomes a page when the book's length is known. Reaching the end does not change the
// status: the reader says when the book is read. It returns the progress as recorded.
func (s *ReadingStore) RecordProgress(ctx context.Context, owner, id int64, in ProgressInput) (Progress, error) {
	var p Progress
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		b, err := liveBook(ctx, tx, owner, id)
		if err != nil {
			return err
		}
		if b.Status != StatusReading {
			return fieldError("page", msgStartReading)
		}
		rt, ok, err := openReadThrough(ctx, tx, b.ID)
		if err != nil {
			return err
		}
		if !ok {
			return fieldError("page", msgStartReading)
		}
		if err := in.checkIn(b.Pages, b.Format); err != nil {
			return err
		}
		row := progressRow{ReadThroughID: rt.ID, RecordedAt: s.db.now()}
		row.set(in, b.Pages)
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO progress_updates (read_through_id, page, percent, recorded_at) VALUES (?, ?, ?, ?)`,
			row.ReadThroughID, row.Page, row.Percent, row.RecordedAt); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE books SET updated_at = ? WHERE id = ?`, row.RecordedAt, b.ID); err != nil {
			return err
		}
		p = row.progress(b.Pages)
		return nil
	})
	if err != nil {
		return Progress{}, wrap(err, "record progress of book", id)
	}
	return p, nil
}

// progressOf reads the progress update id of the owner's live book bookID in tx, with the
// reading it belongs to; another reader's, another book's or a missing update is ErrNotFound.
func progressOf(ctx context.Context, tx *sqlx.Tx, owner, bookID, id int64) (Book, ReadThrough, progressRow, error) {
	b, err := liveBook(ctx, tx, owner, bookID)
	if err != nil {
		return Book{}, ReadThrough{}, progressRow{}, err
	}
	var row progressRow
	err = tx.GetContext(ctx, &row, `
		SELECT `+progressColumns+` FROM progress_updates p
		JOIN read_throughs r ON r.id = p.read_through_id
		WHERE p.id = ? AND r.book_id = ?`, id, b.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return Book{}, ReadThrough{}, progressRow{}, ErrNotFound
	}
	if err != nil {
		return Book{}, ReadThrough{}, progressRow{}, err
	}
	var rt ReadThrough
	err = tx.GetContext(ctx, &rt, `SELECT `+readThroughColumns+` FROM read_throughs WHERE id = ?`, row.ReadThroughID)
	return b, rt, row, err
}

// progressChanged keeps what a reading's progress updates decide in step after one of them
// changed or went: where an abandoned reading stopped (its last update's page), and when the
// book last changed. The library's progress columns and the stats' version follow by triggers.
func progressChanged(ctx context.Context, tx *sqlx.Tx, b Book, rt ReadThrough, now time.Time) error {
	if rt.Outcome == StatusDNF {
		stopped, err := stoppedAt(ctx, tx, rt.ID, rt.Outcome, b.Pages)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE read_throughs SET stopped_at_page = ? WHERE id = ?`, stopped, rt.ID); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `UPDATE books SET updated_at = ? WHERE id = ?`, now, b.ID)
	return err
}

// EditProgress corrects the progress update id of the owner's book bookID: how far (in, checked
// against the book's length) and on which calendar day (on's, in on's location: the reader's time
// zone; the update keeps its time of day there). The day cannot be in the future (there), before
// its reading started or after it finished. Errors
// about the input are a *ValidationError for the fields "page" and "recorded_on".
func (s *ReadingStore) EditProgress(ctx context.Context, owner, bookID, id int64, in ProgressInput, on time.Time) (ProgressUpdate, error) {
	var u ProgressUpdate
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		b, rt, row, err := progressOf(ctx, tx, owner, bookID, id)
		if err != nil {
			return err
		}
		var v ValidationError
		var perr *ValidationError
		if err := in.checkIn(b.Pages, b.Format); errors.As(err, &perr) {
			v.add("page", perr.Fields["page"])
		}
		loc, day, now := on.Location(), dateOf(on), s.db.now()
		switch {
		case !dateInRange(day):
			v.add("recorded_on", msgDateRange)
		case day.After(dateOf(now.In(loc))):
			v.add("recorded_on", msgProgressFuture)
		case rt.StartedOn != nil && day.Before(dateOf(*rt.StartedOn)):
			v.add("recorded_on", fmt.Sprintf(msgProgressBeforeStart, rt.StartedOn.Format(dayWritten)))
		case rt.FinishedOn != nil && day.After(dateOf(*rt.FinishedOn)):
			v.add("recorded_on", fmt.Sprintf(msgProgressAfterFinish, rt.FinishedOn.Format(dayWritten)))
		}
		if err := v.errOrNil(); err != nil {
			return err
		}
		row.set(in, b.Pages)
		at := row.RecordedAt.In(loc)
		row.RecordedAt = time.Date(day.Year(), day.Month(), day.Day(), at.Hour(), at.Minute(), at.Second(), at.Nanosecond(), loc).UTC()
		if _, err := tx.ExecContext(ctx, `UPDATE progress_updates SET page = ?, percent = ?, recorded_at = ? WHERE id = ?`,
			row.Page, row.Percent, row.RecordedAt, row.ID); err != nil {
			return err
		}
		u = ProgressUpdate{ID: row.ID, ReadThroughID: row.ReadThroughID, Progress: row.progress(b.Pages)}
		return progressChanged(ctx, tx, b, rt, now)
	})
	if err != nil {
		return ProgressUpdate{}, wrap(err, "edit progress of book", bookID)
	}
	return u, nil
}

// DeleteProgress deletes the progress update id of the owner's book bookID.
func (s *ReadingStore) DeleteProgress(ctx context.Context, owner, bookID, id int64) error {
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		b, rt, _, err := progressOf(ctx, tx, owner, bookID, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM progress_updates WHERE id = ?`, id); err != nil {
			return err
		}
		return progressChanged(ctx, tx, b, rt, s.db.now())
	})
	return wrap(err, "delete progress of book", bookID)
}

// Progress returns the latest progress of the open read-through of the owner's book id, or the zero
// Progress when there is none.
func (s *ReadingStore) Progress(ctx context.Context, owner, id int64) (Progress, error) {
	b, err := s.db.getBook(ctx, owner, id)
	if err != nil {
		return Progress{}, err
	}
	var r progressRow
	err = s.db.get(ctx, &r, `
		SELECT `+progressColumns+` FROM progress_updates p
		JOIN read_throughs r ON r.id = p.read_through_id
		WHERE r.book_id = ? AND r.outcome = 'reading'
		ORDER BY p.recorded_at DESC, p.id DESC LIMIT 1`, b.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return Progress{}, nil
	}
	if err != nil {
		return Progress{}, fmt.Errorf("progress of book %d: %w", id, err)
	}
	return r.progress(b.Pages), nil
}

// ProgressHistory returns every progress update of every read-through of the owner's book id,
// newest first.
func (s *ReadingStore) ProgressHistory(ctx context.Context, owner, id int64) ([]ProgressUpdate, error) {
	b, err := s.db.getBook(ctx, owner, id)
	if err != nil {
		return nil, err
	}
	var rows []progressRow
	err = s.db.selectAll(ctx, &rows, `
		SELECT `+progressColumns+` FROM progress_updates p
		JOIN read_throughs r ON r.id = p.read_through_id
		WHERE r.book_id = ?
		ORDER BY p.recorded_at DESC, p.id DESC`, b.ID)
	if err != nil {
		return nil, fmt.Errorf("progress history of book %d: %w", id, err)
	}
	updates := make([]ProgressUpdate, len(rows))
	for i, r := range rows {
		updates[i] = ProgressUpdate{ID: r.ID, ReadThroughID: r.ReadThroughID, Progress: r.progress(b.Pages)}
	}
	return updates, nil
}

// ReadThroughs returns the read-throughs of the owner's book id, newest first.
func (s *ReadingStore) ReadThroughs(ctx context.Context, owner, id int64) ([]ReadThrough, error) {
	if _, err := s.db.getBook(ctx, owner, id); err != nil {
		return nil, err
	}
	rts := []ReadThrough{}
	err := s.db.selectAll(ctx, &rts, `
		SELECT `+readThroughColumns+` FROM read_throughs
		WHERE book_id = ?
		ORDER BY `+readingsNewestFirst, id)
	if err != nil {
		return nil, fmt.Errorf("read-throughs of book %d: %w", id, err)
	}
	return rts, nil
}

// EditReadThrough changes the dates of one read-through of the owner's book bookID; a nil date
// is one the reader does not know (or no longer wants to give). Only a finished read-through has
// a finish date. Dates are calendar dates (see SetStatus), cannot be in the future, and a finish
// is not before a known start.
func (s *ReadingStore) EditReadThrough(ctx context.Context, owner, bookID, readThroughID int64, started, finished *time.Time) (ReadThrough, error) {
	var rt ReadThrough
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := liveBook(ctx, tx, owner, bookID); err != nil {
			return err
		}
		err := tx.GetContext(ctx, &rt, `
			SELECT `+readThroughColumns+` FROM read_throughs WHERE id = ? AND book_id = ?`, readThroughID, bookID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		var v ValidationError
		if finished != nil && rt.Outcome == StatusReading {
			v.add("finished_on", msgFinishOpen)
		}
		start, fin := checkDates(&v, started, finished, s.db.now())
		if err := v.errOrNil(); err != nil {
			return err
		}
		return tx.GetContext(ctx, &rt, `
			UPDATE read_throughs SET started_on = ?, finished_on = ? WHERE id = ?
			RETURNING `+readThroughColumns, start, fin, rt.ID)
	})
	if err != nil {
		return ReadThrough{}, wrap(err, "edit read-through of book", bookID)
	}
	return rt, nil
}

// AddReadThrough records a past reading of the owner's book bookID: read or did not finish, on
// dates the reader may not know. The book's status stays as it is: a reader who adds a reading
// from years ago may be reading the book again, or want to.
func (s *ReadingStore) AddReadThrough(ctx context.Context, owner, bookID int64, in ReadingInput) (ReadThrough, error) {
	var rt ReadThrough
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := liveBook(ctx, tx, owner, bookID); err != nil {
			return err
		}
		var v ValidationError
		if _, err := ParseOutcome(string(in.Outcome)); err != nil {
			v.add("outcome", msgOutcome)
		}
		start, fin := checkDates(&v, in.StartedOn, in.FinishedOn, s.db.now())
		if err := v.errOrNil(); err != nil {
			return err
		}
		return tx.GetContext(ctx, &rt, `
			INSERT INTO read_throughs (book_id, started_on, finished_on, outcome) VALUES (?, ?, ?, ?)
			RETURNING `+readThroughColumns, bookID, start, fin, in.Outcome)
	})
	if err != nil {
		return ReadThrough{}, wrap(err, "add reading of book", bookID)
	}
	return rt, nil
}

// checkDates adds to v what is wrong with a reading's dates, either of which may be unknown
// (nil), as of now, and returns them as stored. Each date is a day in its own location (the
// reader's time zone), and is in the future when it is after that day there.
func checkDates(v *ValidationError, started, finished *time.Time, now time.Time) (start, fin sql.NullString) {
	var s, f time.Time
	if started != nil {
		switch s = dateOf(*started); {
		case !dateInRange(s):
			v.add("started_on", msgDateRange)
		case s.After(dateOf(now.In(started.Location()))):
			v.add("started_on", msgStartFuture)
		}
		start = sql.NullString{String: s.Format(dateLayout), Valid: true}
	}
	if finished != nil {
		switch f = dateOf(*finished); {
		case !dateInRange(f):
			v.add("finished_on", msgDateRange)
		case f.After(dateOf(now.In(finished.Location()))):
			v.add("finished_on", msgFinishFuture)
		case started != nil && f.Before(s):
			v.add("finished_on", msgFinishBefore)
		}
		fin = sql.NullString{String: f.Format(dateLayout), Valid: true}
	}
	return start, fin
}

// DeleteReadThrough deletes one reading of the owner's book bookID, with its progress updates: a
// reading made by mistake (a status chosen by accident starts or finishes one, dated that day).
// The book's status then follows the readings that are left, in the same transaction: a book
// whose open reading goes, or whose status came from the reading that goes (read or did not
// finish, from its latest reading), takes the outcome of its latest reading left, or Want to read
// when none is. It returns the book as it now is.
func (s *ReadingStore) DeleteReadThrough(ctx context.Context, owner, bookID, readThroughID int64) (Book, error) {
	var b Book
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		if b, err = liveBook(ctx, tx, owner, bookID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM read_throughs WHERE id = ? AND book_id = ?`, readThroughID, bookID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return ErrNotFound
		}
		if b.Status == StatusWant {
			return tx.GetContext(ctx, &b, `SELECT `+bookColumns+` FROM books WHERE id = ?`, b.ID)
		}
		var latest []Status
		if err := tx.SelectContext(ctx, &latest, `
			SELECT outcome FROM read_throughs WHERE book_id = ? ORDER BY `+readingsNewestFirst+` LIMIT 1`, b.ID); err != nil {
			return err
		}
		to := StatusWant
		if len(latest) == 1 {
			to = latest[0]
		}
		if to == b.Status {
			return tx.GetContext(ctx, &b, `SELECT `+bookColumns+` FROM books WHERE id = ?`, b.ID)
		}
		if err := moveCount(ctx, tx, owner, b.Status, to); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE books SET status = ?, updated_at = ? WHERE id = ?`, to, s.db.now(), b.ID); err != nil {
			return err
		}
		return tx.GetContext(ctx, &b, `SELECT `+bookColumns+` FROM books WHERE id = ?`, b.ID)
	})
	if err != nil {
		return Book{}, wrap(err, "delete reading of book", bookID)
	}
	return b, nil
}

// SetRating sets the rating of the owner's book id alone, in stars as a form sends it
// (ParseRating: "" clears it). The star control saves it on its own, so a rating never travels
// with, or overwrites, the other details. Errors are a *ValidationError for the field "rating".
func (s *ReadingStore) SetRating(ctx context.Context, owner, id int64, stars string) (Book, error) {
	rating, err := ParseRating(stars)
	if err != nil {
		return Book{}, err
	}
	var b Book
	err = s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := liveBook(ctx, tx, owner, id); err != nil {
			return err
		}
		return tx.GetContext(ctx, &b, `UPDATE books SET rating = ?, updated_at = ? WHERE id = ? RETURNING `+bookColumns,
			sql.NullInt64{Int64: int64(rating), Valid: rating > 0}, s.db.now(), id)
	})
	if err != nil {
		return Book{}, wrap(err, "set rating of book", id)
	}
	return b, nil
}

// SetDetails replaces the format, length, rating, notes and ISBN of the owner's book id with
// what the reader typed, reporting every bad field at once. The length is read in the unit of
// the format given (ParseLength); a change between pages and minutes keeps the progress
// recorded as the share of the book it stood for (changeFormat). The book cannot be made
// shorter than where the reader is in it.
func (s *ReadingStore) SetDetails(ctx context.Context, owner, id int64, in DetailsInput) (Book, error) {
	var v ValidationError
	var format Format
	if strings.TrimSpace(in.Format) != "" {
		f, err := ParseFormat(in.Format)
		if err != nil {
			v.add("format", msgFormat)
		}
		format = f
	}
	rating, err := ParseRating(in.Rating)
	if err != nil && !in.keeps("rating") {
		v.add("rating", msgRating)
	}
	isbn, err := ParseISBN(in.ISBN)
	var verr *ValidationError
	switch {
	case in.keeps("isbn"):
	case errors.As(err, &verr):
		v.add("isbn", verr.Fields["isbn"])
	case err != nil:
		v.add("isbn", msgISBNCharacters)
	}
	notes := normalizeNotes(in.Notes)
	if msg := checkNotes(notes); msg != "" && !in.keeps("notes") {
		v.add("notes", msg)
	}
	var review string
	if in.Review != nil {
		review = normalizeNotes(*in.Review)
		if msg := checkLongText(review, "Review", false); msg != "" {
			v.add("review", msg)
		}
	}

	var b Book
	err = s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		if b, err = liveBook(ctx, tx, owner, id); err != nil {
			return err
		}
		if format == "" {
			format = b.Format
		}
		if in.keeps("rating") {
			rating = b.Rating
		}
		if in.keeps("notes") {
			notes = b.Notes
		}
		if in.keeps("isbn") {
			isbn = b.ISBN
		}
		pages, lerr := ParseLength(in.Pages, format)
		if in.keeps("pages") {
			pages, lerr = b.Pages, nil
		}
		if lerr != nil {
			v.add("pages", lengthMessage(format))
		}
		if lerr == nil && pages > 0 && b.Status == StatusReading && format.Timed() == b.Format.Timed() {
			if err := checkNotShorter(ctx, tx, b, pages, &v); err != nil {
				return err
			}
		}
		if err := v.errOrNil(); err != nil {
			return err
		}
		if err := changeFormat(ctx, tx, b, format, false); err != nil {
			return err
		}
		if in.Review == nil {
			review, in.Spoiler = b.Review, b.Spoiler
		}
		if review == "" {
			in.Spoiler = false // a spoiler warning on no review warns of nothing
		}
		return tx.GetContext(ctx, &b, `
			UPDATE books SET pages = ?, rating = ?, notes = ?, review = ?, review_spoiler = ?, isbn = ?, updated_at = ?
			WHERE id = ?
			RETURNING `+bookColumns,
			sql.NullInt64{Int64: int64(pages), Valid: pages > 0},
			sql.NullInt64{Int64: int64(rating), Valid: rating > 0},
			notes, review, in.Spoiler,
			sql.NullString{String: string(isbn), Valid: isbn != ""},
			s.db.now(), b.ID)
	})
	if err != nil {
		return Book{}, wrap(err, "set details of book", id)
	}
	return b, nil
}

// normalizeNotes trims surrounding white space from notes and makes their line breaks "\n".
func normalizeNotes(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

// checkNotes returns why normalized notes cannot be kept, or "" when they can. Line breaks and
// tabs are text; other control characters are not, and a direction override left open reorders
// the rest of the page's line wherever the notes are shown.
func checkNotes(notes string) string { return checkLongText(notes, "Notes", true) }

// checkLongText is checkNotes for any text of several lines, named label ("Notes", "Review"),
// a plural or not.
func checkLongText(text, label string, plural bool) string {
	contains, has := " contains", "it has"
	if plural {
		contains, has = " contain", "they have"
	}
	switch n := utf8.RuneCountInString(text); {
	case !utf8.ValidString(text):
		return label + contains + " characters that are not valid text."
	case strings.ContainsFunc(text, notNotesText):
		return label + " may not contain control characters or text-direction overrides."
	case n > MaxNotesLen:
		return label + " must be at most " + strconv.Itoa(MaxNotesLen) + " characters (" + has + " " + strconv.Itoa(n) + ")."
	}
	return ""
}

// notNotesText reports the characters notes may not hold: control characters other than line
// feed and tab, and direction overrides.
func notNotesText(r rune) bool {
	return (unicode.IsControl(r) && r != '\n' && r != '\t') || directionOverride(r)
}

// dateInRange reports whether a date is in the years 1 to 9999: the dates that read back from
// the database as they were written (YYYY-MM-DD) and sort as dates; year 0 is no one's calendar.
func dateInRange(t time.Time) bool {
	return t.Year() >= 1 && t.Year() <= 9999
}

// lengthMessage is what a refused length of a book of format f says.
func lengthMessage(f Format) string {
	if f.Timed() {
		return msgMinutes
	}
	return msgPages
}

// parsePages reads a book's length: empty for unknown (0), else a whole number from 1 to MaxPages.
func parsePages(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	if len(s) > 6 || strings.IndexFunc(s, notASCIIDigit) >= 0 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxPages {
		return 0, false
	}
	return n, true
}

// checkNotShorter adds a "pages" problem to v when the reader's current page is past pages.
func checkNotShorter(ctx context.Context, tx *sqlx.Tx, b Book, pages int, v *ValidationError) error {
	rt, ok, err := openReadThrough(ctx, tx, b.ID)
	if err != nil || !ok {
		return err
	}
	last, ok, err := lastProgress(ctx, tx, rt.ID)
	if err != nil || !ok {
		return err
	}
	// A percentage of a book of unknown length says nothing about the page.
	switch page, ok := last.page(b.Pages); {
	case !ok || page <= pages:
	case b.Format.Timed():
		v.add("pages", fmt.Sprintf("You are at %s; the audiobook cannot be shorter.", FormatMinutes(page)))
	default:
		v.add("pages", fmt.Sprintf("You are on page %d; the book cannot have fewer pages.", page))
	}
	return nil
}

// StatusCounts returns how many live books the owner has in each status, with every status present.
func (s *ReadingStore) StatusCounts(ctx context.Context, owner int64) (map[Status]int, error) {
	return s.db.statusCounts(ctx, owner)
}

// CurrentlyReading returns up to limit of the owner's books being read, with where the reader is
// in each, the most recently updated first.
func (s *ReadingStore) CurrentlyReading(ctx context.Context, owner int64, limit int) ([]ReadingNow, error) {
	if limit <= 0 || limit > 500 {
		limit = PageSize
	}
	// books_reading holds the books being read in this order, and the latest progress of each is
	// kept on it by the triggers of migration 00005: no sort, no subquery. Only what the strip
	// shows is read, as every library page asks: BenchmarkCurrentlyReading took 32 µs with every
	// column of the books, 19 µs with these.
	books := make([]Book, 0, limit)
	err := s.db.selectAll(ctx, &books, `
		SELECT id, title, format, COALESCE(pages, 0) AS pages, progress_page, progress_percent, progress_at,
			COALESCE((SELECT c.hash FROM covers c WHERE c.book_id = books.id), '') AS cover
		FROM books
		WHERE owner_id = ? AND status = 'reading' AND deleted_at IS NULL AND pending_import IS NULL
		ORDER BY updated_at DESC, id DESC
		LIMIT ?`, owner, limit)
	if err != nil {
		return nil, fmt.Errorf("books being read: %w", err)
	}
	now := make([]ReadingNow, len(books))
	for i, b := range books {
		now[i] = ReadingNow{ID: b.ID, Title: b.Title, Format: b.Format, Pages: b.Pages, Progress: b.Progress(), Cover: b.Cover}
	}
	return now, nil
}
