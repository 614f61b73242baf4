// Command bookcase serves Bookcase, a self-hosted library of the books you own, read and want to read.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/handlers"
)

// config is what the command line and the environment decide.
type config struct {
	addr            string
	db              string
	signup          string
	secureCookies   bool
	trustedProxies  []string
	sessionIdle     time.Duration
	sessionLifetime time.Duration
	// uploadDir is the server's own temporary directory, where a large upload is spooled.
	uploadDir string
}

// parseConfig reads flags, falling back to BOOKCASE_* environment variables, then to defaults.
func parseConfig(args []string, getenv func(string) string) (config, error) {
	fs := flag.NewFlagSet("bookcase", flag.ContinueOnError)
	var c config
	fs.StringVar(&c.addr, "addr", envOr(getenv, "BOOKCASE_ADDR", "127.0.0.1:4996"), "address to listen on (env BOOKCASE_ADDR)")
	fs.StringVar(&c.db, "db", envOr(getenv, "BOOKCASE_DB", "bookcase.db"), "SQLite database file, created if missing (env BOOKCASE_DB)")
	fs.StringVar(&c.signup, "signup", envOr(getenv, "BOOKCASE_SIGNUP", "open"), "who may create an account: open, or closed (only 'bookcase user add') (env BOOKCASE_SIGNUP)")
	secure, err := strconv.ParseBool(envOr(getenv, "BOOKCASE_SECURE_COOKIES", "false"))
	if err != nil {
		return config{}, fmt.Errorf("BOOKCASE_SECURE_COOKIES: %w", err)
	}
	fs.BoolVar(&c.secureCookies, "secure-cookies", secure, "the server is reached over HTTPS: Secure, __Host- cookies (env BOOKCASE_SECURE_COOKIES)")
	proxies := fs.String("trusted-proxies", getenv("BOOKCASE_TRUSTED_PROXIES"), "comma-separated addresses or CIDR ranges of reverse proxies whose X-Forwarded-* headers are believed (env BOOKCASE_TRUSTED_PROXIES)")
	fs.DurationVar(&c.sessionIdle, "session-idle", 24*time.Hour, "sign readers out after this long without use")
	fs.DurationVar(&c.sessionLifetime, "session-lifetime", 7*24*time.Hour, "sign readers out this long after they signed in, used or not")
	fs.StringVar(&c.uploadDir, "upload-dir", getenv("BOOKCASE_UPLOAD_DIR"), "directory of the server's temporary files (large uploads as they arrive), created if missing; default bookcase-uploads beside the database (env BOOKCASE_UPLOAD_DIR)")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if c.signup != "open" && c.signup != "closed" {
		return config{}, fmt.Errorf("--signup must be open or closed, not %q", c.signup)
	}
	for _, p := range strings.Split(*proxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			c.trustedProxies = append(c.trustedProxies, p)
		}
	}
	if c.sessionIdle <= 0 || c.sessionLifetime <= 0 {
		return config{}, errors.New("session durations must be positive")
	}
	if c.uploadDir == "" {
		c.uploadDir = filepath.Join(filepath.Dir(c.db), "bookcase-uploads")
	}
	return c, nil
}

func envOr(getenv func(string) string, key, fallback string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return fallback
}

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if len(os.Args) > 1 {
		var err error
		switch os.Args[1] {
		case "seed":
			err = seed(os.Args[2:], os.Getenv)
		case "user":
			err = userCommand(context.Background(), os.Args[2:], os.Getenv, newTerminal(os.Stdin, os.Stdout, os.Stderr))
		default:
			goto serve
		}
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "bookcase %s: %v\n", os.Args[1], err)
			os.Exit(1)
		}
		return
	}
