package views

import (
	"iter"
	"strconv"
	"strings"

	"github.com/bookcase/bookcase/data"
)

// ShelfItem is one of the reader's shelves as the shelves page shows it, with its rename form.
type ShelfItem struct {
	ID    int64
	Name  string
	Books int
	// Rename is the name typed into the shelf's rename form and its problem, after a failed rename.
	Rename       string
	RenameError  string
	RenameIsOpen bool
}

// Shelves is the shelves page: the reader's shelves in order and the form to create one.
type Shelves struct {
	Shelves []ShelfItem
	// NewName is what was typed into the create form, and NewError what is wrong with it.
	NewName  string
	NewError string
}

// The ids of the book page's sections that its forms replace. An htmx request names the one its
// answer goes to in its HX-Target header, and the endpoints that serve both the library's rows and
// the book page (status, progress, the title's edit) answer with the section it names.
const (
	BookMainID     = "book-main"
	BookStatusID   = "book-status"
	BookProgressID = "book-progress"
	BookReadingsID = "book-readings"
	BookEditionID  = "book-edition"
	BookRatingID   = "book-rating"
)

// ScreenField is the hidden field by which a plain form of the book page says where it was sent
// from, and ScreenPage its value: a plain post, redirected, gets the book page again rather than
// the library. It is compared with ScreenPage only, never used as an address.
const (
	ScreenField = "screen"
	ScreenPage  = "page"
)

// ShelfChoice is a shelf offered on a book's page, ticked when the book is on it.
type ShelfChoice struct {
	ID      int64
	Name    string
	Checked bool
}

// DetailsForm is a book's details form: the values as typed and the problem with each field.
type DetailsForm struct {
	// Format is the format chosen (data.Format); Pages the length as typed, in its unit.
	Format string
	Pages  string
	Rating string
	// Review and Spoiler are the review as typed and its spoiler flag; Notes the private notes.
	Review  string
	Spoiler bool
	Notes   string
	ISBN    string
	Errors  map[string]string
}

// EditionFacts are a book's edition facts as the page shows them, "" for what is not known:
// the years written as FormatYear writes them ("300 BC"), the language by its name.
type EditionFacts struct {
	Publisher, Year, OriginalYear, Language, Copies, GoodreadsID, StoryGraphID string
}

// Known reports whether any fact is known.
func (f EditionFacts) Known() bool { return f != EditionFacts{} }

// EditionForm is a book's edition facts as their inputs hold them: the values as typed (or as
// saved), and the problem with each field.
type EditionForm struct {
	Publisher, Year, OriginalYear, Language, Copies, GoodreadsID, StoryGraphID string
	Errors                                                                     map[string]string
}

// languageChoice is a language the edition form suggests: its tag, which the field takes, and
// its name.
type languageChoice struct{ Tag, Name string }

// suggestedLanguages are the tags the language field offers as the reader types: the languages
// most books are published in, and the old ones readers keep. Any other BCP 47 tag may be typed.
var suggestedLanguages = []string{
	"en", "fr", "de", "es", "it", "pt", "pt-BR", "nl", "sv", "da", "nb", "fi", "is", "pl", "cs", "hu",
	"ro", "ru", "uk", "el", "tr", "ar", "he", "fa", "hi", "bn", "ur", "zh-Hans", "zh-Hant", "ja", "ko",
	"vi", "id", "sw", "ca", "eu", "ga", "cy", "la", "grc", "sa",
}

// languageChoices are suggestedLanguages with their names.
func languageChoices() []languageChoice {
	out := make([]languageChoice, len(suggestedLanguages))
	for i, tag := range suggestedLanguages {
		out[i] = languageChoice{Tag: tag, Name: data.LanguageName(tag)}
	}
	return out
}

// ReadThroughForm is one reading of a book with its editable dates, as yyyy-mm-dd ("" for a
// date the reader does not know), and its dates as stored, in words ("" for unknown), which
// what was typed into a refused form does not change.
type ReadThroughForm struct {
	ID                int64
	StartedOn         string
	FinishedOn        string
	Started, Finished string
	Outcome           string
	Open              bool // still being read: no finish date
	Errors            map[string]string
	// Confirm asks whether to delete the reading, in place of its form; FocusDelete puts the
	// focus back on its Delete button (the confirmation cancelled).
	Confirm, FocusDelete bool
	// Editing opens the reading's dates in their place (a refused save keeps them open);
	// FocusDates puts the focus back on them, after a save or Cancel: on the date they were
	// opened from. FromFinish says that was the finish, which takes the focus in the form too.
	Editing, FocusDates, FromFinish bool
	// StartedDay and FinishedDay are the dates as stored, yyyy-mm-dd ("" for unknown), for the
	// timeline's <time datetime>.
	StartedDay, FinishedDay string
	// GaveUp says the reading ended without the reader finishing the book.
	GaveUp bool
	// Number is the reading's place among the book's readings, the first 1; Progress its
	// progress updates dated within its dates, oldest first (the others are the page's Outside).
	Number   int
	Progress []ProgressEntry
	// Stopped says where a reading given up stopped ("at page 120"), "" when not known.
	Stopped string
}

