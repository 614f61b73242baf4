package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/views"
)

func TestBookPage(t *testing.T) {
	a := newTestApp(t)
	club := a.addShelf("Book <club>")
	a.addShelf("Owned")
	b := a.create("Dune", "Frank Herbert", "SF")
	if err := a.db.Shelves().Shelve(t.Context(), a.reader.ID, b.ID, club.ID); err != nil {
		t.Fatal(err)
	}
	started := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	if _, err := a.reading.SetStatus(t.Context(), a.reader.ID, b.ID, data.StatusReading, started); err != nil {
		t.Fatal(err)
	}
	if _, err := a.reading.RecordProgress(t.Context(), a.reader.ID, b.ID, data.ProgressInput{Page: 42}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.reading.SetDetails(t.Context(), a.reader.ID, b.ID, data.DetailsInput{Pages: "400", Rating: "3.5", Notes: "<script>x</script>", ISBN: ""}); err != nil {
		t.Fatal(err)
	}
	res := a.get(plain, bookPath(b.ID))
	res.wantStatus(t, http.StatusOK)
	doc := res.page(t)
	wantText(t, one(t, doc, `[data-testid="status"]`), "Reading")
	wantText(t, one(t, doc, `[data-testid="format"]`), "Paperback, 400 pages")
	wantText(t, one(t, doc, `[data-testid="notes"]`), "<script>x</script>")
	if strings.Contains(res.body, "<script>x") {
		t.Error("notes are not escaped")
	}
	// Shelves: the ones the book is on, and in place a checkbox each, ticked where the book is.
	wantText(t, one(t, doc, `#fact-shelves [data-testid="shelves"]`), "Book <club>")
	none(t, doc, "input[name=shelf]")
	boxes := a.get(plain, bookPath(b.ID)+"?edit=shelves").page(t).Find(`#fact-shelves.editing form input[type=checkbox][name=shelf]`)
	if boxes.Length() != 2 {
		t.Fatalf("%d shelf checkboxes, want 2", boxes.Length())
	}
	wantAttr(t, boxes.First(), "value", strconv.FormatInt(club.ID, 10))
	if _, ok := boxes.First().Attr("checked"); !ok {
		t.Error("the book's shelf is not ticked")
	}
	if _, ok := boxes.Last().Attr("checked"); ok {
		t.Error("a shelf the book is not on is ticked")
	}
	wantText(t, boxes.First().Parent(), "Book <club>")
	// Rating: the star control, shown once: eleven radios, each named as a screen reader says
	// it, the stored one checked.
	radios := one(t, doc, `#book-rating form.stars`).Find(`fieldset input[type=radio][name=rating]`)
	if radios.Length() != 11 {
		t.Fatalf("%d rating radios, want 11", radios.Length())
	}
	if n := doc.Find(`input[name=rating]`).Length(); n != 11 {
		t.Errorf("%d rating inputs on the page, want the control's 11 alone", n)
	}
	wantAttr(t, radios.First(), "value", "")
	wantText(t, one(t, doc, `label[for="`+attr(t, radios.First(), "id")+`"]`), "No rating")
	wantText(t, one(t, doc, `label[for="`+attr(t, radios.Last(), "id")+`"]`), "5 stars")
	wantAttr(t, one(t, doc, `input[name=rating][checked]`), "value", "3.5")
	// Every fact is shown once, and no input is open until one is asked for.
	none(t, doc, "textarea, #field-pages, #field-isbn, #field-publisher")
	wantText(t, one(t, a.get(plain, bookPath(b.ID)+"?edit=notes").page(t), "textarea[name=notes]"), "<script>x</script>")
	// Read-throughs and progress.
	// The reading's start opens its dates; an open reading has no finish to open.
	wantText(t, one(t, doc, `.reading [data-testid=started] a#edit-dates-`+strconv.FormatInt(rt0(t, a, b.ID), 10)+` time[datetime="2025-03-01"]`), "1 March 2025")
	none(t, doc, `[data-testid=ended] a`)
	none(t, doc, `.reading input`) // shown once; no input until asked for
	dates := a.get(plain, bookPath(b.ID)+"?edit=dates-"+strconv.FormatInt(rt0(t, a, b.ID), 10)).page(t)
	wantAttr(t, one(t, dates, `form.reading.editing input[name=started_on][autofocus]`), "value", "2025-03-01")
	none(t, dates, `form.reading input[name=finished_on]`) // still reading
	// The progress is in the reading's place in the timeline, between its start and now.
	today := time.Now().UTC()
	wantEvents(t, one(t, doc, `[data-testid="timeline"]`), "Started 1 March 2025", "Page 42 (10.5%) "+today.Format("2 January 2006"), "Reading now")
	wantAttr(t, one(t, doc, `[data-testid="timeline"] [data-testid=progress] time`), "datetime", today.Format(time.DateOnly))
	wantText(t, one(t, doc, `[data-testid="timeline"] h3`), "First reading: Reading")
	doc.Find("main form[method=post]").Each(func(_ int, f *goquery.Selection) {
		if f.Find(`input[name="_csrf"]`).Length() != 1 {
			t.Errorf("form %s has no CSRF field", attr(t, f, "action"))
		}
	})
}

func TestSetBookShelves(t *testing.T) {
	a := newTestApp(t)
	one_, two := a.addShelf("One"), a.addShelf("Two")
	b := a.create("Dune", "Frank Herbert", "")
	ids := func(shelves ...data.Shelf) url.Values {
		v := url.Values{}
		for _, sh := range shelves {
			v.Add("shelf", strconv.FormatInt(sh.ID, 10))
		}
		return v
	}
	onShelves := func() int {
		got, err := a.db.Shelves().BookShelves(t.Context(), a.reader.ID, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(got)
	}
	a.get(plain, bookPath(b.ID))
	a.do(plain, http.MethodPost, bookPath(b.ID, "shelves"), ids(one_, two)).wantRedirect(t, bookPath(b.ID))
	if n := onShelves(); n != 2 {
		t.Errorf("on %d shelves, want 2", n)
	}
	a.do(plain, http.MethodPost, bookPath(b.ID, "shelves"), url.Values{}).wantRedirect(t, bookPath(b.ID))
	if n := onShelves(); n != 0 {
		t.Errorf("on %d shelves, want 0", n)
	}
	a.send(a.request(plain, http.MethodPost, bookPath(b.ID, "shelves"), ids(one_))).wantStatus(t, http.StatusForbidden)

	// Another reader's shelf, or no shelf at all, is a problem with the field, and nothing changes.
	a.do(plain, http.MethodPost, bookPath(b.ID, "shelves"), ids(two)).wantRedirect(t, bookPath(b.ID))
	other := a.browser()
	other.signIn(other.addUser("other"))
	theirs := other.addShelf("Theirs")
	for _, m := range modes {
		for _, bad := range []url.Values{ids(one_, theirs), {"shelf": {"x"}}} {
			t.Run("ErrNotYours"+m.name, func(t *testing.T) {
				res := a.do(m, http.MethodPost, bookPath(b.ID, "shelves"), bad)
				res.wantStatus(t, http.StatusUnprocessableEntity)
				doc := res.parts
				if !m.htmx {
					doc = res.page
				}
				fact := one(t, doc(t), "div#fact-shelves.editing.invalid")
				wantText(t, one(t, fact, "#field-shelves-error"), "That shelf is not one of yours. Pick from your shelves.")
				wantAttr(t, one(t, fact, "fieldset"), "aria-describedby", "field-shelves-error")
				if n := onShelves(); n != 1 {
					t.Errorf("on %d shelves, want 1 (unchanged)", n)
				}
			})
		}
	}
	t.Run("HTMX", func(t *testing.T) {
		res := a.do(htmx, http.MethodPost, bookPath(b.ID, "shelves"), ids(one_, two))
		res.wantStatus(t, http.StatusOK)
		doc := res.parts(t)
		wantText(t, one(t, doc, `div#fact-shelves:not(.editing) [data-testid="shelves"]`), "One, Two")
		one(t, doc, "a#edit-shelves[autofocus]")
		none(t, doc, "#book-details, #book-main, input")
		if n := onShelves(); n != 2 {
			t.Errorf("on %d shelves, want 2", n)
		}
	})
}

func TestSetDetails(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		a := newTestApp(t)
		b := a.create("Dune", "Frank Herbert", "")
		a.get(plain, bookPath(b.ID))
		in := url.Values{"pages": {"412"}, "rating": {"4.5"}, "notes": {"Spice."}, "isbn": {"978-0-441-17271-9"}}
		a.do(plain, http.MethodPost, bookPath(b.ID, "details"), in).wantRedirect(t, bookPath(b.ID))
		got := a.stored(b.ID)
		if got.Pages != 412 || got.Rating.String() != "4.5" || got.Notes != "Spice." || got.ISBN.String() != "9780441172719" {
			t.Errorf("stored %+v", got)
		}
		doc := a.get(plain, bookPath(b.ID)).page(t)
		wantAttr(t, one(t, doc, `#book-rating input[name=rating][checked]`), "value", "4.5")
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		a := newTestApp(t)
		b := a.create("Dune", "Frank Herbert", "")
		a.get(plain, bookPath(b.ID))
		in := url.Values{"pages": {"lots"}, "rating": {"6"}, "notes": {"kept"}, "isbn": {"<em>123</em>"}}
		res := a.do(plain, http.MethodPost, bookPath(b.ID, "details"), in)
		res.wantStatus(t, http.StatusUnprocessableEntity)
		doc := res.page(t)
		for _, f := range []string{"field-pages", "rating", "field-isbn"} {
			if got := squash(one(t, doc, "#"+f+"-error, #"+f+"-error-page").Text()); got == "" {
				t.Errorf("no message beside %s", f)
			}
		}
		wantAttr(t, one(t, doc, "#field-pages"), "value", "lots")
		wantAttr(t, one(t, doc, "#field-pages"), "aria-invalid", "true")
		// Each fact with a problem is open, with what was typed.
		wantAttr(t, one(t, doc, "#field-isbn"), "value", "<em>123</em>")
		if strings.Contains(res.body, "<em>123") {
			t.Error("the ISBN typed is not escaped")
		}
		if got := a.stored(b.ID); got.Pages != 0 || got.Notes != "" {
			t.Errorf("stored %+v, want unchanged", got)
		}
	})
	t.Run("HTMX", func(t *testing.T) {
		a := newTestApp(t)
		b := a.create("Dune", "Frank Herbert", "")
		a.get(plain, bookPath(b.ID))
		res := a.do(htmx, http.MethodPost, bookPath(b.ID, "details"), url.Values{"pages": {"412"}})
		res.wantStatus(t, http.StatusOK)
		doc := res.parts(t)
		// Without a fact named, the facts come back, and the review and notes out of band.
		wantText(t, one(t, doc, `section#book-facts [data-testid="format"]`), "Paperback, 412 pages")
		one(t, doc, `section#book-writing[hx-swap-oob="true"]`)
		if got := a.stored(b.ID).Pages; got != 412 {
			t.Errorf("stored pages %d, want 412", got)
		}
	})
	// The rating has its own control, and a detail edited in place is sent alone: what a form
	// does not send keeps its value.
	for _, m := range modes {
		t.Run("KeepsWhatIsNotSent"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			b := a.create("Dune", "Frank Herbert", "")
			if _, err := a.reading.SetDetails(t.Context(), a.reader.ID, b.ID, data.DetailsInput{Pages: "412", Rating: "4.5", Notes: "Spice.", ISBN: "9780441172719"}); err != nil {
				t.Fatal(err)
			}
			a.get(plain, bookPath(b.ID))
			a.onPage(m, "book-details", http.MethodPost, bookPath(b.ID, "details"), url.Values{"pages": {"500"}})
			got := a.stored(b.ID)
			if got.Pages != 500 || got.Rating.String() != "4.5" || got.Notes != "Spice." || got.ISBN.String() != "9780441172719" {
				t.Errorf("stored %+v; want 500 pages and the rest kept", got)
			}
		})
	}
	t.Run("HTMXErrInvalid", func(t *testing.T) {
		a := newTestApp(t)
		b := a.create("Dune", "Frank Herbert", "")
		a.get(plain, bookPath(b.ID))
		res := a.do(htmx, http.MethodPost, bookPath(b.ID, "details"), url.Values{"pages": {"lots"}})
		res.wantStatus(t, http.StatusUnprocessableEntity)
		doc := res.parts(t)
		wantAttr(t, one(t, doc, "section#book-facts #field-pages"), "value", "lots")
		if got := squash(one(t, doc, "#field-pages-error").Text()); got == "" {
			t.Error("no message beside pages")
		}
		none(t, doc, "#book-main")
	})
	// Control characters and direction overrides are refused at the field, by htmx and by a
	// plain form; line breaks and tabs are kept.
	for _, m := range modes {
		t.Run("ErrNotesControl"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			b := a.create("Dune", "Frank Herbert", "")
			a.get(plain, bookPath(b.ID))
			res := a.do(m, http.MethodPost, bookPath(b.ID, "details"), url.Values{"notes": {"Spice\x1b[2J\u202eevil"}})
			res.wantStatus(t, http.StatusUnprocessableEntity)
			var doc *goquery.Document
			if m.htmx {
				doc = res.parts(t)
			} else {
				doc = res.page(t)
			}
			wantText(t, one(t, doc, "#field-notes-error"), "Notes may not contain control characters or text-direction overrides.")
			if got := a.stored(b.ID); got.Notes != "" {
				t.Errorf("stored notes %q, want none", got.Notes)
			}
			kept := "Line one\n\tindented"
			a.do(m, http.MethodPost, bookPath(b.ID, "details"), url.Values{"notes": {kept}})
			if got := a.stored(b.ID); got.Notes != kept {
				t.Errorf("stored notes %q, want %q", got.Notes, kept)
			}
		})
	}
	// The review and the private notes are two fields, both shown on the page under their own
	// headings; a bad review answers 422 beside it and keeps what was typed, nothing saved.
	for _, m := range modes {
		t.Run("Review"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			b := a.create("Dune", "Frank Herbert", "")
			a.get(plain, bookPath(b.ID))
			in := url.Values{"review": {"Paul <b>wins</b>.\nThe end."}, "spoiler": {"on"}, "notes": {"Lent to Ann"}}
			res := a.do(m, http.MethodPost, bookPath(b.ID, "details"), in)
			if !m.htmx {
				res.wantRedirect(t, bookPath(b.ID))
				res = a.get(plain, bookPath(b.ID))
			}
			res.wantStatus(t, http.StatusOK)
			got := a.stored(b.ID)
			if got.Review != "Paul <b>wins</b>.\nThe end." || !got.Spoiler || got.Notes != "Lent to Ann" {
				t.Errorf("stored review %q, spoiler %v, notes %q", got.Review, got.Spoiler, got.Notes)
			}
			doc := a.get(plain, bookPath(b.ID)).page(t)
			wantText(t, one(t, doc, `[data-testid="review"]`), "Paul <b>wins</b>. The end.")
			one(t, doc, `[data-testid="spoiler"]`)
			wantText(t, one(t, doc, `[data-testid="notes"]`), "Lent to Ann")
			doc = a.get(plain, bookPath(b.ID)+"?edit=review").page(t)
			wantText(t, one(t, doc, "#field-review"), "Paul <b>wins</b>. The end.")
			one(t, doc, "#field-spoiler[checked]")

			// Unticked, the spoiler warning goes; the review stays.
			a.do(m, http.MethodPost, bookPath(b.ID, "details"), url.Values{"review": {"Spice."}, "notes": {"Lent to Ann"}})
			if got := a.stored(b.ID); got.Review != "Spice." || got.Spoiler {
				t.Errorf("stored review %q, spoiler %v; want no spoiler", got.Review, got.Spoiler)
			}
			none(t, a.get(plain, bookPath(b.ID)).page(t), `[data-testid="spoiler"]`)

			res = a.onPage(m, views.BookFactID("review"), http.MethodPost, bookPath(b.ID, "details"), url.Values{"review": {"Bad\x1b[2J"}, "spoiler": {"on"}})
			res.wantStatus(t, http.StatusUnprocessableEntity)
			if m.htmx {
				doc = res.parts(t)
			} else {
				doc = res.page(t)
			}
			wantText(t, one(t, doc, "#field-review-error"), "Review may not contain control characters or text-direction overrides.")
			wantAttr(t, one(t, doc, "#field-review"), "aria-invalid", "true")
			one(t, doc, "#field-spoiler[checked]")
			if got := a.stored(b.ID); got.Review != "Spice." || got.Notes != "Lent to Ann" {
				t.Errorf("after a bad review: stored %q, %q; want unchanged", got.Review, got.Notes)
			}
		})
	}
	t.Run("ErrCSRF", func(t *testing.T) {
		a := newTestApp(t)
		b := a.create("Dune", "Frank Herbert", "")
		a.send(a.request(plain, http.MethodPost, bookPath(b.ID, "details"), url.Values{"pages": {"9"}})).wantStatus(t, http.StatusForbidden)
		if a.stored(b.ID).Pages != 0 {
			t.Error("pages changed")
		}
	})
}

