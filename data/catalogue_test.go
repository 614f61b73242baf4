package data_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

var fox = data.CatalogueRecord{ISBN: "9780140328721", Title: "Fantastic Mr Fox", Authors: []string{"Roald Dahl"}, Pages: 96,
	Publisher: "Puffin", Year: 1988, Language: "en", Source: "Open Library"}

// TestCatalogueCache: an answer, found or not, is kept until it expires, with its cover.
func TestCatalogueCache(t *testing.T) {
	db := openDB(t)
	clock := t0
	db.SetClock(fixedClock(&clock))
	cache := db.Catalogue()
	ctx := t.Context()

	if _, err := cache.Get(ctx, fox.ISBN); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("Get before any answer: %v, want ErrNotFound", err)
	}
	if err := cache.Put(ctx, true, fox, []byte("s"), []byte("l"), time.Hour); err != nil {
		t.Fatal(err)
	}
	got, err := cache.Get(ctx, fox.ISBN)
	if err != nil || !got.Found || !got.HasCover || !reflect.DeepEqual(got.Record, fox) || !got.ExpiresAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("Get = %+v, %v; want the record, found, with its cover, for an hour", got, err)
	}
	if pic, err := cache.Cover(ctx, fox.ISBN, data.CoverLarge); err != nil || string(pic) != "l" {
		t.Errorf("Cover = %q, %v", pic, err)
	}

	missing := data.CatalogueRecord{ISBN: "9780306406157"}
	if err := cache.Put(ctx, false, missing, nil, nil, time.Minute); err != nil {
		t.Fatal(err)
	}
	if got, err := cache.Get(ctx, missing.ISBN); err != nil || got.Found || got.HasCover {
		t.Errorf("Get of an ISBN not found = %+v, %v; want an answer, not found", got, err)
	}
	if _, err := cache.Cover(ctx, missing.ISBN, data.CoverSmall); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("Cover of an answer without one: %v, want ErrNotFound", err)
	}

	t.Run("Expiry", func(t *testing.T) {
		clock = t0.Add(time.Minute)
		if _, err := cache.Get(ctx, missing.ISBN); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("Get of an expired answer: %v, want ErrNotFound", err)
		}
		if _, err := cache.Get(ctx, fox.ISBN); err != nil {
			t.Errorf("Get of an answer still good: %v", err)
		}
		if n, err := cache.PurgeExpired(ctx); err != nil || n != 1 {
			t.Errorf("PurgeExpired = %d, %v; want 1", n, err)
		}
		clock = t0.Add(time.Hour)
		if _, err := cache.Cover(ctx, fox.ISBN, data.CoverSmall); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("Cover of an expired answer: %v, want ErrNotFound", err)
		}
	})
	t.Run("Replace", func(t *testing.T) {
		if err := cache.Put(ctx, true, fox, nil, nil, time.Hour); err != nil {
			t.Fatal(err)
		}
		if got, err := cache.Get(ctx, fox.ISBN); err != nil || !got.Found || got.HasCover {
			t.Errorf("Get after a new answer without cover = %+v, %v", got, err)
		}
	})
}

func TestCatalogueRecordAuthor(t *testing.T) {
	long := strings.Repeat("x", 100)
	for _, tc := range []struct {
		authors []string
		want    string
	}{
		{nil, ""},
		{[]string{"Roald Dahl"}, "Roald Dahl"},
		{[]string{"Terry Pratchett", " ", "Neil Gaiman"}, "Terry Pratchett, Neil Gaiman"},
		{[]string{long, long, long}, long + ", " + long + " and others"},
	} {
		if got := (data.CatalogueRecord{Authors: tc.authors}).Author(); got != tc.want {
			t.Errorf("Author(%q) = %q, want %q", tc.authors, got, tc.want)
		}
	}
}

// TestCatalogueRecordEdition: a record's edition facts as a book keeps them; what it could not
// keep is left out, and the rest kept.
func TestCatalogueRecordEdition(t *testing.T) {
	for _, tc := range []struct {
		r    data.CatalogueRecord
		want data.Edition
	}{
		{fox, data.Edition{Publisher: "Puffin", Year: 1988, Language: "en"}},
		{data.CatalogueRecord{Publisher: "Gollancz", Year: t0.Year() + 1, Language: "EN-gb"}, data.Edition{Publisher: "Gollancz", Language: "en-GB"}},
		{data.CatalogueRecord{Year: 2001, Language: "not a language"}, data.Edition{Year: 2001}},
		{data.CatalogueRecord{Publisher: strings.Repeat("p", data.MaxFieldLen+1), Language: "und"}, data.Edition{}},
		{data.CatalogueRecord{}, data.Edition{}},
	} {
		if got := tc.r.Edition(t0); got != tc.want {
			t.Errorf("Edition of %+v = %+v, want %+v", tc.r, got, tc.want)
		}
	}
}

