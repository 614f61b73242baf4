package data

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"net"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jmoiron/sqlx"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// dialect is the SQL engine a DB runs on. The store's SQL is written once, with ? for its
// parameters; what PostgreSQL needs differently is asked of the dialect where it is used.
type dialect int

const (
	sqliteDialect dialect = iota
	postgresDialect
)

// IsPostgres reports whether dsn names a PostgreSQL database: a URL with the postgres or
// postgresql scheme. Anything else is the path of a SQLite file.
func IsPostgres(dsn string) bool {
	scheme, _, ok := strings.Cut(dsn, "://")
	return ok && (strings.EqualFold(scheme, "postgres") || strings.EqualFold(scheme, "postgresql"))
}

// Redact returns dsn with a PostgreSQL URL's password replaced by "xxxxx", for logs and
// messages. A SQLite path comes back as it is.
func Redact(dsn string) string {
	if !IsPostgres(dsn) {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://(a URL that does not parse)"
	}
	return u.Redacted()
}

// postgresConns is how many connections a DB on PostgreSQL keeps open at most: four for each
// core of this machine, and at least eight. Each connection is a server process on the database's
// machine; past a few per core, more connections only queue inside PostgreSQL (and take its
// memory) instead of in Go, while requests here are admitted a few at a time anyway (handlers).
// A transaction waiting on a row lock holds its connection, hence more than one per core. Three
// instances on 2-core machines take 24 of PostgreSQL's default max_connections of 100.
func postgresConns() int { return max(8, 4*runtime.NumCPU()) }

// openPostgres opens the PostgreSQL database at the URL dsn and applies every pending migration:
// one pool of connections for reads and writes, since PostgreSQL runs writers side by side.
func openPostgres(ctx context.Context, dsn string, upTo int64) (*DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		// pgx's message may quote the URL, password and all.
		return nil, fmt.Errorf("open database: %s is not a PostgreSQL URL that can be used", Redact(dsn))
	}
	// A statement waits at most lockWait for a lock another transaction holds (a reader's
	// counts, held by a write that hangs, or a table an operator's migration or dump holds), as
	// a write waits for SQLite's file, and then fails with lock_not_available: ErrBusy, a "try
	// again" for the reader, instead of a connection held for as long as the other holds on.
	// Writes run without their request's cancellation (inBatch), so nothing else would end the
	// wait. A lock_timeout in the URL is the operator's, and kept.
	if _, ok := cfg.RuntimeParams["lock_timeout"]; !ok {
		cfg.RuntimeParams["lock_timeout"] = strconv.FormatInt(lockWait.Milliseconds(), 10)
	}
	pool := sqlx.NewDb(sql.OpenDB(rebindConnector{stdlib.GetConnector(*cfg)}), "pgx")
	n := postgresConns()
	pool.SetMaxOpenConns(n)
	pool.SetMaxIdleConns(n)
	// A connection is replaced now and then, so that a server restarted or failed over behind
	// the same address is found again, and memory a backend holds is given back.
	pool.SetConnMaxLifetime(30 * time.Minute)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		if reason := storeError(err); !isServerAnswer(reason) {
			return nil, fmt.Errorf("open database: cannot reach PostgreSQL at %s: %w: %w", Redact(dsn), ErrUnreachable, reason)
		}
		return nil, fmt.Errorf("open database: PostgreSQL at %s refused: %w", Redact(dsn), storeError(err))
	}
	if err := checkUnaccent(ctx, pool.DB); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := migratePostgres(ctx, pool.DB, upTo); err != nil {
		pool.Close()
		return nil, err
	}
	schema, err := latestMigration(postgresMigrations, postgresMigrationDir)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	db := newDB(postgresDialect, pool, pool)
	db.schema = schema
	var space string
	if err := pool.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&space); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open database: %w", storeError(err))
	}
	// The claims' connections are made when a claim is taken and end with it (claims.go).
	conns := sql.OpenDB(rebindConnector{stdlib.GetConnector(*cfg)})
	conns.SetMaxIdleConns(0)
	db.claims = &claims{conns: conns, space: space, held: map[*claim]struct{}{}, handed: map[string]*claim{}}
	// PostgreSQL keeps a timestamp to the microsecond: the clock reads no finer, so that a time
	// the store gives back as it writes it (a new book's) is the one it reads back later.
	db.now = func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
	if err := db.finishOpen(ctx, upTo); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// postgresMigrationDir holds PostgreSQL's migrations (see its 00001_baseline.sql for how they
// follow SQLite's).
const postgresMigrationDir = "migrations/postgres"

// migratePostgres applies PostgreSQL's migrations that the database has not seen yet, up to the
// version upTo, or all of them when it is 0. When several instances start at once, one
// migrates and the others wait for it (goose's session lock, an advisory lock, asked for once a
// second for up to five minutes) and then find nothing left to do. The lock is the schema's:
// databases in different schemas of one server (the tests') migrate side by side.
func migratePostgres(ctx context.Context, db *sql.DB, upTo int64) error {
	sub, err := fs.Sub(postgresMigrations, postgresMigrationDir)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	var schema string
	if err := db.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return fmt.Errorf("migrate database: %w", err)
	}
	h := fnv.New64a()
	h.Write([]byte("bookcase migrations " + schema))
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(int64(h.Sum64()>>1)), lock.WithLockTimeout(1, 300))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub,
		goose.WithAllowOutofOrder(true), goose.WithSessionLocker(locker))
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

