package handlers_test

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/data/dbtest"
	"github.com/bookcase/bookcase/handlers"
)

// goodreadsLibrary is a Goodreads export of n books as a real one reads: each book has its own
// title, author, ISBN, dates and shelves, and one in three a short review.
func goodreadsLibrary(n int) []byte {
	var b strings.Builder
	b.WriteString(grHeader)
	for i := range n {
		review := ""
		if i%3 == 0 {
			review = fmt.Sprintf("Read it on holiday in %d.<br/>The middle drags; the ending (chapter %d) made up for it.", 2000+i%24, i%40)
		}
		fmt.Fprintf(&b, "%d,\"The %s of %d, Part %d\",Author %d,\"%d, Author\",,\"=\"\"%010d\"\"\",\"=\"\"978%010d\"\"\",%d,%d.%02d,Publisher %d,Paperback,%d,%d,%d,%d/%02d/%02d,2022/12/%02d,\"shelf-%d, favourites\",\"shelf-%d (#%d), favourites (#%d)\",read,\"%s\",,,1,0\n",
			1000000+i*7919, []string{"House", "River", "Garden", "Winter", "City"}[i%5], i, i%9+1, i%500, i%500, i, i,
			i%6, 3+i%2, i%100, i%80, 100+i%700, 1950+i%70, 1900+i%120, 2010+i%14, 1+i%12, 1+i%28, 1+i%28, i%12, i%12, i%90, i%200, review)
	}
	return []byte(b.String())
}

// dbBytes is how large the database at path is (as SQLite counts its pages: the file once the
// write-ahead log is checkpointed), and how much of that holds data (less its free pages).
func dbBytes(t *testing.T, path string) (size, used int64) {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var pages, free, page int64
	for q, dst := range map[string]*int64{"PRAGMA page_count": &pages, "PRAGMA freelist_count": &free, "PRAGMA page_size": &page} {
		if err := conn.QueryRow(q).Scan(dst); err != nil {
			t.Fatal(err)
		}
	}
	return pages * page, (pages - free) * page
}

// TestImportStoredSize uploads files and measures what their reviews add to the database, per
// byte uploaded: a Goodreads export's review took about 30 times its size, a file of the
// shortest lines more; and deleting it gave nothing back.
func TestImportStoredSize(t *testing.T) {
	dbtest.SkipOnPostgres(t, "measures the SQLite file's pages")
	tiny := []byte(grHeader + strings.Repeat("1,T,A\n", 100_000)) // each line a row with a problem
	for _, tt := range []struct {
		name string
		file []byte
		most float64 // stored bytes per uploaded byte
	}{
		{"Goodreads", goodreadsLibrary(5_000), 0.5},
		{"ShortLines", tiny, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "test.db")
			db, err := data.Open(t.Context(), path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			a := newApp(t, db, handlers.Config{})
			a.signIn(a.addUser("ada"))
			size, used := dbBytes(t, path)
			id := a.uploaded("library.csv", tt.file)
			_, after := dbBytes(t, path)
			grown := after - used
			ratio := float64(grown) / float64(len(tt.file))
			t.Logf("%d bytes uploaded, %d stored: %.2f bytes a byte", len(tt.file), grown, ratio)
			if ratio > tt.most {
				t.Errorf("the review takes %.2f bytes per byte uploaded, want at most %.2f", ratio, tt.most)
			}
			a.do(plain, http.MethodPost, fmt.Sprintf("/import/%d/delete", id), nil).wantStatus(t, http.StatusSeeOther)
			if left, _ := dbBytes(t, path); left-size > 64<<10 {
				t.Errorf("after deleting the import the database is %d bytes larger than before it, want its space given back", left-size)
			}
		})
	}
}

