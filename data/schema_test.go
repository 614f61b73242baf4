package data

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// searchObject is the name of a search table, index, view or trigger: search on PostgreSQL is
// its own set of migrations (data/migrations/postgres/*search*.sql), compared by its own tests.
var searchObject = regexp.MustCompile(`fts|search`)

// TestSchemasMatch proves that PostgreSQL's migrations make the schema SQLite's make, as the
// application sees it: the same tables with the same columns (nullable or not, default or not,
// and which make the primary key), the same unique keys (partial ones too), foreign keys with
// their ON DELETE, and indexes, views and triggers of the same names. Types differ by design
// (see 00001_baseline.sql); CHECK constraints are proved by the store's tests on both engines.
func TestSchemasMatch(t *testing.T) {
	if !OnPostgres() {
		t.Skip("BOOKCASE_TEST_POSTGRES is not set: no PostgreSQL to compare SQLite's schema with")
	}
	ctx := t.Context()
	lite, err := Open(ctx, filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	pg := OpenTest(t)

	want, err := describeSQLite(ctx, lite)
	if err != nil {
		t.Fatal(err)
	}
	got, err := describePostgres(ctx, pg)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"columns", "primary keys", "unique keys", "foreign keys", "indexs", "views", "triggers"} {
		if len(want[kind]) == 0 || len(got[kind]) == 0 {
			t.Fatalf("found no %s (SQLite %d, PostgreSQL %d): the description is broken", kind, len(want[kind]), len(got[kind]))
		}
		t.Logf("%s: SQLite %d, PostgreSQL %d", kind, len(want[kind]), len(got[kind]))
	}
	for _, kind := range slices.Sorted(maps.Keys(want)) {
		if missing := setDiff(want[kind], got[kind]); len(missing) > 0 {
			t.Errorf("%s on SQLite, not on PostgreSQL:\n  %s", kind, strings.Join(missing, "\n  "))
		}
		if extra := setDiff(got[kind], want[kind]); len(extra) > 0 {
			t.Errorf("%s on PostgreSQL, not on SQLite:\n  %s", kind, strings.Join(extra, "\n  "))
		}
	}
}

// schemaFacts is a schema described as sets of lines, by kind (columns, unique keys, ...).
type schemaFacts map[string]map[string]bool

func (f schemaFacts) add(kind, format string, args ...any) {
	if f[kind] == nil {
		f[kind] = map[string]bool{}
	}
	f[kind][fmt.Sprintf(format, args...)] = true
}

func setDiff(a, b map[string]bool) []string {
	var d []string
	for k := range a {
		if !b[k] {
			d = append(d, k)
		}
	}
	slices.Sort(d)
	return d
}

// normalDefault writes a column's default the same way for both engines: PostgreSQL's
// 'want'::text is SQLite's 'want', its false SQLite's FALSE.
func normalDefault(d *string) string {
	if d == nil {
		return "none"
	}
	s := strings.ToLower(*d)
	s = strings.TrimSuffix(s, "::text")
	return s
}

func describeSQLite(ctx context.Context, db *DB) (schemaFacts, error) {
	f := schemaFacts{}
	var objects []struct {
		Type string `db:"type"`
		Name string `db:"name"`
	}
	if err := db.read.SelectContext(ctx, &objects, `
		SELECT type, name FROM sqlite_schema
		WHERE name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version'`); err != nil {
		return nil, err
	}
	for _, o := range objects {
		if searchObject.MatchString(o.Name) {
			continue
		}
		switch o.Type {
		case "view", "trigger", "index":
			f.add(o.Type+"s", "%s", o.Name)
			continue
		}
		var cols []struct {
			Name    string  `db:"name"`
			NotNull bool    `db:"notnull"`
			Default *string `db:"dflt_value"`
			PK      int     `db:"pk"`
		}
		if err := db.read.SelectContext(ctx, &cols, `SELECT name, "notnull", dflt_value, pk FROM pragma_table_info(?)`, o.Name); err != nil {
			return nil, err
		}
		var pk []string
		for _, c := range cols {
			f.add("columns", "%s.%s not null %t default %s", o.Name, c.Name, c.NotNull || c.PK > 0, normalDefault(c.Default))
			if c.PK > 0 {
				pk = append(pk, fmt.Sprintf("%d:%s", c.PK, c.Name))
			}
		}
		slices.Sort(pk)
		f.add("primary keys", "%s (%s)", o.Name, strings.Join(pk, ", "))
		var indexes []struct {
			Name    string `db:"name"`
			Unique  bool   `db:"unique"`
			Origin  string `db:"origin"`
			Partial bool   `db:"partial"`
		}
		if err := db.read.SelectContext(ctx, &indexes, `SELECT name, "unique", origin, partial FROM pragma_index_list(?)`, o.Name); err != nil {
			return nil, err
		}
		for _, ix := range indexes {
			if !ix.Unique || ix.Origin == "pk" {
				continue
			}
			var names []string
			if err := db.read.SelectContext(ctx, &names, `SELECT name FROM pragma_index_info(?) ORDER BY seqno`, ix.Name); err != nil {
				return nil, err
			}
			f.add("unique keys", "%s (%s) partial %t", o.Name, strings.Join(names, ", "), ix.Partial)
		}
		var fks []struct {
			Table    string `db:"table"`
			From     string `db:"from"`
			To       string `db:"to"`
			OnDelete string `db:"on_delete"`
		}
		if err := db.read.SelectContext(ctx, &fks, `SELECT "table", "from", "to", on_delete FROM pragma_foreign_key_list(?)`, o.Name); err != nil {
			return nil, err
		}
		for _, fk := range fks {
			f.add("foreign keys", "%s.%s -> %s.%s on delete %s", o.Name, fk.From, fk.Table, fk.To, strings.ToLower(fk.OnDelete))
		}
	}
	return f, nil
}

