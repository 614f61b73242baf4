package views

import (
	"net/url"
	"strconv"

	"github.com/bookcase/bookcase/data"
)

// SeriesListURL lists the reader's series.
const SeriesListURL = "/series"

// SeriesListFromURL is the page of the series list after the series whose name key is after.
func SeriesListFromURL(after string) string {
	return SeriesListURL + "?after=" + url.QueryEscape(after)
}

// SeriesURL is a series' page: its books in order, and the next to read.
func SeriesURL(id int64) string { return seriesPathPrefix + strconv.FormatInt(id, 10) }

// seriesPathPrefix and a series' id are its address (the library's rows write them one after
// the other, bookRow).
const seriesPathPrefix = SeriesListURL + "/"

// BookSeriesURL adds the book to a series (POST series_name, series_position).
func BookSeriesURL(book int64) string { return BookURL(book) + "/series" }

// BookSeriesEntryURL moves the book to another position in series sid (POST series_position).
func BookSeriesEntryURL(book, sid int64) string {
	return BookSeriesURL(book) + "/" + strconv.FormatInt(sid, 10)
}

// BookSeriesRemoveURL takes the book out of series sid.
func BookSeriesRemoveURL(book, sid int64) string { return BookSeriesEntryURL(book, sid) + "/delete" }

// BookSeriesKeepTitleURL undoes the split of a typed title: the series goes back into the title.
func BookSeriesKeepTitleURL(book, sid int64) string {
	return BookSeriesEntryURL(book, sid) + "/keep-title"
}

// BookSeriesID is the id of the book page's series section, which its forms replace.
const BookSeriesID = "book-series"

// SeriesLabel is one of a book's series as a library row shows it under the title: "The
// Expanse #1", linking to the series.
type SeriesLabel struct {
	ID    int64
	Label string
}

// SeriesSplit is the series just split off the title a reader typed in the new-book row, which
// the new row offers to put back ("keep as title"): the series, and the title as typed.
type SeriesSplit struct {
	SeriesID int64
	Label    string
	Typed    string
}

// SeriesEntry is one of a book's series on its page: the series, the position as saved, and
// the position form's value and problem after a refused change.
type SeriesEntry struct {
	SeriesID int64
	Name     string
	Position string
	Input    string
	Error    string
}

// SeriesSection is the book page's series section: the book's series, the add form as typed
// with its problems (keyed by data.FieldSeriesName and data.FieldSeriesPosition), and what was
// just done, which the section announces (htmx).
type SeriesSection struct {
	Entries              []SeriesEntry
	NewName, NewPosition string
	Errors               map[string]string
	Done                 string
	// Names are the reader's series, which the name field suggests.
	Names []string
}

// SeriesSummary is a series as the list of series shows it.
type SeriesSummary struct {
	ID          int64
	Name        string
	Books, Read int
}

// Progress says how far the reader is through the series: "3 of 9 read".
func (s SeriesSummary) Progress() string {
	return strconv.Itoa(s.Read) + " of " + strconv.Itoa(s.Books) + " read"
}

// SeriesBook is a book of a series' page, at its position.
type SeriesBook struct {
	Position string
	Book     Book
}

// SeriesPage is a series' page: its books in order, how many are read, and the next up.
type SeriesPage struct {
	ID    int64
	Name  string
	Books []SeriesBook
	Read  int
	// Next is the first book in order neither read nor given up, nil when all are.
	Next      *SeriesBook
	Truncated bool
}

// SeriesFactName names the fact of the book's place in series sid: its in-place edit's key in
// ?edit= and ?focus=, and its form's field ids.
func SeriesFactName(sid int64) string { return "series-" + strconv.FormatInt(sid, 10) }

// seriesFacts are the book's series as facts of its page, each edited in place, then the fact
// that adds the book to a series. A fact named by d.Editing, or with a problem, shows its input;
// the one named by d.FocusFact is focused.
func seriesFacts(d BookDetail) []BookFact {
	id, s := d.Book.ID, d.Series
	facts := make([]BookFact, 0, len(s.Entries)+1)
	for _, e := range s.Entries {
		f := BookFact{Name: SeriesFactName(e.SeriesID), Label: "Position in " + e.Name, Value: e.Input, Problem: e.Error,
			Kind: factSeries, Action: BookSeriesEntryURL(id, e.SeriesID), SeriesID: e.SeriesID,
			Link: SeriesURL(e.SeriesID), LinkText: e.Name, Hint: "As printed: 1, 0.5, 3.5 or 1-3."}
		if e.Position != "" {
			f.Shown = "#" + e.Position
		}
		facts = append(facts, f)
	}
	facts = append(facts, BookFact{Name: data.FieldSeriesName, Label: "Series", Value: s.NewName,
		Problem: s.Errors[data.FieldSeriesName], Position: s.NewPosition, PositionProblem: s.Errors[data.FieldSeriesPosition],
		Kind: factSeriesAdd, Action: BookSeriesURL(id), MaxLength: data.MaxFieldLen})
	open := false
	for i := range facts {
		f := &facts[i]
		f.Book, f.Target, f.TestID = id, "#"+BookSeriesID, f.Name
		f.Editing = f.Name == d.Editing || f.Problem != "" || f.PositionProblem != ""
		f.Autofocus = f.Editing && !open
		open = open || f.Editing
		f.Focus = f.Name == d.FocusFact
	}
	return facts
}
