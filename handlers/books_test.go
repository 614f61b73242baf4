package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/bookcase/bookcase/data"
)

func TestListBooks(t *testing.T) {
	t.Run("OKEmpty", func(t *testing.T) {
		a := newTestApp(t)
		res := a.get(plain, "/books")
		res.wantStatus(t, http.StatusOK)
		doc := res.page(t)
		wantText(t, one(t, doc, "title"), "Your library · Bookcase")
		count := one(t, doc, "#book-count")
		wantAttr(t, count, "data-count", "0")
		wantText(t, count, "No books yet")
		none(t, doc, "tr.book")
		none(t, doc, "#load-more")
		wantText(t, one(t, doc, "tbody.empty .empty-title"), "Your library is empty.")

		// The new-book row: three labelled inputs tied to the form that posts them.
		row := one(t, doc, "tbody.new tr#new-book-row")
		for _, f := range []struct{ name, label string }{{"title", "Title"}, {"author", "Author"}, {"genre", "Genre"}} {
			input := one(t, row, `input[name="`+f.name+`"]`)
			wantAttr(t, input, "aria-label", f.label)
			wantAttr(t, input, "form", "new-book")
			wantAttr(t, input, "value", "")
		}
		none(t, row, ".error, [aria-invalid]")
		wantAttr(t, one(t, row, `input[name="title"]`), "aria-required", "true")
		wantAttr(t, one(t, row, `input[name="author"]`), "aria-required", "true")
		// The library opens with the focus nowhere, so its shortcuts work at once.
		none(t, doc, "main [autofocus]")
		f := one(t, doc, "form#new-book")
		wantAttr(t, f, "method", "post")
		wantAttr(t, f, "action", "/books")
		wantAttr(t, f, "hx-post", "/books")
		wantAttr(t, f, "hx-target", "#book-list")
		wantAttr(t, f, "hx-swap", "afterbegin")
		list := one(t, doc, "tbody#book-list")
		wantAttr(t, list, "hx-target", "closest tr")
		wantAttr(t, list, "hx-swap", "outerHTML")
	})
	t.Run("OK", func(t *testing.T) {
		a := newTestApp(t)
		books := []data.Book{
			a.create("Dune", "Frank Herbert", "Science fiction"),
			a.create("Emma", "Jane Austen", ""),
			a.create("Kindred", "Octavia E. Butler", "Fiction"),
		}
		res := a.get(plain, "/books")
		res.wantStatus(t, http.StatusOK)
		doc := res.page(t)
		count := one(t, doc, "#book-count")
		wantAttr(t, count, "data-count", "3")
		wantText(t, count, "3 books")
		if _, ok := count.Attr("hx-swap-oob"); ok {
			t.Error("the page's count is marked for an out-of-band swap")
		}
		list := one(t, doc, "tbody#book-list")
		if got, want := rowIDs(t, list), []int64{books[2].ID, books[1].ID, books[0].ID}; !slices.Equal(got, want) {
			t.Fatalf("rows = %v, want %v (newest first)", got, want)
		}
		for _, b := range books {
			wantBookRow(t, list.Find("#book-"+strconv.FormatInt(b.ID, 10)), b)
		}
		none(t, doc, "#load-more")
		none(t, doc, ".flash")
	})
	t.Run("OKOneBook", func(t *testing.T) {
		a := newTestApp(t)
		a.create("Dune", "Frank Herbert", "")
		wantText(t, one(t, a.get(plain, "/books").page(t), "#book-count"), "1 book")
	})
	t.Run("OKHTMX", func(t *testing.T) {
		a := newTestApp(t)
		dune := a.create("Dune", "Frank Herbert", "Science fiction")
		emma := a.create("Emma", "Jane Austen", "")
		res := a.get(htmx, "/books")
		res.wantStatus(t, http.StatusOK)
		frag := res.fragment(t)
		// Only the rows: no count, no new-book row.
		if got, want := rowIDs(t, frag.Parent()), []int64{emma.ID, dune.ID}; !slices.Equal(got, want) {
			t.Errorf("rows = %v, want %v", got, want)
		}
		if frag.Length() != 2 {
			t.Errorf("fragment has %d top-level nodes, want the 2 rows", frag.Length())
		}
		none(t, frag.Parent(), "#book-count, #new-book-row, #load-more")
		wantBookRow(t, frag.First(), emma)
	})
	t.Run("OKHistoryRestore", func(t *testing.T) {
		// htmx restoring history asks for the whole page.
		a := newTestApp(t)
		req := httptest.NewRequest(http.MethodGet, "/books", nil)
		req.Header.Set("HX-Request", "true")
		req.Header.Set("HX-History-Restore-Request", "true")
		res := a.send(req)
		res.wantStatus(t, http.StatusOK)
		one(t, res.page(t), "#book-count")
	})
}

