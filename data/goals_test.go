package data_test

import (
	"errors"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

func TestParseGoal(t *testing.T) {
	for _, tc := range []struct {
		unit, target string
		want         data.Goal
		bad          []string // fields refused
	}{
		{"books", "24", data.Goal{Year: 2026, Unit: data.GoalBooks, Target: 24}, nil},
		{"pages", " 12,000 ", data.Goal{Year: 2026, Unit: data.GoalPages, Target: 12000}, nil},
		{"books", "100000", data.Goal{Year: 2026, Unit: data.GoalBooks, Target: 100000}, nil},
		{"books", "100001", data.Goal{}, []string{"target"}},
		{"books", "0", data.Goal{}, []string{"target"}},
		{"books", "-3", data.Goal{}, []string{"target"}},
		{"books", "2.5", data.Goal{}, []string{"target"}},
		{"books", "", data.Goal{}, []string{"target"}},
		{"hours", "10", data.Goal{Year: 2026, Unit: data.GoalHours, Target: 10}, nil},
		{"hours", "8,784", data.Goal{Year: 2026, Unit: data.GoalHours, Target: 8784}, nil},
		{"hours", "8785", data.Goal{}, []string{"target"}},
		{"hours", "0", data.Goal{}, []string{"target"}},
		{"minutes", "10", data.Goal{}, []string{"unit"}},
		{"", "lots", data.Goal{}, []string{"unit", "target"}},
	} {
		got, err := data.ParseGoal(2026, tc.unit, tc.target)
		var v *data.ValidationError
		switch {
		case tc.bad == nil && (err != nil || got != tc.want):
			t.Errorf("ParseGoal(%q, %q) = %+v, %v; want %+v", tc.unit, tc.target, got, err, tc.want)
		case tc.bad != nil && !errors.As(err, &v):
			t.Errorf("ParseGoal(%q, %q) = %+v, %v; want a validation error", tc.unit, tc.target, got, err)
		case tc.bad != nil && len(v.Fields) != len(tc.bad):
			t.Errorf("ParseGoal(%q, %q) refused %v, want %v", tc.unit, tc.target, v.Fields, tc.bad)
		}
	}
}

func TestGoals(t *testing.T) {
	ctx := t.Context()
	db := openDB(t)
	clock := time.Date(2026, 7, 2, 10, 0, 0, 0, time.UTC)
	db.SetClock(fixedClock(&clock))
	ada, bob := addReader(t, db, "ada").ID, addReader(t, db, "bob").ID
	reading := db.Reading()
	if _, err := reading.Goal(ctx, ada, 2026); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("Goal before any = %v, want ErrNotFound", err)
	}
	for _, year := range []int{1899, 2028} {
		if _, err := reading.SetGoal(ctx, ada, data.Goal{Year: year, Unit: data.GoalBooks, Target: 5}); !errors.Is(err, data.ErrInvalid) {
			t.Errorf("SetGoal(%d) = %v, want a validation error", year, err)
		}
	}
	want := data.Goal{Year: 2026, Unit: data.GoalBooks, Target: 52}
	if _, err := reading.SetGoal(ctx, ada, data.Goal{Year: 2026, Unit: data.GoalPages, Target: 9000}); err != nil {
		t.Fatal(err)
	}
	if _, err := reading.SetGoal(ctx, ada, want); err != nil {
		t.Fatal(err)
	}
	if got, err := reading.Goal(ctx, ada, 2026); err != nil || got != want {
		t.Errorf("Goal = %+v, %v; want %+v (replaced)", got, err, want)
	}
	if _, err := reading.Goal(ctx, bob, 2026); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("Bob's goal = %v, want ErrNotFound: goals are each reader's own", err)
	}
	if err := reading.DeleteGoal(ctx, ada, 2026); err != nil {
		t.Fatal(err)
	}
	if _, err := reading.Goal(ctx, ada, 2026); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("Goal after DeleteGoal = %v, want ErrNotFound", err)
	}
}

// TestGoalProgress checks the schedule against figures worked out by hand.
func TestGoalProgress(t *testing.T) {
	today := time.Date(2026, 7, 2, 0, 0, 0, 0, time.UTC) // day 183 of 365
	for _, tc := range []struct {
		name string
		goal data.Goal
		done int
		want data.GoalProgress
	}{
		// 52 × 183/365 = 26.07: 26 expected; 32 left over 182 days (26 weeks): 1.23, rounded up.
		{"Behind", data.Goal{Year: 2026, Unit: data.GoalBooks, Target: 52}, 20,
			data.GoalProgress{Done: 20, Percent: 38, Ahead: -6, PerWeek: 1.3}},
		{"Ahead", data.Goal{Year: 2026, Unit: data.GoalBooks, Target: 52}, 29,
			data.GoalProgress{Done: 29, Percent: 55, Ahead: 3, PerWeek: 0.9}},
		{"Made", data.Goal{Year: 2026, Unit: data.GoalPages, Target: 1000}, 1500,
			data.GoalProgress{Done: 1500, Percent: 100, Ahead: 999}},
		// 100 × 183/365 = 50.1: 50 hours expected, 47 done; 53 left over 26 weeks: 2.04, up.
		{"HoursBehind", data.Goal{Year: 2026, Unit: data.GoalHours, Target: 100}, 47,
			data.GoalProgress{Done: 47, Percent: 47, Ahead: -3, PerWeek: 2.1}},
		{"PastYear", data.Goal{Year: 2025, Unit: data.GoalBooks, Target: 10}, 12,
			data.GoalProgress{Done: 12, Percent: 100, Ahead: 2, Over: true}},
		{"NextYear", data.Goal{Year: 2027, Unit: data.GoalBooks, Target: 10}, 0,
			data.GoalProgress{PerWeek: 0.2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.want.Goal = tc.goal
			if got := tc.goal.Progress(tc.done, today); got != tc.want {
				t.Errorf("Progress(%d) = %+v, want %+v", tc.done, got, tc.want)
			}
		})
	}
}

// TestGoalDone counts a goal's unit from the stats: books finished, pages read, whole hours
// listened (179 minutes are 2 hours, not 3).
func TestGoalDone(t *testing.T) {
	st := data.ReadingStats{Figures: data.Figures{Finished: 3, Pages: 500, Minutes: 179}}
	for unit, want := range map[data.GoalUnit]int{data.GoalBooks: 3, data.GoalPages: 500, data.GoalHours: 2} {
		if got := st.GoalDone(unit); got != want {
			t.Errorf("GoalDone(%s) = %d, want %d", unit, got, want)
		}
	}
}
