package exchange

import (
	"testing"

	"github.com/bookcase/bookcase/data"
)

func TestBindingFormat(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want data.Format
	}{
		{"Kindle Edition", data.FormatEbook}, {"ebook", data.FormatEbook}, {"digital", data.FormatEbook},
		{"Audible Audio", data.FormatAudiobook}, {"Audio CD", data.FormatAudiobook}, {"Audiobook", data.FormatAudiobook},
		{"MP3 CD", data.FormatAudiobook}, {"audio", data.FormatAudiobook},
		{"Paperback", data.FormatPaperback}, {"Mass Market Paperback", data.FormatPaperback}, {" trade  PAPERBACK ", data.FormatPaperback},
		{"Hardcover", data.FormatHardcover}, {"Library Binding", data.FormatHardcover},
		{"Leather Bound", data.FormatOther}, {"Board book", data.FormatOther},
		{"", ""}, {"Unknown Binding", ""},
	} {
		if got := bindingFormat(tc.in); got != tc.want {
			t.Errorf("bindingFormat(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// What the export writes reads back as the same format.
	for _, f := range data.Formats() {
		if got := bindingFormat(binding(f)); got != f {
			t.Errorf("bindingFormat(binding(%q)) = %q", f, got)
		}
	}
}
