package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// CatalogueRecord is what a catalogue (Open Library, Google Books) knows of the edition with an
// ISBN. Every field but ISBN may be empty: catalogues leave out what they do not know.
type CatalogueRecord struct {
	ISBN      ISBN     `json:"isbn"`
	Title     string   `json:"title"`
	Authors   []string `json:"authors,omitempty"`
	Pages     int      `json:"pages,omitempty"`
	Publisher string   `json:"publisher,omitempty"`
	Year      int      `json:"year,omitempty"`
	// Language is a language code as the catalogue gives it: ISO 639-1 ("en") when it has one.
	Language string `json:"language,omitempty"`
	// Source names the catalogue that answered, for the reader ("Open Library").
	Source string `json:"source"`
}

// Author is the record's authors as a book's author field holds them: "A, B and C", cut to
// MaxFieldLen characters at an author's end when they are many.
func (r CatalogueRecord) Author() string {
	var names []string
	for _, a := range r.Authors {
		if a = strings.TrimSpace(a); a != "" {
			names = append(names, a)
		}
	}
	for n := len(names); n > 0; n-- {
		s := strings.Join(names[:n], ", ")
		if n < len(names) {
			s += " and others"
		}
		if len([]rune(s)) <= MaxFieldLen || n == 1 {
			return s
		}
	}
	return ""
}

// Edition is the record's edition facts as a book keeps them: its publisher, year and language,
// each checked as EditionStore.Set checks it, with now giving this year. A fact the book could not
// keep (a year to come, for a book announced; a language code that is no BCP 47 tag) is left out
// rather than refusing the others: the reader cannot correct them where they are shown.
func (r CatalogueRecord) Edition(now time.Time) Edition {
	e := Edition{Publisher: r.Publisher, Year: r.Year, Language: r.Language}
	for range 3 { // each round drops at least one of the three facts, or returns
		checked, err := e.Validate(now)
		var v *ValidationError
		if !errors.As(err, &v) {
			return checked
		}
		if v.Fields["publisher"] != "" {
			e.Publisher = ""
		}
		if v.Fields["year"] != "" {
			e.Year = 0
		}
		if v.Fields["language"] != "" {
			e.Language = ""
		}
	}
	return Edition{}
}

// CatalogueAnswer is a catalogue's answer for an ISBN as Bookcase keeps it: the record, or that
// no catalogue has the ISBN (Found false), and whether a cover came with it.
type CatalogueAnswer struct {
	Found     bool
	Record    CatalogueRecord
	HasCover  bool
	FetchedAt time.Time
	ExpiresAt time.Time
}

// CatalogueCache keeps catalogues' answers, shared by every reader (they are public data), until
// they expire.
type CatalogueCache struct{ db *DB }

// Catalogue returns the cache of catalogues' answers.
func (db *DB) Catalogue() *CatalogueCache { return &CatalogueCache{db: db} }

// Get returns the answer kept for isbn, or ErrNotFound when there is none or it has expired.
func (c *CatalogueCache) Get(ctx context.Context, isbn ISBN) (CatalogueAnswer, error) {
	var row struct {
		Found     bool      `db:"found"`
		Record    string    `db:"record"`
		HasCover  bool      `db:"has_cover"`
		FetchedAt time.Time `db:"fetched_at"`
		ExpiresAt time.Time `db:"expires_at"`
	}
	err := c.db.get(ctx, &row, `
		SELECT found, record, large IS NOT NULL AS has_cover, fetched_at, expires_at
		FROM catalogue_answers WHERE isbn = ?`, isbn)
	if errors.Is(err, sql.ErrNoRows) {
		return CatalogueAnswer{}, ErrNotFound
	}
	if err != nil {
		return CatalogueAnswer{}, fmt.Errorf("catalogue answer for %s: %w", isbn, err)
	}
	if !c.db.now().Before(row.ExpiresAt) {
		return CatalogueAnswer{}, ErrNotFound
	}
	a := CatalogueAnswer{Found: row.Found, HasCover: row.HasCover, FetchedAt: row.FetchedAt, ExpiresAt: row.ExpiresAt}
	if row.Found {
		if err := json.Unmarshal([]byte(row.Record), &a.Record); err != nil {
			return CatalogueAnswer{}, fmt.Errorf("catalogue answer for %s: %w", isbn, err)
		}
	}
	a.Record.ISBN = isbn
	return a, nil
}

