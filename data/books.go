package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
)

// PageSize is how many books one page of the library shows.
const PageSize = 50

// BookStore reads and writes books. Every method that reads or changes books takes the owner's
// user id: there is no way to reach a book without saying whose it is.
type BookStore struct {
	db *DB
}

// BookPage is one page of the library, newest first.
type BookPage struct {
	// Books carry what a list of books shows: every field of a Book but Notes, ISBN and
	// UpdatedAt, which are left empty (Get has them); reading those for every row cost a fifth
	// of the time of a page.
	Books []Book
	// Next is the cursor for the following (older) page, or 0 when this is the last page.
	Next int64
	// Cursor is Find's cursor for the following page, or "" when this is the last page.
	Cursor string
	// Matches is how many books match the query in all, when Find counted them on its way to the
	// first page (a search in the added order that the full-text index drives), or -1: then
	// FindCount counts them.
	Matches int
}

// bookColumns are the columns of a Book; NULL pages, rating and ISBN read as their zero values.
const bookColumns = `id, title, author, genre, created_at, updated_at, status, format,
	COALESCE(pages, 0) AS pages, COALESCE(rating, 0) AS rating, notes, review, review_spoiler, COALESCE(isbn, '') AS isbn,
	COALESCE(CAST(finished_on AS TEXT), '') AS finished_on, progress_page, progress_percent, progress_at,
	COALESCE((SELECT c.hash FROM covers c WHERE c.book_id = books.id), '') AS cover`

// Create validates in and stores it as a new book. A book created as reading, read or did not
// finish gets its read-through, started (and for read or did not finish, finished) today.
func (s *BookStore) Create(ctx context.Context, owner int64, in BookInput) (Book, error) {
	return s.CreateCatalogued(ctx, owner, in, Catalogued{})
}

// CreateCatalogued is Create for a book that also takes its length, ISBN and cover from a
// catalogue's record (Catalogued), all in the same transaction as the book.
func (s *BookStore) CreateCatalogued(ctx context.Context, owner int64, in BookInput, x Catalogued) (Book, error) {
	return s.createBook(ctx, owner, in, x, nil, nil)
}

// CreateWithTabs is CreateCatalogued for the library's new-book row, whose answer shows the
// library's tabs again with the new book counted: it returns them as the transaction that wrote
// the book left them, with the reader's books added in the same transaction counted too (read
// once for them all, batchReads). Read after it instead, on a reader's connection, they cost about 100 µs of CPU an
// added book: a reader's connection drops every page it keeps when another has written since
// its last read, and the writer's has them all.
func (s *BookStore) CreateWithTabs(ctx context.Context, owner int64, in BookInput, x Catalogued) (Book, LibraryTabs, error) {
	var tabs LibraryTabs
	b, err := s.createBook(ctx, owner, in, x, nil, &tabs)
	return b, tabs, err
}

