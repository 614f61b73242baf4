package views

import (
	"net/url"
	"strconv"
)

// This file builds every address of Bookcase, for the templates and for the handlers alike
// (redirects, HX-Redirect, the history's URLs): an address is written once, here. The routes that
// serve them are in handlers/routes.go, and TestBuiltURLsAreRouted requests each one.

// The addresses that name no book, shelf or import.
const (
	LibraryURL    = "/books"
	LoginURL      = "/login"
	SignupURL     = "/signup"
	LogoutURL     = "/logout"
	ShortcutsURL  = "/shortcuts"
	ShelvesURL    = "/shelves"
	ExportURL     = "/export"
	SettingsURL   = "/settings"
	ExportCSVURL  = "/export/goodreads.csv"
	ExportJSONURL = "/export/bookcase.json"
	ImportsURL    = "/import"
	StatsURL      = "/stats"
	StatsGoalURL  = "/stats/goal"
	// DensityURL keeps how closely the reader likes the library's rows set.
	DensityURL = "/preferences/density"
	// The installable app's files, public and at the root: a service worker's scope is the
	// folder its script is served from, and /sw.js may serve every page.
	ManifestURL      = "/manifest.webmanifest"
	ServiceWorkerURL = "/sw.js"
	OfflineURL       = "/offline"
)

// LibraryQueryURL is the library with query, an encoded query string ("" for none).
func LibraryQueryURL(query string) string {
	if query == "" {
		return LibraryURL
	}
	return LibraryURL + "?" + query
}

// LibraryDeletedURL is the library offering Undo of the book id, just deleted by a plain form.
func LibraryDeletedURL(id int64) string { return LibraryQueryURL("deleted=" + idString(id)) }

// ShelfBooksURL is the library showing the books on the shelf id.
func ShelfBooksURL(id int64) string { return LibraryQueryURL("shelf=" + idString(id)) }

// LoginNextURL is the login page, which goes on to next (a path on this site) once signed in.
func LoginNextURL(next string) string {
	return LoginURL + "?" + url.Values{"next": {next}}.Encode()
}

// BookURL is the book id: its page, its library row for htmx, and where its edits are saved.
func BookURL(id int64) string { return bookPath(id, "") }

// BookFocusURL is the book's library row for htmx with focus on the control named, after Cancel.
func BookFocusURL(id int64, focus Focus) string { return BookURL(id) + "?focus=" + string(focus) }

// BookReadingsURL is the book, asked for its page's readings alone (HX-Target): Cancel of the
// delete of reading rt, which puts the focus back on its Delete button.
func BookReadingsURL(book, rt int64) string { return BookURL(book) + "?focus=" + idString(rt) }

// ReadingDatesURL is the book page with the dates of its reading rt open in their place: the
// page without JavaScript, its readings alone for htmx (HX-Target).
func ReadingDatesURL(book, rt int64) string { return BookURL(book) + "?edit=" + ReadingDatesKey(rt) }

// ReadingDatesBackURL is the Cancel of ReadingDatesURL: the readings, the focus on the dates.
func ReadingDatesBackURL(book, rt int64) string {
	return BookURL(book) + "?focus=" + ReadingDatesKey(rt)
}

// ReadingDatesKey names the dates of the reading rt in ?edit= and ?focus=.
func ReadingDatesKey(rt int64) string { return "dates-" + idString(rt) }

// ReadingFinishKey names the dates of the reading rt opened from its finish, in ?edit= and
// ?focus=: the finish takes the focus.
func ReadingFinishKey(rt int64) string { return "finish-" + idString(rt) }

// ReadingFinishURL is ReadingDatesURL opened from the reading's finish.
func ReadingFinishURL(book, rt int64) string { return BookURL(book) + "?edit=" + ReadingFinishKey(rt) }

// BookEditURL is the form that edits the book's title, author and genre.
func BookEditURL(id int64) string { return bookPath(id, bookEditEnd) }

// BookDeleteURL asks before deleting the book (GET), and deletes it (POST).
func BookDeleteURL(id int64) string { return bookPath(id, bookDeleteEnd) }

// BookRestoreURL undoes the delete of the book.
func BookRestoreURL(id int64) string { return bookPath(id, "/restore") }

// BookStatusURL offers the reading statuses of the book (GET), and sets one (PUT, POST).
func BookStatusURL(id int64) string { return bookPath(id, bookStatusEnd) }

// BookRatingURL offers the star control of the book alone (GET: its library row's, or a page
// without JavaScript), and saves its rating (POST).
func BookRatingURL(id int64) string { return bookPath(id, bookRatingEnd) }

// BookProgressURL records how far into the book the reader is.
func BookProgressURL(id int64) string { return bookPath(id, bookProgressEnd) }

// BookShelvesURL puts the book on the shelves ticked.
func BookShelvesURL(id int64) string { return bookPath(id, "/shelves") }

// BookDetailsURL saves the book's pages, rating, notes and ISBN.
func BookDetailsURL(id int64) string { return bookPath(id, "/details") }

// BookEditionURL saves the book's edition facts: publisher, years, language, copies and ids.
func BookEditionURL(id int64) string { return BookURL(id) + "/edition" }

