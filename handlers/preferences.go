package handlers

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/views"
)

// setDensity keeps how closely the reader likes the library's rows set. htmx gets the density
// form back, the choice pressed and focused (the rows follow it, app.css); a plain form goes back
// to the view of the library it was sent from.
func (s *Server) setDensity(c *fiber.Ctx) error {
	d, err := data.ParseDensity(c.FormValue("density"))
	if err != nil {
		return fiber.NewError(fiber.StatusUnprocessableEntity, "Choose compact or comfortable rows.")
	}
	if err := s.users.SetDensity(c.UserContext(), owner(c), d); errors.Is(err, data.ErrNotFound) {
		return fiber.ErrNotFound
	} else if err != nil {
		return err
	}
	back := libraryBack(c.FormValue("back"))
	if isHTMX(c) {
		return render(c, fiber.StatusOK, views.DensityForm(string(d), back, true))
	}
	return c.Redirect(back, fiber.StatusSeeOther)
}

// libraryBack is back when it is a view of the library, and the library otherwise: a form's
// return address must not lead off the site, nor anywhere else on it.
func libraryBack(back string) string {
	back = safeNext(back)
	if back != views.LibraryURL && !strings.HasPrefix(back, views.LibraryURL+"?") {
		return views.LibraryURL
	}
	return strings.Clone(back)
}
