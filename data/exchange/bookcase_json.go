package exchange

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"time"

	"github.com/bookcase/bookcase/data"
)

// Bookcase's JSON export, version 1: everything Bookcase knows about a library. The types below
// are its one definition, which JSONWriter writes and Parse reads (json.go); times are RFC 3339
// in UTC, dates are written year-month-day, unknown values are null, ratings are in stars with
// halves kept.
const (
	jsonFormat  = "bookcase"
	jsonVersion = 1
)

// jsonDocument is the top of the export; its books follow, written one at a time.
type jsonDocument struct {
	Format     string      `json:"format"`
	Version    int         `json:"version"`
	ExportedAt string      `json:"exported_at"`
	Shelves    []jsonShelf `json:"shelves"`
}

type jsonShelf struct {
	Name     string `json:"name"`
	Position int    `json:"position"`
}

// jsonBook is one book of the export.
type jsonBook struct {
	// ID is the book's id in the library it was exported from; an import does not keep it.
	ID     int64  `json:"id"`
	Title  string `json:"title"`
	Author string `json:"author"`
	// Contributors are the book's authors and contributors in order: the author text above is
	// theirs, as the library shows it.
	Contributors []jsonContributor `json:"contributors,omitempty"`
	Genre        string            `json:"genre"`
	Status       string            `json:"status"`
	// Format is paperback, hardcover, ebook, audiobook or other (absent in exports made before
	// formats: a paperback). A book's length is Pages, or Minutes for an audiobook.
	Format  string   `json:"format,omitempty"`
	Pages   *int     `json:"pages"`
	Minutes *int     `json:"minutes,omitempty"`
	Rating  *float64 `json:"rating"`
	Notes   string   `json:"notes"`
	// Review is what the reader would share, and Spoiler whether it gives the story away;
	// notes are private. Both absent when there is no review.
	Review       string            `json:"review,omitempty"`
	Spoiler      bool              `json:"spoiler,omitempty"`
	ISBN         *string           `json:"isbn"`
	CreatedAt    string            `json:"created_at"`
	UpdatedAt    string            `json:"updated_at"`
	Shelves      []string          `json:"shelves"`
	ReadThroughs []jsonReadThrough `json:"read_throughs"`
	Progress     []jsonProgress    `json:"progress"`
	// Cover is the book's cover as Bookcase stored it, absent when it has none.
	Cover *jsonCover `json:"cover,omitempty"`
	// Edition is the book's edition facts, absent when none is known.
	Edition *jsonEdition `json:"edition,omitempty"`
	// Series are the book's series, by name, absent when it is in none.
	Series []jsonSeries `json:"series,omitempty"`
}

// jsonSeries is a book's place in a series: the series' name, and the position as printed ("1",
// "0.5", "1-3"), absent when the book has none.
type jsonSeries struct {
	Name     string `json:"name"`
	Position string `json:"position,omitempty"`
}

// jsonContributor is one of a book's contributors: the name, the name the library files them
// under, and the role (author, translator, editor, illustrator or narrator).
type jsonContributor struct {
	Name     string `json:"name"`
	SortName string `json:"sort_name"`
	Role     string `json:"role"`
}

// jsonEdition is a book's edition facts, each absent when not known: years before Christ are
// negative (-750 is 750 BC), the language a BCP 47 tag.
type jsonEdition struct {
	Publisher    string `json:"publisher,omitempty"`
	Year         int    `json:"year,omitempty"`
	OriginalYear int    `json:"original_year,omitempty"`
	Language     string `json:"language,omitempty"`
	Copies       int    `json:"copies,omitempty"`
	GoodreadsID  string `json:"goodreads_id,omitempty"`
	StoryGraphID string `json:"storygraph_id,omitempty"`
}

// jsonCover is a cover's two pictures, JPEG in base64, as Bookcase wrote them: an import keeps
// them byte for byte, so the round trip is exact.
type jsonCover struct {
	Small string `json:"small"`
	Large string `json:"large"`
}

// jsonReadThrough is one reading. A date the reader does not know is null, as is the finish of
// a reading still open.
type jsonReadThrough struct {
	StartedOn     *string `json:"started_on"`
	FinishedOn    *string `json:"finished_on"`
	Outcome       string  `json:"outcome"`
	StoppedAtPage *int    `json:"stopped_at_page"`
}

