package data_test

import (
	"testing"

	"github.com/bookcase/bookcase/data"
)

func TestValidationErrorFirst(t *testing.T) {
	bad := &data.ValidationError{Fields: map[string]string{
		"title":  "Give the book a title.",
		"author": "Give the book an author.",
		"rating": "Rate it from 1 to 5.",
	}}
	for _, tc := range []struct {
		name      string
		err       *data.ValidationError
		order     []string
		wantField string
		wantMsg   string
	}{
		{"Order", bad, []string{"title", "author"}, "title", "Give the book a title."},
		{"OrderSkipsGoodFields", bad, []string{"genre", "author", "title"}, "author", "Give the book an author."},
		{"ByNameWithoutOrder", bad, nil, "author", "Give the book an author."},
		{"ByNameAfterOrder", bad, []string{"genre"}, "author", "Give the book an author."},
		{"None", &data.ValidationError{}, []string{"title"}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Map iteration changes from run to run: the answer must not.
			for range 50 {
				field, msg := tc.err.First(tc.order...)
				if field != tc.wantField || msg != tc.wantMsg {
					t.Fatalf("First(%q) = %q, %q; want %q, %q", tc.order, field, msg, tc.wantField, tc.wantMsg)
				}
			}
		})
	}
}