serve:
	cfg, err := parseConfig(os.Args[1:], os.Getenv)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bookcase:", err)
		os.Exit(2)
	}
	// A page allocates many short-lived objects; collecting garbage less often buys about a fifth
	// more requests per second for some tens of megabytes (see bench/README.md). GOGC still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	// That headroom is garbage: under a burst of allocation (a 100,000-book import, or a sign-in,
	// whose password hash takes 19 MiB) it would take the server past 170 MB. A soft limit on the
	// Go runtime's memory makes the collector work harder only near it; GOMEMLIMIT still wins.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	// fasthttp spools an upload's file over 16 MB through mime/multipart into os.TempDir, and
	// TMPDIR is the one setting of both (and of SQLite's temporary files): pointing it at a
	// directory of the server's own lets run find the files a killed server left, and keeps
	// them off a /tmp that others fill, or that is memory.
	if err := os.MkdirAll(cfg.uploadDir, 0o700); err != nil {
		fmt.Fprintln(os.Stderr, "bookcase: upload directory:", err)
		os.Exit(1)
	}
	if err := os.Setenv("TMPDIR", cfg.uploadDir); err != nil {
		fmt.Fprintln(os.Stderr, "bookcase: set TMPDIR:", err)
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, log); err != nil {
		log.Error("bookcase stopped", "err", err)
		os.Exit(1)
	}
}

// memoryLimit is the Go runtime's soft memory limit unless GOMEMLIMIT sets one. SQLite's page
// caches (up to 40 MB) come on top. At 64 MiB rather than 128, the peak memory of the server
// under bench/load.sh at 100,000 books fell from 92 to 87 MB and that of a 100,000-row import
// (bench/import.sh) from 141 to 98 MB, with the same requests per second and import time.
const memoryLimit = 64 << 20

// run serves until ctx is cancelled, then lets in-flight requests finish and closes the database.
func run(ctx context.Context, cfg config, log *slog.Logger) (err error) {
	db, err := data.Open(ctx, cfg.db)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, closeStore(db.Close, cfg.db, log)) }()

	// An import that was being written when the server last stopped was rolled back: say so.
	if n, err := db.Imports().FailInterrupted(ctx); err != nil {
		return err
	} else if n > 0 {
		log.Warn("imports interrupted by the last shutdown marked failed", "count", n)
	}
	if n, err := removeStaleSpool(cfg.uploadDir, staleSpool, time.Now()); err != nil {
		log.Warn("removing uploads left by an earlier run failed", "dir", cfg.uploadDir, "err", err)
	} else if n > 0 {
		log.Info("removed uploads left by an earlier run", "dir", cfg.uploadDir, "count", n)
	}
	sessions := db.Sessions(cfg.sessionIdle, cfg.sessionLifetime)
	app, err := handlers.New(handlers.Config{
		Books:          db.Books(),
		Reading:        db.Books(),
		Shelves:        db.Shelves(),
		Export:         db.Books(),
		Imports:        db.Imports(),
		Users:          db.Users(),
		Sessions:       sessions,
		CSRF:           db.CSRFTokens(),
		Logger:         log,
		SignupOpen:     cfg.signup == "open",
		SecureCookies:  cfg.secureCookies,
		TrustedProxies: cfg.trustedProxies,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	go housekeeping(ctx, db.Books(), sessions, db.Imports(), log)

	served := make(chan error, 1)
	go func() { served <- app.Listener(ln) }()
	log.Info("bookcase listening", "addr", "http://"+ln.Addr().String(), "db", cfg.db)

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	if err := app.ShutdownWithTimeout(20 * time.Second); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// closeStore closes the database on the way out. On a full disk the last checkpoint cannot
// write, and only that fails: every committed write is in the write-ahead log beside the file,
// which the next start replays. That is a clean stop (exit 0), said as a warning, not a failure.
func closeStore(close func() error, path string, log *slog.Logger) error {
	err := close()
	errs := []error{err}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		errs = joined.Unwrap()
	}
	var rest []error
	for _, e := range errs {
		if !errors.Is(e, data.ErrNoSpace) {
			rest = append(rest, e)
			continue
		}
		log.Warn("the disk is full: every saved change is kept in the write-ahead log, "+
			"which the next start applies to the database; make room before starting again",
			"db", path, "wal", path+"-wal", "err", e)
	}
	return errors.Join(rest...)
}

// staleSpool is the age past which a spooled upload in the upload directory is one a killed
// server left: a request's body is read within the server's read timeout (seconds), so no upload
// still arriving is this old, even from another server sharing the directory.
const staleSpool = time.Hour

// removeStaleSpool removes from dir the files that mime/multipart spooled (its fixed pattern,
// multipart-*) and that were last written before now-age, and returns how many. Nothing else in
// dir is touched; a missing dir holds nothing.
func removeStaleSpool(dir string, age time.Duration, now time.Time) (int, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	removed := 0
	var errs []error
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasPrefix(e.Name(), "multipart-") {
			continue
		}
		info, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue // gone meanwhile: its request ended
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !info.ModTime().Before(now.Add(-age)) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		removed++
	}
	return removed, errors.Join(errs...)
}

