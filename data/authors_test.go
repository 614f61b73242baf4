package data_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bookcase/bookcase/data"
)

func TestParseContributors(t *testing.T) {
	a := func(name, sortName string) data.Contributor {
		return data.Contributor{Name: name, SortName: sortName, Role: data.RoleAuthor}
	}
	as := func(name, sortName string, r data.Role) data.Contributor {
		return data.Contributor{Name: name, SortName: sortName, Role: r}
	}
	tests := []struct {
		in   string
		want []data.Contributor
	}{
		{"Frank Herbert", []data.Contributor{a("Frank Herbert", "Herbert, Frank")}},
		{"  Frank   Herbert ", []data.Contributor{a("Frank Herbert", "Herbert, Frank")}},
		{"Terry Pratchett, Neil Gaiman", []data.Contributor{a("Terry Pratchett", "Pratchett, Terry"), a("Neil Gaiman", "Gaiman, Neil")}},
		{"Terry Pratchett & Neil Gaiman", []data.Contributor{a("Terry Pratchett", "Pratchett, Terry"), a("Neil Gaiman", "Gaiman, Neil")}},
		{"Terry Pratchett; Neil Gaiman", []data.Contributor{a("Terry Pratchett", "Pratchett, Terry"), a("Neil Gaiman", "Gaiman, Neil")}},
		// "and" never separates.
		{"Wendy and Richard Pini", []data.Contributor{a("Wendy and Richard Pini", "Pini, Wendy and Richard")}},
		// "Surname, Given" is one person.
		{"Tolkien, J.R.R.", []data.Contributor{a("J.R.R. Tolkien", "Tolkien, J.R.R.")}},
		{"Le Guin, Ursula K.", []data.Contributor{a("Ursula K. Le Guin", "Le Guin, Ursula K.")}},
		{"García Márquez, Gabriel", []data.Contributor{a("Gabriel García Márquez", "García Márquez, Gabriel")}},
		{"Pratchett, Terry & Gaiman, Neil", []data.Contributor{a("Terry Pratchett", "Pratchett, Terry"), a("Neil Gaiman", "Gaiman, Neil")}},
		{"Martin Luther King, Jr.", []data.Contributor{a("Martin Luther King, Jr.", "King, Martin Luther, Jr.")}},
		// Roles.
		{"Elena Ferrante, Ann Goldstein (translator)", []data.Contributor{
			a("Elena Ferrante", "Ferrante, Elena"), as("Ann Goldstein", "Goldstein, Ann", data.RoleTranslator)}},
		{"Homer, Emily Wilson (Translator)", []data.Contributor{a("Homer", "Homer"), as("Emily Wilson", "Wilson, Emily", data.RoleTranslator)}},
		{"Ellen Datlow (ed.)", []data.Contributor{as("Ellen Datlow", "Datlow, Ellen", data.RoleEditor)}},
		{"Goldstein, Ann (translator)", []data.Contributor{as("Ann Goldstein", "Goldstein, Ann", data.RoleTranslator)}},
		// The same person twice counts once; a point or a space makes no other person.
		{"J.R.R. Tolkien, J. R. R. Tolkien", []data.Contributor{a("J.R.R. Tolkien", "Tolkien, J.R.R.")}},
	}
	for _, tt := range tests {
		got, err := data.ParseContributors(tt.in)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("ParseContributors(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
	fifty := make([]string, 50)
	for i := range fifty {
		fifty[i] = "Person" + string(rune('A'+i%26)) + string(rune('a'+i/26))
	}
	for name, in := range map[string]string{
		"ErrEmpty":       "   ",
		"ErrOnlyCommas":  " , & ; ",
		"ErrUnknownRole": "Ann Goldstein (cook)",
		"ErrRoleNoName":  "(translator)",
		"ErrTooMany":     strings.Join(fifty, ", "),
		"ErrNameTooLong": strings.Repeat("a", data.MaxAuthorNameLen+1),
		"ErrTwoLines":    "Frank\nHerbert",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := data.ParseContributors(in)
			var v *data.ValidationError
			if !errors.As(err, &v) || v.Fields[data.FieldAuthor] == "" {
				t.Fatalf("ParseContributors(%q) = %v; want a message on %s", in, err, data.FieldAuthor)
			}
		})
	}
}

