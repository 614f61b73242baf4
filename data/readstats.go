package data

import (
	"cmp"
	"container/heap"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
)

// Pages read are counted on the days they were read, by these rules (pagesByDay; each has a
// test in readstats_test.go):
//   - A progress update adds the pages it moves past the furthest point of its reading so far,
//     on its day (in the reader's time zone). A first update counts from the start of the
//     book; an update that goes backwards (a correction) adds nothing, and reading past it
//     again counts only past the furthest point, so that no page counts twice.
//   - A percentage is that share of the book's pages; in a book of unknown length it counts no
//     pages (there are none to count).
//   - A finished reading adds the pages its updates did not reach on its finish day; without
//     any update, the whole book is spread evenly over its days, start to finish (the first
//     days taking the odd pages), or lands on the finish day when the start is not known. A
//     reading with neither date (read, date unknown) counts on no day.
//   - A reading given up without updates spreads the page it stopped at in the same way.
//   - Each reading counts: a re-read counts its pages again. Deleted books count nowhere.
//   - An audiobook counts no pages: it is listened to, and its length and positions are in
//     minutes. Its minutes are counted by the same rules, on their own (Minutes: hours listened);
//     no page is turned into minutes or back. It is among the books finished, and has no place
//     among the shortest, longest or average lengths.
//   - A day with pages read or minutes listened is a day of a streak.

// readingFacts is one reading of a book as the stats count it. The readings stream past the
// stats one at a time (eachReading), in no particular order, and are not kept.
type readingFacts struct {
	ReadThroughID int64
	BookID        int64
	// StartedOn and FinishedOn are dates at midnight UTC, zero when not known.
	StartedOn, FinishedOn time.Time
	Outcome               Status
	StoppedAtPage         int
	Author                string
	Genre                 string
	Pages                 int
	Rating                Rating
	// Format tells pages from minutes: an audiobook's length and positions are minutes, which
	// count in no figure of pages.
	Format Format

	progress []progressRow
}

// pagesByDay calls add with the pages the reading covered on the days it counts them, following
// the rules above: each pages on every day from first to last (dates at midnight UTC: the
// reader's days). A spread over a long reading is one call, not one a day.
func (f readingFacts) pagesByDay(loc *time.Location, add func(first, last time.Time, each int)) {
	furthest := 0
	for _, p := range f.progress {
		at, ok := p.page(f.Pages)
		if !ok || at <= furthest {
			continue
		}
		day := dateOf(p.RecordedAt.In(loc))
		add(day, day, at-furthest)
		furthest = at
	}
	var rest int
	switch {
	case f.Outcome == StatusRead:
		rest = f.Pages - furthest
	case f.Outcome == StatusDNF && len(f.progress) == 0:
		rest = f.StoppedAtPage
	}
	if rest <= 0 || f.FinishedOn.IsZero() {
		return
	}
	last := dateOf(f.FinishedOn)
	if len(f.progress) > 0 || f.StartedOn.IsZero() || !f.StartedOn.Before(last) {
		add(last, last, rest)
		return
	}
	first := dateOf(f.StartedOn)
	days := dayNumber(last) - dayNumber(first) + 1
	each, odd := rest/days, rest%days
	if odd > 0 {
		add(first, first.AddDate(0, 0, odd-1), each+1)
	}
	if each > 0 {
		add(first.AddDate(0, 0, odd), last, each)
	}
}

// dayNumber counts the days from 1 January 1970 to the date d (midnight UTC).
func dayNumber(d time.Time) int { return int(d.Unix() / (24 * 60 * 60)) }

// dayOfNumber is the date dayNumber counts n for.
func dayOfNumber(n int) time.Time { return time.Unix(int64(n)*24*60*60, 0).UTC() }

// Figures are what the reader read in a span of time: a year, or all time.
type Figures struct {
	Finished  int // readings finished (re-reads count again)
	Abandoned int // readings given up
	Pages     int
	Minutes   int // listened, of audiobooks
}

// MonthFigures are a month's books finished, pages read and minutes listened.
type MonthFigures struct {
	Month    time.Month
	Finished int
	Pages    int
	Minutes  int
}

