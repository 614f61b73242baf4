package exchange_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/data/exchange"
)

func day(s string) *time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return &t
}

func parseFile(t *testing.T, name string) *exchange.Result {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := exchange.Parse(f, 0)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return res
}

func checkRows(t *testing.T, got *exchange.Result, wantFormat exchange.Format, want []exchange.Row) {
	t.Helper()
	if got.Format != wantFormat {
		t.Errorf("format = %q, want %q", got.Format, wantFormat)
	}
	if len(got.Rows) != len(want) {
		t.Fatalf("got %d rows, want %d: %+v", len(got.Rows), len(want), got.Rows)
	}
	for i := range want {
		if !reflect.DeepEqual(got.Rows[i], want[i]) {
			t.Errorf("row %d:\n got %s\nwant %s", i, show(got.Rows[i]), show(want[i]))
		}
	}
}

// show prints a row with its dates readable.
func show(r exchange.Row) string {
	d := func(t *time.Time) string {
		if t == nil {
			return "nil"
		}
		return t.Format(time.DateOnly)
	}
	return fmt.Sprintf("%+v added=%s started=%s read=%s", r, d(r.DateAdded), d(r.DateStarted), d(r.DateRead))
}

func TestParseGoodreads24(t *testing.T) {
	checkRows(t, parseFile(t, "goodreads-24.csv"), exchange.FormatGoodreads, []exchange.Row{
		{
			Line: 2, Title: "Dune", Series: []data.SeriesRef{{Name: "Dune", Position: "1"}}, Author: "Frank Herbert", ISBN: "9780441013593", Pages: 658, Format: data.FormatPaperback,
			Rating: 10, Status: data.StatusRead, Shelves: []string{"sci-fi", "favorites"},
			Review: "Spice!\nWorms.", Notes: "Reread in winter", DateAdded: day("2022-12-01"), DateRead: day("2023-01-15"), ReadCount: 2,
			Edition: data.Edition{Publisher: "Ace", Year: 2005, OriginalYear: 1965, GoodreadsID: "234225"},
		},
		{
			Line: 3, Title: "All the Light We Cannot See", Author: "Anthony Doerr", Status: data.StatusWant, Format: data.FormatHardcover,
			DateAdded: day("2023-03-02"), Edition: data.Edition{Publisher: "Scribner", Year: 2014, OriginalYear: 2014, GoodreadsID: "18143977"},
		},
		{
			Line: 4, Title: "Harry Potter and the Deathly Hallows", Author: "J.K. Rowling", OtherAuthors: []string{"Mary GrandPré"},
			ISBN: "9780545010221", Pages: 759, Rating: 8, Status: data.StatusReading, Shelves: []string{"kids"}, Format: data.FormatHardcover,
			DateAdded: day("2023-05-05"), ReadCount: 1,
			Edition: data.Edition{Publisher: "Arthur A. Levine", Year: 2007, OriginalYear: 2007, Copies: 1, GoodreadsID: "136251"},
		},
		{
			Line: 5, Title: "Abandoned Book", Author: "Some Author", Pages: 300, Rating: 4, Status: data.StatusWant,
			Shelves: []string{"dnf-pile", "Book Club"}, DateAdded: day("2023-06-01"), Edition: data.Edition{GoodreadsID: "99"},
		},
	})
}

func TestParseGoodreads31(t *testing.T) {
	checkRows(t, parseFile(t, "goodreads-31.csv"), exchange.FormatGoodreads, []exchange.Row{{
		Line: 2, Title: "The Hobbit", Author: "J.R.R. Tolkien", ISBN: "9780618260300", Pages: 366, Rating: 8, Format: data.FormatPaperback,
		Status: data.StatusRead, Shelves: []string{"fantasy"}, Review: "A classic.",
		DateAdded: day("2012-08-01"), DateRead: day("2012-08-20"), ReadCount: 1,
		Edition: data.Edition{Publisher: "Houghton Mifflin", Year: 2002, OriginalYear: 1937, Copies: 1, GoodreadsID: "5907"},
	}})
}

