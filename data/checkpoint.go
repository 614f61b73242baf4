package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// checkpointer copies what the writer commits to SQLite's write-ahead log into the database file
// ("checkpoints" it) on a connection of its own, beside the writer, which then never does.
//
// By default the connection that commits does it, in its commit, once the log holds 1,000
// pages: with 32 connections adding books, the one writer spent about a third of its commit time
// checkpointing (a lone book's commit: 374–499 → 250–271 µs without it), time in which no book
// is written. A checkpoint needs no write lock (SQLite's PASSIVE checkpoint: it copies what no
// reader still needs, and writers append to the log meanwhile), so it can run on the second
// core while the writer writes. The writer keeps an automatic checkpoint of its own at
// writerCheckpointPages, for when this one falls behind.
type checkpointer struct {
	conn *sql.DB // one read-write connection, never the writer's
	file *fileWatch
	wake chan struct{} // holds a token when the writer has committed since the last checkpoint
	stop chan struct{}
	done chan struct{}
	// failed keeps the last checkpoint's error, or nil once one succeeds; Close reports it.
	failed    atomic.Pointer[error]
	closeOnce sync.Once
}

// checkpointEvery is how often at most the checkpointer checkpoints. Each checkpoint copies
// every page changed since the last once, however many commits changed it (an index's last
// leaf, the counts, the search index's newest segment): with 32 connections adding books
// (BenchmarkCreateParallel), checkpoints every 50 ms cost 24–41 µs of CPU a book, every 250 ms
// 8–12 µs. At 4,000 books a second the log then grows to some 5,000 pages between two.
const checkpointEvery = 250 * time.Millisecond

// writerCheckpointPages is the writer's own automatic checkpoint (PRAGMA wal_autocheckpoint):
// a log well past what checkpointEvery lets grow (SQLite's default is 1,000 pages), which only a
// checkpointer that cannot keep up lets the writer reach.
const writerCheckpointPages = 10000

// startCheckpointer starts the checkpointer of the SQLite database at path, opened with
// driverName.
func startCheckpointer(ctx context.Context, driverName, path string, file *fileWatch) (*checkpointer, error) {
	conn, err := sql.Open(driverName, dsn(path, "rw"))
	if err != nil {
		return nil, fmt.Errorf("open database for checkpoints: %w", err)
	}
	conn.SetMaxOpenConns(1)
	conn.SetConnMaxIdleTime(0)
	if err := conn.PingContext(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("open database for checkpoints: %w", storeError(err))
	}
	c := &checkpointer{
		conn: conn,
		file: file,
		wake: make(chan struct{}, 1),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	go c.run()
	return c, nil
}

// committed tells the checkpointer that the writer has committed: there is log to copy. It never
// waits. A nil checkpointer (PostgreSQL) is told nothing.
func (c *checkpointer) committed() {
	if c == nil {
		return
	}
	select {
	case c.wake <- struct{}{}:
	default: // told already
	}
}

// run checkpoints after each commit it is told of, at most once every checkpointEvery, until
// close.
func (c *checkpointer) run() {
	defer close(c.done)
	pause := time.NewTimer(0)
	defer pause.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-c.wake:
		}
		if err := c.checkpoint(); err != nil {
			c.failed.Store(&err)
		} else {
			c.failed.Store(nil)
		}
		pause.Reset(checkpointEvery)
		select {
		case <-c.stop:
			return
		case <-pause.C:
		}
	}
}

// checkpoint copies what it can of the log into the database file. A database file deleted or
// replaced (ErrDatabaseGone) is left alone: nothing is written to it any more.
func (c *checkpointer) checkpoint() error {
	if err := c.file.check(); err != nil {
		return err
	}
	if _, err := c.conn.Exec(`PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
		return fmt.Errorf("checkpoint the write-ahead log: %w", storeError(err))
	}
	return nil
}

// close stops the checkpointer and closes its connection. It returns the last checkpoint's
// error, if the checkpointer had not succeeded since: the log keeps every commit all the same,
// and the writer's own checkpoint at Close copies it.
func (c *checkpointer) close() error {
	if c == nil {
		return nil
	}
	var err error
	c.closeOnce.Do(func() {
		close(c.stop)
		<-c.done
		if failed := c.failed.Load(); failed != nil && !errors.Is(*failed, ErrDatabaseGone) {
			err = *failed
		}
		err = errors.Join(err, c.conn.Close())
	})
	return err
}
