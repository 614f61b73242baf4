package handlers_test

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/handlers"
)

// benchServer is the app's handler with a signed-in reader whose library has n books, called
// directly (no network), so a benchmark measures the app's own work per request.
type benchServer struct {
	handler fasthttp.RequestHandler
	session string
	csrf    string
	newest  int64
	db      *data.DB
	owner   int64
}

func newBenchServer(b *testing.B, n int) *benchServer {
	b.Helper()
	path := filepath.Join(b.TempDir(), "bench.db")
	seedLibrary(b, path, n)
	db, err := data.Open(b.Context(), path)
	if err != nil {
		b.Fatal(err)
	}
	u, err := db.Users().ByName(b.Context(), "bench")
	if err != nil {
		db.Close()
		b.Fatal(err)
	}
	return serveBench(b, db, u.ID, int64(n))
}

// openBenchServer is the app on a library made by bookcase seed (path), for its first reader.
func openBenchServer(b *testing.B, path string) *benchServer {
	b.Helper()
	db, err := data.Open(b.Context(), path)
	if err != nil {
		b.Fatal(err)
	}
	return serveBench(b, db, 1, 0)
}

// serveBench is the app on db with a session of reader owner's, whose newest book is newest; it
// closes db when the benchmark ends.
func serveBench(b *testing.B, db *data.DB, owner, newest int64) *benchServer {
	b.Helper()
	b.Cleanup(func() {
		if err := db.Close(); err != nil {
			b.Error(err)
		}
	})
	sessions := db.Sessions(time.Hour, 2*time.Hour)
	sess, err := sessions.Create(b.Context(), owner)
	if err != nil {
		b.Fatal(err)
	}
	app, err := handlers.New(handlers.Config{
		Books: db.Books(), Reading: db.Reading(), Editions: db.Editions(), Series: db.Series(), Authors: db.Authors(), Shelves: db.Shelves(), Export: db.Books(), Imports: db.Imports(), Covers: db.Covers(), Users: db.Users(), Sessions: sessions, CSRF: db.CSRFTokens(),
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		b.Fatal(err)
	}
	s := &benchServer{handler: app.Handler(), session: sess.Token, newest: newest, db: db, owner: owner}
	var ctx fasthttp.RequestCtx
	s.request(&ctx, http.MethodGet, "/books", false, nil)
	var c fasthttp.Cookie
	if err := c.ParseBytes(ctx.Response.Header.PeekCookie("bookcase_csrf")); err != nil {
		b.Fatalf("no CSRF cookie: %v", err)
	}
	s.csrf = string(c.Value())
	return s
}

// seedLibrary makes at path a database whose reader "bench" has n seeded books. With
// BOOKCASE_BENCH_CACHE set to a directory, it copies the library seeded there by an earlier run
// of the same schema and seed code (seeding 100,000 books takes a minute; copying, a second).
func seedLibrary(b *testing.B, path string, n int) {
	b.Helper()
	seed := func(path string) {
		db, err := data.Open(b.Context(), path)
		if err != nil {
			b.Fatal(err)
		}
		u, err := db.Users().Create(b.Context(), "bench", "benchmark passphrase")
		if err == nil {
			err = db.Books().Seed(b.Context(), u.ID, n, 1)
		}
		// Closing checkpoints the log: the one file is the whole library.
		if err := errors.Join(err, db.Close()); err != nil {
			b.Fatal(err)
		}
	}
	dir := os.Getenv("BOOKCASE_BENCH_CACHE")
	if dir == "" {
		seed(path)
		return
	}
	// The cached library is named by what made it: the migrations and the seeding code.
	h := sha256.New()
	migrations, err := filepath.Glob("../data/migrations/*.sql")
	if err != nil || len(migrations) == 0 {
		b.Fatalf("no migrations to name the cached library by: %v", err)
	}
	for _, f := range append(migrations, "../data/seed.go") {
		body, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		h.Write(body)
	}
	cached := filepath.Join(dir, fmt.Sprintf("seed-%d-%x.db", n, h.Sum(nil)[:8]))
	if _, err := os.Stat(cached); errors.Is(err, fs.ErrNotExist) {
		partial := cached + ".partial"
		os.Remove(partial)
		seed(partial)
		if err := os.Rename(partial, cached); err != nil {
			b.Fatal(err)
		}
	}
	body, err := os.ReadFile(cached)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, body, 0o600); err != nil {
		b.Fatal(err)
	}
}

