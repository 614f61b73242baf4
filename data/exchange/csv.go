package exchange

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/bookcase/bookcase/data"
)

// msgUnknown says what a file's first line should be.
const msgUnknown = `This is not a Goodreads, StoryGraph or Bookcase export: the first line should start with "Book Id,Title,Author" (Goodreads or Bookcase CSV), "Title,Authors,Contributors" (StoryGraph) or "{" (Bookcase JSON).`

// delimiters are the column separators tried, in order: spreadsheets in many European locales
// save CSV with semicolons, and some tools save tabs.
var delimiters = [...]rune{',', ';', '\t'}

// table is a CSV file's header: each column's index by its name in lower case, and its name as
// written, so problems quote the file's own column names.
type table struct {
	index map[string]int
	names []string
}

// cell returns the named column's cell of a record and the column's name; "" when the file has
// no such column or the record is short.
func (t table) cell(record []string, name string) (value, column string) {
	i, ok := t.index[strings.ToLower(name)]
	if !ok {
		return "", name
	}
	if i >= len(record) {
		return "", t.names[i]
	}
	return record[i], t.names[i]
}

// detectCSV recognizes a header row.
func detectCSV(header []string) (Format, bool) {
	name := func(i int) string {
		if i >= len(header) {
			return ""
		}
		return strings.ToLower(strings.TrimSpace(header[i]))
	}
	switch {
	case name(0) == "book id":
		return FormatGoodreads, true
	case name(0) == "title" && name(1) == "authors":
		return FormatStoryGraph, true
	}
	return "", false
}

// Detect reports the format of a file from its beginning (at least its first line), or a
// *FileError for a file that is none of the known exports.
func Detect(head []byte) (Format, error) {
	head = bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
	if t := bytes.TrimLeft(head, " \t\r\n"); len(t) == 0 {
		return "", fileError(ErrEmpty, "The file is empty.")
	} else if t[0] == '{' {
		return FormatBookcaseJSON, nil
	}
	f, _, ok := detectLine(head)
	if !ok {
		return "", fileError(ErrUnknownFormat, msgUnknown)
	}
	return f, nil
}

// detectLine tries each delimiter on the first line of head.
func detectLine(head []byte) (Format, rune, bool) {
	line, _, _ := bytes.Cut(head, []byte("\n"))
	for _, d := range delimiters {
		r := csv.NewReader(bytes.NewReader(line))
		r.Comma, r.LazyQuotes, r.FieldsPerRecord = d, true, -1
		rec, err := r.Read()
		if err != nil {
			continue
		}
		if f, ok := detectCSV(rec); ok {
			return f, d, true
		}
	}
	return "", 0, false
}

// required are the columns without which a format's rows cannot be books.
var required = map[Format][]string{
	FormatGoodreads:  {"Title", "Author"},
	FormatStoryGraph: {"Title", "Authors"},
}

