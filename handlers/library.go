package handlers

import (
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/views"
)

// filter is what the library shows — a search, filters by status, shelf, genre, format and
// language, and an order — all of it in the URL
// (/books?q=…&status=…&shelf=…&genre=…&format=…&lang=…&sort=…&dir=…), so that every view can be
// bookmarked, shared, and returned to with Back.
type filter struct {
	search string
	status data.Status
	shelf  int64
	genre  string
	format data.Format
	// language is a BCP 47 tag in its canonical form, as editions keep it.
	language string
	// finished is the span a reading of the books ended in (finished, or given up with the
	// status dnf): the stats' figures link to the views they count.
	finished data.Span
	// read is the span the books were read in (a progress update, or a reading that ended or
	// ran through it, in the reader's time zone): the stats' pages and hours link to it.
	read data.Span
	// rating keeps the books rated so (0: every book): the stats' rating distribution.
	rating data.Rating
	// sort is the order; "" is the default, newest first.
	sort data.Sort
	// reverse runs the order the other way from its default.
	reverse bool
}

// maxSearchLen bounds a search, in characters; the store uses its first words only anyway.
const maxSearchLen = 200

// order is the filter's order, SortAdded for the default.
func (f filter) order() data.Sort {
	if f.sort == "" {
		return data.SortAdded
	}
	return f.sort
}

// descending reports whether the view's order runs from the highest value down.
func (f filter) descending() bool { return f.order().DefaultDesc() != f.reverse }

// dir is the URL's dir parameter: "" for the order's default direction.
func (f filter) dir() string {
	switch {
	case !f.reverse:
		return ""
	case f.descending():
		return "desc"
	}
	return "asc"
}

// query is the filter as the library URL's query, parameters in a fixed order and those at their
// default left out ("status=reading&sort=title"), or "" for the whole library, newest first.
func (f filter) query() string {
	// One builder: the stats page writes a view a day of its calendar (a part a parameter and
	// their join were a fifth of its allocations).
	var b strings.Builder
	b.Grow(32)
	add := func(name, value string) {
		if value != "" {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(name)
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(value))
		}
	}
	add("q", f.search)
	add("status", string(f.status))
	if f.shelf > 0 {
		add("shelf", strconv.FormatInt(f.shelf, 10))
	}
	add("genre", f.genre)
	add("format", string(f.format))
	add("lang", f.language)
	add("finished", f.finished.String())
	add("read", f.read.String())
	add("rating", f.rating.String())
	if f.order() != data.SortAdded {
		add("sort", string(f.sort))
	}
	add("dir", f.dir())
	return b.String()
}

// url is the first page of the view.
func (f filter) url() string { return views.LibraryQueryURL(f.query()) }

// pageURL is the view's page that follows page, or "" when page is the last.
func (f filter) pageURL(page data.BookPage) string {
	switch {
	case page.Cursor == "":
		return ""
	case f.order() == data.SortAdded:
		return views.LibraryQueryURL(joinQuery(f.query(), "before="+page.Cursor))
	}
	return views.LibraryQueryURL(joinQuery(f.query(), "cursor="+url.QueryEscape(page.Cursor)))
}

func joinQuery(a, b string) string {
	if a == "" {
		return b
	}
	return a + "&" + b
}

// narrowed reports whether anything but the order limits the view.
func (f filter) narrowed() bool {
	return f.search != "" || f.status != "" || f.shelf > 0 || f.genre != "" || f.format != "" || f.language != "" || !f.finished.IsZero() || f.spanned()
}

// spanned reports whether the view is narrowed by when the books were read, or how rated.
func (f filter) spanned() bool { return !f.read.IsZero() || f.rating != 0 }

// bookQuery is the store's query for the view's page that starts at cursor.
func (f filter) bookQuery(cursor string) data.BookQuery {
	return data.BookQuery{
		Search: f.search, Status: f.status, Shelf: f.shelf, Genre: f.genre, Format: f.format, Language: f.language,
		Finished: f.finished, Read: f.read, Rating: f.rating, Sort: f.order(), Reverse: f.reverse, Cursor: cursor, Limit: data.PageSize,
	}
}

