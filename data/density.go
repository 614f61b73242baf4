package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// Density is how closely the library's rows are set, a choice the reader makes once and that
// follows them to every device: it is kept with the account (users.density).
type Density string

// The densities a reader can choose.
const (
	DensityComfortable Density = "comfortable"
	DensityCompact     Density = "compact"
)

// ParseDensity reads a density from a form; anything else is a *ValidationError.
func ParseDensity(s string) (Density, error) {
	switch d := Density(s); d {
	case DensityComfortable, DensityCompact:
		return d, nil
	}
	return "", &ValidationError{Fields: map[string]string{"density": "Choose compact or comfortable."}}
}

// SetDensity keeps the reader's density: every session of theirs shows the library so from its
// next page on.
func (s *UserStore) SetDensity(ctx context.Context, userID int64, d Density) error {
	if _, err := ParseDensity(string(d)); err != nil {
		return err
	}
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		var id int64
		return tx.GetContext(ctx, &id, `UPDATE users SET density = ? WHERE id = ? RETURNING id`, d, userID)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("set density: %w", err)
	}
	return nil
}
