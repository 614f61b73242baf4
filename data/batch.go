package data

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/jmoiron/sqlx"
)

// maxBatch bounds how many writes share one transaction.
const maxBatch = 64

// batcher commits small writes that wait for the writer at the same time in one transaction
// ("group commit"). SQLite writes every page a transaction changes to the write-ahead log whole,
// and adding a book changes some 24 pages (the row, a dozen indexes, the search index, the
// counts): 97 KB of log. Books added together share most of those pages, and one commit.
//
// There is no goroutine of its own: a writer queues its work and then either finds it done or
// becomes the leader, which takes everything queued (up to maxBatch) and runs it in one
// transaction while the next writers queue behind it. A writer alone waits for nobody.
type batcher struct {
	mu     sync.Mutex
	queue  []*batchJob
	leader chan struct{} // holds a token while a leader runs a batch
}

func newBatcher() *batcher { return &batcher{leader: make(chan struct{}, 1)} }

// batchJob is one writer's work and, once run, its outcome.
type batchJob struct {
	ctx context.Context
	fn  func(ctx context.Context, tx *sqlx.Tx) error
	// read, when not nil, reads what the writer's answer shows, as the transaction leaves it:
	// after every write of the batch, through the reads its jobs share (batchReads).
	read func(ctx context.Context, tx *sqlx.Tx, r *batchReads) error
	done chan error // buffered: the leader never waits for the writer to read it
}

// batchReads are the reads a batch's writers make once all its writes have run, each read once
// for the batch: a reader's books added together answer with the same tabs (LibraryTabs), and
// the writer reading them once rather than once a book saved a sixth of its time per book
// (BenchmarkCreateParallel in package handlers).
type batchReads struct {
	tabs map[int64]LibraryTabs
}

// libraryTabs returns the owner's LibraryTabs as tx has them once the batch's writes have run,
// read the first time they are asked for. Each caller gets its own copy of the shelves.
func (r *batchReads) libraryTabs(ctx context.Context, tx *sqlx.Tx, owner int64) (LibraryTabs, error) {
	tabs, ok := r.tabs[owner]
	if !ok {
		var err error
		if tabs, err = readTabs(ctx, tx, owner); err != nil {
			return LibraryTabs{}, err
		}
		if r.tabs == nil {
			r.tabs = map[int64]LibraryTabs{}
		}
		r.tabs[owner] = tabs
	}
	tabs.Shelves = slices.Clone(tabs.Shelves)
	return tabs, nil
}

// ownerBatchers is how many batchers a DB on PostgreSQL has, one for each share of the readers.
const ownerBatchers = 64

// inBatch runs fn, a write of owner's, in a write transaction that other writes made at the same
// time may share, and returns once that transaction has committed (nil) or failed.
//
// fn must write only through tx and its own variables, and may run twice: when a write of the
// batch fails, the batch is rolled back and each write runs again in a transaction of its own,
// so one failing write never takes another down with it. fn runs under ctx without its
// cancellation (ctx is checked before fn starts): interrupting a statement would roll back the
// whole shared transaction. A write whose ctx ends while it is still queued leaves the queue.
//
// On SQLite every write shares the one writer. On PostgreSQL writers run side by side, and only
// one reader's writes share transactions (with those of the readers sharing their batcher, one
// in ownerBatchers): adding a book changes rows of its reader's that every other book they add
// at the same time changes too (their counts, their reading version, their genre, their
// author), so those writes wait for each other's commit anyway, each holding a connection. 32
// connections adding books to one library of 100,000: see BenchmarkCreateParallel.
func (db *DB) inBatch(ctx context.Context, owner int64, fn func(ctx context.Context, tx *sqlx.Tx) error) error {
	return db.inBatchRead(ctx, owner, fn, nil)
}

