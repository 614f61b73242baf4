package data

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/mattn/go-sqlite3" // also registers the "sqlite3" driver
	"github.com/pressly/goose/v3"
)

//go:embed migrations/*.sql
var migrations embed.FS

//go:embed migrations/postgres/*.sql
var postgresMigrations embed.FS

// DB is a Bookcase database, in SQLite or PostgreSQL. SQLite allows one writer at a time, so
// writes go through a pool of a single connection that takes the write lock when its transaction
// begins (writers queue in Go instead of failing with "database is locked"), while reads use a
// separate read-only pool so many readers run in parallel under WAL. On PostgreSQL, which runs
// writers side by side, write and read are one pool (postgresConns).
type DB struct {
	dialect dialect
	write   *sqlx.DB
	read    *sqlx.DB
	now     func() time.Time

	// stmts caches a prepared statement per read query (database/sql prepares it once on each
	// connection), so the hot queries are not parsed by SQLite again on every request.
	stmts sync.Map // query -> *sqlx.Stmt

	// batchers let writes that arrive together share a transaction (inBatch): one on SQLite,
	// whose writes all share the one writer; ownerBatchers on PostgreSQL, a reader's writes going
	// to one of them (batcherFor).
	batchers []*batcher

	// checkpoints copies the writer's commits from SQLite's log into the database file, beside
	// the writer (checkpoint.go; nil on PostgreSQL).
	checkpoints *checkpointer

	// file watches the database file, whose replacement or deletion stops writes (dbfile.go;
	// nil on PostgreSQL); schema is the migration version this binary brings.
	file   *fileWatch
	schema int64
	// waiting counts the writes waiting for the writer (WritesWaiting).
	waiting atomic.Int64
	// stats keeps readers' computed stats until what they count changes (YearStats).
	stats *statsCache
	// summaries keeps readers' library summaries (BookStore.Summary).
	summaries *summaryCache
	// importBatch is the most rows an import writes a transaction (importBatch; less in tests).
	importBatch int
	// seedBatch is the most books Seed writes a transaction (seedTxBooks; less in tests).
	seedBatch int
	// claims are what this instance alone does on a database several share (claims.go); nil on
	// SQLite, where every claim is granted.
	claims *claims
	// lock is the database file, open with a shared lock as long as the database is: a restore
	// refuses while any process holds one (lockFile). SQLite only.
	lock      *os.File
	closeLock sync.Once

	hashes          *hashQueue
	commonPasswords func() commonPasswords
	dummyHash       func() string
}

// Open opens the database that dsn names and applies every pending migration: a postgres:// or
// postgresql:// URL is a PostgreSQL database (IsPostgres), anything else the path of a SQLite
// file, created if needed.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if IsPostgres(dsn) {
		return openPostgres(ctx, dsn, 0)
	}
	return open(ctx, "sqlite3", dsn, 0)
}

