package data_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/bookcase/bookcase/data"
)

// TestUnaccentMissing opens a PostgreSQL database that lacks the extension unaccent, as a user who
// may not create it: Open refuses with a message that says what to run, instead of the search
// migration's failure.
func TestUnaccentMissing(t *testing.T) {
	if !data.OnPostgres() {
		t.Skip("BOOKCASE_TEST_POSTGRES is not set: this is about PostgreSQL alone")
	}
	admin := os.Getenv("BOOKCASE_TEST_POSTGRES")
	server, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { server.Close() })
	suffix := fmt.Sprintf("%x", rand.Uint64())
	dbName, role := "bookcase_unaccent_"+suffix, "bookcase_reader_"+suffix
	for _, q := range []string{
		`CREATE ROLE ` + role + ` LOGIN`,
		`CREATE DATABASE ` + dbName, // the extension is in no database until made in it
		`GRANT CONNECT ON DATABASE ` + dbName + ` TO ` + role,
	} {
		if _, err := server.ExecContext(t.Context(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	t.Cleanup(func() {
		for _, q := range []string{`DROP DATABASE ` + dbName + ` WITH (FORCE)`, `DROP ROLE ` + role} {
			if _, err := server.ExecContext(context.Background(), q); err != nil {
				t.Errorf("%s: %v", q, err)
			}
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.User, u.Path = url.User(role), "/"+dbName
	db, err := data.Open(t.Context(), u.String())
	if err == nil {
		db.Close()
		t.Fatal("Open succeeded without unaccent")
	}
	for _, want := range []string{"unaccent", "CREATE EXTENSION unaccent", "superuser"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Open: %v; want a message that says %q", err, want)
		}
	}
}
