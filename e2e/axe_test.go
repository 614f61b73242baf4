package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/views"
)

// axePath is axe-core, vendored for the tests alone (never served): the unmodified axe.min.js of
// the npm package axe-core@4.14.1 (Mozilla Public License 2.0, testdata/axe-LICENSE.txt; sha256
// 29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c). To upgrade, run
// `npm pack axe-core@4`, copy package/axe.min.js and its LICENSE files here under the new version.
var axePath = filepath.Join("testdata", "axe-4.14.1.min.js")

// axeViolation is a rule that axe found broken, with the first few elements that break it.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

func (v axeViolation) String() string {
	return fmt.Sprintf("%s (%s): %s\n\t\t%s", v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t\t"))
}

// axeRun runs axe on the document the tab shows and returns its serious and critical violations.
// axe is evaluated through the DevTools protocol, which the page's Content Security Policy does
// not govern: the pages stay exactly as readers get them.
func (p *page) axeRun(source string) []axeViolation {
	p.t.Helper()
	if !eval[bool](p, `typeof window.axe !== 'undefined'`) {
		if _, err := chromedp.Run(p.ctx, chromedp.Evaluate[chromedp.Void](source)); err != nil {
			p.t.Fatalf("load axe: %v", err)
		}
	}
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]axeViolation](`axe.run(document, {resultTypes: ['violations']}).then(r =>
		r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
			id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').replace(/\s+/g, ' ')),
		})))`, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("run axe: %v", err)
	}
	return v
}

// TestAccessibility loads every page a reader sees, signed out and signed in, with books to show,
// at a desktop's 1280×900 and a phone's 390×844, in the light and the dark theme, and runs axe
// on each: no rule of serious or critical impact may be broken (contrast, names, labels,
// landmarks ...). Each run lists every violation it finds, page by page. The pages come in groups,
// each in a tab of its own with a time bound for axe (axeTimeout): on a machine at a load of 16–24,
// a group took up to 31 s, past the 30 s of other tests' tabs (7 December 2026).
func TestAccessibility(t *testing.T) {
	source, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("read axe: %v", err)
	}
	groups := []struct {
		name     string
		signedIn bool
		pages    func(p *page, ids []int64, check func(path string, wantStatus int64))
	}{
		{"signed_out", false, func(p *page, _ []int64, check func(string, int64)) {
			check("/login", 200)
			check("/signup", 200)
			check("/offline", 200)
		}},
		{"library", true, func(p *page, _ []int64, check func(string, int64)) {
			p.visit("/shelves")
			p.do("name a shelf", chromedp.SendKeys(chromedp.CSS(`[data-testid="new-shelf"] input[name="name"]`), "Book club"))
			p.do("create the shelf", chromedp.Click(chromedp.CSS("#create-shelf")))
			p.waitUntil("the shelf is made", `document.querySelector('main').textContent.includes('Book club') && `+htmxIdle)
			check("/books", 200)
			check("/books?q=darkness", 200)
			check("/books?status=reading", 200)
			check("/books?status=read&finished=all", 200)
			check("/shelves", 200)
		}},
		{"book_pages", true, func(p *page, ids []int64, check func(string, int64)) {
			check(fmt.Sprintf("/books/%d", ids[0]), 200)
			check(fmt.Sprintf("/books/%d", ids[1]), 200)
			// The book page with edits open in place (without JavaScript, as ?edit= opens them):
			// the contributors, a series' position, the add of a series, a progress update.
			ctx := context.Background()
			bs, err := p.series.AddBook(ctx, p.reader.id, ids[0], data.SeriesRef{Name: "Hainish Cycle", Position: "4"})
			if err != nil {
				p.t.Fatal(err)
			}
			history, err := p.reading.ProgressHistory(ctx, p.reader.id, ids[0])
			if err != nil || len(history) == 0 {
				p.t.Fatalf("progress %+v, %v", history, err)
			}
			check(fmt.Sprintf("/books/%d?edit=author", ids[0]), 200)
			check(fmt.Sprintf("/books/%d?edit=%s", ids[0], views.SeriesFactName(bs.SeriesID)), 200)
			check(fmt.Sprintf("/books/%d?edit=series_name", ids[0]), 200)
			check(fmt.Sprintf("/books/%d?edit=%s", ids[0], views.ProgressKey(history[0].ID)), 200)
			check(fmt.Sprintf("/books/%d/edit", ids[1]), 200)
			check(fmt.Sprintf("/books/%d/delete", ids[1]), 200)
		}},
		{"other_pages", true, func(p *page, _ []int64, check func(string, int64)) {
			check("/import", 200)
			check("/export", 200)
			check("/stats", 200)
			check(views.StatsReviewURL(time.Now().UTC().Year()), 200)
			check("/shortcuts", 200)
			check("/settings", 200)
			check("/no-such-page", 404)
		}},
	}
	for _, size := range []struct {
		name          string
		width, height int64
		mobile        bool
	}{
		{"Desktop", 1280, 900, false},
		{"Phone", 390, 844, true},
	} {
		for _, theme := range []string{"light", "dark"} {
			for _, group := range groups {
				t.Run(size.name+"_"+theme+"/"+group.name, func(t *testing.T) {
					p := newPage(t, forAxe)
					opts := []chromedp.EmulateViewportOption{}
					if size.mobile {
						opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
					}
					p.do("set the viewport", chromedp.EmulateViewport(size.width, size.height, opts...))
					if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
						Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: theme}},
					}); err != nil {
						t.Fatalf("emulate the %s theme: %v", theme, err)
					}
					themeChecked := false
					check := func(path string, wantStatus int64) {
						t.Helper()
						if status := p.visit(path); status != wantStatus {
							t.Fatalf("%s: status %d, want %d", path, status, wantStatus)
						}
						if !themeChecked {
							if dark := eval[bool](p, `matchMedia('(prefers-color-scheme: dark)').matches`); dark != (theme == "dark") {
								t.Fatalf("the page is dark: %v, want the %s theme", dark, theme)
							}
							themeChecked = true
						}
						for _, v := range p.axeRun(string(source)) {
							t.Errorf("%s: %s", path, v)
						}
					}
					var ids []int64
					if group.signedIn {
						p.reader = p.newReader("ada")
						ids = seedLibrary(t, p)
						p.logIn(p.reader)
					}
					group.pages(p, ids, check)
				})
			}
		}
	}
}

