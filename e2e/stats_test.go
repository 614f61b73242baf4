package e2e

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/bookcase/bookcase/data"
)

// TestStatsWithKeyboard opens the stats from the site's header with the keyboard, moves to the
// year before and back, and sets a goal: a goal of nothing is refused beside its field, with the
// focus there; corrected, the goal shows how far the reader is and the pace to keep, in place;
// and the Year in Review opens from its link.
func TestStatsWithKeyboard(t *testing.T) {
	p := signedIn(t)
	dune := p.addBook("Dune", "Frank Herbert", "SF")
	ctx := context.Background()
	if _, err := p.reading.SetDetails(ctx, p.reader.id, dune.ID, data.DetailsInput{Pages: "412"}); err != nil {
		t.Fatal(err)
	}
	today := time.Now().UTC()
	if _, err := p.reading.AddReadThrough(ctx, p.reader.id, dune.ID, data.ReadingInput{FinishedOn: &today, Outcome: data.StatusRead}); err != nil {
		t.Fatal(err)
	}
	year := strconv.Itoa(today.Year())
	p.open("/books")

	p.tabTo(`.site-nav a[href="/stats"]`)
	p.loads("open the stats", typed(kb.Enter))
	if got := p.text(`[data-testid="figure-pages"]`); got != "412" {
		t.Errorf("pages read = %q, want 412", got)
	}
	p.tabTo(`[data-testid="stats-prev"]`)
	p.loads("the year before", typed(kb.Enter))
	if got := p.location().Query().Get("year"); got != strconv.Itoa(today.Year()-1) {
		t.Errorf("year before: ?year=%s", got)
	}
	p.tabTo(`[data-testid="stats-next"]`)
	p.loads("back to this year", typed(kb.Enter))
	if got := p.location().Query().Get("year"); got != year {
		t.Errorf("back: ?year=%s, want %s", got, year)
	}

	eval[chromedp.Void](p, `window.__marker = 42`) // for stillSamePage: the goal is set in place
	p.tabTo("#field-target")
	p.press("0")
	p.markOld("stats-goal")
	p.press(kb.Enter)
	p.waitUntil("a goal of nothing is refused", swapped("stats-goal")+
		` && document.querySelector('#field-target-error')?.textContent.includes('from 1 to 100,000')`)
	p.waitFocus("#field-target")
	p.replaceText("12")
	p.markOld("stats-goal")
	p.press(kb.Enter)
	p.waitUntil("the goal is shown", swapped("stats-goal")+
		` && document.querySelector('[data-testid="goal-progress"] strong')?.textContent === '1 of 12 books'`)
	p.stillSamePage()
	if pace := p.text(`[data-testid="goal-pace"]`); pace == "" && today.YearDay() < 365 {
		t.Errorf("no pace shown for a goal not yet made")
	}
	if g, err := p.reading.Goal(ctx, p.reader.id, today.Year()); err != nil || g.Target != 12 {
		t.Errorf("stored goal = %+v, %v; want 12 books", g, err)
	}

	// The Year in Review, from its link.
	p.tabBackTo(`[data-testid="review-link"]`)
	p.loads("open the year in review", typed(kb.Enter))
	if got := p.text(`[data-testid="review-first"] a`); got != "Dune" {
		t.Errorf("first book of the year = %q, want Dune", got)
	}
}

// TestShareReviewWithKeyboard shares a Year in Review from the keyboard, reads it through its
// link as anyone would, then stops sharing it: the link then answers 404.
func TestShareReviewWithKeyboard(t *testing.T) {
	p := signedIn(t)
	dune := p.addBook("Dune", "Frank Herbert", "SF")
	today := time.Now().UTC()
	if _, err := p.reading.AddReadThrough(context.Background(), p.reader.id, dune.ID, data.ReadingInput{FinishedOn: &today, Outcome: data.StatusRead}); err != nil {
		t.Fatal(err)
	}
	review := "/stats/" + strconv.Itoa(today.Year()) + "/review"
	p.open(review)
	p.tabTo(`[data-testid="share"]`)
	p.markOld("review-share")
	p.press(kb.Enter)
	p.waitUntil("the link is shown", swapped("review-share")+` && document.querySelector('[data-testid="share-link"]')`)
	p.waitFocus(`[data-testid="unshare"]`)
	p.stillSamePage()
	link := p.text(`[data-testid="share-link"]`)
	u, err := url.Parse(link)
	if err != nil || !strings.HasPrefix(u.Path, "/share/") {
		t.Fatalf("share link %q", link)
	}

	p.open(u.Path)
	if got := p.text("h1"); got != "A "+strconv.Itoa(today.Year())+" in books" {
		t.Errorf("shared page's heading = %q", got)
	}

	p.open(review)
	p.tabTo(`[data-testid="unshare"]`)
	p.markOld("review-share")
	p.press(kb.Enter)
	p.waitUntil("sharing stopped", swapped("review-share")+` && document.querySelector('[data-testid="share"]')`)
	if status := p.visit(u.Path); status != 404 {
		t.Errorf("the link after sharing stopped answered %d, want 404", status)
	}
}

