package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/views"
)

// seriesPath is a path under /series.
func seriesPath(id int64) string { return "/series/" + strconv.FormatInt(id, 10) }

// inSeries puts the reader's book in a series, straight in the store.
func (a *testApp) inSeries(b data.Book, name, pos string) data.BookSeries {
	a.t.Helper()
	bs, err := a.db.Series().AddBook(a.t.Context(), a.reader.ID, b.ID, data.SeriesRef{Name: name, Position: pos})
	if err != nil {
		a.t.Fatalf("add to series: %v", err)
	}
	return bs
}

// ofBook is the book's series as stored.
func (a *testApp) ofBook(id int64) []data.BookSeries {
	a.t.Helper()
	of, err := a.db.Series().OfBook(a.t.Context(), a.reader.ID, id)
	if err != nil {
		a.t.Fatalf("series of book: %v", err)
	}
	return of
}

func TestCreateSplitsSeries(t *testing.T) {
	typed := "Leviathan Wakes (The Expanse, #1)"
	t.Run("OKHTMX", func(t *testing.T) {
		a := newTestApp(t)
		a.get(plain, "/books")
		res := a.do(htmx, http.MethodPost, "/books", form(typed, "James S. A. Corey", ""))
		res.wantStatus(t, http.StatusOK)
		row := res.fragment(t).Filter("tr.book")
		wantText(t, one(t, row, "th.title > a[href^='/books/']"), "Leviathan Wakes")
		wantText(t, one(t, row, "a.series"), "The Expanse #1")
		keep := one(t, row, "form.split")
		wantText(t, one(t, keep, "[role=status]"), "Series: The Expanse #1")
		b := a.stored(rowBookID(t, row))
		if b.Title != "Leviathan Wakes" {
			t.Errorf("stored title %q, want the clean title", b.Title)
		}
		of := a.ofBook(b.ID)
		if len(of) != 1 || of[0].Name != "The Expanse" || of[0].Position != "1" {
			t.Fatalf("series %+v, want The Expanse #1", of)
		}
		// Keep as title: the row again, the title as typed, the focus on it.
		res = a.do(htmx, http.MethodPost, attr(t, keep, "hx-post"), url.Values{})
		res.wantStatus(t, http.StatusOK)
		row = res.fragment(t).Filter("tr.book")
		title := one(t, row, "th.title > a[href^='/books/']")
		wantText(t, title, typed)
		wantAttr(t, title, "autofocus", "")
		none(t, row, "a.series")
		if got := a.stored(b.ID).Title; got != typed {
			t.Errorf("stored title %q, want %q", got, typed)
		}
		if of := a.ofBook(b.ID); len(of) != 0 {
			t.Errorf("series %+v after keep as title, want none", of)
		}
	})
	t.Run("OKPlain", func(t *testing.T) {
		a := newTestApp(t)
		a.get(plain, "/books")
		res := a.do(plain, http.MethodPost, "/books", form(typed, "James S. A. Corey", ""))
		res.wantStatus(t, http.StatusSeeOther)
		page, err := a.books.Find(t.Context(), a.reader.ID, data.BookQuery{})
		if err != nil || len(page.Books) != 1 {
			t.Fatalf("Find = %+v, %v", page, err)
		}
		b := page.Books[0]
		if got := res.Header.Get("Location"); got != bookPath(b.ID)+"#book-series" {
			t.Errorf("Location = %q, want the book's page at its series", got)
		}
		doc := a.get(plain, bookPath(b.ID)).page(t)
		section := one(t, doc, "section#book-series")
		wantText(t, one(t, section, ".fact.series dt a"), "The Expanse")
		none(t, section, "form") // shown once; the buttons wait in the series' edit
		sid := a.ofBook(b.ID)[0].SeriesID
		section = one(t, a.get(plain, bookPath(b.ID)+"?edit="+views.SeriesFactName(sid)).page(t), "section#book-series")
		keep := one(t, section, "button[formaction$='/keep-title']")
		one(t, section, "form input[name=screen][value=page]")
		a.do(plain, http.MethodPost, attr(t, keep, "formaction"), url.Values{"screen": {"page"}}).wantRedirect(t, bookPath(b.ID)+"#book-series")
		if got := a.stored(b.ID).Title; got != typed {
			t.Errorf("stored title %q, want %q", got, typed)
		}
	})
	for _, title := range []string{"Foo (Revised Edition)", "Sense and Sensibility (Penguin Classics)", "Mistborn (Book 1)"} {
		t.Run("OKNoSplit", func(t *testing.T) {
			a := newTestApp(t)
			a.get(plain, "/books")
			a.do(plain, http.MethodPost, "/books", form(title, "A", "")).wantRedirect(t, "/books")
			page, _ := a.books.Find(t.Context(), a.reader.ID, data.BookQuery{})
			if len(page.Books) != 1 || page.Books[0].Title != title {
				t.Errorf("stored %+v, want the title %q whole", page.Books, title)
			}
		})
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestBookSeriesSection(t *testing.T) {
	for _, m := range modes {
		t.Run("OKAddMoveRemove"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			b := a.create("Caliban's War", "James S. A. Corey", "")
			a.get(plain, bookPath(b.ID))
			res := a.onPage(m, "book-series", http.MethodPost, bookPath(b.ID, "series"), url.Values{"series_name": {"The Expanse"}, "series_position": {"2"}})
			if m.htmx {
				res.wantStatus(t, http.StatusOK)
				doc := res.parts(t)
				wantText(t, one(t, doc, "section#book-series [role=status]"), "Added to The Expanse #2.")
				none(t, doc, "#book-main")
			} else {
				res.wantRedirect(t, bookPath(b.ID)+"#book-series")
			}
			of := a.ofBook(b.ID)
			if len(of) != 1 || of[0].Position != "2" {
				t.Fatalf("series %+v, want The Expanse #2", of)
			}
			sid := of[0].SeriesID
			entry := bookPath(b.ID, "series", strconv.FormatInt(sid, 10))
			res = a.onPage(m, "book-series", http.MethodPost, entry, url.Values{"series_position": {"2.5"}})
			if m.htmx {
				res.wantStatus(t, http.StatusOK)
				// Shown again, the focus on it.
				doc := res.parts(t)
				wantText(t, one(t, doc, "#fact-series-"+strconv.FormatInt(sid, 10)+":not(.editing) a#edit-series-"+strconv.FormatInt(sid, 10)+"[autofocus] [data-testid]"), "#2.5")
				none(t, doc, "section#book-series form")
			} else {
				res.wantStatus(t, http.StatusSeeOther)
			}
			if of := a.ofBook(b.ID); of[0].Position != "2.5" {
				t.Errorf("position %q, want 2.5", of[0].Position)
			}
			res = a.onPage(m, "book-series", http.MethodPost, entry+"/delete", url.Values{})
			if m.htmx {
				res.wantStatus(t, http.StatusOK)
				doc := res.parts(t)
				wantText(t, one(t, doc, "section#book-series [role=status]"), "Removed from the series.")
				one(t, doc, "a#edit-series_name[autofocus]")
			} else {
				res.wantRedirect(t, bookPath(b.ID)+"#book-series")
			}
			if of := a.ofBook(b.ID); len(of) != 0 {
				t.Errorf("series %+v after remove, want none", of)
			}
		})
		t.Run("OKInPlace"+m.name, func(t *testing.T) {
			// The series' position and the add are facts: shown once, opened in their place (the
			// section, htmx; the page with it open, plain), and cancelled with the focus back.
			a := newTestApp(t)
			b := a.create("Caliban's War", "James S. A. Corey", "")
			bs := a.inSeries(b, "The Expanse", "2")
			name := views.SeriesFactName(bs.SeriesID)
			var section finder
			if m.htmx {
				section = one(t, a.onPage(m, "book-series", http.MethodGet, views.BookFactEditURL(b.ID, name), nil).parts(t), "section#book-series")
			} else {
				section = one(t, a.get(m, views.BookFactEditURL(b.ID, name)).page(t), "section#book-series")
			}
			form := one(t, section, "#fact-"+name+".editing form.in-place")
			wantAttr(t, form, "action", bookPath(b.ID, "series", strconv.FormatInt(bs.SeriesID, 10)))
			wantAttr(t, form, "hx-target", "#book-series")
			wantAttr(t, one(t, form, "input#field-"+name+"[name=series_position][autofocus]"), "value", "2")
			wantAttr(t, one(t, form, "button#remove-"+name), "hx-post", bookPath(b.ID, "series", strconv.FormatInt(bs.SeriesID, 10), "delete"))
			wantAttr(t, one(t, form, `a[data-action="cancel"]`), "hx-get", bookPath(b.ID)+"?focus="+name)
			one(t, section, "a#edit-series_name:not([autofocus])")
			none(t, section, "#field-series_name")
			if !m.htmx {
				return
			}
			section = one(t, a.onPage(m, "book-series", http.MethodGet, bookPath(b.ID)+"?focus="+name, nil).parts(t), "section#book-series")
			none(t, section, "form")
			one(t, section, "a#edit-"+name+"[autofocus]")
			section = one(t, a.onPage(m, "book-series", http.MethodGet, views.BookFactEditURL(b.ID, "series_name"), nil).parts(t), "section#book-series")
			one(t, section, "#fact-series_name.editing input#field-series_name[autofocus]")
			one(t, section, "#fact-series_name.editing input#field-series_position")
		})
		t.Run("ErrInvalid"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			b := a.create("Caliban's War", "James S. A. Corey", "")
			bs := a.inSeries(b, "The Expanse", "2")
			a.get(plain, bookPath(b.ID))
			for _, tt := range []struct {
				target string
				form   url.Values
				field  string
				msg    string
			}{
				{bookPath(b.ID, "series"), url.Values{"series_name": {"Other"}, "series_position": {"abc"}}, "#field-series_position-error",
					"Write the position as a number or a range as printed: 1, 0.5, 3.5 or 1-3."},
				{bookPath(b.ID, "series"), url.Values{"series_name": {" "}, "series_position": {"1"}}, "#field-series_name-error", "Series is required."},
				{bookPath(b.ID, "series"), url.Values{"series_name": {"Other"}, "series_position": {"-3"}}, "#field-series_position-error", "A position is from 0 to 10000."},
				{bookPath(b.ID, "series", strconv.FormatInt(bs.SeriesID, 10)), url.Values{"series_position": {"99999"}},
					"#field-series-" + strconv.FormatInt(bs.SeriesID, 10) + "-error", "A position is from 0 to 10000."},
			} {
				res := a.onPage(m, "book-series", http.MethodPost, tt.target, tt.form)
				res.wantStatus(t, http.StatusUnprocessableEntity)
				var section finder
				if m.htmx {
					doc := res.parts(t)
					none(t, doc, "#book-main")
					section = one(t, doc, "section#book-series")
				} else {
					section = one(t, res.page(t), "section#book-series")
				}
				wantText(t, one(t, section, ".fact.editing "+tt.field), tt.msg)
				one(t, section, "[aria-invalid=true][autofocus]")
				if n := section.Find(".fact.editing").Length(); n != 1 {
					t.Errorf("%d series edits open, want the refused one", n)
				}
			}
			if of := a.ofBook(b.ID); len(of) != 1 || of[0].Position != "2" {
				t.Errorf("series %+v, want The Expanse #2 kept", of)
			}
		})
		t.Run("ErrNotFoundOtherReader"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			b := a.create("Caliban's War", "James S. A. Corey", "")
			bs := a.inSeries(b, "The Expanse", "2")
			sid := strconv.FormatInt(bs.SeriesID, 10)
			mallory := a.browser()
			mallory.signIn(mallory.addUser("mallory"))
			own := mallory.create("Mine", "M", "")
			mallory.get(plain, "/books")
			for _, target := range []string{
				bookPath(b.ID, "series"), bookPath(b.ID, "series", sid), bookPath(b.ID, "series", sid, "delete"),
				bookPath(b.ID, "series", sid, "keep-title"),
				// Her own book, in a series that is not hers.
				bookPath(own.ID, "series", sid), bookPath(own.ID, "series", sid, "delete"), bookPath(own.ID, "series", sid, "keep-title"),
			} {
				mallory.onPage(m, "book-series", http.MethodPost, target, url.Values{"series_name": {"X"}, "series_position": {"1"}}).wantStatus(t, http.StatusNotFound)
			}
			mallory.get(m, seriesPath(bs.SeriesID)).wantStatus(t, http.StatusNotFound)
			if of := a.ofBook(b.ID); len(of) != 1 || of[0].Position != "2" {
				t.Errorf("series %+v, want The Expanse #2 kept", of)
			}
		})
	}
}