func TestEditReadThrough(t *testing.T) {
	setup := func(t *testing.T) (*testApp, data.Book, data.ReadThrough) {
		a := newTestApp(t)
		b := a.create("Dune", "Frank Herbert", "")
		for _, st := range []data.Status{data.StatusReading, data.StatusRead} {
			if _, err := a.reading.SetStatus(t.Context(), a.reader.ID, b.ID, st, time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)); err != nil {
				t.Fatal(err)
			}
		}
		rts, err := a.reading.ReadThroughs(t.Context(), a.reader.ID, b.ID)
		if err != nil || len(rts) != 1 {
			t.Fatalf("read-throughs %v, %v", rts, err)
		}
		a.get(plain, bookPath(b.ID))
		return a, b, rts[0]
	}
	rtPath := func(b data.Book, rt data.ReadThrough) string {
		return bookPath(b.ID, "read-throughs", strconv.FormatInt(rt.ID, 10))
	}
	dates := func(start, finish string) url.Values {
		return url.Values{"started_on": {start}, "finished_on": {finish}}
	}
	t.Run("OK", func(t *testing.T) {
		a, b, rt := setup(t)
		a.do(plain, http.MethodPost, rtPath(b, rt), dates("2025-02-01", "2025-02-20")).wantRedirect(t, bookPath(b.ID))
		rts, _ := a.reading.ReadThroughs(t.Context(), a.reader.ID, b.ID)
		if got := rts[0].StartedOn.Format("2006-01-02") + " " + rts[0].FinishedOn.Format("2006-01-02"); got != "2025-02-01 2025-02-20" {
			t.Errorf("dates = %s", got)
		}
	})
	for _, tc := range []struct{ test, start, finish, field string }{
		{"ErrFinishBeforeStart", "2025-02-20", "2025-02-01", "finished_on"},
		{"ErrBadDate", "yesterday", "2025-02-01", "started_on"},
		{"ErrFinishInFuture", "2025-02-01", "2999-02-01", "finished_on"},
		{"ErrStartInFuture", "2999-02-01", "", "started_on"},
		{"ErrStartYearZero", "0000-02-01", "2025-02-01", "started_on"},
		{"ErrFinishYearZero", "2025-02-01", "0000-02-20", "finished_on"},
	} {
		t.Run(tc.test, func(t *testing.T) {
			a, b, rt := setup(t)
			res := a.do(plain, http.MethodPost, rtPath(b, rt), dates(tc.start, tc.finish))
			res.wantStatus(t, http.StatusUnprocessableEntity)
			doc := res.page(t)
			id := strconv.FormatInt(rt.ID, 10)
			if got := squash(one(t, doc, "#"+tc.field+"-"+id+"-error").Text()); got == "" {
				t.Errorf("no message beside %s", tc.field)
			}
			wantAttr(t, one(t, doc, "#started_on-"+id), "value", tc.start)
			wantAttr(t, one(t, doc, "#finished_on-"+id), "value", tc.finish)
		})
	}
	t.Run("HTMX", func(t *testing.T) {
		a, b, rt := setup(t)
		id := strconv.FormatInt(rt.ID, 10)
		// Opened in place, and Cancel, which puts the focus back on the dates.
		doc := a.onPage(htmx, "book-readings", http.MethodGet, views.ReadingDatesURL(b.ID, rt.ID), nil).parts(t)
		form := one(t, doc, "section#book-readings form.reading.editing")
		wantAttr(t, form, "hx-post", rtPath(b, rt))
		wantAttr(t, one(t, form, "#started_on-"+id+"[autofocus]"), "value", "2025-03-01")
		wantAttr(t, one(t, form, "#finished_on-"+id), "value", "2025-03-01")
		wantAttr(t, one(t, form, `a[data-action="cancel"]`), "hx-get", views.ReadingDatesBackURL(b.ID, rt.ID))
		doc = a.onPage(htmx, "book-readings", http.MethodGet, views.ReadingDatesBackURL(b.ID, rt.ID), nil).parts(t)
		none(t, doc, "form.reading, .reading input")
		one(t, doc, "a#edit-dates-"+id+"[autofocus]")
		// Saved: shown, focused.
		res := a.onPage(htmx, "book-readings", http.MethodPost, rtPath(b, rt), dates("2025-02-01", "2025-02-20"))
		res.wantStatus(t, http.StatusOK)
		doc = res.parts(t)
		one(t, doc, "section#book-readings a#edit-dates-"+id+"[autofocus]")
		wantEvents(t, doc, "Started 1 February 2025", "Finished 20 February 2025")
		none(t, doc, "form.reading, .reading input")
	})
	t.Run("FromFinish", func(t *testing.T) {
		// Opened from the reading's finish, the finish takes the focus, and has it back after
		// Cancel, a refusal and a save; without JavaScript the page opens with it focused.
		a, b, rt := setup(t)
		id := strconv.FormatInt(rt.ID, 10)
		page := a.get(plain, views.ReadingFinishURL(b.ID, rt.ID)).page(t)
		one(t, page, "form.reading.editing #finished_on-"+id+"[autofocus]")
		none(t, page, "#started_on-"+id+"[autofocus]")
		doc := a.onPage(htmx, "book-readings", http.MethodGet, views.ReadingFinishURL(b.ID, rt.ID), nil).parts(t)
		form := one(t, doc, "section#book-readings form.reading.editing")
		one(t, form, "#finished_on-"+id+"[autofocus]")
		wantAttr(t, one(t, form, `input[type=hidden][name=focus]`), "value", views.ReadingFinishKey(rt.ID))
		cancel := attr(t, one(t, form, `a[data-action="cancel"]`), "hx-get")
		one(t, a.onPage(htmx, "book-readings", http.MethodGet, cancel, nil).parts(t), "a#edit-finish-"+id+"[autofocus]")
		res := a.onPage(htmx, "book-readings", http.MethodPost, rtPath(b, rt), withField(dates("2025-02-20", "2025-02-01"), "focus", views.ReadingFinishKey(rt.ID)))
		res.wantStatus(t, http.StatusUnprocessableEntity)
		one(t, res.parts(t), "input[type=hidden][name=focus]")
		res = a.onPage(htmx, "book-readings", http.MethodPost, rtPath(b, rt), withField(dates("2025-02-01", "2025-02-20"), "focus", views.ReadingFinishKey(rt.ID)))
		res.wantStatus(t, http.StatusOK)
		doc = res.parts(t)
		one(t, doc, "a#edit-finish-"+id+"[autofocus]")
		none(t, doc, "a#edit-dates-"+id+"[autofocus]")
		wantEvents(t, doc, "Started 1 February 2025", "Finished 20 February 2025")
	})
	t.Run("OKClearDates", func(t *testing.T) {
		// Emptied, a date becomes unknown, and the readings say so.
		for _, m := range modes {
			t.Run(m.name, func(t *testing.T) {
				a, b, rt := setup(t)
				res := a.do(m, http.MethodPost, rtPath(b, rt), dates("", ""))
				var doc *goquery.Document
				if m.htmx {
					res.wantStatus(t, http.StatusOK)
					doc = res.parts(t)
				} else {
					res.wantRedirect(t, bookPath(b.ID))
					doc = a.get(plain, bookPath(b.ID)).page(t)
				}
				wantEvents(t, one(t, doc, "section#book-readings"), "Started date unknown", "Finished date unknown")
				none(t, doc, "section#book-readings time")
				none(t, doc, "#started_on-"+strconv.FormatInt(rt.ID, 10))
				rts, _ := a.reading.ReadThroughs(t.Context(), a.reader.ID, b.ID)
				if rts[0].StartedOn != nil || rts[0].FinishedOn != nil {
					t.Errorf("dates %v %v, want unknown", rts[0].StartedOn, rts[0].FinishedOn)
				}
			})
		}
	})
	t.Run("OKFinishOnly", func(t *testing.T) {
		a, b, rt := setup(t)
		res := a.do(htmx, http.MethodPost, rtPath(b, rt), dates("", "2025-02-20"))
		res.wantStatus(t, http.StatusOK)
		wantEvents(t, one(t, res.parts(t), "section#book-readings"), "Started date unknown", "Finished 20 February 2025")
	})
	t.Run("HTMXErrFinishBeforeStart", func(t *testing.T) {
		a, b, rt := setup(t)
		res := a.do(htmx, http.MethodPost, rtPath(b, rt), dates("2025-02-20", "2025-02-01"))
		res.wantStatus(t, http.StatusUnprocessableEntity)
		id := strconv.FormatInt(rt.ID, 10)
		doc := res.parts(t)
		wantText(t, one(t, doc, "section#book-readings #finished_on-"+id+"-error"), "The finish date is before the start date.")
		wantAttr(t, one(t, doc, "#started_on-"+id), "value", "2025-02-20")
	})
	t.Run("HTMXErrYearZero", func(t *testing.T) {
		a, b, rt := setup(t)
		res := a.do(htmx, http.MethodPost, rtPath(b, rt), dates("0000-01-01", "0000-02-01"))
		res.wantStatus(t, http.StatusUnprocessableEntity)
		id := strconv.FormatInt(rt.ID, 10)
		doc := res.parts(t)
		wantText(t, one(t, doc, "section#book-readings #started_on-"+id+"-error"), "Enter a date between the years 1 and 9999.")
		wantText(t, one(t, doc, "section#book-readings #finished_on-"+id+"-error"), "Enter a date between the years 1 and 9999.")
		rts, _ := a.reading.ReadThroughs(t.Context(), a.reader.ID, b.ID)
		if got := rts[0].StartedOn.Format(time.DateOnly); got != "2025-03-01" {
			t.Errorf("started on %s, want it unchanged", got)
		}
	})
	t.Run("FinishBeforeStartMessage", func(t *testing.T) {
		a, b, rt := setup(t)
		doc := a.do(plain, http.MethodPost, rtPath(b, rt), dates("2025-02-20", "2025-02-01")).page(t)
		wantText(t, one(t, doc, "#finished_on-"+strconv.FormatInt(rt.ID, 10)+"-error"), "The finish date is before the start date.")
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		a, b, _ := setup(t)
		for _, p := range []string{bookPath(b.ID, "read-throughs", "999"), bookPath(b.ID, "read-throughs", "x")} {
			a.do(plain, http.MethodPost, p, dates("2025-02-01", "2025-02-20")).wantStatus(t, http.StatusNotFound)
			a.do(plain, http.MethodPost, p, dates("bad", "")).wantStatus(t, http.StatusNotFound)
		}
	})
	t.Run("ErrCSRF", func(t *testing.T) {
		a, b, rt := setup(t)
		a.send(a.request(plain, http.MethodPost, rtPath(b, rt), dates("2025-02-01", "2025-02-20"))).wantStatus(t, http.StatusForbidden)
	})
}

