package data_test

import (
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/bookcase/bookcase/data"
)

func TestBookInputNormalize(t *testing.T) {
	got := data.BookInput{Title: "  Dune\t", Author: "\n Frank Herbert ", Genre: "\u00a0Science fiction\r\n"}.Normalize()
	want := data.BookInput{Title: "Dune", Author: "Frank Herbert", Genre: "Science fiction"}
	if got != want {
		t.Errorf("Normalize() = %+v, want %+v", got, want)
	}
}

func TestBookInputValidate(t *testing.T) {
	ok := data.BookInput{Title: "Dune", Author: "Frank Herbert", Genre: "Science fiction"}
	with := func(f func(in *data.BookInput)) data.BookInput {
		in := ok
		f(&in)
		return in
	}
	tests := []struct {
		name string
		in   data.BookInput
		want map[string]string // field -> message; nil means valid
	}{
		{name: "OK", in: ok},
		{name: "OKNoGenre", in: with(func(in *data.BookInput) { in.Genre = "" })},
		{name: "OK250Runes", in: with(func(in *data.BookInput) {
			// 250 characters but 500 bytes: the limit counts characters.
			in.Title = strings.Repeat("é", 250)
			in.Author = strings.Repeat("é", 250)
			in.Genre = strings.Repeat("é", 250)
		})},
		{name: "OKUnicode", in: with(func(in *data.BookInput) { in.Title, in.Author = "百年の孤独 📚", "Gabriel García Márquez" })},
		{
			name: "ErrTitleRequired",
			in:   with(func(in *data.BookInput) { in.Title = "" }),
			want: map[string]string{"title": "Title is required."},
		},
		{
			name: "ErrAuthorRequired",
			in:   with(func(in *data.BookInput) { in.Author = "" }),
			want: map[string]string{"author": "Author is required."},
		},
		{
			name: "ErrTitleTooLong",
			in:   with(func(in *data.BookInput) { in.Title = strings.Repeat("é", 251) }),
			want: map[string]string{"title": "Title must be at most 250 characters (it has 251)."},
		},
		{
			name: "ErrAuthorTooLong",
			in:   with(func(in *data.BookInput) { in.Author = strings.Repeat("a", 251) }),
			want: map[string]string{"author": "Author must be at most 250 characters (it has 251)."},
		},
		{
			name: "ErrGenreTooLong",
			in:   with(func(in *data.BookInput) { in.Genre = strings.Repeat("ж", 300) }),
			want: map[string]string{"genre": "Genre must be at most 250 characters (it has 300)."},
		},
		{
			name: "ErrTitleInvalidUTF8",
			in:   with(func(in *data.BookInput) { in.Title = "Dune \xff\xfe" }),
			want: map[string]string{"title": "Title contains characters that are not valid text."},
		},
		{
			name: "ErrGenreInvalidUTF8",
			in:   with(func(in *data.BookInput) { in.Genre = "\xc3" }),
			want: map[string]string{"genre": "Genre contains characters that are not valid text."},
		},
		{
			name: "ErrTitleNewline",
			in:   with(func(in *data.BookInput) { in.Title = "Dune\nMessiah" }),
			want: map[string]string{"title": "Title must be a single line of text."},
		},
		{
			name: "ErrAuthorTab",
			in:   with(func(in *data.BookInput) { in.Author = "Frank\tHerbert" }),
			want: map[string]string{"author": "Author must be a single line of text."},
		},
		{
			name: "ErrGenreNUL",
			in:   with(func(in *data.BookInput) { in.Genre = "Sci\x00fi" }),
			want: map[string]string{"genre": "Genre must be a single line of text."},
		},
		{
			name: "ErrTitleDEL",
			in:   with(func(in *data.BookInput) { in.Title = "Dune\x7f" }),
			want: map[string]string{"title": "Title must be a single line of text."},
		},
		{
			name: "ErrTitleLineSeparator",
			in:   with(func(in *data.BookInput) { in.Title = "Dune\u2028Messiah" }),
			want: map[string]string{"title": "Title must be a single line of text."},
		},
		{
			name: "ErrAuthorParagraphSeparator",
			in:   with(func(in *data.BookInput) { in.Author = "Frank\u2029Herbert" }),
			want: map[string]string{"author": "Author must be a single line of text."},
		},
		{
			name: "ErrTitleBidiOverride",
			in:   with(func(in *data.BookInput) { in.Title = "Dune\u202Egnp.exe" }),
			want: map[string]string{"title": "Title must be a single line of text."},
		},
		{
			name: "ErrGenreBidiIsolate",
			in:   with(func(in *data.BookInput) { in.Genre = "\u2066Fiction\u2069" }),
			want: map[string]string{"genre": "Genre must be a single line of text."},
		},
		{
			name: "ErrTitleC1Control",
			in:   with(func(in *data.BookInput) { in.Title = "Dune\u0085Messiah" }),
			want: map[string]string{"title": "Title must be a single line of text."},
		},
		{name: "OKZeroWidthJoinerInWord", in: with(func(in *data.BookInput) { in.Title, in.Author = "क्‍ष 👩‍💻", "‏علي" })},
		{
			name: "ErrTitleZeroWidthSpace",
			in:   with(func(in *data.BookInput) { in.Title = "\u200b" }),
			want: map[string]string{"title": "Title needs at least one visible character."},
		},
		{
			name: "ErrAuthorInvisible",
			// Zero-width non-joiner and joiner, word joiner, byte-order mark, no-break space,
			// Hangul filler, variation selector.
			in:   with(func(in *data.BookInput) { in.Author = "\u200c\u200d\u2060\ufeff\u00a0\u3164\ufe0f" }),
			want: map[string]string{"author": "Author needs at least one visible character."},
		},
		{
			name: "ErrGenreInvisible",
			in:   with(func(in *data.BookInput) { in.Genre = "\u200b\u200b" }),
			want: map[string]string{"genre": "Genre needs at least one visible character."},
		},
		{
			name: "ErrEveryField",
			in:   data.BookInput{Title: "", Author: "", Genre: "a\rb"},
			want: map[string]string{
				"title":  "Title is required.",
				"author": "Author is required.",
				"genre":  "Genre must be a single line of text.",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.in.Validate()
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, data.ErrInvalid) {
				t.Fatalf("Validate() = %v, want an error that is ErrInvalid", err)
			}
			if errors.Is(err, data.ErrNotFound) {
				t.Errorf("Validate() error is ErrNotFound too")
			}
			var verr *data.ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("Validate() = %T, want *data.ValidationError", err)
			}
			if !maps.Equal(verr.Fields, tt.want) {
				t.Errorf("Validate() fields = %q, want %q", verr.Fields, tt.want)
			}
		})
	}
}

func TestValidationErrorError(t *testing.T) {
	err := &data.ValidationError{Fields: map[string]string{"title": "Title is required.", "author": "Author is required."}}
	// The fields come out sorted, so the message is the same on every run.
	want := "invalid input: author: Author is required.; title: Title is required."
	for range 10 {
		if got := err.Error(); got != want {
			t.Fatalf("Error() = %q, want %q", got, want)
		}
	}
}

func TestErrorsAreDistinct(t *testing.T) {
	if errors.Is(data.ErrNotFound, data.ErrInvalid) || errors.Is(data.ErrInvalid, data.ErrNotFound) {
		t.Error("ErrNotFound and ErrInvalid match each other")
	}
	var verr error = &data.ValidationError{}
	if errors.Is(verr, data.ErrNotFound) {
		t.Error("a ValidationError is ErrNotFound")
	}
}
