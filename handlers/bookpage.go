package handlers

import (
	"errors"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/views"
)

// dateInput is how <input type=date> sends a date.
const dateInput = "2006-01-02"

// dayShown is how the book page writes a date for the reader.
const dayShown = "2 January 2006"

// bookPart is the part of the book page that one of its forms replaces, for htmx requests.
type bookPart func(views.BookDetail) templ.Component

// renderBookPage renders the page of the reader's book b with its shelves, read-throughs and
// progress; for an htmx request from one of its forms, only part of it. adjust, when not nil,
// changes the page before it is rendered: a failed form puts back what the reader typed and the
// problems with it.
func (s *Server) renderBookPage(c *fiber.Ctx, status int, b data.Book, part bookPart, adjust func(*views.BookDetail)) error {
	d, err := s.bookDetail(c, b)
	if err != nil {
		return err
	}
	if adjust != nil {
		adjust(&d)
	}
	return s.renderBookDetail(c, status, d, part)
}

// renderBookDetail renders the book page d, or only its part for an htmx request.
func (s *Server) renderBookDetail(c *fiber.Ctx, status int, d views.BookDetail, part bookPart) error {
	if part != nil && isHTMX(c) {
		return render(c, status, part(d))
	}
	return render(c, status, views.BookPage(s.meta(c, d.Book.Title), d))
}

// bookDetail is the page of the reader's book b, with its shelves, read-throughs and progress.
func (s *Server) bookDetail(c *fiber.Ctx, b data.Book) (views.BookDetail, error) {
	ctx, who := c.UserContext(), owner(c)
	all, err := s.shelves.List(ctx, who)
	if err != nil {
		return views.BookDetail{}, err
	}
	on, err := s.shelves.BookShelves(ctx, who, b.ID)
	if err != nil {
		return views.BookDetail{}, err
	}
	rts, err := s.reading.ReadThroughs(ctx, who, b.ID)
	if err != nil {
		return views.BookDetail{}, err
	}
	history, err := s.reading.ProgressHistory(ctx, who, b.ID)
	if err != nil {
		return views.BookDetail{}, err
	}
	edition, err := s.editions.Get(ctx, who, b.ID)
	if err != nil {
		return views.BookDetail{}, err
	}
	series, err := s.seriesSection(c, b.ID)
	if err != nil {
		return views.BookDetail{}, err
	}
	contributors, err := s.contributorsSection(c, b.ID)
	if err != nil {
		return views.BookDetail{}, err
	}
	// Every moment on the page is written as a day of the reader's; the readings' dates are
	// days already.
	loc := s.zone(c)
	v := bookView(b, loc)
	v.Added = b.CreatedAt.In(loc).Format(dayShown)
	d := views.BookDetail{
		Book:    v,
		Status:  b.Status.Label(),
		Format:  b.Format.Label(),
		Length:  data.FormatLength(b.Pages, b.Format),
		Rating:  b.Rating.String(),
		Notes:   b.Notes,
		Review:  b.Review,
		Spoiler: b.Spoiler,
		ISBN:    b.ISBN.String(),
		Details: views.DetailsForm{Format: string(b.Format), Pages: data.FormatLength(b.Pages, b.Format),
			Rating: b.Rating.String(), Review: b.Review, Spoiler: b.Spoiler, Notes: b.Notes, ISBN: b.ISBN.String()},
		Cover:        views.NewCoverView(b.Title, b.Cover),
		Edition:      editionFacts(edition),
		EditionForm:  editionForm(edition.Input(), nil),
		Catalogue:    views.CatalogueView{On: s.lookups != nil, ISBN: b.ISBN.String()},
		Series:       series,
		Contributors: contributors,
	}
	onShelf := map[int64]bool{}
	for _, sh := range on {
		onShelf[sh.ID] = true
	}
	for _, sh := range all {
		d.Shelves = append(d.Shelves, views.ShelfChoice{ID: sh.ID, Name: sh.Name, Checked: onShelf[sh.ID]})
	}
	d.ReadThroughs, d.Outside = readingTimeline(rts, history, b.Format, loc)
	for _, p := range history {
		d.Progress = append(d.Progress, views.ProgressEntry{Date: p.RecordedAt.In(loc).Format(dayShown), Value: progressLabel(p.Progress, b.Format)})
	}
	return d, nil
}

