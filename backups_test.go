package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

// fakeSchedule is a backup schedule on a clock the test moves: after hands the wait asked for to
// the test and returns when the test says so.
type fakeSchedule struct {
	*backupSchedule
	now   time.Time
	waits chan time.Duration
	fire  chan time.Time
	logs  *bytes.Buffer
	fail  error // what the next backups return
}

func newFakeSchedule(t *testing.T, every time.Duration, keep int) *fakeSchedule {
	f := &fakeSchedule{
		now:   time.Date(2026, 12, 6, 3, 0, 0, 0, time.UTC),
		waits: make(chan time.Duration),
		fire:  make(chan time.Time),
		logs:  &bytes.Buffer{},
	}
	f.backupSchedule = &backupSchedule{
		dir: t.TempDir(), every: every, keep: keep,
		log: slog.New(slog.NewTextHandler(f.logs, nil)),
		backup: func(_ context.Context, dest string) (data.BackupInfo, error) {
			if f.fail != nil {
				return data.BackupInfo{}, f.fail
			}
			return data.BackupInfo{Path: dest}, os.WriteFile(dest, []byte("a backup"), 0o600)
		},
		now: func() time.Time { return f.now },
		after: func(d time.Duration) <-chan time.Time {
			f.waits <- d
			return f.fire
		},
	}
	return f
}

func (f *fakeSchedule) files(t *testing.T) []string {
	entries, err := os.ReadDir(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestBackupSchedule runs the schedule on a fake clock: the first backup is due at once, the
// next a period later, old backups are pruned to the newest few (another file in the directory
// is left alone), a failure shows on Ready and in the log and is retried sooner, and a success
// clears it.
func TestBackupSchedule(t *testing.T) {
	f := newFakeSchedule(t, 24*time.Hour, 2)
	// Backups a server made before, and an operator's own file.
	for _, name := range []string{"bookcase-20261201T030000Z.db", "bookcase-20261202T030000Z.db", "bookcase-20261203T030000Z.db", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(f.dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(t.Context())
	stopped := make(chan struct{})
	go func() { defer close(stopped); f.run(ctx) }()
	step := func(want time.Duration) {
		t.Helper()
		if got := <-f.waits; got != want {
			t.Fatalf("waits %s, want %s", got, want)
		}
		f.now = f.now.Add(want)
		f.fire <- f.now
	}

	step(0) // the newest backup is three days old: due now
	step(24 * time.Hour)
	<-f.waits // the third wait: the second backup is done
	want := []string{"bookcase-20261206T030000Z.db", "bookcase-20261207T030000Z.db", "notes.txt"}
	if got := f.files(t); !slices.Equal(got, want) {
		t.Errorf("files after two backups: %v, want %v", got, want)
	}
	if err := f.Ready(ctx); err != nil {
		t.Errorf("Ready: %v", err)
	}

	cancel()
	<-stopped
	// A failure: the disk is full.
	f.fail = data.ErrNoSpace
	f.once(t.Context())
	if err := f.Ready(t.Context()); err == nil || !strings.Contains(err.Error(), "no space") {
		t.Errorf("Ready after a failed backup: %v", err)
	}
	if !strings.Contains(f.logs.String(), "level=ERROR msg=\"scheduled backup failed") {
		t.Errorf("the failure is not logged as an error:\n%s", f.logs)
	}
	if got := f.due(f.now); got != retryFailed {
		t.Errorf("a failed backup is tried again in %s, want %s", got, retryFailed)
	}
	f.fail = nil
	f.now = f.now.Add(retryFailed)
	f.once(t.Context())
	if err := f.Ready(t.Context()); err != nil {
		t.Errorf("Ready after a backup succeeded again: %v", err)
	}
	if got := f.due(f.now); got != 24*time.Hour {
		t.Errorf("next backup in %s, want 24h", got)
	}
}

// TestScheduledBackupOfALiveDatabase takes a scheduled backup of a real database: a file that
// opens as a Bookcase database with the books it had, and ready stays ready.
func TestScheduledBackupOfALiveDatabase(t *testing.T) {
	db := openStore(t, filepath.Join(t.TempDir(), "live.db"))
	ada, err := db.Users().Create(t.Context(), "ada", "a fine long passphrase")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Books().Create(t.Context(), ada.ID, data.BookInput{Title: "Dune", Author: "Frank Herbert"}); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	s := newBackupSchedule(t.TempDir(), time.Hour, 3, db, slog.New(slog.NewTextHandler(&logs, nil)))
	s.once(t.Context())
	if err := s.Ready(t.Context()); err != nil {
		t.Fatalf("Ready: %v\n%s", err, logs.String())
	}
	names := s.backups()
	if len(names) != 1 {
		t.Fatalf("backups: %v", names)
	}
	info, err := data.CheckBackup(t.Context(), filepath.Join(s.dir, names[0]))
	if err != nil || info.Books != 1 {
		t.Errorf("the backup: %+v, %v", info, err)
	}
}
