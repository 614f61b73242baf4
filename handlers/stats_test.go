package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
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

func TestShareReview(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			a, year := statsReader(t)
			b := a.create("Solaris", "Stanisław Lem", "SF")
			// A review beside them: the private notes stay private all the same.
			shared := "An ocean that thinks."
			if _, err := a.reading.SetDetails(t.Context(), a.reader.ID, b.ID, data.DetailsInput{Notes: "SECRET-NOTE", Review: &shared}); err != nil {
				t.Fatal(err)
			}
			today := time.Now().UTC()
			if _, err := a.reading.AddReadThrough(t.Context(), a.reader.ID, b.ID, data.ReadingInput{FinishedOn: &today, Outcome: data.StatusRead}); err != nil {
				t.Fatal(err)
			}
			review := "/stats/" + strconv.Itoa(year) + "/review"
			none(t, a.get(plain, review).page(t), `[data-testid="share-link"]`)
			r := a.do(m, http.MethodPost, review+"/share", url.Values{})
			if !m.htmx {
				r.wantRedirect(t, review)
				r = a.get(plain, review)
			}
			r.wantStatus(t, http.StatusOK)
			link := attr(t, one(t, answer(t, m, r), `[data-testid="share-link"]`), "href")
			u, err := url.Parse(link)
			if err != nil || !strings.HasPrefix(u.Path, "/share/") {
				t.Fatalf("share link %q", link)
			}

			anon := a.browser()
			page := anon.get(plain, u.Path)
			page.wantStatus(t, http.StatusOK)
			if strings.Contains(page.body, "SECRET-NOTE") || strings.Contains(page.body, a.reader.Username) {
				t.Errorf("the shared page shows the notes or the username:\n%s", page.body)
			}
			doc := page.page(t)
			wantText(t, one(t, doc, "h1"), "A "+strconv.Itoa(year)+" in books")
			none(t, doc, `main a[href^="/books/"]`)
			if got := page.Header.Get("X-Robots-Tag"); got != "noindex" {
				t.Errorf("X-Robots-Tag = %q", got)
			}

			// Naming the reader is their choice; the link stays the same.
			if r := a.do(m, http.MethodPost, review+"/share", url.Values{"show_name": {"on"}}); r.StatusCode/100 > 3 {
				t.Fatalf("share again: %d %s", r.StatusCode, r.body)
			}
			if sh, err := a.reading.ReviewShare(t.Context(), a.reader.ID, year); err != nil || !sh.ShowName {
				t.Fatalf("stored share = %+v, %v", sh, err)
			}
			named := anon.get(plain, u.Path).page(t)
			wantText(t, one(t, named, "h1"), a.reader.Username+"’s "+strconv.Itoa(year)+" in books")

			// The covers of the year's books come through the link; no other of the reader's.
			covers := a.db.Covers()
			shown, err := covers.Set(t.Context(), a.reader.ID, b.ID, []byte("small"), []byte("large"))
			if err != nil {
				t.Fatal(err)
			}
			unread := a.create("Unread", "Nobody", "")
			hidden, err := covers.Set(t.Context(), a.reader.ID, unread.ID, []byte("small2"), []byte("large2"))
			if err != nil {
				t.Fatal(err)
			}
			a.do(m, http.MethodPost, review+"/share", url.Values{"show_name": {"on"}}) // a change: the page is made again
			coverURL := u.Path + "/covers/" + shown + "-l.jpg"
			one(t, anon.get(plain, u.Path).page(t), `img[src="`+coverURL+`"]`)
			if r := anon.get(plain, coverURL); r.StatusCode != http.StatusOK || r.body != "large" {
				t.Errorf("shared cover: %d %q", r.StatusCode, r.body)
			}
			anon.get(plain, u.Path+"/covers/"+hidden+"-l.jpg").wantStatus(t, http.StatusNotFound)

			// Stopping answers 404 at once, as any link that never was.
			if r := a.do(m, http.MethodPost, review+"/share/delete", url.Values{}); r.StatusCode/100 > 3 {
				t.Fatalf("stop sharing: %d %s", r.StatusCode, r.body)
			}
			gone := anon.get(plain, u.Path)
			gone.wantStatus(t, http.StatusNotFound)
			never := anon.get(plain, "/share/"+strings.Repeat("A", 43))
			never.wantStatus(t, http.StatusNotFound)
			anon.get(plain, coverURL).wantStatus(t, http.StatusNotFound)
			if squash(gone.page(t).Find("main").Text()) != squash(never.page(t).Find("main").Text()) {
				t.Errorf("a revoked link and one that never was answer differently")
			}
		})
	}
}

// TestStatsCalendarGeometry checks that every day of the reading calendar is placed by SVG
// attributes, which every browser reads, not by CSS geometry properties, which not every one
// does: an 11 px square (the one use'd by every day) in the row of its weekday (Monday on top),
// in its week's column.
func TestStatsCalendarGeometry(t *testing.T) {
	a, _ := statsReader(t)
	doc := a.get(plain, "/stats").page(t)
	rows := map[string]string{"Monday": "0", "Tuesday": "13", "Wednesday": "26", "Thursday": "39", "Friday": "52", "Saturday": "65", "Sunday": "78"}
	calendar := one(t, doc, `svg[data-testid="calendar"]`)
	square := one(t, calendar, `defs rect`)
	wantAttr(t, square, "width", "11")
	wantAttr(t, square, "height", "11")
	id, _ := square.Attr("id")
	weeks := calendar.ChildrenFiltered("g")
	if weeks.Length() == 0 {
		t.Fatal("no weeks in the calendar")
	}
	days := 0
	weeks.Each(func(i int, w *goquery.Selection) {
		wantAttr(t, w, "transform", "translate("+strconv.Itoa(i*13)+")")
		if n := w.Find("rect").Length(); n != 0 {
			t.Errorf("week %d has %d squares of its own, want each day a use of the one", i, n)
		}
		w.Find("use").Each(func(_ int, u *goquery.Selection) {
			days++
			title := u.ChildrenFiltered("title").Text()
			if title == "" {
				title = u.Parent().ChildrenFiltered("title").Text()
			}
			weekday, _, _ := strings.Cut(title, " ")
			if want, ok := rows[weekday]; !ok {
				t.Errorf("a day titled %q", title)
			} else {
				wantAttr(t, u, "y", want)
			}
			wantAttr(t, u, "href", "#"+id)
		})
	})
	if want := time.Now().UTC().YearDay(); days != want {
		t.Errorf("%d days in the calendar, want %d (up to today)", days, want)
	}
}
