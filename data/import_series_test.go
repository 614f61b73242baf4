package data_test

import (
	"errors"
	"os"
	"reflect"
	"testing"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/data/exchange"
)

// goodreadsSeriesRows are the rows of the Goodreads sample with series (exchange's
// TestParseGoodreadsSeries reads it): The Expanse twice (its name spaced two ways), Discworld
// twice, Mort in two series, positions 0.5 and 1-3, and titles that only look like they end in
// a series.
func goodreadsSeriesRows(t *testing.T) []data.ImportRow {
	t.Helper()
	f, err := os.Open("exchange/testdata/goodreads-series.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := exchange.Parse(f, 0)
	if err != nil {
		t.Fatal(err)
	}
	return res.Rows
}

// seriesBooks lists a series' books as "title@position".
func seriesBooks(t *testing.T, db *data.DB, owner, id int64) []string {
	t.Helper()
	d, err := db.Series().Get(t.Context(), owner, id)
	if err != nil {
		t.Fatalf("Get(series %d): %v", id, err)
	}
	var out []string
	for _, b := range d.Books {
		out = append(out, b.Title+"@"+b.Position)
	}
	return out
}

// TestImportSeries imports a Goodreads export with series: each becomes one series (the same
// name in several rows, or the reader's own series typed another way, is one series), the books
// in it at their positions, their titles clean; a title that is not Goodreads' series stays as it is.
func TestImportSeries(t *testing.T) {
	db := openDB(t)
	ctx := t.Context()
	ada, bob := addReader(t, db, "ada").ID, addReader(t, db, "bob").ID
	// Ada has Discworld already, typed her way.
	colour := mustCreate(t, db.Books(), ada, data.BookInput{Title: "The Colour of Magic", Author: "Terry Pratchett"})
	if _, err := db.Series().AddBook(ctx, ada, colour.ID, data.SeriesRef{Name: "discworld", Position: "1"}); err != nil {
		t.Fatal(err)
	}
	sum, err := db.Import(ctx, ada, goodreadsSeriesRows(t), data.OnDuplicateSkip)
	if err != nil || sum != (data.ImportSummary{Created: 9}) {
		t.Fatalf("Import = %+v, %v; want 9 created", sum, err)
	}
	list, err := db.Series().List(ctx, ada)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	var names []string
	for _, s := range list {
		ids[s.Name] = s.ID
		names = append(names, s.Name)
	}
	if want := []string{"Death", "discworld", "Tales of Dunk and Egg", "The Expanse", "The Lord of the Rings"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("series = %q, want %q", names, want)
	}
	for name, want := range map[string][]string{
		"The Expanse":           {"Leviathan Wakes@1", "Caliban's War@2"},
		"discworld":             {"The Colour of Magic@1", "Mort@4", "The Sea and Little Fishes@12.5"},
		"Death":                 {"Mort@1"},
		"Tales of Dunk and Egg": {"The Hedge Knight@0.5"},
		"The Lord of the Rings": {"The Lord of the Rings@1-3"},
	} {
		if got := seriesBooks(t, db, ada, ids[name]); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	// The library sorts them by series too (the sort key the import keeps).
	page, err := db.Books().Find(ctx, ada, data.BookQuery{Sort: data.SortSeries, Limit: 4})
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, b := range page.Books {
		titles = append(titles, b.Title)
	}
	// Mort is listed once, in Death, its first series by name.
	if want := []string{"Mort", "The Colour of Magic", "The Sea and Little Fishes", "The Hedge Knight"}; !reflect.DeepEqual(titles, want) {
		t.Errorf("by series: %q, want %q", titles, want)
	}
	found, err := db.Books().Find(ctx, ada, data.BookQuery{Search: "mistborn"})
	if err != nil || len(found.Books) != 1 || found.Books[0].Title != "Mistborn (Book 1)" {
		t.Errorf("Mistborn = %+v, %v; want its title whole", found.Books, err)
	}
	// Bob's import makes Bob's series, and Ada's are not his.
	if _, err := db.Import(ctx, bob, goodreadsSeriesRows(t)[:1], data.OnDuplicateSkip); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Series().Get(ctx, bob, ids["The Expanse"]); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("Ada's series for Bob: %v, want ErrNotFound", err)
	}
	if list, err := db.Series().List(ctx, bob); err != nil || len(list) != 1 || list[0].Name != "The Expanse" || list[0].Books != 1 {
		t.Errorf("Bob's series = %+v, %v; want The Expanse with his one book", list, err)
	}
	// The same file again finds every book by its clean title: nothing new, no series twice.
	classes, err := db.Classify(ctx, ada, goodreadsSeriesRows(t))
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range classes {
		if c.Kind != data.RowMatch {
			t.Errorf("row %d again: %+v, want a match", i, c)
		}
	}
	if sum, err := db.Import(ctx, ada, goodreadsSeriesRows(t), data.OnDuplicateUpdate); err != nil || sum.Updated != 9 || sum.Created != 0 {
		t.Errorf("Import again = %+v, %v; want 9 updated", sum, err)
	}
	if got := seriesBooks(t, db, ada, ids["The Expanse"]); !reflect.DeepEqual(got, []string{"Leviathan Wakes@1", "Caliban's War@2"}) {
		t.Errorf("The Expanse after the update: %q", got)
	}
}

// TestImportSeriesMatchesCleanTitle: a row's clean title finds the book the reader has, whether
// its title is clean (typed, or split off since) or still holds its series (imported before
// series were split off); updating that book takes the series off its title and puts the book in
// the series, and its Goodreads id finds it before any title does.
func TestImportSeriesMatchesCleanTitle(t *testing.T) {
	db := openDB(t)
	ctx := t.Context()
	ada := addReader(t, db, "ada").ID
	books := db.Books()
	leviathan := mustCreate(t, books, ada, data.BookInput{Title: "Leviathan Wakes", Author: "James S.A. Corey"})
	caliban := mustCreate(t, books, ada, data.BookInput{Title: "Caliban's War (The Expanse, #2)", Author: "James S.A. Corey"})
	rows := goodreadsSeriesRows(t)[:2]
	classes, err := db.Classify(ctx, ada, rows)
	if err != nil {
		t.Fatal(err)
	}
	if classes[0].BookID != leviathan.ID || classes[1].BookID != caliban.ID {
		t.Fatalf("classified %+v; want Leviathan Wakes %d and Caliban's War %d", classes, leviathan.ID, caliban.ID)
	}
	if sum, err := db.Import(ctx, ada, rows, data.OnDuplicateUpdate); err != nil || sum.Updated != 2 {
		t.Fatalf("Import = %+v, %v; want 2 updated", sum, err)
	}
	got, err := books.Get(ctx, ada, caliban.ID)
	if err != nil || got.Title != "Caliban's War" {
		t.Errorf("Caliban's War after the update: %q, %v; want its series off its title", got.Title, err)
	}
	for _, id := range []int64{leviathan.ID, caliban.ID} {
		s, err := db.Series().OfBook(ctx, ada, id)
		if err != nil || len(s) != 1 || s[0].Name != "The Expanse" {
			t.Errorf("book %d's series = %+v, %v; want The Expanse", id, s, err)
		}
	}
	// Retitled since, the book is still found by its Goodreads id.
	if _, err := books.Update(ctx, ada, leviathan.ID, data.BookInput{Title: "Leviathan Wakes: Tenth Anniversary", Author: "James S.A. Corey"}); err != nil {
		t.Fatal(err)
	}
	if classes, err := db.Classify(ctx, ada, rows[:1]); err != nil || classes[0].BookID != leviathan.ID {
		t.Errorf("retitled: %+v, %v; want Leviathan Wakes by its Goodreads id", classes, err)
	}
}

// TestImportSeriesFix: the review's fix form shows a row's series and saves them changed, refuses
// a bad position beside the field (the row as it was), and keeps the title whole when the reader
// says the series is part of it.
func TestImportSeriesFix(t *testing.T) {
	db := openDB(t)
	ctx := t.Context()
	ada := addReader(t, db, "ada").ID
	rows := pending(goodreadsSeriesRows(t)[3:4]...) // Mort (Discworld, #4; Death, #1)
	store := db.Imports()
	im, err := store.Create(ctx, ada, file(rows))
	if err != nil {
		t.Fatal(err)
	}
	row, err := store.Row(ctx, ada, im.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	fix := row.AsFix()
	if fix.Series != "Discworld, #4; Death, #1" || fix.Title != "Mort" {
		t.Fatalf("AsFix = %+v; want the title and the series apart", fix)
	}
	if got, err := store.Fix(ctx, ada, im.ID, 1, fix); err != nil || !reflect.DeepEqual(got, row) {
		t.Errorf("Fix with the row's own form = %+v, %v; want the row as it was", got, err)
	}

	fix.Series = "Discworld #4; Death #x1"
	if _, err := store.Fix(ctx, ada, im.ID, 1, fix); err != nil {
		t.Errorf("Fix with a '#' in a name: %v", err)
	}
	fix.Series = "Discworld #4; Death #1-0"
	_, err = store.Fix(ctx, ada, im.ID, 1, fix)
	if v, ok := errors.AsType[*data.ValidationError](err); !ok || v.Fields["series"] == "" {
		t.Errorf("Fix with a backwards range: %v, want a message on series", err)
	}

	fix.Series, fix.KeepTitle = "Discworld, #4", true
	got, err := store.Fix(ctx, ada, im.ID, 1, fix)
	if err != nil || got.Title != "Mort (Discworld, #4)" || got.Series != nil {
		t.Errorf("Fix keeping the title = %q, %+v, %v; want the title whole, no series", got.Title, got.Series, err)
	}
	if _, err := store.Start(ctx, ada, im.ID, data.OnDuplicateSkip); err != nil {
		t.Fatal(err)
	}
}

// TestSplitSeries reads several series at the end of a title, and leaves a title whose
// parentheses are not all series whole.
func TestSplitSeries(t *testing.T) {
	for _, tt := range []struct {
		title, clean string
		refs         []data.SeriesRef
	}{
		{"Mort (Discworld, #4; Death, #1)", "Mort", []data.SeriesRef{{Name: "Discworld", Position: "4"}, {Name: "Death", Position: "1"}}},
		{"Mort (Discworld #4;Death #1)", "Mort", []data.SeriesRef{{Name: "Discworld", Position: "4"}, {Name: "Death", Position: "1"}}},
		{"Mort (Discworld, #4; Death)", "Mort (Discworld, #4; Death)", nil},
		{"Mort (Discworld, #4; )", "Mort (Discworld, #4; )", nil},
		{"Hedge Knight (Dunk and Egg, #0.5)", "Hedge Knight", []data.SeriesRef{{Name: "Dunk and Egg", Position: "0.5"}}},
	} {
		clean, refs, ok := data.SplitSeries(tt.title)
		if clean != tt.clean || !reflect.DeepEqual(refs, tt.refs) || ok != (tt.refs != nil) {
			t.Errorf("SplitSeries(%q) = %q, %+v, %v; want %q, %+v", tt.title, clean, refs, ok, tt.clean, tt.refs)
		}
	}
	// One series only for the new-book row, which offers to undo one split.
	if _, _, ok := data.SplitSeriesTitle("Mort (Discworld, #4; Death, #1)"); ok {
		t.Error("SplitSeriesTitle split two series")
	}
}

// TestParseSeriesList reads a book's series written on one line, as the fix form and Bookcase's
// CSV write them, and FormatSeriesList writes them back.
func TestParseSeriesList(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []data.SeriesRef
		err  bool
	}{
		{"", nil, false},
		{"The Expanse, #1", []data.SeriesRef{{Name: "The Expanse", Position: "1"}}, false},
		{" The  Expanse #01 ; Other;", []data.SeriesRef{{Name: "The Expanse", Position: "1"}, {Name: "Other"}}, false},
		{"C# in Depth, #2", []data.SeriesRef{{Name: "C# in Depth", Position: "2"}}, false},
		{"C# in Depth", []data.SeriesRef{{Name: "C# in Depth"}}, false},
		{"The Expanse #1; the expanse #2", []data.SeriesRef{{Name: "The Expanse", Position: "1"}}, false},
		{"Range, #1–3", []data.SeriesRef{{Name: "Range", Position: "1-3"}}, false},
		{"Bad, #3-1", nil, true},
		{"Bad, #20000", nil, true},
		{", #2", nil, true},
	} {
		got, err := data.ParseSeriesList(tt.in)
		if !reflect.DeepEqual(got, tt.want) || (err != nil) != tt.err {
			t.Errorf("ParseSeriesList(%q) = %+v, %v; want %+v, error %v", tt.in, got, err, tt.want, tt.err)
		}
		if err == nil {
			if again, err := data.ParseSeriesList(data.FormatSeriesList(got)); err != nil || !reflect.DeepEqual(again, got) {
				t.Errorf("ParseSeriesList(FormatSeriesList(%+v)) = %+v, %v", got, again, err)
			}
		}
	}
}
