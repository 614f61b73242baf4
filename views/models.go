// Package views holds the templ components of Bookcase: the layout, the pages, and one component
// per htmx swap unit. Components take the view models defined here, never database rows.
package views

import (
	"strconv"

	"github.com/a-h/templ"
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
}

// Book is a book as the pages show it.
type Book struct {
	ID     int64
	Title  string
	Author string
	Genre  string
	Added  string
	// Status is the reading status ("want", "reading", "read" or "dnf").
	Status string
	// Progress is where the reader is in the book, shown only while it is being read.
	Progress Progress
	// ProgressInput and ProgressError are a rejected progress update, as typed, and why.
	ProgressInput string
	ProgressError string
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
	Errors map[string]string
}

// Library is the library page: the newest books, the total, and where the next page starts.
type Library struct {
	Books []Book
	Count int
	// Next is the cursor of the following page of older books, or 0 when there is none.
	Next int64
	// Older is true when the page starts below the newest book (a "load more" page without JS).
	Older bool
	New   BookForm
	// Deleted is the book just deleted by a plain form, offered for Undo.
	Deleted *Book
	// Filters are the tabs; Query is the active one's query ("status=reading", or "" for all),
	// kept in the "Load more" link.
	Filters Filters
	Query   string
	// Reading is the "Currently reading" strip, empty when no book is being read.
	Reading []ReadingNow
	// Problem explains a filter that could not be applied (an unknown status).
	Problem string
}

// AuthForm is the sign-in or sign-up form: what was typed (never the password) and the problems.
type AuthForm struct {
	Username string
	Next     string
	Errors   map[string]string
	// SignupOpen says whether the login page may offer a link to sign up.
	SignupOpen bool
}

// Notice is a short message for a page or a toast, with optional detail.
type Notice struct {
	Title  string
	Detail string
}

func bookURL(id int64) string { return "/books/" + strconv.FormatInt(id, 10) }

func bookAction(id int64, action string) string { return bookURL(id) + "/" + action }

func rowID(id int64) string { return "book-" + strconv.FormatInt(id, 10) }

// listURL is the library filtered by query ("status=reading", "shelf=3" or "" for all).
func listURL(query string) string {
	if query == "" {
		return "/books"
	}
	return "/books?" + query
}

// moreURL is the page of the filtered library older than the cursor next.
func moreURL(query string, next int64) string {
	u := "/books?"
	if query != "" {
		u += query + "&"
	}
	return u + "before=" + strconv.FormatInt(next, 10)
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