// open is Open of a SQLite database with the name of the SQLite driver to use, which tests
// choose, and the migration to stop at (0 for all of them), with which tests make a database of
// an earlier schema.
func open(ctx context.Context, driverName, path string, upTo int64) (*DB, error) {
	if path == "" {
		return nil, errors.New("open database: no path given")
	}
	stopMemoryCount()
	if err := checkSQLite(ctx, driverName); err != nil {
		return nil, err
	}
	keepFreedMemory()
	write, err := sqlx.Open(driverName, dsn(path, "rwc"))
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	// Everything opened so far is closed again when opening fails half way.
	var opened []func() error
	opened = append(opened, write.Close)
	fail := func(err error) (*DB, error) {
		for _, c := range slices.Backward(opened) {
			c()
		}
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	if err := write.PingContext(ctx); err != nil { // creates the file
		return fail(fmt.Errorf("open database: %w", storeError(err)))
	}
	lock, err := lockFile(path, false)
	if err != nil {
		return fail(err)
	}
	opened = append(opened, lock.Close)
	if err := migrate(ctx, write.DB, upTo); err != nil {
		return fail(err)
	}
	if err := useIncrementalVacuum(ctx, write.DB); err != nil {
		return fail(err)
	}
	// The writer keeps its temporary files in memory. What it writes there is statement
	// journals: in a transaction of several statements, each statement that may fail half way
	// (a constraint, a trigger) first copies every page it is about to change, so that it can be
	// undone alone. SQLite moves that copy to a temporary file past 64 KiB, 16 pages, and adding
	// a book (the row, a dozen indexes, the search index, the counts) changes more than that:
	// an import of 100,000 rows made 7.6 million write calls, 15.9 GB, into a file it threw away
	// at the end of each row, and the kernel's side of those calls was 12 of its 28 s of CPU
	// (in memory: 0.34 million calls, 0.87 GB, 4 s of kernel time). The copy lasts one
	// statement; the largest is the UPDATE that makes an import's books visible (a copy of the
	// pages of those books, some tens of MB for 100,000). Migrations and the one-off VACUUM
	// above run before, with temporary files on disk. The pool's one connection is never closed
	// (SetConnMaxIdleTime(0)), so the setting holds for the life of the DB. SQLite only.
	if _, err := write.ExecContext(ctx, `PRAGMA temp_store = MEMORY`); err != nil {
		return fail(fmt.Errorf("open database: %w", storeError(err)))
	}
	// The checkpointer copies the log into the file, not the writer (checkpointer).
	if _, err := write.ExecContext(ctx, `PRAGMA wal_autocheckpoint = `+strconv.Itoa(writerCheckpointPages)); err != nil {
		return fail(fmt.Errorf("open database: %w", storeError(err)))
	}
	schema, err := latestMigration(migrations, "migrations")
	if err != nil {
		return fail(fmt.Errorf("open database: %w", err))
	}
	file, err := watchFile(path, fileCheckInterval)
	if err != nil {
		return fail(err)
	}
	opened = append(opened, func() error { file.close(); return nil })
	checkpoints, err := startCheckpointer(ctx, driverName, path, file)
	if err != nil {
		return fail(err)
	}
	opened = append(opened, checkpoints.close)
	read, err := sqlx.Open(driverName, dsn(path, "ro"))
	if err != nil {
		return fail(fmt.Errorf("open database: %w", err))
	}
	opened = append(opened, read.Close)
	readers := max(4, 2*runtime.NumCPU())
	read.SetMaxOpenConns(readers)
	read.SetMaxIdleConns(readers)
	if err := read.PingContext(ctx); err != nil {
		return fail(fmt.Errorf("open database for reading: %w", err))
	}
	db := newDB(sqliteDialect, write, read)
	db.file, db.lock, db.schema, db.checkpoints = file, lock, schema, checkpoints
	if err := db.finishOpen(ctx, upTo); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// newDB makes the DB of the two pools, on either engine.
func newDB(d dialect, write, read *sqlx.DB) *DB {
	batchers := make([]*batcher, 1)
	if d == postgresDialect {
		batchers = make([]*batcher, ownerBatchers)
	}
	for i := range batchers {
		batchers[i] = newBatcher()
	}
	return &DB{
		batchers:        batchers,
		dialect:         d,
		write:           write,
		read:            read,
		now:             func() time.Time { return time.Now().UTC() },
		stats:           newStatsCache(),
		summaries:       newSummaryCache(),
		importBatch:     importBatch,
		seedBatch:       seedTxBooks,
		hashes:          newHashQueue(max(2, runtime.NumCPU())),
		commonPasswords: sync.OnceValue(loadCommonPasswords),
		dummyHash: sync.OnceValue(func() string {
			h, err := hashPassword(NewToken())
			if err != nil {
				panic(fmt.Sprintf("hash a random password: %v", err)) // only fails if crypto/rand does
			}
			return h
		}),
	}
}

// finishOpen does what opening asks of a migrated database on either engine.
func (db *DB) finishOpen(ctx context.Context, upTo int64) error {
	if upTo == 0 || upTo >= authorsMigration {
		if err := db.fillContributors(ctx); err != nil {
			return fmt.Errorf("open database: %w", err)
		}
	}
	return nil
}

// postgres reports whether the database is PostgreSQL's.
func (db *DB) postgres() bool { return db.dialect == postgresDialect }

// CheckSQLite returns an error saying how to build Bookcase when this build's SQLite lacks what
// Bookcase needs: full-text search (FTS5), which comes with the build tag sqlite_fts5. Open checks
// it too; a command calls it first to refuse before it makes any file or directory.
func CheckSQLite(ctx context.Context) error { return checkSQLite(ctx, "sqlite3") }

// checkSQLite is CheckSQLite with the driver's name. It asks a database in memory: asked of the
// database file, a build without FTS5 refused only after it had created the file, empty.
func checkSQLite(ctx context.Context, driverName string) error {
	db, err := sql.Open(driverName, ":memory:")
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer db.Close()
	var fts5 bool
	if err := db.QueryRowContext(ctx, `SELECT sqlite_compileoption_used('ENABLE_FTS5')`).Scan(&fts5); err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	if !fts5 {
		return errors.New("this build of Bookcase has no SQLite full-text search (FTS5): build it with -tags sqlite_fts5 (see README)")
	}
	return nil
}

// dsn builds a go-sqlite3 connection string tuned for a web server.
func dsn(path, mode string) string {
	q := url.Values{}
	q.Set("mode", mode)
	q.Set("_journal_mode", "WAL")
	q.Set("_busy_timeout", strconv.FormatInt(lockWait.Milliseconds(), 10))
	q.Set("_foreign_keys", "on")
	q.Set("_synchronous", "NORMAL")
	q.Set("_txlock", "immediate")
	// Page cache per connection: 16 MB for the one writer, 6 MB for each reader. The file's pages
	// stay in the operating system's cache as well, so a smaller cache per reader costs a copy,
	// not a disk read, and keeps the server's memory below 100 MB with every reader busy.
	cache := "-6000"
	if mode == "rwc" {
		cache = "-16000"
		// The writer keeps its last 64 statements prepared (go-sqlite3's statement cache): writes
		// run their SQL inside transactions, where a statement cannot be prepared once on the
		// pool as reads are (db.stmt), and compiling an INSERT into books, with the triggers it
		// fires, cost a third of the time of adding a book (BenchmarkCreate in package data at
		// 100,000 books: 545 µs → 346 µs).
		q.Set("_stmt_cache_size", "64")
		// Pages freed by a delete can be given back to the file system (DB.reclaim); without
		// it, a deleted import's space stayed in the file for good. SQLite only.
		q.Set("_auto_vacuum", "incremental")
	}
	q.Set("_cache_size", cache)
	// SQLite need not lock a connection for every call into it: database/sql hands a connection
	// to one goroutine at a time, and a prepared statement's copy on each connection is used
	// under that connection's lock. In SQLite's default (serialized) mode every step and every
	// column read locked and unlocked the connection's mutex, some 800 times for a page of 50
	// books: at 100,000 books the library page's query took 165–203 → 128–153 µs of CPU, and
	// BenchmarkLibraryPage 1,075–1,119 → 1,016–1,074 µs a request.
	q.Set("_mutex", "no")
	return "file:" + url.PathEscape(path) + "?" + q.Encode()
}

// authorsMigration is the migration that makes books' authors contributors: the books of a
// database made before it get theirs when it is opened (fillContributors).
const authorsMigration = 20

// migrate applies the embedded migrations that the database has not seen yet, up to the
// version upTo, or all of them when it is 0.
func migrate(ctx context.Context, db *sql.DB, upTo int64) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	// Migration numbers were handed out to work done side by side, and one may land after a
	// higher one has been applied (00020, the authors, after 00021, the series): goose applies
	// such a missing migration first rather than refuse to open the database. Each one touches
	// only what it adds, so their order does not matter.
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub, goose.WithAllowOutofOrder(true))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if upTo > 0 {
		_, err = p.UpTo(ctx, upTo)
	} else {
		_, err = p.Up(ctx)
	}
	if err != nil {
		return fmt.Errorf("migrate database: %w", err)
	}
	return nil
}