// Share is a name's count of the books finished, and its part of them.
type Share struct {
	Name    string
	Books   int
	Percent int
}

// BookFigure is one book singled out by a figure: its length, or the days it took.
type BookFigure struct {
	ID     int64
	Title  string
	Author string
	Pages  int
	Days   int
	Rating Rating
	// FinishedOn is when the reading counted finished.
	FinishedOn time.Time
	// Cover is the hash of the book's cover, "" when it has none.
	Cover string
}

// DayPages is the pages read and the minutes listened on one day.
type DayPages struct {
	Day     time.Time
	Pages   int
	Minutes int
}

// ReadingStats is what the stats page shows for a year, or all time (Year 0).
type ReadingStats struct {
	Year int
	// Today is the reader's day when the stats were made: the calendar and the streak stop there.
	Today time.Time
	Figures
	// LastYear are the year before's figures; zero for all time.
	LastYear Figures
	Months   [12]MonthFigures
	// Days are the days of the year (all of them, in order; none for all time) with their pages
	// and minutes.
	Days                         []DayPages
	LongestStreak, CurrentStreak int
	// Genres, Authors and Formats (a Format's name) are the most read, topShares of each.
	Genres, Authors, Formats []Share
	// Ratings counts the finished readings' books by rating, in half stars: Ratings[r-1] for r.
	Ratings [10]int
	// AverageRating is in stars (0 when none was rated); AveragePages and AverageDays are over
	// the finished readings of a known length and known dates.
	AverageRating              float64
	AveragePages, AverageDays  int
	Shortest, Longest, Fastest *BookFigure
	// HighestRated is the best rated of the books finished (the first finished of those rated
	// the same); First and Last the first and last finished; Books those finished, in the order
	// they were, the first reviewBooks of them. For a year only.
	HighestRated, First, Last *BookFigure
	Books                     []BookFigure
}

// reviewBooks is how many of a year's finished books the Year in Review shows.
const reviewBooks = 120

// topShares is how many genres, authors and formats the stats list.
const topShares = 5

// computeYearStats computes the owner's reading stats for year (0: all time), days being the
// reader's in loc, as of now (YearStats keeps them).
func (s *ReadingStore) computeYearStats(ctx context.Context, owner int64, year int, loc *time.Location) (ReadingStats, error) {
	today := dateOf(s.db.now().In(loc))
	var from, to time.Time // the dates counted: the year before too, for LastYear
	if year != 0 {
		from, to = time.Date(year-1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)
	}
	t := newTally(year, loc)
	if err := s.eachReading(ctx, owner, from, to, t.add); err != nil {
		return ReadingStats{}, fmt.Errorf("reading stats: %w", err)
	}
	st := t.stats(today)
	if err := s.figureDetails(ctx, owner, &st); err != nil {
		return ReadingStats{}, fmt.Errorf("reading stats: %w", err)
	}
	return st, nil
}

// tally adds the readings up into a year's stats (or all time's) as they stream past, in any
// order: it keeps the sums and counts, and of the books only those it singles out.
type tally struct {
	year int
	loc  *time.Location
	st   ReadingStats
	// Pages and minutes are added up by day as ranges (a difference array: +each where a range
	// starts, -each the day after it ends), then swept day by day once.
	pageRanges, minuteRanges   map[int]int
	genres, authors, formats   map[string]int
	rated, ratingSum, lengths  int
	pagesSum, timed, daysSum   int
	last, highest              standout
	shortest, longest, fastest standout
	books                      reviewList
}

// reviewList keeps the reviewBooks readings finished first as they stream past (of those finished
// the same day, the ones entered first: the lowest ids), and only those: a heap whose top is the
// last of them, which a reading finished before it takes the place of.
type reviewList []standout

// finishedBefore orders readings by the day they were finished, then by id.
func finishedBefore(a, b standout) int {
	return cmp.Or(a.book.FinishedOn.Compare(b.book.FinishedOn), cmp.Compare(a.reading, b.reading))
}

