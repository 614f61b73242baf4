package handlers_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/bookcase/bookcase/data"
)

// TestBookFormat sets a book's format and length on its page, htmx and plain, and refuses bad
// ones beside their fields (422) with nothing saved.
func TestBookFormat(t *testing.T) {
	for _, m := range modes {
		t.Run("OK"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			b := a.create("Piranesi", "Susanna Clarke", "")
			a.get(plain, bookPath(b.ID))
			res := a.onPage(m, "book-details", http.MethodPost, bookPath(b.ID, "details"), url.Values{"format": {"audiobook"}, "pages": {"11h42m"}})
			if m.htmx {
				res.wantStatus(t, http.StatusOK)
				doc := res.parts(t)
				wantText(t, one(t, doc, `section#book-facts [data-testid="format"]`), "Audiobook, 11:42 hours")
			} else {
				res.wantRedirect(t, bookPath(b.ID))
			}
			if got := a.stored(b.ID); got.Format != data.FormatAudiobook || got.Pages != 702 {
				t.Errorf("stored %q of %d, want an audiobook of 702 minutes", got.Format, got.Pages)
			}
			doc := a.get(plain, bookPath(b.ID)).page(t)
			wantText(t, one(t, doc, `[data-testid="format"]`), "Audiobook, 11:42 hours")
			// The format's input holds the length in its unit.
			edit := a.get(plain, bookPath(b.ID)+"?edit=format").page(t)
			wantAttr(t, one(t, edit, "section#book-facts #field-pages"), "value", "11:42")
			wantAttr(t, one(t, edit, `section#book-facts #field-format option[selected]`), "value", "audiobook")
		})
	}
	for _, tc := range []struct{ name, format, pages, field, msg string }{
		{"ErrAbsurdHours", "audiobook", "1001:00", "pages", "Write the length as hours and minutes, like 11:42 or 11h42m, up to 1000 hours."},
		{"ErrTimeNotParsed", "audiobook", "11 o'clock", "pages", "Write the length as hours and minutes, like 11:42 or 11h42m, up to 1000 hours."},
		{"ErrNegativePages", "paperback", "-5", "pages", "Pages must be a whole number from 1 to 100000."},
		{"ErrAbsurdPages", "hardcover", "100001", "pages", "Pages must be a whole number from 1 to 100000."},
		{"ErrFormat", "vinyl", "", "format", "Choose one of the formats: paperback, hardcover, ebook, audiobook or other."},
	} {
		for _, m := range modes {
			t.Run(tc.name+m.name, func(t *testing.T) {
				a := newTestApp(t)
				b := a.create("Piranesi", "Susanna Clarke", "")
				a.get(plain, bookPath(b.ID))
				res := a.onPage(m, "book-details", http.MethodPost, bookPath(b.ID, "details"), url.Values{"format": {tc.format}, "pages": {tc.pages}})
				res.wantStatus(t, http.StatusUnprocessableEntity)
				var doc = res.parts
				if !m.htmx {
					doc = res.page
				}
				wantText(t, one(t, doc(t), "section#book-facts #field-"+tc.field+"-error"), tc.msg)
				wantAttr(t, one(t, doc(t), "section#book-facts #field-pages"), "value", tc.pages)
				if got := a.stored(b.ID); got.Format != data.FormatPaperback || got.Pages != 0 {
					t.Errorf("stored %q of %d after a refused save, want it unchanged", got.Format, got.Pages)
				}
			})
		}
	}
}

