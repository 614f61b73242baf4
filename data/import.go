package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// ImportRow is one book to import, as the reader reviewed it. It mirrors importer.Row (which data
// cannot import: importer depends on data).
type ImportRow struct {
	Title     string
	Author    string
	Genre     string
	ISBN      ISBN
	Pages     int
	Rating    Rating
	Status    Status
	Shelves   []string
	Notes     string
	DateAdded *time.Time
	DateRead  *time.Time
}

// What to do with a row that matches a book the reader already has.
const (
	OnDuplicateSkip   = "skip"
	OnDuplicateUpdate = "update"
)

// ImportSummary counts what an import did.
type ImportSummary struct {
	Created, Updated, Skipped int
}

// matchKey is a title and author folded for comparison: lower-case, trimmed, spaces collapsed.
func matchKey(title, author string) string {
	return strings.ToLower(NormalizeShelfName(title)) + "\x00" + strings.ToLower(NormalizeShelfName(author))
}

// Import writes rows into the owner's library in one transaction: all of them or, on any error,
// none. A row matching a live book of the owner's, by ISBN or by title and author, is skipped or
// updated as onDuplicate says; shelves are found by name, ignoring case, or created.
func (db *DB) Import(ctx context.Context, owner int64, rows []ImportRow, onDuplicate string) (ImportSummary, error) {
	if onDuplicate != OnDuplicateSkip && onDuplicate != OnDuplicateUpdate {
		return ImportSummary{}, fieldError("onDuplicate", "Choose to skip or update books you already have.")
	}
	var sum ImportSummary
	err := db.inTx(ctx, func(tx *sqlx.Tx) error {
		im := importer{db: db, tx: tx, owner: owner, byISBN: map[ISBN]int64{}, byKey: map[string]int64{}, shelves: map[string]int64{}}
		if err := im.load(ctx); err != nil {
			return err
		}
		for i, r := range rows {
			if err := im.row(ctx, r, onDuplicate, &sum); err != nil {
				return fmt.Errorf("row %d: %w", i+1, err)
			}
		}
		return recount(ctx, tx, owner)
	})
	if errors.Is(err, ErrInvalid) {
		return ImportSummary{}, err
	}
	if err != nil {
		return ImportSummary{}, fmt.Errorf("import: %w", err)
	}
	return sum, nil
}

// importer holds one import's lookups of the owner's books and shelves.
type importer struct {
	db      *DB
	tx      *sqlx.Tx
	owner   int64
	byISBN  map[ISBN]int64
	byKey   map[string]int64
	shelves map[string]int64 // shelfKey -> id
}

func (im *importer) load(ctx context.Context) error {
	var books []Book
	if err := im.tx.SelectContext(ctx, &books, `SELECT `+bookColumns+` FROM books WHERE owner_id = ? AND deleted_at IS NULL`, im.owner); err != nil {
		return err
	}
	for _, b := range books {
		im.remember(b.ID, b.ISBN, b.Title, b.Author)
	}
	var shelves []struct {
		ID  int64  `db:"id"`
		Key string `db:"name_key"`
	}
	if err := im.tx.SelectContext(ctx, &shelves, `SELECT id, name_key FROM shelves WHERE owner_id = ?`, im.owner); err != nil {
		return err
	}
	for _, sh := range shelves {
		im.shelves[sh.Key] = sh.ID
	}
	return nil
}

func (im *importer) remember(id int64, isbn ISBN, title, author string) {
	if isbn != "" {
		im.byISBN[isbn] = id
	}
	im.byKey[matchKey(title, author)] = id
}

func (im *importer) row(ctx context.Context, r ImportRow, onDuplicate string, sum *ImportSummary) error {
	in := BookInput{Title: r.Title, Author: r.Author, Genre: r.Genre, Status: r.Status}.Normalize()
	if err := in.Validate(); err != nil {
		return err
	}
	if in.Status == "" {
		in.Status = StatusWant
	}
	id, found := im.byISBN[r.ISBN]
	if r.ISBN == "" || !found {
		id, found = im.byKey[matchKey(in.Title, in.Author)]
	}
	now := im.db.now()
	switch {
	case found && onDuplicate == OnDuplicateSkip:
		sum.Skipped++
		return nil
	case found:
		if _, err := im.tx.ExecContext(ctx, `
			UPDATE books SET genre = ?, status = ?, pages = ?, rating = ?, notes = ?, isbn = ?, updated_at = ?
			WHERE id = ? AND owner_id = ?`,
			in.Genre, in.Status, nullInt(r.Pages), nullInt(int(r.Rating)), r.Notes, nullString(string(r.ISBN)), now, id, im.owner); err != nil {
			return err
		}
		sum.Updated++
	default:
		created := now
		if r.DateAdded != nil {
			created = r.DateAdded.UTC()
		}
		if err := im.tx.GetContext(ctx, &id, `
			INSERT INTO books (owner_id, title, author, genre, status, pages, rating, notes, isbn, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			im.owner, in.Title, in.Author, in.Genre, in.Status, nullInt(r.Pages), nullInt(int(r.Rating)), r.Notes,
			nullString(string(r.ISBN)), created, now); err != nil {
			return err
		}
		if err := im.readThrough(ctx, id, in.Status, r, now); err != nil {
			return err
		}
		im.remember(id, r.ISBN, in.Title, in.Author)
		sum.Created++
	}
	return im.shelve(ctx, id, r.Shelves, now)
}

// readThrough records the reading a new book's status implies, on the file's dates or today.
func (im *importer) readThrough(ctx context.Context, id int64, st Status, r ImportRow, now time.Time) error {
	day := dateOf(now)
	if r.DateRead != nil {
		day = dateOf(*r.DateRead)
	}
	switch st {
	case StatusReading:
		_, err := im.tx.ExecContext(ctx, `INSERT INTO read_throughs (book_id, started_on, outcome) VALUES (?, ?, 'reading')`, id, day.Format(dateLayout))
		return err
	case StatusRead, StatusDNF:
		return insertFinished(ctx, im.tx, id, st, day.Format(dateLayout))
	}
	return nil
}

// shelve puts the book on the named shelves, creating those the owner does not have yet.
func (im *importer) shelve(ctx context.Context, bookID int64, names []string, now time.Time) error {
	for _, raw := range names {
		name, err := validateShelfName(raw)
		if err != nil {
			return err
		}
		key := shelfKey(name)
		shelfID, ok := im.shelves[key]
		if !ok {
			if err := im.tx.GetContext(ctx, &shelfID, `
				INSERT INTO shelves (owner_id, name, name_key, position, created_at)
				VALUES (?, ?, ?, (SELECT COALESCE(MAX(position) + 1, 0) FROM shelves WHERE owner_id = ?), ?)
				RETURNING id`, im.owner, name, key, im.owner, now); err != nil {
				return err
			}
			im.shelves[key] = shelfID
		}
		if _, err := im.tx.ExecContext(ctx, `
			INSERT INTO book_shelves (book_id, shelf_id, added_at) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`, bookID, shelfID, now); err != nil {
			return err
		}
	}
	return nil
}

func nullInt(n int) sql.NullInt64 { return sql.NullInt64{Int64: int64(n), Valid: n > 0} }

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }
