package exchange

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bookcase/bookcase/data"
)

// maxValueLen is how much of a bad cell a Problem quotes, in characters.
const maxValueLen = 80

// rowBuilder collects a Row and its problems.
type rowBuilder struct {
	row Row
	// res is the file's result, which counts its shelves; keys are the row's shelves' keys.
	res  *Result
	keys map[string]struct{}
}

// cell checks a cell (or JSON text value) of the column as read, and returns it as the row keeps
// it: valid text of at most MaxCellSize bytes (only the beginning of a longer one, which is a
// problem of the row).
func (b *rowBuilder) cell(column, value string) string {
	if len(value) > MaxCellSize {
		b.problem(column, value, "This cell is longer than "+sizeText(MaxCellSize)+", the most Bookcase reads in one cell: shorten it.")
		return shorten(value)
	}
	if !utf8.ValidString(value) {
		b.problem(column, value, "This cell has characters that are not valid text: save the file as UTF-8 and try again.")
		return strings.ToValidUTF8(value, "\uFFFD")
	}
	return value
}

// problem records something wrong with a cell.
func (b *rowBuilder) problem(column, value, msg string) {
	b.row.Problems = append(b.row.Problems, Problem{Line: b.row.Line, Column: column, Value: shorten(value), Message: msg})
}

// shorten makes a cell fit for display: valid text, at most maxValueLen characters.
func shorten(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= maxValueLen {
		return s
	}
	n := 0
	for i := range s {
		if n == maxValueLen {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// validate checks title and author as the book form does, and reports the rest that a Row must
// hold for it to be saved.
func (b *rowBuilder) validate(titleCol, authorCol string) {
	in := data.BookInput{Title: b.row.Title, Author: b.row.Author, Genre: b.row.Genre}.Normalize()
	b.row.Title, b.row.Author, b.row.Genre = in.Title, in.Author, in.Genre
	var v *data.ValidationError
	if err := in.Validate(); errors.As(err, &v) {
		if msg, ok := v.Fields["title"]; ok {
			b.problem(titleCol, b.row.Title, msg)
		}
		if msg, ok := v.Fields["author"]; ok {
			b.problem(authorCol, b.row.Author, msg)
		}
		if msg, ok := v.Fields["genre"]; ok {
			b.problem("genre", b.row.Genre, msg)
		}
	}
	if b.row.Status == "" {
		b.row.Status = data.StatusWant
	}
}

// isbn reads an ISBN cell, reporting a bad one; "" when there is none or it is bad.
func (b *rowBuilder) isbn(value, column string) data.ISBN {
	isbn, err := data.ParseISBN(value)
	if err != nil {
		b.problem(column, value, fieldMessage(err, "isbn", "This is not an ISBN."))
		return ""
	}
	return isbn
}

// edition reads a book's edition facts from the cells in (data.ParseEdition), columns naming the
// column of each field. A bad fact is a problem in its column and is left out; the others are
// kept.
func (b *rowBuilder) edition(in data.EditionInput, columns map[string]string) {
	if in == (data.EditionInput{}) {
		return // most StoryGraph rows: nothing to read
	}
	now := time.Now()
	e, err := data.ParseEdition(in, now)
	if v, ok := errors.AsType[*data.ValidationError](err); ok {
		for _, f := range data.EditionFields {
			if msg, bad := v.Fields[f]; bad {
				b.problem(columns[f], in.Field(f), msg)
				in.SetField(f, "")
			}
		}
		e, err = data.ParseEdition(in, now)
	}
	if err == nil {
		b.row.Edition = e
	}
}

// fieldMessage is the message a data.ValidationError gives for field, or fallback.
func fieldMessage(err error, field, fallback string) string {
	var v *data.ValidationError
	if errors.As(err, &v) {
		if msg, ok := v.Fields[field]; ok {
			return msg
		}
	}
	return fallback
}

// pages reads a number of pages: empty or 0 for unknown.
func (b *rowBuilder) pages(value, column string) int {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0
	}
	n, err := strconv.Atoi(value)
	if err != nil || n < 0 || n > data.MaxPages {
		b.problem(column, value, "The number of pages should be a whole number from 1 to "+strconv.Itoa(data.MaxPages)+".")
		return 0
	}
	return n
}

// count reads a read count: empty for 0.
func (b *rowBuilder) count(value, column string) int {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0
	}
	n, err := strconv.Atoi(value)
	if err != nil || n < 0 || n > data.MaxReadCount {
		b.problem(column, value, "The read count should be a whole number from 0 to "+strconv.Itoa(data.MaxReadCount)+", like 1.")
		return 0
	}
	return n
}

// rating reads a rating in whole or half stars, where 0 means unrated (Goodreads).
func (b *rowBuilder) rating(value, column string) data.Rating {
	r, err := data.ParseRating(value)
	if err != nil {
		b.problem(column, value, fieldMessage(err, "rating", "A rating is 0.5 to 5 stars."))
		return 0
	}
	return r
}

// quarterRating reads StoryGraph's star rating, which allows quarter stars: it is rounded to the
// nearest half star, a quarter rounding up (4.25 is 4.5), because Bookcase keeps half stars.
func (b *rowBuilder) quarterRating(value, column string) data.Rating {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0
	}
	s := strings.Replace(value, ",", ".", 1)
	bad := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' }) >= 0
	f, err := strconv.ParseFloat(s, 64)
	if bad || err != nil || f < 0 || f > 5 {
		b.problem(column, value, "A rating is 0.5 to 5 stars.")
		return 0
	}
	r := data.Rating(math.Floor(f*2 + 0.5))
	if r == 0 && f > 0 {
		r = 1 // a rated book stays rated
	}
	return r
}