// readingTimeline puts a book's readings (newest first) and its progress updates (history,
// newest first) of format f together as the page's timeline: each reading numbered from the
// oldest, with the updates dated within its dates (days of the reader's, in loc; an unknown date
// bounds nothing), oldest first. An update dated outside the dates of its reading (they were
// corrected after it) is in outside, oldest first, with the name of its reading: never lost.
func readingTimeline(rts []data.ReadThrough, history []data.ProgressUpdate, f data.Format, loc *time.Location) (readings []views.ReadThroughForm, outside []views.ProgressEntry) {
	day := func(t *time.Time) (string, string) {
		if t == nil {
			return "", ""
		}
		return t.Format(dateInput), t.Format(dayShown)
	}
	at := map[int64]int{} // a reading's index in readings, by its id
	for i, rt := range rts {
		r := views.ReadThroughForm{ID: rt.ID, Outcome: rt.Outcome.Label(), Open: rt.Outcome == data.StatusReading,
			GaveUp: rt.Outcome == data.StatusDNF, Number: len(rts) - i}
		if r.GaveUp && rt.StoppedAtPage > 0 {
			r.Stopped = "at " + strings.ToLower(progressLabel(data.Progress{Page: rt.StoppedAtPage}, f))
		}
		r.StartedDay, r.Started = day(rt.StartedOn)
		r.FinishedDay, r.Finished = day(rt.FinishedOn)
		r.StartedOn, r.FinishedOn = r.StartedDay, r.FinishedDay
		at[rt.ID] = i
		readings = append(readings, r)
	}
	for _, p := range slices.Backward(history) {
		when := p.RecordedAt.In(loc)
		e := views.ProgressEntry{ID: p.ID, Date: when.Format(dayShown), Day: when.Format(dateInput),
			Value: progressLabel(p.Progress, f), Input: progressInput(p.Progress, f), On: when.Format(dateInput)}
		i, ok := at[p.ReadThroughID]
		if ok {
			r := &readings[i]
			// yyyy-mm-dd strings compare as the days they name.
			if (r.StartedDay == "" || e.Day >= r.StartedDay) && (r.FinishedDay == "" || e.Day <= r.FinishedDay) {
				r.Progress = append(r.Progress, e)
				continue
			}
			e.Reading = r.Number
		}
		outside = append(outside, e)
	}
	return readings, outside
}

// bookSaved answers a successful save from the book page: part of it for htmx, or a redirect to
// it (post/redirect/get).
func (s *Server) bookSaved(c *fiber.Ctx, b data.Book, part bookPart) error {
	if !isHTMX(c) {
		return c.Redirect(views.BookURL(b.ID), fiber.StatusSeeOther)
	}
	return s.renderBookPage(c, fiber.StatusOK, b, part, nil)
}

// progressLabel says how far a progress update of a book of format f got: a page (a time in an
// audiobook), a percentage, or both. The percentage is shown to one decimal (a page's share of
// the book is rarely a round number: 150 of 272 pages is 55.1%, not 55.14705882352941%); a whole
// one has no ".0".
func progressLabel(p data.Progress, f data.Format) string {
	pct := strconv.FormatFloat(math.Round(p.Percent*10)/10, 'f', -1, 64) + "%"
	switch {
	case f.Timed() && p.Page > 0 && p.Percent > 0:
		return data.FormatMinutes(p.Page) + " (" + pct + ")"
	case f.Timed() && p.Page > 0:
		return data.FormatMinutes(p.Page)
	case p.Page > 0 && p.Percent > 0:
		return "Page " + strconv.Itoa(p.Page) + " (" + pct + ")"
	case p.Page > 0:
		return "Page " + strconv.Itoa(p.Page)
	default:
		return pct
	}
}

