package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/bookcase/bookcase/views"
)

// TestSetRating: the star control saves the rating alone, from the book page and from a library
// row, by htmx and by a plain form, and answers the screen it was used on.
func TestSetRating(t *testing.T) {
	rate := func(stars string) url.Values { return url.Values{"rating": {stars}} }
	t.Run("PagePlain", func(t *testing.T) {
		a := newTestApp(t)
		b := a.create("Dune", "Frank Herbert", "")
		a.get(plain, bookPath(b.ID))
		a.onPage(plain, views.BookRatingID, http.MethodPost, bookPath(b.ID, "rating"), rate("3.5")).wantRedirect(t, bookPath(b.ID))
		if got := a.stored(b.ID).Rating.String(); got != "3.5" {
			t.Errorf("stored rating %q, want 3.5", got)
		}
		doc := a.get(plain, bookPath(b.ID)).page(t)
		wantAttr(t, one(t, doc, `#book-rating input[name=rating][checked]`), "value", "3.5")
		// The plain form says where it comes from, so its save comes back to the page.
		wantAttr(t, one(t, doc, `#book-rating form.stars input[name=screen]`), "value", "page")
		wantAttr(t, one(t, doc, `#book-rating form.stars`), "action", bookPath(b.ID, "rating"))
	})
	t.Run("PageHTMX", func(t *testing.T) {
		a := newTestApp(t)
		b := a.create("Dune", "Frank Herbert", "")
		a.get(plain, bookPath(b.ID))
		res := a.onPage(htmx, views.BookRatingID, http.MethodPost, bookPath(b.ID, "rating"), rate("4"))
		res.wantStatus(t, http.StatusOK)
		doc := res.parts(t)
		// The control alone comes back, the new rating checked, focused and announced.
		chosen := one(t, doc, `section#book-rating input[name=rating][checked]`)
		wantAttr(t, chosen, "value", "4")
		wantAttr(t, chosen, "autofocus", "")
		wantText(t, one(t, doc, `#book-rating [role=status]`), "Rating saved.")
		none(t, doc, "#book-main")
		none(t, doc, "tr")
		if got := a.stored(b.ID).Rating.String(); got != "4" {
			t.Errorf("stored rating %q, want 4", got)
		}
	})
	t.Run("ClearHTMX", func(t *testing.T) {
		a := newTestApp(t)
		b := a.create("Dune", "Frank Herbert", "")
		a.get(plain, bookPath(b.ID))
		a.onPage(htmx, views.BookRatingID, http.MethodPost, bookPath(b.ID, "rating"), rate("2")).wantStatus(t, http.StatusOK)
		res := a.onPage(htmx, views.BookRatingID, http.MethodPost, bookPath(b.ID, "rating"), rate(""))
		res.wantStatus(t, http.StatusOK)
		wantAttr(t, one(t, res.parts(t), `input[name=rating][checked]`), "value", "")
		if got := a.stored(b.ID).Rating; got != 0 {
			t.Errorf("stored rating %v, want none", got)
		}
	})
	t.Run("RowHTMX", func(t *testing.T) {
		a := newTestApp(t)
		b := a.create("Dune", "Frank Herbert", "")
		a.get(plain, "/books")
		res := a.do(htmx, http.MethodPost, bookPath(b.ID, "rating"), rate("4.5"))
		res.wantStatus(t, http.StatusOK)
		row := res.fragment(t).Filter("tr#book-" + strconv.FormatInt(b.ID, 10) + ".book:not(.choosing)")
		if row.Length() != 1 {
			t.Fatalf("want the book's row back, got:\n%s", res.body)
		}
		wantText(t, row.Find("td").Eq(3), "4.5")
		// The focus goes back to the row's title, from where j, k and r carry on.
		wantAttr(t, one(t, row, "th.title a[autofocus]"), "href", bookPath(b.ID))
		if got := a.stored(b.ID).Rating.String(); got != "4.5" {
			t.Errorf("stored rating %q, want 4.5", got)
		}
	})
	t.Run("RowPlain", func(t *testing.T) {
		a := newTestApp(t)
		b := a.create("Dune", "Frank Herbert", "")
		a.get(plain, "/books")
		a.do(plain, http.MethodPost, bookPath(b.ID, "rating"), rate("1")).wantRedirect(t, "/books")
		if got := a.stored(b.ID).Rating.String(); got != "1" {
			t.Errorf("stored rating %q, want 1", got)
		}
	})
	// A rating that is not one of the eleven is refused beside the control, and nothing changes.
	for _, m := range modes {
		t.Run("ErrInvalidPage"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			b := a.create("Dune", "Frank Herbert", "")
			a.get(plain, bookPath(b.ID))
			a.onPage(m, views.BookRatingID, http.MethodPost, bookPath(b.ID, "rating"), rate("2")).wantStatus(t, map[bool]int{true: http.StatusOK, false: http.StatusSeeOther}[m.htmx])
			res := a.onPage(m, views.BookRatingID, http.MethodPost, bookPath(b.ID, "rating"), rate("4.25"))
			res.wantStatus(t, http.StatusUnprocessableEntity)
			var doc finder
			if m.htmx {
				doc = res.parts(t)
			} else {
				doc = res.page(t)
			}
			wantText(t, one(t, doc, "#book-rating #rating-error-page"), "A rating is 0.5 to 5 stars, in half stars.")
			wantAttr(t, one(t, doc, "#book-rating input[name=rating][checked]"), "value", "2")
			if got := a.stored(b.ID).Rating.String(); got != "2" {
				t.Errorf("stored rating %q, want 2 (unchanged)", got)
			}
		})
		t.Run("ErrInvalidRow"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			b := a.create("Dune", "Frank Herbert", "")
			a.get(plain, "/books")
			res := a.do(m, http.MethodPost, bookPath(b.ID, "rating"), rate("6"))
			res.wantStatus(t, http.StatusUnprocessableEntity)
			var doc finder
			if m.htmx {
				doc = res.fragment(t).Filter("tr#book-" + strconv.FormatInt(b.ID, 10) + ".choosing")
			} else {
				doc = res.page(t)
			}
			wantText(t, one(t, doc, "#rating-error-"+strconv.FormatInt(b.ID, 10)+", #rating-error-page"), "A rating is 0.5 to 5 stars, in half stars.")
			if got := a.stored(b.ID).Rating; got != 0 {
				t.Errorf("stored rating %v, want none", got)
			}
		})
	}
}