func TestListBooksPaging(t *testing.T) {
	a := newTestApp(t)
	var all []int64 // newest first
	for i := range 60 {
		all = append(all, a.create("Book "+strconv.Itoa(i), "Author", "").ID)
	}
	slices.Reverse(all)
	cursor := all[49]
	nextURL := "/books?before=" + strconv.FormatInt(cursor, 10)

	t.Run("OKFirstPage", func(t *testing.T) {
		res := a.get(plain, "/books")
		res.wantStatus(t, http.StatusOK)
		doc := res.page(t)
		if got := rowIDs(t, doc.Selection); !slices.Equal(got, all[:50]) {
			t.Errorf("first page rows = %v, want %v", got, all[:50])
		}
		more := one(t, doc, "tbody#book-list tr#load-more")
		if !more.Prev().Is("tr.book") || more.Next().Length() != 0 {
			t.Error("#load-more is not the last row, after the books")
		}
		link := one(t, more, "a")
		wantAttr(t, link, "href", nextURL)
		wantAttr(t, link, "hx-get", nextURL)
		wantText(t, one(t, doc, "#book-count"), "60 books")
		none(t, doc, `.flash a[href="/books"]`)
	})
	t.Run("OKNextPageHTMX", func(t *testing.T) {
		res := a.get(htmx, nextURL)
		res.wantStatus(t, http.StatusOK)
		frag := res.fragment(t)
		if got := rowIDs(t, frag.Parent()); !slices.Equal(got, all[50:]) {
			t.Errorf("next page rows = %v, want %v", got, all[50:])
		}
		none(t, frag.Parent(), "#load-more, #book-count")
	})
	t.Run("OKNextPagePlain", func(t *testing.T) {
		// Without JavaScript the link leads to a full page of the older books.
		res := a.get(plain, nextURL)
		res.wantStatus(t, http.StatusOK)
		doc := res.page(t)
		if got := rowIDs(t, doc.Selection); !slices.Equal(got, all[50:]) {
			t.Errorf("next page rows = %v, want %v", got, all[50:])
		}
		none(t, doc, "#load-more")
		one(t, doc, `.flash a[href="/books"]`)
		wantText(t, one(t, doc, "#book-count"), "60 books")
		one(t, doc, "#new-book-row")
	})
	t.Run("OKFollowLoadMore", func(t *testing.T) {
		// Following "Load more" as htmx does visits every book once, newest first.
		var got []int64
		next := "/books"
		for range 10 {
			frag := a.get(htmx, next).fragment(t).Parent()
			got = append(got, rowIDs(t, frag)...)
			link := frag.Find("#load-more a")
			if link.Length() == 0 {
				break
			}
			next = attr(t, link, "hx-get")
		}
		if !slices.Equal(got, all) {
			t.Errorf("rows over all pages = %v, want %v", got, all)
		}
	})
	t.Run("OKBeforeOldest", func(t *testing.T) {
		res := a.get(htmx, "/books?before="+strconv.FormatInt(all[59], 10))
		res.wantStatus(t, http.StatusOK)
		if strings.TrimSpace(res.body) != "" {
			t.Errorf("page before the oldest book = %q, want empty", res.body)
		}
	})
	for _, cursor := range []string{"abc", "-1", "1.5", "99999999999999999999", "%00"} {
		for _, m := range modes {
			t.Run("ErrBadCursor"+m.name+"/"+cursor, func(t *testing.T) {
				res := a.get(m, "/books?before="+cursor)
				res.wantStatus(t, http.StatusBadRequest)
				if !m.htmx {
					wantText(t, one(t, res.page(t), "main h1"), "Bad request")
				}
			})
		}
	}
}

