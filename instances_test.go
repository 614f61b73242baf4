package main

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/data/dbtest"
)

// TestInstances runs three Bookcase processes on one PostgreSQL database (started at once on an
// empty one: one migrates, the others wait) and 50 readers, each sending every request to
// another instance than its last: they add books, rename them, search, and a few import. Halfway,
// once an import is being written on it, one instance is killed with SIGKILL and another is
// started in its place, as an orchestrator would. Then: no request got an error (but those in
// flight to the killed instance), every book whose creation or edit was acknowledged is there as
// acknowledged, no reader ever saw another's book, a session made on one instance served on all
// of them, and the killed instance's import is rolled back (failed, none of its books left), after
// which the reader's confirming it again runs it to the end. A few thousand requests in go test;
// BOOKCASE_INSTANCES_FOR sets a time instead (task bench-instances: 30s). A reader whose small
// import ran on the killed instance confirms it again, as its page asks.
func TestInstances(t *testing.T) {
	if !dbtest.OnPostgres() {
		t.Skip("BOOKCASE_TEST_POSTGRES is not set: instances share a PostgreSQL database")
	}
	if testing.Short() {
		t.Skip("builds and runs the real binary three times")
	}
	var runFor time.Duration
	if v := os.Getenv("BOOKCASE_INSTANCES_FOR"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("BOOKCASE_INSTANCES_FOR: %v", err)
		}
		runFor = d
	}
	ctx := t.Context()
	dir := t.TempDir()
	bin := filepath.Join(dir, "bookcase")
	if out, err := exec.Command("go", "build", "-tags", "sqlite_fts5", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dsn := dbtest.NewDSN(t)

	// Three instances start at once on an empty database.
	servers := make([]*crashServer, 3)
	var started sync.WaitGroup
	for i := range servers {
		started.Go(func() { servers[i] = startServer(t, bin, dsn, filepath.Join(dir, strconv.Itoa(i))) })
	}
	started.Wait()
	if t.Failed() {
		t.FailNow()
	}
	var pool instancePool
	for _, s := range servers {
		pool.add(s)
	}

	const readers = 50
	store, err := data.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ids := make([]int64, readers)
	for r := range readers {
		u, err := store.Users().Create(ctx, fmt.Sprintf("reader%d", r), "a fine long passphrase")
		if err != nil {
			t.Fatal(err)
		}
		ids[r] = u.ID
	}

	// Each reader signs in on one instance; its session then serves on every other.
	workers := make([]*instanceWorker, readers)
	var broken atomic.Bool
	for r := range workers {
		jar, _ := cookiejar.New(nil)
		w := &instanceWorker{reader: r, id: ids[r], name: fmt.Sprintf("r%d", r), books: map[int64]*instanceBook{}, seen: map[int64]bool{}, pool: &pool, next: r, broken: &broken}
		w.client = &http.Client{Jar: jar, Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		w.csrf = signInOn(t, w, pool.pick(&w.next, ""))
		workers[r] = w
	}
	for _, w := range workers[:3] {
		for range 3 {
			base := pool.pick(&w.next, "")
			if _, err := w.get(base, "/books"); err != nil {
				t.Fatalf("%s: the session made on one instance does not serve on %s: %v", w.name, base, err)
			}
		}
	}

	watch, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer watch.Close()

	var acked atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, w := range workers[:readers-1] {
		wg.Go(func() { w.run(uint64(w.reader), stop, &acked) })
	}
	start := time.Now()
	halfway := func() bool {
		if runFor > 0 {
			return time.Since(start) >= runFor/2
		}
		return acked.Load() >= 300
	}
	for !halfway() && !broken.Load() {
		time.Sleep(5 * time.Millisecond) // polling the condition above, not waiting for time
	}
	// Halfway, the import the kill interrupts: confirmed on the instance to be killed, which then
	// writes it, and killed once some of its books are written.
	victim := servers[1]
	big := workers[readers-1]
	review, err := big.upload(pool.other(victim.url), "big-", 3000)
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	if err := big.post(victim.url, review+"/confirm", url.Values{"onDuplicate": {"skip"}}, http.StatusSeeOther); err != nil {
		t.Fatalf("confirm: %v", err)
	}
	importID, _ := strconv.ParseInt(review[strings.LastIndex(review, "/")+1:], 10, 64)
	for !broken.Load() {
		var state string
		var pending int
		if err := watch.QueryRow(`SELECT state, (SELECT COUNT(*) FROM books WHERE pending_import = $1) FROM imports WHERE id = $1`, importID).Scan(&state, &pending); err != nil {
			t.Fatal(err)
		}
		if pending > 0 {
			break
		}
		if state != "running" && state != "pending" {
			t.Fatalf("the import is %s before any of its books was seen being written", state)
		}
		time.Sleep(time.Millisecond) // polling the condition above, not waiting for time
	}
	pool.remove(victim.url)
	victim.kill(t)
	t.Logf("killed an instance after %d acknowledged writes, with its import being written", acked.Load())
	pool.add(startServer(t, bin, dsn, filepath.Join(dir, "3")))
	atKill := acked.Load()
	for (runFor == 0 && acked.Load() < 2*atKill || runFor > 0 && time.Since(start) < runFor) && !broken.Load() {
		time.Sleep(5 * time.Millisecond) // polling the condition above, not waiting for time
	}
	close(stop)
	wg.Wait()
	if err := failed(workers); err != nil {
		for i, s := range append(servers, pool.servers()...) {
			for _, line := range strings.Split(s.log(), "\n") {
				if strings.Contains(line, "level=WARN") || strings.Contains(line, "level=ERROR") || strings.Contains(line, "import") {
					t.Logf("instance %d: %s", i, line)
				}
			}
		}
		rows, _ := watch.Query(`SELECT id, owner_id, state, error, created_at, finished_at FROM imports ORDER BY id`)
		for rows.Next() {
			var id, owner int64
			var state, msg string
			var created time.Time
			var finished sql.NullTime
			rows.Scan(&id, &owner, &state, &msg, &created, &finished)
			t.Logf("import %d of %d: %s %q %s %v", id, owner, state, msg, created.Format(time.StampMicro), finished.Time.Format(time.StampMicro))
		}
		rows.Close()
		t.Fatal(err)
	}
	elapsed := time.Since(start)

	// The killed instance's import is rolled back by the one that took its place (at its start;
	// the others would within a minute), and confirmed again, runs to the end.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var state string
		var pending int
		if err := watch.QueryRow(`SELECT state, (SELECT COUNT(*) FROM books WHERE pending_import = $1) FROM imports WHERE id = $1`, importID).Scan(&state, &pending); err != nil {
			t.Fatal(err)
		}
		if state == "failed" && pending == 0 {
			break
		}
		if state == "done" {
			break // another instance finished it: as good
		}
		if time.Now().After(deadline) {
			t.Fatalf("the killed instance's import is stuck: %s with %d books pending", state, pending)
		}
		time.Sleep(10 * time.Millisecond) // polling the database for a state
	}
	if err := big.post(pool.pick(&big.next, ""), review+"/confirm", url.Values{"onDuplicate": {"skip"}}, http.StatusSeeOther); err != nil {
		t.Fatalf("confirm again: %v", err)
	}
	if err := big.waitImport(review); err != nil {
		t.Fatal(err)
	}
	var bigBooks int
	if err := watch.QueryRow(`SELECT COUNT(*) FROM books WHERE title LIKE 'big-%' AND pending_import IS NULL AND deleted_at IS NULL`).Scan(&bigBooks); err != nil {
		t.Fatal(err)
	}
	if bigBooks != 3000 {
		t.Errorf("the import confirmed again made %d books, want 3000", bigBooks)
	}

	// Every acknowledged write is there; nobody saw another's book.
	var requests int64
	for _, w := range workers[:readers-1] {
		requests += w.requests
		for id, b := range w.books {
			var owner int64
			var title, genre string
			if err := watch.QueryRow(`SELECT owner_id, title, genre FROM books WHERE id = $1 AND deleted_at IS NULL`, id).Scan(&owner, &title, &genre); err != nil {
				t.Errorf("%s: book %d acknowledged as created: %v", w.name, id, err)
				continue
			}
			g := 0
			if genre != "" {
				g, _ = strconv.Atoi(strings.TrimPrefix(genre, "g"))
			}
			if owner != w.id || g < b.genreAcked || g > b.genreSent {
				t.Errorf("%s: book %d is %q of reader id %d with genre %q; acknowledged g%d, sent up to g%d", w.name, id, title, owner, genre, b.genreAcked, b.genreSent)
			}
		}
		for id := range w.seen {
			var owner int64
			if err := watch.QueryRow(`SELECT owner_id FROM books WHERE id = $1`, id).Scan(&owner); err != nil {
				t.Errorf("%s saw book %d: %v", w.name, id, err)
			} else if owner != w.id {
				t.Errorf("%s saw book %d, reader id %d's", w.name, id, owner)
			}
		}
		for _, prefix := range w.imported {
			var n int
			if err := watch.QueryRow(`SELECT COUNT(*) FROM books WHERE title LIKE $1 AND pending_import IS NULL`, prefix+"%").Scan(&n); err != nil || n != smallImport {
				t.Errorf("%s: import %s made %d books, want %d (%v)", w.name, prefix, n, smallImport, err)
			}
		}
	}
	t.Logf("%d requests from %d readers across 3 instances (one killed, one started) in %s, %d acknowledged writes",
		requests, readers-1, elapsed.Round(time.Millisecond), acked.Load())
}

