package data_test

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/bookcase/bookcase/data"
)

// openDB opens a new database and closes it when the test ends: a SQLite file in a temporary
// directory, or a schema of the test's own on PostgreSQL (BOOKCASE_TEST_POSTGRES).
func openDB(t *testing.T) *data.DB {
	t.Helper()
	return data.OpenTest(t)
}

// addReader creates an account, or fails the test (data.AddTestReader).
var addReader = data.AddTestReader

func TestOpen(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "test.db")
		db, err := data.Open(t.Context(), path)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer db.Close()
		if _, err := os.Stat(path); err != nil {
			t.Errorf("database file: %v", err)
		}
		if n, err := db.Books().Count(t.Context(), 1); err != nil || n != 0 {
			t.Errorf("Count() = %d, %v; want 0, nil", n, err)
		}
	})
	t.Run("ErrNoPath", func(t *testing.T) {
		db, err := data.Open(t.Context(), "")
		if err == nil {
			db.Close()
			t.Fatal("Open(\"\") succeeded, want an error")
		}
	})
	t.Run("ErrMissingDirectory", func(t *testing.T) {
		db, err := data.Open(t.Context(), filepath.Join(t.TempDir(), "no", "such", "dir", "test.db"))
		if err == nil {
			db.Close()
			t.Fatal("Open in a missing directory succeeded, want an error")
		}
	})
	t.Run("OKPathNeedsEscaping", func(t *testing.T) {
		// A path with characters that mean something in a URL must still name the file.
		dir := filepath.Join(t.TempDir(), "my books?#%")
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "lib rary.db")
		db, err := data.Open(t.Context(), path)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer db.Close()
		if _, err := db.Books().Create(t.Context(), addReader(t, db, "reader").ID, data.BookInput{Title: "Dune", Author: "Frank Herbert"}); err != nil {
			t.Fatalf("Create: %v", err)
		}
		if _, err := os.Stat(path); err != nil {
			t.Errorf("database file: %v", err)
		}
	})
}

