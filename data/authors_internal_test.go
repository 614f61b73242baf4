package data

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestAuthorPagePlan checks how SQLite reads an author's page: the author's contributions in
// title order (book_contributors_titles) to their books by id, never walking the library's books
// by title or scanning them, and sorting the page's fifty books alone, for the first page and one
// after a cursor.
func TestAuthorPagePlan(t *testing.T) {
	db := openSQLite(t)
	for name, q := range map[string]struct {
		query string
		args  []any
	}{
		"first page": {authorPageQuery(""), []any{1, 1, 1, 51}},
		"later page": {authorPageQuery(authorPagePast), []any{1, 1, 1, "m", 5, 51}},
	} {
		joined := QueryPlan(t, db.write, q.query, q.args...)
		if !strings.Contains(joined, "SEARCH bc USING COVERING INDEX book_contributors_titles (author_id=?") ||
			!strings.Contains(joined, "SEARCH b USING INTEGER PRIMARY KEY") ||
			strings.Contains(joined, "books_sort_title") || strings.Contains(joined, "SCAN b ") ||
			strings.Count(joined, "TEMP B-TREE") > 1 {
			t.Errorf("plan of the author page's %s: %s; want the author's contributions in title order, then their books by id, and only the page sorted", name, joined)
		}
	}
}

// checkCounts compares every author's and series' kept counts (migration 00032) with their
// books counted anew: live books, a book an author has two roles in once, and those read.
func checkCounts(t *testing.T, db *DB, step string) {
	t.Helper()
	var wrong []string
	if err := db.write.SelectContext(t.Context(), &wrong, `
		SELECT 'author ' || a.name || ': ' || a.books || '/' || a.books_read || ', counted ' || COALESCE(c.books, 0) || '/' || COALESCE(c.books_read, 0)
		FROM authors a LEFT JOIN (
			SELECT bc.author_id, COUNT(DISTINCT b.id) AS books, COUNT(DISTINCT CASE WHEN b.status = 'read' THEN b.id END) AS books_read
			FROM book_contributors bc JOIN books b ON b.id = bc.book_id
			WHERE b.deleted_at IS NULL AND b.pending_import IS NULL GROUP BY bc.author_id
		) c ON c.author_id = a.id
		WHERE a.books <> COALESCE(c.books, 0) OR a.books_read <> COALESCE(c.books_read, 0)
		UNION ALL
		SELECT 'series ' || s.name || ': ' || s.books || '/' || s.books_read || ', counted ' || COALESCE(c.books, 0) || '/' || COALESCE(c.books_read, 0)
		FROM series s LEFT JOIN (
			SELECT bs.series_id, COUNT(*) AS books, SUM(CASE WHEN b.status = 'read' THEN 1 ELSE 0 END) AS books_read
			FROM book_series bs JOIN books b ON b.id = bs.book_id
			WHERE b.deleted_at IS NULL AND b.pending_import IS NULL GROUP BY bs.series_id
		) c ON c.series_id = s.id
		WHERE s.books <> COALESCE(c.books, 0) OR s.books_read <> COALESCE(c.books_read, 0)`); err != nil {
		t.Fatal(err)
	}
	var keys []string
	if err := db.write.SelectContext(t.Context(), &keys, `
		SELECT 'title key of book ' || b.title || ': ' || COALESCE(bc.title_key, 'NULL')
		FROM book_contributors bc JOIN books b ON b.id = bc.book_id
		WHERE bc.title_key IS NOT COALESCE(b.sort_title, lower(b.title))`); err != nil {
		t.Fatal(err)
	}
	for _, w := range append(wrong, keys...) {
		t.Errorf("after %s: %s", step, w)
	}
}

