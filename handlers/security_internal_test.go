package handlers

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
	"unsafe"

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

// countingCSRFStore knows every token, for an hour, and counts how often it is asked.
type countingCSRFStore struct{ lookups int }

func (c *countingCSRFStore) Expiry(context.Context, string) (time.Time, error) {
	c.lookups++
	return time.Now().Add(time.Hour), nil
}

func (c *countingCSRFStore) Save(context.Context, string, time.Time) error { return nil }

func (c *countingCSRFStore) Delete(context.Context, string) error { return nil }

// TestCSRFCacheKeepsItsOwnCopy checks that the token cache does not keep the caller's string as
// its key: Fiber hands over cookie and header values whose bytes it reuses for the next request
// (issue 11, bug 12). Before the fix the cached key turned into the next request's token.
func TestCSRFCacheKeepsItsOwnCopy(t *testing.T) {
	store := &countingCSRFStore{}
	s := newCSRFStorage(store)
	// A string over a buffer that is reused, as fasthttp's are.
	buf := []byte("token-of-the-first-request")
	if v, err := s.Get(unsafe.String(&buf[0], len(buf))); v == nil || err != nil {
		t.Fatalf("Get = %q, %v; want the token known", v, err)
	}
	copy(buf, "token-of-the-other-request")
	if v, err := s.Get("token-of-the-first-request"); v == nil || err != nil {
		t.Fatalf("Get again = %q, %v; want the token known", v, err)
	}
	if store.lookups != 1 {
		t.Errorf("the store was asked %d times, want once: the cache lost the token when the request's buffer was reused", store.lookups)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.known["token-of-the-other-request"]; ok {
		t.Error("the cache holds a token that was never looked up: its key is the request's buffer")
	}
}

// UnmaskCSRF is unmaskCSRF, for the tests of package handlers_test, which see pages' tokens
// masked.
var UnmaskCSRF = unmaskCSRF

func TestMaskCSRF(t *testing.T) {
	for _, token := range []string{data.NewToken(), "nonce.1767225600.c2lnbmF0dXJl"} {
		a, b := maskCSRF(token), maskCSRF(token)
		if a == b {
			t.Errorf("masked %q the same way twice: %q", token, a)
		}
		for _, masked := range []string{a, b} {
			if strings.Contains(masked, token) {
				t.Errorf("masked token %q shows the token %q", masked, token)
			}
			if got, err := unmaskCSRF(masked); err != nil || got != token {
				t.Errorf("unmaskCSRF(%q) = %q, %v; want %q", masked, got, err, token)
			}
		}
		// A page loaded before tokens were masked sent them as they are.
		if got, err := unmaskCSRF(token); err != nil || got != token {
			t.Errorf("unmaskCSRF(%q) = %q, %v; want it as it is", token, got, err)
		}
	}
	for _, tt := range []struct{ name, sent string }{
		{"ErrEmpty", csrfMaskMark},
		{"ErrNotBase64", csrfMaskMark + "not base64!"},
		{"ErrOddLength", csrfMaskMark + "AAAA"}, // 3 bytes: no pad and token of one length
		{"ErrTooLong", csrfMaskMark + strings.Repeat("A", maxCSRFLen+4)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := unmaskCSRF(tt.sent); err == nil {
				t.Errorf("unmaskCSRF(%q) = %q, want an error", tt.sent, got)
			}
		})
	}
}
