package data

import (
	"context"
	"database/sql"
	"io/fs"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/pressly/goose/v3"
)

// SetClock makes db read the time from now, so tests can move time forward. Call it before the
// store is used from more than one goroutine.
func (db *DB) SetClock(now func() time.Time) { db.now = now }

// Pools returns the write and the read pool, so tests can look at the connections themselves.
func (db *DB) Pools() (write, read *sqlx.DB) { return db.write, db.read }

// MigrationFiles returns the names of the embedded migration files.
func MigrationFiles() ([]string, error) { return fs.Glob(migrations, "migrations/*.sql") }

// MigrateTo brings the database file at path to the schema of migration version, as an older
// Bookcase left it, so a test can fill it and see Open migrate it the rest of the way.
func MigrateTo(ctx context.Context, path string, version int64) error {
	db, err := sql.Open("sqlite3", dsn(path, "rwc"))
	if err != nil {
		return err
	}
	defer db.Close()
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
	if err != nil {
		return err
	}
	_, err = p.UpTo(ctx, version)
	return err
}

// SetLimits sets the most open imports, and bytes of their rows, an owner may hold.
func (s *ImportStore) SetLimits(count int, bytes int64) { s.maxOpen, s.maxBytes = count, bytes }

// SetDenseMatches makes a search in the added order past n matches walk the order's index
// (denseSearch), until the test ends.
func SetDenseMatches(t interface{ Cleanup(func()) }, n int) {
	was := denseMatches
	denseMatches = n
	t.Cleanup(func() { denseMatches = was })
}
