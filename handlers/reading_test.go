package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/handlers"
)

// setStatus stores a status straight in the store, as if the reader had set it earlier.
func (a *testApp) setStatus(id int64, st data.Status) data.Book {
	a.t.Helper()
	b, err := a.reading.SetStatus(a.t.Context(), a.reader.ID, id, st, time.Time{})
	if err != nil {
		a.t.Fatalf("set status of %d to %s: %v", id, st, err)
	}
	return b
}

// tabCounts returns the label and count of each tab of the filter nav in s, and the active one.
func tabCounts(t *testing.T, s finder) (counts map[string]string, active string) {
	t.Helper()
	nav := one(t, s, `nav#filters[aria-label="Filter"]`)
	counts = map[string]string{}
	nav.Find("a").Each(func(_ int, a *goquery.Selection) {
		n := strings.TrimSpace(a.Find(".n").Text())
		label := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(a.Text()), n))
		counts[label] = n
		if v, ok := a.Attr("aria-current"); ok && v == "page" {
			active = label
		}
	})
	return counts, active
}

func TestSetStatus(t *testing.T) {
	a := newTestApp(t)
	t.Run("OKHTMX", func(t *testing.T) {
		b := a.create("Dune", "Frank Herbert", "")
		res := a.do(htmx, http.MethodPost, bookPath(b.ID, "status"), url.Values{"status": {"reading"}})
		res.wantStatus(t, http.StatusOK)
		if got := a.stored(b.ID).Status; got != data.StatusReading {
			t.Errorf("stored status = %q, want reading", got)
		}
		frag := res.fragment(t)
		row := frag.First()
		if !row.Is("tr.book#book-" + strconv.FormatInt(b.ID, 10)) {
			t.Fatalf("want the row first, got:\n%s", res.body)
		}
		wantText(t, one(t, row, `td.status > a:first-child`), "Reading")
		wantAttr(t, one(t, row, "progress"), "aria-label", "Not started")
		wantAttr(t, one(t, row, `td.status > a.pg`), "href", bookPath(b.ID, "progress"))
		if n := row.Find(`input[name="progress"]`).Length(); n != 0 {
			t.Errorf("%d progress inputs in the row, want none until it is opened", n)
		}
		tmpl := frag.Filter("template")
		counts, active := tabCounts(t, tmpl)
		if counts["Reading"] != "1" || active != "All" {
			t.Errorf("tabs = %v (active %q), want Reading 1, All active", counts, active)
		}
		strip := one(t, tmpl, "#now-reading")
		wantAttr(t, strip, "hx-swap-oob", "true")
		wantText(t, one(t, strip, "li a"), "Dune")
	})
	t.Run("OKPUT", func(t *testing.T) {
		b := a.create("Emma", "Jane Austen", "")
		a.do(htmx, http.MethodPut, bookPath(b.ID, "status"), url.Values{"status": {"read"}}).wantStatus(t, http.StatusOK)
		if got := a.stored(b.ID).Status; got != data.StatusRead {
			t.Errorf("stored status = %q, want read", got)
		}
	})
	t.Run("OKPlain", func(t *testing.T) {
		b := a.create("Kindred", "Octavia E. Butler", "")
		res := a.do(plain, http.MethodPost, bookPath(b.ID, "status"), url.Values{"status": {"dnf"}})
		res.wantRedirect(t, "/books")
		if got := a.stored(b.ID).Status; got != data.StatusDNF {
			t.Errorf("stored status = %q, want dnf", got)
		}
	})
	for _, m := range modes {
		t.Run("ErrBadStatus/"+m.name, func(t *testing.T) {
			b := a.create("Beloved", "Toni Morrison", "")
			res := a.do(m, http.MethodPost, bookPath(b.ID, "status"), url.Values{"status": {"finished"}})
			res.wantStatus(t, http.StatusUnprocessableEntity)
			if !strings.Contains(res.body, "Choose a status") {
				t.Errorf("body = %q, want the message", res.body)
			}
			if got := a.stored(b.ID).Status; got != data.StatusWant {
				t.Errorf("stored status = %q, want it unchanged", got)
			}
		})
		t.Run("ErrNoToken/"+m.name, func(t *testing.T) {
			b := a.create("Middlemarch", "George Eliot", "")
			res := a.send(a.request(m, http.MethodPost, bookPath(b.ID, "status"), url.Values{"status": {"read"}}))
			res.wantStatus(t, http.StatusForbidden)
			if got := a.stored(b.ID).Status; got != data.StatusWant {
				t.Errorf("stored status = %q, want it unchanged", got)
			}
		})
	}
}

