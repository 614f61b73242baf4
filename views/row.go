package views

import (
	"context"
	"io"
	"strconv"

	"github.com/a-h/templ"

	"github.com/bookcase/bookcase/data"
)

// bookRow is a book's row in the library (BookRow), with the page's anti-forgery token, which
// only the progress form of a book being read carries (for readers without JavaScript; htmx
// sends the page's token as a header).
// A library page has fifty rows, so a row carries nothing it can do without (a row was 1.4 KB,
// and is about 0.55 KB): the title is the row's header, so Edit and Delete need no label of
// their own; they, the status, the progress and the rating are links to pages of their own
// without JavaScript, which app.js opens in the row (one listener: an hx-get on each was 2.6 KB
// of the page, and Delete's hx-delete 1.3 KB; app.js posts to Delete's link, as its page's form
// does); the row's book is told by its id (book-42), the cells are styled by their column
// (app.css), and the star of a rating is drawn by CSS. Its links are told apart by what they do
// (td.status > a, a[href$="/edit"], a[href$="/delete"]), not by attributes of their own: with
// its cover, a row is to stay within its share of the page's 40 KB (TestLibraryPageWeight).
//
// Fifty rows are rendered for every page, so the row is written here rather than in templ: its
// markup as constant strings, its book's strings escaped once by templ's own function, its
// addresses written in their parts (bookPathPrefix, the id, the end) rather than built. templ
// made a page's rows some 930 allocations (each attribute's value boxed to be resolved, each
// address built, a context and a closure for each component); written so,
// a row makes one (its id, formatted), and one more for each of its series.
// BenchmarkBookRows, run side by side: 931 → 61 allocations, 22 → 0.7 KB, 89–156 → 36–46 µs.
//
// The status is a link that opens the row's status menu (StatusMenuRow): a choice is saved when
// it is clicked or Enter is pressed on it, never while the reader moves through the choices.
//
// A row is one line high whatever its book: long text is cut short by app.css (the whole of it
// in the cell's title when it may not fit, and on the book's page), and a book being read shows
// its progress as a small bar, a link that opens the progress input in the row (ProgressRow; p
// on the current row). The row with its progress input open is progressRow's.
type bookRow struct {
	b     *Book
	token string
}

// The most bytes of a title, an author and a genre that fit their columns at the widths app.css
// gives them; longer ones get the whole text in the cell's title.
const titleFits, authorFits, genreFits = 26, 18, 12

// Render writes the row.
func (r bookRow) Render(ctx context.Context, w io.Writer) error {
	b := r.b
	if b.ProgressOpen || b.ProgressError != "" {
		return progressRow(b, r.token).Render(ctx, w)
	}
	id := strconv.FormatInt(b.ID, 10)
	h := markup{w: w}
	h.write(`<tr id="`, rowIDPrefix, id, `" class="book"><th scope="row" class="title">`)
	h.err = rowCover(b.Cover).Render(ctx, w)
	h.link(id, "", b.Focus == FocusTitle)
	title := templ.EscapeString(b.Title)
	h.cut(b.Title, title, titleFits)
	h.write(">", title, "</a>")
	// The book's series, under its title (a space after each: templ wrote one).
	for _, s := range b.Series {
		h.write(`<a class="series" href="`, seriesPathPrefix, strconv.FormatInt(s.ID, 10), `">`)
		h.text(s.Label)
		h.write("</a> ")
	}
	if b.Split != nil && h.err == nil {
		h.err = rowSplit(b).Render(ctx, w)
	}
	h.write("</th>")
	h.cell(b.Author, authorFits)
	h.cell(b.Genre, genreFits)
	// What follows the status link (the progress) is on its line: templ wrote a space after an
	// inline element that ended a line, a byte a row the page's 40 KB had little room for.
	h.write(`<td class="status">`)
	h.link(id, bookStatusEnd, b.Focus == FocusStatus)
	h.write(">")
	h.text(statusLabel(b.Status))
	h.write("</a>")
	if b.Status == string(data.StatusReading) {
		h.progressLink(id, b)
	}
	h.write("</td><td>")
	// The rating: a link to the book's rating page, which htmx opens in the row instead
	// (app.js: a click, or r on the current row). Unrated, it is empty and named Rate, which
	// app.css shows.
	h.link(id, bookRatingEnd, false)
	if b.Rating == "" {
		h.write(` aria-label="Rate">`)
	} else {
		h.write(">")
		h.text(b.Rating)
	}
	h.write("</a></td><td>")
	h.text(b.AddedShort)
	h.write("</td><td>")
	h.text(b.FinishedShort)
	h.write("</td><td>")
	h.link(id, bookEditEnd, b.Focus == FocusEdit)
	h.write(">Edit</a>")
	h.link(id, bookDeleteEnd, false)
	h.write(">Delete</a></td></tr>")
	return h.err
}

