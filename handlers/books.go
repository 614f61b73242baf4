package handlers

import (
	"errors"
	"strconv"

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
func bookInput(c *fiber.Ctx) data.BookInput {
	in := data.BookInput{Title: c.FormValue("title"), Author: c.FormValue("author"), Genre: c.FormValue("genre")}
	if st := c.FormValue("status"); st != "" {
		if parsed, err := data.ParseStatus(st); err == nil {
			in.Status = parsed
		} else {
			in.Status = data.Status(st)
		}
	}
	return in
}

// bookView turns a stored book into what the pages show.
func bookView(b data.Book) views.Book {
	return views.Book{ID: b.ID, Title: b.Title, Author: b.Author, Genre: b.Genre, Added: b.CreatedAt.Format("2 January 2006"), Status: string(b.Status)}
}

func bookViews(books []data.Book) []views.Book {
	out := make([]views.Book, len(books))
	for i, b := range books {
		out[i] = bookView(b)
	}
	return out
}

// formOf fills a form with what the reader typed and the problems found with it.
func formOf(id int64, in data.BookInput, err error) views.BookForm {
	f := views.BookForm{ID: id, Title: in.Title, Author: in.Author, Genre: in.Genre, Status: string(in.Status)}
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

// listBooks shows the library, all of it or filtered by ?status= or ?shelf=; with ?before= it
// shows the page of books older than that cursor.
func (s *Server) listBooks(c *fiber.Ctx) error {
	before, err := strconv.ParseInt(c.Query("before", "0"), 10, 64)
	if err != nil || before < 0 {
		return fiber.NewError(fiber.StatusBadRequest, "bad cursor")
	}
	f, err := parseFilter(c.Query("status"), c.Query("shelf"))
	if errors.Is(err, errBadStatus) {
		if isHTMX(c) {
			return fiber.NewError(fiber.StatusBadRequest, "unknown status")
		}
		return s.renderLibrary(c, fiber.StatusBadRequest, views.Library{
			Problem: "There is no reading status “" + c.Query("status") + "”. Showing all your books.",
		}, filter{}, 0)
	}
	if err != nil {
		return err
	}
	if isHTMX(c) {
		books, next, err := s.rows(c, f, before)
		if err != nil {
			return err
		}
		return render(c, fiber.StatusOK, views.BookRows(books, next, f.query()))
	}
	return s.renderLibrary(c, fiber.StatusOK, views.Library{Older: before > 0}, f, before)
}

// rows is the page of book rows that f shows from the cursor before, progress included, and the
// cursor of the next page. A filter on a shelf that is not the reader's is a 404.
func (s *Server) rows(c *fiber.Ctx, f filter, before int64) ([]views.Book, int64, error) {
	page, err := s.listFiltered(c, f, before)
	if errors.Is(err, data.ErrNotFound) {
		return nil, 0, fiber.ErrNotFound
	}
	if err != nil {
		return nil, 0, err
	}
	books, err := s.withProgress(c, page.Books)
	if err != nil {
		return nil, 0, err
	}
	return books, page.Next, nil
}

// renderLibrary renders the full library page, filling in the books that f shows from the cursor
// before, the count, the tabs and the "Currently reading" strip. A book in l.Books replaces the
// row of the same book (a row re-rendered with an error).
func (s *Server) renderLibrary(c *fiber.Ctx, status int, l views.Library, f filter, before int64) error {
	books, next, err := s.rows(c, f, before)
	if err != nil {
		return err
	}
	for _, override := range l.Books {
		for i := range books {
			if books[i].ID == override.ID {
				books[i] = override
			}
		}
	}
	l.Books, l.Next, l.Query = books, next, f.query()
	st, err := s.libraryState(c, f)
	if err != nil {
		return err
	}
	l.Count, l.Filters, l.Reading = st.count, st.filters, st.reading
	if id, err := strconv.ParseInt(c.Query("deleted"), 10, 64); err == nil && id > 0 {
		b, err := s.books.GetDeleted(c.UserContext(), owner(c), id)
		switch {
		case err == nil:
			v := bookView(b)
			l.Deleted = &v
		case !errors.Is(err, data.ErrNotFound):
			return err
		}
	}
	return render(c, status, views.LibraryPage(s.meta(c, "Your library"), l))
}

// createBook adds a book from the new-book row.
func (s *Server) createBook(c *fiber.Ctx) error {
	in := bookInput(c)
	b, err := s.books.Create(c.UserContext(), owner(c), in)
	if errors.Is(err, data.ErrInvalid) {
		form := formOf(0, in, err)
		if isHTMX(c) {
			c.Set(hxRetarget, "#new-book-row")
			c.Set(hxReswap, "outerHTML")
			return render(c, fiber.StatusUnprocessableEntity, views.NewBookRow(form, false))
		}
		return s.renderLibrary(c, fiber.StatusUnprocessableEntity, views.Library{New: form}, filter{}, 0)
	}
	if err != nil {
		return err
	}
	if !isHTMX(c) {
		return c.Redirect("/books", fiber.StatusSeeOther)
	}
	v, err := s.bookRowView(c, b)
	if err != nil {
		return err
	}
	st, err := s.libraryState(c, currentFilter(c))
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.NewBookAdded(v, st.count, st.filters, st.reading))
}

// showBook answers with the book's row for htmx (Cancel uses this), or its page.
func (s *Server) showBook(c *fiber.Ctx) error {
	b, err := s.rowBook(c)
	if err != nil {
		return err
	}
	if isHTMX(c) {
		v, err := s.bookRowView(c, b)
		if err != nil {
			return err
		}
		return render(c, fiber.StatusOK, views.BookRow(v))
	}
	return s.renderBookPage(c, fiber.StatusOK, b, nil, nil)
}

// editBook answers with the edit row for htmx, or the edit page.
func (s *Server) editBook(c *fiber.Ctx) error {
	b, err := s.rowBook(c)
	if err != nil {
		return err
	}
	form := views.BookForm{ID: b.ID, Title: b.Title, Author: b.Author, Genre: b.Genre}
	if isHTMX(c) {
		return render(c, fiber.StatusOK, views.BookEditRow(form))
	}
	return render(c, fiber.StatusOK, views.EditPage(s.meta(c, "Edit “"+b.Title+"”"), form))
}

// updateBook saves an edit: PUT from the edit row, POST from the edit page.
func (s *Server) updateBook(c *fiber.Ctx) error {
	id, err := bookID(c)
	if err != nil {
		return err
	}
	in := bookInput(c)
	b, err := s.books.Update(c.UserContext(), owner(c), id, in)
	switch {
	case errors.Is(err, data.ErrNotFound):
		return goneBook{id}
	case errors.Is(err, data.ErrInvalid):
		form := formOf(id, in, err)
		if isHTMX(c) {
			return render(c, fiber.StatusUnprocessableEntity, views.BookEditRow(form))
		}
		return render(c, fiber.StatusUnprocessableEntity, views.EditPage(s.meta(c, "Edit book"), form))
	case err != nil:
		return err
	}
	if isHTMX(c) {
		v, err := s.bookRowView(c, b)
		if err != nil {
			return err
		}
		return render(c, fiber.StatusOK, views.BookRow(v))
	}
	return c.Redirect("/books", fiber.StatusSeeOther)
}

// confirmDelete asks before deleting, for readers without JavaScript.
func (s *Server) confirmDelete(c *fiber.Ctx) error {
	b, err := s.rowBook(c)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.DeletePage(s.meta(c, "Delete “"+b.Title+"”?"), bookView(b)))
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
		return c.Redirect("/books?deleted="+strconv.FormatInt(b.ID, 10), fiber.StatusSeeOther)
	}
	return s.filterUpdates(c, func(n int) templ.Component { return views.BookDeleted(bookView(b), n) })
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
		return c.Redirect("/books", fiber.StatusSeeOther)
	}
	v, err := s.bookRowView(c, b)
	if err != nil {
		return err
	}
	return s.filterUpdates(c, func(n int) templ.Component { return views.BookRestored(v, n) })
}