func TestRecordProgress(t *testing.T) {
	a := newTestApp(t)
	b := a.create("Dune", "Frank Herbert", "")
	if _, err := a.reading.SetDetails(t.Context(), a.reader.ID, b.ID, data.DetailsInput{Pages: "400"}); err != nil {
		t.Fatal(err)
	}
	a.do(plain, http.MethodPost, bookPath(b.ID, "status"), url.Values{"status": {"reading"}}).wantRedirect(t, "/books")

	t.Run("OKHTMXPage", func(t *testing.T) {
		res := a.do(htmx, http.MethodPost, bookPath(b.ID, "progress"), url.Values{"progress": {"100"}})
		res.wantStatus(t, http.StatusOK)
		row := res.fragment(t).First()
		bar := one(t, row, "progress")
		wantAttr(t, bar, "value", "25")
		wantAttr(t, bar, "aria-label", "Page 100 of 400 (25%)")
		// Saved, the row shows the progress compactly, its link focused for the next update.
		wantAttr(t, one(t, row, `a.pg`), "autofocus", "")
		wantText(t, one(t, row, `a.pg`), "25%")
	})
	t.Run("OKHTMXPercent", func(t *testing.T) {
		res := a.do(htmx, http.MethodPost, bookPath(b.ID, "progress"), url.Values{"progress": {"50%"}})
		res.wantStatus(t, http.StatusOK)
		frag := res.fragment(t)
		wantAttr(t, one(t, frag.First(), "progress"), "aria-label", "Page 200 of 400 (50%)")
		wantAttr(t, one(t, frag.Filter("template"), "#now-reading progress"), "value", "50")
	})
	t.Run("OKPlain", func(t *testing.T) {
		a.do(plain, http.MethodPost, bookPath(b.ID, "progress"), url.Values{"progress": {"300"}}).wantRedirect(t, "/books")
		doc := a.get(plain, "/books").page(t)
		wantAttr(t, one(t, doc, "#book-"+strconv.FormatInt(b.ID, 10)+" progress"), "value", "75")
		wantAttr(t, one(t, doc, "#now-reading progress"), "aria-label", "Page 300 of 400 (75%)")
	})
	t.Run("EveryUpdateKept", func(t *testing.T) {
		h, err := a.reading.ProgressHistory(t.Context(), a.reader.ID, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 3 {
			t.Errorf("%d progress updates stored, want 3", len(h))
		}
	})
	for _, tt := range []struct{ name, input, msg string }{
		{"ErrPastEnd", "401", "Page 401 is past the end (400 pages)."},
		{"ErrNotANumber", "lots", "Enter a page number"},
	} {
		t.Run(tt.name+"/HTMX", func(t *testing.T) {
			res := a.do(htmx, http.MethodPost, bookPath(b.ID, "progress"), url.Values{"progress": {tt.input}})
			res.wantStatus(t, http.StatusUnprocessableEntity)
			row := res.fragment(t).First()
			input := one(t, row, `input[name="progress"]`)
			wantAttr(t, input, "value", tt.input)
			wantAttr(t, input, "aria-invalid", "true")
			if got := one(t, row, "p.error").Text(); !strings.Contains(got, tt.msg) {
				t.Errorf("error = %q, want %q", got, tt.msg)
			}
		})
		t.Run(tt.name+"/Plain", func(t *testing.T) {
			res := a.do(plain, http.MethodPost, bookPath(b.ID, "progress"), url.Values{"progress": {tt.input}})
			res.wantStatus(t, http.StatusUnprocessableEntity)
			row := one(t, res.page(t), "#book-"+strconv.FormatInt(b.ID, 10))
			wantAttr(t, one(t, row, `input[name="progress"]`), "value", tt.input)
			if got := one(t, row, "p.error").Text(); !strings.Contains(got, tt.msg) {
				t.Errorf("error = %q, want %q", got, tt.msg)
			}
		})
	}
	t.Run("ErrNotReading", func(t *testing.T) {
		other := a.create("Emma", "Jane Austen", "")
		res := a.do(htmx, http.MethodPost, bookPath(other.ID, "progress"), url.Values{"progress": {"10"}})
		res.wantStatus(t, http.StatusUnprocessableEntity)
	})
	t.Run("ErrNoToken", func(t *testing.T) {
		res := a.send(a.request(htmx, http.MethodPost, bookPath(b.ID, "progress"), url.Values{"progress": {"10"}}))
		res.wantStatus(t, http.StatusForbidden)
	})
}

// TestReadingNotFound checks that another reader's book, and a missing one, are not found.
func TestReadingNotFound(t *testing.T) {
	a := newTestApp(t)
	bob := a.browser()
	bob.signIn(bob.addUser("bob"))
	theirs := bob.create("Kindred", "Octavia E. Butler", "")
	bob.do(plain, http.MethodPost, bookPath(theirs.ID, "status"), url.Values{"status": {"reading"}}).wantRedirect(t, "/books")
	for _, id := range []int64{theirs.ID, theirs.ID + 1000} {
		for _, r := range []struct{ action, field, value string }{
			{"status", "status", "read"},
			{"status", "status", "nonsense"},
			{"progress", "progress", "10"},
		} {
			for _, m := range modes {
				t.Run(m.name+"/"+r.action+"/"+r.value+"/"+strconv.FormatInt(id, 10), func(t *testing.T) {
					res := a.do(m, http.MethodPost, bookPath(id, r.action), url.Values{r.field: {r.value}})
					res.wantStatus(t, http.StatusNotFound)
					if m.htmx {
						one(t, res.fragment(t).Parent(), "tr.gone")
					}
				})
			}
		}
	}
	if got := bob.stored(theirs.ID).Status; got != data.StatusReading {
		t.Errorf("the other reader's book has status %q, want reading", got)
	}
}

func TestLibraryFilters(t *testing.T) {
	a := newTestApp(t)
	want := a.create("Emma", "Jane Austen", "")
	reading := a.create("Dune", "Frank Herbert", "")
	read := a.create("Beloved", "Toni Morrison", "")
	for id, st := range map[int64]string{reading.ID: "reading", read.ID: "read"} {
		a.do(plain, http.MethodPost, bookPath(id, "status"), url.Values{"status": {st}}).wantRedirect(t, "/books")
	}
	shelf, err := a.db.Shelves().Create(t.Context(), a.reader.ID, "Classics")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.db.Shelves().Shelve(t.Context(), a.reader.ID, want.ID, shelf.ID); err != nil {
		t.Fatal(err)
	}
	shelfURL := "/books?shelf=" + strconv.FormatInt(shelf.ID, 10)

	for _, tt := range []struct {
		url, active string
		ids         []int64
	}{
		{"/books", "All", []int64{read.ID, reading.ID, want.ID}},
		{"/books?status=want", "Want to read", []int64{want.ID}},
		{"/books?status=reading", "Reading", []int64{reading.ID}},
		{"/books?status=read", "Read", []int64{read.ID}},
		{"/books?status=dnf", "Did not finish", nil},
		{shelfURL, "Classics", []int64{want.ID}},
	} {
		t.Run(tt.url, func(t *testing.T) {
			res := a.get(plain, tt.url)
			res.wantStatus(t, http.StatusOK)
			doc := res.page(t)
			if got := rowIDs(t, doc.Find("#book-list")); !slices.Equal(got, tt.ids) {
				t.Errorf("rows = %v, want %v", got, tt.ids)
			}
			counts, active := tabCounts(t, doc)
			if active != tt.active {
				t.Errorf("active tab = %q, want %q", active, tt.active)
			}
			wantCounts := map[string]string{"All": "3", "Want to read": "1", "Reading": "1", "Read": "1", "Did not finish": "0", "Classics": "1"}
			for label, n := range wantCounts {
				if counts[label] != n {
					t.Errorf("tab %q count = %q, want %q (tabs %v)", label, counts[label], n, counts)
				}
			}
			// The strip shows the book being read whatever the filter.
			wantText(t, one(t, doc, "#now-reading li a"), "Dune")
		})
	}
	t.Run("ErrBadStatus", func(t *testing.T) {
		res := a.get(plain, "/books?status=finished")
		res.wantStatus(t, http.StatusBadRequest)
		if got := one(t, res.page(t), "p.problem").Text(); !strings.Contains(got, "There is no reading status") {
			t.Errorf("problem = %q", got)
		}
	})
	for _, target := range []string{"/books?shelf=abc", "/books?shelf=0", "/books?shelf=" + strconv.FormatInt(shelf.ID+1000, 10)} {
		t.Run("ErrShelf/"+target, func(t *testing.T) {
			a.get(plain, target).wantStatus(t, http.StatusNotFound)
		})
	}
	t.Run("ErrOtherReadersShelf", func(t *testing.T) {
		bob := a.browser()
		bob.signIn(bob.addUser("bob"))
		bob.get(plain, shelfURL).wantStatus(t, http.StatusNotFound)
	})
	t.Run("NoStripWhenNothingRead", func(t *testing.T) {
		bob := a.browser()
		bob.signIn(bob.addUser("carol"))
		doc := bob.get(plain, "/books").page(t)
		if _, hidden := one(t, doc, "#now-reading").Attr("hidden"); !hidden {
			t.Error("the Currently reading strip shows with no book being read")
		}
	})
	t.Run("CountsUpdateOnCreate", func(t *testing.T) {
		a.header.Set("HX-Current-URL", "http://example.com/books?status=reading")
		defer a.header.Del("HX-Current-URL")
		res := a.do(htmx, http.MethodPost, "/books", withField(form("Piranesi", "Susanna Clarke", ""), "status", "reading"))
		res.wantStatus(t, http.StatusOK)
		frag := res.fragment(t)
		counts, active := tabCounts(t, frag.Filter("template"))
		if counts["Reading"] != "2" || counts["All"] != "4" || active != "Reading" {
			t.Errorf("tabs = %v (active %q), want Reading 2 of 4, Reading active", counts, active)
		}
		wantText(t, one(t, frag.First(), `td.status > a:first-child`), "Reading")
	})
	t.Run("CountsUpdateOnDelete", func(t *testing.T) {
		res := a.do(htmx, http.MethodDelete, bookPath(read.ID), nil)
		res.wantStatus(t, http.StatusOK)
		counts, _ := tabCounts(t, res.fragment(t))
		if counts["Read"] != "0" {
			t.Errorf("tabs = %v, want Read 0", counts)
		}
	})
}

// TestLibraryFilterPaging checks that "Load more" keeps the filter.
func TestLibraryFilterPaging(t *testing.T) {
	a := newTestApp(t)
	for i := range data.PageSize + 2 {
		b := a.create("Book "+strconv.Itoa(i), "Author", "")
		a.setStatus(b.ID, data.StatusRead)
	}
	a.create("Unread", "Author", "")
	doc := a.get(plain, "/books?status=read").page(t)
	more := one(t, doc, "#load-more a")
	href := attr(t, more, "href")
	if !strings.HasPrefix(href, "/books?status=read&before=") {
		t.Fatalf("load more = %q, want the filter kept", href)
	}
	wantAttr(t, more, "hx-get", href)
	res := a.get(htmx, href)
	res.wantStatus(t, http.StatusOK)
	if got := rowIDs(t, res.fragment(t).Parent()); len(got) != 2 {
		t.Errorf("next page has %d rows, want 2", len(got))
	}
	page := a.get(plain, href)
	page.wantStatus(t, http.StatusOK)
	if got := rowIDs(t, page.page(t).Find("#book-list")); len(got) != 2 {
		t.Errorf("next page (plain) has %d rows, want 2", len(got))
	}
}

// TestChooseStatus opens a row's status menu: for htmx the row with a button per status, the
// book's own pressed and focused; without JavaScript a page with the same choices in a plain form.
func TestChooseStatus(t *testing.T) {
	a := newTestApp(t)
	b := a.create("Dune", "Frank Herbert", "")
	t.Run("HTMX", func(t *testing.T) {
		res := a.get(htmx, bookPath(b.ID, "status"))
		res.wantStatus(t, http.StatusOK)
		row := res.fragment(t).First()
		if !row.Is("tr.book.choosing#book-" + strconv.FormatInt(b.ID, 10)) {
			t.Fatalf("want the row with its menu, got:\n%s", res.body)
		}
		menu := one(t, row, "form.status-menu")
		wantAttr(t, menu, "hx-put", bookPath(b.ID, "status"))
		if n := menu.Find(`button[name="status"]`).Length(); n != len(data.Statuses()) {
			t.Errorf("%d choices, want %d", n, len(data.Statuses()))
		}
		want := one(t, menu, `button[value="want"]`)
		wantAttr(t, want, "aria-pressed", "true")
		if _, ok := want.Attr("autofocus"); !ok {
			t.Error("the book's own status has no autofocus")
		}
		wantAttr(t, one(t, menu, `button[data-action="cancel"]`), "hx-get", bookPath(b.ID)+"?focus=status")
	})
	t.Run("Plain", func(t *testing.T) {
		doc := a.get(plain, bookPath(b.ID, "status")).page(t)
		f := one(t, doc, "main form.status-menu")
		wantAttr(t, f, "method", "post")
		wantAttr(t, f, "action", bookPath(b.ID, "status"))
		one(t, f, `input[name="_csrf"]`)
	})
}

// twoProblems is the reading store with every change of status or progress refused for two
// reasons at once.
type twoProblems struct{ handlers.ReadingStore }

func (twoProblems) SetStatus(context.Context, int64, int64, data.Status, time.Time) (data.Book, error) {
	return data.Book{}, &data.ValidationError{Fields: map[string]string{
		"started_on": "The start date is wrong.",
		"status":     "The status is wrong.",
	}}
}

func (twoProblems) RecordProgress(context.Context, int64, int64, data.ProgressInput) (data.Progress, error) {
	return data.Progress{}, &data.ValidationError{Fields: map[string]string{
		"pages": "The number of pages is wrong.",
		"page":  "The page is wrong.",
	}}
}

// TestOneProblemInAFixedOrder checks that a form with room for one message, refused for two
// reasons, says the same one every time: the one of its first field.
func TestOneProblemInAFixedOrder(t *testing.T) {
	db := openTestDB(t)
	a := newApp(t, db, handlers.Config{Reading: twoProblems{db.Reading()}})
	a.signIn(a.addUser("reader"))
	b := a.setStatus(a.create("Dune", "Frank Herbert", "").ID, data.StatusReading) // shows its progress
	a.get(plain, bookPath(b.ID))
	status, progress := url.Values{"status": {"reading"}}, url.Values{"progress": {"10"}}
	for _, tc := range []struct {
		name    string
		target  string
		section string // the book page's section the form is in; "" for the library's row
		form    url.Values
		sel     string // where the message is; "" for a plain-text answer
		want    string
	}{
		{"RowStatus", bookPath(b.ID, "status"), "", status, "", "The status is wrong."},
		{"PageStatus", bookPath(b.ID, "status"), "book-status", status, "#page-status-error", "The status is wrong."},
		{"RowProgress", bookPath(b.ID, "progress"), "", progress, "#progress-" + strconv.FormatInt(b.ID, 10) + "-error", "The page is wrong."},
		{"PageProgress", bookPath(b.ID, "progress"), "book-progress", progress, "#page-progress-error", "The page is wrong."},
	} {
		for _, m := range modes {
			t.Run(tc.name+m.name, func(t *testing.T) {
				// The problems are a map, whose order changes from one reading to the next.
				for range 20 {
					var res response
					if tc.section != "" {
						res = a.onPage(m, tc.section, http.MethodPost, tc.target, tc.form)
					} else {
						res = a.do(m, http.MethodPost, tc.target, tc.form)
					}
					res.wantStatus(t, http.StatusUnprocessableEntity)
					got := squash(res.body)
					if tc.sel != "" {
						doc, err := goquery.NewDocumentFromReader(strings.NewReader(res.body))
						if err != nil {
							t.Fatal(err)
						}
						got = squash(one(t, doc, tc.sel).Text())
					}
					if got != tc.want {
						t.Fatalf("message %q, want %q", got, tc.want)
					}
				}
			})
		}
	}
}