// bookQuery is the store's query for f's page from cursor, its days (the read filter's) the reader's.
func (s *Server) bookQuery(c *fiber.Ctx, f filter, cursor string) (data.BookQuery, error) {
	q := f.bookQuery(cursor)
	if f.read.IsZero() {
		return q, nil
	}
	loc, err := s.readerLocation(c, owner(c))
	q.Zone = loc
	return q, err
}

// badView is a library URL parameter that cannot be applied; Message says so to the reader.
type badView struct{ Message string }

func (e *badView) Error() string { return e.Message }

// parseFilter reads the view from a library URL's parameters (get returns one, "" when absent).
// An unknown status, order or direction is a *badView; a shelf that is not a positive integer
// names no shelf (404).
func parseFilter(get func(string) string) (filter, error) {
	f := filter{search: strings.TrimSpace(get("q")), genre: strings.TrimSpace(get("genre"))}
	if utf8.RuneCountInString(f.search) > maxSearchLen {
		f.search = string([]rune(f.search)[:maxSearchLen])
	}
	if utf8.RuneCountInString(f.genre) > data.MaxFieldLen {
		f.genre = string([]rune(f.genre)[:data.MaxFieldLen])
	}
	if v := get("status"); v != "" {
		st, err := data.ParseStatus(v)
		if err != nil {
			return filter{}, &badView{"There is no reading status “" + v + "”. Showing all your books."}
		}
		f.status = st
	}
	if v := get("format"); v != "" {
		fo, err := data.ParseFormat(v)
		if err != nil {
			return filter{}, &badView{"There is no format “" + v + "”. Showing all your books."}
		}
		f.format = fo
	}
	if v := strings.TrimSpace(get("lang")); v != "" {
		tag, ok := data.CanonicalLanguage(v)
		if !ok {
			return filter{}, &badView{"“" + v + "” is not a language tag (en, pt-BR). Showing all your books."}
		}
		f.language = tag
	}
	if v := strings.TrimSpace(get("finished")); v != "" {
		sp, err := data.ParseSpan(v)
		if err != nil {
			return filter{}, &badView{"“" + v + "” is not a month (2026-03), a year (2026) or all. Showing all your books."}
		}
		f.finished = sp
	}
	if v := strings.TrimSpace(get("read")); v != "" {
		sp, err := data.ParseSpan(v)
		if err != nil {
			return filter{}, &badView{"“" + v + "” is not a day (2026-03-05), a month (2026-03), a year (2026) or all. Showing all your books."}
		}
		f.read = sp
	}
	if v := strings.TrimSpace(get("rating")); v != "" {
		r, err := data.ParseRating(v)
		if err != nil || r == 0 {
			return filter{}, &badView{"“" + v + "” is not a rating from 0.5 to 5 stars. Showing all your books."}
		}
		f.rating = r
	}
	if v := get("shelf"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return filter{}, fiber.ErrNotFound
		}
		f.shelf = id
	}
	// The order select sends the order and its direction as one ("title-desc"), the column
	// headings' links as two.
	sortBy, dir := get("sort"), get("dir")
	if v := get("order"); v != "" {
		sortBy, dir, _ = strings.Cut(v, "-")
	}
	if v := sortBy; v != "" {
		so, err := data.ParseSort(v)
		if err != nil {
			return filter{}, &badView{"The library cannot be sorted by “" + v + "”. Showing all your books, newest first."}
		}
		if so != data.SortAdded {
			f.sort = so
		}
	}
	switch v := dir; v {
	case "":
	case "asc", "desc":
		f.reverse = (v == "desc") != f.order().DefaultDesc()
	default:
		return filter{}, &badView{"“" + v + "” is not a direction to sort in. Showing all your books, newest first."}
	}
	return f, nil
}

// currentFilter is the view of the page an htmx request came from, so that the tabs it sends
// back keep the right one active.
func currentFilter(c *fiber.Ctx) filter {
	u, err := url.Parse(c.Get(hxCurrentURL))
	if err != nil {
		return filter{}
	}
	q := u.Query()
	f, err := parseFilter(q.Get)
	if err != nil {
		return filter{}
	}
	return f
}

