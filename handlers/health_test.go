package handlers_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/data/dbtest"
	"github.com/bookcase/bookcase/handlers"
)

// TestProbes asks /healthz and /readyz as a supervisor does: no session, no token, plain text.
// When the database file is deleted under the server, /readyz says so, writes answer 503 with a
// message that says what happened (before, they answered 200 and were lost at the next start),
// and pages still read.
func TestProbes(t *testing.T) {
	dbtest.SkipOnPostgres(t, "deletes the SQLite file under the server")
	path := filepath.Join(t.TempDir(), "bookcase.db")
	db, err := data.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	a := newApp(t, db, handlers.Config{Ready: db.Ready})
	a.signIn(a.addUser("reader"))
	dune := a.create("Dune", "Frank Herbert", "")
	anonymous := a.browser()

	for _, p := range []struct{ path, body string }{{"/healthz", "ok\n"}, {"/readyz", "ready\n"}} {
		res := anonymous.get(plain, p.path)
		res.wantStatus(t, http.StatusOK)
		if res.body != p.body {
			t.Errorf("%s says %q, want %q", p.path, res.body, p.body)
		}
		if got := res.Header.Get("Content-Type"); !strings.HasPrefix(got, "text/plain") {
			t.Errorf("%s Content-Type %q, want text/plain", p.path, got)
		}
		if got := res.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s Cache-Control %q, want no-store", p.path, got)
		}
	}

	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	res := anonymous.get(plain, "/readyz")
	res.wantStatus(t, http.StatusServiceUnavailable)
	if !strings.Contains(res.body, "was deleted") || !strings.Contains(res.body, "restarted") {
		t.Errorf("/readyz says %q, want what happened and what to do", res.body)
	}
	anonymous.get(plain, "/healthz").wantStatus(t, http.StatusOK)

	for _, m := range modes {
		res := a.do(m, http.MethodPost, "/books", form("Emma", "Jane Austen", ""))
		res.wantStatus(t, http.StatusServiceUnavailable)
		if !strings.Contains(res.body, "Saving is stopped") || !strings.Contains(res.body, "restart") {
			t.Errorf("%s: the answer says %q, want that saving is stopped and why", m.name, res.body)
		}
		if got := res.Header.Get("Retry-After"); got != "" {
			t.Errorf("%s: Retry-After %q: trying again will not help", m.name, got)
		}
	}
	a.get(plain, bookPath(dune.ID)).wantStatus(t, http.StatusOK)
}
