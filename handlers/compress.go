package handlers

import (
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/bookcase/bookcase/assets"
)

// compressText compresses every response of the handlers after it once it is complete, as gzip
// at its fastest level (deflate or zstd for a client that takes one of those alone): pages,
// fragments and the export downloads, whose stream fasthttp compresses as it is written (still
// streamed, never held whole). fasthttp leaves alone a body under 200 bytes (compressing does not
// pay), one that already has a Content-Encoding, and types that are not text. Errors turned into
// pages by logRequests, outside it, go uncompressed: they are short. The embedded assets are
// compressed once at start, as brotli too (serveAsset).
//
// Not brotli, which Fiber's compress middleware (a wrapper of fasthttp's) picks first: the
// library's first page of 100,000 books, 39 KB of HTML, takes 760 µs of CPU to compress as brotli
// at Fiber's level (to 6.3 KB), 140-240 µs at brotli's fastest (8.2 KB), 150-220 µs as gzip at its
// default level (7.0 KB), and 82 µs as gzip at its fastest (8.1 KB), measured with go test -bench
// on fasthttp.Append*BytesLevel. Making the page takes 800 µs (bench/load.sh, µs/req): brotli
// would halve the requests served per second for 2 KB less; gzip's fastest costs a tenth more.
//
// Vary: Accept-Encoding is on every response that could be compressed, compressed or not, so
// that no cache hands a compressed body to a client that did not ask for one, or the other way.
// Pages carry the anti-forgery token and reflect the reader's input, which compression could let
// a third party read (BREACH): the token is masked afresh in every response (maskCSRF).
func compressText() fiber.Handler {
	compress := fasthttp.CompressHandlerLevel(func(*fasthttp.RequestCtx) {}, fasthttp.CompressBestSpeed)
	return func(c *fiber.Ctx) error {
		c.Vary(fiber.HeaderAcceptEncoding)
		if err := c.Next(); err != nil {
			return err
		}
		compress(c.Context())
		return nil
	}
}

// serveAsset answers GET and HEAD /assets/NAME with an embedded file, compressed once as brotli
// and gzip at their best levels (assets.Open) and sent as the client accepts: brotli first, then
// gzip (by fasthttp's reading of Accept-Encoding, as compressText).
// Versioned URLs (assets.URL) let browsers keep them a year (cacheForever); the ETag names the
// content and its encoding, so a browser that revalidates anyway is answered 304.
func serveAsset(c *fiber.Ctx) error {
	if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
		return c.Next()
	}
	name := strings.TrimPrefix(c.Path(), "/assets/")
	if name == "" || strings.Contains(name, "/") {
		return c.Next()
	}
	f, err := assets.Open(name)
	if err != nil {
		return c.Next() // not an asset: the 404 of every unknown URL
	}
	body, encoding, etag := f.Plain, "", f.Version
	accepts := c.Context().Request.Header.HasAcceptEncoding
	switch {
	case f.Brotli != nil && accepts("br"):
		body, encoding, etag = f.Brotli, "br", etag+"-br"
	case f.Gzip != nil && accepts("gzip"):
		body, encoding, etag = f.Gzip, "gzip", etag+"-gz"
	}
	c.Vary(fiber.HeaderAcceptEncoding)
	c.Set(fiber.HeaderContentType, mime.TypeByExtension(path.Ext(name)))
	c.Set(fiber.HeaderETag, `"`+etag+`"`)
	if encoding != "" {
		c.Set(fiber.HeaderContentEncoding, encoding)
	}
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), `"`+etag+`"`) {
		c.Status(fiber.StatusNotModified)
		return nil
	}
	return c.Send(body)
}

// etagMatches reports whether an If-None-Match header names etag (or any version, "*").
func etagMatches(ifNoneMatch, etag string) bool {
	for tag := range strings.SplitSeq(ifNoneMatch, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" || strings.TrimPrefix(tag, "W/") == etag {
			return true
		}
	}
	return false
}
