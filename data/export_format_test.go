package data

import (
	"context"
	"io/fs"

	"github.com/pressly/goose/v3"
)

// MigrateDownTo undoes the migrations of db past version, each by its Down: for the tests that
// a migration can be undone.
func MigrateDownTo(ctx context.Context, db *DB, version int64) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db.write.DB, sub)
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, version)
	return err
}
