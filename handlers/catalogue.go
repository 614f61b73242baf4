package handlers

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/gofiber/fiber/v2"

	"github.com/bookcase/bookcase/catalogue"
	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/views"
)

// Catalogue looks books up by ISBN (catalogue.Client): Lookup answers catalogue.ErrNotFound for an
// ISBN no catalogue has, and an error wrapping catalogue.ErrUnavailable for one that could not be
// asked; Cover returns the catalogue's picture as it sent it.
type Catalogue interface {
	Lookup(ctx context.Context, isbn data.ISBN) (data.CatalogueRecord, error)
	Cover(ctx context.Context, isbn data.ISBN) ([]byte, error)
}

// CatalogueCache keeps catalogues' answers (data.CatalogueCache).
type CatalogueCache interface {
	Get(ctx context.Context, isbn data.ISBN) (data.CatalogueAnswer, error)
	Put(ctx context.Context, found bool, r data.CatalogueRecord, small, large []byte, ttl time.Duration) error
	Cover(ctx context.Context, isbn data.ISBN, size data.CoverSize) ([]byte, error)
}

// How long an answer is kept: a record changes seldom, and an ISBN missing today may be added
// to a catalogue tomorrow. A record whose cover could not be fetched (the covers' host down) is
// kept as briefly as a missing one, so that the cover comes with the next lookup.
const (
	foundKept    = 30 * 24 * time.Hour
	notFoundKept = 24 * time.Hour
)

// Bounds on lookups. At most lookupsAtOnce ask catalogues at a time: one more is told at once
// that the catalogue is busy (503) rather than queued behind answers that may take the whole
// timeout. Each reader may make lookupsPerWindow lookups that ask a catalogue (a cached answer
// asks nobody and is not counted) per lookupWindow, a pace no one typing ISBNs reaches and one
// that keeps a script from using Bookcase to flood the catalogues.
const (
	lookupsAtOnce    = 4
	lookupsPerWindow = 30
	lookupWindow     = time.Minute
)

var (
	errLookupBusy    = errors.New("every catalogue lookup slot is taken")
	errLookupTooMany = errors.New("too many catalogue lookups for this reader")
)

// lookups asks the catalogue, through the cache, within the bounds above.
type lookups struct {
	catalogue Catalogue
	cache     CatalogueCache
	slots     chan struct{}
	limit     *accountLimit
}

func newLookups(cat Catalogue, cache CatalogueCache) *lookups {
	return &lookups{catalogue: cat, cache: cache, slots: make(chan struct{}, lookupsAtOnce),
		limit: &accountLimit{max: lookupsPerWindow, window: lookupWindow, seen: map[int64]*window{}}}
}

// accountLimit counts each reader's events in fixed windows.
type accountLimit struct {
	max    int
	window time.Duration
	mu     sync.Mutex
	seen   map[int64]*window
}

type window struct {
	start time.Time
	n     int
}

// allow counts an event of owner's at now, and reports whether it is within the limit.
func (l *accountLimit) allow(owner int64, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.seen) > 1024 { // readers who stopped: their windows are over
		for id, w := range l.seen {
			if now.Sub(w.start) >= l.window {
				delete(l.seen, id)
			}
		}
	}
	w := l.seen[owner]
	if w == nil || now.Sub(w.start) >= l.window {
		w = &window{start: now}
		l.seen[owner] = w
	}
	if w.n >= l.max {
		return false
	}
	w.n++
	return true
}

