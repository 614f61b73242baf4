package data_test

import (
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

// today is the calendar date of t0, when every test's clock starts.
var today = time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC)

// day returns the date n days from today.
func day(n int) time.Time { return today.AddDate(0, 0, n) }

// readingFixture is a database with two readers and a clock under the test's control.
type readingFixture struct {
	db           *data.DB
	books        *data.BookStore
	reading      *data.ReadingStore
	owner, other int64
	now          *time.Time
}

func openReading(t *testing.T) readingFixture {
	t.Helper()
	db := openDB(t)
	clock := t0
	db.SetClock(fixedClock(&clock))
	return readingFixture{
		db: db, books: db.Books(), reading: db.Reading(), now: &clock,
		owner: addReader(t, db, "reader").ID,
		other: addReader(t, db, "other").ID,
	}
}

// rows counts the rows of a table through the write pool, which sees every committed change.
func (f readingFixture) rows(t *testing.T, table string) int {
	t.Helper()
	write, _ := f.db.Pools()
	var n int
	// The table name is one of the test's own constants, never input.
	if err := write.Get(&n, `SELECT COUNT(*) FROM `+table); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

func (f readingFixture) setStatus(t *testing.T, id int64, st data.Status, on time.Time) data.Book {
	t.Helper()
	b, err := f.reading.SetStatus(t.Context(), f.owner, id, st, on)
	if err != nil {
		t.Fatalf("SetStatus(%s, %s): %v", st, on.Format(time.DateOnly), err)
	}
	if b.Status != st {
		t.Fatalf("SetStatus(%s) returned status %s", st, b.Status)
	}
	return b
}

func (f readingFixture) progress(t *testing.T, id int64, s string) data.Progress {
	t.Helper()
	b, err := f.books.Get(t.Context(), f.owner, id)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	in, err := data.ParseProgress(s, b.Pages)
	if err != nil {
		t.Fatalf("ParseProgress(%q): %v", s, err)
	}
	p, err := f.reading.RecordProgress(t.Context(), f.owner, id, in)
	if err != nil {
		t.Fatalf("RecordProgress(%q): %v", s, err)
	}
	return p
}

func (f readingFixture) readThroughs(t *testing.T, id int64) []data.ReadThrough {
	t.Helper()
	rts, err := f.reading.ReadThroughs(t.Context(), f.owner, id)
	if err != nil {
		t.Fatalf("ReadThroughs: %v", err)
	}
	return rts
}

func (f readingFixture) details(t *testing.T, id int64, in data.DetailsInput) data.Book {
	t.Helper()
	b, err := f.reading.SetDetails(t.Context(), f.owner, id, in)
	if err != nil {
		t.Fatalf("SetDetails(%+v): %v", in, err)
	}
	return b
}

// assertMessage fails the test unless err is a validation error whose message for field is msg.
func assertMessage(t *testing.T, err error, field, msg string) {
	t.Helper()
	var verr *data.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("err = %v, want a *data.ValidationError", err)
	}
	if got := verr.Fields[field]; got != msg {
		t.Errorf("message for %s = %q, want %q", field, got, msg)
	}
}

// wantReadThrough describes a read-through by its dates, outcome and stopping page.
type wantReadThrough struct {
	started, finished time.Time // zero: not known (finished zero: or open)
	outcome           data.Status
	stopped           int
}

func assertReadThroughs(t *testing.T, got []data.ReadThrough, want []wantReadThrough) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d read-throughs %+v, want %d", len(got), got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if !sameDate(g.StartedOn, w.started) || !sameDate(g.FinishedOn, w.finished) || g.Outcome != w.outcome || g.StoppedAtPage != w.stopped {
			t.Errorf("read-through %d = started %s finished %s %s stopped %d, want %+v",
				i, dateText(g.StartedOn), dateText(g.FinishedOn), g.Outcome, g.StoppedAtPage, w)
		}
	}
}

// ptr returns a pointer to a copy of t: a known date of a reading.
func ptr(t time.Time) *time.Time { return &t }

// sameDate reports whether a reading's date is want, nil standing for the zero time (unknown).
func sameDate(got *time.Time, want time.Time) bool {
	if got == nil {
		return want.IsZero()
	}
	return got.Equal(want)
}

// dateText writes a reading's date, or "unknown".
func dateText(t *time.Time) string {
	if t == nil {
		return "unknown"
	}
	return t.Format(time.DateOnly)
}

func TestParseProgress(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		pages int
		want  data.ProgressInput
		msg   string // the message for "page", when invalid
	}{
		{"OKPage", "123", 350, data.ProgressInput{Page: 123}, ""},
		{"OKPageUnknownLength", " 123 ", 0, data.ProgressInput{Page: 123}, ""},
		{"OKPageZero", "0", 350, data.ProgressInput{Page: 0}, ""},
		{"OKLastPage", "350", 350, data.ProgressInput{Page: 350}, ""},
		{"OKPercent", "45%", 350, data.ProgressInput{Percent: 45, ByPercent: true}, ""},
		{"OKPercentSpace", "45 %", 0, data.ProgressInput{Percent: 45, ByPercent: true}, ""},
		{"OKPercentDecimal", "12.5%", 0, data.ProgressInput{Percent: 12.5, ByPercent: true}, ""},
		{"OKPercentComma", "12,5%", 0, data.ProgressInput{Percent: 12.5, ByPercent: true}, ""},
		{"OKPercentHundred", "100%", 0, data.ProgressInput{Percent: 100, ByPercent: true}, ""},
		{"OKPercentZero", "0%", 0, data.ProgressInput{Percent: 0, ByPercent: true}, ""},
		{"ErrEmpty", "  ", 0, data.ProgressInput{}, "Enter a page number, such as 123, or a percentage, such as 45%."},
		{"ErrWords", "page 12", 0, data.ProgressInput{}, "Enter a page number, such as 123, or a percentage, such as 45%."},
		{"ErrPageDecimal", "12.5", 0, data.ProgressInput{}, "Enter a page number, such as 123, or a percentage, such as 45%."},
		{"ErrPlus", "+12", 0, data.ProgressInput{}, "Enter a page number, such as 123, or a percentage, such as 45%."},
		{"ErrOnlyPercent", "%", 0, data.ProgressInput{}, "Enter a page number, such as 123, or a percentage, such as 45%."},
		{"ErrNaN", "NaN%", 0, data.ProgressInput{}, "Enter a page number, such as 123, or a percentage, such as 45%."},
		{"ErrExponent", "1e2%", 0, data.ProgressInput{}, "Enter a page number, such as 123, or a percentage, such as 45%."},
		{"ErrOtherDigits", "١٢", 0, data.ProgressInput{}, "Enter a page number, such as 123, or a percentage, such as 45%."},
		{"ErrPageNegative", "-3", 0, data.ProgressInput{}, "A page number cannot be negative."},
		{"ErrPagePastEnd", "400", 350, data.ProgressInput{}, "Page 400 is past the end (350 pages)."},
		{"ErrPageTooLarge", "100001", 0, data.ProgressInput{}, "Page numbers go up to 100000."},
		{"ErrPageOverflow", "99999999999999999999999", 0, data.ProgressInput{}, "Page numbers go up to 100000."},
		{"ErrPercentAbove", "100.5%", 0, data.ProgressInput{}, "A percentage is from 0 to 100."},
		{"ErrPercentNegative", "-5%", 0, data.ProgressInput{}, "A percentage is from 0 to 100."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := data.ParseProgress(tt.in, tt.pages)
			if tt.msg == "" {
				if err != nil || got != tt.want {
					t.Errorf("ParseProgress(%q, %d) = %+v, %v; want %+v", tt.in, tt.pages, got, err, tt.want)
				}
				return
			}
			assertInvalid(t, err, "page")
			assertMessage(t, err, "page", tt.msg)
		})
	}
}

func TestBookStoreCreateWithStatus(t *testing.T) {
	t.Run("OKDefaultWant", func(t *testing.T) {
		f := openReading(t)
		b := mustCreate(t, f.books, f.owner, dune)
		if b.Status != data.StatusWant || b.Pages != 0 || b.Rating != 0 || b.Notes != "" || b.ISBN != "" {
			t.Errorf("new book = %+v, want status want and no details", b)
		}
		if n := f.rows(t, "read_throughs"); n != 0 {
			t.Errorf("%d read-throughs, want 0", n)
		}
	})
	tests := []struct {
		status data.Status
		want   []wantReadThrough
	}{
		{"reading", []wantReadThrough{{started: today, outcome: data.StatusReading}}},
		{" READ ", []wantReadThrough{{finished: today, outcome: data.StatusRead}}},
		{"dnf", []wantReadThrough{{finished: today, outcome: data.StatusDNF}}},
	}
	for _, tt := range tests {
		t.Run("OK"+strings.TrimSpace(string(tt.status)), func(t *testing.T) {
			f := openReading(t)
			in := dune
			in.Status = tt.status
			b := mustCreate(t, f.books, f.owner, in)
			if b.Status != tt.want[0].outcome {
				t.Errorf("Status = %q, want %q", b.Status, tt.want[0].outcome)
			}
			assertReadThroughs(t, f.readThroughs(t, b.ID), tt.want)
		})
	}
	t.Run("ErrStatus", func(t *testing.T) {
		f := openReading(t)
		in := dune
		in.Status = "to-read"
		_, err := f.books.Create(t.Context(), f.owner, in)
		assertInvalid(t, err, "status")
		assertMessage(t, err, "status", "Choose a status: want to read, reading, read or did not finish.")
		if n := count(t, f.books, f.owner); n != 0 {
			t.Errorf("Count() = %d, want 0", n)
		}
	})
	t.Run("OKUpdateChangesStatus", func(t *testing.T) {
		f := openReading(t)
		b := mustCreate(t, f.books, f.owner, dune)
		in := dune
		in.Status = data.StatusReading
		got, err := f.books.Update(t.Context(), f.owner, b.ID, in)
		if err != nil || got.Status != data.StatusReading {
			t.Fatalf("Update = %+v, %v; want status reading", got, err)
		}
		in.Status = ""
		if got, err = f.books.Update(t.Context(), f.owner, b.ID, in); err != nil || got.Status != data.StatusReading {
			t.Fatalf("Update without status = %+v, %v; want status kept", got, err)
		}
		assertReadThroughs(t, f.readThroughs(t, b.ID), []wantReadThrough{{started: today, outcome: data.StatusReading}})
	})
}