// useIncrementalVacuum makes a database created before Bookcase set auto_vacuum (it is in the
// connection string) use it: SQLite changes the mode of a database that has tables only with a
// VACUUM, which rewrites the file once (about a second for 100,000 books, and as much free disk
// again as the file takes, while it runs). A new database has the mode from its first table on.
// SQLite only.
func useIncrementalVacuum(ctx context.Context, db *sql.DB) error {
	var mode int
	if err := db.QueryRowContext(ctx, `PRAGMA auto_vacuum`).Scan(&mode); err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	const incremental = 2
	if mode == incremental {
		return nil
	}
	if _, err := db.ExecContext(ctx, `VACUUM`); err != nil {
		return fmt.Errorf("open database: turning on incremental vacuum: %w", err)
	}
	return nil
}

// reclaim gives the pages that deletes have freed back to the file system (SQLite keeps them in
// the file otherwise, for later writes): after deleting an import's rows, which can be tens of
// megabytes. It moves as many pages as were freed, so its time follows what was deleted. SQLite
// only; PostgreSQL's autovacuum does this itself.
func (db *DB) reclaim(ctx context.Context) error {
	if db.postgres() {
		return nil
	}
	// Run as a query, stepped to its end: SQLite frees one page a step, and an Exec steps once.
	rows, err := db.write.QueryContext(ctx, `PRAGMA incremental_vacuum`)
	if err != nil {
		return fmt.Errorf("reclaim free pages: %w", err)
	}
	for rows.Next() {
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("reclaim free pages: %w", err)
	}
	return nil
}