// lookUp returns the catalogue's answer for isbn: the one kept, else the catalogue's, kept for
// the next lookup with its cover read as an upload is (decoding limits, no metadata). Errors:
// errLookupTooMany, errLookupBusy, or one wrapping catalogue.ErrUnavailable.
func (s *Server) lookUp(ctx context.Context, who int64, isbn data.ISBN) (data.CatalogueAnswer, error) {
	l := s.lookups
	a, err := l.cache.Get(ctx, isbn)
	if err == nil {
		return a, nil
	}
	if !errors.Is(err, data.ErrNotFound) {
		return data.CatalogueAnswer{}, err
	}
	if !l.limit.allow(who, time.Now()) {
		return data.CatalogueAnswer{}, errLookupTooMany
	}
	select {
	case l.slots <- struct{}{}:
		defer func() { <-l.slots }()
	default:
		return data.CatalogueAnswer{}, errLookupBusy
	}
	rec, err := l.catalogue.Lookup(ctx, isbn)
	if errors.Is(err, catalogue.ErrNotFound) {
		missing := data.CatalogueRecord{ISBN: isbn}
		if err := l.cache.Put(ctx, false, missing, nil, nil, notFoundKept); err != nil {
			return data.CatalogueAnswer{}, err
		}
		return data.CatalogueAnswer{Record: missing}, nil
	}
	if err != nil {
		s.log.WarnContext(ctx, "catalogue lookup failed", "isbn", isbn, "err", err)
		return data.CatalogueAnswer{}, err
	}
	rec.ISBN = isbn
	kept := foundKept
	var small, large []byte
	pic, err := l.catalogue.Cover(ctx, isbn)
	switch {
	case errors.Is(err, catalogue.ErrNotFound):
	case err != nil:
		s.log.WarnContext(ctx, "catalogue cover failed", "isbn", isbn, "err", err)
		kept = notFoundKept
	default:
		img, err := makeCover(ctx, pic)
		if err != nil {
			// Not a picture Bookcase takes (or too large to decode): the book goes without.
			s.log.WarnContext(ctx, "catalogue cover refused", "isbn", isbn, "err", err)
		} else {
			small, large = img.small, img.large
		}
	}
	if err := l.cache.Put(ctx, true, rec, small, large, kept); err != nil {
		return data.CatalogueAnswer{}, err
	}
	return data.CatalogueAnswer{Found: true, Record: rec, HasCover: large != nil}, nil
}

// lookupProblem says, for the reader, why a lookup gave nothing, with the status that answers it;
// ok is false for an error that is not the catalogue's (the store's), answered as any other.
func lookupProblem(err error) (status int, msg string, ok bool) {
	const instead = " Type the book's details instead, or try again later."
	switch {
	case errors.Is(err, errLookupTooMany):
		return fiber.StatusTooManyRequests, "You have looked up many books in the last minute: wait a minute before the next." + instead, true
	case errors.Is(err, errLookupBusy):
		return fiber.StatusServiceUnavailable, "The catalogue is busy with other lookups right now." + instead, true
	case errors.Is(err, catalogue.ErrUnavailable) && errors.Is(err, context.DeadlineExceeded):
		return fiber.StatusGatewayTimeout, "The catalogue did not answer in time." + instead, true
	case errors.Is(err, catalogue.ErrUnavailable):
		return fiber.StatusBadGateway, "The catalogue could not be reached, or sent an answer Bookcase cannot read." + instead, true
	}
	return 0, "", false
}

// notFoundProblem is what the reader is told of an ISBN no catalogue has.
func notFoundProblem(isbn data.ISBN) string {
	return "No catalogue knows the ISBN " + isbn.String() + ": check it, or type the book's title and author."
}

// isbnProblem is what is wrong with an ISBN typed to look up.
func isbnProblem(err error) string {
	var verr *data.ValidationError
	if errors.As(err, &verr) && verr.Fields["isbn"] != "" {
		return verr.Fields["isbn"]
	}
	return "Type or paste the book's ISBN, 10 or 13 digits, to look it up."
}

// typedISBN reads the ISBN a lookup is for: "" and a problem when s is none. Words (a title
// typed before pressing Look up) are not a mistyped ISBN, and are not told so.
func typedISBN(s string) (data.ISBN, string) {
	isbn, err := data.ParseISBN(s)
	if err != nil || isbn == "" {
		if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsLetter(r) && r != 'x' && r != 'X' }) {
			err = nil
		}
		return "", isbnProblem(err)
	}
	return isbn, ""
}

// looksLikeISBN reports whether the new-book row's title is an ISBN, which Enter there looks up.
func looksLikeISBN(title string) bool {
	isbn, err := data.ParseISBN(title)
	return err == nil && isbn != ""
}

// swapInPlace marks an error answer rendered for the place it came from (the new-book row, the
// catalogue section), which app.js swaps in like a 422.
func swapInPlace(c *fiber.Ctx, status int) {
	if isHTMX(c) && status >= 400 && status != fiber.StatusUnprocessableEntity && status != fiber.StatusNotFound {
		c.Set(swapAnyway, "true")
	}
}