// TestReadingJourney follows one book through a reader's life with it: want, reading with two
// progress updates, read, a re-read, and giving up on the re-read.
func TestReadingJourney(t *testing.T) {
	f := openReading(t)
	b := mustCreate(t, f.books, f.owner, dune)
	f.details(t, b.ID, data.DetailsInput{Pages: "412"})

	*f.now = t0.AddDate(0, 0, 1)
	f.setStatus(t, b.ID, data.StatusReading, day(-2))
	*f.now = t0.AddDate(0, 0, 2)
	if p := f.progress(t, b.ID, "100"); p.Page != 100 || !p.RecordedAt.Equal(*f.now) {
		t.Errorf("first progress = %+v", p)
	}
	*f.now = t0.AddDate(0, 0, 3)
	p := f.progress(t, b.ID, "50%")
	if p.Page != 206 || p.Percent != 50 {
		t.Errorf("second progress = %+v, want page 206 at 50%%", p)
	}
	f.setStatus(t, b.ID, data.StatusRead, day(3))
	assertReadThroughs(t, f.readThroughs(t, b.ID), []wantReadThrough{
		{started: day(-2), finished: day(3), outcome: data.StatusRead},
	})
	if p, err := f.reading.Progress(t.Context(), f.owner, b.ID); err != nil || p != (data.Progress{}) {
		t.Errorf("Progress after finishing = %+v, %v; want none", p, err)
	}

	*f.now = t0.AddDate(0, 1, 0)
	f.setStatus(t, b.ID, data.StatusReading, time.Time{}) // today
	if p, err := f.reading.Progress(t.Context(), f.owner, b.ID); err != nil || p != (data.Progress{}) {
		t.Errorf("Progress of a new read-through = %+v, %v; want none", p, err)
	}
	*f.now = t0.AddDate(0, 1, 1)
	f.progress(t, b.ID, "30")
	f.setStatus(t, b.ID, data.StatusDNF, day(31))

	assertReadThroughs(t, f.readThroughs(t, b.ID), []wantReadThrough{
		{started: day(31), finished: day(31), outcome: data.StatusDNF, stopped: 30},
		{started: day(-2), finished: day(3), outcome: data.StatusRead},
	})
	history, err := f.reading.ProgressHistory(t.Context(), f.owner, b.ID)
	if err != nil {
		t.Fatalf("ProgressHistory: %v", err)
	}
	var pages []int
	for _, u := range history {
		pages = append(pages, u.Page)
	}
	if len(history) != 3 || pages[0] != 30 || pages[1] != 206 || pages[2] != 100 || history[0].ReadThroughID == history[2].ReadThroughID {
		t.Errorf("history = %+v, want pages 30, 206, 100 over two read-throughs", history)
	}
	if got, _ := f.books.Get(t.Context(), f.owner, b.ID); got.Status != data.StatusDNF {
		t.Errorf("Status = %s, want dnf", got.Status)
	}
}

func TestReadingStoreSetStatus(t *testing.T) {
	t.Run("OKWantToRead", func(t *testing.T) {
		f := openReading(t)
		b := mustCreate(t, f.books, f.owner, dune)
		*f.now = t0.Add(time.Hour)
		got := f.setStatus(t, b.ID, data.StatusRead, day(-1))
		if !got.UpdatedAt.Equal(*f.now) {
			t.Errorf("UpdatedAt = %v, want %v", got.UpdatedAt, *f.now)
		}
		assertReadThroughs(t, f.readThroughs(t, b.ID), []wantReadThrough{{finished: day(-1), outcome: data.StatusRead}})
	})
	t.Run("OKWantToDNF", func(t *testing.T) {
		f := openReading(t)
		b := mustCreate(t, f.books, f.owner, dune)
		f.setStatus(t, b.ID, data.StatusDNF, today)
		assertReadThroughs(t, f.readThroughs(t, b.ID), []wantReadThrough{{finished: today, outcome: data.StatusDNF}})
	})
	t.Run("OKReadingToWantKeepsHistory", func(t *testing.T) {
		f := openReading(t)
		b := mustCreate(t, f.books, f.owner, dune)
		f.setStatus(t, b.ID, data.StatusReading, day(-5))
		f.progress(t, b.ID, "12")
		f.setStatus(t, b.ID, data.StatusWant, today)
		assertReadThroughs(t, f.readThroughs(t, b.ID), []wantReadThrough{{started: day(-5), finished: today, outcome: data.StatusDNF, stopped: 12}})
		if n := f.rows(t, "progress_updates"); n != 1 {
			t.Errorf("%d progress updates, want 1 (kept)", n)
		}
	})
	t.Run("OKDNFWithoutProgress", func(t *testing.T) {
		f := openReading(t)
		b := mustCreate(t, f.books, f.owner, dune)
		f.setStatus(t, b.ID, data.StatusReading, today)
		f.setStatus(t, b.ID, data.StatusDNF, today)
		assertReadThroughs(t, f.readThroughs(t, b.ID), []wantReadThrough{{started: today, finished: today, outcome: data.StatusDNF}})
	})
	t.Run("OKDNFPercentBecomesPageOnceLengthKnown", func(t *testing.T) {
		f := openReading(t)
		b := mustCreate(t, f.books, f.owner, dune)
		f.setStatus(t, b.ID, data.StatusReading, today)
		f.progress(t, b.ID, "25%")
		f.details(t, b.ID, data.DetailsInput{Pages: "200"})
		f.setStatus(t, b.ID, data.StatusDNF, today)
		assertReadThroughs(t, f.readThroughs(t, b.ID), []wantReadThrough{{started: today, finished: today, outcome: data.StatusDNF, stopped: 50}})
	})
	t.Run("OKReadToDNFCorrectsOutcome", func(t *testing.T) {
		f := openReading(t)
		b := mustCreate(t, f.books, f.owner, dune)
		f.setStatus(t, b.ID, data.StatusReading, day(-3))
		f.progress(t, b.ID, "40")
		f.setStatus(t, b.ID, data.StatusRead, day(-1))
		f.setStatus(t, b.ID, data.StatusDNF, today)
		assertReadThroughs(t, f.readThroughs(t, b.ID), []wantReadThrough{{started: day(-3), finished: day(-1), outcome: data.StatusDNF, stopped: 40}})
		f.setStatus(t, b.ID, data.StatusRead, today)
		assertReadThroughs(t, f.readThroughs(t, b.ID), []wantReadThrough{{started: day(-3), finished: day(-1), outcome: data.StatusRead}})
	})
	t.Run("OKReadToWantKeepsHistory", func(t *testing.T) {
		f := openReading(t)
		b := mustCreate(t, f.books, f.owner, dune)
		f.setStatus(t, b.ID, data.StatusRead, today)
		f.setStatus(t, b.ID, data.StatusWant, today)
		assertReadThroughs(t, f.readThroughs(t, b.ID), []wantReadThrough{{finished: today, outcome: data.StatusRead}})
	})
	t.Run("OKSameStatusChangesNothing", func(t *testing.T) {
		f := openReading(t)
		b := mustCreate(t, f.books, f.owner, dune)
		f.setStatus(t, b.ID, data.StatusReading, day(-1))
		*f.now = t0.Add(time.Hour)
		got := f.setStatus(t, b.ID, data.StatusReading, today)
		if !got.UpdatedAt.Equal(t0) {
			t.Errorf("UpdatedAt = %v, want unchanged %v", got.UpdatedAt, t0)
		}
		assertReadThroughs(t, f.readThroughs(t, b.ID), []wantReadThrough{{started: day(-1), outcome: data.StatusReading}})
	})
	t.Run("OKDateOnly", func(t *testing.T) {
		f := openReading(t)
		b := mustCreate(t, f.books, f.owner, dune)
		// Late evening on the 13th in New York is the 14th in UTC; the reader meant the 13th.
		ny := time.FixedZone("EST", -5*3600)
		f.setStatus(t, b.ID, data.StatusReading, time.Date(2025, 3, 13, 22, 30, 0, 0, ny))
		assertReadThroughs(t, f.readThroughs(t, b.ID), []wantReadThrough{{started: day(-1), outcome: data.StatusReading}})
	})
	errs := []struct {
		name        string
		from        data.Status
		to          data.Status
		on          time.Time
		field, msg  string
		readThrough int
	}{
		{"ErrStatus", data.StatusWant, "finished", today, "status", "Choose a status: want to read, reading, read or did not finish.", 0},
		{"ErrStartInFuture", data.StatusWant, data.StatusReading, day(1), "started_on", "The start date cannot be in the future.", 0},
		{"ErrFinishInFuture", data.StatusReading, data.StatusRead, day(1), "finished_on", "The finish date cannot be in the future.", 1},
		{"ErrFinishBeforeStart", data.StatusReading, data.StatusRead, day(-20), "finished_on", "The finish date is before the start date.", 1},
		{"ErrDNFBeforeStart", data.StatusReading, data.StatusDNF, day(-20), "finished_on", "The finish date is before the start date.", 1},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			f := openReading(t)
			b := mustCreate(t, f.books, f.owner, dune)
			if tt.from != data.StatusWant {
				f.setStatus(t, b.ID, tt.from, day(-10))
			}
			_, err := f.reading.SetStatus(t.Context(), f.owner, b.ID, tt.to, tt.on)
			assertInvalid(t, err, tt.field)
			assertMessage(t, err, tt.field, tt.msg)
			if got, _ := f.books.Get(t.Context(), f.owner, b.ID); got.Status != tt.from {
				t.Errorf("Status = %s, want %s unchanged", got.Status, tt.from)
			}
			if n := f.rows(t, "read_throughs"); n != tt.readThrough {
				t.Errorf("%d read-throughs, want %d", n, tt.readThrough)
			}
		})
	}
}