func TestCreateBook(t *testing.T) {
	t.Run("OKHTMX", func(t *testing.T) {
		a := newTestApp(t)
		older := a.create("Emma", "Jane Austen", "")
		res := a.do(htmx, http.MethodPost, "/books", form("  Dune ", "Frank Herbert\t", "Science fiction"))
		res.wantStatus(t, http.StatusOK)
		frag := res.fragment(t)

		rows := frag.Filter("tr.book")
		if rows.Length() != 1 {
			t.Fatalf("response has %d book rows, want 1:\n%s", rows.Length(), res.body)
		}
		id := rowBookID(t, rows)
		if id == older.ID {
			t.Fatalf("new row's book is %d, the older one's; want a new id", id)
		}
		b := a.stored(id)
		want := data.Book{ID: id, Title: "Dune", Author: "Frank Herbert", Genre: "Science fiction"}
		if b.Title != want.Title || b.Author != want.Author || b.Genre != want.Genre {
			t.Errorf("stored %+v, want %+v (trimmed)", b, want)
		}
		wantBookRow(t, rows, want)
		if !frag.First().Is("tr.book") {
			t.Error("the new row is not the first node, the one swapped into the list")
		}

		// Out of band: the new count and a cleared new-book row.
		tmpl := one(t, frag.Parent(), "template")
		count := one(t, tmpl, "#book-count")
		wantAttr(t, count, "hx-swap-oob", "true")
		wantAttr(t, count, "data-count", "2")
		wantText(t, count, "2 books")
		newRow := one(t, tmpl, "tr#new-book-row")
		wantAttr(t, newRow, "hx-swap-oob", "true")
		fields := newRow.Find(`input:not([type="hidden"])`)
		fields.Each(func(_ int, in *goquery.Selection) {
			wantAttr(t, in, "value", "")
		})
		if n := fields.Length(); n != 3 {
			t.Errorf("new-book row has %d inputs, want 3", n)
		}
		// The swapped-in form still carries the page's anti-forgery token (masked afresh).
		sent := attr(t, one(t, newRow, `input[type="hidden"][name="_csrf"]`), "value")
		if got, want := rawCSRF(t, sent), rawCSRF(t, a.csrf); got != want {
			t.Errorf("the new-book row's token stands for %q, want the page's %q", got, want)
		}
		none(t, newRow, ".error")
		// A book that is not being read leaves the "Currently reading" strip as it is.
		none(t, tmpl, "#now-reading")
	})
	t.Run("OKReadingHTMX", func(t *testing.T) {
		a := newTestApp(t)
		in := form("Dune", "Frank Herbert", "")
		in.Set("status", "reading")
		res := a.do(htmx, http.MethodPost, "/books", in)
		res.wantStatus(t, http.StatusOK)
		tmpl := one(t, res.fragment(t).Parent(), "template")
		strip := one(t, tmpl, "#now-reading")
		wantAttr(t, strip, "hx-swap-oob", "true")
		wantText(t, one(t, strip, "li a"), "Dune")
		if counts, _ := tabCounts(t, tmpl); counts["Reading"] != "1" {
			t.Errorf("tabs = %v, want Reading 1", counts)
		}
	})
	t.Run("OKPlain", func(t *testing.T) {
		a := newTestApp(t)
		res := a.do(plain, http.MethodPost, "/books", form(" Dune ", "Frank Herbert", ""))
		res.wantRedirect(t, "/books")
		page, err := a.books.List(t.Context(), a.reader.ID, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Books) != 1 || page.Books[0].Title != "Dune" || page.Books[0].Author != "Frank Herbert" {
			t.Fatalf("stored %+v, want one book Dune by Frank Herbert", page.Books)
		}
		doc := a.get(plain, "/books").page(t)
		wantBookRow(t, one(t, doc, "tr.book"), page.Books[0])
	})
	t.Run("ErrInvalidHTMX", func(t *testing.T) {
		a := newTestApp(t)
		long := strings.Repeat("é", 251)
		res := a.do(htmx, http.MethodPost, "/books", form("   ", long, "Essays"))
		res.wantStatus(t, http.StatusUnprocessableEntity)
		if got := res.Header.Get("HX-Retarget"); got != "#new-book-row" {
			t.Errorf("HX-Retarget = %q, want #new-book-row", got)
		}
		if got := res.Header.Get("HX-Reswap"); got != "outerHTML" {
			t.Errorf("HX-Reswap = %q, want outerHTML", got)
		}
		frag := res.fragment(t)
		if frag.Length() != 1 || !frag.Is("tr#new-book-row") {
			t.Fatalf("want only the new-book row, got:\n%s", res.body)
		}
		if _, ok := frag.Attr("hx-swap-oob"); ok {
			t.Error("the re-rendered new-book row is marked out of band")
		}
		wantInvalidField(t, frag, "new-book", "title", "   ", "Title is required.")
		wantInvalidField(t, frag, "new-book", "author", long, "Author must be at most 250 characters (it has 251).")
		wantValidField(t, frag, "new-book", "genre", "Essays")
		if _, ok := one(t, frag, `input[name="title"]`).Attr("autofocus"); !ok {
			t.Error("the first bad field, title, has no autofocus")
		}
		if n := a.count(); n != 0 {
			t.Errorf("Count() = %d after a rejected add, want 0", n)
		}
	})
	t.Run("ErrInvalidPlain", func(t *testing.T) {
		a := newTestApp(t)
		emma := a.create("Emma", "Jane Austen", "")
		res := a.do(plain, http.MethodPost, "/books", form("Dune", "", "Sci\nfi"))
		res.wantStatus(t, http.StatusUnprocessableEntity)
		doc := res.page(t)
		row := one(t, doc, "tbody.new tr#new-book-row")
		wantValidField(t, row, "new-book", "title", "Dune")
		wantInvalidField(t, row, "new-book", "author", "", "Author is required.")
		wantInvalidField(t, row, "new-book", "genre", "Sci\nfi", "Genre must be a single line of text.")
		if _, ok := one(t, row, `input[name="author"]`).Attr("autofocus"); !ok {
			t.Error("the first bad field, author, has no autofocus")
		}
		// The rest of the library is still there around the form.
		wantBookRow(t, one(t, doc, "tr.book"), emma)
		wantText(t, one(t, doc, "#book-count"), "1 book")
		if n := a.count(); n != 1 {
			t.Errorf("Count() = %d after a rejected add, want 1", n)
		}
	})
	t.Run("ErrEveryField", func(t *testing.T) {
		a := newTestApp(t)
		res := a.do(htmx, http.MethodPost, "/books", url.Values{})
		res.wantStatus(t, http.StatusUnprocessableEntity)
		frag := res.fragment(t)
		if n := frag.Find(".error").Length(); n != 2 {
			t.Errorf("%d error messages, want 2 (title and author; genre is optional)", n)
		}
	})
}

// wantInvalidField fails the test unless the input name of form shows value and, beside it, msg.
func wantInvalidField(t *testing.T, s *goquery.Selection, form, name, value, msg string) {
	t.Helper()
	input := one(t, s, `input[name="`+name+`"]`)
	wantAttr(t, input, "value", value)
	wantAttr(t, input, "aria-invalid", "true")
	errID := form + "-" + name + "-error"
	wantAttr(t, input, "aria-describedby", errID)
	cell := input.Parent()
	if !cell.HasClass("invalid") {
		t.Errorf("the cell of %s is not marked invalid", name)
	}
	e := one(t, cell, "p.error")
	wantAttr(t, e, "id", errID)
	wantText(t, e, msg)
}

// wantValidField fails the test unless the input name shows value, with no error.
func wantValidField(t *testing.T, s *goquery.Selection, form, name, value string) {
	t.Helper()
	input := one(t, s, `input[name="`+name+`"]`)
	wantAttr(t, input, "value", value)
	if _, ok := input.Attr("aria-invalid"); ok {
		t.Errorf("%s is marked invalid", name)
	}
	cell := input.Parent()
	if cell.HasClass("invalid") || cell.Find(".error").Length() > 0 {
		t.Errorf("%s shows an error", name)
	}
}

