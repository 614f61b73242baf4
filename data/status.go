package data

import "strings"

// Status is where a reader is with a book.
type Status string

// The reading statuses, in the order a book usually goes through them.
const (
	StatusWant    Status = "want"
	StatusReading Status = "reading"
	StatusRead    Status = "read"
	StatusDNF     Status = "dnf" // did not finish
)

// msgStatus is the message for a rejected status, keyed by the form field "status".
const msgStatus = "Choose a status: want to read, reading, read or did not finish."

// Statuses returns every status, in order, as a new slice the caller may change.
func Statuses() []Status {
	return []Status{StatusWant, StatusReading, StatusRead, StatusDNF}
}

// ParseStatus reads a status by its exact name ("want", "reading", "read" or "dnf"), in any case
// and ignoring surrounding whitespace. It does not translate other apps' names (Goodreads'
// "to-read", StoryGraph's "did-not-finish"): that mapping belongs to the importer. Anything else,
// including an empty input, is a *ValidationError (so errors.Is(err, ErrInvalid)) for the field
// "status".
func ParseStatus(s string) (Status, error) {
	s = strings.TrimSpace(s)
	for _, st := range Statuses() {
		// EqualFold is plain ASCII case folding here: none of the names' letters has another
		// Unicode letter in its fold set (as k has the Kelvin sign and s the long s).
		if strings.EqualFold(s, string(st)) {
			return st, nil
		}
	}
	return "", &ValidationError{Fields: map[string]string{"status": msgStatus}}
}

// Label names the status for readers ("Want to read", "Did not finish"), or returns "" for a
// value that is not a status.
func (s Status) Label() string {
	switch s {
	case StatusWant:
		return "Want to read"
	case StatusReading:
		return "Reading"
	case StatusRead:
		return "Read"
	case StatusDNF:
		return "Did not finish"
	default:
		return ""
	}
}