func TestReadingStoreRecordProgress(t *testing.T) {
	// reading returns a fixture with a book of the given length (0: unknown) being read.
	reading := func(t *testing.T, pages string) (readingFixture, data.Book) {
		f := openReading(t)
		b := mustCreate(t, f.books, f.owner, dune)
		f.details(t, b.ID, data.DetailsInput{Pages: pages})
		return f, f.setStatus(t, b.ID, data.StatusReading, today)
	}
	t.Run("OK", func(t *testing.T) {
		f, b := reading(t, "350")
		*f.now = t0.Add(time.Hour)
		got := f.progress(t, b.ID, "35")
		want := data.Progress{Page: 35, Percent: 10, RecordedAt: *f.now}
		if got != want {
			t.Errorf("RecordProgress = %+v, want %+v", got, want)
		}
		if latest, err := f.reading.Progress(t.Context(), f.owner, b.ID); err != nil || latest != want {
			t.Errorf("Progress = %+v, %v; want %+v", latest, err, want)
		}
		if b2, _ := f.books.Get(t.Context(), f.owner, b.ID); !b2.UpdatedAt.Equal(*f.now) {
			t.Errorf("UpdatedAt = %v, want %v", b2.UpdatedAt, *f.now)
		}
	})
	t.Run("OKPercentRoundedToPage", func(t *testing.T) {
		f, b := reading(t, "350")
		if got := f.progress(t, b.ID, "33.3%"); got.Page != 117 {
			t.Errorf("Page = %d, want 117 (33.3%% of 350, rounded)", got.Page)
		}
	})
	t.Run("OKPercentKeptWhenLengthUnknown", func(t *testing.T) {
		f, b := reading(t, "")
		if got := f.progress(t, b.ID, "45%"); got.Page != 0 || got.Percent != 45 {
			t.Errorf("progress = %+v, want 45%% and no page", got)
		}
		if got := f.progress(t, b.ID, "1234"); got.Page != 1234 || got.Percent != 0 {
			t.Errorf("progress = %+v, want page 1234 and no percentage", got)
		}
	})
	t.Run("OKEndDoesNotFinish", func(t *testing.T) {
		f, b := reading(t, "350")
		f.progress(t, b.ID, "350")
		f.progress(t, b.ID, "100%")
		if got, _ := f.books.Get(t.Context(), f.owner, b.ID); got.Status != data.StatusReading {
			t.Errorf("Status = %s, want reading", got.Status)
		}
	})
	t.Run("OKLatestWins", func(t *testing.T) {
		f, b := reading(t, "")
		f.progress(t, b.ID, "80")
		*f.now = t0.Add(time.Minute)
		f.progress(t, b.ID, "60") // going back is allowed: the reader may have mistyped before
		if got, _ := f.reading.Progress(t.Context(), f.owner, b.ID); got.Page != 60 {
			t.Errorf("Progress = %+v, want page 60", got)
		}
	})
	errs := []struct {
		name, pages string
		in          data.ProgressInput
		msg         string
	}{
		{"ErrPagePastEnd", "350", data.ProgressInput{Page: 400}, "Page 400 is past the end (350 pages)."},
		{"ErrPageNegative", "350", data.ProgressInput{Page: -1}, "A page number cannot be negative."},
		{"ErrPageTooLarge", "", data.ProgressInput{Page: 100001}, "Page numbers go up to 100000."},
		{"ErrPercentRange", "", data.ProgressInput{Percent: 101, ByPercent: true}, "A percentage is from 0 to 100."},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			f, b := reading(t, tt.pages)
			_, err := f.reading.RecordProgress(t.Context(), f.owner, b.ID, tt.in)
			assertInvalid(t, err, "page")
			assertMessage(t, err, "page", tt.msg)
			if n := f.rows(t, "progress_updates"); n != 0 {
				t.Errorf("%d progress updates, want 0", n)
			}
		})
	}
	for _, st := range []data.Status{data.StatusWant, data.StatusRead, data.StatusDNF} {
		t.Run("ErrNotReading"+string(st), func(t *testing.T) {
			f := openReading(t)
			b := mustCreate(t, f.books, f.owner, dune)
			if st != data.StatusWant {
				f.setStatus(t, b.ID, st, today)
			}
			_, err := f.reading.RecordProgress(t.Context(), f.owner, b.ID, data.ProgressInput{Page: 1})
			assertInvalid(t, err, "page")
			assertMessage(t, err, "page", "Start reading this book first.")
			if n := f.rows(t, "progress_updates"); n != 0 {
				t.Errorf("%d progress updates, want 0", n)
			}
		})
	}
}

