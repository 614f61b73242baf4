package data_test

import (
	"errors"
	"maps"
	"testing"

	"github.com/bookcase/bookcase/data"
)

const (
	msgISBNCharacters = "An ISBN has only the digits 0 to 9, with hyphens or spaces between them."
	msgISBNCheckX     = "Only the last character of a 10-digit ISBN can be X."
	msgISBNCheckDigit = "This ISBN's check digit is wrong: check for a typo."
	msgISBNPrefix     = "A 13-digit ISBN starts with 978 or 979."
)

// parseISBNTest is one case of TestParseISBN; every input is also a seed for FuzzParseISBN.
type parseISBNTest struct {
	name string
	in   string
	want data.ISBN
	msg  string // the "isbn" field's message; "" means no error
}

func parseISBNTests() []parseISBNTest {
	return []parseISBNTest{
		// Real ISBNs, as printed.
		{name: "OKISBN10", in: "0-441-01359-7", want: "9780441013593"}, // Dune
		{name: "OKISBN10Plain", in: "0441013597", want: "9780441013593"},
		{name: "OKISBN13", in: "978-0-306-40615-7", want: "9780306406157"},
		{name: "OKISBN13Plain", in: "9780306406157", want: "9780306406157"},
		{name: "OKISBN10OfISBN13", in: "0-306-40615-2", want: "9780306406157"},
		{name: "OKCheckX", in: "080442957X", want: "9780804429573"},
		{name: "OKCheckLowerX", in: "0-8044-2957-x", want: "9780804429573"},
		{name: "OK979", in: "979-10-90636-07-1", want: "9791090636071"},
		{name: "OKCheckZero", in: "0140449132", want: "9780140449136"},
		// Every accepted spelling.
		{name: "OKSpaces", in: "978 0 306 40615 7", want: "9780306406157"},
		{name: "OKSeparatorRun", in: "978 - 0-306-40615 - 7", want: "9780306406157"},
		{name: "OKWhitespace", in: " \t0441013597\r\n", want: "9780441013593"},
		{name: "OKLabel", in: "ISBN 0-441-01359-7", want: "9780441013593"},
		{name: "OKLabelColon", in: "isbn:0441013597", want: "9780441013593"},
		{name: "OKLabelISBN10", in: "ISBN-10: 0441013597", want: "9780441013593"},
		{name: "OKLabelISBN13", in: "Isbn-13: 978-0-441-01359-3", want: "9780441013593"},
		{name: "OKLabelISBN13NoColon", in: "ISBN-13 9780441013593", want: "9780441013593"},
		{name: "OKLabelNoSpace", in: "ISBN9780441013593", want: "9780441013593"},
		{name: "OKLabelMismatched", in: "ISBN-10: 9780441013593", want: "9780441013593"},
		{name: "OKGoodreads", in: `="0441013597"`, want: "9780441013593"},
		{name: "OKGoodreadsISBN13", in: `="9780441013593"`, want: "9780441013593"},
		{name: "OKGoodreadsSpaces", in: ` =" 0441013597 " `, want: "9780441013593"},
		// No ISBN at all.
		{name: "OKEmpty", in: ""},
		{name: "OKBlank", in: " \t "},
		{name: "OKGoodreadsEmpty", in: `=""`},
		{name: "OKGoodreadsEmptySpaces", in: ` =" " `},
		// Typos.
		{name: "ErrChecksumISBN10", in: "0-441-01359-8", msg: msgISBNCheckDigit},
		{name: "ErrChecksumISBN13", in: "978-0-441-01359-4", msg: msgISBNCheckDigit},
		{name: "ErrChecksumTransposed", in: "0441015397", msg: msgISBNCheckDigit},
		{name: "ErrChecksumWantX", in: "0804429570", msg: msgISBNCheckDigit},
		{name: "ErrChecksumUnwantedX", in: "044101359X", msg: msgISBNCheckDigit},
		{name: "ErrChecksum979", in: "979-10-90636-07-2", msg: msgISBNCheckDigit},
		// Wrong lengths.
		{name: "ErrLength12", in: "978-0-441-01359", msg: "An ISBN has 10 or 13 digits; this has 12."},
		{name: "ErrLength9", in: "044101359", msg: "An ISBN has 10 or 13 digits; this has 9."},
		{name: "ErrLength11", in: "04410135971", msg: "An ISBN has 10 or 13 digits; this has 11."},
		{name: "ErrLength14", in: "97804410135930", msg: "An ISBN has 10 or 13 digits; this has 14."},
		{name: "ErrLength1", in: "7", msg: "An ISBN has 10 or 13 digits; this has 1."},
		{name: "ErrLabelOnly", in: "ISBN:", msg: "An ISBN has 10 or 13 digits; this has 0."},
		// Not an ISBN-13 prefix.
		{name: "ErrPrefix", in: "977-0-441-01359-0", msg: msgISBNPrefix},
		{name: "ErrPrefixZeros", in: "0000000000000", msg: msgISBNPrefix},
		// X anywhere but the end of an ISBN-10.
		{name: "ErrXInMiddle", in: "04410X3597", msg: msgISBNCheckX},
		{name: "ErrXInISBN13", in: "978044101359X", msg: msgISBNCheckX},
		{name: "ErrXEleventh", in: "0441013597X", msg: msgISBNCheckX},
		{name: "ErrXOnly", in: "X", msg: msgISBNCheckX},
		// Letters and other characters.
		{name: "ErrLetterO", in: "0441O13597", msg: msgISBNCharacters},
		{name: "ErrWord", in: "Dune", msg: msgISBNCharacters},
		{name: "ErrSign", in: "+0441013597", msg: msgISBNCharacters},
		{name: "ErrLeadingHyphen", in: "-0441013597", msg: msgISBNCharacters},
		{name: "ErrTrailingHyphen", in: "0441013597-", msg: msgISBNCharacters},
		{name: "ErrLabelHyphen", in: "ISBN-0441013597", msg: msgISBNCharacters},
		{name: "ErrTab", in: "0441\t013597", msg: msgISBNCharacters},
		{name: "ErrUnicodeHyphen", in: "0\u2010441\u201001359\u20107", msg: msgISBNCharacters},
		{name: "ErrGoodreadsUnclosed", in: `="0441013597`, msg: msgISBNCharacters},
		{name: "ErrGoodreadsHalf", in: `="`, msg: msgISBNCharacters},
		{name: "ErrQuoted", in: `"0441013597"`, msg: msgISBNCharacters},
		{name: "ErrInvalidUTF8", in: "0441\xff013597", msg: msgISBNCharacters},
		// Only ASCII 0-9 are digits.
		{name: "ErrArabicIndicDigits", in: "٠٤٤١٠١٣٥٩٧", msg: msgISBNCharacters},
		{name: "ErrFullwidthDigits", in: "０４４１０１３５９７", msg: msgISBNCharacters},
		{name: "ErrDevanagariDigit", in: "044101359७", msg: msgISBNCharacters},
		{name: "ErrFullwidthX", in: "080442957Ｘ", msg: msgISBNCharacters},
	}
}

