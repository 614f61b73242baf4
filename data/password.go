package data

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"
)

// Password rules (OWASP ASVS 2.1): long enough, long passwords welcome, no composition rules, no
// truncation, and not one of the passwords that attackers try first.
const (
	MinPasswordLen = 8
	// MaxPasswordLen only stops absurd inputs from costing hashing time; no one is truncated.
	MaxPasswordLen = 1024
)

// argonParams are OWASP's recommended argon2id settings: 19 MiB of memory, 2 passes, 1 lane.
// Hashes record their parameters (PHC format), so these can be raised without breaking logins.
var argonParams = argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

//go:embed common-passwords.txt
var commonPasswordsFile []byte

// commonPasswords is the set of refused passwords, lower-cased.
type commonPasswords map[string]struct{}

func loadCommonPasswords() commonPasswords {
	set := make(commonPasswords, 10000)
	sc := bufio.NewScanner(bytes.NewReader(commonPasswordsFile))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		set[line] = struct{}{}
	}
	return set
}

// checkPassword reports what is wrong with a new password, or "" when it is acceptable.
func (common commonPasswords) checkPassword(password, username string) string {
	n := utf8.RuneCountInString(password)
	switch {
	case !utf8.ValidString(password):
		return "Password contains characters that are not valid text."
	case n < MinPasswordLen:
		return "Password must be at least 8 characters."
	case n > MaxPasswordLen:
		return "Password must be at most 1024 characters."
	case strings.EqualFold(password, username):
		return "Password must not be your username."
	}
	if _, ok := common[strings.ToLower(password)]; ok {
		return "This password is one of the most common ones, which attackers try first. Choose another."
	}
	return ""
}

// hashPassword returns the argon2id PHC string for password.
func hashPassword(password string) (string, error) {
	return argon2id.CreateHash(password, &argonParams)
}

// verifyPassword reports whether password matches hash, in constant time.
func verifyPassword(password, hash string) (bool, error) {
	return argon2id.ComparePasswordAndHash(password, hash)
}

// hashQueue bounds the argon2id work (19 MiB and tens of milliseconds of a CPU each): how many
// hashes run at once, how many wait, and for how long, so that a burst of logins or sign-ups can
// neither exhaust memory nor keep a request waiting past its deadline.
type hashQueue struct {
	// slots is one token per hash allowed to run at once.
	slots chan struct{}
	// newSlots is one token per hash of a new password (sign-up, password change) allowed to run
	// at once: at most half of slots, so a flood of sign-ups always leaves room for logins.
	newSlots chan struct{}
	// waiting counts the hashes waiting for a slot.
	waiting atomic.Int64
	// maxWait is the longest a hash waits for its slot (maxHashWait).
	maxWait time.Duration
	// verified counts the passwords checked against a hash (tests compare the paths of a login).
	verified atomic.Int64
}

// maxHashQueue is how many hashes may wait for a slot; any more are turned away at once (ErrBusy).
// On 2 cores a hash takes ~50 ms, so 32 waiting is under a second of work.
const maxHashQueue = 32

// maxHashWait is the longest a hash waits for a slot, whatever the request's deadline: long enough
// for the queue to drain a burst, short enough that the reader soon hears "busy, try again".
const maxHashWait = 3 * time.Second

func newHashQueue(n int) *hashQueue {
	return &hashQueue{slots: make(chan struct{}, n), newSlots: make(chan struct{}, max(1, n/2)), maxWait: maxHashWait}
}

// acquire takes a token of sem, waiting at most until ctx ends or q.maxWait has passed, and
// returns the function that gives it back. When the queue is full, or the wait runs out, it
// returns ErrBusy.
func (q *hashQueue) acquire(ctx context.Context, sem chan struct{}) (release func(), err error) {
	select {
	case sem <- struct{}{}:
		return func() { <-sem }, nil
	default:
	}
	if q.waiting.Add(1) > maxHashQueue {
		q.waiting.Add(-1)
		return nil, fmt.Errorf("password hashing queue full: %w", ErrBusy)
	}
	defer q.waiting.Add(-1)
	wait := time.NewTimer(q.maxWait)
	defer wait.Stop()
	select {
	case sem <- struct{}{}:
		return func() { <-sem }, nil
	case <-wait.C:
		return nil, fmt.Errorf("waited %v for password hashing: %w", q.maxWait, ErrBusy)
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for password hashing: %w (%w)", ErrBusy, ctx.Err())
	}
}

// hash hashes a new password once both a slot for new passwords and a hashing slot are free.
func (q *hashQueue) hash(ctx context.Context, password string) (string, error) {
	releaseNew, err := q.acquire(ctx, q.newSlots)
	if err != nil {
		return "", err
	}
	defer releaseNew()
	release, err := q.acquire(ctx, q.slots)
	if err != nil {
		return "", err
	}
	defer release()
	return hashPassword(password)
}

// verify checks a password against a hash once a hashing slot is free.
func (q *hashQueue) verify(ctx context.Context, password, hash string) (bool, error) {
	release, err := q.acquire(ctx, q.slots)
	if err != nil {
		return false, err
	}
	defer release()
	q.verified.Add(1)
	return verifyPassword(password, hash)
}
