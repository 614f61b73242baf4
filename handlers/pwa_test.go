package handlers_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestManifest: the manifest is public, valid JSON with what installing needs, and every icon it
// names is served with its type.
func TestManifest(t *testing.T) {
	a := newTestApp(t)
	page := a.get(plain, "/books").page(t)
	href := attr(t, one(t, page, `link[rel="manifest"]`), "href")
	res := a.browser().get(plain, href)
	res.wantStatus(t, http.StatusOK)
	if got := res.Header.Get("Content-Type"); got != "application/manifest+json" {
		t.Errorf("Content-Type = %q, want application/manifest+json", got)
	}
	wantSecurityHeaders(t, res)
	var m struct {
		Icons []struct{ Src, Sizes, Type, Purpose string }
	}
	if err := json.Unmarshal([]byte(res.body), &m); err != nil {
		t.Fatalf("manifest: %v\n%s", err, res.body)
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(res.body), &raw); err != nil {
		t.Fatal(err)
	}
	for field, want := range map[string]string{
		"name": "Bookcase", "short_name": "Bookcase", "start_url": "/books", "scope": "/",
		"display": "standalone", "theme_color": "#fffdf9", "background_color": "#f7f4ee",
	} {
		if got := raw[field]; got != want {
			t.Errorf("manifest %s = %v, want %q", field, got, want)
		}
	}
	sizes := map[string]bool{}
	for _, icon := range m.Icons {
		sizes[icon.Sizes+" "+icon.Purpose] = true
		got := a.browser().get(plain, icon.Src)
		got.wantStatus(t, http.StatusOK)
		if ct := got.Header.Get("Content-Type"); ct != icon.Type {
			t.Errorf("icon %s: Content-Type %q, want %q", icon.Src, ct, icon.Type)
		}
	}
	for _, want := range []string{"192x192 any", "512x512 any", "512x512 maskable"} {
		if !sizes[want] {
			t.Errorf("the manifest has no %s icon: %+v", want, m.Icons)
		}
	}
	for _, media := range []string{"(prefers-color-scheme: light)", "(prefers-color-scheme: dark)"} {
		one(t, page, `meta[name="theme-color"][media="`+media+`"]`)
	}
}

// TestServiceWorker: the worker is served from the root with its values filled in; it keeps the
// assets that pages link to and the offline page, and no other page.
func TestServiceWorker(t *testing.T) {
	a := newTestApp(t)
	page := a.get(plain, "/books").page(t)
	res := a.browser().get(plain, "/sw.js")
	res.wantStatus(t, http.StatusOK)
	if got := res.Header.Get("Content-Type"); !strings.HasPrefix(got, "text/javascript") {
		t.Errorf("Content-Type = %q, want text/javascript", got)
	}
	if got := res.Header.Get("Cache-Control"); got != "no-cache" {
		t.Errorf("Cache-Control = %q, want no-cache (a new worker is found at the next visit)", got)
	}
	if strings.Contains(res.body, "__") {
		t.Errorf("the worker has a placeholder left:\n%s", res.body)
	}
	m := regexp.MustCompile(`var PRECACHE = (\[.*\]);`).FindStringSubmatch(res.body)
	if m == nil {
		t.Fatalf("no PRECACHE in the worker:\n%s", res.body)
	}
	var precache []string
	if err := json.Unmarshal([]byte(m[1]), &precache); err != nil {
		t.Fatal(err)
	}
	for _, sel := range []string{`link[rel="stylesheet"]`, `script[src*="htmx"]`, `script[src*="app"]`} {
		s := one(t, page, sel)
		src := s.AttrOr("href", s.AttrOr("src", ""))
		if !slices.Contains(precache, src) {
			t.Errorf("the worker does not keep %s: %v", src, precache)
		}
	}
	for _, u := range precache {
		if !strings.HasPrefix(u, "/assets/") && !strings.HasPrefix(u, "/offline?v=") {
			t.Errorf("the worker keeps %s, which is neither an asset nor the offline page", u)
		}
		a.browser().get(plain, u).wantStatus(t, http.StatusOK)
	}
}

// TestOfflinePage: the page the worker keeps is the same for everyone: it names no reader and
// carries no anti-forgery token, even when a signed-in reader's browser fetches it.
func TestOfflinePage(t *testing.T) {
	a := newTestApp(t)
	for name, b := range map[string]*testApp{"SignedIn": a, "SignedOut": a.browser()} {
		t.Run(name, func(t *testing.T) {
			res := b.get(plain, "/offline")
			res.wantStatus(t, http.StatusOK)
			res.wantHTML(t)
			doc := res.page(t)
			wantText(t, one(t, doc, "h1"), "You are offline")
			none(t, doc, `meta[name="csrf-token"]`)
			none(t, doc, `[data-testid="username"]`)
			if strings.Contains(res.body, a.reader.Username) {
				t.Errorf("the offline page names the reader %q", a.reader.Username)
			}
			if c := res.Header.Get("Set-Cookie"); c != "" {
				t.Errorf("the offline page sets a cookie: %s", c)
			}
		})
	}
}
