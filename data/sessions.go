package data

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// SessionStore keeps sign-in sessions in the database, so a restart signs nobody out and several
// servers can share them. Only a hash of each token is stored.
type SessionStore struct {
	db *DB
	// Idle is how long a session lasts without use; Lifetime is how long it lasts at most.
	Idle, Lifetime time.Duration
}

// Session is a signed-in reader.
type Session struct {
	UserID   int64  `db:"user_id"`
	Username string `db:"username"`
	// Density is how the reader likes the library's rows set, read with the session so that
	// every page knows it without a query of its own.
	Density Density `db:"density"`
	// TimeZone is the IANA name of the reader's time zone (see UserStore.TimeZone), read with
	// the session likewise, for the dates every page shows.
	TimeZone string `db:"time_zone"`
	// ReadingVersion is the version of what the reader's stats and library summary count, read
	// with the session likewise: a read of the same request passes it on (WithReadingVersion)
	// rather than ask for it again, a round trip to PostgreSQL of four on the library page.
	ReadingVersion int64 `db:"reading_version"`
	// Token is the secret the cookie carries; only set by Create.
	Token      string    `db:"-"`
	CreatedAt  time.Time `db:"created_at"`
	LastSeenAt time.Time `db:"last_seen_at"`
	ExpiresAt  time.Time `db:"expires_at"`
	// Unrecorded is why Get could not write what it should have (the use of the session, or the
	// end of an expired one), or nil: the caller logs it, and a later request writes it.
	Unrecorded error `db:"-"`
}

// touchEvery limits how often a session's last use is written: at most once a minute, so reading
// pages does not turn into a stream of writes.
const touchEvery = time.Minute

// touchWait is how long recording a session's use (or ending an expired one) waits for the writer
// before it gives up, so that reading a page never waits for an import or for another process
// holding the database (the use is recorded by a later request).
const touchWait = 250 * time.Millisecond

// NewToken returns 256 random bits, URL-safe.
func NewToken() string {
	b := make([]byte, 32)
	rand.Read(b) // crypto/rand.Read never returns an error (Go 1.24+); it crashes the program instead
	return base64.RawURLEncoding.EncodeToString(b)
}

// tokenID is the stored form of a token.
func tokenID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Create starts a new session for the user, with a new token.
func (s *SessionStore) Create(ctx context.Context, userID int64) (Session, error) {
	now := s.db.now()
	sess := Session{UserID: userID, Token: NewToken(), CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.Lifetime)}
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &sess.Username, `SELECT username FROM users WHERE id = ?`, userID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			tokenID(sess.Token), userID, now, now, sess.ExpiresAt)
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, ErrNotFound
	}
	if err != nil {
		return Session{}, fmt.Errorf("create session: %w", err)
	}
	return sess, nil
}

// Get returns the live session for a token, or ErrNotFound when it is unknown, idle for too long
// or past its lifetime. It records the use, and ends an expired session, at best: reading must go
// on when writing cannot (the writer is busy for longer than touchWait, as during an import; the
// disk is full or read-only; another process holds the database), so a failed write is reported
// in the Session's Unrecorded field, not as Get's error, and a later request writes it.
func (s *SessionStore) Get(ctx context.Context, token string) (Session, error) {
	if token == "" {
		return Session{}, ErrNotFound
	}
	id := tokenID(token)
	var sess Session
	err := s.db.get(ctx, &sess, `
		SELECT s.user_id, u.username, u.density, u.time_zone, s.created_at, s.last_seen_at, s.expires_at,
		       COALESCE((SELECT v.version FROM reading_versions v WHERE v.owner_id = s.user_id), 0) AS reading_version
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id = `+textArg, id)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, ErrNotFound
	}
	if err != nil {
		return Session{}, fmt.Errorf("get session: %w", err)
	}
	now := s.db.now()
	if !now.Before(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) >= s.Idle {
		// Expired either way, and as little worth a wait as recording a use: PurgeExpired
		// removes it later if this cannot.
		dctx, cancel := context.WithTimeout(ctx, touchWait)
		defer cancel()
		return Session{Unrecorded: s.Delete(dctx, token)}, ErrNotFound
	}
	if now.Sub(sess.LastSeenAt) >= touchEvery {
		// Recording the use is worth a moment, not a wait: while the writer is busy (an import
		// holds it for seconds), the request goes on unrecorded and a later one records it.
		tctx, cancel := context.WithTimeout(ctx, touchWait)
		err := s.db.inTx(tctx, func(tx *sqlx.Tx) error {
			_, err := tx.ExecContext(tctx, `UPDATE sessions SET last_seen_at = ? WHERE id = ?`, now, id)
			return err
		})
		cancel()
		if err != nil {
			sess.Unrecorded = fmt.Errorf("record the use of a session: %w", err)
		} else {
			sess.LastSeenAt = now
		}
	}
	return sess, nil
}