// progressInput is a progress update as its edit holds it, as a reader would type it: a page (a
// time in an audiobook), or a percentage when the page is not known.
func progressInput(p data.Progress, f data.Format) string {
	switch {
	case p.Page > 0 && f.Timed():
		return data.FormatMinutes(p.Page)
	case p.Page > 0 || p.Percent == 0:
		return strconv.Itoa(p.Page)
	}
	return strconv.FormatFloat(p.Percent, 'f', -1, 64) + "%"
}

// bookProgress returns the reader's live book for the :id route parameter and the id named by
// :pid. Whether that progress update is one of the book's is the store's to say (ErrNotFound),
// when it edits or deletes it.
func (s *Server) bookProgress(c *fiber.Ctx) (data.Book, int64, error) {
	b, err := s.liveBook(c)
	if err != nil {
		return data.Book{}, 0, err
	}
	id, err := strconv.ParseInt(c.Params("pid"), 10, 64)
	if err != nil || id <= 0 {
		return data.Book{}, 0, fiber.ErrNotFound
	}
	return b, id, nil
}

// editProgress corrects a progress update of the book's timeline, opened in its place: how far
// and on which day. Saved, the readings come back with the focus on it (htmx), or the page is
// loaded again (303); refused, it stays open with each problem beside its field (422).
func (s *Server) editProgress(c *fiber.Ctx) error {
	b, id, err := s.bookProgress(c)
	if err != nil {
		return err
	}
	typed, onRaw := strings.Clone(c.FormValue("progress")), strings.Clone(c.FormValue("recorded_on"))
	problems := map[string]string{}
	in, err := data.ParseBookProgress(typed, b.Format, b.Pages)
	var verr *data.ValidationError
	switch {
	case errors.As(err, &verr):
		problems["page"] = progressProblem(verr)
	case err != nil:
		return err
	}
	// The day is the reader's, in their time zone, as the page showed it.
	on, err := time.ParseInLocation(dateInput, strings.TrimSpace(onRaw), s.zone(c))
	if err != nil {
		problems["recorded_on"] = "Give the date as a date (yyyy-mm-dd)."
	}
	if len(problems) == 0 {
		_, err = s.reading.EditProgress(c.UserContext(), owner(c), b.ID, id, in, on)
		switch {
		case errors.As(err, &verr):
			problems = verr.Fields
		case err != nil:
			return err
		case !isHTMX(c):
			return c.Redirect(views.BookURL(b.ID), fiber.StatusSeeOther)
		default:
			nb, err := s.books.Get(c.UserContext(), owner(c), b.ID)
			if err != nil {
				return err
			}
			return s.renderBookPage(c, fiber.StatusOK, nb, views.ProgressCorrected, readingsOpen("", views.ProgressKey(id)))
		}
	}
	// Refused before the store saw it: the update is put back as typed, if it is the book's.
	d, err := s.bookDetail(c, b)
	if err != nil {
		return err
	}
	p := d.ProgressEntry(id)
	if p == nil {
		return fiber.ErrNotFound
	}
	p.Input, p.On, p.Errors = typed, onRaw, problems
	return s.renderBookDetail(c, fiber.StatusUnprocessableEntity, d, views.ProgressCorrected)
}

// deleteProgress deletes a progress update of the book's timeline; the readings say so, with the
// focus on their heading (htmx), or the page is loaded again (303).
func (s *Server) deleteProgress(c *fiber.Ctx) error {
	b, id, err := s.bookProgress(c)
	if err != nil {
		return err
	}
	if err := s.reading.DeleteProgress(c.UserContext(), owner(c), b.ID, id); err != nil {
		return err
	}
	if !isHTMX(c) {
		return c.Redirect(views.BookURL(b.ID), fiber.StatusSeeOther)
	}
	nb, err := s.books.Get(c.UserContext(), owner(c), b.ID)
	if err != nil {
		return err
	}
	return s.renderBookPage(c, fiber.StatusOK, nb, views.ProgressCorrected, func(d *views.BookDetail) { d.ProgressDeleted = true })
}

