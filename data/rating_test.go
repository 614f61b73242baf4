package data_test

import (
	"errors"
	"maps"
	"testing"

	"github.com/bookcase/bookcase/data"
)

const msgRating = "A rating is 0.5 to 5 stars, in half stars."

// parseRatingTest is one case of TestParseRating; every input is also a seed for FuzzParseRating.
type parseRatingTest struct {
	name    string
	in      string
	want    data.Rating
	wantErr bool
}

func parseRatingTests() []parseRatingTest {
	return []parseRatingTest{
		{name: "OKUnratedEmpty", in: "", want: 0},
		{name: "OKUnratedBlank", in: "  ", want: 0},
		{name: "OKUnratedZero", in: "0", want: 0},
		{name: "OKUnratedZeroPoint", in: "0.0", want: 0},
		{name: "OKHalf", in: "0.5", want: 1},
		{name: "OKOne", in: "1", want: 2},
		{name: "OKWhole", in: "3", want: 6},
		{name: "OKHalfStar", in: "3.5", want: 7},
		{name: "OKComma", in: "4,5", want: 9},
		{name: "OKCommaZero", in: "4,0", want: 8},
		{name: "OKTrailingZeros", in: "3.50", want: 7},
		{name: "OKStoryGraphWhole", in: "4.0", want: 8},
		{name: "OKFive", in: "5", want: 10},
		{name: "OKFivePoint", in: "5.0", want: 10},
		{name: "OKWhitespace", in: "\t3.5\n", want: 7},
		{name: "ErrQuarter", in: "4.25", wantErr: true},
		{name: "ErrThreeQuarters", in: "3.75", wantErr: true},
		{name: "ErrTenth", in: "3.05", wantErr: true},
		{name: "ErrAboveFive", in: "5.5", wantErr: true},
		{name: "ErrSix", in: "6", wantErr: true},
		{name: "ErrTen", in: "10", wantErr: true},
		{name: "ErrLeadingZero", in: "05", wantErr: true},
		{name: "ErrNegative", in: "-1", wantErr: true},
		{name: "ErrPlus", in: "+3", wantErr: true},
		{name: "ErrNoWhole", in: ".5", wantErr: true},
		{name: "ErrNoFraction", in: "3.", wantErr: true},
		{name: "ErrTwoSeparators", in: "3.5.0", wantErr: true},
		{name: "ErrPointAndComma", in: "3,5.0", wantErr: true},
		{name: "ErrInnerSpace", in: "3 .5", wantErr: true},
		{name: "ErrHalfSign", in: "3½", wantErr: true},
		{name: "ErrStars", in: "★★★", wantErr: true},
		{name: "ErrWord", in: "three", wantErr: true},
		{name: "ErrExponent", in: "3e0", wantErr: true},
		{name: "ErrFullwidthDigit", in: "３", wantErr: true},
		{name: "ErrOutOf", in: "3/5", wantErr: true},
	}
}

func TestParseRating(t *testing.T) {
	for _, tt := range parseRatingTests() {
		t.Run(tt.name, func(t *testing.T) {
			got, err := data.ParseRating(tt.in)
			if !tt.wantErr {
				if err != nil || got != tt.want {
					t.Fatalf("ParseRating(%q) = %d, %v, want %d, nil", tt.in, got, err, tt.want)
				}
				return
			}
			if got != 0 {
				t.Errorf("ParseRating(%q) = %d, want 0 with the error", tt.in, got)
			}
			var verr *data.ValidationError
			if !errors.Is(err, data.ErrInvalid) || !errors.As(err, &verr) {
				t.Fatalf("ParseRating(%q) error = %v, want a *data.ValidationError", tt.in, err)
			}
			if want := map[string]string{"rating": msgRating}; !maps.Equal(verr.Fields, want) {
				t.Errorf("ParseRating(%q) fields = %q, want %q", tt.in, verr.Fields, want)
			}
		})
	}
}

func TestRatingStarsAndString(t *testing.T) {
	tests := []struct {
		name      string
		in        data.Rating
		wantStars float64
		want      string
	}{
		{name: "OKUnrated", in: 0, wantStars: 0, want: ""},
		{name: "OKHalf", in: 1, wantStars: 0.5, want: "0.5"},
		{name: "OKWhole", in: 6, wantStars: 3, want: "3"},
		{name: "OKHalfStar", in: 7, wantStars: 3.5, want: "3.5"},
		{name: "OKFive", in: data.MaxRating, wantStars: 5, want: "5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.Stars(); got != tt.wantStars {
				t.Errorf("Stars() = %v, want %v", got, tt.wantStars)
			}
			if got := tt.in.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRatingRoundTrip(t *testing.T) {
	for r := data.Rating(0); r <= data.MaxRating; r++ {
		if got, err := data.ParseRating(r.String()); err != nil || got != r {
			t.Errorf("ParseRating(%q) = %d, %v, want %d, nil", r.String(), got, err, r)
		}
	}
}

func FuzzParseRating(f *testing.F) {
	for _, tt := range parseRatingTests() {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := data.ParseRating(in)
		if err != nil {
			if got != 0 || !errors.Is(err, data.ErrInvalid) {
				t.Errorf("ParseRating(%q) = %d, %v, want 0 and ErrInvalid", in, got, err)
			}
			return
		}
		if got < 0 || got > data.MaxRating {
			t.Fatalf("ParseRating(%q) = %d, out of 0..%d", in, got, data.MaxRating)
		}
		if again, err := data.ParseRating(got.String()); err != nil || again != got {
			t.Errorf("ParseRating(%q) = %d, %v, want %d, nil", got.String(), again, err, got)
		}
	})
}