// TestStatsMonthBarWithKeyboard reaches a month's bar on the stats page with Tab and opens it with
// Enter: the library lists the books finished that month, and says so.
func TestStatsMonthBarWithKeyboard(t *testing.T) {
	p := signedIn(t)
	ctx := context.Background()
	year := time.Now().UTC().Year() - 1
	for _, b := range []struct {
		title string
		month time.Month
	}{{"Dune", time.March}, {"Emma", time.March}, {"Solaris", time.April}} {
		book := p.addBook(b.title, "Someone", "")
		day := time.Date(year, b.month, 15, 0, 0, 0, 0, time.UTC)
		if _, err := p.reading.AddReadThrough(ctx, p.reader.id, book.ID, data.ReadingInput{FinishedOn: &day, Outcome: data.StatusRead}); err != nil {
			t.Fatal(err)
		}
	}
	y := strconv.Itoa(year)
	p.open("/stats?year=" + y)
	p.tabTo(`[data-testid="bar-books-3"]`)
	if label := focusedName(p); label != "March: 2 books" {
		t.Errorf("the bar is named %q, want March: 2 books", label)
	}
	p.loads("open March's books", typed(kb.Enter))
	if got := p.location().RequestURI(); got != "/books?status=read&finished="+y+"-03" {
		t.Errorf("landed on %s", got)
	}
	if got := p.text(`[data-testid="finished-filter"]`); !strings.HasPrefix(got, "Finished in March "+y) {
		t.Errorf("the view says %q", got)
	}
	titles := eval[[]string](p, `[...document.querySelectorAll('tr.book th.title a:not(.series)')].map(a => a.textContent).sort()`)
	if strings.Join(titles, ",") != "Dune,Emma" {
		t.Errorf("rows %q, want Dune and Emma", titles)
	}
}

// TestStatsPagesWithKeyboard reaches the year's pages read with Tab and opens it with Enter: the
// library lists the books read that year (Dune, read over March, and Emma, finished in April),
// not the one read the year before nor the one never read, and says so.
func TestStatsPagesWithKeyboard(t *testing.T) {
	p := signedIn(t)
	ctx := context.Background()
	year := time.Now().UTC().Year() - 1
	on := func(y int, m time.Month, d int) *time.Time { t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC); return &t }
	for _, b := range []struct {
		title    string
		from, to *time.Time
	}{{"Dune", on(year, 3, 1), on(year, 3, 20)}, {"Emma", nil, on(year, 4, 2)}, {"Persuasion", nil, on(year-1, 6, 1)}, {"Solaris", nil, nil}} {
		book := p.addBook(b.title, "Someone", "")
		if _, err := p.reading.SetDetails(ctx, p.reader.id, book.ID, data.DetailsInput{Pages: "200"}); err != nil {
			t.Fatal(err)
		}
		if b.to != nil {
			if _, err := p.reading.AddReadThrough(ctx, p.reader.id, book.ID, data.ReadingInput{StartedOn: b.from, FinishedOn: b.to, Outcome: data.StatusRead}); err != nil {
				t.Fatal(err)
			}
		}
	}
	y := strconv.Itoa(year)
	p.open("/stats?year=" + y)
	p.tabTo(`[data-testid="figure-pages"] a`)
	if label := eval[string](p, `document.activeElement.getAttribute('aria-label')`); label != "400 pages read: list them" {
		t.Errorf("the figure is named %q", label)
	}
	p.loads("open the books read", typed(kb.Enter))
	if got := p.location().RequestURI(); got != "/books?read="+y {
		t.Errorf("landed on %s", got)
	}
	if got := p.text(`[data-testid="finished-filter"]`); !strings.HasPrefix(got, "Read in "+y) {
		t.Errorf("the view says %q", got)
	}
	titles := eval[[]string](p, `[...document.querySelectorAll('tr.book th.title a:not(.series)')].map(a => a.textContent).sort()`)
	if strings.Join(titles, ",") != "Dune,Emma" {
		t.Errorf("rows %q, want Dune and Emma", titles)
	}
}