// smallImport is how many books each of the few importing readers imports.
const smallImport = 100

// instancePool is the instances serving, by URL, in a fixed order.
type instancePool struct {
	mu      sync.Mutex
	urls    []string
	started []*crashServer
}

func (p *instancePool) add(s *crashServer) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.urls = append(p.urls, s.url)
	p.started = append(p.started, s)
}

// servers are the instances started after the first three.
func (p *instancePool) servers() []*crashServer {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.started[min(3, len(p.started)):]
}

func (p *instancePool) remove(u string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.urls = slices.DeleteFunc(slices.Clone(p.urls), func(x string) bool { return x == u })
}

// pick returns the instance after the one *next points at, other than last, and moves *next on:
// round-robin, never the same instance twice in a row.
func (p *instancePool) pick(next *int, last string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		*next++
		u := p.urls[*next%len(p.urls)]
		if u != last || len(p.urls) == 1 {
			return u
		}
	}
}

// other is an instance other than u.
func (p *instancePool) other(u string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, x := range p.urls {
		if x != u {
			return x
		}
	}
	return u
}

func (p *instancePool) serving(u string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Contains(p.urls, u)
}

type instanceBook struct{ genreSent, genreAcked int }

// instanceWorker is a reader with a session, sending each request to the next instance.
type instanceWorker struct {
	reader int
	id     int64
	name   string
	client *http.Client
	csrf   string
	pool   *instancePool
	next   int
	last   string
	books  map[int64]*instanceBook
	order  []int64
	// seen are the books the instances showed the reader.
	seen map[int64]bool
	// imported are the title prefixes of the reader's finished imports.
	imported []string
	requests int64
	err      error
	// broken is set by the first worker that fails.
	broken *atomic.Bool
}