// parseCSV reads a Goodreads, Bookcase or StoryGraph CSV export.
func parseCSV(ctx context.Context, br *bufio.Reader, res *Result) (*Result, error) {
	head, err := br.Peek(br.Size())
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, readError(err)
	}
	format, delim, ok := detectLine(head)
	if !ok {
		return nil, fileError(ErrUnknownFormat, msgUnknown)
	}

	r := csv.NewReader(&recordLimiter{r: br, limit: MaxBookSize, delim: byte(delim), line: 1})
	r.Comma, r.FieldsPerRecord = delim, -1
	var t table
	header, err := r.Read()
	if err != nil {
		if _, ok := errors.AsType[*csv.ParseError](err); ok {
			return nil, fileError(ErrDamaged, "The first line of the file is damaged: check its quotes.")
		}
		return nil, csvReadError(err, t)
	}
	t = table{index: make(map[string]int, len(header)), names: make([]string, len(header))}
	for i, h := range header {
		h = strings.TrimSpace(strings.ToValidUTF8(h, "\uFFFD"))
		t.names[i] = h
		if _, dup := t.index[strings.ToLower(h)]; !dup {
			t.index[strings.ToLower(h)] = i
		}
	}
	var missing []string
	for _, name := range required[format] {
		if _, ok := t.index[strings.ToLower(name)]; !ok {
			missing = append(missing, strconv.Quote(name))
		}
	}
	if len(missing) > 0 {
		noun := "column"
		if len(missing) > 1 {
			noun = "columns"
		}
		return nil, fileError(ErrMissingColumns, "The file has no "+strings.Join(missing, " or ")+" "+noun+": export it again, without changing its columns.")
	}

	res.Format = format
	lastBad := -1
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		record, err := r.Read()
		if errors.Is(err, io.EOF) {
			return res, nil
		}
		if pe, ok := errors.AsType[*csv.ParseError](err); ok {
			if pe.StartLine == lastBad {
				return nil, fileError(ErrDamaged, "The file is damaged at line "+strconv.Itoa(pe.Line)+".")
			}
			lastBad = pe.StartLine
			if err := res.add(Row{Line: pe.StartLine, Problems: []Problem{{
				Line:    pe.StartLine,
				Message: "This line's quotes do not match (near line " + strconv.Itoa(pe.Line) + "), so it cannot be read: a quote inside a cell must be written twice.",
			}}}); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, csvReadError(err, t)
		}
		line, _ := r.FieldPos(0)
		b := &rowBuilder{row: Row{Line: line}, res: res}
		for i, c := range record {
			record[i] = b.cell(t.name(i), c)
		}
		if len(record) != len(header) {
			b.problem("", "", "This line has "+strconv.Itoa(len(record))+" columns but the first line has "+strconv.Itoa(len(header))+".")
		}
		switch format {
		case FormatGoodreads:
			goodreadsRow(b, t, record)
		case FormatStoryGraph:
			storyGraphRow(b, t, record)
		}
		if err := res.shelvesError(); err != nil {
			return nil, err
		}
		if err := res.add(b.row); err != nil {
			return nil, err
		}
	}
}

// name is the name of column i, or "" past the header's last.
func (t table) name(i int) string {
	if i < len(t.names) {
		return t.names[i]
	}
	return ""
}

// csvReadError is readError, which also words a recordLimiter's error with t's column names.
func csvReadError(err error, t table) error {
	le, ok := errors.AsType[*longRecordError](err)
	if !ok {
		return readError(err)
	}
	column := t.name(le.column)
	if column == "" {
		column = "column " + strconv.Itoa(le.column+1)
	} else {
		column = "the " + strconv.Quote(column) + " column"
	}
	return fileError(ErrBookTooLarge, "The book on line "+strconv.Itoa(le.line)+" is longer than "+sizeText(MaxBookSize)+
		" (in "+column+"), the most Bookcase reads for one book: shorten that cell, or check that its quotes are closed.")
}

// recordLimiter passes a CSV file through, failing with a *longRecordError as soon as one record
// (quoted cells may span lines) is longer than limit bytes: encoding/csv holds a whole record in
// memory, so this bounds what one cell can cost before any cell can be looked at. It follows the
// quotes as RFC 4180 writes them, as the csv.Reader it feeds reads them (LazyQuotes off).
type recordLimiter struct {
	r      io.Reader
	limit  int
	delim  byte
	quoted bool
	// size is the current record's length so far; line is the line it starts on, column the
	// column (from 0) being read, lines the new lines read.
	size, line, column, lines int
	err                       error
}

func (l *recordLimiter) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	for i, c := range p[:n] {
		switch {
		case c == '"':
			l.quoted = !l.quoted
		case c == '\n':
			l.lines++
			if !l.quoted {
				l.size, l.column, l.line = 0, 0, l.lines+1
				continue
			}
		case c == l.delim && !l.quoted:
			l.column++
		}
		if l.size++; l.size > l.limit {
			l.err = &longRecordError{line: l.line, column: l.column}
			return i, l.err
		}
	}
	return n, err
}