func (l reviewList) Len() int           { return len(l) }
func (l reviewList) Less(i, j int) bool { return finishedBefore(l[i], l[j]) > 0 }
func (l reviewList) Swap(i, j int)      { l[i], l[j] = l[j], l[i] }
func (l *reviewList) Push(x any)        { *l = append(*l, x.(standout)) }
func (l *reviewList) Pop() any {
	old := *l
	last := old[len(old)-1]
	*l = old[:len(old)-1]
	return last
}

// add offers the list a reading.
func (l *reviewList) add(s standout) {
	switch {
	case len(*l) < reviewBooks:
		heap.Push(l, s)
	case finishedBefore(s, (*l)[0]) < 0:
		(*l)[0] = s
		heap.Fix(l, 0)
	}
}

// standout is a book a figure singles out, with its reading's id: the readings come in no
// particular order, and of those a figure ranks the same, the one entered first (the lowest
// id; for the last book finished, the highest) stands out, whatever the order.
type standout struct {
	reading int64
	book    BookFigure
	ok      bool
}

// beats tells whether the reading of book ranks before the standout s by compare (negative:
// before), or ties with it and comes first in the order of ids that dir gives (1: lowest first,
// -1: highest). Any reading beats no standout.
func (s standout) beats(reading int64, book BookFigure, compare func(a, b BookFigure) int, dir int) bool {
	return !s.ok || cmp.Or(compare(book, s.book), dir*cmp.Compare(reading, s.reading)) < 0
}

func newTally(year int, loc *time.Location) *tally {
	return &tally{
		year: year, loc: loc,
		pageRanges: map[int]int{}, minuteRanges: map[int]int{},
		genres: map[string]int{}, authors: map[string]int{}, formats: map[string]int{},
	}
}

func (t *tally) add(f *readingFacts) {
	st, year := &t.st, t.year
	ranges := t.pageRanges
	if f.Format.Timed() {
		ranges = t.minuteRanges
	}
	f.pagesByDay(t.loc, func(first, last time.Time, each int) {
		ranges[dayNumber(first)] += each
		ranges[dayNumber(last)+1] -= each
	})
	pages := f.Pages
	if f.Format.Timed() {
		pages = 0 // minutes: no length among the books'
	}
	if f.FinishedOn.IsZero() || f.Outcome == StatusReading {
		return
	}
	finished := dateOf(f.FinishedOn)
	if year != 0 && finished.Year() == year-1 {
		if f.Outcome == StatusRead {
			st.LastYear.Finished++
		} else {
			st.LastYear.Abandoned++
		}
		return
	}
	if year != 0 && finished.Year() != year {
		return
	}
	if f.Outcome == StatusDNF {
		st.Abandoned++
		return
	}
	st.Finished++
	st.Months[finished.Month()-1].Finished++
	if f.Genre != "" {
		t.genres[f.Genre]++
	}
	t.authors[f.Author]++
	t.formats[string(f.Format)]++
	if f.Rating > 0 {
		st.Ratings[f.Rating-1]++
		t.rated++
		t.ratingSum += int(f.Rating)
	}
	// The title is read afterwards, for the books singled out only (figureDetails).
	book := BookFigure{ID: f.BookID, Author: f.Author, Pages: pages, Rating: f.Rating, FinishedOn: finished}
	id := f.ReadThroughID
	pick := func(s *standout, book BookFigure, compare func(a, b BookFigure) int, dir int) {
		if s.beats(id, book, compare, dir) {
			*s = standout{reading: id, book: book, ok: true}
		}
	}
	byFinish := func(a, b BookFigure) int { return a.FinishedOn.Compare(b.FinishedOn) }
	if year != 0 {
		t.books.add(standout{reading: id, book: book, ok: true})
		pick(&t.last, book, func(a, b BookFigure) int { return -byFinish(a, b) }, -1)
		if f.Rating > 0 {
			pick(&t.highest, book, func(a, b BookFigure) int {
				return cmp.Or(cmp.Compare(b.Rating, a.Rating), byFinish(a, b))
			}, 1)
		}
	}
	if pages > 0 {
		t.lengths++
		t.pagesSum += pages
		pick(&t.shortest, book, func(a, b BookFigure) int { return cmp.Compare(a.Pages, b.Pages) }, 1)
		pick(&t.longest, book, func(a, b BookFigure) int { return cmp.Compare(b.Pages, a.Pages) }, 1)
	}
	if !f.StartedOn.IsZero() {
		days := int(finished.Sub(dateOf(f.StartedOn)).Hours()/24+0.5) + 1
		t.timed++
		t.daysSum += days
		book.Days = days
		pick(&t.fastest, book, func(a, b BookFigure) int { return cmp.Compare(a.Days, b.Days) }, 1)
	}
}