// pageTarget is the section of the book page that an htmx request's answer goes to (its
// HX-Target), when it is one of parts, the sections the endpoint can answer with; "" for anything
// else: no target, a library row's, an unknown one, or a request without htmx. The endpoints that
// serve both the library's rows and the book page answer the row unless the page is named.
func pageTarget(c *fiber.Ctx, parts ...string) string {
	c.Vary(hxTarget)
	if !isHTMX(c) {
		return ""
	}
	if t := c.Get(hxTarget); slices.Contains(parts, t) {
		return t
	}
	return ""
}

// fromPage reports whether a change to a book was made on its page, whose section part then takes
// the answer, rather than in the library: htmx says so by its target, a plain form by its hidden
// screen field. A screen field is only ever compared with the page's, never used as an address.
func fromPage(c *fiber.Ctx, part string) bool {
	if isHTMX(c) {
		return pageTarget(c, part) != ""
	}
	return c.FormValue(views.ScreenField) == views.ScreenPage
}

// bookOn returns the reader's live book for the :id route parameter, asked for from the book
// page (not found) or from its library row (goneBook, whose htmx answer takes the row's place).
func (s *Server) bookOn(c *fiber.Ctx, page bool) (data.Book, error) {
	if page {
		return s.liveBook(c)
	}
	return s.rowBook(c)
}

// missing is the error for the book id that is not the reader's, from the page or from its row.
func missing(page bool, id int64) error {
	if page {
		return data.ErrNotFound
	}
	return goneBook{id}
}

// liveBook returns the reader's book for the :id route parameter; another reader's, a deleted
// or a missing book is 404.
func (s *Server) liveBook(c *fiber.Ctx) (data.Book, error) {
	id, err := bookID(c)
	if err != nil {
		return data.Book{}, err
	}
	return s.books.Get(c.UserContext(), owner(c), id)
}

// setBookShelves puts the book on exactly the shelves ticked in its page's shelves fact, edited
// in its place. A shelf that is not one of the reader's is a problem with the field (422), and
// nothing changes.
func (s *Server) setBookShelves(c *fiber.Ctx) error {
	b, err := s.liveBook(c)
	if err != nil {
		return err
	}
	mine, err := s.shelves.List(c.UserContext(), owner(c))
	if err != nil {
		return err
	}
	var ids []int64
	bad := false
	for _, v := range c.Context().PostArgs().PeekMulti("shelf") {
		sid, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil || !slices.ContainsFunc(mine, func(sh data.Shelf) bool { return sh.ID == sid }) {
			bad = true
			continue
		}
		ids = append(ids, sid)
	}
	if bad {
		return s.renderBookPage(c, fiber.StatusUnprocessableEntity, b, views.BookFactUpdated("shelves"), func(d *views.BookDetail) {
			for i := range d.Shelves {
				d.Shelves[i].Checked = slices.Contains(ids, d.Shelves[i].ID)
			}
			d.ShelvesError = "That shelf is not one of yours. Pick from your shelves."
		})
	}
	if err := s.shelves.SetBookShelves(c.UserContext(), owner(c), b.ID, ids); err != nil {
		return err
	}
	return s.factSaved(c, b, "shelves", views.BookFactUpdated("shelves"))
}

