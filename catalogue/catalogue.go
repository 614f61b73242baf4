// Package catalogue asks public book catalogues what they know of an ISBN: Open Library first, and
// Google Books when Open Library does not have it (or does not answer). It only ever asks the base
// URLs it was configured with, for an ISBN that data.ParseISBN has checked: no address from a
// browser or from a catalogue's answer is ever fetched.
package catalogue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bookcase/bookcase/data"
)

// The catalogues, by the names --metadata and --metadata-url know them.
const (
	OpenLibrary = "openlibrary"
	Covers      = "covers" // Open Library's covers, on a host of their own
	Google      = "google"
)

// The public catalogues' addresses, unless the configuration names a mirror.
const (
	DefaultOpenLibrary = "https://openlibrary.org"
	DefaultCovers      = "https://covers.openlibrary.org"
	DefaultGoogle      = "https://www.googleapis.com"
)

// UserAgent names Bookcase to the catalogues, as Open Library asks of programs that use its API.
const UserAgent = "Bookcase/1 (self-hosted book tracker; +https://github.com/bookcase/bookcase)"

// Bounds on what a catalogue may send: a record is a few kilobytes, a cover at most as large as an
// upload (handlers' maxCoverBytes), and a book has a few authors whose names are fetched one by one.
const (
	maxRecordBytes = 1 << 20
	MaxCoverBytes  = 10 << 20
	maxAuthors     = 5
)

// DefaultTimeout bounds one lookup, every request of it included.
const DefaultTimeout = 3 * time.Second

var (
	// ErrNotFound is an ISBN that no catalogue asked has.
	ErrNotFound = errors.New("catalogue: no record of this ISBN")
	// ErrUnavailable is a catalogue that could not be asked or whose answer could not be read:
	// down, slow (past the timeout), or answering something else than its documented JSON.
	ErrUnavailable = errors.New("catalogue: no usable answer")
)

// Config says which catalogues to ask, in order, and where they are.
type Config struct {
	// Providers are the catalogues asked, in order (OpenLibrary, Google): the next is asked when
	// one does not have the ISBN or does not answer.
	Providers []string
	// URLs are the base URLs of the catalogues by name (OpenLibrary, Covers, Google); a missing
	// one is the public catalogue's.
	URLs map[string]string
	// Timeout bounds one lookup or one cover's download; zero is DefaultTimeout.
	Timeout time.Duration
	// Transport, when not nil, makes the requests (tests); else http.DefaultTransport.
	Transport http.RoundTripper
}

// ParseProviders reads --metadata: "off", or a comma-separated list of catalogues to ask in order.
// Off is an empty list.
func ParseProviders(s string) ([]string, error) {
	s = strings.TrimSpace(s)
	if s == "off" {
		return nil, nil
	}
	var out []string
	for _, p := range strings.Split(s, ",") {
		switch p = strings.TrimSpace(strings.ToLower(p)); p {
		case OpenLibrary, Google:
			out = append(out, p)
		default:
			return nil, fmt.Errorf("unknown catalogue %q: the catalogues are openlibrary and google, or off", p)
		}
	}
	return out, nil
}

// ParseURLs reads --metadata-url: comma-separated name=URL pairs (openlibrary=, covers=, google=),
// where a bare URL is a mirror of all three (Open Library at its root, its covers under /covers,
// Google Books under /google). Every URL is absolute, http or https, without query or fragment.
func ParseURLs(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, raw, named := strings.Cut(part, "=")
		if !named {
			base, err := checkURL(part)
			if err != nil {
				return nil, err
			}
			out[OpenLibrary], out[Covers], out[Google] = base, base+"/covers", base+"/google"
			continue
		}
		name = strings.ToLower(strings.TrimSpace(name))
		if name != OpenLibrary && name != Covers && name != Google {
			return nil, fmt.Errorf("unknown catalogue %q in a metadata URL: use openlibrary=, covers= or google=", name)
		}
		base, err := checkURL(strings.TrimSpace(raw))
		if err != nil {
			return nil, err
		}
		out[name] = base
	}
	return out, nil
}