// TestAccessibilityStatsTables runs axe on the stats page with the charts' tables open (they are
// collapsed by default, and axe skips what is not shown), in both themes: a tab of its own, as
// the tables are hundreds of cells.
func TestAccessibilityStatsTables(t *testing.T) {
	source, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("read axe: %v", err)
	}
	for _, theme := range []string{"light", "dark"} {
		t.Run(theme, func(t *testing.T) {
			p := newPage(t, forAxe)
			if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: theme}},
			}); err != nil {
				t.Fatalf("emulate the %s theme: %v", theme, err)
			}
			p.reader = p.newReader("ada")
			seedLibrary(t, p)
			p.logIn(p.reader)
			p.visit("/stats")
			if n := eval[int](p, `document.querySelectorAll('details').forEach(d => d.open = true), document.querySelectorAll('main table').length`); n < 3 {
				t.Fatalf("%d tables on /stats, want the months', the ratings' and the calendar's", n)
			}
			for _, v := range p.axeRun(string(source)) {
				t.Errorf("/stats, its tables open: %s", v)
			}
		})
	}
}

// seedLibrary gives the reader of p a few books in every state: one being read with progress,
// one read and rated with notes, others wanted; it returns the ids of the first two.
func seedLibrary(t *testing.T, p *page) []int64 {
	t.Helper()
	ctx := context.Background()
	reading := p.addBook("The Left Hand of Darkness", "Ursula K. Le Guin", "Science fiction")
	read := p.addBook("Middlemarch", "George Eliot", "Fiction")
	p.addBook("Things Fall Apart", "Chinua Achebe", "Fiction")
	p.addBook("Gödel, Escher, Bach", "Douglas Hofstadter", "")
	if _, err := p.reading.SetDetails(ctx, p.reader.id, reading.ID, data.DetailsInput{Pages: "304"}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.reading.SetStatus(ctx, p.reader.id, reading.ID, data.StatusReading, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := p.reading.RecordProgress(ctx, p.reader.id, reading.ID, data.ProgressInput{Page: 120}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.reading.SetDetails(ctx, p.reader.id, read.ID, data.DetailsInput{Pages: "880", Rating: "4.5", Notes: "Dorothea!"}); err != nil {
		t.Fatal(err)
	}
	today := time.Now().UTC()
	if _, err := p.reading.AddReadThrough(ctx, p.reader.id, read.ID, data.ReadingInput{FinishedOn: &today, Outcome: data.StatusRead}); err != nil {
		t.Fatal(err)
	}
	return []int64{reading.ID, read.ID}
}
