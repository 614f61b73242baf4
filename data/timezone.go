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

// maxTimeZoneLen bounds a time zone's name: the longest IANA name is 32 characters.
const maxTimeZoneLen = 64

// msgTimeZone is the message for a time zone that is not one, keyed by the field "time_zone".
const msgTimeZone = "Choose a time zone by its name, like Europe/Lisbon, America/New_York or UTC."

// ParseTimeZone reads a time zone's IANA name as a reader types it ("Europe/Lisbon"), checked
// against the time zone database (embedded in the binary: time/tzdata). The machine's own
// zone ("Local") is not a reader's. A name that is not one is a *ValidationError for the field
// "time_zone".
func ParseTimeZone(name string) (*time.Location, error) {
	name = strings.TrimSpace(name)
	if name == "" || name == "Local" || len(name) > maxTimeZoneLen {
		return nil, fieldError("time_zone", msgTimeZone)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fieldError("time_zone", msgTimeZone)
	}
	return loc, nil
}

// TimeZone returns the user's time zone, whose days their stats count in: UTC until they choose
// one (and if the one they chose has left the time zone database since).
func (s *UserStore) TimeZone(ctx context.Context, id int64) (*time.Location, error) {
	var name string
	err := s.db.get(ctx, &name, `SELECT time_zone FROM users WHERE id = ?`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("time zone of user %d: %w", id, err)
	}
	loc, err := ParseTimeZone(name)
	if err != nil {
		return time.UTC, nil
	}
	return loc, nil
}

// SetTimeZone sets the user's time zone by its IANA name (see ParseTimeZone).
func (s *UserStore) SetTimeZone(ctx context.Context, id int64, name string) error {
	loc, err := ParseTimeZone(name)
	if err != nil {
		return err
	}
	err = s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET time_zone = ? WHERE id = ?`, loc.String(), id)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err == nil && n == 0 {
			err = ErrNotFound
		}
		return err
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("set time zone of user %d: %w", id, err)
	}
	return err
}
