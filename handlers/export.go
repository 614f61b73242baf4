package handlers

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/views"
)

// exportTimeout bounds the work of one export, which runs after the handler has returned and so
// outside requestTimeout: long enough for a library of 100,000 books to a slow connection.
const exportTimeout = 10 * time.Minute

// goodreadsHeader is the header row of a Goodreads library export, whose layout other trackers import.
var goodreadsHeader = []string{
	"Book Id", "Title", "Author", "Author l-f", "Additional Authors", "ISBN", "ISBN13", "My Rating",
	"Average Rating", "Publisher", "Binding", "Number of Pages", "Year Published",
	"Original Publication Year", "Date Read", "Date Added", "Bookshelves", "Bookshelves with positions",
	"Exclusive Shelf", "My Review", "Spoiler", "Private Notes", "Read Count", "Owned Copies",
}

// goodreadsDate is how Goodreads writes dates in its export.
const goodreadsDate = "2006/01/02"

// showExport renders the page with the two download links.
func (s *Server) showExport(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, views.ExportPage(s.meta(c, "Export")))
}

// stream answers with an attachment of the given type and file name whose body write produces
// while the response is sent, so an export of any size is never held in memory. write runs after
// the handler has returned, when c must not be used and c.UserContext() is cancelled: it gets a
// context of its own. Once the body has started, the status cannot change, so an error is logged
// and the body cut short (a truncated CSV or JSON document, which an importer refuses).
func (s *Server) stream(c *fiber.Ctx, contentType, filename, what string, write func(ctx context.Context, w *bufio.Writer) error) error {
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
	log := s.log.With("export", what, "owner", owner(c))
	c.Response().SetBodyStreamWriter(func(w *bufio.Writer) {
		ctx, cancel := context.WithTimeout(context.Background(), exportTimeout)
		defer cancel()
		if err := write(ctx, w); err != nil {
			log.Error("export failed", "err", err)
			return
		}
		if err := w.Flush(); err != nil {
			log.Warn("export not delivered", "err", err)
		}
	})
	return nil
}

// exportCSV streams the reader's library in Goodreads' CSV layout.
func (s *Server) exportCSV(c *fiber.Ctx) error {
	reader := owner(c)
	return s.stream(c, "text/csv; charset=utf-8", "bookcase-goodreads.csv", "csv", func(ctx context.Context, w *bufio.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.Write(goodreadsHeader); err != nil {
			return err
		}
		err := s.export.Export(ctx, reader, func(b data.ExportBook) error {
			if err := cw.Write(goodreadsRow(b)); err != nil {
				return err
			}
			// Hand each row to the connection's buffer as it is made; bufio sends it when full.
			cw.Flush()
			return cw.Error()
		})
		if err != nil {
			return err
		}
		cw.Flush()
		return cw.Error()
	})
}