// TestStatsCalendarWithKeyboard reaches the reading calendar with Tab (one stop: the last day
// read), moves to the day read before it with the arrow keys, and opens it with Enter: the library
// lists the book read that day. The calendar's table holds the same numbers.
func TestStatsCalendarWithKeyboard(t *testing.T) {
	p := signedIn(t)
	ctx := context.Background()
	year := time.Now().UTC().Year() - 1
	on := func(m time.Month, d int) *time.Time { t := time.Date(year, m, d, 0, 0, 0, 0, time.UTC); return &t }
	for _, b := range []struct {
		title    string
		from, to *time.Time
	}{{"Dune", on(3, 1), on(3, 2)}, {"Emma", nil, on(4, 2)}} {
		book := p.addBook(b.title, "Someone", "")
		if _, err := p.reading.SetDetails(ctx, p.reader.id, book.ID, data.DetailsInput{Pages: "200"}); err != nil {
			t.Fatal(err)
		}
		if _, err := p.reading.AddReadThrough(ctx, p.reader.id, book.ID, data.ReadingInput{StartedOn: b.from, FinishedOn: b.to, Outcome: data.StatusRead}); err != nil {
			t.Fatal(err)
		}
	}
	y := strconv.Itoa(year)
	p.open("/stats?year=" + y)
	if n := eval[int](p, `document.querySelectorAll('svg[data-testid="calendar"] a[tabindex="0"]').length`); n != 1 {
		t.Fatalf("%d days of the calendar take the Tab, want 1", n)
	}
	p.tabTo(`svg[data-testid="calendar"] a[tabindex="0"]`)
	label := func() string { return focusedName(p) }
	if got, want := label(), on(4, 2).Format("Monday 2 January")+": 200 pages"; got != want {
		t.Errorf("the calendar's stop is %q, want %q", got, want)
	}
	p.press(kb.ArrowLeft)
	p.press(kb.ArrowLeft)
	if got, want := label(), on(3, 1).Format("Monday 2 January")+": 100 pages"; got != want {
		t.Errorf("two days back is %q, want %q", got, want)
	}
	p.press(kb.ArrowLeft) // the first day read: it stays
	p.press(kb.End)
	p.press(kb.Home)
	if got := eval[string](p, `document.activeElement.getAttribute('href')`); got != "/books?read="+y+"-03-01" {
		t.Errorf("Home went to %q", got)
	}
	p.loads("open the day's books", typed(kb.Enter))
	if got := p.location().RequestURI(); got != "/books?read="+y+"-03-01" {
		t.Errorf("landed on %s", got)
	}
	titles := eval[[]string](p, `[...document.querySelectorAll('tr.book th.title a:not(.series)')].map(a => a.textContent)`)
	if strings.Join(titles, ",") != "Dune" {
		t.Errorf("rows %q, want Dune", titles)
	}
}

// focusedName is the accessible name Chromium gives the focused element, as a screen reader
// announces it: a chart's bar and a calendar's day are named by their SVG title alone.
func focusedName(p *page) string {
	p.t.Helper()
	el, err := chromedp.Call(p.ctx, runtime.Evaluate, runtime.EvaluateParams{Expression: "document.activeElement"})
	if err != nil || el.Result == nil || el.Result.ObjectID == "" {
		p.t.Fatalf("the focused element: %v", err)
	}
	alone := false
	ax, err := chromedp.Call(p.ctx, accessibility.GetPartialAXTree, accessibility.GetPartialAXTreeParams{ObjectID: el.Result.ObjectID, FetchRelatives: &alone})
	if err != nil || len(ax.Nodes) == 0 || ax.Nodes[0].Name == nil {
		p.t.Fatalf("the focused element's accessible name: %v", err)
	}
	var name string
	if err := json.Unmarshal(ax.Nodes[0].Name.Value, &name); err != nil {
		p.t.Fatalf("the focused element's accessible name %s: %v", ax.Nodes[0].Name.Value, err)
	}
	return name
}
