package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Bounds of the authors' pages.
const (
	// AuthorBooksPageSize is how many books one page of an author's books shows.
	AuthorBooksPageSize = PageSize
	// AuthorsPageSize is how many authors one page of the list of authors shows.
	AuthorsPageSize = 100
	// MaxAuthorSuggestions is the most names the author field suggests.
	MaxAuthorSuggestions = 10
	// maxAuthorSearch is the longest search of the list of authors and of the suggestions, in bytes.
	maxAuthorSearch = 200
)

// Form fields of an author, the keys of the *ValidationError the store returns.
const (
	FieldAuthorName     = "name"
	FieldAuthorSortName = "sort_name"
	FieldMergeInto      = "into"
	FieldContributors   = "contributors"
)

// Messages of the authors' rules.
const (
	msgAuthorNameOne   = "Write one name, without a role: the roles are set on each book."
	msgAuthorTaken     = "You have an author of that name already: merge into them instead."
	msgMergeSelf       = "Choose another author to merge into."
	msgContributorsOne = "Write one name in each line."
)

// Author is one of a reader's authors: a person who contributed to their books.
type Author struct {
	ID       int64  `db:"id"`
	Name     string `db:"name"`
	SortName string `db:"sort_name"`
}

// AuthorSummary is an author as the list of authors shows them: their live books, and how many of
// them the reader has read.
type AuthorSummary struct {
	Author
	Books int `db:"books"`
	Read  int `db:"read"`
}

// BookContributor is one of a book's contributors, at its place in the book's list.
type BookContributor struct {
	BookID   int64  `db:"book_id"`
	AuthorID int64  `db:"author_id"`
	Name     string `db:"name"`
	SortName string `db:"sort_name"`
	Role     Role   `db:"role"`
	Position int    `db:"position"`
}

// AuthorBook is a book of an author's, with what the author did for it.
type AuthorBook struct {
	Role Role `db:"role"`
	Book
}

// AuthorDetail is an author with a page of their live books, by title, and how many they have.
type AuthorDetail struct {
	Author
	Books []AuthorBook
	// Total is how many live books the author has, and Read how many of them the reader has read.
	Total, Read int
	// Cursor is where the next page of books starts, "" when Books are the last.
	Cursor string
}

// Unread is how many of the author's books the reader has not read.
func (d AuthorDetail) Unread() int { return d.Total - d.Read }

// AuthorSort is an order of the list of authors.
type AuthorSort string

// The orders of the list of authors.
const (
	AuthorsByName  AuthorSort = "name"
	AuthorsByBooks AuthorSort = "books"
)

// AuthorQuery is what the list of authors shows: those whose name or sort name has a word
// starting with Search, in an order, a page of them.
type AuthorQuery struct {
	Search string
	Sort   AuthorSort
	// After is the last author of the page before (AuthorList.After of it), 0 for the first page.
	After int64
}

// AuthorList is a page of the list of authors.
type AuthorList struct {
	Authors []AuthorSummary
	// After is the author the next page starts after, 0 when these are the last.
	After int64
}

// AuthorStore keeps readers' authors and their books' contributors. Every method takes the owner:
// another reader's author or book, or a deleted book, is ErrNotFound. An author exists while a
// book has them: taking them off their last book, or purging it, removes the author (trigger
// book_contributors_last_book), so no author is left without books; an author whose books are
// all deleted is hidden (not listed, not suggested, their page not found) and comes back with Undo.
type AuthorStore struct{ db *DB }

// Authors returns the store for authors.
func (db *DB) Authors() *AuthorStore { return &AuthorStore{db: db} }

// contributorColumns read a BookContributor from book_contributors bc joined to authors a.
const contributorColumns = `bc.book_id, bc.author_id, a.name, a.sort_name, bc.role, bc.position`

// OfBook returns the contributors of the owner's live book id, in order.
func (s *AuthorStore) OfBook(ctx context.Context, owner, id int64) ([]BookContributor, error) {
	var live bool
	if err := s.db.get(ctx, &live, `
		SELECT EXISTS (SELECT 1 FROM books WHERE id = ? AND owner_id = ? AND deleted_at IS NULL AND pending_import IS NULL)`, id, owner); err != nil {
		return nil, fmt.Errorf("contributors of book %d: %w", id, err)
	}
	if !live {
		return nil, ErrNotFound
	}
	var out []BookContributor
	if err := s.db.selectAll(ctx, &out, `
		SELECT `+contributorColumns+` FROM book_contributors bc JOIN authors a ON a.id = bc.author_id
		WHERE bc.book_id = ? AND a.owner_id = ? ORDER BY bc.position`, id, owner); err != nil {
		return nil, fmt.Errorf("contributors of book %d: %w", id, err)
	}
	return out, nil
}

