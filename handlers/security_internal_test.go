package handlers

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

// busyCSRFStore is a token store whose writer is busy: Save waits until its context ends.
type busyCSRFStore struct{ saves int }

func (b *busyCSRFStore) Expiry(context.Context, string) (time.Time, error) {
	return time.Time{}, data.ErrNotFound
}

func (b *busyCSRFStore) Save(ctx context.Context, _ string, _ time.Time) error {
	b.saves++
	<-ctx.Done()
	return ctx.Err()
}

func (b *busyCSRFStore) Delete(context.Context, string) error { return nil }

// TestCSRFSaveDoesNotWaitForABusyWriter checks that storing a new token gives up after saveWait
// when the writer stays busy, so that a page is not held behind an import, and that the token is
// then not taken for a stored one.
func TestCSRFSaveDoesNotWaitForABusyWriter(t *testing.T) {
	store := &busyCSRFStore{}
	s := newCSRFStorage(store)
	if s.saveWait != csrfSaveWait {
		t.Fatalf("saveWait = %v, want csrfSaveWait (%v)", s.saveWait, csrfSaveWait)
	}
	s.saveWait = 50 * time.Millisecond
	began := time.Now()
	err := s.Set("token", nil, time.Hour)
	if waited := time.Since(began); waited > 2*time.Second {
		t.Errorf("Set waited %v for a busy writer", waited)
	}
	if !errors.Is(err, context.DeadlineExceeded) || store.saves != 1 {
		t.Errorf("Set with a busy writer = %v after %d saves, want a deadline error after 1", err, store.saves)
	}
	if v, err := s.Get("token"); v != nil || err != nil {
		t.Errorf("Get of the token that could not be stored = %q, %v; want nothing", v, err)
	}
}
