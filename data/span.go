package data

import (
	"strconv"
	"time"
)

// Span is a stretch of days the library can filter readings by the end of (/books?finished=…):
// a month, a year, or all time. The zero Span is no filter.
type Span struct {
	// Year is 0 for all time; Month is 0 for a whole year.
	Year  int
	Month time.Month
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

// msgSpan is the message for a span that is not one.
const msgSpan = "A span is a month (2026-03), a year (2026) or all."

// ParseSpan reads a span as the library's URL writes it: "2026-03", "2026" or "all"; "" is no
// span. Anything else is a *ValidationError for the field "finished".
func ParseSpan(s string) (Span, error) {
	bad := fieldError("finished", msgSpan)
	switch {
	case s == "":
		return Span{}, nil
	case s == "all":
		return AllTime(), nil
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
	}
	return time.Date(s.Year, s.Month, 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
}

// Label is the span in words: "March 2026", "2026", or "" for all time and none.
func (s Span) Label() string {
	if s.all || s.Year == 0 {
		return ""
	}
	if s.Month == 0 {
		return strconv.Itoa(s.Year)
	}
	return s.Month.String() + " " + strconv.Itoa(s.Year)
}

// dates are the span's first day and the day after its last, as dates are stored; both "" for
// all time.
func (s Span) dates() (from, until string) {
	if s.all {
		return "", ""
	}
	first := time.Date(s.Year, max(s.Month, 1), 1, 0, 0, 0, 0, time.UTC)
	next := first.AddDate(1, 0, 0)
	if s.Month != 0 {
		next = first.AddDate(0, 1, 0)
	}
	until = next.Format(dateLayout)
	if next.Year() > 9999 {
		until = "99999" // after every date of year 9999, as text compares
	}
	return first.Format(dateLayout), until
}
