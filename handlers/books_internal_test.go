package handlers

import (
	"testing"
	"time"
)

// TestShortDate checks shortDate against time.Format, whose layout it spells out, over four years.
func TestShortDate(t *testing.T) {
	for d := time.Date(2023, 12, 25, 0, 0, 0, 0, time.UTC); d.Year() < 2028; d = d.AddDate(0, 0, 1) {
		if got, want := shortDate(d.Date()), d.Format("2 Jan 2006"); got != want {
			t.Fatalf("shortDate(%v) = %q, want %q", d, got, want)
		}
	}
}
