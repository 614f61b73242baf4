package handlers

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/views"
)

// readerLocation is the time zone whose days the stats count in: UTC, until readers can choose
// theirs.
var readerLocation = time.UTC

// showStats answers the stats of the year in ?year= (this year when absent, all time for "all");
// a year that is not a number from data.FirstStatsYear to next year is a 422 that says so.
func (s *Server) showStats(c *fiber.Ctx) error {
	now := time.Now().In(readerLocation)
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
	page, err := s.stats(c, year, views.GoalForm{})
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.StatsPage(s.meta(c, "Reading stats, "+page.YearName()), page))
}

// stats reads the reader's stats for year and the year's goal, with the goal form as given.
func (s *Server) stats(c *fiber.Ctx, year int, form views.GoalForm) (views.Stats, error) {
	ctx, reader := c.UserContext(), owner(c)
	st, err := s.reading.YearStats(ctx, reader, year, readerLocation)
	if err != nil {
		return views.Stats{}, err
	}
	page := views.Stats{ReadingStats: st, ThisYear: st.Today.Year(), Form: form}
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
	done := st.Finished
	if g.Unit == data.GoalPages {
		done = st.Pages
	}
	progress := g.Progress(done, st.Today)
	page.Goal = &progress
	if page.Form.Target == "" && page.Form.Errors == nil {
		page.Form.Unit, page.Form.Target = string(g.Unit), strconv.Itoa(g.Target)
	}
	return page, nil
}

// setGoal sets the goal of the year in the form: htmx gets the goal section back, a plain form
// the stats page of the year (303); a bad year, unit or number is a 422 with the message beside
// the form, and what was typed kept.
func (s *Server) setGoal(c *fiber.Ctx) error {
	form := views.GoalForm{Unit: strings.Clone(c.FormValue("unit")), Target: strings.Clone(c.FormValue("target"))}
	now := time.Now().In(readerLocation)
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
	page, err := s.stats(c, year, form)
	if err != nil {
		return err
	}
	if isHTMX(c) {
		return render(c, status, views.StatsGoal(page))
	}
	return render(c, status, views.StatsPage(s.meta(c, "Reading stats, "+page.YearName()), page))
}

// showReview answers the Year in Review of the year in the path; a year that is not one the
// stats show is a 404, as a page that does not exist.
func (s *Server) showReview(c *fiber.Ctx) error {
	year, err := strconv.Atoi(c.Params("year"))
	if err == nil {
		err = data.CheckStatsYear(year, time.Now().In(readerLocation))
	}
	if err != nil {
		return fiber.ErrNotFound
	}
	page, err := s.stats(c, year, views.GoalForm{})
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.ReviewPage(s.meta(c, "Your "+page.YearName()+" in books"), page))
}