// createBook is CreateCatalogued; then, when not nil, writes what else comes with the new book
// (its series) in the same transaction, and may run twice (inBatch). When tabs is not nil it is
// set to the owner's LibraryTabs as the transaction leaves them (inBatchRead).
func (s *BookStore) createBook(ctx context.Context, owner int64, in BookInput, x Catalogued, then func(context.Context, *sqlx.Tx, *Book) error, tabs *LibraryTabs) (Book, error) {
	in = in.Normalize()
	err := in.Validate()
	now := s.db.now()
	if xerr := x.check(now); xerr != nil {
		var v, xv *ValidationError
		if errors.As(err, &v) && errors.As(xerr, &xv) {
			for field, msg := range xv.Fields {
				v.add(field, msg)
			}
		} else {
			err = xerr
		}
	}
	if err != nil {
		return Book{}, err
	}
	x.Edition = x.Edition.normalize()
	if in.Status == "" {
		in.Status = StatusWant
	}
	if in.Format == "" {
		in.Format = FormatPaperback
	}
	var b Book
	// Books added at the same moment (by many readers at once) share a transaction: a commit
	// writes some 24 pages to the log, most of which every new book changes. 32 goroutines
	// adding books to a library of 100,000 (BenchmarkCreateParallel): 96 → 13–16 KB of log
	// and 895–1,193 → 388–525 µs of CPU a book.
	var read func(context.Context, *sqlx.Tx, *batchReads) error
	if tabs != nil {
		read = func(ctx context.Context, tx *sqlx.Tx, r *batchReads) error {
			var err error
			*tabs, err = r.libraryTabs(ctx, tx, owner)
			return err
		}
	}
	err = s.db.inBatchRead(ctx, owner, func(ctx context.Context, tx *sqlx.Tx) error {
		// The authors first, so that the book is written once with its author text and sort key.
		people, authors, err := storedPeople(contributorsOf(in.Author), func(c Contributor) (Author, error) {
			return s.db.putAuthor(ctx, tx, owner, c)
		})
		if err != nil {
			return err
		}
		text, sortKey := authorText(in.Author, people)
		if err := tx.GetContext(ctx, &b, `
			INSERT INTO books (owner_id, title, author, author_sort, genre, status, format, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			RETURNING `+bookColumns,
			owner, in.Title, text, sortKey, in.Genre, StatusWant, in.Format, now, now); err != nil {
			return err
		}
		if err := insertContributors(ctx, tx, b.ID, people, authors); err != nil {
			return err
		}
		if err := addToCount(ctx, tx, owner, StatusWant, 1); err != nil {
			return err
		}
		if x.Pages > 0 || x.ISBN != "" {
			if err := tx.GetContext(ctx, &b, `
				UPDATE books SET pages = ?, isbn = ? WHERE id = ?
				RETURNING `+bookColumns,
				sql.NullInt64{Int64: int64(x.Pages), Valid: x.Pages > 0},
				sql.NullString{String: string(x.ISBN), Valid: x.ISBN != ""}, b.ID); err != nil {
				return err
			}
		}
		if len(x.Small) > 0 && len(x.Large) > 0 {
			var err error
			if b.Cover, err = putCover(ctx, tx, b.ID, x.Small, x.Large, now); err != nil {
				return err
			}
		}
		if x.Edition != (Edition{}) {
			if err := putEdition(ctx, tx, b.ID, x.Edition, now); err != nil {
				return err
			}
		}
		if then != nil {
			if err := then(ctx, tx, &b); err != nil {
				return err
			}
		}
		if in.Status != StatusWant {
			if err := s.db.changeStatus(ctx, tx, owner, &b, in.Status, in.today(now)); err != nil {
				return err
			}
		}
		return nil
	}, read)
	if err != nil {
		return Book{}, fmt.Errorf("create book: %w", err)
	}
	return b, nil
}

// Get returns the owner's live book with the given id, or ErrNotFound (also when the book is
// someone else's: to a reader, another reader's book does not exist).
func (s *BookStore) Get(ctx context.Context, owner, id int64) (Book, error) {
	return s.db.getBook(ctx, owner, id)
}

// getBook is BookStore.Get, for the stores of what belongs to a book (its readings).
func (db *DB) getBook(ctx context.Context, owner, id int64) (Book, error) {
	var b Book
	err := db.get(ctx, &b,
		`SELECT `+bookColumns+` FROM books WHERE id = ? AND owner_id = ? AND deleted_at IS NULL AND pending_import IS NULL`, id, owner)
	if errors.Is(err, sql.ErrNoRows) {
		return Book{}, ErrNotFound
	}
	if err != nil {
		return Book{}, fmt.Errorf("get book %d: %w", id, err)
	}
	return b, nil
}