// reclaimGently is reclaim a few hundred pages a transaction, so that other writes go on while a
// large deletion's space is given back.
func (db *DB) reclaimGently(ctx context.Context) error {
	if db.postgres() {
		return nil
	}
	for {
		var free int
		if err := db.write.GetContext(ctx, &free, `PRAGMA freelist_count`); err != nil {
			return fmt.Errorf("reclaim free pages: %w", err)
		}
		if free == 0 {
			return nil
		}
		rows, err := db.write.QueryContext(ctx, `PRAGMA incremental_vacuum(256)`)
		if err != nil {
			return fmt.Errorf("reclaim free pages: %w", err)
		}
		for rows.Next() {
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return fmt.Errorf("reclaim free pages: %w", err)
		}
	}
}

// mergeSearch merges the search index's segments as compactSearch does, a few hundred pages of
// work a transaction (FTS5's merge command), until there is nothing left to merge.
func (db *DB) mergeSearch(ctx context.Context) error {
	if db.postgres() {
		return nil // PostgreSQL's GIN index merges its pending entries itself (search on PostgreSQL)
	}
	for range 10_000 { // a bound, far past the work of any index
		var worked bool
		err := db.inTx(ctx, func(tx *sqlx.Tx) error {
			var before, after int64
			if err := tx.GetContext(ctx, &before, `SELECT total_changes()`); err != nil {
				return err
			}
			// A negative amount merges segments of any level, as optimize does.
			if _, err := tx.ExecContext(ctx, `INSERT INTO books_fts (books_fts, rank) VALUES ('merge', -256)`); err != nil {
				return err
			}
			if err := tx.GetContext(ctx, &after, `SELECT total_changes()`); err != nil {
				return err
			}
			// FTS5 counts two changes or more when the command merged something.
			worked = after-before >= 2
			return nil
		})
		if err != nil {
			return fmt.Errorf("merge search index: %w", err)
		}
		if !worked {
			return nil
		}
	}
	return nil
}

// Close checkpoints SQLite's WAL and closes the statements and both pools. A checkpoint that
// fails loses nothing: the WAL keeps every committed write, and the next Open replays it. When
// it fails for want of disk space, the error is ErrNoSpace, and the pools are closed all the same.
func (db *DB) Close() error {
	db.file.close()
	var errs []error
	db.stmts.Range(func(_, st any) bool {
		errs = append(errs, st.(*sqlx.Stmt).Close())
		return true
	})
	if db.postgres() {
		return errors.Join(append(errs, db.claims.close(), db.write.Close())...) // the one pool
	}
	errs = append(errs, db.checkpoints.close())
	if _, err := db.write.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		errs = append(errs, fmt.Errorf("checkpoint the write-ahead log: %w", storeError(err)))
	}
	errs = append(errs, db.read.Close(), db.write.Close())
	db.closeLock.Do(func() { errs = append(errs, db.lock.Close()) })
	return errors.Join(errs...)
}

