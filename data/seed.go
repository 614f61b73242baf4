package data

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jmoiron/sqlx"
)

// Seed adds n made-up but plausible books to the owner's library in one transaction, for demos
// and benchmarks. The same seed gives the same books.
func (s *BookStore) Seed(ctx context.Context, owner int64, n int, seed uint64) error {
	if n <= 0 {
		return nil
	}
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	start := s.db.now().Add(-time.Duration(n) * time.Minute)
	err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
		stmt, err := tx.PreparexContext(ctx,
			`INSERT INTO books (owner_id, title, author, genre, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i := range n {
			title := seedAdjectives[r.IntN(len(seedAdjectives))] + " " + seedNouns[r.IntN(len(seedNouns))]
			if r.IntN(3) == 0 {
				title = "The " + title
			}
			author := seedFirst[r.IntN(len(seedFirst))] + " " + seedLast[r.IntN(len(seedLast))]
			genre := seedGenres[r.IntN(len(seedGenres))]
			at := start.Add(time.Duration(i) * time.Minute)
			if _, err := stmt.ExecContext(ctx, owner, title, author, genre, at, at); err != nil {
				return err
			}
		}
		return addToCount(ctx, tx, owner, StatusWant, n)
	})
	if err != nil {
		return fmt.Errorf("seed books: %w", err)
	}
	return nil
}

var (
	seedAdjectives = []string{"Silent", "Burning", "Hidden", "Last", "Glass", "Winter", "Distant", "Crimson", "Hollow", "Golden", "Broken", "Midnight", "Wandering", "Lost", "Iron", "Quiet"}
	seedNouns      = []string{"Garden", "River", "Kingdom", "Library", "Orchard", "Lighthouse", "Archive", "Harbour", "Mountain", "Letters", "Cartographer", "Season", "Empire", "Tide", "Forest", "Clockmaker"}
	seedFirst      = []string{"Ada", "Chinua", "Ursula", "Haruki", "Toni", "Italo", "Octavia", "Jorge", "Zadie", "Kazuo", "Elena", "Gabriel", "Margaret", "Ted", "Ngozi", "Fyodor"}
	seedLast       = []string{"Okafor", "Le Guin", "Murakami", "Morrison", "Calvino", "Butler", "Borges", "Smith", "Ishiguro", "Ferrante", "Márquez", "Atwood", "Chiang", "Adichie", "Dostoevsky", "Lindqvist"}
	seedGenres     = []string{"Fiction", "Science fiction", "Fantasy", "Mystery", "History", "Poetry", "Biography", "Essays", "Horror", "Romance", ""}
)
