package handlers

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/views"
)

// nowReadingLimit is how many books the "Currently reading" strip shows.
const nowReadingLimit = 5

// libraryState is what every library response carries besides its rows: the reader's number of
// books, the tabs with their counts, and the "Currently reading" strip.
type libraryState struct {
	count   int
	filters views.Filters
	reading []views.ReadingNow
}

// libraryState reads the counts once (a stored row) and looks for books being read only when
// there are some.
func (s *Server) libraryState(c *fiber.Ctx, f filter) (libraryState, error) {
	st, reading, err := s.libraryCounts(c, f)
	if err != nil || reading == 0 {
		return st, err
	}
	if st.reading, err = s.nowReading(c); err != nil {
		return libraryState{}, err
	}
	return st, nil
}

// libraryCounts is libraryState without the "Currently reading" strip, and the number of books
// being read.
func (s *Server) libraryCounts(c *fiber.Ctx, f filter) (libraryState, int, error) {
	var st libraryState
	filters, counts, err := s.tabs(c, f)
	if err != nil {
		return libraryState{}, 0, err
	}
	st.filters = filters
	for _, n := range counts {
		st.count += n
	}
	return st, counts[data.StatusReading], nil
}

// tabs are the library's tabs, f's active, and the status counts they show.
func (s *Server) tabs(c *fiber.Ctx, f filter) (views.Filters, map[data.Status]int, error) {
	counts, err := s.reading.StatusCounts(c.UserContext(), owner(c))
	if err != nil {
		return views.Filters{}, nil, err
	}
	shelves, err := s.shelves.List(c.UserContext(), owner(c))
	if err != nil {
		return views.Filters{}, nil, err
	}
	return filters(f, counts, shelves), counts, nil
}

// summaryState is libraryState from the reader's library summary, which a library page reads
// (data.BookStore.Summary), with the strip when withStrip is set.
func summaryState(f filter, sum data.LibrarySummary, withStrip bool) libraryState {
	st := libraryState{filters: filters(f, sum.Counts, sum.Shelves)}
	for _, n := range sum.Counts {
		st.count += n
	}
	if withStrip {
		st.reading = readingViews(sum.Reading)
	}
	return st
}

// filters builds the library's tabs from the status counts and the shelves, marking f's active.
func filters(f filter, counts map[data.Status]int, shelves []data.Shelf) views.Filters {
	total := 0
	for _, n := range counts {
		total += n
	}
	all := f
	all.status = ""
	out := views.Filters{Statuses: []views.Filter{{Label: "All", URL: all.url(), Count: total, Active: f.status == ""}}}
	for _, st := range data.Statuses() {
		tab := f
		tab.status = st
		out.Statuses = append(out.Statuses, views.Filter{
			Label: st.Label(), URL: tab.url(), Count: counts[st], Active: f.status == st,
		})
	}
	for _, sh := range shelves {
		// A shelf's tab shows its books; the active one's shows every book again.
		tab := f
		tab.shelf = sh.ID
		if f.shelf == sh.ID {
			tab.shelf = 0
		}
		out.Shelves = append(out.Shelves, views.Filter{
			Label: sh.Name, URL: tab.url(), Count: sh.Books, Active: f.shelf == sh.ID,
		})
	}
	return out
}

// nowReading is the "Currently reading" strip.
func (s *Server) nowReading(c *fiber.Ctx) ([]views.ReadingNow, error) {
	books, err := s.reading.CurrentlyReading(c.UserContext(), owner(c), nowReadingLimit)
	if err != nil {
		return nil, err
	}
	return readingViews(books), nil
}

// readingViews are the books being read as the "Currently reading" strip shows them (nil for none).
func readingViews(books []data.ReadingNow) []views.ReadingNow {
	if len(books) == 0 {
		return nil
	}
	out := make([]views.ReadingNow, len(books))
	for i, r := range books {
		out[i] = views.ReadingNow{ID: r.ID, Title: r.Title, Progress: progressView(r.Progress, r.Pages, r.Format),
			Cover: views.NewRowCover(r.Title, r.Cover)}
	}
	return out
}

// progressView says how far into a book of format f and the given length (0 when unknown) p
// is: in pages, or in hours and minutes for an audiobook.
func progressView(p data.Progress, pages int, f data.Format) views.Progress {
	pct := int(math.Round(min(max(p.Percent, 0), 100)))
	switch {
	case p.RecordedAt.IsZero():
		return views.Progress{Label: "Not started"}
	case f.Timed() && pages > 0:
		return views.Progress{Percent: pct, Label: fmt.Sprintf("%s of %s (%d%%)", data.FormatMinutes(p.Page), data.FormatMinutes(pages), pct)}
	case f.Timed() && p.Page > 0:
		return views.Progress{Label: data.FormatMinutes(p.Page) + " listened"}
	case pages > 0:
		return views.Progress{Percent: pct, Label: fmt.Sprintf("Page %d of %d (%d%%)", p.Page, pages, pct)}
	case p.Page > 0:
		return views.Progress{Label: fmt.Sprintf("Page %d", p.Page)}
	default:
		return views.Progress{Percent: pct, Label: fmt.Sprintf("%d%%", pct)}
	}
}