func failed(workers []*instanceWorker) error {
	var errs []error
	for _, w := range workers {
		if w.err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", w.name, w.err))
		}
	}
	return errors.Join(errs...)
}

// signInOn signs w in on the instance at base and returns the anti-forgery token of the library
// page, read from the next instance.
func signInOn(t *testing.T, w *instanceWorker, base string) string {
	t.Helper()
	res, err := w.client.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfMeta.FindSubmatch(body)
	if m == nil {
		t.Fatalf("GET /login: no csrf-token (%s)", res.Status)
	}
	res, err = w.client.PostForm(base+"/login", url.Values{
		"username": {fmt.Sprintf("reader%d", w.reader)}, "password": {"a fine long passphrase"}, "_csrf": {string(m[1])},
	})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("%s: sign in: %s", w.name, res.Status)
	}
	w.last = base
	page, err := w.get(w.pool.pick(&w.next, base), "/books")
	if err != nil {
		t.Fatalf("%s: %v", w.name, err)
	}
	m = csrfMeta.FindSubmatch(page)
	if m == nil {
		t.Fatalf("%s: no csrf-token in the library page", w.name)
	}
	return string(m[1])
}

// get asks base for path as the reader, and fails on anything but 200.
func (w *instanceWorker) get(base, path string) ([]byte, error) {
	w.last = base
	w.requests++
	res, err := w.client.Get(base + path)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s%s: %s", base, path, res.Status)
	}
	return body, nil
}

