// Package exchange owns the files a library moves in and out of Bookcase with. It reads another
// tracker's export (Goodreads, StoryGraph) or Bookcase's own CSV and JSON exports into rows a
// person can review before anything is saved, and it writes Bookcase's exports: each format is
// defined here once, for both directions. It knows nothing of HTTP, and reads and writes no
// database.
package exchange

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"strconv"

	"github.com/bookcase/bookcase/data"
)

// MaxFileSize is the largest file Parse reads when it is given no limit of its own.
const MaxFileSize = 50 << 20

// MaxCellSize is the longest cell (or JSON text value) read as it is, in bytes: a longer one is a
// problem of its row, and only its beginning is kept. Goodreads documents no limit on a review's
// length; 64 KB holds a review of some 10,000 words, longer than any in our sample exports by far,
// and keeps what a review stores and what its row editor shows small.
const MaxCellSize = 64 << 10

// MaxBookSize is the most bytes one book may take in a file (a CSV record, over however many
// lines its quoted cells span, or a JSON book): a file with a longer one is refused. encoding/csv
// and encoding/json read a whole record or value into memory before anything can check a cell, so
// this, not MaxCellSize, is what bounds the memory of one upload: a 45 MB cell cost ~300 MB.
const MaxBookSize = 1 << 20

// MaxShelves is the most distinct shelf names (ignoring case) one file may hold, each of which an
// import may create. Our sample exports have under 20; a reader with hundreds of Goodreads
// shelves still fits, and the review, the shelf list and the import stay small.
const MaxShelves = 1000

// Format is the kind of export a file is.
type Format string

// The formats Parse understands. Bookcase's own CSV export has Goodreads' layout and header, so
// it is read, and reported, as FormatGoodreads; the leading ' that Bookcase (and any careful
// spreadsheet export) puts before a cell starting with = + - @ is removed either way.
const (
	FormatGoodreads    Format = "goodreads"
	FormatStoryGraph   Format = "storygraph"
	FormatBookcaseJSON Format = "bookcase-json"
)

// Errors about the whole file. Parse returns them wrapped in a *FileError whose Message is a
// sentence to show the reader; compare with errors.Is.
var (
	ErrTooLarge       = errors.New("importer: file too large")
	ErrEmpty          = errors.New("importer: file empty")
	ErrUnknownFormat  = errors.New("importer: unknown format")
	ErrMissingColumns = errors.New("importer: missing columns")
	ErrDamaged        = errors.New("importer: damaged file")
	ErrBookTooLarge   = errors.New("importer: book too large")
	ErrTooManyShelves = errors.New("importer: too many shelves")
)

// FileError is a reason a whole file cannot be imported. Message is a fixed sentence, or one
// that quotes only column names, safe to show the reader.
type FileError struct {
	Err     error
	Message string
}

// Error returns the message for the reader.
func (e *FileError) Error() string { return e.Message }

// Unwrap returns one of the Err… sentinels.
func (e *FileError) Unwrap() error { return e.Err }

func fileError(err error, msg string) *FileError { return &FileError{Err: err, Message: msg} }

// Result is everything read from one file.
type Result struct {
	Format Format
	// Rows are the books, in file order, including those with problems.
	Rows []Row
	// Shelves are the file's own list of shelves, in their order (Bookcase JSON only), names
	// normalized; books name their shelves too.
	Shelves []string

	// each, when set, takes each row instead of Rows.
	each func(Row) error
	// shelfKeys are the distinct shelf names of the file so far (data.ShelfKey), at most
	// MaxShelves; tooManyShelves is the line of the first name past them, or -1 for the JSON
	// file's own list of shelves.
	shelfKeys      map[string]struct{}
	tooManyShelves int
}

// addShelf counts a shelf name of the file, and reports false for a new one past MaxShelves.
func (res *Result) addShelf(key string, line int) bool {
	if _, ok := res.shelfKeys[key]; ok {
		return true
	}
	if len(res.shelfKeys) >= MaxShelves {
		if res.tooManyShelves == 0 {
			res.tooManyShelves = line
		}
		return false
	}
	if res.shelfKeys == nil {
		res.shelfKeys = make(map[string]struct{})
	}
	res.shelfKeys[key] = struct{}{}
	return true
}

