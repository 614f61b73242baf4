package exchange

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bookcase/bookcase/data"
)

// lineCounter counts the new lines read through it, so a book's line can be told from how much
// of what was read the decoder has not used yet. It also bounds what one value may take: the
// decoder holds a whole value in memory, so after allow(n) it fails with errValueTooLarge once
// more than n bytes have been read for it.
type lineCounter struct {
	r     io.Reader
	lines int
	left  int
}

// readChunk is the most one Read takes from the file, so that what the decoder reads ahead of a
// value counts little against that value's allowance.
const readChunk = 64 << 10

// errValueTooLarge is a JSON value longer than its allowance.
var errValueTooLarge = errors.New("importer: value too large")

// allow lets the next value take up to n bytes (and the decoder read a chunk beyond it).
func (c *lineCounter) allow(n int) { c.left = n + readChunk }

func (c *lineCounter) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, errValueTooLarge
	}
	if len(p) > readChunk {
		p = p[:readChunk]
	}
	n, err := c.r.Read(p)
	c.lines += bytes.Count(p[:n], []byte("\n"))
	c.left -= n
	return n, err
}

// msgDamagedJSON is for a JSON file that stops being JSON.
const msgDamagedJSON = "The file is damaged (it is not complete JSON): export it from Bookcase again."

// parseJSON reads Bookcase's JSON export a book at a time, so memory does not grow with the file
// beyond the rows themselves.
func parseJSON(ctx context.Context, br *bufio.Reader, res *Result) (*Result, error) {
	lc := &lineCounter{r: br}
	lc.allow(MaxBookSize)
	dec := json.NewDecoder(lc)
	fail := func(err error) error {
		var fe *FileError
		if errors.As(err, &fe) {
			return fe
		}
		if errors.Is(err, errValueTooLarge) {
			return fileError(ErrBookTooLarge, "The file has a value longer than "+sizeText(MaxBookSize)+
				" near line "+strconv.Itoa(lc.lines)+", the most Bookcase reads for one book: export it from Bookcase again.")
		}
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return err
		}
		if _, ok := errors.AsType[*json.SyntaxError](err); ok || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return fileError(ErrDamaged, msgDamagedJSON)
		}
		if _, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
			return fileError(ErrUnknownFormat, msgUnknown)
		}
		return err
	}
	if _, err := dec.Token(); err != nil { // the opening {, which Parse has seen
		return nil, fail(err)
	}
	res.Format = FormatBookcaseJSON
	var format string
	var version int
	for dec.More() {
		lc.allow(MaxBookSize)
		tok, err := dec.Token()
		if err != nil {
			return nil, fail(err)
		}
		key, _ := tok.(string)
		switch key {
		case "format":
			if err := dec.Decode(&format); err != nil {
				return nil, fail(err)
			}
		case "version":
			if err := dec.Decode(&version); err != nil {
				return nil, fail(err)
			}
		case "shelves":
			var shelves []struct {
				Name     string `json:"name"`
				Position int    `json:"position"`
			}
			if err := dec.Decode(&shelves); err != nil {
				return nil, fail(err)
			}
			slices.SortStableFunc(shelves, func(a, b struct {
				Name     string `json:"name"`
				Position int    `json:"position"`
			}) int {
				return cmp.Compare(a.Position, b.Position)
			})
			seen := make(map[string]bool, len(shelves))
			for _, sh := range shelves {
				name := data.NormalizeShelfName(sh.Name)
				if key := data.ShelfKey(name); name != "" && !seen[key] && res.addShelf(key, -1) {
					seen[key] = true
					res.Shelves = append(res.Shelves, name)
				}
			}
			if err := res.shelvesError(); err != nil {
				return nil, err
			}
		case "books":
			if format != jsonFormat {
				return nil, fileError(ErrUnknownFormat, msgUnknown)
			}
			if version != jsonVersion {
				return nil, fileError(ErrUnknownFormat, "This Bookcase export is version "+strconv.Itoa(version)+", which this Bookcase cannot read: it reads version "+strconv.Itoa(jsonVersion)+".")
			}
			if err := readBooks(ctx, dec, lc, res); err != nil {
				return nil, fail(err)
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, fail(err)
			}
		}
	}
	if _, err := dec.Token(); err != nil { // the closing }
		return nil, fail(err)
	}
	if format != jsonFormat {
		return nil, fileError(ErrUnknownFormat, msgUnknown)
	}
	return res, nil
}

