package data

import (
	"strconv"
	"strings"
)

// ISBN is a normalized ISBN-13: exactly 13 ASCII digits, no hyphens, with a valid check digit.
// The empty ISBN means a book has no ISBN. Make one with ParseISBN.
type ISBN string

// Messages for a rejected ISBN, keyed by the form field "isbn". They are fixed sentences (the
// input is never echoed back) so they are safe to show anywhere.
const (
	msgISBNCharacters = "An ISBN has only the digits 0 to 9, with hyphens or spaces between them."
	msgISBNCheckX     = "Only the last character of a 10-digit ISBN can be X."
	msgISBNCheckDigit = "This ISBN's check digit is wrong: check for a typo."
	msgISBNPrefix     = "A 13-digit ISBN starts with 978 or 979."
)

// ParseISBN reads an ISBN-10 or ISBN-13 the way readers type it and exports write it, checks its
// check digit, and returns it as an ISBN-13 (an ISBN-10 gets the 978 prefix and a new check digit).
//
// It accepts surrounding whitespace; hyphens and spaces between the digits; an upper- or
// lower-case X as the check digit of an ISBN-10; an "ISBN", "ISBN:", "ISBN-10:" or "ISBN-13:"
// label in any case (the label is not checked against the number of digits: the check digit is
// what matters); and Goodreads' spreadsheet quoting, ="0441013597". Only ASCII digits count as
// digits.
//
// An empty input, or Goodreads' empty ="", means "no ISBN": ParseISBN returns "" and a nil error.
// Anything else it cannot read is a *ValidationError (so errors.Is(err, ErrInvalid)) for the field
// "isbn", whose message says what is wrong.
func ParseISBN(s string) (ISBN, error) {
	s = strings.TrimSpace(s)
	if inner, ok := strings.CutPrefix(s, `="`); ok {
		if inner, ok := strings.CutSuffix(inner, `"`); ok {
			s = strings.TrimSpace(inner)
		}
	}
	if s == "" {
		return "", nil
	}
	s = cutISBNLabel(s)

	digits, msg := isbnDigits(s)
	if msg != "" {
		return "", isbnError(msg)
	}
	switch len(digits) {
	case 10:
		if isbn10Sum(digits)%11 != 0 {
			return "", isbnError(msgISBNCheckDigit)
		}
		body := "978" + string(digits[:9])
		return ISBN(body + string(isbn13CheckDigit(body))), nil
	case 13:
		if p := string(digits[:3]); p != "978" && p != "979" {
			return "", isbnError(msgISBNPrefix)
		}
		if isbn13CheckDigit(string(digits[:12])) != digits[12] {
			return "", isbnError(msgISBNCheckDigit)
		}
		return ISBN(digits), nil
	default:
		return "", isbnError("An ISBN has 10 or 13 digits; this has " + strconv.Itoa(len(digits)) + ".")
	}
}

// String returns the 13 digits, or "" for no ISBN.
func (i ISBN) String() string { return string(i) }

// ISBN10 returns the 10-character form of a 978-prefixed ISBN, whose check character may be X.
// An ISBN that starts with 979 has no ISBN-10, and neither has an empty or malformed one: for
// those ok is false.
func (i ISBN) ISBN10() (s string, ok bool) {
	if len(i) != 13 || !strings.HasPrefix(string(i), "978") || strings.IndexFunc(string(i), notASCIIDigit) >= 0 {
		return "", false
	}
	body := []byte(i[3:12])
	check := (11 - isbn10Sum(append(body, '0'))%11) % 11
	if check == 10 {
		return string(body) + "X", true
	}
	return string(body) + strconv.Itoa(check), true
}

// cutISBNLabel removes a leading "ISBN", "ISBN-10" or "ISBN-13" label (any case, with an
// optional colon) and the space after it. "-10" and "-13" count as part of the label only when a
// colon or a space follows, so they are never mistaken for digits.
func cutISBNLabel(s string) string {
	if len(s) < 4 || !strings.EqualFold(s[:4], "ISBN") {
		return s
	}
	s = s[4:]
	for _, kind := range []string{"-10", "-13"} {
		if rest, ok := strings.CutPrefix(s, kind); ok && (strings.HasPrefix(rest, ":") || strings.HasPrefix(rest, " ")) {
			s = rest
			break
		}
	}
	s = strings.TrimPrefix(s, ":")
	return strings.TrimSpace(s)
}

// isbnDigits returns the digits of s, with a trailing x upper-cased, or the reason s is not an
// ISBN. Hyphens and spaces may only separate digits. The length is left to the caller, but an X
// is refused here unless it is the tenth and last character.
func isbnDigits(s string) ([]byte, string) {
	digits := make([]byte, 0, 13)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isASCIIDigit(c):
			digits = append(digits, c)
		case c == 'X' || c == 'x':
			if i != len(s)-1 || len(digits) != 9 {
				return nil, msgISBNCheckX
			}
			digits = append(digits, 'X')
		case c == '-' || c == ' ':
			if len(digits) == 0 || i == len(s)-1 {
				return nil, msgISBNCharacters
			}
		default:
			return nil, msgISBNCharacters
		}
	}
	return digits, ""
}

// isbn10Sum is the weighted sum of an ISBN-10 (weights 10 down to 1, X worth 10); a valid ISBN-10's
// sum is a multiple of 11.
func isbn10Sum(d []byte) int {
	sum := 0
	for i, c := range d {
		v := int(c - '0')
		if c == 'X' {
			v = 10
		}
		sum += (10 - i) * v
	}
	return sum
}

// isbn13CheckDigit computes the thirteenth digit for the first twelve (weights 1 and 3, mod 10).
func isbn13CheckDigit(body string) byte {
	sum := 0
	for i := range 12 {
		v := int(body[i] - '0')
		if i%2 == 1 {
			v *= 3
		}
		sum += v
	}
	return byte('0' + (10-sum%10)%10)
}

// isASCIIDigit reports whether c is 0 to 9; other scripts' digits do not count.
func isASCIIDigit(c byte) bool { return c >= '0' && c <= '9' }

// notASCIIDigit reports a rune other than 0 to 9.
func notASCIIDigit(r rune) bool { return r < '0' || r > '9' }

// isbnError reports a rejected ISBN the same way BookInput.Validate reports a rejected field.
func isbnError(msg string) error {
	return &ValidationError{Fields: map[string]string{"isbn": msg}}
}
