package data_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

const goodPassword = data.TestPassword

func TestUserCreate(t *testing.T) {
	db := openDB(t)
	users := db.Users()
	ctx := t.Context()

	t.Run("OK", func(t *testing.T) {
		u, err := users.Create(ctx, "  Ada ", goodPassword)
		if err != nil {
			t.Fatalf("Create: %v", err)
		}
		if u.ID == 0 || u.Username != "ada" {
			t.Errorf("user = %+v, want a new id and the lower-cased, trimmed name", u)
		}
		if !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$") {
			t.Errorf("hash = %q, want argon2id in PHC format with m=19456,t=2,p=1", u.PasswordHash)
		}
		if strings.Contains(u.PasswordHash, goodPassword) {
			t.Error("the hash contains the password")
		}
	})

	long64 := strings.Repeat("ab", 32)
	long200 := strings.Repeat("z", 199) + "!"
	tests := []struct {
		name, username, password string
		field, want              string // the field with a problem and part of its message; "" when accepted
	}{
		{"ErrUsernameRequired", "  ", goodPassword, "username", "required"},
		{"ErrUsernameShort", "ab", goodPassword, "username", "at least 3"},
		{"ErrUsernameLong", strings.Repeat("a", 33), goodPassword, "username", "at most 32"},
		{"ErrUsernameCharacters", "ada lovelace", goodPassword, "username", "only letters"},
		{"ErrUsernameTaken", "ADA", goodPassword, "username", "taken"},
		{"ErrPasswordShort", "bob", "1234567", "password", "at least 8"},
		{"ErrPasswordCommon", "carol", "password1", "password", "most common"},
		{"ErrPasswordCommonAnyCase", "dave", "BaseBall", "password", "most common"},
		{"ErrPasswordIsUsername", "evelyn99", "Evelyn99", "password", "username"},
		{"ErrPasswordTooLong", "kim", strings.Repeat("q", 1025), "password", "at most 1024"},
		{"ErrPasswordNotText", "lee", "abcdefgh\xff", "password", "not valid text"},
		{"ErrPasswordSevenRunes", "mia", "ééééééé", "password", "at least 8"},
		{"OKEightCharacters", "frank", "k7#pQ2!x", "", ""},
		{"OKSixtyFourCharacters", "grace", long64, "", ""},
		{"OKTwoHundredCharacters", "heidi", long200, "", ""},
		{"OKNoCompositionRules", "ivan", "all lower case words here", "", ""},
		{"OKUnicode", "judy", "пароль-очень-длинный", "", ""},
		{"OK1024Characters", "nina", strings.Repeat("é", 1024), "", ""},
		{"OKUsernameCharacters", "o.k_name-9", goodPassword, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := users.Create(ctx, tt.username, tt.password)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Create(%q) = %v, want it accepted", tt.username, err)
				}
				return
			}
			var verr *data.ValidationError
			if !errors.As(err, &verr) || !errors.Is(err, data.ErrInvalid) {
				t.Fatalf("Create(%q, %q) = %v, want a validation error", tt.username, tt.password, err)
			}
			if got := verr.Fields[tt.field]; !strings.Contains(got, tt.want) {
				t.Errorf("message for %s = %q, want it to mention %q", tt.field, got, tt.want)
			}
		})
	}

	t.Run("NoTruncation", func(t *testing.T) {
		// A password is checked whole: one that differs only after 72 bytes (bcrypt's limit) fails.
		base := strings.Repeat("x", 80)
		if _, err := users.Create(ctx, "truncation", base+"1"); err != nil {
			t.Fatalf("Create: %v", err)
		}
		if _, err := users.Authenticate(ctx, "truncation", base+"2"); !errors.Is(err, data.ErrBadCredentials) {
			t.Errorf("Authenticate with a password that differs at character 81 = %v, want ErrBadCredentials", err)
		}
		if _, err := users.Authenticate(ctx, "truncation", base+"1"); err != nil {
			t.Errorf("Authenticate with the right password = %v", err)
		}
	})
}

