package data_test

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

// TestBackupWhileWriting backs up, again and again, a database that 16 writers are adding books
// to: every copy passes SQLite's integrity check, opens as a Bookcase database, holds between
// the books acknowledged before it began and those begun before it ended, and its kept
// counts equal a recount (the copy is one snapshot, not pages from different moments).
func TestBackupWhileWriting(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bookcase.db")
	db, err := data.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	const writers = 16
	owners := make([]int64, writers)
	for i := range owners {
		owners[i] = addReader(t, db, fmt.Sprintf("reader%d", i)).ID
	}

	// started counts the writes begun, acked those that returned: a write the copy holds may not
	// have returned yet when the copy ends (its batch committed, the writer not yet woken), but
	// it has begun.
	var started, acked atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				started.Add(1)
				if _, err := db.Books().Create(t.Context(), owners[w], data.BookInput{Title: fmt.Sprintf("Book %d", n), Author: "Writer"}); err != nil {
					errs <- err
					return
				}
				acked.Add(1)
			}
		})
	}
	for i := range 5 {
		// Wait for writes between copies, so each copy is taken with writers mid-flight.
		for acked.Load() < int64(50*(i+1)) {
			select {
			case err := <-errs:
				t.Fatal(err)
			default:
			}
			runtime.Gosched()
		}
		before := acked.Load()
		dest := filepath.Join(dir, fmt.Sprintf("copy%d.db", i))
		info, err := db.Backup(t.Context(), dest)
		after := started.Load()
		if err != nil {
			t.Fatalf("backup %d: %v", i, err)
		}
		if info.Books < before || info.Books > after {
			t.Errorf("backup %d has %d books; %d were saved before it began and %d begun when it ended", i, info.Books, before, after)
		}
		checkCopy(t, dest, info.Books)
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// checkCopy opens the copy at path as Bookcase would and checks its counts against a recount.
func checkCopy(t *testing.T, path string, books int64) {
	t.Helper()
	// Open migrates and writes; do it on a copy of the copy so the backup stays as written.
	work := path + ".open"
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(work, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := data.Open(t.Context(), work)
	if err != nil {
		t.Fatalf("open the copy: %v", err)
	}
	defer db.Close()
	if err := db.Ready(t.Context()); err != nil {
		t.Errorf("the copy is not ready: %v", err)
	}
	_, read := db.Pools()
	var kept, recount int64
	if err := read.QueryRow(`SELECT (SELECT COALESCE(SUM(live), 0) FROM book_counts), (SELECT COUNT(*) FROM books WHERE deleted_at IS NULL)`).Scan(&kept, &recount); err != nil {
		t.Fatal(err)
	}
	if kept != recount || recount != books {
		t.Errorf("the copy counts %d books, holds %d, and its check said %d", kept, recount, books)
	}
}

// TestBackupNeverOverwrites: a backup to a file that exists is refused, and the file is untouched.
func TestBackupNeverOverwrites(t *testing.T) {
	data.SkipOnPostgres(t, "Bookcase backs up SQLite only (TestBackupRefusedOnPostgres)")
	db := openDB(t)
	dest := filepath.Join(t.TempDir(), "taken.db")
	if err := os.WriteFile(dest, []byte("someone's file"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Backup(t.Context(), dest); err == nil || !strings.Contains(err.Error(), "exists already") {
		t.Fatalf("backup over an existing file: %v, want a refusal", err)
	}
	if got, _ := os.ReadFile(dest); string(got) != "someone's file" {
		t.Errorf("the existing file now holds %q", got)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(dest), ".*partial*")); len(left) > 0 {
		t.Errorf("partial copies left behind: %v", left)
	}
}

// TestRestore round-trips a real library: back up, go on writing, restore, and the database is
// the backup again, with the one it replaced kept beside it, whole, with its last writes.
func TestRestore(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bookcase.db")
	db, err := data.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	owner := addReader(t, db, "reader").ID
	dune := mustCreate(t, db.Books(), owner, data.BookInput{Title: "Dune", Author: "Frank Herbert", Genre: "Science fiction"})
	backupPath := filepath.Join(dir, "backup.db")
	// The command's path: the file read while the server has it open.
	info, err := data.BackupFile(t.Context(), path, backupPath)
	if err != nil {
		t.Fatal(err)
	}
	if info.Books != 1 || info.Users != 1 || info.Schema == 0 {
		t.Errorf("backup info %+v, want 1 book, 1 reader and a schema version", info)
	}
	mustCreate(t, db.Books(), owner, data.BookInput{Title: "Emma", Author: "Jane Austen"})

	if _, err := data.Restore(t.Context(), backupPath, path, time.Now()); !errors.Is(err, data.ErrInUse) {
		t.Fatalf("restore while the database is open: %v, want ErrInUse", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	now := time.Date(2026, 12, 6, 3, 4, 5, 0, time.UTC)
	got, err := data.Restore(t.Context(), backupPath, path, now)
	if err != nil {
		t.Fatal(err)
	}
	if want := path + ".before-restore-20261206T030405Z"; got.Kept != want {
		t.Errorf("kept the old database as %q, want %q", got.Kept, want)
	}
	for _, f := range []string{path + "-wal", path + "-shm"} {
		if _, err := os.Stat(f); err == nil {
			// A log left beside the restored file would be replayed onto it at the next open.
			t.Errorf("%s is still there after the restore", f)
		}
	}

	restored, err := data.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	list, err := restored.Books().List(t.Context(), owner, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Books) != 1 || list.Books[0].Title != "Dune" || list.Books[0].Genre != dune.Genre {
		t.Errorf("restored library: %+v, want Dune alone", list.Books)
	}
	if _, err := restored.Users().Authenticate(t.Context(), "reader", goodPassword); err != nil {
		t.Errorf("sign in to the restored database: %v", err)
	}

	kept, err := data.CheckBackup(t.Context(), got.Kept)
	if err != nil {
		t.Fatalf("the kept database: %v", err)
	}
	if kept.Books != 2 {
		t.Errorf("the kept database has %d books, want 2 (its last write was in its log)", kept.Books)
	}
}

// TestRestoreRefuses: what restore will not put in place, and says why, leaving the database as
// it was.
func TestRestoreRefuses(t *testing.T) {
	data.SkipOnPostgres(t, "Bookcase backs up and restores SQLite only (TestBackupRefusedOnPostgres)")
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	{
		db := openDB(t)
		addReader(t, db, "reader")
		if _, err := db.Backup(t.Context(), good); err != nil {
			t.Fatal(err)
		}
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	sqliteFile := func(name string, stmts ...string) string {
		p := filepath.Join(dir, name)
		raw, err := os.ReadFile(good)
		if err != nil {
			t.Fatal(err)
		}
		if len(stmts) > 0 && stmts[0] == "" {
			raw = nil // a new, empty database
		}
		write(name, raw)
		conn, err := sql.Open("sqlite3", p)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		for _, s := range stmts {
			if s == "" {
				continue
			}
			if _, err := conn.Exec(s); err != nil {
				t.Fatal(err)
			}
		}
		return p
	}
	goodBytes, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	corrupt := append([]byte(nil), goodBytes...)
	for i := 4096 + 100; i < len(corrupt) && i < 4096+3000; i++ {
		corrupt[i] ^= 0x5a // the second page: its b-tree header and cells
	}

	for _, tc := range []struct {
		name, src, want string
	}{
		{"Missing", filepath.Join(dir, "nothing.db"), "no file at"},
		{"NotSQLite", write("notes.txt", []byte(strings.Repeat("my reading notes\n", 500))), "not a SQLite database"},
		{"NotBookcase", sqliteFile("other.db", "", "CREATE TABLE recipes (name TEXT)"), "not a Bookcase one"},
		{"Newer", sqliteFile("newer.db", "INSERT INTO goose_db_version (version_id, is_applied) VALUES (999999, 1)"), "newer Bookcase"},
		{"Corrupt", write("corrupt.db", corrupt), "damaged"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bookcase.db")
			db, err := data.Open(t.Context(), path)
			if err != nil {
				t.Fatal(err)
			}
			owner := addReader(t, db, "mine").ID
			mustCreate(t, db.Books(), owner, data.BookInput{Title: "Mine", Author: "Me"})
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			_, err = data.Restore(t.Context(), tc.src, path, time.Now())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("restore from %s: %v, want an error saying %q", tc.name, err, tc.want)
			}
			if left, _ := filepath.Glob(path + ".*"); len(left) > 0 {
				t.Errorf("files left beside the database: %v", left)
			}
			info, err := data.CheckBackup(t.Context(), path)
			if err != nil || info.Books != 1 {
				t.Errorf("the database after a refused restore: %+v, %v; want it as it was", info, err)
			}
		})
	}
}

// TestBackupRefusedOnPostgres: a backup of a PostgreSQL database is refused with a message that
// names PostgreSQL's own tools, and writes nothing.
func TestBackupRefusedOnPostgres(t *testing.T) {
	if !data.OnPostgres() {
		t.Skip("BOOKCASE_TEST_POSTGRES is not set")
	}
	db := openDB(t)
	dest := filepath.Join(t.TempDir(), "backup.db")
	if _, err := db.Backup(t.Context(), dest); !errors.Is(err, data.ErrBackupPostgres) {
		t.Errorf("Backup = %v, want ErrBackupPostgres", err)
	}
	if _, err := os.Stat(dest); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("backup file: %v, want none", err)
	}
}