// Put keeps a catalogue's answer for r.ISBN for ttl, replacing the one kept: found, with the
// record and its cover (small and large as Bookcase writes covers, or nil for none), or not.
func (c *CatalogueCache) Put(ctx context.Context, found bool, r CatalogueRecord, small, large []byte, ttl time.Duration) error {
	record := ""
	if found {
		b, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("catalogue answer for %s: %w", r.ISBN, err)
		}
		record = string(b)
	}
	if len(small) == 0 || len(large) == 0 {
		small, large = nil, nil
	}
	now := c.db.now()
	err := c.db.inTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO catalogue_answers (isbn, found, record, small, large, fetched_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (isbn) DO UPDATE SET found = excluded.found, record = excluded.record,
				small = excluded.small, large = excluded.large, fetched_at = excluded.fetched_at,
				expires_at = excluded.expires_at`,
			r.ISBN, found, record, small, large, now, now.Add(ttl))
		return err
	})
	if err != nil {
		return fmt.Errorf("keep catalogue answer for %s: %w", r.ISBN, err)
	}
	return nil
}

// Cover returns the cover, in size, of the answer kept for isbn: ErrNotFound when there is no
// answer, it has expired, or it came without a cover.
func (c *CatalogueCache) Cover(ctx context.Context, isbn ISBN, size CoverSize) ([]byte, error) {
	column := "small"
	if size == CoverLarge {
		column = "large"
	}
	var row struct {
		Picture   []byte    `db:"picture"`
		ExpiresAt time.Time `db:"expires_at"`
	}
	err := c.db.get(ctx, &row, `SELECT `+column+` AS picture, expires_at FROM catalogue_answers WHERE isbn = ? AND `+column+` IS NOT NULL`, isbn)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("catalogue cover for %s: %w", isbn, err)
	}
	if !c.db.now().Before(row.ExpiresAt) {
		return nil, ErrNotFound
	}
	return row.Picture, nil
}

// PurgeExpired removes the answers past their expiry, and returns how many.
func (c *CatalogueCache) PurgeExpired(ctx context.Context) (int64, error) {
	var n int64
	err := c.db.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM catalogue_answers WHERE expires_at <= ?`, c.db.now())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("purge catalogue answers: %w", err)
	}
	return n, nil
}

// Catalogued is what a new book takes from a catalogue's record besides its row's fields, as the
// reader confirmed it: its length (0 for unknown), its ISBN ("" for none), its cover (nil for
// none, else small and large as Bookcase writes covers) and its edition facts (CatalogueRecord.Edition).
type Catalogued struct {
	Pages        int
	ISBN         ISBN
	Small, Large []byte
	Edition      Edition
}

// check reports a length out of range as a problem with the field "pages", and an edition that
// breaks the rules as problems with its fields.
func (x Catalogued) check(now time.Time) error {
	var v ValidationError
	if x.Pages < 0 || x.Pages > MaxPages {
		v.add("pages", msgPages)
	}
	x.Edition.normalize().check(now.Year(), &v)
	return v.errOrNil()
}

// CatalogueChanges are the fields of a book that a reader chose to take from a catalogue's record;
// a nil field (or cover) is left as it is. Publisher, Year and Language are edition facts; the
// book's other facts are kept.
type CatalogueChanges struct {
	Title, Author       *string
	Pages               *int
	ISBN                *ISBN
	Small, Large        []byte
	Publisher, Language *string
	Year                *int
}