// withProgress is books as their rows show them: with the progress of those being read, and
// their covers.
func (s *Server) withProgress(c *fiber.Ctx, books []data.Book) ([]views.Book, error) {
	out := rowViews(books, s.zone(c))
	if err := s.withSeries(c, books, out); err != nil {
		return nil, err
	}
	return out, nil
}

// rowViews is books as their rows show them, but for their series (withSeries): with the
// progress of those being read, and their covers; the days they were added the reader's in loc.
func rowViews(books []data.Book, loc *time.Location) []views.Book {
	out := bookViews(books, loc)
	for i, b := range books {
		if b.Status == data.StatusReading {
			out[i].Progress = progressView(b.Progress(), b.Pages, b.Format)
		}
		out[i].Cover = views.NewRowCover(b.Title, b.Cover)
	}
	return out
}

// rowUpdated answers an htmx change to the row with the row, plus the count, tabs and strip.
func (s *Server) rowUpdated(c *fiber.Ctx, status int, v views.Book) error {
	st, err := s.libraryState(c, currentFilter(c))
	if err != nil {
		return err
	}
	return render(c, status, views.RowUpdated(v, st.count, st.filters, st.reading))
}

// rowChanged answers a successful change made from a row: the row, with focus on the control
// that made it, and what follows from it for htmx, or back to the library for a plain form.
func (s *Server) rowChanged(c *fiber.Ctx, b data.Book, focus views.Focus) error {
	if !isHTMX(c) {
		return c.Redirect(views.LibraryURL, fiber.StatusSeeOther)
	}
	v, err := s.bookRowView(c, b)
	if err != nil {
		return err
	}
	v.Focus = focus
	return s.rowUpdated(c, fiber.StatusOK, v)
}

// bookRowView is a book as its row shows it, progress included.
func (s *Server) bookRowView(c *fiber.Ctx, b data.Book) (views.Book, error) {
	vs, err := s.withProgress(c, []data.Book{b})
	if err != nil {
		return views.Book{}, err
	}
	return vs[0], nil
}

// rowOfBook is the book the URL names and its row, for the row's menus (status, progress).
func (s *Server) rowOfBook(c *fiber.Ctx) (data.Book, views.Book, error) {
	b, err := s.rowBook(c)
	if err != nil {
		return data.Book{}, views.Book{}, err
	}
	v, err := s.bookRowView(c, b)
	return b, v, err
}

// chooseStatus offers the reading statuses of a book: for htmx its row with the status menu open,
// without JavaScript a page with the same choices.
func (s *Server) chooseStatus(c *fiber.Ctx) error {
	b, v, err := s.rowOfBook(c)
	if err != nil {
		return err
	}
	if isHTMX(c) {
		return render(c, fiber.StatusOK, views.StatusMenuRow(v))
	}
	return render(c, fiber.StatusOK, views.StatusPage(s.meta(c, "Reading status of “"+b.Title+"”"), v))
}

// openProgress opens the progress input of a book being read: for htmx in its row (the progress
// link, or p on the current row), without JavaScript on a page of its own.
func (s *Server) openProgress(c *fiber.Ctx) error {
	b, v, err := s.rowOfBook(c)
	if err != nil {
		return err
	}
	v.ProgressOpen = true
	if isHTMX(c) {
		return render(c, fiber.StatusOK, views.BookRow(v))
	}
	return render(c, fiber.StatusOK, views.ProgressPage(s.meta(c, "Progress in “"+b.Title+"”"), v))
}

// setStatus moves a book to another reading status, today, and answers the screen the choice was
// made on: the library's row (its status menu, or the status page without JavaScript), or the book
// page (its status buttons: htmx gets the status section back with the parts of the page a change
// of status changes, a plain form is redirected to the page). The book's own status again changes
// nothing.
func (s *Server) setStatus(c *fiber.Ctx) error {
	page := fromPage(c, views.BookStatusID)
	id, err := bookID(c)
	if err != nil {
		return err
	}
	var b data.Book
	st, err := data.ParseStatus(c.FormValue("status"))
	if err == nil {
		// Dated today where the reader is.
		b, err = s.reading.SetStatus(c.UserContext(), owner(c), id, st, time.Now().In(s.zone(c)))
	}
	switch {
	case errors.Is(err, data.ErrNotFound):
		return missing(page, id)
	case errors.Is(err, data.ErrInvalid) && page:
		return s.pageStatusRefused(c, id, err)
	case errors.Is(err, data.ErrInvalid):
		return s.unprocessable(c, id, err)
	case err != nil:
		return err
	case page:
		return s.bookSaved(c, b, views.BookStatusUpdated)
	}
	return s.rowChanged(c, b, views.FocusStatus)
}

