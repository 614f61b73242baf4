package views

import (
	"hash/fnv"
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
	h := fnv.New32a()
	h.Write([]byte(title))
	return CoverView{Initials: initials(title), Tone: string(rune('0' + h.Sum32()%8))}
}

// initials are the first letters of a title's first two words (not counting a leading article).
func initials(title string) string {
	words := strings.FieldsFunc(title, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) > 1 {
		switch strings.ToLower(words[0]) {
		case "the", "a", "an":
			words = words[1:]
		}
	}
	var b strings.Builder
	for _, w := range words[:min(2, len(words))] {
		r, _ := utf8.DecodeRuneInString(w)
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}
