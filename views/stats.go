package views

import (
	"slices"
	"strconv"
	"time"

	"github.com/bookcase/bookcase/data"
)

// StatsID is the id of the stats page's goal section, which the goal form swaps.
const StatsGoalID = "stats-goal"

// Stats is the stats page: a year's figures (or all time's), the year's goal, and the choice of
// year.
type Stats struct {
	data.ReadingStats
	// ThisYear is the reader's current year, the default.
	ThisYear int
	// Goal is the year's goal and how it stands, nil when there is none (or for all time).
	Goal *data.GoalProgress
	Form GoalForm
	// YearProblem is why the year asked for is not one the stats show ("" when it is).
	YearProblem string
	YearAsked   string
	// Links are the library views the figures count, "" where none does.
	Links StatsLinks
	// Listened asks for the reading calendar of the hours listened rather than of the pages read
	// (?calendar=hours): one calendar is shown at a time, the other a link away.
	Listened bool
}

// CalendarListened reports whether the calendar shows the hours listened: when asked, or when
// nothing was read but listened to.
func (s Stats) CalendarListened() bool { return s.Minutes > 0 && (s.Listened || s.Pages == 0) }

// StatsLinks are the library views that list what the stats' figures count: the books finished
// and given up in the span, in each month (a year's only), of each top genre, author and format
// (in the order of the stats' lists) and rating (Ratings[r-1] for r half stars); the books read
// (Pages) and listened to (Hours) in the span and in each month, and on each day those of the
// calendar shown (Days, as the stats' Days: the books read, or the audiobooks listened to); the
// books the average rating (best rated first) and the other averages are of.
type StatsLinks struct {
	Finished, Abandoned      string
	Months                   [12]string
	Pages, Hours             string
	PageMonths, HourMonths   [12]string
	Days                     []string
	Ratings                  [10]string
	AverageRating, Averages  string
	Genres, Authors, Formats []string
}

// at is the link of the i-th of a list, "" past its end.
func at(links []string, i int) string {
	if i < len(links) {
		return links[i]
	}
	return ""
}

// GoalForm is the goal form as typed, its problems by field, and whether it was just saved.
type GoalForm struct {
	Unit, Target string
	Errors       map[string]string
	Saved        bool
}

// Years are the years the page links to: the one before, and the one after unless it is the
// future past next year.
func (s Stats) Years() (prev, next int) {
	if s.Year == 0 {
		return s.ThisYear, 0
	}
	prev = s.Year - 1
	if prev < data.FirstStatsYear {
		prev = 0
	}
	if s.Year < s.ThisYear {
		next = s.Year + 1
	}
	return prev, next
}

// YearName is how the page names its span.
func (s Stats) YearName() string {
	if s.Year == 0 {
		return "all time"
	}
	return strconv.Itoa(s.Year)
}

// Empty reports whether there is nothing to chart: no reading finished, given up or progressed.
func (s Stats) Empty() bool {
	return s.Finished == 0 && s.Abandoned == 0 && s.Pages == 0 && s.Minutes == 0
}

// bar is one bar of a month chart; URL is the library view it counts, "" when none does.
type bar struct {
	X, Y, Height int
	Label, Title string
	URL          string
}

// linked puts the months' library views on their bars.
func linked(bars []bar, urls [12]string) []bar {
	for i := range bars {
		bars[i].URL = urls[i]
	}
	return bars
}

// Chart geometry: twelve bars in a 480 × 140 box, the bottom 20 for the months' initials.
const (
	chartWidth  = 480
	chartHeight = 120
	barStep     = chartWidth / 12
	barWidth    = 26
)

// monthBars lays out the months' values as bars scaled to the largest, with their titles (say
// writes a value: "2 books").
func monthBars(months [12]data.MonthFigures, value func(data.MonthFigures) int, say func(int) string) []bar {
	most := 0
	for _, m := range months {
		most = max(most, value(m))
	}
	bars := make([]bar, 12)
	for i, m := range months {
		v, h := value(m), 0
		if most > 0 {
			h = v * (chartHeight - 4) / most
			if v > 0 {
				h = max(h, 2)
			}
		}
		bars[i] = bar{X: i*barStep + (barStep-barWidth)/2, Y: chartHeight - h, Height: h,
			Label: m.Month.String()[:1], Title: m.Month.String() + ": " + say(v)}
	}
	return bars
}

// books, pages and days write a count with its unit.
func books(n int) string { return plural(n, "book") }
func pages(n int) string { return plural(n, "page") }

