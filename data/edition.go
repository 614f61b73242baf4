package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Bounds of the edition facts.
const (
	// MaxCopies is the most copies of one book a reader can say they own: more than a home
	// library holds, few enough that a stray digit is caught.
	MaxCopies = 1000
	// MinYear is the earliest original publication year: 9999 BC, before any writing we have.
	MinYear = -9999
	// MaxLanguageLen is the longest language tag, in bytes: the length RFC 5646 (4.4.1) asks
	// every implementation to hold.
	MaxLanguageLen = 35
	// MaxGoodreadsIDLen and MaxStoryGraphIDLen bound the other trackers' ids: Goodreads' are
	// numbers, StoryGraph's UUIDs (36 characters).
	MaxGoodreadsIDLen  = 20
	MaxStoryGraphIDLen = 64
)

// Edition is what a reader knows of the copy they have: every fact optional, the zero value
// when none is known.
type Edition struct {
	Publisher string
	// Year is the year this edition was published, from 1 to this year; 0 when unknown.
	Year int
	// OriginalYear is the year the work was first published, from MinYear to this year;
	// 0 when unknown. Years before Christ are negative, as historians count them: -1 is 1 BC,
	// the year before AD 1, and there is no year 0 (FormatYear writes -300 as "300 BC").
	OriginalYear int
	// Language is a BCP 47 tag in its canonical form ("en", "pt-BR"), "" when unknown;
	// LanguageName names it.
	Language string
	// Copies is how many copies the reader owns, 0 to MaxCopies.
	Copies int
	// GoodreadsID and StoryGraphID are the book's ids in those trackers, kept from their
	// exports so that importing the same export again finds the book.
	GoodreadsID  string
	StoryGraphID string
}

// EditionInput is an edition as a form sends it, every field as typed.
type EditionInput struct {
	Publisher, Year, OriginalYear, Language, Copies, GoodreadsID, StoryGraphID string
}

// EditionFields are the form fields of an edition, in the order a form shows them: the keys of
// the *ValidationError that ParseEdition and EditionStore.Set return.
var EditionFields = [...]string{"publisher", "year", "original_year", "language", "copies", "goodreads_id", "storygraph_id"}

// Input is the edition as its form shows it: ParseEdition, given it back, returns e.
func (e Edition) Input() EditionInput {
	in := EditionInput{
		Publisher: e.Publisher, Year: FormatYear(e.Year), OriginalYear: FormatYear(e.OriginalYear),
		Language: e.Language, GoodreadsID: e.GoodreadsID, StoryGraphID: e.StoryGraphID,
	}
	if e.Copies > 0 {
		in.Copies = strconv.Itoa(e.Copies)
	}
	return in
}

// ParseEdition reads an edition as a reader types it, and checks it as EditionStore.Set does,
// with now giving this year: a year in digits ("1965"), an original year also as "300 BC",
// "300 BCE", "-300", "AD 1066" or "1066 CE"; a language as a BCP 47 tag in any case
// ("EN-gb" is kept as "en-GB"); copies as a whole number; empty fields are unknown. Every
// problem is reported at once, as a *ValidationError keyed by EditionFields.
func ParseEdition(in EditionInput, now time.Time) (Edition, error) {
	var v ValidationError
	e := Edition{Publisher: in.Publisher, Language: in.Language, GoodreadsID: in.GoodreadsID, StoryGraphID: in.StoryGraphID}
	var err error
	if e.Year, err = parseYear(in.Year); err != nil {
		v.add("year", yearMessage(err, msgYearFormat))
	}
	if e.OriginalYear, err = parseYear(in.OriginalYear); err != nil {
		v.add("original_year", yearMessage(err, msgOriginalYearFormat))
	}
	if s := strings.TrimSpace(in.Copies); s != "" {
		n, err := strconv.Atoi(s)
		if len(s) > 6 || strings.IndexFunc(s, notASCIIDigit) >= 0 || err != nil {
			v.add("copies", msgCopies)
		}
		e.Copies = n
	}
	e = e.normalize()
	e.check(now.Year(), &v)
	if err := v.errOrNil(); err != nil {
		return Edition{}, err
	}
	return e, nil
}