func TestShowBook(t *testing.T) {
	a := newTestApp(t)
	dune := a.create("Dune", "Frank Herbert", "Science fiction")
	emma := a.create("Emma", "Jane Austen", "")

	t.Run("OKHTMX", func(t *testing.T) {
		// Cancel on the edit row fetches this to put the display row back.
		res := a.get(htmx, bookPath(dune.ID))
		res.wantStatus(t, http.StatusOK)
		frag := res.fragment(t)
		if frag.Length() != 1 {
			t.Fatalf("want one row, got:\n%s", res.body)
		}
		wantBookRow(t, frag, dune)
	})
	t.Run("OKPlain", func(t *testing.T) {
		res := a.get(plain, bookPath(dune.ID))
		res.wantStatus(t, http.StatusOK)
		doc := res.page(t)
		wantText(t, one(t, doc, "title"), "Dune · Bookcase")
		book := one(t, doc, `[data-testid="book"]`)
		wantText(t, one(t, book, `h1 [data-testid="title"]`), "Dune")
		wantText(t, one(t, book, `[data-testid="author"]`), "Frank Herbert")
		wantText(t, one(t, book, `[data-testid="genre"]`), "Science fiction")
		wantText(t, one(t, doc, `[data-testid="added"]`), dune.CreatedAt.Format("2 January 2006"))
		// Each is edited in its place: without JavaScript its link opens its input in the page.
		one(t, book, `a#edit-title[href="`+bookPath(dune.ID)+`?edit=title"]`)
		one(t, book, `a[href="`+bookPath(dune.ID, "delete")+`"]`)
	})
	t.Run("OKNoGenre", func(t *testing.T) {
		doc := a.get(plain, bookPath(emma.ID)).page(t)
		wantText(t, one(t, doc, `[data-testid="book"] #fact-genre [data-testid="genre"]`), "Add")
	})
}

func TestEditBook(t *testing.T) {
	a := newTestApp(t)
	dune := a.create("Dune", "Frank Herbert", "Science fiction")
	id := strconv.FormatInt(dune.ID, 10)

	t.Run("OKHTMX", func(t *testing.T) {
		res := a.get(htmx, bookPath(dune.ID, "edit"))
		res.wantStatus(t, http.StatusOK)
		row := res.fragment(t)
		if row.Length() != 1 || !row.Is("tr.book.editing") {
			t.Fatalf("want one tr.editing, got:\n%s", res.body)
		}
		wantAttr(t, row, "id", "book-"+id)
		for _, f := range []struct{ name, value string }{{"title", "Dune"}, {"author", "Frank Herbert"}, {"genre", "Science fiction"}} {
			wantValidField(t, row, "edit-"+id, f.name, f.value)
			wantAttr(t, one(t, row, `input[name="`+f.name+`"]`), "form", "edit-"+id)
		}
		f := one(t, row, "form#edit-"+id)
		wantAttr(t, f, "hx-put", bookPath(dune.ID))
		wantAttr(t, f, "method", "post")
		wantAttr(t, f, "action", bookPath(dune.ID))
		one(t, f, `button[type="submit"]`)
		wantAttr(t, one(t, row, `button[data-action="cancel"]`), "hx-get", bookPath(dune.ID)+"?focus=edit")
	})
	t.Run("OKPlain", func(t *testing.T) {
		res := a.get(plain, bookPath(dune.ID, "edit"))
		res.wantStatus(t, http.StatusOK)
		doc := res.page(t)
		wantText(t, one(t, doc, "title"), "Edit “Dune” · Bookcase")
		f := one(t, doc, "main form.stacked")
		wantAttr(t, f, "method", "post")
		wantAttr(t, f, "action", bookPath(dune.ID))
		for _, fl := range []struct{ name, value string }{{"title", "Dune"}, {"author", "Frank Herbert"}, {"genre", "Science fiction"}} {
			in := one(t, f, "input#field-"+fl.name)
			wantAttr(t, in, "name", fl.name)
			wantAttr(t, in, "value", fl.value)
			one(t, f, `label[for="field-`+fl.name+`"]`)
		}
		one(t, f, `button[type="submit"]`)
		none(t, f, ".error")
	})
}

func TestUpdateBook(t *testing.T) {
	t.Run("OKPutHTMX", func(t *testing.T) {
		a := newTestApp(t)
		dune := a.create("Dune", "Frank Herbert", "Science fiction")
		res := a.do(htmx, http.MethodPut, bookPath(dune.ID), form(" Dune Messiah ", "Frank Herbert", ""))
		res.wantStatus(t, http.StatusOK)
		got := a.stored(dune.ID)
		want := data.Book{ID: dune.ID, Title: "Dune Messiah", Author: "Frank Herbert", Genre: ""}
		if got.Title != want.Title || got.Author != want.Author || got.Genre != want.Genre || !got.CreatedAt.Equal(dune.CreatedAt) {
			t.Errorf("stored %+v, want %+v", got, want)
		}
		frag := res.fragment(t)
		if frag.Length() != 1 {
			t.Fatalf("want one row, got:\n%s", res.body)
		}
		wantBookRow(t, frag, want)
	})
	t.Run("OKPostPlain", func(t *testing.T) {
		a := newTestApp(t)
		dune := a.create("Dune", "Frank Herbert", "Science fiction")
		res := a.do(plain, http.MethodPost, bookPath(dune.ID), form("Dune", "F. Herbert", "Classic"))
		res.wantRedirect(t, "/books")
		if got := a.stored(dune.ID); got.Author != "F. Herbert" || got.Genre != "Classic" {
			t.Errorf("stored %+v, want author F. Herbert and genre Classic", got)
		}
	})
	t.Run("ErrInvalidPutHTMX", func(t *testing.T) {
		a := newTestApp(t)
		dune := a.create("Dune", "Frank Herbert", "Science fiction")
		id := strconv.FormatInt(dune.ID, 10)
		res := a.do(htmx, http.MethodPut, bookPath(dune.ID), form("Dune\tMessiah", "Frank Herbert", strings.Repeat("x", 251)))
		res.wantStatus(t, http.StatusUnprocessableEntity)
		row := res.fragment(t)
		if row.Length() != 1 || !row.Is("tr#book-"+id+".editing") {
			t.Fatalf("want the edit row back, got:\n%s", res.body)
		}
		wantInvalidField(t, row, "edit-"+id, "title", "Dune\tMessiah", "Title must be a single line of text.")
		wantValidField(t, row, "edit-"+id, "author", "Frank Herbert")
		wantInvalidField(t, row, "edit-"+id, "genre", strings.Repeat("x", 251), "Genre must be at most 250 characters (it has 251).")
		if got := a.stored(dune.ID); got.Title != "Dune" || got.Genre != "Science fiction" {
			t.Errorf("stored %+v after a rejected edit, want it unchanged", got)
		}
	})
	t.Run("ErrInvalidPostPlain", func(t *testing.T) {
		a := newTestApp(t)
		dune := a.create("Dune", "Frank Herbert", "Science fiction")
		res := a.do(plain, http.MethodPost, bookPath(dune.ID), form("Dune Messiah", " ", "Science fiction"))
		res.wantStatus(t, http.StatusUnprocessableEntity)
		doc := res.page(t)
		f := one(t, doc, "main form.stacked")
		wantAttr(t, f, "action", bookPath(dune.ID))
		wantValidField(t, f, "field", "title", "Dune Messiah")
		wantInvalidField(t, f, "field", "author", " ", "Author is required.")
		if got := a.stored(dune.ID); got.Title != "Dune" {
			t.Errorf("stored %+v after a rejected edit, want it unchanged", got)
		}
	})
}