// post sends a form to base, as htmx does when htmx is true, and fails on another status than want.
func (w *instanceWorker) post(base, path string, form url.Values, want int) error {
	_, err := w.send(base, path, form, want, false)
	return err
}

func (w *instanceWorker) send(base, path string, form url.Values, want int, htmx bool) ([]byte, error) {
	w.last = base
	w.requests++
	form.Set("_csrf", w.csrf)
	req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if htmx {
		req.Header.Set("HX-Request", "true")
	}
	res, err := w.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != want {
		return nil, fmt.Errorf("POST %s%s: %s: %.300s", base, path, res.Status, body)
	}
	return body, nil
}

// upload sends a Goodreads export of n books titled prefix0, prefix1, ... to base and returns
// the import's review page.
func (w *instanceWorker) upload(base, prefix string, n int) (string, error) {
	var file strings.Builder
	file.WriteString("Book Id,Title,Author,Author l-f,Additional Authors,ISBN,ISBN13,My Rating,Average Rating,Publisher,Binding,Number of Pages,Year Published,Original Publication Year,Date Read,Date Added,Bookshelves,Bookshelves with positions,Exclusive Shelf,My Review,Spoiler,Private Notes,Read Count,Owned Copies\n")
	for i := range n {
		fields := make([]string, 24)
		fields[0], fields[1], fields[2], fields[16], fields[18] = strconv.Itoa(i+1), prefix+strconv.Itoa(i), "Shared Import", "imported", "to-read"
		file.WriteString(strings.Join(fields, ",") + "\n")
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("_csrf", w.csrf)
	part, _ := mw.CreateFormFile("file", "goodreads_library_export.csv")
	_, _ = io.WriteString(part, file.String())
	_ = mw.Close()
	w.last = base
	w.requests++
	req, _ := http.NewRequest(http.MethodPost, base+"/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := w.client.Do(req)
	if err != nil {
		return "", err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("POST /import: %s", res.Status)
	}
	return res.Header.Get("Location"), nil
}

// waitImport follows the import's page, on instance after instance, until it is done.
func (w *instanceWorker) waitImport(review string) error {
	for {
		page, err := w.get(w.pool.pick(&w.next, w.last), review)
		if err != nil {
			return err
		}
		m := importState.FindSubmatch(page)
		if m == nil {
			return fmt.Errorf("GET %s: no state", review)
		}
		switch string(m[1]) {
		case "done":
			return nil
		case "failed":
			return fmt.Errorf("import %s failed", review)
		}
		time.Sleep(10 * time.Millisecond) // polling the server for a state, as the page does
	}
}

// importSmall imports a file of smallImport books, and confirms it again if the instance that ran
// it was killed meanwhile, as its reader would. It returns false when something failed.
func (w *instanceWorker) importSmall(gone func(string, error) bool) bool {
	prefix := fmt.Sprintf("imp%d-", w.reader)
	base := w.pool.pick(&w.next, w.last)
	review, err := w.upload(base, prefix, smallImport)
	if err != nil {
		return gone(base, err)
	}
	for {
		base = w.pool.pick(&w.next, w.last)
		if err := w.post(base, review+"/confirm", url.Values{"onDuplicate": {"skip"}}, http.StatusSeeOther); err != nil {
			if gone(base, err) {
				continue // killed with the confirmation in flight: confirm it again elsewhere
			}
			return false
		}
		err := w.waitImport(review)
		if err == nil {
			w.imported = append(w.imported, prefix)
			return true
		}
		if !w.pool.serving(base) {
			continue // it ran on the instance killed: confirm it again
		}
		return gone(w.last, err)
	}
}

// bookSearched is a book of the library page's rows.
var bookSearched = regexp.MustCompile(`id="book-(\d+)"`)

// run makes requests until stop is closed: adds a book, renames one of its books, or searches
// (for a word every reader's titles share, and for its newest book's own word); the first few
// readers import a small file first. A request to an instance no longer serving (killed with it
// in flight) is neither an error nor acknowledged.
func (w *instanceWorker) run(seed uint64, stop <-chan struct{}, acked *atomic.Int64) {
	rng := rand.New(rand.NewPCG(seed, 18))
	gone := func(base string, err error) bool {
		if err != nil && !w.pool.serving(base) {
			return true
		}
		w.err = err
		w.broken.Store(true)
		return false
	}
	if w.reader < 5 && !w.importSmall(gone) {
		return
	}
	for n := 0; ; n++ {
		select {
		case <-stop:
			return
		default:
		}
		base := w.pool.pick(&w.next, w.last)
		switch op := rng.IntN(10); {
		case len(w.order) == 0 || op < 4:
			title := fmt.Sprintf("%s-n%d shared", w.name, n)
			body, err := w.send(base, "/books", url.Values{"title": {title}, "author": {"Many Instances"}, "status": {"want"}}, http.StatusOK, true)
			if err != nil {
				if gone(base, err) {
					continue
				}
				return
			}
			m := bookRowID.FindSubmatch(body)
			if m == nil {
				gone(base, fmt.Errorf("create %s: no book id in the answer", title))
				return
			}
			id, _ := strconv.ParseInt(string(m[1]), 10, 64)
			w.books[id] = &instanceBook{}
			w.order = append(w.order, id)
		case op < 7:
			id := w.order[rng.IntN(len(w.order))]
			b := w.books[id]
			b.genreSent++
			sent := b.genreSent
			form := url.Values{"title": {fmt.Sprintf("%s-id%d shared", w.name, id)}, "author": {"Many Instances"}, "genre": {"g" + strconv.Itoa(sent)}}
			if _, err := w.send(base, "/books/"+strconv.FormatInt(id, 10), form, http.StatusOK, true); err != nil {
				if gone(base, err) {
					continue
				}
				return
			}
			b.genreAcked = sent
		default:
			// A word every reader's titles share, or the new title of a book whose rename was
			// acknowledged (on another instance), which the search must find.
			q, want := "shared", int64(0)
			if id := w.order[rng.IntN(len(w.order))]; w.books[id].genreAcked > 0 && rng.IntN(2) == 0 {
				q, want = fmt.Sprintf("%s-id%d", w.name, id), id
			}
			page, err := w.get(base, "/books?q="+url.QueryEscape(q))
			if err != nil {
				if gone(base, err) {
					continue
				}
				return
			}
			found := false
			for _, m := range bookSearched.FindAllSubmatch(page, -1) {
				id, _ := strconv.ParseInt(string(m[1]), 10, 64)
				w.seen[id] = true
				found = found || id == want
			}
			if want != 0 && !found {
				gone(base, fmt.Errorf("searching %q on %s does not find book %d, renamed so", q, base, want))
				return
			}
			continue
		}
		acked.Add(1)
	}
}