// OfBooks returns the contributors of the owner's books ids (a page of the library, an export),
// in order, by book, in one query.
func (s *AuthorStore) OfBooks(ctx context.Context, owner int64, ids []int64) (map[int64][]BookContributor, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	query, args, err := sqlx.In(`
		SELECT `+contributorColumns+` FROM book_contributors bc JOIN authors a ON a.id = bc.author_id
		WHERE bc.book_id IN (?) AND a.owner_id = ? ORDER BY bc.book_id, bc.position`, ids, owner)
	if err != nil {
		return nil, err
	}
	var rows []BookContributor
	if err := s.db.selectAll(ctx, &rows, query, args...); err != nil {
		return nil, fmt.Errorf("contributors of books: %w", err)
	}
	out := make(map[int64][]BookContributor, len(ids))
	for _, r := range rows {
		out[r.BookID] = append(out[r.BookID], r)
	}
	return out, nil
}

// putAuthor finds the owner's author c names (by AuthorKey) in tx, or makes them with c's name
// and sort name, and returns them as stored. On SQLite it looks them up first and upserts only
// someone new: the upsert of a known author is an insert refused, then an update of their row
// (upsertAuthor), on every book added by them in the one writer's serial time. There the lookup
// cannot race (tx is the only writer); on PostgreSQL the author found could be deleted before tx
// commits, so it keeps the upsert, which locks the row.
func (db *DB) putAuthor(ctx context.Context, tx *sqlx.Tx, owner int64, c Contributor) (Author, error) {
	var a Author
	if !db.postgres() {
		err := tx.GetContext(ctx, &a, findAuthor, owner, AuthorKey(c.Name))
		if !errors.Is(err, sql.ErrNoRows) {
			return a, err
		}
	}
	err := tx.GetContext(ctx, &a, upsertAuthor, authorArgs(owner, c, db.now())...)
	return a, err
}

// findAuthor finds the owner's author by name_key, as upsertAuthor returns them.
const findAuthor = `SELECT id, name, sort_name FROM authors WHERE owner_id = ? AND name_key = ?`

// upsertAuthor finds the owner's author by name_key, or makes them, and returns them as stored;
// its arguments are authorArgs. A found author's row is written again (RETURNING needs the
// update) with a column no index has: setting name_key rewrote their entry in the unique index
// it is in, a page of log on every book added by a known author.
const upsertAuthor = `
	INSERT INTO authors (owner_id, name, name_key, sort_name, sort_key, created_at) VALUES (?, ?, ?, ?, ?, ?)
	ON CONFLICT (owner_id, name_key) DO UPDATE SET name = authors.name
	RETURNING id, name, sort_name`

// authorArgs are upsertAuthor's arguments for the owner's contributor c, made at now.
func authorArgs(owner int64, c Contributor, now time.Time) []any {
	return []any{owner, c.Name, AuthorKey(c.Name), c.SortName, strings.ToLower(c.SortName), now}
}

// storedPeople finds or makes the authors of cs with put (putAuthor, or a cache of it) and
// returns the contributors as stored (their author's name and sort name as the owner has them), in
// order and without a second spelling of one author in one role, and their authors' ids: what a
// new book's contributors are.
func storedPeople(cs []Contributor, put func(Contributor) (Author, error)) ([]Contributor, []int64, error) {
	out, ids := make([]Contributor, 0, len(cs)), make([]int64, 0, len(cs))
outer:
	for _, c := range cs {
		a, err := put(c)
		if err != nil {
			return nil, nil, err
		}
		for i := range out {
			if ids[i] == a.ID && out[i].Role == c.Role { // two spellings of one author
				continue outer
			}
		}
		out, ids = append(out, Contributor{Name: a.Name, SortName: a.SortName, Role: c.Role}), append(ids, a.ID)
	}
	return out, ids, nil
}

// authorText is the author text and author sort key of a new book typed with author text typed
// and whose contributors are people, as stored (storedPeople).
func authorText(typed string, people []Contributor) (text, sortKey string) {
	if len(people) == 0 {
		return typed, asciiLower(typed) // as fillContributors marks a book without any
	}
	return FormatContributors(people), strings.ToLower(firstAuthor(people).SortName)
}

// insertContributor writes a contributor of a new book, its arguments contributorArgs, with the
// title key of its book as the book stands (its sort title is set by then).
const insertContributor = `INSERT INTO book_contributors (book_id, author_id, role, position, title_key)
	VALUES (?, ?, ?, ?, (SELECT COALESCE(sort_title, lower(title)) FROM books WHERE id = ?))`