// hours writes minutes as hours to the tenth: "12.5", "1,024", "0".
func hours(minutes int) string {
	tenths := (minutes*10 + 30) / 60
	s := data.Thousands(tenths / 10)
	if tenths%10 != 0 {
		s += "." + strconv.Itoa(tenths%10)
	}
	return s
}

// listened writes minutes as hours listened: "1 hour", "2.5 hours".
func listened(minutes int) string {
	if h := hours(minutes); h != "1" {
		return h + " hours"
	}
	return "1 hour"
}

// formatShares are the formats' shares named as the reader reads them ("Audiobook").
func formatShares(shares []data.Share) []data.Share {
	out := make([]data.Share, len(shares))
	for i, sh := range shares {
		out[i] = sh
		out[i].Name = data.Format(sh.Name).Label()
	}
	return out
}

// plural writes n and the unit, with an s unless n is 1.
func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return data.Thousands(n) + " " + unit + "s"
}

// week is a column of the reading calendar, a week from Monday: its days, in order, and where it
// stands. Each day's size and row are the stylesheet's (by its place in the week), so that a
// day costs the page its shade, its name and its link alone: at 100,000 books, a calendar of
// every day read, with each day's place and size and its name twice (as a label and a title),
// was 79 KB of the stats page's 229.
type week struct {
	// Transform moves the week to its column.
	Transform string
	Days      []cell
}

// cell is one day of the reading calendar.
type cell struct {
	// Level is the day's shade: 0 for a day not read, 1 to 4 for more and more read.
	Level int
	// Y is the day's row in its week, as the y attribute of its use: "0" for Monday, "13" for
	// Tuesday ... (attributes, not CSS: CSS geometry properties on SVG are not in every browser).
	Y string
	// Name names the day and its amount, for a screen reader and as the day's title on hover;
	// URL is the library view of the books read that day, "" for a day without reading
	// (nothing to list), which is shown as not read.
	Name, URL string
}

// Calendar geometry: a column a week (Monday first), 13 px a day, each day an 11 px square
// (views/stats.templ: calendar).
const calendarStep = 13

// calendarWeeks lays out a year's days as a week a column, shaded by pages read (or, with
// minutes, by minutes listened), up to today; a day read links to urls[i], its library view.
func calendarWeeks(days []data.DayPages, today time.Time, minutes bool, urls []string) []week {
	if len(days) == 0 {
		return nil
	}
	offset := (int(days[0].Day.Weekday()) + 6) % 7 // Monday is 0
	weeks := make([]week, 0, (len(days)+offset+6)/7)
	cells := make([]cell, 0, len(days)) // the weeks' days, in one allocation
	for i, d := range days {
		if d.Day.After(today) {
			break
		}
		pos := i + offset
		if i == 0 || pos%7 == 0 {
			weeks = append(weeks, week{Transform: "translate(" + strconv.Itoa(pos/7*calendarStep) + ")"})
		}
		amount, level := pages(d.Pages), pageLevel(d.Pages)
		if minutes {
			amount, level = listened(d.Minutes), minuteLevel(d.Minutes)
		}
		// One string for the name: Format and the joins each made their own.
		c := cell{Y: strconv.Itoa(pos % 7 * calendarStep),
			Name: d.Day.Weekday().String() + " " + strconv.Itoa(d.Day.Day()) + " " + d.Day.Month().String() + ": " + amount}
		if level > 0 {
			c.Level, c.URL = level, at(urls, i)
		}
		cells = append(cells, c)
		w := &weeks[len(weeks)-1]
		w.Days = cells[len(cells)-len(w.Days)-1 : len(cells)]
	}
	return weeks
}

// linkedDays reports whether any of the calendar's days is a link.
func linkedDays(weeks []week) bool {
	return slices.ContainsFunc(weeks, func(w week) bool {
		return slices.ContainsFunc(w.Days, func(c cell) bool { return c.URL != "" })
	})
}

// monthDays is a month's row of a calendar's table: the day's figure, "" for a day the month has
// not, or that has not come yet.
type monthDays struct {
	Month string
	Days  [31]string
}