// longRecordError is a record longer than recordLimiter's limit: it starts on line and is in
// column (from 0) when the limit is passed.
type longRecordError struct{ line, column int }

func (e *longRecordError) Error() string {
	return "importer: record on line " + strconv.Itoa(e.line) + " too long"
}

// unprotect removes the single quote that Bookcase's export (and careful spreadsheets) put
// before a cell a spreadsheet would otherwise run as a formula.
func unprotect(s string) string {
	if len(s) >= 2 && s[0] == '\'' && strings.IndexByte("=+-@\t\r", s[1]) >= 0 {
		return s[1:]
	}
	return s
}

// reviewBreaks turns the line breaks Goodreads keeps as HTML in reviews back into new lines.
var reviewBreaks = strings.NewReplacer("<br/>", "\n", "<br />", "\n", "<br>", "\n")

// goodreadsRow maps a row of a Goodreads export (either layout) or of Bookcase's CSV export.
func goodreadsRow(b *rowBuilder, t table, record []string) {
	for i := range record {
		record[i] = unprotect(record[i])
	}
	get := func(name string) (string, string) { return t.cell(record, name) }

	title, titleCol := get("Title")
	author, authorCol := get("Author")
	b.row.Title, b.row.Author = b.seriesTitle(t, title, record), author
	extra, _ := get("Additional Authors")
	b.row.OtherAuthors = splitList(extra)
	// Author l-f is kept when it files the author otherwise than Bookcase would (data.SortName):
	// "García Márquez, Gabriel" where Bookcase reads the name alone.
	// Goodreads writes a one-word name with a comma after it ("Homer, ").
	lf, _ := get("Author l-f")
	if lf = strings.TrimRight(strings.Join(strings.Fields(lf), " "), ", "); lf != "" && lf != data.SortName(strings.TrimSpace(author)) {
		b.row.AuthorSort = lf
	}

	isbn13, col13 := get("ISBN13")
	isbn10, col10 := get("ISBN")
	if isbn := b.isbn(isbn13, col13); isbn != "" {
		b.row.ISBN = isbn
	} else if isbn := b.isbn(isbn10, col10); isbn != "" {
		b.row.ISBN = isbn
	}

	// Bookcase's own columns (goodreads_csv.go), when the file has them, keep what Goodreads'
	// cannot: the rating in half stars, the genre, and the dates of the latest reading.
	if exact, col := get(colRating); strings.TrimSpace(exact) != "" {
		b.row.Rating = b.rating(exact, col)
	} else {
		b.row.Rating = b.rating(get("My Rating"))
	}
	b.row.Genre, _ = get(colGenre)
	b.row.Pages = b.pages(get("Number of Pages"))
	binding, _ := get("Binding")
	if b.row.Format = bindingFormat(binding); b.row.Format.Timed() {
		b.row.Pages = 0 // Goodreads gives an audiobook pages, if anything: no length in time
	}
	b.row.DateRead = b.date(get("Date Read"))
	b.row.DateStarted = b.date(get(colDateStarted))
	abandoned := b.date(get(colDateAbandoned))
	b.row.DateAdded = b.date(get("Date Added"))
	b.row.ReadCount = b.count(get("Read Count"))

	exclusive, _ := get("Exclusive Shelf")
	exclusive = data.NormalizeShelfName(exclusive)
	custom := ""
	b.row.Status, custom = shelfStatus(exclusive)
	if b.row.Status == data.StatusDNF && abandoned != nil {
		// A reading given up ends on the day it was, as a finished one ends on Date Read.
		b.row.DateRead = abandoned
	}
	shelves, shelvesCol := get("Bookshelves")
	for _, s := range splitList(shelves) {
		if isStatusShelf(s) {
			continue
		}
		b.addShelf(shelvesCol, s)
	}
	if custom != "" {
		b.addShelf("Exclusive Shelf", custom)
	}

	review, _ := get("My Review")
	private, _ := get("Private Notes")
	spoiler, _ := get("Spoiler")
	b.row.Review = strings.TrimSpace(reviewBreaks.Replace(review))
	b.row.Spoiler = b.row.Review != "" && isTrue(spoiler)
	b.row.Notes = joinNotes(private)

	// Book Id is the book's Goodreads id in Goodreads' export, and in Bookcase's CSV since it has
	// the Bookcase Language column. Older Bookcase CSVs wrote Bookcase's own ids there, which
	// kept as Goodreads' would match other books in a later import: those with Bookcase's columns
	// but not that one, and the first ones, without Bookcase's columns, which are told from
	// Goodreads' by their Average Rating, which Goodreads always fills and they left empty.
	var in data.EditionInput
	cols := map[string]string{}
	for field, name := range map[string]string{
		"publisher": "Publisher", "year": "Year Published", "original_year": "Original Publication Year",
		"copies": "Owned Copies", "goodreads_id": "Book Id", "language": colLanguage, "storygraph_id": colStoryGraphID,
	} {
		value, col := get(name)
		in.SetField(field, value)
		cols[field] = col
	}
	if average, _ := get("Average Rating"); !t.has(colLanguage) && (t.has(colRating) || strings.TrimSpace(average) == "") {
		in.GoodreadsID = ""
	}
	b.edition(in, cols)
	b.validate(titleCol, authorCol)
}