// contributorArgs are insertContributor's arguments for the contributor at position of book.
func contributorArgs(book, author int64, role Role, position int) []any {
	return []any{book, author, role, position, book}
}

// insertContributors writes the contributors of the new book id, people (storedPeople) of the
// authors ids, in tx.
func insertContributors(ctx context.Context, tx *sqlx.Tx, id int64, people []Contributor, ids []int64) error {
	for i, p := range people {
		if _, err := tx.ExecContext(ctx, insertContributor, contributorArgs(id, ids[i], p.Role, i)...); err != nil {
			return err
		}
	}
	return nil
}

// setContributors makes cs the contributors of the owner's book id in tx, in order, making the
// authors the owner has not got yet, and writes the book's author text (FormatContributors, with
// the authors' names as stored) and author sort key. A contributor the book keeps keeps its
// author, even when it was the author's only book. It returns the author text written.
func (db *DB) setContributors(ctx context.Context, tx *sqlx.Tx, owner, id int64, cs []Contributor) (string, error) {
	people, authors, err := storedPeople(cs, func(c Contributor) (Author, error) { return db.putAuthor(ctx, tx, owner, c) })
	if err != nil {
		return "", err
	}
	// The new list goes in at negative positions, beside the old one, so that no author the
	// book keeps is without a book for a moment (the trigger would remove them).
	for i, p := range people {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO book_contributors (book_id, author_id, role, position) VALUES (?, ?, ?, ?)
			ON CONFLICT (book_id, author_id, role) DO UPDATE SET position = excluded.position`,
			id, authors[i], p.Role, -i-1); err != nil {
			return "", err
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM book_contributors WHERE book_id = ? AND position >= 0`, id); err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE book_contributors SET position = -position - 1 WHERE book_id = ?`, id); err != nil {
		return "", err
	}
	text, sortKey := authorText("", people)
	_, err = tx.ExecContext(ctx, `UPDATE books SET author = ?, author_sort = ? WHERE id = ?`, text, sortKey, id)
	return text, err
}

// refreshBooks writes again the author text and sort key of the books ids from their
// contributors, in tx, after their authors changed (renamed, merged, re-sorted).
func refreshBooks(ctx context.Context, tx *sqlx.Tx, ids []int64) error {
	for _, id := range ids {
		var rows []BookContributor
		if err := tx.SelectContext(ctx, &rows, `
			SELECT `+contributorColumns+` FROM book_contributors bc JOIN authors a ON a.id = bc.author_id
			WHERE bc.book_id = ? ORDER BY bc.position`, id); err != nil {
			return err
		}
		if len(rows) == 0 {
			continue
		}
		cs := make([]Contributor, len(rows))
		for i, r := range rows {
			cs[i] = Contributor{Name: r.Name, SortName: r.SortName, Role: r.Role}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE books SET author = ?, author_sort = ? WHERE id = ?`,
			FormatContributors(cs), strings.ToLower(firstAuthor(cs).SortName), id); err != nil {
			return err
		}
	}
	return nil
}

// booksOf returns the ids of the books author id contributed to, in tx.
func booksOf(ctx context.Context, tx *sqlx.Tx, id int64) ([]int64, error) {
	var ids []int64
	err := tx.SelectContext(ctx, &ids, `SELECT DISTINCT book_id FROM book_contributors WHERE author_id = ? ORDER BY book_id`, id)
	return ids, err
}

// ownAuthor reads the owner's author id in tx, or ErrNotFound; an author whose books are all
// deleted is not found either.
func ownAuthor(ctx context.Context, tx *sqlx.Tx, owner, id int64) (Author, error) {
	var a Author
	err := tx.GetContext(ctx, &a, `
		SELECT a.id, a.name, a.sort_name FROM authors a WHERE a.id = ? AND a.owner_id = ?
		AND EXISTS (SELECT 1 FROM book_contributors bc JOIN books b ON b.id = bc.book_id
		            WHERE bc.author_id = a.id AND b.deleted_at IS NULL AND b.pending_import IS NULL)`, id, owner)
	if errors.Is(err, sql.ErrNoRows) {
		return Author{}, ErrNotFound
	}
	return a, err
}

// parseOneName reads a name for an author, as typed to rename them: one person, without a role.
// A name typed "Surname, Given" gives the sort name too.
func parseOneName(name string) (Contributor, error) {
	cs, err := ParseContributors(name)
	var v *ValidationError
	if errors.As(err, &v) {
		return Contributor{}, fieldError(FieldAuthorName, strings.Replace(v.Fields[FieldAuthor], "Author ", "Name ", 1))
	}
	if len(cs) != 1 || cs[0].Role != RoleAuthor {
		return Contributor{}, fieldError(FieldAuthorName, msgAuthorNameOne)
	}
	return cs[0], nil
}

