package handlers_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/handlers"
)

// grHeader is the header of a Goodreads library export.
const grHeader = "Book Id,Title,Author,Author l-f,Additional Authors,ISBN,ISBN13,My Rating,Average Rating,Publisher,Binding,Number of Pages,Year Published,Original Publication Year,Date Read,Date Added,Bookshelves,Bookshelves with positions,Exclusive Shelf,My Review,Spoiler,Private Notes,Read Count,Owned Copies\n"

// goodreadsCSV is a Goodreads export of n made-up books; the rows numbered in bad (from 1) have
// no title.
func goodreadsCSV(n int, bad ...int) []byte {
	var b bytes.Buffer
	b.Grow(n * 200)
	b.WriteString(grHeader)
	shelves := []string{"read", "to-read", "currently-reading"}
	isBad := map[int]bool{}
	for _, i := range bad {
		isBad[i] = true
	}
	for i := 1; i <= n; i++ {
		title := fmt.Sprintf("Book number %d", i)
		if isBad[i] {
			title = ""
		}
		fmt.Fprintf(&b, "%d,%s,Author %d,\"%d, Author\",,,,%d,3.9,Publisher,Paperback,%d,2001,2001,2023/01/%02d,2022/12/01,\"shelf-%d, %s\",,%s,,,,1,0\n",
			i, title, i%500, i%500, i%6, 100+i%400, 1+i%28, i%7, shelves[i%3], shelves[i%3])
	}
	return b.Bytes()
}

// upload posts file to /import as a browser form does, with the page's anti-forgery token.
func (a *testApp) upload(m mode, name string, file []byte) response {
	a.t.Helper()
	return a.send(a.uploadRequest(m, a.csrf, name, file))
}

func (a *testApp) uploadRequest(m mode, csrf, name string, file []byte) *http.Request {
	a.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if csrf != "" && !m.htmx {
		if err := w.WriteField("_csrf", csrf); err != nil {
			a.t.Fatal(err)
		}
	}
	if file != nil {
		fw, err := w.CreateFormFile("file", name)
		if err != nil {
			a.t.Fatal(err)
		}
		if _, err := fw.Write(file); err != nil {
			a.t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		a.t.Fatal(err)
	}
	req := a.request(m, http.MethodPost, "/import", nil)
	req.Body = io.NopCloser(&body)
	req.ContentLength = int64(body.Len())
	req.Header.Set("Content-Type", w.FormDataContentType())
	if m.htmx && csrf != "" {
		req.Header.Set(csrfHeader, csrf)
	}
	return req
}

var importPath = regexp.MustCompile(`^/import/([0-9]+)$`)

// uploaded uploads file and returns the new import's id from the redirect.
func (a *testApp) uploaded(name string, file []byte) int64 {
	a.t.Helper()
	a.get(plain, "/import").wantStatus(a.t, http.StatusOK)
	res := a.upload(plain, name, file)
	res.wantStatus(a.t, http.StatusSeeOther)
	m := importPath.FindStringSubmatch(res.Header.Get("Location"))
	if m == nil {
		a.t.Fatalf("Location = %q, want /import/ID", res.Header.Get("Location"))
	}
	id, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		a.t.Fatal(err)
	}
	return id
}

func importURL(id int64, rest ...string) string {
	return "/import/" + strconv.FormatInt(id, 10) + strings.Join(rest, "")
}

// waitImport waits until the reader's import id is no longer running, and returns it.
func (a *testApp) waitImport(id int64) data.Import {
	a.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		im, err := a.db.Imports().Get(a.t.Context(), a.reader.ID, id)
		if err != nil {
			a.t.Fatal(err)
		}
		if im.State != data.ImportRunning {
			return im
		}
		if time.Now().After(deadline) {
			a.t.Fatalf("import %d still running", id)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestImportUpload(t *testing.T) {
	sample := readFile(t, "../data/exchange/testdata/goodreads-24.csv")

	t.Run("OKNavAndForm", func(t *testing.T) {
		a := newTestApp(t)
		doc := a.get(plain, "/books").page(t)
		one(t, doc, `header nav a[href="/import"]`)
		doc = a.get(plain, "/import").page(t)
		f := one(t, doc, `form[data-testid="import-form"]`)
		wantAttr(t, f, "method", "post")
		wantAttr(t, f, "enctype", "multipart/form-data")
		one(t, f, `input[type="file"][name="file"]`)
		one(t, f, `input[name="_csrf"]`)
	})

	for _, m := range modes {
		t.Run("OK"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			a.get(plain, "/import")
			res := a.upload(m, "goodreads_library_export.csv", sample)
			var location string
			if m.htmx {
				res.wantStatus(t, http.StatusNoContent)
				location = res.Header.Get("HX-Redirect")
			} else {
				res.wantStatus(t, http.StatusSeeOther)
				location = res.Header.Get("Location")
			}
			if !importPath.MatchString(location) {
				t.Fatalf("went to %q, want /import/ID", location)
			}
			if n := a.count(); n != 0 {
				t.Errorf("Count() = %d after an upload, want 0: nothing is written before confirming", n)
			}
			doc := a.get(plain, location).page(t)
			wantText(t, one(t, doc, `[data-count="total"]`), "4")
			wantText(t, one(t, doc, `[data-count="new"]`), "4")
			if n := doc.Find(`tr[data-testid="import-row"]`).Length(); n != 4 {
				t.Errorf("review shows %d rows, want 4", n)
			}
			// The list of imports links to it.
			doc = a.get(plain, "/import").page(t)
			one(t, doc, `[data-testid="import-list"] a[href="`+location+`"]`)
		})
	}

	for _, tc := range []struct {
		name, file string
		body       []byte
		want       string
	}{
		{"ErrEmpty", "empty.csv", []byte{}, "The file is empty."},
		{"ErrUnknownFormat", "other.csv", []byte("a,b,c\n1,2,3\n"), ""},
		{"ErrNotCSV", "picture.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"), ""},
		{"ErrMissingColumns", "gr.csv", []byte("Book Id,Title,Exclusive Shelf\n1,Dune,read\n"), "Author"},
		{"ErrNoFile", "", nil, "Choose a file to import."},
		{"ErrNoBooks", "gr.csv", []byte(grHeader), "no books"},
		{"ErrDamagedJSON", "bookcase.json", []byte(`{"format":"bookcase","version":1,"books":[{"title":"Dune","author":"Frank Herbert"},{"title":"Emma"`), "damaged"},
	} {
		for _, m := range modes {
			t.Run(tc.name+m.name, func(t *testing.T) {
				a := newTestApp(t)
				a.get(plain, "/import")
				res := a.upload(m, tc.file, tc.body)
				res.wantStatus(t, http.StatusUnprocessableEntity)
				doc := res.page(t)
				msg := squash(one(t, doc, `[data-testid="import-error"]`).Text())
				if msg == "" || !strings.Contains(msg, tc.want) {
					t.Errorf("message = %q, want one that mentions %q", msg, tc.want)
				}
				wantAttr(t, one(t, doc, `#import-file`), "aria-invalid", "true")
				if list, err := a.db.Imports().List(t.Context(), a.reader.ID); err != nil || len(list) != 0 {
					t.Errorf("imports = %+v, %v; want none", list, err)
				}
			})
		}
	}

	t.Run("ErrCSRF", func(t *testing.T) {
		a := newTestApp(t)
		a.get(plain, "/import")
		a.send(a.uploadRequest(plain, "", "x.csv", sample)).wantStatus(t, http.StatusForbidden)
		a.send(a.uploadRequest(htmx, "", "x.csv", sample)).wantStatus(t, http.StatusForbidden)
	})

	t.Run("ErrSignedOut", func(t *testing.T) {
		a := newTestApp(t)
		b := a.browser()
		b.get(plain, "/login")
		res := b.upload(plain, "x.csv", sample)
		res.wantStatus(t, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/login") {
			t.Errorf("Location = %q, want the login page", loc)
		}
	})
}

