package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
)

// MaxShelfNameLen is the longest shelf name accepted, in characters.
const MaxShelfNameLen = 100

// Shelf is a named set of books of the reader's own making ("Owned", "Favourites", "Book club").
// A book may be on many shelves; taking it off, or deleting the shelf, never deletes the book.
type Shelf struct {
	ID       int64  `db:"id"`
	Name     string `db:"name"`
	Position int    `db:"position"`
	// Books is how many live books are on the shelf (books deleted and awaiting purge are not counted).
	Books     int       `db:"books"`
	CreatedAt time.Time `db:"created_at"`
}

// ShelfStore reads and writes shelves and which books are on them. Like BookStore, every method
// takes the owner's user id: another reader's shelf or book is ErrNotFound, and nothing changes.
type ShelfStore struct {
	db *DB
}

// shelfSelect reads shelves with their counts of live books (kept by the triggers of migration
// 00005); callers add WHERE and then shelfOrder.
// The join on the owner keeps the count to the shelf owner's books even if a stray row slipped in.
const shelfSelect = `
	SELECT s.id, s.name, s.position, s.created_at, s.books FROM shelves s`

const shelfOrder = ` ORDER BY s.position, s.id`

// listShelves reads an owner's visible shelves in their order (List).
const listShelves = shelfSelect + ` WHERE s.owner_id = ? AND s.pending_import IS NULL` + shelfOrder

// NormalizeShelfName trims a shelf name as typed and collapses each run of inner spaces into one.
func NormalizeShelfName(name string) string { return strings.Join(strings.Fields(name), " ") }

// ShelfKey is the form of a normalized name that two shelves of one reader may not share, so
// "Book club" and "book  CLUB" are one shelf.
func ShelfKey(name string) string { return strings.ToLower(name) }

// checkShelfName reports what is wrong with a shelf name as typed, or "". Line breaks and other
// control characters are rejected rather than silently collapsed into spaces.
func checkShelfName(raw string) string {
	trimmed := strings.TrimSpace(raw)
	switch {
	case trimmed == "":
		return "Give the shelf a name."
	case !utf8.ValidString(trimmed):
		return "The name contains characters that are not valid text."
	case strings.IndexFunc(trimmed, notSingleLine) >= 0:
		return "The name must be a single line of text."
	}
	if n := utf8.RuneCountInString(NormalizeShelfName(trimmed)); n > MaxShelfNameLen {
		return "The name must be at most " + strconv.Itoa(MaxShelfNameLen) + " characters (it has " + strconv.Itoa(n) + ")."
	}
	return ""
}

// validateShelfName returns the normalized name, or a *ValidationError at the field "name".
func validateShelfName(raw string) (string, error) {
	if msg := checkShelfName(raw); msg != "" {
		return "", nameError(msg)
	}
	return NormalizeShelfName(raw), nil
}

func nameError(msg string) *ValidationError {
	return &ValidationError{Fields: map[string]string{"name": msg}}
}

// checkNameFree fails with a validation error when the owner has another shelf (not except) whose
// name folds to the same key. It runs in the writing transaction, which holds SQLite's write lock,
// so no other writer can take the name between the check and the write.
func checkNameFree(ctx context.Context, tx *sqlx.Tx, owner, except int64, name string) error {
	var taken string
	err := tx.GetContext(ctx, &taken,
		`SELECT name FROM shelves WHERE owner_id = ? AND name_key = ? AND id <> ?`, owner, ShelfKey(name), except)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return nameError("You already have a shelf called “" + taken + "”.")
}

// Create validates name and adds a new, empty shelf after the owner's last one.
func (s *ShelfStore) Create(ctx context.Context, owner int64, name string) (Shelf, error) {
	name, err := validateShelfName(name)
	if err != nil {
		return Shelf{}, err
	}
	var sh Shelf
	err = s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := checkNameFree(ctx, tx, owner, 0, name); err != nil {
			return err
		}
		return tx.GetContext(ctx, &sh, `
			INSERT INTO shelves (owner_id, name, name_key, position, created_at)
			VALUES (?, ?, ?, (SELECT COALESCE(MAX(position) + 1, 0) FROM shelves WHERE owner_id = ?), ?)
			RETURNING id, name, position, created_at, 0 AS books`,
			owner, name, ShelfKey(name), owner, s.db.now())
	})
	if errors.Is(err, ErrInvalid) {
		return Shelf{}, err
	}
	if err != nil {
		return Shelf{}, fmt.Errorf("create shelf: %w", err)
	}
	return sh, nil
}

