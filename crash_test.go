package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestCrash runs the real binary, has several readers add books, edit them and record progress
// at once while another imports a Goodreads export, kills the server with SIGKILL at a random
// moment (every other round, while the import is being written), and checks the database after
// each kill: SQLite's integrity check passes, every write the server acknowledged (a 2xx) is
// there as acknowledged (or as the write in flight at the kill, which may have committed), an
// import is in the library whole or not at all, and the kept counts equal a recount; and after
// each start, that nothing of an interrupted import is left. Three kills in go test; BOOKCASE_CRASH_KILLS sets more (task crash).
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real binary")
	}
	kills := 3
	if n, err := strconv.Atoi(os.Getenv("BOOKCASE_CRASH_KILLS")); err == nil && n > 0 {
		kills = n
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bookcase")
	build := exec.Command("go", "build", "-tags", "sqlite_fts5", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	db := filepath.Join(dir, "crash.db")
	const readers, workersPerReader = 3, 2
	for r := range readers + 1 { // the last one imports
		add := exec.Command(bin, "user", "add", fmt.Sprintf("reader%d", r), "--db", db)
		add.Stdin = strings.NewReader("a fine long passphrase\n")
		if out, err := add.CombinedOutput(); err != nil {
			t.Fatalf("user add: %v\n%s", err, out)
		}
	}

	var workers []*crashWorker
	jars := make([]http.CookieJar, readers+1)
	for r := range jars {
		jars[r], _ = cookiejar.New(nil)
		for w := range workersPerReader * min(1, readers-r) {
			workers = append(workers, &crashWorker{reader: r, name: fmt.Sprintf("r%d-w%d", r, w), books: map[int64]*crashBook{}})
		}
	}
	importer := &crashImporter{reader: readers}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	for round := range kills {
		srv := startServer(t, bin, db, dir)
		csrf := make([]string, readers+1)
		for r := range readers + 1 {
			csrf[r] = signIn(t, srv.url, jars[r], r)
		}
		// The server starts by deleting what an import killed in the middle had written.
		if n := pendingAfterStart(t, db); n != 0 {
			t.Fatalf("round %d: %d books of an interrupted import are left after the start", round, n)
		}
		// Kill once this many more writes are acknowledged: a random moment, reached by a
		// condition, not a timer.
		target := int64(20 + rng.IntN(120))
		var acked atomic.Int64
		var wg sync.WaitGroup
		for _, w := range workers {
			client := &http.Client{Jar: jars[w.reader], Timeout: 30 * time.Second,
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			wg.Go(func() { w.run(srv.url, client, csrf[w.reader], uint64(round), &acked) })
		}
		importClient := &http.Client{Jar: jars[importer.reader], Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		importer.stopped.Store(false)
		wg.Go(func() { importer.run(srv.url, importClient, csrf[importer.reader], round) })
		// Every other round, the kill comes while an import is being written: once some of its
		// books are (unless it is over first).
		watch, err := sql.Open("sqlite3", "file:"+db+"?mode=ro&_busy_timeout=5000")
		if err != nil {
			t.Fatal(err)
		}
		writing := func() bool {
			if round%2 == 0 || importer.stopped.Load() {
				return true
			}
			var n int
			err := watch.QueryRow(`SELECT COUNT(*) FROM books WHERE pending_import IS NOT NULL`).Scan(&n)
			return err == nil && n > 0
		}
		for (acked.Load() < target || !writing()) && !srv.exited() {
			time.Sleep(time.Millisecond) // polling the condition above, not waiting for time
		}
		watch.Close()
		if srv.exited() {
			t.Fatalf("round %d: the server stopped by itself; log:\n%s", round, srv.log())
		}
		srv.kill(t)
		wg.Wait()
		for _, w := range workers {
			if w.err != nil {
				t.Fatalf("round %d: %s: %v", round, w.name, w.err)
			}
		}
		if importer.err != nil {
			t.Fatalf("round %d: importer: %v", round, importer.err)
		}
		checkAfterCrash(t, db, workers, importer)
		t.Logf("round %d: killed after %d acknowledged writes, with %d books of an import being written; all there",
			round, acked.Load(), pendingAfterStart(t, db))
	}
}

// crashBook is what a worker knows of one of its books: the genre and progress it sent last,
// and the last the server acknowledged. The stored value is the acknowledged one or, when the
// kill came after the commit and before the answer, the one in flight.
type crashBook struct {
	genreSent, genreAcked       int
	progressSent, progressAcked int
}

type crashWorker struct {
	reader int
	name   string
	books  map[int64]*crashBook
	order  []int64
	next   int
	// created are the titles the server acknowledged creating.
	created []string
	err     error
}

var bookRowID = regexp.MustCompile(`id="book-(\d+)"`)

// run writes until the server dies: it adds a book one time in three, else edits the genre of
// one of its books or records more progress on it.
func (w *crashWorker) run(base string, client *http.Client, csrf string, seed uint64, acked *atomic.Int64) {
	rng := rand.New(rand.NewPCG(seed, uint64(w.reader*100+len(w.name))))
	for {
		var target string
		form := url.Values{}
		var book *crashBook
		var onAck func(body string)
		switch {
		case len(w.order) == 0 || rng.IntN(3) == 0:
			w.next++
			title := fmt.Sprintf("%s-n%d", w.name, w.next)
			target = "/books"
			form.Set("title", title)
			form.Set("author", "Crash Test")
			form.Set("status", "reading")
			onAck = func(body string) {
				m := bookRowID.FindStringSubmatch(body)
				if m == nil {
					w.err = fmt.Errorf("create %s: no book id in the answer", title)
					return
				}
				id, _ := strconv.ParseInt(m[1], 10, 64)
				w.books[id] = &crashBook{}
				w.order = append(w.order, id)
				w.created = append(w.created, title)
			}
		case rng.IntN(2) == 0:
			id := w.order[rng.IntN(len(w.order))]
			book = w.books[id]
			book.genreSent++
			n := book.genreSent
			target = "/books/" + strconv.FormatInt(id, 10)
			form.Set("title", fmt.Sprintf("%s-id%d", w.name, id))
			form.Set("author", "Crash Test")
			form.Set("genre", "g"+strconv.Itoa(n))
			onAck = func(string) { book.genreAcked = n }
		default:
			id := w.order[rng.IntN(len(w.order))]
			book = w.books[id]
			if book.progressSent >= 99 {
				continue
			}
			book.progressSent++
			n := book.progressSent
			target = "/books/" + strconv.FormatInt(id, 10) + "/progress"
			form.Set("progress", strconv.Itoa(n)+"%")
			onAck = func(string) { book.progressAcked = n }
		}
		req, _ := http.NewRequest(http.MethodPost, base+target, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("HX-Request", "true")
		req.Header.Set("X-Csrf-Token", csrf)
		res, err := client.Do(req)
		if err != nil {
			return // the server was killed: this write is in flight, acknowledged or not
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			return
		}
		if res.StatusCode/100 != 2 {
			w.err = fmt.Errorf("POST %s: %s: %s", target, res.Status, body)
			return
		}
		onAck(string(body))
		if w.err != nil {
			return
		}
		// Titles are renamed by the first edit: a created book is then found by its id.
		acked.Add(1)
	}
}

// checkAfterCrash opens the database as the next start would and checks it against what the
// workers were told.
func checkAfterCrash(t *testing.T, path string, workers []*crashWorker, importer *crashImporter) {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var ok string
	if err := conn.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity check: %q, %v", ok, err)
	}
	for _, w := range workers {
		for id, b := range w.books {
			var genre sql.NullString
			var progress sql.NullFloat64
			err := conn.QueryRow(`SELECT b.genre,
				(SELECT MAX(p.percent) FROM progress_updates p JOIN read_throughs r ON r.id = p.read_through_id WHERE r.book_id = b.id)
				FROM books b WHERE b.id = ?`, id).Scan(&genre, &progress)
			if err != nil {
				t.Fatalf("%s: book %d acknowledged as created: %v", w.name, id, err)
			}
			g := 0
			if genre.String != "" {
				g, _ = strconv.Atoi(strings.TrimPrefix(genre.String, "g"))
			}
			if g < b.genreAcked || g > b.genreSent {
				t.Errorf("%s: book %d has genre g%d; acknowledged g%d, sent up to g%d", w.name, id, g, b.genreAcked, b.genreSent)
			}
			p := int(progress.Float64 + 0.5)
			if p < b.progressAcked || p > b.progressSent {
				t.Errorf("%s: book %d has progress %d%%; acknowledged %d%%, sent up to %d%%", w.name, id, p, b.progressAcked, b.progressSent)
			}
		}
	}
	// An import is in the library whole or not at all: the books of one the server said was done
	// are all there, and of the one in flight at the kill, all or none.
	for _, im := range importer.imports {
		var visible int
		if err := conn.QueryRow(`SELECT COUNT(*) FROM books WHERE title LIKE ? AND deleted_at IS NULL AND pending_import IS NULL`,
			im.prefix+"%").Scan(&visible); err != nil {
			t.Fatal(err)
		}
		if visible != crashImportRows && (im.done || visible != 0) {
			t.Errorf("import %s (done: %v): %d of its %d books are in the library", im.prefix, im.done, visible, crashImportRows)
		}
	}
	rows, err := conn.Query(`SELECT u.id, COALESCE(c.live, 0), (SELECT COUNT(*) FROM books b WHERE b.owner_id = u.id AND b.deleted_at IS NULL AND b.pending_import IS NULL)
		FROM users u LEFT JOIN book_counts c ON c.owner_id = u.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var owner, kept, recount int64
		if err := rows.Scan(&owner, &kept, &recount); err != nil {
			t.Fatal(err)
		}
		if kept != recount {
			t.Errorf("reader %d: the kept count says %d books, a recount %d", owner, kept, recount)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// crashImportRows is how many books each round's import adds: a few of the import's batches.
const crashImportRows = 2000

// crashImporter is a reader who imports a Goodreads export of crashImportRows books each round.
type crashImporter struct {
	reader int
	// imports are the imports confirmed, and whether the server said each was done.
	imports []*crashImport
	// stopped is set when run returns.
	stopped atomic.Bool
	err     error
}

type crashImport struct {
	prefix  string // of its books' titles
	review  string // its page
	done    bool
	deleted bool
}

var importState = regexp.MustCompile(`data-state="([a-z]+)"`)

// run uploads the round's export, confirms it, and follows it until it is done or the server dies.
func (im *crashImporter) run(base string, client *http.Client, csrf string, round int) {
	defer im.stopped.Store(true)
	prefix := fmt.Sprintf("import-r%d-", round)
	var file strings.Builder
	file.WriteString("Book Id,Title,Author,Author l-f,Additional Authors,ISBN,ISBN13,My Rating,Average Rating,Publisher,Binding,Number of Pages,Year Published,Original Publication Year,Date Read,Date Added,Bookshelves,Bookshelves with positions,Exclusive Shelf,My Review,Spoiler,Private Notes,Read Count,Owned Copies\n")
	for i := range crashImportRows {
		fields := make([]string, 24)
		fields[0], fields[1], fields[2], fields[16], fields[18] = strconv.Itoa(i+1), prefix+strconv.Itoa(i), "Crash Import", "imported", "to-read"
		file.WriteString(strings.Join(fields, ",") + "\n")
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("_csrf", csrf)
	part, _ := mw.CreateFormFile("file", "goodreads_library_export.csv")
	_, _ = io.WriteString(part, file.String())
	_ = mw.Close()
	post := func(target, contentType string, body io.Reader) (*http.Response, bool) {
		req, _ := http.NewRequest(http.MethodPost, base+target, body)
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("X-Csrf-Token", csrf)
		res, err := client.Do(req)
		if err != nil {
			return nil, false // the server was killed
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			im.err = fmt.Errorf("POST %s: %s", target, res.Status)
			return nil, false
		}
		return res, true
	}
	// The imports killed in earlier rounds are failed, and count against the reader's few open
	// imports: the reader deletes them, as the page offers.
	for _, old := range im.imports {
		if !old.done && !old.deleted {
			form := url.Values{"_csrf": {csrf}}
			if _, ok := post(old.review+"/delete", "application/x-www-form-urlencoded", strings.NewReader(form.Encode())); !ok {
				return
			}
			old.deleted = true
		}
	}
	res, ok := post("/import", mw.FormDataContentType(), &body)
	if !ok {
		return
	}
	review := res.Header.Get("Location")
	current := &crashImport{prefix: prefix, review: review}
	form := url.Values{"_csrf": {csrf}, "onDuplicate": {"skip"}}
	if _, ok := post(review+"/confirm", "application/x-www-form-urlencoded", strings.NewReader(form.Encode())); !ok {
		// Killed with the confirmation in flight: it may have started.
		im.imports = append(im.imports, current)
		return
	}
	im.imports = append(im.imports, current)
	for {
		res, err := client.Get(base + review)
		if err != nil {
			return
		}
		page, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			return
		}
		m := importState.FindSubmatch(page)
		if res.StatusCode != http.StatusOK || m == nil {
			im.err = fmt.Errorf("GET %s: %s, state %q", review, res.Status, m)
			return
		}
		switch string(m[1]) {
		case "done":
			current.done = true
			return
		case "failed":
			im.err = fmt.Errorf("the import failed with the server up")
			return
		}
		time.Sleep(10 * time.Millisecond) // polling the server for a state, as the page does
	}
}

// pendingAfterStart counts the books that imports are writing, in the database at path.
func pendingAfterStart(t *testing.T, path string) int {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n int
	if err := conn.QueryRow(`SELECT COUNT(*) FROM books WHERE pending_import IS NOT NULL`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// crashServer is the binary running, and its log.
type crashServer struct {
	cmd  *exec.Cmd
	url  string
	mu   sync.Mutex
	out  strings.Builder
	done chan struct{}
}

func startServer(t *testing.T, bin, db, dir string) *crashServer {
	t.Helper()
	s := &crashServer{done: make(chan struct{})}
	s.cmd = exec.Command(bin, "--db", db, "--addr", "127.0.0.1:0", "--upload-dir", filepath.Join(dir, "uploads"))
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	listening := make(chan string, 1)
	go func() {
		defer close(s.done)
		sc := bufio.NewScanner(stderr)
		re := regexp.MustCompile(`msg="bookcase listening" addr=(\S+)`)
		for sc.Scan() {
			s.mu.Lock()
			s.out.WriteString(sc.Text() + "\n")
			s.mu.Unlock()
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				listening <- m[1]
			}
		}
		s.cmd.Wait()
	}()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	select {
	case s.url = <-listening:
	case <-s.done:
		t.Fatalf("the server stopped before listening:\n%s", s.log())
	case <-ctx.Done():
		s.cmd.Process.Kill()
		t.Fatalf("the server did not listen within a minute:\n%s", s.log())
	}
	t.Cleanup(func() { s.cmd.Process.Kill(); <-s.done })
	return s
}

func (s *crashServer) log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.String()
}

func (s *crashServer) exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// kill sends SIGKILL, as a power cut or the OOM killer would, and waits for the process to end.
func (s *crashServer) kill(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-s.done
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)"`)

// signIn signs reader r in with the jar, unless its session lives on from an earlier round, and
// returns the anti-forgery token of the library page.
func signIn(t *testing.T, base string, jar http.CookieJar, r int) string {
	t.Helper()
	client := &http.Client{Jar: jar}
	page := func(path string) string {
		res, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		m := csrfMeta.FindStringSubmatch(string(body))
		if m == nil {
			t.Fatalf("GET %s: no csrf-token in the page (%s)", path, res.Status)
		}
		if strings.Contains(res.Request.URL.Path, "/login") {
			return "login:" + m[1]
		}
		return m[1]
	}
	token := page("/books")
	if !strings.HasPrefix(token, "login:") {
		return token
	}
	res, err := client.PostForm(base+"/login", url.Values{
		"username": {fmt.Sprintf("reader%d", r)}, "password": {"a fine long passphrase"},
		"_csrf": {strings.TrimPrefix(token, "login:")},
	})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	token = page("/books")
	if strings.HasPrefix(token, "login:") {
		t.Fatalf("reader%d could not sign in (%s)", r, res.Status)
	}
	return token
}
