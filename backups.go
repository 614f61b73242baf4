package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/bookcase/bookcase/data"
)

// backupSchedule has the server back its database up into dir every so often, keeping the
// newest few. A backup that fails is logged as an error and shown on /readyz until one succeeds;
// it never stops the server.
type backupSchedule struct {
	dir   string
	every time.Duration
	keep  int
	log   *slog.Logger

	backup func(ctx context.Context, dest string) (data.BackupInfo, error)
	now    func() time.Time
	after  func(time.Duration) <-chan time.Time

	mu       sync.Mutex
	failed   error     // why the last backup failed, nil once one succeeds
	failedAt time.Time // when it failed
}

// retryFailed is how soon a failed backup is tried again (or every, if sooner): soon enough that
// a disk made room on is used within minutes, rarely enough not to flood the log.
const retryFailed = 10 * time.Minute

// backupFile matches the names backupName gives, and only those: pruning never touches another
// file an operator keeps in the directory.
var backupFile = regexp.MustCompile(`^bookcase-\d{8}T\d{6}Z\.db$`)

func newBackupSchedule(dir string, every time.Duration, keep int, db *data.DB, log *slog.Logger) *backupSchedule {
	return &backupSchedule{
		dir: dir, every: every, keep: keep, log: log,
		backup: db.Backup,
		now:    time.Now,
		after:  time.After,
	}
}

// run backs up whenever one is due, until ctx ends. The first is due at once when the newest
// backup in dir is older than every (or there is none): a server restarted every day still
// backs up every day.
func (s *backupSchedule) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.after(s.due(s.now())):
		}
		s.once(ctx)
	}
}

// due is how long from now until the next backup.
func (s *backupSchedule) due(now time.Time) time.Duration {
	next := now
	if latest, ok := s.latest(); ok {
		next = latest.Add(s.every)
	}
	s.mu.Lock()
	if s.failed != nil {
		next = s.failedAt.Add(min(s.every, retryFailed))
	}
	s.mu.Unlock()
	return max(next.Sub(now), 0)
}

// latest is the time of the newest backup in dir.
func (s *backupSchedule) latest() (time.Time, bool) {
	names := s.backups()
	if len(names) == 0 {
		return time.Time{}, false
	}
	name := names[len(names)-1]
	t, err := time.Parse(backupTimeLayout, name[len("bookcase-"):len(name)-len(".db")])
	return t, err == nil
}

// backups lists the names of the backups in dir, oldest first (their names sort as their times).
func (s *backupSchedule) backups() []string {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && backupFile.MatchString(e.Name()) {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names
}

// once takes a backup now, then prunes the old ones.
func (s *backupSchedule) once(ctx context.Context) {
	now := s.now()
	dest := filepath.Join(s.dir, backupName(now))
	info, err := s.backup(ctx, dest)
	if ctx.Err() != nil {
		return // the server is stopping: not a failure of the backup
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.failed, s.failedAt = err, now
		s.log.Error("scheduled backup failed: the database is not backed up; /readyz says so until a backup succeeds",
			"dest", dest, "retry_in", min(s.every, retryFailed).String(), "err", err)
		return
	}
	s.failed = nil
	s.log.Info("backed up the database", "dest", dest, "bytes", info.Bytes, "books", info.Books)
	names := s.backups()
	for _, name := range names[:max(len(names)-s.keep, 0)] {
		if err := os.Remove(filepath.Join(s.dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			s.log.Warn("removing an old backup failed", "file", name, "err", err)
		}
	}
}

// Ready returns why the last scheduled backup failed, or nil.
func (s *backupSchedule) Ready(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failed != nil {
		return fmt.Errorf("the scheduled backup at %s failed: %w", s.failedAt.UTC().Format(time.RFC3339), s.failed)
	}
	return nil
}
