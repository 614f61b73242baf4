package exchange_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/data/exchange"
)

// TestGoodreadsAuthors writes a book's contributors in Goodreads' columns (Author, Author l-f
// from the first author's sort name, Additional Authors with their roles) and reads them back
// as the same contributors, in order, with the sort name.
func TestGoodreadsAuthors(t *testing.T) {
	book := data.ExportBook{
		Book: data.Book{Title: "Love in the Time of Cholera", Author: "Gabriel García Márquez, Edith Grossman (translator), Someone Else", Status: data.StatusWant},
		Contributors: []data.Contributor{
			{Name: "Edith Grossman", SortName: "Grossman, Edith", Role: data.RoleTranslator},
			{Name: "Gabriel García Márquez", SortName: "Márquez, Gabriel García (sic)", Role: data.RoleAuthor},
			{Name: "Someone Else", SortName: "Else, Someone", Role: data.RoleAuthor},
		},
	}
	var buf bytes.Buffer
	w, err := exchange.NewCSVWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(book); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(strings.NewReader(buf.String())).ReadAll()
	if err != nil || len(records) != 2 {
		t.Fatalf("CSV %v, %v", records, err)
	}
	col := func(name string) string { return records[1][slices.Index(records[0], name)] }
	for name, want := range map[string]string{
		"Author":             "Gabriel García Márquez",
		"Author l-f":         "Márquez, Gabriel García (sic)",
		"Additional Authors": "Edith Grossman (translator), Someone Else",
	} {
		if got := col(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	res, err := exchange.Parse(&buf, 0)
	if err != nil || len(res.Rows) != 1 {
		t.Fatalf("Parse = %+v, %v", res, err)
	}
	got := res.Rows[0].People()
	want := []data.Contributor{
		{Name: "Gabriel García Márquez", SortName: "Márquez, Gabriel García (sic)", Role: data.RoleAuthor},
		{Name: "Edith Grossman", SortName: "Grossman, Edith", Role: data.RoleTranslator},
		{Name: "Someone Else", SortName: "Else, Someone", Role: data.RoleAuthor},
	}
	if !slices.Equal(got, want) {
		t.Errorf("read back %+v\nwant %+v", got, want)
	}
}

// TestStoryGraphContributors reads StoryGraph's Authors and Contributors, with their roles.
func TestStoryGraphContributors(t *testing.T) {
	file := "Title,Authors,Contributors,ISBN/UID,Format,Read Status\n" +
		"My Brilliant Friend,\"Elena Ferrante\",\"Ann Goldstein (Translator), Someone (Narrator)\",,paperback,to-read\n" +
		"Good Omens,\"Terry Pratchett, Neil Gaiman\",,,paperback,read\n"
	res, err := exchange.Parse(strings.NewReader(file), 0)
	if err != nil || len(res.Rows) != 2 {
		t.Fatalf("Parse = %+v, %v", res, err)
	}
	for i, want := range [][]data.Contributor{
		{{Name: "Elena Ferrante", SortName: "Ferrante, Elena", Role: data.RoleAuthor},
			{Name: "Ann Goldstein", SortName: "Goldstein, Ann", Role: data.RoleTranslator},
			{Name: "Someone", SortName: "Someone", Role: data.RoleNarrator}},
		{{Name: "Terry Pratchett", SortName: "Pratchett, Terry", Role: data.RoleAuthor},
			{Name: "Neil Gaiman", SortName: "Gaiman, Neil", Role: data.RoleAuthor}},
	} {
		if got := res.Rows[i].People(); !slices.Equal(got, want) {
			t.Errorf("row %d: %+v\nwant %+v", i, got, want)
		}
	}
}