// seriesTitle reads a row's series, into the row, and returns its title without them. Goodreads
// writes a book's series at the end of its title, "Leviathan Wakes (The Expanse, #1)"
// (data.SplitSeries says which endings are series). Bookcase's CSV has them all in its Bookcase
// Series column, and the first in the title as Goodreads writes it, which is taken off: a title
// kept whole by its reader, in no series, stays whole. A series that cannot be kept (a name too
// long, say) leaves the title as it is.
func (b *rowBuilder) seriesTitle(t table, title string, record []string) string {
	if !t.has(colSeries) {
		clean, refs, ok := data.SplitSeries(title)
		if !ok {
			return title
		}
		refs, err := data.CheckSeries(refs)
		if err != nil {
			return title
		}
		b.row.Series = refs
		return clean
	}
	list, col := t.cell(record, colSeries)
	refs, err := data.ParseSeriesList(list)
	if err != nil {
		b.problem(col, list, fieldMessage(err, data.FieldSeriesList, "This is not a list of series."))
		return title
	}
	if len(refs) == 0 {
		return title
	}
	b.row.Series = refs
	return strings.TrimSuffix(title, data.JoinSeriesTitle("", refs))
}

// has reports whether the file has the named column.
func (t table) has(name string) bool {
	_, ok := t.index[strings.ToLower(name)]
	return ok
}

// statusShelves are the shelf names other trackers use for reading statuses.
var statusShelves = map[string]data.Status{
	"to-read":           data.StatusWant,
	"want-to-read":      data.StatusWant,
	"currently-reading": data.StatusReading,
	"read":              data.StatusRead,
	"did-not-finish":    data.StatusDNF,
	"dnf":               data.StatusDNF,
}

// isStatusShelf reports a shelf name that stands for a reading status.
func isStatusShelf(name string) bool {
	_, ok := statusShelves[strings.ToLower(data.NormalizeShelfName(name))]
	return ok
}

// shelfStatus maps an exclusive shelf (or StoryGraph read status) to a status. A custom one
// means "want to read" and is returned as custom, to be kept as a shelf; an empty one is "want".
func shelfStatus(name string) (st data.Status, custom string) {
	if name == "" {
		return data.StatusWant, ""
	}
	if st, ok := statusShelves[strings.ToLower(name)]; ok {
		return st, ""
	}
	return data.StatusWant, name
}

