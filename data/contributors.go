package data

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Role is what a contributor did for a book.
type Role string

// The roles of contributors.
const (
	RoleAuthor      Role = "author"
	RoleTranslator  Role = "translator"
	RoleEditor      Role = "editor"
	RoleIllustrator Role = "illustrator"
	RoleNarrator    Role = "narrator"
)

// Roles lists the roles in the order a form offers them.
func Roles() []Role {
	return []Role{RoleAuthor, RoleTranslator, RoleEditor, RoleIllustrator, RoleNarrator}
}

// ParseRole reads a role as a form or an export writes it: a role's name, or a word for it
// ("Translated by" is Goodreads' and StoryGraph's, "trans.", "ed.", "illus.", "read by"), in any
// case; ok is false for anything else.
func ParseRole(s string) (Role, bool) {
	r, ok := roleWords[strings.ToLower(strings.Join(strings.Fields(strings.TrimSuffix(strings.TrimSpace(s), ":")), " "))]
	return r, ok
}

// roleWords are the words ParseRole reads, in lower case.
var roleWords = map[string]Role{
	"author": RoleAuthor, "authors": RoleAuthor, "writer": RoleAuthor, "by": RoleAuthor,
	"translator": RoleTranslator, "translators": RoleTranslator, "translated by": RoleTranslator,
	"trans.": RoleTranslator, "trans": RoleTranslator, "tr.": RoleTranslator, "translation": RoleTranslator,
	"editor": RoleEditor, "editors": RoleEditor, "edited by": RoleEditor, "ed.": RoleEditor, "eds.": RoleEditor,
	"illustrator": RoleIllustrator, "illustrators": RoleIllustrator, "illustrated by": RoleIllustrator,
	"illus.": RoleIllustrator, "illustrations": RoleIllustrator, "illustrations by": RoleIllustrator,
	"narrator": RoleNarrator, "narrators": RoleNarrator, "narrated by": RoleNarrator, "read by": RoleNarrator,
	"narr.": RoleNarrator, "reader": RoleNarrator,
}

// Label is the role as a page writes it: "Translator".
func (r Role) Label() string {
	if r == "" {
		return ""
	}
	return strings.ToUpper(string(r[:1])) + string(r[1:])
}

// Bounds of contributors.
const (
	// MaxContributors is the most contributors one book has: an anthology's authors, its editors
	// and translators fit; fifty is a paste gone wrong.
	MaxContributors = 30
	// MaxAuthorNameLen is the longest author name, in characters: the author field's own
	// length, longer than any person's name as printed (with its titles).
	MaxAuthorNameLen = MaxFieldLen
)

// FieldAuthor is the form field of a book's author text, the key of the *ValidationError that
// ParseContributors returns.
const FieldAuthor = "author"

// Messages of the contributors' rules.
const (
	msgAuthorRequired  = "Author is required."
	msgTooManyAuthors  = "A book can have at most 30 contributors."
	msgAuthorNameLong  = "An author's name must be at most 250 characters."
	msgAuthorNameEmpty = "Write a name before the role in parentheses, like Ann Goldstein (translator)."
	msgRoleUnknown     = " is not a role: write author, translator, editor, illustrator or narrator."
)

// Contributor is one person of a book's author text, as ParseContributors reads it: the name in
// its natural order, the sort name, and the role.
type Contributor struct {
	Name     string
	SortName string
	Role     Role
}

// ParseContributors reads a book's author text as a reader types it, or an export writes it,
// into its contributors in order. The rules:
//
//   - Commas, "&" and ";" separate people: "Terry Pratchett, Neil Gaiman" and "Terry Pratchett &
//     Neil Gaiman" are two authors.
//   - "and" never does: it is in the names of pairs credited as one ("Wendy and Richard Pini")
//     and of firms ("Simon and Schuster"), and no rule tells those from two people. Write "&" or a
//     comma for two.
//   - A name typed as libraries file it, "Surname, Given" ("Tolkien, J.R.R.", "Le Guin, Ursula
//     K.", "García Márquez, Gabriel"), is one person, when the text between two separators other
//     than commas has exactly one comma and either the part before it is a surname (one word,
//     after any particles: "Le Guin", "van Gogh") or the part after it is given names (one word,
//     or ending in an initial: "Gabriel", "J.R.R.", "Ursula K."). That person's name is written
//     in its natural order ("J.R.R. Tolkien") and the sort name kept as typed. "Terry Pratchett,
//     Neil Gaiman" is neither, and two people; so is "Homer, Emily Wilson (translator)", as a
//     role after names that are not given names alone marks a second person. A one-word name
//     followed by a second person without a role ("Homer, Emily Wilson") reads as one person in
//     the library's form: write "Homer & Emily Wilson".
//   - A suffix after a comma ("Jr.", "Sr.", "II", "III", "IV") belongs to the name before it:
//     "Martin Luther King, Jr." is one person.
//   - A role follows a name and a space in parentheses: "Ann Goldstein (translator)", also "(Translator)",
//     "(trans.)", "(ed.)" and the other words of ParseRole; without one the role is author.
//     Anything else in the parentheses is not a role and refused.
//
// The same person typed twice in the same role counts once. An empty text, a role that does not
// exist, a name over MaxAuthorNameLen characters, or more than MaxContributors people are a
// *ValidationError on FieldAuthor.
func ParseContributors(text string) ([]Contributor, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, fieldError(FieldAuthor, msgAuthorRequired)
	}
	if !utf8.ValidString(text) {
		return nil, fieldError(FieldAuthor, "Author contains characters that are not valid text.")
	}
	if strings.IndexFunc(text, notSingleLine) >= 0 {
		return nil, fieldError(FieldAuthor, "Author must be a single line of text.")
	}
	var out []Contributor
	seen := map[string]bool{}
	for _, segment := range strings.FieldsFunc(text, func(r rune) bool { return r == '&' || r == ';' }) {
		people, err := segmentPeople(segment)
		if err != nil {
			return nil, err
		}
		for _, c := range people {
			k := string(c.Role) + "\x00" + AuthorKey(c.Name)
			if seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, fieldError(FieldAuthor, msgAuthorRequired)
	}
	if len(out) > MaxContributors {
		return nil, fieldError(FieldAuthor, msgTooManyAuthors)
	}
	return out, nil
}