// Messages of the edition's rules.
const (
	msgYearFormat         = "Write the year in digits, like 1965."
	msgOriginalYearFormat = "Write the year in digits, like 1851, or 300 BC for a year before Christ."
	msgYearZero           = "There is no year 0: the year before AD 1 is 1 BC."
	msgCopies             = "Copies owned is a whole number from 0 to 1000."
	msgLanguageFormat     = "Write the language as a BCP 47 tag, like en, fr-CA or pt-BR."
	msgLanguageUnknown    = "This is not a language tag Bookcase knows: write one like en, fr-CA or pt-BR."
	msgGoodreadsID        = "A Goodreads book id is a number, like 234225 (the one in the book's Goodreads address)."
	msgStoryGraphID       = "A StoryGraph id is letters, digits and hyphens, as at the end of the book's StoryGraph address."
)

// Why parseYear refuses a year.
var (
	errYearFormat = errors.New("not a year")
	errYearZero   = errors.New("year 0")
)

// yearMessage is the message for parseYear's error, format being the field's own for
// errYearFormat.
func yearMessage(err error, format string) string {
	if errors.Is(err, errYearZero) {
		return msgYearZero
	}
	return format
}

// parseYear reads a year: digits with an optional minus sign, or with an era before or after
// them (BC, BCE, B.C., AD, CE, A.D., in any case); "" and "0" are 0 (unknown, as Goodreads writes
// it). A year before Christ or with an era is never 0: "0 BC" and "-0" are errYearZero. Bounds
// are check's.
func parseYear(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if len(s) > 16 {
		return 0, errYearFormat
	}
	// "300 B.C.", "AD 1066", "1066ce": letters upper case, without dots and spaces.
	s = strings.ToUpper(strings.NewReplacer(".", "", " ", "").Replace(s))
	sign, era := 1, false
	for _, bc := range []string{"BCE", "BC"} {
		if rest, found := strings.CutSuffix(s, bc); found {
			s, sign, era = rest, -1, true
			break
		}
	}
	if !era {
		for _, ad := range []string{"AD", "CE"} {
			if rest, found := strings.CutSuffix(s, ad); found {
				s, era = rest, true
				break
			} else if rest, found := strings.CutPrefix(s, ad); found {
				s, era = rest, true
				break
			}
		}
	}
	if !era {
		if rest, found := strings.CutPrefix(s, "-"); found {
			s, sign = rest, -1
		}
	}
	if s == "" || len(s) > 5 || strings.IndexFunc(s, notASCIIDigit) >= 0 {
		return 0, errYearFormat
	}
	n, err := strconv.Atoi(s)
	switch {
	case err != nil:
		return 0, errYearFormat
	case n == 0 && (era || sign < 0):
		return 0, errYearZero
	}
	return sign * n, nil
}

// FormatYear writes a year as ParseEdition reads it back: "" for 0, "300 BC" for -300, "1965".
func FormatYear(y int) string {
	switch {
	case y == 0:
		return ""
	case y < 0:
		return strconv.Itoa(-y) + " BC"
	}
	return strconv.Itoa(y)
}

// LanguageName is a language tag's name in English ("pt-BR" is "Brazilian Portuguese"), or the
// tag itself when it has none (a private-use tag, or one too rare for the names Go carries),
// and "" for "".
func LanguageName(tag string) string {
	if tag == "" {
		return ""
	}
	t, err := language.Parse(tag)
	if err != nil {
		return tag
	}
	if name := display.English.Tags().Name(t); name != "" && t != language.Und {
		return name
	}
	return tag
}

// CanonicalLanguage is a language tag in its canonical form, as an edition keeps it ("EN-gb" is
// "en-GB"), and false for what is not a tag, or "und".
func CanonicalLanguage(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > MaxLanguageLen {
		return "", false
	}
	t, err := language.Parse(s)
	if err != nil || t == language.Und {
		return "", false
	}
	return t.String(), true
}

// normalize trims the text facts and writes a language tag that parses in its canonical form
// ("EN-gb" → "en-GB", "iw" → "he"); "und" (undetermined) is no language given.
func (e Edition) normalize() Edition {
	e.Publisher = strings.TrimSpace(e.Publisher)
	e.GoodreadsID = strings.TrimSpace(e.GoodreadsID)
	e.StoryGraphID = strings.TrimSpace(e.StoryGraphID)
	e.Language = strings.TrimSpace(e.Language)
	if e.Language != "" && len(e.Language) <= MaxLanguageLen {
		if t, err := language.Parse(e.Language); err == nil {
			e.Language = t.String()
			if t == language.Und {
				e.Language = ""
			}
		}
	}
	return e
}

