package data

import (
	"strconv"
	"time"
)

// Span is a stretch of days the library can filter readings by (/books?finished=…, read=…): a
// day, a month, a year, or all time. The zero Span is no filter.
type Span struct {
	// Year is 0 for all time; Month is 0 for a whole year, Day 0 for a whole month.
	Year  int
	Month time.Month
	Day   int
	all   bool
}

// AllTime is the span of every day: any reading that ended on a known day.
func AllTime() Span { return Span{all: true} }

// YearSpan is the span of a year; 0 is all time.
func YearSpan(year int) Span {
	if year == 0 {
		return AllTime()
	}
	return Span{Year: year}
}

// MonthSpan is the span of a month of a year.
func MonthSpan(year int, m time.Month) Span { return Span{Year: year, Month: m} }

// DaySpan is the span of one day, the date of d.
func DaySpan(d time.Time) Span { return Span{Year: d.Year(), Month: d.Month(), Day: d.Day()} }

// msgSpan is the message for a span that is not one.
const msgSpan = "A span is a day (2026-03-05), a month (2026-03), a year (2026) or all."

// ParseSpan reads a span as the library's URL writes it: "2026-03-05", "2026-03", "2026" or
// "all"; "" is no span. Anything else is a *ValidationError for the field "finished".
func ParseSpan(s string) (Span, error) {
	bad := fieldError("finished", msgSpan)
	switch {
	case s == "":
		return Span{}, nil
	case s == "all":
		return AllTime(), nil
	case len(s) == 10:
		d, err := time.Parse(dateLayout, s)
		if err != nil || d.Year() < 1 {
			return Span{}, bad
		}
		return DaySpan(d), nil
	case len(s) != 4 && (len(s) != 7 || s[4] != '-'):
		return Span{}, bad
	}
	year, err := strconv.Atoi(s[:4])
	if err != nil || year < 1 || s[0] == '+' || s[0] == '-' {
		return Span{}, bad
	}
	if len(s) == 4 {
		return Span{Year: year}, nil
	}
	m, err := strconv.Atoi(s[5:])
	if err != nil || m < 1 || m > 12 || s[5] == '+' || s[5] == '-' {
		return Span{}, bad
	}
	return Span{Year: year, Month: time.Month(m)}, nil
}

// IsZero reports whether s is no span at all (no filter).
func (s Span) IsZero() bool { return !s.all && s.Year == 0 }

// String is the span as ParseSpan reads it, "" for none.
func (s Span) String() string {
	switch {
	case s.all:
		return "all"
	case s.Year == 0:
		return ""
	case s.Month == 0:
		return strconv.Itoa(s.Year)
	case s.Day != 0:
		return time.Date(s.Year, s.Month, s.Day, 0, 0, 0, 0, time.UTC).Format(dateLayout)
	}
	return time.Date(s.Year, s.Month, 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
}

// Label is the span in words: "5 March 2026", "March 2026", "2026", or "" for all time and none.
func (s Span) Label() string {
	if s.all || s.Year == 0 {
		return ""
	}
	if s.Month == 0 {
		return strconv.Itoa(s.Year)
	}
	if s.Day != 0 {
		return strconv.Itoa(s.Day) + " " + s.Month.String() + " " + strconv.Itoa(s.Year)
	}
	return s.Month.String() + " " + strconv.Itoa(s.Year)
}

// dates are the span's first day and the day after its last, as dates are stored; both "" for
// all time.
func (s Span) dates() (from, until string) {
	if s.all {
		return "", ""
	}
	first, next := s.bounds()
	until = next.Format(dateLayout)
	if next.Year() > 9999 {
		until = "99999" // after every date of year 9999, as text compares
	}
	return first.Format(dateLayout), until
}

// bounds are the span's first day and the day after its last (midnight UTC); zero for all time.
func (s Span) bounds() (first, next time.Time) {
	if s.all {
		return time.Time{}, time.Time{}
	}
	first = time.Date(s.Year, max(s.Month, 1), max(s.Day, 1), 0, 0, 0, 0, time.UTC)
	switch {
	case s.Day != 0:
		return first, first.AddDate(0, 0, 1)
	case s.Month != 0:
		return first, first.AddDate(0, 1, 0)
	}
	return first, first.AddDate(1, 0, 0)
}

// instants are the span's first moment and the moment after its last, the days being those of
// loc, as timestamps are stored (UTC text); both "" for all time.
func (s Span) instants(loc *time.Location) (from, until string) {
	if s.all {
		return "", ""
	}
	first, next := s.bounds()
	const layout = "2006-01-02 15:04:05"
	from = time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, loc).UTC().Format(layout)
	until = time.Date(next.Year(), next.Month(), next.Day(), 0, 0, 0, 0, loc).UTC().Format(layout)
	if next.Year() > 9999 {
		until = "99999"
	}
	return from, until
}
