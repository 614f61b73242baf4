package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// ReviewShare is a Year in Review its reader made public, under a link of its own.
type ReviewShare struct {
	Token    string    `db:"token"`
	Owner    int64     `db:"owner_id"`
	Year     int       `db:"year"`
	ShowName bool      `db:"show_name"`
	Created  time.Time `db:"created_at"`
	// Username is the reader's, read with the share by SharedReview.
	Username string `db:"username"`
}

// ReviewShare returns the owner's share of the review of year; ErrNotFound when it is not shared.
func (s *ReadingStore) ReviewShare(ctx context.Context, owner int64, year int) (ReviewShare, error) {
	var sh ReviewShare
	err := s.db.get(ctx, &sh, `SELECT token, owner_id, year, show_name, created_at FROM review_shares WHERE owner_id = ? AND year = ?`, owner, year)
	if errors.Is(err, sql.ErrNoRows) {
		return ReviewShare{}, ErrNotFound
	}
	if err != nil {
		return ReviewShare{}, fmt.Errorf("review share %d: %w", year, err)
	}
	return sh, nil
}

// ShareReview makes the owner's review of year public, naming the reader or not; a review shared
// already keeps its link.
func (s *ReadingStore) ShareReview(ctx context.Context, owner int64, year int, showName bool) (ReviewShare, error) {
	if err := CheckStatsYear(year, s.db.now()); err != nil {
		return ReviewShare{}, err
	}
	var sh ReviewShare
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		return tx.GetContext(ctx, &sh, `
			INSERT INTO review_shares (token, owner_id, year, show_name, created_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (owner_id, year) DO UPDATE SET show_name = excluded.show_name
			RETURNING token, owner_id, year, show_name, created_at`,
			NewToken(), owner, year, showName, s.db.now())
	})
	if err != nil {
		return ReviewShare{}, fmt.Errorf("share review %d: %w", year, err)
	}
	return sh, nil
}

// UnshareReview stops sharing the owner's review of year: its link answers 404 from now on. A
// review not shared is left as it is.
func (s *ReadingStore) UnshareReview(ctx context.Context, owner int64, year int) error {
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM review_shares WHERE owner_id = ? AND year = ?`, owner, year)
		return err
	})
	if err != nil {
		return fmt.Errorf("unshare review %d: %w", year, err)
	}
	return nil
}

// SharedReview returns the share whose link token is; ErrNotFound for a token that is not, or
// no longer, one (the two cannot be told apart).
func (s *ReadingStore) SharedReview(ctx context.Context, token string) (ReviewShare, error) {
	if len(token) != 43 {
		return ReviewShare{}, ErrNotFound // not a token NewToken makes: no need to ask
	}
	var sh ReviewShare
	err := s.db.get(ctx, &sh, `
		SELECT r.token, r.owner_id, r.year, r.show_name, r.created_at, u.username
		FROM review_shares r JOIN users u ON u.id = r.owner_id WHERE r.token = ?`, token)
	if errors.Is(err, sql.ErrNoRows) {
		return ReviewShare{}, ErrNotFound
	}
	if err != nil {
		return ReviewShare{}, fmt.Errorf("shared review: %w", err)
	}
	return sh, nil
}

// ReviewHasCover reports whether the cover hash is that of a live book of the owner's finished
// in year: the covers a shared review of that year shows, and the only ones its link may fetch.
func (s *ReadingStore) ReviewHasCover(ctx context.Context, owner int64, year int, hash string) (bool, error) {
	var ok bool
	err := s.db.get(ctx, &ok, `
		SELECT EXISTS (SELECT 1 FROM covers c JOIN books b ON b.id = c.book_id JOIN read_throughs r ON r.book_id = b.id
			WHERE c.hash = ? AND b.owner_id = ? AND b.deleted_at IS NULL AND b.pending_import IS NULL
			  AND r.outcome = 'read' AND r.finished_on >= ? AND r.finished_on <= ?)`,
		hash, owner, fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year))
	if err != nil {
		return false, fmt.Errorf("review cover: %w", err)
	}
	return ok, nil
}
