package data_test

import (
	"context"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

// openInstance opens the database at dsn as one more instance of the server would; it is closed
// when t ends unless the test closed it first.
func openInstance(t *testing.T, dsn string) *data.DB {
	t.Helper()
	db, err := data.Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestImportClaimedByOneInstance runs two instances on one PostgreSQL database: an import started
// on one is claimed by it, so the other can neither start nor run it, and the other's start-up
// and housekeeping leave it and the books it is writing alone; when its instance dies (its
// connections end, as with kill -9), the other rolls it back (failed, its half-written books
// deleted), and the reader's confirming it again runs it there.
func TestImportClaimedByOneInstance(t *testing.T) {
	if !data.OnPostgres() {
		t.Skip("one process serves a SQLite file: an import interrupted there is failed at its next start (FailInterrupted)")
	}
	ctx := t.Context()
	dsn := data.NewTestDSN(t)
	a, b := openInstance(t, dsn), openInstance(t, dsn)
	ada := addReader(t, a, "ada")
	im, err := a.Imports().Create(ctx, ada.ID, file(pending(data.ImportRow{Title: "Dune", Author: "Frank Herbert"})))
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if started, err := a.Imports().Start(ctx, ada.ID, im.ID, data.OnDuplicateSkip); err != nil || !started {
		t.Fatalf("Start on a = %v, %v; want true", started, err)
	}
	if started, err := b.Imports().Start(ctx, ada.ID, im.ID, data.OnDuplicateSkip); err != nil || started {
		t.Errorf("Start on b of an import a runs = %v, %v; want false", started, err)
	}
	if _, err := b.Imports().Run(ctx, ada.ID, im.ID, nil); err == nil {
		t.Errorf("Run on b of an import a runs succeeded")
	}
	// a has written a batch of the import's books, not yet in the library.
	write, _ := a.Pools()
	other, _ := b.Pools()
	if _, err := write.ExecContext(ctx, `
		INSERT INTO books (owner_id, title, author, created_at, updated_at, pending_import) VALUES (?, 'Half', 'Written', ?, ?, ?)`,
		ada.ID, t0, t0, im.ID); err != nil {
		t.Fatal(err)
	}
	pendingBooks := func() int {
		t.Helper()
		var n int
		if err := other.GetContext(ctx, &n, `SELECT COUNT(*) FROM books WHERE pending_import IS NOT NULL`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	state := func() data.ImportState {
		t.Helper()
		got, err := b.Imports().Get(ctx, ada.ID, im.ID)
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		return got.State
	}

	// b starts (FailInterrupted, DropPendingBooks) and does its housekeeping while a runs.
	if n, err := b.Imports().FailInterrupted(ctx); err != nil || n != 0 {
		t.Errorf("FailInterrupted on b = %d, %v; want 0", n, err)
	}
	if n, err := b.DropPendingBooks(ctx); err != nil || n != 0 {
		t.Errorf("DropPendingBooks on b = %d, %v; want 0", n, err)
	}
	if n, err := b.Imports().RollBackOrphans(ctx); err != nil || n != 0 {
		t.Errorf("RollBackOrphans on b = %d, %v; want 0", n, err)
	}
	if got := state(); got != data.ImportRunning {
		t.Errorf("state = %s, want running", got)
	}
	if n := pendingBooks(); n != 1 {
		t.Errorf("%d books of the running import left, want 1", n)
	}
	// b's pages show it running on a, with the book a has written, to its reader alone.
	if elsewhere, written, err := b.Imports().RunningElsewhere(ctx, ada.ID, im.ID); err != nil || !elsewhere || written != 1 {
		t.Errorf("RunningElsewhere on b = %v, %d, %v; want true, 1", elsewhere, written, err)
	}
	if elsewhere, written, err := b.Imports().RunningElsewhere(ctx, addReader(t, b, "bob").ID, im.ID); err != nil || written != 0 {
		t.Errorf("RunningElsewhere on b for another reader = %v, %d, %v; want none written", elsewhere, written, err)
	}

	// a dies.
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	// PostgreSQL frees a's claim when a's session has ended, a moment after its connection closed.
	for deadline := time.Now().Add(10 * time.Second); ; {
		elsewhere, _, err := b.Imports().RunningElsewhere(ctx, ada.ID, im.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !elsewhere {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("RunningElsewhere on b after a died = true for 10 s, want false")
		}
		time.Sleep(time.Millisecond) // polling PostgreSQL's locks, not waiting for time
	}
	if n, err := b.Imports().RollBackOrphans(ctx); err != nil || n != 1 {
		t.Errorf("RollBackOrphans on b after a died = %d, %v; want 1", n, err)
	}
	if got := state(); got != data.ImportFailed {
		t.Errorf("state = %s, want failed", got)
	}
	if n := pendingBooks(); n != 0 {
		t.Errorf("%d books of the interrupted import left, want none", n)
	}

	// The reader confirms it again; b runs it.
	if started, err := b.Imports().Start(ctx, ada.ID, im.ID, data.OnDuplicateSkip); err != nil || !started {
		t.Fatalf("Start on b = %v, %v; want true", started, err)
	}
	sum, err := b.Imports().Run(ctx, ada.ID, im.ID, nil)
	if err != nil || sum.Created != 1 {
		t.Fatalf("Run on b = %+v, %v; want one book created", sum, err)
	}
	if got := state(); got != data.ImportDone {
		t.Errorf("state = %s, want done", got)
	}
	if n := count(t, b.Books(), ada.ID); n != 1 {
		t.Errorf("the library holds %d books, want 1", n)
	}
}

// TestStartTakesOverOrphan: an import whose instance died (its books half written) is started again
// by its reader's confirming it on another instance, at once, without waiting for the rollback of
// orphans: the half-written books are deleted first, and the import runs whole.
func TestStartTakesOverOrphan(t *testing.T) {
	if !data.OnPostgres() {
		t.Skip("one process serves a SQLite file: an import interrupted there is failed at its next start (FailInterrupted)")
	}
	ctx := t.Context()
	dsn := data.NewTestDSN(t)
	a, b := openInstance(t, dsn), openInstance(t, dsn)
	ada := addReader(t, a, "ada")
	im, err := a.Imports().Create(ctx, ada.ID, file(pending(data.ImportRow{Title: "Dune", Author: "Frank Herbert"})))
	if err != nil {
		t.Fatal(err)
	}
	if started, err := a.Imports().Start(ctx, ada.ID, im.ID, data.OnDuplicateSkip); err != nil || !started {
		t.Fatalf("Start on a = %v, %v; want true", started, err)
	}
	write, _ := a.Pools()
	if _, err := write.ExecContext(ctx, `
		INSERT INTO books (owner_id, title, author, created_at, updated_at, pending_import) VALUES (?, 'Half', 'Written', ?, ?, ?)`,
		ada.ID, t0, t0, im.ID); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil { // a dies
		t.Fatal(err)
	}
	// PostgreSQL frees a's claim when a's session has ended, a moment after its connection closed.
	for deadline := time.Now().Add(10 * time.Second); ; {
		started, err := b.Imports().Start(ctx, ada.ID, im.ID, data.OnDuplicateSkip)
		if err != nil {
			t.Fatalf("Start on b: %v", err)
		}
		if started {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Start on b of the import of a dead instance started nothing for 10 s")
		}
		time.Sleep(time.Millisecond) // polling for a's end, not waiting for time
	}
	sum, err := b.Imports().Run(ctx, ada.ID, im.ID, nil)
	if err != nil || sum.Created != 1 {
		t.Fatalf("Run on b = %+v, %v; want one book created", sum, err)
	}
	page, err := b.Books().List(ctx, ada.ID, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Books) != 1 || page.Books[0].Title != "Dune" {
		t.Errorf("the library holds %+v, want Dune alone (the half-written book deleted)", page.Books)
	}
}

// TestExclusively: what two instances on one PostgreSQL database do exclusively (the hourly
// housekeeping) runs on one at a time: the other skips its turn meanwhile, and runs it once the
// first is done; another name is not held. On SQLite, one process serves the file and it always
// runs.
func TestExclusively(t *testing.T) {
	ctx := t.Context()
	dsn := data.NewTestDSN(t)
	a, b := openInstance(t, dsn), openInstance(t, dsn)
	nothing := func(context.Context) error { return nil }
	ran, err := a.Exclusively(ctx, "housekeeping", func(ctx context.Context) error {
		if ran, err := b.Exclusively(ctx, "housekeeping", nothing); err != nil || ran != !data.OnPostgres() {
			t.Errorf("b's housekeeping during a's ran = %v, %v; want %v", ran, err, !data.OnPostgres())
		}
		if ran, err := b.Exclusively(ctx, "other", nothing); err != nil || !ran {
			t.Errorf("b's other work during a's housekeeping ran = %v, %v; want true", ran, err)
		}
		return nil
	})
	if err != nil || !ran {
		t.Errorf("a's housekeeping ran = %v, %v; want true", ran, err)
	}
	if ran, err := b.Exclusively(ctx, "housekeeping", nothing); err != nil || !ran {
		t.Errorf("b's housekeeping after a's ran = %v, %v; want true", ran, err)
	}
}
