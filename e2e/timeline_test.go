package e2e

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp/kb"

	"github.com/bookcase/bookcase/data"
)

// timeline is a script's expression for the events of the reading timelines inside the element
// selector names, in order, each as its text without its link's hint, joined by " | ":
// "Started 1 March 2025 | Page 40 (10%) 3 March 2025 | Reading now".
func timeline(selector string) string {
	return fmt.Sprintf(`Array.from(document.querySelectorAll(%q)).map(li => {
		const c = li.cloneNode(true);
		c.querySelectorAll('.sr-only').forEach(e => e.remove());
		return c.textContent.replace(/\s+/g, ' ').trim();
	}).join(' | ')`, selector+" ol.events > li")
}

// TestTimelineInPlace corrects the readings' timeline by keyboard, at a desktop's and a phone's
// size, and watches it follow without a page load: a progress update given an earlier day moves
// before the one it now precedes; a reading's start moved past its updates sends them under
// their own heading, apart from its timeline, and back when it is moved back; a finished
// reading's finish, opened from it, is corrected with the focus back on it.
func TestTimelineInPlace(t *testing.T) {
	for _, size := range viewports {
		t.Run(size.name, func(t *testing.T) {
			p := signedIn(t)
			p.sized(size.width, size.height, size.phone)
			ctx := context.Background()
			dune := p.addBook("Dune", "Frank Herbert", "Science fiction")
			if _, err := p.reading.SetDetails(ctx, p.reader.id, dune.ID, data.DetailsInput{Pages: "400", Keep: []string{"rating", "notes", "isbn"}}); err != nil {
				t.Fatal(err)
			}
			day := func(m time.Month, d int) time.Time { return time.Date(2025, m, d, 12, 0, 0, 0, time.UTC) }
			status := func(st data.Status, on time.Time) {
				t.Helper()
				if _, err := p.reading.SetStatus(ctx, p.reader.id, dune.ID, st, on); err != nil {
					t.Fatal(err)
				}
			}
			// progress records page on the reading being read, dated on.
			progress := func(page int, on time.Time) string {
				t.Helper()
				if _, err := p.reading.RecordProgress(ctx, p.reader.id, dune.ID, data.ProgressInput{Page: page}); err != nil {
					t.Fatal(err)
				}
				h, err := p.reading.ProgressHistory(ctx, p.reader.id, dune.ID)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := p.reading.EditProgress(ctx, p.reader.id, dune.ID, h[0].ID, data.ProgressInput{Page: page}, on); err != nil {
					t.Fatal(err)
				}
				return strconv.FormatInt(h[0].ID, 10)
			}
			status(data.StatusReading, day(1, 1))
			status(data.StatusRead, day(1, 20))
			status(data.StatusReading, day(3, 1))
			progress(100, day(3, 5))
			later := progress(200, day(3, 10))
			rts, err := p.reading.ReadThroughs(ctx, p.reader.id, dune.ID)
			if err != nil || len(rts) != 2 {
				t.Fatalf("readings %v, %v", rts, err)
			}
			now, first := strconv.FormatInt(rts[0].ID, 10), strconv.FormatInt(rts[1].ID, 10)
			events := timeline("#book-readings")
			section := "book-readings"
			p.open("/books/" + strconv.FormatInt(dune.ID, 10))
			if got, want := eval[string](p, events), "Started 1 March 2025 | Page 100 (25%) 5 March 2025 | Page 200 (50%) 10 March 2025 | Reading now | "+
				"Started 1 January 2025 | Finished 20 January 2025"; got != want {
				t.Fatalf("the timeline says %q, want %q", got, want)
			}

			// The later update, dated earlier, moves before the other.
			p.tabTo("#edit-progress-" + later)
			p.markOld(section)
			p.press(kb.Enter)
			p.waitFocus("#field-progress-" + later)
			p.press(kb.Tab)
			p.waitFocus("#recorded_on-" + later)
			p.press("03032025") // day and month alike: the same in either order
			p.waitUntil("the day is typed", `document.getElementById('recorded_on-`+later+`').value === '2025-03-03'`)
			p.markOld(section)
			p.press(kb.Enter)
			p.waitUntil("the update moves", swapped(section)+` && `+events+` === 'Started 1 March 2025 | Page 200 (50%) 3 March 2025 | Page 100 (25%) 5 March 2025 | Reading now | `+
				`Started 1 January 2025 | Finished 20 January 2025'`)
			p.waitFocus("#edit-progress-" + later)

			// The reading's start moved past its updates: they are shown apart, under their heading.
			p.tabBackTo("#edit-dates-" + now)
			p.markOld(section)
			p.press(kb.Enter)
			p.waitFocus("#started_on-" + now)
			p.press("04042025")
			p.waitUntil("the start is typed", `document.getElementById('started_on-`+now+`').value === '2025-04-04'`)
			p.markOld(section)
			p.press(kb.Enter)
			p.waitUntil("the updates are apart", swapped(section)+` && `+events+` === 'Started 4 April 2025 | Reading now | `+
				`Started 1 January 2025 | Finished 20 January 2025 | Page 200 (50%) 3 March 2025 in re-read 1 | Page 100 (25%) 5 March 2025 in re-read 1'`)
			p.waitFocus("#edit-dates-" + now)
			if got := p.text("#outside-heading"); got != "Progress outside the reading dates" {
				t.Errorf("the heading of the updates apart is %q", got)
			}
			if w := p.overflow(); w > 0 {
				t.Errorf("the page is %d px wider than the window", w)
			}
			// And back.
			p.markOld(section)
			p.press(kb.Enter)
			p.waitFocus("#started_on-" + now)
			p.press("03032025")
			p.waitUntil("the start is typed", `document.getElementById('started_on-`+now+`').value === '2025-03-03'`)
			p.markOld(section)
			p.press(kb.Enter)
			p.waitUntil("the updates are back", swapped(section)+` && `+events+` === 'Started 3 March 2025 | Page 200 (50%) 3 March 2025 | Page 100 (25%) 5 March 2025 | Reading now | `+
				`Started 1 January 2025 | Finished 20 January 2025' && !document.getElementById('outside-heading')`)
			p.waitFocus("#edit-dates-" + now)

			// The first reading's finish, opened from it, is corrected with the focus back on it.
			p.tabTo("#edit-finish-" + first)
			p.markOld(section)
			p.press(kb.Enter)
			p.waitFocus("#finished_on-" + first)
			p.press("02022025")
			p.waitUntil("the finish is typed", `document.getElementById('finished_on-`+first+`').value === '2025-02-02'`)
			p.markOld(section)
			p.press(kb.Enter)
			p.waitUntil("the finish is saved", swapped(section)+` && `+events+` === 'Started 3 March 2025 | Page 200 (50%) 3 March 2025 | Page 100 (25%) 5 March 2025 | Reading now | `+
				`Started 1 January 2025 | Finished 2 February 2025'`)
			p.waitFocus("#edit-finish-" + first)
			p.stillSamePage()
			got, err := p.reading.ReadThroughs(ctx, p.reader.id, dune.ID)
			if err != nil || len(got) != 2 || got[0].StartedOn.Format(time.DateOnly) != "2025-03-03" || got[1].FinishedOn.Format(time.DateOnly) != "2025-02-02" {
				t.Errorf("stored readings %+v, %v", got, err)
			}
		})
	}
}