// TestImportOpenLimit uploads one file more than a reader may hold in review: it is refused at
// the form, with a message, and nothing is kept; deleting one makes room again.
func TestImportOpenLimit(t *testing.T) {
	a := newTestApp(t)
	file := goodreadsLibrary(3)
	var ids []int64
	for range data.MaxOpenImports {
		ids = append(ids, a.uploaded("library.csv", file))
	}
	res := a.upload(plain, "library.csv", file)
	res.wantStatus(t, http.StatusUnprocessableEntity)
	if msg := squash(one(t, res.page(t), `[data-testid="import-error"]`).Text()); !strings.Contains(msg, "imports waiting for review") {
		t.Errorf("message = %q", msg)
	}
	a.do(plain, http.MethodPost, fmt.Sprintf("/import/%d/delete", ids[0]), nil).wantStatus(t, http.StatusSeeOther)
	a.uploaded("library.csv", file)
}

// TestUploadOnFullDisk checks the answer to an upload that fasthttp could not spool, the
// temporary directory's disk being full: the error it hands the server's error handler, as it
// reads the body before any handler runs. The answer is 507 with a message that says nothing was
// imported and names no path; before, fiber took the errno for a network error: 502. (fasthttp
// has reset the request by then, so an htmx upload gets the page too: app.js shows its generic
// toast.) A real full disk, a 1 MB tmpfs as the upload directory, answers the same.
func TestUploadOnFullDisk(t *testing.T) {
	full := fmt.Errorf("cannot read multipart/form-data body: %w",
		&fs.PathError{Op: "write", Path: "/var/lib/bookcase/bookcase-uploads/multipart-123", Err: syscall.ENOSPC})
	for _, errno := range []syscall.Errno{syscall.ENOSPC, syscall.EDQUOT} {
		t.Run(errno.Error(), func(t *testing.T) {
			a := newTestApp(t)
			var ctx fasthttp.RequestCtx
			ctx.Request.Header.SetMethod(http.MethodPost)
			ctx.Request.SetRequestURI("/import")
			ctx.Request.Reset() // as fasthttp leaves it
			err := full
			if errno != syscall.ENOSPC {
				err = fmt.Errorf("cannot read multipart/form-data body: %w", &fs.PathError{Op: "write", Path: "/x", Err: errno})
			}
			a.app.Server().ErrorHandler(&ctx, err)
			if got := ctx.Response.StatusCode(); got != http.StatusInsufficientStorage {
				t.Errorf("status = %d, want 507", got)
			}
			body := string(ctx.Response.Body())
			if !strings.Contains(body, "The server&#39;s disk is full, so the file could not be received. Nothing was imported.") {
				t.Errorf("body = %q, want the message", body)
			}
			if strings.Contains(body, "multipart-123") {
				t.Error("the answer names the spool file")
			}
		})
	}
	// Any other reading error is fiber's to answer, as before.
	a := newTestApp(t)
	var ctx fasthttp.RequestCtx
	ctx.Request.SetRequestURI("/books")
	a.app.Server().ErrorHandler(&ctx, fasthttp.ErrBodyTooLarge)
	if got := ctx.Response.StatusCode(); got != http.StatusRequestEntityTooLarge {
		t.Errorf("body too large: status = %d, want 413", got)
	}
}

// fullImports is an import store on a database whose disk is full.
type fullImports struct{ handlers.ImportStore }

func (fullImports) Create(context.Context, int64, data.NewImport) (data.Import, error) {
	return data.Import{}, fmt.Errorf("create import: %w", data.ErrNoSpace)
}

// TestImportOnFullDatabase checks that an upload whose rows the database has no room for is 507
// with a message, for htmx and for a plain form, not an empty 500.
func TestImportOnFullDatabase(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			db := openTestDB(t)
			a := newApp(t, db, handlers.Config{Imports: fullImports{db.Imports()}})
			a.signIn(a.addUser("ada"))
			a.get(plain, "/import").wantStatus(t, http.StatusOK)
			res := a.upload(m, "library.csv", goodreadsLibrary(3))
			res.wantStatus(t, http.StatusInsufficientStorage)
			const msg = "The server's disk is full, so the file could not be received. Nothing was imported."
			if m.htmx {
				if !strings.Contains(res.body, msg) {
					t.Errorf("body = %q, want the message", res.body)
				}
				return
			}
			if got := squash(res.page(t).Find("main").Text()); !strings.Contains(got, msg) {
				t.Errorf("page says %q, want the message", got)
			}
		})
	}
}
