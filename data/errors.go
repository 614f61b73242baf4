package data

import (
	"errors"
	"maps"
	"slices"
	"sort"
	"strings"
)

// Sentinel errors returned by the stores. Callers classify errors with errors.Is, never by text.
var (
	// ErrNotFound means the requested record does not exist (or is not visible to the caller).
	ErrNotFound = errors.New("not found")
	// ErrInvalid means the input failed validation; the error is a *ValidationError.
	ErrInvalid = errors.New("invalid input")
	// ErrBusy means the work could not get what it needs in time (a password hashing slot, say):
	// nothing was done, and the same request may succeed when tried again a little later.
	ErrBusy = errors.New("busy")
	// ErrNoSpace means a write failed because the disk (or the user's quota) is full: nothing
	// was saved, and the same request may succeed once there is room.
	ErrNoSpace = errors.New("no space left on the disk")
	// ErrReadOnly means a write failed because the database cannot be written: its file, its
	// directory or its disk is read-only. Nothing was saved; reads go on.
	ErrReadOnly = errors.New("the database is read-only")
)

// ValidationError reports, per form field, why the input was rejected.
type ValidationError struct {
	Fields map[string]string
}

// Error lists the bad fields in a stable order.
func (e *ValidationError) Error() string {
	names := make([]string, 0, len(e.Fields))
	for name := range e.Fields {
		names = append(names, name)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, name := range names {
		parts[i] = name + ": " + e.Fields[name]
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// First returns one bad field and its message, the same one for the same problems every time: the
// first of order that is bad, else the first bad field by name, or "", "" when none is. A form
// with room for one message shows this one; picked from the map, it changed from one try of the
// same input to the next. Give order as the fields appear on the form.
func (e *ValidationError) First(order ...string) (field, msg string) {
	for _, f := range order {
		if m, ok := e.Fields[f]; ok {
			return f, m
		}
	}
	names := slices.Sorted(maps.Keys(e.Fields))
	if len(names) == 0 {
		return "", ""
	}
	return names[0], e.Fields[names[0]]
}

// Is makes errors.Is(err, ErrInvalid) true for every validation error.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// add records the first problem found for a field.
func (e *ValidationError) add(field, msg string) {
	if e.Fields == nil {
		e.Fields = make(map[string]string)
	}
	if _, ok := e.Fields[field]; !ok {
		e.Fields[field] = msg
	}
}

// errOrNil returns e when it holds at least one problem.
func (e *ValidationError) errOrNil() error {
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}
