package handlers

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/views"
)

// AuthorStore is what the handlers need of authors. Every method takes the owner's id: another
// reader's author is data.ErrNotFound.
type AuthorStore interface {
	List(ctx context.Context, owner int64, q data.AuthorQuery) (data.AuthorList, error)
	Get(ctx context.Context, owner, id int64, cursor string) (data.AuthorDetail, error)
	ByName(ctx context.Context, owner int64, name string) (data.Author, error)
	Rename(ctx context.Context, owner, id int64, name string) (data.Author, error)
	SetSortName(ctx context.Context, owner, id int64, sortName string) (data.Author, error)
	Merge(ctx context.Context, owner, from, into int64) (data.Author, error)
	Suggest(ctx context.Context, owner int64, prefix string) ([]string, error)
	OfBook(ctx context.Context, owner, id int64) ([]data.BookContributor, error)
	SetContributors(ctx context.Context, owner, id int64, lines []data.ContributorInput) ([]data.BookContributor, error)
}

// authorID is the author named by the route parameter id; anything but a positive integer names
// none.
func authorID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fiber.ErrNotFound
	}
	return id, nil
}

// listAuthors shows the reader's authors with their books, by sort name or by books, searched,
// a page at a time: ?after= is the last author of the page before (the store's keyset), and the
// page links are plain links that work without JavaScript. htmx asks for the results alone (the
// search as the reader types, an order, a page). A page after an author who is none of the
// reader's listed authors (merged since, or another reader's) is a 400.
func (s *Server) listAuthors(c *fiber.Ctx) error {
	c.Vary(hxRequest)
	search := strings.TrimSpace(c.Query("q"))
	if utf8.RuneCountInString(search) > 200 {
		search = string([]rune(search)[:200])
	}
	sort := data.AuthorsByName
	if c.Query("sort") == string(data.AuthorsByBooks) {
		sort = data.AuthorsByBooks
	}
	var after int64
	if v := c.Query("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return fiber.NewError(fiber.StatusBadRequest, msgAuthorsPage)
		}
		after = n
	}
	list, err := s.authors.List(c.UserContext(), owner(c), data.AuthorQuery{Search: search, Sort: sort, After: after})
	if errors.Is(err, data.ErrInvalid) {
		return fiber.NewError(fiber.StatusBadRequest, msgAuthorsPage)
	}
	if err != nil {
		return err
	}
	l := views.AuthorsList{
		Search: search, Sort: string(sort),
		ByNameURL:  views.AuthorsListURL(search, "", 0),
		ByBooksURL: views.AuthorsListURL(search, string(data.AuthorsByBooks), 0),
	}
	for _, a := range list.Authors {
		l.Authors = append(l.Authors, views.AuthorSummary{ID: a.ID, Name: a.Name, SortName: a.SortName, Books: a.Books, Read: a.Read})
	}
	if after > 0 {
		l.FirstURL = views.AuthorsListURL(search, string(sort), 0)
	}
	if list.After > 0 {
		l.NextURL = views.AuthorsListURL(search, string(sort), list.After)
	}
	if isHTMX(c) {
		return render(c, fiber.StatusOK, views.AuthorsResults(l))
	}
	return render(c, fiber.StatusOK, views.AuthorsListPage(s.meta(c, "Authors"), l))
}

// msgAuthorsPage is the message of a page of the list of authors that does not exist.
const msgAuthorsPage = "That page of the list of authors does not exist: go back to the first."

// suggestAuthors answers the author fields' suggestions (htmx): the options of their datalist,
// each the text typed with its last name completed by one of the reader's authors whose name or
// surname starts with it. Without JavaScript nothing asks, and a plain request is sent to the
// list of authors with that search.
func (s *Server) suggestAuthors(c *fiber.Ctx) error {
	c.Vary(hxRequest)
	typed := ""
	for _, name := range []string{"author", data.FieldAuthorName, data.FieldMergeInto} {
		if v := c.Query(name); v != "" {
			typed = v
			break
		}
	}
	if len(typed) > 250*4 { // no name is longer; the field's maxlength is 250 characters
		typed = ""
	}
	// The last name typed, after the text's last separator; the field keeps what comes before.
	cut := strings.LastIndexAny(typed, ",&;") + 1
	before, last := typed[:cut], strings.TrimSpace(typed[cut:])
	if before != "" {
		before += " "
	}
	if !isHTMX(c) {
		return c.Redirect(views.AuthorsListURL(last, "", 0), fiber.StatusSeeOther)
	}
	names, err := s.authors.Suggest(c.UserContext(), owner(c), last)
	if err != nil {
		return err
	}
	values := make([]string, len(names))
	for i, n := range names {
		values[i] = before + n
	}
	return render(c, fiber.StatusOK, views.AuthorSuggestions(values))
}

