package handlers_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/handlers"
)

// stressReaders is how many readers use the server at once in TestConcurrentReaders.
const stressReaders = 50

// stressDuration is how long TestConcurrentReaders runs: BOOKCASE_STRESS (a Go duration, such as
// 30s; task bench sets it), or a few seconds so that go test ./... stays quick.
func stressDuration(t *testing.T) time.Duration {
	t.Helper()
	v := os.Getenv("BOOKCASE_STRESS")
	if v == "" {
		if testing.Short() {
			return time.Second
		}
		return 3 * time.Second
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		t.Fatalf("BOOKCASE_STRESS=%q: want a duration such as 30s", v)
	}
	return d
}

var (
	csrfMetaRE = regexp.MustCompile(`name="csrf-token" content="([^"]+)"`)
	rowIDRE    = regexp.MustCompile(`id="book-(\d+)"`)
	// Every title and author a stress reader types carries the reader's number, so a page that
	// shows anyone else's book shows it.
	markerRE = regexp.MustCompile(`stress-r(\d+)-`)
)

// TestConcurrentReaders serves the app on a loopback port and has 50 readers, each with their own
// library, session and anti-forgery token, add, edit and list books through HTTP at the same
// time, as htmx does. Every response must succeed; no page may show another reader's book, nor may
// a reader reach one by its id; and afterwards every reader's library in the store holds exactly
// the books they added (no lost writes), with their last edits.
func TestConcurrentReaders(t *testing.T) {
	duration := stressDuration(t)
	ctx := t.Context()
	db, err := data.Open(ctx, testPool.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	sessions := db.Sessions(time.Hour, 2*time.Hour)
	app, err := handlers.New(handlers.Config{
		Books: db.Books(), Reading: db.Reading(), Editions: db.Editions(), Series: db.Series(), Authors: db.Authors(), Shelves: db.Shelves(), Export: db.Books(), Imports: db.Imports(), Covers: db.Covers(), Users: db.Users(),
		Sessions: sessions, CSRF: db.CSRFTokens(), Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- app.Listener(ln) }()
	t.Cleanup(func() {
		if err := app.ShutdownWithTimeout(10 * time.Second); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
		if err := db.Close(); err != nil {
			t.Errorf("close database: %v", err)
		}
	})
	base := &url.URL{Scheme: "http", Host: ln.Addr().String()}
	transport := &http.Transport{MaxIdleConnsPerHost: stressReaders, MaxConnsPerHost: stressReaders}
	t.Cleanup(transport.CloseIdleConnections)

	// Accounts are made in the store one after another (each costs a password hash, and the
	// bounded hashing queue turns away a crowd of them: that is its job, tested elsewhere), and
	// signed in with a session made there too; the login form has its own tests.
	readers := make([]*stressReader, stressReaders)
	for i := range readers {
		func() {
			u, err := db.Users().Create(ctx, fmt.Sprintf("stress%02d", i), password)
			if err != nil {
				t.Fatalf("create reader %d: %v", i, err)
			}
			sess, err := sessions.Create(ctx, u.ID)
			if err != nil {
				t.Fatalf("create session %d: %v", i, err)
			}
			jar, err := cookiejar.New(nil)
			if err != nil {
				t.Fatal(err)
			}
			jar.SetCookies(base, []*http.Cookie{{Name: sessionCookie, Value: sess.Token}})
			readers[i] = &stressReader{
				t: t, n: i, user: u, base: base.String(),
				client: &http.Client{Transport: transport, Jar: jar, Timeout: 30 * time.Second,
					CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
				r:     rand.New(rand.NewPCG(uint64(i), 42)),
				title: map[int64]string{},
			}
		}()
	}
	var wg sync.WaitGroup
	// Each reader loads the library (its anti-forgery token) and adds a first book, which the
	// others then try to reach by id.
	for _, rd := range readers {
		wg.Go(func() {
			if rd.loadLibrary() {
				rd.create()
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	foreign := make([]int64, len(readers))
	for i, rd := range readers {
		foreign[i] = rd.ids[0]
	}

	start := time.Now()
	deadline := start.Add(duration)
	var ops atomic.Int64
	for _, rd := range readers {
		wg.Go(func() {
			for time.Now().Before(deadline) && !rd.failed {
				switch p := rd.r.IntN(100); {
				case p < 35:
					rd.create()
				case p < 65:
					rd.update()
				case p < 80:
					rd.listPage()
				case p < 95:
					rd.listMore()
				default:
					other := rd.r.IntN(len(readers) - 1)
					if other >= rd.n {
						other++
					}
					rd.reachForeign(foreign[other])
				}
				ops.Add(1)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	var creates, updates int
	for _, rd := range readers {
		creates += rd.creates
		updates += rd.updates
	}
	// An operation is one request, or two for an edit (edit row, then save) and a foreign reach.
	t.Logf("%d readers, %v: %d operations (%.0f/s), %d books added, %d edits",
		len(readers), elapsed.Round(time.Millisecond), ops.Load(), float64(ops.Load())/elapsed.Seconds(), creates, updates)
	if t.Failed() {
		return
	}

	// No lost writes: each library holds exactly the books its reader added, with their last edits.
	books := db.Books()
	for _, rd := range readers {
		n, err := books.Count(ctx, rd.user.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n != len(rd.ids) {
			t.Errorf("reader %d: Count = %d, but %d books were added", rd.n, n, len(rd.ids))
		}
		stored := map[int64]string{}
		for before := int64(0); ; {
			page, err := books.List(ctx, rd.user.ID, before, 500)
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range page.Books {
				stored[b.ID] = b.Title
			}
			if before = page.Next; before == 0 {
				break
			}
		}
		if !maps.Equal(stored, rd.title) {
			for id, want := range rd.title {
				if got, ok := stored[id]; got != want {
					t.Errorf("reader %d: book %d is %q (stored %v), want %q", rd.n, id, got, ok, want)
				}
			}
			for id, got := range stored {
				if _, ok := rd.title[id]; !ok {
					t.Errorf("reader %d: book %d %q was never added by them", rd.n, id, got)
				}
			}
		}
	}
}

// stressReader is one reader's browser in TestConcurrentReaders, used by one goroutine.
type stressReader struct {
	t      *testing.T
	n      int
	user   data.User
	base   string
	client *http.Client
	r      *rand.Rand
	csrf   string

	// ids are the reader's books in the order they were added; title is each one's current title.
	ids   []int64
	title map[int64]string

	creates, updates int
	// failed stops the reader at its first failure, so one fault does not bury the log.
	failed bool
}

// fail reports a failure and stops the reader.
func (rd *stressReader) fail(format string, args ...any) {
	rd.t.Helper()
	rd.t.Errorf("reader %d: "+format, append([]any{rd.n}, args...)...)
	rd.failed = true
}

// send makes a request as htmx (or a plain browser, when htmx is false) and returns the status and
// body, or ok false after reporting a failure.
func (rd *stressReader) send(method, path string, form url.Values, htmx bool) (status int, body string, ok bool) {
	rd.t.Helper()
	var r io.Reader
	if form != nil {
		r = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(context.Background(), method, rd.base+path, r)
	if err != nil {
		rd.fail("%v", err)
		return 0, "", false
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if htmx {
		req.Header.Set("HX-Request", "true")
		req.Header.Set("HX-Current-URL", rd.base+"/books")
	}
	if unsafe(method) {
		req.Header.Set(csrfHeader, rd.csrf)
	}
	res, err := rd.client.Do(req)
	if err != nil {
		rd.fail("%s %s: %v", method, path, err)
		return 0, "", false
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		rd.fail("%s %s: read body: %v", method, path, err)
		return 0, "", false
	}
	body = string(b)
	if !rd.onlyOwn(method+" "+path, body) {
		return res.StatusCode, body, false
	}
	return res.StatusCode, body, true
}

// onlyOwn checks that a response shows none of another reader's books by their titles and
// authors, which carry the reader's number. (Row ids are checked by each caller, which knows
// which rows to expect; the 404 row of a foreign book names its id and nothing else.)
func (rd *stressReader) onlyOwn(what, body string) bool {
	rd.t.Helper()
	for _, m := range markerRE.FindAllStringSubmatch(body, -1) {
		if n, _ := strconv.Atoi(m[1]); n != rd.n {
			rd.fail("%s shows reader %d's book %q", what, n, m[0])
			return false
		}
	}
	return true
}

// ownRows checks that every book row in body is one of the reader's, or the book new.
func (rd *stressReader) ownRows(what, body string, new int64) bool {
	rd.t.Helper()
	for _, m := range rowIDRE.FindAllStringSubmatch(body, -1) {
		id, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil {
			rd.fail("%s: row id %q: %v", what, m[1], err)
			return false
		}
		if _, mine := rd.title[id]; !mine && id != new {
			rd.fail("%s shows book %d, which is not the reader's", what, id)
			return false
		}
	}
	return true
}

// loadLibrary loads the full library page, as a browser does, and keeps its anti-forgery token.
func (rd *stressReader) loadLibrary() bool {
	status, body, ok := rd.send(http.MethodGet, "/books", nil, false)
	if !ok {
		return false
	}
	if status != http.StatusOK {
		rd.fail("GET /books: status %d", status)
		return false
	}
	m := csrfMetaRE.FindStringSubmatch(body)
	if m == nil {
		rd.fail("GET /books: no csrf-token meta tag")
		return false
	}
	rd.csrf = m[1]
	if !rd.ownRows("GET /books", body, 0) {
		return false
	}
	if got, want := len(rowIDRE.FindAllString(body, -1)), min(len(rd.ids), data.PageSize); got != want {
		rd.fail("GET /books shows %d rows, want %d", got, want)
		return false
	}
	return true
}

// create adds a book from the new-book row.
func (rd *stressReader) create() {
	k := len(rd.ids)
	title := fmt.Sprintf("stress-r%02d-b%d", rd.n, k)
	form := url.Values{"title": {title}, "author": {fmt.Sprintf("stress-r%02d-author", rd.n)}, "genre": {"Stress"}}
	status, body, ok := rd.send(http.MethodPost, "/books", form, true)
	if !ok {
		return
	}
	if status != http.StatusOK {
		rd.fail("POST /books: status %d: %.300s", status, body)
		return
	}
	m := rowIDRE.FindStringSubmatch(body)
	if m == nil || !strings.Contains(body, title) {
		rd.fail("POST /books: the answer has no row for %q: %.300s", title, body)
		return
	}
	id, _ := strconv.ParseInt(m[1], 10, 64) // the pattern matched digits
	if _, seen := rd.title[id]; seen {
		rd.fail("POST /books: the new row is book %d, an older one", id)
		return
	}
	if !rd.ownRows("POST /books", body, id) {
		return
	}
	rd.ids = append(rd.ids, id)
	rd.title[id] = title
	rd.creates++
}

// update saves an edit of one of the reader's books from its edit row, as htmx does.
func (rd *stressReader) update() {
	if len(rd.ids) == 0 {
		rd.create()
		return
	}
	id := rd.ids[rd.r.IntN(len(rd.ids))]
	path := "/books/" + strconv.FormatInt(id, 10)
	if status, _, ok := rd.send(http.MethodGet, path+"/edit", nil, true); !ok || status != http.StatusOK {
		if ok {
			rd.fail("GET %s/edit: status %d", path, status)
		}
		return
	}
	title := fmt.Sprintf("stress-r%02d-e%d-%d", rd.n, id, rd.updates)
	form := url.Values{"title": {title}, "author": {fmt.Sprintf("stress-r%02d-editor", rd.n)}, "genre": {"Edited"}}
	status, body, ok := rd.send(http.MethodPut, path, form, true)
	if !ok {
		return
	}
	if status != http.StatusOK || !strings.Contains(body, title) {
		rd.fail("PUT %s: status %d, want 200 with the row %q: %.300s", path, status, title, body)
		return
	}
	if !rd.ownRows("PUT "+path, body, 0) {
		return
	}
	rd.title[id] = title
	rd.updates++
}

// listPage loads the library page; it must show the reader's newest books and only theirs.
func (rd *stressReader) listPage() { rd.loadLibrary() }

// listMore loads a page of rows older than one of the reader's books, as "Load more" does.
func (rd *stressReader) listMore() {
	if len(rd.ids) == 0 {
		return
	}
	i := rd.r.IntN(len(rd.ids))
	path := "/books?before=" + strconv.FormatInt(rd.ids[i], 10)
	status, body, ok := rd.send(http.MethodGet, path, nil, true)
	if !ok {
		return
	}
	if status != http.StatusOK {
		rd.fail("GET %s: status %d", path, status)
		return
	}
	got := rowIDRE.FindAllStringSubmatch(body, -1)
	if want := min(i, data.PageSize); len(got) != want {
		rd.fail("GET %s shows %d rows, want %d", path, len(got), want)
		return
	}
	want := slices.Clone(rd.ids[i-len(got) : i])
	slices.Reverse(want)
	for j, m := range got {
		if m[1] != strconv.FormatInt(want[j], 10) {
			rd.fail("GET %s: row %d is book %s, want %d", path, j, m[1], want[j])
			return
		}
	}
}

// reachForeign asks for the edit row of another reader's book and tries to save it: both must
// answer 404 and show nothing of it.
func (rd *stressReader) reachForeign(id int64) {
	path := "/books/" + strconv.FormatInt(id, 10)
	status, _, ok := rd.send(http.MethodGet, path+"/edit", nil, true)
	if ok && status != http.StatusNotFound {
		rd.fail("GET %s/edit of another reader's book: status %d, want 404", path, status)
		return
	}
	form := url.Values{"title": {fmt.Sprintf("stress-r%02d-intruder", rd.n)}, "author": {"x"}}
	status, _, ok = rd.send(http.MethodPut, path, form, true)
	if ok && status != http.StatusNotFound {
		rd.fail("PUT %s of another reader's book: status %d, want 404", path, status)
	}
}