// setDetails saves the format, length, review, private notes and ISBN of a book, those the form
// sends; a bad field re-renders the page with what was typed and a message beside each bad field.
func (s *Server) setDetails(c *fiber.Ctx) error {
	id, err := bookID(c)
	if err != nil {
		return err
	}
	// Copied: the values outlive the handler's buffers when they are rendered back.
	field := func(name string) string { return strings.Clone(c.FormValue(name)) }
	in := data.DetailsInput{Format: field("format"), Pages: field("pages"), Rating: field("rating"), Notes: field("notes"), ISBN: field("isbn"),
		Spoiler: c.FormValue("spoiler") != ""}
	// A form without a field keeps it: the rating has its own control, and a field edited in
	// place is sent alone. The review keeps its spoiler flag with it.
	posted := c.Context().PostArgs()
	if posted.Has("review") {
		review := field("review")
		in.Review = &review
	}
	for _, name := range []string{"pages", "rating", "notes", "isbn"} {
		if !posted.Has(name) {
			in.Keep = append(in.Keep, name)
		}
	}
	b, err := s.reading.SetDetails(c.UserContext(), owner(c), id, in)
	fact, part := factPart(c, views.BookDetailsUpdated)
	var verr *data.ValidationError
	if errors.As(err, &verr) {
		b, gerr := s.books.Get(c.UserContext(), owner(c), id)
		if gerr != nil {
			return gerr
		}
		return s.renderBookPage(c, fiber.StatusUnprocessableEntity, b, part, func(d *views.BookDetail) {
			d.Editing = fact
			format := in.Format
			if format == "" {
				format = string(b.Format)
			}
			review, spoiler := b.Review, b.Spoiler
			if in.Review != nil {
				review, spoiler = *in.Review, in.Spoiler
			}
			d.Details = views.DetailsForm{Format: format, Pages: in.Pages, Rating: strings.TrimSpace(in.Rating),
				Review: review, Spoiler: spoiler, Notes: in.Notes, ISBN: in.ISBN, Errors: verr.Fields}
			// A rating sent with the details (a page from before the star control) is refused
			// beside the control.
			d.RatingError = verr.Fields["rating"]
		})
	}
	if err != nil {
		return err
	}
	return s.factSaved(c, b, fact, part)
}

// factPart is the fact of the book page that an htmx save names as its target (its in-place
// edit), and the part of the page that answers it: that fact, or whole when none is named.
func factPart(c *fiber.Ctx, whole bookPart) (string, bookPart) {
	name, ok := strings.CutPrefix(pageTarget(c, views.BookFactIDs()...), views.BookFactID(""))
	if !ok {
		return "", whole
	}
	return name, views.BookFactUpdated(name)
}

// factSaved answers a save from the book page: the fact saved, focused, or part (htmx), or a
// redirect to the page (post/redirect/get).
func (s *Server) factSaved(c *fiber.Ctx, b data.Book, fact string, part bookPart) error {
	if !isHTMX(c) {
		return c.Redirect(views.BookURL(b.ID), fiber.StatusSeeOther)
	}
	return s.renderBookPage(c, fiber.StatusOK, b, part, func(d *views.BookDetail) { d.FocusFact = fact })
}

// editionFacts are a book's edition facts as its page shows them.
func editionFacts(e data.Edition) views.EditionFacts {
	f := views.EditionFacts{
		Publisher: e.Publisher, Year: data.FormatYear(e.Year), OriginalYear: data.FormatYear(e.OriginalYear),
		Language: data.LanguageName(e.Language), GoodreadsID: e.GoodreadsID, StoryGraphID: e.StoryGraphID,
	}
	if e.Copies > 0 {
		f.Copies = strconv.Itoa(e.Copies)
	}
	return f
}

// editionForm is the edition form holding in, with the problems of each field.
func editionForm(in data.EditionInput, errs map[string]string) views.EditionForm {
	return views.EditionForm{
		Publisher: in.Publisher, Year: in.Year, OriginalYear: in.OriginalYear, Language: in.Language,
		Copies: in.Copies, GoodreadsID: in.GoodreadsID, StoryGraphID: in.StoryGraphID, Errors: errs,
	}
}

