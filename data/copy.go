package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jmoiron/sqlx"
	"github.com/mattn/go-sqlite3"
)

// ErrNotEmpty means a copy was asked into a database that already holds a library: a copy only
// fills an empty one, and never mixes two.
var ErrNotEmpty = errors.New("the destination is not empty")

// CopiedTable is one table a copy moved, with its number of rows (the same in the source and the
// destination: Copy checks).
type CopiedTable struct {
	Name string
	Rows int64
}

// CopyReport is what Copy moved.
type CopyReport struct {
	Tables []CopiedTable
	// Indexed is the number of books the destination's search index holds, rebuilt from the
	// books as the source's held them.
	Indexed int64
	// Skipped are the source's tables that were not copied, by name, with why.
	Skipped map[string]string
}

// copySkipped are the tables a copy leaves out, with why: anything else in either schema is
// copied, and a table only one side has fails the copy, so that no table a later migration
// makes is ever left behind unseen.
func copySkipped(name string) (string, bool) {
	switch {
	case name == "goose_db_version":
		return "the destination's migrations write their own", true
	case name == "sqlite_sequence" || strings.HasPrefix(name, "sqlite_stat"):
		return "SQLite's own bookkeeping", true
	case name == "books_fts" || strings.HasPrefix(name, "books_fts_") || name == "book_search":
		return "the search index, rebuilt on the destination", true
	}
	return "", false
}

// copyReplaced are the tables a new database fills as it opens (the signing key): a copy
// replaces their rows with the source's, and an otherwise empty destination is still empty.
var copyReplaced = map[string]bool{"secrets": true}

// Copy copies the whole Bookcase database at from (every reader with everything they have, their
// sessions too) into the empty database at to, either of them a SQLite file or a PostgreSQL URL:
// the upgrade path from SQLite to PostgreSQL, and back. The source is only read (a SQLite file
// opened read-only, a PostgreSQL snapshot in a read-only transaction) and must have this
// Bookcase's schema. The destination is migrated first, then filled table by table in one
// transaction, with the same ids, its triggers held off (the counts they keep are copied as they
// are) and its search index rebuilt; the rows of each table are counted on both sides before it
// commits. A destination SQLite file must not exist yet; a PostgreSQL destination must hold no
// library (ErrNotEmpty). Times keep microseconds on PostgreSQL, so a copy from SQLite drops
// their nanoseconds.
func Copy(ctx context.Context, from, to string) (CopyReport, error) {
	src, err := openCopySource(ctx, from)
	if err != nil {
		return CopyReport{}, err
	}
	defer src.Close()
	// One snapshot of the source, whoever writes to it meanwhile.
	srcDialect, snapshot := sqliteDialect, &sql.TxOptions{}
	if IsPostgres(from) {
		srcDialect, snapshot = postgresDialect, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	srcTx, err := src.BeginTxx(ctx, snapshot)
	if err != nil {
		return CopyReport{}, fmt.Errorf("read %s: %w", Redact(from), err)
	}
	defer srcTx.Rollback()
	if err := checkCopySchema(ctx, srcTx, srcDialect); err != nil {
		return CopyReport{}, fmt.Errorf("%s: %w", Redact(from), err)
	}

	if err := refuseNonEmpty(ctx, to); err != nil {
		return CopyReport{}, err
	}
	dst, err := Open(ctx, to)
	if err != nil {
		return CopyReport{}, err
	}
	report, err := copyInto(ctx, srcTx, srcDialect, dst, to)
	if cerr := dst.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil && !IsPostgres(to) && !errors.Is(err, ErrNotEmpty) {
		// A SQLite destination was made by this copy: a failed one leaves no half-made file.
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(to + suffix)
		}
	}
	return report, err
}

