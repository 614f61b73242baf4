package data

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for the schemas' administration
)

// testPostgres is the PostgreSQL server the store's tests run on, when BOOKCASE_TEST_POSTGRES
// gives its URL; they run on SQLite otherwise.
var testPostgres = os.Getenv("BOOKCASE_TEST_POSTGRES")

// OnPostgres reports whether the tests run on PostgreSQL (BOOKCASE_TEST_POSTGRES).
func OnPostgres() bool { return testPostgres != "" }

// SkipOnPostgres skips t when the tests run on PostgreSQL, saying why: for what the store does
// not do on PostgreSQL yet, or what only SQLite has.
func SkipOnPostgres(t testing.TB, why string) {
	t.Helper()
	if OnPostgres() {
		t.Skip("not on PostgreSQL: " + why)
	}
}

// testAdmin is the connection that makes and drops the tests' schemas. It installs unaccent,
// which search needs, once in public: made in a test's schema, it would go with that schema.
var testAdmin = sync.OnceValues(func() (*sql.DB, error) {
	db, err := sql.Open("pgx", testPostgres)
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

// NewTestDSN returns the name of a new, empty database for t: a file in t.TempDir(), or on
// PostgreSQL a schema of t's own (so that tests run in parallel), dropped when t ends.
func NewTestDSN(t testing.TB) string {
	t.Helper()
	if !OnPostgres() {
		return filepath.Join(t.TempDir(), "test.db")
	}
	admin, err := testAdmin()
	if err != nil {
		t.Fatalf("BOOKCASE_TEST_POSTGRES: %v", err)
	}
	b := make([]byte, 8)
	rand.Read(b)
	schema := "test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(t.Context(), `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("BOOKCASE_TEST_POSTGRES: create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(testPostgres)
	if err != nil {
		t.Fatalf("BOOKCASE_TEST_POSTGRES: %v", err)
	}
	q := u.Query()
	// public after the test's own schema: extensions (unaccent) are installed there once.
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	return u.String()
}

// OpenTest opens a new, empty database for t (NewTestDSN) and closes it when t ends.
func OpenTest(t testing.TB) *DB {
	t.Helper()
	db, err := Open(t.Context(), NewTestDSN(t))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}