// Rename gives the owner's author id a new name, on every book of theirs. A name typed "Surname,
// Given" sets the sort name too; otherwise the sort name is kept. A name that is another of the
// owner's authors' is a *ValidationError (merge them instead), as is a bad one.
func (s *AuthorStore) Rename(ctx context.Context, owner, id int64, name string) (Author, error) {
	c, perr := parseOneName(name)
	var out Author
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		a, err := ownAuthor(ctx, tx, owner, id)
		if err != nil {
			return err
		}
		if perr != nil {
			return perr
		}
		var other int64
		err = tx.GetContext(ctx, &other, `SELECT id FROM authors WHERE owner_id = ? AND name_key = ? AND id <> ?`, owner, AuthorKey(c.Name), id)
		if err == nil {
			return fieldError(FieldAuthorName, msgAuthorTaken)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		sortName := a.SortName
		if strings.Contains(name, ",") && c.SortName != SortName(c.Name) {
			sortName = c.SortName
		}
		if _, err := tx.ExecContext(ctx, `UPDATE authors SET name = ?, name_key = ?, sort_name = ?, sort_key = ? WHERE id = ?`,
			c.Name, AuthorKey(c.Name), sortName, strings.ToLower(sortName), id); err != nil {
			return err
		}
		ids, err := booksOf(ctx, tx, id)
		if err != nil {
			return err
		}
		out = Author{ID: id, Name: c.Name, SortName: sortName}
		return refreshBooks(ctx, tx, ids)
	})
	if err != nil {
		return Author{}, wrap(err, "rename author", id)
	}
	return out, nil
}