func TestSeriesPages(t *testing.T) {
	a := newTestApp(t)
	b1 := a.create("Leviathan Wakes", "Corey", "")
	b2 := a.create("Caliban's War", "Corey", "")
	b3 := a.create("Abaddon's Gate", "Corey", "")
	lone := a.create("Lone", "X", "")
	bs := a.inSeries(b3, "The Expanse", "3")
	a.inSeries(b1, "The Expanse", "1")
	a.inSeries(b2, "The Expanse", "2")
	if _, err := a.reading.SetStatus(t.Context(), a.reader.ID, b1.ID, data.StatusRead, time.Now()); err != nil {
		t.Fatal(err)
	}

	doc := a.get(plain, "/series").page(t)
	one(t, doc, `nav.site-nav a[href="/series"]`)
	row := one(t, doc, "[data-testid=series-list] tbody tr")
	wantText(t, one(t, row, "th a"), "The Expanse")
	wantAttr(t, one(t, row, "th a"), "href", seriesPath(bs.SeriesID))
	wantText(t, one(t, row, "td:nth-of-type(1)"), "3")
	wantText(t, one(t, row, "td:nth-of-type(2)"), "1 of 3 read")

	doc = a.get(plain, seriesPath(bs.SeriesID)).page(t)
	wantText(t, one(t, doc, "h1"), "The Expanse")
	wantText(t, one(t, doc, "[data-testid=next-up]"), "Next up: Caliban's War (#2)")
	var titles []string
	doc.Find("[data-testid=series-books] tbody th a").Each(func(_ int, s *goquery.Selection) { titles = append(titles, s.Text()) })
	if want := []string{"Leviathan Wakes", "Caliban's War", "Abaddon's Gate"}; !slices.Equal(titles, want) {
		t.Errorf("books %q, want %q in position order", titles, want)
	}
	wantText(t, one(t, doc, "[data-testid=series-books] tbody tr:first-child td:last-child"), "Read")

	// The library shows the series under the title, and sorts by series then position.
	doc = a.get(plain, "/books?sort=series").page(t)
	ids := rowIDs(t, doc.Find("#book-list"))
	if want := []int64{b1.ID, b2.ID, b3.ID, lone.ID}; !slices.Equal(ids, want) {
		t.Errorf("library by series %v, want %v", ids, want)
	}
	wantText(t, one(t, doc, "#book-"+strconv.FormatInt(b2.ID, 10)+" a.series"), "The Expanse #2")
	wantAttr(t, one(t, doc, "thead th.title"), "aria-sort", "ascending")

	for _, target := range []string{"/series/0", "/series/abc", "/series/999"} {
		a.get(plain, target).wantStatus(t, http.StatusNotFound)
	}
	// Signed out: to the login page.
	out := a.browser()
	if res := out.get(plain, "/series"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("/series signed out: status %d, want 303 to the login page", res.StatusCode)
	}
}