type jsonProgress struct {
	Page       int     `json:"page"`
	Percent    float64 `json:"percent"`
	RecordedAt string  `json:"recorded_at"`
}

// jsonTime writes a time as the export does.
func jsonTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// JSONWriter writes Bookcase's JSON export a book at a time, so an export of any size is never
// held in memory: NewJSONWriter writes the header and shelves, Write each book, Close the end.
type JSONWriter struct {
	w     io.Writer
	enc   *json.Encoder
	first bool
}

// NewJSONWriter starts an export made at exportedAt of a library with the given shelves.
func NewJSONWriter(w io.Writer, exportedAt time.Time, shelves []data.Shelf) (*JSONWriter, error) {
	doc := jsonDocument{Format: jsonFormat, Version: jsonVersion, ExportedAt: jsonTime(exportedAt), Shelves: make([]jsonShelf, len(shelves))}
	for i, sh := range shelves {
		doc.Shelves[i] = jsonShelf{Name: sh.Name, Position: sh.Position}
	}
	head, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	// Reopen the object to add "books": the header is small, the books are streamed.
	if _, err := w.Write(head[:len(head)-1]); err != nil {
		return nil, err
	}
	if _, err := io.WriteString(w, `,"books":[`); err != nil {
		return nil, err
	}
	return &JSONWriter{w: w, enc: json.NewEncoder(w), first: true}, nil
}

// Write adds one book.
func (jw *JSONWriter) Write(b data.ExportBook) error {
	if !jw.first {
		if _, err := io.WriteString(jw.w, ","); err != nil {
			return err
		}
	}
	jw.first = false
	return jw.enc.Encode(newJSONBook(b))
}

// Close ends the document (it does not close the writer underneath).
func (jw *JSONWriter) Close() error {
	_, err := io.WriteString(jw.w, "]}\n")
	return err
}

// newJSONBook is an exported book in its JSON form.
func newJSONBook(b data.ExportBook) jsonBook {
	out := jsonBook{
		ID: b.ID, Title: b.Title, Author: b.Author, Genre: b.Genre, Status: string(b.Status), Notes: b.Notes,
		Review: b.Review, Spoiler: b.Spoiler,
		CreatedAt: jsonTime(b.CreatedAt), UpdatedAt: jsonTime(b.UpdatedAt), Shelves: b.Shelves,
		ReadThroughs: make([]jsonReadThrough, len(b.ReadThroughs)),
		Progress:     make([]jsonProgress, len(b.Progress)),
	}
	if out.Shelves == nil {
		out.Shelves = []string{}
	}
	for _, c := range b.Contributors {
		out.Contributors = append(out.Contributors, jsonContributor{Name: c.Name, SortName: c.SortName, Role: string(c.Role)})
	}
	out.Format = string(b.Format)
	switch {
	case b.Pages > 0 && b.Format.Timed():
		out.Minutes = &b.Pages
	case b.Pages > 0:
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
		r := jsonReadThrough{Outcome: string(rt.Outcome)}
		if rt.StartedOn != nil {
			st := rt.StartedOn.Format(time.DateOnly)
			r.StartedOn = &st
		}
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
		out.Progress[i] = jsonProgress{Page: p.Page, Percent: p.Percent, RecordedAt: jsonTime(p.RecordedAt)}
	}
	if b.CoverLarge != nil {
		out.Cover = &jsonCover{Small: base64.StdEncoding.EncodeToString(b.CoverSmall), Large: base64.StdEncoding.EncodeToString(b.CoverLarge)}
	}
	if e := b.Edition; e != (data.Edition{}) {
		out.Edition = &jsonEdition{
			Publisher: e.Publisher, Year: e.Year, OriginalYear: e.OriginalYear, Language: e.Language,
			Copies: e.Copies, GoodreadsID: e.GoodreadsID, StoryGraphID: e.StoryGraphID,
		}
	}
	for _, s := range b.Series {
		out.Series = append(out.Series, jsonSeries{Name: s.Name, Position: s.Position})
	}
	return out
}