// storyGraphRow maps a row of a StoryGraph export.
func storyGraphRow(b *rowBuilder, t table, record []string) {
	get := func(name string) (string, string) { return t.cell(record, name) }

	title, titleCol := get("Title")
	authors, authorCol := get("Authors")
	b.row.Title = title
	if list := splitList(authors); len(list) > 0 {
		b.row.Author = list[0]
		if len(list) > 1 {
			b.row.OtherAuthors = list[1:]
		}
	}
	// Contributors other than the authors, each with its role in parentheses ("Ann Goldstein
	// (Translator)"), follow them.
	contributors, _ := get("Contributors")
	b.row.OtherAuthors = append(b.row.OtherAuthors, splitList(contributors)...)

	// ISBN/UID holds StoryGraph's own id for a book without an ISBN: only something that looks
	// like an ISBN is checked as one; the rest, when it reads as an id, is kept as the book's
	// StoryGraph id, which a later import of the same export matches on (anything else is left
	// out, as it always was). A book owned has one copy, as far as the file says.
	var edition data.EditionInput
	uid, uidCol := get("ISBN/UID")
	if looksLikeISBN(uid) {
		b.row.ISBN = b.isbn(uid, uidCol)
	} else if _, err := data.ParseEdition(data.EditionInput{StoryGraphID: uid}, time.Now()); err == nil {
		edition.StoryGraphID = uid
	}
	owned, ownedCol := get("Owned?")
	if strings.EqualFold(strings.TrimSpace(owned), "yes") {
		edition.Copies = "1"
	}
	b.edition(edition, map[string]string{"storygraph_id": uidCol, "copies": ownedCol})

	status, _ := get("Read Status")
	st, custom := shelfStatus(data.NormalizeShelfName(status))
	b.row.Status = st
	b.row.DateAdded = b.date(get("Date Added"))
	b.datesRead(get("Dates Read"))
	if last, col := get("Last Date Read"); strings.TrimSpace(last) != "" {
		b.row.DateRead = b.date(last, col)
	}
	b.row.ReadCount = b.count(get("Read Count"))
	b.row.Rating = b.quarterRating(get("Star Rating"))
	format, _ := get("Format")
	b.row.Format = bindingFormat(format)
	review, _ := get("Review")
	b.row.Review = strings.TrimSpace(review)

	tags, tagsCol := get("Tags")
	for _, s := range splitList(tags) {
		b.addShelf(tagsCol, s)
	}
	if custom != "" {
		b.addShelf("Read Status", custom)
	}
	if edition.Copies != "" {
		b.addShelf("Owned?", "Owned")
	}
	b.validate(titleCol, authorCol)
}

// looksLikeISBN reports a value made only of the characters an ISBN is written with.
func looksLikeISBN(s string) bool {
	s = strings.TrimSpace(s)
	return s != "" && strings.Trim(s, "0123456789-Xx ") == ""
}

// datesRead reads StoryGraph's Dates Read: dates or ranges ("2023/01/01-2023/01/15"), separated
// by commas. The reading that ended last gives DateStarted and DateRead.
func (b *rowBuilder) datesRead(value, column string) {
	for _, item := range splitList(value) {
		start, end, ok := dateRange(item)
		if !ok {
			b.problem(column, item, msgDate+" A reading from one date to another is written 2023/01/01-2023/01/15.")
			continue
		}
		if b.row.DateRead == nil || !end.Before(*b.row.DateRead) {
			b.row.DateRead = &end
			b.row.DateStarted = nil
			if start != end {
				b.row.DateStarted = &start
			}
		}
	}
}

// dateRange reads a date, or two dates joined by a hyphen.
func dateRange(s string) (start, end time.Time, ok bool) {
	if d, ok := parseDate(s); ok {
		return d, d, true
	}
	for i := range len(s) {
		if s[i] != '-' {
			continue
		}
		a, okA := parseDate(s[:i])
		z, okB := parseDate(s[i+1:])
		if okA && okB && !z.Before(a) {
			return a, z, true
		}
	}
	return time.Time{}, time.Time{}, false
}
