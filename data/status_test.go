package data_test

import (
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/bookcase/bookcase/data"
)

func TestParseStatus(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    data.Status
		wantErr bool
	}{
		{name: "OKWant", in: "want", want: data.StatusWant},
		{name: "OKReading", in: "reading", want: data.StatusReading},
		{name: "OKRead", in: "read", want: data.StatusRead},
		{name: "OKDNF", in: "dnf", want: data.StatusDNF},
		{name: "OKUpperCase", in: "DNF", want: data.StatusDNF},
		{name: "OKMixedCase", in: "ReAdInG", want: data.StatusReading},
		{name: "OKWhitespace", in: " \tread\n", want: data.StatusRead},
		{name: "ErrEmpty", in: "", wantErr: true},
		{name: "ErrBlank", in: "  ", wantErr: true},
		{name: "ErrPrefix", in: "rea", wantErr: true},
		{name: "ErrLonger", in: "reader", wantErr: true},
		{name: "ErrLabel", in: "Want to read", wantErr: true},
		{name: "ErrGoodreads", in: "to-read", wantErr: true},
		{name: "ErrStoryGraph", in: "did-not-finish", wantErr: true},
		{name: "ErrInnerSpace", in: "d nf", wantErr: true},
		{name: "ErrNUL", in: "read\x00", wantErr: true},
		{name: "ErrFullwidth", in: "ｒｅａｄ", wantErr: true},
		{name: "ErrDotlessI", in: "readıng", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := data.ParseStatus(tt.in)
			if !tt.wantErr {
				if err != nil || got != tt.want {
					t.Fatalf("ParseStatus(%q) = %q, %v, want %q, nil", tt.in, got, err, tt.want)
				}
				return
			}
			if got != "" {
				t.Errorf("ParseStatus(%q) = %q, want \"\" with the error", tt.in, got)
			}
			var verr *data.ValidationError
			if !errors.Is(err, data.ErrInvalid) || !errors.As(err, &verr) {
				t.Fatalf("ParseStatus(%q) error = %v, want a *data.ValidationError", tt.in, err)
			}
			want := map[string]string{"status": "Choose a status: want to read, reading, read or did not finish."}
			if !maps.Equal(verr.Fields, want) {
				t.Errorf("ParseStatus(%q) fields = %q, want %q", tt.in, verr.Fields, want)
			}
		})
	}
}

func TestStatusLabel(t *testing.T) {
	tests := []struct {
		name string
		in   data.Status
		want string
	}{
		{name: "OKWant", in: data.StatusWant, want: "Want to read"},
		{name: "OKReading", in: data.StatusReading, want: "Reading"},
		{name: "OKRead", in: data.StatusRead, want: "Read"},
		{name: "OKDNF", in: data.StatusDNF, want: "Did not finish"},
		{name: "ErrUnknown", in: "shelved", want: ""},
		{name: "ErrEmpty", in: "", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.Label(); got != tt.want {
				t.Errorf("Label() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestStatuses(t *testing.T) {
	want := []data.Status{data.StatusWant, data.StatusReading, data.StatusRead, data.StatusDNF}
	got := data.Statuses()
	if !slices.Equal(got, want) {
		t.Fatalf("Statuses() = %q, want %q", got, want)
	}
	// Each call returns a new slice, so a caller cannot change what the next one sees.
	got[0] = "changed"
	if again := data.Statuses(); !slices.Equal(again, want) {
		t.Errorf("Statuses() after a caller changed its slice = %q, want %q", again, want)
	}
	// Every status parses from its own name and has a label.
	for _, st := range want {
		if p, err := data.ParseStatus(string(st)); err != nil || p != st {
			t.Errorf("ParseStatus(%q) = %q, %v, want %q, nil", st, p, err, st)
		}
		if st.Label() == "" {
			t.Errorf("%q has no label", st)
		}
	}
}