// endLabel names how a reading ended in its timeline: "Finished", "Gave up", or "Reading now"
// while it is open.
func endLabel(rt ReadThroughForm) string {
	switch {
	case rt.Open:
		return "Reading now"
	case rt.GaveUp:
		return "Gave up"
	}
	return "Finished"
}

// datesFocus is the date field of an open reading's dates that takes the focus: the first with a
// problem, else the finish when they were opened from it, else the start.
func datesFocus(rt ReadThroughForm) string {
	if name := firstDateProblem(rt.Errors); name != "" {
		return name
	}
	if rt.FromFinish && !rt.Open {
		return "finished_on"
	}
	return "started_on"
}

// datesBack is the Cancel of a reading's open dates: the readings, with the focus back on the
// date they were opened from.
func datesBack(book int64, rt ReadThroughForm) string {
	if rt.FromFinish {
		return BookURL(book) + "?focus=" + ReadingFinishKey(rt.ID)
	}
	return ReadingDatesBackURL(book, rt.ID)
}

// readingTitle names the reading numbered n in the timeline by its place: "First reading", then
// "Re-read 1", "Re-read 2" ...
func readingTitle(n int) string {
	if n <= 1 {
		return "First reading"
	}
	return "Re-read " + strconv.Itoa(n-1)
}

// recordedIn names the reading numbered n as the one a progress update was recorded in: "in the
// first reading", "in re-read 2".
func recordedIn(n int) string {
	if n <= 1 {
		return "in the first reading"
	}
	return "in " + strings.ToLower(readingTitle(n))
}

// ProgressEntry is one recorded progress update: when, and how far.
type ProgressEntry struct {
	ID int64
	// Date is its day in words, Day the same as yyyy-mm-dd, in the reader's time zone.
	Date, Day string
	Value     string
	// Reading is the number of the reading it was recorded in (ReadThroughForm.Number), for an
	// update shown apart from that reading, whose dates it is not within; 0 otherwise.
	Reading int
	// Input and On are how far and the day (yyyy-mm-dd) as its edit holds them (as typed, after
	// a refusal), and Errors the problems with them ("page", "recorded_on").
	Input, On string
	Errors    map[string]string
	// Editing opens it in its place; Focus puts the focus back on it (saved, or Cancel).
	Editing, Focus bool
}

// ProgressKey names the progress update id in ?edit= and ?focus=, and its edit's field ids.
func ProgressKey(id int64) string { return "progress-" + idString(id) }

// ProgressURL corrects the progress update id of the book (POST progress, recorded_on).
func ProgressURL(book, id int64) string { return BookProgressURL(book) + "/" + idString(id) }

// ProgressDeleteURL deletes the progress update id of the book.
func ProgressDeleteURL(book, id int64) string { return ProgressURL(book, id) + "/delete" }

// readingsDone is what was just done to the readings, which they announce: "" for nothing.
func readingsDone(d BookDetail) string {
	switch {
	case d.ReadingDeleted:
		return "Reading deleted."
	case d.ReadingAdded:
		return "Reading added."
	case d.ProgressDeleted:
		return "Progress update deleted."
	}
	return ""
}

// BookDetail is everything the book page shows about one book.
type BookDetail struct {
	Book   Book
	Status string
	// Format, Length, Rating, Notes and ISBN are the stored details, for display: the format
	// in words, the length as a number of pages or a time ("11:42"), "" when not known.
	Format string
	Length string
	Rating string // in stars ("4.5"), or "" when unrated
	// Review is what the reader would share, Spoiler whether it gives the story away; Notes
	// are private.
	Review       string
	Spoiler      bool
	Notes        string
	ISBN         string
	Shelves      []ShelfChoice
	ShelvesError string // what is wrong with the shelves sent, after a failed save
	StatusError  string // what is wrong with the status sent, after a failed change
	// Editing names the fact whose input is open (a plain ?edit=); FocusFact the fact to focus
	// after its save or Cancel.
	Editing, FocusFact string
	// RatingError is what is wrong with the rating sent; RatingSaved says a rating was just saved
	// (htmx), which the control announces and keeps the focus for.
	RatingError string
	RatingSaved bool
	Details     DetailsForm
	// Edition is the book's edition facts, and EditionForm the form that edits them.
	Edition      EditionFacts
	EditionForm  EditionForm
	ReadThroughs []ReadThroughForm
	// ReadingDeleted and ReadingAdded say a reading has just been deleted or added (htmx): the
	// readings say so and take the focus.
	ReadingDeleted, ReadingAdded bool
	// ProgressDeleted says a progress update has just been deleted (htmx), likewise.
	ProgressDeleted bool
	// NewReading is the form that adds a past reading, after a refused add.
	NewReading ReadingForm
	// Progress is every progress update of the book, newest first.
	Progress []ProgressEntry
	// Outside are the progress updates dated outside the dates of the reading they were
	// recorded in (those dates corrected since), oldest first: shown apart, never lost.
	Outside []ProgressEntry
	// Fields, when not nil, is the form that edits the title, author and genre in place of the
	// main panel: what was typed, and the problems with it.
	Fields *BookForm
	// ProgressInput is what was typed into the progress update, and ProgressError what is wrong
	// with it, after a failed update.
	ProgressInput string
	ProgressError string
	// Cover is the book's cover, or its placeholder.
	Cover CoverView
	// Catalogue is the "Fill in from catalogue" section, shown when lookups are on.
	Catalogue CatalogueView
	// Contributors is the section of the book's authors and contributors.
	Contributors ContributorsSection
	// Series is the series section; TitleChanged says its change changed the title too.
	Series       SeriesSection
	TitleChanged bool
}