// TestCreateCatalogued: a new book takes its length, ISBN, cover and edition with it, in one go.
func TestCreateCatalogued(t *testing.T) {
	db, books, owner := openCatalogued(t)
	ctx := t.Context()
	b, err := books.CreateCatalogued(ctx, owner, data.BookInput{Title: "Fantastic Mr Fox", Author: "Roald Dahl", Status: data.StatusReading},
		data.Catalogued{Pages: 96, ISBN: fox.ISBN, Small: []byte("s"), Large: []byte("l"), Edition: fox.Edition(t0)})
	if err != nil {
		t.Fatal(err)
	}
	if e, err := db.Editions().Get(ctx, owner, b.ID); err != nil || e != (data.Edition{Publisher: "Puffin", Year: 1988, Language: "en"}) {
		t.Errorf("edition = %+v, %v; want the record's", e, err)
	}
	got, err := books.Get(ctx, owner, b.ID)
	if err != nil || got.Pages != 96 || got.ISBN != fox.ISBN || got.Cover != data.CoverHash([]byte("l")) || got.Status != data.StatusReading {
		t.Errorf("book = %+v, %v; want 96 pages, the ISBN, the cover, reading", got, err)
	}
	if b.Cover != got.Cover || b.Pages != 96 {
		t.Errorf("CreateCatalogued returned %+v, not the book as stored", b)
	}
	t.Run("ErrPages", func(t *testing.T) {
		_, err := books.CreateCatalogued(ctx, owner, data.BookInput{Title: "", Author: "A"}, data.Catalogued{Pages: data.MaxPages + 1})
		var verr *data.ValidationError
		if !errors.As(err, &verr) || verr.Fields["pages"] == "" || verr.Fields["title"] == "" {
			t.Errorf("err %v, want problems with the title and the pages", err)
		}
	})
}

// TestTakeFromCatalogue: only the fields chosen change, checked as edits are; a problem changes nothing.
func TestTakeFromCatalogue(t *testing.T) {
	db, books, owner := openCatalogued(t)
	ctx := t.Context()
	b := mustCreate(t, books, owner, data.BookInput{Title: "Mr Fox", Author: "Dahl", Genre: "Children"})
	if _, err := db.Editions().Set(ctx, owner, b.ID, data.Edition{Publisher: "Knopf", Copies: 2}); err != nil {
		t.Fatal(err)
	}
	title, pages, isbn, year, lang := "Fantastic Mr Fox", 96, fox.ISBN, 1988, "en"
	got, err := books.TakeFromCatalogue(ctx, owner, b.ID, data.CatalogueChanges{Title: &title, Pages: &pages, ISBN: &isbn,
		Small: []byte("s"), Large: []byte("l"), Year: &year, Language: &lang})
	if err != nil {
		t.Fatal(err)
	}
	if e, err := db.Editions().Get(ctx, owner, b.ID); err != nil || e != (data.Edition{Publisher: "Knopf", Year: 1988, Language: "en", Copies: 2}) {
		t.Errorf("edition = %+v, %v; want the year and language taken, the publisher and copies kept", e, err)
	}
	if got.Title != title || got.Author != "Dahl" || got.Genre != "Children" || got.Pages != 96 || got.ISBN != isbn || got.Cover == "" {
		t.Errorf("book = %+v; want the title, pages, ISBN and cover taken, the author and genre kept", got)
	}
	if found, err := books.Find(ctx, owner, data.BookQuery{Search: "fantastic"}); err != nil || len(found.Books) != 1 {
		t.Errorf("search for the new title: %v, %v", found.Books, err)
	}

	long := strings.Repeat("x", data.MaxFieldLen+1)
	zero, future := 0, t0.Year()+1
	_, err = books.TakeFromCatalogue(ctx, owner, b.ID, data.CatalogueChanges{Author: &long, Pages: &zero, Year: &future})
	var verr *data.ValidationError
	if !errors.As(err, &verr) || verr.Fields["author"] == "" || verr.Fields["pages"] == "" || verr.Fields["year"] == "" {
		t.Errorf("err %v, want problems with the author, pages and year", err)
	}
	if after, err := books.Get(ctx, owner, b.ID); err != nil || after.Author != "Dahl" || after.Pages != 96 {
		t.Errorf("a refused change changed the book: %+v", after)
	}
	if _, err := books.TakeFromCatalogue(ctx, owner+1, b.ID, data.CatalogueChanges{Title: &title}); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("another reader's book: %v, want ErrNotFound", err)
	}
}

// openCatalogued opens a database with one reader, the clock at t0.
func openCatalogued(t *testing.T) (*data.DB, *data.BookStore, int64) {
	t.Helper()
	db := openDB(t)
	clock := t0
	db.SetClock(fixedClock(&clock))
	return db, db.Books(), addReader(t, db, "reader").ID
}
