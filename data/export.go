package data

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// exportPage is how many books Export reads at a time: enough to keep the number of queries low,
// few enough that a library of any size costs the same small amount of memory.
const exportPage = 500

// ExportBook is one book with everything Bookcase knows about it, for an export.
type ExportBook struct {
	Book
	// Shelves are the names of the reader's shelves the book is on, in the shelves' order.
	Shelves []string
	// ReadThroughs are the book's readings, oldest first.
	ReadThroughs []ReadThrough
	// Progress is every progress update of every read-through, oldest first.
	Progress []ProgressUpdate
	// CoverSmall and CoverLarge are the book's cover as stored, nil when it has none.
	CoverSmall, CoverLarge []byte
	// Edition is the book's edition facts, the zero Edition when none is known.
	Edition Edition
	// Series are the book's series with its positions as printed, in the order the book's page
	// lists them (by name), the first being the one a Goodreads title carries.
	Series []SeriesRef
	// Contributors are the book's authors and contributors in order, with their sort names.
	Contributors []Contributor
}

// Export calls visit with each of the owner's live books, oldest (lowest id) first, with its
// shelves, read-throughs and progress history, and stops at the first error visit returns. It
// reads the library a page of books at a time, so memory stays bounded whatever its size; each
// page is read on its own, so a book changed while an export runs may appear as it was or as it is.
func (s *BookStore) Export(ctx context.Context, owner int64, visit func(ExportBook) error) error {
	after := int64(0)
	for {
		books, err := s.exportPage(ctx, owner, after)
		if err != nil {
			return fmt.Errorf("export books: %w", err)
		}
		for _, b := range books {
			if err := visit(b); err != nil {
				return err
			}
		}
		if len(books) < exportPage {
			return nil
		}
		after = books[len(books)-1].ID
	}
}

// exportPage reads up to exportPage of the owner's live books with ids above after, in id order,
// with their shelves, read-throughs, progress, covers, edition facts, series and contributors:
// eight queries per page.
func (s *BookStore) exportPage(ctx context.Context, owner, after int64) ([]ExportBook, error) {
	rows, err := s.db.read.QueryxContext(ctx, `
		SELECT `+bookColumns+` FROM books
		WHERE owner_id = ? AND deleted_at IS NULL AND pending_import IS NULL AND id > ?
		ORDER BY id LIMIT ?`, owner, after, exportPage)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	books := make([]ExportBook, 0, exportPage)
	index := make(map[int64]int, exportPage)
	ids := make([]int64, 0, exportPage)
	for rows.Next() {
		var b Book
		if err := rows.StructScan(&b); err != nil {
			return nil, err
		}
		index[b.ID] = len(books)
		ids = append(ids, b.ID)
		books = append(books, ExportBook{Book: b, Shelves: []string{}, ReadThroughs: []ReadThrough{}, Progress: []ProgressUpdate{}})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(books) == 0 {
		return books, nil
	}

	var shelved []struct {
		BookID int64  `db:"book_id"`
		Name   string `db:"name"`
	}
	if err := s.selectIn(ctx, &shelved, `
		SELECT bs.book_id, s.name FROM book_shelves bs JOIN shelves s ON s.id = bs.shelf_id
		WHERE s.owner_id = ? AND bs.book_id IN (?)
		ORDER BY s.position, s.id`, owner, ids); err != nil {
		return nil, err
	}
	for _, r := range shelved {
		b := &books[index[r.BookID]]
		b.Shelves = append(b.Shelves, r.Name)
	}

	var rts []ReadThrough
	if err := s.selectIn(ctx, &rts, `
		SELECT `+readThroughColumns+` FROM read_throughs
		WHERE book_id IN (?)
		ORDER BY book_id, `+readingsOldestFirst, ids); err != nil {
		return nil, err
	}
	for _, rt := range rts {
		b := &books[index[rt.BookID]]
		b.ReadThroughs = append(b.ReadThroughs, rt)
	}

	var progress []struct {
		progressRow
		BookID int64 `db:"book_id"`
	}
	if err := s.selectIn(ctx, &progress, `
		SELECT `+progressColumns+`, r.book_id FROM progress_updates p
		JOIN read_throughs r ON r.id = p.read_through_id
		WHERE r.book_id IN (?)
		ORDER BY p.recorded_at, p.id`, ids); err != nil {
		return nil, err
	}
	for _, p := range progress {
		b := &books[index[p.BookID]]
		b.Progress = append(b.Progress, ProgressUpdate{ID: p.ID, ReadThroughID: p.ReadThroughID, Progress: p.progress(b.Pages)})
	}

	// A page's covers are some 50 KB a book at most: 25 MB for a page of covered books, read
	// and let go before the next page.
	var covers []struct {
		BookID int64  `db:"book_id"`
		Small  []byte `db:"small"`
		Large  []byte `db:"large"`
	}
	if err := s.selectIn(ctx, &covers, `SELECT book_id, small, large FROM covers WHERE book_id IN (?)`, ids); err != nil {
		return nil, err
	}
	for _, c := range covers {
		b := &books[index[c.BookID]]
		b.CoverSmall, b.CoverLarge = c.Small, c.Large
	}

	var editions []struct {
		BookID int64 `db:"book_id"`
		editionRow
	}
	if err := s.selectIn(ctx, &editions, `SELECT `+editionSelect+` FROM editions e WHERE e.book_id IN (?)`, ids); err != nil {
		return nil, err
	}
	for _, e := range editions {
		books[index[e.BookID]].Edition = Edition(e.editionRow)
	}

	var series []BookSeries
	if err := s.selectIn(ctx, &series, `
		SELECT bs.book_id, bs.series_id, s.name, bs.position FROM book_series bs JOIN series s ON s.id = bs.series_id
		WHERE s.owner_id = ? AND bs.book_id IN (?) ORDER BY bs.book_id, s.name_key`, owner, ids); err != nil {
		return nil, err
	}
	for _, r := range series {
		b := &books[index[r.BookID]]
		b.Series = append(b.Series, SeriesRef{Name: r.Name, Position: r.Position})
	}
	var contributors []BookContributor
	if err := s.selectIn(ctx, &contributors, `
		SELECT `+contributorColumns+` FROM book_contributors bc JOIN authors a ON a.id = bc.author_id
		WHERE a.owner_id = ? AND bc.book_id IN (?) ORDER BY bc.book_id, bc.position`, owner, ids); err != nil {
		return nil, err
	}
	for _, c := range contributors {
		b := &books[index[c.BookID]]
		b.Contributors = append(b.Contributors, Contributor{Name: c.Name, SortName: c.SortName, Role: c.Role})
	}
	return books, nil
}

// selectIn runs a read query whose "IN (?)" takes a slice, expanded by sqlx.In into one
// placeholder per element. The query varies with the slice's length, so it is not kept prepared.
func (s *BookStore) selectIn(ctx context.Context, dest any, query string, args ...any) error {
	q, args, err := sqlx.In(query, args...)
	if err != nil {
		return err
	}
	return s.db.read.SelectContext(ctx, dest, s.db.read.Rebind(q), args...)
}
