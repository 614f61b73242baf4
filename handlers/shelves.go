package handlers

import "github.com/gofiber/fiber/v2"

// shelfRoutes registers the routes for shelves, under /shelves (signed-in readers only).
func (s *Server) shelfRoutes(app *fiber.App) {}
