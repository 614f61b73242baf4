// Package dbtest gives tests a database of their own on the engine they run on: a SQLite file in
// the test's temporary directory, or, when BOOKCASE_TEST_POSTGRES names a PostgreSQL server, a
// schema of the test's own there (so that tests run in parallel), dropped when the test ends.
// The store's tests and the handlers' share it; it does not import the store, so that the store's
// own tests can use it.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for the schemas' administration
)

// postgres is the PostgreSQL server the tests run on, when BOOKCASE_TEST_POSTGRES gives its URL;
// they run on SQLite otherwise.
var postgres = os.Getenv("BOOKCASE_TEST_POSTGRES")

// OnPostgres reports whether the tests run on PostgreSQL (BOOKCASE_TEST_POSTGRES).
func OnPostgres() bool { return postgres != "" }

// SkipOnPostgres skips t when the tests run on PostgreSQL, saying why: for what only SQLite has
// (its file, pragmas, backups).
func SkipOnPostgres(t testing.TB, why string) {
	t.Helper()
	if OnPostgres() {
		t.Skip("not on PostgreSQL: " + why)
	}
}

// admin is the connection that makes and drops the tests' schemas. It installs unaccent, which
// search needs, once in public: made in a test's schema, it would go with that schema.
var admin = sync.OnceValues(func() (*sql.DB, error) {
	db, err := sql.Open("pgx", postgres)
	if err != nil {
		return nil, err
	}
	if _, err := db.Exec(`CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public`); err != nil {
		// Two test binaries (data, handlers) may race to make it: the loser finds it made.
		var made bool
		if qerr := db.QueryRow(`SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'unaccent')`).Scan(&made); qerr != nil || !made {
			db.Close()
			return nil, fmt.Errorf("create extension unaccent: %w", err)
		}
	}
	return db, nil
})

// NewDSN returns the name of a new, empty database for t: a file in t.TempDir(), or on
// PostgreSQL a schema of t's own, dropped when t ends.
func NewDSN(t testing.TB) string {
	t.Helper()
	if !OnPostgres() {
		return filepath.Join(t.TempDir(), "test.db")
	}
	schema, err := newSchema(t.Context())
	if err != nil {
		t.Fatalf("BOOKCASE_TEST_POSTGRES: %v", err)
	}
	t.Cleanup(func() {
		if err := dropSchema(schema); err != nil {
			t.Error(err)
		}
	})
	return schemaDSN(schema)
}

// schemaDSN is the URL of BOOKCASE_TEST_POSTGRES's database with schema first on the search path.
func schemaDSN(schema string) string {
	u, err := url.Parse(postgres)
	if err != nil {
		panic(fmt.Sprintf("BOOKCASE_TEST_POSTGRES is not a URL: %v", err))
	}
	q := u.Query()
	// public after the test's own schema: extensions (unaccent) are installed there once.
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	return u.String()
}

// newSchema makes an empty schema with a name of its own on the PostgreSQL server.
func newSchema(ctx context.Context) (string, error) {
	db, err := admin()
	if err != nil {
		return "", err
	}
	b := make([]byte, 8)
	rand.Read(b)
	schema := "test_" + hex.EncodeToString(b)
	if _, err := db.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		return "", fmt.Errorf("create schema: %w", err)
	}
	return schema, nil
}

// dropSchema drops schema with all it holds.
func dropSchema(schema string) error {
	db, err := admin()
	if err != nil {
		return err
	}
	if _, err := db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
		return fmt.Errorf("drop schema %s: %w", schema, err)
	}
	return nil
}

// Pool hands out migrated, empty databases on PostgreSQL and takes them back emptied when their
// test ends: migrating a new schema takes PostgreSQL about a second of work (more than 900 lines of
// tables, triggers and functions, and a drop at the end), emptying its tables a few milliseconds,
// which is the difference between half an hour and a few minutes for the store's and the
// handlers' tests. A test that changes the schema's shape (adds or drops an object) has it
// dropped instead. On SQLite it gives each test a copy of one file migrated once: migrating a new
// file takes 150–370 ms (a commit for each of some 45 migrations), copying it about a millisecond.
type Pool struct {
	migrate func(ctx context.Context, dsn string) error

	// template is the SQLite file migrated once, that each test gets a copy of.
	template struct {
		once sync.Once
		dir  string // its directory, removed by Close
		path string
		err  error
	}

	mu    sync.Mutex
	free  []string // schemas emptied and ready
	all   []string // every schema the pool made and has not dropped
	shape string   // what a freshly migrated schema holds (shapeOf)
}