func TestSortName(t *testing.T) {
	for in, want := range map[string]string{
		"Frank Herbert":                "Herbert, Frank",
		"Colette":                      "Colette",
		"J. R. R. Tolkien":             "Tolkien, J. R. R.",
		"Ursula K. Le Guin":            "Le Guin, Ursula K.",
		"Daphne Du Maurier":            "Du Maurier, Daphne",
		"Ludwig van Beethoven":         "Beethoven, Ludwig van",
		"Antoine de Saint-Exupéry":     "Saint-Exupéry, Antoine de",
		"Miguel de Cervantes Saavedra": "Cervantes Saavedra, Miguel de",
		"Gabriel García Márquez":       "García Márquez, Gabriel",
		"José Ortega y Gasset":         "Ortega y Gasset, José",
		"Mario Vargas Llosa":           "Llosa, Mario Vargas", // the reader corrects it
		"Martin Luther King, Jr.":      "King, Martin Luther, Jr.",
		"Tolkien, J.R.R.":              "Tolkien, J.R.R.",
	} {
		if got := data.SortName(in); got != want {
			t.Errorf("SortName(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestAuthorKey(t *testing.T) {
	for _, in := range []string{"J.R.R. Tolkien", "J. R. R. Tolkien", "j r r  tolkien", " J.R.R.Tolkien "} {
		if got := data.AuthorKey(in); got != "j r r tolkien" {
			t.Errorf("AuthorKey(%q) = %q; want %q", in, got, "j r r tolkien")
		}
	}
}

func TestFormatContributors(t *testing.T) {
	for _, in := range []string{"Terry Pratchett, Neil Gaiman", "Elena Ferrante, Ann Goldstein (translator)", "Martin Luther King, Jr., Coretta Scott King (editor)"} {
		cs, err := data.ParseContributors(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := data.FormatContributors(cs); got != in {
			t.Errorf("FormatContributors(ParseContributors(%q)) = %q", in, got)
		}
	}
}

// contributorNames lists contributors as "Name/role".
func contributorNames(cs []data.BookContributor) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name+"/"+string(c.Role))
	}
	return out
}

func TestAuthorStore(t *testing.T) {
	db := openDB(t)
	ada, bob := addReader(t, db, "ada").ID, addReader(t, db, "bob").ID
	books, authors := db.Books(), db.Authors()
	ctx := t.Context()

	good := mustCreate(t, books, ada, data.BookInput{Title: "Good Omens", Author: "Terry Pratchett & Neil Gaiman"})
	if good.Author != "Terry Pratchett, Neil Gaiman" {
		t.Errorf("Create: author %q; want the contributors as the library shows them", good.Author)
	}
	sandman := mustCreate(t, books, ada, data.BookInput{Title: "Sandman", Author: "Gaiman, Neil"})
	if sandman.Author != "Neil Gaiman" {
		t.Errorf("Create: author %q; want %q", sandman.Author, "Neil Gaiman")
	}
	hobbit := mustCreate(t, books, ada, data.BookInput{Title: "The Hobbit", Author: "Tolkien, J.R.R."})
	lotr := mustCreate(t, books, ada, data.BookInput{Title: "The Lord of the Rings", Author: "J. R. R. Tolkien"})
	bobs := mustCreate(t, books, bob, data.BookInput{Title: "Coraline", Author: "Neil Gaiman"})

	idOf := func(owner int64, name string) int64 {
		t.Helper()
		list, err := authors.List(ctx, owner, data.AuthorQuery{})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range list.Authors {
			if a.Name == name {
				return a.ID
			}
		}
		t.Fatalf("no author %q in %+v", name, list.Authors)
		return 0
	}

	t.Run("OKOneAuthorTwoSpellings", func(t *testing.T) {
		// "J.R.R. Tolkien" and "J. R. R. Tolkien" are one author (AuthorKey).
		d, err := authors.Get(ctx, ada, idOf(ada, "J.R.R. Tolkien"), "")
		if err != nil || len(d.Books) != 2 {
			t.Fatalf("Get = %+v, %v; want 2 books", d, err)
		}
		if d.SortName != "Tolkien, J.R.R." {
			t.Errorf("sort name %q", d.SortName)
		}
	})
	t.Run("OKList", func(t *testing.T) {
		list, err := authors.List(ctx, ada, data.AuthorQuery{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range list.Authors {
			got = append(got, a.Name+":"+string(rune('0'+a.Books)))
		}
		// By sort name: Gaiman, Pratchett, Tolkien.
		if want := []string{"Neil Gaiman:2", "Terry Pratchett:1", "J.R.R. Tolkien:2"}; !slices.Equal(got, want) {
			t.Errorf("List = %v; want %v", got, want)
		}
		byBooks, _ := authors.List(ctx, ada, data.AuthorQuery{Sort: data.AuthorsByBooks, Search: "pra"})
		if len(byBooks.Authors) != 1 || byBooks.Authors[0].Name != "Terry Pratchett" {
			t.Errorf("List(search pra) = %+v", byBooks.Authors)
		}
		// A word inside the name is found too.
		inside, _ := authors.List(ctx, ada, data.AuthorQuery{Search: "tolk"})
		if len(inside.Authors) != 1 {
			t.Errorf("List(search tolk) = %+v", inside.Authors)
		}
	})
	t.Run("OKSuggest", func(t *testing.T) {
		for prefix, want := range map[string][]string{
			"ne":     {"Neil Gaiman"},
			"gai":    {"Neil Gaiman"}, // by surname
			"j.r":    {"J.R.R. Tolkien"},
			"j r r":  {"J.R.R. Tolkien"},
			"zzz":    nil,
			"":       nil,
			"%":      nil,
			"t":      {"J.R.R. Tolkien", "Terry Pratchett"}, // by sort name: Pratchett before Tolkien? no: names starting t
			"terry ": {"Terry Pratchett"},
		} {
			got, err := authors.Suggest(ctx, ada, prefix)
			if prefix == "t" {
				slices.Sort(got)
			}
			if err != nil || !slices.Equal(got, want) {
				t.Errorf("Suggest(%q) = %q, %v; want %q", prefix, got, err, want)
			}
		}
		// Another reader's authors are never suggested.
		if got, _ := authors.Suggest(ctx, bob, "tolk"); len(got) != 0 {
			t.Errorf("bob's suggestions = %q", got)
		}
	})
	t.Run("OKRename", func(t *testing.T) {
		id := idOf(ada, "Terry Pratchett")
		a, err := authors.Rename(ctx, ada, id, "Sir Terry Pratchett")
		if err != nil || a.Name != "Sir Terry Pratchett" || a.SortName != "Pratchett, Terry" {
			t.Fatalf("Rename = %+v, %v", a, err)
		}
		b, _ := books.Get(ctx, ada, good.ID)
		if b.Author != "Sir Terry Pratchett, Neil Gaiman" {
			t.Errorf("book's author after rename = %q", b.Author)
		}
		// The search index sees the new name (it reads books.author).
		page, err := books.Find(ctx, ada, data.BookQuery{Search: "sir"})
		if err != nil || len(page.Books) != 1 {
			t.Errorf("search sir = %+v, %v", page.Books, err)
		}
		var v *data.ValidationError
		if _, err := authors.Rename(ctx, ada, id, "Neil Gaiman"); !errors.As(err, &v) || v.Fields[data.FieldAuthorName] == "" {
			t.Errorf("Rename to another author's name = %v; want a message on name", err)
		}
		if _, err := authors.Rename(ctx, ada, id, "A & B"); !errors.As(err, &v) || v.Fields[data.FieldAuthorName] == "" {
			t.Errorf("Rename to two people = %v; want a message on name", err)
		}
		if _, err := authors.Rename(ctx, ada, id, ""); !errors.As(err, &v) || v.Fields[data.FieldAuthorName] == "" {
			t.Errorf("Rename to nothing = %v; want a message on name", err)
		}
		// Typed "Surname, Given", the sort name follows.
		a, err = authors.Rename(ctx, ada, id, "Pratchett, Terry")
		if err != nil || a.Name != "Terry Pratchett" || a.SortName != "Pratchett, Terry" {
			t.Errorf("Rename(Pratchett, Terry) = %+v, %v", a, err)
		}
	})
	t.Run("OKSetSortNameSortsLibrary", func(t *testing.T) {
		id := idOf(ada, "Neil Gaiman")
		// Filed under Z, Gaiman's books (Good Omens is Pratchett's first) come last by author.
		if _, err := authors.SetSortName(ctx, ada, id, "Zzz, Neil"); err != nil {
			t.Fatal(err)
		}
		page, err := books.Find(ctx, ada, data.BookQuery{Sort: data.SortAuthor})
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, b := range page.Books {
			got = append(got, b.ID)
		}
		if want := []int64{good.ID, hobbit.ID, lotr.ID, sandman.ID}; !slices.Equal(got, want) {
			t.Errorf("by author = %v; want %v", got, want)
		}
		var v *data.ValidationError
		if _, err := authors.SetSortName(ctx, ada, id, " "); !errors.As(err, &v) || v.Fields[data.FieldAuthorSortName] == "" {
			t.Errorf("SetSortName(blank) = %v", err)
		}
		if _, err := authors.SetSortName(ctx, ada, id, "Gaiman, Neil"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrNotFoundOtherReader", func(t *testing.T) {
		theirs := idOf(bob, "Neil Gaiman")
		mine := idOf(ada, "Neil Gaiman")
		if _, err := authors.Get(ctx, ada, theirs, ""); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("Get = %v", err)
		}
		if _, err := authors.Rename(ctx, ada, theirs, "X Y"); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("Rename = %v", err)
		}
		if _, err := authors.SetSortName(ctx, ada, theirs, "Y, X"); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("SetSortName = %v", err)
		}
		if _, err := authors.Merge(ctx, ada, theirs, mine); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("Merge from = %v", err)
		}
		if _, err := authors.Merge(ctx, ada, mine, theirs); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("Merge into = %v", err)
		}
		if _, err := authors.OfBook(ctx, ada, bobs.ID); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("OfBook = %v", err)
		}
		if _, err := authors.SetContributors(ctx, ada, bobs.ID, []data.ContributorInput{{Name: "X"}}); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("SetContributors = %v", err)
		}
		// Bob's Gaiman is untouched.
		if d, err := authors.Get(ctx, bob, theirs, ""); err != nil || d.Name != "Neil Gaiman" {
			t.Errorf("bob's author = %+v, %v", d, err)
		}
	})
	t.Run("OKSetContributors", func(t *testing.T) {
		got, err := authors.SetContributors(ctx, ada, sandman.ID, []data.ContributorInput{
			{Name: "Neil Gaiman"}, {Name: "  "}, {Name: "Dave McKean", Role: "illustrator"}, {Name: "Sam Kieth", Role: "Illustrator"},
		})
		if want := []string{"Neil Gaiman/author", "Dave McKean/illustrator", "Sam Kieth/illustrator"}; err != nil || !slices.Equal(contributorNames(got), want) {
			t.Fatalf("SetContributors = %v, %v; want %v", contributorNames(got), err, want)
		}
		// Reordered, one removed: Sam Kieth goes (his last book), Neil Gaiman keeps his id.
		gaiman := idOf(ada, "Neil Gaiman")
		got, err = authors.SetContributors(ctx, ada, sandman.ID, []data.ContributorInput{{Name: "Dave McKean", Role: "illustrator"}, {Name: "Neil Gaiman"}})
		if want := []string{"Dave McKean/illustrator", "Neil Gaiman/author"}; err != nil || !slices.Equal(contributorNames(got), want) {
			t.Fatalf("SetContributors = %v, %v; want %v", contributorNames(got), err, want)
		}
		if got[1].AuthorID != gaiman {
			t.Errorf("Neil Gaiman's id %d; want %d kept", got[1].AuthorID, gaiman)
		}
		b, _ := books.Get(ctx, ada, sandman.ID)
		if b.Author != "Dave McKean (illustrator), Neil Gaiman" {
			t.Errorf("author text %q", b.Author)
		}
		if s, _ := authors.Suggest(ctx, ada, "sam"); len(s) != 0 {
			t.Errorf("Sam Kieth, on no book, is still suggested: %q", s)
		}
		var v *data.ValidationError
		for name, lines := range map[string][]data.ContributorInput{
			"ErrEmpty":       {{Name: " "}},
			"ErrUnknownRole": {{Name: "A B", Role: "cook"}},
			"ErrTwoPeople":   {{Name: "A & B"}},
			"ErrTooLong":     {{Name: strings.Repeat("x", data.MaxAuthorNameLen+1)}},
			"ErrTooMany":     slices.Repeat([]data.ContributorInput{{Name: "A"}}, data.MaxContributors+1),
		} {
			if _, err := authors.SetContributors(ctx, ada, sandman.ID, lines); !errors.As(err, &v) || v.Fields[data.FieldContributors] == "" {
				t.Errorf("%s: SetContributors = %v; want a message on contributors", name, err)
			}
		}
		// Nothing saved by the refused ones.
		if cs, _ := authors.OfBook(ctx, ada, sandman.ID); len(cs) != 2 {
			t.Errorf("after refusals: %v", contributorNames(cs))
		}
	})
	t.Run("OKMerge", func(t *testing.T) {
		// A book with both: Tolkien and "Tolkien, Christopher" spelled as a second Tolkien.
		both := mustCreate(t, books, ada, data.BookInput{Title: "Unfinished Tales", Author: "J.R.R. Tolkien, John Ronald Tolkien, Christopher Tolkien (editor)"})
		from, into := idOf(ada, "John Ronald Tolkien"), idOf(ada, "J.R.R. Tolkien")
		a, err := authors.Merge(ctx, ada, from, into)
		if err != nil || a.ID != into {
			t.Fatalf("Merge = %+v, %v", a, err)
		}
		if _, err := authors.Get(ctx, ada, from, ""); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("merged author still there: %v", err)
		}
		d, err := authors.Get(ctx, ada, into, "")
		if err != nil || len(d.Books) != 3 {
			t.Fatalf("into has %d books, %v; want 3", len(d.Books), err)
		}
		cs, _ := authors.OfBook(ctx, ada, both.ID)
		if want := []string{"J.R.R. Tolkien/author", "Christopher Tolkien/editor"}; !slices.Equal(contributorNames(cs), want) {
			t.Errorf("book with both = %v; want %v", contributorNames(cs), want)
		}
		b, _ := books.Get(ctx, ada, both.ID)
		if b.Author != "J.R.R. Tolkien, Christopher Tolkien (editor)" {
			t.Errorf("author text %q", b.Author)
		}
		var v *data.ValidationError
		if _, err := authors.Merge(ctx, ada, into, into); !errors.As(err, &v) || v.Fields[data.FieldMergeInto] == "" {
			t.Errorf("Merge into self = %v", err)
		}
	})
	t.Run("OKLastBookGone", func(t *testing.T) {
		solo := mustCreate(t, books, ada, data.BookInput{Title: "Solo", Author: "Only Once"})
		id := idOf(ada, "Only Once")
		if _, err := books.Delete(ctx, ada, solo.ID); err != nil {
			t.Fatal(err)
		}
		// Deleted: hidden, and back with Undo.
		if _, err := authors.Get(ctx, ada, id, ""); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("Get after delete = %v", err)
		}
		if _, err := books.Restore(ctx, ada, solo.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := authors.Get(ctx, ada, id, ""); err != nil {
			t.Errorf("Get after Undo = %v", err)
		}
		// Retyped: the author goes with their last book.
		if _, err := books.Update(ctx, ada, solo.ID, data.BookInput{Title: "Solo", Author: "Someone Else"}); err != nil {
			t.Fatal(err)
		}
		if s, _ := authors.Suggest(ctx, ada, "only"); len(s) != 0 {
			t.Errorf("author of no book suggested: %q", s)
		}
		// Purged: no author left dangling.
		if _, err := books.Delete(ctx, ada, solo.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := books.PurgeDeleted(ctx, -1); err != nil {
			t.Fatal(err)
		}
		write, _ := db.Pools()
		var n int
		if err := write.GetContext(ctx, &n, `SELECT COUNT(*) FROM authors WHERE owner_id = ? AND name = 'Someone Else'`, ada); err != nil || n != 0 {
			t.Errorf("authors of purged book = %d, %v; want 0", n, err)
		}
	})
	t.Run("ErrBadAuthorText", func(t *testing.T) {
		var v *data.ValidationError
		_, err := books.Create(ctx, ada, data.BookInput{Title: "X", Author: "Ann Goldstein (cook)"})
		if !errors.As(err, &v) || v.Fields["author"] == "" {
			t.Errorf("Create with an unknown role = %v", err)
		}
		_, err = books.Update(ctx, ada, good.ID, data.BookInput{Title: "X", Author: "Ann Goldstein (cook)"})
		if !errors.As(err, &v) || v.Fields["author"] == "" {
			t.Errorf("Update with an unknown role = %v", err)
		}
	})
}

