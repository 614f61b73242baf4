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

// ErrConflict means the record clashes with one that exists (a taken username).
var ErrConflict = errors.New("conflict")

// ErrBadCredentials is the one answer to a failed login, whether the user or the password was wrong.
var ErrBadCredentials = errors.New("wrong username or password")

// User is a reader with an account.
type User struct {
	ID           int64     `db:"id"`
	Username     string    `db:"username"`
	PasswordHash string    `db:"password_hash"`
	CreatedAt    time.Time `db:"created_at"`
}

// UserStore reads and writes accounts.
type UserStore struct {
	db *DB
}

// NormalizeUsername lower-cases and trims a username as typed.
func NormalizeUsername(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// validUsername reports what is wrong with a normalized username, or "".
func validUsername(name string) string {
	switch {
	case name == "":
		return "Username is required."
	case len(name) < 3:
		return "Username must be at least 3 characters."
	case len(name) > 32:
		return "Username must be at most 32 characters."
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return "Username may use only letters, digits, dots, dashes and underscores."
		}
	}
	return ""
}

// Validate reports the problems with a new account that show without the database: the
// username's form and the password's strength. Whether the name is taken only Create says, once
// the rest is valid, so that the sign-up form is no quick way to probe for usernames.
func (s *UserStore) Validate(username, password string) error {
	return s.validate(NormalizeUsername(username), password).errOrNil()
}

const msgUsernameTaken = "That username is taken. Choose another."

// validate checks a normalized username and a password without looking at the database.
func (s *UserStore) validate(username, password string) *ValidationError {
	var v ValidationError
	if msg := validUsername(username); msg != "" {
		v.add("username", msg)
	}
	if msg := s.db.commonPasswords().checkPassword(password, username); msg != "" {
		v.add("password", msg)
	}
	return &v
}

// Create makes an account. The first account ever created adopts the books that were added
// before accounts existed, so nothing is lost by turning accounts on.
func (s *UserStore) Create(ctx context.Context, username, password string) (User, error) {
	username = NormalizeUsername(username)
	if err := s.validate(username, password).errOrNil(); err != nil {
		return User{}, err
	}
	// A taken name is refused before the password is hashed, which a sign-up waits its turn for.
	var taken bool
	if err := s.db.get(ctx, &taken, `SELECT EXISTS (SELECT 1 FROM users WHERE username = ?)`, username); err != nil {
		return User{}, fmt.Errorf("check username: %w", err)
	}
	if taken {
		return User{}, &ValidationError{Fields: map[string]string{"username": msgUsernameTaken}}
	}
	hash, err := s.db.hashes.hash(ctx, password)
	if err != nil {
		return User{}, fmt.Errorf("hash password: %w", err)
	}
	var u User
	err = s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		var taken bool
		if err := tx.GetContext(ctx, &taken, `SELECT EXISTS (SELECT 1 FROM users WHERE username = ?)`, username); err != nil {
			return err
		}
		if taken {
			return &ValidationError{Fields: map[string]string{"username": msgUsernameTaken}}
		}
		var first bool
		if err := tx.GetContext(ctx, &first, `SELECT NOT EXISTS (SELECT 1 FROM users)`); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &u, `
			INSERT INTO users (username, password_hash, created_at) VALUES (?, ?, ?)
			RETURNING id, username, password_hash, created_at`,
			username, hash, s.db.now()); err != nil {
			return err
		}
		if first {
			if _, err := tx.ExecContext(ctx, `UPDATE books SET owner_id = ? WHERE owner_id IS NULL`, u.ID); err != nil {
				return err
			}
		}
		return recount(ctx, tx, u.ID)
	})
	if errors.Is(err, ErrInvalid) {
		return User{}, err
	}
	if err != nil {
		return User{}, fmt.Errorf("create user: %w", err)
	}
	return u, nil
}

// Authenticate returns the user when the password is theirs, and ErrBadCredentials otherwise.
// An unknown username costs the same hashing work as a wrong password, so timing does not tell
// which usernames exist.
func (s *UserStore) Authenticate(ctx context.Context, username, password string) (User, error) {
	u, err := s.ByName(ctx, username)
	if errors.Is(err, ErrNotFound) {
		if _, err := s.db.hashes.verify(ctx, password, s.db.dummyHash()); err != nil {
			return User{}, fmt.Errorf("verify password: %w", err)
		}
		return User{}, ErrBadCredentials
	}
	if err != nil {
		return User{}, err
	}
	ok, err := s.db.hashes.verify(ctx, password, u.PasswordHash)
	if err != nil {
		return User{}, fmt.Errorf("verify password of user %d: %w", u.ID, err)
	}
	if !ok {
		return User{}, ErrBadCredentials
	}
	return u, nil
}

// ByName returns the user with that username, or ErrNotFound.
func (s *UserStore) ByName(ctx context.Context, username string) (User, error) {
	var u User
	err := s.db.get(ctx, &u,
		`SELECT id, username, password_hash, created_at FROM users WHERE username = ?`, NormalizeUsername(username))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("get user: %w", err)
	}
	return u, nil
}

// UserSummary is a line of `bookcase user list`.
type UserSummary struct {
	Username  string    `db:"username"`
	CreatedAt time.Time `db:"created_at"`
	Books     int       `db:"books"`
}

// List returns every account with its number of books, by username.
func (s *UserStore) List(ctx context.Context) ([]UserSummary, error) {
	var out []UserSummary
	err := s.db.selectAll(ctx, &out, `
		SELECT u.username, u.created_at, COALESCE(c.live, 0) AS books
		FROM users u LEFT JOIN book_counts c ON c.owner_id = u.id
		ORDER BY u.username`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return out, nil
}

// SetPassword changes a user's password and signs them out everywhere.
func (s *UserStore) SetPassword(ctx context.Context, username, password string) error {
	username = NormalizeUsername(username)
	if msg := s.db.commonPasswords().checkPassword(password, username); msg != "" {
		return &ValidationError{Fields: map[string]string{"password": msg}}
	}
	hash, err := s.db.hashes.hash(ctx, password)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	err = s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		var id int64
		if err := tx.GetContext(ctx, &id, `UPDATE users SET password_hash = ? WHERE username = ? RETURNING id`, hash, username); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, id)
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	return nil
}

// Delete removes an account with its books, shelves and sessions, and nothing else.
func (s *UserStore) Delete(ctx context.Context, username string) error {
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		var id int64
		if err := tx.GetContext(ctx, &id, `SELECT id FROM users WHERE username = ?`, NormalizeUsername(username)); err != nil {
			return err
		}
		// Spelled out rather than left to ON DELETE CASCADE, so it holds on any database.
		for _, q := range []string{
			`DELETE FROM sessions WHERE user_id = ?`,
			`DELETE FROM book_counts WHERE owner_id = ?`,
			`DELETE FROM book_shelves WHERE shelf_id IN (SELECT id FROM shelves WHERE owner_id = ?)`,
			`DELETE FROM shelves WHERE owner_id = ?`,
			`DELETE FROM books WHERE owner_id = ?`,
			`DELETE FROM users WHERE id = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("delete user: %w", err)
	}
	return nil
}
