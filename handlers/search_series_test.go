package handlers_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/bookcase/bookcase/data"
)

// TestLibrarySearchSeriesAndPublisher checks that the library's search box finds books by their
// series' names and their publisher, as a page and as the reader types, and never another
// reader's books in a series of the same name.
func TestLibrarySearchSeriesAndPublisher(t *testing.T) {
	a, books := searchLibrary(t)
	ctx := t.Context()
	owner := a.reader.ID
	for _, b := range []struct{ title, series, pos string }{
		{"The Hobbit", "Middle-earth", "0"},
		{"The Fellowship of the Ring", "The Lord of the Rings", "1"},
	} {
		if _, err := a.db.Series().AddBook(ctx, owner, books[b.title].ID, data.SeriesRef{Name: b.series, Position: b.pos}); err != nil {
			t.Fatalf("AddBook(%q): %v", b.title, err)
		}
	}
	if _, err := a.db.Editions().Set(ctx, owner, books["Solaris"].ID, data.Edition{Publisher: "Wydawnictwo Literackie"}); err != nil {
		t.Fatalf("Set edition: %v", err)
	}
	other := a.addUser("third")
	b, err := a.books.Create(ctx, other.ID, data.BookInput{Title: "The Two Towers", Author: "J. R. R. Tolkien"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.Series().AddBook(ctx, other.ID, b.ID, data.SeriesRef{Name: "The Lord of the Rings", Position: "2"}); err != nil {
		t.Fatal(err)
	}

	t.Run("PlainPage", func(t *testing.T) {
		res := a.get(plain, "/books?q=lord+rings")
		res.wantStatus(t, http.StatusOK)
		doc := res.page(t)
		if got, want := titlesOf(doc.Selection), []string{"The Fellowship of the Ring"}; !slices.Equal(got, want) {
			t.Errorf("rows %q, want %q (never another reader's Two Towers)", got, want)
		}
		wantText(t, one(t, doc, "[data-testid=matches]"), "1 book matches.")
	})
	t.Run("AsYouType", func(t *testing.T) {
		res := a.results("/books?q=middle-ear", "library-search")
		res.wantStatus(t, http.StatusOK)
		if got := titlesOf(resultsOf(t, res)); !slices.Equal(got, []string{"The Hobbit"}) {
			t.Errorf("rows %q, want The Hobbit\n%s", got, res.body)
		}
	})
	t.Run("ByPublisher", func(t *testing.T) {
		doc := a.get(plain, "/books?q=literackie").page(t)
		if got := titlesOf(doc.Selection); !slices.Equal(got, []string{"Solaris"}) {
			t.Errorf("rows %q, want Solaris", got)
		}
		frag := resultsOf(t, a.results("/books?q=wydaw", "library-search"))
		if got := titlesOf(frag); !slices.Equal(got, []string{"Solaris"}) {
			t.Errorf("as you type, rows %q, want Solaris", got)
		}
	})
}