// SetSortName sets the name the owner's author id is filed under ("Le Guin, Ursula K."), which
// sorts their books in the library and the list of authors.
func (s *AuthorStore) SetSortName(ctx context.Context, owner, id int64, sortName string) (Author, error) {
	sortName = strings.Join(strings.Fields(sortName), " ")
	var v ValidationError
	checkText(&v, FieldAuthorSortName, "Sort name", sortName, true)
	if len(v.Fields) == 0 && len([]rune(sortName)) > MaxAuthorNameLen {
		v.add(FieldAuthorSortName, "A sort name must be at most 150 characters.")
	}
	var out Author
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		a, err := ownAuthor(ctx, tx, owner, id)
		if err != nil {
			return err
		}
		if err := v.errOrNil(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE authors SET sort_name = ?, sort_key = ? WHERE id = ?`,
			sortName, strings.ToLower(sortName), id); err != nil {
			return err
		}
		ids, err := booksOf(ctx, tx, id)
		if err != nil {
			return err
		}
		out = Author{ID: id, Name: a.Name, SortName: sortName}
		return refreshBooks(ctx, tx, ids)
	})
	if err != nil {
		return Author{}, wrap(err, "set sort name of author", id)
	}
	return out, nil
}

// Merge makes the owner's author from one with their author into, in one transaction: every book
// of from's is into's, in the same place and role; a book that had both in one role keeps one.
// from is then gone. Merging an author into themselves is a *ValidationError; either author
// another reader's, ErrNotFound.
func (s *AuthorStore) Merge(ctx context.Context, owner, from, into int64) (Author, error) {
	var out Author
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := ownAuthor(ctx, tx, owner, from); err != nil {
			return err
		}
		a, err := ownAuthor(ctx, tx, owner, into)
		if err != nil {
			return err
		}
		if from == into {
			return fieldError(FieldMergeInto, msgMergeSelf)
		}
		ids, err := booksOf(ctx, tx, from)
		if err != nil {
			return err
		}
		// A book that has both in one role keeps into's place.
		if _, err := tx.ExecContext(ctx, `
			DELETE FROM book_contributors WHERE author_id = ? AND EXISTS (
				SELECT 1 FROM book_contributors o WHERE o.book_id = book_contributors.book_id
				AND o.author_id = ? AND o.role = book_contributors.role)`, from, into); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE book_contributors SET author_id = ? WHERE author_id = ?`, into, from); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM authors WHERE id = ? AND owner_id = ?`, from, owner); err != nil {
			return err
		}
		out = a
		return refreshBooks(ctx, tx, ids)
	})
	if err != nil {
		return Author{}, wrap(err, "merge author", from)
	}
	return out, nil
}

// authorPagePast is authorPageQuery's condition of a page after the first: the books after a
// title key and a book id.
const authorPagePast = " AND (bc.title_key, bc.book_id) > (?, ?)"

// authorPageQuery reads a page of the author's live books (a book they have two roles in once),
// by title, after the key and id of the page's past condition ("" for the first page), with the
// role of each book's first place: bookColumnsB, the sort key and the role, as bookRows reads
// them. It walks the author's contributions in title order
// (book_contributors_titles: the title key each keeps) and stops at the page's end, looking up
// only the books it passes. The owner's test is kept out of the index choice (+b.owner_id):
// SQLite, which has no statistics of the tables, else walked the library's title index
// (books_sort_title) for the owner's 100,000 books, testing each for the author (33 ms). Its
// arguments are the author (of the role), the author and the owner, and the past condition's;
// the author is intArg and the limit written in (limitOf), as intArg says.
func authorPageQuery(past string) string {
	return `
	SELECT ` + bookColumnsB + `, p.sort_key,
	       (SELECT o.role FROM book_contributors o WHERE o.book_id = p.id AND o.author_id = ` + intArg + ` ORDER BY o.position LIMIT 1) AS role
	FROM (SELECT DISTINCT bc.title_key AS sort_key, bc.book_id AS id
	      FROM book_contributors bc JOIN books b ON b.id = bc.book_id
	      WHERE bc.author_id = ` + intArg + ` AND +b.owner_id = ? AND b.deleted_at IS NULL AND b.pending_import IS NULL` + past + `
	      ORDER BY bc.title_key, bc.book_id` + limitOf(AuthorBooksPageSize+1) + `) AS p
	JOIN books b ON b.id = p.id
	ORDER BY p.sort_key, p.id`
}

// authorPageQueryPostgres is authorPageQuery on PostgreSQL: its arguments are the author and the
// owner, the past condition's, the author and the owner again, and the author of the role. It
// walks the author's contributions in title order one at a time, each step the next contribution
// past the last whose book is live (a recursive query), so that the planner has no way to the
// page but the index: for a step's one row, book_contributors_titles from the last key wins by
// far over collecting all the author's contributions and sorting them. Given the whole page at
// once, the planner weighed that walk against the sort, and sorted whenever it expected few
// contributions (a prepared statement's generic plan expects an author's share of them all: a
// dozen at 100,000 books) or the walk dear (after writes, with the visibility map empty, each
// entry costs a visit to the table): the page of the author with the most books of 100,000 (661)
// then hashed the library's books to join them, 192 ms, against 2 ms walked (EXPLAIN ANALYZE;
// TestAuthorPageWalksTitlesOnPostgres). Each book is tested by a subquery of its own, which
// OFFSET 0 keeps from being made a join. The author and the owner are each a subquery's value,
// which the planner does not look at: the plan for them is the same for any reader, and the
// prepared statement keeps its generic plan after five runs. With the values in view, the
// planner found the plan for the author worth making again at every run: 0.6-0.7 ms of
// planning a request (pg_stat_statements, 400 requests through the server).
func authorPageQueryPostgres(past string) string {
	const (
		author = `(SELECT ` + intArg + `)`
		live   = `EXISTS (SELECT 1 FROM books b WHERE b.id = bc.book_id AND b.owner_id = (SELECT ` + intArg + `) AND b.deleted_at IS NULL AND b.pending_import IS NULL OFFSET 0)`
	)
	return `
	WITH RECURSIVE p (sort_key, id, n) AS (
		(SELECT bc.title_key, bc.book_id, 1 FROM book_contributors bc
		 WHERE bc.author_id = ` + author + ` AND ` + live + past + `
		 ORDER BY bc.title_key, bc.book_id LIMIT 1)
		UNION ALL
		SELECT nx.title_key, nx.book_id, p.n + 1 FROM p CROSS JOIN LATERAL (
			SELECT bc.title_key, bc.book_id FROM book_contributors bc
			WHERE bc.author_id = ` + author + ` AND (bc.title_key, bc.book_id) > (p.sort_key, p.id) AND ` + live + `
			ORDER BY bc.title_key, bc.book_id LIMIT 1) AS nx
		WHERE p.n <= ` + strconv.Itoa(AuthorBooksPageSize) + `)
	SELECT ` + bookColumnsB + `, p.sort_key,
	       (SELECT o.role FROM book_contributors o WHERE o.book_id = p.id AND o.author_id = ` + intArg + ` ORDER BY o.position LIMIT 1) AS role
	FROM p JOIN books b ON b.id = p.id
	ORDER BY p.sort_key, p.id`
}

// Get returns the owner's author id with a page of their live books, by title, from cursor (""
// for the first page; AuthorDetail.Cursor of the page before), and their counts. Another
// reader's author, or one without live books, is ErrNotFound; a cursor Get did not make is a
// validation error.
//
// For the author with most books of 100,000 seeded (some 600), BenchmarkAuthorPage spent 11,485
// CPU-µs a request when every book was read and rendered at once; 2,583 when the page was sorted
// from all of the author's books (each looked up for its title) and counted them on every
// request. The counts are the author's own now (authors.books and books_read), and the page is
// walked in title order from the author's contributions (authorPageQuery), both kept by the
// triggers of migration 00032. Its rows are scanned by hand (bookRows), not by sqlx into a
// struct per row, and its query is no longer compiled again on every request (intArg):
// BenchmarkAuthorPage allocated 198 → 140 KB a request, in 3,266 → 2,965 allocations.
func (s *AuthorStore) Get(ctx context.Context, owner, id int64, cursor string) (AuthorDetail, error) {
	var a AuthorSummary
	err := s.db.get(ctx, &a, `SELECT id, name, sort_name, books, books_read AS read FROM authors WHERE id = ? AND owner_id = ?`, id, owner)
	if errors.Is(err, sql.ErrNoRows) || err == nil && a.Books == 0 {
		return AuthorDetail{}, ErrNotFound
	}
	if err != nil {
		return AuthorDetail{}, fmt.Errorf("get author %d: %w", id, err)
	}
	d := AuthorDetail{Author: a.Author, Total: a.Books, Read: a.Read}
	past, args := "", []any{id, id, owner}
	if s.db.postgres() {
		args = args[1:]
	}
	if cursor != "" {
		k, after, err := decodeCursor(cursor, keyText)
		if err != nil {
			return AuthorDetail{}, err
		}
		past, args = authorPagePast, append(args, k, after)
	}
	var (
		role  string
		roles = make([]Role, 0, AuthorBooksPageSize+1)
	)
	query := authorPageQuery(past)
	if s.db.postgres() {
		query, args = authorPageQueryPostgres(past), append(args, id, owner, id)
	}
	books, lastKey, err := s.db.bookRows(ctx, query, args, AuthorBooksPageSize,
		[]any{&role}, func() { roles = append(roles, Role(role)) })
	if err != nil {
		return AuthorDetail{}, fmt.Errorf("get author %d: %w", id, err)
	}
	if len(books) > AuthorBooksPageSize {
		books = books[:AuthorBooksPageSize]
		d.Cursor = encodeCursor(lastKey, books[len(books)-1].ID)
	}
	d.Books = make([]AuthorBook, len(books))
	for i, b := range books {
		d.Books[i] = AuthorBook{Role: roles[i], Book: b}
	}
	return d, nil
}

// searchPrefix is the range of keys a search's words start: lower case, points as spaces.
func searchPrefix(q string) string {
	q = AuthorKey(q)
	if len(q) > maxAuthorSearch {
		q = q[:maxAuthorSearch]
	}
	return q
}

// List returns a page of the owner's authors that have live books, with their counts of books
// and of books read: by sort name, or by most books first; with a Search, those whose name or
// sort name starts with it. A page starts after the author q.After in the order (keyset paging:
// the index of the order is walked from there, authors_sort or authors_by_books); an After that
// is none of the owner's listed authors is a validation error.
//
// The counts are the authors' own (migration 00032). Counting every author's books on each
// request, and skipping the pages before with OFFSET, cost 329,478 CPU-µs a request for the
// first page by name at 100,000 seeded books (BenchmarkAuthorsList).
func (s *AuthorStore) List(ctx context.Context, owner int64, q AuthorQuery) (AuthorList, error) {
	// By name, the test of the count is kept out of the index choice (+a.books), which SQLite
	// else made authors_by_books, sorting its authors by name.
	conds := []string{"a.owner_id = ?", "+a.books > 0"}
	if q.Sort == AuthorsByBooks {
		conds[1] = "a.books > 0"
	}
	args := []any{owner}
	if p := searchPrefix(q.Search); p != "" {
		conds = append(conds, "(a.name_key LIKE ? ESCAPE '\\' OR a.sort_key LIKE ? ESCAPE '\\' OR a.name_key LIKE ? ESCAPE '\\')")
		like := escapeLike(p)
		args = append(args, like+"%", like+"%", "% "+like+"%")
	}
	if q.After > 0 {
		var at struct {
			Key   string `db:"sort_key"`
			Books int    `db:"books"`
		}
		err := s.db.get(ctx, &at, `SELECT sort_key, books FROM authors WHERE id = ? AND owner_id = ? AND books > 0`, q.After, owner)
		if errors.Is(err, sql.ErrNoRows) {
			return AuthorList{}, fieldError("after", msgCursor)
		}
		if err != nil {
			return AuthorList{}, fmt.Errorf("list authors: %w", err)
		}
		if q.Sort == AuthorsByBooks {
			// books <= ? lets the walk start at the author's count in the index.
			conds = append(conds, "a.books <= ? AND (a.books < ? OR (a.sort_key, a.id) > (?, ?))")
			args = append(args, at.Books, at.Books, at.Key, q.After)
		} else {
			conds = append(conds, "(a.sort_key, a.id) > (?, ?)")
			args = append(args, at.Key, q.After)
		}
	}
	order := "a.sort_key, a.id"
	if q.Sort == AuthorsByBooks {
		order = "a.books DESC, a.sort_key, a.id"
	}
	var out AuthorList
	err := s.db.selectAll(ctx, &out.Authors, `
		SELECT a.id, a.name, a.sort_name, a.books, a.books_read AS read FROM authors a
		WHERE `+strings.Join(conds, " AND ")+` ORDER BY `+order+` LIMIT ?`, append(args, AuthorsPageSize+1)...)
	if err != nil {
		return AuthorList{}, fmt.Errorf("list authors: %w", err)
	}
	if len(out.Authors) > AuthorsPageSize {
		out.Authors = out.Authors[:AuthorsPageSize]
		out.After = out.Authors[AuthorsPageSize-1].ID
	}
	return out, nil
}

// escapeLike escapes the wildcards of LIKE in s, for the escape character '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Suggest returns the names of at most MaxAuthorSuggestions of the owner's authors whose name,
// or sort name (a surname), starts with prefix: what the author field offers as the reader types.
// They come in the order of the text that matched, the name or the sort name ("ma": "Margaret
// Atwood", then Martin, George R. R.), an author whose both match once, by the first.
//
// Each of the two ranges is walked on its index (authors' UNIQUE (owner_id, name_key), and
// authors_sort) for its first ten alone: the ten that come first in both together are among
// them (an author who is one of the ten by their name has fewer than ten names before them).
// Ordering all that matched by sort name, as it was, collected and sorted every author of a
// prefix: "ma" matches 676 authors of a library of 100,000 seeded books (BenchmarkAuthorSuggest).
func (s *AuthorStore) Suggest(ctx context.Context, owner int64, prefix string) ([]string, error) {
	p := searchPrefix(prefix)
	if p == "" {
		return nil, nil
	}
	// The range [p, p+U+10FFFF) holds the keys that start with p, and an index seeks it.
	end := p + "\U0010FFFF"
	var names []string
	err := s.db.selectAll(ctx, &names, `
		SELECT name FROM (
			SELECT id, name, MIN(k) AS k FROM (
				SELECT * FROM (SELECT id, name, name_key AS k FROM authors
					WHERE owner_id = ? AND name_key >= ? AND name_key < ? ORDER BY name_key LIMIT ?) AS by_name
				UNION ALL
				SELECT * FROM (SELECT id, name, sort_key AS k FROM authors
					WHERE owner_id = ? AND sort_key >= ? AND sort_key < ? ORDER BY sort_key LIMIT ?) AS by_sort
			) AS m GROUP BY id, name
		) AS t ORDER BY k, id LIMIT ?`,
		owner, p, end, MaxAuthorSuggestions, owner, p, end, MaxAuthorSuggestions, MaxAuthorSuggestions)
	if err != nil {
		return nil, fmt.Errorf("suggest authors: %w", err)
	}
	return names, nil
}

// ContributorInput is one line of a book's list of contributors as the book page sends it.
type ContributorInput struct {
	Name string
	Role string
}

// SetContributors makes lines the contributors of the owner's book id, in order: the book page's
// list. A line's name is one person (a "Surname, Given" name is one); its role one of Roles. An
// empty list, an unknown role, a bad name or too many lines are a *ValidationError on
// FieldContributors, and nothing is saved. It returns the contributors as saved.
func (s *AuthorStore) SetContributors(ctx context.Context, owner, id int64, lines []ContributorInput) ([]BookContributor, error) {
	cs, verr := checkLines(lines)
	var out []BookContributor
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := ownBook(ctx, tx, owner, id); err != nil {
			return err
		}
		if verr != nil {
			return verr
		}
		if _, err := s.db.setContributors(ctx, tx, owner, id, cs); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE books SET updated_at = ? WHERE id = ?`, s.db.now(), id); err != nil {
			return err
		}
		return tx.SelectContext(ctx, &out, `
			SELECT `+contributorColumns+` FROM book_contributors bc JOIN authors a ON a.id = bc.author_id
			WHERE bc.book_id = ? ORDER BY bc.position`, id)
	})
	if err != nil {
		return nil, wrap(err, "set contributors of book", id)
	}
	return out, nil
}

