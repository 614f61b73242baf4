package handlers_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/views"
)

// TestBookFactInPlace: each fact of the book page is shown once, and edited in its place: ?edit=
// opens its input (the fact alone for htmx, the page without JavaScript), a save sends that
// fact alone and keeps the others, Cancel puts it back with the focus on it, and a refused one
// stays open with its message.
func TestBookFactInPlace(t *testing.T) {
	setup := func(t *testing.T) (*testApp, data.Book) {
		a := newTestApp(t)
		b := a.create("Dune", "Frank Herbert", "")
		if _, err := a.reading.SetDetails(t.Context(), a.reader.ID, b.ID, data.DetailsInput{Pages: "412", Rating: "4", Notes: "Spice.", ISBN: "9780441172719"}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.db.Editions().Set(t.Context(), a.reader.ID, b.ID, data.Edition{Publisher: "Chilton", Year: 1965}); err != nil {
			t.Fatal(err)
		}
		a.get(plain, bookPath(b.ID))
		return a, b
	}
	t.Run("OpenPlain", func(t *testing.T) {
		a, b := setup(t)
		doc := a.get(plain, bookPath(b.ID)+"?edit=isbn").page(t)
		fact := one(t, doc, "#fact-isbn.editing")
		form := one(t, fact, "form")
		wantAttr(t, form, "method", "post")
		wantAttr(t, form, "action", bookPath(b.ID, "details"))
		one(t, form, `input[name="_csrf"]`)
		wantAttr(t, one(t, form, "#field-isbn[autofocus]"), "value", "9780441172719")
		wantAttr(t, one(t, fact, `label[for="field-isbn"]`), "for", "field-isbn")
		// The others stay shown, each once.
		none(t, doc, "#field-publisher, #field-pages, #field-notes")
		wantText(t, one(t, doc, `[data-testid="edition-publisher"]`), "Chilton")
		// An unknown fact opens nothing.
		none(t, a.get(plain, bookPath(b.ID)+"?edit=nonsense").page(t), ".fact.editing")
	})
	t.Run("OpenHTMXAndCancel", func(t *testing.T) {
		a, b := setup(t)
		res := a.onPage(htmx, views.BookFactID("publisher"), http.MethodGet, views.BookFactEditURL(b.ID, "publisher"), nil)
		res.wantStatus(t, http.StatusOK)
		doc := res.parts(t)
		wantAttr(t, one(t, doc, "div#fact-publisher.editing form"), "hx-post", bookPath(b.ID, "edition"))
		wantAttr(t, one(t, doc, "#field-publisher[autofocus]"), "value", "Chilton")
		wantAttr(t, one(t, doc, `[data-action="cancel"]`), "hx-get", bookPath(b.ID))
		none(t, doc, "#book-main, #fact-isbn")

		res = a.onPage(htmx, views.BookFactID("publisher"), http.MethodGet, bookPath(b.ID), nil)
		res.wantStatus(t, http.StatusOK)
		doc = res.parts(t)
		none(t, doc, ".editing, input")
		one(t, doc, "div#fact-publisher a#edit-publisher[autofocus]")
	})
	t.Run("SaveHTMX", func(t *testing.T) {
		a, b := setup(t)
		res := a.onPage(htmx, views.BookFactID("isbn"), http.MethodPost, bookPath(b.ID, "details"), url.Values{"isbn": {"0-441-01359-7"}})
		res.wantStatus(t, http.StatusOK)
		doc := res.parts(t)
		wantText(t, one(t, doc, `div#fact-isbn [data-testid="isbn"]`), "9780441013593")
		one(t, doc, "a#edit-isbn[autofocus]")
		none(t, doc, "#book-facts, #book-main, input")
		got := a.stored(b.ID)
		if got.ISBN.String() != "9780441013593" || got.Pages != 412 || got.Rating.String() != "4" || got.Notes != "Spice." {
			t.Errorf("stored %+v; want the new ISBN and the rest kept", got)
		}

		res = a.onPage(htmx, views.BookFactID("year"), http.MethodPost, bookPath(b.ID, "edition"), url.Values{"year": {"1990"}})
		res.wantStatus(t, http.StatusOK)
		wantText(t, one(t, res.parts(t), `div#fact-year [data-testid="edition-year"]`), "1990")
		if e, err := a.db.Editions().Get(t.Context(), a.reader.ID, b.ID); err != nil || e.Year != 1990 || e.Publisher != "Chilton" {
			t.Errorf("stored edition %+v, %v; want 1990 and the publisher kept", e, err)
		}
	})
	t.Run("SavePlain", func(t *testing.T) {
		a, b := setup(t)
		a.onPage(plain, "", http.MethodPost, bookPath(b.ID, "details"), url.Values{"notes": {"Lent to Ann."}}).wantRedirect(t, bookPath(b.ID))
		a.onPage(plain, "", http.MethodPost, bookPath(b.ID, "edition"), url.Values{"publisher": {"Ace"}}).wantRedirect(t, bookPath(b.ID))
		doc := a.get(plain, bookPath(b.ID)).page(t)
		wantText(t, one(t, doc, `[data-testid="notes"]`), "Lent to Ann.")
		wantText(t, one(t, doc, `[data-testid="edition-publisher"]`), "Ace")
		wantText(t, one(t, doc, `[data-testid="edition-year"]`), "1965")
		if got := a.stored(b.ID); got.ISBN.String() != "9780441172719" || got.Pages != 412 {
			t.Errorf("stored %+v; want the ISBN and pages kept", got)
		}
	})
	for _, m := range modes {
		t.Run("ErrInvalid"+m.name, func(t *testing.T) {
			a, b := setup(t)
			res := a.onPage(m, views.BookFactID("copies"), http.MethodPost, bookPath(b.ID, "edition"), url.Values{"copies": {"<b>lots</b>"}})
			res.wantStatus(t, http.StatusUnprocessableEntity)
			var doc finder
			if m.htmx {
				doc = res.parts(t)
				none(t, doc, "#book-facts, #fact-publisher")
			} else {
				doc = res.page(t)
			}
			fact := one(t, doc, "div#fact-copies.editing.invalid")
			wantText(t, one(t, fact, "#field-copies-error"), "Copies owned is a whole number from 0 to 1000.")
			input := one(t, fact, "#field-copies[autofocus]")
			wantAttr(t, input, "value", "<b>lots</b>")
			wantAttr(t, input, "aria-invalid", "true")
			wantAttr(t, input, "aria-describedby", "field-copies-error")
			if e, _ := a.db.Editions().Get(t.Context(), a.reader.ID, b.ID); e.Copies != 0 || e.Publisher != "Chilton" {
				t.Errorf("stored edition %+v after a refused save, want it unchanged", e)
			}
		})
	}
}
