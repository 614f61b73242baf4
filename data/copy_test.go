package data_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/bookcase/bookcase/data"
)

// fillEveryTable gives the database at dsn two readers with everything a reader can have: books
// (with editions, contributors, series, readings, progress, shelves, a cover), an import under
// review, a goal, a shared review, a session, plus the server's catalogue answers, CSRF tokens
// and failed logins. It returns the readers.
func fillEveryTable(t *testing.T, dsn string) []data.User {
	t.Helper()
	ctx := t.Context()
	db, err := data.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var readers []data.User
	for i, name := range []string{"ada", "bob"} {
		u := addReader(t, db, name)
		readers = append(readers, u)
		if err := db.Books().Seed(ctx, u.ID, 40, uint64(i+1)); err != nil {
			t.Fatalf("Seed: %v", err)
		}
		page, err := db.Books().List(ctx, u.ID, 0, 2)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Covers().Set(ctx, u.ID, page.Books[0].ID, []byte("small "+name), []byte("large "+name)); err != nil {
			t.Fatalf("cover: %v", err)
		}
		if _, err := db.Books().Delete(ctx, u.ID, page.Books[1].ID); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if _, err := db.Sessions(time.Hour, time.Hour).Create(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Imports().Create(ctx, u.ID, file(pending(data.ImportRow{Title: "Dune", Author: "Frank Herbert"}, data.ImportRow{Title: "Emma"}))); err != nil {
			t.Fatalf("import: %v", err)
		}
		year := time.Now().Year()
		if _, err := db.Reading().SetGoal(ctx, u.ID, data.Goal{Year: year, Unit: data.GoalBooks, Target: 12}); err != nil {
			t.Fatalf("goal: %v", err)
		}
		if _, err := db.Reading().ShareReview(ctx, u.ID, year, true); err != nil {
			t.Fatalf("share: %v", err)
		}
		if err := db.LoginFailures().Add(ctx, name, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.CSRFTokens().SigningKey(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.CSRFTokens().Save(ctx, data.NewToken(), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	isbn, err := data.ParseISBN("9780441013593")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Catalogue().Put(ctx, true, data.CatalogueRecord{ISBN: isbn, Title: "Dune", Source: "Open Library"}, []byte("s"), []byte("l"), time.Hour); err != nil {
		t.Fatalf("catalogue: %v", err)
	}
	return readers
}

// dumpTables reads every row of the tables of the database at dsn, each row as text (times to
// the microsecond, which is all PostgreSQL keeps), sorted, by table.
func dumpTables(t *testing.T, dsn string, tables []data.CopiedTable) map[string][]string {
	t.Helper()
	driver, source := "sqlite3", "file:"+url.PathEscape(dsn)+"?mode=ro"
	if data.IsPostgres(dsn) {
		driver, source = "pgx", dsn
	}
	db, err := sqlx.Open(driver, source)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	dump := map[string][]string{}
	for _, table := range tables {
		rows, err := db.Queryx(`SELECT * FROM "` + table.Name + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			values, err := rows.SliceScan()
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for i, v := range values {
				switch x := v.(type) {
				case time.Time:
					v = x.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano)
				case []byte:
					v = fmt.Sprintf("%x", sha256.Sum256(x))
				}
				fmt.Fprintf(&b, "%s=%v; ", cols[i], v)
			}
			dump[table.Name] = append(dump[table.Name], b.String())
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		slices.Sort(dump[table.Name])
	}
	return dump
}

// searchFinds reports whether reader's search for words finds the book id in the database at dsn.
func searchFinds(t *testing.T, dsn string, reader int64, words string, id int64) bool {
	t.Helper()
	db, err := data.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	page, err := db.Books().Find(t.Context(), reader, data.BookQuery{Search: words, Limit: 100})
	if err != nil {
		t.Fatalf("Find %q: %v", words, err)
	}
	return slices.ContainsFunc(page.Books, func(b data.Book) bool { return b.ID == id })
}

// TestCopy copies a SQLite library with two readers and a row in every table into PostgreSQL and
// from there into a new SQLite file: every table arrives whole (its rows compared, not counted),
// with its ids, search finds a reader's books (and not another's) on each, new rows get new ids
// on PostgreSQL, and a destination that is not empty is refused, untouched.
func TestCopy(t *testing.T) {
	if !data.OnPostgres() {
		t.Skip("BOOKCASE_TEST_POSTGRES is not set: no PostgreSQL to copy to and from")
	}
	ctx := t.Context()
	dir := t.TempDir()
	lite, back, pg := filepath.Join(dir, "lite.db"), filepath.Join(dir, "back.db"), data.NewTestDSN(t)
	readers := fillEveryTable(t, lite)
	ada, bob := readers[0], readers[1]

	before, err := os.ReadFile(lite)
	if err != nil {
		t.Fatal(err)
	}
	toPG, err := data.Copy(ctx, lite, pg)
	if err != nil {
		t.Fatalf("Copy to PostgreSQL: %v", err)
	}
	if after, err := os.ReadFile(lite); err != nil || !slices.Equal(before, after) {
		t.Errorf("the source file changed (%v)", err)
	}
	for _, table := range toPG.Tables {
		if table.Rows == 0 {
			t.Errorf("table %s has no rows in the source: fillEveryTable should make some, or the copy of its rows is not tested", table.Name)
		}
	}
	if len(toPG.Tables) < 20 || toPG.Indexed == 0 {
		t.Fatalf("copied %d tables, indexed %d books: too few", len(toPG.Tables), toPG.Indexed)
	}
	// The copy leaves its tables vacuumed and analyzed, not for autovacuum to find when readers
	// come back (the schema's own tables: the shared test database holds other tests' too).
	if pgdb, err := sqlx.Open("pgx", pg); err != nil {
		t.Fatal(err)
	} else {
		var unvacuumed []string
		err := pgdb.Select(&unvacuumed, `SELECT relname FROM pg_stat_user_tables
			WHERE schemaname = current_schema() AND (last_vacuum IS NULL OR last_analyze IS NULL) ORDER BY relname`)
		pgdb.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(unvacuumed) > 0 {
			t.Errorf("tables left unvacuumed or unanalyzed by the copy: %v", unvacuumed)
		}
	}
	fromPG, err := data.Copy(ctx, pg, back)
	if err != nil {
		t.Fatalf("Copy back to SQLite: %v", err)
	}
	if !slices.Equal(fromPG.Tables, toPG.Tables) || fromPG.Indexed != toPG.Indexed {
		t.Errorf("copied back %v, %d indexed; want %v, %d", fromPG.Tables, fromPG.Indexed, toPG.Tables, toPG.Indexed)
	}
	want, onPG, got := dumpTables(t, lite, toPG.Tables), dumpTables(t, pg, toPG.Tables), dumpTables(t, back, toPG.Tables)
	for _, table := range toPG.Tables {
		if !slices.Equal(got[table.Name], want[table.Name]) {
			t.Errorf("table %s after SQLite → PostgreSQL → SQLite:\n got %q\nwant %q", table.Name, got[table.Name], want[table.Name])
		}
		if len(onPG[table.Name]) != len(want[table.Name]) {
			t.Errorf("table %s has %d rows on PostgreSQL, want %d", table.Name, len(onPG[table.Name]), len(want[table.Name]))
		}
	}

	// Search, and the readers' separation, on each copy.
	db, err := data.Open(ctx, lite)
	if err != nil {
		t.Fatal(err)
	}
	page, err := db.Books().List(ctx, ada.ID, 0, 1)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	book := page.Books[0]
	word := strings.Fields(book.Title)[0]
	for _, dsn := range []string{pg, back} {
		if !searchFinds(t, dsn, ada.ID, word, book.ID) {
			t.Errorf("%s: ada's search for %q does not find %q", data.Redact(dsn), word, book.Title)
		}
		if searchFinds(t, dsn, bob.ID, word, book.ID) {
			t.Errorf("%s: bob's search for %q finds ada's %q", data.Redact(dsn), word, book.Title)
		}
	}

	// A new book on PostgreSQL gets an id past the copied ones.
	dst, err := data.Open(ctx, pg)
	if err != nil {
		t.Fatal(err)
	}
	made, err := dst.Books().Create(ctx, ada.ID, data.BookInput{Title: "Written after the copy", Author: "Anyone"})
	dst.Close()
	if err != nil {
		t.Fatalf("Create on PostgreSQL after the copy: %v", err)
	}
	if made.ID <= book.ID {
		t.Errorf("new book's id %d, want past the copied %d", made.ID, book.ID)
	}

	t.Run("ErrNotEmpty", func(t *testing.T) {
		for _, to := range []string{pg, back} {
			before := dumpTables(t, to, toPG.Tables)
			if _, err := data.Copy(ctx, lite, to); !errors.Is(err, data.ErrNotEmpty) {
				t.Errorf("Copy into %s = %v, want ErrNotEmpty", data.Redact(to), err)
			}
			after := dumpTables(t, to, toPG.Tables)
			for _, table := range toPG.Tables {
				if !slices.Equal(before[table.Name], after[table.Name]) {
					t.Errorf("the refused copy changed %s in %s", table.Name, data.Redact(to))
				}
			}
		}
	})
}

// TestCopySQLiteToSQLite copies a library into a new SQLite file (what the command does between
// the engines, on one engine): every table whole, search on the copy, and the refusals, a source
// that is missing and a destination that exists, with the source unchanged.
func TestCopySQLiteToSQLite(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	from, to := filepath.Join(dir, "from.db"), filepath.Join(dir, "to.db")
	fillEveryTable(t, from)
	report, err := data.Copy(ctx, from, to)
	if err != nil {
		t.Fatalf("Copy: %v", err)
	}
	want, got := dumpTables(t, from, report.Tables), dumpTables(t, to, report.Tables)
	for _, table := range report.Tables {
		if table.Rows == 0 || !slices.Equal(got[table.Name], want[table.Name]) {
			t.Errorf("table %s (%d rows):\n got %q\nwant %q", table.Name, table.Rows, got[table.Name], want[table.Name])
		}
	}
	if _, err := data.Copy(ctx, from, to); !errors.Is(err, data.ErrNotEmpty) {
		t.Errorf("Copy into an existing file = %v, want ErrNotEmpty", err)
	}
	if _, err := data.Copy(ctx, filepath.Join(dir, "missing.db"), filepath.Join(dir, "new.db")); err == nil {
		t.Error("Copy of a missing file succeeded")
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the missing source was made: %v", err)
	}
}