func TestParseISBN(t *testing.T) {
	for _, tt := range parseISBNTests() {
		t.Run(tt.name, func(t *testing.T) {
			got, err := data.ParseISBN(tt.in)
			if tt.msg == "" {
				if err != nil || got != tt.want {
					t.Fatalf("ParseISBN(%q) = %q, %v, want %q, nil", tt.in, got, err, tt.want)
				}
				return
			}
			if got != "" {
				t.Errorf("ParseISBN(%q) = %q, want \"\" with the error", tt.in, got)
			}
			if !errors.Is(err, data.ErrInvalid) {
				t.Fatalf("ParseISBN(%q) error = %v, want ErrInvalid", tt.in, err)
			}
			var verr *data.ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("ParseISBN(%q) error = %T, want *data.ValidationError", tt.in, err)
			}
			if want := map[string]string{"isbn": tt.msg}; !maps.Equal(verr.Fields, want) {
				t.Errorf("ParseISBN(%q) fields = %q, want %q", tt.in, verr.Fields, want)
			}
		})
	}
}

func TestISBNString(t *testing.T) {
	tests := []struct {
		name string
		in   data.ISBN
		want string
	}{
		{name: "OK", in: "9780441013593", want: "9780441013593"},
		{name: "OKNone", in: "", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestISBNISBN10(t *testing.T) {
	tests := []struct {
		name   string
		in     data.ISBN
		want   string
		wantOK bool
	}{
		{name: "OK", in: "9780441013593", want: "0441013597", wantOK: true},
		{name: "OKCheckX", in: "9780804429573", want: "080442957X", wantOK: true},
		{name: "OKCheckZero", in: "9780140449136", want: "0140449132", wantOK: true},
		{name: "Err979", in: "9791090636071"},
		{name: "ErrNone", in: ""},
		{name: "ErrShort", in: "978044101359"},
		{name: "ErrNotDigits", in: "978044101359X"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.in.ISBN10()
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("ISBN10() = %q, %v, want %q, %v", got, ok, tt.want, tt.wantOK)
			}
			if !ok {
				return
			}
			// The ISBN-10 reads back as the same book.
			if back, err := data.ParseISBN(got); err != nil || back != tt.in {
				t.Errorf("ParseISBN(%q) = %q, %v, want %q, nil", got, back, err, tt.in)
			}
		})
	}
}

func FuzzParseISBN(f *testing.F) {
	for _, tt := range parseISBNTests() {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := data.ParseISBN(in)
		if err != nil {
			if got != "" {
				t.Errorf("ParseISBN(%q) = %q with error %v, want \"\"", in, got, err)
			}
			var verr *data.ValidationError
			if !errors.Is(err, data.ErrInvalid) || !errors.As(err, &verr) || verr.Fields["isbn"] == "" {
				t.Errorf("ParseISBN(%q) error = %#v, want a *data.ValidationError for isbn", in, err)
			}
			return
		}
		if got == "" {
			return // no ISBN
		}
		if !validISBN13(string(got)) {
			t.Fatalf("ParseISBN(%q) = %q, not 13 ASCII digits with a valid check digit", in, got)
		}
		if again, err := data.ParseISBN(string(got)); err != nil || again != got {
			t.Errorf("ParseISBN(%q) = %q, %v, want %q, nil (idempotent)", got, again, err, got)
		}
		if isbn10, ok := got.ISBN10(); ok {
			if back, err := data.ParseISBN(isbn10); err != nil || back != got {
				t.Errorf("ParseISBN(%q) = %q, %v, want %q, nil (from ISBN10)", isbn10, back, err, got)
			}
		}
	})
}

// validISBN13 checks s independently of the package: 13 ASCII digits, a 978 or 979 prefix, and
// weights 1 and 3 summing to a multiple of 10.
func validISBN13(s string) bool {
	if len(s) != 13 || (s[:3] != "978" && s[:3] != "979") {
		return false
	}
	sum := 0
	for i := range len(s) {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		w := 1
		if i%2 == 1 {
			w = 3
		}
		sum += w * int(c-'0')
	}
	return sum%10 == 0
}