func TestDeleteBook(t *testing.T) {
	t.Run("OKHTMX", func(t *testing.T) {
		a := newTestApp(t)
		a.create("Emma", "Jane Austen", "")
		dune := a.create("Dune", "Frank Herbert", "Science fiction")
		id := strconv.FormatInt(dune.ID, 10)
		res := a.do(htmx, http.MethodDelete, bookPath(dune.ID), nil)
		// 200, not 204: htmx only swaps the row away on a 200.
		res.wantStatus(t, http.StatusOK)
		frag := res.fragment(t)
		// Nothing but templates for the main swap, so the row is replaced by nothing.
		if frag.Length() == 0 || frag.Not("template").Length() != 0 {
			t.Fatalf("want only <template>s, got:\n%s", res.body)
		}
		count := one(t, frag, "#book-count")
		wantAttr(t, count, "hx-swap-oob", "true")
		wantText(t, count, "1 book")
		toasts := one(t, frag, `[hx-swap-oob="beforeend:#toasts"]`)
		toast := one(t, toasts, ".toast#undo-"+id)
		wantText(t, one(t, toast, "span"), "Deleted “Dune”.")
		undo := one(t, toast, `button[data-action="undo"]`)
		wantAttr(t, undo, "hx-post", bookPath(dune.ID, "restore"))
		// The answer places the row itself (out of band), and the toast takes the focus.
		wantAttr(t, undo, "hx-swap", "none")
		if _, ok := undo.Attr("autofocus"); !ok {
			t.Error("the Undo button has no autofocus")
		}
		wantAttr(t, undo, "data-id", id)
		wantAttr(t, undo.Closest("form"), "action", bookPath(dune.ID, "restore"))

		a.get(plain, bookPath(dune.ID)).wantStatus(t, http.StatusNotFound)
		if n := a.count(); n != 1 {
			t.Errorf("Count() = %d, want 1", n)
		}
		doc := a.get(plain, "/books").page(t)
		none(t, doc, "#book-"+id)
	})
	t.Run("OKConfirmPage", func(t *testing.T) {
		a := newTestApp(t)
		dune := a.create("Dune", "Frank Herbert", "Science fiction")
		res := a.get(plain, bookPath(dune.ID, "delete"))
		res.wantStatus(t, http.StatusOK)
		doc := res.page(t)
		wantText(t, one(t, doc, "main h1"), "Delete “Dune”?")
		f := one(t, doc, "main form")
		wantAttr(t, f, "method", "post")
		wantAttr(t, f, "action", bookPath(dune.ID, "delete"))
		one(t, f, `button[type="submit"]`)
		a.stored(dune.ID) // asking deletes nothing
	})
	t.Run("OKPlain", func(t *testing.T) {
		a := newTestApp(t)
		dune := a.create("Dune & Co", "Frank Herbert", "")
		res := a.do(plain, http.MethodPost, bookPath(dune.ID, "delete"), url.Values{})
		want := "/books?deleted=" + strconv.FormatInt(dune.ID, 10)
		res.wantRedirect(t, want)
		if _, err := a.books.Get(t.Context(), a.reader.ID, dune.ID); err == nil {
			t.Error("the book is still there")
		}
		// The library it leads to offers Undo.
		doc := a.get(plain, want).page(t)
		flash := one(t, doc, "main div.flash")
		wantText(t, one(t, flash, "span"), "Deleted “Dune & Co”.")
		f := one(t, flash, "form")
		wantAttr(t, f, "method", "post")
		wantAttr(t, f, "action", bookPath(dune.ID, "restore"))
		none(t, doc, "tr.book")
		wantText(t, one(t, doc, "#book-count"), "No books yet")
	})
}