func TestReadingStoreEditReadThrough(t *testing.T) {
	// finished returns a fixture with a book read from day(-10) to day(-5), then being re-read
	// since day(-2), and its read-throughs, newest first.
	finished := func(t *testing.T) (readingFixture, data.Book, []data.ReadThrough) {
		f := openReading(t)
		b := mustCreate(t, f.books, f.owner, dune)
		f.setStatus(t, b.ID, data.StatusReading, day(-10))
		f.setStatus(t, b.ID, data.StatusRead, day(-5))
		f.setStatus(t, b.ID, data.StatusReading, day(-2))
		return f, b, f.readThroughs(t, b.ID)
	}
	t.Run("OK", func(t *testing.T) {
		f, b, rts := finished(t)
		got, err := f.reading.EditReadThrough(t.Context(), f.owner, b.ID, rts[1].ID, ptr(day(-12).Add(13*time.Hour)), ptr(day(-4)))
		if err != nil {
			t.Fatalf("EditReadThrough: %v", err)
		}
		assertReadThroughs(t, []data.ReadThrough{got}, []wantReadThrough{{started: day(-12), finished: day(-4), outcome: data.StatusRead}})
		assertReadThroughs(t, f.readThroughs(t, b.ID), []wantReadThrough{
			{started: day(-2), outcome: data.StatusReading},
			{started: day(-12), finished: day(-4), outcome: data.StatusRead},
		})
	})
	t.Run("OKOpenStart", func(t *testing.T) {
		f, b, rts := finished(t)
		if _, err := f.reading.EditReadThrough(t.Context(), f.owner, b.ID, rts[0].ID, &today, nil); err != nil {
			t.Fatalf("EditReadThrough: %v", err)
		}
		assertReadThroughs(t, f.readThroughs(t, b.ID)[:1], []wantReadThrough{{started: today, outcome: data.StatusReading}})
	})
	t.Run("OKClearDates", func(t *testing.T) {
		// Clearing a date makes it unknown, on a finished reading and on the open one; the
		// book's finish date (the library's Finished column) goes with the reading's.
		f, b, rts := finished(t)
		if _, err := f.reading.EditReadThrough(t.Context(), f.owner, b.ID, rts[1].ID, nil, nil); err != nil {
			t.Fatalf("EditReadThrough finished: %v", err)
		}
		if _, err := f.reading.EditReadThrough(t.Context(), f.owner, b.ID, rts[0].ID, nil, nil); err != nil {
			t.Fatalf("EditReadThrough open: %v", err)
		}
		assertReadThroughs(t, f.readThroughs(t, b.ID), []wantReadThrough{
			{outcome: data.StatusReading},
			{outcome: data.StatusRead},
		})
		if got, err := f.books.Get(t.Context(), f.owner, b.ID); err != nil || got.FinishedOn != "" {
			t.Errorf("book finished on %v, %v; want unknown", got.FinishedOn, err)
		}
	})
	t.Run("OKFinishWithoutStart", func(t *testing.T) {
		f, b, rts := finished(t)
		got, err := f.reading.EditReadThrough(t.Context(), f.owner, b.ID, rts[1].ID, nil, ptr(day(-4)))
		if err != nil {
			t.Fatalf("EditReadThrough: %v", err)
		}
		assertReadThroughs(t, []data.ReadThrough{got}, []wantReadThrough{{finished: day(-4), outcome: data.StatusRead}})
	})
	t.Run("OKSameDay", func(t *testing.T) {
		f, b, rts := finished(t)
		if _, err := f.reading.EditReadThrough(t.Context(), f.owner, b.ID, rts[1].ID, ptr(day(-5)), ptr(day(-5))); err != nil {
			t.Fatalf("EditReadThrough: %v", err)
		}
	})
	errs := []struct {
		name              string
		open              bool
		started           *time.Time
		finished          *time.Time
		fields            []string
		finishMsg, strMsg string
	}{
		{"ErrFinishBeforeStart", false, ptr(day(-5)), ptr(day(-6)), []string{"finished_on"}, "The finish date is before the start date.", ""},
		{"ErrStartInFuture", false, ptr(day(1)), ptr(day(-6)), []string{"started_on", "finished_on"}, "The finish date is before the start date.", "The start date cannot be in the future."},
		{"ErrFinishInFuture", false, ptr(day(-5)), ptr(day(1)), []string{"finished_on"}, "The finish date cannot be in the future.", ""},
		{"ErrFinishInFutureStartUnknown", false, nil, ptr(day(1)), []string{"finished_on"}, "The finish date cannot be in the future.", ""},
		{"ErrFinishWhileOpen", true, ptr(day(-2)), ptr(day(-1)), []string{"finished_on"}, "Mark the book as read or not finished to give this reading a finish date.", ""},
		{"ErrFinishWhileOpenStartUnknown", true, nil, ptr(day(-1)), []string{"finished_on"}, "Mark the book as read or not finished to give this reading a finish date.", ""},
		{"ErrStartYearZero", false, ptr(time.Date(0, 3, 1, 0, 0, 0, 0, time.UTC)), ptr(day(-6)), []string{"started_on"}, "", "Enter a date between the years 1 and 9999."},
		{"ErrFinishYearZero", false, ptr(time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)), ptr(time.Date(0, 3, 1, 0, 0, 0, 0, time.UTC)), []string{"started_on", "finished_on"}, "Enter a date between the years 1 and 9999.", "Enter a date between the years 1 and 9999."},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			f, b, rts := finished(t)
			rt := rts[1]
			if tt.open {
				rt = rts[0]
			}
			_, err := f.reading.EditReadThrough(t.Context(), f.owner, b.ID, rt.ID, tt.started, tt.finished)
			assertInvalid(t, err, tt.fields...)
			if tt.finishMsg != "" {
				assertMessage(t, err, "finished_on", tt.finishMsg)
			}
			if tt.strMsg != "" {
				assertMessage(t, err, "started_on", tt.strMsg)
			}
			assertReadThroughs(t, f.readThroughs(t, b.ID), []wantReadThrough{
				{started: day(-2), outcome: data.StatusReading},
				{started: day(-10), finished: day(-5), outcome: data.StatusRead},
			})
		})
	}
	t.Run("ErrNotFoundOtherBooksReadThrough", func(t *testing.T) {
		f, _, rts := finished(t)
		other := mustCreate(t, f.books, f.owner, data.BookInput{Title: "Emma", Author: "Jane Austen"})
		_, err := f.reading.EditReadThrough(t.Context(), f.owner, other.ID, rts[1].ID, ptr(day(-9)), ptr(day(-8)))
		if !errors.Is(err, data.ErrNotFound) {
			t.Errorf("err = %v, want ErrNotFound", err)
		}
	})
}

func TestReadingStoreAddReadThrough(t *testing.T) {
	oks := []struct {
		name string
		in   data.ReadingInput
		want wantReadThrough
	}{
		{"OKUndated", data.ReadingInput{Outcome: data.StatusRead}, wantReadThrough{outcome: data.StatusRead}},
		{"OKFinishOnly", data.ReadingInput{FinishedOn: ptr(day(-3)), Outcome: data.StatusRead}, wantReadThrough{finished: day(-3), outcome: data.StatusRead}},
		{"OKStartOnly", data.ReadingInput{StartedOn: ptr(day(-3)), Outcome: data.StatusDNF}, wantReadThrough{started: day(-3), outcome: data.StatusDNF}},
		{"OKBoth", data.ReadingInput{StartedOn: ptr(day(-9)), FinishedOn: ptr(day(-3).Add(20 * time.Hour)), Outcome: data.StatusRead},
			wantReadThrough{started: day(-9), finished: day(-3), outcome: data.StatusRead}},
		{"OKToday", data.ReadingInput{StartedOn: &today, FinishedOn: &today, Outcome: data.StatusRead}, wantReadThrough{started: today, finished: today, outcome: data.StatusRead}},
	}
	for _, tt := range oks {
		t.Run(tt.name, func(t *testing.T) {
			f := openReading(t)
			b := mustCreate(t, f.books, f.owner, dune)
			got, err := f.reading.AddReadThrough(t.Context(), f.owner, b.ID, tt.in)
			if err != nil {
				t.Fatalf("AddReadThrough: %v", err)
			}
			assertReadThroughs(t, []data.ReadThrough{got}, []wantReadThrough{tt.want})
			assertReadThroughs(t, f.readThroughs(t, b.ID), []wantReadThrough{tt.want})
			// A past reading leaves the book's status as it was.
			if nb, err := f.books.Get(t.Context(), f.owner, b.ID); err != nil || nb.Status != data.StatusWant {
				t.Errorf("book status %q, %v; want want", nb.Status, err)
			}
		})
	}
	t.Run("OKOrder", func(t *testing.T) {
		// Newest first: the open reading, then by start (or finish when the start is not
		// known), then the undated ones, the last added first.
		f := openReading(t)
		b := mustCreate(t, f.books, f.owner, dune)
		add := func(in data.ReadingInput) {
			t.Helper()
			if _, err := f.reading.AddReadThrough(t.Context(), f.owner, b.ID, in); err != nil {
				t.Fatal(err)
			}
		}
		add(data.ReadingInput{Outcome: data.StatusRead})
		add(data.ReadingInput{StartedOn: ptr(day(-30)), FinishedOn: ptr(day(-20)), Outcome: data.StatusRead})
		f.setStatus(t, b.ID, data.StatusReading, day(-40))
		add(data.ReadingInput{FinishedOn: ptr(day(-10)), Outcome: data.StatusDNF})
		add(data.ReadingInput{Outcome: data.StatusDNF})
		assertReadThroughs(t, f.readThroughs(t, b.ID), []wantReadThrough{
			{started: day(-40), outcome: data.StatusReading},
			{finished: day(-10), outcome: data.StatusDNF},
			{started: day(-30), finished: day(-20), outcome: data.StatusRead},
			{outcome: data.StatusDNF},
			{outcome: data.StatusRead},
		})
	})
	errs := []struct {
		name   string
		in     data.ReadingInput
		fields map[string]string
	}{
		{"ErrOutcomeReading", data.ReadingInput{Outcome: data.StatusReading}, map[string]string{"outcome": "Choose whether you read the book or did not finish it."}},
		{"ErrOutcomeEmpty", data.ReadingInput{}, map[string]string{"outcome": "Choose whether you read the book or did not finish it."}},
		{"ErrFinishBeforeStart", data.ReadingInput{StartedOn: ptr(day(-3)), FinishedOn: ptr(day(-4)), Outcome: data.StatusRead},
			map[string]string{"finished_on": "The finish date is before the start date."}},
		{"ErrFuture", data.ReadingInput{StartedOn: ptr(day(1)), FinishedOn: ptr(day(2)), Outcome: data.StatusRead},
			map[string]string{"started_on": "The start date cannot be in the future.", "finished_on": "The finish date cannot be in the future."}},
		{"ErrYearZero", data.ReadingInput{FinishedOn: ptr(time.Date(0, 3, 1, 0, 0, 0, 0, time.UTC)), Outcome: data.StatusDNF},
			map[string]string{"finished_on": "Enter a date between the years 1 and 9999."}},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			f := openReading(t)
			b := mustCreate(t, f.books, f.owner, dune)
			_, err := f.reading.AddReadThrough(t.Context(), f.owner, b.ID, tt.in)
			var verr *data.ValidationError
			if !errors.As(err, &verr) || !maps.Equal(verr.Fields, tt.fields) {
				t.Fatalf("err = %v, want problems %v", err, tt.fields)
			}
			assertReadThroughs(t, f.readThroughs(t, b.ID), nil)
		})
	}
	t.Run("ErrNotFoundOtherReadersBook", func(t *testing.T) {
		f := openReading(t)
		b := mustCreate(t, f.books, f.other, dune)
		if _, err := f.reading.AddReadThrough(t.Context(), f.owner, b.ID, data.ReadingInput{Outcome: data.StatusRead}); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("err = %v, want ErrNotFound", err)
		}
		if rts, err := f.reading.ReadThroughs(t.Context(), f.other, b.ID); err != nil || len(rts) != 0 {
			t.Errorf("other reader's readings = %v, %v; want none", rts, err)
		}
	})
}