// lookupNewBook looks up the ISBN typed in the new-book row's title and answers with the row
// filled for the reader to confirm or correct (nothing is saved), or as typed with what went
// wrong. The genre and status typed are kept.
func (s *Server) lookupNewBook(c *fiber.Ctx) error {
	in := s.bookInput(c)
	form := views.BookForm{Title: in.Title, Author: in.Author, Genre: in.Genre, Status: string(in.Status), Lookup: views.Lookup{On: true}}
	isbn, problem := typedISBN(in.Title)
	if problem != "" {
		form.Lookup.Problem = problem
		return s.renderNewBookRow(c, fiber.StatusUnprocessableEntity, form)
	}
	a, err := s.lookUp(c.UserContext(), owner(c), isbn)
	if err != nil {
		status, msg, ok := lookupProblem(err)
		if !ok {
			return err
		}
		form.Lookup.Problem = msg
		return s.renderNewBookRow(c, status, form)
	}
	if !a.Found {
		form.Lookup.Problem = notFoundProblem(isbn)
		return s.renderNewBookRow(c, fiber.StatusOK, form)
	}
	r := a.Record
	form.Title, form.Author = r.Title, r.Author()
	if form.Author == "" {
		form.Author = in.Author
	}
	f := foundView(a, time.Now())
	f.UseCover = a.HasCover
	form.Lookup.Found = &f
	return s.renderNewBookRow(c, fiber.StatusOK, form)
}

// foundView is what a lookup found that the new-book row has no column for: its edition facts
// as the book will keep them (now gives this year).
func foundView(a data.CatalogueAnswer, now time.Time) views.Found {
	r := a.Record
	e := r.Edition(now)
	f := views.Found{ISBN: r.ISBN.String(), Publisher: e.Publisher, Year: data.FormatYear(e.Year), Language: data.LanguageName(e.Language), Source: r.Source}
	if r.Pages > 0 {
		f.Pages = strconv.Itoa(r.Pages)
	}
	if a.HasCover {
		f.CoverURL = views.CatalogueCoverURL(r.ISBN.String(), "s")
	}
	return f
}

// renderNewBookRow answers with the new-book row: in its place (htmx), or on the library page.
func (s *Server) renderNewBookRow(c *fiber.Ctx, status int, form views.BookForm) error {
	if !isHTMX(c) {
		return s.renderLibrary(c, status, views.Library{New: form}, filter{}, "")
	}
	c.Set(hxRetarget, "#new-book-row")
	c.Set(hxReswap, "outerHTML")
	swapInPlace(c, status)
	return render(c, status, views.NewBookRow(form, false))
}

// catalogued reads what the new-book row carries from a lookup: the ISBN found, the pages as
// the reader left them and their choice of the cover, taken from the answer kept for that ISBN
// (never from the browser). found is what the row shows again if the book is refused.
func (s *Server) catalogued(c *fiber.Ctx) (x data.Catalogued, found *views.Found, err error) {
	raw := strings.TrimSpace(c.FormValue("isbn"))
	if raw == "" || s.lookups == nil {
		return data.Catalogued{}, nil, nil
	}
	isbn, perr := data.ParseISBN(raw)
	if perr != nil || isbn == "" {
		return data.Catalogued{}, nil, nil // not one Bookcase wrote: the book goes without it
	}
	x.ISBN = isbn
	pages := strings.Clone(strings.TrimSpace(c.FormValue("pages")))
	if pages != "" {
		n, err := strconv.Atoi(pages)
		if err != nil || len(pages) > 6 {
			n = -1 // out of range: the store says so beside the field
		}
		x.Pages = n
	}
	a, err := s.lookups.cache.Get(c.UserContext(), isbn)
	switch {
	case errors.Is(err, data.ErrNotFound):
		a = data.CatalogueAnswer{Record: data.CatalogueRecord{ISBN: isbn, Source: "the catalogue"}}
	case err != nil:
		return data.Catalogued{}, nil, err
	}
	if a.Found {
		x.Edition = a.Record.Edition(time.Now())
	}
	f := foundView(a, time.Now())
	f.Pages = pages
	if c.FormValue("cover") != "" && a.HasCover {
		f.UseCover = true
		if x.Small, err = s.lookups.cache.Cover(c.UserContext(), isbn, data.CoverSmall); err == nil {
			x.Large, err = s.lookups.cache.Cover(c.UserContext(), isbn, data.CoverLarge)
		}
		if errors.Is(err, data.ErrNotFound) { // expired meanwhile: the book goes without
			x.Small, x.Large, err = nil, nil, nil
		}
		if err != nil {
			return data.Catalogued{}, nil, err
		}
	}
	return x, &f, nil
}