// Live reports whether a token's session is live, as Get would find it, reading only: it neither
// records the use nor deletes an expired session, so it never waits for the writer (a large import
// holds it for seconds). For deciding early, before Get, how much of a request to accept.
func (s *SessionStore) Live(ctx context.Context, token string) (bool, error) {
	if token == "" {
		return false, nil
	}
	var sess Session
	err := s.db.get(ctx, &sess, `
		SELECT s.user_id, u.username, s.created_at, s.last_seen_at, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id = ?`, tokenID(token))
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("get session: %w", err)
	}
	now := s.db.now()
	return now.Before(sess.ExpiresAt) && now.Sub(sess.LastSeenAt) < s.Idle, nil
}

// Delete ends the session of a token; ending an unknown one is not an error.
func (s *SessionStore) Delete(ctx context.Context, token string) error {
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, tokenID(token))
		return err
	})
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// PurgeExpired removes sessions past their lifetime or idle for too long, and expired CSRF tokens.
func (s *SessionStore) PurgeExpired(ctx context.Context) (int64, error) {
	now := s.db.now()
	var n int64
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?`, now, now.Add(-s.Idle))
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM csrf_tokens WHERE expires_at <= ?`, now)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("purge sessions: %w", err)
	}
	return n, nil
}

// CSRFTokens stores the anti-forgery tokens handed to signed-in readers' browsers (hashed), with
// their expiry, and keeps the key that signs the tokens of everyone else, which are not stored.
type CSRFTokens struct {
	db *DB
}

// signingKeyName is the name of the signing key in the secrets table.
const signingKeyName = "signing-key"

// SigningKey returns the server's key for signing what it hands to browsers without storing it:
// 32 random bytes, made and stored by the first call on a new database, the same for every server
// that uses it, and after restarts.
func (s *CSRFTokens) SigningKey(ctx context.Context) ([]byte, error) {
	var stored string
	err := s.db.get(ctx, &stored, `SELECT value FROM secrets WHERE name = ?`, signingKeyName)
	if errors.Is(err, sql.ErrNoRows) {
		key := make([]byte, 32)
		rand.Read(key) // never fails (Go 1.24+)
		err = s.db.inTx(ctx, func(tx *sqlx.Tx) error {
			// Two servers starting at once: the first key stored is the one both use.
			if _, err := tx.ExecContext(ctx, `INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`,
				signingKeyName, hex.EncodeToString(key)); err != nil {
				return err
			}
			return tx.GetContext(ctx, &stored, `SELECT value FROM secrets WHERE name = ?`, signingKeyName)
		})
	}
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	key, err := hex.DecodeString(stored)
	if err != nil || len(key) < 32 {
		return nil, fmt.Errorf("signing key: the stored key is not 32 bytes of hex")
	}
	return key, nil
}

// Expiry returns when the token expires, or ErrNotFound when it is unknown or expired.
func (s *CSRFTokens) Expiry(ctx context.Context, token string) (time.Time, error) {
	var exp time.Time
	err := s.db.get(ctx, &exp, `SELECT expires_at FROM csrf_tokens WHERE id = ?`, tokenID(token))
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, ErrNotFound
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("get csrf token: %w", err)
	}
	if !s.db.now().Before(exp) {
		return time.Time{}, ErrNotFound
	}
	return exp, nil
}

// Save records the token, or moves its expiry.
func (s *CSRFTokens) Save(ctx context.Context, token string, expires time.Time) error {
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO csrf_tokens (id, expires_at) VALUES (?, ?)
			ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at`,
			tokenID(token), expires.UTC())
		return err
	})
	if err != nil {
		return fmt.Errorf("save csrf token: %w", err)
	}
	return nil
}

// Delete forgets the token.
func (s *CSRFTokens) Delete(ctx context.Context, token string) error {
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM csrf_tokens WHERE id = ?`, tokenID(token))
		return err
	})
	if err != nil {
		return fmt.Errorf("delete csrf token: %w", err)
	}
	return nil
}