// postImportHeadersOnly announces a POST /import with a multipart body of n bytes and the given
// cookie header, sends only the headers, and returns the answer: the server must refuse on
// Content-Length alone, before reading the body or running a handler.
func postImportHeadersOnly(t *testing.T, a *testApp, cookie string, n int) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/import", nil)
	req.Header.Set("Content-Type", "multipart/form-data; boundary=xyz")
	req.Header.Set("Content-Length", strconv.Itoa(n))
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	var head bytes.Buffer
	head.WriteString("POST /import HTTP/1.1\r\nHost: bookcase.test\r\n")
	if err := req.Header.Write(&head); err != nil {
		t.Fatal(err)
	}
	head.WriteString("\r\n")
	return sendRaw(t, a, head.String())
}

func TestImportBodyLimit(t *testing.T) {
	a := newTestApp(t)
	session := sessionCookie + "=" + a.cookies[sessionCookie]

	// A signed-in reader's upload may be larger than the 64 KiB every other route allows.
	t.Run("OKLargerThanForms", func(t *testing.T) {
		a.get(plain, "/import")
		res := a.upload(plain, "big.csv", goodreadsCSV(2000))
		res.wantStatus(t, http.StatusSeeOther)
	})
	t.Run("ErrTooLarge", func(t *testing.T) {
		res, body := postImportHeadersOnly(t, a, session, 52<<20)
		if res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d, want 413; body:\n%.300s", res.StatusCode, body)
		}
		doc := response{Response: res, body: body}.page(t)
		wantText(t, one(t, doc, "main h1"), "File too large")
		if !strings.Contains(body, "larger than 50 MB") {
			t.Errorf("body does not say the limit:\n%.500s", body)
		}
	})
	// Nobody signed in, or a made-up session: the route keeps the limit of every other.
	for name, cookie := range map[string]string{"ErrAnonymous": "", "ErrUnknownSession": sessionCookie + "=not-a-session"} {
		t.Run(name, func(t *testing.T) {
			res, body := postImportHeadersOnly(t, a, cookie, 1<<20)
			if res.StatusCode != http.StatusRequestEntityTooLarge {
				t.Fatalf("status %d, want 413; body:\n%.300s", res.StatusCode, body)
			}
		})
	}
	// Another route keeps its limit for a signed-in reader too.
	t.Run("ErrOtherRoute", func(t *testing.T) {
		head := "POST /books HTTP/1.1\r\nHost: bookcase.test\r\nCookie: " + session + "\r\n" +
			"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + strconv.Itoa(1<<20) + "\r\n\r\n"
		res, body := sendRaw(t, a, head)
		if res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d, want 413; body:\n%.300s", res.StatusCode, body)
		}
	})
	// A file within the body limit but over the importer's 50 MB is refused at the form.
	t.Run("ErrFileTooLarge", func(t *testing.T) {
		if testing.Short() {
			t.Skip("builds a 50 MB file")
		}
		big := bytes.Repeat([]byte("x"), 50<<20+10)
		copy(big, grHeader)
		a.get(plain, "/import")
		res := a.upload(plain, "huge.csv", big)
		res.wantStatus(t, http.StatusUnprocessableEntity)
		if msg := squash(one(t, res.page(t), `[data-testid="import-error"]`).Text()); !strings.Contains(msg, "larger than 50 MB") {
			t.Errorf("message = %q", msg)
		}
	})
}

// reviewIDs returns the data-n of the review's rows, in order, and their kinds.
func reviewRows(t *testing.T, r response) (ns []string, kinds []string) {
	t.Helper()
	doc := r.page(t)
	rows := doc.Find(`tr[data-testid="import-row"]`)
	for i := range rows.Length() {
		row := rows.Eq(i)
		ns = append(ns, row.AttrOr("data-n", ""))
		kinds = append(kinds, row.AttrOr("data-kind", ""))
	}
	return ns, kinds
}

