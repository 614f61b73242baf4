package data_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

// densityMigration is the migration that keeps each reader's density.
const densityMigration = 29

// TestMigrateDensity migrates a database made before densityMigration with a reader in it, who
// reads comfortable; Down takes the column away and keeps the reader.
func TestMigrateDensity(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := data.OpenAt(ctx, path, densityMigration-1)
	if err != nil {
		t.Fatalf("OpenAt(%d): %v", densityMigration-1, err)
	}
	oldSQL := oldWriter(t, old)
	ada := oldSQL(`INSERT INTO users (username, password_hash, created_at) VALUES ('ada', 'x', ?)`, t0)
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := data.Open(ctx, path)
	if err != nil {
		t.Fatalf("migrate: %v", err)
	}
	write, _ := db.Pools()
	var d string
	if err := write.GetContext(ctx, &d, `SELECT density FROM users WHERE id = ?`, ada); err != nil || d != "comfortable" {
		t.Errorf("density after the migration: %q, %v; want comfortable", d, err)
	}
	if _, err := write.ExecContext(ctx, `UPDATE users SET density = 'cosy' WHERE id = ?`, ada); err == nil {
		t.Error("the column took 'cosy'; want its CHECK to refuse it")
	}
	if err := data.MigrateDownTo(ctx, db, densityMigration-1); err != nil {
		t.Fatalf("down: %v", err)
	}
	var n int
	if err := write.GetContext(ctx, &n, `SELECT COUNT(*) FROM pragma_table_info('users') WHERE name = 'density'`); err != nil || n != 0 {
		t.Errorf("density column after Down: %d, %v", n, err)
	}
	if err := write.GetContext(ctx, &n, `SELECT COUNT(*) FROM users WHERE username = 'ada'`); err != nil || n != 1 {
		t.Errorf("readers after Down: %d, %v", n, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestSetDensity: a reader's density is comfortable until set, is read with every session of
// theirs, and is theirs alone.
func TestSetDensity(t *testing.T) {
	db := openDB(t)
	ctx := t.Context()
	users, sessions := db.Users(), db.Sessions(time.Hour, 24*time.Hour)
	ada, err := users.Create(ctx, "ada", "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	bob, err := users.Create(ctx, "bob", "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	density := func(u data.User) data.Density {
		t.Helper()
		s, err := sessions.Create(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := sessions.Get(ctx, s.Token)
		if err != nil {
			t.Fatal(err)
		}
		return got.Density
	}
	if got := density(ada); got != data.DensityComfortable {
		t.Errorf("a new reader's density = %q, want comfortable", got)
	}
	t.Run("OK", func(t *testing.T) {
		if err := users.SetDensity(ctx, ada.ID, data.DensityCompact); err != nil {
			t.Fatal(err)
		}
		if got := density(ada); got != data.DensityCompact {
			t.Errorf("density = %q, want compact", got)
		}
		if got := density(bob); got != data.DensityComfortable {
			t.Errorf("another reader's density = %q, want comfortable", got)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		if err := users.SetDensity(ctx, ada.ID, "cosy"); !errors.Is(err, data.ErrInvalid) {
			t.Errorf("err = %v, want ErrInvalid", err)
		}
		if got := density(ada); got != data.DensityCompact {
			t.Errorf("density after a refused one = %q, want compact", got)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if err := users.SetDensity(ctx, 999999, data.DensityCompact); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("err = %v, want ErrNotFound", err)
		}
	})
}