// libraryView is the view of the library page an htmx request came from, and false when it came
// from another page (or a library URL that shows no view).
func libraryView(c *fiber.Ctx) (filter, bool) {
	u, err := url.Parse(c.Get(hxCurrentURL))
	if err != nil || u.Path != views.LibraryURL {
		return filter{}, false
	}
	f, err := parseFilter(u.Query().Get)
	return f, err == nil
}

// Where htmx requests for the library put their answer, by the id of their target.
const (
	targetResults = "results"
)

// listBooks shows the library as its URL says. htmx asks for the results alone (a search, a tab, a
// column heading: HX-Target "results"), or for the next page's rows (Load more); anything else
// gets the whole page. The first page without a cursor is the view's URL, which the results'
// answer tells htmx to show in the address bar: replacing the entry while the reader types, and
// adding one for every other change, so Back goes to the previous view.
func (s *Server) listBooks(c *fiber.Ctx) error {
	cursor := c.Query("cursor")
	if before := c.Query("before"); before != "" {
		id, err := strconv.ParseInt(before, 10, 64)
		if err != nil || id <= 0 {
			return fiber.NewError(fiber.StatusBadRequest, "bad cursor")
		}
		cursor = before
	}
	f, err := parseFilter(func(name string) string { return c.Query(name) })
	var bad *badView
	if errors.As(err, &bad) {
		if isHTMX(c) && c.Get(hxTarget) != targetResults {
			return fiber.NewError(fiber.StatusBadRequest, bad.Message)
		}
		return s.renderLibrary(c, fiber.StatusBadRequest, views.Library{Problem: bad.Message}, filter{}, "")
	}
	if err != nil {
		return err
	}
	if isHTMX(c) && c.Get(hxTarget) != targetResults {
		page, books, err := s.rows(c, f, cursor)
		if err != nil {
			return err
		}
		return render(c, fiber.StatusOK, views.BookRows(books, f.pageURL(page), page.Cursor, true))
	}
	return s.renderLibrary(c, fiber.StatusOK, views.Library{Older: cursor != ""}, f, cursor)
}

// rows is the page of f's view from cursor, as rows with progress. A shelf that is not the
// reader's is a 404, and a cursor the store did not make a 400.
func (s *Server) rows(c *fiber.Ctx, f filter, cursor string) (data.BookPage, []views.Book, error) {
	q, err := s.bookQuery(c, f, cursor)
	if err != nil {
		return data.BookPage{}, nil, err
	}
	page, err := s.books.Find(c.UserContext(), owner(c), q)
	switch {
	case errors.Is(err, data.ErrNotFound):
		return data.BookPage{}, nil, fiber.ErrNotFound
	case errors.Is(err, data.ErrInvalid):
		return data.BookPage{}, nil, fiber.NewError(fiber.StatusBadRequest, "That page link is broken. Start again from the first page.")
	case err != nil:
		return data.BookPage{}, nil, err
	}
	books, err := s.withProgress(c, page.Books)
	if err != nil {
		return data.BookPage{}, nil, err
	}
	return page, books, nil
}

// maxMatches is how many matches the library counts before it says "more than".
const maxMatches = 100

