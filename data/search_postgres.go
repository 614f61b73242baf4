package data

import (
	"context"
	"database/sql"
	"fmt"
)

// checkUnaccent makes sure a PostgreSQL database has the extension unaccent, which search needs
// to ignore accents (the search migration folds every book's words with it), making it when the
// database user may (it is a trusted extension: the database's owner may), and otherwise says
// what to install or run. It runs before the migrations, whose error would say less.
func checkUnaccent(ctx context.Context, db *sql.DB) error {
	var installed, available bool
	if err := db.QueryRowContext(ctx, `
		SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'unaccent'),
		       EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent')`).Scan(&installed, &available); err != nil {
		return fmt.Errorf("look for the PostgreSQL extension unaccent: %w", err)
	}
	if installed {
		return nil
	}
	if !available {
		return unaccentError(false, nil)
	}
	if _, err := db.ExecContext(ctx, `CREATE EXTENSION IF NOT EXISTS unaccent`); err != nil {
		return unaccentError(true, err)
	}
	return nil
}

// unaccentError says what to do when the extension unaccent is not in the database: install
// PostgreSQL's contrib package on the database server when the server does not have it
// (available false), or make it as a user who may when Bookcase's user may not (err).
func unaccentError(available bool, err error) error {
	if !available {
		return fmt.Errorf("bookcase's search needs the PostgreSQL extension unaccent, which this PostgreSQL server does not have: " +
			"install PostgreSQL's contrib package on the database server (Debian and Ubuntu: apt install postgresql-contrib; " +
			"Fedora and RHEL: dnf install postgresql-contrib), then start Bookcase again")
	}
	return fmt.Errorf("bookcase's search needs the PostgreSQL extension unaccent, and Bookcase's database user may not create it (%w): "+
		"connect to the database as a superuser or as its owner and run CREATE EXTENSION unaccent; then start Bookcase again", err)
}
