package data

import (
	"context"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
)

// SetClock makes db read the time from now, so tests can move time forward. Call it before the
// store is used from more than one goroutine.
func (db *DB) SetClock(now func() time.Time) {
	if db.postgres() {
		db.now = func() time.Time { return now().Truncate(time.Microsecond) }
		return
	}
	db.now = now
}

// Stored is t as the engine the tests run on keeps it: whole on SQLite, to the microsecond on
// PostgreSQL.
func Stored(t time.Time) time.Time {
	if OnPostgres() {
		return t.Truncate(time.Microsecond)
	}
	return t
}

// Pools returns the write and the read pool, so tests can look at the connections themselves.
func (db *DB) Pools() (write, read *sqlx.DB) { return db.write, db.read }

// StopCheckpointer stops db's checkpointer for good (Close stops it once only), so that a
// benchmark can checkpoint the log itself and count it (walMeter).
func (db *DB) StopCheckpointer() error { return db.checkpoints.close() }

// OpenAt opens the database at path as Open does, but migrates it only up to the given version:
// a database made by an earlier schema, for the tests of a later migration.
func OpenAt(ctx context.Context, path string, version int64) (*DB, error) {
	return open(ctx, "sqlite3", path, version)
}

// MigrationFiles returns the names of the embedded migration files.
func MigrationFiles() ([]string, error) { return fs.Glob(migrations, "migrations/*.sql") }

// SetLimits sets the most open imports, and bytes of their rows, an owner may hold.
func (s *ImportStore) SetLimits(count int, bytes int64) { s.maxOpen, s.maxBytes = count, bytes }

// SetDenseMatches makes a search in the added order past n matches walk the order's index
// (denseCandidate), until the test ends.
func SetDenseMatches(t interface{ Cleanup(func()) }, n int) {
	was := denseMatches
	denseMatches = n
	t.Cleanup(func() { denseMatches = was })
}

// SetImportBatches makes db's imports end a batch after rows rows (or the usual time), so that a
// test of a few thousand rows sees several. Call it before the store is used.
func (db *DB) SetImportBatches(rows int) { db.importBatch = rows }

// SetSeedBatches makes Seed write at most books a transaction.
func (db *DB) SetSeedBatches(books int) { db.seedBatch = books }

// PasswordChecks is how many passwords db has checked against a hash, and the hash it checks
// them against for a username nobody has.
func (db *DB) PasswordChecks() (n int64, dummy string) {
	return db.hashes.verified.Load(), db.dummyHash()
}

// StatsComputed is how many times db has computed stats rather than taken them from its cache.
func (db *DB) StatsComputed() int64 { return db.stats.computed.Load() }

// StatsKept reports whether db keeps stats of owner's year (0: all time), whatever their day.
func (db *DB) StatsKept(owner int64, year int) bool {
	db.stats.mu.Lock()
	defer db.stats.mu.Unlock()
	for k := range db.stats.entries {
		if k.owner == owner && k.year == year {
			return true
		}
	}
	return false
}

// SummariesRead is how many library summaries Summary has read rather than taken from its cache.
func (db *DB) SummariesRead() int64 { return db.summaries.read.Load() }

// ComputeYearStats computes the stats afresh, as YearStats does when its cache has none.
func (s *ReadingStore) ComputeYearStats(ctx context.Context, owner int64, year int, loc *time.Location) (ReadingStats, error) {
	return s.computeYearStats(ctx, owner, year, loc)
}

// QueryPlan returns SQLite's plan of query run with args on conn (EXPLAIN QUERY PLAN), its
// steps joined by "; ", failing t when it cannot be read.
func QueryPlan(t testing.TB, conn sqlx.QueryerContext, query string, args ...any) string {
	t.Helper()
	rows, err := conn.QueryContext(t.Context(), `EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(plan, "; ")
}