// goodreadsRow is one book as a row of a Goodreads export. Every free-text cell goes through
// safeCell; the ISBN cells are Goodreads' own ="…" wrappers, which keep a spreadsheet from
// reading an ISBN as a number, and hold only digits.
//
// Goodreads' ratings are whole stars, so My Rating is the rating rounded to the nearest whole
// star, halves up (4.5 stars is 5, half a star is 1, so a rated book stays rated); the JSON export
// keeps half stars. Date Read is the finish date of the latest reading that ended in read (a book
// not finished was not read). Goodreads has no "did not finish" shelf: such books get the custom
// exclusive shelf did-not-finish, as StoryGraph names it. Goodreads shelf names cannot hold a
// comma, which separates them in Bookshelves, so a comma in a shelf name becomes a space.
func goodreadsRow(b data.ExportBook) []string {
	isbn10, isbn13 := `=""`, `=""`
	if b.ISBN != "" {
		isbn13 = `="` + b.ISBN.String() + `"`
		if s, ok := b.ISBN.ISBN10(); ok {
			isbn10 = `="` + s + `"`
		}
	}
	rating := strconv.Itoa(int(math.Round(b.Rating.Stars())))
	pages := ""
	if b.Pages > 0 {
		pages = strconv.Itoa(b.Pages)
	}
	var dateRead string
	readCount := 0
	for _, rt := range b.ReadThroughs { // oldest first, so the last finished one wins
		if rt.Outcome == data.StatusRead && rt.FinishedOn != nil {
			readCount++
			dateRead = rt.FinishedOn.Format(goodreadsDate)
		}
	}
	exclusive := goodreadsShelf(b.Status)
	shelves := make([]string, 0, len(b.Shelves)+1)
	for _, name := range b.Shelves {
		shelves = append(shelves, data.NormalizeShelfName(strings.ReplaceAll(name, ",", " ")))
	}
	shelves = append(shelves, exclusive)
	return []string{
		strconv.FormatInt(b.ID, 10),
		safeCell(b.Title),
		safeCell(b.Author),
		safeCell(authorLastFirst(b.Author)),
		"",
		isbn10,
		isbn13,
		rating,
		"",
		"",
		"",
		pages,
		"",
		"",
		dateRead,
		b.CreatedAt.Format(goodreadsDate),
		safeCell(strings.Join(shelves, ", ")),
		"",
		exclusive,
		"",
		"",
		safeCell(b.Notes),
		strconv.Itoa(readCount),
		"0",
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

// authorLastFirst writes an author's name as Goodreads' "Author l-f" does: the last word first
// ("Herbert, Frank"). Like Goodreads, it does not know which words make up a family name.
func authorLastFirst(author string) string {
	i := strings.LastIndexByte(author, ' ')
	if i < 0 {
		return author
	}
	return author[i+1:] + ", " + author[:i]
}

// safeCell neutralises a cell that a spreadsheet would run as a formula (CSV injection): one that
// begins with =, +, -, @, a tab or a carriage return gets a leading single quote, as OWASP
// recommends, which spreadsheets show as text. Nothing else changes, so an importer that strips
// a leading ' from such a cell gets the value back exactly; Bookcase's own import does.
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

// exportDocument is the top of the JSON export; its books are written one at a time.
type exportDocument struct {
	Format     string        `json:"format"`
	Version    int           `json:"version"`
	ExportedAt time.Time     `json:"exported_at"`
	Shelves    []exportShelf `json:"shelves"`
}

type exportShelf struct {
	Name     string `json:"name"`
	Position int    `json:"position"`
}

// exportBook is one book of the JSON export. Unknown values are null; rating is in stars, halves kept.
type exportBook struct {
	ID           int64               `json:"id"`
	Title        string              `json:"title"`
	Author       string              `json:"author"`
	Genre        string              `json:"genre"`
	Status       data.Status         `json:"status"`
	Pages        *int                `json:"pages"`
	Rating       *float64            `json:"rating"`
	Notes        string              `json:"notes"`
	ISBN         *string             `json:"isbn"`
	CreatedAt    time.Time           `json:"created_at"`
	UpdatedAt    time.Time           `json:"updated_at"`
	Shelves      []string            `json:"shelves"`
	ReadThroughs []exportReadThrough `json:"read_throughs"`
	Progress     []exportProgress    `json:"progress"`
}

type exportReadThrough struct {
	StartedOn     string      `json:"started_on"`
	FinishedOn    *string     `json:"finished_on"`
	Outcome       data.Status `json:"outcome"`
	StoppedAtPage *int        `json:"stopped_at_page"`
}

type exportProgress struct {
	Page       int       `json:"page"`
	Percent    float64   `json:"percent"`
	RecordedAt time.Time `json:"recorded_at"`
}

// exportJSON streams everything Bookcase knows about the reader's library as one JSON document:
// the header fields and shelves, then the books array written a book at a time.
func (s *Server) exportJSON(c *fiber.Ctx) error {
	reader := owner(c)
	return s.stream(c, "application/json", "bookcase.json", "json", func(ctx context.Context, w *bufio.Writer) error {
		shelves, err := s.shelves.List(ctx, reader)
		if err != nil {
			return err
		}
		doc := exportDocument{Format: "bookcase", Version: 1, ExportedAt: time.Now().UTC(), Shelves: make([]exportShelf, len(shelves))}
		for i, sh := range shelves {
			doc.Shelves[i] = exportShelf{Name: sh.Name, Position: sh.Position}
		}
		head, err := json.Marshal(doc)
		if err != nil {
			return err
		}
		// Reopen the object to add "books": the header is small, the books are streamed.
		if _, err := w.Write(head[:len(head)-1]); err != nil {
			return err
		}
		if _, err := w.WriteString(`,"books":[`); err != nil {
			return err
		}
		enc := json.NewEncoder(w)
		first := true
		err = s.export.Export(ctx, reader, func(b data.ExportBook) error {
			if !first {
				if err := w.WriteByte(','); err != nil {
					return err
				}
			}
			first = false
			return enc.Encode(jsonBook(b))
		})
		if err != nil {
			return err
		}
		_, err = w.WriteString("]}\n")
		return err
	})
}

// jsonBook turns an exported book into its JSON form.
func jsonBook(b data.ExportBook) exportBook {
	out := exportBook{
		ID: b.ID, Title: b.Title, Author: b.Author, Genre: b.Genre, Status: b.Status, Notes: b.Notes,
		CreatedAt: b.CreatedAt.UTC(), UpdatedAt: b.UpdatedAt.UTC(), Shelves: b.Shelves,
		ReadThroughs: make([]exportReadThrough, len(b.ReadThroughs)),
		Progress:     make([]exportProgress, len(b.Progress)),
	}
	if b.Pages > 0 {
		out.Pages = &b.Pages
	}
	if b.Rating > 0 {
		stars := b.Rating.Stars()
		out.Rating = &stars
	}
	if b.ISBN != "" {
		isbn := b.ISBN.String()
		out.ISBN = &isbn
	}
	for i, rt := range b.ReadThroughs {
		r := exportReadThrough{StartedOn: rt.StartedOn.Format(time.DateOnly), Outcome: rt.Outcome}
		if rt.FinishedOn != nil {
			f := rt.FinishedOn.Format(time.DateOnly)
			r.FinishedOn = &f
		}
		if rt.StoppedAtPage > 0 {
			p := rt.StoppedAtPage
			r.StoppedAtPage = &p
		}
		out.ReadThroughs[i] = r
	}
	for i, p := range b.Progress {
		out.Progress[i] = exportProgress{Page: p.Page, Percent: p.Percent, RecordedAt: p.RecordedAt.UTC()}
	}
	return out
}
