// Package views holds the templ components of Bookcase: the layout, the pages, and one component
// per htmx swap unit. Components take the view models defined here, never database rows.
package views

import (
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/bookcase/bookcase/data"
)

// Meta is what every full page needs besides its content.
type Meta struct {
	Title  string
	Assets Assets
	// User is the signed-in reader's username, or "" on the sign-in pages.
	User string
}

// Assets are the versioned URLs of the embedded static files.
type Assets struct {
	CSS  string
	HTMX string
	App  string
	// Icon is the SVG icon, for the browser's tab; TouchIcon the 192 px PNG, for home screens
	// that do not read the manifest (iOS).
	Icon      string
	TouchIcon string
}

// Book is a book as the pages show it.
type Book struct {
	ID     int64
	Title  string
	Author string
	Genre  string
	// Added is the date the book was added, as its page shows it ("14 March 2025").
	Added string
	// AddedShort and FinishedShort are the dates the book was added and last finished (""
	// when never) as the table shows them ("14 Mar 2025").
	AddedShort, FinishedShort string
	// Rating is the rating in stars ("4.5"), or "" when unrated.
	Rating string
	// Status is the reading status ("want", "reading", "read" or "dnf").
	Status string
	// Timed is true for an audiobook: its progress is a time.
	Timed bool
	// Progress is where the reader is in the book, shown only while it is being read.
	Progress Progress
	// ProgressOpen shows the progress input in the row (opened with p, or the progress link);
	// a rejected update (ProgressError) shows it too.
	ProgressOpen bool
	// ProgressInput and ProgressError are a rejected progress update, as typed, and why.
	ProgressInput string
	ProgressError string
	// Focus is the control of the book's row that takes the focus when htmx swaps the row in
	// (autofocus), or "" for none.
	Focus Focus
	// Cover is the book's small cover, or its placeholder.
	Cover CoverView
	// Series are the book's series, shown under its title; Split, on the row of a book just
	// added, the series split off the title as typed, which the row offers to put back.
	Series []SeriesLabel
	Split  *SeriesSplit
}

// Focus names a control of a book's row, to be focused when the row is swapped in.
type Focus string

// The controls of a book's row that can take the focus.
const (
	FocusTitle    Focus = "title"
	FocusStatus   Focus = "status"
	FocusProgress Focus = "progress"
	FocusEdit     Focus = "edit"
)

// ParseFocus reads a row's control from a URL parameter; anything else is "" (no focus).
func ParseFocus(s string) Focus {
	switch f := Focus(s); f {
	case FocusTitle, FocusStatus, FocusProgress, FocusEdit:
		return f
	}
	return ""
}

// Progress is how far a reader is into a book: Percent of the way (0 to 100) and a label that
// says it in words ("Page 120 of 350 (34%)").
type Progress struct {
	Percent int
	Label   string
}

// StatusChoice is one reading status a reader can pick.
type StatusChoice struct {
	Value string
	Label string
}

// Filter is one tab of the library page: a status or a shelf, with how many books it holds.
type Filter struct {
	Label  string
	URL    string
	Count  int
	Active bool
}

// Filters are the library's tabs: All and one per status, then one per shelf.
type Filters struct {
	Statuses []Filter
	Shelves  []Filter
}

// ReadingNow is a book being read, for the "Currently reading" strip.
type ReadingNow struct {
	ID       int64
	Title    string
	Progress Progress
	Cover    CoverView // small
}

// BookForm is a create or edit form: what the reader typed and, after a failed submission, what
// is wrong with each field.
type BookForm struct {
	ID     int64 // 0 for a new book
	Title  string
	Author string
	Genre  string
	// Status is the reading status chosen in the new-book row.
	Status string
	// Format is the book's format (data.Format), chosen in the edit row.
	Format string
	Errors map[string]string
	// Unfocused leaves the focus where it is when the form is shown: the new-book row comes with
	// every search result, and must not take the focus from the search box.
	Unfocused bool
	// Lookup is the catalogue's part of the new-book row.
	Lookup Lookup
}