func TestUserAuthenticate(t *testing.T) {
	db := openDB(t)
	users := db.Users()
	ctx := t.Context()
	created, err := users.Create(ctx, "ada", goodPassword)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("OK", func(t *testing.T) {
		u, err := users.Authenticate(ctx, "Ada", goodPassword)
		if err != nil || u.ID != created.ID {
			t.Errorf("Authenticate = %+v, %v; want user %d", u, err, created.ID)
		}
	})
	t.Run("ErrWrongPassword", func(t *testing.T) {
		if _, err := users.Authenticate(ctx, "ada", goodPassword+"!"); !errors.Is(err, data.ErrBadCredentials) {
			t.Errorf("err = %v, want ErrBadCredentials", err)
		}
	})
	t.Run("ErrUnknownUser", func(t *testing.T) {
		if _, err := users.Authenticate(ctx, "nobody", goodPassword); !errors.Is(err, data.ErrBadCredentials) {
			t.Errorf("err = %v, want ErrBadCredentials", err)
		}
	})
	t.Run("SameWorkForUnknownUser", func(t *testing.T) {
		// An unknown username must cost what a wrong password costs, so that timing does not
		// tell which usernames exist: one argon2id check each, against a hash of the same
		// parameters (memory, passes, threads). (This replaces a comparison of wall times, which
		// a busy machine made fail.)
		checks := func(name string) int64 {
			before, _ := db.PasswordChecks()
			if _, err := users.Authenticate(ctx, name, "wrong password here"); !errors.Is(err, data.ErrBadCredentials) {
				t.Fatalf("Authenticate(%s) err = %v, want ErrBadCredentials", name, err)
			}
			after, _ := db.PasswordChecks()
			return after - before
		}
		if known, unknown := checks("ada"), checks("nobody"); known != 1 || unknown != 1 {
			t.Errorf("password checks: %d for a known user, %d for an unknown one; want 1 each", known, unknown)
		}
		u, err := users.ByName(ctx, "ada")
		if err != nil {
			t.Fatal(err)
		}
		params := func(hash string) string { // $argon2id$v=19$m=…,t=…,p=…$salt$key
			parts := strings.Split(hash, "$")
			if len(parts) != 6 {
				t.Fatalf("hash %q is not a PHC string", hash)
			}
			return strings.Join(parts[1:4], "$")
		}
		if _, dummy := db.PasswordChecks(); params(dummy) != params(u.PasswordHash) {
			t.Errorf("unknown users are checked against %s, known ones against %s", params(dummy), params(u.PasswordHash))
		}
	})
}

func TestFirstUserAdoptsBooks(t *testing.T) {
	db := openDB(t)
	ctx := t.Context()
	legacy := addLegacyBooks(t, db, 3)

	first, err := db.Users().Create(ctx, "first", goodPassword)
	if err != nil {
		t.Fatal(err)
	}
	second, err := db.Users().Create(ctx, "second", goodPassword)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := db.Books().Count(ctx, first.ID); err != nil || n != len(legacy) {
		t.Errorf("first user's books = %d, %v; want the %d books made before accounts", n, err, len(legacy))
	}
	if n, err := db.Books().Count(ctx, second.ID); err != nil || n != 0 {
		t.Errorf("second user's books = %d, %v; want 0", n, err)
	}
	for _, id := range legacy {
		if _, err := db.Books().Get(ctx, first.ID, id); err != nil {
			t.Errorf("Get(first, %d) = %v", id, err)
		}
	}
}