func TestImportReview(t *testing.T) {
	t.Run("OKProblemsFirstAndPaged", func(t *testing.T) {
		a := newTestApp(t)
		a.create("Book number 3", "Author 3", "")
		id := a.uploaded("gr.csv", goodreadsCSV(120, 60, 110))
		doc := a.get(plain, importURL(id)).page(t)
		wantText(t, one(t, doc, `[data-count="total"]`), "120")
		wantText(t, one(t, doc, `[data-count="problem"]`), "2")
		wantText(t, one(t, doc, `[data-count="match"]`), "1")
		wantText(t, one(t, doc, `[data-count="new"]`), "117")
		ns, kinds := reviewRows(t, a.get(plain, importURL(id)))
		if len(ns) != 50 || ns[0] != "60" || ns[1] != "110" || kinds[0] != "problem" || ns[2] != "3" || kinds[2] != "match" || ns[3] != "1" {
			t.Errorf("first page = %v %v, want 50 rows: the problems, the match, then the new ones", ns[:4], kinds[:4])
		}
		problem := one(t, doc, `tr[data-n="60"] [data-testid="import-problem"]`)
		wantText(t, problem, "Line 61, Title: Title is required.")
		wantAttr(t, one(t, doc, `[data-testid="import-next"]`), "href", importURL(id, "?page=2"))
		ns, _ = reviewRows(t, a.get(plain, importURL(id, "?page=3")))
		if len(ns) != 20 || ns[19] != "120" {
			t.Errorf("last page = %v, want the last 20 rows", ns)
		}
	})

	t.Run("OKProblemWithValue", func(t *testing.T) {
		a := newTestApp(t)
		file := grHeader + "1,Dune,Frank Herbert,,,,,9,,,,,,,,2022/12/01,,,read,,,,1,0\n"
		id := a.uploaded("gr.csv", []byte(file))
		doc := a.get(plain, importURL(id)).page(t)
		problem := squash(one(t, doc, `tr[data-n="1"] [data-testid="import-problem"]`).Text())
		if !strings.HasPrefix(problem, "Line 2, My Rating “9”: ") {
			t.Errorf("problem = %q, want its line, column and value first", problem)
		}
	})

	// Rows that the book form and the book page would refuse are problems of the review, each at
	// its column: nothing of them is written.
	t.Run("OKHiddenCharactersAndYearZero", func(t *testing.T) {
		a := newTestApp(t)
		file := grHeader +
			"1,\u200b,Frank Herbert,,,,,0,,,,,,,,2022/12/01,,,to-read,,,,0,0\n" +
			"2,Emma,Jane Austen,,,,,0,,,,,,,,2022/12/01,,,to-read,\"Good\u202eevil\",,,0,0\n" +
			"3,Persuasion,Jane Austen,,,,,0,,,,,,,0000/01/15,2022/12/01,,,read,,,,1,0\n" +
			"4,Ulysses,James Joyce,,,,,0,,,,,,,,2022/12/01,,,to-read,\"Line one\nLine\ttwo\",,,0,0\n"
		id := a.uploaded("gr.csv", []byte(file))
		doc := a.get(plain, importURL(id)).page(t)
		wantText(t, one(t, doc, `[data-count="problem"]`), "3")
		wantText(t, one(t, doc, `[data-count="new"]`), "1")
		for n, want := range map[string]string{
			"1": "Title needs at least one visible character.",
			"2": "Review may not contain control characters or text-direction overrides.",
			"3": "Enter a date between the years 1 and 9999.",
		} {
			if got := squash(one(t, doc, `tr[data-n="`+n+`"] [data-testid="import-problem"]`).Text()); !strings.HasSuffix(got, want) {
				t.Errorf("row %s: problem = %q, want it to end %q", n, got, want)
			}
		}
		if strings.Contains(doc.Text(), "\u202e") {
			t.Error("the review quotes the direction override as it is")
		}
	})

	t.Run("ErrOtherReader", func(t *testing.T) {
		a := newTestApp(t)
		id := a.uploaded("gr.csv", goodreadsCSV(3, 2))
		b := a.browser()
		b.signIn(b.addUser("mallory"))
		for _, m := range modes {
			for _, path := range []string{importURL(id), importURL(id, "/progress"), importURL(id, "/counts"), importURL(id, "/rows/2"), importURL(id, "/rows/2/edit")} {
				b.get(m, path).wantStatus(t, http.StatusNotFound)
			}
			b.do(m, http.MethodPost, importURL(id, "/rows/2"), url.Values{"title": {"Stolen"}, "author": {"Me"}}).wantStatus(t, http.StatusNotFound)
			b.do(m, http.MethodPost, importURL(id, "/rows/2/drop"), nil).wantStatus(t, http.StatusNotFound)
			b.do(m, http.MethodPost, importURL(id, "/confirm"), url.Values{"onDuplicate": {"skip"}}).wantStatus(t, http.StatusNotFound)
			b.do(m, http.MethodPost, importURL(id, "/delete"), nil).wantStatus(t, http.StatusNotFound)
		}
		doc := b.get(plain, "/import").page(t)
		none(t, doc, `[data-testid="import-list"]`)
		row, err := a.db.Imports().Row(t.Context(), a.reader.ID, id, 2)
		if err != nil || row.Kind != data.RowProblem {
			t.Errorf("row 2 = %+v, %v; want it untouched", row, err)
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		a := newTestApp(t)
		for _, path := range []string{"/import/0", "/import/x", "/import/99", "/import/1/rows/x/edit"} {
			a.get(plain, path).wantStatus(t, http.StatusNotFound)
		}
	})

	t.Run("ErrCSRF", func(t *testing.T) {
		a := newTestApp(t)
		id := a.uploaded("gr.csv", goodreadsCSV(3, 2))
		for _, path := range []string{importURL(id, "/rows/2"), importURL(id, "/rows/2/drop"), importURL(id, "/rows/2/restore"), importURL(id, "/confirm"), importURL(id, "/delete")} {
			a.send(a.request(plain, http.MethodPost, path, url.Values{"title": {"T"}, "author": {"A"}})).wantStatus(t, http.StatusForbidden)
			a.send(a.request(htmx, http.MethodPost, path, url.Values{"title": {"T"}, "author": {"A"}})).wantStatus(t, http.StatusForbidden)
		}
		if im := a.waitImport(id); im.State != data.ImportPending || im.Kinds[data.RowProblem] != 1 {
			t.Errorf("import = %+v, want untouched", im)
		}
	})
}

// TestImportPages loads every page and fragment of the flow, plain and with htmx: a plain
// request always gets a whole page, an htmx one the fragment it swaps.
func TestImportPages(t *testing.T) {
	a := newTestApp(t)
	id := a.uploaded("gr.csv", goodreadsCSV(3, 2))
	for _, tc := range []struct {
		path      string
		fragment  string // what htmx gets, or "" for a page
		plainPage bool
	}{
		{"/import", "", true},
		{importURL(id), "", true},
		{importURL(id, "/progress"), `[data-testid="import-progress"]`, true},
		{importURL(id, "/rows/2/edit"), `tr.editing`, true},
	} {
		for _, m := range modes {
			t.Run(strings.ReplaceAll(tc.path, "/", "_")+m.name, func(t *testing.T) {
				res := a.get(m, tc.path)
				res.wantStatus(t, http.StatusOK)
				if !m.htmx || tc.fragment == "" {
					res.page(t)
					return
				}
				if strings.HasPrefix(tc.fragment, "tr") {
					if res.fragment(t).Filter(tc.fragment).Length() != 1 {
						t.Errorf("fragment has no %s:\n%s", tc.fragment, res.body)
					}
					return
				}
				doc := blockFragment(t, res)
				if doc.Find(tc.fragment).Length() != 1 {
					t.Errorf("fragment has no %s:\n%s", tc.fragment, res.body)
				}
			})
		}
	}
	// The review shows statuses by name.
	doc := a.get(plain, importURL(id)).page(t)
	wantText(t, one(t, doc, `tr[data-n="1"] td.status .status-label`), "Want to read")
	wantText(t, one(t, doc, `tr[data-n="3"] td.status .status-label`), "Read")
	// A reading the file dates only in part says what will be stored.
	wantText(t, one(t, doc, `tr[data-n="3"] [data-testid="import-reading-note"]`), "Start date unknown: the reading is recorded as started on 2023/01/04.")
	wantText(t, one(t, doc, `tr[data-n="2"] [data-testid="import-reading-note"]`), "Start date unknown: the reading is recorded as started on the day you import.")
}

func TestImportFix(t *testing.T) {
	t.Run("OKHTMX", func(t *testing.T) {
		a := newTestApp(t)
		id := a.uploaded("gr.csv", goodreadsCSV(3, 2))
		row := a.get(htmx, importURL(id, "/rows/2/edit"))
		row.wantStatus(t, http.StatusOK)
		edit := row.fragment(t).Filter("tr.editing")
		if edit.Length() != 1 {
			t.Fatalf("want one tr.editing, got %s", row.body)
		}
		form := one(t, edit, "form")
		wantAttr(t, form, "hx-post", importURL(id, "/rows/2"))
		one(t, edit, `input[name="title"][autofocus]`)
		wantAttr(t, one(t, edit, `[data-action="cancel"]`), "hx-get", importURL(id, "/rows/2"))

		bad := a.do(htmx, http.MethodPost, importURL(id, "/rows/2"), url.Values{"title": {""}, "author": {"Someone"}, "rating": {"9"}})
		bad.wantStatus(t, http.StatusUnprocessableEntity)
		edit = bad.fragment(t).Filter("tr.editing")
		wantText(t, one(t, edit, "#fix-2-title-error"), "Title is required.")
		wantAttr(t, one(t, edit, "#fix-2-title"), "aria-invalid", "true")
		one(t, edit, "#fix-2-rating-error")
		wantAttr(t, one(t, edit, "#fix-2-author"), "value", "Someone")

		// Before the fix, the review says what is left to do.
		doc := a.get(plain, importURL(id)).page(t)
		wantText(t, one(t, doc, `[data-testid="import-confirm"]`), "Import 2 rows")
		wantText(t, one(t, doc, `[data-testid="import-confirm-hint"]`), "Fix or drop the 1 row with problems first; nothing is saved until you import.")

		good := a.do(htmx, http.MethodPost, importURL(id, "/rows/2"), url.Values{"title": {"Fixed title"}, "author": {"Someone"}, "status": {"read"}, "rating": {"4.5"}})
		good.wantStatus(t, http.StatusOK)
		shown := good.fragment(t).Filter(`tr[data-testid="import-row"]`)
		wantAttr(t, shown, "data-kind", "new")
		wantText(t, one(t, shown, "td.title"), "Fixed title")
		// The counts, the hint and the button come with the row, out of band.
		frag := good.swapped(t)
		wantAttr(t, frag.Filter("#import-counts"), "hx-swap-oob", "true")
		wantText(t, one(t, frag, `[data-count="problem"]`), "0")
		wantText(t, one(t, frag, `[data-count="new"]`), "3")
		wantAttr(t, frag.Filter("#import-confirm-hint"), "hx-swap-oob", "true")
		wantText(t, one(t, frag, `[data-testid="import-confirm-hint"]`), "Nothing is saved until you import.")
		wantAttr(t, frag.Filter("#import-confirm"), "hx-swap-oob", "true")
		wantText(t, frag.Filter("#import-confirm"), "Import 3 rows")

		// Dropping two rows leaves one to import: the button says "1 row".
		a.do(htmx, http.MethodPost, importURL(id, "/rows/1/drop"), nil).wantStatus(t, http.StatusOK)
		dropped := a.do(htmx, http.MethodPost, importURL(id, "/rows/3/drop"), nil)
		dropped.wantStatus(t, http.StatusOK)
		wantText(t, dropped.swapped(t).Filter("#import-confirm"), "Import 1 row")
		wantText(t, one(t, dropped.swapped(t), `[data-count="dropped"]`), "2")

		cancel := a.get(htmx, importURL(id, "/rows/2"))
		wantAttr(t, cancel.fragment(t).Filter("tr"), "data-kind", "new")
	})

	t.Run("OKPlain", func(t *testing.T) {
		a := newTestApp(t)
		id := a.uploaded("gr.csv", goodreadsCSV(3, 2))
		doc := a.get(plain, importURL(id)).page(t)
		fix := one(t, doc, `tr[data-n="2"] button[data-action="fix"]`).Closest("form")
		wantAttr(t, fix, "action", importURL(id, "/rows/2/edit"))
		page := a.get(plain, importURL(id, "/rows/2/edit")).page(t)
		wantAttr(t, one(t, page, "form.import-fix"), "action", importURL(id, "/rows/2"))

		bad := a.do(plain, http.MethodPost, importURL(id, "/rows/2"), url.Values{"title": {strings.Repeat("x", 251)}, "author": {"A"}})
		bad.wantStatus(t, http.StatusUnprocessableEntity)
		if msg := squash(one(t, bad.page(t), "#fix-2-title-error").Text()); !strings.Contains(msg, "at most 250") {
			t.Errorf("message = %q", msg)
		}
		a.do(plain, http.MethodPost, importURL(id, "/rows/2"), url.Values{"title": {"Fixed"}, "author": {"A"}}).wantRedirect(t, importURL(id))
		a.get(plain, importURL(id, "/rows/2")).wantRedirect(t, importURL(id))
		doc = a.get(plain, importURL(id)).page(t)
		wantText(t, one(t, doc, `[data-count="problem"]`), "0")
	})

	for _, m := range modes {
		t.Run("OKDrop"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			id := a.uploaded("gr.csv", goodreadsCSV(3, 2))
			res := a.do(m, http.MethodPost, importURL(id, "/rows/2/drop"), nil)
			if m.htmx {
				res.wantStatus(t, http.StatusOK)
				row := res.fragment(t).Filter("tr")
				wantAttr(t, row, "data-kind", "dropped")
				none(t, row, `button[data-action="fix"], button[data-action="drop"]`)
				one(t, row, `button[data-action="restore"]`)
			} else {
				res.wantRedirect(t, importURL(id))
			}
			im := a.waitImport(id)
			if im.Kinds[data.RowDropped] != 1 || im.Kinds[data.RowProblem] != 0 {
				t.Errorf("kinds = %v, want the row dropped", im.Kinds)
			}
			// Taken back, it is a problem again; a good row comes back as new.
			res = a.do(m, http.MethodPost, importURL(id, "/rows/2/restore"), nil)
			if m.htmx {
				res.wantStatus(t, http.StatusOK)
				wantAttr(t, res.fragment(t).Filter("tr"), "data-kind", "problem")
			} else {
				res.wantRedirect(t, importURL(id))
			}
			a.do(m, http.MethodPost, importURL(id, "/rows/1/drop"), nil)
			a.do(m, http.MethodPost, importURL(id, "/rows/1/restore"), nil)
			if im := a.waitImport(id); im.Kinds[data.RowDropped] != 0 || im.Kinds[data.RowProblem] != 1 || im.Kinds[data.RowNew] != 2 {
				t.Errorf("kinds after taking the rows back = %v", im.Kinds)
			}
			b := a.browser()
			b.signIn(b.addUser("mallory"))
			b.do(m, http.MethodPost, importURL(id, "/rows/1/restore"), nil).wantStatus(t, http.StatusNotFound)
		})
	}
}

