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
