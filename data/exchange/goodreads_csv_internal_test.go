package exchange

import (
	"strings"
	"testing"
)

func TestSafeCell(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"=SUM(A1)", "'=SUM(A1)"},
		{"+1", "'+1"},
		{"-1", "'-1"},
		{"@x", "'@x"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"Dune", "Dune"},
		{"a=b", "a=b"},
		{"'quoted", "'quoted"},
		{"", ""},
	} {
		got := safeCell(tt.in)
		if got != tt.want {
			t.Errorf("safeCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got != tt.in {
			if back := strings.TrimPrefix(got, "'"); back != tt.in {
				t.Errorf("safeCell(%q) without its leading ' = %q, want the original", tt.in, back)
			}
		}
	}
}
