package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/bookcase/bookcase/views"
)

// showShortcuts lists the keyboard shortcuts on a page of their own, for readers signed in or
// not, and for browsers without JavaScript (where the "?" overlay never opens).
func (s *Server) showShortcuts(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, views.ShortcutsPage(s.meta(c, "Keyboard shortcuts")))
}