// TestAddReadThrough adds past readings from the book page, with dates or without, in htmx and
// plain forms; bad input comes back in the form with its message beside the field.
func TestAddReadThrough(t *testing.T) {
	setup := func(t *testing.T) (*testApp, data.Book) {
		a := newTestApp(t)
		b := a.create("Dune", "Frank Herbert", "")
		a.get(plain, bookPath(b.ID))
		return a, b
	}
	form := func(outcome, start, finish string) url.Values {
		return url.Values{"outcome": {outcome}, "started_on": {start}, "finished_on": {finish}}
	}
	for _, tc := range []struct {
		test, outcome, start, finish string
		events                       []string // as the readings' timeline tells them
	}{
		{"OKUndated", "read", "", "", []string{"Started date unknown", "Finished date unknown"}},
		{"OKFinishOnly", "read", "", "2024-05-09", []string{"Started date unknown", "Finished 9 May 2024"}},
		{"OKBoth", "dnf", "2024-05-03", "2024-05-09", []string{"Started 3 May 2024", "Gave up 9 May 2024"}},
		{"OKStartOnly", "dnf", " 2024-05-03 ", "", []string{"Started 3 May 2024", "Gave up date unknown"}},
	} {
		for _, m := range modes {
			t.Run(tc.test+" "+m.name, func(t *testing.T) {
				a, b := setup(t)
				res := a.do(m, http.MethodPost, bookPath(b.ID, "read-throughs"), form(tc.outcome, tc.start, tc.finish))
				var doc *goquery.Document
				if m.htmx {
					res.wantStatus(t, http.StatusOK)
					doc = res.parts(t)
					wantText(t, one(t, doc, "section#book-readings .flash"), "Reading added.")
					wantAttr(t, one(t, doc, "section#book-readings h2"), "autofocus", "")
				} else {
					res.wantRedirect(t, bookPath(b.ID))
					doc = a.get(plain, bookPath(b.ID)).page(t)
				}
				wantEvents(t, one(t, doc, "section#book-readings"), tc.events...)
				// The add form is empty again, ready for another.
				wantAttr(t, one(t, doc, "#started_on-new"), "value", "")
				one(t, doc, "details.new-reading:not([open])")
				rts, err := a.reading.ReadThroughs(t.Context(), a.reader.ID, b.ID)
				if err != nil || len(rts) != 1 || string(rts[0].Outcome) != tc.outcome {
					t.Fatalf("readings %+v, %v; want one %s", rts, err, tc.outcome)
				}
				if got := a.stored(b.ID); got.Status != data.StatusWant {
					t.Errorf("status %s, want it unchanged", got.Status)
				}
			})
		}
	}
	for _, tc := range []struct {
		test, outcome, start, finish, field, msg string
	}{
		{"ErrFinishBeforeStart", "read", "2024-05-09", "2024-05-03", "finished_on", "The finish date is before the start date."},
		{"ErrStartInFuture", "read", "2999-01-01", "", "started_on", "The start date cannot be in the future."},
		{"ErrFinishInFuture", "dnf", "", "2999-01-01", "finished_on", "The finish date cannot be in the future."},
		{"ErrMalformedDate", "read", "3rd of May", "", "started_on", "Give the start date as a date (yyyy-mm-dd), or leave it empty if you do not know it."},
		{"ErrYearZero", "read", "", "0000-05-03", "finished_on", "Enter a date between the years 1 and 9999."},
		{"ErrOutcome", "reading", "", "", "outcome", "Choose whether you read the book or did not finish it."},
		{"ErrNoOutcome", "", "2024-05-03", "", "outcome", "Choose whether you read the book or did not finish it."},
	} {
		for _, m := range modes {
			t.Run(tc.test+" "+m.name, func(t *testing.T) {
				a, b := setup(t)
				res := a.do(m, http.MethodPost, bookPath(b.ID, "read-throughs"), form(tc.outcome, tc.start, tc.finish))
				res.wantStatus(t, http.StatusUnprocessableEntity)
				var doc *goquery.Document
				if m.htmx {
					doc = res.parts(t)
				} else {
					doc = res.page(t)
				}
				wantText(t, one(t, doc, "section#book-readings #"+tc.field+"-new-error"), tc.msg)
				field := one(t, doc, "#"+tc.field+"-new")
				wantAttr(t, field, "aria-invalid", "true")
				wantAttr(t, field, "autofocus", "")
				// What was typed stays.
				wantAttr(t, one(t, doc, "#started_on-new"), "value", tc.start)
				wantAttr(t, one(t, doc, "#finished_on-new"), "value", tc.finish)
				one(t, doc, "details.new-reading[open] #started_on-new") // kept open, with the problem beside its date
				if rts, err := a.reading.ReadThroughs(t.Context(), a.reader.ID, b.ID); err != nil || len(rts) != 0 {
					t.Errorf("readings %+v, %v; want none", rts, err)
				}
			})
		}
	}
	t.Run("ErrCSRF", func(t *testing.T) {
		a, b := setup(t)
		a.send(a.request(plain, http.MethodPost, bookPath(b.ID, "read-throughs"), form("read", "", ""))).wantStatus(t, http.StatusForbidden)
	})
}