// openCopySource opens the database a copy reads: a SQLite file read-only (never created, never
// migrated), or a PostgreSQL database.
func openCopySource(ctx context.Context, from string) (*sqlx.DB, error) {
	if IsPostgres(from) {
		cfg, err := pgx.ParseConfig(from)
		if err != nil {
			return nil, fmt.Errorf("%s is not a PostgreSQL URL that can be used", Redact(from))
		}
		db := sqlx.NewDb(sql.OpenDB(rebindConnector{stdlib.GetConnector(*cfg)}), "pgx")
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("open %s: %w", Redact(from), storeError(err))
		}
		return db, nil
	}
	if _, err := os.Stat(from); err != nil {
		return nil, fmt.Errorf("open %s: %w", from, err)
	}
	if err := checkSQLite(ctx, "sqlite3"); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Set("mode", "ro")
	q.Set("_busy_timeout", "5000")
	db, err := sqlx.Open("sqlite3", "file:"+url.PathEscape(from)+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", from, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", from, storeError(err))
	}
	return db, nil
}

// checkCopySchema makes sure the source is a Bookcase database with this Bookcase's schema: the
// destination gets this Bookcase's migrations, and the columns must be the same on both sides.
func checkCopySchema(ctx context.Context, tx *sqlx.Tx, d dialect) error {
	fsys, dir := migrations, "migrations"
	if d == postgresDialect {
		fsys, dir = postgresMigrations, postgresMigrationDir
	}
	latest, err := latestMigration(fsys, dir)
	if err != nil {
		return err
	}
	var version sql.NullInt64
	if err := tx.GetContext(ctx, &version, `SELECT MAX(version_id) FROM goose_db_version WHERE is_applied`); err != nil {
		return fmt.Errorf("not a Bookcase database (%w)", err)
	}
	if version.Int64 != latest {
		return fmt.Errorf("its schema is version %d, this Bookcase's %d: start this Bookcase on it once to bring it up to date, then copy", version.Int64, latest)
	}
	return nil
}

// refuseNonEmpty refuses a destination that holds anything before it is opened (and so
// migrated): a SQLite file that exists, a PostgreSQL schema with readers or books.
func refuseNonEmpty(ctx context.Context, to string) error {
	if !IsPostgres(to) {
		if st, err := os.Stat(to); err == nil && st.Size() > 0 {
			return fmt.Errorf("%w: %s exists; a copy to SQLite makes a new file", ErrNotEmpty, to)
		} else if err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return nil
	}
	cfg, err := pgx.ParseConfig(to)
	if err != nil {
		return fmt.Errorf("%s is not a PostgreSQL URL that can be used", Redact(to))
	}
	db := sql.OpenDB(stdlib.GetConnector(*cfg))
	defer db.Close()
	for _, table := range []string{"users", "books"} {
		var exists bool
		if err := db.QueryRowContext(ctx, `SELECT to_regclass($1) IS NOT NULL`, table).Scan(&exists); err != nil {
			return fmt.Errorf("open %s: %w", Redact(to), storeError(err))
		}
		if !exists {
			continue
		}
		var any bool
		if err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+table+`)`).Scan(&any); err != nil {
			return fmt.Errorf("open %s: %w", Redact(to), storeError(err))
		}
		if any {
			return fmt.Errorf("%w: %s already holds %s; copy into an empty database (or schema)", ErrNotEmpty, Redact(to), table)
		}
	}
	return nil
}

// copyColumn is a column as a copy sees it: its name and the kind of value it holds, which
// decides how a value read on one engine is written on the other.
type copyColumn struct {
	name string
	kind columnKind
	// identity is a PostgreSQL identity column, whose sequence is set past the copied ids.
	identity bool
}

type columnKind int

const (
	kindText columnKind = iota
	kindInt
	kindReal
	kindBool
	kindBlob
	kindTime // a TIMESTAMP, kept in UTC
	kindDate // a day, 'YYYY-MM-DD' (SQLite's DATE; PostgreSQL's DATE, or TEXT for books.finished_on)
)