// segmentPeople reads the people of text between "&" and ";": names separated by commas, or one
// name in the "Surname, Given" form.
func segmentPeople(segment string) ([]Contributor, error) {
	var pieces []string
	for _, p := range strings.Split(segment, ",") {
		p = strings.Join(strings.Fields(p), " ")
		if p == "" {
			continue
		}
		// A suffix belongs to the name before it.
		if n := len(pieces); n > 0 && isSuffix(p) {
			pieces[n-1] += ", " + p
			continue
		}
		pieces = append(pieces, p)
	}
	type piece struct {
		name string
		role Role
	}
	parsed := make([]piece, 0, len(pieces))
	for _, p := range pieces {
		name, role, err := splitRole(p)
		if err != nil {
			return nil, err
		}
		parsed = append(parsed, piece{name, role})
	}
	if len(parsed) == 2 && parsed[0].role == RoleAuthor && !strings.Contains(parsed[0].name, ",") &&
		(isGiven(parsed[1].name) || isSurname(parsed[0].name) && parsed[1].role == RoleAuthor) {
		surname, given := parsed[0].name, parsed[1].name
		name := given + " " + surname
		if err := checkName(name); err != nil {
			return nil, err
		}
		return []Contributor{{Name: name, SortName: surname + ", " + given, Role: parsed[1].role}}, nil
	}
	out := make([]Contributor, 0, len(parsed))
	for _, p := range parsed {
		if err := checkName(p.name); err != nil {
			return nil, err
		}
		out = append(out, Contributor{Name: p.name, SortName: SortName(p.name), Role: p.role})
	}
	return out, nil
}

// splitRole takes a role in parentheses off the end of a name.
func splitRole(p string) (string, Role, error) {
	if !strings.HasSuffix(p, ")") {
		return p, RoleAuthor, nil
	}
	if strings.HasPrefix(p, "(") {
		if _, ok := ParseRole(p[1 : len(p)-1]); ok {
			return "", "", fieldError(FieldAuthor, msgAuthorNameEmpty)
		}
	}
	// A role stands apart from the name: "=SUM(A1)" is a name.
	open := strings.LastIndex(p, " (")
	if open < 0 {
		return p, RoleAuthor, nil
	}
	open++
	word := strings.TrimSpace(p[open+1 : len(p)-1])
	role, ok := ParseRole(word)
	if !ok {
		return "", "", fieldError(FieldAuthor, strconv.Quote(word)+msgRoleUnknown)
	}
	name := strings.TrimSpace(p[:open])
	if name == "" {
		return "", "", fieldError(FieldAuthor, msgAuthorNameEmpty)
	}
	return name, role, nil
}

// checkName applies the rules of one author's name.
func checkName(name string) error {
	if utf8.RuneCountInString(name) > MaxAuthorNameLen {
		return fieldError(FieldAuthor, msgAuthorNameLong)
	}
	if !strings.ContainsFunc(name, visible) {
		return fieldError(FieldAuthor, "Author needs at least one visible character.")
	}
	return nil
}

// nameSuffixes are the suffixes of names, in lower case without their point.
var nameSuffixes = map[string]bool{"jr": true, "sr": true, "ii": true, "iii": true, "iv": true, "phd": true}

// isSuffix reports whether p is a name's suffix: "Jr.", "III".
func isSuffix(p string) bool {
	return nameSuffixes[strings.TrimSuffix(strings.ToLower(p), ".")]
}

// particles are the words that join a surname in names of many languages, in lower case.
var particles = map[string]bool{
	"de": true, "da": true, "di": true, "do": true, "dos": true, "das": true, "du": true, "del": true,
	"della": true, "der": true, "den": true, "des": true, "la": true, "le": true, "van": true,
	"von": true, "ten": true, "ter": true, "zu": true, "y": true, "e": true, "al": true, "el": true,
	"bin": true, "ibn": true, "st.": true, "saint": true, "mac": true,
}

