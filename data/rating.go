package data

import (
	"strconv"
	"strings"
)

// Rating is a reader's rating in half stars: 1 is half a star and 10 is five stars. The zero
// Rating means the book is unrated.
type Rating int

// MaxRating is five stars.
const MaxRating Rating = 10

// msgRating is the message for a rejected rating, keyed by the form field "rating".
const msgRating = "A rating is 0.5 to 5 stars, in half stars."

// ParseRating reads a rating in stars: a whole number or a half, with a point or a comma
// ("3", "3.5", "4,5", "5.0"). Surrounding whitespace is ignored. An empty input and "0" mean
// unrated, and give the zero Rating.
//
// It is strict on purpose: values between half stars (StoryGraph's "4.25"), above 5, negative or
// written any other way are refused rather than rounded, so an import never changes a rating
// silently. The error is a *ValidationError (so errors.Is(err, ErrInvalid)) for the field
// "rating".
func ParseRating(s string) (Rating, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	if !hasFrac {
		whole, frac, hasFrac = strings.Cut(s, ",")
	}
	if len(whole) != 1 || !isASCIIDigit(whole[0]) || hasFrac && frac == "" {
		return 0, ratingError()
	}
	r := Rating(whole[0]-'0') * 2
	if frac != "" {
		if frac[0] == '5' {
			r++
			frac = frac[1:]
		}
		if strings.Trim(frac, "0") != "" {
			return 0, ratingError()
		}
	}
	if r > MaxRating {
		return 0, ratingError()
	}
	return r, nil
}

// Stars returns the rating in stars, from 0.5 to 5, or 0 when unrated.
func (r Rating) Stars() float64 { return float64(r) / 2 }

// String returns the rating in stars as ParseRating reads it ("3", "3.5"), or "" when unrated.
func (r Rating) String() string {
	if r == 0 {
		return ""
	}
	return strconv.FormatFloat(r.Stars(), 'f', -1, 64)
}

// ratingError reports a rejected rating the same way BookInput.Validate reports a rejected field.
func ratingError() error {
	return &ValidationError{Fields: map[string]string{"rating": msgRating}}
}
