package views

import (
	"strings"
	"testing"
)

// TestText: @text escapes as templ's { s } does.
func TestText(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"Solaris", "Solaris"},
		{`<script>alert("1")</script>`, "&lt;script&gt;alert(&#34;1&#34;)&lt;/script&gt;"},
		{"Tom's & Jerry", "Tom&#39;s &amp; Jerry"},
		{"Čapek — R.U.R.", "Čapek — R.U.R."},
	} {
		var b strings.Builder
		if err := text(tt.in).Render(t.Context(), &b); err != nil {
			t.Fatal(err)
		}
		if got := b.String(); got != tt.want {
			t.Errorf("text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