// request runs one request through the app, reusing ctx as the server does between requests.
func (s *benchServer) request(ctx *fasthttp.RequestCtx, method, uri string, htmx bool, body []byte) int {
	ctx.Request.Reset()
	ctx.Response.Reset()
	ctx.Request.Header.SetMethod(method)
	// As browsers send it (bench/load.sh too): pages are compressed as they are for them.
	ctx.Request.Header.Set(fiber.HeaderAcceptEncoding, "gzip, deflate, br, zstd")
	if htmx {
		ctx.Request.Header.Set("HX-Request", "true")
		if strings.HasPrefix(uri, "/books?q=") {
			// As the search box asks: for the results alone, replacing the address bar's URL.
			ctx.Request.Header.Set("HX-Target", "results")
			ctx.Request.Header.Set("HX-Trigger", "library-search")
		}
	}
	ctx.Request.SetRequestURI(uri)
	ctx.Request.Header.SetCookie("bookcase_session", s.session)
	if s.csrf != "" {
		ctx.Request.Header.SetCookie("bookcase_csrf", s.csrf)
		ctx.Request.Header.Set("X-Csrf-Token", s.csrf)
	}
	if body != nil {
		ctx.Request.Header.SetContentType("application/x-www-form-urlencoded")
		ctx.Request.SetBody(body)
	}
	s.handler(ctx)
	return ctx.Response.StatusCode()
}

// benchSizes are the library sizes the request benchmarks run at.
var benchSizes = []int{100, 10_000}

// pageSizes are the sizes the library page benchmarks run at: also the 100,000 books the load
// test's goals are set for.
var pageSizes = []int{100, 10_000, 100_000}

func benchRequests(b *testing.B, method, uri string, htmx bool, body []byte) {
	benchRequestsAt(b, benchSizes, method, uri, htmx, body)
}

// benchRequestsAt runs the request as a sub-benchmark per library size. The uri "edit" is the
// newest book's edit row; "deep" is the library page after the 90,000 newest books (the oldest
// full page in a smaller library); "author" is the page of the author with the most books.
func benchRequestsAt(b *testing.B, sizes []int, method, uri string, htmx bool, body []byte) {
	for _, n := range sizes {
		b.Run("books="+strconv.Itoa(n), func(b *testing.B) {
			s := newBenchServer(b, n)
			target := uri
			switch target {
			case "edit":
				target = "/books/" + strconv.FormatInt(s.newest, 10) + "/edit"
			case "deep":
				// Books are numbered 1..n, oldest first: the 90,000th newest is n-89,999.
				target = "/books?before=" + strconv.Itoa(max(n-89_999, data.PageSize+2))
			case "author":
				id, books := s.topAuthor(b)
				target = "/authors/" + strconv.FormatInt(id, 10)
				// After the loop: its start resets the metrics reported before it.
				defer b.ReportMetric(float64(books), "books/author")
			}
			benchRequestOn(b, s, method, target, htmx, body)
		})
	}
}

