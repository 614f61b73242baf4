// Package handlers is Bookcase's HTTP layer: routes, handlers, middleware and error rendering.
// Handlers call the stores in data and render the components in views.
package handlers

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"time"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/valyala/fasthttp"

	"github.com/bookcase/bookcase/assets"
	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/views"
)

// BookStore is what the handlers need of the book store: the books themselves, not their
// readings (ReadingStore). Every method takes the owner's id.
type BookStore interface {
	Create(ctx context.Context, owner int64, in data.BookInput) (data.Book, error)
	Get(ctx context.Context, owner, id int64) (data.Book, error)
	GetDeleted(ctx context.Context, owner, id int64) (data.Book, error)
	Find(ctx context.Context, owner int64, q data.BookQuery) (data.BookPage, error)
	FindCount(ctx context.Context, owner int64, q data.BookQuery, max int) (int, error)
	Summary(ctx context.Context, owner int64, reading int) (data.LibrarySummary, error)
	Update(ctx context.Context, owner, id int64, in data.BookInput) (data.Book, error)
	Delete(ctx context.Context, owner, id int64) (data.Book, error)
	Restore(ctx context.Context, owner, id int64) (data.Book, error)
	CreateWithTabs(ctx context.Context, owner int64, in data.BookInput, x data.Catalogued) (data.Book, data.LibraryTabs, error)
	TakeFromCatalogue(ctx context.Context, owner, id int64, ch data.CatalogueChanges) (data.Book, error)
	NeighbourOf(ctx context.Context, owner int64, q data.BookQuery, id int64) (data.Neighbour, error)
}

// ReadingStore is what the handlers need for reading state: status, progress, read-throughs and
// details. Every method takes the owner's id.
type ReadingStore interface {
	SetStatus(ctx context.Context, owner, id int64, status data.Status, on time.Time) (data.Book, error)
	RecordProgress(ctx context.Context, owner, id int64, in data.ProgressInput) (data.Progress, error)
	Progress(ctx context.Context, owner, id int64) (data.Progress, error)
	ProgressHistory(ctx context.Context, owner, id int64) ([]data.ProgressUpdate, error)
	EditProgress(ctx context.Context, owner, bookID, id int64, in data.ProgressInput, on time.Time) (data.ProgressUpdate, error)
	DeleteProgress(ctx context.Context, owner, bookID, id int64) error
	ReadThroughs(ctx context.Context, owner, id int64) ([]data.ReadThrough, error)
	EditReadThrough(ctx context.Context, owner, bookID, readThroughID int64, started, finished *time.Time) (data.ReadThrough, error)
	AddReadThrough(ctx context.Context, owner, bookID int64, in data.ReadingInput) (data.ReadThrough, error)
	DeleteReadThrough(ctx context.Context, owner, bookID, readThroughID int64) (data.Book, error)
	SetDetails(ctx context.Context, owner, id int64, in data.DetailsInput) (data.Book, error)
	SetRating(ctx context.Context, owner, id int64, stars string) (data.Book, error)
	StatusCounts(ctx context.Context, owner int64) (map[data.Status]int, error)
	CurrentlyReading(ctx context.Context, owner int64, limit int) ([]data.ReadingNow, error)
	YearStats(ctx context.Context, owner int64, year int, loc *time.Location) (data.ReadingStats, error)
	Goal(ctx context.Context, owner int64, year int) (data.Goal, error)
	SetGoal(ctx context.Context, owner int64, g data.Goal) (data.Goal, error)
	ReviewShare(ctx context.Context, owner int64, year int) (data.ReviewShare, error)
	ShareReview(ctx context.Context, owner int64, year int, showName bool) (data.ReviewShare, error)
	UnshareReview(ctx context.Context, owner int64, year int) error
	SharedReview(ctx context.Context, token string) (data.ReviewShare, error)
	ReviewHasCover(ctx context.Context, owner int64, year int, hash string) (bool, error)
}

// EditionStore is what the handlers need of a book's edition facts. Every method takes the
// owner's id.
type EditionStore interface {
	Get(ctx context.Context, owner, id int64) (data.Edition, error)
	Set(ctx context.Context, owner, id int64, e data.Edition) (data.Edition, error)
}

