package exchange

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/bookcase/bookcase/data"
)

// Bookcase's CSV export has the layout of a Goodreads library export, which other trackers
// import, followed by columns of Bookcase's own for what Goodreads' layout cannot hold; every
// importer that reads Goodreads' columns by name (Bookcase's, StoryGraph's) passes over them. The
// header below is the format's one definition: CSVWriter writes it, and goodreadsRow (csv.go)
// reads the same names.
const (
	colRating        = "Bookcase Rating"
	colGenre         = "Bookcase Genre"
	colDateStarted   = "Bookcase Date Started"
	colDateAbandoned = "Bookcase Date Abandoned"
	// colLanguage and colStoryGraphID came with the edition facts: a Bookcase CSV export without
	// them is older, and its Book Id is Bookcase's own id of the book, not Goodreads'.
	colLanguage     = "Bookcase Language"
	colStoryGraphID = "Bookcase StoryGraph Id"
	// colSeries is every series of the book (data.FormatSeriesList), of which the Title carries
	// the first in Goodreads' shape: a Bookcase CSV with it is read by it, not by the title.
	colSeries = "Bookcase Series"
)

// goodreadsHeader is the header row of the CSV export.
var goodreadsHeader = []string{
	"Book Id", "Title", "Author", "Author l-f", "Additional Authors", "ISBN", "ISBN13", "My Rating",
	"Average Rating", "Publisher", "Binding", "Number of Pages", "Year Published",
	"Original Publication Year", "Date Read", "Date Added", "Bookshelves", "Bookshelves with positions",
	"Exclusive Shelf", "My Review", "Spoiler", "Private Notes", "Read Count", "Owned Copies",
	colRating, colGenre, colDateStarted, colDateAbandoned, colLanguage, colStoryGraphID, colSeries,
}

// goodreadsDate is how Goodreads writes dates in its export.
const goodreadsDate = "2006/01/02"

// CSVWriter writes Bookcase's CSV export a book at a time, handing each row to the writer
// underneath as it is made.
type CSVWriter struct{ w *csv.Writer }

// NewCSVWriter starts an export by writing its header.
func NewCSVWriter(w io.Writer) (*CSVWriter, error) {
	cw := &CSVWriter{w: csv.NewWriter(w)}
	if err := cw.w.Write(goodreadsHeader); err != nil {
		return nil, err
	}
	cw.w.Flush()
	return cw, cw.w.Error()
}

// Write adds one book.
func (cw *CSVWriter) Write(b data.ExportBook) error {
	if err := cw.w.Write(goodreadsRecord(b)); err != nil {
		return err
	}
	cw.w.Flush()
	return cw.w.Error()
}

