package handlers_test

import (
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"

	"github.com/bookcase/bookcase/assets"
	"github.com/bookcase/bookcase/data"
)

// browserEncodings is the Accept-Encoding of Chromium and Firefox.
const browserEncodings = "gzip, deflate, br, zstd"

// decode returns body decoded from encoding ("" for none).
func decode(t *testing.T, encoding, body string) string {
	t.Helper()
	var r io.Reader
	switch encoding {
	case "":
		return body
	case "gzip":
		zr, err := gzip.NewReader(strings.NewReader(body))
		if err != nil {
			t.Fatalf("gzip: %v", err)
		}
		r = zr
	case "br":
		r = brotli.NewReader(strings.NewReader(body))
	default:
		t.Fatalf("unexpected Content-Encoding %q", encoding)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decode %s: %v", encoding, err)
	}
	return string(b)
}

// wantVary fails the test unless the response says it varies with the request header name.
func wantVary(t *testing.T, res response, name string) {
	t.Helper()
	for _, v := range res.Header.Values("Vary") {
		for f := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), name) {
				return
			}
		}
	}
	t.Errorf("Vary = %q, want %s in it", res.Header.Values("Vary"), name)
}

func TestCompression(t *testing.T) {
	a := newTestApp(t)
	var first data.Book
	for i, title := range []string{"Dune", "Solaris", "The Left Hand of Darkness", "Kindred", "Piranesi"} {
		b := a.create(title, "Someone Somebody", "Science fiction")
		if i == 0 {
			first = b
		}
	}
	// Each page and fragment is fetched as plain text first, then with Accept-Encoding: both must
	// be the same HTML (but the anti-forgery token, masked afresh in each response).
	for _, tt := range []struct {
		name           string
		m              mode
		target, header string // header: HX-Target
	}{
		{"Page", plain, "/books", ""},
		{"Search", plain, "/books?q=the", ""},
		{"SearchFragment", htmx, "/books?q=s", "results"},
		{"EditRow", htmx, bookPath(first.ID, "edit"), ""},
		{"Shelves", plain, "/shelves", ""},
	} {
		fetch := func(acceptEncoding string) response {
			req := a.request(tt.m, http.MethodGet, tt.target, nil)
			if tt.header != "" {
				req.Header.Set("HX-Target", tt.header)
			}
			if acceptEncoding != "" {
				req.Header.Set("Accept-Encoding", acceptEncoding)
			}
			res := a.send(req)
			res.wantStatus(t, http.StatusOK)
			wantVary(t, res, "Accept-Encoding")
			wantVary(t, res, "HX-Request")
			return res
		}
		t.Run(tt.name, func(t *testing.T) {
			want := fetch("")
			if enc := want.Header.Get("Content-Encoding"); enc != "" {
				t.Fatalf("without Accept-Encoding: Content-Encoding %q, want none", enc)
			}
			if len(want.body) < 1000 {
				t.Fatalf("the response is %d bytes, too short to tell whether it is compressed", len(want.body))
			}
			for _, c := range []struct{ accept, want string }{
				{"gzip", "gzip"},
				{browserEncodings, "gzip"},
				// Brotli costs 4 to 9 times gzip's CPU on a page (compress.go): only the assets,
				// compressed once, are sent as brotli.
				{"br", ""},
				{"identity", ""},
			} {
				t.Run(c.accept, func(t *testing.T) {
					res := fetch(c.accept)
					if got := res.Header.Get("Content-Encoding"); got != c.want {
						t.Fatalf("Content-Encoding = %q, want %q", got, c.want)
					}
					if c.want != "" && len(res.body) >= len(want.body)/2 {
						t.Errorf("compressed to %d bytes from %d, want less than half", len(res.body), len(want.body))
					}
					if got := decode(t, c.want, res.body); withoutCSRF(got) != withoutCSRF(want.body) {
						t.Errorf("decoded body differs from the plain one:\n%s\n--- want ---\n%s", got, want.body)
					}
				})
			}
		})
	}

	t.Run("Export", func(t *testing.T) {
		// The export downloads stream; fasthttp compresses the stream as it is written.
		for _, target := range []string{"/export/goodreads.csv", "/export/bookcase.json"} {
			t.Run(target, func(t *testing.T) {
				want := a.get(plain, target)
				want.wantStatus(t, http.StatusOK)
				req := a.request(plain, http.MethodGet, target, nil)
				req.Header.Set("Accept-Encoding", browserEncodings)
				res := a.send(req)
				res.wantStatus(t, http.StatusOK)
				if got := res.Header.Get("Content-Encoding"); got != "gzip" {
					t.Fatalf("Content-Encoding = %q, want gzip", got)
				}
				got := decode(t, "gzip", res.body)
				if target == "/export/bookcase.json" {
					// It says when it was made, to the second.
					got, want.body = exportedAtOut(got), exportedAtOut(want.body)
				}
				if got != want.body {
					t.Errorf("decoded export differs from the plain one:\n%s\n--- want ---\n%s", got, want.body)
				}
			})
		}
	})

	t.Run("Short", func(t *testing.T) {
		// A body too short to gain from compression goes as it is: an htmx error's message.
		req := a.request(htmx, http.MethodGet, "/books/999/edit", nil)
		req.Header.Set("Accept-Encoding", browserEncodings)
		res := a.send(req)
		res.wantStatus(t, http.StatusNotFound)
		if got := res.Header.Get("Content-Encoding"); got != "" {
			t.Errorf("Content-Encoding = %q for %d bytes, want none", got, len(res.body))
		}
	})
}

