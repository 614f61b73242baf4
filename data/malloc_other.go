//go:build !linux || !cgo

package data

// keepFreedMemory does nothing where the C library is not glibc's (see malloc.go).
func keepFreedMemory() {}