// stats are the figures of the readings added, as of today.
func (t *tally) stats(today time.Time) ReadingStats {
	st, year := t.st, t.year
	st.Year, st.Today = year, today
	in := func(d time.Time, y int) bool { return y == 0 || d.Year() == y }
	if t.rated > 0 {
		st.AverageRating = math.Round(float64(t.ratingSum)/float64(t.rated)/2*10) / 10
	}
	if t.lengths > 0 {
		st.AveragePages = int(math.Round(float64(t.pagesSum) / float64(t.lengths)))
	}
	if t.timed > 0 {
		st.AverageDays = int(math.Round(float64(t.daysSum) / float64(t.timed)))
	}
	st.Genres, st.Authors, st.Formats = shares(t.genres, st.Finished), shares(t.authors, st.Finished), shares(t.formats, st.Finished)
	for m := range st.Months {
		st.Months[m].Month = time.Month(m + 1)
	}
	readOn := mergeDays(sweep(t.pageRanges), sweep(t.minuteRanges))
	for _, d := range readOn {
		switch {
		case in(d.Day, year):
			st.Pages += d.Pages
			st.Minutes += d.Minutes
			st.Months[d.Day.Month()-1].Pages += d.Pages
			st.Months[d.Day.Month()-1].Minutes += d.Minutes
		case year != 0 && d.Day.Year() == year-1:
			st.LastYear.Pages += d.Pages
			st.LastYear.Minutes += d.Minutes
		}
	}
	if year != 0 {
		byDay := make(map[time.Time]DayPages, len(readOn))
		for _, d := range readOn {
			byDay[d.Day] = d
		}
		first := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
		for d := first; d.Year() == year; d = d.AddDate(0, 0, 1) {
			st.Days = append(st.Days, DayPages{Day: d, Pages: byDay[d].Pages, Minutes: byDay[d].Minutes})
		}
		readOn = slices.DeleteFunc(readOn, func(d DayPages) bool { return d.Day.Year() != year })
	}
	st.LongestStreak, st.CurrentStreak = streaks(readOn, today)
	figure := func(s standout) *BookFigure {
		if !s.ok {
			return nil
		}
		return &s.book
	}
	st.Last, st.HighestRated = figure(t.last), figure(t.highest)
	st.Shortest, st.Longest, st.Fastest = figure(t.shortest), figure(t.longest), figure(t.fastest)
	// The Year in Review lists the first reviewBooks readings finished, in the order they were.
	// The first of them is the year's first book, by the same order (finishedBefore).
	slices.SortFunc(t.books, finishedBefore)
	for _, b := range t.books {
		st.Books = append(st.Books, b.book)
	}
	if len(t.books) > 0 {
		st.First = figure(t.books[0])
	}
	return st
}

