package data

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
)

// Format is the form a reader has a book in. An audiobook is listened to: its length, and the
// position of each progress update, are in minutes; every other format's are in pages
// (migration 00022 keeps both in books.pages).
type Format string

// The formats a book can have.
const (
	FormatPaperback Format = "paperback"
	FormatHardcover Format = "hardcover"
	FormatEbook     Format = "ebook"
	FormatAudiobook Format = "audiobook"
	FormatOther     Format = "other"
)

// MaxMinutes is the longest audiobook, 1,000 hours: longer than any recording sold, short
// enough that a slip of the keyboard is caught.
const MaxMinutes = 1000 * 60

// Messages about formats and lengths.
const (
	msgFormat       = "Choose one of the formats: paperback, hardcover, ebook, audiobook or other."
	msgMinutes      = "Write the length as hours and minutes, like 11:42 or 11h42m, up to 1000 hours."
	msgTimeProgress = "Enter a time, such as 5:32 or 5h32m, or a percentage, such as 45%."
	msgTimeTooLarge = "A time goes up to 1000 hours."
)

// Formats lists the formats, in the order a select offers them.
func Formats() []Format {
	return []Format{FormatPaperback, FormatHardcover, FormatEbook, FormatAudiobook, FormatOther}
}

// ParseFormat reads a format's name, in any case; "" is an error, like any other name.
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	for _, known := range Formats() {
		if f == known {
			return f, nil
		}
	}
	return "", fieldError("format", msgFormat)
}

// Label is the format in words.
func (f Format) Label() string {
	switch f {
	case FormatHardcover:
		return "Hardcover"
	case FormatEbook:
		return "Ebook"
	case FormatAudiobook:
		return "Audiobook"
	case FormatOther:
		return "Other"
	}
	return "Paperback"
}

// Timed reports whether the format is read in time (minutes) rather than pages.
func (f Format) Timed() bool { return f == FormatAudiobook }

// maxLength is the longest a book of the format can be, in its unit.
func (f Format) maxLength() int {
	if f.Timed() {
		return MaxMinutes
	}
	return MaxPages
}

// ParseLength reads a book's length as a reader types it for a book of format f: pages as a
// whole number, or for an audiobook a time as ParseMinutes reads it. Empty is unknown (0).
// Errors are a *ValidationError for the field "pages", the form's name for the length.
func ParseLength(s string, f Format) (int, error) {
	if !f.Timed() {
		n, ok := parsePages(s)
		if !ok {
			return 0, fieldError("pages", msgPages)
		}
		return n, nil
	}
	if strings.TrimSpace(s) == "" {
		return 0, nil
	}
	m, ok := ParseMinutes(s)
	if !ok || m < 1 || m > MaxMinutes {
		return 0, fieldError("pages", msgMinutes)
	}
	return m, nil
}

// ParseMinutes reads a time a reader types for an audiobook, in minutes: hours and minutes
// with a colon ("5:32", "0:07", "1000:00": minutes always two digits, under 60), or numbers
// with units ("5h32m", "5h 32m", "5h32", "332m", "5h", "11 hrs and 42 mins", "2 hours 5
// minutes"), in any case. A bare number is refused: minutes or hours, it does not say which.
// ok is false for anything else, negative times included; the result is not bounded.
func ParseMinutes(s string) (minutes int, ok bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" || len(s) > 40 {
		return 0, false
	}
	if h, m, found := strings.Cut(s, ":"); found {
		hours, okH := digits(h, 5)
		mins, okM := digits(m, 2)
		if !okH || !okM || len(m) != 2 || mins >= 60 {
			return 0, false
		}
		return hours*60 + mins, true
	}
	// Numbers each followed by a unit, hours before minutes; "and" between them is allowed, and
	// a number after the hours without a unit is minutes ("5h32").
	fields := strings.Fields(strings.ReplaceAll(s, " and ", " "))
	rest := strings.Join(fields, "")
	var total int
	sawHours, sawMinutes := false, false
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		n, okN := digits(rest[:i], 6)
		if !okN {
			return 0, false
		}
		rest = rest[i:]
		j := 0
		for j < len(rest) && rest[j] >= 'a' && rest[j] <= 'z' {
			j++
		}
		unit := rest[:j]
		rest = rest[j:]
		switch unit {
		case "h", "hr", "hrs", "hour", "hours":
			if sawHours || sawMinutes {
				return 0, false
			}
			sawHours = true
			total += n * 60
		case "m", "min", "mins", "minute", "minutes":
			if sawMinutes {
				return 0, false
			}
			sawMinutes = true
			total += n
		case "":
			// Minutes after hours ("5h32"), and nothing may follow them.
			if !sawHours || sawMinutes || rest != "" || n >= 60 {
				return 0, false
			}
			sawMinutes = true
			total += n
		default:
			return 0, false
		}
	}
	return total, sawHours || sawMinutes
}