// ShelfStore is what the handlers need of the shelf store. Every method takes the owner's id.
type ShelfStore interface {
	Create(ctx context.Context, owner int64, name string) (data.Shelf, error)
	Rename(ctx context.Context, owner, id int64, name string) (data.Shelf, error)
	Move(ctx context.Context, owner, id int64, position int) ([]data.Shelf, error)
	Delete(ctx context.Context, owner, id int64) error
	List(ctx context.Context, owner int64) ([]data.Shelf, error)
	Get(ctx context.Context, owner, id int64) (data.Shelf, error)
	Shelve(ctx context.Context, owner, bookID, shelfID int64) error
	Unshelve(ctx context.Context, owner, bookID, shelfID int64) error
	SetBookShelves(ctx context.Context, owner, bookID int64, shelfIDs []int64) error
	BookShelves(ctx context.Context, owner, bookID int64) ([]data.Shelf, error)
}

// ExportStore is what the handlers need to export a library: every live book of the owner's,
// with all Bookcase knows of it, handed to visit one at a time.
type ExportStore interface {
	Export(ctx context.Context, owner int64, visit func(data.ExportBook) error) error
}

// Config holds the dependencies and settings of the HTTP layer.
type Config struct {
	Books    BookStore
	Reading  ReadingStore
	Editions EditionStore
	Series   SeriesStore
	Authors  AuthorStore
	Shelves  ShelfStore
	Export   ExportStore
	Imports  ImportStore
	Covers   CoverStore
	Users    UserStore
	Sessions SessionStore
	CSRF     CSRFStore
	Logger   *slog.Logger

	// SignupOpen lets anyone create an account; when false, only the operator can (bookcase user add).
	SignupOpen bool
	// SecureCookies marks cookies Secure and gives them the __Host- prefix, for a server reached
	// over HTTPS (directly or through a proxy that does not say so).
	SecureCookies bool
	// TrustedProxies are the addresses (or CIDR ranges) of reverse proxies whose X-Forwarded-For
	// and X-Forwarded-Proto headers are believed. Nobody else's are.
	TrustedProxies []string
	// RequestTimeout bounds the work done for one request, database included; zero means
	// requestTimeout.
	RequestTimeout time.Duration
	// Ready, when set, tells /readyz whether the store can serve (data.DB.Ready).
	Ready func(context.Context) error
	// Catalogue, when set, looks books up by ISBN, and CatalogueCache keeps its answers (both are
	// needed); when nil, lookups are off: nothing offers them and their routes answer 404.
	Catalogue      Catalogue
	CatalogueCache CatalogueCache
	// Observe, when set, is told of every request once answered: its route pattern
	// ("/books/:id", never the path with its ids, so the metrics' series stay few), method,
	// status and how long it took. The metrics listener counts them.
	Observe func(route, method string, status int, elapsed time.Duration)
	// LoginFailures, when set, keeps the count of failed logins that the login limits hold to, so
	// that they hold across the instances that share it (data.LoginFailures, on PostgreSQL); when
	// nil, each instance counts its own in memory, as one instance alone may.
	LoginFailures LoginFailures
}

// LoginFailures counts failed logins for the login limits (data.LoginFailures).
type LoginFailures interface {
	Recent(ctx context.Context, key string, window time.Duration) (int, time.Time, error)
	Add(ctx context.Context, key string, window time.Duration) error
}

// Server holds the handlers' dependencies; its methods are the handlers.
type Server struct {
	books         BookStore
	reading       ReadingStore
	editions      EditionStore
	series        SeriesStore
	authors       AuthorStore
	shelves       ShelfStore
	export        ExportStore
	imports       ImportStore
	covers        CoverStore
	jobs          *importJobs
	users         UserStore
	sessions      SessionStore
	log           *slog.Logger
	ready         func(context.Context) error
	observe       func(route, method string, status int, elapsed time.Duration)
	assets        views.Assets
	signupOpen    bool
	secureCookies bool
	csrfStorage   *csrfStorage
	// sharedPages keeps shared reviews' pages a few minutes.
	sharedPages sharedPages
	// trustedProxies are the parsed Config.TrustedProxies, to find the client's own address.
	trustedProxies []netip.Prefix
	csrfSecure     fiber.Handler
	csrfPlain      fiber.Handler
	// signer signs what is handed out without being stored: anonymous anti-forgery tokens and
	// device cookies.
	signer signer
	// requestTimeout bounds the work done for one request (Config.RequestTimeout).
	requestTimeout time.Duration
	// lookups asks the catalogue; nil when lookups are off.
	lookups *lookups
	// loginFailures counts failed logins in the database (Config.LoginFailures); nil in memory.
	loginFailures LoginFailures
	// zones are the readers' time zones, loaded once each.
	zones *zones
}

// maxBodyBytes bounds every request body; a book is three fields of at most 250 characters.
const maxBodyBytes = 64 << 10