// check adds to v what breaks the rules of a normalized edition, thisYear being the latest year
// a book can have been published in.
func (e Edition) check(thisYear int, v *ValidationError) {
	checkText(v, "publisher", "Publisher", e.Publisher, false)
	switch {
	case e.Year < 0:
		v.add("year", "Year published is from AD 1 on: the year a work first appeared before it goes in Original publication year.")
	case e.Year > thisYear:
		v.add("year", "Year published cannot be in the future (after "+strconv.Itoa(thisYear)+").")
	}
	switch {
	case e.OriginalYear > thisYear:
		v.add("original_year", "Original publication year cannot be in the future (after "+strconv.Itoa(thisYear)+").")
	case e.OriginalYear < MinYear:
		v.add("original_year", "Original publication year is from 9999 BC on.")
	}
	if e.Language != "" {
		if len(e.Language) > MaxLanguageLen {
			v.add("language", msgLanguageFormat)
		} else if _, err := language.Parse(e.Language); err != nil {
			// Parse's ValueError is a tag well formed but with a subtag it does not know ("xx").
			if _, unknown := errors.AsType[language.ValueError](err); unknown {
				v.add("language", msgLanguageUnknown)
			}
			v.add("language", msgLanguageFormat)
		}
	}
	if e.Copies < 0 || e.Copies > MaxCopies {
		v.add("copies", msgCopies)
	}
	if len(e.GoodreadsID) > MaxGoodreadsIDLen || strings.IndexFunc(e.GoodreadsID, notASCIIDigit) >= 0 {
		v.add("goodreads_id", msgGoodreadsID)
	}
	if len(e.StoryGraphID) > MaxStoryGraphIDLen || strings.IndexFunc(e.StoryGraphID, notIDChar) >= 0 {
		v.add("storygraph_id", msgStoryGraphID)
	}
}

// notIDChar reports a character that is not an ASCII letter, digit or hyphen.
func notIDChar(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-')
}

// Validate normalizes e and checks it as EditionStore.Set does, with now giving this year:
// what an import checks of an edition read from a file before anything is written.
func (e Edition) Validate(now time.Time) (Edition, error) {
	e = e.normalize()
	var v ValidationError
	e.check(now.Year(), &v)
	if err := v.errOrNil(); err != nil {
		return Edition{}, err
	}
	return e, nil
}

// EditionStore keeps books' edition facts. Every method takes the owner: another reader's book,
// or a deleted one, is ErrNotFound.
type EditionStore struct{ db *DB }

// Editions returns the store for edition facts.
func (db *DB) Editions() *EditionStore { return &EditionStore{db: db} }

// editionRow is an Edition as the database columns name it (editionSelect).
type editionRow struct {
	Publisher    string `db:"publisher"`
	Year         int    `db:"published_year"`
	OriginalYear int    `db:"original_year"`
	Language     string `db:"language"`
	Copies       int    `db:"copies"`
	GoodreadsID  string `db:"goodreads_id"`
	StoryGraphID string `db:"storygraph_id"`
}

// Get returns the edition facts of the owner's book id: the zero Edition when none is known.
func (s *EditionStore) Get(ctx context.Context, owner, id int64) (Edition, error) {
	// Two lookups by key, not one query of books LEFT JOIN editions: 27-68 → 11-22 µs at 100 to
	// 100,000 books (BenchmarkEditionGet, -benchtime 20000x, on a busy machine).
	var live bool
	err := s.db.get(ctx, &live, `
		SELECT EXISTS (SELECT 1 FROM books WHERE id = ? AND owner_id = ? AND deleted_at IS NULL AND pending_import IS NULL)`, id, owner)
	if err == nil && !live {
		return Edition{}, ErrNotFound
	}
	var row struct {
		Book int64 `db:"book_id"`
		editionRow
	}
	if err == nil {
		err = s.db.get(ctx, &row, `SELECT `+editionSelect+` FROM editions e WHERE e.book_id = ?`, id)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return Edition{}, nil
	}
	if err != nil {
		return Edition{}, fmt.Errorf("edition of book %d: %w", id, err)
	}
	return Edition(row.editionRow), nil
}

