package handlers

import (
	"errors"
	"fmt"
	"math"
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
	var st libraryState
	filters, counts, err := s.tabs(c, f)
	if err != nil {
		return libraryState{}, err
	}
	st.filters = filters
	for _, n := range counts {
		st.count += n
	}
	if counts[data.StatusReading] > 0 {
		if st.reading, err = s.nowReading(c); err != nil {
			return libraryState{}, err
		}
	}
	return st, nil
}

// tabs are the library's tabs, f's active, and the status counts they show.
func (s *Server) tabs(c *fiber.Ctx, f filter) (views.Filters, map[data.Status]int, error) {
	counts, err := s.reading.StatusCounts(c.UserContext(), owner(c))
	if err != nil {
		return views.Filters{}, nil, err
	}
	filters, err := s.filters(c, f, counts)
	return filters, counts, err
}

// filters builds the library's tabs from the status counts, marking f's active.
func (s *Server) filters(c *fiber.Ctx, f filter, counts map[data.Status]int) (views.Filters, error) {
	shelves, err := s.shelves.List(c.UserContext(), owner(c))
	if err != nil {
		return views.Filters{}, err
	}
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
	return out, nil
}

// nowReading is the "Currently reading" strip.
func (s *Server) nowReading(c *fiber.Ctx) ([]views.ReadingNow, error) {
	books, err := s.reading.CurrentlyReading(c.UserContext(), owner(c), nowReadingLimit)
	if err != nil {
		return nil, err
	}
	out := make([]views.ReadingNow, len(books))
	for i, r := range books {
		out[i] = views.ReadingNow{ID: r.ID, Title: r.Title, Progress: progressView(r.Progress, r.Pages)}
	}
	return out, nil
}

// progressView says how far into a book of the given length (0 when unknown) p is.
func progressView(p data.Progress, pages int) views.Progress {
	pct := int(math.Round(min(max(p.Percent, 0), 100)))
	switch {
	case p.RecordedAt.IsZero():
		return views.Progress{Label: "Not started"}
	case pages > 0:
		return views.Progress{Percent: pct, Label: fmt.Sprintf("Page %d of %d (%d%%)", p.Page, pages, pct)}
	case p.Page > 0:
		return views.Progress{Label: fmt.Sprintf("Page %d", p.Page)}
	default:
		return views.Progress{Percent: pct, Label: fmt.Sprintf("%d%%", pct)}
	}
}

// withProgress fills in the progress of the books being read among books.
func (s *Server) withProgress(_ *fiber.Ctx, books []data.Book) ([]views.Book, error) {
	out := bookViews(books)
	for i, b := range books {
		if b.Status == data.StatusReading {
			out[i].Progress = progressView(b.Progress(), b.Pages)
		}
	}
	return out, nil
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
		return c.Redirect("/books", fiber.StatusSeeOther)
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

// chooseStatus offers the reading statuses of a book: for htmx its row with the status menu open,
// without JavaScript a page with the same choices.
func (s *Server) chooseStatus(c *fiber.Ctx) error {
	b, err := s.rowBook(c)
	if err != nil {
		return err
	}
	v, err := s.bookRowView(c, b)
	if err != nil {
		return err
	}
	if isHTMX(c) {
		return render(c, fiber.StatusOK, views.StatusMenuRow(v))
	}
	return render(c, fiber.StatusOK, views.StatusPage(s.meta(c, "Reading status of “"+b.Title+"”"), v))
}

// setStatus moves a book to another reading status, today: a choice of the row's status menu
// (htmx), or of the status page without JavaScript. The book's own status again changes nothing.
func (s *Server) setStatus(c *fiber.Ctx) error {
	id, err := bookID(c)
	if err != nil {
		return err
	}
	st, err := data.ParseStatus(c.FormValue("status"))
	if err != nil {
		return s.unprocessable(c, id, err)
	}
	b, err := s.reading.SetStatus(c.UserContext(), owner(c), id, st, time.Time{})
	switch {
	case errors.Is(err, data.ErrNotFound):
		return goneBook{id}
	case errors.Is(err, data.ErrInvalid):
		return s.unprocessable(c, id, err)
	case err != nil:
		return err
	}
	return s.rowChanged(c, b, views.FocusStatus)
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

// recordProgress records a quick progress update, a page or a percentage, from a reading row.
func (s *Server) recordProgress(c *fiber.Ctx) error {
	b, err := s.rowBook(c)
	if err != nil {
		return err
	}
	typed := c.FormValue("progress")
	in, err := data.ParseProgress(typed, b.Pages)
	if err == nil {
		_, err = s.reading.RecordProgress(c.UserContext(), owner(c), b.ID, in)
	}
	var verr *data.ValidationError
	switch {
	case errors.Is(err, data.ErrNotFound):
		return goneBook{b.ID}
	case errors.As(err, &verr):
		v, rerr := s.bookRowView(c, b)
		if rerr != nil {
			return rerr
		}
		v.ProgressInput, v.ProgressError = typed, progressProblem(verr)
		if isHTMX(c) {
			return render(c, fiber.StatusUnprocessableEntity, views.BookRow(v))
		}
		return s.renderLibrary(c, fiber.StatusUnprocessableEntity, views.Library{Books: []views.Book{v}}, filter{}, "")
	case err != nil:
		return err
	}
	// The book as it is now, with the progress just recorded.
	id := b.ID
	if b, err = s.books.Get(c.UserContext(), owner(c), id); errors.Is(err, data.ErrNotFound) {
		return goneBook{id}
	} else if err != nil {
		return err
	}
	// Ready for the next update; the status when the book is no longer being read.
	focus := views.FocusProgress
	if b.Status != data.StatusReading {
		focus = views.FocusStatus
	}
	return s.rowChanged(c, b, focus)
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
