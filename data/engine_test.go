package data

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bookcase/bookcase/data/dbtest"
)

// OnPostgres reports whether the tests run on PostgreSQL (BOOKCASE_TEST_POSTGRES).
func OnPostgres() bool { return dbtest.OnPostgres() }

// SkipOnPostgres skips t when the tests run on PostgreSQL, saying why: for what only SQLite has.
func SkipOnPostgres(t testing.TB, why string) {
	t.Helper()
	dbtest.SkipOnPostgres(t, why)
}

// NewTestDSN returns the name of a new, empty database for t (dbtest.NewDSN).
func NewTestDSN(t testing.TB) string {
	t.Helper()
	return dbtest.NewDSN(t)
}

// testPool holds the migrated schemas OpenTest hands out on PostgreSQL.
var testPool = dbtest.NewPool(func(ctx context.Context, dsn string) error {
	db, err := Open(ctx, dsn)
	if err != nil {
		return err
	}
	return db.Close()
})

// TestMain drops the pool's schemas once the tests are done.
func TestMain(m *testing.M) { os.Exit(testPool.Run(m)) }

// OpenTest opens an empty database for t and closes it when t ends: a new file on SQLite, a
// migrated schema of the pool's on PostgreSQL (dbtest.Pool), emptied when t ends.
func OpenTest(t testing.TB) *DB {
	t.Helper()
	db, err := Open(t.Context(), testPool.DSN(t))
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

// openSQLite opens a new SQLite file for t, whatever engine the tests run on (for what only
// SQLite has, such as its query plans), and closes it when t ends.
func openSQLite(t testing.TB) *DB {
	t.Helper()
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// postgresPlan returns PostgreSQL's plan for query (the store's SQL, with ? parameters) prepared
// with plan_cache_mode set to mode (force_generic_plan: the plan a prepared statement gets after
// five runs) and run with params, its parameters written as SQL.
func postgresPlan(t *testing.T, db *DB, mode, query, params string) string {
	t.Helper()
	ctx := t.Context()
	tx, err := db.read.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for _, stmt := range []string{
		`SET LOCAL plan_cache_mode = ` + mode,
		`PREPARE planned AS ` + rebind(query),
	} {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	var plan []string
	if err := tx.SelectContext(ctx, &plan, `EXPLAIN EXECUTE planned(`+params+`)`); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `DEALLOCATE planned`); err != nil {
		t.Fatal(err)
	}
	return strings.Join(plan, "\n")
}

// TestPassword is the password of the accounts AddTestReader makes.
const TestPassword = "correct horse battery staple"

// AddTestReader creates an account on db, or fails the test. Each costs an argon2id hash (tens of
// milliseconds), so tests make a few, not hundreds.
func AddTestReader(t testing.TB, db *DB, username string) User {
	t.Helper()
	u, err := db.Users().Create(t.Context(), username, TestPassword)
	if err != nil {
		t.Fatalf("create user %q: %v", username, err)
	}
	return u
}
