package views

import (
	"hash/fnv"
	"testing"
)

func TestInitials(t *testing.T) {
	for _, tt := range []struct{ title, want string }{
		{"The Left Hand of Darkness", "LH"},
		{"the", "T"},
		{"A Wizard of Earthsea", "WO"},
		{"an", "A"},
		{"AN Ode to Joy", "OT"},
		{"tHe End", "E"},
		{"Solaris", "S"},
		{"R.U.R.", "RU"},
		{"  Čapek's   ūdens 2 ", "ČS"},
		{"1984", "1"},
		{"…", ""},
		{"", ""},
	} {
		if got := initials(tt.title); got != tt.want {
			t.Errorf("initials(%q) = %q, want %q", tt.title, got, tt.want)
		}
	}
}

// TestTone: a placeholder's colour is the title's FNV-1a hash modulo 8, as it always was.
func TestTone(t *testing.T) {
	for _, title := range []string{"", "Solaris", "The Left Hand of Darkness", "Čapek"} {
		h := fnv.New32a()
		h.Write([]byte(title))
		if got, want := tone(title), string(rune('0'+h.Sum32()%8)); got != want {
			t.Errorf("tone(%q) = %q, want %q", title, got, want)
		}
	}
}