// readBooks reads the books array, each book allowed MaxBookSize bytes.
func readBooks(ctx context.Context, dec *json.Decoder, lc *lineCounter, res *Result) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return fileError(ErrDamaged, msgDamagedJSON)
	}
	for dec.More() {
		if err := ctx.Err(); err != nil {
			return err
		}
		line := nextLine(dec, lc)
		// A book is read whole first, so a bad value in it is a problem of that row only.
		var raw json.RawMessage
		lc.allow(MaxBookSize)
		if err := dec.Decode(&raw); errors.Is(err, errValueTooLarge) {
			return fileError(ErrBookTooLarge, "The book on line "+strconv.Itoa(line)+" is longer than "+sizeText(MaxBookSize)+
				", the most Bookcase reads for one book: shorten its notes.")
		} else if err != nil {
			return err
		}
		var jb jsonBook
		b := &rowBuilder{row: Row{Line: line}, res: res}
		if err := json.Unmarshal(raw, &jb); err != nil {
			if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
				b.problem(te.Field, te.Value, "This value has the wrong type (expected "+te.Type.String()+").")
			} else {
				b.problem("", "", "This book is not written as Bookcase writes books.")
			}
		}
		jsonRow(b, jb)
		if err := res.shelvesError(); err != nil {
			return err
		}
		if err := res.add(b.row); err != nil {
			return err
		}
	}
	lc.allow(MaxBookSize)
	_, err = dec.Token() // the closing ]
	return err
}

// nextLine is the line on which the decoder's next value starts.
func nextLine(dec *json.Decoder, lc *lineCounter) int {
	buffered, _ := io.ReadAll(dec.Buffered())
	ahead := bytes.Count(buffered, []byte("\n"))
	skipped := bytes.TrimLeft(buffered, " \t\r\n,")
	ahead -= bytes.Count(buffered[:len(buffered)-len(skipped)], []byte("\n"))
	return lc.lines - ahead + 1
}

