package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"sync"
)

// Several instances of Bookcase may share one PostgreSQL database. What only one of them may do at
// a time (write an import, run the hourly housekeeping) it claims with an advisory lock held by a
// connection of its own, outside the pool, so that a claim never takes a connection a request
// needs. The lock lives as long as that connection: when an instance dies (kill -9, a lost host),
// PostgreSQL ends its sessions and its claims are free at once, for another instance to roll its
// import back. On SQLite one process serves the file, and every claim is granted.

// errClaimed is the answer to a claim another instance (or this one) holds.
var errClaimed = errors.New("claimed by another instance")

// claims holds a DB's claims on PostgreSQL.
type claims struct {
	conns *sql.DB // the claims' connections: one each, closed with its claim
	space string  // the schema, so that databases in different schemas of a server never share a claim

	mu     sync.Mutex
	held   map[*claim]struct{} // closed with the DB, as a dead instance's would be
	handed map[string]*claim   // claims taken by one call and kept for the next (handOver)
}

// claim is one claim held; release gives it up.
type claim struct {
	c    *claims
	conn *sql.Conn // nil on SQLite
}

// claimKey is the advisory lock's key for name in space.
func claimKey(space, name string) int64 {
	h := fnv.New64a()
	h.Write([]byte("bookcase claim " + space + " " + name))
	return int64(h.Sum64() >> 1)
}

// importClaim is the name of the claim on the import whose books are marked marker.
func importClaim(marker int64) string { return "import " + strconv.FormatInt(marker, 10) }

// claim takes the claim name, or returns errClaimed when another session holds it.
func (db *DB) claim(ctx context.Context, name string) (*claim, error) {
	c := db.claims
	if c == nil {
		return &claim{}, nil
	}
	conn, err := c.conns.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("claim %s: %w", name, err)
	}
	var ok bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(?)`, claimKey(c.space, name)).Scan(&ok); err != nil {
		conn.Close()
		return nil, fmt.Errorf("claim %s: %w", name, err)
	}
	if !ok {
		conn.Close()
		return nil, errClaimed
	}
	cl := &claim{c: c, conn: conn}
	c.mu.Lock()
	c.held[cl] = struct{}{}
	c.mu.Unlock()
	return cl, nil
}

// claimed reports whether a session holds the claim name: another instance's, or this one's. It
// takes nothing: it looks at PostgreSQL's locks, where an advisory lock on a bigint key is shown
// as its two halves. On SQLite nothing is claimed.
func (db *DB) claimed(ctx context.Context, name string) (bool, error) {
	if db.claims == nil {
		return false, nil
	}
	key := uint64(claimKey(db.claims.space, name))
	var held bool
	err := db.read.QueryRowContext(ctx, `
		SELECT EXISTS (SELECT 1 FROM pg_locks
		               WHERE locktype = 'advisory' AND granted AND objsubid = 1
		                 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
		                 AND classid = CAST(CAST(? AS BIGINT) AS oid) AND objid = CAST(CAST(? AS BIGINT) AS oid))`,
		int64(key>>32), int64(key&0xffffffff)).Scan(&held)
	if err != nil {
		return false, fmt.Errorf("claim %s: %w", name, err)
	}
	return held, nil
}

// release gives the claim up: its connection ends, and the lock with it.
func (cl *claim) release() {
	if cl == nil || cl.conn == nil {
		return
	}
	cl.c.mu.Lock()
	_, held := cl.c.held[cl]
	delete(cl.c.held, cl)
	cl.c.mu.Unlock()
	if held {
		// Not given back to the pool (MaxIdleConns 0): the session ends, and its locks with it.
		cl.conn.Close()
	}
}

// handOver keeps cl under name for takeOver, as Start keeps an import's claim for Run.
func (db *DB) handOver(name string, cl *claim) {
	if db.claims == nil {
		return
	}
	db.claims.mu.Lock()
	defer db.claims.mu.Unlock()
	if old := db.claims.handed[name]; old != nil && old != cl {
		defer old.release()
	}
	db.claims.handed[name] = cl
}

// takeOver returns the claim kept under name, or takes it.
func (db *DB) takeOver(ctx context.Context, name string) (*claim, error) {
	if db.claims != nil {
		db.claims.mu.Lock()
		cl := db.claims.handed[name]
		delete(db.claims.handed, name)
		db.claims.mu.Unlock()
		if cl != nil {
			return cl, nil
		}
	}
	return db.claim(ctx, name)
}

// close ends every claim, as the end of the instance would.
func (c *claims) close() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	held := c.held
	c.held, c.handed = map[*claim]struct{}{}, map[string]*claim{}
	c.mu.Unlock()
	for cl := range held {
		cl.conn.Close()
	}
	return c.conns.Close()
}

// Exclusively runs fn unless another instance on the same database runs what it claims as name
// meanwhile, and reports whether fn ran: several instances on one PostgreSQL database take turns
// at the hourly housekeeping instead of all doing it at once. On SQLite fn always runs.
func (db *DB) Exclusively(ctx context.Context, name string, fn func(ctx context.Context) error) (bool, error) {
	cl, err := db.claim(ctx, "exclusively "+name)
	if errors.Is(err, errClaimed) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer cl.release()
	return true, fn(ctx)
}