// benchRequestOn runs the request on s again and again, and reports its CPU time and the
// response's bytes.
func benchRequestOn(b *testing.B, s *benchServer, method, target string, htmx bool, body []byte) {
	var ctx fasthttp.RequestCtx
	// Once first, untimed: what the app computes once and keeps (the stats) is not the request's.
	if status := s.request(&ctx, method, target, htmx, body); status != http.StatusOK {
		b.Fatalf("%s %s: status %d", method, target, status)
	}
	b.ReportAllocs()
	// The process's CPU time per request, the garbage collector's included: on a shared
	// machine it moves less than ns/op, which counts the time others took the CPUs.
	cpu := cpuTime(b)
	for b.Loop() {
		if status := s.request(&ctx, method, target, htmx, body); status != http.StatusOK {
			b.Fatalf("%s %s: status %d", method, target, status)
		}
	}
	b.ReportMetric(float64((cpuTime(b)-cpu).Microseconds())/float64(b.N), "CPU-µs/op")
	b.ReportMetric(float64(len(ctx.Response.Body())), "bytes/page")
}

// topAuthor is the id of the reader's author with the most books (one of the seed's real
// authors, with 609 books in the library of 100,000).
func (s *benchServer) topAuthor(b *testing.B) (id int64, books int) {
	b.Helper()
	list, err := s.db.Authors().List(b.Context(), s.owner, data.AuthorQuery{Sort: data.AuthorsByBooks})
	if err != nil {
		b.Fatal(err)
	}
	if len(list.Authors) == 0 {
		b.Fatal("the seeded library has no authors")
	}
	return list.Authors[0].ID, list.Authors[0].Books
}

// BenchmarkLibraryPage measures the library page: session, CSRF, the newest 50 books, the
// count, and the whole page rendered.
func BenchmarkLibraryPage(b *testing.B) {
	benchRequestsAt(b, pageSizes, http.MethodGet, "/books", false, nil)
}

// BenchmarkLibraryDeepPage measures the library page after the 90,000 newest books, as a reader
// who pressed "Load more" 1,800 times (or followed the link) would see it.
func BenchmarkLibraryDeepPage(b *testing.B) {
	benchRequestsAt(b, pageSizes, http.MethodGet, "deep", false, nil)
}

// BenchmarkEditRow measures the edit row that htmx swaps in.
func BenchmarkEditRow(b *testing.B) { benchRequests(b, http.MethodGet, "edit", true, nil) }

// createForm is what the new-book row posts in the create benchmarks, as bench/load.sh does.
var createForm = []byte("title=Benchmark+Book&author=Load+Tester&genre=Fiction")

// BenchmarkCreate measures adding a book from the new-book row.
func BenchmarkCreate(b *testing.B) {
	benchRequests(b, http.MethodPost, "/books", true, createForm)
}

// BenchmarkCreateParallel measures adding books from the new-book row over 32 connections at
// once, as bench/load.sh's create target does: the adds that wait for the writer together share
// a transaction (data's batcher), which a lone add never does. CPU-µs/op is the process's CPU
// time per add with every connection busy; ns/op is wall time per add.
func BenchmarkCreateParallel(b *testing.B) {
	for _, n := range pageSizes {
		b.Run("books="+strconv.Itoa(n), func(b *testing.B) {
			s := newBenchServer(b, n)
			var ctx fasthttp.RequestCtx
			if status := s.request(&ctx, http.MethodPost, "/books", true, createForm); status != http.StatusOK {
				b.Fatalf("POST /books: status %d", status)
			}
			b.ReportAllocs()
			b.SetParallelism(max(1, 32/runtime.GOMAXPROCS(0)))
			cpu := cpuTime(b)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				var ctx fasthttp.RequestCtx
				for pb.Next() {
					if status := s.request(&ctx, http.MethodPost, "/books", true, createForm); status != http.StatusOK {
						b.Errorf("POST /books: status %d", status)
						return
					}
				}
			})
			b.ReportMetric(float64((cpuTime(b)-cpu).Microseconds())/float64(b.N), "CPU-µs/op")
		})
	}
}

// BenchmarkLibrarySearch measures a search as the full page: the matches' first page, their
// count and the page rendered.
func BenchmarkLibrarySearch(b *testing.B) {
	benchRequestsAt(b, pageSizes, http.MethodGet, "/books?q=tolk", false, nil)
}

