package data

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// ErrDatabaseGone means the database file was deleted, or another file put in its place, while
// Bookcase had it open. SQLite keeps writing to the file it opened, so every write from then on
// would be lost at the next start (deleted) or would corrupt the file put there (its old write-ahead
// log replayed onto a restored backup): the store refuses writes until Bookcase is restarted.
var ErrDatabaseGone = errors.New("the database file was deleted or replaced while Bookcase had it open")

// fileID is what tells one file from another: its device and inode. A file copied or moved
// over the database's path has another inode; the same file renamed keeps its own.
type fileID struct{ dev, ino uint64 }

// idOf reads the identity of the file at path.
func idOf(path string) (fileID, error) {
	info, err := os.Stat(path)
	if err != nil {
		return fileID{}, err
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, fmt.Errorf("stat %s: no device and inode on this system", path)
	}
	return fileID{dev: uint64(st.Dev), ino: uint64(st.Ino)}, nil //nolint:unconvert // Dev is uint32 on some systems
}

// fileWatch remembers the database file that was opened and whether it is still the one at its
// path. A stat costs a couple of microseconds, next to the tens of microseconds of a commit, so
// every write transaction checks (DB.tx), and a timer checks between writes so that /readyz says
// so as soon as it happens.
type fileWatch struct {
	path   string
	opened fileID
	gone   atomic.Pointer[string] // why the file is not the one opened, once it is not
	stop   chan struct{}
	closed sync.Once
}

// watchFile starts watching the file at path, which must be the one just opened, checking every
// interval until close.
func watchFile(path string, interval time.Duration) (*fileWatch, error) {
	id, err := idOf(path)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	w := &fileWatch{path: path, opened: id, stop: make(chan struct{})}
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-w.stop:
				return
			case <-t.C:
				_ = w.check()
			}
		}
	}()
	return w, nil
}

// check returns ErrDatabaseGone, with what happened, once the file at the path is not the one
// opened (deleted, or another file in its place); it stays gone from then on.
func (w *fileWatch) check() error {
	if w == nil { // PostgreSQL: no file
		return nil
	}
	if why := w.gone.Load(); why != nil {
		return fmt.Errorf("%w: %s", ErrDatabaseGone, *why)
	}
	id, err := idOf(w.path)
	var why string
	switch {
	case errors.Is(err, fs.ErrNotExist):
		why = w.path + " was deleted"
	case err != nil:
		return nil // cannot tell (a permission changed, say): the writes will say what is wrong
	case id != w.opened:
		why = w.path + " is another file than the one opened (device " + strconv.FormatUint(id.dev, 10) +
			", inode " + strconv.FormatUint(id.ino, 10) + ", was inode " + strconv.FormatUint(w.opened.ino, 10) + ")"
	default:
		return nil
	}
	w.gone.CompareAndSwap(nil, &why)
	return w.check()
}

// close stops the timer; closing again (DB.Close called twice) does nothing.
func (w *fileWatch) close() {
	if w != nil {
		w.closed.Do(func() { close(w.stop) })
	}
}

// fileCheckInterval is how often the database file's identity is checked between writes.
const fileCheckInterval = 5 * time.Second

// Ready reports whether the database can serve: its file is the one opened, it answers a query,
// and its migrations are those this binary has. It is what /readyz asks.
func (db *DB) Ready(ctx context.Context) error {
	if err := db.file.check(); err != nil {
		return err
	}
	var version int64
	if err := db.get(ctx, &version, `SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied`); err != nil {
		return fmt.Errorf("query the database: %w", err)
	}
	if version != db.schema {
		return fmt.Errorf("the database's schema is version %d, this Bookcase's is %d", version, db.schema)
	}
	return nil
}

// latestMigration is the version of the newest migration embedded in dir of fsys.
func latestMigration(fsys fs.FS, dir string) (int64, error) {
	names, err := fs.Glob(fsys, dir+"/*.sql")
	if err != nil {
		return 0, err
	}
	var latest int64
	for _, name := range names {
		n, _, _ := strings.Cut(strings.TrimPrefix(name, dir+"/"), "_")
		v, err := strconv.ParseInt(n, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("migration %s: no version number", name)
		}
		latest = max(latest, v)
	}
	return latest, nil
}
