package data

import (
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