// authorPage is the view of an author's page for the author as saved, with the page of their
// books' rows that starts at cursor ("" for the first). A cursor the store did not make is a 400.
func (s *Server) authorPage(c *fiber.Ctx, id int64, cursor string) (views.AuthorPage, error) {
	d, err := s.authors.Get(c.UserContext(), owner(c), id, cursor)
	if errors.Is(err, data.ErrInvalid) {
		return views.AuthorPage{}, fiber.NewError(fiber.StatusBadRequest, "That page link is broken. Start again from the author's first page.")
	}
	if err != nil {
		return views.AuthorPage{}, err
	}
	books := make([]data.Book, len(d.Books))
	for i, b := range d.Books {
		books[i] = b.Book
	}
	rows, err := s.withProgress(c, books)
	if err != nil {
		return views.AuthorPage{}, err
	}
	p := views.AuthorPage{
		ID: d.ID, Name: d.Name, SortName: d.SortName, Books: rows, Later: cursor != "",
		Total: d.Total, Read: d.Read, Unread: d.Unread(),
		NameInput: d.Name, SortNameInput: d.SortName,
	}
	if d.Cursor != "" {
		p.MoreURL, p.MoreCursor = views.AuthorBooksURL(id, d.Cursor), d.Cursor
	}
	return p, nil
}

// showAuthor shows a page of an author's books, by title, how many are read, and the forms that
// edit them. "Load more books" asks for the next page's rows alone (htmx), the first of them
// marked for the focus; without JavaScript it is a link to the page that starts there. Another
// reader's author, or one whose books are all deleted, is a 404.
func (s *Server) showAuthor(c *fiber.Ctx) error {
	c.Vary(hxRequest)
	id, err := authorID(c)
	if err != nil {
		return err
	}
	cursor := c.Query("cursor")
	p, err := s.authorPage(c, id, cursor)
	if err != nil {
		return err
	}
	if isHTMX(c) && cursor != "" {
		return render(c, fiber.StatusOK, views.BookRows(p.Books, p.MoreURL, p.MoreCursor, true))
	}
	return render(c, fiber.StatusOK, views.AuthorDetailPage(s.meta(c, p.Name), p))
}

// authorEdited answers a form of the author page: the forms' section (htmx; the whole page for a
// refusal without JavaScript, 422) or the page again (303).
func (s *Server) authorEdited(c *fiber.Ctx, id int64, status int, adjust func(*views.AuthorPage)) error {
	if status == fiber.StatusOK && !isHTMX(c) {
		return c.Redirect(views.AuthorURL(id), fiber.StatusSeeOther)
	}
	p, err := s.authorPage(c, id, "")
	if err != nil {
		return err
	}
	adjust(&p)
	if isHTMX(c) {
		return render(c, status, views.AuthorEditUpdated(p))
	}
	return render(c, status, views.AuthorDetailPage(s.meta(c, p.Name), p))
}

// renameAuthor renames an author on every book; a bad name, or one of another of the reader's
// authors, is a 422 beside the name field.
func (s *Server) renameAuthor(c *fiber.Ctx) error {
	id, err := authorID(c)
	if err != nil {
		return err
	}
	typed := strings.Clone(c.FormValue(data.FieldAuthorName))
	a, err := s.authors.Rename(c.UserContext(), owner(c), id, typed)
	var verr *data.ValidationError
	switch {
	case errors.As(err, &verr):
		return s.authorEdited(c, id, fiber.StatusUnprocessableEntity, func(p *views.AuthorPage) {
			p.NameInput, p.Errors = typed, verr.Fields
		})
	case err != nil:
		return err
	}
	return s.authorEdited(c, id, fiber.StatusOK, func(p *views.AuthorPage) { p.Done = "Renamed " + a.Name + " on every book." })
}

// setAuthorSortName sets the name an author is filed under; a bad one is a 422 beside its field.
func (s *Server) setAuthorSortName(c *fiber.Ctx) error {
	id, err := authorID(c)
	if err != nil {
		return err
	}
	typed := strings.Clone(c.FormValue(data.FieldAuthorSortName))
	a, err := s.authors.SetSortName(c.UserContext(), owner(c), id, typed)
	var verr *data.ValidationError
	switch {
	case errors.As(err, &verr):
		return s.authorEdited(c, id, fiber.StatusUnprocessableEntity, func(p *views.AuthorPage) {
			p.SortNameInput, p.Errors = typed, verr.Fields
		})
	case err != nil:
		return err
	}
	return s.authorEdited(c, id, fiber.StatusOK, func(p *views.AuthorPage) { p.Done = "Filed under " + a.SortName + "." })
}

