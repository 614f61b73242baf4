// Package assets embeds Bookcase's static files: the stylesheet, app.js, htmx, the app's icons,
// and the service worker's script.
//
// htmx is vendored, never loaded from a CDN: htmx-2.0.11.min.js is the unmodified dist/htmx.min.js
// of the npm package htmx.org@2.0.11 (Zero-Clause BSD licence, see htmx-LICENSE.txt). To upgrade,
// run `npm pack htmx.org@2`, copy dist/htmx.min.js here under its new version and change HTMX below.
//
// The PNG icons are drawn by drawIcon in icons_test.go and committed; after changing it, redraw
// them with `go test ./assets -run TestIcons -update`. icon.svg draws the same shapes by hand.
package assets

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"math/bits"
	"sync"

	"github.com/andybalholm/brotli"
)

//go:embed *.css *.js *.txt *.png *.svg
var files embed.FS

// Names of the files that pages link to.
const (
	CSS  = "app.css"
	App  = "app.js"
	HTMX = "htmx-2.0.11.min.js"
	// The app's icons, for the web app manifest and the browser's tab.
	IconSmall    = "icon-192.png"
	IconLarge    = "icon-512.png"
	IconMaskable = "icon-maskable-512.png"
	IconSVG      = "icon.svg"
)

// ServiceWorker is the service worker's script, to be served from the root of the site (its
// scope). It is not one of the files under /assets/: the server fills in its two placeholders,
// the name of its cache and the URLs it keeps there, which change with the assets' versions.
//
//go:embed worker/sw.js
var ServiceWorker string

// FS returns the embedded files.
func FS() fs.FS { return files }

// URL returns the path under /assets/ at which name is served, with a query that changes whenever
// the file's content does, so browsers may cache assets for ever.
func URL(name string) (string, error) {
	f, err := Open(name)
	if err != nil {
		return "", err
	}
	return "/assets/" + name + "?v=" + f.Version, nil
}

// File is an embedded file as it is and compressed, ready to be sent as a client accepts.
type File struct {
	// Plain is the file's content.
	Plain []byte
	// Gzip and Brotli are Plain compressed, or nil where compressing does not make it smaller.
	Gzip, Brotli []byte
	// Version names the content: it changes whenever the file does (in URLs and ETags).
	Version string
}

// Open returns the embedded file name, compressed. Every file is compressed once, on the first
// call, at the best (slowest) levels: 0.25 s once, rather than on every request (brotli: app.css
// 18 → 4 KB, app.js 15 → 4 KB, htmx 51 → 15 KB); the handler tests, which build hundreds of apps,
// pay it once too.
func Open(name string) (*File, error) {
	all, err := compressed()
	if err != nil {
		return nil, err
	}
	f, ok := all[name]
	if !ok {
		return nil, fmt.Errorf("asset %s: %w", name, fs.ErrNotExist)
	}
	return f, nil
}

// compressed is every embedded file, compressed on the first call. Package state, but not
// mutable: it is derived from the embedded files, and never changes once made.
var compressed = sync.OnceValues(func() (map[string]*File, error) {
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		return nil, err
	}
	all := make(map[string]*File, len(entries))
	for _, e := range entries {
		plain, err := fs.ReadFile(files, e.Name())
		if err != nil {
			return nil, fmt.Errorf("asset %s: %w", e.Name(), err)
		}
		sum := sha256.Sum256(plain)
		f := &File{Plain: plain, Version: hex.EncodeToString(sum[:6])}
		if f.Gzip, err = gzipped(plain); err != nil {
			return nil, fmt.Errorf("asset %s: %w", e.Name(), err)
		}
		if f.Brotli, err = brotlied(plain); err != nil {
			return nil, fmt.Errorf("asset %s: %w", e.Name(), err)
		}
		all[e.Name()] = f
	}
	return all, nil
})

// gzipped is b as gzip at the best level, or nil when that is no smaller.
func gzipped(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	w, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return smaller(buf.Bytes(), b), nil
}

// brotlied is b as brotli at the best level, or nil when that is no smaller. Its window is just
// large enough for b: the best level's match finder takes 8 bytes per byte of window, and at the
// default (4 MiB) compressing the assets allocated 224 MB and took the server's resident memory
// from 70 to 103 MB before its first request; a window as large as the file compresses it as
// well.
func brotlied(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	w := brotli.NewWriterOptions(&buf, brotli.WriterOptions{Quality: brotli.BestCompression, LGWin: brotliWindow(len(b))})
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return smaller(buf.Bytes(), b), nil
}

// smaller is compressed, or nil when it is no smaller than plain.
func smaller(compressed, plain []byte) []byte {
	if len(compressed) >= len(plain) {
		return nil
	}
	return compressed
}

// brotliWindow is the base 2 logarithm of the smallest brotli window that holds n bytes, within
// brotli's bounds (10 to 24).
func brotliWindow(n int) int {
	return min(max(bits.Len(uint(n)), 10), 24)
}
