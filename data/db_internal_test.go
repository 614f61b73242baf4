package data

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/mattn/go-sqlite3"
)

// withoutFTS5 is the name of a SQLite driver that says it was built without full-text search, as
// a build without the sqlite_fts5 tag does (building one takes a quarter of an hour).
const withoutFTS5 = "sqlite3-without-fts5"

func registerWithoutFTS5() {
	if slices.Contains(sql.Drivers(), withoutFTS5) {
		return
	}
	sql.Register(withoutFTS5, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		// An application's function overrides SQLite's own of the same name.
		return c.RegisterFunc("sqlite_compileoption_used", func(string) bool { return false }, true)
	}})
}

// TestOpenWithoutFTS5 checks that a build without full-text search refuses with the build tag
// to use, and leaves nothing behind: it made an empty database file before.
func TestOpenWithoutFTS5(t *testing.T) {
	registerWithoutFTS5()
	dir := t.TempDir()
	for _, check := range []func() error{
		func() error { return checkSQLite(t.Context(), withoutFTS5) },
		func() error {
			db, err := open(t.Context(), withoutFTS5, filepath.Join(dir, "bookcase.db"), 0)
			if err == nil {
				db.Close()
			}
			return err
		},
	} {
		if err := check(); err == nil || !strings.Contains(err.Error(), "-tags sqlite_fts5") {
			t.Errorf("err = %v, want one naming the build tag", err)
		}
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) > 0 {
		t.Errorf("left %v behind (%v), want nothing", entries, err)
	}
	if err := CheckSQLite(t.Context()); err != nil {
		t.Errorf("CheckSQLite of this build (with the tag): %v", err)
	}
}

// TestWriteOnFullDisk fills the database to the most pages SQLite may give it (as a full disk
// does) and checks that the write that needs one more fails with ErrNoSpace, and changes nothing.
func TestWriteOnFullDisk(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "full.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	u, err := db.Users().Create(t.Context(), "ada", "a fine long passphrase")
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.Books().Create(t.Context(), u.ID, BookInput{Title: "Dune", Author: "Frank Herbert"})
	if err != nil {
		t.Fatal(err)
	}
	// The writer pool has one connection, so the limit holds for every write that follows.
	var pages int
	if err := db.write.GetContext(t.Context(), &pages, `PRAGMA page_count`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.ExecContext(t.Context(), `PRAGMA max_page_count = `+strconv.Itoa(pages)); err != nil {
		t.Fatal(err)
	}
	_, err = db.Reading().SetDetails(t.Context(), u.ID, b.ID, DetailsInput{Notes: strings.Repeat("A long note. ", 700)})
	if !errors.Is(err, ErrNoSpace) {
		t.Fatalf("SetDetails on a full database: %v, want ErrNoSpace", err)
	}
	if got, err := db.Books().Get(t.Context(), u.ID, b.ID); err != nil || got.Notes != "" {
		t.Errorf("Get = %+v, %v; want the book unchanged", got, err)
	}
}

// openFaultDB opens a fresh database in a temporary directory, and returns it with its path.
func openFaultDB(t *testing.T) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	db, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return db, path
}

// holdWriteLock takes the database's write lock from another connection, as another process (the
// sqlite3 shell, a backup) would, until the test ends or release is called.
func holdWriteLock(t *testing.T, path string) (release func()) {
	t.Helper()
	other, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=0")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := other.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(t.Context(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	done := false
	release = func() {
		if done {
			return
		}
		done = true
		if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
			t.Errorf("release the lock: %v", err)
		}
		conn.Close()
		other.Close()
	}
	t.Cleanup(release)
	return release
}

