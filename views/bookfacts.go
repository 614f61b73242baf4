package views

import (
	"cmp"
	"strings"

	"github.com/bookcase/bookcase/data"
)

// The ids of the book page's sections of facts, each fact edited in place.
const (
	BookFactsID   = "book-facts"
	BookWritingID = "book-writing"
)

// BookFactID is the id of the element that shows the fact name (a form field's name) of the book
// page, or its input while it is edited: the target of its in-place edit.
func BookFactID(name string) string { return "fact-" + name }

// BookFactIDs are the ids of every fact of the book page, which an htmx request names as its
// target (HX-Target).
func BookFactIDs() []string {
	ids := []string{BookFactID("title"), BookFactID("author"), BookFactID("genre"), BookFactID("format"), BookFactID("isbn"),
		BookFactID("shelves"), BookFactID("review"), BookFactID("notes")}
	for _, name := range data.EditionFields {
		ids = append(ids, BookFactID(name))
	}
	return ids
}

// Kinds of fact, by the input that edits them.
const (
	factText      = "text"
	factTitle     = "title"      // the title, the page's heading
	factPeople    = "people"     // the contributors, a list of names and roles
	factShelf     = "shelves"    // the reader's shelves the book is on, a checkbox each
	factLong      = "long"       // a text area: the review and the notes
	factFormat    = "format"     // the format and the length together, as the length is in its unit
	factSeries    = "series"     // a series the book is in: its position there
	factSeriesAdd = "series-add" // a series to put the book in: its name and position
)

// BookFact is one fact of the book page, shown once and edited in place: a click, or Enter on
// it, opens its input (without JavaScript, the page again with that input open); Enter saves
// (Ctrl+Enter in a text area), Escape or Cancel puts it back.
type BookFact struct {
	Book  int64
	Name  string // the form field's name
	Label string
	// Shown is the fact as the page shows it, "" when it is not known; Value what its input
	// holds (as typed, after a refused save), and Problem what is wrong with it.
	Shown, Value, Problem string
	Hint                  string
	Kind                  string
	// Action is where a save is sent.
	Action    string
	MaxLength int
	// Verbatim turns off capitals and spelling (ids, ISBNs); List names a datalist of suggestions.
	Verbatim bool
	List     string
	// Editing shows the input, and Autofocus focuses it (the first open in the page); Focus, when
	// it is not open, focuses the fact (after a save or Cancel).
	Editing, Autofocus, Focus bool
	// TestID names what the page shows of the fact, for tests.
	TestID string
	// Length is the length as typed, LengthProblem what is wrong with it, and Timed whether it is
	// a time (Kind factFormat); Spoiler the review's spoiler flag (Name "review").
	Length, LengthProblem string
	Timed                 bool
	Spoiler               bool
	// Head places the fact in the page's head, under the title (the title itself, the author and
	// the genre), where its label is only for screen readers until it is edited.
	Head bool
	// Lines are the contributors (Kind factPeople), as saved or as typed after a refusal, and
	// Done what was just done to them (a line moved up or taken off), which the editor announces.
	Lines []ContributorLine
	Done  string
	// Shelves are the reader's shelves, ticked where the book is (Kind factShelf).
	Shelves []ShelfChoice
	// Target is the element that the fact's edit replaces, "" for the fact itself: a series'
	// facts replace the series section, whose list changes with them.
	Target string
	// SeriesID is the series of a fact of Kind factSeries, Link its page and LinkText its name,
	// which the fact shows before its position.
	SeriesID       int64
	Link, LinkText string
	// Position is the position typed into the fact that adds a series (Kind factSeriesAdd), and
	// PositionProblem what is wrong with it.
	Position, PositionProblem string
}

// target is the selector of the element that the fact's edit replaces.
func (f BookFact) target() string { return cmp.Or(f.Target, "#"+BookFactID(f.Name)) }

// cancelURL puts the fact back, shown and focused: the fact alone (HX-Target), or the section
// it replaces with the fact named in ?focus=; the page without JavaScript.
func (f BookFact) cancelURL() string {
	if f.Target != "" {
		return BookURL(f.Book) + "?focus=" + f.Name
	}
	return BookURL(f.Book)
}