// setEdition saves a book's edition facts, those the form sends (an in-place edit sends one); a
// bad field re-renders the fact or the facts (htmx) or the page with what was typed and a
// message beside each bad field (422).
func (s *Server) setEdition(c *fiber.Ctx) error {
	b, err := s.liveBook(c)
	if err != nil {
		return err
	}
	// A fact edited in place is sent alone: what the form does not send keeps its value.
	current, err := s.editions.Get(c.UserContext(), owner(c), b.ID)
	if err != nil {
		return err
	}
	in := current.Input()
	posted := c.Context().PostArgs()
	for _, name := range data.EditionFields {
		if posted.Has(name) {
			// Copied: the values outlive the handler's buffers when they are rendered back.
			in.SetField(name, strings.Clone(c.FormValue(name)))
		}
	}
	fact, part := factPart(c, views.BookEditionUpdated)
	e, err := data.ParseEdition(in, time.Now())
	if err == nil {
		_, err = s.editions.Set(c.UserContext(), owner(c), b.ID, e)
	}
	var verr *data.ValidationError
	switch {
	case errors.As(err, &verr):
		return s.renderBookPage(c, fiber.StatusUnprocessableEntity, b, part, func(d *views.BookDetail) {
			d.EditionForm = editionForm(in, verr.Fields)
			d.Editing = fact
		})
	case err != nil:
		return err
	}
	return s.factSaved(c, b, fact, part)
}

// readingForm reads the dates of a reading's form, as typed (copied: Fiber reuses its buffers),
// and as dates, days of the reader's in loc; an empty date is one the reader does not know (nil). A date that does not read
// as one is a problem with its field.
func readingForm(c *fiber.Ctx, loc *time.Location) (startRaw, finishRaw string, started, finished *time.Time, problems map[string]string) {
	startRaw, finishRaw = strings.Clone(c.FormValue("started_on")), strings.Clone(c.FormValue("finished_on"))
	problems = map[string]string{}
	parse := func(raw, field, msg string) *time.Time {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			return nil
		}
		t, err := time.ParseInLocation(dateInput, raw, loc)
		if err != nil {
			problems[field] = msg
			return nil
		}
		return &t
	}
	started = parse(startRaw, "started_on", "Give the start date as a date (yyyy-mm-dd), or leave it empty if you do not know it.")
	finished = parse(finishRaw, "finished_on", "Give the finish date as a date (yyyy-mm-dd), or leave it empty if you do not know it.")
	return startRaw, finishRaw, started, finished, problems
}

// editReadThrough corrects the dates of one reading of a book, opened in their place; a date left
// empty becomes unknown. Saved, the readings come back with the focus on its dates (htmx), or the
// page is loaded again (303); refused, they stay open with each problem beside its date (422).
func (s *Server) editReadThrough(c *fiber.Ctx) error {
	b, rtID, err := s.bookReading(c)
	if err != nil {
		return err
	}
	startRaw, finishRaw, started, finished, problems := readingForm(c, s.zone(c))
	// Opened from the reading's finish, the dates give the focus back to it.
	fromFinish := c.FormValue("focus") == views.ReadingFinishKey(rtID)
	if len(problems) == 0 {
		_, err = s.reading.EditReadThrough(c.UserContext(), owner(c), b.ID, rtID, started, finished)
		var verr *data.ValidationError
		switch {
		case errors.As(err, &verr):
			problems = verr.Fields
		case err != nil:
			return err
		case !isHTMX(c):
			return c.Redirect(views.BookURL(b.ID), fiber.StatusSeeOther)
		default:
			focus := views.ReadingDatesKey(rtID)
			if fromFinish {
				focus = views.ReadingFinishKey(rtID)
			}
			return s.renderBookPage(c, fiber.StatusOK, b, views.ReadThroughsUpdated, readingsOpen("", focus))
		}
	}
	return s.renderBookPage(c, fiber.StatusUnprocessableEntity, b, views.ReadThroughsUpdated, func(d *views.BookDetail) {
		for i := range d.ReadThroughs {
			if rt := &d.ReadThroughs[i]; rt.ID == rtID {
				rt.StartedOn, rt.FinishedOn, rt.Errors, rt.FromFinish = startRaw, finishRaw, problems, fromFinish
			}
		}
	})
}