// goodreadsRecord is one book as a row of the CSV export. Every free-text cell goes through
// safeCell; the ISBN cells are Goodreads' own ="…" wrappers, which keep a spreadsheet from
// reading an ISBN as a number, and hold only digits.
//
// Goodreads' ratings are whole stars, so My Rating is the rating rounded to the nearest whole
// star, halves up (4.5 stars is 5, half a star is 1, so a rated book stays rated); Bookcase
// Rating keeps the half stars. Date Read is the finish date of the latest reading that ended in
// read (a book not finished was not read). Goodreads has no "did not finish" shelf: such books
// get the custom exclusive shelf did-not-finish, as StoryGraph names it, and the day the latest
// reading was given up goes in Bookcase Date Abandoned. Bookcase Date Started is when the
// reading that the row's status and dates describe began. Goodreads shelf names cannot hold a
// comma, which separates them in Bookshelves, so a comma in a shelf name becomes a space. The
// review goes in My Review (Goodreads keeps its line breaks as <br/>) with Spoiler "true" when it
// gives the story away, the private notes in Private Notes.
//
// Binding is the format as Goodreads names bindings (an ebook "ebook", an audiobook "Audiobook"),
// and an audiobook has no Number of Pages: its length in minutes is in the JSON export only.
//
// The title carries the book's first series as Goodreads writes it, "Leviathan Wakes (The
// Expanse, #1)", which other trackers read; Bookcase Series has them all.
//
// The edition facts go in Goodreads' own columns, Book Id being the book's Goodreads id (empty
// for a book that has none: Bookcase's own ids are no one's Goodreads ids), and a year before
// Christ negative, as Goodreads writes it; the language and the StoryGraph id, which Goodreads'
// layout has no room for, in Bookcase's columns.
func goodreadsRecord(b data.ExportBook) []string {
	isbn10, isbn13 := `=""`, `=""`
	if b.ISBN != "" {
		isbn13 = `="` + b.ISBN.String() + `"`
		if s, ok := b.ISBN.ISBN10(); ok {
			isbn10 = `="` + s + `"`
		}
	}
	rating := strconv.Itoa(int(math.Round(b.Rating.Stars())))
	pages := ""
	// An audiobook's length is in minutes, which Goodreads' layout has no column for.
	if b.Pages > 0 && !b.Format.Timed() {
		pages = strconv.Itoa(b.Pages)
	}
	var dateRead, dateStarted, dateAbandoned string
	day := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format(goodreadsDate)
	}
	readCount := 0
	for _, rt := range b.ReadThroughs { // oldest first, so the latest of each kind wins
		switch {
		case rt.Outcome == data.StatusRead:
			readCount++
			if rt.FinishedOn != nil {
				dateRead = day(rt.FinishedOn)
				if b.Status == data.StatusRead {
					dateStarted = day(rt.StartedOn)
				}
			}
		case rt.Outcome == data.StatusDNF && b.Status == data.StatusDNF:
			dateAbandoned = day(rt.FinishedOn)
			dateStarted = day(rt.StartedOn)
		case rt.Outcome == data.StatusReading && b.Status == data.StatusReading:
			dateStarted = day(rt.StartedOn)
		}
	}
	// Goodreads counts the reading under way, or given up, as one of the book's readings.
	if b.Status == data.StatusReading || b.Status == data.StatusDNF {
		readCount++
	}
	exclusive := goodreadsShelf(b.Status)
	shelves := make([]string, 0, len(b.Shelves)+1)
	for _, name := range b.Shelves {
		shelves = append(shelves, data.NormalizeShelfName(strings.ReplaceAll(name, ",", " ")))
	}
	shelves = append(shelves, exclusive)
	year := func(y int) string {
		if y == 0 {
			return ""
		}
		return strconv.Itoa(y) // a number: a leading minus is no formula
	}
	spoiler := ""
	if b.Spoiler {
		spoiler = "true"
	}
	e := b.Edition
	author, authorLF, additional := goodreadsAuthors(b)
	return []string{
		e.GoodreadsID,
		safeCell(data.JoinSeriesTitle(b.Title, b.Series)),
		safeCell(author),
		safeCell(authorLF),
		safeCell(additional),
		isbn10,
		isbn13,
		rating,
		"",
		safeCell(e.Publisher),
		binding(b.Format),
		pages,
		year(e.Year),
		year(e.OriginalYear),
		dateRead,
		b.CreatedAt.Format(goodreadsDate),
		safeCell(strings.Join(shelves, ", ")),
		"",
		exclusive,
		safeCell(strings.ReplaceAll(b.Review, "\n", "<br/>")),
		spoiler,
		safeCell(b.Notes),
		strconv.Itoa(readCount),
		strconv.Itoa(e.Copies),
		b.Rating.String(),
		safeCell(b.Genre),
		dateStarted,
		dateAbandoned,
		e.Language,
		e.StoryGraphID,
		safeCell(data.FormatSeriesList(b.Series)),
	}
}

// goodreadsShelf is Goodreads' exclusive shelf for a status.
func goodreadsShelf(st data.Status) string {
	switch st {
	case data.StatusReading:
		return "currently-reading"
	case data.StatusRead:
		return "read"
	case data.StatusDNF:
		return "did-not-finish"
	default:
		return "to-read"
	}
}

// goodreadsAuthors writes a book's contributors in Goodreads' three columns: the first author's
// name (Author) and sort name (Author l-f), and the others (Additional Authors), separated by
// commas, each role but author in parentheses, which an import reads back. A book without
// contributors (none made yet) writes its author text, filed by data.SortName.
func goodreadsAuthors(b data.ExportBook) (author, lastFirst, additional string) {
	if len(b.Contributors) == 0 {
		return b.Author, data.SortName(b.Author), ""
	}
	first := 0
	for i, c := range b.Contributors {
		if c.Role == data.RoleAuthor {
			first = i
			break
		}
	}
	rest := make([]data.Contributor, 0, len(b.Contributors)-1)
	for i, c := range b.Contributors {
		if i != first {
			rest = append(rest, c)
		}
	}
	lead := b.Contributors[first]
	author = lead.Name
	if lead.Role != data.RoleAuthor {
		author = data.FormatContributors([]data.Contributor{lead})
	}
	return author, lead.SortName, data.FormatContributors(rest)
}

// safeCell neutralises a cell that a spreadsheet would run as a formula (CSV injection): one that
// begins with =, +, -, @, a tab or a carriage return gets a leading single quote, as OWASP
// recommends, which spreadsheets show as text. Nothing else changes, so unprotect (csv.go), which
// strips a leading ' from such a cell, gets the value back exactly.
func safeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