func TestAssetsCompressed(t *testing.T) {
	a := newTestApp(t)
	for _, name := range []string{assets.CSS, assets.App, assets.HTMX} {
		plainBody, err := fs.ReadFile(assets.FS(), name)
		if err != nil {
			t.Fatal(err)
		}
		u, err := assets.URL(name)
		if err != nil {
			t.Fatal(err)
		}
		etags := map[string]string{} // ETag -> encoding
		for _, c := range []struct{ accept, want string }{
			{browserEncodings, "br"},
			{"br", "br"},
			{"gzip", "gzip"},
			{"gzip, deflate", "gzip"},
			{"", ""},
			{"deflate", ""}, // not made for so rare a client: sent as it is, not compressed each time
		} {
			t.Run(name+"/"+c.accept, func(t *testing.T) {
				get := func(method, ifNoneMatch string) response {
					req := a.request(plain, method, u, nil)
					if c.accept != "" {
						req.Header.Set("Accept-Encoding", c.accept)
					}
					if ifNoneMatch != "" {
						req.Header.Set("If-None-Match", ifNoneMatch)
					}
					return a.send(req)
				}
				res := get(http.MethodGet, "")
				res.wantStatus(t, http.StatusOK)
				if got := res.Header.Get("Content-Encoding"); got != c.want {
					t.Fatalf("Content-Encoding = %q, want %q", got, c.want)
				}
				if c.want != "" && len(res.body) >= len(plainBody)/2 {
					t.Errorf("%d bytes as %s, want under half of %d", len(res.body), c.want, len(plainBody))
				}
				if got := decode(t, c.want, res.body); got != string(plainBody) {
					t.Errorf("decoded to %d bytes, want the %d of the embedded file", len(got), len(plainBody))
				}
				wantVary(t, res, "Accept-Encoding")
				if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
					t.Errorf("Cache-Control = %q, want immutable", cc)
				}
				etag := res.Header.Get("ETag")
				if etag == "" {
					t.Fatal("no ETag")
				}
				if enc, ok := etags[etag]; ok && enc != c.want {
					t.Errorf("ETag %s names both the %q and the %q body", etag, enc, c.want)
				}
				etags[etag] = c.want

				// A browser that revalidates what it has is told it is still good, without a body.
				again := get(http.MethodGet, etag)
				again.wantStatus(t, http.StatusNotModified)
				if again.body != "" {
					t.Errorf("304 with a body of %d bytes", len(again.body))
				}
				if cc := again.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
					t.Errorf("304: Cache-Control = %q, want immutable", cc)
				}
				get(http.MethodGet, `"other"`).wantStatus(t, http.StatusOK)

				head := get(http.MethodHead, "")
				head.wantStatus(t, http.StatusOK)
				if head.body != "" || head.Header.Get("Content-Encoding") != c.want {
					t.Errorf("HEAD: %d bytes, Content-Encoding %q; want none, %q", len(head.body), head.Header.Get("Content-Encoding"), c.want)
				}
			})
		}
	}
}

// exportedAtOut is a JSON export without the time it was made.
func exportedAtOut(s string) string {
	i := strings.Index(s, `"exported_at"`)
	if i < 0 {
		return s
	}
	j := strings.IndexByte(s[i:], ',')
	return s[:i] + s[i+j:]
}
