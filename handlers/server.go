// Package handlers is Bookcase's HTTP layer: routes, handlers, middleware and error rendering.
// Handlers call the stores in data and render the components in views.
package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"github.com/bookcase/bookcase/assets"
	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/views"
)

// BookStore is what the handlers need of the book store.
type BookStore interface {
	Create(ctx context.Context, in data.BookInput) (data.Book, error)
	Get(ctx context.Context, id int64) (data.Book, error)
	List(ctx context.Context, before int64, limit int) (data.BookPage, error)
	Count(ctx context.Context) (int, error)
	Update(ctx context.Context, id int64, in data.BookInput) (data.Book, error)
	Delete(ctx context.Context, id int64) (data.Book, error)
	Restore(ctx context.Context, id int64) (data.Book, error)
	GetDeleted(ctx context.Context, id int64) (data.Book, error)
}

// Config holds the dependencies of the HTTP layer.
type Config struct {
	Books  BookStore
	Logger *slog.Logger
}

// Server holds the handlers' dependencies; its methods are the handlers.
type Server struct {
	books  BookStore
	log    *slog.Logger
	assets views.Assets
}

// maxBodyBytes bounds every request body; a book is three fields of at most 250 characters.
const maxBodyBytes = 64 << 10

// New builds the Fiber app with every route and middleware.
func New(cfg Config) (*fiber.App, error) {
	if cfg.Books == nil {
		return nil, fmt.Errorf("handlers: no book store")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Server{books: cfg.Books, log: cfg.Logger}
	for name, dst := range map[string]*string{assets.CSS: &s.assets.CSS, assets.App: &s.assets.App, assets.HTMX: &s.assets.HTMX} {
		u, err := assets.URL(name)
		if err != nil {
			return nil, err
		}
		*dst = u
	}

	app := fiber.New(fiber.Config{
		AppName:               "Bookcase",
		DisableStartupMessage: true,
		ErrorHandler:          s.handleError,
		BodyLimit:             maxBodyBytes,
		ReadTimeout:           15 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           120 * time.Second,
	})
	app.Use(requestContext)
	app.Use(s.logRequests)
	app.Use(recover.New())
	app.Use("/assets", cacheForever, filesystem.New(filesystem.Config{Root: http.FS(assets.FS())}))
	app.Use(s.commonHeaders)
	s.routes(app)
	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	return app, nil
}

// routes registers the routes. The URLs are a contract: outside tests and later features use them.
func (s *Server) routes(app *fiber.App) {
	app.Get("/", func(c *fiber.Ctx) error { return c.Redirect("/books", fiber.StatusSeeOther) })

	app.Get("/books", s.listBooks)
	app.Post("/books", s.createBook)
	app.Get("/books/:id", s.showBook)
	app.Put("/books/:id", s.updateBook)
	app.Post("/books/:id", s.updateBook)
	app.Delete("/books/:id", s.deleteBook)
	app.Get("/books/:id/edit", s.editBook)
	app.Get("/books/:id/delete", s.confirmDelete)
	app.Post("/books/:id/delete", s.deleteBook)
	app.Post("/books/:id/restore", s.restoreBook)
}

// requestTimeout bounds the work done for one request, database included.
const requestTimeout = 15 * time.Second

// requestContext gives each request its own context for the stores and views; it comes first, so
// the context lives until the error handler has rendered. Fiber's c.Context()
// is fasthttp's reusable request object and must not reach code that may outlive the handler.
func requestContext(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	c.SetUserContext(ctx)
	return c.Next()
}

// cacheForever lets browsers keep an asset for a year: its URL changes with its content.
func cacheForever(c *fiber.Ctx) error {
	if err := c.Next(); err != nil {
		return err
	}
	if c.Response().StatusCode() == fiber.StatusOK {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	}
	return nil
}

// commonHeaders marks every page and fragment as depending on HX-Request, and as not to be
// served from a cache without asking.
func (s *Server) commonHeaders(c *fiber.Ctx) error {
	c.Vary(hxRequest)
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.Next()
}

// meta is what the layout needs for a page titled title.
func (s *Server) meta(title string) views.Meta {
	return views.Meta{Title: title, Assets: s.assets}
}

// render writes component as an HTML response with status. The body is buffered by fasthttp, so
// if rendering fails the partial output is dropped and the error handler answers instead.
func render(c *fiber.Ctx, status int, component templ.Component) error {
	c.Status(status)
	c.Type("html", "utf-8")
	if err := component.Render(c.UserContext(), c.Response().BodyWriter()); err != nil {
		c.Response().ResetBody()
		return fmt.Errorf("render: %w", err)
	}
	return nil
}
