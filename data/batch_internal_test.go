package data

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
)

// batchTestDB opens a store with a table of notes for the batch tests to write.
func batchTestDB(t *testing.T) *DB {
	t.Helper()
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.write.Exec(`CREATE TABLE notes (n INTEGER PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	return db
}

// queueBatch starts one inBatch per fn while holding the leader's place, waits until every one
// of them is queued, and then lets them run: they run as one batch. It returns each outcome, in
// the order of fns, and recovers a panic into an error.
func queueBatch(t *testing.T, db *DB, owner int64, fns []func(context.Context, *sqlx.Tx) error) []error {
	t.Helper()
	writes := make([]func() error, len(fns))
	for i, fn := range fns {
		writes[i] = func() error { return db.inBatch(t.Context(), owner, fn) }
	}
	return queueWrites(t, db, owner, writes)
}

// queueWrites is queueBatch for writes of the store's (each one call that writes through
// inBatch of owner's, as BookStore.Create does).
func queueWrites(t *testing.T, db *DB, owner int64, writes []func() error) []error {
	t.Helper()
	b := db.batcherFor(owner)
	b.leader <- struct{}{}
	errs := make([]error, len(writes))
	var wg sync.WaitGroup
	for i, write := range writes {
		wg.Go(func() {
			defer func() {
				if r := recover(); r != nil {
					errs[i] = fmt.Errorf("panic: %v", r)
				}
			}()
			errs[i] = write()
		})
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		b.mu.Lock()
		queued := len(b.queue)
		b.mu.Unlock()
		if queued == len(writes) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d writes queued after 10 s", queued, len(writes))
		}
		time.Sleep(time.Millisecond)
	}
	<-b.leader
	wg.Wait()
	return errs
}

// notes reads the numbers written to the notes table.
func notes(t *testing.T, db *DB) map[int]bool {
	t.Helper()
	var ns []int
	if err := db.write.Select(&ns, `SELECT n FROM notes`); err != nil {
		t.Fatal(err)
	}
	got := map[int]bool{}
	for _, n := range ns {
		got[n] = true
	}
	return got
}

func TestInBatch(t *testing.T) {
	const k = 5
	insert := func(n int, txs []*sqlx.Tx) func(context.Context, *sqlx.Tx) error {
		return func(ctx context.Context, tx *sqlx.Tx) error {
			txs[n] = tx
			_, err := tx.ExecContext(ctx, `INSERT INTO notes (n) VALUES (?)`, n)
			return err
		}
	}

	t.Run("OK", func(t *testing.T) {
		db := batchTestDB(t)
		txs := make([]*sqlx.Tx, k)
		fns := make([]func(context.Context, *sqlx.Tx) error, k)
		for i := range fns {
			fns[i] = insert(i, txs)
		}
		for i, err := range queueBatch(t, db, 1, fns) {
			if err != nil {
				t.Errorf("write %d: %v", i, err)
			}
		}
		for i := range txs {
			if txs[i] != txs[0] {
				t.Errorf("write %d ran in a transaction of its own, want one shared by all %d", i, k)
			}
		}
		if got := notes(t, db); len(got) != k {
			t.Errorf("notes = %v, want 0..%d", got, k-1)
		}
	})

	t.Run("OneFails", func(t *testing.T) {
		db := batchTestDB(t)
		txs := make([]*sqlx.Tx, k)
		fns := make([]func(context.Context, *sqlx.Tx) error, k)
		errBad := errors.New("bad write")
		for i := range fns {
			fns[i] = insert(i, txs)
		}
		fns[2] = func(ctx context.Context, tx *sqlx.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO notes (n) VALUES (2)`); err != nil {
				return err
			}
			return errBad
		}
		errs := queueBatch(t, db, 1, fns)
		for i, err := range errs {
			if i == 2 {
				if !errors.Is(err, errBad) {
					t.Errorf("write 2: %v, want %v", err, errBad)
				}
			} else if err != nil {
				t.Errorf("write %d: %v, want nil: one failing write fails no other", i, err)
			}
		}
		want := map[int]bool{0: true, 1: true, 3: true, 4: true}
		if got := notes(t, db); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("notes = %v, want %v (nothing of the failed write)", got, want)
		}
	})

	t.Run("CancelledWhileQueued", func(t *testing.T) {
		// A write waiting behind a busy writer gives up when its request does, and is not run.
		db := batchTestDB(t)
		b := db.batcherFor(1)
		b.leader <- struct{}{}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		txs := make([]*sqlx.Tx, 1)
		go func() { done <- db.inBatch(ctx, 1, insert(0, txs)) }()
		for queued := 0; queued == 0; {
			b.mu.Lock()
			queued = len(b.queue)
			b.mu.Unlock()
			time.Sleep(time.Millisecond)
		}
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("inBatch = %v, want %v", err, context.Canceled)
		}
		<-b.leader
		if len(b.queue) != 0 {
			t.Errorf("%d writes left in the queue, want 0", len(b.queue))
		}
		if got := notes(t, db); len(got) != 0 {
			t.Errorf("notes = %v, want none", got)
		}
	})

	t.Run("Panic", func(t *testing.T) {
		db := batchTestDB(t)
		txs := make([]*sqlx.Tx, k)
		fns := make([]func(context.Context, *sqlx.Tx) error, k)
		for i := range fns {
			fns[i] = insert(i, txs)
		}
		fns[3] = func(context.Context, *sqlx.Tx) error { panic("boom") }
		for i, err := range queueBatch(t, db, 1, fns) {
			if err == nil {
				t.Errorf("write %d: nil, want an error: its batch panicked", i)
			}
		}
		if got := notes(t, db); len(got) != 0 {
			t.Errorf("notes = %v, want none: the batch was rolled back", got)
		}
		// The writer is free again.
		if err := db.inBatch(t.Context(), 1, insert(0, txs)); err != nil {
			t.Fatalf("write after the panic: %v", err)
		}
	})
}

