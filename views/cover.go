package views

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// BookCoverID is the id of the book page's cover section, which its forms replace.
const BookCoverID = "book-cover"

// CoverView is a book's cover as its page shows it: the picture's URL, or a placeholder of the
// title's initials on a colour of its own; and, after a refused upload, why.
type CoverView struct {
	URL      string
	Initials string
	// Tone is the placeholder's colour, "0" to "7", its data-t attribute (app.css). Not a class:
	// templ builds a class attribute from an expression through its CSS class machinery, which
	// cost a library page of placeholders some 200 allocations and 15 KB.
	Tone  string
	Error string
}

// BookCoverURL is where a cover is uploaded (POST, multipart, field cover) or removed (DELETE).
func BookCoverURL(id int64) string { return BookURL(id) + "/cover" }

// BookCoverDeleteURL removes a cover from a plain form.
func BookCoverDeleteURL(id int64) string { return BookCoverURL(id) + "/delete" }

// CoversURL is where covers' pictures are served.
const CoversURL = "/covers"

// CoverImageURL is the picture of a cover in size ("s" small, "l" large), named by its hash so
// that a browser may keep it for good: a new cover has a new URL. The book is not in it: fifty
// of these are on a library page, which is to stay under 40 KB.
func CoverImageURL(hash, size string) string {
	return CoversURL + "/" + hash + "-" + size + ".jpg"
}

// NewCoverView is the cover of a book titled title, hash "" when it has none, as its page shows
// it (large).
func NewCoverView(title, hash string) CoverView {
	return coverView(title, hash, "l")
}

// NewRowCover is the same cover as a library row shows it (small).
func NewRowCover(title, hash string) CoverView {
	return coverView(title, hash, "s")
}

func coverView(title, hash, size string) CoverView {
	if hash != "" {
		return CoverView{URL: CoverImageURL(hash, size)}
	}
	return CoverView{Initials: initials(title), Tone: tone(title)}
}

// tone is the placeholder colour of a book titled title: its FNV-1a hash modulo 8, worked out
// inline (hash/fnv's hasher and the title as bytes were two allocations a row on a library page).
func tone(title string) string {
	h := uint32(2166136261)
	for i := 0; i < len(title); i++ {
		h ^= uint32(title[i])
		h *= 16777619
	}
	return "01234567"[h%8 : h%8+1]
}

// initials are the first letters of a title's first two words (not counting a leading article).
// The words are found in place: a library page shows fifty placeholders.
func initials(title string) string {
	var found [3]string
	n, start := 0, -1
	for i, r := range title {
		inWord := unicode.IsLetter(r) || unicode.IsDigit(r)
		switch {
		case inWord && start < 0:
			start = i
		case !inWord && start >= 0:
			found[n], n, start = title[start:i], n+1, -1
		}
		if n == len(found) {
			break
		}
	}
	if start >= 0 && n < len(found) {
		found[n], n = title[start:], n+1
	}
	words := found[:n]
	if len(words) > 1 {
		// Compared without lowering it, which made a copy of most titles' first word.
		if w := words[0]; strings.EqualFold(w, "the") || strings.EqualFold(w, "a") || strings.EqualFold(w, "an") {
			words = words[1:]
		}
	}
	var buf [8]byte
	b := buf[:0]
	for _, w := range words[:min(2, len(words))] {
		r, _ := utf8.DecodeRuneInString(w)
		b = utf8.AppendRune(b, unicode.ToUpper(r))
	}
	return string(b)
}