// catalogueCoverFile is the name of a catalogue's cover picture: the ISBN, and s or l for its size.
var catalogueCoverFile = regexp.MustCompile(`^(97[89][0-9]{10})-([sl])\.jpg$`)

// serveCatalogueCover shows the cover a lookup found, before any book has it. Catalogues' covers
// are public, and the answer is kept for a day at most in the browser: a later lookup may bring
// another picture at the same address.
func (s *Server) serveCatalogueCover(c *fiber.Ctx) error {
	m := catalogueCoverFile.FindStringSubmatch(c.Params("file"))
	if m == nil {
		return fiber.ErrNotFound
	}
	size := data.CoverSmall
	if m[2] == "l" {
		size = data.CoverLarge
	}
	img, err := s.lookups.cache.Cover(c.UserContext(), data.ISBN(m[1]), size)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, max-age=3600")
	c.Type("jpg")
	return c.Send(img)
}

// compareCatalogue looks up the ISBN given on a book's page (its own, to begin with) and shows,
// field by field, what the catalogue would change: nothing is saved.
func (s *Server) compareCatalogue(c *fiber.Ctx) error {
	b, err := s.liveBook(c)
	if err != nil {
		return err
	}
	raw := strings.Clone(c.FormValue("isbn"))
	isbn, problem := typedISBN(raw)
	if problem != "" {
		return s.renderCatalogue(c, fiber.StatusUnprocessableEntity, b, views.CatalogueView{ISBN: raw, Problem: problem})
	}
	a, err := s.lookUp(c.UserContext(), owner(c), isbn)
	if err != nil {
		status, msg, ok := lookupProblem(err)
		if !ok {
			return err
		}
		return s.renderCatalogue(c, status, b, views.CatalogueView{ISBN: raw, Problem: msg})
	}
	if !a.Found {
		return s.renderCatalogue(c, fiber.StatusOK, b, views.CatalogueView{ISBN: raw, Problem: notFoundProblem(isbn)})
	}
	e, err := s.editions.Get(c.UserContext(), owner(c), b.ID)
	if err != nil {
		return err
	}
	return s.renderCatalogue(c, fiber.StatusOK, b, comparison(b, e, a, time.Now()))
}

// comparison is the catalogue section showing where the record a differs from the book b, whose
// edition facts are e (now gives this year, for the record's).
func comparison(b data.Book, e data.Edition, a data.CatalogueAnswer, now time.Time) views.CatalogueView {
	r := a.Record
	v := views.CatalogueView{ISBN: r.ISBN.String(), Source: r.Source, Looked: true}
	text := func(name, label, current, record string) {
		if record != "" && record != current {
			v.Fields = append(v.Fields, views.CatalogueField{Name: name, Label: label, Current: current, Record: record, Take: current == ""})
		}
	}
	text("title", "Title", b.Title, r.Title)
	text("author", "Author", b.Author, r.Author())
	pages := ""
	if b.Pages > 0 {
		pages = strconv.Itoa(b.Pages)
	}
	if r.Pages > 0 && !b.Format.Timed() { // an audiobook's length is a time, which no catalogue gives
		text("pages", "Pages", pages, strconv.Itoa(r.Pages))
	}
	text("isbn", "ISBN", b.ISBN.String(), r.ISBN.String())
	if a.HasCover {
		current := ""
		if b.Cover != "" {
			current = "A cover of your own"
		}
		v.Fields = append(v.Fields, views.CatalogueField{Name: "cover", Label: "Cover", Current: current, Record: "The catalogue's cover", Take: b.Cover == ""})
		v.CoverURL = views.CatalogueCoverURL(r.ISBN.String(), "s")
	}
	found := r.Edition(now)
	text("publisher", "Publisher", e.Publisher, found.Publisher)
	text("year", "Year published", data.FormatYear(e.Year), data.FormatYear(found.Year))
	if found.Language != "" && found.Language != e.Language {
		v.Fields = append(v.Fields, views.CatalogueField{Name: "language", Label: "Language",
			Current: data.LanguageName(e.Language), Record: data.LanguageName(found.Language), Take: e.Language == ""})
	}
	return v
}

