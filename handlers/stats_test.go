package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/bookcase/bookcase/data"
)

// statsReader is a test app whose reader finished a 300-page book today.
func statsReader(t *testing.T) (*testApp, int) {
	a := newTestApp(t)
	b := a.create("Dune", "Frank Herbert", "SF")
	if _, err := a.reading.SetDetails(t.Context(), a.reader.ID, b.ID, data.DetailsInput{Pages: "300", Rating: "4.5"}); err != nil {
		t.Fatal(err)
	}
	today := time.Now().UTC()
	if _, err := a.reading.AddReadThrough(t.Context(), a.reader.ID, b.ID, data.ReadingInput{FinishedOn: &today, Outcome: data.StatusRead}); err != nil {
		t.Fatal(err)
	}
	return a, today.Year()
}

func TestStatsPage(t *testing.T) {
	a, year := statsReader(t)
	doc := a.get(plain, "/stats").page(t)
	wantText(t, one(t, doc, `[data-testid="figure-finished"]`), "1")
	wantText(t, one(t, doc, `[data-testid="figure-pages"]`), "300")
	wantText(t, one(t, doc, `[data-testid="figure-abandoned"]`), "0")
	one(t, doc, `svg[data-testid="chart-books"]`)
	one(t, doc, `svg[data-testid="calendar"]`)
	one(t, doc, `[data-testid="months-table"]`)
	wantText(t, one(t, doc, `[data-testid="top-genres"] li`), "SF 1 book, 100%")
	wantText(t, one(t, doc, `[data-testid="average-rating"]`), "Average 4.5 stars")
	one(t, doc, `form[data-testid="goal-form"]`)

	all := a.get(plain, "/stats?year=all").page(t)
	wantText(t, one(t, all, "h1"), "Your reading, all time")
	wantText(t, one(t, all, `[data-testid="figure-pages"]`), "300")
	none(t, all, `form[data-testid="goal-form"]`)

	last := a.get(plain, "/stats?year="+strconv.Itoa(year-1)).page(t)
	wantText(t, one(t, last, `[data-testid="figure-finished"]`), "0")
	one(t, last, `[data-testid="stats-empty"]`)

	for _, bad := range []string{"1899", strconv.Itoa(year + 2), "soon", "2026.5"} {
		r := a.get(plain, "/stats?year="+url.QueryEscape(bad))
		r.wantStatus(t, http.StatusUnprocessableEntity)
		page := r.page(t)
		one(t, page, `[data-testid="year-problem"]`)
		wantAttr(t, one(t, page, "#field-year"), "value", bad)
	}
	a.get(plain, "/stats?year="+strconv.Itoa(year+1)).wantStatus(t, http.StatusOK)

	// Another reader's stats are their own.
	other := a.browser()
	other.signIn(other.addUser("other"))
	wantText(t, one(t, other.get(plain, "/stats").page(t), `[data-testid="figure-finished"]`), "0")

	// Nobody signed in is sent to sign in.
	if r := a.browser().get(plain, "/stats"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous GET /stats = %d, want 303 to the login page", r.StatusCode)
	}
}

// answer is what r brings: the section it swaps for htmx, the page for a plain browser.
func answer(t *testing.T, m mode, r response) *goquery.Selection {
	t.Helper()
	if m.htmx {
		return r.parts(t).Selection
	}
	return r.page(t).Selection
}

func TestSetGoal(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			a, year := statsReader(t)
			a.get(plain, "/stats")
			goal := url.Values{"year": {strconv.Itoa(year)}, "unit": {"books"}, "target": {"0"}}
			r := a.do(m, http.MethodPost, "/stats/goal", goal)
			r.wantStatus(t, http.StatusUnprocessableEntity)
			section := answer(t, m, r)
			wantText(t, one(t, section, "#field-target-error"), "A goal is a whole number from 1 to 100,000, like 24.")
			wantAttr(t, one(t, section, "#field-target"), "value", "0")
			if _, err := a.reading.Goal(t.Context(), a.reader.ID, year); err == nil {
				t.Fatal("a refused goal was saved")
			}

			goal.Set("target", "12")
			r = a.do(m, http.MethodPost, "/stats/goal", goal)
			if !m.htmx {
				r.wantRedirect(t, "/stats?year="+strconv.Itoa(year))
				r = a.get(plain, "/stats")
			}
			r.wantStatus(t, http.StatusOK)
			doc := answer(t, m, r)
			wantText(t, one(t, doc, `[data-testid="goal-progress"] strong`), "1 of 12 books")
			wantAttr(t, one(t, doc, "#field-target"), "value", "12")
			if g, err := a.reading.Goal(t.Context(), a.reader.ID, year); err != nil || g.Target != 12 || g.Unit != data.GoalBooks {
				t.Errorf("stored goal = %+v, %v", g, err)
			}

			other := a.browser()
			other.signIn(other.addUser("other"))
			none(t, other.get(plain, "/stats").page(t), `[data-testid="goal-progress"]`)
		})
	}
}

func TestReviewPage(t *testing.T) {
	a, year := statsReader(t)
	doc := a.get(plain, "/stats/"+strconv.Itoa(year)+"/review").page(t)
	wantText(t, one(t, doc, `[data-testid="review-totals"] strong:first-child`), "1 book")
	one(t, doc, `[data-testid="review-first"] a[href^="/books/"]`)
	one(t, doc, `[data-testid="review-highest"]`)
	if n := doc.Find(`[data-testid="review-books"] li`).Length(); n != 1 {
		t.Errorf("%d books listed, want 1", n)
	}
	one(t, a.get(plain, "/stats").page(t), `a[data-testid="review-link"][href="/stats/`+strconv.Itoa(year)+`/review"]`)
	for _, bad := range []string{"1899", strconv.Itoa(year + 2), "soon"} {
		a.get(plain, "/stats/"+bad+"/review").wantStatus(t, http.StatusNotFound)
	}
	other := a.browser()
	other.signIn(other.addUser("other"))
	one(t, other.get(plain, "/stats/"+strconv.Itoa(year)+"/review").page(t), `[data-testid="review-empty"]`)
}
