package e2e

import (
	"context"
	"strconv"
	"testing"
	"time"

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
	p.loads("open the stats", chromedp.KeyEvent(kb.Enter))
	if got := p.text(`[data-testid="figure-pages"]`); got != "412" {
		t.Errorf("pages read = %q, want 412", got)
	}
	p.tabTo(`[data-testid="stats-prev"]`)
	p.loads("the year before", chromedp.KeyEvent(kb.Enter))
	if got := p.location().Query().Get("year"); got != strconv.Itoa(today.Year()-1) {
		t.Errorf("year before: ?year=%s", got)
	}
	p.tabTo(`[data-testid="stats-next"]`)
	p.loads("back to this year", chromedp.KeyEvent(kb.Enter))
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
	p.loads("open the year in review", chromedp.KeyEvent(kb.Enter))
	if got := p.text(`[data-testid="review-first"] a`); got != "Dune" {
		t.Errorf("first book of the year = %q, want Dune", got)
	}
}