// TestEditRowFormat changes a book's format from its row's compact select.
func TestEditRowFormat(t *testing.T) {
	a := newTestApp(t)
	b := a.create("Piranesi", "Susanna Clarke", "")
	id := strconv.FormatInt(b.ID, 10)
	row := a.get(htmx, bookPath(b.ID, "edit")).fragment(t)
	sel := one(t, row, `select[name="format"]`)
	wantAttr(t, sel, "form", "edit-"+id)
	wantAttr(t, one(t, sel, "option[selected]"), "value", "paperback")

	res := a.do(htmx, http.MethodPut, bookPath(b.ID), withField(form("Piranesi", "Susanna Clarke", ""), "format", "audiobook"))
	res.wantStatus(t, http.StatusOK)
	if got := a.stored(b.ID); got.Format != data.FormatAudiobook {
		t.Errorf("stored %q, want audiobook", got.Format)
	}
	a.do(plain, http.MethodPost, bookPath(b.ID), withField(form("Piranesi", "Susanna Clarke", ""), "format", "ebook")).wantRedirect(t, "/books")
	if got := a.stored(b.ID); got.Format != data.FormatEbook {
		t.Errorf("stored %q, want ebook", got.Format)
	}
	// The edit page without JavaScript has the select too.
	one(t, a.get(plain, bookPath(b.ID, "edit")).page(t), `main form.stacked select#field-format[name="format"] option[value="ebook"][selected]`)

	res = a.do(htmx, http.MethodPut, bookPath(b.ID), withField(form("Piranesi", "Susanna Clarke", ""), "format", "vinyl"))
	res.wantStatus(t, http.StatusUnprocessableEntity)
	row = res.fragment(t)
	wantAttr(t, one(t, row, `select[name="format"]`), "aria-invalid", "true")
	wantText(t, one(t, row, "#edit-"+id+"-format-error"), "Choose one of the formats: paperback, hardcover, ebook, audiobook or other.")
	res = a.do(plain, http.MethodPost, bookPath(b.ID), withField(form("Piranesi", "Susanna Clarke", ""), "format", "vinyl"))
	res.wantStatus(t, http.StatusUnprocessableEntity)
	wantText(t, one(t, res.page(t), "#field-format-error"), "Choose one of the formats: paperback, hardcover, ebook, audiobook or other.")
	if got := a.stored(b.ID); got.Format != data.FormatEbook {
		t.Errorf("stored %q after a refused edit, want ebook", got.Format)
	}
}

// TestAudiobookProgress logs progress on an audiobook as a time or a percentage, from its row
// and its page; the row, the Currently reading strip and the history show times.
func TestAudiobookProgress(t *testing.T) {
	a := newTestApp(t)
	b, err := a.books.Create(t.Context(), a.reader.ID, data.BookInput{Title: "Piranesi", Author: "Susanna Clarke", Format: data.FormatAudiobook})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.reading.SetDetails(t.Context(), a.reader.ID, b.ID, data.DetailsInput{Pages: "10:00"}); err != nil {
		t.Fatal(err)
	}
	a.do(plain, http.MethodPost, bookPath(b.ID, "status"), url.Values{"status": {"reading"}}).wantRedirect(t, "/books")
	rowID := "#book-" + strconv.FormatInt(b.ID, 10)

	t.Run("OKHTMX", func(t *testing.T) {
		res := a.do(htmx, http.MethodPost, bookPath(b.ID, "progress"), url.Values{"progress": {"5:32"}})
		res.wantStatus(t, http.StatusOK)
		frag := res.fragment(t)
		row := frag.First()
		wantAttr(t, one(t, row, "progress"), "aria-label", "5:32 of 10:00 (55%)")
		// The input, opened from the row, asks for a time.
		open := a.do(htmx, http.MethodGet, bookPath(b.ID, "progress"), nil)
		open.wantStatus(t, http.StatusOK)
		wantAttr(t, one(t, open.fragment(t).First(), `input[name="progress"]`), "placeholder", "Time or %")
		wantAttr(t, one(t, frag.Filter("template"), "#now-reading progress"), "aria-label", "5:32 of 10:00 (55%)")
	})
	t.Run("OKPlain", func(t *testing.T) {
		a.do(plain, http.MethodPost, bookPath(b.ID, "progress"), url.Values{"progress": {"6h"}}).wantRedirect(t, "/books")
		doc := a.get(plain, "/books").page(t)
		wantAttr(t, one(t, doc, rowID+" progress"), "aria-label", "6:00 of 10:00 (60%)")
		wantAttr(t, one(t, doc, "#now-reading progress"), "aria-label", "6:00 of 10:00 (60%)")
	})
	t.Run("OKPercentOnPage", func(t *testing.T) {
		res := a.onPage(htmx, "book-progress", http.MethodPost, bookPath(b.ID, "progress"), url.Values{"progress": {"75%"}})
		res.wantStatus(t, http.StatusOK)
		doc := a.get(plain, bookPath(b.ID)).page(t)
		wantText(t, one(t, doc, `label[for="page-progress"]`), "Progress: time or %")
		wantText(t, doc.Find(`[data-testid="timeline"] [data-testid="progress"] .what`).Last(), "7:30 (75%)")
	})
	for _, tc := range []struct{ name, input, msg string }{
		{"ErrPastEnd", "10:01", "10:01 is past the end (10:00)."},
		{"ErrNotATime", "332", "Enter a time, such as 5:32 or 5h32m, or a percentage, such as 45%."},
		{"ErrMinutes", "5:75", "Enter a time, such as 5:32 or 5h32m, or a percentage, such as 45%."},
	} {
		t.Run(tc.name+"HTMX", func(t *testing.T) {
			res := a.do(htmx, http.MethodPost, bookPath(b.ID, "progress"), url.Values{"progress": {tc.input}})
			res.wantStatus(t, http.StatusUnprocessableEntity)
			row := res.fragment(t).First()
			wantAttr(t, one(t, row, `input[name="progress"]`), "value", tc.input)
			wantText(t, one(t, row, "p.error"), tc.msg)
		})
		t.Run(tc.name+"Plain", func(t *testing.T) {
			res := a.onPage(plain, "", http.MethodPost, bookPath(b.ID, "progress"), url.Values{"progress": {tc.input}})
			res.wantStatus(t, http.StatusUnprocessableEntity)
			doc := res.page(t)
			wantAttr(t, one(t, doc, "#page-progress"), "value", tc.input)
			wantText(t, one(t, doc, "#page-progress-error"), tc.msg)
		})
	}
	if got := a.stored(b.ID).Progress(); got.Page != 450 {
		t.Errorf("stored progress %+v after refused updates, want minute 450", got)
	}
}