func TestRestoreBook(t *testing.T) {
	setup := func(t *testing.T) (*testApp, data.Book, data.Book) {
		a := newTestApp(t)
		emma := a.create("Emma", "Jane Austen", "")
		dune := a.create("Dune", "Frank Herbert", "Science fiction")
		a.do(htmx, http.MethodDelete, bookPath(dune.ID), nil).wantStatus(t, http.StatusOK)
		return a, dune, emma
	}
	t.Run("OKHTMX", func(t *testing.T) {
		a, dune, emma := setup(t)
		id := strconv.FormatInt(dune.ID, 10)
		// Sorted by title, Dune goes back before Emma, the book that follows it in that order,
		// whatever their ids: the server places the row.
		a.header.Set("HX-Current-URL", "http://example.com/books?sort=title")
		defer a.header.Del("HX-Current-URL")
		res := a.do(htmx, http.MethodPost, bookPath(dune.ID, "restore"), url.Values{})
		res.wantStatus(t, http.StatusOK)
		frag := res.fragment(t)
		tmpl := frag.Filter("template")
		place := one(t, tmpl, "tbody[hx-swap-oob]")
		wantAttr(t, place, "hx-swap-oob", "beforebegin:#book-"+strconv.FormatInt(emma.ID, 10))
		wantBookRow(t, one(t, place, "tr.book"), dune)
		if _, ok := one(t, place, "tr.book .title a").Attr("autofocus"); !ok {
			t.Error("the restored row's title has no autofocus")
		}
		count := one(t, tmpl, "#book-count")
		wantAttr(t, count, "hx-swap-oob", "true")
		wantText(t, count, "2 books")
		// The Undo toast goes away.
		wantAttr(t, one(t, tmpl, "#undo-"+id), "hx-swap-oob", "delete")

		got := a.stored(dune.ID)
		if got.Title != dune.Title || got.Author != dune.Author || got.Genre != dune.Genre ||
			!got.CreatedAt.Equal(dune.CreatedAt) || !got.UpdatedAt.Equal(dune.UpdatedAt) {
			t.Errorf("restored %+v, want %+v", got, dune)
		}
	})
	t.Run("OKPlain", func(t *testing.T) {
		a, dune, _ := setup(t)
		res := a.do(plain, http.MethodPost, bookPath(dune.ID, "restore"), url.Values{})
		res.wantRedirect(t, "/books")
		a.stored(dune.ID)
		doc := a.get(plain, "/books").page(t)
		wantBookRow(t, one(t, doc, "#book-"+strconv.FormatInt(dune.ID, 10)), dune)
	})
}

// idRoutes are the routes that name a book, with a valid form where they take one.
var idRoutes = []struct {
	method, action string
	form           url.Values
	// row says whether htmx gets the "gone" row in place of the book's row.
	row bool
}{
	{http.MethodGet, "", nil, true},
	{http.MethodGet, "edit", nil, true},
	{http.MethodPut, "", form("Dune", "Frank Herbert", ""), true},
	{http.MethodPost, "", form("Dune", "Frank Herbert", ""), true},
	{http.MethodDelete, "", nil, true},
	// The confirmation page is for readers without JavaScript; htmx never asks for it.
	{http.MethodGet, "delete", nil, false},
	{http.MethodPost, "delete", url.Values{}, true},
	{http.MethodPost, "restore", url.Values{}, true},
}

func TestBookNotFound(t *testing.T) {
	a := newTestApp(t)
	live := a.create("Dune", "Frank Herbert", "")
	missing := live.ID + 1000
	for _, r := range idRoutes {
		target := "/books/" + strconv.FormatInt(missing, 10)
		if r.action != "" {
			target += "/" + r.action
		}
		for _, m := range modes {
			t.Run(m.name+"/"+r.method+" "+target, func(t *testing.T) {
				res := a.do(m, r.method, target, r.form)
				res.wantStatus(t, http.StatusNotFound)
				if !m.htmx {
					wantNotFoundPage(t, res)
					return
				}
				if !r.row {
					return
				}
				row := res.fragment(t)
				id := strconv.FormatInt(missing, 10)
				if row.Length() != 1 || !row.Is("tr#book-"+id+".gone") {
					t.Fatalf("want tr#book-%s.gone, got:\n%s", id, res.body)
				}
				if text := squash(row.Text()); !strings.Contains(text, "no longer in your library") {
					t.Errorf("gone row says %q, want it to say the book is no longer in the library", text)
				}
			})
		}
	}
	if n := a.count(); n != 1 {
		t.Errorf("Count() = %d, want 1: no request for a missing book may create one", n)
	}
}