func TestParseStoryGraph(t *testing.T) {
	checkRows(t, parseFile(t, "storygraph.csv"), exchange.FormatStoryGraph, []exchange.Row{
		{
			Line: 2, Title: "Piranesi", Author: "Susanna Clarke", ISBN: "9781635575637", Rating: 9, Status: data.StatusRead, Format: data.FormatHardcover,
			Shelves: []string{"fantasy", "short", "Owned"}, Review: "Beautiful.\nStrange.",
			DateAdded: day("2023-02-01"), DateStarted: day("2023-02-10"), DateRead: day("2023-02-20"), ReadCount: 2,
			Edition: data.Edition{Copies: 1},
		},
		{
			Line: 4, Title: "Good Omens", Author: "Terry Pratchett", OtherAuthors: []string{"Neil Gaiman"}, Format: data.FormatPaperback,
			Status: data.StatusReading, DateAdded: day("2023-03-01"), Edition: data.Edition{StoryGraphID: "b5c8a0f1-uid"},
		},
		{
			Line: 5, Title: "Some Slog", Author: "An Author", OtherAuthors: []string{"Translator Person (Translator)"}, Rating: 5, Status: data.StatusDNF, DateAdded: day("2023-04-01"), Format: data.FormatEbook,
		},
	})
}

func TestParseBookcaseCSV(t *testing.T) {
	checkRows(t, parseFile(t, "bookcase.csv"), exchange.FormatGoodreads, []exchange.Row{{
		Line: 2, Title: "=HYPERLINK(x)", Author: "-dash author", AuthorSort: "author, '-dash", Rating: 6, Status: data.StatusDNF,
		Shelves: []string{"+plus shelf"}, Notes: "@mention\nsecond line", DateAdded: day("2024-01-02"),
	}})
}

func TestParseBookcaseJSON(t *testing.T) {
	created := time.Date(2022, 12, 1, 9, 0, 0, 0, time.UTC)
	created2 := time.Date(2023, 2, 1, 9, 0, 0, 0, time.UTC)
	updated := time.Date(2023, 1, 15, 9, 0, 0, 0, time.UTC)
	res := parseFile(t, "bookcase.json")
	if want := []string{"Favorites"}; !reflect.DeepEqual(res.Shelves, want) {
		t.Errorf("Shelves = %q, want %q", res.Shelves, want)
	}
	checkRows(t, res, exchange.FormatBookcaseJSON, []exchange.Row{
		{
			Line: 1, Title: "Dune", Author: "Frank Herbert", Genre: "Science fiction", ISBN: "9780441013593", Pages: 658,
			Rating: 9, Status: data.StatusRead, Shelves: []string{"Favorites"}, Notes: "Spice.",
			DateAdded: &created, DateUpdated: &updated, DateStarted: day("2023-01-01"), DateRead: day("2023-01-15"), ReadCount: 1,
			ReadThroughs: []data.ReadThrough{{StartedOn: day("2023-01-01"), FinishedOn: day("2023-01-15"), Outcome: data.StatusRead}},
			Progress:     []data.Progress{{Page: 300, Percent: 45.6, RecordedAt: time.Date(2023, 1, 7, 20, 0, 0, 0, time.UTC)}},
		},
		{
			Line: 2, Title: "Unfinished", Author: "Someone", Status: data.StatusDNF, DateAdded: &created2, DateUpdated: &created2,
			ReadThroughs: []data.ReadThrough{{StartedOn: day("2023-02-01"), FinishedOn: day("2023-02-05"), Outcome: data.StatusDNF, StoppedAtPage: 40}},
		},
		{
			Line: 3, Author: "Nobody", Status: data.StatusWant, DateAdded: &created2, DateUpdated: &created2,
			Problems: []exchange.Problem{
				{Line: 3, Column: "pages", Value: "string", Message: "This value has the wrong type (expected int)."},
				{Line: 3, Column: "status", Value: "maybe", Message: "Choose a status: want to read, reading, read or did not finish."},
				{Line: 3, Column: "rating", Value: "4.25", Message: "A rating is 0.5 to 5 stars, in half stars."},
				{Line: 3, Column: "isbn", Value: "123", Message: "An ISBN has 10 or 13 digits; this has 3."},
				{Line: 3, Column: "title", Message: "Title is required."},
			},
		},
	})
}

