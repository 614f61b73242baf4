package handlers

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/views"
)

// SeriesStore is what the handlers need of series. Every method takes the owner's id: another
// reader's series is data.ErrNotFound.
type SeriesStore interface {
	CreateInSeries(ctx context.Context, owner int64, in data.BookInput, x data.Catalogued, ref data.SeriesRef) (data.Book, *data.BookSeries, data.LibraryTabs, error)
	OfBook(ctx context.Context, owner, id int64) ([]data.BookSeries, error)
	OfBooks(ctx context.Context, owner int64, ids []int64) (map[int64][]data.BookSeries, error)
	Names(ctx context.Context, owner int64) ([]string, error)
	AddBook(ctx context.Context, owner, id int64, ref data.SeriesRef) (data.BookSeries, error)
	SetPosition(ctx context.Context, owner, id, sid int64, position string) (data.BookSeries, error)
	RemoveBook(ctx context.Context, owner, id, sid int64) error
	KeepAsTitle(ctx context.Context, owner, id, sid int64) (data.Book, error)
	ListFrom(ctx context.Context, owner int64, after string, limit int) ([]data.SeriesSummary, error)
	Get(ctx context.Context, owner, id int64) (data.SeriesDetail, error)
}

// seriesID is the series named by the route parameter name; anything but a positive integer
// names none.
func seriesID(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fiber.ErrNotFound
	}
	return id, nil
}

// seriesLabels are a book's series as its library row shows them.
func seriesLabels(in []data.BookSeries) []views.SeriesLabel {
	out := make([]views.SeriesLabel, len(in))
	for i, s := range in {
		out[i] = views.SeriesLabel{ID: s.SeriesID, Label: s.Label()}
	}
	return out
}