// TestFindSortAuthor sorts the library by the first author's sort name, through every cursor,
// on the index books_sort_author.
func TestFindSortAuthor(t *testing.T) {
	db := openDB(t)
	ada := addReader(t, db, "ada").ID
	books := db.Books()
	ctx := t.Context()
	var want []int64
	for _, author := range []string{
		"Margaret Atwood", "Ludwig van Beethoven", "Gabriel García Márquez", "J. R. R. Tolkien, Christopher Tolkien (editor)",
		"Ursula K. Le Guin", "Ann Goldstein (translator), Elena Ferrante", "Terry Pratchett & Neil Gaiman", "Zadie Smith",
	} {
		want = append(want, mustCreate(t, books, ada, data.BookInput{Title: "T", Author: author}).ID)
	}
	// Atwood, Beethoven, Ferrante (her translator is not her author), García Márquez, Le Guin,
	// Pratchett, Smith, Tolkien.
	want = []int64{want[0], want[1], want[5], want[2], want[4], want[6], want[7], want[3]}
	var got []int64
	q := data.BookQuery{Sort: data.SortAuthor, Limit: 3}
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
		t.Errorf("author order = %v; want %v", got, want)
	}
	// Backwards too.
	got = got[:0]
	q = data.BookQuery{Sort: data.SortAuthor, Reverse: true, Limit: 3}
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
	slices.Reverse(want)
	if !slices.Equal(got, want) {
		t.Errorf("author order descending = %v; want %v", got, want)
	}

	if data.OnPostgres() {
		return // the query plans below are SQLite's
	}
	// The order walks its index, without sorting: the first page, and one after a cursor.
	write, _ := db.Pools()
	for _, query := range []string{
		`SELECT b.id FROM books b WHERE b.owner_id = ? AND b.deleted_at IS NULL AND b.pending_import IS NULL
		 ORDER BY COALESCE(b.author_sort, lower(b.author)) ASC, b.id ASC LIMIT 51`,
		`SELECT b.id FROM books b WHERE b.owner_id = ? AND b.deleted_at IS NULL AND b.pending_import IS NULL
		 AND COALESCE(b.author_sort, lower(b.author)) >= 'm' AND (COALESCE(b.author_sort, lower(b.author)), b.id) > ('m', 0)
		 ORDER BY COALESCE(b.author_sort, lower(b.author)) ASC, b.id ASC LIMIT 51`,
	} {
		joined := data.QueryPlan(t, write, query, ada)
		if !strings.Contains(joined, "books_sort_author") || strings.Contains(joined, "TEMP B-TREE") {
			t.Errorf("plan of the author order: %s; want the index books_sort_author, no sort", joined)
		}
	}
}