// GetDeleted returns a deleted book that can still be restored, or ErrNotFound.
func (s *BookStore) GetDeleted(ctx context.Context, owner, id int64) (Book, error) {
	var b Book
	err := s.db.get(ctx, &b,
		`SELECT `+bookColumns+` FROM books WHERE id = ? AND owner_id = ? AND deleted_at IS NOT NULL`, id, owner)
	if errors.Is(err, sql.ErrNoRows) {
		return Book{}, ErrNotFound
	}
	if err != nil {
		return Book{}, fmt.Errorf("get deleted book %d: %w", id, err)
	}
	return b, nil
}

// List returns up to limit of the owner's books older than the cursor before (0 means from the
// newest), newest first: Find's default order, paged by id, so a deep page costs the same as the first.
func (s *BookStore) List(ctx context.Context, owner, before int64, limit int) (BookPage, error) {
	return s.find(ctx, owner, BookQuery{}, before, limit)
}

// find is Find in the default order from the id cursor before (0 for the first page).
func (s *BookStore) find(ctx context.Context, owner int64, q BookQuery, before int64, limit int) (BookPage, error) {
	if before > 0 {
		q.Cursor = strconv.FormatInt(before, 10)
	}
	q.Limit = limit
	return s.Find(ctx, owner, q)
}

// ListByStatus is List restricted to the owner's books with the given status; the empty status
// lists them all.
func (s *BookStore) ListByStatus(ctx context.Context, owner int64, status Status, before int64, limit int) (BookPage, error) {
	return s.find(ctx, owner, BookQuery{Status: status}, before, limit)
}

// statusCounts is ReadingStore.StatusCounts, which Find also asks to choose its plan; it reads
// book_counts, which the writers of books keep beside this.
func (db *DB) statusCounts(ctx context.Context, owner int64) (map[Status]int, error) {
	var c statusCountRow
	err := db.get(ctx, &c, selectStatusCounts, owner)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("count books by status: %w", err)
	}
	return c.byStatus(), nil
}

// selectStatusCounts reads an owner's row of book_counts (statusCountRow); an owner without
// books has none.
const selectStatusCounts = `SELECT want, reading, read, dnf FROM book_counts WHERE owner_id = ?`

// statusCountRow is an owner's row of book_counts.
type statusCountRow struct {
	Want    int `db:"want"`
	Reading int `db:"reading"`
	Read    int `db:"read"`
	DNF     int `db:"dnf"`
}

func (c statusCountRow) byStatus() map[Status]int {
	return map[Status]int{StatusWant: c.Want, StatusReading: c.Reading, StatusRead: c.Read, StatusDNF: c.DNF}
}

// LibraryTabs are what the library's tabs show, as LibrarySummary has them: the owner's live
// books counted by status, and their shelves with their counts. A tab names its shelf and links
// to it: the shelves have their ID, Name and Books, and no more.
type LibraryTabs struct {
	Counts  map[Status]int
	Shelves []Shelf
}

// selectTabShelves reads an owner's visible shelves in their order, with what a tab shows of
// each (LibraryTabs).
const selectTabShelves = `SELECT s.id, s.name, s.books FROM shelves s WHERE s.owner_id = ? AND s.pending_import IS NULL` + shelfOrder

// readTabs reads the owner's LibraryTabs in tx. Adds from the new-book row read them (once a
// batch, batchReads): the shelves are scanned by hand, as sqlx's mapping by reflection and a
// creation time parsed that no tab shows cost most of the read (BenchmarkCreateParallel in
// package handlers).
func readTabs(ctx context.Context, tx *sqlx.Tx, owner int64) (LibraryTabs, error) {
	var c statusCountRow
	err := tx.QueryRowContext(ctx, selectStatusCounts, owner).Scan(&c.Want, &c.Reading, &c.Read, &c.DNF)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return LibraryTabs{}, fmt.Errorf("count books by status: %w", err)
	}
	rows, err := tx.QueryContext(ctx, selectTabShelves, owner)
	if err != nil {
		return LibraryTabs{}, fmt.Errorf("list shelves: %w", err)
	}
	defer rows.Close()
	shelves := []Shelf{}
	for rows.Next() {
		var sh Shelf
		if err := rows.Scan(&sh.ID, &sh.Name, &sh.Books); err != nil {
			return LibraryTabs{}, fmt.Errorf("list shelves: %w", err)
		}
		shelves = append(shelves, sh)
	}
	if err := rows.Err(); err != nil {
		return LibraryTabs{}, fmt.Errorf("list shelves: %w", err)
	}
	return LibraryTabs{Counts: c.byStatus(), Shelves: shelves}, nil
}