func TestImportDelete(t *testing.T) {
	for _, m := range modes {
		t.Run("OK"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			pending := a.uploaded("gr.csv", goodreadsCSV(3))
			done := a.uploaded("gr.csv", goodreadsCSV(2))
			a.do(plain, http.MethodPost, importURL(done, "/confirm"), url.Values{"onDuplicate": {"skip"}}).wantRedirect(t, importURL(done))
			a.waitImport(done)
			for _, id := range []int64{pending, done} {
				doc := a.get(plain, importURL(id)).page(t)
				wantAttr(t, one(t, doc, `[data-testid="import-delete"]`).Closest("form"), "action", importURL(id, "/delete"))
				res := a.do(m, http.MethodPost, importURL(id, "/delete"), nil)
				if m.htmx {
					res.wantStatus(t, http.StatusNoContent)
					if got := res.Header.Get("HX-Redirect"); got != "/import" {
						t.Errorf("HX-Redirect = %q", got)
					}
				} else {
					res.wantRedirect(t, "/import")
				}
				a.get(plain, importURL(id)).wantStatus(t, http.StatusNotFound)
			}
			// The books a finished import wrote stay.
			if n := a.count(); n != 2 {
				t.Errorf("Count() = %d, want 2", n)
			}
		})
	}
}

