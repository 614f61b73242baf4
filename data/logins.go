package data

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// LoginFailures counts failed logins in the database, so that the login limits hold across the
// instances that share it (PostgreSQL): each failure is a row, counted in a sliding window by
// every instance. What a failure counts against (a client address, an account, a device) is kept
// as a hash: fixed in size, and no username stored for a guess.
type LoginFailures struct{ db *DB }

// LoginFailures returns the store of failed logins.
func (db *DB) LoginFailures() *LoginFailures { return &LoginFailures{db: db} }

// failureKey is what the table keeps of key.
func failureKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// Recent returns how many failures key has had within window until now and, when there are any,
// the time the oldest of them leaves the window.
func (l *LoginFailures) Recent(ctx context.Context, key string, window time.Duration) (int, time.Time, error) {
	now := l.db.now()
	var got struct {
		N      int           `db:"n"`
		Oldest sql.NullInt64 `db:"oldest"`
	}
	if err := l.db.get(ctx, &got, `
		SELECT COUNT(*) AS n, MIN(failed_at) AS oldest FROM login_failures WHERE key = ? AND failed_at > ?`,
		failureKey(key), now.Add(-window).UnixMilli()); err != nil {
		return 0, time.Time{}, fmt.Errorf("count failed logins: %w", err)
	}
	if !got.Oldest.Valid {
		return got.N, time.Time{}, nil
	}
	return got.N, time.UnixMilli(got.Oldest.Int64).Add(window).UTC(), nil
}

// Add records a failure of key now, and forgets key's failures older than window.
func (l *LoginFailures) Add(ctx context.Context, key string, window time.Duration) error {
	now := l.db.now()
	k := failureKey(key)
	err := l.db.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE key = ? AND failed_at <= ?`,
			k, now.Add(-window).UnixMilli()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO login_failures (key, failed_at) VALUES (?, ?)`, k, now.UnixMilli())
		return err
	})
	if err != nil {
		return fmt.Errorf("record a failed login: %w", err)
	}
	return nil
}

// PurgeOlder forgets the failures older than window, whatever they count against, and returns
// how many it forgot (the hourly housekeeping).
func (l *LoginFailures) PurgeOlder(ctx context.Context, window time.Duration) (int64, error) {
	var n int64
	err := l.db.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE failed_at <= ?`, l.db.now().Add(-window).UnixMilli())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("purge failed logins: %w", err)
	}
	return n, nil
}
