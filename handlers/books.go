package handlers

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/views"
)

// owner is the signed-in reader's user id; requireUser guarantees there is one on book routes.
func owner(c *fiber.Ctx) int64 {
	sess, _ := currentUser(c)
	return sess.UserID
}

// bookID parses the :id route parameter. Anything that is not a positive integer names no book.
func bookID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fiber.ErrNotFound
	}
	return id, nil
}

// bookInput reads the book fields of a form (or, for htmx DELETE/PUT, the query string or body).
// The status, which only the new-book row sends, is validated by the store.
func (s *Server) bookInput(c *fiber.Ctx) data.BookInput {
	in := data.BookInput{Title: c.FormValue("title"), Author: c.FormValue("author"), Genre: c.FormValue("genre"),
		Format: data.Format(c.FormValue("format")), Zone: s.zone(c)}
	if st := c.FormValue("status"); st != "" {
		if parsed, err := data.ParseStatus(st); err == nil {
			in.Status = parsed
		} else {
			in.Status = data.Status(st)
		}
	}
	return in
}

// bookView turns a stored book into what the pages show, the day it was added the reader's in loc.
func bookView(b data.Book, loc *time.Location) views.Book {
	v := views.Book{
		ID: b.ID, Title: b.Title, Author: b.Author, Genre: b.Genre, Status: string(b.Status), Rating: b.Rating.String(),
		AddedShort: shortDate(b.CreatedAt.In(loc).Date()), Timed: b.Format.Timed(),
	}
	if b.FinishedOn == "" {
		return v
	}
	if fin, err := time.Parse(time.DateOnly, b.FinishedOn); err == nil {
		v.FinishedShort = shortDate(fin.Date())
	}
	return v
}

// shortDate is a date as the library's table shows it, "14 Mar 2025": time.Format's "2 Jan 2006",
// put together directly in one allocation (the year formatted apart, then joined, made two), as
// a page has fifty rows with two dates each.
func shortDate(year int, month time.Month, day int) string {
	var buf [24]byte
	b := strconv.AppendInt(buf[:0], int64(day), 10)
	b = append(append(append(b, ' '), month.String()[:3]...), ' ')
	return string(strconv.AppendInt(b, int64(year), 10))
}

func bookViews(books []data.Book, loc *time.Location) []views.Book {
	out := make([]views.Book, len(books))
	for i, b := range books {
		out[i] = bookView(b, loc)
	}
	return out
}

// formOf fills a form with what the reader typed and the problems found with it.
func formOf(id int64, in data.BookInput, err error) views.BookForm {
	f := views.BookForm{ID: id, Title: in.Title, Author: in.Author, Genre: in.Genre, Status: string(in.Status), Format: string(in.Format)}
	var verr *data.ValidationError
	if errors.As(err, &verr) {
		f.Errors = verr.Fields
	}
	return f
}

// goneBook is the error for a book that is not the reader's to see (missing, deleted, or someone
// else's) on a route that answers with its row: handleError answers htmx requests with a row
// saying so, in place of the book's row, and others with the not-found page.
type goneBook struct{ id int64 }

func (g goneBook) Error() string { return "book " + strconv.FormatInt(g.id, 10) + " not found" }

// Is makes a gone book a data.ErrNotFound, for statusOf and for callers.
func (g goneBook) Is(target error) bool { return target == data.ErrNotFound }

// rowBook returns the reader's live book named by the :id route parameter, or goneBook.
func (s *Server) rowBook(c *fiber.Ctx) (data.Book, error) {
	id, err := bookID(c)
	if err != nil {
		return data.Book{}, err
	}
	b, err := s.books.Get(c.UserContext(), owner(c), id)
	if errors.Is(err, data.ErrNotFound) {
		return data.Book{}, goneBook{id}
	}
	return b, err
}