// schema lists the tables and indexes of db, and how many times each migration version was applied.
func schema(t *testing.T, db *data.DB) (objects map[string]string, versions map[int64]int) {
	t.Helper()
	_, read := db.Pools()
	rows, err := read.QueryContext(t.Context(), `SELECT name, type FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatalf("read schema: %v", err)
	}
	defer rows.Close()
	objects = map[string]string{}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			t.Fatal(err)
		}
		objects[name] = typ
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var applied []int64
	if err := read.SelectContext(t.Context(), &applied, `SELECT version_id FROM goose_db_version WHERE is_applied`); err != nil {
		t.Fatalf("read migration versions: %v", err)
	}
	versions = map[int64]int{}
	for _, v := range applied {
		versions[v]++
	}
	return objects, versions
}

func TestOpenMigrates(t *testing.T) {
	data.SkipOnPostgres(t, "reads SQLite's schema and migration files (PostgreSQL's: TestSchemasMatch, TestOpenMigratesOnce)")
	db := openDB(t)
	objects, versions := schema(t, db)
	if objects["books"] != "table" {
		t.Errorf("schema has books as %q, want a table", objects["books"])
	}
	files, err := data.MigrationFiles()
	if err != nil || len(files) == 0 {
		t.Fatalf("MigrationFiles() = %v, %v; want some", files, err)
	}
	// Every embedded migration is applied, once.
	for _, name := range files {
		version, _, ok := strings.Cut(path.Base(name), "_")
		v, err := strconv.ParseInt(version, 10, 64)
		if !ok || err != nil {
			t.Errorf("migration %s is not named NNNNN_name.sql", name)
			continue
		}
		if versions[v] != 1 {
			t.Errorf("migration %s applied %d times, want 1", name, versions[v])
		}
	}
}

func TestOpenTwice(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "test.db")

	db, err := data.Open(ctx, path)
	if err != nil {
		t.Fatalf("first Open: %v", err)
	}
	owner := addReader(t, db, "reader").ID
	want, err := db.Books().Create(ctx, owner, data.BookInput{Title: "Dune", Author: "Frank Herbert", Genre: "Science fiction"})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	_, versionsBefore := schema(t, db)

	t.Run("OKWhileOpen", func(t *testing.T) {
		// A second process (say, `bookcase seed`) opens the file while the server has it open.
		other, err := data.Open(ctx, path)
		if err != nil {
			t.Fatalf("second Open while the first is open: %v", err)
		}
		defer other.Close()
		got, err := other.Books().Get(ctx, owner, want.ID)
		if err != nil {
			t.Fatalf("Get through the second handle: %v", err)
		}
		assertSameBook(t, got, want)
	})

	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	t.Run("OKReopen", func(t *testing.T) {
		db, err := data.Open(ctx, path)
		if err != nil {
			t.Fatalf("re-Open: %v", err)
		}
		defer db.Close()
		got, err := db.Books().Get(ctx, owner, want.ID)
		if err != nil {
			t.Fatalf("Get after re-Open: %v", err)
		}
		assertSameBook(t, got, want)
		_, versions := schema(t, db)
		if !maps.Equal(versions, versionsBefore) {
			t.Errorf("migrations after re-Open = %v, want %v (each applied once)", versions, versionsBefore)
		}
	})
}

func TestClose(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "test.db")
	db, err := data.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Books().Seed(ctx, addReader(t, db, "reader").ID, 50, 1); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	// Close checkpoints the WAL, so the main file alone holds every book.
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		t.Errorf("WAL is %d bytes after Close, want it checkpointed", fi.Size())
	}
	if _, err := db.Books().Count(ctx, 1); err == nil {
		t.Error("Count after Close succeeded, want an error")
	}
}

func TestPragmas(t *testing.T) {
	data.SkipOnPostgres(t, "SQLite's pools and pragmas")
	db := openDB(t)
	write, read := db.Pools()
	want := map[string]string{
		"journal_mode": "wal",
		"foreign_keys": "1",
		"busy_timeout": "5000",
		"synchronous":  "1", // NORMAL
	}
	for _, p := range []struct {
		name  string
		pool  *sqlx.DB
		conns int
		cache string
	}{{"write", write, 1, "-16000"}, {"read", read, 4, "-6000"}} {
		t.Run(p.name, func(t *testing.T) {
			// Hold several connections at once, so each pragma is checked on distinct connections
			// and not just on the first one the pool hands out.
			for i := range p.conns {
				conn, err := p.pool.Connx(t.Context())
				if err != nil {
					t.Fatalf("connection %d: %v", i, err)
				}
				defer conn.Close()
				var cache string
				if err := conn.GetContext(t.Context(), &cache, "PRAGMA cache_size"); err != nil || cache != p.cache {
					t.Errorf("connection %d: PRAGMA cache_size = %s, %v; want %s", i, cache, err, p.cache)
				}
				for name, want := range want {
					var got string
					if err := conn.GetContext(t.Context(), &got, "PRAGMA "+name); err != nil {
						t.Fatalf("connection %d: PRAGMA %s: %v", i, name, err)
					}
					if got != want {
						t.Errorf("connection %d: PRAGMA %s = %s, want %s", i, name, got, want)
					}
				}
			}
		})
	}
	t.Run("OneWriteConnection", func(t *testing.T) {
		// Writers queue for the single write connection instead of racing for SQLite's lock.
		if got := write.Stats().MaxOpenConnections; got != 1 {
			t.Errorf("write pool allows %d connections, want 1", got)
		}
		if got := read.Stats().MaxOpenConnections; got < 4 {
			t.Errorf("read pool allows %d connections, want at least 4", got)
		}
	})
	t.Run("WriterJournalsStatementsInMemory", func(t *testing.T) {
		// 2 is MEMORY: a statement's journal (every page it changes, copied first) stays in
		// memory instead of going to a file a write call at a time (Open).
		var got string
		if err := write.GetContext(t.Context(), &got, "PRAGMA temp_store"); err != nil || got != "2" {
			t.Errorf("writer's PRAGMA temp_store = %s, %v; want 2 (MEMORY)", got, err)
		}
	})
	t.Run("ReadPoolIsReadOnly", func(t *testing.T) {
		_, err := read.ExecContext(t.Context(),
			`INSERT INTO books (title, author, genre, created_at, updated_at) VALUES ('x', 'y', '', 0, 0)`)
		if err == nil {
			t.Fatal("insert through the read pool succeeded, want a read-only error")
		}
	})
}

func TestConcurrentWriters(t *testing.T) {
	const writers, perWriter = 8, 200
	db := openDB(t)
	books := db.Books()
	ctx := t.Context()
	// Writers take turns between two readers' libraries, which must not mix.
	owners := []int64{addReader(t, db, "ada").ID, addReader(t, db, "bob").ID}

	var wg sync.WaitGroup
	errs := make(chan error, writers*perWriter)
	ids := make(chan int64, writers*perWriter)
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				b, err := books.Create(ctx, owners[w%len(owners)], data.BookInput{Title: "Book " + strconv.Itoa(i), Author: "Writer " + strconv.Itoa(w)})
				if err != nil {
					errs <- err
					continue
				}
				ids <- b.ID
			}
		})
	}
	wg.Wait()
	close(errs)
	close(ids)
	for err := range errs {
		// In particular, never "database is locked": writers must queue, not fail.
		t.Errorf("Create: %v", err)
	}
	seen := map[int64]bool{}
	for id := range ids {
		if seen[id] {
			t.Errorf("id %d handed out twice", id)
		}
		seen[id] = true
	}
	for _, owner := range owners {
		n, err := books.Count(ctx, owner)
		if err != nil {
			t.Fatalf("Count: %v", err)
		}
		if want := writers * perWriter / len(owners); n != want {
			t.Errorf("Count(%d) = %d, want %d", owner, n, want)
		}
	}
}

func TestConcurrentReadersWhileWriting(t *testing.T) {
	// Writers keep writing until every reader has finished a few reads (or a cap is reached), so
	// the reads provably ran while writes were going on, however the goroutines are scheduled.
	const writers, perWriter, maxPerWriter, readers, minReads = 2, 150, 5000, 6, 3
	db := openDB(t)
	books := db.Books()
	ctx := t.Context()
	owner := addReader(t, db, "reader").ID
	first, err := books.Create(ctx, owner, data.BookInput{Title: "First", Author: "Someone"})
	if err != nil {
		t.Fatal(err)
	}

	var writing, reading sync.WaitGroup
	done := make(chan struct{})
	errs := make(chan error, writers+readers)
	reads := make([]atomic.Int64, readers)
	readersDone := func() bool {
		for r := range reads {
			if reads[r].Load() < minReads {
				return false
			}
		}
		return true
	}
	var written atomic.Int64
	for w := range writers {
		writing.Go(func() {
			for i := 0; i < perWriter || !readersDone(); i++ {
				if i == maxPerWriter {
					errs <- errors.New("readers made no progress while " + strconv.Itoa(maxPerWriter) + " books were written")
					return
				}
				b, err := books.Create(ctx, owner, data.BookInput{Title: "Book " + strconv.Itoa(i), Author: "Writer " + strconv.Itoa(w)})
				if err != nil {
					errs <- err
					return
				}
				written.Add(1)
				if i%10 == 0 {
					if _, err := books.Update(ctx, owner, b.ID, data.BookInput{Title: "Edited", Author: "Writer"}); err != nil {
						errs <- err
						return
					}
				}
			}
		})
	}
	for r := range readers {
		reading.Go(func() {
			last := 0
			for {
				select {
				case <-done:
					return
				default:
				}
				n, err := books.Count(ctx, owner)
				if err != nil {
					errs <- err
					return
				}
				if n < last {
					errs <- errors.New("count went down from " + strconv.Itoa(last) + " to " + strconv.Itoa(n))
					return
				}
				last = n
				page, err := books.List(ctx, owner, 0, 20)
				if err != nil {
					errs <- err
					return
				}
				if len(page.Books) == 0 {
					errs <- errors.New("List returned no books while there are some")
					return
				}
				if _, err := books.Get(ctx, owner, first.ID); err != nil {
					errs <- err
					return
				}
				reads[r].Add(1)
			}
		})
	}
	writing.Wait()
	close(done)
	reading.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for r := range reads {
		if n := reads[r].Load(); n < minReads {
			t.Errorf("reader %d finished %d reads while writers ran, want at least %d", r, n, minReads)
		}
	}
	if n, err := books.Count(ctx, owner); err != nil || n != 1+int(written.Load()) {
		t.Errorf("Count() = %d, %v; want %d", n, err, 1+written.Load())
	}
}

// assertSameBook fails the test unless got and want are the same book, field by field.
func assertSameBook(t *testing.T, got, want data.Book) {
	t.Helper()
	if got.ID != want.ID || got.Title != want.Title || got.Author != want.Author || got.Genre != want.Genre ||
		!got.CreatedAt.Equal(want.CreatedAt) || !got.UpdatedAt.Equal(want.UpdatedAt) {
		t.Errorf("book = %+v, want %+v", got, want)
	}
}

// oldWriter returns a function that runs a statement on db, a database of an older schema, and
// returns the id of the row it inserted.
func oldWriter(t *testing.T, db *data.DB) func(query string, args ...any) int64 {
	return func(query string, args ...any) int64 {
		t.Helper()
		write, _ := db.Pools()
		res, err := write.ExecContext(t.Context(), query, args...)
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		if write.DriverName() != "sqlite3" {
			return 0 // no last insert id on PostgreSQL; the tests that need it (of SQLite's migrations) run on SQLite
		}
		id, err := res.LastInsertId()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
}

// fixedClock returns a clock for SetClock that reads *now, so a test can move time by assigning it.
func fixedClock(now *time.Time) func() time.Time { return func() time.Time { return *now } }

// readingDatesMigration is the migration that lets a reading's dates be unknown.
const readingDatesMigration = 12

// TestMigrateReadingDates migrates a database made by the schema before readingDatesMigration,
// full of readings and their progress, to the schema where a reading's dates may be unknown: the
// twelve step rebuild of read_throughs must keep every reading and progress update (foreign keys are
// off while it runs; with them on, dropping the old table would cascade), the high-water mark of
// its ids, its indexes, and the view and triggers that keep the books' sort keys.
func TestMigrateReadingDates(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := data.OpenAt(ctx, path, readingDatesMigration-1)
	if err != nil {
		t.Fatalf("OpenAt(%d): %v", readingDatesMigration-1, err)
	}
	// The old schema is filled by hand: today's store writes columns it does not have yet.
	oldSQL := oldWriter(t, old)
	clock := t0
	owner := oldSQL(`INSERT INTO users (username, password_hash, created_at) VALUES ('reader', 'x', ?)`, t0)
	newBook := func(title, author string, st data.Status) data.Book {
		id := oldSQL(`INSERT INTO books (owner_id, title, author, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			owner, title, author, st, clock, clock)
		return data.Book{ID: id}
	}
	date := func(t time.Time) string { return t.Format(time.DateOnly) }
	open := func(id int64, on time.Time) int64 {
		return oldSQL(`INSERT INTO read_throughs (book_id, started_on, outcome) VALUES (?, ?, 'reading')`, id, date(on))
	}
	end := func(rt int64, outcome data.Status, on time.Time) {
		oldSQL(`UPDATE read_throughs SET outcome = ?, finished_on = ? WHERE id = ?`, outcome, date(on), rt)
	}
	progress := func(rt int64, page int) {
		oldSQL(`INSERT INTO progress_updates (read_through_id, page, recorded_at) VALUES (?, ?, ?)`, rt, page, clock)
		clock = clock.Add(time.Hour)
	}
	dune := newBook("Dune", "Frank Herbert", data.StatusReading)
	first := open(dune.ID, day(-30))
	progress(first, 100)
	end(first, data.StatusRead, day(-20))
	again := open(dune.ID, day(-5))
	progress(again, 40)
	progress(again, 80)
	emma := newBook("Emma", "Jane Austen", data.StatusDNF)
	rt := open(emma.ID, day(-12))
	progress(rt, 50)
	end(rt, data.StatusDNF, day(-11))
	// The newest reading is deleted: its id must not be given again after the rebuild.
	gone := newBook("Gone", "A", data.StatusWant)
	goneReading := open(gone.ID, day(-3))
	oldSQL(`DELETE FROM read_throughs WHERE id = ?`, goneReading)

	snapshot := func(db *data.DB) map[string]string {
		t.Helper()
		write, _ := db.Pools()
		out := map[string]string{}
		for name, query := range map[string]string{
			"read_throughs":    `SELECT id, book_id, started_on, finished_on, outcome, stopped_at_page FROM read_throughs ORDER BY id`,
			"progress_updates": `SELECT id, read_through_id, page, percent, recorded_at FROM progress_updates ORDER BY id`,
			"books":            `SELECT id, status, progress, finished_on, progress_page, progress_percent, progress_at FROM books ORDER BY id`,
			"sequence":         `SELECT seq FROM sqlite_sequence WHERE name = 'read_throughs'`,
			// The text of every index, trigger and view that the rebuild makes again (not the
			// triggers of the readers' stats versions, the index of the readings' ends, nor the
			// trigger that follows a corrected progress update, which later migrations add).
			"schema": `SELECT type, name, sql FROM sqlite_master
				WHERE type IN ('index', 'trigger', 'view') AND (tbl_name IN ('read_throughs', 'book_sort_keys')
				   OR sql LIKE '%read_throughs%' OR sql LIKE '%book_sort_keys%')
				  AND name NOT LIKE '%_reading_version_%' AND name NOT IN ('read_throughs_ended', 'progress_updates_sort_keys_update') ORDER BY name`,
		} {
			rows, err := write.QueryxContext(ctx, query)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for rows.Next() {
				cols, err := rows.SliceScan()
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range cols {
					if b, ok := c.([]byte); ok {
						c = string(b)
					}
					out[name] += fmt.Sprintf("%v|", c)
				}
				out[name] += "\n"
			}
			if err := rows.Close(); err != nil {
				t.Fatal(err)
			}
		}
		return out
	}
	before := snapshot(old)
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	// A copy of the old database, for the migration killed half way below.
	killed := filepath.Join(t.TempDir(), "killed.db")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(killed, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if strings.Count(before["read_throughs"], "\n") != 3 || strings.Count(before["progress_updates"], "\n") != 4 {
		t.Fatalf("before the migration: %v", before)
	}

	db := openAndCheck(t, path)
	after := snapshot(db)
	if !maps.Equal(after, before) {
		t.Errorf("after the migration:\n%v\nwant\n%v", after, before)
	}
	write, _ := db.Pools()
	var notNull int
	if err := write.GetContext(ctx, &notNull, `SELECT "notnull" FROM pragma_table_info('read_throughs') WHERE name = 'started_on'`); err != nil || notNull != 0 {
		t.Errorf("started_on not null = %d, %v; want nullable", notNull, err)
	}

	{
		// Killed after its COMMIT and before goose recorded it (so before any later migration),
		// the migration runs again on the next open, and changes nothing.
		half, err := data.OpenAt(ctx, killed, readingDatesMigration)
		if err != nil {
			t.Fatal(err)
		}
		w, _ := half.Pools()
		if _, err := w.ExecContext(ctx, `DELETE FROM goose_db_version WHERE version_id = ?`, readingDatesMigration); err != nil {
			t.Fatal(err)
		}
		if err := half.Close(); err != nil {
			t.Fatal(err)
		}
		again := openAndCheck(t, killed)
		if got := snapshot(again); !maps.Equal(got, before) {
			t.Errorf("after the migration ran twice:\n%v\nwant\n%v", got, before)
		}
	}

	t.Run("Constraints", func(t *testing.T) {
		// What the new schema still refuses, and what it now accepts.
		for _, tc := range []struct {
			name, insert string
			ok           bool
		}{
			{"OKUndatedRead", `INSERT INTO read_throughs (book_id, outcome) VALUES (?, 'read')`, true},
			{"OKFinishOnly", `INSERT INTO read_throughs (book_id, finished_on, outcome) VALUES (?, '2020-01-02', 'dnf')`, true},
			{"ErrFinishBeforeStart", `INSERT INTO read_throughs (book_id, started_on, finished_on, outcome) VALUES (?, '2020-01-02', '2020-01-01', 'read')`, false},
			{"ErrOpenWithFinish", `INSERT INTO read_throughs (book_id, finished_on, outcome) VALUES (?, '2020-01-02', 'reading')`, false},
			{"ErrSecondOpen", `INSERT INTO read_throughs (book_id, outcome) VALUES (?, 'reading')`, false}, // Dune is being read
			{"ErrNoBook", `INSERT INTO read_throughs (book_id, outcome) VALUES (? + 1000, 'read')`, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tx, err := write.BeginTxx(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				defer tx.Rollback()
				_, err = tx.ExecContext(ctx, tc.insert, dune.ID)
				if (err == nil) != tc.ok {
					t.Errorf("insert: %v, want ok %v", err, tc.ok)
				}
			})
		}
	})

	t.Run("KeepsWorking", func(t *testing.T) {
		reading := db.Reading()
		rt, err := reading.AddReadThrough(ctx, owner, emma.ID, data.ReadingInput{Outcome: data.StatusRead})
		if err != nil {
			t.Fatalf("AddReadThrough: %v", err)
		}
		if rt.ID <= goneReading {
			t.Errorf("new reading has id %d, want past the deleted %d", rt.ID, goneReading)
		}
		// The triggers still keep the book's progress, and deleting a reading still takes its
		// progress with it (foreign keys are on again).
		if _, err := reading.RecordProgress(ctx, owner, dune.ID, data.ProgressInput{Page: 90}); err != nil {
			t.Fatal(err)
		}
		if b, err := db.Books().Get(ctx, owner, dune.ID); err != nil || b.Progress().Page != 90 {
			t.Errorf("Dune's progress = %+v, %v; want page 90", b.Progress(), err)
		}
		dunes, err := reading.ReadThroughs(ctx, owner, dune.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := reading.DeleteReadThrough(ctx, owner, dune.ID, dunes[0].ID); err != nil {
			t.Fatal(err)
		}
		var left int
		if err := write.GetContext(ctx, &left, `SELECT COUNT(*) FROM progress_updates WHERE read_through_id = ?`, dunes[0].ID); err != nil || left != 0 {
			t.Errorf("%d progress updates left of the deleted reading, %v; want 0", left, err)
		}
	})
}

// openAndCheck opens the database at path, migrating it, checks that foreign keys are on and
// that no row refers to one that is gone, and closes it when the test ends.
func openAndCheck(t *testing.T, path string) *data.DB {
	t.Helper()
	db, err := data.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	write, _ := db.Pools()
	var fk int
	if err := write.GetContext(t.Context(), &fk, `PRAGMA foreign_keys`); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d, %v; want 1", fk, err)
	}
	var dangling []string
	if err := write.SelectContext(t.Context(), &dangling, `SELECT "table" FROM pragma_foreign_key_check`); err != nil || len(dangling) > 0 {
		t.Errorf("foreign key check: %v, %v; want nothing", dangling, err)
	}
	return db
}

// searchIndexStructure is the search index's structure record (FTS5 keeps it at id 10 of
// books_fts_data): it changes with every segment or tombstone written to the index. On
// PostgreSQL it is the transaction that last wrote each row of book_search (xmin), which changes
// with every row written there, even with the same words.
func searchIndexStructure(t *testing.T, db *data.DB) []byte {
	t.Helper()
	_, read := db.Pools()
	query := `SELECT block FROM books_fts_data WHERE id = 10`
	if read.DriverName() != "sqlite3" {
		query = `SELECT string_agg(book_id || ':' || xmin::text, ',' ORDER BY book_id) FROM book_search`
	}
	var block []byte
	if err := read.QueryRowContext(t.Context(), query).Scan(&block); err != nil {
		t.Fatalf("read the search index's structure: %v", err)
	}
	return block
}

// searchIndexed returns how many books the search index holds for the words q: FTS5's books_fts
// on SQLite, book_search on PostgreSQL.
func searchIndexed(t *testing.T, db *data.DB, q string) int {
	t.Helper()
	_, read := db.Pools()
	query := `SELECT COUNT(*) FROM books_fts(?)`
	if read.DriverName() != "sqlite3" {
		query = `SELECT COUNT(*) FROM book_search WHERE doc @@ bookcase_search_query(?)`
	}
	var n int
	if err := read.GetContext(t.Context(), &n, query, q); err != nil {
		t.Fatalf("count the search index's rows for %q: %v", q, err)
	}
	return n
}

// assertFinds checks that searching the owner's library for q finds exactly the books want.
func assertFinds(t *testing.T, books *data.BookStore, owner int64, q string, want ...int64) {
	t.Helper()
	page, err := books.Find(t.Context(), owner, data.BookQuery{Search: q})
	if err != nil {
		t.Fatalf("Find(%q): %v", q, err)
	}
	if got := ids(page.Books); !slices.Equal(got, want) {
		t.Errorf("Find(%q) = %v, want %v", q, got, want)
	}
}

// assertGenres checks the owner's genre filter choices.
func assertGenres(t *testing.T, books *data.BookStore, owner int64, want ...string) {
	t.Helper()
	got, err := books.Genres(t.Context(), owner)
	if err != nil {
		t.Fatalf("Genres: %v", err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("Genres = %q, want %q", got, want)
	}
}

// TestTriggersTouchOnlyWhatChanged checks that saving what the search index does not hold (a
// rating, pages) or an edit that changes nothing leaves the index as it was (migration 00014: it
// was taken out and put back, a tombstone and a segment each time), and that changed text and
// genres still reach the index and the genre counts.
func TestTriggersTouchOnlyWhatChanged(t *testing.T) {
	db := openDB(t)
	owner := addReader(t, db, "reader").ID
	books := db.Books()
	b := mustCreate(t, books, owner, dune)

	before := searchIndexStructure(t, db)
	if _, err := db.Reading().SetDetails(t.Context(), owner, b.ID, data.DetailsInput{Pages: "412", Rating: "4.5"}); err != nil {
		t.Fatalf("SetDetails: %v", err)
	}
	if _, err := books.Update(t.Context(), owner, b.ID, dune); err != nil {
		t.Fatalf("Update with the same text: %v", err)
	}
	if got := searchIndexStructure(t, db); !bytes.Equal(got, before) {
		t.Errorf("a rating, pages and an unchanged edit rewrote the search index")
	}
	assertFinds(t, books, owner, "dune", b.ID)
	assertGenres(t, books, owner, "Science fiction")

	in := data.BookInput{Title: "Children of Dune", Author: "Frank Herbert", Genre: "Fantasy"}
	if _, err := books.Update(t.Context(), owner, b.ID, in); err != nil {
		t.Fatalf("Update: %v", err)
	}
	if got := searchIndexStructure(t, db); bytes.Equal(got, before) {
		t.Errorf("a new title left the search index as it was")
	}
	assertFinds(t, books, owner, "children", b.ID)
	assertFinds(t, books, owner, "fantasy", b.ID)
	assertFinds(t, books, owner, "science")
	assertGenres(t, books, owner, "Fantasy")

	if _, err := db.Reading().SetDetails(t.Context(), owner, b.ID, data.DetailsInput{Notes: "Sandworms"}); err != nil {
		t.Fatalf("SetDetails with notes: %v", err)
	}
	assertFinds(t, books, owner, "sandworm", b.ID)

	if _, err := books.Delete(t.Context(), owner, b.ID); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	assertGenres(t, books, owner)
	if _, err := books.Restore(t.Context(), owner, b.ID); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	assertGenres(t, books, owner, "Fantasy")
	assertFinds(t, books, owner, "children", b.ID)
}

// changedOnlyMigration is the migration whose triggers touch only what changed.
const changedOnlyMigration = 14

// TestMigrateChangedOnly fills a database made by the schema before changedOnlyMigration, and
// checks that Open migrates it with every book still found and counted, and the new triggers in
// place.
func TestMigrateChangedOnly(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := data.OpenAt(ctx, path, changedOnlyMigration-1)
	if err != nil {
		t.Fatalf("OpenAt(%d): %v", changedOnlyMigration-1, err)
	}
	// The old schema is filled by hand: today's store writes columns it does not have yet.
	oldSQL := oldWriter(t, old)
	owner := oldSQL(`INSERT INTO users (username, password_hash, created_at) VALUES ('reader', 'x', ?)`, t0)
	newBook := func(title, author string) data.Book {
		id := oldSQL(`INSERT INTO books (owner_id, title, author, genre, created_at, updated_at) VALUES (?, ?, ?, 'Science fiction', ?, ?)`,
			owner, title, author, t0, t0)
		return data.Book{ID: id}
	}
	dune := newBook("Dune", "Frank Herbert")
	solaris := newBook("Solaris", "Stanisław Lem")
	oldSQL(`INSERT INTO book_counts (owner_id, live, want) VALUES (?, 2, 2)`, owner)
	if err := old.Close(); err != nil {
		t.Fatalf("close the old database: %v", err)
	}

	db, err := data.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	books := db.Books()
	assertFinds(t, books, owner, "dune", dune.ID)
	assertFinds(t, books, owner, "stanislaw", solaris.ID)
	assertGenres(t, books, owner, "Science fiction")
	if n := count(t, books, owner); n != 2 {
		t.Errorf("Count = %d, want 2", n)
	}

	before := searchIndexStructure(t, db)
	if _, err := db.Reading().SetDetails(ctx, owner, solaris.ID, data.DetailsInput{Rating: "5"}); err != nil {
		t.Fatalf("SetDetails: %v", err)
	}
	if got := searchIndexStructure(t, db); !bytes.Equal(got, before) {
		t.Errorf("after migrating, a rating rewrote the search index")
	}
	if _, err := books.Update(ctx, owner, dune.ID, data.BookInput{Title: "Dune Messiah", Author: "Frank Herbert", Genre: "Science fiction"}); err != nil {
		t.Fatalf("Update: %v", err)
	}
	assertFinds(t, books, owner, "messiah", dune.ID)
}