// TestCreateWithTabsInABatch checks that books of one reader's added together answer with the
// tabs their shared transaction leaves, every book of the batch counted (read once for the
// batch, not once a book as each book's own count), on each engine; and that a write failing
// in the batch leaves the others' tabs right when they run again on their own.
func TestCreateWithTabsInABatch(t *testing.T) {
	ctx := t.Context()
	db := OpenTest(t)
	u := AddTestReader(t, db, "ada")
	shelf, err := db.Shelves().Create(ctx, u.ID, "Owned")
	if err != nil {
		t.Fatal(err)
	}
	books := db.Books()
	const k = 5
	tabs := make([]LibraryTabs, k)
	writes := make([]func() error, k)
	for i := range writes {
		writes[i] = func() error {
			var err error
			_, tabs[i], err = books.CreateWithTabs(ctx, u.ID, BookInput{Title: fmt.Sprint("Book ", i), Author: "Ursula K. Le Guin"}, Catalogued{})
			return err
		}
	}
	for i, err := range queueWrites(t, db, u.ID, writes) {
		if err != nil {
			t.Fatalf("add %d: %v", i, err)
		}
	}
	want := map[Status]int{StatusWant: k, StatusReading: 0, StatusRead: 0, StatusDNF: 0}
	for i, got := range tabs {
		if !maps.Equal(got.Counts, want) || len(got.Shelves) != 1 || got.Shelves[0].ID != shelf.ID {
			t.Errorf("add %d: tabs %+v, want counts %v and the shelf %d", i, got, want, shelf.ID)
		}
	}
	if &tabs[0].Shelves[0] == &tabs[1].Shelves[0] {
		t.Error("two adds share the shelves of their tabs, want a copy each")
	}

	// A write that fails in the batch: the others run again alone, each with its tabs.
	writes = append(writes[:2], func() error {
		return db.inBatch(ctx, u.ID, func(context.Context, *sqlx.Tx) error { return errors.New("bad write") })
	})
	errs := queueWrites(t, db, u.ID, writes)
	if errs[0] != nil || errs[1] != nil || errs[2] == nil {
		t.Fatalf("outcomes %v, want the adds' nil and the bad write's error", errs)
	}
	counts := []int{tabs[0].Counts[StatusWant], tabs[1].Counts[StatusWant]}
	slices.Sort(counts)
	if counts[0] != k+1 || counts[1] != k+2 {
		t.Errorf("want counts of the adds run again alone %v, want [%d %d]", counts, k+1, k+2)
	}
}