// copyTable is a table as a copy sees it.
type copyTable struct {
	name    string
	columns []copyColumn
	refs    []string // the tables its foreign keys point to
	// pgDate are the columns of PostgreSQL's DATE type (a day that is TEXT on PostgreSQL is not).
	pgDate map[string]bool
}

// describeForCopy lists the tables of a database, by name, with their columns and foreign keys.
func describeForCopy(ctx context.Context, q sqlx.QueryerContext, d dialect) (map[string]*copyTable, error) {
	tables := map[string]*copyTable{}
	if d == sqliteDialect {
		var names []string
		if err := sqlx.SelectContext(ctx, q, &names, `SELECT name FROM sqlite_schema WHERE type = 'table'`); err != nil {
			return nil, err
		}
		for _, name := range names {
			t := &copyTable{name: name}
			var cols []struct {
				Name string `db:"name"`
				Type string `db:"type"`
			}
			if err := sqlx.SelectContext(ctx, q, &cols, `SELECT name, type FROM pragma_table_info(?)`, name); err != nil {
				return nil, err
			}
			for _, c := range cols {
				t.columns = append(t.columns, copyColumn{name: c.Name, kind: sqliteKind(c.Type)})
			}
			if err := sqlx.SelectContext(ctx, q, &t.refs, `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)`, name); err != nil {
				return nil, err
			}
			tables[name] = t
		}
		return tables, nil
	}
	var cols []struct {
		Table    string `db:"table_name"`
		Name     string `db:"column_name"`
		Type     string `db:"data_type"`
		Identity string `db:"is_identity"`
	}
	if err := sqlx.SelectContext(ctx, q, &cols, `
		SELECT c.table_name, c.column_name, c.data_type, c.is_identity
		FROM information_schema.columns c JOIN information_schema.tables t
		  ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
		WHERE c.table_schema = current_schema()
		ORDER BY c.table_name, c.ordinal_position`); err != nil {
		return nil, err
	}
	for _, c := range cols {
		t := tables[c.Table]
		if t == nil {
			t = &copyTable{name: c.Table, pgDate: map[string]bool{}}
			tables[c.Table] = t
		}
		t.columns = append(t.columns, copyColumn{name: c.Name, kind: postgresKind(c.Type), identity: c.Identity == "YES"})
		if c.Type == "date" {
			t.pgDate[c.Name] = true
		}
	}
	var refs []struct {
		From string `db:"from_table"`
		To   string `db:"to_table"`
	}
	if err := sqlx.SelectContext(ctx, q, &refs, `
		SELECT DISTINCT f.relname AS from_table, t.relname AS to_table
		FROM pg_constraint c JOIN pg_class f ON f.oid = c.conrelid JOIN pg_class t ON t.oid = c.confrelid
		WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`); err != nil {
		return nil, err
	}
	for _, r := range refs {
		if t := tables[r.From]; t != nil {
			t.refs = append(t.refs, r.To)
		}
	}
	return tables, nil
}

// sqliteKind is the kind of a SQLite column of the declared type decl.
func sqliteKind(decl string) columnKind {
	switch decl = strings.ToUpper(decl); {
	case decl == "TIMESTAMP" || decl == "DATETIME":
		return kindTime
	case decl == "DATE":
		return kindDate
	case decl == "BOOLEAN":
		return kindBool
	case decl == "REAL":
		return kindReal
	case decl == "BLOB":
		return kindBlob
	case strings.Contains(decl, "INT"):
		return kindInt
	}
	return kindText
}

// postgresKind is the kind of a PostgreSQL column of the type typ (information_schema's name).
func postgresKind(typ string) columnKind {
	switch typ {
	case "timestamp without time zone", "timestamp with time zone":
		return kindTime
	case "date":
		return kindDate
	case "boolean":
		return kindBool
	case "double precision", "real", "numeric":
		return kindReal
	case "bytea":
		return kindBlob
	case "bigint", "integer", "smallint":
		return kindInt
	}
	return kindText
}

