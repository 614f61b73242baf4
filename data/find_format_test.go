package data_test

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/bookcase/bookcase/data"
)

// TestFindFormatAndLanguage filters the library by format and by the language of the books'
// editions, alone and with the other filters, a page at a time in several orders; another
// reader's books in the same format and language never come, and an unknown format is refused.
func TestFindFormatAndLanguage(t *testing.T) {
	db := openDB(t)
	books, editions := db.Books(), db.Editions()
	owner := addReader(t, db, "reader").ID
	other := addReader(t, db, "other").ID
	ctx := t.Context()
	mine := library(t, db, owner, 40, rand.New(rand.NewPCG(8, 9)))
	formats := data.Formats()
	langs := []string{"", "fr", "pt-BR", "", "en"}
	format := map[int64]data.Format{}
	lang := map[int64]string{}
	for i, b := range mine {
		f := formats[i%len(formats)]
		if _, err := books.Update(ctx, owner, b.ID, data.BookInput{Title: b.Title, Author: b.Author, Genre: b.Genre, Format: f}); err != nil {
			t.Fatal(err)
		}
		format[b.ID] = f
		if l := langs[i%len(langs)]; l != "" {
			if _, err := editions.Set(ctx, owner, b.ID, data.Edition{Language: l}); err != nil {
				t.Fatal(err)
			}
			lang[b.ID] = l
		}
	}
	theirs := mustCreate(t, books, other, data.BookInput{Title: "Alpha theirs", Author: "Alpha Writer", Format: data.FormatAudiobook})
	if _, err := editions.Set(ctx, other, theirs.ID, data.Edition{Language: "fr"}); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		q    data.BookQuery
		keep func(data.Book) bool
	}{
		{"Format", data.BookQuery{Format: data.FormatAudiobook}, func(b data.Book) bool { return format[b.ID] == data.FormatAudiobook }},
		{"FormatByTitle", data.BookQuery{Format: data.FormatEbook, Sort: data.SortTitle}, func(b data.Book) bool { return format[b.ID] == data.FormatEbook }},
		{"Language", data.BookQuery{Language: "fr"}, func(b data.Book) bool { return lang[b.ID] == "fr" }},
		{"LanguageByRating", data.BookQuery{Language: "pt-BR", Sort: data.SortRating}, func(b data.Book) bool { return lang[b.ID] == "pt-BR" }},
		{"FormatLanguageGenre", data.BookQuery{Format: data.FormatPaperback, Language: "fr", Genre: "fantasy"}, func(b data.Book) bool {
			return format[b.ID] == data.FormatPaperback && lang[b.ID] == "fr" && strings.EqualFold(b.Genre, "fantasy")
		}},
		{"FormatStatusSearch", data.BookQuery{Format: data.FormatHardcover, Status: data.StatusRead, Search: "writer"}, func(b data.Book) bool {
			return format[b.ID] == data.FormatHardcover && b.Status == data.StatusRead
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var kept []data.Book
			for _, b := range mine {
				if tc.keep(b) {
					kept = append(kept, b)
				}
			}
			all := tc.q
			all.Limit = 500
			want := ids(findAll(t, books, owner, all))
			// Every book kept and no other, in the order's own sequence a page of 3 at a time.
			if got := slices.Sorted(slices.Values(want)); !slices.Equal(got, slices.Sorted(slices.Values(ids(kept)))) {
				t.Fatalf("got %v, want %v", got, ids(kept))
			}
			q := tc.q
			q.Limit = 3
			if got := ids(findAll(t, books, owner, q)); !slices.Equal(got, want) {
				t.Errorf("paged %v, whole %v", got, want)
			}
			if n, err := books.FindCount(ctx, owner, tc.q, 100); err != nil || n != len(kept) {
				t.Errorf("FindCount = %d, %v; want %d", n, err, len(kept))
			}
		})
	}
	if len(mine) == 0 {
		t.Fatal("no books")
	}
	if _, err := books.Find(ctx, owner, data.BookQuery{Format: "scroll"}); !errors.Is(err, data.ErrInvalid) {
		t.Errorf("an unknown format: %v, want ErrInvalid", err)
	}
	got, err := books.Languages(ctx, owner)
	if want := []string{"en", "fr", "pt-BR"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("Languages = %q, %v; want %q", got, err, want)
	}
	if got, err := books.Languages(ctx, other); err != nil || !slices.Equal(got, []string{"fr"}) {
		t.Errorf("the other reader's Languages = %q, %v", got, err)
	}
}