// NewPool returns a pool whose new schemas are migrated by migrate (opening the database at dsn
// and closing it).
func NewPool(migrate func(ctx context.Context, dsn string) error) *Pool {
	return &Pool{migrate: migrate}
}

// DSN returns the name of a migrated database with no rows for t, given back to the pool when t
// ends (after the cleanups t registers later, such as closing the database).
func (p *Pool) DSN(t testing.TB) string {
	t.Helper()
	if !OnPostgres() {
		path := filepath.Join(t.TempDir(), "test.db")
		if err := p.copyTemplate(t.Context(), path); err != nil {
			t.Fatalf("a migrated SQLite file: %v", err)
		}
		return path
	}
	schema, err := p.take(t.Context())
	if err != nil {
		t.Fatalf("BOOKCASE_TEST_POSTGRES: %v", err)
	}
	t.Cleanup(func() {
		if err := p.give(schema); err != nil {
			t.Error(err)
		}
	})
	return schemaDSN(schema)
}

// copyTemplate writes a copy of the migrated SQLite file to path, migrating it the first time.
func (p *Pool) copyTemplate(ctx context.Context, path string) error {
	p.template.once.Do(func() {
		p.template.dir, p.template.err = os.MkdirTemp("", "bookcase-dbtest-")
		if p.template.err != nil {
			return
		}
		p.template.path = filepath.Join(p.template.dir, "template.db")
		p.template.err = p.migrate(context.WithoutCancel(ctx), p.template.path)
	})
	if p.template.err != nil {
		return p.template.err
	}
	// Closed, the database is whole in its main file; a log left beside it (a close that could
	// not check it in) goes with it.
	for _, suffix := range []string{"", "-wal"} {
		if err := copyFile(p.template.path+suffix, path+suffix); err != nil && (suffix == "" || !errors.Is(err, os.ErrNotExist)) {
			return err
		}
	}
	return nil
}