// createBook adds a book from the new-book row, with what a lookup found when the row has it
// (catalogued). A title that is an ISBN is looked up instead (Enter in the title).
func (s *Server) createBook(c *fiber.Ctx) error {
	in := s.bookInput(c)
	if s.lookups != nil && looksLikeISBN(in.Title) {
		return s.lookupNewBook(c)
	}
	x, found, err := s.catalogued(c)
	if err != nil {
		return err
	}
	// A series typed after the title is split off it (data.SplitSeriesTitle); the new row
	// offers to put it back. The tabs the answer shows come from the add's own transaction
	// (data.BookStore.CreateWithTabs).
	var b data.Book
	var tabs data.LibraryTabs
	var split *data.BookSeries
	switch clean, ref, ok := data.SplitSeriesTitle(in.Title); {
	case ok:
		b, split, tabs, err = s.series.CreateInSeries(c.UserContext(), owner(c), data.BookInput{Title: clean, Author: in.Author, Genre: in.Genre, Status: in.Status, Format: in.Format}, x, ref)
	default: // x is empty when the row has no lookup's record (found is nil)
		b, tabs, err = s.books.CreateWithTabs(c.UserContext(), owner(c), in, x)
	}
	if errors.Is(err, data.ErrInvalid) {
		form := formOf(0, in, err)
		if found != nil {
			found.PagesError = form.Errors["pages"]
		}
		form.Lookup = views.Lookup{On: s.lookups != nil, Found: found}
		if isHTMX(c) {
			c.Set(hxRetarget, "#new-book-row")
			c.Set(hxReswap, "outerHTML")
			return render(c, fiber.StatusUnprocessableEntity, views.NewBookRow(form, false))
		}
		return s.renderLibrary(c, fiber.StatusUnprocessableEntity, views.Library{New: form}, filter{}, "")
	}
	if err != nil {
		return err
	}
	if !isHTMX(c) {
		if split != nil {
			// Without JavaScript, the book's page shows the split and offers to undo it.
			return c.Redirect(views.BookURL(b.ID)+"#"+views.BookSeriesID, fiber.StatusSeeOther)
		}
		return c.Redirect(views.LibraryURL, fiber.StatusSeeOther)
	}
	// A new book is in a series only when one was split off its title: the row of any other
	// needs no look for its series (an eighth of an add's CPU, BenchmarkCreate).
	v := rowViews([]data.Book{b}, s.zone(c))[0]
	if split != nil {
		if v, err = s.bookRowView(c, b); err != nil {
			return err
		}
		v.Split = &views.SeriesSplit{SeriesID: split.SeriesID, Label: split.Label(), Typed: in.Title}
	}
	// A new book changes the strip of books being read only when it is one of them: reading the
	// strip after every add cost about a tenth of an add's CPU under load (bench/README.md).
	strip := b.Status == data.StatusReading
	var st libraryState
	if strip {
		if st, err = s.libraryState(c, currentFilter(c)); err != nil {
			return err
		}
	} else {
		st = summaryState(currentFilter(c), data.LibrarySummary{Counts: tabs.Counts, Shelves: tabs.Shelves}, false)
	}
	return render(c, fiber.StatusOK, views.NewBookAdded(v, st.count, st.filters, st.reading, strip, s.lookups != nil))
}

// showBook answers with the book as the screen that asks shows it. htmx gets, by its target, a
// fact of the book page (its in-place edit opened, or cancelled) or its readings (a reading's
// dates opened by ?edit=, or cancelled; Cancel of a reading's delete, with the focus back on what
// ?focus= names), and otherwise the
// book's library row (Cancel of the row's edit or status menu, with the focus back on the control
// ?focus= names). Without htmx it is the book's page.
func (s *Server) showBook(c *fiber.Ctx) error {
	part := pageTarget(c, append(views.BookFactIDs(), views.BookReadingsID, views.BookSeriesID, views.BookCatalogueID)...)
	b, err := s.bookOn(c, part != "" || !isHTMX(c))
	if err != nil {
		return err
	}
	// A fact's in-place edit: ?edit=name opens its input (the fact alone for htmx, the page
	// without JavaScript); the fact alone without it is its Cancel, which focuses it.
	edit := strings.Clone(c.Query("edit"))
	if name, ok := strings.CutPrefix(part, views.BookFactID("")); ok {
		return s.renderBookPage(c, fiber.StatusOK, b, views.BookFactUpdated(name), func(d *views.BookDetail) {
			if edit == name {
				d.Editing = name
			} else {
				d.FocusFact = name
			}
		})
	}
	switch {
	case part == views.BookCatalogueID: // Cancel or Done of a comparison with a catalogue
		return s.renderBookPage(c, fiber.StatusOK, b, views.BookCatalogueUpdated, nil)
	case part == views.BookReadingsID:
		return s.renderBookPage(c, fiber.StatusOK, b, views.ReadThroughsUpdated, readingsOpen(edit, c.Query("focus")))
	case part == views.BookSeriesID: // a series' in-place edit opened (?edit=), or cancelled (?focus=)
		focus := strings.Clone(c.Query("focus"))
		return s.renderBookPage(c, fiber.StatusOK, b, views.BookSeriesUpdated, func(d *views.BookDetail) {
			d.Editing, d.FocusFact = edit, focus
		})
	case isHTMX(c):
		v, err := s.bookRowView(c, b)
		if err != nil {
			return err
		}
		v.Focus = views.ParseFocus(c.Query("focus"))
		return render(c, fiber.StatusOK, views.BookRow(v))
	}
	return s.renderBookPage(c, fiber.StatusOK, b, nil, func(d *views.BookDetail) {
		d.Editing = edit
		readingsOpen(edit, "")(d)
	})
}

