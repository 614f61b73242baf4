package handlers_test

import (
	"log/slog"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/bookcase/bookcase/catalogue"
	"github.com/bookcase/bookcase/catalogue/cataloguetest"
	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/handlers"
)

// BenchmarkLookupCached measures a lookup from the new-book row whose answer is kept: session,
// CSRF, the cache's record, and the row rendered filled in; the catalogue is not asked.
func BenchmarkLookupCached(b *testing.B) {
	f := cataloguetest.New(b)
	f.AddBook(foxISBN, "Fantastic Mr Fox", 96, map[string]string{"/authors/OL34184A": "Roald Dahl"}, true)
	urls, err := catalogue.ParseURLs(f.URL())
	if err != nil {
		b.Fatal(err)
	}
	client, err := catalogue.New(catalogue.Config{Providers: []string{catalogue.OpenLibrary}, URLs: urls})
	if err != nil {
		b.Fatal(err)
	}
	db, err := data.Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	u, err := db.Users().Create(b.Context(), "bench", "benchmark passphrase")
	if err != nil {
		b.Fatal(err)
	}
	sessions := db.Sessions(time.Hour, 2*time.Hour)
	sess, err := sessions.Create(b.Context(), u.ID)
	if err != nil {
		b.Fatal(err)
	}
	app, err := handlers.New(handlers.Config{
		Books: db.Books(), Reading: db.Reading(), Editions: db.Editions(), Series: db.Series(), Authors: db.Authors(), Shelves: db.Shelves(), Export: db.Books(), Imports: db.Imports(),
		Covers: db.Covers(), Users: db.Users(), Sessions: sessions, CSRF: db.CSRFTokens(), Logger: slog.New(slog.DiscardHandler),
		Catalogue: client, CatalogueCache: db.Catalogue(),
	})
	if err != nil {
		b.Fatal(err)
	}
	s := &benchServer{handler: app.Handler(), session: sess.Token}
	var ctx fasthttp.RequestCtx
	s.request(&ctx, http.MethodGet, "/books", false, nil)
	var c fasthttp.Cookie
	if err := c.ParseBytes(ctx.Response.Header.PeekCookie("bookcase_csrf")); err != nil {
		b.Fatalf("no CSRF cookie: %v", err)
	}
	s.csrf = string(c.Value())
	body := []byte("title=" + foxISBN)
	if status := s.request(&ctx, http.MethodPost, "/catalogue/lookup", true, body); status != http.StatusOK {
		b.Fatalf("first lookup: status %d", status)
	}
	asked := f.Total()
	b.ReportAllocs()
	for b.Loop() {
		if status := s.request(&ctx, http.MethodPost, "/catalogue/lookup", true, body); status != http.StatusOK {
			b.Fatalf("lookup: status %d", status)
		}
	}
	if f.Total() != asked {
		b.Errorf("the catalogue was asked %d more times", f.Total()-asked)
	}
}
