package data

import (
	"context"
	"database/sql"
	"fmt"
)

// SQL returns the database's two pools, the single writer's and the readers', for their
// statistics (connections in use, waits for one); everything else goes through the stores.
func (db *DB) SQL() (write, read *sql.DB) { return db.write.DB, db.read.DB }

// WritesWaiting is how many writes are waiting for the writer this moment: SQLite has one, and a
// long write (an import) makes every other wait behind it.
func (db *DB) WritesWaiting() int64 { return db.waiting.Load() }

// Gauges are counts of what the server holds, for the metrics listener.
type Gauges struct {
	Imports  map[string]int64 // by state: pending, running, done, failed
	Sessions int64            // not expired
}

// Gauges counts imports by state and live sessions: two reads of small indexed tables.
func (db *DB) Gauges(ctx context.Context) (Gauges, error) {
	g := Gauges{Imports: map[string]int64{"pending": 0, "running": 0, "done": 0, "failed": 0}}
	var rows []struct {
		State string `db:"state"`
		N     int64  `db:"n"`
	}
	if err := db.selectAll(ctx, &rows, `SELECT state, COUNT(*) AS n FROM imports GROUP BY state`); err != nil {
		return Gauges{}, fmt.Errorf("count imports: %w", err)
	}
	for _, r := range rows {
		g.Imports[r.State] = r.N
	}
	if err := db.get(ctx, &g.Sessions, `SELECT COUNT(*) FROM sessions WHERE expires_at > ?`, db.now()); err != nil {
		return Gauges{}, fmt.Errorf("count sessions: %w", err)
	}
	return g, nil
}