// TestChooseRating: a row's rating opens the star control in the row (htmx), or on a page of its
// own without JavaScript, the book's rating checked and focused.
func TestChooseRating(t *testing.T) {
	a := newTestApp(t)
	b := a.create("Dune", "Frank Herbert", "")
	if _, err := a.reading.SetRating(t.Context(), a.reader.ID, b.ID, "3"); err != nil {
		t.Fatal(err)
	}
	// The row's rating is a link to the rating page, which app.js opens in the row.
	listed := one(t, a.get(plain, "/books").page(t), "#book-"+strconv.FormatInt(b.ID, 10))
	wantAttr(t, one(t, listed, "td:nth-child(5) > a"), "href", bookPath(b.ID, "rating"))
	wantText(t, one(t, listed, "td:nth-child(5) > a"), "3")
	res := a.get(htmx, bookPath(b.ID, "rating"))
	res.wantStatus(t, http.StatusOK)
	row := res.fragment(t).Filter("tr#book-" + strconv.FormatInt(b.ID, 10) + ".choosing")
	if row.Length() != 1 {
		t.Fatalf("want the row with the control open, got:\n%s", res.body)
	}
	form := one(t, row, "form.stars")
	wantAttr(t, form, "hx-target", "closest tr")
	wantAttr(t, form, "data-saved", "3")
	chosen := one(t, form, "input[name=rating][checked]")
	wantAttr(t, chosen, "value", "3")
	wantAttr(t, chosen, "autofocus", "")
	wantText(t, one(t, form, "legend"), "Rating of “Dune”")
	wantAttr(t, one(t, form, `[data-action="cancel"]`), "hx-get", bookPath(b.ID)+"?focus=title")
	if n := row.Find("td, th").Length(); n != 5 {
		t.Errorf("%d cells, want 5 (the control spans the last four of eight columns)", n)
	}

	page := a.get(plain, bookPath(b.ID, "rating"))
	page.wantStatus(t, http.StatusOK)
	doc := page.page(t)
	form = one(t, doc, "main form.stars")
	wantAttr(t, form, "method", "post")
	wantAttr(t, form, "action", bookPath(b.ID, "rating"))
	if _, ok := form.Attr("hx-post"); ok {
		t.Error("the page's control is an htmx form; it is a plain one")
	}
	one(t, form, `input[name="_csrf"]`)
	one(t, form, `button[type=submit]`)
	wantAttr(t, one(t, form, "input[name=rating][checked]"), "value", "3")
}