func describePostgres(ctx context.Context, db *DB) (schemaFacts, error) {
	f := schemaFacts{}
	var cols []struct {
		Table   string  `db:"table_name"`
		Name    string  `db:"column_name"`
		NotNull bool    `db:"not_null"`
		Default *string `db:"column_default"`
	}
	if err := db.read.SelectContext(ctx, &cols, `
		SELECT c.table_name, c.column_name, c.is_nullable = 'NO' AS not_null, c.column_default
		FROM information_schema.columns c JOIN information_schema.tables t
		  ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
		WHERE c.table_schema = current_schema() AND c.table_name <> 'goose_db_version'`); err != nil {
		return nil, err
	}
	for _, c := range cols {
		if !searchObject.MatchString(c.Table) {
			f.add("columns", "%s.%s not null %t default %s", c.Table, c.Name, c.NotNull, normalDefault(c.Default))
		}
	}
	var keys []struct {
		Table   string `db:"tbl"`
		Index   string `db:"idx"`
		Primary bool   `db:"indisprimary"`
		Unique  bool   `db:"indisunique"`
		Partial bool   `db:"partial"`
		Backing bool   `db:"backing"`
		Columns string `db:"cols"`
	}
	if err := db.read.SelectContext(ctx, &keys, `
		SELECT t.relname AS tbl, i.relname AS idx, x.indisprimary, x.indisunique, x.indpred IS NOT NULL AS partial,
		       EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) AS backing,
		       COALESCE((SELECT string_agg(CASE WHEN x.indisprimary THEN k.n || ':' ELSE '' END || a.attname, ', ' ORDER BY k.n)
		        FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)
		        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum), '') AS cols
		FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
		WHERE t.relnamespace = current_schema()::regnamespace AND t.relname <> 'goose_db_version'`); err != nil {
		return nil, err
	}
	for _, k := range keys {
		if searchObject.MatchString(k.Table) || searchObject.MatchString(k.Index) {
			continue
		}
		switch {
		case k.Primary:
			f.add("primary keys", "%s (%s)", k.Table, k.Columns)
		case k.Unique:
			f.add("unique keys", "%s (%s) partial %t", k.Table, k.Columns, k.Partial)
		}
		if !k.Backing {
			f.add("indexs", "%s", k.Index)
		}
	}
	var fks []struct {
		Table    string `db:"tbl"`
		From     string `db:"from_col"`
		Ref      string `db:"ref"`
		To       string `db:"to_col"`
		OnDelete string `db:"on_delete"`
	}
	if err := db.read.SelectContext(ctx, &fks, `
		SELECT t.relname AS tbl, a.attname AS from_col, r.relname AS ref, ra.attname AS to_col,
		       CASE c.confdeltype WHEN 'c' THEN 'cascade' WHEN 'n' THEN 'set null' WHEN 'r' THEN 'restrict' ELSE 'no action' END AS on_delete
		FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
		JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
		JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1]
		WHERE c.contype = 'f' AND t.relnamespace = current_schema()::regnamespace`); err != nil {
		return nil, err
	}
	for _, fk := range fks {
		if !searchObject.MatchString(fk.Table) {
			f.add("foreign keys", "%s.%s -> %s.%s on delete %s", fk.Table, fk.From, fk.Ref, fk.To, fk.OnDelete)
		}
	}
	var named []struct {
		Kind string `db:"kind"`
		Name string `db:"name"`
	}
	if err := db.read.SelectContext(ctx, &named, `
		SELECT 'views' AS kind, table_name AS name FROM information_schema.views WHERE table_schema = current_schema()
		UNION ALL
		SELECT 'triggers', t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
		WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace`); err != nil {
		return nil, err
	}
	for _, n := range named {
		if !searchObject.MatchString(n.Name) {
			f.add(n.Kind, "%s", n.Name)
		}
	}
	return f, nil
}

// TestOpenMigratesOnce starts several instances on one new PostgreSQL database at once: each
// opens it, and the migrations ran exactly once (goose's session lock), each version one row.
func TestOpenMigratesOnce(t *testing.T) {
	if !OnPostgres() {
		t.Skip("BOOKCASE_TEST_POSTGRES is not set: only PostgreSQL is shared by several instances")
	}
	dsn := NewTestDSN(t)
	const instances = 4
	errs := make(chan error, instances)
	dbs := make(chan *DB, instances)
	for range instances {
		go func() {
			db, err := Open(t.Context(), dsn)
			if err == nil {
				dbs <- db
			}
			errs <- err
		}()
	}
	for range instances {
		if err := <-errs; err != nil {
			t.Errorf("Open: %v", err)
		}
	}
	close(dbs)
	var db *DB
	for d := range dbs {
		t.Cleanup(func() { d.Close() })
		db = d
	}
	if db == nil {
		t.Fatal("no instance opened the database")
	}
	var runs []struct {
		Version int64 `db:"version_id"`
		Count   int   `db:"n"`
	}
	if err := db.read.SelectContext(t.Context(), &runs, `
		SELECT version_id, COUNT(*) AS n FROM goose_db_version WHERE version_id > 0 GROUP BY version_id ORDER BY version_id`); err != nil {
		t.Fatal(err)
	}
	if len(runs) == 0 {
		t.Fatal("no migration recorded")
	}
	for _, r := range runs {
		if r.Count != 1 {
			t.Errorf("migration %d recorded %d times, want once", r.Version, r.Count)
		}
	}
	if err := db.Ready(t.Context()); err != nil {
		t.Errorf("Ready: %v", err)
	}
}
