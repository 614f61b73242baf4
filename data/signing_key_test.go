package data_test

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/bookcase/bookcase/data"
)

func TestSigningKey(t *testing.T) {
	// The key is made once per database, kept across restarts, and not the same for two databases.
	path := filepath.Join(t.TempDir(), "test.db")
	open := func(path string) *data.DB {
		db, err := data.Open(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	db := open(path)
	first, err := db.CSRFTokens().SigningKey(t.Context())
	if err != nil || len(first) < 32 {
		t.Fatalf("SigningKey = %x, %v; want 32 bytes", first, err)
	}
	if again, err := db.CSRFTokens().SigningKey(t.Context()); err != nil || !bytes.Equal(again, first) {
		t.Errorf("SigningKey again = %x, %v; want %x", again, err, first)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = open(path)
	defer db.Close()
	if reopened, err := db.CSRFTokens().SigningKey(t.Context()); err != nil || !bytes.Equal(reopened, first) {
		t.Errorf("SigningKey after a restart = %x, %v; want %x", reopened, err, first)
	}
	other := open(filepath.Join(t.TempDir(), "other.db"))
	defer other.Close()
	if key, err := other.CSRFTokens().SigningKey(t.Context()); err != nil || bytes.Equal(key, first) {
		t.Errorf("another database's key = %x, %v; want a key of its own", key, err)
	}
}
