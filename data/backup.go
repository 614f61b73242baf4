package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/mattn/go-sqlite3"
)

// Backups are written with SQLite's VACUUM INTO rather than its online backup API. Both copy a
// consistent snapshot while the server goes on writing (the copy is one read transaction, which
// WAL lets run beside the writer). VACUUM INTO is plain SQL on an ordinary read connection, so a
// cancelled context interrupts it (the backup API's one-step copy cannot be), and it writes only
// the live pages, so the copy is compact; the backup API copies page by page, free pages too, and
// copied in several steps it starts again whenever the server commits in between.

// ErrInUse means the database is open in another process (a server, or a command such as
// bookcase user), which restore must not pull it from under.
var ErrInUse = errors.New("the database is in use")

// ErrBackupPostgres means a backup was asked of a PostgreSQL database, which PostgreSQL's own
// tools back up (pg_dump, or the server's continuous archiving).
var ErrBackupPostgres = errors.New("Bookcase backs up SQLite databases only: back up PostgreSQL with pg_dump or its continuous archiving")

// BackupInfo describes a database file that passed the checks a backup or restore makes.
type BackupInfo struct {
	Path   string
	Bytes  int64
	Schema int64 // the migration version it has
	Books  int64
	Users  int64
}

// Backup writes a consistent copy of the database to dest, a path that must not exist yet, while
// the database goes on serving, then checks the copy (CheckBackup). The copy is written beside
// dest and renamed into place once it is complete and on disk, so dest is a whole backup or none.
func (db *DB) Backup(ctx context.Context, dest string) (BackupInfo, error) {
	if db.postgres() {
		return BackupInfo{}, ErrBackupPostgres
	}
	return backup(ctx, db.read, dest)
}

// BackupFile is Backup from the database file at src, which may be in use by a server: it opens
// it read-only and applies no migration, so the live database is left exactly as it is.
func BackupFile(ctx context.Context, src, dest string) (BackupInfo, error) {
	if _, err := os.Stat(src); err != nil {
		return BackupInfo{}, fmt.Errorf("no database at %s: %w", src, err)
	}
	// Not dsn(src, "ro"): it asks for WAL mode, which a read-only connection cannot set on a
	// database in another mode (a backup being restored).
	db, err := sql.Open("sqlite3", "file:"+url.PathEscape(src)+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		return BackupInfo{}, err
	}
	defer db.Close()
	return backup(ctx, db, dest)
}

// backup copies the database that conn reads into dest.
func backup(ctx context.Context, db interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, dest string) (BackupInfo, error) {
	if _, err := os.Lstat(dest); err == nil {
		return BackupInfo{}, fmt.Errorf("%s exists already: give a new file name (a backup never overwrites)", dest)
	}
	partial, err := partialName(dest)
	if err != nil {
		return BackupInfo{}, err
	}
	defer os.Remove(partial) // whatever went wrong, no half-written copy stays
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, partial); err != nil {
		return BackupInfo{}, fmt.Errorf("write backup: %w", storeError(err))
	}
	if err := oneFile(ctx, partial); err != nil {
		return BackupInfo{}, fmt.Errorf("write backup: %w", storeError(err))
	}
	if err := syncFile(partial); err != nil {
		return BackupInfo{}, fmt.Errorf("write backup: %w", noSpace(err))
	}
	info, err := CheckBackup(ctx, partial)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("the copy failed its check: %w", err)
	}
	if err := os.Link(partial, dest); err != nil { // unlike a rename, never replaces a file made meanwhile
		return BackupInfo{}, fmt.Errorf("write backup: %w", err)
	}
	if err := syncDir(filepath.Dir(dest)); err != nil {
		return BackupInfo{}, fmt.Errorf("write backup: %w", noSpace(err))
	}
	info.Path = dest
	return info, nil
}

// oneFile makes the copy at path a database in one file: VACUUM INTO keeps the journal mode of
// the database it copies, WAL, and a WAL database cannot be opened read-only, nor copied alone
// once it has been written again. In rollback-journal mode the backup is the file, whole.
func oneFile(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite3", "file:"+url.PathEscape(path)+"?mode=rw")
	if err != nil {
		return err
	}
	defer db.Close()
	var mode string
	if err := db.QueryRowContext(ctx, `PRAGMA journal_mode = DELETE`).Scan(&mode); err != nil {
		return err
	}
	if mode != "delete" {
		return fmt.Errorf("journal mode is %s, not delete", mode)
	}
	return nil
}

// partialName reserves a new, empty file beside dest to write a copy into (VACUUM INTO accepts
// an empty file), so two backups at the same moment never write into the same one.
func partialName(dest string) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".partial-*")
	if err != nil {
		return "", fmt.Errorf("write backup: %w", noSpace(err))
	}
	name := f.Name()
	if err := f.Close(); err != nil {
		os.Remove(name)
		return "", fmt.Errorf("write backup: %w", err)
	}
	return name, nil
}