// TestNewBookFormat adds a book in a format from the new-book row, which offers the formats with
// Paperback chosen, with and without htmx (a series typed in the title too); a format that is
// none of them is a 422 with the message beside the select, what was typed kept, nothing saved.
func TestNewBookFormat(t *testing.T) {
	t.Run("OffersTheFormats", func(t *testing.T) {
		a := newTestApp(t)
		row := one(t, a.get(plain, "/books").page(t), "tr#new-book-row")
		sel := one(t, row, `select#new-book-format[name="format"][form="new-book"]`)
		wantAttr(t, sel, "aria-label", "Format")
		var got []string
		sel.Find("option").Each(func(_ int, o *goquery.Selection) { got = append(got, attr(t, o, "value")) })
		if want := []string{"paperback", "hardcover", "ebook", "audiobook", "other"}; !slices.Equal(got, want) {
			t.Errorf("formats offered %q, want %q", got, want)
		}
		wantFormatChosen(t, sel, "paperback")
	})
	for _, m := range modes {
		for _, title := range []string{"Piranesi", "Leviathan Wakes (The Expanse, #1)"} {
			t.Run("OK"+m.name+"/"+title, func(t *testing.T) {
				a := newTestApp(t)
				in := form(title, "Susanna Clarke", "")
				in.Set("format", "audiobook")
				res := a.do(m, http.MethodPost, "/books", in)
				if m.htmx {
					res.wantStatus(t, http.StatusOK)
					// The new-book row comes back as it was, Paperback chosen.
					wantFormatChosen(t, one(t, res.fragment(t).Parent(), "template tr#new-book-row #new-book-format"), "paperback")
				} else if res.StatusCode != http.StatusSeeOther {
					t.Fatalf("status %d, want 303", res.StatusCode)
				}
				page, err := a.books.List(t.Context(), a.reader.ID, 0, 10)
				if err != nil || len(page.Books) != 1 || page.Books[0].Format != data.FormatAudiobook {
					t.Fatalf("stored %+v, %v; want one audiobook", page.Books, err)
				}
			})
		}
		t.Run("ErrFormat"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			in := form("Piranesi", "Susanna Clarke", "Fantasy")
			in.Set("format", "vinyl")
			res := a.do(m, http.MethodPost, "/books", in)
			res.wantStatus(t, http.StatusUnprocessableEntity)
			var row *goquery.Selection
			if m.htmx {
				row = res.fragment(t)
			} else {
				row = one(t, res.page(t), "tbody.new tr#new-book-row")
			}
			wantText(t, one(t, row, "#new-book-format-error"), "Choose one of the formats: paperback, hardcover, ebook, audiobook or other.")
			sel := one(t, row, "select#new-book-format")
			wantAttr(t, sel, "aria-invalid", "true")
			wantAttr(t, sel, "aria-describedby", "new-book-format-error")
			if _, ok := sel.Attr("autofocus"); !ok {
				t.Error("the format, the only bad field, has no autofocus")
			}
			wantValidField(t, row, "new-book", "title", "Piranesi")
			wantValidField(t, row, "new-book", "genre", "Fantasy")
			if n := a.count(); n != 0 {
				t.Errorf("Count() = %d after a refused add, want 0", n)
			}
		})
	}
}

// wantFormatChosen checks that the select sel shows the format want: the option marked selected,
// or the first when none is (as a browser shows it).
func wantFormatChosen(t *testing.T, sel *goquery.Selection, want string) {
	t.Helper()
	chosen := sel.Find("option[selected]")
	if chosen.Length() == 0 {
		chosen = sel.Find("option").First()
	}
	if got := attr(t, chosen, "value"); got != want {
		t.Errorf("the select shows %q, want %q", got, want)
	}
}