// intArg and textArg are a parameter of a hot read query written so that SQLite's planner does
// not look at its value, and a cached statement runs as prepared. go-sqlite3 clears a
// statement's bindings before binding its arguments, and SQLite compiles a statement afresh on
// its next step when a binding it planned by changes: a bare ? that is a LIMIT, or an equality
// that some plan SQLite weighed does not use its index for (the owner of a page through an order's
// index, with the plans it turned down; the owner of the series a join looks up by id), made
// every request compile the library page's query, its series and the session again (perf probe
// on sqlite3Reprepare: 3 a request). A cast is not a parameter to SQLite's planner, and the same
// value to PostgreSQL. Limits are written as numbers (limitOf), as they are the store's own.
const (
	intArg  = "CAST(? AS BIGINT)"
	textArg = "CAST(? AS TEXT)"
)

// limitOf is a LIMIT of n rows, n being the store's own number (a page size), never input.
func limitOf(n int) string { return " LIMIT " + strconv.Itoa(n) }

// stmt returns the cached prepared statement for a read query, preparing it on first use.
func (db *DB) stmt(ctx context.Context, query string) (*sqlx.Stmt, error) {
	if st, ok := db.stmts.Load(query); ok {
		return st.(*sqlx.Stmt), nil
	}
	st, err := db.read.PreparexContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := db.stmts.LoadOrStore(query, st); loaded {
		if err := st.Close(); err != nil {
			return nil, err
		}
		return prev.(*sqlx.Stmt), nil
	}
	return st, nil
}

// get runs a read query that returns one row into dest, on the read pool.
func (db *DB) get(ctx context.Context, dest any, query string, args ...any) error {
	ctx, err := readContext(ctx)
	if err != nil {
		return err
	}
	st, err := db.stmt(ctx, query)
	if err != nil {
		return storeError(err)
	}
	return storeError(st.GetContext(ctx, dest, args...))
}

// readContext is the context a read query on the read pool runs under: ctx without its
// cancellation or deadline, once it is checked not to be done already. Under WAL a read never
// waits for a lock, and every read through get and selectAll touches a bounded number of rows (a
// page through an index, a count kept by triggers, one book's history), so one that has started
// is let run to its end: watching a cancellable context makes go-sqlite3 register a callback for
// each query and take a lock twice for each row, which cost about a fifth of the CPU of a library
// page sorted by author (BenchmarkLibraryByAuthor in package handlers: 750 µs → 585 µs). Waiting
// for a read connection is short as well: requests are admitted a few at a time (handlers), and
// the export reads its pages through a connection it gives back after each. Writes, and the
// export's reads, keep their cancellation.
func readContext(ctx context.Context) (context.Context, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return context.WithoutCancel(ctx), nil
}

// selectAll runs a read query into the slice dest, on the read pool.
func (db *DB) selectAll(ctx context.Context, dest any, query string, args ...any) error {
	ctx, err := readContext(ctx)
	if err != nil {
		return err
	}
	st, err := db.stmt(ctx, query)
	if err != nil {
		return storeError(err)
	}
	return storeError(st.SelectContext(ctx, dest, args...))
}

// query runs a read query on the read pool and returns its rows, for the caller to scan by hand
// (see scanPageRow): the rows must be closed.
func (db *DB) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx, err := readContext(ctx)
	if err != nil {
		return nil, err
	}
	st, err := db.stmt(ctx, query)
	if err != nil {
		return nil, storeError(err)
	}
	rows, err := st.QueryContext(ctx, args...)
	return rows, storeError(err)
}

// Books returns the store for books.
func (db *DB) Books() *BookStore { return &BookStore{db: db} }

// Shelves returns the store for shelves and the books on them.
func (db *DB) Shelves() *ShelfStore { return &ShelfStore{db: db} }

// Users returns the store for accounts.
func (db *DB) Users() *UserStore { return &UserStore{db: db} }

// Sessions returns the store for sign-in sessions that last idle without use and lifetime at most.
func (db *DB) Sessions(idle, lifetime time.Duration) *SessionStore {
	return &SessionStore{db: db, Idle: idle, Lifetime: lifetime}
}