// withSeries puts each book's series under its title in rows (views of books, in order): one
// query for the page's books that may be in a series, none when the page knows that none is
// (data.Book.NoSeries). The seeded library's first page at 100,000 books asks for 13 books
// instead of 50.
func (s *Server) withSeries(c *fiber.Ctx, books []data.Book, rows []views.Book) error {
	ids := make([]int64, 0, len(books))
	for _, b := range books {
		if !b.NoSeries {
			ids = append(ids, b.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	of, err := s.series.OfBooks(c.UserContext(), owner(c), ids)
	if err != nil {
		return err
	}
	for i, b := range books {
		if bs := of[b.ID]; len(bs) > 0 {
			rows[i].Series = seriesLabels(bs)
		}
	}
	return nil
}

// seriesSection is the book page's series section for book id, as saved.
func (s *Server) seriesSection(c *fiber.Ctx, id int64) (views.SeriesSection, error) {
	of, err := s.series.OfBook(c.UserContext(), owner(c), id)
	if err != nil {
		return views.SeriesSection{}, err
	}
	names, err := s.series.Names(c.UserContext(), owner(c))
	if err != nil {
		return views.SeriesSection{}, err
	}
	sec := views.SeriesSection{Names: names}
	for _, bs := range of {
		sec.Entries = append(sec.Entries, views.SeriesEntry{SeriesID: bs.SeriesID, Name: bs.Name, Position: bs.Position, Input: bs.Position})
	}
	return sec, nil
}

// seriesSaved answers a change of a book's series from its page: the section (htmx), announcing
// done, with the focus on the fact focus names (the series changed, or the one that adds a
// series when the series left the book), or the page again (303).
func (s *Server) seriesSaved(c *fiber.Ctx, b data.Book, done, focus string, titleChanged bool) error {
	if !isHTMX(c) {
		return c.Redirect(views.BookURL(b.ID)+"#"+views.BookSeriesID, fiber.StatusSeeOther)
	}
	return s.renderBookPage(c, fiber.StatusOK, b, views.BookSeriesUpdated, func(d *views.BookDetail) {
		d.Series.Done, d.TitleChanged, d.FocusFact = done, titleChanged, focus
	})
}

// addBookSeries puts a book in a series, by name (made when the reader has none of that name),
// at a position; a bad name or position is a 422 with the message beside its field.
func (s *Server) addBookSeries(c *fiber.Ctx) error {
	b, err := s.liveBook(c)
	if err != nil {
		return err
	}
	ref := data.SeriesRef{Name: strings.Clone(c.FormValue(data.FieldSeriesName)), Position: strings.Clone(c.FormValue(data.FieldSeriesPosition))}
	bs, err := s.series.AddBook(c.UserContext(), owner(c), b.ID, ref)
	var verr *data.ValidationError
	switch {
	case errors.As(err, &verr):
		return s.renderBookPage(c, fiber.StatusUnprocessableEntity, b, views.BookSeriesUpdated, func(d *views.BookDetail) {
			d.Series.NewName, d.Series.NewPosition, d.Series.Errors = ref.Name, ref.Position, verr.Fields
		})
	case err != nil:
		return err
	}
	return s.seriesSaved(c, b, "Added to "+bs.Label()+".", views.SeriesFactName(bs.SeriesID), false)
}

// setBookSeriesPosition moves a book to another position in one of its series; a bad position is
// a 422 beside that series' field. A series that is not the reader's, or that the book is not in,
// is a 404.
func (s *Server) setBookSeriesPosition(c *fiber.Ctx) error {
	b, err := s.liveBook(c)
	if err != nil {
		return err
	}
	sid, err := seriesID(c, "sid")
	if err != nil {
		return err
	}
	typed := strings.Clone(c.FormValue(data.FieldSeriesPosition))
	bs, err := s.series.SetPosition(c.UserContext(), owner(c), b.ID, sid, typed)
	var verr *data.ValidationError
	switch {
	case errors.As(err, &verr):
		return s.renderBookPage(c, fiber.StatusUnprocessableEntity, b, views.BookSeriesUpdated, func(d *views.BookDetail) {
			for i := range d.Series.Entries {
				if e := &d.Series.Entries[i]; e.SeriesID == sid {
					e.Input, e.Error = typed, verr.Fields[data.FieldSeriesPosition]
				}
			}
		})
	case err != nil:
		return err
	}
	return s.seriesSaved(c, b, "Now "+bs.Label()+".", views.SeriesFactName(sid), false)
}

// removeBookSeries takes a book out of one of its series; the series goes with its last book.
func (s *Server) removeBookSeries(c *fiber.Ctx) error {
	b, err := s.liveBook(c)
	if err != nil {
		return err
	}
	sid, err := seriesID(c, "sid")
	if err != nil {
		return err
	}
	if err := s.series.RemoveBook(c.UserContext(), owner(c), b.ID, sid); err != nil {
		return err
	}
	return s.seriesSaved(c, b, "Removed from the series.", data.FieldSeriesName, false)
}

// keepSeriesTitle undoes the split of a typed title: the series goes back at the end of the
// title and the book leaves it. From the new book's library row (htmx: the row, with the focus
// on its title; plain: back to the library) or the book page (its series section and main panel;
// plain: the page again).
func (s *Server) keepSeriesTitle(c *fiber.Ctx) error {
	page := fromPage(c, views.BookSeriesID)
	b, err := s.bookOn(c, page)
	if err != nil {
		return err
	}
	sid, err := seriesID(c, "sid")
	if err != nil {
		return err
	}
	nb, err := s.series.KeepAsTitle(c.UserContext(), owner(c), b.ID, sid)
	var verr *data.ValidationError
	switch {
	case errors.As(err, &verr):
		// The title and the series together are longer than a title can be.
		return fiber.NewError(fiber.StatusUnprocessableEntity, "The title with its series would be longer than 250 characters: edit the title instead.")
	case errors.Is(err, data.ErrNotFound):
		return missing(page, b.ID)
	case err != nil:
		return err
	}
	if page {
		return s.seriesSaved(c, nb, "The series is back in the title.", data.FieldSeriesName, true)
	}
	if !isHTMX(c) {
		return c.Redirect(views.LibraryURL, fiber.StatusSeeOther)
	}
	v, err := s.bookRowView(c, nb)
	if err != nil {
		return err
	}
	v.Focus = views.FocusTitle
	return render(c, fiber.StatusOK, views.BookRow(v))
}

// listSeries shows the reader's series, with their books and how many are read.
func (s *Server) listSeries(c *fiber.Ctx) error {
	after := c.Query("after")
	if len(after) > 4*data.MaxFieldLen { // no name key is longer
		return fiber.NewError(fiber.StatusBadRequest, "That page of the series list does not exist: go back to the first.")
	}
	list, err := s.series.ListFrom(c.UserContext(), owner(c), after, data.SeriesPerPage+1)
	if err != nil {
		return err
	}
	var next string
	if len(list) > data.SeriesPerPage {
		list, next = list[:data.SeriesPerPage], views.SeriesListFromURL(list[data.SeriesPerPage-1].Key)
	}
	out := make([]views.SeriesSummary, len(list))
	for i, x := range list {
		out[i] = views.SeriesSummary{ID: x.ID, Name: x.Name, Books: x.Books, Read: x.Read}
	}
	return render(c, fiber.StatusOK, views.SeriesListPage(s.meta(c, "Series"), out, after != "", next))
}

// showSeries shows a series' books in order, with their status, and the next one to read.
// Another reader's series, or one whose books are all deleted, is a 404.
func (s *Server) showSeries(c *fiber.Ctx) error {
	id, err := seriesID(c, "id")
	if err != nil {
		return err
	}
	d, err := s.series.Get(c.UserContext(), owner(c), id)
	if err != nil {
		return err
	}
	p := views.SeriesPage{ID: d.ID, Name: d.Name, Read: d.Read(), Truncated: d.Truncated}
	for _, b := range d.Books {
		p.Books = append(p.Books, views.SeriesBook{Position: b.Position, Book: bookView(b.Book, s.zone(c))})
	}
	if next, ok := d.NextUp(); ok {
		p.Next = &views.SeriesBook{Position: next.Position, Book: bookView(next.Book, s.zone(c))}
	}
	return render(c, fiber.StatusOK, views.SeriesDetailPage(s.meta(c, d.Name), p))
}
