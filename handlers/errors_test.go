package handlers_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/data/dbtest"
	"github.com/bookcase/bookcase/handlers"
)

// faultyBooks is the real book store, except that adding a book from the new-book row
// (CreateWithTabs) fails: with err, or, when err is nil, by waiting for the request's context to
// end, as a store stuck on a lock would.
type faultyBooks struct {
	*data.BookStore
	err error
}

func (f faultyBooks) CreateWithTabs(ctx context.Context, _ int64, _ data.BookInput, _ data.Catalogued) (data.Book, data.LibraryTabs, error) {
	if f.err != nil {
		return data.Book{}, data.LibraryTabs{}, f.err
	}
	<-ctx.Done()
	return data.Book{}, data.LibraryTabs{}, fmt.Errorf("create book: %w", ctx.Err())
}

// TestStoreFaults checks what a reader is told when a write fails for want of the database:
// held by another process past the wait, a full disk, or a request past its deadline. Each
// answers with its status and a page (or, for htmx, a message) saying what happened, never an
// empty 500.
func TestStoreFaults(t *testing.T) {
	for _, tc := range []struct {
		name       string
		err        error
		status     int
		retryAfter bool
		want       string
	}{
		{"Busy", fmt.Errorf("create book: %w: database is locked", data.ErrBusy), http.StatusServiceUnavailable, true, "Busy"},
		{"DiskFull", fmt.Errorf("create book: %w: database or disk is full", data.ErrNoSpace), http.StatusInsufficientStorage, false,
			"The server's disk is full; nothing was saved"},
		{"PastDeadline", nil, http.StatusServiceUnavailable, true, "Busy"},
		{"ReadOnly", fmt.Errorf("create book: %w: attempt to write a readonly database", data.ErrReadOnly), http.StatusServiceUnavailable, false,
			"its file or disk is read-only"},
	} {
		for _, m := range modes {
			t.Run(tc.name+m.name, func(t *testing.T) {
				db := openTestDB(t)
				a := newApp(t, db, handlers.Config{Books: faultyBooks{db.Books(), tc.err}, RequestTimeout: time.Second})
				a.signIn(a.addUser("reader"))
				res := a.do(m, http.MethodPost, "/books", form("Dune", "Frank Herbert", ""))
				res.wantStatus(t, tc.status)
				if got := res.Header.Get("Retry-After"); (got != "") != tc.retryAfter {
					t.Errorf("Retry-After = %q, want one: %v", got, tc.retryAfter)
				}
				if m.htmx {
					if !strings.Contains(res.body, tc.want) {
						t.Errorf("body = %q, want it to say %q", res.body, tc.want)
					}
				} else if text := squash(one(t, res.page(t), "main").Text()); !strings.Contains(text, tc.want) {
					t.Errorf("page says %q, want %q", text, tc.want)
				}
				if strings.Contains(res.body, "locked") || strings.Contains(res.body, "database or disk") || strings.Contains(res.body, "readonly") {
					t.Errorf("body = %q, it leaks the store's error", res.body)
				}
			})
		}
	}
}

// TestLockedDatabase holds the database's write lock from another connection, as another process
// (the sqlite3 shell, a backup) would, and checks that reading goes on, with the session's use
// unrecorded, while a write answers 503 "Busy" with Retry-After once its request's time is up.
func TestLockedDatabase(t *testing.T) {
	dbtest.SkipOnPostgres(t, "holds the SQLite file's write lock from another connection")
	path := filepath.Join(t.TempDir(), "test.db")
	db, err := data.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close database: %v", err)
		}
	})
	const requestTimeout = 2 * time.Second
	a := newApp(t, db, handlers.Config{RequestTimeout: requestTimeout})
	a.signIn(a.addUser("reader"))

	other, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=0")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	other.SetMaxOpenConns(1)
	// The reader was last seen two minutes ago, so the next page records the use: a write.
	if _, err := other.ExecContext(t.Context(), `UPDATE sessions SET last_seen_at = ?`, time.Now().UTC().Add(-2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	lock, err := other.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback()
	// BEGIN is deferred: the lock is taken by the first write.
	if _, err := lock.ExecContext(t.Context(), `UPDATE sessions SET id = id WHERE 0`); err != nil {
		t.Fatal(err)
	}

	for _, m := range modes {
		t.Run("Read"+m.name, func(t *testing.T) {
			began := time.Now()
			res := a.get(m, "/books")
			waited := time.Since(began)
			res.wantStatus(t, http.StatusOK)
			// Recording the use waits 250 ms for the lock; loosely bounded, well below the 5 s
			// the database waits for it otherwise.
			if waited > 2*time.Second {
				t.Errorf("a page with the database locked took %v", waited)
			}
		})
		t.Run("Write"+m.name, func(t *testing.T) {
			began := time.Now()
			res := a.do(m, http.MethodPost, "/shelves", url.Values{"name": {"Owned " + m.name}})
			waited := time.Since(began)
			res.wantStatus(t, http.StatusServiceUnavailable)
			if res.Header.Get("Retry-After") == "" {
				t.Error("no Retry-After")
			}
			if !strings.Contains(res.body, "Busy") {
				t.Errorf("body = %q, want it to say Busy", res.body)
			}
			if waited > 3*requestTimeout {
				t.Errorf("a write with the database locked took %v, want about %v", waited, requestTimeout)
			}
		})
	}

	if err := lock.Rollback(); err != nil {
		t.Fatal(err)
	}
	a.do(plain, http.MethodPost, "/shelves", url.Values{"name": {"Owned"}}).wantStatus(t, http.StatusSeeOther)
}