// applyCatalogue takes into the book the fields the reader ticked, from the catalogue's answer
// for the ISBN the comparison showed (kept, or asked again): the browser says which fields, never
// what they hold.
func (s *Server) applyCatalogue(c *fiber.Ctx) error {
	b, err := s.liveBook(c)
	if err != nil {
		return err
	}
	isbn, problem := typedISBN(strings.Clone(c.FormValue("isbn")))
	if problem != "" {
		return fiber.ErrBadRequest // the form carries the ISBN Bookcase wrote
	}
	a, err := s.lookUp(c.UserContext(), owner(c), isbn)
	if err != nil {
		status, msg, ok := lookupProblem(err)
		if !ok {
			return err
		}
		return s.renderCatalogue(c, status, b, views.CatalogueView{ISBN: isbn.String(), Problem: msg})
	}
	if !a.Found {
		return s.renderCatalogue(c, fiber.StatusOK, b, views.CatalogueView{ISBN: isbn.String(), Problem: notFoundProblem(isbn)})
	}
	e, err := s.editions.Get(c.UserContext(), owner(c), b.ID)
	if err != nil {
		return err
	}
	now := time.Now()
	v := comparison(b, e, a, now)
	found := a.Record.Edition(now)
	var take []string
	for _, t := range c.Context().PostArgs().PeekMulti("take") {
		take = append(take, string(t))
	}
	var ch data.CatalogueChanges
	n := 0
	for i := range v.Fields {
		f := &v.Fields[i]
		f.Take = slices.Contains(take, f.Name)
		if !f.Take {
			continue
		}
		n++
		r := a.Record
		switch f.Name {
		case "title":
			ch.Title = &r.Title
		case "author":
			author := r.Author()
			ch.Author = &author
		case "pages":
			ch.Pages = &r.Pages
		case "isbn":
			ch.ISBN = &r.ISBN
		case "publisher":
			ch.Publisher = &found.Publisher
		case "year":
			ch.Year = &found.Year
		case "language":
			ch.Language = &found.Language
		case "cover":
			if ch.Small, err = s.lookups.cache.Cover(c.UserContext(), isbn, data.CoverSmall); err == nil {
				ch.Large, err = s.lookups.cache.Cover(c.UserContext(), isbn, data.CoverLarge)
			}
			if errors.Is(err, data.ErrNotFound) { // the answer expired this very moment: no cover
				ch.Small, ch.Large, err = nil, nil, nil
			}
			if err != nil {
				return err
			}
		}
	}
	if n == 0 {
		return s.renderCatalogue(c, fiber.StatusUnprocessableEntity, b, withNothingChosen(v))
	}
	nb, err := s.books.TakeFromCatalogue(c.UserContext(), owner(c), b.ID, ch)
	var verr *data.ValidationError
	if errors.As(err, &verr) {
		v.Errors = verr.Fields
		return s.renderCatalogue(c, fiber.StatusUnprocessableEntity, b, v)
	}
	if err != nil {
		return err
	}
	if !isHTMX(c) {
		return c.Redirect(views.BookURL(b.ID), fiber.StatusSeeOther)
	}
	return s.renderBookPage(c, fiber.StatusOK, nb, views.BookCatalogueTaken, func(d *views.BookDetail) {
		d.Catalogue.Saved = n
	})
}

// withNothingChosen is the comparison v asking the reader to tick a field.
func withNothingChosen(v views.CatalogueView) views.CatalogueView {
	v.Errors = map[string]string{}
	if len(v.Fields) > 0 {
		v.Errors[v.Fields[0].Name] = "Tick the fields to take, or Cancel."
	}
	return v
}

// renderCatalogue answers with the book page's catalogue section as v (htmx), or the whole page.
func (s *Server) renderCatalogue(c *fiber.Ctx, status int, b data.Book, v views.CatalogueView) error {
	swapInPlace(c, status)
	return s.renderBookPage(c, status, b, views.BookCatalogueUpdated, func(d *views.BookDetail) {
		v.On = true
		d.Catalogue = v
	})
}
