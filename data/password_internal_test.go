package data

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestHashQueue checks the bounds on password hashing (issue 12, item 3): a wait ends with ErrBusy
// at the caller's deadline or at maxWait, a full queue turns callers away at once, and new
// passwords (sign-ups) never hold every slot, so a login always finds one free.
func TestHashQueue(t *testing.T) {
	t.Run("ErrBusyAtTheDeadline", func(t *testing.T) {
		q := newHashQueue(1)
		release, err := q.acquire(t.Context(), q.slots)
		if err != nil {
			t.Fatal(err)
		}
		defer release()
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
		defer cancel()
		if _, err := q.verify(ctx, "a long enough passphrase", "$argon2id$"); !errors.Is(err, ErrBusy) {
			t.Errorf("verify with every slot taken = %v, want ErrBusy", err)
		}
	})
	t.Run("ErrBusyAfterMaxWait", func(t *testing.T) {
		q := newHashQueue(1)
		q.maxWait = 20 * time.Millisecond
		release, err := q.acquire(t.Context(), q.slots)
		if err != nil {
			t.Fatal(err)
		}
		defer release()
		if _, err := q.hash(t.Context(), "a long enough passphrase"); !errors.Is(err, ErrBusy) {
			t.Errorf("hash with every slot taken = %v, want ErrBusy", err)
		}
	})
	t.Run("ErrBusyWhenFull", func(t *testing.T) {
		q := newHashQueue(1)
		q.maxWait = time.Hour
		release, err := q.acquire(t.Context(), q.slots)
		if err != nil {
			t.Fatal(err)
		}
		defer release()
		q.waiting.Store(maxHashQueue) // as many waiting as may wait
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		_, err = q.verify(ctx, "a long enough passphrase", "$argon2id$")
		if !errors.Is(err, ErrBusy) || ctx.Err() != nil {
			t.Errorf("verify with a full queue = %v (context: %v), want ErrBusy at once", err, ctx.Err())
		}
	})
	t.Run("OKLoginBesideSignups", func(t *testing.T) {
		q := newHashQueue(2)
		// Sign-ups hold every slot they may have; more wait behind them.
		for range cap(q.newSlots) {
			release, err := q.acquire(t.Context(), q.newSlots)
			if err != nil {
				t.Fatal(err)
			}
			defer release()
			release, err = q.acquire(t.Context(), q.slots)
			if err != nil {
				t.Fatal(err)
			}
			defer release()
		}
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
		defer cancel()
		if _, err := q.hash(ctx, "a long enough passphrase"); !errors.Is(err, ErrBusy) {
			t.Errorf("another sign-up's hash = %v, want ErrBusy", err)
		}
		// A login still gets a slot, at once.
		hash, err := hashPassword("a long enough passphrase")
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := q.verify(t.Context(), "a long enough passphrase", hash); !ok || err != nil {
			t.Errorf("a login beside the sign-ups = %v, %v; want it checked", ok, err)
		}
	})
}