// checkLines reads the book page's lines of contributors.
func checkLines(lines []ContributorInput) ([]Contributor, error) {
	var cs []Contributor
	for _, l := range lines {
		name := strings.TrimSpace(l.Name)
		if name == "" {
			continue
		}
		role, ok := ParseRole(l.Role)
		if strings.TrimSpace(l.Role) == "" {
			role, ok = RoleAuthor, true
		}
		if !ok {
			return nil, fieldError(FieldContributors, fmt.Sprintf("%q%s", l.Role, msgRoleUnknown))
		}
		people, err := ParseContributors(name)
		var v *ValidationError
		if errors.As(err, &v) {
			return nil, fieldError(FieldContributors, v.Fields[FieldAuthor])
		}
		if len(people) != 1 || people[0].Role != RoleAuthor {
			return nil, fieldError(FieldContributors, msgContributorsOne)
		}
		people[0].Role = role
		cs = append(cs, people[0])
	}
	if len(cs) == 0 {
		return nil, fieldError(FieldContributors, "A book needs at least one author.")
	}
	if len(cs) > MaxContributors {
		return nil, fieldError(FieldContributors, msgTooManyAuthors)
	}
	return cs, nil
}

// contributorsOf is the contributors of a book's author text, for a text the rules refuse too: a
// book of an earlier schema or an import keeps its author as one person then, losing nothing.
func contributorsOf(text string) []Contributor {
	cs, err := ParseContributors(text)
	if err == nil {
		return cs
	}
	text = strings.Join(strings.Fields(text), " ")
	if text == "" {
		return nil
	}
	return []Contributor{{Name: text, SortName: SortName(text), Role: RoleAuthor}}
}