const grHeader = "Book Id,Title,Author,Author l-f,Additional Authors,ISBN,ISBN13,My Rating,Average Rating,Publisher,Binding,Number of Pages,Year Published,Original Publication Year,Date Read,Date Added,Bookshelves,Bookshelves with positions,Exclusive Shelf,My Review,Spoiler,Private Notes,Read Count,Owned Copies"

// grRow is a Goodreads row with the given title, author, ISBN13, rating, pages, date read and review.
func grRow(title, author, isbn13, rating, pages, dateRead, review string) string {
	return fmt.Sprintf("1,%s,%s,,,,%s,%s,3.5,,,%s,,,%s,2024/01/01,,,read,%s,,,1,0", title, author, isbn13, rating, pages, dateRead, review)
}

func TestParseQuirks(t *testing.T) {
	base := exchange.Row{Title: "T", Author: "A", Status: data.StatusRead, DateAdded: day("2024-01-01"), ReadCount: 1, Edition: data.Edition{GoodreadsID: "1"}}
	with := func(line int, f func(*exchange.Row)) exchange.Row {
		r := base
		r.Line = line
		if f != nil {
			f(&r)
		}
		return r
	}
	tests := []struct {
		name  string
		input string
		want  []exchange.Row
	}{
		{"BOM", "\xEF\xBB\xBF" + grHeader + "\n" + grRow("T", "A", "", "", "", "", "") + "\n", []exchange.Row{with(2, nil)}},
		{"CRLF", grHeader + "\r\n" + grRow("T", "A", "", "", "", "", "") + "\r\n" + grRow("T", "A", "", "", "", "", "") + "\r\n",
			[]exchange.Row{with(2, nil), with(3, nil)}},
		{"quoted newline in review", grHeader + "\n" + grRow("T", "A", "", "", "", "", "\"one\r\ntwo\"") + "\n" + grRow("T", "A", "", "", "", "", "") + "\n",
			[]exchange.Row{with(2, func(r *exchange.Row) { r.Review = "one\ntwo" }), with(4, nil)}},
		{"semicolons", strings.ReplaceAll(grHeader, ",", ";") + "\n" + strings.ReplaceAll(grRow("T", "A", "", "", "", "", ""), ",", ";") + "\n", []exchange.Row{with(2, nil)}},
		{"tabs", strings.ReplaceAll(grHeader, ",", "\t") + "\n" + strings.ReplaceAll(grRow("T", "A", "", "", "", "", ""), ",", "\t") + "\n", []exchange.Row{with(2, nil)}},
		{"header only", grHeader + "\n", nil},
		{"invalid UTF-8", grHeader + "\n" + grRow("T\xff", "A", "", "", "", "", "") + "\n", []exchange.Row{with(2, func(r *exchange.Row) {
			r.Title = "T\uFFFD"
			r.Problems = []exchange.Problem{{Line: 2, Column: "Title", Value: "T\uFFFD", Message: "This cell has characters that are not valid text: save the file as UTF-8 and try again."}}
		})}},
		{"bad cells", grHeader + "\n" + grRow("", "A", `"=""123"""`, "7", "-3", "15/01/2023", "") + "\n", []exchange.Row{with(2, func(r *exchange.Row) {
			r.Title = ""
			r.Problems = []exchange.Problem{
				{Line: 2, Column: "ISBN13", Value: `="123"`, Message: "An ISBN has 10 or 13 digits; this has 3."},
				{Line: 2, Column: "My Rating", Value: "7", Message: "A rating is 0.5 to 5 stars, in half stars."},
				{Line: 2, Column: "Number of Pages", Value: "-3", Message: "The number of pages should be a whole number from 1 to 100000."},
				{Line: 2, Column: "Date Read", Value: "15/01/2023", Message: "Dates are written year/month/day, like 2023/01/15."},
				{Line: 2, Column: "Title", Message: "Title is required."},
			}
		})}},
		{"short line and bad quotes", grHeader + "\n1,T,A\n" + `1,"T"x,A` + "\n" + grRow("T", "A", "", "", "", "", "") + "\n", []exchange.Row{
			// No Average Rating: not known to be Goodreads' (see goodreadsRow), so no Goodreads id.
			{Line: 2, Title: "T", Author: "A", Status: data.StatusWant, Problems: []exchange.Problem{{Line: 2, Message: "This line has 3 columns but the first line has 24."}}},
			{Line: 3, Problems: []exchange.Problem{{Line: 3, Message: "This line's quotes do not match (near line 3), so it cannot be read: a quote inside a cell must be written twice."}}},
			with(4, nil),
		}},
		{"storygraph quarter stars", "Title,Authors,Star Rating\nT,A,4.75\nT,A,0.25\nT,A,3.74\nT,A,NaN\n", []exchange.Row{
			{Line: 2, Title: "T", Author: "A", Rating: 10, Status: data.StatusWant},
			{Line: 3, Title: "T", Author: "A", Rating: 1, Status: data.StatusWant},
			{Line: 4, Title: "T", Author: "A", Rating: 7, Status: data.StatusWant},
			{Line: 5, Title: "T", Author: "A", Status: data.StatusWant, Problems: []exchange.Problem{{Line: 5, Column: "Star Rating", Value: "NaN", Message: "A rating is 0.5 to 5 stars."}}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := exchange.Parse(strings.NewReader(tt.input), 0)
			if err != nil {
				t.Fatal(err)
			}
			checkRows(t, res, res.Format, tt.want)
		})
	}
}

func TestParseErrors(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")
	tests := []struct {
		name    string
		input   io.Reader
		limit   int64
		wantErr error
		wantMsg string
	}{
		{"empty", strings.NewReader(""), 0, exchange.ErrEmpty, "The file is empty."},
		{"blank", strings.NewReader(" \r\n\n"), 0, exchange.ErrEmpty, "The file is empty."},
		{"PNG", bytes.NewReader(png), 0, exchange.ErrUnknownFormat, "This is not a Goodreads"},
		{"other CSV", strings.NewReader("name,email\nx,y\n"), 0, exchange.ErrUnknownFormat, "This is not a Goodreads"},
		{"other JSON", strings.NewReader(`{"books":[]}`), 0, exchange.ErrUnknownFormat, "This is not a Goodreads"},
		{"JSON array value", strings.NewReader(`{"format":["x"]}`), 0, exchange.ErrUnknownFormat, "This is not a Goodreads"},
		{"newer JSON", strings.NewReader(`{"format":"bookcase","version":2,"books":[]}`), 0, exchange.ErrUnknownFormat, "version 2"},
		{"truncated JSON", strings.NewReader(`{"format":"bookcase","version":1,"books":[{"title":"x"`), 0, exchange.ErrDamaged, "The file is damaged"},
		{"missing Title", strings.NewReader("Book Id,Titel,Autor\n1,x,y\n"), 0, exchange.ErrMissingColumns, `The file has no "Title" or "Author" columns`},
		{"missing Authors", strings.NewReader("Title,Authors\n"), 0, nil, ""},
		{"51 MB", io.LimitReader(repeat(grHeader+"\n"+grRow("T", "A", "", "", "", "", "")+"\n"), 51<<20), 0, exchange.ErrTooLarge, "The file is larger than 50 MB"},
		{"JSON over a small limit", strings.NewReader(`{"format":"bookcase","version":1,"books":[]}`), 10, exchange.ErrTooLarge, "The file is larger than 10 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := exchange.Parse(tt.input, tt.limit)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("err = %v, want none", err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v (result %+v), want %v", err, res, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("message = %q, want it to contain %q", err.Error(), tt.wantMsg)
			}
		})
	}
}

