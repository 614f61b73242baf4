package views

import "strconv"

// The addresses of catalogue lookups (handlers/catalogue.go).
const (
	// LookupURL looks the ISBN typed in the new-book row up (POST), and answers with the row filled.
	LookupURL = "/catalogue/lookup"
	// CatalogueCoversURL is where the pictures of catalogues' covers are shown before a book has them.
	CatalogueCoversURL = "/catalogue/covers"
)

// CatalogueCoverURL is the picture, in size ("s" or "l"), of the catalogue's cover of isbn.
func CatalogueCoverURL(isbn, size string) string {
	return CatalogueCoversURL + "/" + isbn + "-" + size + ".jpg"
}

// BookCatalogueURL compares the book with a catalogue's record (POST, field isbn).
func BookCatalogueURL(id int64) string { return BookURL(id) + "/catalogue" }

// BookCatalogueApplyURL takes the fields chosen (take) from the record of isbn into the book.
func BookCatalogueApplyURL(id int64) string { return BookCatalogueURL(id) + "/apply" }

// BookCatalogueID is the id of the book page's "Fill in from catalogue" section.
const BookCatalogueID = "book-catalogue"

// Found is what a lookup in the new-book row found, shown beside the row for the reader to
// confirm or correct before adding the book.
type Found struct {
	ISBN  string
	Pages string // as found, then as typed
	// PagesError is what is wrong with the pages typed, after a refused add.
	PagesError string
	// Publisher, Year and Language (its name) are the edition facts the book keeps.
	Publisher, Year, Language string
	Source                    string
	// CoverURL is the catalogue's cover (CatalogueCoverURL), "" when it has none; UseCover is the
	// reader's choice to take it.
	CoverURL string
	UseCover bool
}

// Lookup is the catalogue's part of the new-book row: whether it offers Look up, what a lookup
// found, or why it found nothing.
type Lookup struct {
	On      bool
	Found   *Found
	Problem string
}

// CatalogueField is one field of a book beside the catalogue's value for it, with the reader's
// choice to take it. Name is what the form sends (take=Name).
type CatalogueField struct {
	Name, Label     string
	Current, Record string
	Take            bool
}

// CatalogueView is the book page's "Fill in from catalogue" section: the ISBN to look up, then
// what would change, field by field.
type CatalogueView struct {
	On     bool
	ISBN   string
	Source string
	// Looked says a lookup found the ISBN: Fields are what differ (none: the book matches).
	Looked bool
	Fields []CatalogueField
	// CoverURL is the catalogue's cover, when it is one of the fields.
	CoverURL string
	// Problem is why the lookup found nothing; Errors what is wrong with the fields taken.
	Problem string
	Errors  map[string]string
	// Saved counts the fields just taken, to say so.
	Saved int
}

// savedLabel says how many fields were just taken from the catalogue.
func savedLabel(n int) string {
	if n == 1 {
		return "Took 1 field from the catalogue."
	}
	return "Took " + strconv.Itoa(n) + " fields from the catalogue."
}