// inBatchRead is inBatch for a write whose answer shows what the transaction leaves: read, when
// not nil, runs after every write of the batch (fn's and the others'), in the same transaction,
// and like fn may run twice.
func (db *DB) inBatchRead(ctx context.Context, owner int64, fn func(ctx context.Context, tx *sqlx.Tx) error, read func(ctx context.Context, tx *sqlx.Tx, r *batchReads) error) error {
	job := &batchJob{ctx: ctx, fn: fn, read: read, done: make(chan error, 1)}
	b := db.batcherFor(owner)
	b.mu.Lock()
	b.queue = append(b.queue, job)
	b.mu.Unlock()
	cancelled := ctx.Done()
	for {
		select { // a leader that has run its own write returns rather than lead again
		case err := <-job.done:
			return err
		default:
		}
		select {
		case err := <-job.done:
			return err
		case b.leader <- struct{}{}:
			b.lead(db)
		case <-cancelled:
			if b.withdraw(job) {
				return ctx.Err()
			}
			cancelled = nil // a leader has it already: its outcome follows
		}
	}
}

// batcherFor is the batcher of owner's writes.
func (db *DB) batcherFor(owner int64) *batcher {
	return db.batchers[uint64(owner)%uint64(len(db.batchers))]
}

// withdraw takes the job out of the queue, and reports false when a leader has taken it already.
func (b *batcher) withdraw(job *batchJob) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, j := range b.queue {
		if j == job {
			b.queue = slices.Delete(b.queue, i, i+1)
			return true
		}
	}
	return false
}

// lead runs the queued writes, at most maxBatch of them, and hands each its outcome.
func (b *batcher) lead(db *DB) {
	defer func() { <-b.leader }()
	b.mu.Lock()
	n := min(len(b.queue), maxBatch)
	jobs := b.queue[:n:n]
	b.queue = append([]*batchJob(nil), b.queue[n:]...) // a new array, which does not keep jobs alive
	b.mu.Unlock()
	defer func() {
		// A panicking write must not leave the others of its batch waiting for ever.
		if r := recover(); r != nil {
			for _, j := range jobs {
				select {
				case j.done <- fmt.Errorf("write batch: a write panicked: %v", r):
				default: // answered already
				}
			}
			panic(r)
		}
	}()

	live := jobs[:0:0]
	for _, j := range jobs {
		if err := j.ctx.Err(); err != nil {
			j.done <- err
			continue
		}
		live = append(live, j)
	}
	if len(live) == 1 {
		live[0].done <- live[0].run(db)
		return
	}
	if len(live) == 0 {
		return
	}
	err := db.inTx(context.WithoutCancel(live[0].ctx), func(tx *sqlx.Tx) error {
		for _, j := range live {
			if err := j.fn(context.WithoutCancel(j.ctx), tx); err != nil {
				return err
			}
		}
		var reads batchReads
		for _, j := range live {
			if err := j.readIn(tx, &reads); err != nil {
				return err
			}
		}
		return nil
	})
	for _, j := range live {
		switch {
		case errors.Is(err, ErrBusy):
			// Another process held the database past the wait: nothing of the batch ran, and
			// running each write on its own would make each wait as long again.
			j.done <- err
		case err != nil:
			// Some write failed, or the commit did: each runs again on its own, so that each
			// gets its own outcome.
			j.done <- j.run(db)
		default:
			j.done <- nil
		}
	}
}

// run runs the job in a transaction of its own.
func (j *batchJob) run(db *DB) error {
	if err := j.ctx.Err(); err != nil {
		return err
	}
	ctx := context.WithoutCancel(j.ctx)
	return db.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := j.fn(ctx, tx); err != nil {
			return err
		}
		return j.readIn(tx, &batchReads{})
	})
}

// readIn runs the job's read, if it has one, in tx with the batch's reads.
func (j *batchJob) readIn(tx *sqlx.Tx, reads *batchReads) error {
	if j.read == nil {
		return nil
	}
	return j.read(context.WithoutCancel(j.ctx), tx, reads)
}