// seed fills a reader's library with made-up books: bookcase seed [--db FILE] --user NAME --books N.
func seed(args []string, getenv func(string) string) error {
	fs := flag.NewFlagSet("bookcase seed", flag.ContinueOnError)
	path := fs.String("db", envOr(getenv, "BOOKCASE_DB", "bookcase.db"), "SQLite database file (env BOOKCASE_DB)")
	user := fs.String("user", "", "the reader whose library gets the books (create them with 'bookcase user add')")
	n := fs.Int("books", 100, "how many books to add")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *user == "" {
		return errors.New("--user is required")
	}
	ctx := context.Background()
	db, err := data.Open(ctx, *path)
	if err != nil {
		return err
	}
	u, err := db.Users().ByName(ctx, *user)
	if err != nil {
		return errors.Join(describe(err), db.Close())
	}
	return errors.Join(db.Books().Seed(ctx, u.ID, *n, uint64(time.Now().UnixNano())), db.Close())
}

// undoWindow is how long a deleted book can still be restored before it is purged for good.
const undoWindow = 24 * time.Hour

// Imports are kept while they are open (in review, or failed and to be confirmed again) for
// openImportsKept after their upload, and finished ones (only their counts) for importsKept. A
// review takes minutes, or an evening: a day lets a reader come back to it the next morning,
// while an abandoned file (which can take tens of megabytes) is gone within a day, not a month.
const (
	openImportsKept = 24 * time.Hour
	importsKept     = 30 * 24 * time.Hour
)

