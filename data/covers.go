package data

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"image/jpeg"

	"time"

	"github.com/jmoiron/sqlx"
)

// CoverStore keeps books' covers. Every method takes the owner: another reader's book, or a
// deleted one, is ErrNotFound.
type CoverStore struct{ db *DB }

// Covers returns the store for covers.
func (db *DB) Covers() *CoverStore { return &CoverStore{db: db} }

// CoverSize is one of the two sizes a cover is kept in.
type CoverSize string

const (
	CoverSmall CoverSize = "small" // for lists
	CoverLarge CoverSize = "large" // for the book's page
)

// ownBook checks, in tx, that id is the owner's live book.
func ownBook(ctx context.Context, tx *sqlx.Tx, owner, id int64) error {
	var one int
	err := tx.GetContext(ctx, &one, `SELECT 1 FROM books WHERE id = ? AND owner_id = ? AND deleted_at IS NULL AND pending_import IS NULL`, id, owner)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// Set gives the owner's book id the cover in its two sizes, replacing the one it had, and returns
// the hash that names it (CoverHash).
func (s *CoverStore) Set(ctx context.Context, owner, id int64, small, large []byte) (string, error) {
	var hash string
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := ownBook(ctx, tx, owner, id); err != nil {
			return err
		}
		var err error
		hash, err = putCover(ctx, tx, id, small, large, s.db.now())
		return err
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return "", fmt.Errorf("set cover of book %d: %w", id, err)
	}
	return hash, err
}

// Delete removes the cover of the owner's book id; a book without one is left as it is.
func (s *CoverStore) Delete(ctx context.Context, owner, id int64) error {
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := ownBook(ctx, tx, owner, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM covers WHERE book_id = ?`, id)
		return err
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("delete cover of book %d: %w", id, err)
	}
	return err
}

// Image returns the picture in size of a cover named hash of one of the owner's live books. (Two
// books with the same picture have the same hash, and either gives it.) Another reader's cover, a
// replaced one and a deleted book's are ErrNotFound.
func (s *CoverStore) Image(ctx context.Context, owner int64, hash string, size CoverSize) ([]byte, error) {
	column := "small"
	if size == CoverLarge {
		column = "large"
	}
	var img []byte
	err := s.db.get(ctx, &img, `
		SELECT c.`+column+` FROM covers c JOIN books b ON b.id = c.book_id
		WHERE c.hash = ? AND b.owner_id = ? AND b.deleted_at IS NULL AND b.pending_import IS NULL LIMIT 1`, hash, owner)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("cover %s: %w", hash, err)
	}
	return img, nil
}

// Owns reports whether a cover named hash is on one of the owner's live books: what a browser
// asking whether its copy is still good needs, without reading the picture.
func (s *CoverStore) Owns(ctx context.Context, owner int64, hash string) (bool, error) {
	var ok bool
	err := s.db.get(ctx, &ok, `
		SELECT EXISTS (SELECT 1 FROM covers c JOIN books b ON b.id = c.book_id
		WHERE c.hash = ? AND b.owner_id = ? AND b.deleted_at IS NULL AND b.pending_import IS NULL)`, hash, owner)
	if err != nil {
		return false, fmt.Errorf("cover %s: %w", hash, err)
	}
	return ok, nil
}

// CoverHash is the name of a cover in URLs: the start of the SHA-256 of its large picture. 48
// bits tell a book's covers apart; two books with the same picture share it, and either gives it.
func CoverHash(large []byte) string {
	sum := sha256.Sum256(large)
	return hex.EncodeToString(sum[:6])
}

// Largest pictures a stored cover has, as Bookcase writes them (handlers/coverimage.go): 96 and
// 480 pixels high, and JPEG of a size to match.
const (
	CoverSmallHeight = 96
	CoverLargeHeight = 480
	maxCoverPicture  = 512 << 10
)

// CheckCover reports whether small and large are a cover as Bookcase writes one: JPEG pictures no
// higher than their size's height nor wider than four times it. An import takes a cover from a
// Bookcase export as it is (the round trip stays exact) only once it passes this.
func CheckCover(small, large []byte) error {
	for _, p := range []struct {
		b []byte
		h int
	}{{small, CoverSmallHeight}, {large, CoverLargeHeight}} {
		if len(p.b) == 0 || len(p.b) > maxCoverPicture || !bytes.HasPrefix(p.b, []byte{0xff, 0xd8, 0xff}) {
			return fieldError("cover", "The cover is not a picture as Bookcase writes covers.")
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(p.b))
		if err != nil || cfg.Height < 1 || cfg.Height > p.h || cfg.Width < 1 || cfg.Width > 4*p.h {
			return fieldError("cover", "The cover is not a picture as Bookcase writes covers.")
		}
	}
	return nil
}

// putCover gives book id the cover in tx, replacing the one it had, and returns its hash.
func putCover(ctx context.Context, tx *sqlx.Tx, id int64, small, large []byte, now time.Time) (string, error) {
	hash := CoverHash(large)
	_, err := tx.ExecContext(ctx, `
		INSERT INTO covers (book_id, hash, small, large, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (book_id) DO UPDATE SET hash = excluded.hash, small = excluded.small,
			large = excluded.large, updated_at = excluded.updated_at`,
		id, hash, small, large, now)
	return hash, err
}
