package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/data/dbtest"
)

// pipe is a terminal whose input is given and whose output is captured; not a TTY, so passwords
// are read as lines.
func pipe(input string) (*terminal, *bytes.Buffer) {
	var out bytes.Buffer
	return &terminal{in: bufio.NewReader(strings.NewReader(input)), out: &out, prompt: &out}, &out
}

func TestUserCommand(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "cli.db")
	run := func(input string, args ...string) (string, error) {
		term, out := pipe(input)
		err := userCommand(ctx, append([]string{"--db", db}, args...), noEnv, term)
		return out.String(), err
	}

	t.Run("Add", func(t *testing.T) {
		out, err := run("a fine long passphrase\n", "add", "Ada")
		if err != nil || !strings.Contains(out, "Created user ada") {
			t.Fatalf("add = %q, %v", out, err)
		}
		if _, err := run("another good passphrase\n", "add", "bob"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrAddCommonPassword", func(t *testing.T) {
		_, err := run("password123\n", "add", "carol")
		if err == nil || !strings.Contains(err.Error(), "most common") {
			t.Errorf("err = %v, want the common-password message", err)
		}
	})
	t.Run("ErrAddTaken", func(t *testing.T) {
		_, err := run("a fine long passphrase\n", "add", "ADA")
		if err == nil || !strings.Contains(err.Error(), "taken") {
			t.Errorf("err = %v, want taken", err)
		}
	})
	t.Run("ErrPasswordNotFromArgs", func(t *testing.T) {
		// A password given after the name is an unexpected argument, never used.
		_, err := run("", "add", "dave", "hunter2hunter2")
		if err == nil || !strings.Contains(err.Error(), "unexpected argument") {
			t.Errorf("err = %v, want unexpected argument", err)
		}
	})
	t.Run("List", func(t *testing.T) {
		out, err := run("", "list")
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 3 || !strings.HasPrefix(lines[1], "ada ") || !strings.HasPrefix(lines[2], "bob ") {
			t.Errorf("list =\n%s", out)
		}
	})
	t.Run("Passwd", func(t *testing.T) {
		out, err := run("a brand new passphrase\n", "passwd", "ada")
		if err != nil || !strings.Contains(out, "Changed the password of ada") {
			t.Fatalf("passwd = %q, %v", out, err)
		}
		store := openStore(t, db)
		if _, err := store.Users().Authenticate(ctx, "ada", "a brand new passphrase"); err != nil {
			t.Errorf("new password refused: %v", err)
		}
	})
	t.Run("ErrPasswdUnknown", func(t *testing.T) {
		if _, err := run("a brand new passphrase\n", "passwd", "zed"); err == nil || !strings.Contains(err.Error(), "no such user") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("DeleteNotConfirmed", func(t *testing.T) {
		_, err := run("bobby\n", "delete", "bob")
		if err == nil || !strings.Contains(err.Error(), "nothing was deleted") {
			t.Errorf("err = %v", err)
		}
		if _, err := openStore(t, db).Users().ByName(ctx, "bob"); err != nil {
			t.Errorf("bob was deleted without confirmation: %v", err)
		}
	})
	t.Run("DeleteOnlyThatUser", func(t *testing.T) {
		store := openStore(t, db)
		ada, err := store.Users().ByName(ctx, "ada")
		if err != nil {
			t.Fatal(err)
		}
		bob, err := store.Users().ByName(ctx, "bob")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.Books().Create(ctx, ada.ID, data.BookInput{Title: "Kept", Author: "A"}); err != nil {
			t.Fatal(err)
		}
		if _, err := store.Books().Create(ctx, bob.ID, data.BookInput{Title: "Gone", Author: "B"}); err != nil {
			t.Fatal(err)
		}
		store.Close()

		out, err := run("bob\n", "delete", "bob")
		if err != nil || !strings.Contains(out, "Deleted user bob") {
			t.Fatalf("delete = %q, %v", out, err)
		}
		store = openStore(t, db)
		if _, err := store.Users().ByName(ctx, "bob"); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("bob still there: %v", err)
		}
		if n, err := store.Books().Count(ctx, ada.ID); err != nil || n != 1 {
			t.Errorf("ada's books = %d, %v; want 1", n, err)
		}
	})
	t.Run("FlagsAnywhere", func(t *testing.T) {
		// As operators type it: the flags after the command, and after its name.
		for _, args := range [][]string{{"list", "--db", db}, {"list", "--db=" + db, "--yes"}} {
			term, out := pipe("")
			if err := userCommand(ctx, args, noEnv, term); err != nil || !strings.Contains(out.String(), "ada ") {
				t.Errorf("user %v = %v, output %q; want the list", args, err, out)
			}
		}
	})
	t.Run("DeleteYes", func(t *testing.T) {
		if _, err := run("", "delete", "ada", "--yes"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrUsage", func(t *testing.T) {
		for _, args := range [][]string{{}, {"frobnicate"}, {"add"}, {"delete"}, {"list", "ada"}} {
			if _, err := run("", args...); err == nil || !strings.Contains(err.Error(), "usage") {
				t.Errorf("user %v: err = %v, want usage", args, err)
			}
		}
	})
}

func openStore(t *testing.T, path string) *data.DB {
	t.Helper()
	db, err := data.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestCommandLine runs the command line as the operator types it: what it prints where, and its
// exit status.
func TestCommandLine(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "cli.db")
	ada, err := openStore(t, db).Users().Create(ctx, "ada", "a fine long passphrase")
	if err != nil {
		t.Fatal(err)
	}
	serverHelp := []string{"bookcase user", "bookcase seed", "bookcase help", "-addr", "-db", "BOOKCASE_DB", `(default "bookcase.db")`}
	userHelp := []string{"add NAME", "passwd NAME", "list", "delete NAME", "-db", "-yes"}
	seedHelp := []string{"--user NAME", "-books", "-db"}
	for _, tc := range []struct {
		name     string
		args     []string
		wantCode int
		wantOut  []string // in the output
		wantErr  string   // in the messages, "" for none
	}{
		{"HelpFlag", []string{"--help"}, 0, serverHelp, ""},
		{"Help", []string{"help"}, 0, serverHelp, ""},
		{"HelpUser", []string{"help", "user"}, 0, userHelp, ""},
		{"UserHelpFlag", []string{"user", "-h"}, 0, userHelp, ""},
		{"HelpSeed", []string{"help", "seed"}, 0, seedHelp, ""},
		{"UserListDBAfter", []string{"user", "list", "--db", db}, 0, []string{"USERNAME", "ada "}, ""},
		{"Seed", []string{"seed", "--user", "ada", "--books", "3", "--db", db}, 0, []string{"Added 3 made-up books to the library of ada."}, ""},
		{"ErrHelpUnknown", []string{"help", "frobnicate"}, 2, nil, `bookcase help: no command "frobnicate"`},
		{"ErrServerFlag", []string{"--frobnicate"}, 2, nil, "bookcase: flag provided but not defined: -frobnicate"},
		{"ErrServerArgument", []string{"serve"}, 2, nil, `bookcase: unexpected argument "serve"`},
		{"ErrUser", []string{"user", "frobnicate", "--db", db}, 1, nil, `bookcase user: unknown command "frobnicate"`},
		{"ErrSeedNoSuchUser", []string{"seed", "--db", db, "--user", "zed"}, 1, nil, "bookcase seed: no such user"},
		{"ErrSeedArgument", []string{"seed", "--db", db, "--user", "ada", "40"}, 1, nil, `bookcase seed: unexpected argument "40"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, msgs bytes.Buffer
			term := &terminal{in: bufio.NewReader(strings.NewReader("")), out: &out, prompt: &msgs}
			_, serve, code := commandLine(ctx, tc.args, noEnv, term)
			if serve || code != tc.wantCode {
				t.Errorf("serve, code = %v, %d; want false, %d", serve, code, tc.wantCode)
			}
			for _, want := range tc.wantOut {
				if !strings.Contains(out.String(), want) {
					t.Errorf("output lacks %q:\n%s", want, out.String())
				}
			}
			if tc.wantErr == "" && msgs.Len() > 0 || !strings.Contains(msgs.String(), tc.wantErr) {
				t.Errorf("messages = %q, want %q", msgs.String(), tc.wantErr)
			}
		})
	}
	t.Run("Serve", func(t *testing.T) {
		term, out := pipe("")
		cfg, serve, code := commandLine(ctx, []string{"--db", db, "--addr", ":0"}, noEnv, term)
		if !serve || code != 0 || cfg.db != db || cfg.addr != ":0" || out.Len() > 0 {
			t.Errorf("commandLine = %+v, %v, %d, output %q; want to serve", cfg, serve, code, out)
		}
	})
	if n, err := openStore(t, db).Books().Count(ctx, ada.ID); err != nil || n != 3 {
		t.Errorf("ada has %d books (%v), want the 3 seeded", n, err)
	}
}

// TestBackupAndRestoreCommands backs up a database a store has open, is refused a restore while
// it is open, and restores once it is closed: what the operator sees at each step.
func TestBackupAndRestoreCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "live.db")
	store, err := data.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ada, err := store.Users().Create(ctx, "ada", "a fine long passphrase")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Books().Create(ctx, ada.ID, data.BookInput{Title: "Dune", Author: "Frank Herbert"}); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (code int, out, msgs string) {
		var o, m bytes.Buffer
		term := &terminal{in: bufio.NewReader(strings.NewReader("")), out: &o, prompt: &m}
		_, _, code = commandLine(ctx, args, noEnv, term)
		return code, o.String(), m.String()
	}

	backups := filepath.Join(dir, "backups")
	if err := os.Mkdir(backups, 0o700); err != nil {
		t.Fatal(err)
	}
	code, out, msgs := run("backup", backups, "--db", db)
	if code != 0 || !strings.Contains(out, "1 book and 1 reader") || msgs != "" {
		t.Fatalf("backup into a directory: code %d, output %q, messages %q", code, out, msgs)
	}
	made, _ := filepath.Glob(filepath.Join(backups, "bookcase-*.db"))
	if len(made) != 1 {
		t.Fatalf("backup files: %v, want one bookcase-TIME.db", made)
	}
	if code, _, msgs := run("backup", made[0], "--db", db); code != 1 || !strings.Contains(msgs, "exists already") {
		t.Errorf("backup over the same file: code %d, messages %q", code, msgs)
	}
	if code, _, msgs := run("restore", made[0], "--db", db); code != 1 || !strings.Contains(msgs, "stop it first") {
		t.Errorf("restore while open: code %d, messages %q", code, msgs)
	}
	if code, _, msgs := run("restore", "--db", db); code != 1 || !strings.Contains(msgs, "usage: bookcase restore") {
		t.Errorf("restore without a backup: code %d, messages %q", code, msgs)
	}

	if _, err := store.Books().Create(ctx, ada.ID, data.BookInput{Title: "Emma", Author: "Jane Austen"}); err != nil {
		t.Fatal(err)
	}
	store.Close()
	code, out, msgs = run("restore", made[0], "--db", db)
	if code != 0 || !strings.Contains(out, "Restored") || !strings.Contains(out, "kept as "+db+".before-restore-") || msgs != "" {
		t.Fatalf("restore: code %d, output %q, messages %q", code, out, msgs)
	}
	if n, err := openStore(t, db).Books().Count(ctx, ada.ID); err != nil || n != 1 {
		t.Errorf("ada has %d books after the restore (%v), want the 1 backed up", n, err)
	}
	if code, out, _ := run("help", "backup"); code != 0 || !strings.Contains(out, "never overwritten") {
		t.Errorf("help backup: code %d, output %q", code, out)
	}
}

// TestHealthcheckCommand asks a server that answers, one that is not ready to, and an address
// where nothing listens.
func TestHealthcheckCommand(t *testing.T) {
	healthy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintln(w, "ok")
	}))
	defer healthy.Close()
	sick := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "stopping", http.StatusServiceUnavailable)
	}))
	defer sick.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()

	_, port, _ := net.SplitHostPort(healthy.Listener.Addr().String())
	for _, tc := range []struct {
		addr string
		code int
		msg  string
	}{
		{healthy.Listener.Addr().String(), 0, ""},
		{"0.0.0.0:" + port, 0, ""}, // what BOOKCASE_ADDR is in the container
		{sick.Listener.Addr().String(), 1, "503 Service Unavailable"},
		{closed.Listener.Addr().String(), 1, "no answer"},
	} {
		term, out := pipe("")
		_, _, code := commandLine(context.Background(), []string{"healthcheck", "--addr", tc.addr}, noEnv, term)
		if code != tc.code || !strings.Contains(out.String(), tc.msg) {
			t.Errorf("healthcheck %s: code %d, said %q; want %d, %q", tc.addr, code, out.String(), tc.code, tc.msg)
		}
	}
}

// TestCopyCommand copies a SQLite library with bookcase copy into an empty database (a schema of
// PostgreSQL's when the tests run there, a new SQLite file otherwise) and shows what it copied,
// table by table; a second copy into it is refused with a message and exit status 1.
func TestCopyCommand(t *testing.T) {
	ctx := context.Background()
	from, to := filepath.Join(t.TempDir(), "from.db"), dbtest.NewDSN(t)
	store, err := data.Open(ctx, from)
	if err != nil {
		t.Fatal(err)
	}
	ada, err := store.Users().Create(ctx, "ada", "a fine long passphrase")
	if err != nil {
		t.Fatal(err)
	}
	for _, title := range []string{"Dune", "Emma"} {
		if _, err := store.Books().Create(ctx, ada.ID, data.BookInput{Title: title, Author: "Someone"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (code int, out, msgs string) {
		var o, m bytes.Buffer
		term := &terminal{in: bufio.NewReader(strings.NewReader("")), out: &o, prompt: &m}
		_, _, code = commandLine(ctx, args, noEnv, term)
		return code, o.String(), m.String()
	}
	code, out, msgs := run("copy", "--from", from, "--to", to)
	if code != 0 || msgs != "" {
		t.Fatalf("copy: code %d, output %q, messages %q", code, out, msgs)
	}
	for _, line := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^  users +1$`),
		regexp.MustCompile(`(?m)^  books +2$`),
		regexp.MustCompile(`search index was rebuilt \(2 books\)`),
		regexp.MustCompile(`Not copied: goose_db_version`),
	} {
		if !line.MatchString(out) {
			t.Errorf("copy's output lacks %s:\n%s", line, out)
		}
	}
	code, out, msgs = run("copy", "--from", from, "--to", to)
	if code != 1 || out != "" || !strings.Contains(msgs, "bookcase copy: the destination is not empty") {
		t.Errorf("copy into the copy: code %d, output %q, messages %q; want 1 and not empty", code, out, msgs)
	}
	if code, _, msgs := run("copy", "--from", from); code != 1 || !strings.Contains(msgs, "give --from and --to") {
		t.Errorf("copy without --to: code %d, messages %q", code, msgs)
	}
}