// TestBatchOnALockedDatabase checks that writes batched together while another process holds the
// database all fail with ErrBusy after one wait: each running again on its own, as after a write
// that failed, would make each wait lockWait again.
func TestBatchOnALockedDatabase(t *testing.T) {
	db := batchTestDB(t)
	var seq int
	var name, path string
	if err := db.write.QueryRowContext(t.Context(), `PRAGMA database_list`).Scan(&seq, &name, &path); err != nil {
		t.Fatal(err)
	}
	holdWriteLock(t, path)
	var fns []func(context.Context, *sqlx.Tx) error
	for n := range 3 {
		fns = append(fns, func(ctx context.Context, tx *sqlx.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO notes (n) VALUES (?)`, n)
			return err
		})
	}
	began := time.Now()
	errs := queueBatch(t, db, 1, fns)
	waited := time.Since(began)
	for i, err := range errs {
		if !errors.Is(err, ErrBusy) {
			t.Errorf("write %d = %v, want ErrBusy", i, err)
		}
	}
	// One wait of lockWait, loosely: each write waiting again would take four.
	if waited > 2*lockWait {
		t.Errorf("the batch waited %v, want about %v", waited, lockWait)
	}
}

// TestInBatchByOwnerOnPostgres checks PostgreSQL's batching: one reader's writes made at the same
// time share a transaction (they would wait for each other's commit on their counts anyway),
// while another reader's write, whose batcher is another, does not wait for them.
func TestInBatchByOwnerOnPostgres(t *testing.T) {
	if !OnPostgres() {
		t.Skip("BOOKCASE_TEST_POSTGRES is not set: PostgreSQL's batching is tested on PostgreSQL")
	}
	db := OpenTest(t)
	if _, err := db.write.Exec(`CREATE TABLE notes (n BIGINT PRIMARY KEY, txid BIGINT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	const ada, bob = 1, 2
	if db.batcherFor(ada) == db.batcherFor(bob) {
		t.Fatalf("readers %d and %d share a batcher", ada, bob)
	}
	insert := func(n int) func(context.Context, *sqlx.Tx) error {
		return func(ctx context.Context, tx *sqlx.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO notes (n, txid) VALUES (?, txid_current())`, n)
			return err
		}
	}

	// While ada's batcher is busy, bob's write runs and commits.
	b := db.batcherFor(ada)
	b.leader <- struct{}{}
	err := db.inBatch(t.Context(), bob, insert(100))
	<-b.leader
	if err != nil {
		t.Fatalf("bob's write while ada's batcher is busy: %v", err)
	}

	const k = 5
	fns := make([]func(context.Context, *sqlx.Tx) error, k)
	for i := range fns {
		fns[i] = insert(i)
	}
	for i, err := range queueBatch(t, db, ada, fns) {
		if err != nil {
			t.Errorf("ada's write %d: %v", i, err)
		}
	}
	var txids []int64
	if err := db.write.Select(&txids, `SELECT DISTINCT txid FROM notes WHERE n < 100`); err != nil {
		t.Fatal(err)
	}
	if len(txids) != 1 {
		t.Errorf("ada's %d writes made together ran in %d transactions, want 1", k, len(txids))
	}
}

// TestReaderWritesShareATransactionOnPostgres checks that the store's writes that wait on a
// reader's rows (adding and editing books) go through the reader's batcher on PostgreSQL: made at
// the same moment, they are written by one transaction (the rows' xmin).
func TestReaderWritesShareATransactionOnPostgres(t *testing.T) {
	if !OnPostgres() {
		t.Skip("BOOKCASE_TEST_POSTGRES is not set: PostgreSQL's batching is tested on PostgreSQL")
	}
	ctx := t.Context()
	db := OpenTest(t)
	u := AddTestReader(t, db, "ada")
	books := db.Books()
	var edited []int64
	for _, title := range []string{"Mort", "Sourcery"} {
		b, err := books.Create(ctx, u.ID, BookInput{Title: title, Author: "Terry Pratchett", Genre: "Fantasy"})
		if err != nil {
			t.Fatal(err)
		}
		edited = append(edited, b.ID)
	}

	b := db.batcherFor(u.ID)
	b.leader <- struct{}{}
	ids := make(chan int64, 4)
	errs := make(chan error, 4)
	for i, id := range edited {
		go func() {
			_, err := books.Update(ctx, u.ID, id, BookInput{Title: "Edited", Author: "Terry Pratchett", Genre: "Humour"})
			ids <- id
			errs <- err
		}()
		go func() {
			made, err := books.Create(ctx, u.ID, BookInput{Title: fmt.Sprint("New ", i), Author: "Neil Gaiman", Genre: "Fantasy"})
			ids <- made.ID
			errs <- err
		}()
	}
	deadline := time.Now().Add(10 * time.Second)
	for queued := 0; queued < 4; {
		b.mu.Lock()
		queued = len(b.queue)
		b.mu.Unlock()
		if time.Now().After(deadline) {
			<-b.leader
			t.Fatalf("%d of the 4 writes queued for the reader's batcher after 10 s", queued)
		}
		time.Sleep(time.Millisecond)
	}
	<-b.leader
	var written []int64
	for range 4 {
		written = append(written, <-ids)
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	var xmins []string
	query, args, err := sqlx.In(`SELECT DISTINCT xmin::text FROM books WHERE id IN (?)`, written)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.write.SelectContext(ctx, &xmins, db.write.Rebind(query), args...); err != nil {
		t.Fatal(err)
	}
	if len(xmins) != 1 {
		t.Errorf("2 edits and 2 new books made at once were written by %d transactions (xmin %v), want 1", len(xmins), xmins)
	}
	for _, id := range edited {
		if got, err := books.Get(ctx, u.ID, id); err != nil || got.Title != "Edited" || got.Genre != "Humour" {
			t.Errorf("book %d after its edit: %q, %q, %v; want Edited, Humour", id, got.Title, got.Genre, err)
		}
	}
}
