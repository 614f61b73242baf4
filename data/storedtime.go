package data

import (
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
)

// storedTime scans a time column into T, or into Null when the column may be NULL. A query
// selects the column as COALESCE(col, col): on SQLite that is the column's value without its
// declared type, which go-sqlite3 hands over as the stored text instead of trying its layouts on
// it one by one (for the library page's fifty added times, about a sixth of the Go time its query
// took at 100,000 books); on PostgreSQL it is the column itself, which pgx gives as a time.Time.
// The text (or number) becomes the time go-sqlite3 would have made of it.
type storedTime struct {
	T    *time.Time
	Null *sql.NullTime
}

// Scan implements sql.Scanner.
func (s storedTime) Scan(src any) error {
	var t time.Time
	switch v := src.(type) {
	case nil:
		if s.Null == nil {
			return fmt.Errorf("a time that may not be NULL is NULL")
		}
		*s.Null = sql.NullTime{}
		return nil
	case time.Time:
		t = v
	case string:
		t = parseStoredTime(v)
	case []byte:
		t = parseStoredTime(string(v))
	case int64:
		t = unixStoredTime(v)
	default:
		return fmt.Errorf("a time stored as %T", src)
	}
	if s.Null != nil {
		*s.Null = sql.NullTime{Time: t, Valid: true}
	} else {
		*s.T = t
	}
	return nil
}

// parseStoredTime is the time SQLite keeps as text s, as go-sqlite3 reads it from a column
// declared TIMESTAMP: in the first of its layouts that fits, in UTC unless s says its offset, and
// the zero time when none fits. The layout go-sqlite3 writes times in, at offset zero (as the
// store writes them), is read directly.
func parseStoredTime(s string) time.Time {
	if t, ok := parseUTCStamp(s); ok {
		return t
	}
	s = strings.TrimSuffix(s, "Z")
	for _, layout := range sqlite3.SQLiteTimestampFormats {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t
		}
	}
	return time.Time{}
}

// unixStoredTime is an integer time as go-sqlite3 reads it: seconds since 1970 in UTC, or
// milliseconds when it is too large to be seconds.
func unixStoredTime(v int64) time.Time {
	if v > 1e12 || v < -1e12 {
		return time.Unix(0, v*int64(time.Millisecond)).UTC()
	}
	return time.Unix(v, 0).UTC()
}

// parseUTCStamp reads "2006-01-02 15:04:05", with a fraction of up to nine digits or none, and
// nothing, "Z" or "+00:00" after: the times the store writes. ok is false for anything else.
func parseUTCStamp(s string) (t time.Time, ok bool) {
	if len(s) < len("2006-01-02 15:04:05") {
		return time.Time{}, false
	}
	num := func(from, to int) int {
		n := 0
		for i := from; i < to; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	if s[4] != '-' || s[7] != '-' || s[10] != ' ' && s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	year, month, day := num(0, 4), num(5, 7), num(8, 10)
	hour, minute, sec := num(11, 13), num(14, 16), num(17, 19)
	if year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(time.Month(month), year) ||
		hour < 0 || hour > 23 || minute < 0 || minute > 59 || sec < 0 || sec > 59 {
		return time.Time{}, false
	}
	rest, nsec := s[19:], 0
	if len(rest) > 0 && rest[0] == '.' {
		digits := 1
		for digits < len(rest) && rest[digits] >= '0' && rest[digits] <= '9' {
			digits++
		}
		if digits == 1 || digits > 10 {
			return time.Time{}, false
		}
		for i := 1; i < 10; i++ {
			nsec *= 10
			if i < digits {
				nsec += int(rest[i] - '0')
			}
		}
		rest = rest[digits:]
	}
	if rest != "" && rest != "Z" && rest != "+00:00" {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC), true
}

// daysIn is the number of days in month of year.
func daysIn(month time.Month, year int) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
