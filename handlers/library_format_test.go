package handlers_test

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/bookcase/bookcase/data"
)

// TestLibraryFormatAndLanguage filters the library by format and by language (shown by name),
// with each other and with the other filters, from the URL as a plain page and as the results
// htmx asks for; the URL, the column headings and Load more keep them; another reader's books
// never come; an unknown format or language tag is a 400 that says so.
func TestLibraryFormatAndLanguage(t *testing.T) {
	a, books := searchLibrary(t)
	ctx := t.Context()
	set := func(owner int64, b data.Book, f data.Format, lang string) {
		t.Helper()
		if _, err := a.books.Update(ctx, owner, b.ID, data.BookInput{Title: b.Title, Author: b.Author, Genre: b.Genre, Format: f}); err != nil {
			t.Fatal(err)
		}
		if lang != "" {
			if _, err := a.db.Editions().Set(ctx, owner, b.ID, data.Edition{Language: lang}); err != nil {
				t.Fatal(err)
			}
		}
	}
	set(a.reader.ID, books["The Hobbit"], data.FormatAudiobook, "en-GB")
	set(a.reader.ID, books["The Fellowship of the Ring"], data.FormatAudiobook, "fr")
	set(a.reader.ID, books["Cien años de soledad"], data.FormatEbook, "es")
	set(a.reader.ID, books["Solaris"], data.FormatPaperback, "pl")
	if _, err := a.reading.SetStatus(ctx, a.reader.ID, books["The Hobbit"].ID, data.StatusRead, time.Time{}); err != nil {
		t.Fatal(err)
	}
	other, err := a.db.Users().ByName(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := a.books.Create(ctx, other.ID, data.BookInput{Title: "Le Petit Prince", Author: "Antoine de Saint-Exupéry", Format: data.FormatAudiobook})
	if err != nil {
		t.Fatal(err)
	}
	set(other.ID, theirs, data.FormatAudiobook, "fr")

	for _, tc := range []struct{ target, selectedLang string }{
		{"/books?format=audiobook&lang=fr", "fr"},
		{"/books?format=AUDIOBOOK&lang=FR", "fr"},
	} {
		t.Run("Plain"+tc.target, func(t *testing.T) {
			res := a.get(plain, tc.target)
			res.wantStatus(t, http.StatusOK)
			doc := res.page(t)
			if got := titlesOf(doc.Selection); !slices.Equal(got, []string{"The Fellowship of the Ring"}) {
				t.Errorf("rows %q, want the reader's one French audiobook", got)
			}
			wantAttr(t, one(t, doc, "#format option[selected]"), "value", "audiobook")
			wantAttr(t, one(t, doc, "#lang option[selected]"), "value", tc.selectedLang)
			var langs []string
			doc.Find("#lang option").Each(func(_ int, o *goquery.Selection) { langs = append(langs, o.Text()) })
			if want := []string{"All languages", "British English", "Spanish", "French", "Polish"}; !slices.Equal(langs, want) {
				t.Errorf("language choices %q, want %q", langs, want)
			}
			wantText(t, one(t, doc, "[data-testid=matches]"), "1 book matches.")
			wantAttr(t, one(t, doc, "thead th.title a[data-sort=title]"), "href", "/books?format=audiobook&lang=fr&sort=title")
			one(t, doc, `#filters a[href="/books?status=read&format=audiobook&lang=fr"]`)
		})
	}
	for _, tc := range []struct {
		target string
		want   []string
	}{
		{"/books?format=audiobook", []string{"The Fellowship of the Ring", "The Hobbit"}},
		{"/books?format=audiobook&status=read", []string{"The Hobbit"}},
		{"/books?lang=es&genre=novel", []string{"Cien años de soledad"}},
		{"/books?lang=es&genre=fantasy", nil},
		{"/books?format=paperback&sort=title", []string{"Dune", "Solaris"}},
		{"/books?lang=en-gb&q=tolk", []string{"The Hobbit"}},
	} {
		t.Run("Combined"+tc.target, func(t *testing.T) {
			if got := titlesOf(a.get(plain, tc.target).page(t).Selection); !slices.Equal(got, tc.want) {
				t.Errorf("rows %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("HTMX", func(t *testing.T) {
		// The search form sends every field; the URL shown is the view's own.
		res := a.results("/books?q=&genre=&format=audiobook&lang=", "library-search")
		res.wantStatus(t, http.StatusOK)
		if got := res.Header.Get("HX-Replace-Url"); got != "/books?format=audiobook" {
			t.Errorf("HX-Replace-Url = %q, want /books?format=audiobook", got)
		}
		frag := resultsOf(t, res)
		if got := titlesOf(frag); !slices.Equal(got, []string{"The Fellowship of the Ring", "The Hobbit"}) {
			t.Errorf("rows %q", got)
		}
		wantAttr(t, one(t, frag, "thead th.title a[data-sort=title]"), "hx-get", "/books?format=audiobook&sort=title")
		res = a.results("/books?format=audiobook&lang=en-GB&sort=title", "")
		res.wantStatus(t, http.StatusOK)
		if got := res.Header.Get("HX-Push-Url"); got != "/books?format=audiobook&lang=en-GB&sort=title" {
			t.Errorf("HX-Push-Url = %q", got)
		}
		if got := titlesOf(resultsOf(t, res)); !slices.Equal(got, []string{"The Hobbit"}) {
			t.Errorf("rows %q", got)
		}
	})
	for _, target := range []string{"/books?format=scroll", "/books?lang=en_GB!", "/books?lang=zz"} {
		t.Run("ErrBad"+target, func(t *testing.T) {
			for _, m := range modes {
				res := a.get(m, target)
				res.wantStatus(t, http.StatusBadRequest)
				if m.htmx {
					continue
				}
				if got := one(t, res.page(t), "p.problem").Text(); !strings.Contains(got, "Showing all your books") {
					t.Errorf("problem = %q", got)
				}
			}
		})
	}
	t.Run("LoadMoreKeepsThem", func(t *testing.T) {
		b := newTestApp(t)
		for i := range data.PageSize + 2 {
			bk, err := b.books.Create(ctx, b.reader.ID, data.BookInput{Title: "Audio " + strconv.Itoa(i), Author: "Narrated", Format: data.FormatAudiobook})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := b.db.Editions().Set(ctx, b.reader.ID, bk.ID, data.Edition{Language: "de"}); err != nil {
				t.Fatal(err)
			}
		}
		b.create("Printed", "Author", "")
		more := one(t, b.get(plain, "/books?format=audiobook&lang=de").page(t), "#load-more a")
		href := attr(t, more, "href")
		if !strings.HasPrefix(href, "/books?format=audiobook&lang=de&before=") {
			t.Fatalf("load more = %q, want the filters kept", href)
		}
		res := b.get(htmx, href)
		res.wantStatus(t, http.StatusOK)
		if got := rowIDs(t, res.fragment(t).Parent()); len(got) != 2 {
			t.Errorf("next page has %d rows, want 2", len(got))
		}
	})
}