// readingsOpen opens the dates of the reading that edit names (views.ReadingDatesKey, or
// views.ReadingFinishKey from its finish), or the progress update it names (views.ProgressKey),
// and puts the focus on what focus names: a reading's dates (the date they were opened from), a
// progress update, or a reading's Delete button (its id: Cancel of its delete). A key or an id
// that is nothing of the book's opens nothing.
func readingsOpen(edit, focus string) func(*views.BookDetail) {
	return func(d *views.BookDetail) {
		for i := range d.ReadThroughs {
			rt := &d.ReadThroughs[i]
			key, finish := views.ReadingDatesKey(rt.ID), views.ReadingFinishKey(rt.ID)
			rt.Editing = edit == key || edit == finish
			rt.FromFinish = edit == finish || focus == finish
			rt.FocusDates = focus == key || focus == finish
			rt.FocusDelete = focus == strconv.FormatInt(rt.ID, 10)
		}
		for p := range d.ProgressEntries() {
			p.Editing, p.Focus = edit == views.ProgressKey(p.ID), focus == views.ProgressKey(p.ID)
		}
	}
}

// editBook answers with the form that edits a book's title, author and genre: for htmx in place
// of its library row; without htmx, the edit page. (The book page edits each in its place.)
func (s *Server) editBook(c *fiber.Ctx) error {
	b, err := s.rowBook(c)
	if err != nil {
		return err
	}
	form := views.BookForm{ID: b.ID, Title: b.Title, Author: b.Author, Genre: b.Genre, Format: string(b.Format)}
	if isHTMX(c) {
		return render(c, fiber.StatusOK, views.BookEditRow(form))
	}
	return render(c, fiber.StatusOK, views.EditPage(s.meta(c, "Edit “"+b.Title+"”"), form))
}

// updateBook saves an edit of a book's title, author and genre: PUT from the library's edit row,
// POST from the edit page or from the book page, where each is edited in its place and sent
// alone (what a form does not send keeps its value). A bad field re-renders the form or the
// fact it came from with what was typed and a message beside each bad field.
func (s *Server) updateBook(c *fiber.Ctx) error {
	fact, part := factPart(c, nil)
	page := fact != "" || !isHTMX(c) && c.FormValue(views.ScreenField) == views.ScreenPage
	id, err := bookID(c)
	if err != nil {
		return err
	}
	in := s.bookInput(c)
	if page {
		if in, err = s.keepUnsent(c, id, in); err != nil {
			return err
		}
	}
	b, err := s.books.Update(c.UserContext(), owner(c), id, in)
	switch {
	case errors.Is(err, data.ErrNotFound):
		return missing(page, id)
	case errors.Is(err, data.ErrInvalid) && page:
		return s.factRefused(c, part, formOf(id, in, err))
	case errors.Is(err, data.ErrInvalid):
		return s.editRefused(c, formOf(id, in, err))
	case err != nil:
		return err
	case page:
		return s.factSaved(c, b, fact, part)
	case isHTMX(c):
		v, err := s.bookRowView(c, b)
		if err != nil {
			return err
		}
		v.Focus = views.FocusEdit
		return render(c, fiber.StatusOK, views.BookRow(v))
	}
	return c.Redirect(views.LibraryURL, fiber.StatusSeeOther)
}

// keepUnsent fills in the title, author and genre that a form of the book page did not send (it
// sends the one edited in place) with the book id's own.
func (s *Server) keepUnsent(c *fiber.Ctx, id int64, in data.BookInput) (data.BookInput, error) {
	b, err := s.books.Get(c.UserContext(), owner(c), id)
	if err != nil {
		return in, err
	}
	posted := c.Context().PostArgs()
	for _, f := range []struct {
		name  string
		value *string
		kept  string
	}{{"title", &in.Title, b.Title}, {"author", &in.Author, b.Author}, {"genre", &in.Genre, b.Genre}} {
		if !posted.Has(f.name) {
			*f.value = f.kept
		}
	}
	return in, nil
}

