// Package cataloguetest is a fake catalogue for tests: one httptest server answering as Open
// Library (its /isbn/, /authors/ and /works/ records), its covers (/covers/b/isbn/) and Google
// Books (/google/books/v1/volumes) do, with the answers a test sets, and counting the requests.
// Point a catalogue.Client at it with catalogue.ParseURLs(fake.URL()).
package cataloguetest

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
)

// Answer is what the fake sends for one path: a status (200 when 0), a body and its type.
type Answer struct {
	Status int
	Body   []byte
	Type   string
	// Hang holds the answer until the request is given up (its client's timeout): a catalogue
	// slower than any lookup waits.
	Hang bool
}

// Fake is a fake catalogue. Paths it has no answer for are 404, as the real ones answer an
// ISBN they do not have.
type Fake struct {
	srv      *httptest.Server
	mu       sync.Mutex
	answers  map[string]Answer
	requests map[string]int
	// UserAgents are the User-Agent headers of the requests, in order.
	userAgents []string
}

// New starts a fake catalogue, stopped when the test ends.
func New(t testing.TB) *Fake {
	f := &Fake{answers: map[string]Answer{}, requests: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// URL is the fake's base URL: a mirror of every catalogue (catalogue.ParseURLs).
func (f *Fake) URL() string { return f.srv.URL }

// key is the path of a request, with Google's query (q) after it: "/google/books/v1/volumes?isbn:…".
func key(r *http.Request) string {
	if q := r.URL.Query().Get("q"); q != "" {
		return r.URL.Path + "?" + q
	}
	return r.URL.Path
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	k := key(r)
	f.mu.Lock()
	f.requests[k]++
	f.userAgents = append(f.userAgents, r.UserAgent())
	a, ok := f.answers[k]
	f.mu.Unlock()
	if !ok {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"error": "notfound", "key": "` + r.URL.Path + `"}`))
		return
	}
	if a.Hang {
		<-r.Context().Done()
		return
	}
	if a.Type == "" {
		a.Type = "application/json"
	}
	w.Header().Set("Content-Type", a.Type)
	if a.Status != 0 {
		w.WriteHeader(a.Status)
	}
	w.Write(a.Body)
}

// Set makes the fake answer a for path (with Google's query: "/google/books/v1/volumes?isbn:…").
func (f *Fake) Set(path string, a Answer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answers[path] = a
}

// JSON makes the fake answer body, as JSON, for path.
func (f *Fake) JSON(path, body string) { f.Set(path, Answer{Body: []byte(body)}) }

// Requests is how many requests the fake has had for path.
func (f *Fake) Requests(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests[path]
}

// Total is how many requests the fake has had.
func (f *Fake) Total() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.requests {
		n += c
	}
	return n
}

// UserAgents are the User-Agent headers of the requests so far.
func (f *Fake) UserAgents() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.userAgents...)
}

// Paths of the catalogues' records for an ISBN, as the fake serves them.
func EditionPath(isbn string) string { return "/isbn/" + isbn + ".json" }
func CoverPath(isbn string) string   { return "/covers/b/isbn/" + isbn + "-L.jpg" }
func GooglePath(isbn string) string  { return "/google/books/v1/volumes?isbn:" + isbn }

// AddBook makes the fake know the edition isbn on Open Library, with its authors as references
// (fetched one by one) and, when cover, a picture on its covers.
func (f *Fake) AddBook(isbn, title string, pages int, authors map[string]string, cover bool) {
	refs := ""
	for key, name := range authors {
		if refs != "" {
			refs += ","
		}
		refs += `{"key": "` + key + `"}`
		f.JSON(key+".json", `{"key": "`+key+`", "name": `+quote(name)+`, "type": {"key": "/type/author"}}`)
	}
	f.JSON(EditionPath(isbn), `{
		"key": "/books/OL7353617M",
		"title": `+quote(title)+`,
		"authors": [`+refs+`],
		"number_of_pages": `+itoa(pages)+`,
		"publishers": ["Puffin"],
		"publish_date": "October 1, 1988",
		"languages": [{"key": "/languages/eng"}],
		"isbn_13": ["`+isbn+`"],
		"works": [{"key": "/works/OL45804W"}],
		"covers": [8739161]
	}`)
	if cover {
		f.Set(CoverPath(isbn), Answer{Body: Picture(300, 450), Type: "image/jpeg"})
	}
}

// Picture is a JPEG of w × h pixels, as a cover might be.
func Picture(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 120, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func quote(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}

func itoa(n int) string { return strconv.Itoa(n) }
