package data_test

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/bookcase/bookcase/data"
)

func TestParsePosition(t *testing.T) {
	tests := []struct {
		in   string
		want data.Position
		err  bool
	}{
		{"", data.Position{}, false},
		{" 1 ", data.Position{Text: "1", Sort: 1}, false},
		{"#1", data.Position{Text: "1", Sort: 1}, false},
		{"0.5", data.Position{Text: "0.5", Sort: 0.5}, false},
		{"12.50", data.Position{Text: "12.5", Sort: 12.5}, false},
		{"1-3", data.Position{Text: "1-3", Sort: 1}, false},
		{"1 – 3", data.Position{Text: "1-3", Sort: 1}, false},
		{"0", data.Position{Text: "0", Sort: 0}, false},
		{"10000", data.Position{Text: "10000", Sort: 10000}, false},
		{"abc", data.Position{}, true},
		{"-1", data.Position{}, true},
		{"10001", data.Position{}, true},
		{"99999999999999999999", data.Position{}, true},
		{"3-1", data.Position{}, true},
		{"1-", data.Position{}, true},
		{"1.2345", data.Position{}, true},
		{"1e3", data.Position{}, true},
		{"NaN", data.Position{}, true},
		{".", data.Position{}, true},
	}
	for _, tt := range tests {
		got, err := data.ParsePosition(tt.in)
		if tt.err {
			var v *data.ValidationError
			if !errors.As(err, &v) || v.Fields[data.FieldSeriesPosition] == "" {
				t.Errorf("ParsePosition(%q) = %+v, %v; want a validation error on the position", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParsePosition(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

func TestSplitSeriesTitle(t *testing.T) {
	tests := []struct {
		title, clean string
		ref          data.SeriesRef
		ok           bool
	}{
		{"Leviathan Wakes (The Expanse, #1)", "Leviathan Wakes", data.SeriesRef{Name: "The Expanse", Position: "1"}, true},
		{"The Sea and Little Fishes (Discworld #12.5)", "The Sea and Little Fishes", data.SeriesRef{Name: "Discworld", Position: "12.5"}, true},
		{"The Lord of the Rings (Series, #1-3)", "The Lord of the Rings", data.SeriesRef{Name: "Series", Position: "1-3"}, true},
		{"  Spaced  ( Name ,  # 2 ) ", "Spaced", data.SeriesRef{Name: "Name", Position: "2"}, true},
		// Nested parentheses: the series' own name keeps them, and so does the title's.
		{"Foo (Bar (Baz), #2)", "Foo", data.SeriesRef{Name: "Bar (Baz)", Position: "2"}, true},
		{"Dune (Part 1) (Dune Chronicles, #1)", "Dune (Part 1)", data.SeriesRef{Name: "Dune Chronicles", Position: "1"}, true},
		{"Name #5 (Series #5)", "Name #5", data.SeriesRef{Name: "Series", Position: "5"}, true},
		// No '#': not a series.
		{"Foo (Revised Edition)", "Foo (Revised Edition)", data.SeriesRef{}, false},
		{"Sense and Sensibility (Penguin Classics)", "Sense and Sensibility (Penguin Classics)", data.SeriesRef{}, false},
		{"Mistborn (Book 1)", "Mistborn (Book 1)", data.SeriesRef{}, false},
		{"Saga, Vol. 2", "Saga, Vol. 2", data.SeriesRef{}, false},
		{"Saga (Vol. 2)", "Saga (Vol. 2)", data.SeriesRef{}, false},
		// Nothing before the parentheses, no name, no or a bad position, unbalanced.
		{"(The Expanse, #1)", "(The Expanse, #1)", data.SeriesRef{}, false},
		{"Title (#1)", "Title (#1)", data.SeriesRef{}, false},
		{"Title (Series, #)", "Title (Series, #)", data.SeriesRef{}, false},
		{"Title (Series, #abc)", "Title (Series, #abc)", data.SeriesRef{}, false},
		{"Title (Series, #-1)", "Title (Series, #-1)", data.SeriesRef{}, false},
		{"Title Series, #1)", "Title Series, #1)", data.SeriesRef{}, false},
		{"We Need to Talk About Kevin", "We Need to Talk About Kevin", data.SeriesRef{}, false},
	}
	for _, tt := range tests {
		clean, ref, ok := data.SplitSeriesTitle(tt.title)
		if clean != tt.clean || ref != tt.ref || ok != tt.ok {
			t.Errorf("SplitSeriesTitle(%q) = %q, %+v, %v; want %q, %+v, %v", tt.title, clean, ref, ok, tt.clean, tt.ref, tt.ok)
		}
		if ok {
			if got := data.JoinSeriesTitle(clean, []data.SeriesRef{ref}); got != "" {
				if c2, r2, ok2 := data.SplitSeriesTitle(got); c2 != clean || r2.Name != ref.Name || !ok2 {
					t.Errorf("SplitSeriesTitle(JoinSeriesTitle(%q)) = %q, %+v; want the split back", tt.title, c2, r2)
				}
			}
		}
	}
}

func TestSeriesStore(t *testing.T) {
	db := openDB(t)
	ada, bob := addReader(t, db, "ada").ID, addReader(t, db, "bob").ID
	books, series := db.Books(), db.Series()
	ctx := t.Context()
	add := func(title string, pos string) data.Book {
		t.Helper()
		b := mustCreate(t, books, ada, data.BookInput{Title: title, Author: "James S. A. Corey"})
		if pos != "none" {
			if _, err := series.AddBook(ctx, ada, b.ID, data.SeriesRef{Name: "The Expanse", Position: pos}); err != nil {
				t.Fatalf("AddBook(%q, %q): %v", title, pos, err)
			}
		}
		return b
	}
	// Added out of order: 10, 2, 1.5, none, 1, 0.5.
	b10 := add("Leviathan Falls", "10")
	b2 := add("Caliban's War", "2")
	b15 := add("Drive", "1.5")
	bNone := add("Memory's Legion", "")
	b1 := add("Leviathan Wakes", "#1")
	b05 := add("The Churn", "0.5")
	if _, err := db.Reading().SetStatus(ctx, ada, b05.ID, data.StatusRead, t0); err != nil {
		t.Fatal(err)
	}

	list, err := series.List(ctx, ada)
	if err != nil || len(list) != 1 {
		t.Fatalf("List = %+v, %v; want one series", list, err)
	}
	sid := list[0].ID
	if got := list[0]; got.Name != "The Expanse" || got.Books != 6 || got.Read != 1 {
		t.Errorf("List = %+v; want The Expanse, 6 books, 1 read", got)
	}

	t.Run("OKPositionOrder", func(t *testing.T) {
		d, err := series.Get(ctx, ada, sid)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, b := range d.Books {
			got = append(got, b.ID)
		}
		want := []int64{b05.ID, b1.ID, b15.ID, b2.ID, b10.ID, bNone.ID}
		if !slices.Equal(got, want) {
			t.Errorf("books in order = %v; want %v (0.5 < 1 < 1.5 < 2 < 10, none last)", got, want)
		}
		if next, ok := d.NextUp(); !ok || next.ID != b1.ID {
			t.Errorf("NextUp = %d, %v; want the first unread, %d", next.ID, ok, b1.ID)
		}
	})
	t.Run("OKSameSeriesByKey", func(t *testing.T) {
		b := add("Persepolis Rising", "none")
		if _, err := series.AddBook(ctx, ada, b.ID, data.SeriesRef{Name: "  the   EXPANSE ", Position: "7"}); err != nil {
			t.Fatal(err)
		}
		if list, _ := series.List(ctx, ada); len(list) != 1 || list[0].Books != 7 || list[0].Name != "The Expanse" {
			t.Errorf("List = %+v; want one series of 7 books, named as first written", list)
		}
		// Again with another position: moved, not added twice.
		bs, err := series.AddBook(ctx, ada, b.ID, data.SeriesRef{Name: "The Expanse", Position: "7.5"})
		if err != nil || bs.Position != "7.5" {
			t.Errorf("AddBook again = %+v, %v; want the position 7.5", bs, err)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		_, err := series.AddBook(ctx, ada, b1.ID, data.SeriesRef{Name: " ", Position: "abc"})
		var v *data.ValidationError
		if !errors.As(err, &v) || v.Fields[data.FieldSeriesName] == "" || v.Fields[data.FieldSeriesPosition] == "" {
			t.Errorf("AddBook(blank, abc) = %v; want both fields refused", err)
		}
		if _, err := series.SetPosition(ctx, ada, b1.ID, sid, "-2"); !errors.Is(err, data.ErrInvalid) {
			t.Errorf("SetPosition(-2) = %v; want ErrInvalid", err)
		}
		if got, _ := series.OfBook(ctx, ada, b1.ID); len(got) != 1 || got[0].Position != "1" {
			t.Errorf("OfBook after refused changes = %+v; want position 1 kept", got)
		}
	})
	t.Run("ErrNotFoundOtherReader", func(t *testing.T) {
		if _, err := series.Get(ctx, bob, sid); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("Get by bob = %v; want ErrNotFound", err)
		}
		if _, err := series.OfBook(ctx, bob, b1.ID); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("OfBook by bob = %v; want ErrNotFound", err)
		}
		if _, err := series.AddBook(ctx, bob, b1.ID, data.SeriesRef{Name: "Mine"}); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("AddBook by bob = %v; want ErrNotFound", err)
		}
		if _, err := series.SetPosition(ctx, bob, b1.ID, sid, "3"); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("SetPosition by bob = %v; want ErrNotFound", err)
		}
		if err := series.RemoveBook(ctx, bob, b1.ID, sid); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("RemoveBook by bob = %v; want ErrNotFound", err)
		}
		if _, err := series.KeepAsTitle(ctx, bob, b1.ID, sid); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("KeepAsTitle by bob = %v; want ErrNotFound", err)
		}
		// bob's own book in ada's series: still not found.
		own := mustCreate(t, books, bob, data.BookInput{Title: "Bob's", Author: "Bob"})
		if err := series.RemoveBook(ctx, bob, own.ID, sid); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("RemoveBook of bob's book from ada's series = %v; want ErrNotFound", err)
		}
		if list, _ := series.List(ctx, bob); len(list) != 0 {
			t.Errorf("bob's List = %+v; want none", list)
		}
	})
	t.Run("OKKeepAsTitle", func(t *testing.T) {
		b, err := series.KeepAsTitle(ctx, ada, b1.ID, sid)
		if err != nil || b.Title != "Leviathan Wakes (The Expanse, #1)" {
			t.Fatalf("KeepAsTitle = %q, %v; want the title as typed", b.Title, err)
		}
		if got, _ := series.OfBook(ctx, ada, b1.ID); len(got) != 0 {
			t.Errorf("OfBook after KeepAsTitle = %+v; want none", got)
		}
	})
	t.Run("OKLastBookTakesSeries", func(t *testing.T) {
		solo := add("Solo", "none")
		bs, err := series.AddBook(ctx, ada, solo.ID, data.SeriesRef{Name: "Solo Series", Position: "1"})
		if err != nil {
			t.Fatal(err)
		}
		// Deleted: hidden; restored: back.
		if _, err := books.Delete(ctx, ada, solo.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := series.Get(ctx, ada, bs.SeriesID); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("Get of a series whose books are deleted = %v; want ErrNotFound", err)
		}
		if _, err := books.Restore(ctx, ada, solo.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := series.Get(ctx, ada, bs.SeriesID); err != nil {
			t.Errorf("Get after Restore = %v", err)
		}
		if err := series.RemoveBook(ctx, ada, solo.ID, bs.SeriesID); err != nil {
			t.Fatal(err)
		}
		var left int
		w, _ := db.SQL()
		if err := w.QueryRowContext(ctx, `SELECT COUNT(*) FROM series WHERE name = 'Solo Series'`).Scan(&left); err != nil {
			t.Fatal(err)
		}
		if left != 0 {
			t.Errorf("%d series named Solo Series after its last book left; want it gone", left)
		}
	})
}

func TestFindSortSeries(t *testing.T) {
	db := openDB(t)
	ada := addReader(t, db, "ada").ID
	books, series := db.Books(), db.Series()
	ctx := t.Context()
	var want []int64
	put := func(title, name, pos string) {
		b := mustCreate(t, books, ada, data.BookInput{Title: title, Author: "A"})
		if name != "" {
			if _, err := series.AddBook(ctx, ada, b.ID, data.SeriesRef{Name: name, Position: pos}); err != nil {
				t.Fatal(err)
			}
		}
		want = append(want, b.ID)
	}
	put("Dune", "Dune", "1")
	put("Dune Messiah", "Dune", "2")
	put("Children of Dune", "Dune", "10")
	put("Other", "Dune Messiah Cycle", "1")
	put("Lone A", "", "")
	put("Lone B", "", "")
	// Two to a page, through every cursor.
	var got []int64
	q := data.BookQuery{Sort: data.SortSeries, Limit: 2}
	for {
		page, err := books.Find(ctx, ada, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range page.Books {
			got = append(got, b.ID)
		}
		if page.Cursor == "" {
			break
		}
		q.Cursor = page.Cursor
	}
	if !slices.Equal(got, want) {
		t.Errorf("series order = %v; want %v", got, want)
	}
}

func TestFindSortTitleArticles(t *testing.T) {
	db := openDB(t)
	ada := addReader(t, db, "ada").ID
	books, editions := db.Books(), db.Editions()
	ctx := t.Context()
	ids := map[string]int64{}
	for _, tt := range []struct{ title, lang string }{
		{"The Hobbit", ""},                    // h
		{"A Wizard of Earthsea", "en"},        // w
		{"An Instance of the Fingerpost", ""}, // i
		{"Die Verwandlung", "de"},             // v
		{"Die Hard", ""},                      // die hard: not German, kept
		{"L'Étranger", "fr"},                  // étranger: after every ASCII letter
		{"Les Misérables", "fr-FR"},           // m
		{"La Sombra del Viento", "es"},        // s
		{"El Aleph", "es-AR"},                 // aleph
		{"Das Boot", "en"},                    // das boot: English, kept
		{"Theory", ""},                        // theory: no article
		{"Zebra", ""},
	} {
		b := mustCreate(t, books, ada, data.BookInput{Title: tt.title, Author: "A"})
		if tt.lang != "" {
			if _, err := editions.Set(ctx, ada, b.ID, data.Edition{Language: tt.lang}); err != nil {
				t.Fatal(err)
			}
		}
		ids[tt.title] = b.ID
	}
	order := func() []string {
		page, err := books.Find(ctx, ada, data.BookQuery{Sort: data.SortTitle})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, b := range page.Books {
			out = append(out, b.Title)
		}
		return out
	}
	want := []string{"El Aleph", "Das Boot", "Die Hard", "The Hobbit", "An Instance of the Fingerpost",
		"Les Misérables", "La Sombra del Viento", "Theory", "Die Verwandlung", "A Wizard of Earthsea", "Zebra", "L'Étranger"}
	if got := order(); !slices.Equal(got, want) {
		t.Errorf("title order =\n%q\nwant\n%q", got, want)
	}
	// The language changed, and the title: the sort key follows.
	if _, err := editions.Set(ctx, ada, ids["Die Hard"], data.Edition{Language: "de"}); err != nil {
		t.Fatal(err)
	}
	if _, err := editions.Set(ctx, ada, ids["Die Verwandlung"], data.Edition{}); err != nil {
		t.Fatal(err)
	}
	if _, err := books.Update(ctx, ada, ids["Zebra"], data.BookInput{Title: "The Aardvark", Author: "A"}); err != nil {
		t.Fatal(err)
	}
	want = []string{"The Aardvark", "El Aleph", "Das Boot", "Die Verwandlung", "Die Hard", "The Hobbit", "An Instance of the Fingerpost",
		"Les Misérables", "La Sombra del Viento", "Theory", "A Wizard of Earthsea", "L'Étranger"}
	if got := order(); !slices.Equal(got, want) {
		t.Errorf("title order after changes =\n%q\nwant\n%q", got, want)
	}
}

// TestSeriesListFrom pages through the series list by name: each page the series after the
// last one's key, those whose books are all deleted left out, with their counts.
func TestSeriesListFrom(t *testing.T) {
	db := openDB(t)
	books, series := db.Books(), db.Series()
	ada, bob := addReader(t, db, "ada").ID, addReader(t, db, "bob").ID
	ctx := t.Context()
	for _, name := range []string{"Earthsea", "Discworld", "The Expanse", "Culture", "Gone", "Dune"} {
		for i := range 2 {
			b := mustCreate(t, books, ada, data.BookInput{Title: fmt.Sprintf("%s %d", name, i), Author: "Someone"})
			if _, err := series.AddBook(ctx, ada, b.ID, data.SeriesRef{Name: name, Position: strconv.Itoa(i + 1)}); err != nil {
				t.Fatal(err)
			}
			if name == "Gone" {
				if _, err := books.Delete(ctx, ada, b.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	b := mustCreate(t, books, bob, data.BookInput{Title: "Bob's", Author: "Bob"})
	if _, err := series.AddBook(ctx, bob, b.ID, data.SeriesRef{Name: "Bob's series"}); err != nil {
		t.Fatal(err)
	}
	var pages [][]string
	for after := ""; ; {
		list, err := series.ListFrom(ctx, ada, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == 0 {
			break
		}
		var names []string
		for _, s := range list {
			names = append(names, s.Name)
			if s.Books != 2 || s.Read != 0 {
				t.Errorf("%s: %d books, %d read; want 2, 0", s.Name, s.Books, s.Read)
			}
		}
		pages = append(pages, names)
		after = list[len(list)-1].Key
	}
	want := [][]string{{"Culture", "Discworld"}, {"Dune", "Earthsea"}, {"The Expanse"}}
	if !reflect.DeepEqual(pages, want) {
		t.Errorf("pages %q, want %q", pages, want)
	}
}

// TestPageNoSeries checks that a page of books marks as NoSeries exactly the books that have no
// series, as OfBooks finds them, whichever way a book came in or out of its series: the library
// page looks up the series of the others alone. Pages of the library, an author and a series.
func TestPageNoSeries(t *testing.T) {
	db := openDB(t)
	ada := addReader(t, db, "ada").ID
	books, series := db.Books(), db.Series()
	ctx := t.Context()
	const author = "Ursula K. Le Guin"
	in := func(title string) data.BookInput { return data.BookInput{Title: title, Author: author} }
	lone := mustCreate(t, books, ada, in("The Dispossessed"))
	one := mustCreate(t, books, ada, in("A Wizard of Earthsea"))
	two := mustCreate(t, books, ada, in("The Left Hand of Darkness"))
	left := mustCreate(t, books, ada, in("The Word for World Is Forest"))
	kept := mustCreate(t, books, ada, in("Rocannon's World"))
	typed, _, _, err := series.CreateInSeries(ctx, ada, in("The Tombs of Atuan"), data.Catalogued{}, data.SeriesRef{Name: "Earthsea", Position: "2"})
	if err != nil {
		t.Fatal(err)
	}
	add := func(b data.Book, name string) int64 {
		t.Helper()
		bs, err := series.AddBook(ctx, ada, b.ID, data.SeriesRef{Name: name, Position: "1"})
		if err != nil {
			t.Fatalf("AddBook(%q, %q): %v", b.Title, name, err)
		}
		return bs.SeriesID
	}
	add(one, "Earthsea")
	add(two, "Hainish Cycle")
	hainish := add(two, "Ekumen")
	if err := series.RemoveBook(ctx, ada, two.ID, hainish); err != nil {
		t.Fatal(err)
	}
	if err := series.RemoveBook(ctx, ada, left.ID, add(left, "Hainish Cycle")); err != nil {
		t.Fatal(err)
	}
	if _, err := series.KeepAsTitle(ctx, ada, kept.ID, add(kept, "Rocannon")); err != nil {
		t.Fatal(err)
	}

	page, err := books.Find(ctx, ada, data.BookQuery{})
	if err != nil {
		t.Fatal(err)
	}
	authors, err := db.Authors().List(ctx, ada, data.AuthorQuery{})
	if err != nil || len(authors.Authors) != 1 {
		t.Fatalf("Authors().List = %+v, %v; want one author", authors, err)
	}
	byAuthor, err := db.Authors().Get(ctx, ada, authors.Authors[0].ID, "")
	if err != nil {
		t.Fatal(err)
	}
	of, err := series.OfBook(ctx, ada, one.ID)
	if err != nil || len(of) != 1 {
		t.Fatalf("OfBook(%d) = %+v, %v; want Earthsea", one.ID, of, err)
	}
	earthsea, err := series.Get(ctx, ada, of[0].SeriesID)
	if err != nil {
		t.Fatal(err)
	}
	pages := map[string][]data.Book{"library": page.Books}
	for _, b := range byAuthor.Books {
		pages["author"] = append(pages["author"], b.Book)
	}
	for _, b := range earthsea.Books {
		pages["series"] = append(pages["series"], b.Book)
	}
	ids := []int64{lone.ID, one.ID, two.ID, left.ID, kept.ID, typed.ID}
	seriesOf, err := series.OfBooks(ctx, ada, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(seriesOf) != 3 {
		t.Fatalf("OfBooks = %+v; want the series of three books", seriesOf)
	}
	for name, list := range pages {
		want := map[string]int{"library": 6, "author": 6, "series": 2}[name]
		if len(list) != want {
			t.Errorf("the %s page has %d books, want %d", name, len(list), want)
		}
		for _, b := range list {
			if _, inSeries := seriesOf[b.ID]; b.NoSeries == inSeries {
				t.Errorf("on the %s page, %q has NoSeries %v; its series are %+v", name, b.Title, b.NoSeries, seriesOf[b.ID])
			}
		}
	}
}