// addLegacyBooks inserts books with no owner, as they were before accounts existed.
func addLegacyBooks(t *testing.T, db *data.DB, n int) []int64 {
	t.Helper()
	write, _ := db.Pools()
	var ids []int64
	for i := range n {
		var id int64
		err := write.Get(&id, `INSERT INTO books (title, author, genre, created_at, updated_at)
			VALUES (?, 'Author', '', ?, ?) RETURNING id`, "Legacy "+string(rune('A'+i)), time.Now(), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func TestUserSetPasswordAndDelete(t *testing.T) {
	db := openDB(t)
	users := db.Users()
	sessions := db.Sessions(time.Hour, 24*time.Hour)
	ctx := t.Context()
	ada, err := users.Create(ctx, "ada", goodPassword)
	if err != nil {
		t.Fatal(err)
	}
	bob, err := users.Create(ctx, "bob", goodPassword)
	if err != nil {
		t.Fatal(err)
	}
	adaBook, err := db.Books().Create(ctx, ada.ID, data.BookInput{Title: "Ada's", Author: "A"})
	if err != nil {
		t.Fatal(err)
	}
	bobBook, err := db.Books().Create(ctx, bob.ID, data.BookInput{Title: "Bob's", Author: "B"})
	if err != nil {
		t.Fatal(err)
	}
	adaSession, err := sessions.Create(ctx, ada.ID)
	if err != nil {
		t.Fatal(err)
	}
	bobSession, err := sessions.Create(ctx, bob.ID)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("SetPassword", func(t *testing.T) {
		if err := users.SetPassword(ctx, "ADA", "a whole new passphrase"); err != nil {
			t.Fatalf("SetPassword: %v", err)
		}
		if _, err := users.Authenticate(ctx, "ada", goodPassword); !errors.Is(err, data.ErrBadCredentials) {
			t.Errorf("old password still works: %v", err)
		}
		if _, err := users.Authenticate(ctx, "ada", "a whole new passphrase"); err != nil {
			t.Errorf("new password: %v", err)
		}
		if _, err := sessions.Get(ctx, adaSession.Token); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("ada's session after a password change = %v, want ErrNotFound (signed out everywhere)", err)
		}
		if _, err := sessions.Get(ctx, bobSession.Token); err != nil {
			t.Errorf("bob's session = %v, want it untouched", err)
		}
	})
	t.Run("ErrSetPasswordCommon", func(t *testing.T) {
		if err := users.SetPassword(ctx, "ada", "password"); !errors.Is(err, data.ErrInvalid) {
			t.Errorf("err = %v, want ErrInvalid", err)
		}
	})
	t.Run("ErrSetPasswordUnknown", func(t *testing.T) {
		if err := users.SetPassword(ctx, "nobody", goodPassword); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("err = %v, want ErrNotFound", err)
		}
	})
	t.Run("List", func(t *testing.T) {
		list, err := users.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].Username != "ada" || list[0].Books != 1 || list[1].Username != "bob" || list[1].Books != 1 {
			t.Errorf("List = %+v", list)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		if err := users.Delete(ctx, "bob"); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if _, err := users.ByName(ctx, "bob"); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("bob still exists: %v", err)
		}
		if _, err := sessions.Get(ctx, bobSession.Token); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("bob's session survived: %v", err)
		}
		write, _ := db.Pools()
		var n int
		if err := write.Get(&n, `SELECT COUNT(*) FROM books WHERE id = ?`, bobBook.ID); err != nil || n != 0 {
			t.Errorf("bob's book rows = %d, %v; want 0", n, err)
		}
		if _, err := db.Books().Get(ctx, ada.ID, adaBook.ID); err != nil {
			t.Errorf("ada's book after deleting bob: %v", err)
		}
	})
	t.Run("ErrDeleteUnknown", func(t *testing.T) {
		if err := users.Delete(ctx, "bob"); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("err = %v, want ErrNotFound", err)
		}
	})
}