// validStatus reports whether st is one of the four statuses.
func validStatus(st Status) bool {
	for _, s := range Statuses() {
		if st == s {
			return true
		}
	}
	return false
}

// Count returns how many live books the owner has.
func (s *BookStore) Count(ctx context.Context, owner int64) (int, error) {
	var n int
	err := s.db.get(ctx, &n, `SELECT live FROM book_counts WHERE owner_id = ?`, owner)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("count books: %w", err)
	}
	return n, nil
}

// countColumn is the book_counts column that counts live books with the status: a name from this
// closed list, never from input.
func countColumn(st Status) (string, error) {
	switch st {
	case StatusWant:
		return "want", nil
	case StatusReading:
		return "reading", nil
	case StatusRead:
		return "read", nil
	case StatusDNF:
		return "dnf", nil
	}
	return "", fmt.Errorf("no count for status %q", st)
}

// addToCount changes the owner's count of live books, in all and with the status, by delta, in
// the transaction that changes the books themselves.
func addToCount(ctx context.Context, tx *sqlx.Tx, owner int64, status Status, delta int) error {
	col, err := countColumn(status)
	if err != nil {
		return err
	}
	if delta < 0 { // a book is being removed, so the owner's row exists (and a negative insert would fail its CHECK)
		_, err := tx.ExecContext(ctx, `UPDATE book_counts SET live = live + ?, `+col+` = `+col+` + ? WHERE owner_id = ?`, delta, delta, owner)
		return err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO book_counts (owner_id, live, `+col+`) VALUES (?, ?, ?)
		ON CONFLICT (owner_id) DO UPDATE SET live = book_counts.live + excluded.live, `+col+` = book_counts.`+col+` + excluded.`+col,
		owner, delta, delta)
	return err
}

// moveCount moves one live book of the owner's from one status's count to another's.
func moveCount(ctx context.Context, tx *sqlx.Tx, owner int64, from, to Status) error {
	fromCol, err := countColumn(from)
	if err != nil {
		return err
	}
	toCol, err := countColumn(to)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE book_counts SET `+fromCol+` = `+fromCol+` - 1, `+toCol+` = `+toCol+` + 1 WHERE owner_id = ?`, owner)
	return err
}

