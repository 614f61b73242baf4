package data

import (
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxFieldLen is the longest title, author or genre accepted, in characters
// (the original schema's String(250)).
const MaxFieldLen = 250

// Book is one book in a reader's library.
type Book struct {
	ID        int64     `db:"id"`
	Title     string    `db:"title"`
	Author    string    `db:"author"`
	Genre     string    `db:"genre"`
	CreatedAt time.Time `db:"created_at"`
	UpdatedAt time.Time `db:"updated_at"`
	Status    Status    `db:"status"`
	Format    Format    `db:"format"`
	// Pages is the book's length in its format's unit, pages or (an audiobook) minutes, or 0
	// when the reader has not said.
	Pages  int    `db:"pages"`
	Rating Rating `db:"rating"`
	// Notes are the reader's private notes, possibly several lines: shown to no one else, and
	// exported as Goodreads' Private Notes, never as a review.
	Notes string `db:"notes"`
	// Review is what the reader would share of the book, possibly several lines; Spoiler says
	// it gives the story away.
	Review  string `db:"review"`
	Spoiler bool   `db:"review_spoiler"`
	ISBN    ISBN   `db:"isbn"`
	// FinishedOn is the date (YYYY-MM-DD) the reader last finished the book, or "" if never.
	FinishedOn string `db:"finished_on"`
	// The latest progress update of the open read-through, if any, as the triggers of migration
	// 00005 keep it on the book; Progress reads it.
	LastPage       sql.NullInt64   `db:"progress_page"`
	LastPercent    sql.NullFloat64 `db:"progress_percent"`
	LastProgressAt sql.NullTime    `db:"progress_at"`
	// Cover is the hash of the book's cover (CoverStore), "" when it has none: read with the book,
	// one lookup by key in covers, which cost a page of fifty books less than a query of its own
	// for their covers (BenchmarkLibraryPage).
	Cover string `db:"cover"`
	// NoSeries is true when the book was read in no series, as a page of books reads it (its
	// series sort key is NULL: refreshSeriesSort keeps it with every change of its series): the
	// page need not look up its series (SeriesStore.OfBooks). False says nothing.
	NoSeries bool `db:"no_series"`
}

// Progress is how far into the book the reader is in the open read-through, from its latest
// progress update; the zero Progress when there is none (not being read, or not started).
func (b Book) Progress() Progress {
	if !b.LastProgressAt.Valid {
		return Progress{}
	}
	return progressRow{Page: b.LastPage, Percent: b.LastPercent, RecordedAt: b.LastProgressAt.Time}.progress(b.Pages)
}

// BookInput is what a reader submits to create or change a book.
type BookInput struct {
	Title  string
	Author string
	Genre  string
	// Status is where the reader is with the book; empty means StatusWant on Create and "leave
	// it as it is" on Update.
	Status Status
	// Format is the book's format; empty means FormatPaperback on Create and "leave it as it
	// is" on Update.
	Format Format
	// Zone is the reader's time zone, whose today a change of status dates its reading on; nil
	// is UTC.
	Zone *time.Location
}

// today is now's day in the reader's time zone (see dateOf).
func (in BookInput) today(now time.Time) time.Time {
	if in.Zone == nil {
		return dateOf(now)
	}
	return dateOf(now.In(in.Zone))
}

// Normalize trims surrounding whitespace from every field.
func (in BookInput) Normalize() BookInput {
	return BookInput{
		Title:  strings.TrimSpace(in.Title),
		Author: strings.TrimSpace(in.Author),
		Genre:  strings.TrimSpace(in.Genre),
		Status: Status(strings.ToLower(strings.TrimSpace(string(in.Status)))),
		Format: Format(strings.ToLower(strings.TrimSpace(string(in.Format)))),
		Zone:   in.Zone,
	}
}

// Validate reports every problem with a normalized input as a *ValidationError keyed by form field.
func (in BookInput) Validate() error {
	var v ValidationError
	checkText(&v, "title", "Title", in.Title, true)
	checkText(&v, "author", "Author", in.Author, true)
	if _, bad := v.Fields["author"]; !bad {
		if _, err := ParseContributors(in.Author); err != nil {
			var pv *ValidationError
			if errors.As(err, &pv) {
				v.add("author", pv.Fields[FieldAuthor])
			}
		}
	}
	checkText(&v, "genre", "Genre", in.Genre, false)
	if in.Status != "" {
		if _, err := ParseStatus(string(in.Status)); err != nil {
			v.add("status", msgStatus)
		}
	}
	if in.Format != "" {
		if _, err := ParseFormat(string(in.Format)); err != nil {
			v.add("format", msgFormat)
		}
	}
	return v.errOrNil()
}

// checkText applies the rules shared by every single-line text field.
func checkText(v *ValidationError, field, label, value string, required bool) {
	switch {
	case required && value == "":
		v.add(field, label+" is required.")
	case !utf8.ValidString(value):
		v.add(field, label+" contains characters that are not valid text.")
	case value != "" && !strings.ContainsFunc(value, visible):
		// A title of a zero-width space looks empty in every list and cannot be clicked.
		v.add(field, label+" needs at least one visible character.")
	case utf8.RuneCountInString(value) > MaxFieldLen:
		v.add(field, label+" must be at most "+strconv.Itoa(MaxFieldLen)+" characters (it has "+strconv.Itoa(utf8.RuneCountInString(value))+").")
	case strings.IndexFunc(value, notSingleLine) >= 0:
		v.add(field, label+" must be a single line of text.")
	}
}

// notSingleLine reports characters that break a line or reorder the text around them: control
// characters, line and paragraph separators, and bidirectional overrides and isolates.
func notSingleLine(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Zl, unicode.Zp) || directionOverride(r)
}

// directionOverride reports the bidirectional embeddings, overrides and isolates (U+202A to
// U+202E, U+2066 to U+2069), which reorder the text after them, up to the end of its paragraph:
// the rest of a page's line, when it is not closed. The marks (U+200E, U+200F, U+061C) reorder
// nothing beyond themselves and are kept, as right-to-left text needs them.
func directionOverride(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}

// visible reports characters that show something: not white space, not a format character
// (Unicode's Cf: zero-width space and joiners, word joiner, byte-order mark, direction marks...),
// nor another character that fonts draw as nothing (Hangul fillers, variation selectors).
func visible(r rune) bool {
	return !unicode.IsSpace(r) && !unicode.In(r, unicode.Cf, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point)
}