// checkURL returns raw without its trailing slash, when it is an absolute http(s) URL with no
// query, fragment or user.
func checkURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("metadata URL %q: give an absolute http or https URL, without query or user", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// Client asks catalogues. Its methods may be called from many goroutines at once.
type Client struct {
	providers []provider
	covers    string
	timeout   time.Duration
	http      *http.Client
}

// provider is one catalogue that finds the record of an ISBN.
type provider interface {
	lookup(ctx context.Context, c *Client, isbn data.ISBN) (data.CatalogueRecord, error)
}

// New returns a client for cfg, or an error when cfg names an unknown catalogue or a bad URL.
func New(cfg Config) (*Client, error) {
	urls := map[string]string{OpenLibrary: DefaultOpenLibrary, Covers: DefaultCovers, Google: DefaultGoogle}
	for name, raw := range cfg.URLs {
		base, err := checkURL(raw)
		if err != nil {
			return nil, err
		}
		urls[name] = base
	}
	c := &Client{covers: urls[Covers], timeout: cfg.Timeout}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	for _, p := range cfg.Providers {
		switch p {
		case OpenLibrary:
			c.providers = append(c.providers, openLibrary{base: urls[OpenLibrary]})
		case Google:
			c.providers = append(c.providers, googleBooks{base: urls[Google]})
		default:
			return nil, fmt.Errorf("catalogue: unknown catalogue %q", p)
		}
	}
	if len(c.providers) == 0 {
		return nil, errors.New("catalogue: no catalogue to ask")
	}
	transport := cfg.Transport
	if transport == nil {
		transport = http.DefaultTransport
	}
	c.http = &http.Client{
		Transport: transport,
		// A catalogue may redirect within itself (Open Library's /isbn/ answers with the
		// edition's /books/ address), never elsewhere: a redirect to another host is not followed.
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 || req.URL.Host != via[0].URL.Host || req.URL.Scheme != via[0].URL.Scheme {
				return http.ErrUseLastResponse
			}
			return nil
		},
	}
	return c, nil
}

// Lookup returns the record of isbn from the first catalogue that has it, within the client's
// timeout. ErrNotFound means every catalogue asked answered that it has no such ISBN; an error
// that wraps ErrUnavailable means one could not be asked (and none that could had it).
func (c *Client) Lookup(ctx context.Context, isbn data.ISBN) (data.CatalogueRecord, error) {
	if isbn == "" {
		return data.CatalogueRecord{}, ErrNotFound
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var failed error
	for _, p := range c.providers {
		r, err := p.lookup(ctx, c, isbn)
		switch {
		case err == nil:
			r.ISBN = isbn
			return r, nil
		case errors.Is(err, ErrNotFound):
		default:
			failed = errors.Join(failed, err)
		}
	}
	if failed != nil {
		return data.CatalogueRecord{}, failed
	}
	return data.CatalogueRecord{}, ErrNotFound
}

// Cover returns the picture Open Library's covers keep for isbn, as it sent it (the caller
// decodes it as any upload, within its limits), or ErrNotFound when it has none.
func (c *Client) Cover(ctx context.Context, isbn data.ISBN) ([]byte, error) {
	if isbn == "" {
		return nil, ErrNotFound
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	// default=false: a 404 for an ISBN without a cover, not a blank picture.
	return c.get(ctx, c.covers+"/b/isbn/"+string(isbn)+"-L.jpg?default=false", MaxCoverBytes)
}

// get fetches u and returns its body, of at most limit bytes: ErrNotFound for a 404, and an
// ErrUnavailable for anything else that is not a 200 with a body within limit.
func (c *Client) get(ctx context.Context, u string, limit int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	req.Header.Set("User-Agent", UserAgent)
	res, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	defer res.Body.Close()
	switch {
	case res.StatusCode == http.StatusNotFound:
		return nil, ErrNotFound
	case res.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("%w: %s answered %s", ErrUnavailable, req.URL.Host, res.Status)
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("%w: %s sent more than %d bytes", ErrUnavailable, req.URL.Host, limit)
	}
	return body, nil
}

// getJSON fetches u and decodes its JSON body into v.
func (c *Client) getJSON(ctx context.Context, u string, v any) error {
	body, err := c.get(ctx, u, maxRecordBytes)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("%w: %s is not the JSON expected: %w", ErrUnavailable, u, err)
	}
	return nil
}

// clean is a catalogue's text as a single line: control characters and runs of white space become
// one space. (Validation still checks it when the reader saves.)
func clean(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r < ' ' || r == 0x7f || r == ' ' || r == '\u00a0' || r == '\u2028' || r == '\u2029'
	}), " ")
}

// year reads the year from a catalogue's date, written as it likes: "1988", "1988-10-01",
// "October 1, 1988", "c1988". 0 when there is no plausible year in it.
func year(s string) int {
	digits := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] >= '0' && s[i] <= '9' {
			digits++
			continue
		}
		if digits == 4 {
			y := 0
			for _, c := range s[i-4 : i] {
				y = y*10 + int(c-'0')
			}
			if y >= 1000 && y <= 2999 {
				return y
			}
		}
		digits = 0
	}
	return 0
}

// languages turns MARC 21 language codes (Open Library's) into ISO 639-1, as Google Books gives
// them, for the languages most books are in; any other code is kept as it is.
var languages = map[string]string{
	"eng": "en", "fre": "fr", "ger": "de", "spa": "es", "ita": "it", "por": "pt", "dut": "nl",
	"swe": "sv", "dan": "da", "nor": "no", "fin": "fi", "pol": "pl", "cze": "cs", "rus": "ru",
	"jpn": "ja", "chi": "zh", "kor": "ko", "ara": "ar", "heb": "he", "gre": "el", "tur": "tr",
	"hun": "hu", "lat": "la", "ukr": "uk", "cat": "ca",
}