// TestAuthorSeriesCountsFollow changes books in every way that changes an author's or a series'
// counts, or a contribution's title key, and checks after each that what is kept is what is
// counted anew: seeded books, new books with two authors and one with an author in two roles, a
// status read and unread, a delete and its Undo, contributors set again, a new title (with a
// leading article), a merge, series joined and left, an import's books waiting and then in, a
// purge, and a live book deleted for good.
func TestAuthorSeriesCountsFollow(t *testing.T) {
	ctx := t.Context()
	db := openSQLite(t)
	ada := AddTestReader(t, db, "ada")
	bob := AddTestReader(t, db, "bob")
	must := func(step string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		checkCounts(t, db, step)
	}
	books, authors, series, reading := db.Books(), db.Authors(), db.Series(), db.Reading()
	must("seed", books.Seed(ctx, bob.ID, 300, 1))
	create := func(title, author string, status Status) Book {
		t.Helper()
		b, err := books.Create(ctx, ada.ID, BookInput{Title: title, Author: author, Status: status})
		must("create "+title, err)
		return b
	}
	good := create("Good Omens", "Terry Pratchett & Neil Gaiman", StatusRead)
	both := create("Drawn", "Ann Leckie, Ann Leckie (illustrator)", StatusRead)
	mort := create("Mort", "Terry Pratchett", StatusWant)
	_, err := series.AddBook(ctx, ada.ID, good.ID, SeriesRef{Name: "Omens", Position: "1"})
	must("add to series", err)
	sb, err := series.AddBook(ctx, ada.ID, mort.ID, SeriesRef{Name: "Discworld", Position: "4"})
	must("add to series", err)
	_, err = series.AddBook(ctx, ada.ID, both.ID, SeriesRef{Name: "Discworld", Position: "5"})
	must("add to series", err)
	_, err = reading.SetStatus(ctx, ada.ID, mort.ID, StatusRead, time.Now())
	must("read", err)
	_, err = reading.SetStatus(ctx, ada.ID, both.ID, StatusReading, time.Now())
	must("unread", err)
	_, err = books.Delete(ctx, ada.ID, good.ID)
	must("delete", err)
	_, err = books.Restore(ctx, ada.ID, good.ID)
	must("undo", err)
	_, err = authors.SetContributors(ctx, ada.ID, mort.ID, []ContributorInput{{Name: "Neil Gaiman"}, {Name: "Terry Pratchett", Role: "editor"}, {Name: "Ann Leckie", Role: "narrator"}})
	must("set contributors", err)
	_, err = books.Update(ctx, ada.ID, both.ID, BookInput{Title: "Drawn", Author: "Ann Leckie (illustrator), N. K. Jemisin", Status: StatusRead})
	must("update", err)
	_, err = books.Update(ctx, ada.ID, mort.ID, BookInput{Title: "The Small Gods", Author: "Neil Gaiman, Terry Pratchett (editor), Ann Leckie (narrator)", Status: StatusRead})
	must("new title", err)
	leckie, err := authors.ByName(ctx, ada.ID, "Ann Leckie")
	must("by name", err)
	gaiman, err := authors.ByName(ctx, ada.ID, "Neil Gaiman")
	must("by name", err)
	_, err = authors.Merge(ctx, ada.ID, leckie.ID, gaiman.ID)
	must("merge", err)
	must("leave series", series.RemoveBook(ctx, ada.ID, mort.ID, sb.SeriesID))
	// An import's books wait out of the library, then come in together.
	_, err = db.write.ExecContext(ctx, `UPDATE books SET pending_import = 1 WHERE id IN (?, ?)`, good.ID, both.ID)
	must("import waiting", err)
	_, err = db.write.ExecContext(ctx, `UPDATE books SET pending_import = NULL WHERE id IN (?, ?)`, good.ID, both.ID)
	must("import in", err)
	_, err = books.Delete(ctx, ada.ID, both.ID)
	must("delete", err)
	_, err = books.PurgeDeleted(ctx, -time.Hour)
	must("purge", err)
	_, err = db.write.ExecContext(ctx, `DELETE FROM books WHERE id = ?`, good.ID)
	must("delete for good", err)
	_, err = db.write.ExecContext(ctx, `DELETE FROM books WHERE owner_id = ? AND id % 3 = 0`, bob.ID)
	must("delete for good", err)
}