// writerSetting reads a PRAGMA on the write pool's connection.
func writerSetting(t *testing.T, db *DB, pragma string) int {
	t.Helper()
	var v int
	if err := db.write.QueryRowContext(t.Context(), "PRAGMA "+pragma).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestWriteWaitsForALockedDatabaseUntilItsDeadline checks that a write whose context ends before
// lockWait gives up then with ErrBusy, rather than after SQLite's busy timeout, and leaves the
// writer's timeout as it was for the next write.
func TestWriteWaitsForALockedDatabaseUntilItsDeadline(t *testing.T) {
	db, path := openFaultDB(t)
	release := holdWriteLock(t, path)

	const wait = 250 * time.Millisecond
	ctx, cancel := context.WithTimeout(t.Context(), wait)
	defer cancel()
	began := time.Now()
	err := db.inTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = 'none'`)
		return err
	})
	waited := time.Since(began)
	if !errors.Is(err, ErrBusy) {
		t.Errorf("write to a locked database = %v, want ErrBusy", err)
	}
	// The bug this guards against waited lockWait (5 s), SQLite's busy timeout. Any bound far
	// below it tells the two apart; a tight one (3 × 250 ms) failed on a loaded machine.
	if waited >= lockWait/2 {
		t.Errorf("write to a locked database waited %v, want about %v (its deadline), not lockWait (%v)", waited, wait, lockWait)
	}

	release()
	if got, want := writerSetting(t, db, "busy_timeout"), int(lockWait.Milliseconds()); got != want {
		t.Errorf("the writer's busy timeout after a short wait = %d ms, want %d", got, want)
	}
}

// TestWriteWaitsForARowLockBoundedOnPostgres checks that on PostgreSQL a statement waits for a
// lock another transaction holds no longer than lockWait (lock_timeout), or the URL's own
// lock_timeout, and a write that gave up is ErrBusy and changed nothing. Writes run without
// their request's cancellation, and without the timeout one waited for as long as the other
// transaction lived, holding a connection.
func TestWriteWaitsForARowLockBoundedOnPostgres(t *testing.T) {
	if !OnPostgres() {
		t.Skip("BOOKCASE_TEST_POSTGRES is not set: PostgreSQL's lock timeout is tested on PostgreSQL")
	}
	dsn := testPool.DSN(t)
	lockTimeout := func(db *DB) string {
		t.Helper()
		var v string
		if err := db.write.QueryRowContext(t.Context(), `SHOW lock_timeout`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	db, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	got := lockTimeout(db)
	db.Close()
	if want := strconv.FormatInt(int64(lockWait/time.Second), 10) + "s"; got != want {
		t.Errorf("lock_timeout = %q, want %q (lockWait)", got, want)
	}

	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("lock_timeout", "200")
	u.RawQuery = q.Encode()
	db, err = Open(t.Context(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := lockTimeout(db); got != "200ms" {
		t.Errorf("lock_timeout with lock_timeout=200 in the URL = %q, want 200ms", got)
	}
	reader, err := db.Users().Create(t.Context(), "ada", "a fine long passphrase")
	if err != nil {
		t.Fatal(err)
	}
	books := db.Books()
	if _, err := books.Create(t.Context(), reader.ID, BookInput{Title: "Dune", Author: "Frank Herbert"}); err != nil {
		t.Fatal(err)
	}

	// Another transaction holds the reader's counts, which adding a book changes.
	holder, err := db.write.BeginTxx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Rollback()
	if _, err := holder.ExecContext(t.Context(), `SELECT 1 FROM book_counts WHERE owner_id = ? FOR UPDATE`, reader.ID); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := books.Create(t.Context(), reader.ID, BookInput{Title: "Emma", Author: "Jane Austen"})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrBusy) {
			t.Errorf("add while the reader's counts are held = %v, want ErrBusy", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("add while the reader's counts are held: still waiting after a minute")
	}
	if err := holder.Rollback(); err != nil {
		t.Fatal(err)
	}
	if n, err := books.Count(t.Context(), reader.ID); err != nil || n != 1 {
		t.Errorf("count after the add that gave up = %d, %v; want 1", n, err)
	}
	if _, err := books.Create(t.Context(), reader.ID, BookInput{Title: "Emma", Author: "Jane Austen"}); err != nil {
		t.Errorf("add once the counts are free: %v", err)
	}
}

// TestReadOnlyDatabase makes the writer's connection read-only, as a database file or disk made
// read-only under the server does: a write fails with ErrReadOnly (which the handlers turn into
// a clear page), changes nothing, and works again once the database is writable.
func TestReadOnlyDatabase(t *testing.T) {
	db, _ := openFaultDB(t)
	u, err := db.Users().Create(t.Context(), "ada", "a fine long passphrase")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.ExecContext(t.Context(), "PRAGMA query_only = ON"); err != nil {
		t.Fatal(err)
	}
	_, err = db.Books().Create(t.Context(), u.ID, BookInput{Title: "Dune", Author: "Frank Herbert"})
	if !errors.Is(err, ErrReadOnly) {
		t.Fatalf("create on a read-only database: %v, want ErrReadOnly", err)
	}
	if n, err := db.Books().Count(t.Context(), u.ID); err != nil || n != 0 {
		t.Errorf("count = %d, %v; want nothing written", n, err)
	}
	if _, err := db.write.ExecContext(t.Context(), "PRAGMA query_only = OFF"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Books().Create(t.Context(), u.ID, BookInput{Title: "Dune", Author: "Frank Herbert"}); err != nil {
		t.Errorf("create once writable again: %v", err)
	}
}
