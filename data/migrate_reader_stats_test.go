package data_test

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/bookcase/bookcase/data"
)

// readerStatsMigration lets goals be in hours, gives readers a time zone, and indexes when
// readings ended.
const readerStatsMigration = 31

// TestMigrateReaderStats opens a database made by the schema before readerStatsMigration, with
// a goal in pages: the goal stays, a goal may now be in hours, the reader's time zone is UTC,
// and the readings' end dates are indexed. Down takes the time zone and the index away, and the
// goals in hours (the older table refuses them), keeping both aside; the goal in pages stays. Up
// again brings the zone and the goals in hours back, but for a year whose goal the reader set
// again meanwhile, and for a reader deleted meanwhile.
func TestMigrateReaderStats(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := data.OpenAt(ctx, path, readerStatsMigration-1)
	if err != nil {
		t.Fatal(err)
	}
	oldSQL := oldWriter(t, old)
	owner := oldSQL(`INSERT INTO users (username, password_hash, created_at) VALUES ('reader', 'x', ?)`, t0)
	oldSQL(`INSERT INTO reading_goals (owner_id, year, unit, target) VALUES (?, 2025, 'pages', 9000)`, owner)
	write, _ := old.Pools()
	if _, err := write.ExecContext(ctx, `INSERT INTO reading_goals (owner_id, year, unit, target) VALUES (?, 2026, 'hours', 90)`, owner); err == nil {
		t.Fatal("the old table took a goal in hours")
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	db, err := data.Open(ctx, path)
	if err != nil {
		t.Fatalf("migrate: %v", err)
	}
	write, _ = db.Pools()
	g, err := db.Reading().Goal(ctx, owner, 2025)
	if err != nil || g != (data.Goal{Year: 2025, Unit: data.GoalPages, Target: 9000}) {
		t.Errorf("goal after the migration = %+v, %v", g, err)
	}
	if _, err := write.ExecContext(ctx, `INSERT INTO reading_goals (owner_id, year, unit, target) VALUES (?, 2026, 'hours', 90)`, owner); err != nil {
		t.Errorf("a goal in hours: %v", err)
	}
	if _, err := write.ExecContext(ctx, `INSERT INTO reading_goals (owner_id, year, unit, target) VALUES (?, 2024, 'minutes', 90)`, owner); err == nil {
		t.Error("the table took a goal in minutes")
	}
	var zone string
	if err := write.GetContext(ctx, &zone, `SELECT time_zone FROM users WHERE id = ?`, owner); err != nil || zone != "UTC" {
		t.Errorf("time zone = %q, %v; want UTC", zone, err)
	}
	var n int
	if err := write.GetContext(ctx, &n, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'read_throughs_ended'`); err != nil || n != 1 {
		t.Errorf("index read_throughs_ended: %d, %v", n, err)
	}

	if err := data.MigrateDownTo(ctx, db, readerStatsMigration-1); err != nil {
		t.Fatalf("down: %v", err)
	}
	if err := write.GetContext(ctx, &n, `SELECT COUNT(*) FROM pragma_table_info('users') WHERE name = 'time_zone'`); err != nil || n != 0 {
		t.Errorf("time_zone after Down: %d, %v", n, err)
	}
	if err := write.GetContext(ctx, &n, `SELECT COUNT(*) FROM sqlite_master WHERE name = 'read_throughs_ended'`); err != nil || n != 0 {
		t.Errorf("index after Down: %d, %v", n, err)
	}
	var units []string
	if err := write.SelectContext(ctx, &units, `SELECT unit || ' ' || target FROM reading_goals ORDER BY year`); err != nil || len(units) != 1 || units[0] != "pages 9000" {
		t.Errorf("goals after Down: %q, %v; want the one in pages", units, err)
	}
	if _, err := write.ExecContext(ctx, `INSERT INTO reading_goals (owner_id, year, unit, target) VALUES (?, 2026, 'hours', 90)`, owner); err == nil {
		t.Error("after Down the table took a goal in hours")
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestMigrateReaderStatsUpDownUp sets goals in hours and time zones, goes Down and Up again: what
// the older schema cannot hold comes back, unless the reader set that year's goal again while
// the older schema ran, or was deleted meanwhile.
func TestMigrateReaderStatsUpDownUp(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "bookcase.db")
	db, err := data.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	ada, bob, cy := addReader(t, db, "ada").ID, addReader(t, db, "bob").ID, addReader(t, db, "cyd").ID
	for _, g := range []struct {
		owner int64
		goal  data.Goal
	}{
		{ada, data.Goal{Year: 2025, Unit: data.GoalPages, Target: 9000}},
		{ada, data.Goal{Year: 2026, Unit: data.GoalHours, Target: 90}},
		{ada, data.Goal{Year: 2027, Unit: data.GoalHours, Target: 50}},
		{cy, data.Goal{Year: 2026, Unit: data.GoalHours, Target: 10}},
	} {
		if _, err := db.Reading().SetGoal(ctx, g.owner, g.goal); err != nil {
			t.Fatal(err)
		}
	}
	for id, zone := range map[int64]string{ada: "Asia/Tokyo", cy: "Europe/Lisbon"} {
		if err := db.Users().SetTimeZone(ctx, id, zone); err != nil {
			t.Fatal(err)
		}
	}
	if err := data.MigrateDownTo(ctx, db, readerStatsMigration-1); err != nil {
		t.Fatalf("down: %v", err)
	}
	// The older schema at work: ada sets 2027's goal again, in books; cy leaves.
	write, _ := db.Pools()
	for _, q := range []string{
		`INSERT INTO reading_goals (owner_id, year, unit, target) VALUES (` + strconv.FormatInt(ada, 10) + `, 2027, 'books', 12)`,
		`DELETE FROM users WHERE id = ` + strconv.FormatInt(cy, 10),
	} {
		if _, err := write.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = data.Open(ctx, path)
	if err != nil {
		t.Fatalf("up again: %v", err)
	}
	defer db.Close()
	for _, want := range []data.Goal{{Year: 2025, Unit: data.GoalPages, Target: 9000}, {Year: 2026, Unit: data.GoalHours, Target: 90}, {Year: 2027, Unit: data.GoalBooks, Target: 12}} {
		if g, err := db.Reading().Goal(ctx, ada, want.Year); err != nil || g != want {
			t.Errorf("ada's goal for %d = %+v, %v; want %+v", want.Year, g, err, want)
		}
	}
	for id, want := range map[int64]string{ada: "Asia/Tokyo", bob: "UTC"} {
		if loc, err := db.Users().TimeZone(ctx, id); err != nil || loc.String() != want {
			t.Errorf("time zone of %d = %v, %v; want %s", id, loc, err, want)
		}
	}
	write, _ = db.Pools()
	var n int
	if err := write.GetContext(ctx, &n, `SELECT COUNT(*) FROM reading_goals WHERE owner_id = ?`, cy); err != nil || n != 0 {
		t.Errorf("the deleted reader's goals: %d, %v", n, err)
	}
	if err := write.GetContext(ctx, &n, `SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'kept_%'`); err != nil || n != 0 {
		t.Errorf("%d tables kept aside are left, %v", n, err)
	}
}