func TestReadingStoreSetDetails(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		f := openReading(t)
		b := mustCreate(t, f.books, f.owner, dune)
		*f.now = t0.Add(time.Hour)
		got := f.details(t, b.ID, data.DetailsInput{Pages: " 412 ", Rating: "4.5", Notes: "Line one\r\n\r\nLine two\n", ISBN: "0-441-01359-7"})
		if got.Pages != 412 || got.Rating != 9 || got.Notes != "Line one\n\nLine two" || got.ISBN != "9780441013593" || !got.UpdatedAt.Equal(*f.now) {
			t.Errorf("SetDetails = %+v", got)
		}
		if stored, _ := f.books.Get(t.Context(), f.owner, b.ID); stored != got {
			t.Errorf("Get = %+v, want %+v", stored, got)
		}
		page, err := f.books.List(t.Context(), f.owner, 0, 10)
		if err != nil || len(page.Books) != 1 || page.Books[0] != listed(got) {
			t.Errorf("List = %+v, %v; want the book with its pages and rating", page, err)
		}
	})
	t.Run("OKClear", func(t *testing.T) {
		f := openReading(t)
		b := mustCreate(t, f.books, f.owner, dune)
		f.details(t, b.ID, data.DetailsInput{Pages: "412", Rating: "5", Notes: "x", ISBN: "9780441013593"})
		got := f.details(t, b.ID, data.DetailsInput{})
		if got.Pages != 0 || got.Rating != 0 || got.Notes != "" || got.ISBN != "" {
			t.Errorf("SetDetails(empty) = %+v, want no details", got)
		}
	})
	t.Run("OKNotesAtLimit", func(t *testing.T) {
		f := openReading(t)
		b := mustCreate(t, f.books, f.owner, dune)
		notes := strings.Repeat("é", data.MaxNotesLen)
		if got := f.details(t, b.ID, data.DetailsInput{Notes: notes}); got.Notes != notes {
			t.Errorf("notes not kept whole")
		}
	})
	t.Run("ErrEveryField", func(t *testing.T) {
		f := openReading(t)
		b := mustCreate(t, f.books, f.owner, dune)
		_, err := f.reading.SetDetails(t.Context(), f.owner, b.ID, data.DetailsInput{
			Pages: "0", Rating: "5.5", Notes: strings.Repeat("a", data.MaxNotesLen+1), ISBN: "0-441-01359-8",
		})
		assertInvalid(t, err, "pages", "rating", "notes", "isbn")
		assertMessage(t, err, "pages", "Pages must be a whole number from 1 to 100000.")
		assertMessage(t, err, "rating", "A rating is 0.5 to 5 stars, in half stars.")
		assertMessage(t, err, "notes", "Notes must be at most 10000 characters (they have 10001).")
		assertMessage(t, err, "isbn", "This ISBN's check digit is wrong: check for a typo.")
		if got, _ := f.books.Get(t.Context(), f.owner, b.ID); got.Pages != 0 || got.Notes != "" {
			t.Errorf("book changed: %+v", got)
		}
	})
	pagesErrs := []struct{ name, pages string }{
		{"ErrPagesNegative", "-5"}, {"ErrPagesTooMany", "100001"}, {"ErrPagesWords", "many"}, {"ErrPagesDecimal", "12.5"},
	}
	for _, tt := range pagesErrs {
		t.Run(tt.name, func(t *testing.T) {
			f := openReading(t)
			b := mustCreate(t, f.books, f.owner, dune)
			_, err := f.reading.SetDetails(t.Context(), f.owner, b.ID, data.DetailsInput{Pages: tt.pages})
			assertInvalid(t, err, "pages")
		})
	}
	t.Run("ErrNotesInvalid", func(t *testing.T) {
		f := openReading(t)
		b := mustCreate(t, f.books, f.owner, dune)
		_, err := f.reading.SetDetails(t.Context(), f.owner, b.ID, data.DetailsInput{Notes: "bad \xff byte"})
		assertInvalid(t, err, "notes")
		assertMessage(t, err, "notes", "Notes contain characters that are not valid text.")
	})
	t.Run("OKNotesLinesAndTabs", func(t *testing.T) {
		f := openReading(t)
		b := mustCreate(t, f.books, f.owner, dune)
		// Right-to-left text with its marks, a zero-width joiner in an emoji, tabs, blank lines.
		notes := "Quote:\n\t\"\u200fשלום\u200f\" 👩\u200d💻\n\nEnd"
		if got := f.details(t, b.ID, data.DetailsInput{Notes: notes}); got.Notes != notes {
			t.Errorf("Notes = %q, want %q", got.Notes, notes)
		}
	})
	for _, tt := range []struct{ name, notes string }{
		{"ErrNotesNUL", "a\x00b"},
		{"ErrNotesEscape", "colour \x1b[31mred"},
		{"ErrNotesBareCarriageReturn", "over\rwritten"},
		{"ErrNotesC1Control", "next\u0085line"},
		{"ErrNotesRightToLeftOverride", "harmless\u202egnp.exe"},
		{"ErrNotesIsolate", "\u2067open isolate"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := openReading(t)
			b := mustCreate(t, f.books, f.owner, dune)
			f.details(t, b.ID, data.DetailsInput{Notes: "kept"})
			_, err := f.reading.SetDetails(t.Context(), f.owner, b.ID, data.DetailsInput{Notes: tt.notes})
			assertInvalid(t, err, "notes")
			assertMessage(t, err, "notes", "Notes may not contain control characters or text-direction overrides.")
			if got, _ := f.books.Get(t.Context(), f.owner, b.ID); got.Notes != "kept" {
				t.Errorf("Notes = %q, want them unchanged", got.Notes)
			}
		})
	}
	t.Run("ErrPagesBelowProgress", func(t *testing.T) {
		f := openReading(t)
		b := mustCreate(t, f.books, f.owner, dune)
		f.details(t, b.ID, data.DetailsInput{Pages: "400"})
		f.setStatus(t, b.ID, data.StatusReading, today)
		f.progress(t, b.ID, "320")
		_, err := f.reading.SetDetails(t.Context(), f.owner, b.ID, data.DetailsInput{Pages: "300", Rating: "9"})
		assertInvalid(t, err, "pages", "rating")
		assertMessage(t, err, "pages", "You are on page 320; the book cannot have fewer pages.")
		f.details(t, b.ID, data.DetailsInput{Pages: "320"}) // exactly there is fine
		f.details(t, b.ID, data.DetailsInput{Pages: ""})    // and so is "unknown"
	})
	t.Run("OKPagesAfterPercentOfUnknownLength", func(t *testing.T) {
		f := openReading(t)
		b := mustCreate(t, f.books, f.owner, dune)
		f.setStatus(t, b.ID, data.StatusReading, today)
		f.progress(t, b.ID, "90%")
		f.details(t, b.ID, data.DetailsInput{Pages: "10"})
		if p, _ := f.reading.Progress(t.Context(), f.owner, b.ID); p.Page != 9 || p.Percent != 90 {
			t.Errorf("Progress = %+v, want page 9 at 90%%", p)
		}
	})
}

// TestReadingOwnership checks that another reader's book, and a deleted book, are not found by any
// reading method, and that nothing changes.
func TestReadingOwnership(t *testing.T) {
	f := openReading(t)
	b := mustCreate(t, f.books, f.owner, dune)
	f.details(t, b.ID, data.DetailsInput{Pages: "400", Notes: "mine"})
	f.setStatus(t, b.ID, data.StatusReading, day(-1))
	f.progress(t, b.ID, "10")
	rt := f.readThroughs(t, b.ID)[0]
	gone := mustCreate(t, f.books, f.owner, data.BookInput{Title: "Gone", Author: "A"})
	f.setStatus(t, gone.ID, data.StatusReading, today)
	if _, err := f.books.Delete(t.Context(), f.owner, gone.ID); err != nil {
		t.Fatal(err)
	}
	// The deleted book's read-through is out of reach of the store; find it through the write pool.
	write, _ := f.db.Pools()
	var goneRTID int64
	if err := write.Get(&goneRTID, `SELECT id FROM read_throughs WHERE book_id = ?`, gone.ID); err != nil {
		t.Fatal(err)
	}
	before, _ := f.books.Get(t.Context(), f.owner, b.ID)

	ctx := t.Context()
	cases := []struct {
		owner, book, rt int64
	}{
		{f.other, b.ID, rt.ID},       // someone else's book
		{f.owner, gone.ID, goneRTID}, // my deleted book
		{f.owner, 999, rt.ID},        // no such book
	}
	for _, c := range cases {
		calls := map[string]error{}
		_, calls["SetStatus"] = f.reading.SetStatus(ctx, c.owner, c.book, data.StatusRead, today)
		_, calls["RecordProgress"] = f.reading.RecordProgress(ctx, c.owner, c.book, data.ProgressInput{Page: 20})
		_, calls["Progress"] = f.reading.Progress(ctx, c.owner, c.book)
		_, calls["ProgressHistory"] = f.reading.ProgressHistory(ctx, c.owner, c.book)
		_, calls["ReadThroughs"] = f.reading.ReadThroughs(ctx, c.owner, c.book)
		_, calls["EditReadThrough"] = f.reading.EditReadThrough(ctx, c.owner, c.book, c.rt, ptr(day(-3)), nil)
		_, calls["EditReadThroughInvalid"] = f.reading.EditReadThrough(ctx, c.owner, c.book, c.rt, ptr(day(3)), nil)
		_, calls["AddReadThrough"] = f.reading.AddReadThrough(ctx, c.owner, c.book, data.ReadingInput{Outcome: data.StatusRead})
		_, calls["AddReadThroughInvalid"] = f.reading.AddReadThrough(ctx, c.owner, c.book, data.ReadingInput{})
		_, calls["SetDetails"] = f.reading.SetDetails(ctx, c.owner, c.book, data.DetailsInput{Pages: "500", Notes: "theirs"})
		_, calls["SetDetailsInvalid"] = f.reading.SetDetails(ctx, c.owner, c.book, data.DetailsInput{Pages: "x"})
		for _, name := range slices.Sorted(maps.Keys(calls)) {
			if !errors.Is(calls[name], data.ErrNotFound) {
				t.Errorf("owner %d book %d: %s err = %v, want ErrNotFound", c.owner, c.book, name, calls[name])
			}
		}
	}
	after, _ := f.books.Get(t.Context(), f.owner, b.ID)
	if after != before {
		t.Errorf("book changed: %+v, was %+v", after, before)
	}
	if n := f.rows(t, "read_throughs"); n != 2 {
		t.Errorf("%d read-throughs, want 2", n)
	}
	if n := f.rows(t, "progress_updates"); n != 1 {
		t.Errorf("%d progress updates, want 1", n)
	}
	assertReadThroughs(t, f.readThroughs(t, b.ID), []wantReadThrough{{started: day(-1), outcome: data.StatusReading}})
	counts, err := f.reading.StatusCounts(ctx, f.other)
	if err != nil || counts[data.StatusReading] != 0 {
		t.Errorf("other reader's StatusCounts = %v, %v", counts, err)
	}
	now, err := f.reading.CurrentlyReading(ctx, f.other, 10)
	if err != nil || len(now) != 0 {
		t.Errorf("other reader's CurrentlyReading = %+v, %v; want none", now, err)
	}
	page, err := f.books.ListByStatus(ctx, f.other, data.StatusReading, 0, 10)
	if err != nil || len(page.Books) != 0 {
		t.Errorf("other reader's ListByStatus = %+v, %v; want none", page, err)
	}
}