// ProgressEntry is the progress update id among the readings' updates and those outside them,
// nil when it is none of them.
func (d *BookDetail) ProgressEntry(id int64) *ProgressEntry {
	for p := range d.ProgressEntries() {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// ProgressEntries yields every progress update of the timeline: each reading's, then those
// outside them.
func (d *BookDetail) ProgressEntries() iter.Seq[*ProgressEntry] {
	return func(yield func(*ProgressEntry) bool) {
		for i := range d.ReadThroughs {
			for j := range d.ReadThroughs[i].Progress {
				if !yield(&d.ReadThroughs[i].Progress[j]) {
					return
				}
			}
		}
		for i := range d.Outside {
			if !yield(&d.Outside[i]) {
				return
			}
		}
	}
}

// ratingChoice is one radio of the star control: its value, and its label as a screen reader
// says it ("3.5 stars").
type ratingChoice struct {
	Value, Spoken string
}

// ratingChoices are the eleven ratings a reader can pick: none, then 0.5 to 5 in half stars.
func ratingChoices() []ratingChoice {
	out := []ratingChoice{{"", "No rating"}, {"0.5", "Half a star"}, {"1", "1 star"}}
	for half := 3; half <= 10; half++ {
		v := strconv.FormatFloat(float64(half)/2, 'f', -1, 64)
		out = append(out, ratingChoice{v, v + " stars"})
	}
	return out
}

// starClass is the class of the label of ratingChoices[i], which app.css draws: the left half of
// a star (0.5, 1.5 ...), its right half (1, 2 ...), or the "Clear" of no rating.
func starClass(i int) string {
	switch {
	case i == 0:
		return "clear"
	case i%2 == 1:
		return "half left"
	}
	return "half right"
}

// StarRating is a star rating control (starRating) of the book Book.
type StarRating struct {
	Book int64
	// Key tells the controls' ids apart: "page", or a library row's book id.
	Key string
	// Rating is the rating saved, in stars ("3.5"), "" for none; Error what is wrong with the
	// one sent, after a refused save.
	Rating, Error string
	// Label names the radio group; ShowLegend shows it, which the library row does not need (the
	// column says it).
	Label      string
	ShowLegend bool
	// Page says the control is on the book page (a plain save goes back to it); Target is the
	// element an htmx save replaces ("" for a plain form); Cancel, when not "", the URL of a
	// Cancel button that closes it (a library row's).
	Page           bool
	Target, Cancel string
	// Autofocus focuses the rating saved, after a swap.
	Autofocus bool
}

// ReadingForm is the form that adds a past reading: the outcome (data's "read" or "dnf") and
// dates as typed, and the problems with them by field.
type ReadingForm struct {
	Outcome, StartedOn, FinishedOn string
	Errors                         map[string]string
}

// readingOutcomes are the outcomes a past reading can have, as the add form offers them.
var readingOutcomes = []struct{ Value, Label string }{{"read", "Read"}, {"dnf", "Did not finish"}}

// readingSummary names a reading by its outcome and dates: "Read, started 3 May 2024, finished
// 9 May 2024", "Read, date unknown", "Reading, started date unknown".
func readingSummary(rt ReadThroughForm) string {
	return rt.Outcome + ", " + readingDates(rt)
}

// readingDates says when a reading happened, "date unknown" for what the reader does not know:
// "started 3 May 2024, finished date unknown"; "date unknown" alone when neither is known of a
// finished reading.
func readingDates(rt ReadThroughForm) string {
	unknown := func(s string) string {
		if s == "" {
			return "date unknown"
		}
		return s
	}
	switch {
	case rt.Open:
		return "started " + unknown(rt.Started)
	case rt.Started == "" && rt.Finished == "":
		return "date unknown"
	}
	return "started " + unknown(rt.Started) + ", finished " + unknown(rt.Finished)
}

// sentence starts s with a capital letter, as a line of its own.
func sentence(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// firstDateProblem is the first field of a reading's form, in page order, that has a problem, or "".
func firstDateProblem(errs map[string]string) string {
	for _, name := range []string{"outcome", "started_on", "finished_on"} {
		if errs[name] != "" {
			return name
		}
	}
	return ""
}
