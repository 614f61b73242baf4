package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// GoalUnit is what a yearly goal counts.
type GoalUnit string

// The units of a goal: books finished, pages read, or hours listened (whole hours of
// audiobooks), in the year.
const (
	GoalBooks GoalUnit = "books"
	GoalPages GoalUnit = "pages"
	GoalHours GoalUnit = "hours"
)

// The largest goals: past any reader's year, so that a typo is caught; for hours, every hour of
// a leap year.
const (
	maxGoalBooks = 100_000
	maxGoalPages = 100_000_000
	maxGoalHours = 366 * 24
)

// FirstStatsYear is the earliest year the stats show.
const FirstStatsYear = 1900

// Goal is a reader's goal for a year.
type Goal struct {
	Year   int      `db:"year"`
	Unit   GoalUnit `db:"unit"`
	Target int      `db:"target"`
}

// CheckStatsYear reports whether year is one the stats and goals take, as a *ValidationError for
// the field "year": from FirstStatsYear to next year (a goal may be set ahead).
func CheckStatsYear(year int, now time.Time) error {
	if year < FirstStatsYear || year > now.Year()+1 {
		return fieldError("year", fmt.Sprintf("Choose a year from %d to %d.", FirstStatsYear, now.Year()+1))
	}
	return nil
}

// ParseGoal reads a goal as the form sends it: a unit ("books", "pages" or "hours") and a whole number,
// with thousands separators allowed. Errors are a *ValidationError for the fields "unit" and
// "target".
func ParseGoal(year int, unit, target string) (Goal, error) {
	g := Goal{Year: year, Unit: GoalUnit(strings.TrimSpace(unit))}
	v := &ValidationError{Fields: map[string]string{}}
	most := maxGoalBooks
	switch g.Unit {
	case GoalBooks:
	case GoalPages:
		most = maxGoalPages
	case GoalHours:
		most = maxGoalHours
	default:
		v.Fields["unit"] = "Choose books, pages or hours."
	}
	n, err := strconv.Atoi(strings.NewReplacer(",", "", " ", "", "_", "").Replace(strings.TrimSpace(target)))
	if err != nil || n < 1 || n > most {
		v.Fields["target"] = fmt.Sprintf("A goal is a whole number from 1 to %s, like 24.", Thousands(most))
	}
	g.Target = n
	if len(v.Fields) > 0 {
		return Goal{}, v
	}
	return g, nil
}

// Thousands writes n with commas between its thousands, as the pages show counts.
func Thousands(n int) string {
	s := strconv.Itoa(n)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return sign + s
}

// Goal returns the owner's goal for year; ErrNotFound when there is none.
func (s *ReadingStore) Goal(ctx context.Context, owner int64, year int) (Goal, error) {
	var g Goal
	err := s.db.get(ctx, &g, `SELECT year, unit, target FROM reading_goals WHERE owner_id = ? AND year = ?`, owner, year)
	if errors.Is(err, sql.ErrNoRows) {
		return Goal{}, ErrNotFound
	}
	if err != nil {
		return Goal{}, fmt.Errorf("goal %d: %w", year, err)
	}
	return g, nil
}

// SetGoal sets the owner's goal for its year, replacing any, after checking the year.
func (s *ReadingStore) SetGoal(ctx context.Context, owner int64, g Goal) (Goal, error) {
	if err := CheckStatsYear(g.Year, s.db.now()); err != nil {
		return Goal{}, err
	}
	if _, err := ParseGoal(g.Year, string(g.Unit), strconv.Itoa(g.Target)); err != nil {
		return Goal{}, err
	}
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO reading_goals (owner_id, year, unit, target) VALUES (?, ?, ?, ?)
			ON CONFLICT (owner_id, year) DO UPDATE SET unit = excluded.unit, target = excluded.target`,
			owner, g.Year, g.Unit, g.Target)
		return err
	})
	if err != nil {
		return Goal{}, fmt.Errorf("set goal %d: %w", g.Year, err)
	}
	return g, nil
}

// DeleteGoal removes the owner's goal for year, if any.
func (s *ReadingStore) DeleteGoal(ctx context.Context, owner int64, year int) error {
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM reading_goals WHERE owner_id = ? AND year = ?`, owner, year)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete goal %d: %w", year, err)
	}
	return nil
}

// GoalProgress is how a goal stands on a day: done of target, against a schedule that is a
// straight line over the year.
type GoalProgress struct {
	Goal
	Done    int
	Percent int // of the target, at most 100
	// Ahead is how far done is past the schedule (negative: behind); 0 when on it.
	Ahead int
	// PerWeek is what the rest of the year needs each week to make the goal; 0 once made, or
	// once the year is over.
	PerWeek float64
	// Over: the year has ended, and Done is its result.
	Over bool
}

// GoalDone is how much of a goal in unit st counts: books finished, pages read, or whole hours
// listened.
func (st ReadingStats) GoalDone(unit GoalUnit) int {
	switch unit {
	case GoalPages:
		return st.Pages
	case GoalHours:
		return st.Minutes / 60
	}
	return st.Finished
}

// Progress is the goal's standing with done counted on today (the reader's day).
func (g Goal) Progress(done int, today time.Time) GoalProgress {
	p := GoalProgress{Goal: g, Done: done, Percent: min(100, done*100/g.Target)}
	first := time.Date(g.Year, 1, 1, 0, 0, 0, 0, time.UTC)
	days := float64(first.AddDate(1, 0, 0).Sub(first).Hours() / 24)
	var elapsed float64 // days of the year passed, today included
	switch {
	case today.Year() > g.Year:
		p.Over, elapsed = true, days
	case today.Year() == g.Year:
		elapsed = float64(today.YearDay())
	}
	p.Ahead = done - int(math.Round(float64(g.Target)*elapsed/days))
	if left := days - elapsed; !p.Over && done < g.Target && left > 0 {
		p.PerWeek = math.Ceil(float64(g.Target-done)/(left/7)*10) / 10
	}
	return p
}
