package handlers_test

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/handlers"
)

// smallDisk mounts a tmpfs of size bytes for the test, or skips the test where this machine does
// not let it mount one (it takes root, and a kernel that lets the test's namespace mount).
func smallDisk(t *testing.T, size int) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, fmt.Sprintf("size=%d", size)); err != nil {
		t.Skipf("cannot mount a small file system here (%v): the full disk is checked with injected errors in TestStoreFaults", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// fill writes a file into dir until the file system has no room left, and returns its path.
func fill(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	block := make([]byte, 4096)
	for {
		if _, err := f.Write(block); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				return path
			}
			t.Fatal(err)
		}
	}
}

// TestDiskFullForReal runs the server on a real 8 MB file system and fills it: a change is
// refused with 507 and a message saying what happened (for htmx and for a plain form), pages
// still read, nothing acknowledged before is lost, and once room is made the same change
// succeeds without a restart. (A read-only database is TestStoreFaults' and data's
// TestReadOnlyDatabase: a tmpfs with files open for writing cannot be remounted read-only.)
func TestDiskFullForReal(t *testing.T) {
	dir := smallDisk(t, 8<<20)
	db, err := data.Open(t.Context(), filepath.Join(dir, "bookcase.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	a := newApp(t, db, handlers.Config{})
	a.signIn(a.addUser("reader"))
	var kept []data.Book
	for i := range 20 {
		kept = append(kept, a.create(fmt.Sprintf("Book %d", i), "Writer", ""))
	}

	filler := fill(t, dir)
	// The room the filler takes is what comes back at the end: the database and its log must
	// leave it a good part of the file system (after migrations 00037–00039 the log took 4 MB of
	// 4, the filler 86 KB, and its room was too little for one more book).
	fi, err := os.Stat(filler)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() < 1<<20 {
		t.Fatalf("the filler took %d bytes, too little room to give back: make the file system larger", fi.Size())
	}
	// SQLite may still have room in pages the file has and the log can reuse: write until a
	// change finds none, as a reader would go on saving.
	var full response
	for i := 0; ; i++ {
		res := a.do(htmx, http.MethodPost, "/books", form(fmt.Sprintf("Long %d %s", i, strings.Repeat("x", 200)), strings.Repeat("y", 240), strings.Repeat("z", 240)))
		if res.StatusCode == http.StatusOK {
			if i > 5000 {
				t.Fatal("the disk never filled")
			}
			continue
		}
		full = res
		break
	}
	full.wantStatus(t, http.StatusInsufficientStorage)
	if !strings.Contains(full.body, "disk is full") {
		t.Errorf("htmx answer on a full disk: %q", full.body)
	}
	res := a.do(plain, http.MethodPost, "/books", form("Plain", "Writer", ""))
	res.wantStatus(t, http.StatusInsufficientStorage)
	if !strings.Contains(squash(one(t, res.page(t), "main").Text()), "disk is full") {
		t.Errorf("plain page on a full disk: %s", res.body)
	}
	a.get(plain, "/books").wantStatus(t, http.StatusOK)
	for _, b := range kept {
		if got := a.stored(b.ID); got.Title != b.Title {
			t.Errorf("book %d is %q after the disk filled, want %q", b.ID, got.Title, b.Title)
		}
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	after := a.create("After the room came back", "Writer", "")
	if got := a.stored(after.ID); got.Title != after.Title {
		t.Errorf("the change after room came back: %+v", got)
	}

}
