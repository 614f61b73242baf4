package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/data/dbtest"
	"github.com/bookcase/bookcase/handlers"
)

// TestPostgresAway takes PostgreSQL away from a serving instance (a proxy between them cuts every
// connection and refuses new ones, as when the server stops or the network fails): pages and
// writes, plain and htmx, answer 503 with Retry-After and a message that says to try again, and
// nothing crashes; when PostgreSQL is back, the same instance serves again by itself.
func TestPostgresAway(t *testing.T) {
	if !dbtest.OnPostgres() {
		t.Skip("BOOKCASE_TEST_POSTGRES is not set: a SQLite file does not go away with a server")
	}
	proxy, dsn := dbtest.NewProxy(t, testPool.DSN(t))
	if err := proxy.Start(); err != nil {
		t.Fatal(err)
	}
	db, err := data.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	a := newApp(t, db, handlers.Config{})
	a.signIn(a.addUser("reader"))
	dune := a.create("Dune", "Frank Herbert", "")

	proxy.Stop()
	const msg = "Bookcase cannot reach its database right now"
	for _, m := range modes {
		for _, res := range []response{
			a.get(m, "/books"),
			a.do(m, http.MethodPost, "/books", url.Values{"title": {"Emma"}, "author": {"Jane Austen"}}),
		} {
			res.wantStatus(t, http.StatusServiceUnavailable)
			if got := res.Header.Get("Retry-After"); got == "" {
				t.Errorf("%s %s: no Retry-After", m.name, res.Request.URL.Path)
			}
			if !strings.Contains(res.body, msg) {
				t.Errorf("%s %s: body %q, want it to say %q", m.name, res.Request.URL.Path, res.body, msg)
			}
		}
	}

	if err := proxy.Start(); err != nil {
		t.Fatal(err)
	}
	page := a.get(plain, "/books")
	page.wantStatus(t, http.StatusOK)
	if got := rowIDs(t, page.page(t).Selection); len(got) != 1 || got[0] != dune.ID {
		t.Errorf("after PostgreSQL came back, the library shows %v, want Dune (%d) alone", got, dune.ID)
	}
}