// digits reads 1 to max ASCII digits.
func digits(s string, max int) (int, bool) {
	if s == "" || len(s) > max || strings.IndexFunc(s, notASCIIDigit) >= 0 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// FormatMinutes writes minutes as hours and minutes, "5:32", "0:07", "12:00": what ParseMinutes
// reads back, and how every page shows the length of and the position in an audiobook.
func FormatMinutes(m int) string {
	if m < 0 {
		m = 0
	}
	mm := strconv.Itoa(m % 60)
	if len(mm) == 1 {
		mm = "0" + mm
	}
	return strconv.Itoa(m/60) + ":" + mm
}

// FormatLength writes a length in a book's unit for its form: pages as a number, minutes as
// FormatMinutes does, "" for unknown.
func FormatLength(n int, f Format) string {
	switch {
	case n <= 0:
		return ""
	case f.Timed():
		return FormatMinutes(n)
	}
	return strconv.Itoa(n)
}

// parseTimedProgress is ParseProgress for an audiobook of length minutes (0 when unknown): a
// time listened, or a percentage.
func parseTimedProgress(s string, length int) (ProgressInput, error) {
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, "%") {
		return ParseProgress(s, length)
	}
	if strings.HasPrefix(s, "-") {
		return ProgressInput{}, fieldError("page", msgPageNegative)
	}
	m, ok := ParseMinutes(s)
	if !ok {
		return ProgressInput{}, fieldError("page", msgTimeProgress)
	}
	in := ProgressInput{Page: m}
	if err := in.checkIn(length, FormatAudiobook); err != nil {
		return ProgressInput{}, err
	}
	return in, nil
}

// ParseBookProgress reads a progress update for a book of format f and length (0 when
// unknown): a page or a percentage, or for an audiobook a time or a percentage. Errors are a
// *ValidationError for the field "page".
func ParseBookProgress(s string, f Format, length int) (ProgressInput, error) {
	if f.Timed() {
		return parseTimedProgress(s, length)
	}
	return ParseProgress(s, length)
}

// changeFormat gives the book b, read in tx, the format f. When the unit changes (pages to
// minutes or back), the positions of its progress updates are kept as the share of the book
// they stood for, since a page is no minute (those of a book of unknown length cannot be, and
// stay as they are), and the length, in the old unit, is forgotten unless keepLength (the
// caller sets a new one). The caller updates updated_at and reads the book again.
func changeFormat(ctx context.Context, tx *sqlx.Tx, b Book, f Format, keepLength bool) error {
	if f == b.Format {
		return nil
	}
	if b.Format.Timed() == f.Timed() {
		_, err := tx.ExecContext(ctx, `UPDATE books SET format = ? WHERE id = ?`, f, b.ID)
		return err
	}
	if b.Pages > 0 {
		if _, err := tx.ExecContext(ctx, `
			UPDATE progress_updates SET percent = CASE WHEN page >= ? THEN 100.0 ELSE page * 100.0 / ? END, page = NULL
			WHERE page IS NOT NULL AND read_through_id IN (SELECT id FROM read_throughs WHERE book_id = ?)`,
			b.Pages, b.Pages, b.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE read_throughs SET stopped_at_page = NULL WHERE book_id = ?`, b.ID); err != nil {
			return err
		}
	}
	pages := sql.NullInt64{Int64: int64(b.Pages), Valid: keepLength && b.Pages > 0}
	if _, err := tx.ExecContext(ctx, `UPDATE books SET format = ?, pages = ? WHERE id = ?`, f, pages, b.ID); err != nil {
		return err
	}
	// Progress updates have no trigger on UPDATE (migration 00005): the book's copy of its
	// latest is read again as the triggers read it.
	_, err := tx.ExecContext(ctx, `
		UPDATE books SET (progress, finished_on, progress_page, progress_percent, progress_at) =
			(SELECT progress, finished_on, progress_page, progress_percent, progress_at FROM book_sort_keys WHERE book_id = ?)
		WHERE id = ?`, b.ID, b.ID)
	return err
}