// ReadThroughsURL adds a past reading to the book.
func ReadThroughsURL(book int64) string { return BookURL(book) + "/read-throughs" }

// ReadThroughURL corrects the dates of the reading rt of the book.
func ReadThroughURL(book, rt int64) string { return ReadThroughsURL(book) + "/" + idString(rt) }

// ReadThroughDeleteURL asks before deleting the reading rt of the book (GET), and deletes it (POST).
func ReadThroughDeleteURL(book, rt int64) string { return ReadThroughURL(book, rt) + "/delete" }

// ShelfURL renames the shelf id.
func ShelfURL(id int64) string { return ShelvesURL + "/" + idString(id) }

// ShelfMoveURL moves the shelf id up or down the reader's shelves.
func ShelfMoveURL(id int64) string { return ShelfURL(id) + "/move" }

// ShelfDeleteURL asks before deleting the shelf id (GET), and deletes it (POST).
func ShelfDeleteURL(id int64) string { return ShelfURL(id) + "/delete" }

// ImportURL is the review of the import id.
func ImportURL(id int64) string { return ImportsURL + "/" + idString(id) }

// ImportPageURL is the page of rows (from 1) of the review of the import id.
func ImportPageURL(id int64, page int) string { return ImportURL(id) + "?page=" + strconv.Itoa(page) }

// ImportRefused is the value of the review's confirm parameter after a plain confirmation was
// refused for the problems left, and ImportRefusedURL the review that says so.
const ImportRefused = "problems"

// ImportRefusedURL is the review of the import id, saying why its confirmation was refused.
func ImportRefusedURL(id int64) string { return ImportURL(id) + "?confirm=" + ImportRefused }

// ImportProgressURL is how far the import id has got, polled while it runs.
func ImportProgressURL(id int64) string { return ImportURL(id) + "/progress" }

// ImportConfirmURL imports the reviewed rows of the import id.
func ImportConfirmURL(id int64) string { return ImportURL(id) + "/confirm" }

// ImportDeleteURL discards the import id.
func ImportDeleteURL(id int64) string { return ImportURL(id) + "/delete" }

// ImportRowURL is the row n of the import id (GET), and where its fix is saved (POST).
func ImportRowURL(id int64, n int) string { return ImportURL(id) + "/rows/" + strconv.Itoa(n) }

// ImportRowEditURL is the form that fixes the row n of the import id.
func ImportRowEditURL(id int64, n int) string { return ImportRowURL(id, n) + "/edit" }

// ImportRowDropURL leaves the row n of the import id out of the import.
func ImportRowDropURL(id int64, n int) string { return ImportRowURL(id, n) + "/drop" }

// ImportRowRestoreURL puts the dropped row n of the import id back.
func ImportRowRestoreURL(id int64, n int) string { return ImportRowURL(id, n) + "/restore" }

func idString(id int64) string { return strconv.FormatInt(id, 10) }

// A book's address is bookPathPrefix, its id, and the end of the address of what is done with it
// (none for the book itself). The library's rows write them one after the other (bookRow).
const (
	bookPathPrefix  = LibraryURL + "/"
	bookEditEnd     = "/edit"
	bookDeleteEnd   = "/delete"
	bookStatusEnd   = "/status"
	bookRatingEnd   = "/rating"
	bookProgressEnd = "/progress"
)

// bookPath is the book id's address followed by rest, made in one allocation: a library row
// builds four of them, and composing them (the id formatted, then joined, then the rest added)
// took three each, 450 of a page's allocations.
func bookPath(id int64, rest string) string {
	var buf [64]byte
	b := append(buf[:0], bookPathPrefix...)
	b = strconv.AppendInt(b, id, 10)
	return string(append(b, rest...))
}

// StatsYearURL is the stats of year, or of all time when year is 0.
func StatsYearURL(year int) string {
	if year == 0 {
		return StatsURL + "?year=all"
	}
	return StatsURL + "?year=" + strconv.Itoa(year)
}

// StatsCalendarURL is the stats of year (0: all time) with the reading calendar of the hours
// listened (listened) or of the pages read, scrolled to the calendar.
func StatsCalendarURL(year int, listened bool) string {
	u := StatsYearURL(year)
	if listened {
		u += "&calendar=hours"
	}
	return u + "#" + CalendarID
}

// CalendarID is the id of the stats page's reading calendar.
const CalendarID = "reading-calendar"

// StatsReviewURL is the Year in Review of year.
func StatsReviewURL(year int) string { return StatsURL + "/" + strconv.Itoa(year) + "/review" }

// StatsShareURL makes the review of year public (POST); StatsUnshareURL stops (POST).
func StatsShareURL(year int) string   { return StatsReviewURL(year) + "/share" }
func StatsUnshareURL(year int) string { return StatsShareURL(year) + "/delete" }

// ShareURL is a shared review, by its token: the link its reader gives.
func ShareURL(token string) string { return "/share/" + token }

// SharedCoverURL is a cover's picture as a shared review shows it, through its link.
func SharedCoverURL(token, hash, size string) string {
	return ShareURL(token) + "/covers/" + hash + "-" + size + ".jpg"
}