// copyInto copies everything the source transaction sees into dst, opened at to.
func copyInto(ctx context.Context, srcTx *sqlx.Tx, srcDialect dialect, dst *DB, to string) (CopyReport, error) {
	srcTables, err := describeForCopy(ctx, srcTx, srcDialect)
	if err != nil {
		return CopyReport{}, fmt.Errorf("read the source's schema: %w", err)
	}
	dstTables, err := describeForCopy(ctx, dst.write, dst.dialect)
	if err != nil {
		return CopyReport{}, fmt.Errorf("read the destination's schema: %w", err)
	}
	report := CopyReport{Skipped: map[string]string{}}
	for name := range srcTables {
		if why, ok := copySkipped(name); ok {
			report.Skipped[name] = why
		}
	}
	order, err := copyOrder(srcTables, dstTables, srcDialect)
	if err != nil {
		return CopyReport{}, err
	}

	tx, err := dst.write.BeginTxx(ctx, nil)
	if err != nil {
		return CopyReport{}, fmt.Errorf("write %s: %w", Redact(to), storeError(err))
	}
	defer tx.Rollback()
	for _, t := range order {
		if copyReplaced[t.name] {
			continue
		}
		var rows int64
		if err := tx.GetContext(ctx, &rows, `SELECT COUNT(*) FROM `+quoteIdent(t.name)); err != nil {
			return CopyReport{}, err
		}
		if rows > 0 {
			return CopyReport{}, fmt.Errorf("%w: %s already has %d rows in %s; copy into an empty database", ErrNotEmpty, Redact(to), rows, t.name)
		}
	}
	restore, err := holdTriggers(ctx, tx, dst.dialect, order)
	if err != nil {
		return CopyReport{}, fmt.Errorf("hold the destination's triggers: %w", err)
	}
	for _, t := range order {
		if copyReplaced[t.name] {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+quoteIdent(t.name)); err != nil {
				return CopyReport{}, err
			}
		}
		n, err := copyRows(ctx, srcTx, tx, srcTables[t.name], dstTables[t.name], dst.dialect)
		if err != nil {
			return CopyReport{}, fmt.Errorf("copy %s: %w", t.name, storeError(err))
		}
		var want, got int64
		if err := srcTx.GetContext(ctx, &want, `SELECT COUNT(*) FROM `+quoteIdent(t.name)); err != nil {
			return CopyReport{}, err
		}
		if err := tx.GetContext(ctx, &got, `SELECT COUNT(*) FROM `+quoteIdent(t.name)); err != nil {
			return CopyReport{}, err
		}
		if want != n || got != n {
			return CopyReport{}, fmt.Errorf("copy %s: the source has %d rows, %d were read and the destination has %d", t.name, want, n, got)
		}
		report.Tables = append(report.Tables, CopiedTable{Name: t.name, Rows: n})
	}
	if err := restore(); err != nil {
		return CopyReport{}, fmt.Errorf("restore the destination's triggers: %w", err)
	}
	if report.Indexed, err = copySearchIndex(ctx, srcTx, srcDialect, tx, dst); err != nil {
		return CopyReport{}, fmt.Errorf("rebuild the search index: %w", err)
	}
	if dst.postgres() {
		if err := setSequences(ctx, srcTx, srcDialect, tx, order); err != nil {
			return CopyReport{}, fmt.Errorf("set the destination's sequences: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return CopyReport{}, fmt.Errorf("write %s: %w", Redact(to), storeError(err))
	}
	if dst.postgres() {
		if err := vacuumCopied(ctx, dst.write); err != nil {
			return CopyReport{}, fmt.Errorf("vacuum %s: %w", Redact(to), storeError(err))
		}
	}
	return report, nil
}

// vacuumCopied vacuums and analyzes the tables of the destination's schema once they are
// filled. ANALYZE gives the planner their statistics (without them PostgreSQL plans the first
// queries for empty tables). VACUUM marks the copied rows visible to all, so that index-only
// scans need not visit the table from the first query on, and so that autovacuum does not
// start on every table the copy filled at the moment readers come back. Only the schema's own
// tables: a database may hold others.
func vacuumCopied(ctx context.Context, db *sqlx.DB) error {
	var tables []string
	if err := db.SelectContext(ctx, &tables,
		`SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`); err != nil {
		return err
	}
	if len(tables) == 0 {
		return nil
	}
	for i, name := range tables {
		tables[i] = quoteIdent(name)
	}
	_, err := db.ExecContext(ctx, `VACUUM (ANALYZE) `+strings.Join(tables, ", "))
	return err
}

// copyOrder is the tables to copy, each after the tables it refers to. Both schemas must have
// the same tables to copy with the same columns: a table or column only one side has (a newer
// migration on one engine only) fails the copy rather than be left behind.
func copyOrder(src, dst map[string]*copyTable, srcDialect dialect) ([]*copyTable, error) {
	var mismatch []string
	for _, name := range slices.Sorted(maps.Keys(src)) {
		if _, skip := copySkipped(name); skip {
			continue
		}
		d := dst[name]
		if d == nil {
			mismatch = append(mismatch, fmt.Sprintf("table %s is in the source only", name))
			continue
		}
		sc, dc := columnNames(src[name]), columnNames(d)
		if !slices.Equal(sc, dc) {
			mismatch = append(mismatch, fmt.Sprintf("table %s has columns (%s) in the source, (%s) in the destination", name, strings.Join(sc, ", "), strings.Join(dc, ", ")))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(dst)) {
		if _, skip := copySkipped(name); !skip && src[name] == nil {
			mismatch = append(mismatch, fmt.Sprintf("table %s is in the destination only", name))
		}
	}
	if len(mismatch) > 0 {
		return nil, fmt.Errorf("the source's and the destination's schemas differ, and a copy would leave something behind:\n  %s", strings.Join(mismatch, "\n  "))
	}
	// The order follows the SQLite side's foreign keys where there is one (PostgreSQL's are the
	// same: TestSchemasMatch).
	tables := dst
	if srcDialect == sqliteDialect {
		tables = src
	}
	var order []*copyTable
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(name string) error
	visit = func(name string) error {
		switch state[name] {
		case 1:
			return fmt.Errorf("the foreign keys of table %s make a cycle: no order to copy in", name)
		case 2:
			return nil
		}
		state[name] = 1
		t := tables[name]
		for _, ref := range slices.Sorted(slices.Values(t.refs)) {
			if ref == name {
				return fmt.Errorf("table %s refers to itself: copying it needs an order of its rows", name)
			}
			if err := visit(ref); err != nil {
				return err
			}
		}
		state[name] = 2
		order = append(order, dst[name])
		return nil
	}
	for _, name := range slices.Sorted(maps.Keys(tables)) {
		if _, skip := copySkipped(name); skip {
			continue
		}
		if err := visit(name); err != nil {
			return nil, err
		}
	}
	return order, nil
}

func columnNames(t *copyTable) []string {
	names := make([]string, len(t.columns))
	for i, c := range t.columns {
		names[i] = c.name
	}
	slices.Sort(names)
	return names
}

// holdTriggers stops the destination's triggers from firing while the rows are copied: the counts
// and versions they keep are copied as the source has them, and the search index is rebuilt after.
// On PostgreSQL each table's own triggers are disabled (ALTER TABLE, which the tables' owner may;
// foreign keys are still checked); SQLite has no such switch, so its triggers are dropped and made
// again from their own text, in the same transaction. The function returned puts them back.
func holdTriggers(ctx context.Context, tx *sqlx.Tx, d dialect, tables []*copyTable) (func() error, error) {
	if d == postgresDialect {
		for _, t := range tables {
			if _, err := tx.ExecContext(ctx, `ALTER TABLE `+quoteIdent(t.name)+` DISABLE TRIGGER USER`); err != nil {
				return nil, err
			}
		}
		return func() error {
			for _, t := range tables {
				if _, err := tx.ExecContext(ctx, `ALTER TABLE `+quoteIdent(t.name)+` ENABLE TRIGGER USER`); err != nil {
					return err
				}
			}
			return nil
		}, nil
	}
	var triggers []struct {
		Name string `db:"name"`
		SQL  string `db:"sql"`
	}
	if err := tx.SelectContext(ctx, &triggers, `SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY name`); err != nil {
		return nil, err
	}
	for _, tr := range triggers {
		if _, err := tx.ExecContext(ctx, `DROP TRIGGER `+quoteIdent(tr.Name)); err != nil {
			return nil, err
		}
	}
	return func() error {
		for _, tr := range triggers {
			if _, err := tx.ExecContext(ctx, tr.SQL); err != nil {
				return fmt.Errorf("trigger %s: %w", tr.Name, err)
			}
		}
		return nil
	}, nil
}

// copyBatch is how many rows go in one INSERT: fewer round trips to PostgreSQL, and at most a few
// thousand parameters a statement (SQLite allows 32,766, PostgreSQL 65,535).
const copyBatch = 100

// copyRows copies the rows of one table from the source to the destination and returns how many.
func copyRows(ctx context.Context, srcTx, dstTx *sqlx.Tx, src, dst *copyTable, to dialect) (int64, error) {
	kinds := map[string]columnKind{}
	for _, c := range src.columns {
		kinds[c.name] = c.kind
	}
	if to == sqliteDialect {
		// The SQLite side's declared types say more (a DATE that is TEXT on PostgreSQL).
		for _, c := range dst.columns {
			kinds[c.name] = c.kind
		}
	}
	names := make([]string, len(dst.columns))
	for i, c := range dst.columns {
		names[i] = quoteIdent(c.name)
	}
	cols := strings.Join(names, ", ")
	rows, err := srcTx.QueryxContext(ctx, `SELECT `+cols+` FROM `+quoteIdent(src.name))
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(names)), ", ") + ")"
	var n int64
	var batch []any
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		count := len(batch) / len(names)
		values := strings.TrimSuffix(strings.Repeat(one+", ", count), ", ")
		_, err := dstTx.ExecContext(ctx, `INSERT INTO `+quoteIdent(dst.name)+` (`+cols+`) VALUES `+values, batch...)
		batch = batch[:0]
		return err
	}
	for rows.Next() {
		values, err := rows.SliceScan()
		if err != nil {
			return n, err
		}
		for i, v := range values {
			c := dst.columns[i]
			w, err := copyValue(v, kinds[c.name], to, dst.pgDate[c.name])
			if err != nil {
				return n, fmt.Errorf("row %d, column %s: %w", n+1, c.name, err)
			}
			batch = append(batch, w)
		}
		n++
		if n%copyBatch == 0 {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	return n, flush()
}

// copyValue is v, read from one engine, as the other writes a value of kind k: a time in UTC, a
// day as 'YYYY-MM-DD' text (or a time for PostgreSQL's DATE), a boolean as a bool. A value of a
// type the kind cannot hold fails the copy rather than be written changed.
func copyValue(v any, k columnKind, to dialect, pgDate bool) (any, error) {
	if v == nil {
		return nil, nil
	}
	bad := func() (any, error) { return nil, fmt.Errorf("unexpected value %v (%T)", v, v) }
	switch k {
	case kindTime:
		switch x := v.(type) {
		case time.Time:
			if x.IsZero() {
				return bad() // go-sqlite3 reads a time it cannot parse as the zero time
			}
			return x.UTC(), nil
		case string:
			for _, layout := range sqlite3.SQLiteTimestampFormats {
				if t, err := time.ParseInLocation(layout, x, time.UTC); err == nil {
					return t.UTC(), nil
				}
			}
		}
		return bad()
	case kindDate:
		var day string
		switch x := v.(type) {
		case time.Time:
			if x.IsZero() {
				return bad()
			}
			day = x.Format(time.DateOnly)
		case string:
			if _, err := time.Parse(time.DateOnly, x); err != nil {
				return bad()
			}
			day = x
		default:
			return bad()
		}
		if to == postgresDialect && pgDate {
			return time.Parse(time.DateOnly, day)
		}
		return day, nil
	case kindBool:
		switch x := v.(type) {
		case bool:
			return x, nil
		case int64:
			return x != 0, nil
		}
		return bad()
	case kindInt:
		switch x := v.(type) {
		case int64:
			return x, nil
		case bool:
			if x {
				return int64(1), nil
			}
			return int64(0), nil
		}
		return bad()
	case kindReal:
		switch x := v.(type) {
		case float64:
			return x, nil
		case int64:
			return float64(x), nil
		}
		return bad()
	case kindBlob:
		switch x := v.(type) {
		case []byte:
			return x, nil
		case string:
			return []byte(x), nil
		}
		return bad()
	}
	switch x := v.(type) {
	case string:
		return x, nil
	case []byte:
		return string(x), nil
	}
	return bad()
}

// copySearchIndex puts into the destination's search index the books the source's index holds
// (the live and deleted books, and the pending books their import had indexed), from the copied
// rows, and returns how many.
func copySearchIndex(ctx context.Context, srcTx *sqlx.Tx, srcDialect dialect, tx *sqlx.Tx, dst *DB) (int64, error) {
	query := `SELECT rowid FROM books_fts ORDER BY rowid`
	if srcDialect == postgresDialect {
		query = `SELECT book_id FROM book_search ORDER BY book_id`
	}
	var ids []int64
	if err := srcTx.SelectContext(ctx, &ids, query); err != nil {
		return 0, err
	}
	for chunk := range slices.Chunk(ids, indexChunk) {
		query, args, err := sqlx.In(dst.indexBooksSQL(), chunk)
		if err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, query, args...); err != nil {
			return 0, err
		}
	}
	count := `SELECT COUNT(*) FROM books_fts`
	if dst.postgres() {
		count = `SELECT COUNT(*) FROM book_search`
	}
	var n int64
	if err := tx.GetContext(ctx, &n, count); err != nil {
		return 0, err
	}
	if n != int64(len(ids)) {
		return n, fmt.Errorf("the source's index holds %d books, the destination's %d", len(ids), n)
	}
	return n, nil
}

