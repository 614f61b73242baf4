package handlers

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/views"
)

// showStats answers the stats of the year in ?year= (this year when absent, all time for "all");
// a year that is not a number from data.FirstStatsYear to next year is a 422 that says so.
func (s *Server) showStats(c *fiber.Ctx) error {
	loc, err := s.readerLocation(c, owner(c))
	if err != nil {
		return err
	}
	now := time.Now().In(loc)
	raw := strings.TrimSpace(c.Query("year"))
	year := now.Year()
	switch raw {
	case "":
	case "all":
		year = 0
	default:
		n, err := strconv.Atoi(raw)
		if err == nil {
			err = data.CheckStatsYear(n, now)
		}
		if err != nil {
			page := views.Stats{ThisYear: now.Year(), YearAsked: strings.Clone(raw),
				YearProblem: "Choose a year from " + strconv.Itoa(data.FirstStatsYear) + " to " + strconv.Itoa(now.Year()+1) + ", or all time."}
			page.Year = now.Year()
			return render(c, fiber.StatusUnprocessableEntity, views.StatsPage(s.meta(c, "Reading stats"), page))
		}
		year = n
	}
	page, err := s.stats(c, owner(c), year, views.GoalForm{})
	if err != nil {
		return err
	}
	page.Listened = c.Query("calendar") == "hours"
	calendarLinks(&page)
	return render(c, fiber.StatusOK, views.StatsPage(s.meta(c, "Reading stats, "+page.YearName()), page))
}

// stats reads the reader's stats for year, in their time zone, and the year's goal, with the
// goal form as given.
func (s *Server) stats(c *fiber.Ctx, reader int64, year int, form views.GoalForm) (views.Stats, error) {
	ctx := c.UserContext()
	loc, err := s.readerLocation(c, reader)
	if err != nil {
		return views.Stats{}, err
	}
	st, err := s.reading.YearStats(ctx, reader, year, loc)
	if err != nil {
		return views.Stats{}, err
	}
	page := views.Stats{ReadingStats: st, ThisYear: st.Today.Year(), Form: form, Links: statsLinks(st)}
	if year == 0 {
		return page, nil
	}
	g, err := s.reading.Goal(ctx, reader, year)
	switch {
	case errors.Is(err, data.ErrNotFound):
		return page, nil
	case err != nil:
		return views.Stats{}, err
	}
	progress := g.Progress(st.GoalDone(g.Unit), st.Today)
	page.Goal = &progress
	if page.Form.Target == "" && page.Form.Errors == nil {
		page.Form.Unit, page.Form.Target = string(g.Unit), strconv.Itoa(g.Target)
	}
	return page, nil
}

// statsLinks are the library views that list what st's figures count (see data.BookQuery's
// Finished, Read and Rating): the books finished or given up in the span, by month, genre, author
// (a search for the name), format and rating; the books read in the span or month (pages), and
// the audiobooks among them (hours); the finished books an average is taken over. The days' are
// calendarLinks'.
func statsLinks(st data.ReadingStats) views.StatsLinks {
	span := filter{status: data.StatusRead, finished: data.YearSpan(st.Year)}
	dnf := span
	dnf.status = data.StatusDNF
	read := filter{read: data.YearSpan(st.Year)}
	listened := read
	listened.format = data.FormatAudiobook
	byRating := span
	byRating.sort = data.SortRating
	l := views.StatsLinks{Finished: span.url(), Abandoned: dnf.url(), Pages: read.url(), Hours: listened.url(),
		AverageRating: byRating.url(), Averages: span.url()}
	if st.Year != 0 { // all time's months are every year's: no view lists them
		for i := range l.Months {
			month := data.MonthSpan(st.Year, time.Month(i+1))
			m, p, h := span, read, listened
			m.finished, p.read, h.read = month, month, month
			l.Months[i], l.PageMonths[i], l.HourMonths[i] = m.url(), p.url(), h.url()
		}
	}
	for i := range l.Ratings {
		v := span
		v.rating = data.Rating(i + 1)
		l.Ratings[i] = v.url()
	}
	for _, g := range st.Genres {
		v := span
		v.genre = g.Name
		l.Genres = append(l.Genres, v.url())
	}
	for _, a := range st.Authors {
		v := span
		v.search = a.Name
		l.Authors = append(l.Authors, v.url())
	}
	for _, f := range st.Formats {
		v := span
		v.format = data.Format(f.Name)
		l.Formats = append(l.Formats, v.url())
	}
	return l
}

