package handlers_test

import (
	"net/http"
	"net/url"
	"testing"
)

// TestDensity: the library's density is comfortable until the reader picks compact, which is kept
// with the account: the next page, and another session of theirs (another device), show it. A
// plain form goes back to the view it came from (never off the library); htmx gets the form back,
// the choice pressed and focused.
func TestDensity(t *testing.T) {
	a := newTestApp(t)
	a.create("Dune", "Frank Herbert", "")
	density := func(b *testApp) string {
		t.Helper()
		form := one(t, b.get(plain, "/books").page(t), "form#density")
		if form.HasClass("compact") {
			wantAttr(t, one(t, form, `button[value="compact"]`), "aria-pressed", "true")
			return "compact"
		}
		wantAttr(t, one(t, form, `button[value="comfortable"]`), "aria-pressed", "true")
		return "comfortable"
	}
	if got := density(a); got != "comfortable" {
		t.Fatalf("a new reader's density is %s, want comfortable", got)
	}

	t.Run("OKPlain", func(t *testing.T) {
		res := a.do(plain, http.MethodPost, "/preferences/density", url.Values{"density": {"compact"}, "back": {"/books?status=read&sort=title"}})
		res.wantRedirect(t, "/books?status=read&sort=title")
		if got := density(a); got != "compact" {
			t.Errorf("after choosing compact the library is %s", got)
		}
		other := a.browser()
		other.signIn(a.reader)
		if got := density(other); got != "compact" {
			t.Errorf("another session of the reader's is %s, want compact", got)
		}
	})
	t.Run("OKHTMX", func(t *testing.T) {
		res := a.do(htmx, http.MethodPost, "/preferences/density", url.Values{"density": {"comfortable"}, "back": {"/books"}})
		res.wantStatus(t, http.StatusOK)
		form := one(t, res.parts(t), "form#density:not(.compact)")
		wantAttr(t, one(t, form, `button[aria-pressed="true"][autofocus]`), "value", "comfortable")
		if got := density(a); got != "comfortable" {
			t.Errorf("after choosing comfortable the library is %s", got)
		}
	})
	t.Run("OtherReadersKeepTheirs", func(t *testing.T) {
		a.do(plain, http.MethodPost, "/preferences/density", url.Values{"density": {"compact"}}).wantRedirect(t, "/books")
		bob := a.browser()
		bob.signIn(bob.addUser("bob"))
		if got := density(bob); got != "comfortable" {
			t.Errorf("another reader's density is %s, want comfortable", got)
		}
	})
	for _, back := range []string{"//evil.example/books", "https://evil.example/books", "/shelves", "/booksx", ""} {
		t.Run("BackStaysInTheLibrary/"+back, func(t *testing.T) {
			a.do(plain, http.MethodPost, "/preferences/density", url.Values{"density": {"compact"}, "back": {back}}).wantRedirect(t, "/books")
		})
	}
	for _, m := range modes {
		t.Run("ErrBadDensity/"+m.name, func(t *testing.T) {
			res := a.do(m, http.MethodPost, "/preferences/density", url.Values{"density": {"cosy"}})
			res.wantStatus(t, http.StatusUnprocessableEntity)
			if got := density(a); got != "compact" {
				t.Errorf("after a refused choice the library is %s, want it unchanged (compact)", got)
			}
		})
		t.Run("ErrNoToken/"+m.name, func(t *testing.T) {
			res := a.send(a.request(m, http.MethodPost, "/preferences/density", url.Values{"density": {"comfortable"}}))
			res.wantStatus(t, http.StatusForbidden)
		})
	}
	t.Run("ErrSignedOut", func(t *testing.T) {
		anon := a.browser()
		anon.get(plain, "/login")
		res := anon.do(plain, http.MethodPost, "/preferences/density", url.Values{"density": {"compact"}})
		if res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusForbidden {
			t.Errorf("signed out: status %d, want a redirect to log in or 403", res.StatusCode)
		}
	})
}