func TestSessions(t *testing.T) {
	db := openDB(t)
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	db.SetClock(fixedClock(&now))
	ctx := t.Context()
	u, err := db.Users().Create(ctx, "ada", goodPassword)
	if err != nil {
		t.Fatal(err)
	}
	sessions := db.Sessions(time.Hour, 8*time.Hour)

	t.Run("OK", func(t *testing.T) {
		s, err := sessions.Create(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Token) < 43 { // 32 bytes, base64: 256 bits
			t.Errorf("token %q is shorter than 256 bits", s.Token)
		}
		got, err := sessions.Get(ctx, s.Token)
		if err != nil || got.UserID != u.ID || got.Username != "ada" {
			t.Errorf("Get = %+v, %v", got, err)
		}
		other, err := sessions.Create(ctx, u.ID)
		if err != nil || other.Token == s.Token {
			t.Errorf("a second session reused the token: %v", err)
		}
	})
	t.Run("TokenNotStored", func(t *testing.T) {
		s, err := sessions.Create(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		write, _ := db.Pools()
		var n int
		if err := write.Get(&n, `SELECT COUNT(*) FROM sessions WHERE id = ?`, s.Token); err != nil || n != 0 {
			t.Errorf("the raw token is stored (%d rows, %v)", n, err)
		}
	})
	t.Run("Revoked", func(t *testing.T) {
		s, err := sessions.Create(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := sessions.Delete(ctx, s.Token); err != nil {
			t.Fatal(err)
		}
		if _, err := sessions.Get(ctx, s.Token); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("Get after Delete = %v, want ErrNotFound", err)
		}
	})
	t.Run("IdleTimeout", func(t *testing.T) {
		s, err := sessions.Create(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		now = now.Add(50 * time.Minute)
		if _, err := sessions.Get(ctx, s.Token); err != nil {
			t.Fatalf("Get after 50 idle minutes = %v, want the session", err)
		}
		now = now.Add(50 * time.Minute) // 50 minutes after the last use: still alive
		if _, err := sessions.Get(ctx, s.Token); err != nil {
			t.Fatalf("Get 50 minutes after the last use = %v, want the session", err)
		}
		now = now.Add(61 * time.Minute)
		if _, err := sessions.Get(ctx, s.Token); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("Get after 61 idle minutes = %v, want ErrNotFound", err)
		}
	})
	t.Run("AbsoluteLifetime", func(t *testing.T) {
		s, err := sessions.Create(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		for range 9 { // used every 50 minutes, never idle, but 7.5 hours old
			now = now.Add(50 * time.Minute)
			if _, err := sessions.Get(ctx, s.Token); err != nil {
				t.Fatalf("Get = %v", err)
			}
		}
		now = now.Add(40 * time.Minute) // 8h10m after creation
		if _, err := sessions.Get(ctx, s.Token); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("Get past the lifetime = %v, want ErrNotFound", err)
		}
	})
	t.Run("ErrUnknownUser", func(t *testing.T) {
		if _, err := sessions.Create(ctx, u.ID+100); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("Create for a user who does not exist = %v, want ErrNotFound", err)
		}
	})
	t.Run("Unknown", func(t *testing.T) {
		for _, token := range []string{"", "nope", data.NewToken()} {
			if _, err := sessions.Get(ctx, token); !errors.Is(err, data.ErrNotFound) {
				t.Errorf("Get(%q) = %v, want ErrNotFound", token, err)
			}
		}
	})
	t.Run("PurgeExpired", func(t *testing.T) {
		live, err := sessions.Create(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		now = now.Add(2 * time.Hour)
		fresh, err := sessions.Create(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		n, err := sessions.PurgeExpired(ctx)
		if err != nil || n < 1 {
			t.Errorf("PurgeExpired = %d, %v; want at least the idle session", n, err)
		}
		if _, err := sessions.Get(ctx, fresh.Token); err != nil {
			t.Errorf("fresh session purged: %v", err)
		}
		if _, err := sessions.Get(ctx, live.Token); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("idle session survived: %v", err)
		}
	})
}

func TestCSRFTokens(t *testing.T) {
	db := openDB(t)
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	db.SetClock(fixedClock(&now))
	ctx := t.Context()
	tokens := db.CSRFTokens()
	token := data.NewToken()

	if _, err := tokens.Expiry(ctx, token); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("unknown token: %v", err)
	}
	if err := tokens.Save(ctx, token, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if exp, err := tokens.Expiry(ctx, token); err != nil || !exp.Equal(now.Add(time.Hour)) {
		t.Errorf("Expiry = %v, %v", exp, err)
	}
	if err := tokens.Save(ctx, token, now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	now = now.Add(90 * time.Minute)
	if _, err := tokens.Expiry(ctx, token); err != nil {
		t.Errorf("extended token expired: %v", err)
	}
	now = now.Add(time.Hour)
	if _, err := tokens.Expiry(ctx, token); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("expired token: %v", err)
	}
	if err := tokens.Delete(ctx, token); err != nil {
		t.Fatal(err)
	}

	t.Run("PurgeExpired", func(t *testing.T) {
		old, fresh := data.NewToken(), data.NewToken()
		if err := tokens.Save(ctx, old, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := tokens.Save(ctx, fresh, now.Add(3*time.Hour)); err != nil {
			t.Fatal(err)
		}
		now = now.Add(2 * time.Hour)
		if _, err := db.Sessions(time.Hour, 8*time.Hour).PurgeExpired(ctx); err != nil {
			t.Fatal(err)
		}
		write, _ := db.Pools()
		var n int
		if err := write.Get(&n, `SELECT COUNT(*) FROM csrf_tokens`); err != nil || n != 1 {
			t.Errorf("%d CSRF tokens left after the purge (%v), want only the unexpired one", n, err)
		}
		if _, err := tokens.Expiry(ctx, fresh); err != nil {
			t.Errorf("unexpired token purged: %v", err)
		}
	})
}

func TestSessionLive(t *testing.T) {
	db := openDB(t)
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	db.SetClock(fixedClock(&now))
	ctx := t.Context()
	u := addReader(t, db, "ada")
	sessions := db.Sessions(time.Hour, 8*time.Hour)
	s, err := sessions.Create(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		token string
		after time.Duration
		want  bool
	}{
		{"OK", s.Token, 0, true},
		{"OKNotTouched", s.Token, 59 * time.Minute, true},
		{"ErrIdle", s.Token, time.Minute, false}, // an hour since the last use: Live did not record one
		{"ErrUnknown", "not-a-token", 0, false},
		{"ErrEmpty", "", 0, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			now = now.Add(tt.after)
			if got, err := sessions.Live(ctx, tt.token); got != tt.want || err != nil {
				t.Errorf("Live() = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}
