package handlers

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/views"
)

// shelfID parses the :id route parameter. Anything that is not a positive integer names no shelf.
func shelfID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fiber.ErrNotFound
	}
	return id, nil
}

// shelfItems turns stored shelves into what the shelves page shows.
func shelfItems(shelves []data.Shelf) []views.ShelfItem {
	out := make([]views.ShelfItem, len(shelves))
	for i, sh := range shelves {
		out[i] = views.ShelfItem{ID: sh.ID, Name: sh.Name, Books: sh.Books, Rename: sh.Name}
	}
	return out
}

// renderShelves renders the shelves page, or for htmx its panel; adjust, when not nil, puts back
// a failed form.
func (s *Server) renderShelves(c *fiber.Ctx, status int, adjust func(*views.Shelves)) error {
	shelves, err := s.shelves.List(c.UserContext(), owner(c))
	if err != nil {
		return err
	}
	page := views.Shelves{Shelves: shelfItems(shelves)}
	if adjust != nil {
		adjust(&page)
	}
	if isHTMX(c) {
		return render(c, status, views.ShelvesPanel(page))
	}
	return render(c, status, views.ShelvesPage(s.meta(c, "Shelves"), page))
}

// shelvesChanged answers a successful change on the shelves page: the panel again for htmx, or
// a redirect to the page (post/redirect/get).
func (s *Server) shelvesChanged(c *fiber.Ctx) error {
	if isHTMX(c) {
		return s.renderShelves(c, fiber.StatusOK, nil)
	}
	return c.Redirect(views.ShelvesURL, fiber.StatusSeeOther)
}

// listShelves shows the reader's shelves.
func (s *Server) listShelves(c *fiber.Ctx) error { return s.renderShelves(c, fiber.StatusOK, nil) }

// fieldProblem returns the message of a validation error for field, if err is one.
func fieldProblem(err error, field string) (string, bool) {
	var verr *data.ValidationError
	if !errors.As(err, &verr) {
		return "", false
	}
	return verr.Fields[field], true
}

// createShelf adds a shelf after the last one.
func (s *Server) createShelf(c *fiber.Ctx) error {
	name := strings.Clone(c.FormValue("name"))
	_, err := s.shelves.Create(c.UserContext(), owner(c), name)
	if msg, ok := fieldProblem(err, "name"); ok {
		return s.renderShelves(c, fiber.StatusUnprocessableEntity, func(p *views.Shelves) {
			p.NewName, p.NewError = name, msg
		})
	}
	if err != nil {
		return err
	}
	return s.shelvesChanged(c)
}

// renameShelf gives a shelf a new name.
func (s *Server) renameShelf(c *fiber.Ctx) error {
	id, err := shelfID(c)
	if err != nil {
		return err
	}
	name := strings.Clone(c.FormValue("name"))
	_, err = s.shelves.Rename(c.UserContext(), owner(c), id, name)
	if msg, ok := fieldProblem(err, "name"); ok {
		return s.renderShelves(c, fiber.StatusUnprocessableEntity, func(p *views.Shelves) {
			for i := range p.Shelves {
				if sh := &p.Shelves[i]; sh.ID == id {
					sh.Rename, sh.RenameError, sh.RenameIsOpen = name, msg, true
				}
			}
		})
	}
	if err != nil {
		return err
	}
	return s.shelvesChanged(c)
}

// moveShelf puts a shelf at a position (0 is first) in the reader's order.
func (s *Server) moveShelf(c *fiber.Ctx) error {
	id, err := shelfID(c)
	if err != nil {
		return err
	}
	pos, err := strconv.Atoi(c.FormValue("position"))
	if err != nil {
		return fiber.NewError(fiber.StatusBadRequest, "bad position")
	}
	if _, err := s.shelves.Move(c.UserContext(), owner(c), id, pos); err != nil {
		return err
	}
	return s.shelvesChanged(c)
}

// confirmDeleteShelf asks before deleting a shelf.
func (s *Server) confirmDeleteShelf(c *fiber.Ctx) error {
	id, err := shelfID(c)
	if err != nil {
		return err
	}
	sh, err := s.shelves.Get(c.UserContext(), owner(c), id)
	if err != nil {
		return err
	}
	item := views.ShelfItem{ID: sh.ID, Name: sh.Name, Books: sh.Books}
	return render(c, fiber.StatusOK, views.DeleteShelfPage(s.meta(c, "Delete the shelf “"+sh.Name+"”?"), item))
}

// deleteShelf deletes a shelf; the books on it stay in the library. Without JavaScript the
// confirmation page asks first; with htmx the Delete link deletes in place.
func (s *Server) deleteShelf(c *fiber.Ctx) error {
	id, err := shelfID(c)
	if err != nil {
		return err
	}
	if err := s.shelves.Delete(c.UserContext(), owner(c), id); err != nil {
		return err
	}
	return s.shelvesChanged(c)
}