// isSurname reports whether p reads as a surname alone: one word after any particles ("Tolkien",
// "Le Guin", "van Gogh", "de la Cruz").
func isSurname(p string) bool {
	words := strings.Fields(p)
	for len(words) > 1 && particles[strings.ToLower(words[0])] {
		words = words[1:]
	}
	return len(words) == 1
}

// isGiven reports whether p reads as given names alone: one word, or ending in an initial
// ("Gabriel", "J.R.R.", "Ursula K.", "J. R. R.").
func isGiven(p string) bool {
	words := strings.Fields(p)
	return len(words) == 1 || isInitial(words[len(words)-1])
}

// isInitial reports whether w is an initial or initials: "K.", "J.R.R.", "JRR" is not.
func isInitial(w string) bool {
	if !strings.HasSuffix(w, ".") {
		return false
	}
	for _, part := range strings.Split(strings.TrimSuffix(w, "."), ".") {
		if utf8.RuneCountInString(part) != 1 {
			return false
		}
	}
	return true
}

// AuthorKey is an author's name folded for matching: lower case, points as spaces, runs of spaces
// as one, so that "J.R.R. Tolkien", "J. R. R. Tolkien" and "j r r tolkien" are one author.
func AuthorKey(name string) string {
	return strings.Join(strings.Fields(strings.ToLower(strings.ReplaceAll(name, ".", " "))), " ")
}

// SortName derives the name an author is filed under from their name in its natural order. The
// rule, in the order it applies:
//
//   - A name typed with a comma is filed as it is ("Tolkien, J.R.R."), but for a suffix
//     ("Martin Luther King, Jr." is "King, Martin Luther, Jr.").
//   - One word is itself ("Colette").
//   - The surname is the last word, with the words joined to it: a capitalised particle before
//     it is part of it and files with it, as English-language libraries file Le Guin, Du Maurier,
//     De Lillo and Van Dyke ("Le Guin, Ursula K."); a lower-case particle and every word after it
//     is the surname, filed after its first capital word with the particle after the given names,
//     as "Beethoven, Ludwig van", "Saint-Exupéry, Antoine de" and "Cervantes Saavedra, Miguel de";
//     two surnames joined by "y" or "e" are one ("Ortega y Gasset, José").
//   - A compound Spanish or Portuguese surname is recognised when the word before the last
//     carries an accent of those languages (á é í ó ú ñ ã õ ç): "García Márquez, Gabriel". One
//     without ("Mario Vargas Llosa", filed "Llosa, Mario Vargas") is corrected once by the reader
//     on the author's page, as any other.
func SortName(name string) string {
	name = strings.Join(strings.Fields(name), " ")
	suffix := ""
	if before, after, ok := strings.Cut(name, ","); ok {
		if !isSuffix(strings.TrimSpace(after)) {
			return name
		}
		name, suffix = strings.TrimSpace(before), ", "+strings.TrimSpace(after)
	}
	words := strings.Fields(name)
	if len(words) <= 1 {
		return name + suffix
	}
	// A lower-case particle starts the surname: the words from the first capital word after it.
	for i := 1; i < len(words)-1; i++ {
		if !particles[words[i]] {
			continue
		}
		if (words[i] == "y" || words[i] == "e") && i >= 2 {
			// Two surnames joined: "José Ortega y Gasset" is "Ortega y Gasset, José".
			return strings.Join(words[i-1:], " ") + ", " + strings.Join(words[:i-1], " ") + suffix
		}
		j := i
		for j < len(words)-1 && particles[words[j]] {
			j++
		}
		given := strings.Join(words[:i], " ") + " " + strings.Join(words[i:j], " ")
		return strings.Join(words[j:], " ") + ", " + given + suffix
	}
	start := len(words) - 1
	for start > 1 && particles[strings.ToLower(words[start-1])] && startsUpper(words[start-1]) {
		start--
	}
	if start == len(words)-1 && start > 1 && iberianAccent(words[start-1]) {
		start--
	}
	return strings.Join(words[start:], " ") + ", " + strings.Join(words[:start], " ") + suffix
}

// startsUpper reports whether w starts with a capital letter.
func startsUpper(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

// iberianAccent reports whether w is a capitalised word with a letter of Spanish or Portuguese
// spelling that English names do not have.
func iberianAccent(w string) bool {
	return startsUpper(w) && strings.ContainsAny(strings.ToLower(w), "áéíóúñãõç")
}

// FormatContributors writes contributors as the library shows them and as ParseContributors
// reads them back: names in order, separated by commas, each role but author in parentheses
// ("Elena Ferrante, Ann Goldstein (translator)").
func FormatContributors(cs []Contributor) string {
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c.Name)
		if c.Role != RoleAuthor && c.Role != "" {
			b.WriteString(" (" + string(c.Role) + ")")
		}
	}
	return b.String()
}

// firstAuthor is the contributor the library files a book under: its first author, or its first
// contributor when none is an author (an anthology's editor).
func firstAuthor(cs []Contributor) Contributor {
	for _, c := range cs {
		if c.Role == RoleAuthor {
			return c
		}
	}
	return cs[0]
}