// CheckBackup opens the database file at path read-only and checks that it can be restored: it
// is a SQLite database, whole (PRAGMA integrity_check), a Bookcase one, and of a schema this
// binary knows (no newer than its newest migration). The errors say which check failed.
func CheckBackup(ctx context.Context, path string) (BackupInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("no file at %s", path)
	}
	if !st.Mode().IsRegular() {
		return BackupInfo{}, fmt.Errorf("%s is not a regular file", path)
	}
	// Immutable: nothing else writes the file, and SQLite then makes no -wal or -shm beside it.
	db, err := sql.Open("sqlite3", "file:"+url.PathEscape(path)+"?mode=ro&immutable=1")
	if err != nil {
		return BackupInfo{}, err
	}
	defer db.Close()
	info := BackupInfo{Path: path, Bytes: st.Size()}

	var result string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check(1)`).Scan(&result); err != nil {
		var se sqlite3.Error
		if errors.As(err, &se) && (se.Code == sqlite3.ErrNotADB || se.Code == sqlite3.ErrCorrupt) {
			return BackupInfo{}, fmt.Errorf("%s is not a SQLite database, or is damaged beyond reading", path)
		}
		return BackupInfo{}, fmt.Errorf("read %s: %w", path, err)
	}
	if result != "ok" {
		return BackupInfo{}, fmt.Errorf("%s is damaged (SQLite's integrity check: %s)", path, result)
	}
	var tables int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('goose_db_version', 'books', 'users')`).Scan(&tables); err != nil {
		return BackupInfo{}, fmt.Errorf("read %s: %w", path, err)
	}
	if tables != 3 {
		return BackupInfo{}, fmt.Errorf("%s is a SQLite database, but not a Bookcase one", path)
	}
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied`).Scan(&info.Schema); err != nil {
		return BackupInfo{}, fmt.Errorf("read %s: %w", path, err)
	}
	latest, err := latestMigration(migrations, "migrations")
	if err != nil {
		return BackupInfo{}, err
	}
	if info.Schema > latest {
		return BackupInfo{}, fmt.Errorf("%s was written by a newer Bookcase (schema version %d; this one knows up to %d): use that version, or a newer one", path, info.Schema, latest)
	}
	// Counts for the operator's eye; books (the whole row count, deleted ones waiting for Undo
	// included) and accounts exist in every schema version.
	if err := db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM books), (SELECT COUNT(*) FROM users)`).Scan(&info.Books, &info.Users); err != nil {
		return BackupInfo{}, fmt.Errorf("read %s: %w", path, err)
	}
	return info, nil
}

// RestoreInfo says what a restore did.
type RestoreInfo struct {
	Backup BackupInfo
	// Kept is where the database that was replaced now is, "" when there was none.
	Kept string
	// Schema is the version after migrating; Backup.Schema the one the backup had.
	Schema int64
}

// Restore puts the backup at src in place of the database at path. It refuses while any process
// has the database open (every Open holds a shared lock on the file, see lockFile), and refuses a
// backup that CheckBackup rejects. The database it replaces is kept, with its write-ahead log, as
// path.before-restore-TIME; the restored one is migrated to this binary's schema.
func Restore(ctx context.Context, src, path string, now time.Time) (RestoreInfo, error) {
	if same, err := sameFile(src, path); err == nil && same {
		return RestoreInfo{}, fmt.Errorf("%s is the database itself: restore from a backup of it", src)
	}
	lock, err := lockFile(path, true)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// no database yet: nothing to keep, and nothing can be using it
	case err != nil:
		return RestoreInfo{}, err
	default:
		defer lock.Close()
	}
	backupInfo, err := CheckBackup(ctx, src)
	if err != nil {
		return RestoreInfo{}, err
	}
	out := RestoreInfo{Backup: backupInfo}

	// Copy first: the database in place is touched only once a whole, checked copy is ready.
	copied := path + ".restoring"
	os.Remove(copied)
	defer os.Remove(copied)
	if _, err := BackupFile(ctx, src, copied); err != nil {
		return RestoreInfo{}, err
	}
	if lock != nil {
		out.Kept = path + ".before-restore-" + now.UTC().Format("20060102T150405Z")
		// The log moves with its database: left behind, SQLite would replay it onto the restored
		// file. The shared-memory index is rebuilt from the log, so it can go.
		for _, suffix := range []string{"-wal", ""} {
			if err := os.Rename(path+suffix, out.Kept+suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return RestoreInfo{}, fmt.Errorf("keep the current database: %w", err)
			}
		}
		if err := os.Remove(path + "-shm"); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return RestoreInfo{}, fmt.Errorf("remove the current database's shared memory: %w", err)
		}
	}
	if err := os.Rename(copied, path); err != nil {
		return RestoreInfo{}, fmt.Errorf("put the backup in place: %w", err)
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return RestoreInfo{}, fmt.Errorf("put the backup in place: %w", noSpace(err))
	}
	db, err := Open(ctx, path)
	if err != nil {
		return RestoreInfo{}, fmt.Errorf("migrate the restored database: %w", err)
	}
	out.Schema = db.schema
	return out, db.Close()
}

// lockFile takes a lock on the database file that tells Bookcase processes apart from a restore:
// every Open holds a shared one for as long as the database is open, and restore takes an
// exclusive one, which fails at once when any process has the file open. It is flock(2), which the
// kernel drops when the process dies, even by kill -9, and which does not touch SQLite's own
// (fcntl) locks on the same file.
func lockFile(path string, exclusive bool) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	for {
		err = syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			if exclusive {
				return nil, fmt.Errorf("%w: a Bookcase server or command has %s open (it holds a lock on the file): stop it first", ErrInUse, path)
			}
			return nil, fmt.Errorf("%w: %s is being restored: start Bookcase again once the restore has finished", ErrInUse, path)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return f, nil
}

// sameFile reports whether a and b are the same file.
func sameFile(a, b string) (bool, error) {
	ia, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	ib, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(ia, ib), nil
}

// syncFile flushes the file at path to the disk.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}

// syncDir flushes a directory, so that a file just created or renamed in it survives a power cut.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}
