// Package assets embeds Bookcase's static files: the stylesheet, app.js, and htmx.
//
// htmx is vendored, never loaded from a CDN: htmx-2.0.11.min.js is the unmodified dist/htmx.min.js
// of the npm package htmx.org@2.0.11 (Zero-Clause BSD licence, see htmx-LICENSE.txt). To upgrade,
// run `npm pack htmx.org@2`, copy dist/htmx.min.js here under its new version and change HTMX below.
package assets

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
)

//go:embed *.css *.js *.txt
var files embed.FS

// Names of the files that pages link to.
const (
	CSS  = "app.css"
	App  = "app.js"
	HTMX = "htmx-2.0.11.min.js"
)

// FS returns the embedded files.
func FS() fs.FS { return files }

// URL returns the path under /assets/ at which name is served, with a query that changes whenever
// the file's content does, so browsers may cache assets for ever.
func URL(name string) (string, error) {
	b, err := fs.ReadFile(files, name)
	if err != nil {
		return "", fmt.Errorf("asset %s: %w", name, err)
	}
	sum := sha256.Sum256(b)
	return "/assets/" + name + "?v=" + hex.EncodeToString(sum[:6]), nil
}