// copyFile copies the file at from to a new file at to.
func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// take returns a free schema, or a new one migrated.
func (p *Pool) take(ctx context.Context) (string, error) {
	p.mu.Lock()
	if n := len(p.free); n > 0 {
		schema := p.free[n-1]
		p.free = p.free[:n-1]
		p.mu.Unlock()
		return schema, nil
	}
	p.mu.Unlock()
	schema, err := newSchema(ctx)
	if err != nil {
		return "", err
	}
	if err := p.migrate(ctx, schemaDSN(schema)); err != nil {
		dropSchema(schema)
		return "", err
	}
	shape, err := shapeOf(ctx, schema)
	if err != nil {
		dropSchema(schema)
		return "", err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shape == "" {
		p.shape = shape
	}
	p.all = append(p.all, schema)
	return schema, nil
}

// give empties schema's tables and puts it back in the pool, or drops it if its test changed
// what it holds.
func (p *Pool) give(schema string) error {
	ctx := context.Background()
	shape, err := shapeOf(ctx, schema)
	p.mu.Lock()
	same := err == nil && shape == p.shape
	p.mu.Unlock()
	if same {
		err = empty(ctx, schema)
	}
	if !same || err != nil {
		p.forget(schema)
		return dropSchema(schema)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.free = append(p.free, schema)
	return nil
}

// forget takes schema out of the pool's list.
func (p *Pool) forget(schema string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, s := range p.all {
		if s == schema {
			p.all = append(p.all[:i], p.all[i+1:]...)
			break
		}
	}
}

// Run runs the package's tests and then drops every schema the pool made, for a TestMain: it
// returns the exit code, which a failure to drop the schemas also makes non-zero.
func (p *Pool) Run(m *testing.M) int {
	code := m.Run()
	if err := p.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	return code
}

// Close drops every schema the pool made, and removes its SQLite file: call it once the tests
// are done (TestMain).
func (p *Pool) Close() error {
	if p.template.dir != "" {
		os.RemoveAll(p.template.dir)
	}
	p.mu.Lock()
	all := p.all
	p.all, p.free = nil, nil
	p.mu.Unlock()
	var errs []error
	for _, schema := range all {
		if err := dropSchema(schema); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// shapeOf names what schema holds: its tables, indexes, views, sequences, functions and triggers.
func shapeOf(ctx context.Context, schema string) (string, error) {
	db, err := admin()
	if err != nil {
		return "", err
	}
	var shape string
	err = db.QueryRowContext(ctx, `
		SELECT coalesce((SELECT string_agg(relname || ':' || relkind::text, ',' ORDER BY relname) FROM pg_class WHERE relnamespace = n.oid), '')
		    || '|' || coalesce((SELECT string_agg(proname, ',' ORDER BY proname) FROM pg_proc WHERE pronamespace = n.oid), '')
		    || '|' || coalesce((SELECT string_agg(tgname, ',' ORDER BY tgname) FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid WHERE c.relnamespace = n.oid), '')
		FROM pg_namespace n WHERE n.nspname = $1`, schema).Scan(&shape)
	if err != nil {
		return "", fmt.Errorf("shape of schema %s: %w", schema, err)
	}
	return shape, nil
}

// empty deletes every row of schema's tables but goose's, and starts its sequences (the tables'
// ids) again, so that it is as its migration left it. Triggers and foreign keys are off meanwhile
// (session_replication_role, which needs a superuser): deleting a handful of rows that way takes
// milliseconds, where TRUNCATE makes new files for every table and index (a second).
func empty(ctx context.Context, schema string) error {
	db, err := admin()
	if err != nil {
		return err
	}
	var tables, sequences []string
	rows, err := db.QueryContext(ctx, `
		SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = $1 AND c.relkind IN ('r', 'S') AND c.relname NOT LIKE 'goose\_%'`, schema)
	if err != nil {
		return err
	}
	for rows.Next() {
		var name, kind string
		if err := rows.Scan(&name, &kind); err != nil {
			rows.Close()
			return err
		}
		name = schema + "." + pgx.Identifier{name}.Sanitize()
		if kind == "S" {
			sequences = append(sequences, name)
		} else {
			tables = append(tables, name)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var sql strings.Builder
	sql.WriteString("BEGIN; SET LOCAL lock_timeout = '10s'; SET LOCAL session_replication_role = replica;")
	for _, t := range tables {
		sql.WriteString("DELETE FROM " + t + ";")
	}
	for _, s := range sequences {
		sql.WriteString("ALTER SEQUENCE " + s + " RESTART;")
	}
	sql.WriteString("COMMIT;")
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, sql.String()); err != nil {
		conn.ExecContext(ctx, "ROLLBACK")
		// Not a superuser: TRUNCATE does the same, slower.
		if _, terr := conn.ExecContext(ctx, "TRUNCATE "+strings.Join(tables, ", ")+" RESTART IDENTITY"); terr != nil {
			return fmt.Errorf("empty schema %s: %w", schema, errors.Join(err, terr))
		}
	}
	return nil
}

// Proxy stands between a test and the PostgreSQL server, on an address of its own, so that the
// test can take the server away (Stop: every connection cut, new ones refused, as when PostgreSQL
// stops or the network fails) and bring it back (Start), without touching the server, which
// other tests share.
type Proxy struct {
	server string // the server's address
	addr   string // the proxy's

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]struct{}
}

// NewProxy returns a stopped proxy to the server of dsn and dsn through it; it is stopped when t
// ends.
func NewProxy(t testing.TB, dsn string) (*Proxy, string) {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0") // an address where nothing listens once closed
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{server: u.Host, addr: ln.Addr().String(), conns: map[net.Conn]struct{}{}}
	ln.Close()
	t.Cleanup(p.Stop)
	u.Host = p.addr
	return p, u.String()
}

// Start makes the server reachable through the proxy.
func (p *Proxy) Start() error {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.forward(c)
		}
	}()
	return nil
}

// forward joins c to a new connection to the server until either ends or the proxy stops.
func (p *Proxy) forward(c net.Conn) {
	s, err := net.Dial("tcp", p.server)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	if p.ln == nil { // stopped meanwhile
		p.mu.Unlock()
		c.Close()
		s.Close()
		return
	}
	p.conns[c], p.conns[s] = struct{}{}, struct{}{}
	p.mu.Unlock()
	go func() {
		io.Copy(s, c)
		s.Close()
		c.Close()
	}()
	io.Copy(c, s)
	c.Close()
	s.Close()
}

// Stop cuts every connection through the proxy and refuses new ones.
func (p *Proxy) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
}