// CSRFTokens returns the store for anti-forgery tokens.
func (db *DB) CSRFTokens() *CSRFTokens { return &CSRFTokens{db: db} }

// lockWait is how long a write waits at most for another process that holds the database's
// write lock (the bookcase command, a backup, the sqlite3 shell), unless its context ends sooner.
// Past it the write fails with ErrBusy. Writers of this process queue in Go instead (DB).
const lockWait = 5 * time.Second

// inTx runs fn in a write transaction, committing when it returns nil. Waiting for the write lock
// ends with ctx's deadline, when that comes before lockWait: SQLite's busy handler does not
// watch the context (sqlite3_interrupt does not stop it), so a touch meant to give up after 250 ms
// waited the whole 5 s while another process held the lock.
func (db *DB) inTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	return storeError(db.tx(ctx, fn))
}

// tx is inTx before its error is classified.
func (db *DB) tx(ctx context.Context, fn func(tx *sqlx.Tx) error) (err error) {
	if err := db.file.check(); err != nil {
		return err
	}
	db.waiting.Add(1)
	conn, err := db.write.Connx(ctx)
	db.waiting.Add(-1)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := conn.Close(); !errors.Is(cerr, sql.ErrConnDone) {
			err = errors.Join(err, cerr)
		}
	}()
	if wait, ok := waitFor(ctx); ok && !db.postgres() {
		if err := setLockWait(ctx, conn, wait); err != nil {
			return err
		}
		defer func() {
			if rerr := setLockWait(ctx, conn, lockWait); rerr != nil {
				// A connection left with a shorter wait would fail later writes early: Raw's
				// ErrBadConn (its only result) makes database/sql close it and open another.
				_ = conn.Raw(func(any) error { return driver.ErrBadConn })
				err = errors.Join(err, fmt.Errorf("restore the busy timeout: %w", rerr))
			}
		}()
	}
	tx, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	db.checkpoints.committed()
	return nil
}

// noSpace marks the error of a write that found the disk full (SQLite's SQLITE_FULL, or a
// failed system call with ENOSPC or EDQUOT, in the database's directory or its temporary one)
// as ErrNoSpace, which callers can tell apart from a fault.
func noSpace(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && (se.Code == sqlite3.ErrFull || se.SystemErrno == syscall.ENOSPC || se.SystemErrno == syscall.EDQUOT) ||
		errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return fmt.Errorf("%w: %w", ErrNoSpace, err)
	}
	return err
}

// waitFor returns how long a write under ctx may wait for the write lock, when that is shorter
// than lockWait.
func waitFor(ctx context.Context) (time.Duration, bool) {
	deadline, ok := ctx.Deadline()
	if !ok {
		return 0, false
	}
	wait := time.Until(deadline)
	if wait >= lockWait {
		return 0, false
	}
	return max(wait, 0), true
}

// setLockWait sets the connection's busy timeout. The PRAGMA runs without ctx's cancellation and
// without arguments, which go-sqlite3 executes in one call, outside its statement cache (where a
// new text per duration would push out the prepared writes).
func setLockWait(ctx context.Context, conn *sqlx.Conn, wait time.Duration) error {
	_, err := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA busy_timeout = "+strconv.FormatInt(wait.Milliseconds(), 10))
	return err
}

// storeError gives the SQLite failures a reader can be told about their sentinel, keeping the
// original error in the chain for the log: busy or locked (another process holds the database
// past the wait) is ErrBusy, a read-only file or disk ErrReadOnly, a full disk ErrNoSpace (noSpace).
func storeError(err error) error {
	if err == nil {
		return nil
	}
	var se sqlite3.Error
	if !errors.As(err, &se) {
		return postgresError(noSpace(err))
	}
	if errors.As(err, &se) && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked) {
		return fmt.Errorf("%w: %w", ErrBusy, err)
	}
	if errors.As(err, &se) && se.Code == sqlite3.ErrReadonly {
		return fmt.Errorf("%w: %w", ErrReadOnly, err)
	}
	return noSpace(err)
}
