package views

import (
	"context"
	"io"

	"github.com/a-h/templ"
)

// text is a string as HTML text, escaped by templ's own function, for the library rows:
// `@text(s)` writes it as `{ s }` does, without the two allocations templ makes for every text
// expression (it formats the value with fmt.Sprint, a copy of the string in an interface). A
// page of fifty rows has some 350 of them. Generated code calls Render on the string's own type,
// so nothing is boxed either.
type text string

// Render writes the text, escaped.
func (t text) Render(_ context.Context, w io.Writer) error {
	_, err := io.WriteString(w, templ.EscapeString(string(t)))
	return err
}

// cellText is a library row's text cell (<td>): the text, escaped, and, when it is longer than
// fits its column (more than fits bytes: app.css cuts it short on one line), the whole of it in the
// cell's title as well. Written as text is, without templ's allocations for an attribute and a
// text expression: half the rows of a page may carry one.
type cellText struct {
	s    string
	fits int
}

// Render writes the cell.
func (c cellText) Render(_ context.Context, w io.Writer) error {
	s := templ.EscapeString(c.s)
	parts := [...]string{"<td", "", "", "", ">", s, "</td>"}
	if len(c.s) > c.fits {
		parts[1], parts[2], parts[3] = ` title="`, s, `"`
	}
	return writeAll(w, parts[:])
}

// titleLink is the link of a library row's title to its book's page (href, a URL built by
// BookURL), focused when focus is set, with the whole title in its title attribute when it is
// longer than fits bytes (app.css cuts it short). Written as cellText is.
type titleLink struct {
	href, title string
	fits        int
	focus       bool
}

// Render writes the link.
func (l titleLink) Render(_ context.Context, w io.Writer) error {
	s := templ.EscapeString(l.title)
	parts := [...]string{`<a href="`, templ.EscapeString(l.href), `"`, "", "", "", "", ">", s, "</a>"}
	if l.focus {
		parts[3] = " autofocus"
	}
	if len(l.title) > l.fits {
		parts[4], parts[5], parts[6] = ` title="`, s, `"`
	}
	return writeAll(w, parts[:])
}

// writeAll writes each of parts, one after the other (none is joined: a join would allocate).
func writeAll(w io.Writer, parts []string) error {
	for _, p := range parts {
		if p == "" {
			continue
		}
		if _, err := io.WriteString(w, p); err != nil {
			return err
		}
	}
	return nil
}