// rebindConnector makes pgx connections that take the store's SQL as it is written, with ? for
// each parameter, and give PostgreSQL $1, $2, ... (sqlx.Rebind): every query, prepared statement
// and transaction of the pool goes through it, so the SQL is written once for both engines.
// SQLite's connections never see it.
type rebindConnector struct{ driver.Connector }

func (c rebindConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	pc, ok := conn.(*stdlib.Conn)
	if !ok {
		conn.Close()
		return nil, fmt.Errorf("pgx connection of an unexpected type %T", conn)
	}
	return &rebindConn{pc}, nil
}

// rebindConn is a pgx connection whose queries are rebound; everything else is pgx's own.
type rebindConn struct{ *stdlib.Conn }

func (c *rebindConn) Prepare(query string) (driver.Stmt, error) {
	return c.Conn.Prepare(rebind(query))
}

func (c *rebindConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.PrepareContext(ctx, rebind(query))
}

func (c *rebindConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.Conn.ExecContext(ctx, rebind(query), args)
}

func (c *rebindConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.Conn.QueryContext(ctx, rebind(query), args)
}

// rebound keeps the rebound text of each query seen, most of which are constants run again and
// again; a text with no ? is its own.
var rebound sync.Map // query -> rebound query

// rebind returns query with its ? parameters numbered for PostgreSQL.
func rebind(query string) string {
	if !strings.Contains(query, "?") {
		return query
	}
	if r, ok := rebound.Load(query); ok {
		return r.(string)
	}
	r := sqlx.Rebind(sqlx.DOLLAR, query)
	// Texts built with a list of parameters of any length (sqlx.In) would grow the map without
	// bound: only the short ones are kept.
	if strings.Count(query, "?") <= 32 {
		rebound.Store(query, r)
	}
	return r
}

// ErrUnreachable means PostgreSQL did not answer: it is not running (yet), or not at that address.
// A server that answered and refused (a wrong password, a database that does not exist) is not
// unreachable.
var ErrUnreachable = errors.New("PostgreSQL is not reachable")

// isServerAnswer reports whether err is PostgreSQL's own answer, rather than a failure to reach it.
// A server still starting up (57P03, cannot_connect_now) is as good as unreachable.
func isServerAnswer(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code != "57P03"
}

// unreachable reports whether err means PostgreSQL could not be reached or went away: no
// connection could be made, one broke, or the server is shutting down or starting up.
func unreachable(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return false // the request's own time ran out (pgx's timeout wraps the network's): ErrBusy's 503
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return strings.HasPrefix(pe.Code, "08") || // connection_exception
			pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03" // admin_shutdown, crash_shutdown, cannot_connect_now
	}
	var ce *pgconn.ConnectError
	var oe *net.OpError
	return errors.As(err, &ce) || errors.As(err, &oe) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET)
}

// postgresError gives the PostgreSQL failures a reader can be told about their sentinel, as
// storeError does SQLite's: a transaction that lost a race with another (a serialization
// failure, a deadlock) or waited too long for a lock is ErrBusy, and can be tried again; a full
// disk is ErrNoSpace; a server in recovery or read-only is ErrReadOnly.
func postgresError(err error) error {
	if unreachable(err) {
		return fmt.Errorf("%w: %w", ErrUnreachable, err)
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	switch pe.Code {
	case "40001", "40P01", "55P03": // serialization_failure, deadlock_detected, lock_not_available
		return fmt.Errorf("%w: %w", ErrBusy, err)
	case "53100": // disk_full
		return fmt.Errorf("%w: %w", ErrNoSpace, err)
	case "25006": // read_only_sql_transaction
		return fmt.Errorf("%w: %w", ErrReadOnly, err)
	}
	return err
}

// idsOf is a SELECT of one column, value, with the ids of a JSON array of integers given as
// its one parameter: SQLite's json_each, PostgreSQL's jsonb_array_elements_text, whose json
// values would not compare with a bigint.
func (db *DB) idsOf() string {
	if db.postgres() {
		return `SELECT CAST(value AS BIGINT) AS value FROM jsonb_array_elements_text(CAST(? AS jsonb))`
	}
	return `SELECT value FROM json_each(?)`
}

// returningID is what an INSERT of one row ends with to give back its new id: nothing on SQLite,
// which reports the id of the last row inserted, " RETURNING id" on PostgreSQL, which does not.
func (db *DB) returningID() string {
	if db.postgres() {
		return " RETURNING id"
	}
	return ""
}

// insertedID runs st, an INSERT of one row whose text ends in returningID, and returns the new
// row's id.
func (db *DB) insertedID(ctx context.Context, st *sqlx.Stmt, args ...any) (int64, error) {
	if db.postgres() {
		var id int64
		err := st.QueryRowxContext(ctx, args...).Scan(&id)
		return id, err
	}
	res, err := st.ExecContext(ctx, args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}