// shelvesError is the *FileError for a file with more than MaxShelves shelves, or nil.
func (res *Result) shelvesError() error {
	if res.tooManyShelves == 0 {
		return nil
	}
	where := ""
	if res.tooManyShelves > 0 {
		where = " (the first past them is on line " + strconv.Itoa(res.tooManyShelves) + ")"
	}
	return fileError(ErrTooManyShelves, "The file has more than "+strconv.Itoa(MaxShelves)+" different shelves"+where+
		", the most Bookcase creates in one import: remove the shelves you no longer use, or split the file.")
}

// add keeps a row read from the file, or hands it to each.
func (res *Result) add(r Row) error {
	if res.each != nil {
		return res.each(r)
	}
	res.Rows = append(res.Rows, r)
	return nil
}

// Row is one book as read from a file: the row type the review stores and the import writes,
// with Line and Problems set (N, Kind and BookID are the review's). A row with Problems still
// carries everything that could be read, so the reader can see what to fix.
type Row = data.ImportRow

// Problem is something in a row that could not be read as it is. Column is the column's name in
// the file's header (for JSON, the field's name), or "" for the row as a whole; Value is the cell
// as found, shortened and made valid text, for display.
type Problem = data.ImportProblem

// Parse reads an export from r, whose format it detects, reading at most limit bytes
// (MaxFileSize when limit <= 0): a longer file is an ErrTooLarge. A file that cannot be imported
// at all is a *FileError; problems with single rows are reported in those rows.
func Parse(r io.Reader, limit int64) (*Result, error) {
	return parse(context.Background(), r, limit, &Result{})
}

// ParseEach is Parse that hands each row to each as soon as it is read, in file order, instead of
// keeping it in Result.Rows, so that a file of any size takes little memory. It stops at the
// first error each returns, and returns that error. A file that turns out to be damaged after
// some rows is a *FileError as from Parse, after each has had those rows. It stops, with ctx's
// error, when ctx is done: a request that has ended (or a server shutting down) stops its parse.
func ParseEach(ctx context.Context, r io.Reader, limit int64, each func(Row) error) (*Result, error) {
	return parse(ctx, r, limit, &Result{each: each})
}

func parse(ctx context.Context, r io.Reader, limit int64, res *Result) (*Result, error) {
	if limit <= 0 {
		limit = MaxFileSize
	}
	br := bufio.NewReaderSize(&limitReader{r: r, left: limit, limit: limit}, 64<<10)
	// A UTF-8 byte-order mark, which Excel writes, is not part of the header.
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte("\xEF\xBB\xBF")) {
		if _, err := br.Discard(3); err != nil {
			return nil, err
		}
	}
	first, err := firstByte(br)
	switch {
	case errors.Is(err, io.EOF):
		return nil, fileError(ErrEmpty, "The file is empty.")
	case err != nil:
		return nil, readError(err)
	}
	if first == '{' {
		return parseJSON(ctx, br, res)
	}
	return parseCSV(ctx, br, res)
}

// firstByte returns the first byte that is not white space, without consuming it.
func firstByte(br *bufio.Reader) (byte, error) {
	for n := 1; ; n++ {
		b, err := br.Peek(n)
		if len(b) < n {
			if err == nil {
				err = io.EOF
			}
			return 0, err
		}
		switch c := b[n-1]; c {
		case ' ', '\t', '\r', '\n':
			if n == br.Size() {
				return c, nil
			}
		default:
			return c, nil
		}
	}
}

// readError turns an error from reading the file into what Parse returns.
func readError(err error) error {
	var fe *FileError
	if errors.As(err, &fe) {
		return fe
	}
	return err
}

// limitReader reads from r until more than limit bytes have come, then fails with ErrTooLarge.
type limitReader struct {
	r           io.Reader
	left, limit int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, l.tooLarge()
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return 0, l.tooLarge()
	}
	return n, err
}

func (l *limitReader) tooLarge() error { return tooLarge(l.limit) }

func tooLarge(limit int64) *FileError {
	return fileError(ErrTooLarge, "The file is larger than "+sizeText(limit)+", the most Bookcase imports at once: split it into smaller files.")
}

// CheckSize is the *FileError Parse would return for a file of size bytes past MaxFileSize (and
// nil for one within it), for a caller that knows a file's size before reading it.
func CheckSize(size int64) error {
	if size > MaxFileSize {
		return tooLarge(MaxFileSize)
	}
	return nil
}

// sizeText writes a size in whole megabytes or kilobytes when it is one, else in bytes.
func sizeText(n int64) string {
	switch {
	case n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MB"
	case n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