// calendarLinks puts on the page the library views of its calendar's days: the books read on
// each day, or the audiobooks listened to (page.CalendarListened), whichever calendar it shows.
func calendarLinks(page *views.Stats) {
	if page.Year == 0 {
		return
	}
	day := filter{}
	if page.CalendarListened() {
		day.format = data.FormatAudiobook
	}
	page.Links.Days = make([]string, len(page.Days))
	for i, d := range page.Days {
		day.read = data.DaySpan(d.Day)
		page.Links.Days[i] = day.url()
	}
}

// setGoal sets the goal of the year in the form: htmx gets the goal section back, a plain form
// the stats page of the year (303); a bad year, unit or number is a 422 with the message beside
// the form, and what was typed kept.
func (s *Server) setGoal(c *fiber.Ctx) error {
	form := views.GoalForm{Unit: strings.Clone(c.FormValue("unit")), Target: strings.Clone(c.FormValue("target"))}
	loc, err := s.readerLocation(c, owner(c))
	if err != nil {
		return err
	}
	now := time.Now().In(loc)
	year, err := strconv.Atoi(strings.TrimSpace(c.FormValue("year")))
	if err == nil {
		err = data.CheckStatsYear(year, now)
	}
	if err != nil {
		// The year comes from the page's own hidden field: only a stale or forged form gets here.
		return fiber.NewError(fiber.StatusUnprocessableEntity, "Choose a year from "+strconv.Itoa(data.FirstStatsYear)+" to "+strconv.Itoa(now.Year()+1)+".")
	}
	g, err := data.ParseGoal(year, form.Unit, form.Target)
	if err == nil {
		_, err = s.reading.SetGoal(c.UserContext(), owner(c), g)
	}
	var verr *data.ValidationError
	status := fiber.StatusOK
	switch {
	case errors.As(err, &verr):
		form.Errors, status = verr.Fields, fiber.StatusUnprocessableEntity
	case err != nil:
		return err
	case !isHTMX(c):
		return c.Redirect(views.StatsYearURL(year), fiber.StatusSeeOther)
	default:
		form = views.GoalForm{Saved: true}
	}
	page, err := s.stats(c, owner(c), year, form)
	if err != nil {
		return err
	}
	if isHTMX(c) {
		return render(c, status, views.StatsGoal(page))
	}
	calendarLinks(&page)
	return render(c, status, views.StatsPage(s.meta(c, "Reading stats, "+page.YearName()), page))
}

// reviewYear is the year in the path of a review's routes; a year that is not one the stats show
// is a 404, as a page that does not exist.
func (s *Server) reviewYear(c *fiber.Ctx) (int, error) {
	loc, err := s.readerLocation(c, owner(c))
	if err != nil {
		return 0, err
	}
	year, err := strconv.Atoi(c.Params("year"))
	if err == nil {
		err = data.CheckStatsYear(year, time.Now().In(loc))
	}
	if err != nil {
		return 0, fiber.ErrNotFound
	}
	return year, nil
}

// showReview answers the reader's Year in Review of the year in the path, and whether it is shared.
func (s *Server) showReview(c *fiber.Ctx) error {
	year, err := s.reviewYear(c)
	if err != nil {
		return err
	}
	page, err := s.stats(c, owner(c), year, views.GoalForm{})
	if err != nil {
		return err
	}
	share, err := s.shareView(c, year)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.ReviewPage(s.meta(c, "Your "+page.YearName()+" in books"), page, share))
}

// shareView is whether the reader's review of year is shared, and its link.
func (s *Server) shareView(c *fiber.Ctx, year int) (views.ShareView, error) {
	sh, err := s.reading.ReviewShare(c.UserContext(), owner(c), year)
	switch {
	case errors.Is(err, data.ErrNotFound):
		return views.ShareView{}, nil
	case err != nil:
		return views.ShareView{}, err
	}
	return views.ShareView{URL: c.BaseURL() + views.ShareURL(sh.Token), ShowName: sh.ShowName}, nil
}