// BenchmarkLibrarySearchFragment measures the as-you-type answer: the results alone, for htmx
// (an htmx request for /books?q=… is sent as the search box sends it).
func BenchmarkLibrarySearchFragment(b *testing.B) {
	benchRequestsAt(b, pageSizes, http.MethodGet, "/books?q=garc", true, nil)
}

// BenchmarkSeriesPage measures a series' page: its books in order with their statuses, and the
// next up (the seed's first series, of 2 to 12 books).
func BenchmarkSeriesPage(b *testing.B) {
	benchRequestsAt(b, pageSizes, http.MethodGet, "/series/1", false, nil)
}

// BenchmarkSeriesList measures the list of series with their counts of books and books read
// (a third of the books are in one).
func BenchmarkSeriesList(b *testing.B) {
	benchRequestsAt(b, pageSizes, http.MethodGet, "/series", false, nil)
}

// BenchmarkLibraryByFormat measures the library page filtered by format: the newest audiobooks
// (the books_format index, in the added order), and the audiobooks by title (about an eighth of
// the library: walked in the title order's index, or collected first when rarer).
func BenchmarkLibraryByFormat(b *testing.B) {
	b.Run("newest", func(b *testing.B) {
		benchRequestsAt(b, pageSizes, http.MethodGet, "/books?format=audiobook", false, nil)
	})
	b.Run("byTitle", func(b *testing.B) {
		benchRequestsAt(b, pageSizes, http.MethodGet, "/books?format=audiobook&sort=title", false, nil)
	})
}

// BenchmarkLibraryByAuthor measures the library sorted by author.
func BenchmarkLibraryByAuthor(b *testing.B) {
	benchRequestsAt(b, pageSizes, http.MethodGet, "/books?sort=author", false, nil)
}

// BenchmarkAuthorPage measures an author's page (/authors/{id}) for the author with the most
// books: the author, their books with the library's rows (status, rating, progress), the counts,
// and the whole page rendered.
func BenchmarkAuthorPage(b *testing.B) {
	benchRequestsAt(b, pageSizes, http.MethodGet, "author", false, nil)
}

// BenchmarkAuthorSuggestions measures what the author field asks for as the reader types a
// second author's first letters: the reader's authors whose name or surname starts with them,
// as the datalist htmx swaps in.
func BenchmarkAuthorSuggestions(b *testing.B) {
	benchRequestsAt(b, pageSizes, http.MethodGet, "/authors/suggest?author=Terry+Pratchett%2C+ma", true, nil)
}

// BenchmarkAuthorsList measures the list of authors with their counts of books and books read:
// the first page by sort name and by most books, and the page after the first by most books.
func BenchmarkAuthorsList(b *testing.B) {
	b.Run("byName", func(b *testing.B) {
		benchRequestsAt(b, pageSizes, http.MethodGet, "/authors", false, nil)
	})
	b.Run("byBooks", func(b *testing.B) {
		benchRequestsAt(b, pageSizes, http.MethodGet, "/authors?sort=books", false, nil)
	})
}

// BenchmarkStatsPage measures the stats page of this year and of all time as a reader sees it
// again and again: the stats kept since first computed (the store's cache), the goal, the links
// and the whole page rendered; it reports the page's bytes. On a library made by bookcase seed
// when BOOKCASE_STATS_DB names one (its first reader's), else on seeded libraries of each size.
func BenchmarkStatsPage(b *testing.B) {
	for name, uri := range map[string]string{"year": "/stats", "all": "/stats?year=all"} {
		b.Run(name, func(b *testing.B) {
			if path := os.Getenv("BOOKCASE_STATS_DB"); path != "" {
				benchRequestOn(b, openBenchServer(b, path), http.MethodGet, uri, false, nil)
				return
			}
			benchRequestsAt(b, pageSizes, http.MethodGet, uri, false, nil)
		})
	}
}