// factRefused answers 422 for a title, author or genre refused on the book page: the fact part
// (htmx) or the whole page, with what was typed and its problem beside it.
func (s *Server) factRefused(c *fiber.Ctx, part bookPart, form views.BookForm) error {
	b, err := s.books.Get(c.UserContext(), owner(c), form.ID)
	if err != nil {
		return err
	}
	return s.renderBookPage(c, fiber.StatusUnprocessableEntity, b, part, func(d *views.BookDetail) {
		d.Fields = &form
	})
}

// editRefused answers 422 for an edit with bad fields, with form (what was typed and its
// problems) where it was: the edit row, or the edit page.
func (s *Server) editRefused(c *fiber.Ctx, form views.BookForm) error {
	if isHTMX(c) {
		return render(c, fiber.StatusUnprocessableEntity, views.BookEditRow(form))
	}
	return render(c, fiber.StatusUnprocessableEntity, views.EditPage(s.meta(c, "Edit book"), form))
}

// confirmDelete asks before deleting, for readers without JavaScript.
func (s *Server) confirmDelete(c *fiber.Ctx) error {
	b, err := s.rowBook(c)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.DeletePage(s.meta(c, "Delete “"+b.Title+"”?"), bookView(b, s.zone(c))))
}

// deleteBook deletes a book: DELETE from the row (the row disappears and a toast offers Undo), or
// POST from the confirmation page (back to the library, which offers Undo).
func (s *Server) deleteBook(c *fiber.Ctx) error {
	id, err := bookID(c)
	if err != nil {
		return err
	}
	b, err := s.books.Delete(c.UserContext(), owner(c), id)
	if errors.Is(err, data.ErrNotFound) {
		return goneBook{id}
	}
	if err != nil {
		return err
	}
	if !isHTMX(c) {
		return c.Redirect(views.LibraryDeletedURL(b.ID), fiber.StatusSeeOther)
	}
	return s.filterUpdates(c, func(n int) templ.Component { return views.BookDeleted(bookView(b, s.zone(c)), n) })
}

// restoreBook undoes a delete.
func (s *Server) restoreBook(c *fiber.Ctx) error {
	id, err := bookID(c)
	if err != nil {
		return err
	}
	b, err := s.books.Restore(c.UserContext(), owner(c), id)
	if errors.Is(err, data.ErrNotFound) {
		return goneBook{id}
	}
	if err != nil {
		return err
	}
	if !isHTMX(c) {
		return c.Redirect(views.LibraryURL, fiber.StatusSeeOther)
	}
	v, err := s.bookRowView(c, b)
	if err != nil {
		return err
	}
	v.Focus = views.FocusTitle
	place, err := s.placeRestored(c, b.ID)
	if err != nil {
		return err
	}
	return s.filterUpdates(c, func(n int) templ.Component { return views.BookRestored(v, n, place) })
}

// placeRestored says where a book brought back by Undo goes among the rows of the library page
// the request came from, as an htmx out-of-band swap: before the book that follows it in the
// page's view, at the end of the rows loaded, or nowhere ("") when it is not in the view or
// belongs to a page not loaded yet (which will bring it). The server orders; the browser only
// says which rows it has loaded: up to the cursor of its "Load more" row, or all of them.
func (s *Server) placeRestored(c *fiber.Ctx, id int64) (string, error) {
	f, ok := libraryView(c)
	if !ok {
		return "", nil
	}
	cursor := c.FormValue("cursor")
	q, err := s.bookQuery(c, f, cursor)
	if err != nil {
		return "", err
	}
	n, err := s.books.NeighbourOf(c.UserContext(), owner(c), q, id)
	switch {
	case errors.Is(err, data.ErrInvalid), errors.Is(err, data.ErrNotFound):
		return "", nil // a forged cursor or a shelf gone meanwhile: the row is not shown
	case err != nil:
		return "", err
	case !n.In:
		return "", nil
	case n.Next != 0:
		return "beforebegin:#book-" + strconv.FormatInt(n.Next, 10), nil
	case cursor != "":
		return "beforebegin:#load-more", nil
	}
	return "beforeend:#book-list", nil
}