// pageStatusRefused answers 422 for a status refused on the book page: the status section with
// the message beside the buttons (htmx), or the whole page.
func (s *Server) pageStatusRefused(c *fiber.Ctx, id int64, err error) error {
	b, gerr := s.books.Get(c.UserContext(), owner(c), id)
	if gerr != nil {
		return gerr
	}
	msg := statusProblem(err, "Pick one of the reading statuses.")
	return s.renderBookPage(c, fiber.StatusUnprocessableEntity, b, views.BookStatusUpdated, func(d *views.BookDetail) {
		d.StatusError = msg
	})
}

// unprocessable answers 422 for a rejected status: the message as plain text, which htmx shows
// in a toast (a select offers only valid choices, so only a forged request gets here).
func (s *Server) unprocessable(c *fiber.Ctx, id int64, err error) error {
	msg := statusProblem(err, "That is not a reading status.")
	if _, gerr := s.books.Get(c.UserContext(), owner(c), id); errors.Is(gerr, data.ErrNotFound) {
		return goneBook{id}
	}
	if isHTMX(c) {
		c.Set(hxReswap, "none")
	}
	c.Status(fiber.StatusUnprocessableEntity)
	c.Type("txt", "utf-8")
	return c.SendString(msg)
}

// statusProblem is the one message a change of status shows for err, or fallback when err is no
// validation error: a problem with the status first, then with the dates of the reading it starts
// or ends, so that the same request always says the same thing.
func statusProblem(err error, fallback string) string {
	var verr *data.ValidationError
	if !errors.As(err, &verr) {
		return fallback
	}
	_, msg := verr.First("status", "started_on", "finished_on")
	return msg
}

// progressProblem is the one message a progress form shows for verr: a problem with the page
// typed first, then with the book's number of pages.
func progressProblem(verr *data.ValidationError) string {
	_, msg := verr.First("page", "pages")
	return msg
}

// recordProgress records a quick progress update, a page or a percentage, and answers the screen
// it was typed on: the library's row (ready for the next update), or the book page (htmx gets the
// progress section back, with the new entry in its history; a plain form is redirected to the
// page). A refused update comes back with what was typed and why, beside the input.
func (s *Server) recordProgress(c *fiber.Ctx) error {
	page := fromPage(c, views.BookProgressID)
	b, err := s.bookOn(c, page)
	if err != nil {
		return err
	}
	typed := strings.Clone(c.FormValue("progress"))
	in, err := data.ParseBookProgress(typed, b.Format, b.Pages)
	if err == nil {
		_, err = s.reading.RecordProgress(c.UserContext(), owner(c), b.ID, in)
	}
	var verr *data.ValidationError
	switch {
	case errors.Is(err, data.ErrNotFound):
		return missing(page, b.ID)
	case errors.As(err, &verr):
		return s.progressRefused(c, page, b, typed, progressProblem(verr))
	case err != nil:
		return err
	}
	// The book as it is now, with the progress just recorded.
	id := b.ID
	if b, err = s.books.Get(c.UserContext(), owner(c), id); errors.Is(err, data.ErrNotFound) {
		return missing(page, id)
	} else if err != nil {
		return err
	}
	if page {
		return s.bookSaved(c, b, views.BookProgressUpdated)
	}
	// Ready for the next update; the status when the book is no longer being read.
	focus := views.FocusProgress
	if b.Status != data.StatusReading {
		focus = views.FocusStatus
	}
	return s.rowChanged(c, b, focus)
}

// progressRefused answers 422 for a progress update refused with msg, typed on the book page
// (its progress section, or the whole page) or in the library (the row, or the library page).
func (s *Server) progressRefused(c *fiber.Ctx, page bool, b data.Book, typed, msg string) error {
	if page {
		return s.renderBookPage(c, fiber.StatusUnprocessableEntity, b, views.BookProgressUpdated, func(d *views.BookDetail) {
			d.ProgressInput, d.ProgressError = typed, msg
		})
	}
	v, err := s.bookRowView(c, b)
	if err != nil {
		return err
	}
	v.ProgressInput, v.ProgressError = typed, msg
	if isHTMX(c) {
		return render(c, fiber.StatusUnprocessableEntity, views.BookRow(v))
	}
	return s.renderLibrary(c, fiber.StatusUnprocessableEntity, views.Library{Books: []views.Book{v}}, filter{}, "")
}

// filterUpdates renders the component made with the reader's book count, then the tabs and the
// "Currently reading" strip as out-of-band swaps: adding, deleting or restoring a book changes
// their counts.
func (s *Server) filterUpdates(c *fiber.Ctx, component func(count int) templ.Component) error {
	st, err := s.libraryState(c, currentFilter(c))
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, templ.Join(component(st.count), views.FilterUpdates(st.filters, st.reading)))
}