// fillContributorsBatch is how many books fillContributors converts a transaction.
const fillContributorsBatch = 500

// fillContributors makes the contributors of the books that have none yet (author_sort NULL):
// every book of a database made before migration 00020, when it is first opened, by the rules of
// ParseContributors. A text those rules refuse is one person. It costs one seek of an empty
// index once done.
func (db *DB) fillContributors(ctx context.Context) error {
	for {
		var books []struct {
			ID     int64  `db:"id"`
			Owner  int64  `db:"owner_id"`
			Author string `db:"author"`
		}
		err := db.inTx(ctx, func(tx *sqlx.Tx) error {
			if err := tx.SelectContext(ctx, &books, `
				SELECT id, COALESCE(owner_id, 0) AS owner_id, author FROM books WHERE author_sort IS NULL ORDER BY id LIMIT ?`,
				fillContributorsBatch); err != nil {
				return err
			}
			for _, b := range books {
				cs := contributorsOf(b.Author)
				if len(cs) == 0 || b.Owner == 0 {
					// Nothing to make: marked done, sorted by its author text still.
					if _, err := tx.ExecContext(ctx, `UPDATE books SET author_sort = lower(author) WHERE id = ?`, b.ID); err != nil {
						return err
					}
					continue
				}
				if _, err := db.setContributors(ctx, tx, b.Owner, b.ID, cs); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("make contributors of books: %w", err)
		}
		if len(books) < fillContributorsBatch {
			return nil
		}
	}
}

// ByName returns the owner's author named name (matched by AuthorKey, so "J.R.R. Tolkien" finds
// "J. R. R. Tolkien"; a name typed "Surname, Given" finds them too), with live books. None of that
// name is a *ValidationError on FieldMergeInto: this is how a reader names the author to merge into.
func (s *AuthorStore) ByName(ctx context.Context, owner int64, name string) (Author, error) {
	c, err := parseOneName(name)
	if err != nil {
		return Author{}, fieldError(FieldMergeInto, "Type the name of one of your authors.")
	}
	var a Author
	err = s.db.get(ctx, &a, `
		SELECT a.id, a.name, a.sort_name FROM authors a WHERE a.owner_id = ? AND a.name_key = ?
		AND EXISTS (SELECT 1 FROM book_contributors bc JOIN books b ON b.id = bc.book_id
		            WHERE bc.author_id = a.id AND b.deleted_at IS NULL AND b.pending_import IS NULL)`, owner, AuthorKey(c.Name))
	if errors.Is(err, sql.ErrNoRows) {
		return Author{}, fieldError(FieldMergeInto, "You have no author named "+strings.TrimSpace(name)+".")
	}
	if err != nil {
		return Author{}, fmt.Errorf("find author by name: %w", err)
	}
	return a, nil
}