// TestBookPageNotFound checks that another reader's book, and a missing one, are 404 on every
// route of the book page.
func TestBookPageNotFound(t *testing.T) {
	a := newTestApp(t)
	b := a.create("Dune", "Frank Herbert", "")
	if _, err := a.reading.SetStatus(t.Context(), a.reader.ID, b.ID, data.StatusReading, time.Now()); err != nil {
		t.Fatal(err)
	}
	rts, err := a.reading.ReadThroughs(t.Context(), a.reader.ID, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	other := a.browser()
	other.signIn(other.addUser("other"))
	mine := other.addShelf("Mine")
	rt := strconv.FormatInt(rts[0].ID, 10)
	for _, id := range []int64{b.ID, 999} {
		for _, r := range []struct {
			section, method, path string
			form                  url.Values
		}{
			{"", http.MethodGet, bookPath(id), nil},
			{"", http.MethodPost, bookPath(id, "shelves"), url.Values{"shelf": {strconv.FormatInt(mine.ID, 10)}}},
			{"", http.MethodPost, bookPath(id, "details"), url.Values{"pages": {"10"}}},
			{"", http.MethodPost, bookPath(id, "details"), url.Values{"pages": {"bad"}}},
			{"book-edition", http.MethodPost, bookPath(id, "edition"), url.Values{"publisher": {"Mine"}}},
			{"book-edition", http.MethodPost, bookPath(id, "edition"), url.Values{"copies": {"-1"}, "language": {"xx"}}},
			{"", http.MethodPost, bookPath(id, "read-throughs", rt), url.Values{"started_on": {"2025-01-01"}}},
			{"", http.MethodPost, bookPath(id, "read-throughs", rt), url.Values{"started_on": {""}}},
			{"", http.MethodPost, bookPath(id, "read-throughs"), url.Values{"outcome": {"read"}}},
			{"", http.MethodPost, bookPath(id, "read-throughs"), url.Values{"outcome": {"bad"}, "started_on": {"bad"}}},
			{"", http.MethodGet, bookPath(id, "read-throughs", rt, "delete"), nil},
			{"", http.MethodPost, bookPath(id, "read-throughs", rt, "delete"), url.Values{}},
			{"book-readings", http.MethodGet, bookPath(id), nil},
			{"book-status", http.MethodPost, bookPath(id, "status"), url.Values{"status": {"read"}}},
			{"book-status", http.MethodPost, bookPath(id, "status"), url.Values{"status": {"bad"}}},
			{"fact-title", http.MethodGet, bookPath(id), nil},
			{"fact-title", http.MethodGet, bookPath(id) + "?edit=title", nil},
			{"fact-title", http.MethodPost, bookPath(id), url.Values{"title": {"Mine"}}},
			{"fact-author", http.MethodPost, bookPath(id, "contributors"), url.Values{"name": {"Me"}}},
			{"fact-genre", http.MethodPost, bookPath(id), url.Values{"genre": {"Mine"}}},
			{"fact-title", http.MethodPost, bookPath(id), url.Values{"title": {""}}},
			{"book-progress", http.MethodPost, bookPath(id, "progress"), url.Values{"progress": {"30"}}},
			{"book-progress", http.MethodPost, bookPath(id, "progress"), url.Values{"progress": {"bad"}}},
			{"book-rating", http.MethodPost, bookPath(id, "rating"), url.Values{"rating": {"5"}}},
			{"book-rating", http.MethodPost, bookPath(id, "rating"), url.Values{"rating": {"9"}}},
			{"", http.MethodPost, bookPath(id, "rating"), url.Values{"rating": {"5"}}},
			{"", http.MethodGet, bookPath(id, "rating"), nil},
		} {
			for _, m := range modes {
				t.Run(m.name+" "+r.section+" "+r.method+" "+r.path, func(t *testing.T) {
					other.t = t
					res := other.onPage(m, r.section, r.method, r.path, r.form)
					res.wantStatus(t, http.StatusNotFound)
					// On the page, a missing book is not a library row saying so.
					if m.htmx && r.section != "" && strings.Contains(res.body, `<tr id="book-`) {
						t.Errorf("a row in the page's %s: %s", r.section, res.body)
					}
				})
			}
		}
	}
	if got := a.stored(b.ID); got.Pages != 0 || got.Status != data.StatusReading || got.Title != "Dune" || got.Rating != 0 {
		t.Error("another reader changed the book")
	}
	if e, err := a.db.Editions().Get(t.Context(), a.reader.ID, b.ID); err != nil || e != (data.Edition{}) {
		t.Errorf("another reader changed the edition: %+v, %v", e, err)
	}
	if now, err := a.reading.ReadThroughs(t.Context(), a.reader.ID, b.ID); err != nil || !reflect.DeepEqual(now, rts) {
		t.Errorf("another reader changed the readings: %+v, %v; were %+v", now, err, rts)
	}
}

// parts parses an htmx answer that is a part of a page (sections, out-of-band ones included),
// failing the test if it is a full page.
func (r response) parts(t *testing.T) *goquery.Document {
	t.Helper()
	r.wantHTML(t)
	if strings.Contains(strings.ToLower(r.body), "<html") || strings.Contains(r.body, `id="main"`) {
		t.Fatalf("want part of a page, got a page:\n%s", r.body)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(r.body))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return doc
}

func TestSetPageStatus(t *testing.T) {
	status := func(st string) url.Values { return url.Values{"status": {st}} }
	t.Run("OK", func(t *testing.T) {
		a := newTestApp(t)
		b := a.create("Dune", "Frank Herbert", "")
		a.get(plain, bookPath(b.ID))
		a.onPage(plain, "book-status", http.MethodPost, bookPath(b.ID, "status"), status("reading")).wantRedirect(t, bookPath(b.ID))
		if got := a.stored(b.ID).Status; got != data.StatusReading {
			t.Errorf("status %q, want reading", got)
		}
		doc := a.get(plain, bookPath(b.ID)).page(t)
		wantAttr(t, one(t, doc, `#book-status button[aria-pressed="true"]`), "value", "reading")
	})
	t.Run("HTMX", func(t *testing.T) {
		a := newTestApp(t)
		b := a.create("Dune", "Frank Herbert", "")
		a.get(plain, bookPath(b.ID))
		for _, st := range []string{"reading", "read", "reading"} {
			res := a.onPage(htmx, "book-status", http.MethodPost, bookPath(b.ID, "status"), status(st))
			res.wantStatus(t, http.StatusOK)
			doc := res.parts(t)
			wantAttr(t, one(t, doc, `section#book-status button[aria-pressed="true"]`), "value", st)
			one(t, doc, `article#book-main[hx-swap-oob="true"]`)
			one(t, doc, `section#book-progress[hx-swap-oob="true"]`)
			readings := one(t, doc, `section#book-readings[hx-swap-oob="true"]`)
			if st == "read" {
				today := time.Now().Format("2 January 2006")
				wantEvents(t, readings, "Started "+today, "Finished "+today)
			}
			none(t, doc, "tr")
		}
		// Read, then Reading again: a second reading, the first one kept with its finish date.
		doc := a.get(plain, bookPath(b.ID)).page(t)
		items := doc.Find("#book-readings ol.timeline > li")
		if items.Length() != 2 {
			t.Fatalf("%d readings, want 2", items.Length())
		}
		today := time.Now().Format("2 January 2006")
		wantEvents(t, items.Eq(0), "Started "+today, "Reading now")
		wantEvents(t, items.Eq(1), "Started "+today, "Finished "+today) // the finish date kept
	})
	for _, m := range modes {
		t.Run("ErrInvalid"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			b := a.create("Dune", "Frank Herbert", "")
			a.get(plain, bookPath(b.ID))
			res := a.onPage(m, "book-status", http.MethodPost, bookPath(b.ID, "status"), status("lost"))
			res.wantStatus(t, http.StatusUnprocessableEntity)
			var doc *goquery.Document
			if m.htmx {
				doc = res.parts(t)
				none(t, doc, "#book-main")
			} else {
				doc = res.page(t)
			}
			wantAttr(t, one(t, doc, "section#book-status form.status-menu"), "aria-describedby", "page-status-error")
			if got := squash(one(t, doc, "#page-status-error").Text()); got == "" {
				t.Error("no message beside the status")
			}
			if got := a.stored(b.ID).Status; got != data.StatusWant {
				t.Errorf("status %q, want unchanged", got)
			}
		})
	}
	t.Run("ErrCSRF", func(t *testing.T) {
		a := newTestApp(t)
		b := a.create("Dune", "Frank Herbert", "")
		a.send(a.request(plain, http.MethodPost, bookPath(b.ID, "status"), withField(status("read"), "screen", "page"))).wantStatus(t, http.StatusForbidden)
	})
}

