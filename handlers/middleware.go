package handlers

import (
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
)

// logRequests writes one log line per request, after errors have been turned into responses.
func (s *Server) logRequests(c *fiber.Ctx) error {
	start := time.Now()
	if err := c.Next(); err != nil {
		if herr := c.App().ErrorHandler(c, err); herr != nil {
			s.log.ErrorContext(c.UserContext(), "error handler failed", "err", herr)
			c.Status(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	elapsed := time.Since(start)
	if s.observe != nil {
		s.observe(route(c), c.Method(), status, elapsed)
	}
	level := slog.LevelInfo
	switch {
	case isProbe(c) && status == fiber.StatusServiceUnavailable:
		level = slog.LevelWarn
	case isProbe(c):
		level = slog.LevelDebug // a supervisor asks every few seconds
	case status >= 500:
		level = slog.LevelError
	}
	s.log.LogAttrs(c.UserContext(), level, "request",
		slog.String("method", c.Method()),
		slog.String("path", c.Path()),
		slog.Int("status", status),
		slog.Duration("duration", elapsed),
		slog.Int("bytes", bodySize(c)),
		slog.Bool("htmx", isHTMX(c)),
	)
	return nil
}

// unmatched marks, in a request's locals, a request that no route took.
type unmatched struct{}

// route is the pattern of the route that answered the request ("/books/:id"), the prefix of the
// middleware that did when one answered first ("/books" for a sign-in redirect), or "unmatched":
// a label of few values, whatever paths are asked for.
func route(c *fiber.Ctx) string {
	if c.Locals(unmatched{}) != nil {
		return "unmatched"
	}
	return c.Route().Path
}

// bodySize is the size of the response body, or -1 for a streamed body of unknown length: reading
// a streamed body to measure it would hold all of it in memory, which is what streaming avoids.
func bodySize(c *fiber.Ctx) int {
	if c.Response().IsBodyStream() {
		return c.Response().Header.ContentLength()
	}
	return len(c.Response().Body())
}