// calendarTable is a calendar's numbers as a table: a row a month, a column a day of the
// month, the pages read (or hours listened) each day up to today. The numbers are not links:
// the calendar's days are, each named in full.
func calendarTable(days []data.DayPages, today time.Time, minutes bool) []monthDays {
	rows := make([]monthDays, 12)
	for m := range rows {
		rows[m].Month = time.Month(m + 1).String()
	}
	for _, d := range days {
		if d.Day.After(today) {
			break
		}
		n := data.Thousands(d.Pages)
		if minutes {
			n = hours(d.Minutes)
		}
		rows[d.Day.Month()-1].Days[d.Day.Day()-1] = n
	}
	return rows
}

// pageLevel is the shade of a day that read pages, 0 for none.
func pageLevel(pages int) int {
	switch {
	case pages <= 0:
		return 0
	case pages <= 20:
		return 1
	case pages <= 50:
		return 2
	case pages <= 100:
		return 3
	}
	return 4
}

// minuteLevel is the shade of a day that listened: the steps of pageLevel at a page a minute and
// a half, about what an audiobook takes for a page.
func minuteLevel(minutes int) int {
	switch {
	case minutes <= 0:
		return 0
	case minutes <= 30:
		return 1
	case minutes <= 75:
		return 2
	case minutes <= 150:
		return 3
	}
	return 4
}

// ratingRow is a rating's place in the distribution: its stars ("4.5"), books, the bar's width
// (scaled to the most rated), its title and its library view.
type ratingRow struct {
	Stars        string
	Books, Width int
	Title, URL   string
}

// ratingStep is the height of a rating's row in the chart, ratingWidth its longest bar's width.
const (
	ratingStep  = 16
	ratingWidth = 180
)

// ratingRows are the ratings from five stars down to half a star, with their links.
func ratingRows(r [10]int, urls [10]string) []ratingRow {
	most := slices.Max(r[:])
	rows := make([]ratingRow, 0, 10)
	for i := 9; i >= 0; i-- {
		row := ratingRow{Stars: data.Rating(i + 1).String(), Books: r[i], URL: urls[i]}
		if most > 0 {
			row.Width = r[i] * ratingWidth / most
			if r[i] > 0 {
				row.Width = max(row.Width, 2)
			}
		}
		stars := "stars"
		if i == 1 {
			stars = "star"
		}
		row.Title = row.Stars + " " + stars + ": " + books(r[i])
		rows = append(rows, row)
	}
	return rows
}

// goalLine says how a goal stands, in words.
func goalLine(g data.GoalProgress) string {
	unit := string(g.Unit[:len(g.Unit)-1])
	switch {
	case g.Over && g.Done >= g.Target:
		return "Goal made: " + plural(g.Done, unit) + " of " + data.Thousands(g.Target) + "."
	case g.Over:
		return "Goal missed by " + plural(g.Target-g.Done, unit) + "."
	case g.Done >= g.Target:
		return "Goal made, " + plural(g.Done-g.Target, unit) + " over."
	case g.Ahead > 0:
		return plural(g.Ahead, unit) + " ahead of schedule."
	case g.Ahead < 0:
		return plural(-g.Ahead, unit) + " behind schedule."
	}
	return "On schedule."
}

// paceLine says what the rest of the year needs, or "" when nothing does.
func paceLine(g data.GoalProgress) string {
	if g.PerWeek == 0 {
		return ""
	}
	return strconv.FormatFloat(g.PerWeek, 'f', -1, 64) + " " + string(g.Unit) + " a week from now makes it."
}

// BestMonth is the month with the most pages read (the first of equals), and false when no page
// was.
func (s Stats) BestMonth() (data.MonthFigures, bool) {
	best := s.Months[0]
	for _, m := range s.Months[1:] {
		if m.Pages > best.Pages {
			best = m
		}
	}
	return best, best.Pages > 0
}

// figureCover is the cover of a book a figure singles out, small or large; fetched through the
// share's link when token is set.
func figureCover(b data.BookFigure, large bool, token string) CoverView {
	size := "s"
	if large {
		size = "l"
	}
	c := coverView(b.Title, b.Cover, size)
	if token != "" && b.Cover != "" {
		c.URL = SharedCoverURL(token, b.Cover, size)
	}
	return c
}

// ReviewShareID is the id of the review page's share section, which its forms replace.
const ReviewShareID = "review-share"

// ShareView is whether a review is shared: its link (absolute, "" when not shared) and whether
// it names the reader; Focus puts the focus on its button, after a change.
type ShareView struct {
	URL      string
	ShowName bool
	Focus    bool
}

// PublicReview is what a shared review's page needs besides the stats: its token (for the
// covers' URLs) and the reader's name, "" unless they chose to show it.
type PublicReview struct {
	Token, Name string
}