// repeat is an endless reader: the header line, then the row line, again and again.
func repeat(s string) io.Reader {
	return &repeater{s: s}
}

type repeater struct {
	s   string
	off int
}

func (r *repeater) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.s[r.off:])
		n += c
		r.off = (r.off + c) % len(r.s)
	}
	return n, nil
}

func TestDetect(t *testing.T) {
	tests := []struct {
		head string
		want exchange.Format
		err  bool
	}{
		{grHeader, exchange.FormatGoodreads, false},
		{"\xEF\xBB\xBFTitle,Authors,Contributors", exchange.FormatStoryGraph, false},
		{"  {\"format\"", exchange.FormatBookcaseJSON, false},
		{"Title;Authors;Contributors\n", exchange.FormatStoryGraph, false},
		{"hello", "", true},
		{"", "", true},
	}
	for _, tt := range tests {
		got, err := exchange.Detect([]byte(tt.head))
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("Detect(%q) = %q, %v; want %q, error %v", tt.head, got, err, tt.want, tt.err)
		}
	}
}

// TestParseBookcaseJSONCover: a cover as Bookcase writes one comes in byte for byte; anything else
// in its place (not JPEG, too large a picture) is a problem of the row, named, and is not kept.
func TestParseBookcaseJSONCover(t *testing.T) {
	jpg := func(w, h int) []byte {
		var b bytes.Buffer
		if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, w, h)), nil); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	small, large := jpg(64, 96), jpg(320, 480)
	doc := func(cover string) string {
		return `{"format":"bookcase","version":1,"exported_at":"2024-01-01T00:00:00Z","shelves":[],"books":[` +
			`{"id":1,"title":"Dune","author":"Frank Herbert","genre":"","status":"want","pages":null,"rating":null,"notes":"",` +
			`"isbn":null,"created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-01T00:00:00Z","shelves":[],"read_throughs":[],"progress":[]` +
			cover + `}]}`
	}
	b64 := base64.StdEncoding.EncodeToString
	for _, tc := range []struct {
		name, cover string
		ok          bool
	}{
		{"None", ``, true},
		{"AsWritten", `,"cover":{"small":"` + b64(small) + `","large":"` + b64(large) + `"}`, true},
		{"NotJPEG", `,"cover":{"small":"` + b64([]byte("<svg onload=alert(1)>")) + `","large":"` + b64(large) + `"}`, false},
		{"TooHigh", `,"cover":{"small":"` + b64(jpg(64, 480)) + `","large":"` + b64(large) + `"}`, false},
		{"NotBase64", `,"cover":{"small":"!!!","large":"` + b64(large) + `"}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := exchange.Parse(strings.NewReader(doc(tc.cover)), 0)
			if err != nil {
				t.Fatal(err)
			}
			r := res.Rows[0]
			if tc.ok != (len(r.Problems) == 0) {
				t.Fatalf("problems %+v, want ok: %v", r.Problems, tc.ok)
			}
			switch {
			case tc.name == "AsWritten":
				if !bytes.Equal(r.CoverSmall, small) || !bytes.Equal(r.CoverLarge, large) {
					t.Error("the cover did not come in byte for byte")
				}
			case r.CoverSmall != nil || r.CoverLarge != nil:
				t.Errorf("a cover kept: %d and %d bytes", len(r.CoverSmall), len(r.CoverLarge))
			}
			if !tc.ok && r.Problems[0].Column != "cover" {
				t.Errorf("problem on %q, want cover", r.Problems[0].Column)
			}
		})
	}
}

// TestParseGoodreadsEditions reads the edition facts of a Goodreads export: publisher, the two
// years (a year before Christ negative, as Goodreads writes it), copies owned and the Goodreads
// id. A bad fact is a problem in its column and is left out; the other facts of the row are kept.
func TestParseGoodreadsEditions(t *testing.T) {
	next := time.Now().Year() + 1
	file := strings.Replace(readTestdata(t, "goodreads-editions.csv"), ",2099,", ","+strconv.Itoa(next)+",", 1)
	res, err := exchange.Parse(strings.NewReader(file), 0)
	if err != nil {
		t.Fatal(err)
	}
	checkRows(t, res, exchange.FormatGoodreads, []exchange.Row{
		{
			Line: 2, Title: "The Iliad", Author: "Homer", ISBN: "9780140275360", Pages: 683, Rating: 10, Status: data.StatusRead, Format: data.FormatPaperback,
			Shelves: []string{"classics"}, DateAdded: day("2020-04-01"), DateRead: day("2020-05-01"), ReadCount: 1,
			Edition: data.Edition{Publisher: "Penguin Classics", Year: 1998, OriginalYear: -750, Copies: 2, GoodreadsID: "1371"},
		},
		{
			Line: 3, Title: "The Odyssey", Author: "Homer", Pages: 541, Status: data.StatusWant, DateAdded: day("2020-04-01"), Format: data.FormatPaperback,
			Edition: data.Edition{Publisher: "Penguin Classics", OriginalYear: -725, GoodreadsID: "1381"},
			Problems: []exchange.Problem{
				{Line: 3, Column: "Year Published", Value: strconv.Itoa(next), Message: "Year published cannot be in the future (after " + strconv.Itoa(next-1) + ")."},
				{Line: 3, Column: "Owned Copies", Value: "5000", Message: "Copies owned is a whole number from 0 to 1000."},
			},
		},
		{
			Line: 4, Title: "The Kite Runner", Author: "Khaled Hosseini", Status: data.StatusWant, DateAdded: day("2021-01-01"),
			Edition: data.Edition{GoodreadsID: "77203"},
		},
	})
}

// TestParseGoodreadsSeries reads the series Goodreads writes at the end of a title: one, with a
// position that is a decimal or a range, or several separated by semicolons; the title is kept
// without them. Endings that are not Goodreads' mark of a series ("(Book 1)", "Vol. 2", an
// edition's name in parentheses) stay in the title.
func TestParseGoodreadsSeries(t *testing.T) {
	res := parseFile(t, "goodreads-series.csv")
	want := []struct {
		title  string
		series []data.SeriesRef
	}{
		{"Leviathan Wakes", []data.SeriesRef{{Name: "The Expanse", Position: "1"}}},
		// Spaces collapsed, as the series store keys names: the same series as the row before.
		{"Caliban's War", []data.SeriesRef{{Name: "The Expanse", Position: "2"}}},
		{"The Sea and Little Fishes", []data.SeriesRef{{Name: "Discworld", Position: "12.5"}}},
		{"Mort", []data.SeriesRef{{Name: "Discworld", Position: "4"}, {Name: "Death", Position: "1"}}},
		{"The Hedge Knight", []data.SeriesRef{{Name: "Tales of Dunk and Egg", Position: "0.5"}}},
		{"The Lord of the Rings", []data.SeriesRef{{Name: "The Lord of the Rings", Position: "1-3"}}},
		{"Mistborn (Book 1)", nil},
		{"Saga, Vol. 2", nil},
		{"Sense and Sensibility (Penguin Classics)", nil},
	}
	if len(res.Rows) != len(want) {
		t.Fatalf("got %d rows, want %d", len(res.Rows), len(want))
	}
	for i, w := range want {
		r := res.Rows[i]
		if r.Title != w.title || !reflect.DeepEqual(r.Series, w.series) || len(r.Problems) > 0 {
			t.Errorf("row %d: title %q, series %+v, problems %+v; want %q, %+v", i, r.Title, r.Series, r.Problems, w.title, w.series)
		}
	}
}

// TestParseBookcaseCSVSeries: Bookcase's CSV reads a book's series from its Bookcase Series
// column, every one of them, and takes the first off the title, where the export writes it in
// Goodreads' shape; a title that only looks like it ends in a series, its book in none, is kept
// whole, and a bad position is a problem of the row.
func TestParseBookcaseCSVSeries(t *testing.T) {
	header := "Book Id,Title,Author,Exclusive Shelf,Bookcase Language,Bookcase Series\n"
	for _, tt := range []struct {
		name, line, title string
		series            []data.SeriesRef
		problem           bool
	}{
		{"OK", `,"Mort (Discworld, #4)",Terry Pratchett,to-read,,"Discworld, #4; Death, #1"`, "Mort",
			[]data.SeriesRef{{Name: "Discworld", Position: "4"}, {Name: "Death", Position: "1"}}, false},
		{"OKNoPosition", `,Dune (Dune Chronicles),Frank Herbert,to-read,,Dune Chronicles`, "Dune", []data.SeriesRef{{Name: "Dune Chronicles"}}, false},
		{"OKKeptWhole", `,"Title (Not a Series, #1)",Someone,to-read,,`, "Title (Not a Series, #1)", nil, false},
		{"ErrPosition", `,"Title",Someone,to-read,,"Series, #1-0"`, "Title", nil, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := exchange.Parse(strings.NewReader(header+tt.line+"\n"), 0)
			if err != nil {
				t.Fatal(err)
			}
			r := res.Rows[0]
			if r.Title != tt.title || !reflect.DeepEqual(r.Series, tt.series) || (len(r.Problems) > 0) != tt.problem {
				t.Errorf("title %q, series %+v, problems %+v; want %q, %+v, problem %v", r.Title, r.Series, r.Problems, tt.title, tt.series, tt.problem)
			}
		})
	}
}

// TestParseBookIDNotGoodreads: the Book Id of a Bookcase CSV made before the edition facts is
// Bookcase's own id, not a Goodreads id, and is not kept as one; a Bookcase CSV since then
// carries the Goodreads id, the language and the StoryGraph id.
func TestParseBookIDNotGoodreads(t *testing.T) {
	for _, tt := range []struct {
		name, file string
		want       data.Edition
	}{
		// Bookcase's columns, but not the Language one: made between the two.
		{"WithBookcaseColumns", grHeader + ",Bookcase Rating\n7,T,A,,,,,0,,Ace,,,,,,2024/01/01,,,to-read,,,,0,0,\n", data.Edition{Publisher: "Ace"}},
		// The first Bookcase CSVs: Goodreads' columns only, Average Rating empty.
		{"FirstBookcaseCSV", grHeader + "\n7,T,A,,,,,0,,Ace,,,,,,2024/01/01,,,to-read,,,,0,0\n", data.Edition{Publisher: "Ace"}},
		{"Now", grHeader + ",Bookcase Rating,Bookcase Language,Bookcase StoryGraph Id\n7,T,A,,,,,0,,Ace,,,,,,2024/01/01,,,to-read,,,,0,0,,fr,sg-7\n",
			data.Edition{Publisher: "Ace", Language: "fr", GoodreadsID: "7", StoryGraphID: "sg-7"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := exchange.Parse(strings.NewReader(tt.file), 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Rows) != 1 || len(res.Rows[0].Problems) > 0 || res.Rows[0].Edition != tt.want {
				t.Fatalf("rows = %+v, want one with the edition %+v", res.Rows, tt.want)
			}
		})
	}
}

// TestParseJSONEdition: a JSON book's edition facts are checked as the book page checks them;
// a bad one is a problem of the row, named by its field, and the others are kept.
func TestParseJSONEdition(t *testing.T) {
	file := `{"format":"bookcase","version":1,"books":[
{"title":"The Iliad","author":"Homer","status":"want","edition":{"publisher":"Penguin","original_year":-750,"language":"xx","copies":-2,"goodreads_id":"1371"}}
]}`
	res, err := exchange.Parse(strings.NewReader(file), 0)
	if err != nil {
		t.Fatal(err)
	}
	checkRows(t, res, exchange.FormatBookcaseJSON, []exchange.Row{{
		Line: 2, Title: "The Iliad", Author: "Homer", Status: data.StatusWant,
		Edition: data.Edition{Publisher: "Penguin", OriginalYear: -750, GoodreadsID: "1371"},
		Problems: []exchange.Problem{
			{Line: 2, Column: "edition.language", Value: "xx", Message: "This is not a language tag Bookcase knows: write one like en, fr-CA or pt-BR."},
			{Line: 2, Column: "edition.copies", Value: "-2", Message: "Copies owned is a whole number from 0 to 1000."},
		},
	}})
}

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