// jsonRow maps a book of the JSON export, which holds Bookcase's own values.
func jsonRow(b *rowBuilder, jb jsonBook) {
	b.row.Title, b.row.Author, b.row.Genre = b.cell("title", jb.Title), b.cell("author", jb.Author), b.cell("genre", jb.Genre)
	b.row.Notes = strings.TrimSpace(b.cell("notes", jb.Notes))
	b.row.Review = strings.TrimSpace(b.cell("review", jb.Review))
	b.row.Spoiler = jb.Spoiler && b.row.Review != ""
	b.row.Contributors = jsonContributors(b, jb.Contributors)
	if jb.Status != "" {
		st, err := data.ParseStatus(jb.Status)
		if err != nil {
			b.problem("status", jb.Status, fieldMessage(err, "status", "This is not a status."))
		}
		b.row.Status = st
	}
	if jb.Format != "" {
		f, err := data.ParseFormat(jb.Format)
		if err != nil {
			b.problem("format", jb.Format, fieldMessage(err, "format", "This is not a format."))
		}
		b.row.Format = f
	}
	if jb.Minutes != nil {
		// An audiobook's length (its pages, as the database keeps it).
		if *jb.Minutes < 0 || *jb.Minutes > data.MaxMinutes || !b.row.Format.Timed() {
			b.problem("minutes", strconv.Itoa(*jb.Minutes), "An audiobook's length is a whole number of minutes from 1 to "+strconv.Itoa(data.MaxMinutes)+".")
		} else {
			b.row.Pages = *jb.Minutes
		}
	}
	if jb.Pages != nil {
		if *jb.Pages < 0 || *jb.Pages > data.MaxPages {
			b.problem("pages", strconv.Itoa(*jb.Pages), "The number of pages should be a whole number from 1 to "+strconv.Itoa(data.MaxPages)+".")
		} else {
			b.row.Pages = *jb.Pages
		}
	}
	if jb.Rating != nil {
		half := *jb.Rating * 2
		if half != math.Trunc(half) || half < 0 || half > float64(data.MaxRating) {
			b.problem("rating", strconv.FormatFloat(*jb.Rating, 'f', -1, 64), "A rating is 0.5 to 5 stars, in half stars.")
		} else {
			b.row.Rating = data.Rating(half)
		}
	}
	if jb.ISBN != nil {
		b.row.ISBN = b.isbn(*jb.ISBN, "isbn")
	}
	if jb.CreatedAt != "" {
		if d, err := time.Parse(time.RFC3339, jb.CreatedAt); err != nil {
			b.problem("created_at", jb.CreatedAt, "A time is written like 2024-05-01T10:00:00Z.")
		} else {
			d = d.UTC()
			b.row.DateAdded = &d
		}
	}
	if jb.UpdatedAt != "" {
		if d, err := time.Parse(time.RFC3339, jb.UpdatedAt); err != nil {
			b.problem("updated_at", jb.UpdatedAt, "A time is written like 2024-05-01T10:00:00Z.")
		} else {
			d = d.UTC()
			b.row.DateUpdated = &d
		}
	}
	for _, s := range jb.Shelves {
		b.addShelf("shelves", s)
	}
	for _, rt := range jb.ReadThroughs {
		b.readThrough(rt)
	}
	for _, p := range jb.Progress {
		if p.Page < 0 || p.Page > data.MaxPages || p.Percent < 0 || p.Percent > 100 || math.IsNaN(p.Percent) {
			b.problem("progress", strconv.Itoa(p.Page), "A progress update is a page from 0 to "+strconv.Itoa(data.MaxPages)+" or a percentage from 0 to 100.")
			continue
		}
		at, err := time.Parse(time.RFC3339, p.RecordedAt)
		if err != nil {
			b.problem("progress", p.RecordedAt, "A time is written like 2024-05-01T10:00:00Z.")
			continue
		}
		b.row.Progress = append(b.row.Progress, data.Progress{Page: p.Page, Percent: p.Percent, RecordedAt: at.UTC()})
	}
	if jb.Cover != nil {
		small, err1 := base64.StdEncoding.DecodeString(jb.Cover.Small)
		large, err2 := base64.StdEncoding.DecodeString(jb.Cover.Large)
		if err := errors.Join(err1, err2, data.CheckCover(small, large)); err != nil {
			b.problem("cover", "", "The cover is not a picture as Bookcase writes covers: export the library again, or remove the cover from the file.")
		} else {
			b.row.CoverSmall, b.row.CoverLarge = small, large
		}
	}
	if e := jb.Edition; e != nil {
		number := func(n int) string {
			if n == 0 {
				return ""
			}
			return strconv.Itoa(n)
		}
		b.edition(data.EditionInput{
			Publisher: b.cell("edition.publisher", e.Publisher), Year: number(e.Year), OriginalYear: number(e.OriginalYear),
			Language: b.cell("edition.language", e.Language), Copies: number(e.Copies),
			GoodreadsID: b.cell("edition.goodreads_id", e.GoodreadsID), StoryGraphID: b.cell("edition.storygraph_id", e.StoryGraphID),
		}, map[string]string{
			"publisher": "edition.publisher", "year": "edition.year", "original_year": "edition.original_year",
			"language": "edition.language", "copies": "edition.copies", "goodreads_id": "edition.goodreads_id",
			"storygraph_id": "edition.storygraph_id",
		})
	}
	if len(jb.Series) > 0 {
		refs := make([]data.SeriesRef, len(jb.Series))
		for i, s := range jb.Series {
			refs[i] = data.SeriesRef{Name: b.cell("series", s.Name), Position: b.cell("series", s.Position)}
		}
		if checked, err := data.CheckSeries(refs); err != nil {
			// Kept as the file has them, for the reader to fix.
			b.problem("series", data.FormatSeriesList(refs), fieldMessage(err, data.FieldSeriesList, "This is not a series."))
			b.row.Series = refs
		} else {
			b.row.Series = checked
		}
	}
	b.validate("title", "author")
}