// progressLink is how far into a book being read the reader is, compactly (a small bar and the
// percentage), as the link that opens the progress input: in the row with htmx, on a page of its
// own without JavaScript.
func (h *markup) progressLink(id string, b *Book) {
	percent := strconv.Itoa(b.Progress.Percent)
	h.write(`<a class="pg" href="`, bookPathPrefix, id, bookProgressEnd, `" aria-label="`, percent, `% read, update progress (`)
	h.text(b.Progress.Label)
	h.write(`)"`)
	if b.Focus == FocusProgress {
		h.write(" autofocus")
	}
	h.write(`><progress max="100" value="`, percent, `" aria-label="`)
	h.text(b.Progress.Label)
	h.write(`"></progress>`, percent, "%</a>")
}

// rowCover is the small cover at the start of a book's row (and in the Currently reading strip
// and the rows whose controls are open): the picture, loaded when the row scrolls into view, at
// a fixed size (app.css) so the rows do not move as pictures arrive; or the placeholder, whose
// initials CSS draws from data-i with an empty alternative text, so they are no part of the
// row's text for a screen reader. Fifty of these are on a library page, which is to stay under
// 40 KB: hence the terse markup, styled by its place (th.title img, th.title i). Written as the
// row is (a conversion, @rowCover(c), boxes nothing).
type rowCover CoverView

// Render writes the cover.
func (c rowCover) Render(_ context.Context, w io.Writer) error {
	h := markup{w: w}
	if c.URL != "" {
		// templ's sanitising of a URL attribute: a javascript: address is written as about:invalid.
		h.write(`<img src="`)
		h.text(string(templ.URL(c.URL)))
		h.write(`" alt="" loading="lazy">`)
	} else {
		h.write(`<i data-t="`)
		h.text(c.Tone)
		h.write(`" data-i="`)
		h.text(c.Initials)
		h.write(`"></i>`)
	}
	return h.err
}

// markup writes HTML to w, the markup as given and text escaped by templ's own function, keeping
// the first error (what follows it is not written). Nothing it writes is boxed or joined: the
// parts are written one after the other.
type markup struct {
	w   io.Writer
	err error
}

// write writes parts as they are: markup, never text from a reader (text escapes that).
func (h *markup) write(parts ...string) {
	for _, p := range parts {
		if h.err != nil {
			return
		}
		_, h.err = io.WriteString(h.w, p)
	}
}

// text writes s escaped, as templ's { s } does in text and in a quoted attribute.
func (h *markup) text(s string) {
	h.write(templ.EscapeString(s))
}

// link opens a link to the book id's address followed by end (bookPath), focused when focus is
// set; its other attributes and the tag's end are the caller's.
func (h *markup) link(id, end string, focus bool) {
	h.write(`<a href="`, bookPathPrefix, id, end, `"`)
	if focus {
		h.write(" autofocus")
	}
}

// cut writes, in the tag being opened, the whole of s (esc, escaped) as its title when it is
// longer than fits bytes (app.css cuts it short on one line).
func (h *markup) cut(s, esc string, fits int) {
	if len(s) > fits {
		h.write(` title="`, esc, `"`)
	}
}

// cell writes a text cell (<td>) of s, with the whole of it in the cell's title when it is longer
// than fits its column.
func (h *markup) cell(s string, fits int) {
	esc := templ.EscapeString(s)
	h.write("<td")
	h.cut(s, esc, fits)
	h.write(">", esc, "</td>")
}