// Rename validates name and gives it to the owner's shelf id. Changing only the case or spacing of
// a shelf's own name is allowed.
func (s *ShelfStore) Rename(ctx context.Context, owner, id int64, name string) (Shelf, error) {
	name, err := validateShelfName(name)
	if err != nil {
		return Shelf{}, err
	}
	err = s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		// Whose shelf it is comes first: another reader's shelf is not found, whatever its name.
		if err := checkShelf(ctx, tx, owner, id); err != nil {
			return err
		}
		if err := checkNameFree(ctx, tx, owner, id, name); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE shelves SET name = ?, name_key = ? WHERE id = ?`,
			name, ShelfKey(name), id)
		return err
	})
	if errors.Is(err, ErrInvalid) || errors.Is(err, ErrNotFound) {
		return Shelf{}, err
	}
	if err != nil {
		return Shelf{}, fmt.Errorf("rename shelf %d: %w", id, err)
	}
	return s.Get(ctx, owner, id)
}

// Move puts the owner's shelf id at position (0 is first; out-of-range positions are clamped to the
// first or last place), renumbers every shelf densely from 0, and returns the shelves in their new order.
func (s *ShelfStore) Move(ctx context.Context, owner, id int64, position int) ([]Shelf, error) {
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		var ids []int64
		if err := tx.SelectContext(ctx, &ids,
			`SELECT id FROM shelves WHERE owner_id = ? ORDER BY position, id`, owner); err != nil {
			return err
		}
		from := slices.Index(ids, id)
		if from < 0 {
			return ErrNotFound
		}
		ids = slices.Delete(ids, from, from+1)
		ids = slices.Insert(ids, min(max(position, 0), len(ids)), id)
		return renumber(ctx, tx, ids)
	})
	if errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("move shelf %d: %w", id, err)
	}
	return s.List(ctx, owner)
}

// renumber gives the shelves ids the positions 0, 1, 2 ... in that order, touching only those
// whose position changes.
func renumber(ctx context.Context, tx *sqlx.Tx, ids []int64) error {
	for pos, id := range ids {
		if _, err := tx.ExecContext(ctx,
			`UPDATE shelves SET position = ? WHERE id = ? AND position <> ?`, pos, id, pos); err != nil {
			return err
		}
	}
	return nil
}

// Delete removes the owner's shelf id and takes every book off it; the books themselves stay.
// The shelves after it move up, so positions stay dense.
func (s *ShelfStore) Delete(ctx context.Context, owner, id int64) error {
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		var pos int
		if err := tx.GetContext(ctx, &pos,
			`SELECT position FROM shelves WHERE id = ? AND owner_id = ? AND pending_import IS NULL`, id, owner); err != nil {
			return err
		}
		// Spelled out rather than left to ON DELETE CASCADE, like UserStore.Delete.
		for _, q := range []string{
			`DELETE FROM book_shelves WHERE shelf_id = ?`,
			`DELETE FROM shelves WHERE id = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx,
			`UPDATE shelves SET position = position - 1 WHERE owner_id = ? AND position > ?`, owner, pos)
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("delete shelf %d: %w", id, err)
	}
	return nil
}

// List returns the owner's shelves in their order, each with its count of live books.
func (s *ShelfStore) List(ctx context.Context, owner int64) ([]Shelf, error) {
	shelves := []Shelf{}
	if err := s.db.selectAll(ctx, &shelves, listShelves, owner); err != nil {
		return nil, fmt.Errorf("list shelves: %w", err)
	}
	return shelves, nil
}

// Get returns the owner's shelf id with its count of live books, or ErrNotFound.
func (s *ShelfStore) Get(ctx context.Context, owner, id int64) (Shelf, error) {
	var sh Shelf
	err := s.db.get(ctx, &sh, shelfSelect+` WHERE s.id = ? AND s.owner_id = ? AND s.pending_import IS NULL`+shelfOrder, id, owner)
	if errors.Is(err, sql.ErrNoRows) {
		return Shelf{}, ErrNotFound
	}
	if err != nil {
		return Shelf{}, fmt.Errorf("get shelf %d: %w", id, err)
	}
	return sh, nil
}