// setSequences sets each PostgreSQL identity's sequence past the ids copied, and past the last id
// the source handed out (a deleted row's id is not handed out again).
func setSequences(ctx context.Context, srcTx *sqlx.Tx, srcDialect dialect, tx *sqlx.Tx, tables []*copyTable) error {
	handedOut := map[string]int64{}
	if srcDialect == sqliteDialect {
		var seqs []struct {
			Name string `db:"name"`
			Seq  int64  `db:"seq"`
		}
		if err := srcTx.SelectContext(ctx, &seqs, `SELECT name, seq FROM sqlite_sequence`); err != nil {
			return err
		}
		for _, s := range seqs {
			handedOut[s.Name] = s.Seq
		}
	}
	for _, t := range tables {
		for _, c := range t.columns {
			if !c.identity {
				continue
			}
			last := handedOut[t.name]
			if srcDialect == postgresDialect {
				var v sql.NullInt64
				if err := srcTx.GetContext(ctx, &v, `SELECT pg_sequence_last_value(CAST(pg_get_serial_sequence(?, ?) AS regclass))`, t.name, c.name); err != nil {
					return err
				}
				last = v.Int64
			}
			if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence(?, ?), GREATEST(COALESCE(MAX(`+quoteIdent(c.name)+`), 0), CAST(? AS BIGINT)) + 1, false) FROM `+quoteIdent(t.name),
				t.name, c.name, last); err != nil {
				return fmt.Errorf("%s.%s: %w", t.name, c.name, err)
			}
		}
	}
	return nil
}

// quoteIdent quotes a table's or column's name, taken from the schema, for either engine.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