// readThrough maps one reading, whose dates may be null (or empty) for unknown; the last
// finished read gives DateRead.
func (b *rowBuilder) readThrough(rt jsonReadThrough) {
	var out data.ReadThrough
	if rt.StartedOn != nil && *rt.StartedOn != "" {
		start, ok := parseDate(*rt.StartedOn)
		if !ok {
			b.problem("read_throughs", *rt.StartedOn, msgDate)
			return
		}
		out.StartedOn = &start
	}
	outcome, err := data.ParseStatus(rt.Outcome)
	if err != nil || outcome == data.StatusWant {
		b.problem("read_throughs", rt.Outcome, "A reading ends in reading, read or dnf.")
		return
	}
	out.Outcome = outcome
	if rt.FinishedOn != nil && *rt.FinishedOn != "" {
		end, ok := parseDate(*rt.FinishedOn)
		if !ok || out.StartedOn != nil && end.Before(*out.StartedOn) {
			b.problem("read_throughs", *rt.FinishedOn, "A reading's finish date is a date on or after its start.")
			return
		}
		if outcome == data.StatusReading {
			b.problem("read_throughs", *rt.FinishedOn, "A reading still being read has no finish date.")
			return
		}
		out.FinishedOn = &end
	}
	if outcome == data.StatusRead {
		b.row.ReadCount++
		if end := out.FinishedOn; end != nil && (b.row.DateRead == nil || !end.Before(*b.row.DateRead)) {
			b.row.DateRead = end
			b.row.DateStarted = out.StartedOn
		}
	}
	if rt.StoppedAtPage != nil && *rt.StoppedAtPage > 0 && *rt.StoppedAtPage <= data.MaxPages {
		out.StoppedAtPage = *rt.StoppedAtPage
	}
	b.row.ReadThroughs = append(b.row.ReadThroughs, out)
}

// jsonContributors reads a book's contributors, with their sort names and roles; a name empty or
// too long, an unknown role, or too many of them are the row's problems.
func jsonContributors(b *rowBuilder, in []jsonContributor) []data.Contributor {
	if len(in) == 0 {
		return nil
	}
	if len(in) > data.MaxContributors {
		b.problem("contributors", strconv.Itoa(len(in)), "A book can have at most "+strconv.Itoa(data.MaxContributors)+" contributors.")
		return nil
	}
	out := make([]data.Contributor, 0, len(in))
	for _, jc := range in {
		name := strings.Join(strings.Fields(b.cell("contributors", jc.Name)), " ")
		sortName := strings.Join(strings.Fields(b.cell("contributors", jc.SortName)), " ")
		role, ok := data.ParseRole(jc.Role)
		if strings.TrimSpace(jc.Role) == "" {
			role, ok = data.RoleAuthor, true
		}
		switch {
		case name == "" || utf8.RuneCountInString(name) > data.MaxAuthorNameLen:
			b.problem("contributors", jc.Name, "A contributor's name is from 1 to "+strconv.Itoa(data.MaxAuthorNameLen)+" characters.")
			return nil
		case !ok:
			b.problem("contributors", jc.Role, "This is not a role: author, translator, editor, illustrator or narrator.")
			return nil
		}
		if sortName == "" || utf8.RuneCountInString(sortName) > data.MaxAuthorNameLen {
			sortName = data.SortName(name)
		}
		out = append(out, data.Contributor{Name: name, SortName: sortName, Role: role})
	}
	return out
}
