package data

import (
	"encoding/binary"
	"os"
	"testing"
	"time"
)

// walIndex reads from the database's shared-memory file (its WAL index) the last frame of the
// log (mxFrame) and how many of its frames a checkpoint has copied into the database
// (nBackfill): the first header's word at byte 16, and the checkpoint information's first word,
// after the header's two copies, at byte 96. SQLite writes them in the machine's byte order.
func walIndex(t *testing.T, path string) (mxFrame, nBackfill uint32) {
	t.Helper()
	shm, err := os.ReadFile(path + "-shm")
	if err != nil {
		t.Fatal(err)
	}
	if len(shm) < 100 {
		t.Fatalf("%s-shm holds %d bytes, want a WAL index", path, len(shm))
	}
	return binary.NativeEndian.Uint32(shm[16:]), binary.NativeEndian.Uint32(shm[96:])
}

// TestCheckpointerCopiesCommits checks that what a write commits is copied from the log into
// the database file soon after, by the checkpointer, though the log is far shorter than the
// 1,000 pages at which the writer itself would (SQLite's automatic checkpoint), and that the
// writer's own automatic checkpoint waits for a longer log.
func TestCheckpointerCopiesCommits(t *testing.T) {
	db, path := openFaultDB(t)
	if got := writerSetting(t, db, "wal_autocheckpoint"); got != writerCheckpointPages {
		t.Errorf("the writer's wal_autocheckpoint = %d, want %d", got, writerCheckpointPages)
	}
	u, err := db.Users().Create(t.Context(), "ada", "a fine long passphrase")
	if err != nil {
		t.Fatal(err)
	}
	for _, title := range []string{"Dune", "Emma"} {
		if _, err := db.Books().Create(t.Context(), u.ID, BookInput{Title: title, Author: "A. Writer"}); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			frames, copied := walIndex(t, path)
			if frames > 0 && copied == frames {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("after adding %s: %d of the log's %d frames copied into the database after 10 s, want all", title, copied, frames)
			}
			time.Sleep(time.Millisecond)
		}
	}
}