// TestAuthorBooksPages pages through an author's books by title, as the library orders titles
// (a leading article ignored), each once though the author has two roles in one, with the counts
// of all of them on every page; a deleted book is in neither, a cursor Get did not make is
// refused, and another reader's author is not found.
func TestAuthorBooksPages(t *testing.T) {
	db := openDB(t)
	ada, bob := addReader(t, db, "ada").ID, addReader(t, db, "bob").ID
	books, authors := db.Books(), db.Authors()
	ctx := t.Context()
	n := 2*data.AuthorBooksPageSize + 3
	var want []int64 // "Book 001" to "Book 102", then "The Zebra"
	var zebra int64
	for i := range n {
		in := data.BookInput{Title: fmt.Sprintf("Book %03d", i), Author: "Ann Leckie"}
		switch i {
		case 0:
			in.Title, in.Author = "The Zebra", "Ann Leckie, Ann Leckie (illustrator)"
		case 1, 2:
			in.Status = data.StatusRead
		}
		if b := mustCreate(t, books, ada, in); i == 0 {
			zebra = b.ID
		} else {
			want = append(want, b.ID)
		}
	}
	want = append(want, zebra)
	gone := mustCreate(t, books, ada, data.BookInput{Title: "Book 050a", Author: "Ann Leckie", Status: data.StatusRead})
	if _, err := books.Delete(ctx, ada, gone.ID); err != nil {
		t.Fatal(err)
	}
	theirs := mustCreate(t, books, bob, data.BookInput{Title: "Ancillary Justice", Author: "Ann Leckie"})

	first, err := authors.ByName(ctx, ada, "Ann Leckie")
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	cursor, pages := "", 0
	for {
		d, err := authors.Get(ctx, ada, first.ID, cursor)
		if err != nil {
			t.Fatalf("Get(page %d): %v", pages, err)
		}
		pages++
		if d.Total != n || d.Read != 2 || d.Unread() != n-2 {
			t.Errorf("page %d: total %d, read %d, unread %d; want %d, 2, %d", pages, d.Total, d.Read, d.Unread(), n, n-2)
		}
		if len(d.Books) > data.AuthorBooksPageSize {
			t.Errorf("page %d has %d books", pages, len(d.Books))
		}
		for _, b := range d.Books {
			got = append(got, b.ID)
		}
		if d.Cursor == "" {
			break
		}
		cursor = d.Cursor
	}
	if pages != 3 || !slices.Equal(got, want) {
		t.Errorf("%d pages of %d books %v; want 3 pages of %v", pages, len(got), got, want)
	}
	if _, err := authors.Get(ctx, ada, first.ID, "not-a-cursor"); !errors.Is(err, data.ErrInvalid) {
		t.Errorf("Get(bad cursor) = %v; want a validation error", err)
	}
	bobs, err := authors.ByName(ctx, bob, "Ann Leckie")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := authors.Get(ctx, ada, bobs.ID, ""); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("Get(bob's author) = %v; want ErrNotFound", err)
	}
	if d, err := authors.Get(ctx, bob, bobs.ID, ""); err != nil || len(d.Books) != 1 || d.Books[0].ID != theirs.ID || d.Cursor != "" {
		t.Errorf("bob's author page = %+v, %v", d, err)
	}
}

