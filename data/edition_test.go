package data_test

import (
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

func TestParseEdition(t *testing.T) {
	// t0 is in 2025: 2025 is this year, 2026 the future.
	full := data.EditionInput{
		Publisher: " Chilton Books ", Year: "1965", OriginalYear: "1965", Language: "EN-us",
		Copies: "2", GoodreadsID: " 234225 ", StoryGraphID: "0d5c0f56-8b87-4e4c-9a4b-3f2a3b5f9a11",
	}
	with := func(f func(in *data.EditionInput)) data.EditionInput {
		in := full
		f(&in)
		return in
	}
	tests := []struct {
		name string
		in   data.EditionInput
		want data.Edition
		errs map[string]string // field -> message; nil means valid
	}{
		{name: "OK", in: full, want: data.Edition{
			Publisher: "Chilton Books", Year: 1965, OriginalYear: 1965, Language: "en-US",
			Copies: 2, GoodreadsID: "234225", StoryGraphID: "0d5c0f56-8b87-4e4c-9a4b-3f2a3b5f9a11",
		}},
		{name: "OKEmpty", in: data.EditionInput{Copies: " ", Year: "0"}, want: data.Edition{}},
		{name: "OKThisYear", in: data.EditionInput{Year: "2025", OriginalYear: "2025"}, want: data.Edition{Year: 2025, OriginalYear: 2025}},
		{name: "OKBC", in: data.EditionInput{OriginalYear: "300 BC"}, want: data.Edition{OriginalYear: -300}},
		{name: "OKBCE", in: data.EditionInput{OriginalYear: "750 bce"}, want: data.Edition{OriginalYear: -750}},
		{name: "OKBCDots", in: data.EditionInput{OriginalYear: "1 B.C."}, want: data.Edition{OriginalYear: -1}},
		{name: "OKMinus", in: data.EditionInput{OriginalYear: "-9999"}, want: data.Edition{OriginalYear: data.MinYear}},
		{name: "OKAD", in: data.EditionInput{OriginalYear: "AD 1066", Year: "1066 CE"}, want: data.Edition{OriginalYear: 1066, Year: 1066}},
		{name: "OKLanguageCanonical", in: data.EditionInput{Language: "zh-hant-tw"}, want: data.Edition{Language: "zh-Hant-TW"}},
		{name: "OKLanguageDeprecated", in: data.EditionInput{Language: "iw"}, want: data.Edition{Language: "he"}},
		{name: "OKLanguageUndetermined", in: data.EditionInput{Language: "und"}, want: data.Edition{}},
		{name: "OKMaxCopies", in: data.EditionInput{Copies: "1000"}, want: data.Edition{Copies: data.MaxCopies}},
		{name: "OKPublisher250Runes", in: data.EditionInput{Publisher: strings.Repeat("é", 250)}, want: data.Edition{Publisher: strings.Repeat("é", 250)}},
		{
			name: "ErrYearFuture", in: with(func(in *data.EditionInput) { in.Year = "2026" }),
			errs: map[string]string{"year": "Year published cannot be in the future (after 2025)."},
		},
		{
			name: "ErrOriginalYearFuture", in: with(func(in *data.EditionInput) { in.OriginalYear = "3000" }),
			errs: map[string]string{"original_year": "Original publication year cannot be in the future (after 2025)."},
		},
		{
			name: "ErrYearBC", in: with(func(in *data.EditionInput) { in.Year = "300 BC" }),
			errs: map[string]string{"year": "Year published is from AD 1 on: the year a work first appeared before it goes in Original publication year."},
		},
		{
			name: "ErrYearZeroBC", in: with(func(in *data.EditionInput) { in.OriginalYear = "0 BC" }),
			errs: map[string]string{"original_year": "There is no year 0: the year before AD 1 is 1 BC."},
		},
		{
			name: "ErrOriginalYearTooEarly", in: with(func(in *data.EditionInput) { in.OriginalYear = "10000 BC" }),
			errs: map[string]string{"original_year": "Original publication year is from 9999 BC on."},
		},
		{
			name: "ErrYearFormat", in: with(func(in *data.EditionInput) { in.Year = "nineteen" }),
			errs: map[string]string{"year": "Write the year in digits, like 1965."},
		},
		{
			name: "ErrOriginalYearFormat", in: with(func(in *data.EditionInput) { in.OriginalYear = "300 BC AD" }),
			errs: map[string]string{"original_year": "Write the year in digits, like 1851, or 300 BC for a year before Christ."},
		},
		{
			name: "ErrYearHuge", in: with(func(in *data.EditionInput) { in.Year = "99999999999999999999" }),
			errs: map[string]string{"year": "Write the year in digits, like 1965."},
		},
		{
			name: "ErrLanguageUnknown", in: with(func(in *data.EditionInput) { in.Language = "xx" }),
			errs: map[string]string{"language": "This is not a language tag Bookcase knows: write one like en, fr-CA or pt-BR."},
		},
		{
			name: "ErrLanguageFormat", in: with(func(in *data.EditionInput) { in.Language = "English!" }),
			errs: map[string]string{"language": "Write the language as a BCP 47 tag, like en, fr-CA or pt-BR."},
		},
		{
			name: "ErrLanguageTooLong", in: with(func(in *data.EditionInput) { in.Language = "en-" + strings.Repeat("a", 40) }),
			errs: map[string]string{"language": "Write the language as a BCP 47 tag, like en, fr-CA or pt-BR."},
		},
		{
			name: "ErrCopiesNegative", in: with(func(in *data.EditionInput) { in.Copies = "-1" }),
			errs: map[string]string{"copies": "Copies owned is a whole number from 0 to 1000."},
		},
		{
			name: "ErrCopiesAbsurd", in: with(func(in *data.EditionInput) { in.Copies = "1001" }),
			errs: map[string]string{"copies": "Copies owned is a whole number from 0 to 1000."},
		},
		{
			name: "ErrCopiesFormat", in: with(func(in *data.EditionInput) { in.Copies = "two" }),
			errs: map[string]string{"copies": "Copies owned is a whole number from 0 to 1000."},
		},
		{
			name: "ErrPublisherTooLong", in: with(func(in *data.EditionInput) { in.Publisher = strings.Repeat("p", 251) }),
			errs: map[string]string{"publisher": "Publisher must be at most 250 characters (it has 251)."},
		},
		{
			name: "ErrPublisherTwoLines", in: with(func(in *data.EditionInput) { in.Publisher = "Ace\nBooks" }),
			errs: map[string]string{"publisher": "Publisher must be a single line of text."},
		},
		{
			name: "ErrGoodreadsID", in: with(func(in *data.EditionInput) { in.GoodreadsID = "234225.Dune" }),
			errs: map[string]string{"goodreads_id": "A Goodreads book id is a number, like 234225 (the one in the book's Goodreads address)."},
		},
		{
			name: "ErrStoryGraphID", in: with(func(in *data.EditionInput) { in.StoryGraphID = "../books" }),
			errs: map[string]string{"storygraph_id": "A StoryGraph id is letters, digits and hyphens, as at the end of the book's StoryGraph address."},
		},
		{
			name: "ErrEverything",
			in: data.EditionInput{
				Publisher: strings.Repeat("p", 251), Year: "2026", OriginalYear: "soon", Language: "xx",
				Copies: "-3", GoodreadsID: "x", StoryGraphID: "a b",
			},
			errs: map[string]string{
				"publisher": "Publisher must be at most 250 characters (it has 251).", "year": "Year published cannot be in the future (after 2025).",
				"original_year": "Write the year in digits, like 1851, or 300 BC for a year before Christ.",
				"language":      "This is not a language tag Bookcase knows: write one like en, fr-CA or pt-BR.",
				"copies":        "Copies owned is a whole number from 0 to 1000.",
				"goodreads_id":  "A Goodreads book id is a number, like 234225 (the one in the book's Goodreads address).",
				"storygraph_id": "A StoryGraph id is letters, digits and hyphens, as at the end of the book's StoryGraph address.",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := data.ParseEdition(tt.in, t0)
			if tt.errs == nil {
				if err != nil || got != tt.want {
					t.Fatalf("ParseEdition = %+v, %v; want %+v", got, err, tt.want)
				}
				// What a form shows of a saved edition reads back as the same edition.
				if again, err := data.ParseEdition(got.Input(), t0); err != nil || again != got {
					t.Errorf("ParseEdition(Input()) = %+v, %v; want %+v", again, err, got)
				}
				return
			}
			var v *data.ValidationError
			if !errors.As(err, &v) || !errors.Is(err, data.ErrInvalid) {
				t.Fatalf("err = %v, want a *data.ValidationError", err)
			}
			if !maps.Equal(v.Fields, tt.errs) {
				t.Errorf("problems = %q\nwant %q", v.Fields, tt.errs)
			}
			for f := range v.Fields {
				if !slices.Contains(data.EditionFields[:], f) {
					t.Errorf("field %q is not one of EditionFields", f)
				}
			}
		})
	}
}

func TestFormatYear(t *testing.T) {
	for y, want := range map[int]string{0: "", 1965: "1965", -300: "300 BC", -1: "1 BC", 1: "1"} {
		if got := data.FormatYear(y); got != want {
			t.Errorf("FormatYear(%d) = %q, want %q", y, got, want)
		}
	}
}

func TestLanguageName(t *testing.T) {
	for tag, want := range map[string]string{
		"": "", "en": "English", "fr": "French", "pt-BR": "Brazilian Portuguese", "grc": "Ancient Greek",
		"la": "Latin", "qaa": "qaa", // private use: no name, the tag itself
	} {
		if got := data.LanguageName(tag); got != want {
			t.Errorf("LanguageName(%q) = %q, want %q", tag, got, want)
		}
	}
}

// TestEditionStore: a book's edition facts read back as saved (years before Christ too), are
// checked field by field with nothing saved on a problem, belong to the owner's live book only,
// and go with the book when it is purged.
func TestEditionStore(t *testing.T) {
	db := openDB(t)
	clock := t0
	db.SetClock(fixedClock(&clock))
	ada, bob := addReader(t, db, "ada").ID, addReader(t, db, "bob").ID
	iliad := mustCreate(t, db.Books(), ada, data.BookInput{Title: "The Iliad", Author: "Homer"})
	editions := db.Editions()
	ctx := t.Context()

	t.Run("OKNoneKnown", func(t *testing.T) {
		if e, err := editions.Get(ctx, ada, iliad.ID); err != nil || e != (data.Edition{}) {
			t.Errorf("Get of a new book = %+v, %v; want the zero Edition", e, err)
		}
	})
	want := data.Edition{
		Publisher: "Penguin Classics", Year: 1991, OriginalYear: -750, Language: "en-GB", Copies: 2,
		GoodreadsID: "1371", StoryGraphID: "5f0c3a7e-1b2d-4c5e-8f9a-0b1c2d3e4f5a",
	}
	t.Run("OKRoundTrip", func(t *testing.T) {
		in := want
		in.Language, in.Publisher = "EN-gb", "  Penguin Classics "
		saved, err := editions.Set(ctx, ada, iliad.ID, in)
		if err != nil || saved != want {
			t.Fatalf("Set = %+v, %v; want %+v", saved, err, want)
		}
		if got, err := editions.Get(ctx, ada, iliad.ID); err != nil || got != want {
			t.Errorf("Get = %+v, %v; want %+v", got, err, want)
		}
	})
	t.Run("ErrInvalidKeepsSaved", func(t *testing.T) {
		bad := want
		bad.Year, bad.OriginalYear, bad.Language, bad.Copies, bad.Publisher = 2026, -10000, "xx", -1, strings.Repeat("p", 251)
		_, err := editions.Set(ctx, ada, iliad.ID, bad)
		assertInvalid(t, err, "year", "original_year", "language", "copies", "publisher")
		if got, err := editions.Get(ctx, ada, iliad.ID); err != nil || got != want {
			t.Errorf("after a refused Set, Get = %+v, %v; want %+v", got, err, want)
		}
		bad = want
		bad.Copies = data.MaxCopies + 1
		_, err = editions.Set(ctx, ada, iliad.ID, bad)
		assertInvalid(t, err, "copies")
	})
	t.Run("OKYearTurns", func(t *testing.T) {
		// The future is the store's clock's: 2026 is refused in 2025 and taken in 2026.
		next := want
		next.Year = 2026
		clock = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		defer func() { clock = t0 }()
		if _, err := editions.Set(ctx, ada, iliad.ID, next); err != nil {
			t.Errorf("Set of this year's edition: %v", err)
		}
		if _, err := editions.Set(ctx, ada, iliad.ID, want); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrNotFoundOtherReader", func(t *testing.T) {
		if _, err := editions.Get(ctx, bob, iliad.ID); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("Get of another reader's book: %v, want ErrNotFound", err)
		}
		// Not found comes before invalid: nothing tells bob the book exists.
		for _, e := range []data.Edition{{Publisher: "Mine now"}, {Copies: -1}} {
			if _, err := editions.Set(ctx, bob, iliad.ID, e); !errors.Is(err, data.ErrNotFound) {
				t.Errorf("Set(%+v) on another reader's book: %v, want ErrNotFound", e, err)
			}
		}
		if got, err := editions.Get(ctx, ada, iliad.ID); err != nil || got != want {
			t.Errorf("after bob's tries, Get = %+v, %v; want %+v", got, err, want)
		}
		if _, err := editions.Get(ctx, ada, 1<<40); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("Get of no book: %v, want ErrNotFound", err)
		}
	})
	t.Run("OKZeroRemoves", func(t *testing.T) {
		odyssey := mustCreate(t, db.Books(), ada, data.BookInput{Title: "The Odyssey", Author: "Homer"})
		if _, err := editions.Set(ctx, ada, odyssey.ID, data.Edition{Copies: 1}); err != nil {
			t.Fatal(err)
		}
		if _, err := editions.Set(ctx, ada, odyssey.ID, data.Edition{}); err != nil {
			t.Fatal(err)
		}
		_, read := db.Pools()
		var rows int
		if err := read.Get(&rows, `SELECT COUNT(*) FROM editions WHERE book_id = ?`, odyssey.ID); err != nil || rows != 0 {
			t.Errorf("%d edition rows for a book with no facts (%v), want 0", rows, err)
		}
	})
	t.Run("OKDeletedRestoredPurged", func(t *testing.T) {
		if _, err := db.Books().Delete(ctx, ada, iliad.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := editions.Get(ctx, ada, iliad.ID); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("Get of a deleted book: %v, want ErrNotFound", err)
		}
		if _, err := editions.Set(ctx, ada, iliad.ID, want); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("Set on a deleted book: %v, want ErrNotFound", err)
		}
		if _, err := db.Books().Restore(ctx, ada, iliad.ID); err != nil {
			t.Fatal(err)
		}
		if got, err := editions.Get(ctx, ada, iliad.ID); err != nil || got != want {
			t.Errorf("Get after Undo = %+v, %v; want %+v", got, err, want)
		}
		if _, err := db.Books().Delete(ctx, ada, iliad.ID); err != nil {
			t.Fatal(err)
		}
		clock = clock.Add(time.Hour)
		if _, err := db.Books().PurgeDeleted(ctx, time.Minute); err != nil {
			t.Fatal(err)
		}
		_, read := db.Pools()
		var left int
		if err := read.Get(&left, `SELECT COUNT(*) FROM editions WHERE book_id = ?`, iliad.ID); err != nil || left != 0 {
			t.Errorf("%d edition rows left after their book was purged (%v)", left, err)
		}
	})
}

// BenchmarkEditionGet measures reading one book's edition facts, the one query the book page
// added for them (the library's lists read none), on books with and without facts.
func BenchmarkEditionGet(b *testing.B) {
	forEachSize(b, func(b *testing.B, lib benchLibrary) {
		editions := lib.db.Editions()
		// Every other book has facts.
		for id := int64(1); id <= int64(min(lib.n, 1000)); id += 2 {
			if _, err := editions.Set(b.Context(), lib.owner, id, data.Edition{Publisher: "Penguin", Year: 1990, Language: "en", GoodreadsID: strconv.FormatInt(id, 10)}); err != nil {
				b.Fatal(err)
			}
		}
		var i int64
		for b.Loop() {
			id := i%int64(min(lib.n, 1000)) + 1
			i++
			if _, err := editions.Get(b.Context(), lib.owner, id); err != nil {
				b.Fatalf("Get(%d): %v", id, err)
			}
		}
	})
}
