package handlers

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/bookcase/bookcase/assets"
	"github.com/bookcase/bookcase/views"
)

// installable is what makes Bookcase an app a phone can install: the web app manifest, the
// service worker's script and the offline page, each made once when the server starts (they
// change only with the assets). All three are public and the same for everyone, so they are
// served before the session is read, like the assets.
type installable struct {
	manifest, worker, offline []byte
}

// manifest is the web app manifest (https://www.w3.org/TR/appmanifest/).
type manifest struct {
	Name            string         `json:"name"`
	ShortName       string         `json:"short_name"`
	Description     string         `json:"description"`
	ID              string         `json:"id"`
	StartURL        string         `json:"start_url"`
	Scope           string         `json:"scope"`
	Display         string         `json:"display"`
	ThemeColor      string         `json:"theme_color"`
	BackgroundColor string         `json:"background_color"`
	Icons           []manifestIcon `json:"icons"`
}

type manifestIcon struct {
	Src     string `json:"src"`
	Sizes   string `json:"sizes"`
	Type    string `json:"type"`
	Purpose string `json:"purpose"`
}

// backgroundColor is the splash screen's, app.css --bg of the light theme.
const backgroundColor = "#f7f4ee"

// newInstallable makes the manifest, the worker and the offline page for the assets at a.
func newInstallable(a views.Assets) (*installable, error) {
	icon := func(name, sizes, typ, purpose string) (manifestIcon, error) {
		u, err := assets.URL(name)
		return manifestIcon{Src: u, Sizes: sizes, Type: typ, Purpose: purpose}, err
	}
	m := manifest{
		Name:            "Bookcase",
		ShortName:       "Bookcase",
		Description:     "Keep track of your books: what you own, what you are reading, what you have read.",
		ID:              views.LibraryURL,
		StartURL:        views.LibraryURL,
		Scope:           "/",
		Display:         "standalone",
		ThemeColor:      views.ThemeColorLight,
		BackgroundColor: backgroundColor,
	}
	for _, i := range []struct{ name, sizes, typ, purpose string }{
		{assets.IconSmall, "192x192", "image/png", "any"},
		{assets.IconLarge, "512x512", "image/png", "any"},
		{assets.IconMaskable, "512x512", "image/png", "maskable"},
		{assets.IconSVG, "any", "image/svg+xml", "any"},
	} {
		mi, err := icon(i.name, i.sizes, i.typ, i.purpose)
		if err != nil {
			return nil, err
		}
		m.Icons = append(m.Icons, mi)
	}
	manifestJSON, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}

	// Rendered without a request: no reader's name, no anti-forgery token (see OfflinePage).
	var offline bytes.Buffer
	if err := views.OfflinePage(views.Meta{Title: "Offline", Assets: a}).Render(context.Background(), &offline); err != nil {
		return nil, fmt.Errorf("render the offline page: %w", err)
	}
	offlineURL := views.OfflineURL + "?v=" + version(offline.Bytes())

	// The worker keeps what every page links to, and the offline page. Its cache is named after
	// them, so a new version of any one makes a new cache and the old one is dropped.
	precache := []string{a.CSS, a.HTMX, a.App, a.Icon, offlineURL}
	list, err := json.Marshal(precache)
	if err != nil {
		return nil, err
	}
	values := map[string]string{
		`"__CACHE__"`:      "bookcase-" + version(list),
		`["__PRECACHE__"]`: string(list),
		`"__OFFLINE__"`:    offlineURL,
	}
	worker := assets.ServiceWorker
	for placeholder, value := range values {
		if strings.Count(worker, placeholder) != 1 {
			return nil, fmt.Errorf("service worker: want %s once in sw.js", placeholder)
		}
		if !strings.HasPrefix(value, "[") {
			b, err := json.Marshal(value)
			if err != nil {
				return nil, err
			}
			value = string(b)
		}
		worker = strings.Replace(worker, placeholder, value, 1)
	}
	return &installable{manifest: manifestJSON, worker: []byte(worker), offline: offline.Bytes()}, nil
}

// version names content, as the assets' versions do.
func version(content []byte) string {
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:6])
}

// serveManifest answers the web app manifest.
func (i *installable) serveManifest(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set(fiber.HeaderContentType, "application/manifest+json")
	return c.Send(i.manifest)
}

// serveWorker answers the service worker's script. Browsers look for a new one at every visit
// (at most a day apart whatever the headers say); no-cache makes it every visit.
func (i *installable) serveWorker(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set(fiber.HeaderContentType, "text/javascript; charset=utf-8")
	return c.Send(i.worker)
}

// serveOffline answers the offline page, which the worker keeps to show when the network fails.
func (i *installable) serveOffline(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Type("html", "utf-8")
	return c.Send(i.offline)
}
