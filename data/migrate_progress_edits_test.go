package data_test

import (
	"path/filepath"
	"testing"

	"github.com/bookcase/bookcase/data"
)

const progressEditsMigration = 38

// TestMigrateProgressEdits: migration 00038 adds the trigger by which a corrected progress update
// moves its book's progress columns (TestReadingStoreEditProgress checks what it does), and Down
// takes it away.
func TestMigrateProgressEdits(t *testing.T) {
	ctx := t.Context()
	db, err := data.Open(ctx, filepath.Join(t.TempDir(), "bookcase.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	write, _ := db.Pools()
	count := func() int {
		t.Helper()
		var n int
		if err := write.GetContext(ctx, &n, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'progress_updates_sort_keys_update'`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != 1 {
		t.Errorf("the trigger after Up: %d, want 1", n)
	}
	if err := data.MigrateDownTo(ctx, db, progressEditsMigration-1); err != nil {
		t.Fatalf("down: %v", err)
	}
	if n := count(); n != 0 {
		t.Errorf("the trigger after Down: %d, want none", n)
	}
}