// figureDetails reads the titles and covers of the books the stats single out or list.
func (s *ReadingStore) figureDetails(ctx context.Context, owner int64, st *ReadingStats) error {
	figures := []*BookFigure{st.Shortest, st.Longest, st.Fastest, st.HighestRated, st.First, st.Last}
	for i := range st.Books {
		figures = append(figures, &st.Books[i])
	}
	ids := []any{owner}
	for _, f := range figures {
		if f != nil {
			ids = append(ids, f.ID)
		}
	}
	if len(ids) == 1 {
		return nil
	}
	var rows []struct {
		ID    int64          `db:"id"`
		Title string         `db:"title"`
		Hash  sql.NullString `db:"hash"`
	}
	marks := strings.Repeat("?, ", len(ids)-2) + "?"
	if err := s.db.selectAll(ctx, &rows, `SELECT b.id, b.title, c.hash FROM books b LEFT JOIN covers c ON c.book_id = b.id
		WHERE b.owner_id = ? AND b.id IN (`+marks+`)`, ids...); err != nil {
		return err
	}
	type details struct{ title, cover string }
	byID := make(map[int64]details, len(rows))
	for _, r := range rows {
		byID[r.ID] = details{r.Title, r.Hash.String}
	}
	for _, f := range figures {
		if f != nil {
			f.Title, f.Cover = byID[f.ID].title, byID[f.ID].cover
		}
	}
	return nil
}

// dayCount is a count (pages or minutes) on a day, by its dayNumber.
type dayCount struct{ day, n int }

// sweep turns a difference array by day number into the days with a count, in order.
func sweep(ranges map[int]int) []dayCount {
	days := slices.Sorted(maps.Keys(ranges))
	var out []dayCount
	n := 0
	for i, day := range days {
		n += ranges[day]
		if n <= 0 {
			continue
		}
		end := math.MaxInt
		if i+1 < len(days) {
			end = days[i+1]
		}
		for d := day; d < end; d++ {
			out = append(out, dayCount{day: d, n: n})
		}
	}
	return out
}

// mergeDays joins the days with pages and those with minutes (each in order) into the days
// with either, in order.
func mergeDays(pages, minutes []dayCount) []DayPages {
	out := make([]DayPages, 0, max(len(pages), len(minutes)))
	i, j := 0, 0
	for i < len(pages) || j < len(minutes) {
		switch {
		case j == len(minutes) || i < len(pages) && pages[i].day < minutes[j].day:
			out = append(out, DayPages{Day: dayOfNumber(pages[i].day), Pages: pages[i].n})
			i++
		case i == len(pages) || minutes[j].day < pages[i].day:
			out = append(out, DayPages{Day: dayOfNumber(minutes[j].day), Minutes: minutes[j].n})
			j++
		default:
			out = append(out, DayPages{Day: dayOfNumber(pages[i].day), Pages: pages[i].n, Minutes: minutes[j].n})
			i++
			j++
		}
	}
	return out
}

// streaks returns the longest run of consecutive days among days (those with pages read or
// minutes listened, in order), and the run that ends today (or yesterday, when nothing is read
// yet today).
func streaks(days []DayPages, today time.Time) (longest, current int) {
	run, prev, t := 0, 0, dayNumber(today)
	for i, d := range days {
		n := dayNumber(d.Day)
		if i > 0 && n == prev+1 {
			run++
		} else {
			run = 1
		}
		prev = n
		longest = max(longest, run)
		if n == t || n == t-1 {
			current = run
		}
	}
	return longest, current
}

// shares returns the topShares names with most books, most first (then by name), with their
// part of total.
func shares(counts map[string]int, total int) []Share {
	out := make([]Share, 0, len(counts))
	for name, n := range counts {
		out = append(out, Share{Name: name, Books: n, Percent: int(math.Round(float64(n) * 100 / float64(total)))})
	}
	slices.SortFunc(out, func(a, b Share) int {
		return cmp.Or(cmp.Compare(b.Books, a.Books), cmp.Compare(a.Name, b.Name))
	})
	return out[:min(len(out), topShares)]
}

