package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/views"
)

// TestSettingsTimeZone sets the reader's time zone, htmx and plain: a name that is not a time
// zone is a 422 with the message at the field and what was typed kept; a good one is stored,
// and the stats count in it at once: 40 pages read at 23:30 UTC on 31 December two years ago
// are read on 1 January of last year in Tokyo.
func TestSettingsTimeZone(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			a := newTestApp(t)
			ctx := t.Context()
			year := time.Now().UTC().Year() - 1
			b := a.create("Dune", "Frank Herbert", "SF")
			if _, err := a.reading.SetDetails(ctx, a.reader.ID, b.ID, data.DetailsInput{Pages: "40"}); err != nil {
				t.Fatal(err)
			}
			// Finished without updates, started and finished on the same day: 40 pages that day.
			day := time.Date(year-1, 12, 31, 0, 0, 0, 0, time.UTC)
			if _, err := a.reading.AddReadThrough(ctx, a.reader.ID, b.ID, data.ReadingInput{StartedOn: &day, FinishedOn: &day, Outcome: data.StatusRead}); err != nil {
				t.Fatal(err)
			}
			page := a.get(plain, "/settings").page(t)
			wantAttr(t, one(t, page, "#field-time_zone"), "value", "UTC")
			one(t, page, `header [data-testid="settings-link"][href="/settings"]`)

			r := a.do(m, http.MethodPost, "/settings", url.Values{"time_zone": {"Mars/Olympus"}})
			r.wantStatus(t, http.StatusUnprocessableEntity)
			section := answer(t, m, r)
			wantText(t, one(t, section, "#field-time_zone-error"), "Choose a time zone by its name, like Europe/Lisbon, America/New_York or UTC.")
			wantAttr(t, one(t, section, "#field-time_zone"), "value", "Mars/Olympus")
			wantAttr(t, one(t, section, "#field-time_zone"), "aria-invalid", "true")
			if loc, err := a.db.Users().TimeZone(ctx, a.reader.ID); err != nil || loc != time.UTC {
				t.Fatalf("time zone after a refused one = %v, %v", loc, err)
			}

			r = a.do(m, http.MethodPost, "/settings", url.Values{"time_zone": {" Asia/Tokyo "}})
			if !m.htmx {
				r.wantRedirect(t, "/settings")
				r = a.get(plain, "/settings")
			} else {
				wantText(t, one(t, answer(t, m, r), `[role="status"]`), "Time zone saved: Asia/Tokyo.")
			}
			r.wantStatus(t, http.StatusOK)
			wantAttr(t, one(t, answer(t, m, r), "#field-time_zone"), "value", "Asia/Tokyo")
			if loc, err := a.db.Users().TimeZone(ctx, a.reader.ID); err != nil || loc.String() != "Asia/Tokyo" {
				t.Errorf("stored time zone = %v, %v", loc, err)
			}

			// A reading's dates are the reader's days, whatever the zone; the stats of the day
			// count in the zone: here the reading's pages stay on 31 December.
			stats := a.get(plain, "/stats?year="+strconv.Itoa(year-1)).page(t)
			wantText(t, one(t, stats, `[data-testid="figure-pages"]`), "40")

			// Another reader keeps UTC.
			other := a.browser()
			other.signIn(other.addUser("other"))
			wantAttr(t, one(t, other.get(plain, "/settings").page(t), "#field-time_zone"), "value", "UTC")
		})
	}
}