// dateLayouts are the ways exports write a date: Goodreads' and StoryGraph's first.
var dateLayouts = [...]string{"2006/01/02", "2006-01-02", "2006/1/2"}

// parseDate reads one date, or reports ok false.
func parseDate(value string) (time.Time, bool) {
	value = strings.TrimSpace(value)
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, value); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

const msgDate = "Dates are written year/month/day, like 2023/01/15."

// date reads a date cell: empty for none.
func (b *rowBuilder) date(value, column string) *time.Time {
	if strings.TrimSpace(value) == "" {
		return nil
	}
	t, ok := parseDate(value)
	if !ok {
		b.problem(column, value, msgDate)
		return nil
	}
	return &t
}

// addShelf adds a shelf name unless it is empty or already there (ignoring case, as
// data.ShelfKey does), reporting a name Bookcase cannot hold. A name past the file's MaxShelves
// is left out, and the file refused (Result.shelvesError). It takes constant time whatever the
// number of names before it: a row of 300,000 names took minutes when each was compared with
// the row's others.
func (b *rowBuilder) addShelf(column, name string) {
	name = data.NormalizeShelfName(name)
	if name == "" {
		return
	}
	switch {
	case !utf8.ValidString(name):
		b.problem(column, name, "The shelf name contains characters that are not valid text.")
		return
	case utf8.RuneCountInString(name) > data.MaxShelfNameLen:
		b.problem(column, name, "A shelf name must be at most "+strconv.Itoa(data.MaxShelfNameLen)+" characters.")
		return
	case strings.ContainsFunc(name, notSingleLine):
		b.problem(column, name, "A shelf name must be a single line of text.")
		return
	}
	key := data.ShelfKey(name)
	if _, dup := b.keys[key]; dup || !b.res.addShelf(key, b.row.Line) {
		return
	}
	if b.keys == nil {
		b.keys = make(map[string]struct{})
	}
	b.keys[key] = struct{}{}
	b.row.Shelves = append(b.row.Shelves, name)
}

// notSingleLine reports control characters, line separators and bidirectional overrides.
func notSingleLine(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029' ||
		(r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}

// bindingFormat is the format of a book bound as Goodreads' Binding or StoryGraph's Format
// says: Kindle Edition, ebook or digital an ebook; Audible Audio, Audio CD, Audiobook, MP3 CD or
// audio an audiobook; Paperback, Mass Market Paperback or Trade Paperback a paperback; Hardcover
// or Library Binding a hardcover; nothing, or Goodreads' Unknown Binding, the default ("": a
// paperback, or the book's own format on an update); anything else (Board book, Leather Bound)
// other. Case does not matter.
func bindingFormat(s string) data.Format {
	switch strings.ToLower(strings.Join(strings.Fields(s), " ")) {
	case "", "unknown", "unknown binding":
		return ""
	case "kindle edition", "kindle", "ebook", "e-book", "nook", "kobo", "digital":
		return data.FormatEbook
	case "audible audio", "audio cd", "audiobook", "audio book", "mp3 cd", "audio cassette", "audio", "audio mp3":
		return data.FormatAudiobook
	case "paperback", "mass market paperback", "trade paperback":
		return data.FormatPaperback
	case "hardcover", "library binding", "hardback":
		return data.FormatHardcover
	}
	return data.FormatOther
}

// binding is the Binding the CSV export writes for a format, which bindingFormat reads back.
func binding(f data.Format) string {
	switch f {
	case data.FormatHardcover:
		return "Hardcover"
	case data.FormatEbook:
		return "ebook"
	case data.FormatAudiobook:
		return "Audiobook"
	case data.FormatOther:
		return "Other"
	}
	return "Paperback"
}

// isTrue reads a yes-or-no cell as Goodreads writes it (Spoiler: "true"), and as other
// spreadsheets might ("yes", "1"); anything else is no.
func isTrue(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "y", "1":
		return true
	}
	return false
}

// joinNotes joins non-empty texts with a blank line.
func joinNotes(parts ...string) string {
	kept := parts[:0:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, "\n\n")
}

// splitList splits a comma-separated list, trimming each item and dropping empty ones.
func splitList(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