// TestHeadFactsInPlace: the title, the author and the genre are each a fact of the book page's
// head, edited in its place like the others (the author's is the list of contributors,
// TestBookContributors): ?edit= opens its input, a save sends it alone and keeps the others, and
// a refused one stays open with its message and what was typed.
func TestHeadFactsInPlace(t *testing.T) {
	setup := func(t *testing.T) (*testApp, data.Book) {
		a := newTestApp(t)
		b := a.create("Dune", "Frank Herbert", "SF")
		a.get(plain, bookPath(b.ID))
		return a, b
	}
	t.Run("Shown", func(t *testing.T) {
		a, b := setup(t)
		doc := a.get(plain, bookPath(b.ID)).page(t)
		head := one(t, doc, "article#book-main")
		wantText(t, one(t, head, `dl div#fact-title h1 a#edit-title[href="`+bookPath(b.ID)+`?edit=title"] [data-testid="title"]`), "Dune")
		wantText(t, one(t, head, `div#fact-author [data-testid="author"]`), "Frank Herbert")
		wantText(t, one(t, head, `div#fact-genre a#edit-genre [data-testid="genre"]`), "SF")
		none(t, doc, "form[data-testid=book-fields], #book-edit, #field-title")
	})
	t.Run("OpenPlain", func(t *testing.T) {
		a, b := setup(t)
		doc := a.get(plain, bookPath(b.ID)+"?edit=genre").page(t)
		form := one(t, doc, "article#book-main div#fact-genre.editing form")
		wantAttr(t, form, "method", "post")
		wantAttr(t, form, "action", bookPath(b.ID))
		wantAttr(t, one(t, form, `input[name="screen"]`), "value", "page")
		wantAttr(t, one(t, form, "#field-genre[autofocus]"), "value", "SF")
		one(t, doc, `label[for="field-genre"]`)
		none(t, doc, "#field-title, #field-author")
		wantText(t, one(t, doc, `h1 [data-testid="title"]`), "Dune")
	})
	t.Run("OpenHTMXAndCancel", func(t *testing.T) {
		a, b := setup(t)
		res := a.onPage(htmx, views.BookFactID("title"), http.MethodGet, views.BookFactEditURL(b.ID, "title"), nil)
		res.wantStatus(t, http.StatusOK)
		doc := res.parts(t)
		wantAttr(t, one(t, doc, "div#fact-title.editing form"), "hx-post", bookPath(b.ID))
		wantAttr(t, one(t, doc, "#field-title[autofocus]"), "value", "Dune")
		wantAttr(t, one(t, doc, `[data-action="cancel"]`), "hx-get", bookPath(b.ID))
		none(t, doc, "#book-main, #fact-author")

		res = a.onPage(htmx, views.BookFactID("title"), http.MethodGet, bookPath(b.ID), nil)
		res.wantStatus(t, http.StatusOK)
		doc = res.parts(t)
		none(t, doc, ".editing, input")
		one(t, doc, "div#fact-title h1 a#edit-title[autofocus]")
	})
	for _, f := range []struct{ name, typed, title, author, genre string }{
		{"title", " Dune Messiah ", "Dune Messiah", "Frank Herbert", "SF"},
		{"genre", "", "Dune", "Frank Herbert", ""},
	} {
		for _, m := range modes {
			t.Run("Save"+f.name+m.name, func(t *testing.T) {
				a, b := setup(t)
				res := a.onPage(m, views.BookFactID(f.name), http.MethodPost, bookPath(b.ID), withField(url.Values{f.name: {f.typed}}, "screen", "page"))
				if m.htmx {
					res.wantStatus(t, http.StatusOK)
					doc := res.parts(t)
					one(t, doc, "div#fact-"+f.name+":not(.editing) a#edit-"+f.name+"[autofocus]")
					none(t, doc, "#book-main, #book-status, input")
				} else {
					res.wantRedirect(t, bookPath(b.ID))
				}
				got := a.stored(b.ID)
				if got.Title != f.title || got.Author != f.author || got.Genre != f.genre || got.Status != b.Status {
					t.Errorf("stored %+v, want %q by %q (%q)", got, f.title, f.author, f.genre)
				}
			})
		}
	}
	for _, m := range modes {
		t.Run("ErrInvalid"+m.name, func(t *testing.T) {
			a, b := setup(t)
			long := strings.Repeat("x", 251)
			res := a.onPage(m, views.BookFactID("genre"), http.MethodPost, bookPath(b.ID), withField(url.Values{"genre": {long}}, "screen", "page"))
			res.wantStatus(t, http.StatusUnprocessableEntity)
			var doc *goquery.Document
			if m.htmx {
				doc = res.parts(t)
				none(t, doc, "#book-status, #fact-title")
			} else {
				doc = res.page(t)
				one(t, doc, "#book-status")
				wantText(t, one(t, doc, `h1 [data-testid="title"]`), "Dune")
			}
			fact := one(t, doc, "div#fact-genre.editing.invalid")
			if got := squash(one(t, fact, "#field-genre-error").Text()); !strings.Contains(got, "at most 250 characters") {
				t.Errorf("message beside the genre = %q", got)
			}
			input := one(t, fact, "#field-genre[autofocus]")
			wantAttr(t, input, "value", long)
			wantAttr(t, input, "aria-invalid", "true")
			if got := a.stored(b.ID); got.Title != "Dune" || got.Author != "Frank Herbert" || got.Genre != "SF" {
				t.Errorf("stored %+v, want unchanged", got)
			}
		})
		t.Run("ErrTitleRequired"+m.name, func(t *testing.T) {
			a, b := setup(t)
			res := a.onPage(m, views.BookFactID("title"), http.MethodPost, bookPath(b.ID), withField(url.Values{"title": {"  "}}, "screen", "page"))
			res.wantStatus(t, http.StatusUnprocessableEntity)
			var doc *goquery.Document
			if m.htmx {
				doc = res.parts(t)
			} else {
				doc = res.page(t)
			}
			wantText(t, one(t, doc, "div#fact-title.editing #field-title-error"), "Title is required.")
			none(t, doc, "#field-author, #field-genre")
			if got := a.stored(b.ID); got.Title != "Dune" {
				t.Errorf("stored %+v, want unchanged", got)
			}
		})
	}
	t.Run("ErrCSRF", func(t *testing.T) {
		a, b := setup(t)
		a.send(a.request(plain, http.MethodPost, bookPath(b.ID), url.Values{"title": {"X"}, "screen": {"page"}})).wantStatus(t, http.StatusForbidden)
		if got := a.stored(b.ID).Title; got != "Dune" {
			t.Errorf("title %q, want unchanged", got)
		}
	})
}

func TestPageProgress(t *testing.T) {
	progress := func(v string) url.Values { return url.Values{"progress": {v}} }
	reading := func(t *testing.T, a *testApp) data.Book {
		b := a.create("Dune", "Frank Herbert", "")
		if _, err := a.reading.SetDetails(t.Context(), a.reader.ID, b.ID, data.DetailsInput{Pages: "400"}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.reading.SetStatus(t.Context(), a.reader.ID, b.ID, data.StatusReading, time.Now()); err != nil {
			t.Fatal(err)
		}
		a.get(plain, bookPath(b.ID))
		return b
	}
	t.Run("Shown", func(t *testing.T) {
		a := newTestApp(t)
		b := a.create("Emma", "Jane Austen", "")
		doc := a.get(plain, bookPath(b.ID)).page(t)
		none(t, doc, "#page-progress")
		b = reading(t, a)
		doc = a.get(plain, bookPath(b.ID)).page(t)
		wantText(t, one(t, doc, `label[for="page-progress"]`), "Progress: page or %")
	})
	for _, m := range modes {
		t.Run("OK"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			b := reading(t, a)
			res := a.onPage(m, "book-progress", http.MethodPost, bookPath(b.ID, "progress"), progress("30"))
			if m.htmx {
				res.wantStatus(t, http.StatusOK)
				doc := res.parts(t)
				sec := one(t, doc, "section#book-progress")
				wantText(t, one(t, sec, `[data-testid="progress-latest"]`), "Last: Page 30 (7.5%), "+time.Now().Format("2 January 2006")+". Every update is in the readings below.")
				// The timeline, which shows it, comes along out of band.
				wantText(t, one(t, doc, `section#book-readings[hx-swap-oob] [data-testid="progress"] .what`), "Page 30 (7.5%)")
				wantAttr(t, one(t, sec, "#page-progress"), "value", "")
				none(t, doc, "#book-main")
			} else {
				res.wantRedirect(t, bookPath(b.ID))
				doc := a.get(plain, bookPath(b.ID)).page(t)
				wantText(t, one(t, doc, `[data-testid="progress"] .what`), "Page 30 (7.5%)")
			}
		})
		t.Run("ErrInvalid"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			b := reading(t, a)
			other := a.create("Emma", "Jane Austen", "")
			for _, c := range []struct {
				id    int64
				typed string
			}{{b.ID, "401"}, {b.ID, "lots"}, {other.ID, "10"}} {
				res := a.onPage(m, "book-progress", http.MethodPost, bookPath(c.id, "progress"), progress(c.typed))
				res.wantStatus(t, http.StatusUnprocessableEntity)
				var doc *goquery.Document
				if m.htmx {
					doc = res.parts(t)
				} else {
					doc = res.page(t)
				}
				sec := one(t, doc, "section#book-progress")
				wantAttr(t, one(t, sec, "#page-progress"), "aria-invalid", "true")
				wantAttr(t, one(t, sec, "#page-progress"), "value", c.typed)
				if got := squash(one(t, sec, "#page-progress-error").Text()); got == "" {
					t.Errorf("%q: no message beside the input", c.typed)
				}
				none(t, sec, `[data-testid="progress"]`)
			}
		})
	}
	t.Run("ErrCSRF", func(t *testing.T) {
		a := newTestApp(t)
		b := reading(t, a)
		a.send(a.request(plain, http.MethodPost, bookPath(b.ID, "progress"), withField(progress("30"), "screen", "page"))).wantStatus(t, http.StatusForbidden)
	})
	// The history shows a page's share of the book to one decimal, not as the float it is
	// (150 of 272 pages was "55.14705882352941%").
	t.Run("Rounded", func(t *testing.T) {
		for _, c := range []struct{ pages, typed, want string }{
			{"272", "150", "Page 150 (55.1%)"},
			{"300", "100", "Page 100 (33.3%)"},
			{"300", "150", "Page 150 (50%)"},
			{"", "33.333%", "33.3%"},
		} {
			a := newTestApp(t)
			b := a.create("Dune", "Frank Herbert", "")
			if _, err := a.reading.SetDetails(t.Context(), a.reader.ID, b.ID, data.DetailsInput{Pages: c.pages}); err != nil {
				t.Fatal(err)
			}
			if _, err := a.reading.SetStatus(t.Context(), a.reader.ID, b.ID, data.StatusReading, time.Now()); err != nil {
				t.Fatal(err)
			}
			a.get(plain, bookPath(b.ID))
			a.onPage(htmx, "book-progress", http.MethodPost, bookPath(b.ID, "progress"), progress(c.typed)).wantStatus(t, http.StatusOK)
			doc := a.get(plain, bookPath(b.ID)).page(t)
			wantText(t, one(t, doc, `[data-testid="progress"] .what`), c.want)
		}
	})
}

