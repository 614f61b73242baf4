package handlers

import (
	"bufio"
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/bookcase/bookcase/data/exchange"
	"github.com/bookcase/bookcase/views"
)

// exportTimeout bounds the work of one export, which runs after the handler has returned and so
// outside requestTimeout: long enough for a library of 100,000 books to a slow connection.
const exportTimeout = 10 * time.Minute

// showExport renders the page with the two download links.
func (s *Server) showExport(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, views.ExportPage(s.meta(c, "Export")))
}

// stream answers with an attachment of the given type and file name whose body write produces
// while the response is sent, so an export of any size is never held in memory. write runs after
// the handler has returned, when c must not be used and c.UserContext() is cancelled: it gets a
// context of its own. Once the body has started, the status cannot change, so an error is logged
// and the body cut short (a truncated CSV or JSON document, which an importer refuses).
func (s *Server) stream(c *fiber.Ctx, contentType, filename, what string, write func(ctx context.Context, w *bufio.Writer) error) error {
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
	log := s.log.With("export", what, "owner", owner(c), "request_id", RequestID(c.UserContext()))
	c.Response().SetBodyStreamWriter(func(w *bufio.Writer) {
		ctx, cancel := context.WithTimeout(context.Background(), exportTimeout)
		defer cancel()
		if err := write(ctx, w); err != nil {
			log.Error("export failed", "err", err)
			return
		}
		if err := w.Flush(); err != nil {
			log.Warn("export not delivered", "err", err)
		}
	})
	return nil
}

// exportCSV streams the reader's library as Bookcase's CSV export (Goodreads' layout, which
// package exchange defines).
func (s *Server) exportCSV(c *fiber.Ctx) error {
	reader := owner(c)
	return s.stream(c, "text/csv; charset=utf-8", "bookcase-goodreads.csv", "csv", func(ctx context.Context, w *bufio.Writer) error {
		cw, err := exchange.NewCSVWriter(w)
		if err != nil {
			return err
		}
		// Each row goes to the connection's buffer as it is made; bufio sends it when full.
		return s.export.Export(ctx, reader, cw.Write)
	})
}

// exportJSON streams everything Bookcase knows about the reader's library as Bookcase's JSON
// export (which package exchange defines): the header and shelves, then a book at a time.
func (s *Server) exportJSON(c *fiber.Ctx) error {
	reader := owner(c)
	return s.stream(c, "application/json", "bookcase.json", "json", func(ctx context.Context, w *bufio.Writer) error {
		shelves, err := s.shelves.List(ctx, reader)
		if err != nil {
			return err
		}
		jw, err := exchange.NewJSONWriter(w, time.Now(), shelves)
		if err != nil {
			return err
		}
		if err := s.export.Export(ctx, reader, jw.Write); err != nil {
			return err
		}
		return jw.Close()
	})
}