// recount sets the owner's counts of live books from the books themselves.
func recount(ctx context.Context, tx *sqlx.Tx, owner int64) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO book_counts (owner_id, live, want, reading, read, dnf)
		SELECT ?, COUNT(*),
		       COUNT(CASE WHEN status = 'want' THEN 1 END), COUNT(CASE WHEN status = 'reading' THEN 1 END),
		       COUNT(CASE WHEN status = 'read' THEN 1 END), COUNT(CASE WHEN status = 'dnf' THEN 1 END)
		FROM books WHERE owner_id = ? AND deleted_at IS NULL AND pending_import IS NULL
		ON CONFLICT (owner_id) DO UPDATE SET live = excluded.live, want = excluded.want,
			reading = excluded.reading, read = excluded.read, dnf = excluded.dnf`, owner, owner)
	return err
}

// Update validates in and replaces the fields of the owner's live book id. A non-empty Status
// changes the status as SetStatus does, today. A non-empty Format changes the format; from
// pages to minutes or back, the length (in the other unit) is forgotten and the progress kept
// as shares of the book (changeFormat).
func (s *BookStore) Update(ctx context.Context, owner, id int64, in BookInput) (Book, error) {
	in = in.Normalize()
	if err := in.Validate(); err != nil {
		return Book{}, err
	}
	now := s.db.now()
	var b Book
	// Edits made at the same moment share a transaction as new books do (inBatch): every edit
	// moves its reader's reading version on, one row that each would otherwise wait for.
	err := s.db.inBatch(ctx, owner, func(ctx context.Context, tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &b, `
			UPDATE books SET title = ?, genre = ?, updated_at = ?
			WHERE id = ? AND owner_id = ? AND deleted_at IS NULL AND pending_import IS NULL
			RETURNING `+bookColumns,
			in.Title, in.Genre, now, id, owner); err != nil {
			return err
		}
		// The author text as the book shows it is left alone: its contributors are as they were.
		if in.Author != b.Author {
			text, err := s.db.setContributors(ctx, tx, owner, id, contributorsOf(in.Author))
			if err != nil {
				return err
			}
			b.Author = text
		}
		if in.Format != "" && in.Format != b.Format {
			if err := changeFormat(ctx, tx, b, in.Format, false); err != nil {
				return err
			}
			if err := tx.GetContext(ctx, &b, `SELECT `+bookColumns+` FROM books WHERE id = ?`, b.ID); err != nil {
				return err
			}
		}
		if in.Status == "" {
			return nil
		}
		return s.db.changeStatus(ctx, tx, owner, &b, in.Status, in.today(now))
	})
	if errors.Is(err, sql.ErrNoRows) {
		return Book{}, ErrNotFound
	}
	if err != nil {
		return Book{}, fmt.Errorf("update book %d: %w", id, err)
	}
	return b, nil
}

// Delete removes the owner's live book id from the library and returns it as it was. The book is kept
// aside so Restore can bring it back until PurgeDeleted drops it.
func (s *BookStore) Delete(ctx context.Context, owner, id int64) (Book, error) {
	var b Book
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &b, `
			UPDATE books SET deleted_at = ?
			WHERE id = ? AND owner_id = ? AND deleted_at IS NULL AND pending_import IS NULL
			RETURNING `+bookColumns,
			s.db.now(), id, owner); err != nil {
			return err
		}
		return addToCount(ctx, tx, owner, b.Status, -1)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return Book{}, ErrNotFound
	}
	if err != nil {
		return Book{}, fmt.Errorf("delete book %d: %w", id, err)
	}
	return b, nil
}

// Restore brings back the owner's deleted book exactly as it was: same id, same fields. Restoring a book
// that is live already is a no-op; a book that was never there, or was purged, is ErrNotFound.
func (s *BookStore) Restore(ctx context.Context, owner, id int64) (Book, error) {
	var b Book
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &b, `
			UPDATE books SET deleted_at = NULL
			WHERE id = ? AND owner_id = ? AND deleted_at IS NOT NULL
			RETURNING `+bookColumns, id, owner)
		if errors.Is(err, sql.ErrNoRows) { // live already, or not there at all
			return tx.GetContext(ctx, &b, `
				SELECT `+bookColumns+` FROM books WHERE id = ? AND owner_id = ? AND deleted_at IS NULL AND pending_import IS NULL`, id, owner)
		}
		if err != nil {
			return err
		}
		return addToCount(ctx, tx, owner, b.Status, 1)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return Book{}, ErrNotFound
	}
	if err != nil {
		return Book{}, fmt.Errorf("restore book %d: %w", id, err)
	}
	return b, nil
}

// purgeDeleted deletes the books deleted before its argument, found by the index of deleted books
// (books_deleted).
const purgeDeleted = `DELETE FROM books WHERE deleted_at IS NOT NULL AND deleted_at < ?`

// PurgeDeleted permanently removes books deleted longer than olderThan ago and reports how many.
func (s *BookStore) PurgeDeleted(ctx context.Context, olderThan time.Duration) (int64, error) {
	var n int64
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, purgeDeleted, s.db.now().Add(-olderThan))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("purge deleted books: %w", err)
	}
	return n, nil
}