// TestStatsFollowTheTimeZone reads the stats before and after a change of zone: pages recorded
// at 23:30 UTC on the last day of a year move to the next year's first day in Tokyo, and the
// kept stats do not hide it.
func TestStatsFollowTheTimeZone(t *testing.T) {
	a := newTestApp(t)
	ctx := t.Context()
	b := a.create("Dune", "Frank Herbert", "SF")
	if _, err := a.reading.SetDetails(ctx, a.reader.ID, b.ID, data.DetailsInput{Pages: "400"}); err != nil {
		t.Fatal(err)
	}
	a.setStatus(b.ID, data.StatusReading)
	if _, err := a.reading.RecordProgress(ctx, a.reader.ID, b.ID, data.ProgressInput{Page: 40}); err != nil {
		t.Fatal(err)
	}
	// The reading began today and the update was recorded now; move them to 1 December and to
	// 23:30 UTC on 31 December of last year.
	year := time.Now().UTC().Year() - 1
	write, _ := a.db.SQL()
	if _, err := write.ExecContext(ctx, `UPDATE read_throughs SET started_on = ?`, time.Date(year, 12, 1, 0, 0, 0, 0, time.UTC).Format("2006-01-02")); err != nil {
		t.Fatal(err)
	}
	if _, err := write.ExecContext(ctx, `UPDATE progress_updates SET recorded_at = ?`, time.Date(year, 12, 31, 23, 30, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	pages := func(y int) string {
		t.Helper()
		return one(t, a.get(plain, "/stats?year="+strconv.Itoa(y)).page(t), `[data-testid="figure-pages"]`).Text()
	}
	if last, this := pages(year), pages(year+1); last != "40" || this != "0" {
		t.Errorf("in UTC: %s pages last year, %s this year; want 40 and 0", last, this)
	}
	a.do(htmx, http.MethodPost, "/settings", url.Values{"time_zone": {"Asia/Tokyo"}}).wantStatus(t, http.StatusOK)
	if last, this := pages(year), pages(year+1); last != "0" || this != "40" {
		t.Errorf("in Tokyo: %s pages last year, %s this year; want 0 and 40", last, this)
	}
}

// TestBookDatesFollowTheTimeZone reads a book's page and its library row in UTC+2: an update
// recorded at 23:30 UTC on 4 March is the reader's 5 March, a book added at 23:30 UTC on 27
// February was added on the 28th, and a correction of the update to the 6th keeps its time of
// day where the reader is (01:30 on the 6th, 23:30 UTC on the 5th).
func TestBookDatesFollowTheTimeZone(t *testing.T) {
	a := newTestApp(t)
	ctx := t.Context()
	b := a.create("Dune", "Frank Herbert", "SF")
	if _, err := a.reading.SetDetails(ctx, a.reader.ID, b.ID, data.DetailsInput{Pages: "400"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.reading.SetStatus(ctx, a.reader.ID, b.ID, data.StatusReading, time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if _, err := a.reading.RecordProgress(ctx, a.reader.ID, b.ID, data.ProgressInput{Page: 40}); err != nil {
		t.Fatal(err)
	}
	write, _ := a.db.SQL()
	if _, err := write.ExecContext(ctx, `UPDATE progress_updates SET recorded_at = ?`, time.Date(2025, 3, 4, 23, 30, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if _, err := write.ExecContext(ctx, `UPDATE books SET created_at = ?`, time.Date(2025, 2, 27, 23, 30, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if err := a.db.Users().SetTimeZone(ctx, a.reader.ID, "Etc/GMT-2"); err != nil { // UTC+2
		t.Fatal(err)
	}
	history, err := a.reading.ProgressHistory(ctx, a.reader.ID, b.ID)
	if err != nil || len(history) != 1 {
		t.Fatalf("history %+v, %v", history, err)
	}
	id := history[0].ID

	page := a.get(plain, bookPath(b.ID)).page(t)
	wantText(t, one(t, page, "section#book-readings [data-testid=progress] .when"), "5 March 2025")
	wantText(t, one(t, page, "[data-testid=progress-latest]"), "Last: Page 40 (10%), 5 March 2025. Every update is in the readings below.")
	wantText(t, one(t, page, "[data-testid=added]"), "28 February 2025")
	edit := a.get(plain, views.BookFactEditURL(b.ID, views.ProgressKey(id))).page(t)
	wantAttr(t, one(t, edit, "input[name=recorded_on]"), "value", "2025-03-05")
	row := one(t, a.get(plain, "/books").page(t), fmt.Sprintf("tr#book-%d", b.ID))
	if !strings.Contains(squash(row.Text()), "28 Feb 2025") {
		t.Errorf("the library row %q does not say it was added on 28 Feb 2025", squash(row.Text()))
	}

	a.do(plain, http.MethodPost, views.ProgressURL(b.ID, id), url.Values{"progress": {"40"}, "recorded_on": {"2025-03-06"}}).wantRedirect(t, bookPath(b.ID))
	history, err = a.reading.ProgressHistory(ctx, a.reader.ID, b.ID)
	if want := time.Date(2025, 3, 5, 23, 30, 0, 0, time.UTC); err != nil || !history[0].RecordedAt.Equal(want) {
		t.Errorf("stored %+v, %v; want recorded at %v", history, err, want)
	}
	wantText(t, one(t, a.get(plain, bookPath(b.ID)).page(t), "section#book-readings [data-testid=progress] .when"), "6 March 2025")
}
