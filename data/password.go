package data

import (
	"bufio"
	"bytes"
	_ "embed"
	"strings"
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