// TestMigrateAuthorsDown takes a database with contributors back to the schema before
// authorsMigration: the authors and contributors go, each book keeps its author text as the
// library showed it, and the author order's index is on that text again; opened again, the
// books get the same contributors back from their text.
func TestMigrateAuthorsDown(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "test.db")
	db, err := data.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	ada := addReader(t, db, "ada").ID
	omens := mustCreate(t, db.Books(), ada, data.BookInput{Title: "Good Omens", Author: "Pratchett, Terry & Neil Gaiman"})
	days := mustCreate(t, db.Books(), ada, data.BookInput{Title: "Days of Abandonment", Author: "Elena Ferrante, Ann Goldstein (translator)"})
	if err := data.MigrateDownTo(ctx, db, authorsMigration-1); err != nil {
		t.Fatalf("down: %v", err)
	}
	write, _ := db.Pools()
	var n int
	if err := write.GetContext(ctx, &n, `SELECT COUNT(*) FROM sqlite_schema WHERE name IN ('authors', 'book_contributors', 'book_contributors_last_book', 'books_contributors_pending')`); err != nil || n != 0 {
		t.Errorf("%d of the authors' tables, trigger and index after Down, %v", n, err)
	}
	if err := write.GetContext(ctx, &n, `SELECT COUNT(*) FROM pragma_table_info('books') WHERE name = 'author_sort'`); err != nil || n != 0 {
		t.Errorf("books.author_sort after Down: %d, %v", n, err)
	}
	var index string
	if err := write.GetContext(ctx, &index, `SELECT sql FROM sqlite_schema WHERE name = 'books_sort_author'`); err != nil || !strings.Contains(index, "lower(author)") || strings.Contains(index, "author_sort") {
		t.Errorf("books_sort_author after Down: %q, %v", index, err)
	}
	var texts []string
	if err := write.SelectContext(ctx, &texts, `SELECT author FROM books ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if want := []string{"Terry Pratchett, Neil Gaiman", "Elena Ferrante, Ann Goldstein (translator)"}; !slices.Equal(texts, want) {
		t.Errorf("author texts after Down = %q; want %q", texts, want)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = data.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open after Down: %v", err)
	}
	defer db.Close()
	for id, want := range map[int64][]string{
		omens.ID: {"Terry Pratchett/author", "Neil Gaiman/author"},
		days.ID:  {"Elena Ferrante/author", "Ann Goldstein/translator"},
	} {
		cs, err := db.Authors().OfBook(ctx, ada, id)
		if err != nil || !slices.Equal(contributorNames(cs), want) {
			t.Errorf("book %d after Down and Up: %v, %v; want %v", id, contributorNames(cs), err, want)
		}
	}
}

// TestSuggestFirstTen suggests from more authors than it shows, some matching by name and some
// by surname, and finds the first ten in the order of the text that matched: exactly those a
// sort of every match would give, though each index is read for ten.
func TestSuggestFirstTen(t *testing.T) {
	db := openDB(t)
	ada := addReader(t, db, "ada").ID
	books, authors := db.Books(), db.Authors()
	var byName, bySurname []string
	for i := range 12 {
		byName = append(byName, "Ma"+string(rune('a'+i))+"ry Smith")      // "maary smith"
		bySurname = append(bySurname, "Ann Ma"+string(rune('a'+i))+"son") // "maason, ann"
	}
	mustCreate(t, books, ada, data.BookInput{Title: "By name", Author: strings.Join(append(byName, "Madonna"), "; ")})
	mustCreate(t, books, ada, data.BookInput{Title: "By surname", Author: strings.Join(bySurname, "; ")})
	mustCreate(t, books, ada, data.BookInput{Title: "Neither", Author: "Zoe Mars"})

	type match struct{ name, key string }
	var all []match
	for _, name := range slices.Concat(byName, bySurname, []string{"Madonna", "Zoe Mars"}) {
		var keys []string
		for _, k := range []string{data.AuthorKey(name), strings.ToLower(data.SortName(name))} {
			if strings.HasPrefix(k, "ma") {
				keys = append(keys, k)
			}
		}
		if len(keys) > 0 {
			all = append(all, match{name, slices.Min(keys)})
		}
	}
	slices.SortFunc(all, func(a, b match) int { return strings.Compare(a.key, b.key) })
	var want []string
	for _, m := range all[:data.MaxAuthorSuggestions] {
		want = append(want, m.name)
	}
	got, err := authors.Suggest(t.Context(), ada, "Ma")
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("Suggest(Ma) = %q, %v;\nwant %q", got, err, want)
	}
	// "Mars, Zoe" by surname, after every other author whose text starts "ma".
	if got, err := authors.Suggest(t.Context(), ada, "mar"); err != nil || !slices.Equal(got, []string{"Zoe Mars"}) {
		t.Errorf("Suggest(mar) = %q, %v", got, err)
	}
}

// authorsMigration is the migration that makes contributors of the books' author text.
const authorsMigration = 20

// TestMigrateAuthors migrates a database made by the schema before authorsMigration, with books
// in it, and finds each book's author text made contributors by ParseContributors' rules.
func TestMigrateAuthors(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := data.OpenAt(ctx, path, authorsMigration-1)
	if err != nil {
		t.Fatalf("OpenAt(%d): %v", authorsMigration-1, err)
	}
	oldSQL := oldWriter(t, old)
	ada := oldSQL(`INSERT INTO users (username, password_hash, created_at) VALUES ('ada', 'x', ?)`, t0)
	bob := oldSQL(`INSERT INTO users (username, password_hash, created_at) VALUES ('bob', 'x', ?)`, t0)
	book := func(owner int64, title, author string) int64 {
		return oldSQL(`INSERT INTO books (owner_id, title, author, status, created_at, updated_at) VALUES (?, ?, ?, 'want', ?, ?)`,
			owner, title, author, t0, t0)
	}
	omens := book(ada, "Good Omens", "Terry Pratchett & Neil Gaiman")
	hobbit := book(ada, "The Hobbit", "Tolkien, J.R.R.")
	lotr := book(ada, "The Lord of the Rings", "J. R. R. Tolkien")
	days := book(ada, "Days of Abandonment", "Elena Ferrante, Ann Goldstein (translator)")
	odd := book(ada, "Odd", "Someone (cook)") // the rules refuse it: one person, nothing lost
	coraline := book(bob, "Coraline", "Neil Gaiman")
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	db, err := data.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	authors := db.Authors()
	for _, c := range []struct {
		owner, id int64
		want      []string
		text      string
	}{
		{ada, omens, []string{"Terry Pratchett/author", "Neil Gaiman/author"}, "Terry Pratchett, Neil Gaiman"},
		{ada, hobbit, []string{"J.R.R. Tolkien/author"}, "J.R.R. Tolkien"},
		{ada, lotr, []string{"J.R.R. Tolkien/author"}, "J.R.R. Tolkien"},
		{ada, days, []string{"Elena Ferrante/author", "Ann Goldstein/translator"}, "Elena Ferrante, Ann Goldstein (translator)"},
		{ada, odd, []string{"Someone (cook)/author"}, "Someone (cook)"},
		{bob, coraline, []string{"Neil Gaiman/author"}, "Neil Gaiman"},
	} {
		cs, err := authors.OfBook(ctx, c.owner, c.id)
		if err != nil || !slices.Equal(contributorNames(cs), c.want) {
			t.Errorf("book %d: contributors %v, %v; want %v", c.id, contributorNames(cs), err, c.want)
		}
		b, err := db.Books().Get(ctx, c.owner, c.id)
		if err != nil || b.Author != c.text {
			t.Errorf("book %d: author %q, %v; want %q", c.id, b.Author, err, c.text)
		}
	}
	list, err := authors.List(ctx, ada, data.AuthorQuery{})
	if err != nil || len(list.Authors) != 6 {
		t.Errorf("ada's authors = %+v, %v; want 6", list.Authors, err)
	}
	// The author order uses the sort names.
	page, err := db.Books().Find(ctx, ada, data.BookQuery{Sort: data.SortAuthor})
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, b := range page.Books {
		got = append(got, b.ID)
	}
	if want := []int64{odd, days, omens, hobbit, lotr}; !slices.Equal(got, want) {
		t.Errorf("by author after the migration = %v; want %v", got, want)
	}
}

// TestAuthorsListPages pages through the list of authors a hundred at a time, by sort name and
// by most books, with and without a search: every author once, in order, each page starting
// after the last of the one before. An author whose books are all deleted is not listed; a page
// after another reader's author, or an author not listed, is a validation error.
func TestAuthorsListPages(t *testing.T) {
	db := openDB(t)
	ada, bob := addReader(t, db, "ada").ID, addReader(t, db, "bob").ID
	books, authors := db.Books(), db.Authors()
	ctx := t.Context()
	// 230 authors: "Writer 000" to "Writer 229", Writer i with 1 + i%4 books, of which Writer 7's
	// are deleted; and one of bob's.
	n := 2*data.AuthorsPageSize + 30
	for i := range n {
		for j := range 1 + i%4 {
			b := mustCreate(t, books, ada, data.BookInput{Title: fmt.Sprintf("Book %d-%d", i, j), Author: fmt.Sprintf("Writer %03d", i)})
			if i == 7 {
				if _, err := books.Delete(ctx, ada, b.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	mustCreate(t, books, bob, data.BookInput{Title: "Coraline", Author: "Neil Gaiman"})
	walk := func(q data.AuthorQuery) (names []string, pages int) {
		t.Helper()
		for {
			list, err := authors.List(ctx, ada, q)
			if err != nil {
				t.Fatalf("List(%+v): %v", q, err)
			}
			pages++
			if len(list.Authors) > data.AuthorsPageSize {
				t.Fatalf("a page of %d authors", len(list.Authors))
			}
			for _, a := range list.Authors {
				names = append(names, fmt.Sprintf("%s:%d", a.Name, a.Books))
			}
			if list.After == 0 {
				return names, pages
			}
			q.After = list.After
		}
	}
	var byName, byBooks []string
	for i := range n {
		if i != 7 {
			byName = append(byName, fmt.Sprintf("Writer %03d:%d", i, 1+i%4))
		}
	}
	for k := 4; k >= 1; k-- {
		for i := range n {
			if i != 7 && 1+i%4 == k {
				byBooks = append(byBooks, fmt.Sprintf("Writer %03d:%d", i, k))
			}
		}
	}
	if got, pages := walk(data.AuthorQuery{}); pages != 3 || !slices.Equal(got, byName) {
		t.Errorf("by name: %d pages of %v; want 3 of %v", pages, got, byName)
	}
	if got, pages := walk(data.AuthorQuery{Sort: data.AuthorsByBooks}); pages != 3 || !slices.Equal(got, byBooks) {
		t.Errorf("by books: %d pages of %v; want 3 of %v", pages, got, byBooks)
	}
	// "writer 1" starts the names of Writer 100 to 199: a page exactly full, and no page after.
	var searched []string
	for _, s := range byBooks {
		if strings.HasPrefix(s, "Writer 1") {
			searched = append(searched, s)
		}
	}
	if got, pages := walk(data.AuthorQuery{Sort: data.AuthorsByBooks, Search: "writer 1"}); pages != 1 || !slices.Equal(got, searched) {
		t.Errorf("by books, searched: %d pages of %v; want 1 of %v", pages, got, searched)
	}
	gaiman, err := authors.ByName(ctx, bob, "Neil Gaiman")
	if err != nil {
		t.Fatal(err)
	}
	list, err := authors.List(ctx, ada, data.AuthorQuery{})
	if err != nil {
		t.Fatal(err)
	}
	hidden := list.Authors[6].ID + 1 // Writer 007, whose books are all deleted, was made after Writer 006
	for _, after := range []int64{gaiman.ID, hidden, 1 << 40} {
		if _, err := authors.List(ctx, ada, data.AuthorQuery{After: after}); !errors.Is(err, data.ErrInvalid) {
			t.Errorf("List(after %d) = %v; want a validation error", after, err)
		}
	}
}