// editionOf reads, in tx, the edition facts of book id: the zero Edition when it has none.
func editionOf(ctx context.Context, tx *sqlx.Tx, id int64) (Edition, error) {
	var row struct {
		BookID int64 `db:"book_id"`
		editionRow
	}
	err := tx.GetContext(ctx, &row, `SELECT `+editionSelect+` FROM editions e WHERE e.book_id = ?`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return Edition{}, nil
	}
	return Edition(row.editionRow), err
}

// TakeFromCatalogue gives the owner's book id the fields of ch in one transaction, checking each
// as the reader's own edits are (a title of at most MaxFieldLen characters, a length no shorter
// than the page the reader is on), and returns the book as it now is. A problem with any field
// changes nothing.
func (s *BookStore) TakeFromCatalogue(ctx context.Context, owner, id int64, ch CatalogueChanges) (Book, error) {
	var b Book
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		if b, err = liveBook(ctx, tx, owner, id); err != nil {
			return err
		}
		in := BookInput{Title: b.Title, Author: b.Author, Genre: b.Genre}
		if ch.Title != nil {
			in.Title = *ch.Title
		}
		if ch.Author != nil {
			in.Author = *ch.Author
		}
		in = in.Normalize()
		var v ValidationError
		checkText(&v, "title", "Title", in.Title, true)
		checkText(&v, "author", "Author", in.Author, true)
		if _, bad := v.Fields["author"]; !bad {
			if _, err := ParseContributors(in.Author); err != nil {
				var pv *ValidationError
				if errors.As(err, &pv) {
					v.add("author", pv.Fields[FieldAuthor])
				}
			}
		}
		pages := b.Pages
		// A catalogue's pages are no audiobook's length (minutes): they are left aside.
		if ch.Pages != nil && !b.Format.Timed() {
			if pages = *ch.Pages; pages < 1 || pages > MaxPages {
				v.add("pages", msgPages)
			} else if b.Status == StatusReading {
				if err := checkNotShorter(ctx, tx, b, pages, &v); err != nil {
					return err
				}
			}
		}
		isbn := b.ISBN
		if ch.ISBN != nil {
			isbn = *ch.ISBN
		}
		edition, err := editionOf(ctx, tx, b.ID)
		if err != nil {
			return err
		}
		changed := edition
		if ch.Publisher != nil {
			changed.Publisher = *ch.Publisher
		}
		if ch.Year != nil {
			changed.Year = *ch.Year
		}
		if ch.Language != nil {
			changed.Language = *ch.Language
		}
		changed = changed.normalize()
		changed.check(s.db.now().Year(), &v)
		if err := v.errOrNil(); err != nil {
			return err
		}
		if changed != edition {
			if err := putEdition(ctx, tx, b.ID, changed, s.db.now()); err != nil {
				return err
			}
		}
		prevAuthor := b.Author
		if err := tx.GetContext(ctx, &b, `
			UPDATE books SET title = ?, author = ?, pages = ?, isbn = ?, updated_at = ?
			WHERE id = ?
			RETURNING `+bookColumns,
			in.Title, in.Author, sql.NullInt64{Int64: int64(pages), Valid: pages > 0},
			sql.NullString{String: string(isbn), Valid: isbn != ""}, s.db.now(), b.ID); err != nil {
			return err
		}
		if in.Author != prevAuthor {
			if b.Author, err = s.db.setContributors(ctx, tx, owner, b.ID, contributorsOf(in.Author)); err != nil {
				return err
			}
		}
		if len(ch.Small) == 0 || len(ch.Large) == 0 {
			return nil
		}
		b.Cover, err = putCover(ctx, tx, b.ID, ch.Small, ch.Large, s.db.now())
		return err
	})
	if err != nil {
		return Book{}, wrap(err, "take from catalogue for book", id)
	}
	return b, nil
}