// housekeeping drops deleted books once they are past undoing, imports older than importsKept,
// and expired sessions and CSRF tokens, and compacts the search index, at start and then hourly.
func housekeeping(ctx context.Context, books *data.BookStore, sessions *data.SessionStore, imports *data.ImportStore, log *slog.Logger) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		if n, err := books.PurgeDeleted(ctx, undoWindow); err != nil && ctx.Err() == nil {
			log.Warn("purging deleted books failed", "err", err)
		} else if n > 0 {
			log.Info("purged deleted books", "count", n)
		}
		if n, err := imports.PurgeStale(ctx, openImportsKept, importsKept); err != nil && ctx.Err() == nil {
			log.Warn("purging old imports failed", "err", err)
		} else if n > 0 {
			log.Info("purged old imports", "count", n)
		}
		if n, err := sessions.PurgeExpired(ctx); err != nil && ctx.Err() == nil {
			log.Warn("purging expired sessions failed", "err", err)
		} else if n > 0 {
			log.Info("purged expired sessions", "count", n)
		}
		if err := books.CompactSearchIndex(ctx); err != nil && ctx.Err() == nil {
			log.Warn("compacting the search index failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// terminal is where the user commands talk to the operator.
type terminal struct {
	in     *bufio.Reader
	out    io.Writer
	prompt io.Writer
	// readSecret reads a line without echo when the input is a terminal, or nil when it is not.
	readSecret func() (string, error)
}

func newTerminal(in *os.File, out, prompt io.Writer) *terminal {
	t := &terminal{in: bufio.NewReader(in), out: out, prompt: prompt}
	if term.IsTerminal(int(in.Fd())) {
		t.readSecret = func() (string, error) {
			b, err := term.ReadPassword(int(in.Fd()))
			fmt.Fprintln(prompt)
			return string(b), err
		}
	}
	return t
}

// line reads one line of input, without its line ending.
func (t *terminal) line() (string, error) {
	s, err := t.in.ReadString('\n')
	if err != nil && (err != io.EOF || s == "") {
		return "", fmt.Errorf("read input: %w", err)
	}
	return strings.TrimRight(s, "\r\n"), nil
}

// password asks for a new password: twice, without echo, on a terminal; else one line of input.
// Passwords never come from the command line, where other users could read them.
func (t *terminal) password(name string) (string, error) {
	if t.readSecret == nil {
		return t.line()
	}
	fmt.Fprintf(t.prompt, "New password for %s: ", name)
	p1, err := t.readSecret()
	if err != nil {
		return "", err
	}
	fmt.Fprint(t.prompt, "Repeat it: ")
	p2, err := t.readSecret()
	if err != nil {
		return "", err
	}
	if p1 != p2 {
		return "", errors.New("the two passwords differ")
	}
	return p1, nil
}

const userUsage = `usage: bookcase user [--db FILE] COMMAND
  add NAME         create an account (password read from the terminal or stdin)
  passwd NAME      set a new password and sign NAME out everywhere
  list             list accounts with their number of books
  delete NAME      delete NAME with their books, after confirmation (--yes skips it)`

// userCommand manages accounts from the command line.
func userCommand(ctx context.Context, args []string, getenv func(string) string, t *terminal) error {
	fs := flag.NewFlagSet("bookcase user", flag.ContinueOnError)
	fs.SetOutput(t.prompt)
	fs.Usage = func() { fmt.Fprintln(t.prompt, userUsage) }
	path := fs.String("db", envOr(getenv, "BOOKCASE_DB", "bookcase.db"), "SQLite database file (env BOOKCASE_DB)")
	yes := fs.Bool("yes", false, "delete without asking")
	if err := fs.Parse(args); err != nil {
		return err
	}
	verb, rest := fs.Arg(0), fs.Args()
	var name string
	if len(rest) > 1 {
		name = rest[1]
		if err := fs.Parse(rest[2:]); err != nil {
			return err
		}
		if fs.NArg() > 0 {
			return fmt.Errorf("unexpected argument %q\n%s", fs.Arg(0), userUsage)
		}
	}
	needsName := verb == "add" || verb == "passwd" || verb == "delete"
	switch {
	case verb == "":
		return errors.New(userUsage)
	case needsName && name == "":
		return fmt.Errorf("%s needs a username\n%s", verb, userUsage)
	case !needsName && verb != "list":
		return fmt.Errorf("unknown command %q\n%s", verb, userUsage)
	}

	db, err := data.Open(ctx, *path)
	if err != nil {
		return err
	}
	defer db.Close()
	users := db.Users()

	switch verb {
	case "add":
		password, err := t.password(name)
		if err != nil {
			return err
		}
		u, err := users.Create(ctx, name, password)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(t.out, "Created user %s.\n", u.Username)
	case "passwd":
		password, err := t.password(name)
		if err != nil {
			return err
		}
		if err := users.SetPassword(ctx, name, password); err != nil {
			return describe(err)
		}
		fmt.Fprintf(t.out, "Changed the password of %s and signed them out everywhere.\n", data.NormalizeUsername(name))
	case "list":
		list, err := users.List(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(t.out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "USERNAME\tBOOKS\tCREATED")
		for _, u := range list {
			fmt.Fprintf(w, "%s\t%d\t%s\n", u.Username, u.Books, u.CreatedAt.Format(time.DateOnly))
		}
		return w.Flush()
	case "delete":
		name = data.NormalizeUsername(name)
		if _, err := users.ByName(ctx, name); err != nil {
			return describe(err)
		}
		if !*yes {
			fmt.Fprintf(t.prompt, "This deletes %s and all their books, for good. Type the username to confirm: ", name)
			answer, err := t.line()
			if err != nil {
				return err
			}
			if data.NormalizeUsername(answer) != name {
				return errors.New("not confirmed; nothing was deleted")
			}
		}
		if err := users.Delete(ctx, name); err != nil {
			return describe(err)
		}
		fmt.Fprintf(t.out, "Deleted user %s and their books.\n", name)
	}
	return nil
}

// describe turns store errors into sentences for the operator.
func describe(err error) error {
	var verr *data.ValidationError
	switch {
	case errors.As(err, &verr):
		msgs := make([]string, 0, len(verr.Fields))
		for _, field := range []string{"username", "password"} {
			if msg := verr.Fields[field]; msg != "" {
				msgs = append(msgs, msg)
			}
		}
		return errors.New(strings.Join(msgs, " "))
	case errors.Is(err, data.ErrNotFound):
		return errors.New("no such user")
	}
	return err
}
