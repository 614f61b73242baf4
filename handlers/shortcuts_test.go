package handlers_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// shortcutKeys are the shortcuts the list shows, in order, as its data-keys say them.
var shortcutKeys = []string{"?", "/", "n", "Esc", "j", "k", "e", "p", "Enter or o", "r", "g then l", "g then s", "g then e", "g then i"}

func TestShortcutsPage(t *testing.T) {
	signedIn := newTestApp(t)
	for _, tc := range []struct {
		name   string
		app    *testApp
		dialog bool
	}{
		{"SignedIn", signedIn, true},
		{"SignedOut", signedIn.browser(), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.app.get(plain, "/shortcuts")
			res.wantStatus(t, http.StatusOK)
			doc := res.page(t)
			wantText(t, one(t, doc, "main h1"), "Keyboard shortcuts")
			var got []string
			doc.Find("main [data-keys]").Each(func(_ int, s *goquery.Selection) {
				got = append(got, attr(t, s, "data-keys"))
			})
			if !slices.Equal(got, shortcutKeys) {
				t.Errorf("the page lists %q, want %q", got, shortcutKeys)
			}
			for key, href := range map[string]string{"l": "/books", "s": "/shelves", "e": "/export", "i": "/import"} {
				wantAttr(t, one(t, doc, `main a[data-go="`+key+`"]`), "href", href)
			}
			if tc.dialog {
				one(t, doc, "dialog#shortcuts")
			} else {
				none(t, doc, "dialog#shortcuts")
			}
		})
	}
}

// TestShortcutsDialog checks that every signed-in page has the overlay, labelled by its heading,
// with the whole list and the footer link to /shortcuts.
func TestShortcutsDialog(t *testing.T) {
	a := newTestApp(t)
	b := a.create("Dune", "Frank Herbert", "")
	for _, target := range []string{"/books", "/books?status=reading", bookPath(b.ID), "/shelves", "/export", "/shortcuts"} {
		t.Run(target, func(t *testing.T) {
			doc := a.get(plain, target).page(t)
			dialog := one(t, doc, "dialog#shortcuts")
			title := one(t, doc, "#"+attr(t, dialog, "aria-labelledby"))
			wantText(t, title, "Keyboard shortcuts")
			if n := dialog.Find("[data-keys]").Length(); n != len(shortcutKeys) {
				t.Errorf("the overlay lists %d shortcuts, want %d", n, len(shortcutKeys))
			}
			one(t, dialog, `form[method="dialog"] button[data-action="close-shortcuts"]`)
			none(t, doc, "[style], script:not([src])")
			wantAttr(t, one(t, doc, `footer a[data-action="shortcuts"]`), "href", "/shortcuts")
		})
	}
	t.Run("SignedOut", func(t *testing.T) {
		doc := a.browser().get(plain, "/login").page(t)
		none(t, doc, "dialog#shortcuts")
	})
}