// renderLibrary renders the library as f shows it from cursor: the whole page, or for htmx the
// results alone. A book in l.Books replaces the row of the same book (a row re-rendered with an
// error).
func (s *Server) renderLibrary(c *fiber.Ctx, status int, l views.Library, f filter, cursor string) error {
	page, books, err := s.rows(c, f, cursor)
	if err != nil {
		return err
	}
	for _, override := range l.Books {
		for i := range books {
			if books[i].ID == override.ID {
				books[i] = override
			}
		}
	}
	l.Books, l.MoreURL, l.MoreCursor, l.FirstURL = books, f.pageURL(page), page.Cursor, f.url()
	l.Search, l.Filtered = f.search, f.narrowed()
	if !f.finished.IsZero() || f.spanned() {
		all := f
		all.finished, all.read, all.rating = data.Span{}, data.Span{}, 0
		l.Finished = views.FinishedFilter{Label: spanLabel(f), ClearURL: all.url()}
	}
	// The results alone (htmx: a search as the reader types, a tab, a heading) show the tabs but
	// not the count, the "Currently reading" strip or the search form's genres. All of them come
	// from the reader's summary, kept until their library changes.
	results := isHTMX(c) && c.Get(hxTarget) == targetResults
	sum, err := s.books.Summary(c.UserContext(), owner(c), nowReadingLimit)
	if err != nil {
		return err
	}
	st := summaryState(f, sum, !results)
	l.Filters = st.filters
	if !results {
		l.Count, l.Reading = st.count, st.reading
	}
	if f.search != "" || f.genre != "" || f.format != "" || f.language != "" || !f.finished.IsZero() || f.spanned() {
		// A first page that is the last holds every match: count them only when there are more.
		n := len(books)
		switch {
		case page.Matches >= 0: // counted by Find on its way
			n = min(page.Matches, maxMatches+1)
		case cursor != "" || page.Cursor != "":
			q, err := s.bookQuery(c, f, "")
			if err != nil {
				return err
			}
			if n, err = s.books.FindCount(c.UserContext(), owner(c), q, maxMatches); err != nil {
				return err
			}
		}
		if n > 0 { // none: the empty table says so, once
			l.Matches = matchesLabel(n)
		}
	}
	l.Headers, l.OrderLabel = sortHeaders(f), orderLabel(f)
	if sess, ok := currentUser(c); ok {
		l.Density = string(sess.Density)
	}
	l.Query = libraryQuery(f, sum, !results)
	if id, err := strconv.ParseInt(c.Query("deleted"), 10, 64); err == nil && id > 0 {
		b, err := s.books.GetDeleted(c.UserContext(), owner(c), id)
		switch {
		case err == nil:
			v := bookView(b, s.zone(c))
			l.Deleted = &v
		case !errors.Is(err, data.ErrNotFound):
			return err
		}
	}
	// The new-book row takes the focus only to show a problem with what was typed: a library
	// opens with the focus nowhere, so its shortcuts work at once ("n" goes to the new-book row).
	if len(l.New.Errors) == 0 && l.New.Lookup.Found == nil && l.New.Lookup.Problem == "" {
		l.New.Unfocused = true
	}
	l.New.Lookup.On = s.lookups != nil
	if results {
		if status == fiber.StatusOK && cursor == "" {
			if c.Get(hxTrigger) == "library-search" {
				c.Set(hxReplaceURL, f.url())
			} else {
				c.Set(hxPushURL, f.url())
			}
		}
		return render(c, status, views.LibraryResultsUpdate(l))
	}
	return render(c, status, views.LibraryPage(s.meta(c, "Your library"), l))
}

// libraryQuery is the view as the search form keeps it, and with withGenres the reader's genres
// and languages to choose from (the form's selects; the results alone update only the form's
// hidden state).
func libraryQuery(f filter, sum data.LibrarySummary, withGenres bool) views.LibraryQuery {
	q := views.LibraryQuery{Search: f.search, Genre: f.genre, Status: string(f.status),
		Format: string(f.format), Language: f.language, Finished: f.finished.String(), Read: f.read.String(),
		Rating: f.rating.String()}
	if withGenres {
		q.Genres = sum.Genres
		tags := sum.Languages
		for _, t := range tags {
			q.Languages = append(q.Languages, views.Choice{Value: t, Label: data.LanguageName(t)})
		}
		// A language in the URL that none of the books has still shows as chosen.
		if f.language != "" && !slices.Contains(tags, f.language) {
			q.Languages = append(q.Languages, views.Choice{Value: f.language, Label: data.LanguageName(f.language)})
		}
	}
	if f.shelf > 0 {
		q.Shelf = strconv.FormatInt(f.shelf, 10)
	}
	q.Order, q.Orders = orderChoices(f)
	return q
}

// orderChoices are the orders the order select offers, as sortColumns lists them, each in its own
// direction, and the view's reversed when it runs the other way; and the value of the view's.
func orderChoices(f filter) (string, []views.Choice) {
	var out []views.Choice
	current := ""
	for _, col := range sortColumns() {
		choice := views.Choice{Value: string(col.sort), Label: col.label + ", " + directionLabel(col.sort, col.sort.DefaultDesc())}
		if f.order() == col.sort {
			current = choice.Value
			if f.reverse {
				choice = views.Choice{Value: string(col.sort) + "-" + f.dir(), Label: col.label + ", " + directionLabel(col.sort, f.descending())}
				current = choice.Value
			}
		}
		out = append(out, choice)
	}
	return current, out
}