// Shelve puts the owner's live book on the owner's shelf. A book already on the shelf stays as it was.
func (s *ShelfStore) Shelve(ctx context.Context, owner, bookID, shelfID int64) error {
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := checkOwned(ctx, tx, owner, bookID, []int64{shelfID}); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO book_shelves (book_id, shelf_id, added_at) VALUES (?, ?, ?)
			ON CONFLICT (book_id, shelf_id) DO NOTHING`, bookID, shelfID, s.db.now())
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return err
	}
	if err != nil {
		return fmt.Errorf("shelve book %d on shelf %d: %w", bookID, shelfID, err)
	}
	return nil
}

// Unshelve takes the owner's live book off the owner's shelf. A book that is not on it is left alone.
func (s *ShelfStore) Unshelve(ctx context.Context, owner, bookID, shelfID int64) error {
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := checkOwned(ctx, tx, owner, bookID, []int64{shelfID}); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx,
			`DELETE FROM book_shelves WHERE book_id = ? AND shelf_id = ?`, bookID, shelfID)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return err
	}
	if err != nil {
		return fmt.Errorf("unshelve book %d from shelf %d: %w", bookID, shelfID, err)
	}
	return nil
}

// SetBookShelves puts the owner's live book on exactly the shelves shelfIDs (duplicates are
// ignored; none takes it off every shelf), as a form of checkboxes submits them. It is all or
// nothing: if any shelf is missing or someone else's, the answer is ErrNotFound and nothing changes.
// Shelves the book stays on keep the time it was put there.
func (s *ShelfStore) SetBookShelves(ctx context.Context, owner, bookID int64, shelfIDs []int64) error {
	ids := append([]int64{}, shelfIDs...) // never nil: nil would encode as null, not as []
	slices.Sort(ids)
	ids = slices.Compact(ids)
	set, err := json.Marshal(ids) // one parameter, read back with json_each, whatever the number of shelves
	if err != nil {
		return fmt.Errorf("set shelves of book %d: %w", bookID, err)
	}
	err = s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := checkOwned(ctx, tx, owner, bookID, ids); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			DELETE FROM book_shelves
			WHERE book_id = ? AND shelf_id NOT IN (`+s.db.idsOf()+`)`, bookID, set); err != nil {
			return err
		}
		// "WHERE true" tells SQLite's parser that ON CONFLICT belongs to the INSERT, not to a join.
		_, err := tx.ExecContext(ctx, `
			INSERT INTO book_shelves (book_id, shelf_id, added_at)
			SELECT ?, value, ? FROM (`+s.db.idsOf()+`) AS ids WHERE true
			ON CONFLICT (book_id, shelf_id) DO NOTHING`, bookID, s.db.now(), set)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return err
	}
	if err != nil {
		return fmt.Errorf("set shelves of book %d: %w", bookID, err)
	}
	return nil
}

// checkOwned returns ErrNotFound unless bookID is the owner's live book and every one of the
// distinct shelfIDs is the owner's shelf.
func checkOwned(ctx context.Context, tx *sqlx.Tx, owner, bookID int64, shelfIDs []int64) error {
	var ok bool
	if err := tx.GetContext(ctx, &ok, `
		SELECT EXISTS (SELECT 1 FROM books WHERE id = ? AND owner_id = ? AND deleted_at IS NULL AND pending_import IS NULL)`,
		bookID, owner); err != nil {
		return err
	}
	if !ok {
		return ErrNotFound
	}
	for _, id := range shelfIDs {
		if err := checkShelf(ctx, tx, owner, id); err != nil {
			return err
		}
	}
	return nil
}

// checkShelf returns ErrNotFound unless id is the owner's shelf.
func checkShelf(ctx context.Context, tx *sqlx.Tx, owner, id int64) error {
	var ok bool
	if err := tx.GetContext(ctx, &ok,
		`SELECT EXISTS (SELECT 1 FROM shelves WHERE id = ? AND owner_id = ? AND pending_import IS NULL)`, id, owner); err != nil {
		return err
	}
	if !ok {
		return ErrNotFound
	}
	return nil
}

// BookShelves returns the shelves the owner's live book is on, in the shelves' order, or
// ErrNotFound when the book is not the owner's live book.
func (s *ShelfStore) BookShelves(ctx context.Context, owner, bookID int64) ([]Shelf, error) {
	if err := s.checkBook(ctx, owner, bookID); err != nil {
		return nil, err
	}
	shelves := []Shelf{}
	err := s.db.selectAll(ctx, &shelves, shelfSelect+`
		WHERE s.owner_id = ? AND s.id IN (SELECT shelf_id FROM book_shelves WHERE book_id = ?)`+shelfOrder,
		owner, bookID)
	if err != nil {
		return nil, fmt.Errorf("shelves of book %d: %w", bookID, err)
	}
	return shelves, nil
}

// checkBook returns ErrNotFound unless bookID is the owner's live book.
func (s *ShelfStore) checkBook(ctx context.Context, owner, bookID int64) error {
	var ok bool
	if err := s.db.get(ctx, &ok, `
		SELECT EXISTS (SELECT 1 FROM books WHERE id = ? AND owner_id = ? AND deleted_at IS NULL AND pending_import IS NULL)`,
		bookID, owner); err != nil {
		return fmt.Errorf("check book %d: %w", bookID, err)
	}
	if !ok {
		return ErrNotFound
	}
	return nil
}

// ListBooks returns up to limit of the live books on the owner's shelf older than the cursor before
// (0 means from the newest), newest first, paged by id exactly like BookStore.List. A shelf that
// is not the owner's is ErrNotFound.
func (s *ShelfStore) ListBooks(ctx context.Context, owner, shelfID, before int64, limit int) (BookPage, error) {
	return s.db.Books().find(ctx, owner, BookQuery{Shelf: shelfID}, before, limit)
}