func TestOtherReadersBook(t *testing.T) {
	// To a reader, another reader's book does not exist: every route answers exactly as for a
	// book that was never there, and the book stays as it was.
	a := newTestApp(t)
	mine := a.create("Emma", "Jane Austen", "")
	bob := a.browser()
	bob.signIn(bob.addUser("bob"))
	live := bob.create("Kindred", "Octavia E. Butler", "Fiction")
	gone := bob.create("Gone", "Someone", "")
	if _, err := bob.books.Delete(t.Context(), bob.reader.ID, gone.ID); err != nil {
		t.Fatal(err)
	}
	missing := gone.ID + 1000

	// shape is the body with the book's id (and the masked tokens) taken out, to compare answers
	// for different ids.
	shape := func(body string, id int64) string {
		body = withoutCSRF(body)
		re := regexp.MustCompile(`(book-|/books/)` + strconv.FormatInt(id, 10) + `\b`)
		return re.ReplaceAllString(body, "${1}ID")
	}
	for _, r := range idRoutes {
		for _, target := range []struct {
			name string
			book data.Book
		}{{"Live", live}, {"Deleted", gone}} {
			for _, m := range modes {
				t.Run(m.name+"/"+r.method+" "+r.action+"/"+target.name, func(t *testing.T) {
					got := a.do(m, r.method, bookPath(target.book.ID, r.action), r.form)
					got.wantStatus(t, http.StatusNotFound)
					want := a.do(m, r.method, bookPath(missing, r.action), r.form)
					want.wantStatus(t, http.StatusNotFound)
					if g, w := got.Header.Get("Content-Type"), want.Header.Get("Content-Type"); g != w {
						t.Errorf("Content-Type = %q, want %q as for a missing book", g, w)
					}
					if g, w := shape(got.body, target.book.ID), shape(want.body, missing); g != w {
						t.Errorf("answer differs from a missing book's:\n%s\n--- want ---\n%s", g, w)
					}
				})
			}
		}
	}
	t.Run("Library", func(t *testing.T) {
		// Bob's books are not in the reader's library, nor offered for Undo.
		doc := a.get(plain, "/books?deleted="+strconv.FormatInt(gone.ID, 10)).page(t)
		if got := rowIDs(t, doc.Selection); !slices.Equal(got, []int64{mine.ID}) {
			t.Errorf("rows = %v, want only the reader's book %d", got, mine.ID)
		}
		none(t, doc, ".flash")
		wantText(t, one(t, doc, "#book-count"), "1 book")
		frag := a.get(htmx, "/books").fragment(t)
		if got := rowIDs(t, frag.Parent()); !slices.Equal(got, []int64{mine.ID}) {
			t.Errorf("htmx rows = %v, want only the reader's book %d", got, mine.ID)
		}
	})

	// Bob's books are as they were, and still his.
	got := bob.stored(live.ID)
	if got.Title != live.Title || got.Author != live.Author || got.Genre != live.Genre || !got.UpdatedAt.Equal(live.UpdatedAt) {
		t.Errorf("Bob's book = %+v, want %+v", got, live)
	}
	if _, err := bob.books.GetDeleted(t.Context(), bob.reader.ID, gone.ID); err != nil {
		t.Errorf("Bob's deleted book: %v, want it still deleted", err)
	}
	if n := bob.count(); n != 1 {
		t.Errorf("Bob's Count() = %d, want 1", n)
	}
	if n := a.count(); n != 1 {
		t.Errorf("the reader's Count() = %d, want 1", n)
	}
	wantBookRow(t, one(t, bob.get(plain, "/books").page(t), "tr.book"), live)
}

func TestDeletedBookNotFound(t *testing.T) {
	// A deleted book is kept for Undo, but no route but restore can reach it.
	a := newTestApp(t)
	dune := a.create("Dune", "Frank Herbert", "")
	a.do(plain, http.MethodPost, bookPath(dune.ID, "delete"), url.Values{}).wantStatus(t, http.StatusSeeOther)
	for _, r := range idRoutes {
		if r.action == "restore" {
			continue
		}
		for _, m := range modes {
			t.Run(m.name+"/"+r.method+" "+r.action, func(t *testing.T) {
				a.do(m, r.method, bookPath(dune.ID, r.action), r.form).wantStatus(t, http.StatusNotFound)
			})
		}
	}
}

func TestBadBookID(t *testing.T) {
	a := newTestApp(t)
	a.create("Dune", "Frank Herbert", "")
	ids := []string{"abc", "0", "-1", "1.5", "1e3", "0x1", "%20", "9223372036854775808", "99999999999999999999999"}
	for _, id := range ids {
		for _, r := range idRoutes {
			target := "/books/" + id
			if r.action != "" {
				target += "/" + r.action
			}
			for _, m := range modes {
				t.Run(m.name+"/"+r.method+" "+target, func(t *testing.T) {
					res := a.do(m, r.method, target, r.form)
					res.wantStatus(t, http.StatusNotFound)
					if !m.htmx {
						wantNotFoundPage(t, res)
					} else if !strings.HasPrefix(res.body, "Not found.") {
						t.Errorf("htmx body = %q, want a short Not found message", res.body)
					}
				})
			}
		}
	}
	if n := a.count(); n != 1 {
		t.Errorf("Count() = %d, want 1", n)
	}
}

// wantNotFoundPage fails the test unless res is the full "Not found" page.
func wantNotFoundPage(t *testing.T, res response) {
	t.Helper()
	doc := res.page(t)
	wantText(t, one(t, doc, "main h1"), "Not found")
	one(t, doc, `main a[href="/books"]`)
	wantText(t, one(t, doc, "title"), "Not found · Bookcase")
}