// TestMigrateAuthorSeriesCounts opens a library made by the schema before migration 00032: its
// authors and series get their counts (a deleted book not counted, a book read counted read),
// and Down takes the counts, their index and their triggers away again.
func TestMigrateAuthorSeriesCounts(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := OpenAt(ctx, path, 31)
	if err != nil {
		t.Fatal(err)
	}
	u := AddTestReader(t, old, "ada")
	if err := old.Books().Seed(ctx, u.ID, 200, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := old.write.ExecContext(ctx, `UPDATE books SET deleted_at = created_at WHERE id % 7 = 0`); err != nil {
		t.Fatal(err)
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("migrate: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	var counted int
	if err := db.write.GetContext(ctx, &counted, `SELECT (SELECT SUM(books) FROM authors) + (SELECT SUM(books_read) FROM series)`); err != nil || counted == 0 {
		t.Fatalf("counts after the migration: %d, %v", counted, err)
	}
	checkCounts(t, db, "the migration")

	if err := MigrateDownTo(ctx, db, 31); err != nil {
		t.Fatalf("down: %v", err)
	}
	var n int
	if err := db.write.GetContext(ctx, &n, `
		SELECT (SELECT COUNT(*) FROM pragma_table_info('authors') WHERE name IN ('books', 'books_read'))
		     + (SELECT COUNT(*) FROM pragma_table_info('series') WHERE name IN ('books', 'books_read'))
		     + (SELECT COUNT(*) FROM sqlite_master WHERE name = 'authors_by_books' OR name LIKE '%count%' AND type = 'trigger' AND sql LIKE '%books_read%')`); err != nil || n != 0 {
		t.Errorf("after Down: %d columns, index and triggers of the counts left, %v", n, err)
	}
	// What adding a book wrote at version 31 still runs, no trigger left behind that needs the
	// counts (the store itself writes a newer schema's columns, such as title_key).
	var book, author int64
	err = db.write.GetContext(ctx, &book, `
		INSERT INTO books (owner_id, title, author, genre, status, created_at, updated_at)
		VALUES (?, 'After', 'Ann Leckie', '', 'want', ?, ?) RETURNING id`, u.ID, time.Now(), time.Now())
	if err == nil {
		err = db.write.GetContext(ctx, &author, `SELECT id FROM authors WHERE owner_id = ? LIMIT 1`, u.ID)
	}
	if err == nil {
		_, err = db.write.ExecContext(ctx, `INSERT INTO book_contributors (book_id, author_id, role, position) VALUES (?, ?, 'author', 0)`, book, author)
	}
	if err != nil {
		t.Errorf("a book after Down: %v", err)
	}
}

// TestAuthorsListPlan checks that a page of the list of authors walks the index of its order
// from the page's start, without sorting: by sort name (authors_sort) and by most books
// (authors_by_books), the first page and one after an author.
func TestAuthorsListPlan(t *testing.T) {
	db := openSQLite(t)
	const cols = `SELECT a.id, a.name, a.sort_name, a.books, a.books_read AS read FROM authors a WHERE a.owner_id = ?`
	for _, q := range []struct {
		query, index string
		args         []any
	}{
		{cols + ` AND +a.books > 0 ORDER BY a.sort_key, a.id LIMIT ?`, "authors_sort", []any{1, 101}},
		{cols + ` AND +a.books > 0 AND (a.sort_key, a.id) > (?, ?) ORDER BY a.sort_key, a.id LIMIT ?`, "authors_sort", []any{1, "m", 5, 101}},
		{cols + ` AND a.books > 0 ORDER BY a.books DESC, a.sort_key, a.id LIMIT ?`, "authors_by_books", []any{1, 101}},
		{cols + ` AND a.books > 0 AND a.books <= ? AND (a.books < ? OR (a.sort_key, a.id) > (?, ?)) ORDER BY a.books DESC, a.sort_key, a.id LIMIT ?`,
			"authors_by_books (owner_id=? AND books>? AND books<?)", []any{1, 4, 4, "m", 5, 101}},
	} {
		joined := QueryPlan(t, db.write, q.query, q.args...)
		if !strings.Contains(joined, q.index) || strings.Contains(joined, "TEMP B-TREE") {
			t.Errorf("plan of %s: %s; want the index %s, no sort", q.query, joined, q.index)
		}
	}
}

// TestCreateKeepsAuthorKeys checks that adding a book finds the authors the reader has already
// without writing the key they are found by again: rewriting it rewrote the author's entry in the
// authors' unique index on every new book (a page of log more for each). Nor are they written
// again at all: on SQLite they are looked up before the upsert, which updated their row (the
// writer's serial time on every book by a known author). Likewise its
// contributors are written once, with their title key (a trigger wrote it after the insert,
// rewriting the row and its index entry). It counts the rewrites with temporary triggers on the
// store's one write connection.
func TestCreateKeepsAuthorKeys(t *testing.T) {
	ctx := t.Context()
	db := openSQLite(t)
	u := AddTestReader(t, db, "reader")
	books := db.Books()
	if _, err := books.Create(ctx, u.ID, BookInput{Title: "Guards! Guards!", Author: "Terry Pratchett"}); err != nil {
		t.Fatal(err)
	}
	conn, err := db.write.Connx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`CREATE TEMP TABLE rewrites (what TEXT NOT NULL)`,
		`CREATE TEMP TRIGGER author_key_rewritten AFTER UPDATE OF name_key ON main.authors BEGIN
			INSERT INTO rewrites VALUES ('key of author ' || NEW.name);
		END`,
		`CREATE TEMP TRIGGER author_rewritten AFTER UPDATE OF name ON main.authors BEGIN
			INSERT INTO rewrites VALUES ('author ' || NEW.name);
		END`,
		`CREATE TEMP TRIGGER contributor_rewritten AFTER UPDATE ON main.book_contributors BEGIN
			INSERT INTO rewrites VALUES ('contributor ' || NEW.position || ' of book ' || NEW.book_id);
		END`,
	} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	conn.Close() // back to the pool: the store's next write runs on it
	// A known author (spelled otherwise) and a new one.
	for _, in := range []BookInput{
		{Title: "The Colour of Magic", Author: "Terry Pratchett, Neil Gaiman"},
		{Title: "Mort", Author: "terry pratchett"},
	} {
		if _, err := books.Create(ctx, u.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	// The temporary table is the write connection's own: reading it fails were it another.
	var got []string
	if err := db.write.SelectContext(ctx, &got, `SELECT what FROM temp.rewrites`); err != nil {
		t.Fatal(err)
	}
	if len(got) > 0 {
		t.Errorf("adding books rewrote %s; want each author found as stored, each contributor written once", strings.Join(got, ", "))
	}
	checkCounts(t, db, "after adding books") // the title keys too
}

// TestAuthorPageWalksTitlesOnPostgres checks PostgreSQL's plan for the page of an author with
// many books right after writes (the contributions' visibility map empty, as an UPDATE rolled
// back leaves it), planned for the values (a custom plan) and for any values (the generic plan a
// prepared statement gets after five runs): the author's contributions walked in title order
// (book_contributors_titles) until the page is full, never all of them collected and sorted.
// Sorting them, with the library's books scanned into a hash to join them, cost the page of an
// author of 661 books among 100,000 some 190 ms. Run ten times, the statement is planned for the
// values five times alone, then keeps its generic plan.
func TestAuthorPageWalksTitlesOnPostgres(t *testing.T) {
	if !OnPostgres() {
		t.Skip("PostgreSQL's plans: TestAuthorPagePlan checks SQLite's")
	}
	ctx := t.Context()
	db := OpenTest(t)
	u := AddTestReader(t, db, "ada")
	b, err := db.Books().Create(ctx, u.ID, BookInput{Title: "The Dispossessed", Author: "Ursula K. Le Guin"})
	if err != nil {
		t.Fatal(err)
	}
	var author int64
	if err := db.write.GetContext(ctx, &author, `SELECT author_id FROM book_contributors WHERE book_id = ?`, b.ID); err != nil {
		t.Fatal(err)
	}
	// 3,000 books of 300 other authors, and 600 more of hers, written as a seed writes them (the
	// triggers keep the counts).
	for _, stmt := range []string{
		`ALTER TABLE book_contributors SET (autovacuum_enabled = false)`,
		`INSERT INTO authors (owner_id, name, name_key, sort_name, sort_key, created_at)
			SELECT ` + strconv.FormatInt(u.ID, 10) + `, 'Author ' || n, 'author ' || n, 'Author ' || n, 'author ' || n, now()
			FROM generate_series(1, 300) AS n`,
		`INSERT INTO books (owner_id, title, author, created_at, updated_at)
			SELECT ` + strconv.FormatInt(u.ID, 10) + `, 'Book ' || n, 'Someone', now(), now() FROM generate_series(1, 3600) AS n`,
		`INSERT INTO book_contributors (book_id, author_id, position, title_key)
			SELECT b.id, CASE WHEN b.id % 6 = 0 THEN ` + strconv.FormatInt(author, 10) + ` ELSE (SELECT id FROM authors WHERE name = 'Author ' || (b.id % 300 + 1)) END, 0, lower(b.title)
			FROM books b WHERE b.title LIKE 'Book %'`,
		`VACUUM ANALYZE books, book_contributors`,
		// Every page of the contributions written again, then rolled back: the visibility map
		// is empty, and the table holds twice its rows, half of them dead.
		`BEGIN; UPDATE book_contributors SET position = position; ROLLBACK`,
	} {
		if _, err := db.write.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	for _, mode := range []string{"force_custom_plan", "force_generic_plan"} {
		for name, q := range map[string]struct {
			query, params string
		}{
			"first page": {authorPageQueryPostgres(""), fmt.Sprintf("%d, %d, %d, %d, %d", author, u.ID, author, u.ID, author)},
			"later page": {authorPageQueryPostgres(authorPagePast), fmt.Sprintf("%d, %d, 'book 5', 5, %d, %d, %d", author, u.ID, author, u.ID, author)},
		} {
			plan := postgresPlan(t, db, mode, q.query, q.params)
			if !strings.Contains(plan, "Index Only Scan using book_contributors_titles") || strings.Contains(plan, "Sort Key: bc.") {
				t.Errorf("%s of the author page's %s:\n%s\nwant the author's contributions walked in title order (book_contributors_titles), not sorted", mode, name, plan)
			}
		}
	}

	// Run as the store runs it, a prepared statement keeps its generic plan after its first five
	// runs, rather than planning again at every run.
	conn, err := db.read.Connx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PREPARE page AS `+rebind(authorPageQueryPostgres(""))); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, `DEALLOCATE page`)
	for range 10 {
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("EXECUTE page(%d, %d, %d, %d, %d)", author, u.ID, author, u.ID, author)); err != nil {
			t.Fatal(err)
		}
	}
	var generic, custom int
	if err := conn.QueryRowContext(ctx, `SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = 'page'`).Scan(&generic, &custom); err != nil {
		t.Fatal(err)
	}
	if custom > 5 {
		t.Errorf("the author page's statement, run 10 times: %d generic plans, %d custom; want a custom plan for the first five runs alone", generic, custom)
	}
}
