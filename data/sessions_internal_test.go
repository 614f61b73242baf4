package data

import (
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
)

// TestSessionGetDoesNotWaitForTheWriter checks that looking a session up, which records its use,
// answers at once while the writer is busy (as during an import), and records the use later.
func TestSessionGetDoesNotWaitForTheWriter(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := db.Users().Create(t.Context(), "reader", "a long enough passphrase")
	if err != nil {
		t.Fatal(err)
	}
	sessions := db.Sessions(time.Hour, 24*time.Hour)
	sess, err := sessions.Create(t.Context(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	start := db.now()
	later := start.Add(10 * time.Minute)
	db.now = func() time.Time { return later }

	holding, release, done := make(chan struct{}), make(chan struct{}), make(chan error)
	go func() {
		done <- db.inTx(t.Context(), func(*sqlx.Tx) error {
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	// Should Get wait for the writer after all, the writer is freed after 3 s and the test fails
	// rather than hangs.
	var once sync.Once
	free := func() { once.Do(func() { close(release) }) }
	timer := time.AfterFunc(3*time.Second, free)
	defer timer.Stop()
	began := time.Now()
	got, err := sessions.Get(t.Context(), sess.Token)
	waited := time.Since(began)
	free()
	if txErr := <-done; txErr != nil {
		t.Fatal(txErr)
	}
	if err != nil {
		t.Fatalf("Get while the writer is busy: %v", err)
	}
	if waited > 2*time.Second {
		t.Errorf("Get waited %v for the writer", waited)
	}
	if got.UserID != u.ID || !got.LastSeenAt.Equal(sess.LastSeenAt) {
		t.Errorf("Get while the writer is busy = user %d, last seen %v; want user %d, last seen unchanged (%v)",
			got.UserID, got.LastSeenAt, u.ID, sess.LastSeenAt)
	}

	// With the writer free, the next look-up records the use.
	if got, err = sessions.Get(t.Context(), sess.Token); err != nil || !got.LastSeenAt.Equal(later) {
		t.Fatalf("Get with the writer free = last seen %v, %v; want %v", got.LastSeenAt, err, later)
	}
	if got, err = sessions.Get(t.Context(), sess.Token); err != nil || !got.LastSeenAt.Equal(later) {
		t.Errorf("the use was not stored: last seen %v, %v; want %v", got.LastSeenAt, err, later)
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