func TestHTMLEscaping(t *testing.T) {
	const (
		title  = `<script>alert(1)</script>`
		author = `"><img src=x onerror=alert(2)>`
		genre  = `</td></tr><b>bold</b>`
	)
	a := newTestApp(t)
	b := a.create(title, author, genre)
	wantEscaped := func(t *testing.T, res response) {
		t.Helper()
		for _, raw := range []string{"<script>alert(1)", "<img src=x", "<b>bold"} {
			if strings.Contains(res.body, raw) {
				t.Errorf("response contains %q unescaped:\n%s", raw, res.body)
			}
		}
	}
	wantRow := func(t *testing.T, row *goquery.Selection) {
		t.Helper()
		wantBookRow(t, row, b)
		// (A row's own elements: the cover's img, with its src, and the placeholder's i.)
		if row.Find("script, img:not([src^='/covers/']), b").Length() > 0 {
			t.Error("the row holds elements made from the book's fields")
		}
	}

	t.Run("LibraryPage", func(t *testing.T) {
		res := a.get(plain, "/books")
		wantEscaped(t, res)
		wantRow(t, one(t, res.page(t), "tr.book"))
	})
	t.Run("Rows", func(t *testing.T) {
		res := a.get(htmx, "/books")
		wantEscaped(t, res)
		wantRow(t, res.fragment(t))
	})
	t.Run("BookPage", func(t *testing.T) {
		res := a.get(plain, bookPath(b.ID))
		wantEscaped(t, res)
		doc := res.page(t)
		wantText(t, one(t, doc, `main h1 [data-testid="title"]`), title)
		wantText(t, one(t, doc, "title"), title+" · Bookcase")
	})
	t.Run("BookRow", func(t *testing.T) {
		res := a.get(htmx, bookPath(b.ID))
		wantEscaped(t, res)
		wantRow(t, res.fragment(t))
	})
	t.Run("EditRow", func(t *testing.T) {
		res := a.get(htmx, bookPath(b.ID, "edit"))
		wantEscaped(t, res)
		row := res.fragment(t)
		wantAttr(t, one(t, row, `input[name="title"]`), "value", title)
		wantAttr(t, one(t, row, `input[name="author"]`), "value", author)
		wantAttr(t, one(t, row, `input[name="genre"]`), "value", genre)
	})
	t.Run("EditPage", func(t *testing.T) {
		res := a.get(plain, bookPath(b.ID, "edit"))
		wantEscaped(t, res)
		doc := res.page(t)
		wantAttr(t, one(t, doc, "#field-title"), "value", title)
		wantAttr(t, one(t, doc, "#field-author"), "value", author)
	})
	t.Run("DeletePage", func(t *testing.T) {
		res := a.get(plain, bookPath(b.ID, "delete"))
		wantEscaped(t, res)
		wantText(t, one(t, res.page(t), "main h1"), "Delete “"+title+"”?")
	})
	t.Run("InvalidCreate", func(t *testing.T) {
		for _, m := range modes {
			res := a.do(m, http.MethodPost, "/books", form(title, "", genre))
			res.wantStatus(t, http.StatusUnprocessableEntity)
			wantEscaped(t, res)
		}
		res := a.do(htmx, http.MethodPost, "/books", form(title, "", genre))
		wantAttr(t, one(t, res.fragment(t), `input[name="title"]`), "value", title)
	})
	t.Run("CreatedRow", func(t *testing.T) {
		res := a.do(htmx, http.MethodPost, "/books", form(title, author, genre))
		res.wantStatus(t, http.StatusOK)
		wantEscaped(t, res)
		wantText(t, one(t, res.fragment(t).Filter("tr.book"), "th.title"), title)
	})
	t.Run("FlashIgnoresForgedTitle", func(t *testing.T) {
		c := a.create("Real title", author, genre)
		a.do(htmx, http.MethodDelete, bookPath(c.ID), nil).wantStatus(t, http.StatusOK)
		doc := a.get(plain, "/books?deleted="+strconv.FormatInt(c.ID, 10)+"&title=Forged").page(t)
		wantText(t, one(t, doc, ".flash span"), "Deleted “Real title”.")
		// A live book, or one never there, offers no Undo.
		live := a.create("Live", author, genre)
		for _, id := range []int64{live.ID, 999999} {
			if n := a.get(plain, "/books?deleted="+strconv.FormatInt(id, 10)).page(t).Find(".flash").Length(); n != 0 {
				t.Errorf("deleted=%d shows %d flash messages, want none", id, n)
			}
		}
	})
	t.Run("DeleteToastAndFlash", func(t *testing.T) {
		c := a.create(title, author, genre)
		res := a.do(htmx, http.MethodDelete, bookPath(c.ID), nil)
		res.wantStatus(t, http.StatusOK)
		wantEscaped(t, res)
		wantText(t, one(t, res.fragment(t), ".toast span"), "Deleted “"+title+"”.")

		flash := a.get(plain, "/books?deleted="+strconv.FormatInt(c.ID, 10))
		wantEscaped(t, flash)
		wantText(t, one(t, flash.page(t), ".flash span"), "Deleted “"+title+"”.")
	})
}

// TestInvisibleTitle checks that a title or author of nothing but invisible characters (a
// zero-width space, a byte-order mark) is refused at the field, on add and on edit, by htmx and
// by a plain form, and that nothing is stored.
func TestInvisibleTitle(t *testing.T) {
	const msgTitle, msgAuthor = "Title needs at least one visible character.", "Author needs at least one visible character."
	for _, m := range modes {
		t.Run("Add"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			res := a.do(m, http.MethodPost, "/books", form("\u200b", "\ufeff\u2060", "Essays"))
			res.wantStatus(t, http.StatusUnprocessableEntity)
			var row *goquery.Selection
			if m.htmx {
				row = res.fragment(t)
			} else {
				row = one(t, res.page(t), "tbody.new tr#new-book-row")
			}
			wantInvalidField(t, row, "new-book", "title", "\u200b", msgTitle)
			wantInvalidField(t, row, "new-book", "author", "\ufeff\u2060", msgAuthor)
			if n := a.count(); n != 0 {
				t.Errorf("Count() = %d after a rejected add, want 0", n)
			}
		})
		t.Run("Edit"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			dune := a.create("Dune", "Frank Herbert", "Science fiction")
			method := http.MethodPost
			if m.htmx {
				method = http.MethodPut
			}
			res := a.do(m, method, bookPath(dune.ID), form(" \u200b\u200c\u200d ", "Frank Herbert", ""))
			res.wantStatus(t, http.StatusUnprocessableEntity)
			if m.htmx {
				wantInvalidField(t, res.fragment(t), "edit-"+strconv.FormatInt(dune.ID, 10), "title", " \u200b\u200c\u200d ", msgTitle)
			} else {
				wantInvalidField(t, one(t, res.page(t), "main form.stacked"), "field", "title", " \u200b\u200c\u200d ", msgTitle)
			}
			if got := a.stored(dune.ID); got.Title != "Dune" {
				t.Errorf("stored %+v after a rejected edit, want it unchanged", got)
			}
		})
	}
}