func TestImportConfirm(t *testing.T) {
	for _, m := range modes {
		t.Run("OK"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			file := readFile(t, "../data/exchange/testdata/goodreads-24.csv")
			id := a.uploaded("gr.csv", file)
			res := a.do(m, http.MethodPost, importURL(id, "/confirm"), url.Values{"onDuplicate": {"skip"}})
			if m.htmx {
				res.wantStatus(t, http.StatusNoContent)
				if got := res.Header.Get("HX-Redirect"); got != importURL(id) {
					t.Errorf("HX-Redirect = %q", got)
				}
			} else {
				res.wantRedirect(t, importURL(id))
			}
			im := a.waitImport(id)
			if im.State != data.ImportDone || im.Created != 4 {
				t.Fatalf("import = %+v, want done with 4 created", im)
			}
			page := a.get(plain, importURL(id))
			doc := page.page(t)
			if doc.Find(`[data-testid="import-progress"]`).Length() == 0 {
				t.Fatalf("no progress in %s", page.body)
			}
			progress := one(t, doc, `[data-testid="import-progress"]`)
			wantAttr(t, progress, "data-state", "done")
			if _, polling := progress.Attr("hx-trigger"); polling {
				t.Error("a finished import's progress still polls")
			}
			wantText(t, one(t, doc, `[data-testid="import-summary"]`), "Import finished: 4 created, 0 updated, 0 skipped.")
			wantAttr(t, one(t, doc, `[data-testid="import-library"]`), "href", "/books")
			frag := a.get(htmx, importURL(id, "/progress"))
			wantAttr(t, one(t, blockFragment(t, frag), `[data-testid="import-progress"]`), "data-state", "done")
			if n := a.count(); n != 4 {
				t.Errorf("Count() = %d, want 4", n)
			}
			// The same file again creates nothing.
			again := a.uploaded("gr.csv", file)
			doc = a.get(plain, importURL(again)).page(t)
			wantText(t, one(t, doc, `[data-count="match"]`), "4")
			a.do(m, http.MethodPost, importURL(again, "/confirm"), url.Values{"onDuplicate": {"skip"}})
			if im := a.waitImport(again); im.State != data.ImportDone || im.Created != 0 || im.Skipped != 4 {
				t.Errorf("second import = %+v, want 4 skipped", im)
			}
			if n := a.count(); n != 4 {
				t.Errorf("Count() = %d after importing the file twice, want 4", n)
			}
			// Confirming a done import again starts nothing.
			a.do(m, http.MethodPost, importURL(again, "/confirm"), url.Values{"onDuplicate": {"update"}})
			if im := a.waitImport(again); im.State != data.ImportDone || im.Skipped != 4 {
				t.Errorf("import after a second confirm = %+v", im)
			}
		})
	}

	// Confirming with problems left is refused: htmx gets the message in place of the hint,
	// once; a plain form is sent back to the review (post/redirect/get), which says it once.
	t.Run("ErrProblemsHTMX", func(t *testing.T) {
		a := newTestApp(t)
		id := a.uploaded("gr.csv", goodreadsCSV(3, 2, 3))
		res := a.do(htmx, http.MethodPost, importURL(id, "/confirm"), url.Values{"onDuplicate": {"update"}})
		res.wantStatus(t, http.StatusUnprocessableEntity)
		if strings.Contains(strings.ToLower(res.body), "<html") {
			t.Fatalf("want a fragment, got a page:\n%s", res.body)
		}
		frag := res.swapped(t)
		hint := frag.Filter("#import-confirm-hint")
		if _, oob := hint.Attr("hx-swap-oob"); hint.Length() != 1 || oob {
			t.Fatalf("want the hint as the answer's main part:\n%s", res.body)
		}
		wantText(t, one(t, hint, `[data-testid="import-confirm-error"]`), "Fix or drop the 2 rows with problems first.")
		if n := strings.Count(res.body, "Fix or drop"); n != 1 {
			t.Errorf("the message is in the answer %d times, want once:\n%s", n, res.body)
		}
		wantAttr(t, frag.Filter("#import-confirm"), "hx-swap-oob", "true")
		wantText(t, frag.Filter("#import-confirm"), "Import 1 row")
		if n := a.count(); n != 0 {
			t.Errorf("Count() = %d, want 0", n)
		}
		doc := a.get(plain, importURL(id)).page(t)
		wantAttr(t, one(t, doc, `form[data-testid="import-confirm-form"]`), "hx-target", "#import-confirm-hint")
	})
	t.Run("ErrProblemsPlain", func(t *testing.T) {
		a := newTestApp(t)
		id := a.uploaded("gr.csv", goodreadsCSV(3, 2))
		res := a.do(plain, http.MethodPost, importURL(id, "/confirm"), url.Values{"onDuplicate": {"skip"}})
		res.wantRedirect(t, importURL(id)+"?confirm=problems")
		page := a.get(plain, importURL(id)+"?confirm=problems")
		wantText(t, one(t, page.page(t), `[data-testid="import-confirm-error"]`), "Fix or drop the row with problems first.")
		if n := strings.Count(page.body, "Fix or drop"); n != 1 {
			t.Errorf("the message is on the page %d times, want once", n)
		}
		if n := a.count(); n != 0 {
			t.Errorf("Count() = %d, want 0", n)
		}
		// Once the problem is dropped, the same address no longer says it.
		a.do(plain, http.MethodPost, importURL(id, "/rows/2/drop"), nil).wantRedirect(t, importURL(id))
		doc := a.get(plain, importURL(id)+"?confirm=problems").page(t)
		none(t, doc, `[data-testid="import-confirm-error"]`)
		wantText(t, one(t, doc, `[data-testid="import-confirm-hint"]`), "Nothing is saved until you import.")
	})

	t.Run("ErrOnDuplicate", func(t *testing.T) {
		a := newTestApp(t)
		id := a.uploaded("gr.csv", goodreadsCSV(3))
		a.do(plain, http.MethodPost, importURL(id, "/confirm"), url.Values{"onDuplicate": {"merge"}}).wantStatus(t, http.StatusUnprocessableEntity)
	})

	t.Run("OKUpdate", func(t *testing.T) {
		a := newTestApp(t)
		a.create("Book number 1", "Author 1", "Old genre")
		id := a.uploaded("gr.csv", goodreadsCSV(2))
		a.do(plain, http.MethodPost, importURL(id, "/confirm"), url.Values{"onDuplicate": {"update"}}).wantRedirect(t, importURL(id))
		if im := a.waitImport(id); im.Updated != 1 || im.Created != 1 {
			t.Errorf("import = %+v, want 1 updated and 1 created", im)
		}
	})
}