// Library is the library page: the newest books, the total, and where the next page starts.
type Library struct {
	Books []Book
	Count int
	// MoreURL is the link to the next page in the view's order, or "" on the last page.
	MoreURL string
	// MoreCursor is where the next page starts (the cursor in MoreURL).
	MoreCursor string
	// Older is true when the page is not the first (a "Load more" page without JavaScript), and
	// FirstURL is the view's first page.
	Older    bool
	FirstURL string
	New      BookForm
	// Deleted is the book just deleted by a plain form, offered for Undo.
	Deleted *Book
	Filters Filters
	// Query is the view: search, filters and order, as the search form keeps them.
	Query LibraryQuery
	// Search is what the books were searched for; Filtered is true when anything narrows the
	// view; Matches says how many books match a search or a filter (genre, format, language) ("12 books match").
	Search   string
	Filtered bool
	Matches  string
	// Headers are the sortable column headings: title, author, progress, rating, added, finished.
	Headers []SortHeader
	// Density is how closely the reader likes the rows set ("comfortable" or "compact").
	Density string
	// OrderLabel says the order in words, for the table's caption ("by title, A to Z").
	OrderLabel string
	// Reading is the "Currently reading" strip, empty when no book is being read.
	Reading []ReadingNow
	// Problem explains a part of the URL that could not be applied (an unknown status or order).
	Problem string
	// Finished says which span the view keeps the books finished in, Label "" when none.
	Finished FinishedFilter
}

// FinishedFilter is the library's filter by when a reading ended, in words ("Finished in March
// 2026"), and the view without it.
type FinishedFilter struct {
	Label, ClearURL string
}

// LibraryQuery is the library view as URL parameters, for the search form; "" leaves one out.
type LibraryQuery struct {
	Search string
	Genre  string
	// Genres are the reader's genres, for the genre filter.
	Genres []string
	// Format is a format's name, Language a language tag; Languages the languages of the
	// reader's books, by name, for the language filter.
	Format    string
	Language  string
	Languages []Choice
	// Finished is the span of the finished filter ("2026-03"), "" for none.
	Finished string
	// Read is the span of the read filter, Rating the rating filter's stars; "" for none.
	Read, Rating string
	Status       string
	Shelf        string
	// Order is the view's order as the order select sends it ("title", "title-desc"), one of
	// Orders: every order in its own direction, and the view's when it runs the other way.
	Order  string
	Orders []Choice
}

// Narrowed reports whether a search, genre, format or language narrows the view (the status and
// shelf are the tabs).
func (q LibraryQuery) Narrowed() bool {
	return q.Search != "" || q.Genre != "" || q.Format != "" || q.Language != ""
}

// Choice is an option of a select: the value it sends and the label it shows.
type Choice struct{ Value, Label string }

// formatChoices are the formats, for the format filter.
func formatChoices() []Choice {
	var out []Choice
	for _, f := range data.Formats() {
		out = append(out, Choice{Value: string(f), Label: f.Label()})
	}
	return out
}

// SortHeader is a column heading that orders the library: its URL, and State "ascending" or
// "descending" when the library is in its order (aria-sort), else "".
type SortHeader struct {
	Label string
	Sort  string
	URL   string
	State string
	// Hint says what following the link does ("Sort by title, Z to A").
	Hint string
}

// AuthForm is the sign-in or sign-up form: what was typed (never the password) and the problems.
type AuthForm struct {
	Username string
	Next     string
	Errors   map[string]string
	// SignupOpen says whether the login page may offer a link to sign up.
	SignupOpen bool
	// TimeZone is the sign-up form's time zone as sent (the browser's, set by app.js), kept when
	// the form comes back with a problem.
	TimeZone string
}

// Notice is a short message for a page or a toast, with optional detail.
type Notice struct {
	Title  string
	Detail string
	// Reference is the request's id, shown on a server error for the reader to quote in a report.
	Reference string
}

// rowID is the id of the book's row in the library: rowIDPrefix and the book's id.
func rowID(id int64) string { return rowIDPrefix + strconv.FormatInt(id, 10) }

const rowIDPrefix = "book-"

func equalFold(a, b string) bool { return strings.EqualFold(a, b) }

// collapsed reports whether s is its own text as a browser reads it in an option: ASCII
// whitespace stripped from both ends and collapsed to one space within (HTML's "strip and
// collapse ASCII whitespace", which gives an option without a value attribute its value).
func collapsed(s string) bool {
	return s == strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\f' || r == '\r'
	}), " ")
}

func hasGenre(genres []string, g string) bool {
	for _, x := range genres {
		if strings.EqualFold(x, g) {
			return true
		}
	}
	return false
}

func safe(u string) templ.SafeURL { return templ.URL(u) }

// countLabel says how many books there are, in words.
func countLabel(n int) string {
	switch n {
	case 0:
		return "No books yet"
	case 1:
		return "1 book"
	default:
		return strconv.Itoa(n) + " books"
	}
}