// sortColumn is an order the library offers, and its name as the column heading shows it.
type sortColumn struct {
	sort  data.Sort
	label string
}

// sortColumns are the orders in the table's column order (the series in the title's heading:
// the series are under the titles).
func sortColumns() []sortColumn {
	return []sortColumn{
		{data.SortTitle, "Title"}, {data.SortAuthor, "Author"}, {data.SortProgress, "Status"},
		{data.SortRating, "Rating"}, {data.SortAdded, "Added"}, {data.SortFinished, "Finished"},
		{data.SortSeries, "Series"},
	}
}

// spanLabel says which books f's finished, read and rating filters keep: "Finished in March
// 2026", "Given up in 2026", "Read on 5 March 2026", "Rated 4.5 stars, finished in 2026".
func spanLabel(f filter) string {
	var parts []string
	if f.rating != 0 {
		stars := "stars"
		if f.rating == 2 {
			stars = "star"
		}
		parts = append(parts, "Rated "+f.rating.String()+" "+stars)
	}
	if !f.finished.IsZero() {
		verb := "Finished"
		if f.status == data.StatusDNF {
			verb = "Given up"
		}
		parts = append(parts, verb+spanWords(f.finished))
	}
	if !f.read.IsZero() {
		parts = append(parts, "Read"+spanWords(f.read))
	}
	for i := 1; i < len(parts); i++ { // "Rated 3 stars, read on …"
		parts[i] = strings.ToLower(parts[i][:1]) + parts[i][1:]
	}
	return strings.Join(parts, ", ")
}

// spanWords is when a span is, after a verb: " on 5 March 2026", " in 2026", " at any time".
func spanWords(sp data.Span) string {
	switch l := sp.Label(); {
	case l == "":
		return " at any time"
	case sp.Day != 0:
		return " on " + l
	default:
		return " in " + l
	}
}

// matchesLabel says how many books match (at least one), counted up to maxMatches.
func matchesLabel(n int) string {
	switch {
	case n == 1:
		return "1 book matches."
	case n > maxMatches:
		return "More than " + strconv.Itoa(maxMatches) + " books match."
	}
	return strconv.Itoa(n) + " books match."
}

// sortHeaders are the column headings in the table's order: following one sorts by its column,
// or, if the view is sorted by it already, reverses the order.
func sortHeaders(f filter) []views.SortHeader {
	columns := sortColumns()
	out := make([]views.SortHeader, len(columns))
	for i, col := range columns {
		next := f
		next.sort, next.reverse = col.sort, false
		if col.sort == data.SortAdded {
			next.sort = ""
		}
		h := views.SortHeader{Label: col.label, Sort: string(col.sort)}
		if f.order() == col.sort {
			h.State = "ascending"
			if f.descending() {
				h.State = "descending"
			}
			next.reverse = !f.reverse
		}
		h.URL = next.url()
		// The hint names the column as its heading does: a link's accessible name must contain
		// its visible text (WCAG 2.5.3), or a reader who says "click Status" cannot reach it.
		h.Hint = "Sort by " + strings.ToLower(col.label) + ", " + directionLabel(col.sort, next.descending())
		out[i] = h
	}
	return out
}

// orderLabel says the view's order in words, for the table's caption.
func orderLabel(f filter) string {
	return "by " + strings.ToLower(f.order().Label()) + ", " + directionLabel(f.order(), f.descending())
}

// directionLabel says which way an order runs, in the words a reader uses for it.
func directionLabel(s data.Sort, desc bool) string {
	switch s {
	case data.SortTitle, data.SortAuthor, data.SortSeries:
		if desc {
			return "Z to A"
		}
		return "A to Z"
	case data.SortAdded, data.SortFinished:
		if desc {
			return "newest first"
		}
		return "oldest first"
	case data.SortProgress:
		if desc {
			return "furthest first"
		}
		return "least read first"
	}
	if desc {
		return "highest first"
	}
	return "lowest first"
}