// shareReview makes the review of the year in the path public (showing the reader's name if the
// form's show_name is on), or, with stop, stops sharing it; htmx gets the share section back, a
// plain form the review page (303).
func (s *Server) shareReview(stop bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		year, err := s.reviewYear(c)
		if err != nil {
			return err
		}
		ctx, reader := c.UserContext(), owner(c)
		if stop {
			if sh, err := s.reading.ReviewShare(ctx, reader, year); err == nil {
				s.sharedPages.forget(sh.Token)
			}
			err = s.reading.UnshareReview(ctx, reader, year)
		} else {
			var sh data.ReviewShare
			sh, err = s.reading.ShareReview(ctx, reader, year, c.FormValue("show_name") == "on")
			s.sharedPages.forget(sh.Token)
		}
		if err != nil {
			return err
		}
		if !isHTMX(c) {
			return c.Redirect(views.StatsReviewURL(year), fiber.StatusSeeOther)
		}
		share, err := s.shareView(c, year)
		if err != nil {
			return err
		}
		share.Focus = true
		return render(c, fiber.StatusOK, views.ReviewShare(year, share))
	}
}

// showSharedReview answers a shared review's link, for anyone: 404, telling nothing, for a token
// that is not (or no longer) one. The page is kept a few minutes (sharedPages): making it
// costs what the reader's stats cost, and the link is public.
func (s *Server) showSharedReview(c *fiber.Ctx) error {
	// Copied: Fiber's parameters point into a buffer it reuses, and the token is kept as a key.
	token := strings.Clone(c.Params("token"))
	c.Set("X-Robots-Tag", "noindex")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	if body, ok := s.sharedPages.get(token); ok {
		c.Type("html", "utf-8")
		return c.Send(body)
	}
	sh, err := s.reading.SharedReview(c.UserContext(), token)
	if errors.Is(err, data.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	page, err := s.stats(c, sh.Owner, sh.Year, views.GoalForm{})
	if err != nil {
		return err
	}
	public := views.PublicReview{Token: sh.Token}
	if sh.ShowName {
		public.Name = sh.Username
	}
	title := "A " + page.YearName() + " in books"
	if public.Name != "" {
		title = public.Name + "’s " + page.YearName() + " in books"
	}
	// Rendered without the visitor's anti-forgery token: the page is kept for every visitor.
	var buf bytes.Buffer
	if err := views.PublicReviewPage(views.Meta{Title: title, Assets: s.assets}, page, public).Render(c.UserContext(), &buf); err != nil {
		return err
	}
	s.sharedPages.put(token, buf.Bytes())
	c.Type("html", "utf-8")
	return c.Send(buf.Bytes())
}

// serveSharedCover answers a cover's picture through a shared review's link: only the covers of
// the books finished in its year.
func (s *Server) serveSharedCover(c *fiber.Ctx) error {
	m := coverFile.FindStringSubmatch(c.Params("file"))
	if m == nil {
		return fiber.ErrNotFound
	}
	ctx := c.UserContext()
	sh, err := s.reading.SharedReview(ctx, c.Params("token"))
	if errors.Is(err, data.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	if ok, err := s.reading.ReviewHasCover(ctx, sh.Owner, sh.Year, m[1]); err != nil || !ok {
		if err != nil {
			return err
		}
		return fiber.ErrNotFound
	}
	size := data.CoverSmall
	if m[2] == "l" {
		size = data.CoverLarge
	}
	img, err := s.covers.Image(ctx, sh.Owner, m[1], size)
	if err != nil {
		return err
	}
	// Not immutable: the link may stop working, and the picture with it.
	c.Set(fiber.HeaderCacheControl, "private, max-age=300")
	c.Type("jpg")
	return c.Send(img)
}

// sharedPages keeps shared reviews' pages for sharedPageFor, at most sharedPagesKept of them.
type sharedPages struct {
	mu    sync.Mutex
	pages map[string]sharedPage
}

type sharedPage struct {
	body  []byte
	until time.Time
}

const (
	sharedPageFor   = 5 * time.Minute
	sharedPagesKept = 256
)

func (p *sharedPages) get(token string) ([]byte, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.pages[token]
	if !ok || time.Now().After(e.until) {
		return nil, false
	}
	return e.body, true
}

func (p *sharedPages) put(token string, body []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pages == nil {
		p.pages = map[string]sharedPage{}
	}
	if len(p.pages) >= sharedPagesKept {
		now := time.Now()
		for t, e := range p.pages {
			if now.After(e.until) || len(p.pages) >= sharedPagesKept {
				delete(p.pages, t)
			}
		}
	}
	p.pages[token] = sharedPage{body: body, until: time.Now().Add(sharedPageFor)}
}

// forget drops a share's page: its reader changed or stopped it.
func (p *sharedPages) forget(token string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.pages, token)
}