// TestSeriesListPages: the series list shows SeriesPerPage series a page, by name, with a link to
// the next page and from there back to the first; a page key no name could have is a 400.
func TestSeriesListPages(t *testing.T) {
	a := newTestApp(t)
	for i := range data.SeriesPerPage + 1 {
		b := a.create(fmt.Sprintf("Book %03d", i), "Someone", "")
		a.inSeries(b, fmt.Sprintf("Series %03d", i), "1")
	}
	for _, h := range []mode{plain, htmx} {
		doc := a.get(h, "/series").page(t)
		rows := doc.Find("[data-testid=series-list] tbody tr")
		if rows.Length() != data.SeriesPerPage {
			t.Fatalf("first page: %d series, want %d", rows.Length(), data.SeriesPerPage)
		}
		wantText(t, one(t, rows.First(), "th a"), "Series 000")
		next, _ := one(t, doc, "[data-testid=series-next]").Attr("href")
		doc = a.get(h, next).page(t)
		rows = doc.Find("[data-testid=series-list] tbody tr")
		if rows.Length() != 1 {
			t.Fatalf("second page: %d series, want 1", rows.Length())
		}
		wantText(t, one(t, rows, "th a"), fmt.Sprintf("Series %03d", data.SeriesPerPage))
		if doc.Find("[data-testid=series-next]").Length() != 0 {
			t.Error("the last page links to a next one")
		}
		wantAttr(t, one(t, doc, `nav.pages a[href="/series"]`), "href", "/series")
	}
	a.get(plain, "/series?after="+strings.Repeat("x", 4*data.MaxFieldLen+1)).wantStatus(t, http.StatusBadRequest)
}