// Set replaces the edition facts of the owner's book id with e, normalized (see Edition) and
// checked: a *ValidationError keyed by EditionFields lists every fact that breaks the rules, and
// nothing is saved. It returns the facts as saved. The zero Edition removes them. To change some
// facts and keep the others, Get them, change them and Set them back.
func (s *EditionStore) Set(ctx context.Context, owner, id int64, e Edition) (Edition, error) {
	now := s.db.now()
	e = e.normalize()
	var v ValidationError
	e.check(now.Year(), &v)
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		// Not found before invalid, as everywhere: another reader's book is not there at all.
		if err := ownBook(ctx, tx, owner, id); err != nil {
			return err
		}
		if err := v.errOrNil(); err != nil {
			return err
		}
		return putEdition(ctx, tx, id, e, now)
	})
	if err != nil {
		return Edition{}, wrap(err, "set edition of book", id)
	}
	return e, nil
}

// putEdition gives book id the checked edition e in tx, replacing the one it had; the zero
// Edition leaves it without a row.
func putEdition(ctx context.Context, tx sqlx.ExecerContext, id int64, e Edition, now time.Time) error {
	if e == (Edition{}) {
		_, err := tx.ExecContext(ctx, `DELETE FROM editions WHERE book_id = ?`, id)
		return err
	}
	_, err := tx.ExecContext(ctx, upsertEdition, editionArgs(id, e, now)...)
	return err
}

// upsertEdition writes a book's edition row, editionArgs its arguments.
const upsertEdition = `
	INSERT INTO editions (book_id, publisher, published_year, original_year, language, copies,
		goodreads_id, storygraph_id, updated_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (book_id) DO UPDATE SET publisher = excluded.publisher,
		published_year = excluded.published_year, original_year = excluded.original_year,
		language = excluded.language, copies = excluded.copies, goodreads_id = excluded.goodreads_id,
		storygraph_id = excluded.storygraph_id, updated_at = excluded.updated_at`

func editionArgs(id int64, e Edition, now time.Time) []any {
	return []any{id, e.Publisher, nullYear(e.Year), nullYear(e.OriginalYear), e.Language, e.Copies,
		nullString(e.GoodreadsID), nullString(e.StoryGraphID), now}
}

// editionSelect reads editionRow's columns of the editions e.
const editionSelect = `e.book_id, e.publisher, COALESCE(e.published_year, 0) AS published_year,
	COALESCE(e.original_year, 0) AS original_year, e.language, e.copies,
	COALESCE(e.goodreads_id, '') AS goodreads_id, COALESCE(e.storygraph_id, '') AS storygraph_id`

// merged is e with every fact that over knows replaced by over's: what an import's update of a
// book keeps of what the reader had, since no export carries every fact (Goodreads has no
// language, StoryGraph no publisher).
func (e Edition) merged(over Edition) Edition {
	if over.Publisher != "" {
		e.Publisher = over.Publisher
	}
	if over.Year != 0 {
		e.Year = over.Year
	}
	if over.OriginalYear != 0 {
		e.OriginalYear = over.OriginalYear
	}
	if over.Language != "" {
		e.Language = over.Language
	}
	if over.Copies != 0 {
		e.Copies = over.Copies
	}
	if over.GoodreadsID != "" {
		e.GoodreadsID = over.GoodreadsID
	}
	if over.StoryGraphID != "" {
		e.StoryGraphID = over.StoryGraphID
	}
	return e
}

// Field returns the value of the form field name (one of EditionFields), as typed.
func (in EditionInput) Field(name string) string {
	switch name {
	case "publisher":
		return in.Publisher
	case "year":
		return in.Year
	case "original_year":
		return in.OriginalYear
	case "language":
		return in.Language
	case "copies":
		return in.Copies
	case "goodreads_id":
		return in.GoodreadsID
	case "storygraph_id":
		return in.StoryGraphID
	}
	return ""
}

// SetField sets the form field name (one of EditionFields) to value.
func (in *EditionInput) SetField(name, value string) {
	switch name {
	case "publisher":
		in.Publisher = value
	case "year":
		in.Year = value
	case "original_year":
		in.OriginalYear = value
	case "language":
		in.Language = value
	case "copies":
		in.Copies = value
	case "goodreads_id":
		in.GoodreadsID = value
	case "storygraph_id":
		in.StoryGraphID = value
	}
}

// nullYear stores an unknown year (0) as NULL; years before Christ are negative.
func nullYear(y int) sql.NullInt64 { return sql.NullInt64{Int64: int64(y), Valid: y != 0} }
