package exchange_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/data/exchange"
)

// FuzzParse checks that no input makes Parse panic, that every error is a *FileError, and that a
// row without problems is one Bookcase can save, on a line that exists in the file.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(grHeader + "\n" + grRow("T", "A", "", "4", "12", "2020/02/02", `"x""y"`) + "\n"))
	f.Add([]byte("Title;Authors;Star Rating;Dates Read\nT;A;4.25;2020/01/01-2020/01/02\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		res, err := exchange.Parse(bytes.NewReader(in), 1<<20)
		if err != nil {
			if _, ok := errors.AsType[*exchange.FileError](err); !ok {
				t.Fatalf("error %v (%T) is not a *FileError", err, err)
			}
			return
		}
		lines := bytes.Count(in, []byte("\n")) + 1
		for _, r := range res.Rows {
			if r.Line < 1 || r.Line > lines {
				t.Fatalf("row on line %d of a %d-line file", r.Line, lines)
			}
			for _, p := range r.Problems {
				if p.Line != r.Line || p.Message == "" || !utf8.ValidString(p.Value) {
					t.Fatalf("bad problem %+v in row on line %d", p, r.Line)
				}
			}
			if len(r.Problems) > 0 {
				continue
			}
			in := data.BookInput{Title: r.Title, Author: r.Author, Genre: r.Genre, Status: r.Status}
			if err := in.Validate(); err != nil || in.Normalize() != in {
				t.Fatalf("row %+v has no problems but does not validate: %v", r, err)
			}
			if r.Rating < 0 || r.Rating > data.MaxRating || r.Pages < 0 || r.Pages > data.MaxPages || r.ReadCount < 0 {
				t.Fatalf("row %+v has no problems but out-of-range numbers", r)
			}
			if _, err := data.ParseISBN(string(r.ISBN)); err != nil {
				t.Fatalf("row %+v has a bad ISBN", r)
			}
			if !utf8.ValidString(r.Notes) {
				t.Fatalf("row %+v has invalid notes", r)
			}
			for _, s := range r.Shelves {
				if s == "" || s != data.NormalizeShelfName(s) || utf8.RuneCountInString(s) > data.MaxShelfNameLen || !utf8.ValidString(s) {
					t.Fatalf("row %+v has a bad shelf %q", r, s)
				}
			}
		}
	})
}