// New builds the Fiber app with every route and middleware.
func New(cfg Config) (*fiber.App, error) {
	switch {
	case cfg.Books == nil:
		return nil, errors.New("handlers: no book store")
	case cfg.Reading == nil:
		return nil, errors.New("handlers: no reading store")
	case cfg.Editions == nil:
		return nil, errors.New("handlers: no edition store")
	case cfg.Series == nil:
		return nil, errors.New("handlers: no series store")
	case cfg.Authors == nil:
		return nil, errors.New("handlers: no author store")
	case cfg.Shelves == nil:
		return nil, errors.New("handlers: no shelf store")
	case cfg.Export == nil:
		return nil, errors.New("handlers: no export store")
	case cfg.Imports == nil:
		return nil, errors.New("handlers: no import store")
	case cfg.Covers == nil:
		return nil, errors.New("handlers: no cover store")
	case cfg.Users == nil:
		return nil, errors.New("handlers: no user store")
	case cfg.Sessions == nil:
		return nil, errors.New("handlers: no session store")
	case cfg.CSRF == nil:
		return nil, errors.New("handlers: no CSRF token store")
	case cfg.Catalogue != nil && cfg.CatalogueCache == nil:
		return nil, errors.New("handlers: a catalogue without a cache of its answers")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cfg.Logger = slog.New(requestIDLogs{cfg.Logger.Handler()})
	s := &Server{
		books:          cfg.Books,
		reading:        cfg.Reading,
		editions:       cfg.Editions,
		series:         cfg.Series,
		authors:        cfg.Authors,
		shelves:        cfg.Shelves,
		export:         cfg.Export,
		imports:        cfg.Imports,
		covers:         cfg.Covers,
		jobs:           newImportJobs(cfg.Imports, cfg.Logger),
		users:          cfg.Users,
		sessions:       cfg.Sessions,
		log:            cfg.Logger,
		ready:          cfg.Ready,
		observe:        cfg.Observe,
		signupOpen:     cfg.SignupOpen,
		secureCookies:  cfg.SecureCookies,
		csrfStorage:    newCSRFStorage(cfg.CSRF),
		requestTimeout: cmp.Or(cfg.RequestTimeout, requestTimeout),
		loginFailures:  cfg.LoginFailures,
		zones:          &zones{},
	}
	if cfg.Catalogue != nil {
		s.lookups = newLookups(cfg.Catalogue, cfg.CatalogueCache)
	}
	for _, p := range cfg.TrustedProxies {
		prefix, err := parsePrefix(p)
		if err != nil {
			return nil, fmt.Errorf("handlers: trusted proxy %q: %w", p, err)
		}
		s.trustedProxies = append(s.trustedProxies, prefix)
	}
	s.csrfSecure, s.csrfPlain = s.newCSRF(true), s.newCSRF(false)
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	key, err := cfg.CSRF.SigningKey(ctx)
	cancel()
	if err != nil {
		return nil, fmt.Errorf("handlers: %w", err)
	}
	if len(key) < 32 {
		return nil, errors.New("handlers: the signing key is shorter than 32 bytes")
	}
	s.signer = signer{key: key}
	for name, dst := range map[string]*string{
		assets.CSS: &s.assets.CSS, assets.App: &s.assets.App, assets.HTMX: &s.assets.HTMX,
		assets.IconSVG: &s.assets.Icon, assets.IconSmall: &s.assets.TouchIcon,
	} {
		u, err := assets.URL(name)
		if err != nil {
			return nil, err
		}
		*dst = u
	}
	pwa, err := newInstallable(s.assets)
	if err != nil {
		return nil, fmt.Errorf("handlers: %w", err)
	}

	fcfg := fiber.Config{
		AppName:                 "Bookcase",
		DisableStartupMessage:   true,
		ErrorHandler:            s.handleError,
		BodyLimit:               maxBodyBytes,
		ReadTimeout:             15 * time.Second,
		WriteTimeout:            5 * time.Minute, // a whole export streams within one response
		IdleTimeout:             120 * time.Second,
		EnableTrustedProxyCheck: true, // without it Fiber believes anyone's X-Forwarded-Proto
		TrustedProxies:          cfg.TrustedProxies,
	}
	app := fiber.New(fcfg)
	// Every body is bounded by maxBodyBytes, except an upload to POST /import by a signed-in
	// reader, whose limit fasthttp's HeaderReceived hook raises before the body is read.
	app.Server().HeaderReceived = s.uploadBodyLimit
	app.Server().ErrorHandler = s.readErrors(app, app.Server().ErrorHandler)
	app.Hooks().OnShutdown(s.jobs.stop)
	app.Use(s.requestContext)
	app.Use(s.logRequests)
	app.Use(recover.New())
	app.Use(s.securityHeaders)
	app.Get(healthPath, s.healthz)
	app.Get(readyPath, s.readyz)
	app.Use("/assets", cacheForever, serveAsset)
	app.Use(compressText())
	app.Get(views.ManifestURL, pwa.serveManifest)
	app.Get(views.ServiceWorkerURL, pwa.serveWorker)
	app.Get(views.OfflineURL, pwa.serveOffline)
	app.Use(s.commonHeaders)
	app.Use(newAdmission(admitted(), maxQueueWait).admit)
	app.Use(s.loadSession)
	app.Use(s.csrfMiddleware)
	s.routes(app)
	app.Use(func(c *fiber.Ctx) error {
		c.Locals(unmatched{}, true)
		return fiber.ErrNotFound
	})
	return app, nil
}

// readErrors wraps fasthttp's handler of the errors met while reading a request, before any
// handler runs (fiber's, next). fasthttp reads a multipart body as it arrives, spooling a file
// part over 16 MB to the temporary directory: when that disk is full, fiber took the errno for a
// network error and answered 502. It is 507 with the error page, like a full database's.
func (s *Server) readErrors(app *fiber.App, next func(*fasthttp.RequestCtx, error)) func(*fasthttp.RequestCtx, error) {
	return func(ctx *fasthttp.RequestCtx, err error) {
		if !diskFull(err) {
			next(ctx, err)
			return
		}
		c := app.AcquireCtx(ctx)
		defer app.ReleaseCtx(c)
		if err := s.handleError(c, spoolError{err}); err != nil {
			s.log.ErrorContext(c.UserContext(), "answering a request that found the disk full failed", "err", err)
			c.Status(fiber.StatusInsufficientStorage)
		}
	}
}

// spoolError is an error of fasthttp spooling a request's body. fasthttp has reset the request
// by then (its path and headers are gone, HX-Request with them), but only an upload to POST
// /import is let send a body large enough to be spooled (uploadBodyLimit): it is one.
type spoolError struct{ error }

func (e spoolError) Unwrap() error { return e.error }

// requestTimeout bounds the work done for one request, database included, unless
// Config.RequestTimeout says otherwise.
const requestTimeout = 15 * time.Second

// requestContext gives each request its own context for the stores and views; it comes first, so
// the context lives until the error handler has rendered (which renders without its deadline, so
// a request past it still gets its error page). Fiber's c.Context() is fasthttp's reusable
// request object and must not reach code that may outlive the handler.
func (s *Server) requestContext(c *fiber.Ctx) error {
	id := requestID(c)
	c.Set(headerRequestID, id)
	ctx, cancel := context.WithTimeout(context.WithValue(context.Background(), requestIDKey{}, id), s.requestTimeout)
	defer cancel()
	c.SetUserContext(ctx)
	return c.Next()
}

// cacheForever lets browsers keep an asset for a year: its URL changes with its content.
func cacheForever(c *fiber.Ctx) error {
	if err := c.Next(); err != nil {
		return err
	}
	if status := c.Response().StatusCode(); status == fiber.StatusOK || status == fiber.StatusNotModified {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	}
	return nil
}

// commonHeaders marks every page and fragment as depending on HX-Request, and as not to be
// stored by any cache: a reader's library, notes and exports are private, and no-cache still let
// a browser or proxy keep a copy on disk (it only had to ask before showing it again).
func (s *Server) commonHeaders(c *fiber.Ctx) error {
	c.Vary(hxRequest)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Next()
}

// meta is what the layout needs for a page titled title.
func (s *Server) meta(c *fiber.Ctx, title string) views.Meta {
	m := views.Meta{Title: title, Assets: s.assets}
	if sess, ok := currentUser(c); ok {
		m.User = sess.Username
	}
	return m
}

// render writes component as an HTML response with status. The body is buffered by fasthttp, so
// if rendering fails the partial output is dropped and the error handler answers instead.
func render(c *fiber.Ctx, status int, component templ.Component) error {
	c.Status(status)
	c.Type("html", "utf-8")
	ctx := c.UserContext()
	if token, ok := c.Locals(csrfKey).(string); ok {
		// Masked afresh for each response (BREACH, see maskCSRF).
		ctx = views.WithCSRF(ctx, maskCSRF(token))
	}
	if err := component.Render(ctx, c.Response().BodyWriter()); err != nil {
		c.Response().ResetBody()
		return fmt.Errorf("render: %w", err)
	}
	return nil
}
