package data

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
)

// openFaultDB opens a fresh database in a temporary directory, and returns it with its path.
func openFaultDB(t *testing.T) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	db, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return db, path
}

// holdWriteLock takes the database's write lock from another connection, as another process (the
// sqlite3 shell, a backup) would, until the test ends or release is called.
func holdWriteLock(t *testing.T, path string) (release func()) {
	t.Helper()
	other, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=0")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := other.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(t.Context(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	done := false
	release = func() {
		if done {
			return
		}
		done = true
		if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
			t.Errorf("release the lock: %v", err)
		}
		conn.Close()
		other.Close()
	}
	t.Cleanup(release)
	return release
}

// writerSetting reads a PRAGMA on the write pool's connection.
func writerSetting(t *testing.T, db *DB, pragma string) int {
	t.Helper()
	var v int
	if err := db.write.QueryRowContext(t.Context(), "PRAGMA "+pragma).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestWriteWaitsForALockedDatabaseUntilItsDeadline checks that a write whose context ends before
// lockWait gives up then with ErrBusy, rather than after SQLite's busy timeout, and leaves the
// writer's timeout as it was for the next write.
func TestWriteWaitsForALockedDatabaseUntilItsDeadline(t *testing.T) {
	db, path := openFaultDB(t)
	release := holdWriteLock(t, path)

	const wait = 250 * time.Millisecond
	ctx, cancel := context.WithTimeout(t.Context(), wait)
	defer cancel()
	began := time.Now()
	err := db.inTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = 'none'`)
		return err
	})
	waited := time.Since(began)
	if !errors.Is(err, ErrBusy) {
		t.Errorf("write to a locked database = %v, want ErrBusy", err)
	}
	if waited > 3*wait {
		t.Errorf("write to a locked database waited %v, want about %v", waited, wait)
	}

	release()
	if got, want := writerSetting(t, db, "busy_timeout"), int(lockWait.Milliseconds()); got != want {
		t.Errorf("the writer's busy timeout after a short wait = %d ms, want %d", got, want)
	}
}

// TestSessionGetWhenTheDatabaseCannotBeWritten checks that a reader whose session's use is due to
// be recorded gets the session when the database cannot be written, with the failure in
// Unrecorded, and soon: the page is worth more than the record.
func TestSessionGetWhenTheDatabaseCannotBeWritten(t *testing.T) {
	for _, tc := range []struct {
		name string
		// block makes writes fail, and returns what undoes it.
		block func(t *testing.T, db *DB, path string) func()
		want  error
	}{
		{"Locked", func(t *testing.T, _ *DB, path string) func() { return holdWriteLock(t, path) }, ErrBusy},
		// A read-only file, which root (the tests in CI) may write all the same: SQLite's
		// query_only on the writer's one connection fails every write as a read-only file does.
		{"ReadOnly", func(t *testing.T, db *DB, _ string) func() {
			if _, err := db.write.ExecContext(t.Context(), "PRAGMA query_only = ON"); err != nil {
				t.Fatal(err)
			}
			return func() {
				if _, err := db.write.ExecContext(t.Context(), "PRAGMA query_only = OFF"); err != nil {
					t.Fatal(err)
				}
			}
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, path := openFaultDB(t)
			u, err := db.Users().Create(t.Context(), "reader", "a long enough passphrase")
			if err != nil {
				t.Fatal(err)
			}
			sessions := db.Sessions(time.Hour, 24*time.Hour)
			sess, err := sessions.Create(t.Context(), u.ID)
			if err != nil {
				t.Fatal(err)
			}
			expired, err := sessions.Create(t.Context(), u.ID)
			if err != nil {
				t.Fatal(err)
			}
			later := db.now().Add(10 * time.Minute)
			db.now = func() time.Time { return later }
			if _, err := db.write.ExecContext(t.Context(), `UPDATE sessions SET last_seen_at = ? WHERE id = ?`,
				later.Add(-2*time.Hour), tokenID(expired.Token)); err != nil {
				t.Fatal(err)
			}

			unblock := tc.block(t, db, path)
			began := time.Now()
			got, err := sessions.Get(t.Context(), sess.Token)
			waited := time.Since(began)
			if err != nil {
				t.Fatalf("Get = %v, want the session", err)
			}
			if got.UserID != u.ID || !got.LastSeenAt.Equal(sess.LastSeenAt) {
				t.Errorf("Get = user %d, last seen %v; want user %d, last seen unchanged (%v)", got.UserID, got.LastSeenAt, u.ID, sess.LastSeenAt)
			}
			if got.Unrecorded == nil || (tc.want != nil && !errors.Is(got.Unrecorded, tc.want)) {
				t.Errorf("Unrecorded = %v, want an error (%v)", got.Unrecorded, tc.want)
			}
			if waited > 3*touchWait {
				t.Errorf("Get waited %v, want at most about %v", waited, touchWait)
			}
			gone, err := sessions.Get(t.Context(), expired.Token)
			if !errors.Is(err, ErrNotFound) || gone.Unrecorded == nil {
				t.Errorf("Get of an expired session = %v, unrecorded %v; want ErrNotFound, and why it was not ended", err, gone.Unrecorded)
			}

			unblock()
			if got, err = sessions.Get(t.Context(), sess.Token); err != nil || got.Unrecorded != nil || !got.LastSeenAt.Equal(later) {
				t.Errorf("Get once writable = last seen %v, %v, %v; want %v", got.LastSeenAt, err, got.Unrecorded, later)
			}
		})
	}
}

// TestWriteOnAFullDisk checks that a write SQLite finds no room for fails with ErrNoSpace. The
// disk is full as far as the writer can tell: max_page_count stops the file from growing, and
// SQLite answers SQLITE_FULL as it does when the disk has no more room.
func TestWriteOnAFullDisk(t *testing.T) {
	db, _ := openFaultDB(t)
	u, err := db.Users().Create(t.Context(), "reader", "a long enough passphrase")
	if err != nil {
		t.Fatal(err)
	}
	pages := writerSetting(t, db, "page_count")
	if got := writerSetting(t, db, "max_page_count = "+strconv.Itoa(pages)); got != pages {
		t.Fatalf("max_page_count = %d, want %d", got, pages)
	}
	defer writerSetting(t, db, "max_page_count = 4294967294")
	// Free pages in the file take the first books; the file has to grow within some hundreds.
	for i := range 1000 {
		_, err = db.Books().Create(t.Context(), u.ID, BookInput{Title: "Book " + strconv.Itoa(i), Author: "Author"})
		if err != nil {
			break
		}
	}
	if !errors.Is(err, ErrNoSpace) {
		t.Errorf("write on a full disk = %v, want ErrNoSpace", err)
	}
}

// TestBatchOnALockedDatabase checks that writes batched together while another process holds the
// database all fail with ErrBusy after one wait: each running again on its own, as after a write
// that failed, would make each wait lockWait again.
func TestBatchOnALockedDatabase(t *testing.T) {
	db := batchTestDB(t)
	var seq int
	var name, path string
	if err := db.write.QueryRowContext(t.Context(), `PRAGMA database_list`).Scan(&seq, &name, &path); err != nil {
		t.Fatal(err)
	}
	holdWriteLock(t, path)
	var fns []func(context.Context, *sqlx.Tx) error
	for n := range 3 {
		fns = append(fns, func(ctx context.Context, tx *sqlx.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO notes (n) VALUES (?)`, n)
			return err
		})
	}
	began := time.Now()
	errs := queueBatch(t, db, fns)
	waited := time.Since(began)
	for i, err := range errs {
		if !errors.Is(err, ErrBusy) {
			t.Errorf("write %d = %v, want ErrBusy", i, err)
		}
	}
	// One wait of lockWait, loosely: each write waiting again would take four.
	if waited > 2*lockWait {
		t.Errorf("the batch waited %v, want about %v", waited, lockWait)
	}
}