// bookFacts are the facts of the book d, in the order of the page: the title, the author and
// the genre (the head), the format and length, the ISBN and the edition's facts (the left
// column), then the review and the private notes. The
// fact named editing shows its input, as does any with a problem; the one named focus is
// focused.
func bookFacts(d BookDetail) []BookFact {
	id := d.Book.ID
	details, edition := d.Details, d.EditionForm
	length := d.Length
	if length != "" && d.Book.Timed {
		length += " hours"
	} else if length != "" {
		length += " pages"
	}
	format := d.Format
	if length != "" {
		format += ", " + length
	}
	head := BookForm{Title: d.Book.Title, Author: d.Book.Author, Genre: d.Book.Genre}
	if d.Fields != nil {
		head = *d.Fields
	}
	facts := []BookFact{
		{Name: "title", Label: "Title", Shown: d.Book.Title, Value: head.Title, Problem: head.Errors["title"], Kind: factTitle,
			MaxLength: data.MaxFieldLen},
		{Name: "author", Label: "Authors and contributors", Shown: d.Book.Author, Kind: factPeople, Action: BookContributorsURL(id),
			Lines: d.Contributors.Lines, Problem: cmp.Or(d.Contributors.Error, head.Errors["author"]), Done: d.Contributors.Done},
		{Name: "genre", Label: "Genre", Shown: d.Book.Genre, Value: head.Genre, Problem: head.Errors["genre"],
			MaxLength: data.MaxFieldLen},
		{Name: "format", Label: "Format", Shown: format, Value: details.Format, Length: details.Pages, Timed: d.Book.Timed,
			Kind: factFormat, Action: BookDetailsURL(id), Problem: details.Errors["format"], LengthProblem: details.Errors["pages"],
			Hint: "The length in pages, or hours:minutes for an audiobook (11:42)."},
		{Name: "isbn", Label: "ISBN", Shown: d.ISBN, Value: details.ISBN, Kind: factText, Action: BookDetailsURL(id),
			Problem: details.Errors["isbn"], Verbatim: true},
		{Name: "publisher", Label: "Publisher", Shown: d.Edition.Publisher, Value: edition.Publisher, MaxLength: data.MaxFieldLen},
		{Name: "year", Label: "Published", Shown: d.Edition.Year, Value: edition.Year, Hint: "This edition's year, like 1990."},
		{Name: "original_year", Label: "First published", Shown: d.Edition.OriginalYear, Value: edition.OriginalYear,
			Hint: "When the work first appeared, like 1851, or 750 BC."},
		{Name: "language", Label: "Language", Shown: d.Edition.Language, Value: edition.Language, Verbatim: true,
			List: "language-choices", MaxLength: data.MaxLanguageLen, Hint: "A language tag, like en, fr or pt-BR."},
		{Name: "copies", Label: "Copies owned", Shown: d.Edition.Copies, Value: edition.Copies},
		{Name: "goodreads_id", Label: "Goodreads id", Shown: d.Edition.GoodreadsID, Value: edition.GoodreadsID, Verbatim: true,
			MaxLength: data.MaxGoodreadsIDLen},
		{Name: "storygraph_id", Label: "StoryGraph id", Shown: d.Edition.StoryGraphID, Value: edition.StoryGraphID, Verbatim: true,
			MaxLength: data.MaxStoryGraphIDLen},
		{Name: "shelves", Label: "Shelves", Shown: shelvesOn(d.Shelves), Kind: factShelf, Action: BookShelvesURL(id),
			Shelves: d.Shelves, Problem: d.ShelvesError},
		{Name: "review", Label: "Review", Shown: d.Review, Value: details.Review, Spoiler: details.Spoiler, Kind: factLong,
			Action: BookDetailsURL(id), Problem: details.Errors["review"], Hint: "What you would share."},
		{Name: "notes", Label: "Private notes", Shown: d.Notes, Value: details.Notes, Kind: factLong, Action: BookDetailsURL(id),
			Problem: details.Errors["notes"], Hint: "Never shared."},
	}
	open := false
	for i := range facts {
		f := &facts[i]
		f.Book, f.TestID = id, f.Name
		switch f.Name {
		case "title", "genre":
			f.Head, f.Action = true, BookURL(id)
			f.Kind = cmp.Or(f.Kind, factText)
		case "author":
			f.Head = true
		}
		if f.Kind == "" { // an edition fact
			f.Kind, f.Action, f.Problem = factText, BookEditionURL(id), edition.Errors[f.Name]
			f.TestID = "edition-" + strings.ReplaceAll(f.Name, "_", "-")
		}
		f.Editing = f.Name == d.Editing || f.Problem != "" || f.LengthProblem != "" || f.Done != ""
		f.Autofocus = f.Editing && !open
		open = open || f.Editing
		f.Focus = f.Name == d.FocusFact
	}
	return facts
}

// factNamed is the fact of d named name (the zero BookFact when there is none).
func factNamed(d BookDetail, name string) BookFact {
	for _, f := range bookFacts(d) {
		if f.Name == name {
			return f
		}
	}
	return BookFact{}
}

// BookFactEditURL is the book page with the fact name's input open: the page without
// JavaScript, the fact alone for htmx (HX-Target).
func BookFactEditURL(id int64, name string) string { return BookURL(id) + "?edit=" + name }

// shelvesOn names the shelves ticked, in order: "Owned, Book club"; "" for none.
func shelvesOn(shelves []ShelfChoice) string {
	var names []string
	for _, sh := range shelves {
		if sh.Checked {
			names = append(names, sh.Name)
		}
	}
	return strings.Join(names, ", ")
}