func TestBookStoreListByStatus(t *testing.T) {
	f := openReading(t)
	var want = map[data.Status][]int64{}
	statuses := []data.Status{data.StatusWant, data.StatusReading, data.StatusRead, data.StatusDNF}
	for i := range 23 {
		b := mustCreate(t, f.books, f.owner, data.BookInput{Title: "Book", Author: "A"})
		st := statuses[i%4]
		if i%5 == 0 {
			st = data.StatusRead
		}
		if st != data.StatusWant {
			f.setStatus(t, b.ID, st, today)
		}
		if i%7 == 3 { // deleted books are left out of every list and count
			if _, err := f.books.Delete(t.Context(), f.owner, b.ID); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want[st] = append([]int64{b.ID}, want[st]...) // newest first
	}
	// The other reader's books never show.
	if _, err := f.books.Create(t.Context(), f.other, data.BookInput{Title: "Theirs", Author: "B", Status: data.StatusRead}); err != nil {
		t.Fatal(err)
	}

	counts, err := f.reading.StatusCounts(t.Context(), f.owner)
	if err != nil {
		t.Fatalf("StatusCounts: %v", err)
	}
	total := 0
	for _, st := range statuses {
		if counts[st] != len(want[st]) {
			t.Errorf("StatusCounts[%s] = %d, want %d", st, counts[st], len(want[st]))
		}
		total += counts[st]
		var got []int64
		for before := int64(0); ; {
			page, err := f.books.ListByStatus(t.Context(), f.owner, st, before, 2)
			if err != nil {
				t.Fatalf("ListByStatus(%s): %v", st, err)
			}
			for _, b := range page.Books {
				if b.Status != st {
					t.Errorf("ListByStatus(%s) returned a %s book", st, b.Status)
				}
			}
			got = append(got, ids(page.Books)...)
			if page.Next == 0 {
				break
			}
			before = page.Next
		}
		if !slices.Equal(got, want[st]) {
			t.Errorf("ListByStatus(%s) = %v, want %v", st, got, want[st])
		}
	}
	if n := count(t, f.books, f.owner); total != n {
		t.Errorf("StatusCounts add up to %d, Count() = %d", total, n)
	}
	all, err := f.books.ListByStatus(t.Context(), f.owner, "", 0, 100)
	if err != nil || len(all.Books) != total {
		t.Errorf("ListByStatus(\"\") = %d books, %v; want %d", len(all.Books), err, total)
	}
	t.Run("ErrStatus", func(t *testing.T) {
		_, err := f.books.ListByStatus(t.Context(), f.owner, "finished", 0, 10)
		assertInvalid(t, err, "status")
	})
	t.Run("OKEmptyCounts", func(t *testing.T) {
		counts, err := f.reading.StatusCounts(t.Context(), 999)
		if err != nil || len(counts) != 4 || counts[data.StatusWant] != 0 {
			t.Errorf("StatusCounts(nobody) = %v, %v; want four zeros", counts, err)
		}
	})
}

func TestReadingStoreCurrentlyReading(t *testing.T) {
	f := openReading(t)
	mk := func(title, pages string) data.Book {
		b := mustCreate(t, f.books, f.owner, data.BookInput{Title: title, Author: "A"})
		f.details(t, b.ID, data.DetailsInput{Pages: pages})
		return b
	}
	a, b, c, d := mk("A", "200"), mk("B", ""), mk("C", "100"), mk("D", "")
	*f.now = t0.Add(1 * time.Minute)
	f.setStatus(t, a.ID, data.StatusReading, today)
	f.setStatus(t, b.ID, data.StatusReading, today)
	f.setStatus(t, c.ID, data.StatusReading, today)
	f.setStatus(t, d.ID, data.StatusRead, today)
	*f.now = t0.Add(2 * time.Minute)
	f.progress(t, b.ID, "40%")
	*f.now = t0.Add(3 * time.Minute)
	f.progress(t, a.ID, "20")
	*f.now = t0.Add(4 * time.Minute)
	f.progress(t, a.ID, "50")

	got, err := f.reading.CurrentlyReading(t.Context(), f.owner, 10)
	if err != nil {
		t.Fatalf("CurrentlyReading: %v", err)
	}
	want := []struct {
		id       int64
		progress data.Progress
	}{
		{a.ID, data.Progress{Page: 50, Percent: 25, RecordedAt: t0.Add(4 * time.Minute)}},
		{b.ID, data.Progress{Percent: 40, RecordedAt: t0.Add(2 * time.Minute)}},
		{c.ID, data.Progress{}},
	}
	if len(got) != len(want) {
		t.Fatalf("CurrentlyReading = %d books %+v, want %d", len(got), got, len(want))
	}
	for i, w := range want {
		if got[i].ID != w.id || got[i].Progress != w.progress {
			t.Errorf("CurrentlyReading[%d] = book %d %+v, want book %d %+v", i, got[i].ID, got[i].Progress, w.id, w.progress)
		}
	}
	if got[0].Title != "A" || got[0].Pages != 200 || got[1].Title != "B" || got[1].Pages != 0 {
		t.Errorf("CurrentlyReading = %+v, want A with 200 pages, then B of unknown length", got)
	}
	if top, err := f.reading.CurrentlyReading(t.Context(), f.owner, 1); err != nil || len(top) != 1 || top[0].ID != a.ID {
		t.Errorf("CurrentlyReading(limit 1) = %+v, %v", top, err)
	}
}

// TestBookStoreDeleteReadThrough deletes readings made by mistake: the book's status, finish date
// and the library's counts follow the readings left.
func TestReadingStoreDeleteReadThrough(t *testing.T) {
	counts := func(t *testing.T, f readingFixture) map[data.Status]int {
		t.Helper()
		c, err := f.reading.StatusCounts(t.Context(), f.owner)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	del := func(t *testing.T, f readingFixture, bookID, rtID int64) data.Book {
		t.Helper()
		b, err := f.reading.DeleteReadThrough(t.Context(), f.owner, bookID, rtID)
		if err != nil {
			t.Fatalf("DeleteReadThrough: %v", err)
		}
		return b
	}
	t.Run("StatusBrowsedByMistake", func(t *testing.T) {
		// A read book, then Reading and Read again by accident (the arrow keys on a select): the
		// mistaken reading goes, and the book is read as before, finished on its own date.
		f := openReading(t)
		b := mustCreate(t, f.books, f.owner, dune)
		f.setStatus(t, b.ID, data.StatusRead, day(-10))
		f.setStatus(t, b.ID, data.StatusReading, day(0))
		f.setStatus(t, b.ID, data.StatusRead, day(0))
		rts := f.readThroughs(t, b.ID)
		if len(rts) != 2 {
			t.Fatalf("%d readings, want 2", len(rts))
		}
		got := del(t, f, b.ID, rts[0].ID)
		if got.Status != data.StatusRead || got.FinishedOn != day(-10).Format(time.DateOnly) {
			t.Errorf("book is %s finished %q, want read on %s", got.Status, got.FinishedOn, day(-10).Format(time.DateOnly))
		}
		assertReadThroughs(t, f.readThroughs(t, b.ID), []wantReadThrough{{finished: day(-10), outcome: data.StatusRead}})
		if c := counts(t, f); c[data.StatusRead] != 1 {
			t.Errorf("counts %v, want one read", c)
		}
	})
	t.Run("OpenReadingGoes", func(t *testing.T) {
		f := openReading(t)
		b := mustCreate(t, f.books, f.owner, dune)
		f.setStatus(t, b.ID, data.StatusDNF, day(-20))
		f.setStatus(t, b.ID, data.StatusReading, day(-1))
		f.progress(t, b.ID, "40%")
		rts := f.readThroughs(t, b.ID)
		got := del(t, f, b.ID, rts[0].ID)
		if got.Status != data.StatusDNF {
			t.Errorf("book is %s, want did not finish (its reading before)", got.Status)
		}
		if n := f.rows(t, "progress_updates"); n != 0 {
			t.Errorf("%d progress updates left, want the reading's gone with it", n)
		}
		if c := counts(t, f); c[data.StatusDNF] != 1 || c[data.StatusReading] != 0 {
			t.Errorf("counts %v", c)
		}
	})
	t.Run("LastReadingGoes", func(t *testing.T) {
		f := openReading(t)
		b := mustCreate(t, f.books, f.owner, dune)
		f.setStatus(t, b.ID, data.StatusRead, day(-3))
		got := del(t, f, b.ID, f.readThroughs(t, b.ID)[0].ID)
		if got.Status != data.StatusWant || got.FinishedOn != "" {
			t.Errorf("book is %s finished %q, want want to read, never finished", got.Status, got.FinishedOn)
		}
		if c := counts(t, f); c[data.StatusWant] != 1 || c[data.StatusRead] != 0 {
			t.Errorf("counts %v", c)
		}
	})
	t.Run("OlderReadingGoes", func(t *testing.T) {
		f := openReading(t)
		b := mustCreate(t, f.books, f.owner, dune)
		f.setStatus(t, b.ID, data.StatusRead, day(-30))
		f.setStatus(t, b.ID, data.StatusReading, day(-2))
		rts := f.readThroughs(t, b.ID)
		if got := del(t, f, b.ID, rts[1].ID); got.Status != data.StatusReading {
			t.Errorf("book is %s, want still reading", got.Status)
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		f := openReading(t)
		b := mustCreate(t, f.books, f.owner, dune)
		f.setStatus(t, b.ID, data.StatusRead, day(-3))
		rt := f.readThroughs(t, b.ID)[0]
		other := mustCreate(t, f.books, f.owner, data.BookInput{Title: "Emma", Author: "Jane Austen"})
		for name, call := range map[string]func() error{
			"AnotherReader": func() error { _, err := f.reading.DeleteReadThrough(t.Context(), f.other, b.ID, rt.ID); return err },
			"AnotherBook":   func() error { _, err := f.reading.DeleteReadThrough(t.Context(), f.owner, other.ID, rt.ID); return err },
			"NoSuchReading": func() error { _, err := f.reading.DeleteReadThrough(t.Context(), f.owner, b.ID, rt.ID+100); return err },
		} {
			if err := call(); !errors.Is(err, data.ErrNotFound) {
				t.Errorf("%s: err = %v, want ErrNotFound", name, err)
			}
		}
		if len(f.readThroughs(t, b.ID)) != 1 {
			t.Error("a refused delete deleted the reading")
		}
	})
}

// TestReadingFollowsBooks checks the seam between the two stores of a library: a book that the
// BookStore deletes leaves the ReadingStore's counts and strip, and the one it restores comes back
// with its readings and progress as they were.
func TestReadingFollowsBooks(t *testing.T) {
	f := openReading(t)
	ctx := t.Context()
	b := mustCreate(t, f.books, f.owner, dune)
	f.details(t, b.ID, data.DetailsInput{Pages: "400"})
	f.setStatus(t, b.ID, data.StatusReading, day(-2))
	progress := f.progress(t, b.ID, "120")
	rts := f.readThroughs(t, b.ID)
	reading := func(step string, want int) {
		t.Helper()
		counts, err := f.reading.StatusCounts(ctx, f.owner)
		if err != nil || counts[data.StatusReading] != want {
			t.Errorf("%s: StatusCounts = %v, %v; want %d reading", step, counts, err, want)
		}
		now, err := f.reading.CurrentlyReading(ctx, f.owner, 10)
		if err != nil || len(now) != want {
			t.Errorf("%s: CurrentlyReading = %+v, %v; want %d books", step, now, err, want)
		}
	}
	reading("before", 1)

	if _, err := f.books.Delete(ctx, f.owner, b.ID); err != nil {
		t.Fatal(err)
	}
	reading("deleted", 0)
	if _, err := f.reading.ReadThroughs(ctx, f.owner, b.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("deleted: ReadThroughs err = %v, want ErrNotFound", err)
	}

	if _, err := f.books.Restore(ctx, f.owner, b.ID); err != nil {
		t.Fatal(err)
	}
	reading("restored", 1)
	if got := f.readThroughs(t, b.ID); !reflect.DeepEqual(got, rts) {
		t.Errorf("restored: ReadThroughs = %+v, want %+v", got, rts)
	}
	if got, err := f.reading.Progress(ctx, f.owner, b.ID); err != nil || got != progress {
		t.Errorf("restored: Progress = %+v, %v; want %+v", got, err, progress)
	}
}

// TestReadingStoreSetRating: the star control's save sets the rating alone, clears it with "",
// refuses what is not a half star, and touches no other reader's book.
func TestReadingStoreSetRating(t *testing.T) {
	f := openReading(t)
	b := mustCreate(t, f.books, f.owner, dune)
	f.details(t, b.ID, data.DetailsInput{Pages: "412", Rating: "2", Notes: "Spice.", ISBN: "9780441013593"})
	*f.now = t0.Add(time.Hour)
	got, err := f.reading.SetRating(t.Context(), f.owner, b.ID, "4.5")
	if err != nil || got.Rating != 9 || got.Pages != 412 || got.Notes != "Spice." || got.ISBN != "9780441013593" || !got.UpdatedAt.Equal(*f.now) {
		t.Fatalf("SetRating(4.5) = %+v, %v; want 9 half stars, the other details kept", got, err)
	}
	if got, err := f.reading.SetRating(t.Context(), f.owner, b.ID, ""); err != nil || got.Rating != 0 {
		t.Errorf("SetRating(\"\") = %v, %v; want unrated", got.Rating, err)
	}
	_, err = f.reading.SetRating(t.Context(), f.owner, b.ID, "4.25")
	assertMessage(t, err, "rating", "A rating is 0.5 to 5 stars, in half stars.")
	if _, err := f.reading.SetRating(t.Context(), f.other, b.ID, "5"); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("another reader's SetRating: %v, want not found", err)
	}
	if stored, _ := f.books.Get(t.Context(), f.owner, b.ID); stored.Rating != 0 {
		t.Errorf("rating %v after refused saves, want unrated", stored.Rating)
	}
}

// TestReadingStoreSetDetailsKeep: a field named in Keep keeps its value whatever the input says
// (a detail edited in place is sent alone), even a value that would be refused.
func TestReadingStoreSetDetailsKeep(t *testing.T) {
	f := openReading(t)
	b := mustCreate(t, f.books, f.owner, dune)
	f.details(t, b.ID, data.DetailsInput{Pages: "412", Rating: "4", Notes: "Spice.", ISBN: "9780441013593"})
	got := f.details(t, b.ID, data.DetailsInput{Pages: "500", Rating: "bad", ISBN: "bad", Keep: []string{"rating", "notes", "isbn"}})
	if got.Pages != 500 || got.Rating != 8 || got.Notes != "Spice." || got.ISBN != "9780441013593" {
		t.Errorf("SetDetails(pages alone) = %+v; want 500 pages and the rest kept", got)
	}
	got = f.details(t, b.ID, data.DetailsInput{Notes: "New.", Keep: []string{"pages", "rating", "isbn"}})
	if got.Pages != 500 || got.Rating != 8 || got.Notes != "New." || got.ISBN != "9780441013593" {
		t.Errorf("SetDetails(notes alone) = %+v; want the notes changed and the rest kept", got)
	}
}

// TestReadingStoreEditProgress corrects and deletes progress updates: how far and on which day,
// checked against the book's length and the reading's dates (each problem at its field, nothing
// saved); the library's progress follows, as does where an abandoned reading stopped; another
// reader's update, or one of another book, is not found.
func TestReadingStoreEditProgress(t *testing.T) {
	ctx := t.Context()
	// started is a reading started three days ago, with two updates: pages 100 then 200.
	started := func(t *testing.T) (readingFixture, data.Book, []data.ProgressUpdate) {
		f := openReading(t)
		b := mustCreate(t, f.books, f.owner, data.BookInput{Title: "Dune", Author: "Frank Herbert"})
		if _, err := f.reading.SetDetails(ctx, f.owner, b.ID, data.DetailsInput{Pages: "400", Keep: []string{"rating", "notes", "isbn"}}); err != nil {
			t.Fatal(err)
		}
		f.setStatus(t, b.ID, data.StatusReading, day(-3))
		f.progress(t, b.ID, "100")
		*f.now = f.now.Add(time.Hour)
		f.progress(t, b.ID, "200")
		history, err := f.reading.ProgressHistory(ctx, f.owner, b.ID)
		if err != nil || len(history) != 2 {
			t.Fatalf("history %+v, %v", history, err)
		}
		return f, b, history // newest first
	}
	t.Run("OK", func(t *testing.T) {
		f, b, history := started(t)
		shown := func() data.Progress { // the library's progress of the book
			t.Helper()
			got, err := f.books.Get(ctx, f.owner, b.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got.Progress()
		}
		at := history[0].RecordedAt
		// A percentage of a book of known length is a page.
		u, err := f.reading.EditProgress(ctx, f.owner, b.ID, history[0].ID, data.ProgressInput{Percent: 75, ByPercent: true}, today)
		if err != nil {
			t.Fatal(err)
		}
		if u.Page != 300 || !u.RecordedAt.Equal(at) {
			t.Errorf("EditProgress = %+v, want page 300 at %v", u, at)
		}
		if p := shown(); p.Page != 300 {
			t.Errorf("the book's progress %+v, want page 300", p)
		}
		// Moved to an earlier day, at the same time of day: the other update is now the latest.
		wantAt := day(-3).Add(at.Sub(today))
		if u, err = f.reading.EditProgress(ctx, f.owner, b.ID, history[0].ID, data.ProgressInput{Page: 50}, day(-3)); err != nil {
			t.Fatal(err)
		}
		if u.Page != 50 || !u.RecordedAt.Equal(wantAt) {
			t.Errorf("EditProgress = %+v, want page 50 at %v", u, wantAt)
		}
		got, err := f.reading.ProgressHistory(ctx, f.owner, b.ID)
		if err != nil || len(got) != 2 || got[1].ID != history[0].ID || got[1].Page != 50 || !got[1].RecordedAt.Equal(wantAt) {
			t.Errorf("history %+v, %v", got, err)
		}
		if p := shown(); p.Page != 100 {
			t.Errorf("the book's progress %+v, want the other update's page 100", p)
		}
		if err := f.reading.DeleteProgress(ctx, f.owner, b.ID, history[1].ID); err != nil {
			t.Fatal(err)
		}
		if p := shown(); p.Page != 50 {
			t.Errorf("the book's progress %+v after a delete, want page 50", p)
		}
		if got, _ := f.reading.ProgressHistory(ctx, f.owner, b.ID); len(got) != 1 || got[0].ID != history[0].ID {
			t.Errorf("history %+v after a delete, want the one left", got)
		}
	})
	t.Run("OKAbandonedStopsWhereItsLastUpdateSays", func(t *testing.T) {
		f, b, history := started(t)
		f.setStatus(t, b.ID, data.StatusDNF, today)
		stopped := func() int { return f.readThroughs(t, b.ID)[0].StoppedAtPage }
		if got := stopped(); got != 200 {
			t.Fatalf("stopped at %d, want 200", got)
		}
		if _, err := f.reading.EditProgress(ctx, f.owner, b.ID, history[0].ID, data.ProgressInput{Page: 250}, today); err != nil {
			t.Fatal(err)
		}
		if got := stopped(); got != 250 {
			t.Errorf("stopped at %d after a correction, want 250", got)
		}
		if err := f.reading.DeleteProgress(ctx, f.owner, b.ID, history[0].ID); err != nil {
			t.Fatal(err)
		}
		if got := stopped(); got != 100 {
			t.Errorf("stopped at %d after a delete, want 100", got)
		}
	})
	for _, tc := range []struct {
		name, field, msg string
		in               data.ProgressInput
		on               time.Time
	}{
		{"ErrPastTheEnd", "page", "Page 401 is past the end (400 pages).", data.ProgressInput{Page: 401}, day(-1)},
		{"ErrPercent", "page", "A percentage is from 0 to 100.", data.ProgressInput{Percent: 101, ByPercent: true}, day(-1)},
		{"ErrFuture", "recorded_on", "The date cannot be in the future.", data.ProgressInput{Page: 10}, day(1)},
		{"ErrBeforeStart", "recorded_on", "The date is before this reading started (" + day(-3).Format("2 January 2006") + ").",
			data.ProgressInput{Page: 10}, day(-4)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, b, history := started(t)
			_, err := f.reading.EditProgress(ctx, f.owner, b.ID, history[0].ID, tc.in, tc.on)
			assertMessage(t, err, tc.field, tc.msg)
			if got, _ := f.reading.ProgressHistory(ctx, f.owner, b.ID); !reflect.DeepEqual(got, history) {
				t.Errorf("history %+v after a refusal, want %+v", got, history)
			}
		})
	}
	t.Run("ErrAfterFinish", func(t *testing.T) {
		f, b, history := started(t)
		f.setStatus(t, b.ID, data.StatusRead, day(-2))
		_, err := f.reading.EditProgress(ctx, f.owner, b.ID, history[0].ID, data.ProgressInput{Page: 10}, day(-1))
		assertMessage(t, err, "recorded_on", "The date is after this reading finished ("+day(-2).Format("2 January 2006")+").")
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		f, b, history := started(t)
		other := mustCreate(t, f.books, f.other, data.BookInput{Title: "Emma", Author: "Jane Austen"})
		mine := mustCreate(t, f.books, f.owner, data.BookInput{Title: "Emma", Author: "Jane Austen"})
		for _, tc := range []struct {
			name        string
			owner, book int64
			update      int64
		}{
			{"another reader's book", f.other, b.ID, history[0].ID},
			{"another reader, through her own book", f.other, other.ID, history[0].ID},
			{"another book of the same reader", f.owner, mine.ID, history[0].ID},
			{"no such update", f.owner, b.ID, history[0].ID + 100},
		} {
			if _, err := f.reading.EditProgress(ctx, tc.owner, tc.book, tc.update, data.ProgressInput{Page: 1}, day(-1)); !errors.Is(err, data.ErrNotFound) {
				t.Errorf("EditProgress, %s: %v, want ErrNotFound", tc.name, err)
			}
			if err := f.reading.DeleteProgress(ctx, tc.owner, tc.book, tc.update); !errors.Is(err, data.ErrNotFound) {
				t.Errorf("DeleteProgress, %s: %v, want ErrNotFound", tc.name, err)
			}
		}
		if got, _ := f.reading.ProgressHistory(ctx, f.owner, b.ID); !reflect.DeepEqual(got, history) {
			t.Errorf("history %+v, want %+v untouched", got, history)
		}
	})
}

// TestReadingDaysInTheReadersZone dates readings and progress by the reader's day: at t0 (15:09
// UTC on 14 March) it is already 15 March in UTC+14, which is today there, not the future.
func TestReadingDaysInTheReadersZone(t *testing.T) {
	f := openReading(t)
	ctx := t.Context()
	zone := time.FixedZone("UTC+14", 14*60*60)
	local := t0.In(zone)
	want := time.Date(2025, 3, 15, 0, 0, 0, 0, time.UTC)
	started := func(id int64) time.Time {
		t.Helper()
		rts := f.readThroughs(t, id)
		if len(rts) == 0 || rts[0].StartedOn == nil {
			t.Fatalf("readings %+v, want one started", rts)
		}
		return *rts[0].StartedOn
	}

	b, err := f.books.Create(ctx, f.owner, data.BookInput{Title: "Dune", Author: "Frank Herbert", Status: data.StatusReading, Zone: zone})
	if err != nil {
		t.Fatal(err)
	}
	if got := started(b.ID); !got.Equal(want) {
		t.Errorf("a book added as being read started on %v, want %v", got, want)
	}

	b, err = f.books.Create(ctx, f.owner, data.BookInput{Title: "Emma", Author: "Jane Austen"})
	if err != nil {
		t.Fatal(err)
	}
	f.setStatus(t, b.ID, data.StatusReading, local)
	if got := started(b.ID); !got.Equal(want) {
		t.Errorf("the reading started on %v, want %v", got, want)
	}
	f.progress(t, b.ID, "40%")
	history, err := f.reading.ProgressHistory(ctx, f.owner, b.ID)
	if err != nil || len(history) != 1 {
		t.Fatalf("history %+v, %v", history, err)
	}
	// Corrected on the reader's today, the update keeps its moment.
	if _, err := f.reading.EditProgress(ctx, f.owner, b.ID, history[0].ID, data.ProgressInput{Percent: 50}, local); err != nil {
		t.Errorf("EditProgress on the reader's today: %v", err)
	}
	if h, err := f.reading.ProgressHistory(ctx, f.owner, b.ID); err != nil || !h[0].RecordedAt.Equal(t0) {
		t.Errorf("history %+v, %v; want recorded at %v", h, err, t0)
	}
	if _, err := f.reading.EditProgress(ctx, f.owner, b.ID, history[0].ID, data.ProgressInput{Percent: 50}, local.AddDate(0, 0, 1)); !hasField(err, "recorded_on") {
		t.Errorf("EditProgress on the reader's tomorrow: %v, want a problem with recorded_on", err)
	}

	day := time.Date(2025, 3, 15, 0, 0, 0, 0, zone)
	if _, err := f.reading.AddReadThrough(ctx, f.owner, b.ID, data.ReadingInput{StartedOn: &day, FinishedOn: &day, Outcome: data.StatusRead}); err != nil {
		t.Errorf("AddReadThrough on the reader's today: %v", err)
	}
	tomorrow := day.AddDate(0, 0, 1)
	if _, err := f.reading.AddReadThrough(ctx, f.owner, b.ID, data.ReadingInput{FinishedOn: &tomorrow, Outcome: data.StatusRead}); !hasField(err, "finished_on") {
		t.Errorf("AddReadThrough on the reader's tomorrow: %v, want a problem with finished_on", err)
	}
}

// hasField reports whether err is a *ValidationError with a problem with field.
func hasField(err error, field string) bool {
	var verr *data.ValidationError
	return errors.As(err, &verr) && verr.Fields[field] != ""
}
