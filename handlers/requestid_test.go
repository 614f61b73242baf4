package handlers_test

import (
	"errors"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bookcase/bookcase/handlers"
)

// TestRequestIDs makes a request fail inside the store: every log line of the request carries
// the id that the response's X-Request-Id header and its error page (or htmx message) show, so a
// reader's report finds the lines. A trusted proxy's id is kept; anyone else's is not, nor a
// proxy's that is not plain.
func TestRequestIDs(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			logs := &logBuffer{}
			db := openTestDB(t)
			a := newApp(t, db, handlers.Config{
				Books:  faultyBooks{db.Books(), errors.New("store exploded")},
				Logger: slog.New(slog.NewTextHandler(logs, nil)),
			})
			a.signIn(a.addUser("reader"))
			logs.Reset()
			res := a.do(m, http.MethodPost, "/books", form("Dune", "Frank Herbert", ""))
			res.wantStatus(t, http.StatusInternalServerError)
			id := res.Header.Get("X-Request-Id")
			if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(id) {
				t.Fatalf("X-Request-Id %q, want 16 hex digits", id)
			}
			if !strings.Contains(res.body, id) {
				t.Errorf("the answer does not show the reference %s:\n%s", id, res.body)
			}
			lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
			if len(lines) < 2 {
				t.Fatalf("want the error and the request logged:\n%s", logs.String())
			}
			for _, line := range lines {
				if !strings.Contains(line, "request_id="+id) {
					t.Errorf("log line without the request's id %s: %s", id, line)
				}
			}
			if other := a.get(m, "/books").Header.Get("X-Request-Id"); other == id || other == "" {
				t.Errorf("the next request's id is %q, want a new one", other)
			}
		})
	}

	t.Run("FromProxy", func(t *testing.T) {
		// app.Test's requests come from 0.0.0.0.
		trusted := newApp(t, openTestDB(t), handlers.Config{TrustedProxies: []string{"0.0.0.0"}})
		untrusted := newApp(t, openTestDB(t), handlers.Config{})
		for _, tc := range []struct {
			app  *testApp
			sent string
			kept bool
		}{
			{trusted, "edge-7f3a:42", true},
			{trusted, "bad id\nlevel=ERROR", false},
			{trusted, strings.Repeat("a", 65), false},
			{untrusted, "edge-7f3a:42", false},
		} {
			tc.app.header.Set("X-Request-Id", tc.sent)
			got := tc.app.get(plain, "/login").Header.Get("X-Request-Id")
			if (got == tc.sent) != tc.kept || got == "" {
				t.Errorf("sent %q, answered %q; want it kept: %v", tc.sent, got, tc.kept)
			}
		}
	})
}

// TestObserveRoutes: the metrics see each request under its route's pattern, never its path, so
// a thousand books make one series, not a thousand.
func TestObserveRoutes(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]int{}
	a := newApp(t, openTestDB(t), handlers.Config{
		Observe: func(route, method string, status int, elapsed time.Duration) {
			mu.Lock()
			defer mu.Unlock()
			if elapsed <= 0 {
				t.Errorf("%s %s took %s", method, route, elapsed)
			}
			seen[method+" "+route+" "+http.StatusText(status)]++
		},
	})
	a.signIn(a.addUser("reader"))
	dune := a.create("Dune", "Frank Herbert", "")
	emma := a.create("Emma", "Jane Austen", "")
	mu.Lock()
	clear(seen)
	mu.Unlock()
	for _, id := range []int64{dune.ID, emma.ID} {
		a.get(plain, bookPath(id)).wantStatus(t, http.StatusOK)
		a.get(htmx, bookPath(id)+"/edit").wantStatus(t, http.StatusOK)
	}
	a.get(plain, "/books/999999").wantStatus(t, http.StatusNotFound)
	a.get(plain, "/no/such/page/123").wantStatus(t, http.StatusNotFound)
	a.browser().get(plain, "/books/1").wantStatus(t, http.StatusSeeOther)

	want := map[string]int{
		"GET /books/:id OK":        2,
		"GET /books/:id/edit OK":   2,
		"GET /books/:id Not Found": 1,
		"GET unmatched Not Found":  1,
		"GET /books See Other":     1, // the sign-in redirect of the /books middleware
	}
	mu.Lock()
	defer mu.Unlock()
	for k, n := range want {
		if seen[k] != n {
			t.Errorf("%q seen %d times, want %d (all: %v)", k, seen[k], n, seen)
		}
	}
	for k := range seen {
		if strings.ContainsAny(k, "0123456789") {
			t.Errorf("a label with an id in it: %q", k)
		}
	}
}
