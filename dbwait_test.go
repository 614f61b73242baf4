package main

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/data/dbtest"
)

// TestDBWait starts the server on a PostgreSQL that cannot be reached yet: with --db-wait it
// says in the log that it waits, and once PostgreSQL answers (a proxy to the tests' server starts
// listening at the address it was given) it opens the database and serves. Without --db-wait, or
// once the wait is over, it stops with a message that says PostgreSQL was not reachable and how
// to wait for it.
func TestDBWait(t *testing.T) {
	if !dbtest.OnPostgres() {
		t.Skip("BOOKCASE_TEST_POSTGRES is not set: this is about PostgreSQL alone")
	}
	proxy, dsn := dbtest.NewProxy(t, dbtest.NewDSN(t)) // stopped: nothing listens there yet
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	// A password, which no message may show (the tests' server trusts its loopback clients).
	u.User = url.UserPassword(u.User.Username(), "secret")
	dsn = u.String()

	t.Run("ErrUnreachable", func(t *testing.T) {
		for _, wait := range []time.Duration{0, time.Second} {
			_, err := openWaiting(t.Context(), dsn, wait, slog.New(slog.DiscardHandler))
			if !errors.Is(err, data.ErrUnreachable) || !strings.Contains(err.Error(), "cannot reach PostgreSQL at") || !strings.Contains(err.Error(), "--db-wait") {
				t.Errorf("--db-wait %s: err = %v, want it to say PostgreSQL cannot be reached, and of --db-wait", wait, err)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("the message shows the password: %v", err)
			}
		}
	})
	t.Run("OKOnceReachable", func(t *testing.T) {
		cfg, err := parseConfig([]string{"--addr", "127.0.0.1:0", "--db", dsn, "--db-wait", "5m", "--metadata", "off"}, noEnv)
		if err != nil {
			t.Fatal(err)
		}
		var logs syncBuffer
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan error, 1)
		go func() { done <- run(ctx, cfg, slog.New(slog.NewTextHandler(&logs, nil))) }()
		waitForLog := func(msg string) {
			t.Helper()
			deadline := time.Now().Add(2 * time.Minute) // bounds a hang only
			for !strings.Contains(logs.String(), msg) {
				select {
				case err := <-done:
					t.Fatalf("run ended: %v; log:\n%s", err, logs.String())
				default:
				}
				if time.Now().After(deadline) {
					t.Fatalf("no %s in the log:\n%s", msg, logs.String())
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
		waitForLog(`msg="waiting for PostgreSQL"`)
		// PostgreSQL comes up at the address given.
		if err := proxy.Start(); err != nil {
			t.Fatalf("listen where PostgreSQL is awaited: %v", err)
		}
		waitForLog(`msg="bookcase listening"`)
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v; log:\n%s", err, logs.String())
		}
	})
}