// eachReading calls add with each of the owner's readings of live books that may count between
// from and to (every one when both are zero), with its progress updates in the order they were
// made, in no particular order. The reading passed is add's only for the call: it is the next
// reading's after it.
//
// The readings stream past rather than being kept: at 100,000 books, keeping the 64,000 readings
// with their titles held some 25 MB while the stats were computed, and the Go runtime let the
// heap grow to three times that (GOGC=200) before collecting it.
func (s *ReadingStore) eachReading(ctx context.Context, owner int64, from, to time.Time, add func(*readingFacts)) error {
	span := `1 = 1`
	var args []any
	if !from.IsZero() {
		// A reading counts in the span if it ended in it, or is open or undated (its updates may
		// fall in it), or spans it.
		span = `(r.finished_on IS NULL OR r.finished_on >= ?) AND (r.started_on IS NULL OR r.started_on <= ?)`
		args = []any{from.Format(dateLayout), to.Format(dateLayout)}
	}
	// The updates first, all of them (a reading's are needed when it passes), sorted by reading.
	progress, err := s.statsProgress(ctx, span, append([]any{owner}, args...))
	if err != nil {
		return err
	}
	// Both are scanned by hand, with their dates read as text and parsed with the one layout
	// they have: through sqlx and the driver's own parsing of DATE columns (which tries six
	// layouts before the date's own, each failure allocating an error), reading 63,000
	// readings and 43,000 updates took 0.8 s and 207 MB (BenchmarkYearStats at 100,000 books).
	rows, err := s.db.query(ctx, `
		SELECT r.id, r.book_id, CAST(r.started_on AS TEXT), CAST(r.finished_on AS TEXT), r.outcome,
		       COALESCE(r.stopped_at_page, 0), b.author, b.genre, COALESCE(b.pages, 0),
		       COALESCE(b.rating, 0), b.format
		FROM read_throughs r JOIN books b ON b.id = r.book_id
		WHERE b.owner_id = ? AND b.deleted_at IS NULL AND b.pending_import IS NULL AND `+span,
		append([]any{owner}, args...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	// The texts are read without a copy (sql.RawBytes, valid until the next row): the outcome
	// and the format are one of a few constants, authors and genres repeat from book to book and
	// are kept once each (intern), and dates are read in place.
	var started, finished, outcome, author, genre, format sql.RawBytes
	names := map[string]string{}
	intern := func(b []byte) string {
		if s, ok := names[string(b)]; ok {
			return s
		}
		s := string(b)
		names[s] = s
		return s
	}
	// One row to scan into, whose fields' addresses Scan takes (which would put a fresh one on
	// the heap each row).
	var f readingFacts
	for rows.Next() {
		if err := rows.Scan(&f.ReadThroughID, &f.BookID, &started, &finished, &outcome, &f.StoppedAtPage,
			&author, &genre, &f.Pages, &f.Rating, &format); err != nil {
			return storeError(err)
		}
		f.Outcome, f.Format = Status(intern(outcome)), Format(intern(format))
		f.Author, f.Genre = intern(author), intern(genre)
		if f.StartedOn, err = parseDateText(started); err != nil {
			return err
		}
		if f.FinishedOn, err = parseDateText(finished); err != nil {
			return err
		}
		at, _ := slices.BinarySearchFunc(progress, f.ReadThroughID, func(p progressRow, id int64) int { return cmp.Compare(p.ReadThroughID, id) })
		end := at
		for end < len(progress) && progress[end].ReadThroughID == f.ReadThroughID {
			end++
		}
		f.progress = progress[at:end]
		add(&f)
	}
	return storeError(rows.Err())
}

// statsProgress reads the progress updates of the owner's readings of live books in span (the
// owner and span's arguments in args), sorted by reading, then in the order they were made.
func (s *ReadingStore) statsProgress(ctx context.Context, span string, args []any) ([]progressRow, error) {
	var progress []progressRow
	rows, err := s.db.query(ctx, `
		SELECT p.id, p.read_through_id, p.page, p.percent, CAST(p.recorded_at AS TEXT) FROM progress_updates p
		JOIN read_throughs r ON r.id = p.read_through_id JOIN books b ON b.id = r.book_id
		WHERE b.owner_id = ? AND b.deleted_at IS NULL AND b.pending_import IS NULL AND `+span, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var recorded sql.RawBytes
	var p progressRow
	for rows.Next() {
		if err := rows.Scan(&p.ID, &p.ReadThroughID, &p.Page, &p.Percent, &recorded); err != nil {
			return nil, storeError(err)
		}
		var ok bool
		if p.RecordedAt, ok = utcTimestamp(recorded); !ok {
			if p.RecordedAt, err = parseTimestamp(string(recorded)); err != nil {
				return nil, fmt.Errorf("progress update %d: %w", p.ID, err)
			}
		}
		progress = append(progress, p)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError(err)
	}
	// Sorted here rather than by SQLite, which read them in the order of the books' index and
	// sorted them in a temporary b-tree (a third of the time).
	slices.SortFunc(progress, func(a, b progressRow) int {
		return cmp.Or(cmp.Compare(a.ReadThroughID, b.ReadThroughID), a.RecordedAt.Compare(b.RecordedAt), cmp.Compare(a.ID, b.ID))
	})
	return progress, nil
}

// parseTimestamp reads a TIMESTAMP column's text: in the layout the driver writes a time.Time
// in (go-sqlite3's first SQLiteTimestampFormats), else in any of the others it reads, in UTC.
func parseTimestamp(s string) (time.Time, error) {
	s = strings.TrimSuffix(s, "Z") // as the driver does
	for _, layout := range sqlite3.SQLiteTimestampFormats {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("read time %q: not a time SQLite's driver writes", s)
}

// parseDateText is parseDate of a column's text read in place (the zero time for NULL), without
// a copy for a date in dateLayout.
func parseDateText(b []byte) (time.Time, error) {
	if b == nil {
		return time.Time{}, nil
	}
	if d, ok := dateText(b); ok {
		return d, nil
	}
	d, err := parseDate(sql.NullString{String: string(b), Valid: true})
	if err != nil {
		return time.Time{}, err
	}
	return *d, nil
}

// dateText reads a date in dateLayout ("2026-03-05") at midnight UTC, or reports false.
func dateText(b []byte) (time.Time, bool) {
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return time.Time{}, false
	}
	y, oky := digitsAt(b[0:4])
	m, okm := digitsAt(b[5:7])
	d, okd := digitsAt(b[8:10])
	if !oky || !okm || !okd || m < 1 || m > 12 || d < 1 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // 30 February
		return time.Time{}, false
	}
	return t, true
}

// utcTimestamp reads a timestamp as the driver writes one in UTC ("2026-03-05 23:30:00",
// with a fraction of a second or not, then "+00:00", "Z" or nothing), or reports false; others go
// through parseTimestamp. Reading the 43,000 updates of 100,000 seeded books with time.Parse
// after copying each into a string was most of what the updates cost.
func utcTimestamp(b []byte) (time.Time, bool) {
	if len(b) < 19 || b[10] != ' ' && b[10] != 'T' || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	day, ok := dateText(b[:10])
	h, okh := digitsAt(b[11:13])
	mi, okm := digitsAt(b[14:16])
	sec, oks := digitsAt(b[17:19])
	if !ok || !okh || !okm || !oks || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	rest, nanos := b[19:], 0
	if len(rest) > 0 && rest[0] == '.' {
		i := 1
		for scale := 100_000_000; i < len(rest) && isASCIIDigit(rest[i]); i++ {
			nanos += int(rest[i]-'0') * scale
			scale /= 10
		}
		if i == 1 || i > 10 {
			return time.Time{}, false
		}
		rest = rest[i:]
	}
	switch string(rest) {
	case "", "Z", "+00:00", "-00:00":
	default:
		return time.Time{}, false
	}
	return day.Add(time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute + time.Duration(sec)*time.Second + time.Duration(nanos)), true
}

// digitsAt reads a run of ASCII digits.
func digitsAt(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if !isASCIIDigit(c) {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(b) > 0
}

// parseDate reads a DATE column's text, NULL being no date: dateLayout, as the store writes
// dates, or a timestamp whose date is taken.
func parseDate(s sql.NullString) (*time.Time, error) {
	if !s.Valid {
		return nil, nil
	}
	d, err := time.Parse(dateLayout, s.String)
	if err != nil {
		t, terr := parseTimestamp(s.String)
		if terr != nil {
			return nil, fmt.Errorf("read date %q: %w", s.String, err)
		}
		d = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
	return &d, nil
}
