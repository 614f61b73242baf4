package handlers

import "github.com/gofiber/fiber/v2"

// readingRoutes registers the routes for reading state: status, progress, read-throughs, details.
func (s *Server) readingRoutes(app *fiber.App) {}