// TestImportRoundTrip exports a rich library as JSON, imports it into an empty account, and
// exports that: the two exports are the same but for ids and the time of export (a cover
// included, byte for byte).
func TestImportRoundTrip(t *testing.T) {
	a := newTestApp(t)
	ctx := t.Context()
	reading, shelves := a.db.Reading(), a.db.Shelves()
	club, err := shelves.Create(ctx, a.reader.ID, "Book club")
	if err != nil {
		t.Fatal(err)
	}
	owned, err := shelves.Create(ctx, a.reader.ID, "Owned")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := shelves.Create(ctx, a.reader.ID, "Empty shelf"); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		must(err)
		return d
	}
	dune := a.create("Dune", "Frank Herbert", "Science fiction")
	review := "The desert planet.\nPaul lives."
	_, err = reading.SetDetails(ctx, a.reader.ID, dune.ID, data.DetailsInput{Pages: "658", Rating: "4.5", Notes: "Spice.\nWorms.", ISBN: "9780441013593",
		Review: &review, Spoiler: true})
	must(err)
	// An audiobook, its length and progress in minutes.
	piranesi, err := a.books.Create(ctx, a.reader.ID, data.BookInput{Title: "Piranesi", Author: "Susanna Clarke", Format: data.FormatAudiobook, Status: data.StatusReading})
	must(err)
	_, err = reading.SetDetails(ctx, a.reader.ID, piranesi.ID, data.DetailsInput{Pages: "8:05"})
	must(err)
	_, err = reading.RecordProgress(ctx, a.reader.ID, piranesi.ID, data.ProgressInput{Page: 125})
	must(err)
	_, err = reading.SetStatus(ctx, a.reader.ID, dune.ID, data.StatusReading, day("2024-01-02"))
	must(err)
	_, err = reading.RecordProgress(ctx, a.reader.ID, dune.ID, data.ProgressInput{Page: 100})
	must(err)
	_, err = reading.RecordProgress(ctx, a.reader.ID, dune.ID, data.ProgressInput{Percent: 33.3, ByPercent: true})
	must(err)
	_, err = reading.SetStatus(ctx, a.reader.ID, dune.ID, data.StatusRead, day("2024-02-01"))
	must(err)
	_, err = reading.SetStatus(ctx, a.reader.ID, dune.ID, data.StatusReading, day("2024-06-01"))
	must(err)
	must(shelves.SetBookShelves(ctx, a.reader.ID, dune.ID, []int64{club.ID, owned.ID}))
	_, err = a.db.Editions().Set(ctx, a.reader.ID, dune.ID, data.Edition{
		Publisher: "Ace", Year: 1990, OriginalYear: 1965, Language: "en-US", Copies: 2, GoodreadsID: "234225", StoryGraphID: "sg-dune",
	})
	must(err)
	// A cover, which the export carries byte for byte.
	a.get(plain, bookPath(dune.ID))
	a.uploadCover(htmx, dune.ID, "dune.jpg", jpegOf(t, picture(80, 120))).wantStatus(t, http.StatusOK)

	emma := a.create("Emma", "Jane Austen", "")
	_, err = reading.SetDetails(ctx, a.reader.ID, emma.ID, data.DetailsInput{Rating: "0.5"})
	must(err)
	_, err = reading.SetStatus(ctx, a.reader.ID, emma.ID, data.StatusReading, day("2023-03-01"))
	must(err)
	_, err = reading.RecordProgress(ctx, a.reader.ID, emma.ID, data.ProgressInput{Percent: 12.5, ByPercent: true})
	must(err)
	_, err = reading.SetStatus(ctx, a.reader.ID, emma.ID, data.StatusDNF, day("2023-04-01"))
	must(err)
	must(shelves.Shelve(ctx, a.reader.ID, emma.ID, owned.ID))
	// A work from before Christ, in a language of its time.
	_, err = a.db.Editions().Set(ctx, a.reader.ID, emma.ID, data.Edition{OriginalYear: -750, Language: "grc", Copies: 1})
	must(err)
	// Series: two for Dune (one without a position), a position between books for Emma, and a
	// title that only looks like it ends in a series.
	series := a.db.Series()
	_, err = series.AddBook(ctx, a.reader.ID, dune.ID, data.SeriesRef{Name: "Dune Chronicles", Position: "1"})
	must(err)
	_, err = series.AddBook(ctx, a.reader.ID, dune.ID, data.SeriesRef{Name: "Great Books"})
	must(err)
	_, err = series.AddBook(ctx, a.reader.ID, emma.ID, data.SeriesRef{Name: "Austen Novels", Position: "0.5"})
	must(err)
	a.create("Not a Series (Really, #2)", "Some One", "")
	// Contributors in order, with roles, and a sort name the reader corrected.
	a.create("Ulysses", "James Joyce, Jim Norton (narrator)", "")
	_, err = a.db.Authors().SetSortName(ctx, a.reader.ID, a.authorNamed("Jim Norton"), "Norton, Jim (actor)")
	must(err)
	rt := a.create("Read Twice", "Some Author", "")
	_, err = reading.SetStatus(ctx, a.reader.ID, rt.ID, data.StatusRead, day("2022-05-05"))
	must(err)
	// Readings whose dates are not known: one undated, one given up on a day known but begun
	// on one not, and the open one of a book being read since a day unknown.
	undated := a.create("Undated", "Some One", "")
	_, err = reading.AddReadThrough(ctx, a.reader.ID, undated.ID, data.ReadingInput{Outcome: data.StatusRead})
	must(err)
	fin := day("2021-06-01")
	_, err = reading.AddReadThrough(ctx, a.reader.ID, undated.ID, data.ReadingInput{FinishedOn: &fin, Outcome: data.StatusDNF})
	must(err)
	_, err = reading.SetStatus(ctx, a.reader.ID, undated.ID, data.StatusReading, day("2024-07-01"))
	must(err)
	rts, err := reading.ReadThroughs(ctx, a.reader.ID, undated.ID)
	must(err)
	_, err = reading.EditReadThrough(ctx, a.reader.ID, undated.ID, rts[0].ID, nil, nil)
	must(err)

	export := func(b *testApp) map[string]any {
		t.Helper()
		res := b.get(plain, "/export/bookcase.json")
		res.wantStatus(t, http.StatusOK)
		var doc map[string]any
		if err := json.Unmarshal([]byte(res.body), &doc); err != nil {
			t.Fatalf("export: %v\n%s", err, res.body)
		}
		delete(doc, "exported_at")
		for _, bk := range doc["books"].([]any) {
			delete(bk.(map[string]any), "id")
		}
		return doc
	}
	before := export(a)
	file := a.get(plain, "/export/bookcase.json").body

	b := a.browser()
	b.signIn(b.addUser("newcomer"))
	id := b.uploaded("bookcase.json", []byte(file))
	doc := b.get(plain, importURL(id)).page(t)
	wantText(t, one(t, doc, `[data-count="new"]`), "7")
	b.do(plain, http.MethodPost, importURL(id, "/confirm"), url.Values{"onDuplicate": {"skip"}}).wantRedirect(t, importURL(id))
	if im := b.waitImport(id); im.State != data.ImportDone || im.Created != 7 {
		t.Fatalf("import = %+v", im)
	}
	if !strings.Contains(file, `"format":"audiobook","pages":null,"minutes":485`) || !strings.Contains(file, `"spoiler":true`) {
		t.Errorf("no audiobook in minutes, or no spoiler, in\n%s", file)
	}
	if !strings.Contains(file, `"series":[{"name":"Dune Chronicles","position":"1"},{"name":"Great Books"}]`) {
		t.Errorf("no series in\n%.2000s", file)
	}
	if !strings.Contains(file, `"author":"James Joyce, Jim Norton (narrator)","contributors":[{"name":"James Joyce","sort_name":"Joyce, James","role":"author"},{"name":"Jim Norton","sort_name":"Norton, Jim (actor)","role":"narrator"}]`) {
		t.Errorf("no contributors in\n%.3000s", file)
	}
	if !strings.Contains(file, `"started_on":null`) {
		t.Errorf("no unknown start written as null in\n%s", file)
	}
	if !strings.Contains(file, `"cover":{"small":"/9j/`) {
		t.Errorf("no cover (JPEG in base64) in\n%.2000s", file)
	}
	if !strings.Contains(file, `"edition":{"original_year":-750,"language":"grc","copies":1}`) {
		t.Errorf("no edition with a year before Christ in\n%.2000s", file)
	}
	after := export(b)
	want, _ := json.MarshalIndent(before, "", " ")
	got, _ := json.MarshalIndent(after, "", " ")
	if string(got) != string(want) {
		t.Errorf("the imported library differs from the exported one:\n got %s\nwant %s", got, want)
	}
}

// TestImportRoundTripCSV exports a library as CSV, imports it into an empty account, and finds
// the same library there, as the JSON export shows it: half stars, genres and the dates of each
// reading (a book given up included) survive, and nothing is dated the day of the import.
func TestImportRoundTripCSV(t *testing.T) {
	a := newTestApp(t)
	ctx := t.Context()
	reading, shelves := a.db.Reading(), a.db.Shelves()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		must(err)
		return d
	}
	owned, err := shelves.Create(ctx, a.reader.ID, "Owned")
	must(err)
	dune := a.create("Dune", "Frank Herbert", "Science fiction")
	_, err = reading.SetDetails(ctx, a.reader.ID, dune.ID, data.DetailsInput{Pages: "658", Rating: "4.5", Notes: "=Spice.\nWorms.", ISBN: "9780441013593"})
	must(err)
	_, err = reading.SetStatus(ctx, a.reader.ID, dune.ID, data.StatusReading, day("2024-01-02"))
	must(err)
	_, err = reading.SetStatus(ctx, a.reader.ID, dune.ID, data.StatusRead, day("2024-02-01"))
	must(err)
	must(shelves.Shelve(ctx, a.reader.ID, dune.ID, owned.ID))
	_, err = a.db.Editions().Set(ctx, a.reader.ID, dune.ID, data.Edition{
		Publisher: "=Ace", Year: 1990, OriginalYear: -750, Language: "en-US", Copies: 2, GoodreadsID: "234225", StoryGraphID: "sg-dune",
	})
	must(err)
	emma := a.create("Emma", "Jane Austen", "Classics")
	_, err = reading.SetDetails(ctx, a.reader.ID, emma.ID, data.DetailsInput{Rating: "0.5"})
	must(err)
	_, err = reading.SetStatus(ctx, a.reader.ID, emma.ID, data.StatusReading, day("2023-03-01"))
	must(err)
	_, err = reading.SetStatus(ctx, a.reader.ID, emma.ID, data.StatusDNF, day("2023-04-01"))
	must(err)
	middle := a.create("Middlemarch", "George Eliot", "")
	_, err = reading.SetStatus(ctx, a.reader.ID, middle.ID, data.StatusReading, day("2024-06-01"))
	must(err)
	// Series, which the title carries in Goodreads' shape and Bookcase Series all of: two for
	// Dune, a range for Middlemarch, and a title that only looks like it ends in a series.
	series := a.db.Series()
	_, err = series.AddBook(ctx, a.reader.ID, dune.ID, data.SeriesRef{Name: "Dune Chronicles", Position: "1"})
	must(err)
	_, err = series.AddBook(ctx, a.reader.ID, dune.ID, data.SeriesRef{Name: "Great Books"})
	must(err)
	_, err = series.AddBook(ctx, a.reader.ID, middle.ID, data.SeriesRef{Name: "Eliot", Position: "1-3"})
	must(err)
	a.create("Not a Series (Really, #2)", "Some One", "")
	a.create("Ulysses", "James Joyce", "")
	// Read three times, the last finished on a day known: Read Count 3 and Date Read carry it.
	thrice := a.create("Thrice", "Some One", "")
	for range 2 {
		_, err = reading.AddReadThrough(ctx, a.reader.ID, thrice.ID, data.ReadingInput{Outcome: data.StatusRead})
		must(err)
	}
	_, err = reading.SetStatus(ctx, a.reader.ID, thrice.ID, data.StatusRead, day("2023-08-08"))
	must(err)

	export := func(b *testApp) string {
		t.Helper()
		res := b.get(plain, "/export/bookcase.json")
		res.wantStatus(t, http.StatusOK)
		var doc map[string]any
		if err := json.Unmarshal([]byte(res.body), &doc); err != nil {
			t.Fatalf("export: %v\n%s", err, res.body)
		}
		// What a CSV file does not hold: ids, and times of day.
		delete(doc, "exported_at")
		for _, bk := range doc["books"].([]any) {
			for _, k := range []string{"id", "created_at", "updated_at"} {
				delete(bk.(map[string]any), k)
			}
		}
		out, _ := json.MarshalIndent(doc, "", " ")
		return string(out)
	}
	before := export(a)
	file := a.get(plain, "/export/goodreads.csv").body

	b := a.browser()
	b.signIn(b.addUser("newcomer"))
	id := b.uploaded("bookcase.csv", []byte(file))
	b.do(plain, http.MethodPost, importURL(id, "/confirm"), url.Values{"onDuplicate": {"skip"}}).wantRedirect(t, importURL(id))
	if im := b.waitImport(id); im.State != data.ImportDone || im.Created != 6 {
		t.Fatalf("import = %+v", im)
	}
	if !strings.Contains(file, `"Dune (Dune Chronicles, #1)"`) || !strings.Contains(file, `"Dune Chronicles, #1; Great Books"`) {
		t.Errorf("no series in Goodreads' shape in\n%s", file)
	}
	if after := export(b); after != before {
		t.Errorf("the imported library differs from the exported one:\n got %s\nwant %s", after, before)
	}
}

