package handlers

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/views"
)

// chooseRating offers the star control of a book: for htmx its library row with the control
// open, without JavaScript a page with the same control.
func (s *Server) chooseRating(c *fiber.Ctx) error {
	b, err := s.rowBook(c)
	if err != nil {
		return err
	}
	v, err := s.bookRowView(c, b)
	if err != nil {
		return err
	}
	c.Vary(hxRequest)
	if isHTMX(c) {
		return render(c, fiber.StatusOK, views.RatingRow(v, ""))
	}
	return render(c, fiber.StatusOK, views.RatingPage(s.meta(c, "Rating of “"+b.Title+"”"), v, ""))
}

// setRating saves the rating of a book from its star control, and answers the screen it was
// made on: the book page (htmx: the control, the new rating focused; plain: a redirect to the
// page) or the library (htmx: the row, its title focused; plain: a redirect to the library). A
// rating that is not one of the eleven is refused (422) beside the control.
func (s *Server) setRating(c *fiber.Ctx) error {
	page := fromPage(c, views.BookRatingID)
	id, err := bookID(c)
	if err != nil {
		return err
	}
	// Copied: it outlives the handler's buffers when a refused one is rendered back.
	stars := strings.Clone(c.FormValue("rating"))
	b, err := s.reading.SetRating(c.UserContext(), owner(c), id, stars)
	var verr *data.ValidationError
	switch {
	case errors.Is(err, data.ErrNotFound):
		return missing(page, id)
	case errors.As(err, &verr):
		return s.ratingRefused(c, page, id, verr.Fields["rating"])
	case err != nil:
		return err
	case page && isHTMX(c):
		return s.renderBookPage(c, fiber.StatusOK, b, views.BookRatingUpdated, func(d *views.BookDetail) {
			d.RatingSaved = true
		})
	case page:
		return c.Redirect(views.BookURL(b.ID), fiber.StatusSeeOther)
	}
	return s.rowChanged(c, b, views.FocusTitle)
}

// ratingRefused answers 422 for a refused rating, with msg beside the control it came from.
func (s *Server) ratingRefused(c *fiber.Ctx, page bool, id int64, msg string) error {
	b, err := s.bookOn(c, page)
	if err != nil {
		return err
	}
	if page {
		return s.renderBookPage(c, fiber.StatusUnprocessableEntity, b, views.BookRatingUpdated, func(d *views.BookDetail) {
			d.RatingError = msg
		})
	}
	v, err := s.bookRowView(c, b)
	if err != nil {
		return err
	}
	if isHTMX(c) {
		return render(c, fiber.StatusUnprocessableEntity, views.RatingRow(v, msg))
	}
	return render(c, fiber.StatusUnprocessableEntity, views.RatingPage(s.meta(c, "Rating of “"+b.Title+"”"), v, msg))
}