// TestDeleteReading deletes a reading made by mistake, asked first in its place: htmx swaps the
// readings (and the status, which follows the readings left), plain forms post, redirect and get.
func TestDeleteReading(t *testing.T) {
	setup := func(t *testing.T) (*testApp, data.Book, []data.ReadThrough) {
		a := newTestApp(t)
		b := a.create("Dune", "Frank Herbert", "")
		// Read in March; then Reading and Read again today, by mistake.
		for _, st := range []struct {
			status data.Status
			on     time.Time
		}{
			{data.StatusRead, time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)},
			{data.StatusReading, time.Time{}},
			{data.StatusRead, time.Time{}},
		} {
			if _, err := a.reading.SetStatus(t.Context(), a.reader.ID, b.ID, st.status, st.on); err != nil {
				t.Fatal(err)
			}
		}
		rts, err := a.reading.ReadThroughs(t.Context(), a.reader.ID, b.ID)
		if err != nil || len(rts) != 2 {
			t.Fatalf("read-throughs %v, %v", rts, err)
		}
		a.get(plain, bookPath(b.ID))
		return a, b, rts
	}
	rtPath := func(b data.Book, rt data.ReadThrough, action ...string) string {
		return bookPath(b.ID, append([]string{"read-throughs", strconv.FormatInt(rt.ID, 10)}, action...)...)
	}
	left := func(t *testing.T, a *testApp, b data.Book) []data.ReadThrough {
		t.Helper()
		rts, err := a.reading.ReadThroughs(t.Context(), a.reader.ID, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		return rts
	}
	t.Run("Plain", func(t *testing.T) {
		a, b, rts := setup(t)
		doc := a.get(plain, rtPath(b, rts[0], "delete")).page(t)
		id := strconv.FormatInt(rts[0].ID, 10)
		form := one(t, doc, "#book-readings form.confirming")
		wantAttr(t, form, "action", rtPath(b, rts[0], "delete"))
		one(t, form, "#confirm-delete-reading-"+id+"[autofocus]")
		wantAttr(t, one(t, form, "[data-action=cancel]"), "href", bookPath(b.ID))
		if n := doc.Find("#book-readings form.confirming").Length(); n != 1 {
			t.Errorf("%d readings ask to be deleted, want the one", n)
		}
		if n := len(left(t, a, b)); n != 2 {
			t.Fatalf("asking deleted something: %d readings", n)
		}
		a.do(plain, http.MethodPost, rtPath(b, rts[0], "delete"), url.Values{}).wantRedirect(t, bookPath(b.ID))
		if got := left(t, a, b); len(got) != 1 || got[0].ID != rts[1].ID {
			t.Errorf("readings left %+v, want the one of March", got)
		}
		if got := a.stored(b.ID); got.Status != data.StatusRead || got.FinishedOn != "2025-03-01" {
			t.Errorf("book %s finished %q, want read on 2025-03-01", got.Status, got.FinishedOn)
		}
	})
	t.Run("HTMX", func(t *testing.T) {
		a, b, rts := setup(t)
		id := strconv.FormatInt(rts[0].ID, 10)
		res := a.do(htmx, http.MethodGet, rtPath(b, rts[0], "delete"), nil)
		res.wantStatus(t, http.StatusOK)
		doc := res.parts(t)
		one(t, doc, "section#book-readings form.confirming #confirm-delete-reading-"+id+"[autofocus]")
		wantAttr(t, one(t, doc, "form.confirming [data-action=cancel]"), "hx-get", bookPath(b.ID)+"?focus="+id)

		// Cancel: the readings again, the focus back on that reading's Delete.
		res = a.onPage(htmx, "book-readings", http.MethodGet, bookPath(b.ID)+"?focus="+id, nil)
		res.wantStatus(t, http.StatusOK)
		doc = res.parts(t)
		none(t, doc, "form.confirming")
		one(t, doc, "#delete-reading-"+id+"[autofocus]")

		res = a.do(htmx, http.MethodPost, rtPath(b, rts[0], "delete"), url.Values{})
		res.wantStatus(t, http.StatusOK)
		doc = res.parts(t)
		readings := one(t, doc, "section#book-readings:not([hx-swap-oob])")
		wantText(t, one(t, readings, "[role=status]"), "Reading deleted.")
		one(t, readings, "h2[autofocus]")
		if n := readings.Find(".reading").Length(); n != 1 {
			t.Errorf("%d readings shown, want 1", n)
		}
		wantAttr(t, one(t, doc, `section#book-status[hx-swap-oob="true"] button[aria-pressed="true"]`), "value", "read")
		one(t, doc, `article#book-main[hx-swap-oob="true"]`)
	})
	t.Run("LastReadingMakesTheBookWanted", func(t *testing.T) {
		a, b, rts := setup(t)
		for _, rt := range rts {
			a.do(htmx, http.MethodPost, rtPath(b, rt, "delete"), url.Values{}).wantStatus(t, http.StatusOK)
		}
		if got := a.stored(b.ID).Status; got != data.StatusWant {
			t.Errorf("status %s, want want to read", got)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		a, b, rts := setup(t)
		for _, m := range modes {
			for _, path := range []string{
				bookPath(b.ID, "read-throughs", "999", "delete"),
				bookPath(b.ID, "read-throughs", "x", "delete"),
			} {
				a.do(m, http.MethodGet, path, nil).wantStatus(t, http.StatusNotFound)
				a.do(m, http.MethodPost, path, url.Values{}).wantStatus(t, http.StatusNotFound)
			}
		}
		if n := len(left(t, a, b)); n != len(rts) {
			t.Errorf("%d readings left, want %d", n, len(rts))
		}
	})
}

// TestSharedEndpoints checks that each route a book's library row and its page share answers the
// screen that asks: htmx by its HX-Target (the page's section it names, the row for the row's id,
// for a section the route does not serve, for an unknown or no target), a plain form by its screen
// field (the page for screen=page, the library for anything else, which is never an address).
func TestSharedEndpoints(t *testing.T) {
	a := newTestApp(t)
	b := a.setStatus(a.create("Dune", "Frank Herbert", "").ID, data.StatusReading)
	a.get(plain, bookPath(b.ID))
	row := "book-" + strconv.FormatInt(b.ID, 10)
	routes := []struct {
		name, method, path string
		form               url.Values
		section            string // the page's section the route answers with
		wantPage           string // in the page's answer
		wantRow            string // in the row's answer
	}{
		{"Status", http.MethodPost, bookPath(b.ID, "status"), url.Values{"status": {"reading"}}, "book-status",
			`section#book-status button#page-status-reading[aria-pressed="true"]`, `td.status > a:first-child[autofocus]`},
		{"Progress", http.MethodPost, bookPath(b.ID, "progress"), url.Values{"progress": {"10"}}, "book-progress",
			`section#book-progress [data-testid="progress-latest"]`, `td.status > a.pg[autofocus]`},
		{"Show", http.MethodGet, bookPath(b.ID) + "?focus=edit", nil, "fact-title",
			`div#fact-title:not(.editing) h1 a#edit-title[autofocus]`, `a[href$="/edit"][autofocus]`},
		{"ShowReadings", http.MethodGet, bookPath(b.ID), nil, "book-readings",
			`section#book-readings div.reading`, `td.status > a:first-child`},
		{"Update", http.MethodPost, bookPath(b.ID), url.Values{"title": {"Dune"}, "author": {"Frank Herbert"}}, "fact-title",
			`div#fact-title:not(.editing) h1 a#edit-title[autofocus]`, `a[href$="/edit"][autofocus]`},
	}
	for _, r := range routes {
		t.Run(r.name+"HTMX", func(t *testing.T) {
			res := a.onPage(htmx, r.section, r.method, r.path, r.form)
			res.wantStatus(t, http.StatusOK)
			doc := res.parts(t)
			one(t, doc, r.wantPage)
			if strings.Contains(res.body, `<tr id="book-`) {
				t.Errorf("a library row in the page's answer:\n%s", res.body)
			}
			vary := strings.Split(strings.ReplaceAll(res.Header.Get("Vary"), " ", ""), ",")
			if got := vary; r.method == http.MethodGet && !slices.Contains(got, "HX-Target") {
				t.Errorf("Vary %q, want HX-Target among them", got)
			}
			// The row's own id, a section this route does not serve, anything else, or none: the row.
			for _, target := range []string{row, "book-shelves", "results", `"><script>`, ""} {
				res := a.do(mode{name: "HTMX", htmx: true, target: target}, r.method, r.path, r.form)
				res.wantStatus(t, http.StatusOK)
				got := res.fragment(t).First()
				if !got.Is("tr#" + row) {
					t.Fatalf("target %q: want the row, got:\n%s", target, res.body)
				}
				one(t, got, r.wantRow)
			}
		})
		if r.method != http.MethodPost {
			continue
		}
		t.Run(r.name+"Plain", func(t *testing.T) {
			a.do(plain, r.method, r.path, withField(r.form, "screen", "page")).wantRedirect(t, bookPath(b.ID))
			// The library is where everything else goes back to: no address is taken from the form.
			for _, screen := range []string{"", "library", "Page", "https://evil.example/", "//evil.example", "/books/1/delete"} {
				a.do(plain, r.method, r.path, withField(r.form, "screen", screen)).wantRedirect(t, "/books")
			}
			a.do(plain, r.method, r.path, r.form).wantRedirect(t, "/books")
		})
	}
}

// TestSetEdition: the book page shows a book's edition facts, the language by its name, and
// saves them from its form, by htmx (the section) and by a plain form (303 back to the page); a
// bad field answers 422 with its message beside it and everything typed kept, and saves nothing.
func TestSetEdition(t *testing.T) {
	full := url.Values{
		"publisher": {"Penguin Classics"}, "year": {"1991"}, "original_year": {"750 BC"}, "language": {"EN-gb"},
		"copies": {"2"}, "goodreads_id": {"1371"}, "storygraph_id": {"5f0c3a7e-1b2d"},
	}
	want := data.Edition{
		Publisher: "Penguin Classics", Year: 1991, OriginalYear: -750, Language: "en-GB", Copies: 2,
		GoodreadsID: "1371", StoryGraphID: "5f0c3a7e-1b2d",
	}
	edition := func(a *testApp, id int64) data.Edition {
		t.Helper()
		e, err := a.db.Editions().Get(t.Context(), a.reader.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	// wantFacts checks the facts the section shows.
	wantFacts := func(t *testing.T, doc *goquery.Document) {
		t.Helper()
		section := one(t, doc, "section#book-facts")
		for testid, text := range map[string]string{
			"edition-publisher": "Penguin Classics", "edition-year": "1991", "edition-original-year": "750 BC",
			"edition-language": "British English", "edition-copies": "2", "edition-goodreads-id": "1371",
			"edition-storygraph-id": "5f0c3a7e-1b2d",
		} {
			wantText(t, one(t, section, `[data-testid="`+testid+`"]`), text)
		}
	}
	// wantInputs checks that each fact's input holds it as it reads back: the canonical tag, the
	// year before Christ.
	wantInputs := func(t *testing.T, a *testApp, id int64) {
		t.Helper()
		for name, value := range map[string]string{"language": "en-GB", "original_year": "750 BC"} {
			wantAttr(t, one(t, a.get(plain, bookPath(id)+"?edit="+name).page(t), "section#book-facts #field-"+name), "value", value)
		}
	}

	t.Run("OKNone", func(t *testing.T) {
		a := newTestApp(t)
		b := a.create("The Iliad", "Homer", "")
		doc := a.get(plain, bookPath(b.ID)).page(t)
		for _, testid := range []string{"edition-publisher", "edition-year", "edition-language"} {
			wantText(t, one(t, doc, `section#book-facts [data-testid="`+testid+`"]`), "Add")
		}
		// No fragment: the input's autofocus scrolls to it, and a fragment would turn autofocus off.
		wantAttr(t, one(t, doc, "a#edit-publisher"), "href", bookPath(b.ID)+"?edit=publisher")
		form := one(t, a.get(plain, bookPath(b.ID)+"?edit=publisher").page(t), "#fact-publisher form")
		wantAttr(t, form, "action", bookPath(b.ID, "edition"))
		one(t, form, "#field-publisher[autofocus]")
	})
	t.Run("OKPlain", func(t *testing.T) {
		a := newTestApp(t)
		b := a.create("The Iliad", "Homer", "")
		a.get(plain, bookPath(b.ID))
		a.do(plain, http.MethodPost, bookPath(b.ID, "edition"), full).wantRedirect(t, bookPath(b.ID))
		if got := edition(a, b.ID); got != want {
			t.Errorf("stored %+v, want %+v", got, want)
		}
		wantFacts(t, a.get(plain, bookPath(b.ID)).page(t))
		wantInputs(t, a, b.ID)
	})
	t.Run("OKHTMX", func(t *testing.T) {
		a := newTestApp(t)
		b := a.create("The Iliad", "Homer", "")
		a.get(plain, bookPath(b.ID))
		res := a.do(htmx, http.MethodPost, bookPath(b.ID, "edition"), full)
		res.wantStatus(t, http.StatusOK)
		doc := res.parts(t)
		wantFacts(t, doc)
		none(t, doc, "#book-main")
		if got := edition(a, b.ID); got != want {
			t.Errorf("stored %+v, want %+v", got, want)
		}
		// A form without a fact keeps it; every fact emptied, every fact is forgotten.
		a.do(htmx, http.MethodPost, bookPath(b.ID, "edition"), url.Values{}).wantStatus(t, http.StatusOK)
		if got := edition(a, b.ID); got != want {
			t.Errorf("after sending no fact, stored %+v, want %+v", got, want)
		}
		empty := url.Values{}
		for name := range full {
			empty.Set(name, "")
		}
		a.do(htmx, http.MethodPost, bookPath(b.ID, "edition"), empty).wantStatus(t, http.StatusOK)
		if got := edition(a, b.ID); got != (data.Edition{}) {
			t.Errorf("after clearing the form, stored %+v", got)
		}
	})
	for _, m := range modes {
		t.Run("ErrInvalid"+m.name, func(t *testing.T) {
			a := newTestApp(t)
			b := a.create("The Iliad", "Homer", "")
			if _, err := a.db.Editions().Set(t.Context(), a.reader.ID, b.ID, want); err != nil {
				t.Fatal(err)
			}
			a.get(plain, bookPath(b.ID))
			next := strconv.Itoa(time.Now().Year() + 1)
			bad := url.Values{
				"publisher": {strings.Repeat("p", 251)}, "year": {next}, "original_year": {"0 BC"}, "language": {"xx"},
				"copies": {"-1"}, "goodreads_id": {"<b>1</b>"}, "storygraph_id": {"a b"},
			}
			res := a.do(m, http.MethodPost, bookPath(b.ID, "edition"), bad)
			res.wantStatus(t, http.StatusUnprocessableEntity)
			var doc *goquery.Document
			if m.htmx {
				doc = res.parts(t)
				none(t, doc, "#book-main")
			} else {
				doc = res.page(t)
			}
			section := one(t, doc, "section#book-facts")
			for field, msg := range map[string]string{
				"publisher":     "Publisher must be at most 250 characters (it has 251).",
				"year":          "Year published cannot be in the future (after " + strconv.Itoa(time.Now().Year()) + ").",
				"original_year": "There is no year 0: the year before AD 1 is 1 BC.",
				"language":      "This is not a language tag Bookcase knows: write one like en, fr-CA or pt-BR.",
				"copies":        "Copies owned is a whole number from 0 to 1000.",
				"goodreads_id":  "A Goodreads book id is a number, like 234225 (the one in the book's Goodreads address).",
				"storygraph_id": "A StoryGraph id is letters, digits and hyphens, as at the end of the book's StoryGraph address.",
			} {
				wantText(t, one(t, section, "#field-"+field+"-error"), msg)
				input := one(t, section, "#field-"+field)
				wantAttr(t, input, "value", bad.Get(field))
				wantAttr(t, input, "aria-invalid", "true")
			}
			// The first bad field takes the focus.
			wantAttr(t, one(t, section, "[autofocus]"), "id", "field-publisher")
			if strings.Contains(res.body, "<b>1</b>") {
				t.Error("what was typed is not escaped")
			}
			if got := edition(a, b.ID); got != want {
				t.Errorf("stored %+v, want it unchanged: %+v", got, want)
			}
		})
	}
	t.Run("ErrCopiesAbsurd", func(t *testing.T) {
		a := newTestApp(t)
		b := a.create("The Iliad", "Homer", "")
		a.get(plain, bookPath(b.ID))
		res := a.do(htmx, http.MethodPost, bookPath(b.ID, "edition"), url.Values{"copies": {"100000"}, "publisher": {"Kept"}})
		res.wantStatus(t, http.StatusUnprocessableEntity)
		doc := res.parts(t)
		wantText(t, one(t, doc, "#field-copies-error"), "Copies owned is a whole number from 0 to 1000.")
		wantAttr(t, one(t, doc, "#field-copies"), "value", "100000")
		if got := edition(a, b.ID); got != (data.Edition{}) {
			t.Errorf("stored %+v, want nothing", got)
		}
	})
	t.Run("ErrCSRF", func(t *testing.T) {
		a := newTestApp(t)
		b := a.create("The Iliad", "Homer", "")
		a.send(a.request(plain, http.MethodPost, bookPath(b.ID, "edition"), full)).wantStatus(t, http.StatusForbidden)
		if got := edition(a, b.ID); got != (data.Edition{}) {
			t.Errorf("stored %+v, want nothing", got)
		}
	})
}

// TestReadingsTimeline: the readings are a timeline, newest first, numbered from the first
// reading ("First reading", "Re-read 1" ...), each told as its events in order: started (or that
// the date is not known), the progress updates dated within it, oldest first, on the reader's
// days, then finished, given up (where) or being read. An update dated outside its reading's
// dates (they were corrected after it) is shown apart, under its own heading, with its reading
// named, and can be corrected there. The page and its readings alone (htmx) say the same.
func TestReadingsTimeline(t *testing.T) {
	a := newTestApp(t)
	ctx := t.Context()
	b := a.create("Dune", "Frank Herbert", "")
	if _, err := a.reading.SetDetails(ctx, a.reader.ID, b.ID, data.DetailsInput{Pages: "400"}); err != nil {
		t.Fatal(err)
	}
	if err := a.db.Users().SetTimeZone(ctx, a.reader.ID, "Etc/GMT-2"); err != nil { // UTC+2
		t.Fatal(err)
	}
	write, _ := a.db.SQL()
	day := func(m time.Month, d int) time.Time { return time.Date(2025, m, d, 12, 0, 0, 0, time.UTC) }
	status := func(st data.Status, on time.Time) {
		t.Helper()
		if _, err := a.reading.SetStatus(ctx, a.reader.ID, b.ID, st, on); err != nil {
			t.Fatal(err)
		}
	}
	// progress records page, then dates it at (zero: now).
	progress := func(page int, at time.Time) int64 {
		t.Helper()
		if _, err := a.reading.RecordProgress(ctx, a.reader.ID, b.ID, data.ProgressInput{Page: page}); err != nil {
			t.Fatal(err)
		}
		h, err := a.reading.ProgressHistory(ctx, a.reader.ID, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		id := h[0].ID
		if !at.IsZero() {
			if _, err := write.ExecContext(ctx, `UPDATE progress_updates SET recorded_at = ? WHERE id = ?`, at, id); err != nil {
				t.Fatal(err)
			}
		}
		return id
	}
	// The first reading: read, when it started not known.
	finish := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	if _, err := a.reading.AddReadThrough(ctx, a.reader.ID, b.ID, data.ReadingInput{FinishedOn: &finish, Outcome: data.StatusRead}); err != nil {
		t.Fatal(err)
	}
	// Re-read 1: read, with an update from before its start as corrected.
	status(data.StatusReading, day(1, 10))
	early := progress(100, day(1, 5))
	progress(200, time.Date(2025, 1, 9, 23, 30, 0, 0, time.UTC)) // 10 January at the reader's
	progress(300, day(1, 15))
	status(data.StatusRead, day(1, 20))
	// Re-read 2: given up.
	status(data.StatusReading, day(2, 1))
	progress(50, day(2, 3))
	status(data.StatusDNF, day(2, 10))
	// Re-read 3: being read.
	status(data.StatusReading, day(3, 1))
	progress(20, day(3, 2))
	progress(60, time.Time{})
	today := time.Now().In(time.FixedZone("UTC+2", 2*60*60)).Format("2 January 2006")

	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			var doc *goquery.Selection
			if m.htmx {
				doc = one(t, a.onPage(m, "book-readings", http.MethodGet, bookPath(b.ID), nil).parts(t), "section#book-readings")
			} else {
				doc = one(t, a.get(m, bookPath(b.ID)).page(t), "section#book-readings")
			}
			items := doc.Find(`ol.timeline > li`)
			if items.Length() != 4 {
				t.Fatalf("%d readings in the timeline, want 4", items.Length())
			}
			for i, want := range []struct {
				title  string
				events []string
			}{
				{"Re-read 3: Reading", []string{"Started 1 March 2025", "Page 20 (5%) 2 March 2025", "Page 60 (15%) " + today, "Reading now"}},
				{"Re-read 2: Did not finish", []string{"Started 1 February 2025", "Page 50 (12.5%) 3 February 2025", "Gave up 10 February 2025 at page 50"}},
				{"Re-read 1: Read", []string{"Started 10 January 2025", "Page 200 (50%) 10 January 2025", "Page 300 (75%) 15 January 2025", "Finished 20 January 2025"}},
				{"First reading: Read", []string{"Started date unknown", "Finished 1 June 2024"}},
			} {
				wantText(t, one(t, items.Eq(i), "h3"), want.title)
				wantEvents(t, items.Eq(i), want.events...)
			}
			// The days are the reader's, as machines read them too.
			var days []string
			items.Eq(2).Find("time").Each(func(_ int, s *goquery.Selection) { days = append(days, attr(t, s, "datetime")) })
			if want := []string{"2025-01-10", "2025-01-10", "2025-01-15", "2025-01-20"}; !slices.Equal(days, want) {
				t.Errorf("re-read 1's days %q, want %q", days, want)
			}
			none(t, items.Eq(3), "[data-testid=started] time")
			wantText(t, one(t, items.Eq(1), "[data-testid=stopped]"), "at page 50")
			// Both ends of a finished reading open its dates; an open reading's start alone.
			wantAttr(t, one(t, items.Eq(2), "[data-testid=ended] a"), "href", views.ReadingFinishURL(b.ID, rt(t, a, b.ID, 2)))
			none(t, items.Eq(0), "[data-testid=ended] a")
			// The update from before its reading's start is not lost.
			wantText(t, one(t, doc, "h3#outside-heading"), "Progress outside the reading dates")
			wantEvents(t, one(t, doc, "ol[data-testid=outside][aria-labelledby=outside-heading]"), "Page 100 (25%) 5 January 2025 in re-read 1")
			wantAttr(t, one(t, doc, "[data-testid=outside] a#edit-"+views.ProgressKey(early)), "href", views.BookFactEditURL(b.ID, views.ProgressKey(early)))
		})
	}
	// Opened from there, it says why it does not fit; dated within its reading, it goes back.
	key := views.ProgressKey(early)
	doc := a.onPage(htmx, "book-readings", http.MethodGet, views.BookFactEditURL(b.ID, key), nil).parts(t)
	one(t, doc, "[data-testid=outside] form[data-testid=progress-edit] input#field-"+key+"[autofocus]")
	res := a.onPage(htmx, "book-readings", http.MethodPost, views.ProgressURL(b.ID, early), url.Values{"progress": {"100"}, "recorded_on": {"2025-01-05"}})
	res.wantStatus(t, http.StatusUnprocessableEntity)
	wantText(t, one(t, res.parts(t), "[data-testid=outside] #recorded_on-"+strconv.FormatInt(early, 10)+"-error"), "The date is before this reading started (10 January 2025).")
	res = a.onPage(htmx, "book-readings", http.MethodPost, views.ProgressURL(b.ID, early), url.Values{"progress": {"100"}, "recorded_on": {"2025-01-11"}})
	res.wantStatus(t, http.StatusOK)
	doc = res.parts(t)
	none(t, doc, "[data-testid=outside], #outside-heading")
	wantEvents(t, doc.Find("ol.timeline > li").Eq(2), "Started 10 January 2025", "Page 200 (50%) 10 January 2025",
		"Page 100 (25%) 11 January 2025", "Page 300 (75%) 15 January 2025", "Finished 20 January 2025")
	one(t, doc, "ol.timeline a#edit-"+key+"[autofocus]")
}

// rt is the id of the reading numbered n (the first 1) of the reader's book id.
func rt(t *testing.T, a *testApp, id int64, n int) int64 {
	t.Helper()
	rts, err := a.reading.ReadThroughs(t.Context(), a.reader.ID, id)
	if err != nil || n < 1 || n > len(rts) {
		t.Fatalf("reading %d of %d: %v, %v", n, id, rts, err)
	}
	return rts[len(rts)-n].ID
}

// rt0 is the id of the newest reading of the reader's book id.
func rt0(t *testing.T, a *testApp, id int64) int64 {
	t.Helper()
	rts, err := a.reading.ReadThroughs(t.Context(), a.reader.ID, id)
	if err != nil || len(rts) == 0 {
		t.Fatalf("readings of %d: %v, %v", id, rts, err)
	}
	return rts[0].ID
}

// TestEditProgress corrects and deletes a progress update of the book page's timeline in its
// place, htmx and plain: opened by ?edit=, saved with the focus back on it (and the progress
// section following), refused with each problem beside its field (422) and nothing saved; another
// reader's update is a 404.
func TestEditProgress(t *testing.T) {
	setup := func(t *testing.T) (*testApp, data.Book, int64) {
		a := newTestApp(t)
		b := a.create("Dune", "Frank Herbert", "")
		if _, err := a.reading.SetDetails(t.Context(), a.reader.ID, b.ID, data.DetailsInput{Pages: "400", Keep: []string{"rating", "notes", "isbn"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.reading.SetStatus(t.Context(), a.reader.ID, b.ID, data.StatusReading, time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		if _, err := a.reading.RecordProgress(t.Context(), a.reader.ID, b.ID, data.ProgressInput{Page: 100}); err != nil {
			t.Fatal(err)
		}
		history, err := a.reading.ProgressHistory(t.Context(), a.reader.ID, b.ID)
		if err != nil || len(history) != 1 {
			t.Fatalf("history %+v, %v", history, err)
		}
		a.get(plain, bookPath(b.ID))
		return a, b, history[0].ID
	}
	stored := func(t *testing.T, a *testApp, b data.Book) data.ProgressUpdate {
		t.Helper()
		history, err := a.reading.ProgressHistory(t.Context(), a.reader.ID, b.ID)
		if err != nil || len(history) != 1 {
			t.Fatalf("history %+v, %v", history, err)
		}
		return history[0]
	}
	form := func(progress, on string) url.Values { return url.Values{"progress": {progress}, "recorded_on": {on}} }
	for _, m := range modes {
		t.Run("OK"+m.name, func(t *testing.T) {
			a, b, id := setup(t)
			key := views.ProgressKey(id)
			// Opened in its place: the readings (htmx), or the page with it open.
			var doc finder
			if m.htmx {
				doc = a.onPage(m, "book-readings", http.MethodGet, views.BookFactEditURL(b.ID, key), nil).parts(t)
			} else {
				doc = a.get(m, views.BookFactEditURL(b.ID, key)).page(t)
			}
			edit := one(t, doc, "section#book-readings form.reading.editing[data-testid=progress-edit]")
			wantAttr(t, edit, "action", views.ProgressURL(b.ID, id))
			wantAttr(t, one(t, edit, "input#field-"+key+"[autofocus]"), "value", "100")
			wantAttr(t, one(t, edit, "input#recorded_on-"+strconv.FormatInt(id, 10)), "value", time.Now().UTC().Format(time.DateOnly))
			wantAttr(t, one(t, edit, "button#delete-"+key), "formaction", views.ProgressDeleteURL(b.ID, id))

			res := a.onPage(m, "book-readings", http.MethodPost, views.ProgressURL(b.ID, id), form("150", "2025-03-05"))
			if m.htmx {
				res.wantStatus(t, http.StatusOK)
				doc := res.parts(t)
				wantText(t, one(t, doc, "section#book-readings a#edit-"+key+"[autofocus] .what"), "Page 150 (37.5%)")
				none(t, doc, "section#book-readings form.reading.editing")
				wantText(t, one(t, doc, `section#book-progress[hx-swap-oob="true"] [data-testid=progress-latest]`),
					"Last: Page 150 (37.5%), 5 March 2025. Every update is in the readings below.")
			} else {
				res.wantRedirect(t, bookPath(b.ID))
			}
			if u := stored(t, a, b); u.Page != 150 || u.RecordedAt.Format(time.DateOnly) != "2025-03-05" {
				t.Errorf("stored %+v, want page 150 on 2025-03-05", u)
			}
			// The library's row shows it too.
			got, err := a.books.Get(t.Context(), a.reader.ID, b.ID)
			if err != nil || got.Progress().Page != 150 {
				t.Errorf("the book's progress %+v, %v; want page 150", got.Progress(), err)
			}

			res = a.onPage(m, "book-readings", http.MethodPost, views.ProgressDeleteURL(b.ID, id), nil)
			if m.htmx {
				res.wantStatus(t, http.StatusOK)
				doc := res.parts(t)
				wantText(t, one(t, doc, "section#book-readings [role=status]"), "Progress update deleted.")
				one(t, doc, "section#book-readings h2[autofocus]")
				none(t, doc, "section#book-readings [data-testid=progress]")
			} else {
				res.wantRedirect(t, bookPath(b.ID))
			}
			if history, err := a.reading.ProgressHistory(t.Context(), a.reader.ID, b.ID); err != nil || len(history) != 0 {
				t.Errorf("history %+v, %v after delete, want none", history, err)
			}
		})
		for _, tc := range []struct{ name, progress, on, field, msg string }{
			{"ErrPastTheEnd", "401", "2025-03-05", "#field-progress-%d-error", "Page 401 is past the end (400 pages)."},
			{"ErrNotAPage", "lots", "2025-03-05", "#field-progress-%d-error", "Enter a page number, such as 123, or a percentage, such as 45%."},
			{"ErrFuture", "150", "2999-01-01", "#recorded_on-%d-error", "The date cannot be in the future."},
			{"ErrBeforeStart", "150", "2025-02-01", "#recorded_on-%d-error", "The date is before this reading started (1 March 2025)."},
			{"ErrNotADate", "150", "soon", "#recorded_on-%d-error", "Give the date as a date (yyyy-mm-dd)."},
		} {
			t.Run(tc.name+m.name, func(t *testing.T) {
				a, b, id := setup(t)
				before := stored(t, a, b)
				res := a.onPage(m, "book-readings", http.MethodPost, views.ProgressURL(b.ID, id), form(tc.progress, tc.on))
				res.wantStatus(t, http.StatusUnprocessableEntity)
				var doc finder
				if m.htmx {
					doc = res.parts(t)
				} else {
					doc = res.page(t)
				}
				edit := one(t, doc, "section#book-readings form.reading.editing")
				wantText(t, one(t, edit, fmt.Sprintf(tc.field, id)), tc.msg)
				one(t, edit, "[aria-invalid=true][autofocus]")
				wantAttr(t, one(t, edit, "input[name=progress]"), "value", tc.progress) // as typed
				wantAttr(t, one(t, edit, "input[name=recorded_on]"), "value", tc.on)
				if u := stored(t, a, b); !reflect.DeepEqual(u, before) {
					t.Errorf("stored %+v after a refusal, want %+v", u, before)
				}
			})
		}
		t.Run("ErrNotFoundOtherReader"+m.name, func(t *testing.T) {
			a, b, id := setup(t)
			before := stored(t, a, b)
			mallory := a.browser()
			mallory.signIn(mallory.addUser("mallory"))
			own := mallory.create("Mine", "M", "")
			mallory.get(plain, "/books")
			for _, target := range []string{
				views.ProgressURL(b.ID, id), views.ProgressDeleteURL(b.ID, id),
				// Her own book, with Ada's update.
				views.ProgressURL(own.ID, id), views.ProgressDeleteURL(own.ID, id),
			} {
				// A good correction, and a refused one (whose 422 would show the update).
				for _, f := range []url.Values{form("1", "2025-03-05"), form("lots", "soon")} {
					mallory.onPage(m, "book-readings", http.MethodPost, target, f).wantStatus(t, http.StatusNotFound)
				}
			}
			if u := stored(t, a, b); !reflect.DeepEqual(u, before) {
				t.Errorf("stored %+v, want %+v untouched", u, before)
			}
		})
		// An update of another of the reader's own books, named under this one (and this one's
		// under the other), is not found either, corrected, refused or deleted.
		t.Run("ErrNotFoundOtherBook"+m.name, func(t *testing.T) {
			a, b, id := setup(t)
			other := a.create("Emma", "Jane Austen", "")
			if _, err := a.reading.SetStatus(t.Context(), a.reader.ID, other.ID, data.StatusReading, time.Time{}); err != nil {
				t.Fatal(err)
			}
			if _, err := a.reading.RecordProgress(t.Context(), a.reader.ID, other.ID, data.ProgressInput{Page: 7}); err != nil {
				t.Fatal(err)
			}
			before, otherBefore := stored(t, a, b), stored(t, a, other)
			for _, target := range []string{
				views.ProgressURL(b.ID, otherBefore.ID), views.ProgressDeleteURL(b.ID, otherBefore.ID),
				views.ProgressURL(other.ID, id), views.ProgressDeleteURL(other.ID, id),
				views.ProgressURL(b.ID, otherBefore.ID+1000),
			} {
				for _, f := range []url.Values{form("2", "2025-03-05"), form("lots", "soon")} {
					a.onPage(m, "book-readings", http.MethodPost, target, f).wantStatus(t, http.StatusNotFound)
				}
			}
			if u := stored(t, a, b); !reflect.DeepEqual(u, before) {
				t.Errorf("stored %+v, want %+v untouched", u, before)
			}
			if u := stored(t, a, other); !reflect.DeepEqual(u, otherBefore) {
				t.Errorf("the other book's update %+v, want %+v untouched", u, otherBefore)
			}
		})
	}
}