// TestImportReadCount imports a Goodreads export whose Read Count says how many times each book
// was read: three readings for a count of 3, the latest finished on Date Read, and no date
// anywhere that the file does not give (none is the day of the import).
func TestImportReadCount(t *testing.T) {
	a := newTestApp(t)
	file := grHeader +
		"1,Thrice,Some One,\"One, Some\",,,,4,,,,,,,2023/01/15,2020/01/01,read,,read,,,,3,0\n" +
		"2,Now,Some One,\"One, Some\",,,,0,,,,,,,,2020/01/01,currently-reading,,currently-reading,,,,1,0\n" +
		"3,Given Up,Some One,\"One, Some\",,,,0,,,,,,,,2020/01/01,did-not-finish,,did-not-finish,,,,0,0\n"
	id := a.uploaded("goodreads_library_export.csv", []byte(file))
	a.do(plain, http.MethodPost, importURL(id, "/confirm"), url.Values{"onDuplicate": {"skip"}}).wantRedirect(t, importURL(id))
	if im := a.waitImport(id); im.State != data.ImportDone || im.Created != 3 {
		t.Fatalf("import = %+v", im)
	}
	want := map[string]string{
		"Thrice":   "read ?..2023-01-15; read ?..?; read ?..?",
		"Now":      "reading ?..?",
		"Given Up": "dnf ?..?",
	}
	today := time.Now().UTC().Format(time.DateOnly)
	page, err := a.db.Books().List(t.Context(), a.reader.ID, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, bk := range page.Books {
		rts, err := a.reading.ReadThroughs(t.Context(), a.reader.ID, bk.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, rt := range rts {
			d := func(t *time.Time) string {
				if t == nil {
					return "?"
				}
				return t.Format(time.DateOnly)
			}
			got = append(got, string(rt.Outcome)+" "+d(rt.StartedOn)+".."+d(rt.FinishedOn))
		}
		g := strings.Join(got, "; ")
		if g != want[bk.Title] {
			t.Errorf("%s: readings %q, want %q", bk.Title, g, want[bk.Title])
		}
		if strings.Contains(g, today) {
			t.Errorf("%s: a reading dated today: %q", bk.Title, g)
		}
	}
	// The book page says so.
	doc := a.get(plain, bookPath(page.Books[0].ID)).page(t)
	if n := doc.Find("section#book-readings ol.timeline [data-testid=started]").Length(); n == 0 {
		t.Error("no reading dates on the book page")
	}
}

// swapped parses an htmx answer as htmx does, inside a template, so that table rows and the
// out-of-band parts beside them are all kept, and returns its top-level elements.
func (r response) swapped(t *testing.T) *goquery.Selection {
	t.Helper()
	r.wantHTML(t)
	if strings.Contains(strings.ToLower(r.body), "<html") || strings.Contains(r.body, `id="main"`) {
		t.Fatalf("want a fragment, got a page:\n%s", r.body)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader("<template>" + r.body + "</template>"))
	if err != nil {
		t.Fatalf("parse fragment: %v", err)
	}
	return doc.Find("template").Children()
}

// blockFragment parses an htmx fragment that is not table rows.
func blockFragment(t *testing.T, r response) *goquery.Document {
	t.Helper()
	r.wantStatus(t, http.StatusOK)
	r.wantHTML(t)
	if strings.Contains(strings.ToLower(r.body), "<html") {
		t.Fatalf("want a fragment, got a page:\n%s", r.body)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// sendRaw writes head (a request's line and headers, without its body) to the server on a pipe
// and returns the answer.
func sendRaw(t *testing.T, a *testApp, head string) (*http.Response, string) {
	t.Helper()
	a.app.Handler() // builds the routes, as app.Test does
	client, server := net.Pipe()
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = a.app.Server().ServeConn(server) // fails with "body size exceeds the given limit"
		server.Close()
	}()
	defer func() { <-served }()
	defer client.Close()
	if err := client.SetDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(client, head); err != nil {
		t.Fatalf("write request: %v", err)
	}
	res, err := http.ReadResponse(bufio.NewReader(client), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return res, string(b)
}

// slowImports is the real import store, whose Run reports some progress and then waits for
// release (or for its context to end) before running.
type slowImports struct {
	*data.ImportStore
	started chan struct{}
	release chan struct{}
}

func (s *slowImports) Run(ctx context.Context, owner, id int64, progress func(done, total int)) (data.ImportSummary, error) {
	progress(1, 4)
	close(s.started)
	select {
	case <-s.release:
	case <-ctx.Done():
		// As the real Run does when its transaction is cancelled.
		return s.ImportStore.Run(ctx, owner, id, progress)
	}
	return s.ImportStore.Run(ctx, owner, id, progress)
}

func TestImportProgress(t *testing.T) {
	newSlow := func(t *testing.T) (*testApp, *slowImports, int64) {
		db := openTestDB(t)
		slow := &slowImports{ImportStore: db.Imports(), started: make(chan struct{}), release: make(chan struct{})}
		a := newApp(t, db, handlers.Config{Imports: slow})
		a.signIn(a.addUser("reader"))
		id := a.uploaded("gr.csv", readFile(t, "../data/exchange/testdata/goodreads-24.csv"))
		a.do(plain, http.MethodPost, importURL(id, "/confirm"), url.Values{"onDuplicate": {"skip"}}).wantRedirect(t, importURL(id))
		<-slow.started
		return a, slow, id
	}

	t.Run("OK", func(t *testing.T) {
		a, slow, id := newSlow(t)
		// While it runs, the page polls, and has a Refresh link for readers without JavaScript.
		doc := a.get(plain, importURL(id)).page(t)
		progress := one(t, doc, `[data-testid="import-progress"]`)
		wantAttr(t, progress, "data-state", "running")
		wantAttr(t, progress, "hx-get", importURL(id, "/progress"))
		wantAttr(t, progress, "hx-trigger", "every 500ms")
		wantAttr(t, progress, "hx-swap", "outerHTML")
		wantAttr(t, one(t, progress, `[data-testid="import-refresh"]`), "href", importURL(id))
		wantAttr(t, one(t, progress, "progress"), "value", "25")
		frag := blockFragment(t, a.get(htmx, importURL(id, "/progress")))
		wantAttr(t, one(t, frag, `[data-testid="import-progress"]`), "hx-trigger", "every 500ms")
		// Rows cannot change while it runs, nor can it be removed.
		a.do(htmx, http.MethodPost, importURL(id, "/rows/1/drop"), nil).wantStatus(t, http.StatusUnprocessableEntity)
		res := a.do(plain, http.MethodPost, importURL(id, "/delete"), nil)
		res.wantStatus(t, http.StatusUnprocessableEntity)
		wantText(t, one(t, res.page(t), `[data-testid="import-message"]`), "This import is being written: wait until it has finished.")

		close(slow.release)
		if im := a.waitImport(id); im.State != data.ImportDone {
			t.Fatalf("import = %+v", im)
		}
		frag = blockFragment(t, a.get(htmx, importURL(id, "/progress")))
		done := one(t, frag, `[data-testid="import-progress"]`)
		wantAttr(t, done, "data-state", "done")
		if _, ok := done.Attr("hx-trigger"); ok {
			t.Error("the finished progress still polls")
		}
	})

	// Shutting the server down cancels a running import: its transaction rolls back, and it
	// can be confirmed again.
	t.Run("OKShutdown", func(t *testing.T) {
		a, _, id := newSlow(t)
		if err := a.app.ShutdownWithTimeout(5 * time.Second); err != nil {
			t.Fatal(err)
		}
		im, err := a.db.Imports().Get(t.Context(), a.reader.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if im.State != data.ImportFailed || !im.Open() || im.Kinds[data.RowNew] != 4 {
			t.Errorf("import after shutdown = %+v, want failed with its rows", im)
		}
		if n := a.count(); n != 0 {
			t.Errorf("Count() = %d, want 0", n)
		}
	})
}

// TestImportFixDate fixes a row flagged for its Date Read: the fix form offers the date (and the
// other fields a problem can be on), and the book is imported as read on the date typed, not
// on the day of the import.
func TestImportFixDate(t *testing.T) {
	a := newTestApp(t)
	file := grHeader + "1,Dune,Frank Herbert,,,,,4,,,,,,,2020/13/45,2019/01/01,\"sci-fi, read\",,read,,,Spice.,1,0\n"
	id := a.uploaded("gr.csv", []byte(file))
	for _, m := range modes {
		res := a.get(m, importURL(id, "/rows/1/edit"))
		res.wantStatus(t, http.StatusOK)
		var doc finder
		if m.htmx {
			doc = res.fragment(t)
		} else {
			doc = res.page(t)
		}
		wantText(t, one(t, doc, `[data-testid="import-problem"]`), "Line 2, Date Read “2020/13/45”: Dates are written year/month/day, like 2023/01/15.")
		wantAttr(t, one(t, doc, `input[name="dateRead"]`), "value", "")
		wantAttr(t, one(t, doc, `input[name="dateAdded"]`), "value", "2019/01/01")
		wantAttr(t, one(t, doc, `input[name="shelves"]`), "value", "sci-fi")
		wantAttr(t, one(t, doc, `input[name="readCount"]`), "value", "1")
		wantText(t, one(t, doc, `textarea[name="notes"]`), "Spice.")
		one(t, doc, `input[name="dateStarted"]`)
	}
	fix := url.Values{"title": {"Dune"}, "author": {"Frank Herbert"}, "status": {"read"}, "rating": {"4"},
		"dateAdded": {"2019/01/01"}, "dateRead": {"2020/12/32"}, "shelves": {"sci-fi"}, "notes": {"Spice."}, "readCount": {"1"}}
	bad := a.do(htmx, http.MethodPost, importURL(id, "/rows/1"), fix)
	bad.wantStatus(t, http.StatusUnprocessableEntity)
	one(t, bad.fragment(t), "#fix-1-dateRead-error")
	wantAttr(t, one(t, bad.fragment(t), `input[name="dateRead"][autofocus]`), "value", "2020/12/32")

	fix.Set("dateRead", "2020/12/15")
	a.do(htmx, http.MethodPost, importURL(id, "/rows/1"), fix).wantStatus(t, http.StatusOK)
	a.do(plain, http.MethodPost, importURL(id, "/confirm"), url.Values{"onDuplicate": {"skip"}}).wantRedirect(t, importURL(id))
	if im := a.waitImport(id); im.Created != 1 {
		t.Fatalf("import = %+v", im)
	}
	page, err := a.books.List(t.Context(), a.reader.ID, 0, 10)
	if err != nil || len(page.Books) != 1 {
		t.Fatalf("List = %+v, %v", page, err)
	}
	rts, err := a.reading.ReadThroughs(t.Context(), a.reader.ID, page.Books[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rts) != 1 || rts[0].FinishedOn == nil || rts[0].FinishedOn.Format(time.DateOnly) != "2020-12-15" {
		t.Errorf("readings = %+v, want one finished on 2020-12-15", rts)
	}
}

// TestImportGoodreadsEditions imports a Goodreads export with its edition columns: the book page
// shows them (a year before Christ as such); the same export imported again, its titles changed
// on Goodreads since, matches its books by Book Id and updates them without making new ones.
func TestImportGoodreadsEditions(t *testing.T) {
	a := newTestApp(t)
	file := func(iliad, odyssey string) []byte {
		return []byte(grHeader +
			"1371," + iliad + ",Homer,\"Homer, \",,,,5,3.88,Penguin Classics,Paperback,683,1998,-750,2020/05/01,2020/04/01,read,,read,,,,1,2\n" +
			"1381," + odyssey + ",Homer,\"Homer, \",,,,0,3.79,Penguin Classics,Paperback,541,1999,-725,,2020/04/01,to-read,,to-read,,,,0,1\n")
	}
	id := a.uploaded("goodreads_library_export.csv", file("The Iliad", "The Odyssey"))
	a.do(plain, http.MethodPost, importURL(id, "/confirm"), url.Values{"onDuplicate": {"skip"}}).wantRedirect(t, importURL(id))
	if im := a.waitImport(id); im.State != data.ImportDone || im.Created != 2 {
		t.Fatalf("import = %+v", im)
	}
	page, err := a.db.Books().List(t.Context(), a.reader.ID, 0, 10)
	if err != nil || len(page.Books) != 2 {
		t.Fatalf("books %+v, %v", page.Books, err)
	}
	iliad := page.Books[1]
	if page.Books[0].Title == "The Iliad" {
		iliad = page.Books[0]
	}
	doc := a.get(plain, bookPath(iliad.ID)).page(t)
	for testid, want := range map[string]string{
		"edition-publisher": "Penguin Classics", "edition-year": "1998", "edition-original-year": "750 BC",
		"edition-copies": "2", "edition-goodreads-id": "1371",
	} {
		wantText(t, one(t, doc, `[data-testid="`+testid+`"]`), want)
	}

	again := a.uploaded("goodreads_library_export.csv", file("The Iliad (Fagles)", "The Odyssey (Fagles)"))
	doc = a.get(plain, importURL(again)).page(t)
	wantText(t, one(t, doc, `[data-count="match"]`), "2")
	a.do(plain, http.MethodPost, importURL(again, "/confirm"), url.Values{"onDuplicate": {"update"}}).wantRedirect(t, importURL(again))
	if im := a.waitImport(again); im.State != data.ImportDone || im.Created != 0 || im.Updated != 2 {
		t.Fatalf("import again = %+v, want 2 updated", im)
	}
	if n, err := a.db.Books().Count(t.Context(), a.reader.ID); err != nil || n != 2 {
		t.Errorf("%d books, %v; want 2", n, err)
	}
}