// addReadThrough adds a past reading to a book, read or given up, on dates the reader may not
// know. A refused one comes back in its form with a message beside each bad field (422); an
// added one is announced among the readings (htmx), or the page is loaded again (303).
func (s *Server) addReadThrough(c *fiber.Ctx) error {
	b, err := s.liveBook(c)
	if err != nil {
		return err
	}
	startRaw, finishRaw, started, finished, problems := readingForm(c, s.zone(c))
	outcome := strings.Clone(c.FormValue("outcome"))
	st, perr := data.ParseOutcome(outcome)
	var verr *data.ValidationError
	if errors.As(perr, &verr) {
		maps.Copy(problems, verr.Fields)
	}
	if len(problems) == 0 {
		_, err = s.reading.AddReadThrough(c.UserContext(), owner(c), b.ID, data.ReadingInput{StartedOn: started, FinishedOn: finished, Outcome: st})
		switch {
		case errors.As(err, &verr):
			problems = verr.Fields
		case err != nil:
			return err
		case !isHTMX(c):
			return c.Redirect(views.BookURL(b.ID), fiber.StatusSeeOther)
		default:
			return s.renderBookPage(c, fiber.StatusOK, b, views.ReadThroughsUpdated, func(d *views.BookDetail) {
				d.ReadingAdded = true
			})
		}
	}
	return s.renderBookPage(c, fiber.StatusUnprocessableEntity, b, views.ReadThroughsUpdated, func(d *views.BookDetail) {
		d.NewReading = views.ReadingForm{Outcome: outcome, StartedOn: startRaw, FinishedOn: finishRaw, Errors: problems}
	})
}

// readingID is the reading named by the :rt route parameter.
func readingID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("rt"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fiber.ErrNotFound
	}
	return id, nil
}

// bookReading returns the reader's live book for the :id route parameter and the id of its
// reading named by :rt; a reading that is not one of the book's is not found.
func (s *Server) bookReading(c *fiber.Ctx) (data.Book, int64, error) {
	b, err := s.liveBook(c)
	if err != nil {
		return data.Book{}, 0, err
	}
	rtID, err := readingID(c)
	if err != nil {
		return data.Book{}, 0, err
	}
	rts, err := s.reading.ReadThroughs(c.UserContext(), owner(c), b.ID)
	if err != nil {
		return data.Book{}, 0, err
	}
	if !slices.ContainsFunc(rts, func(rt data.ReadThrough) bool { return rt.ID == rtID }) {
		return data.Book{}, 0, fiber.ErrNotFound
	}
	return b, rtID, nil
}

// confirmDeleteReading asks whether to delete one reading of a book, in its place among the
// readings (htmx) or on the book page.
func (s *Server) confirmDeleteReading(c *fiber.Ctx) error {
	b, rtID, err := s.bookReading(c)
	if err != nil {
		return err
	}
	c.Vary(hxRequest)
	return s.renderBookPage(c, fiber.StatusOK, b, views.ReadThroughsUpdated, func(d *views.BookDetail) {
		for i := range d.ReadThroughs {
			d.ReadThroughs[i].Confirm = d.ReadThroughs[i].ID == rtID
		}
	})
}

// deleteReading deletes one reading of a book; the book's status follows the readings left.
func (s *Server) deleteReading(c *fiber.Ctx) error {
	b, err := s.liveBook(c)
	if err != nil {
		return err
	}
	rtID, err := readingID(c)
	if err != nil {
		return err
	}
	nb, err := s.reading.DeleteReadThrough(c.UserContext(), owner(c), b.ID, rtID)
	if err != nil {
		return err
	}
	if !isHTMX(c) {
		return c.Redirect(views.BookURL(b.ID), fiber.StatusSeeOther)
	}
	return s.renderBookPage(c, fiber.StatusOK, nb, views.ReadingDeleted, func(d *views.BookDetail) {
		d.ReadingDeleted = true
	})
}