// mergeAuthor merges an author into another, named in the form (the field suggests them): their
// books become the other's, and the reader is taken to the other's page (HX-Redirect for htmx,
// 303 without). A name that is none of the reader's authors, or the author's own, is a 422
// beside the field.
func (s *Server) mergeAuthor(c *fiber.Ctx) error {
	id, err := authorID(c)
	if err != nil {
		return err
	}
	typed := strings.Clone(c.FormValue(data.FieldMergeInto))
	refuse := func(verr *data.ValidationError) error {
		return s.authorEdited(c, id, fiber.StatusUnprocessableEntity, func(p *views.AuthorPage) {
			p.MergeInput, p.Errors = typed, verr.Fields
		})
	}
	var verr *data.ValidationError
	into, err := s.authors.ByName(c.UserContext(), owner(c), typed)
	switch {
	case errors.As(err, &verr):
		// The author must be the reader's before anything is said of the name.
		if _, err := s.authors.Get(c.UserContext(), owner(c), id, ""); err != nil {
			return err
		}
		return refuse(verr)
	case err != nil:
		return err
	}
	if _, err := s.authors.Merge(c.UserContext(), owner(c), id, into.ID); errors.As(err, &verr) {
		return refuse(verr)
	} else if err != nil {
		return err
	}
	if isHTMX(c) {
		c.Set(hxRedirect, views.AuthorURL(into.ID))
		return c.SendStatus(fiber.StatusOK)
	}
	return c.Redirect(views.AuthorURL(into.ID), fiber.StatusSeeOther)
}

// contributorsSection is the book page's contributors section for book id, as saved.
func (s *Server) contributorsSection(c *fiber.Ctx, id int64) (views.ContributorsSection, error) {
	cs, err := s.authors.OfBook(c.UserContext(), owner(c), id)
	if err != nil {
		return views.ContributorsSection{}, err
	}
	var sec views.ContributorsSection
	for _, bc := range cs {
		sec.Lines = append(sec.Lines, views.ContributorLine{Name: bc.Name, Role: string(bc.Role), AuthorID: bc.AuthorID})
	}
	return sec, nil
}

// setBookContributors saves the list of contributors of the book page's author fact, edited in
// its place, with the change its button asks for: action "up-N" moves line N (from 1) up,
// "remove-N" takes it off, and both keep the editor open; anything else saves the list as it
// stands (an empty line is none, the last line adds one) and closes it. An empty list, an unknown
// role, a bad name or too many are a 422 beside the list, with the lines as typed. htmx gets the
// fact; a plain form goes back to the page (post/redirect/get), the editor open after a button's
// change.
func (s *Server) setBookContributors(c *fiber.Ctx) error {
	b, err := s.liveBook(c)
	if err != nil {
		return err
	}
	args := c.Request().PostArgs()
	names, roles := args.PeekMulti("name"), args.PeekMulti("role")
	if len(names) > 2*data.MaxContributors {
		names = names[:2*data.MaxContributors]
	}
	lines := make([]data.ContributorInput, len(names))
	for i, n := range names {
		lines[i].Name = string(n)
		if i < len(roles) {
			lines[i].Role = string(roles[i])
		}
	}
	done := ""
	action := string(args.Peek("action"))
	if verb, num, ok := strings.Cut(action, "-"); ok {
		if n, err := strconv.Atoi(num); err == nil && n >= 1 && n <= len(lines) {
			switch verb {
			case "up":
				if n > 1 {
					lines[n-2], lines[n-1] = lines[n-1], lines[n-2]
					done = "Moved " + strings.TrimSpace(lines[n-2].Name) + " up."
				}
			case "remove":
				done = "Removed " + strings.TrimSpace(lines[n-1].Name) + "."
				lines = append(lines[:n-1], lines[n:]...)
			}
		}
	}
	_, err = s.authors.SetContributors(c.UserContext(), owner(c), b.ID, lines)
	const fact = "author"
	part := views.BookFactUpdated(fact)
	var verr *data.ValidationError
	switch {
	case errors.As(err, &verr):
		return s.renderBookPage(c, fiber.StatusUnprocessableEntity, b, part, func(d *views.BookDetail) {
			d.Contributors = views.ContributorsSection{Error: verr.Fields[data.FieldContributors]}
			for _, l := range lines {
				if strings.TrimSpace(l.Name) != "" {
					d.Contributors.Lines = append(d.Contributors.Lines, views.ContributorLine{Name: l.Name, Role: l.Role})
				}
			}
		})
	case err != nil:
		return err
	case !isHTMX(c) && done != "":
		return c.Redirect(views.BookFactEditURL(b.ID, fact), fiber.StatusSeeOther)
	case !isHTMX(c):
		return c.Redirect(views.BookURL(b.ID), fiber.StatusSeeOther)
	}
	saved, err := s.books.Get(c.UserContext(), owner(c), b.ID)
	if err != nil {
		return err
	}
	if done == "" {
		return s.factSaved(c, saved, fact, part)
	}
	return s.renderBookPage(c, fiber.StatusOK, saved, part, func(d *views.BookDetail) {
		d.Contributors.Done = done
	})
}
