package data

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"
)

// TestStoredTimeAsTheDriverReadsIt checks that a time read through storedTime (the column as
// COALESCE(col, col)) is the very time go-sqlite3 makes of the column itself, declared TIMESTAMP,
// for each way a time can be stored: the store's own layout with every length of fraction, the
// other layouts go-sqlite3 reads, offsets other than zero, numbers, and text that is no time.
func TestStoredTimeAsTheDriverReadsIt(t *testing.T) {
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(t.TempDir(), "times.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE times (id INTEGER PRIMARY KEY, at TIMESTAMP)`); err != nil {
		t.Fatal(err)
	}
	stored := []any{
		time.Date(2026, 12, 7, 19, 54, 3, 806416700, time.UTC), // as the store writes a time
		"2026-12-07 19:54:03.8064167+00:00",
		"2026-12-07 19:54:03+00:00",
		"2026-12-07 19:54:03.1+00:00",
		"2026-12-07 19:54:03.123456789+00:00",
		"2026-12-07 19:54:03.1234567891+00:00",
		"2026-12-07 19:54:03.+00:00",
		"2026-12-07T19:54:03.5+00:00",
		"2026-12-07 19:54:03.5Z",
		"2026-12-07 19:54:03Z",
		"2026-12-07 19:54:03",
		"2026-12-07 19:54:03.25",
		"2026-12-07T19:54:03",
		"2026-12-07 19:54",
		"2026-12-07",
		"2026-12-07 19:54:03.5+02:00",
		"2026-12-07 19:54:03-05:30",
		"2026-12-07 19:54:03-00:00",
		"2024-02-29 12:00:00+00:00",
		"2026-02-29 12:00:00+00:00",
		"2026-04-31 12:00:00+00:00",
		"2026-12-07 24:00:00+00:00",
		"2026-12-07 23:59:60+00:00",
		"2026-13-07 19:54:03+00:00",
		"0000-01-01 00:00:00+00:00",
		"2026-12-07 19:54:03+00:00 ",
		"2026-12-07x19:54:03+00:00",
		"2026-1a-07 19:54:03+00:00",
		"not a time",
		"",
		int64(1765137243),
		int64(1765137243806),
		int64(-5),
	}
	for i, v := range stored {
		if _, err := db.Exec(`INSERT INTO times (id, at) VALUES (?, ?)`, i, v); err != nil {
			t.Fatalf("store %v: %v", v, err)
		}
	}
	for i, v := range stored {
		var want, got time.Time
		if err := db.QueryRow(`SELECT at FROM times WHERE id = ?`, i).Scan(&want); err != nil {
			t.Fatalf("%q as go-sqlite3 reads it: %v", v, err)
		}
		if err := db.QueryRow(`SELECT COALESCE(at, at) FROM times WHERE id = ?`, i).Scan(storedTime{T: &got}); err != nil {
			t.Fatalf("%q through storedTime: %v", v, err)
		}
		// == compares the location as well as the instant; a parsed offset other than zero is a
		// new fixed zone each time, compared by its name and offset.
		gotZone, gotOffset := got.Zone()
		wantZone, wantOffset := want.Zone()
		if got != want && (want.Location() == time.UTC || !got.Equal(want) || gotZone != wantZone || gotOffset != wantOffset) {
			t.Errorf("%q through storedTime = %v (%v), want %v (%v)", v, got, got.Location(), want, want.Location())
		}
	}

	t.Run("Null", func(t *testing.T) {
		if _, err := db.Exec(`INSERT INTO times (id, at) VALUES (-1, NULL)`); err != nil {
			t.Fatal(err)
		}
		got := sql.NullTime{Time: time.Now(), Valid: true}
		if err := db.QueryRow(`SELECT COALESCE(at, at) FROM times WHERE id = -1`).Scan(storedTime{Null: &got}); err != nil {
			t.Fatal(err)
		}
		if got != (sql.NullTime{}) {
			t.Errorf("NULL through storedTime = %+v, want not valid", got)
		}
		var at time.Time
		if err := db.QueryRow(`SELECT COALESCE(at, at) FROM times WHERE id = -1`).Scan(storedTime{T: &at}); err == nil {
			t.Errorf("NULL into a time that may not be NULL: no error")
		}
	})
	t.Run("NullableSet", func(t *testing.T) {
		var got sql.NullTime
		if err := db.QueryRow(`SELECT COALESCE(at, at) FROM times WHERE id = 1`).Scan(storedTime{Null: &got}); err != nil {
			t.Fatal(err)
		}
		want := sql.NullTime{Time: time.Date(2026, 12, 7, 19, 54, 3, 806416700, time.UTC), Valid: true}
		if got != want {
			t.Errorf("through storedTime = %+v, want %+v", got, want)
		}
	})
}
