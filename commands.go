package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/bookcase/bookcase/data"
)

// defaultDB is the database file when neither --db nor BOOKCASE_DB names one.
const defaultDB = "bookcase.db"

const serveUsage = `Bookcase serves a library of the books you own, read and want to read.

usage:
  bookcase [FLAGS]                  serve the library (the flags below)
  bookcase user COMMAND [FLAGS]     manage accounts: add, passwd, list, delete (bookcase help user)
  bookcase seed --user NAME [FLAGS] add made-up books to a reader's library (bookcase help seed)
  bookcase backup DEST [--db FILE]  copy the database, while a server uses it, to DEST (a new file
                                    or a directory) and check the copy (bookcase help backup)
  bookcase restore SRC [--db FILE]  put a backup in place of the database, the server stopped
                                    (bookcase help restore)
  bookcase copy --from SRC --to DST copy a whole library from SQLite to an empty PostgreSQL, or
                                    back into a new SQLite file (bookcase help copy)
  bookcase healthcheck [--addr A]   exit 0 when the server at A answers /healthz (for a container's
                                    HEALTHCHECK, which has no curl)
  bookcase help [COMMAND]           show this help, or a command's

Flags may come before or after a command's other arguments. A flag that names an environment
variable (env BOOKCASE_...) takes its default from it.`

const userUsage = `usage: bookcase user COMMAND [--db FILE]
  add NAME         create an account (password read from the terminal or stdin)
  passwd NAME      set a new password and sign NAME out everywhere
  list             list accounts with their number of books
  delete NAME      delete NAME with their books, after confirmation (--yes skips it)`

const seedUsage = `usage: bookcase seed --user NAME [--books N] [--db FILE]
  add made-up books to NAME's library, for trying things out`

const backupUsage = `usage: bookcase backup DEST [--db FILE]
  write a consistent copy of the database to DEST while a server goes on using it, then check
  the copy (SQLite's integrity check, and that this Bookcase can open it). DEST is a new file, or
  a directory to write bookcase-TIME.db into; an existing file is never overwritten.`

const restoreUsage = `usage: bookcase restore SRC [--db FILE]
  put the backup SRC in place of the database. Stop the server first: restore refuses while any
  Bookcase process has the database open. SRC is checked first (a whole SQLite file, a Bookcase
  database, a schema no newer than this Bookcase's); the database it replaces is kept beside it
  as FILE.before-restore-TIME, and the restored one is brought to this Bookcase's schema.`

const copyUsage = `usage: bookcase copy --from SRC --to DST
  copy the whole library at SRC, every reader with everything they have (their sessions too: they
  stay signed in), into DST, which must be empty: a SQLite file into a PostgreSQL database
  (postgres://...), to move to PostgreSQL, or a PostgreSQL database into a new SQLite file, to
  move back. SRC is only read, and must have this Bookcase's schema (start this Bookcase on it once
  first). DST gets this Bookcase's schema, then every table in one transaction with the same ids,
  and its search index is rebuilt; the rows of every table are counted on both sides.`

const healthcheckUsage = `usage: bookcase healthcheck [--addr ADDR]
  ask the server listening on ADDR for /healthz; exit 0 when it answers ok, 1 otherwise`

// commands are the operator commands, by name; each returns the error to show, if any.
var commands = map[string]func(ctx context.Context, args []string, getenv func(string) string, t *terminal) error{
	"user": userCommand,
	"seed": func(ctx context.Context, args []string, getenv func(string) string, t *terminal) error {
		return seed(ctx, args, getenv, t.out)
	},
	"backup":      backupCommand,
	"restore":     restoreCommand,
	"healthcheck": healthcheckCommand,
	"copy":        copyCommand,
}

// commandLine does what the command line asks. serve is true when that is to serve, with cfg;
// otherwise an operator command or a help has run, messages are written to t, and code is the
// exit status.
func commandLine(ctx context.Context, args []string, getenv func(string) string, t *terminal) (cfg config, serve bool, code int) {
	if len(args) > 0 && args[0] == "help" {
		// bookcase help [COMMAND] is bookcase [COMMAND] --help.
		if len(args) > 2 || len(args) == 2 && commands[args[1]] == nil {
			fmt.Fprintf(t.prompt, "bookcase help: no command %q: try bookcase help\n", strings.Join(args[1:], " "))
			return config{}, false, 2
		}
		args = append(args[1:], "--help")
	}
	name, exitCode := "bookcase", 1
	var err error
	switch command := commands[first(args)]; {
	case command != nil:
		name = "bookcase " + args[0]
		err = command(ctx, args[1:], getenv, t)
	default:
		if cfg, err = parseConfig(args, getenv); err == nil {
			return cfg, true, 0
		}
		exitCode = 2 // the server's arguments are all it can get wrong before it starts
	}
	var help *helpRequest
	switch {
	case errors.As(err, &help):
		fmt.Fprint(t.out, help.text)
		return config{}, false, 0
	case err != nil:
		fmt.Fprintf(t.prompt, "%s: %v\n", name, err)
		return config{}, false, exitCode
	}
	return config{}, false, 0
}

// first is args[0], or "" when there is none.
func first(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}

// backupCommand copies the database while it may be serving.
func backupCommand(ctx context.Context, args []string, getenv func(string) string, t *terminal) error {
	fs := newFlags("bookcase backup", backupUsage)
	path := fs.db(getenv)
	rest, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return fmt.Errorf("give one destination\n%s", backupUsage)
	}
	dest := rest[0]
	if st, err := os.Stat(dest); err == nil && st.IsDir() {
		dest = filepath.Join(dest, backupName(time.Now()))
	}
	info, err := data.BackupFile(ctx, *path, dest)
	if err != nil {
		return err
	}
	fmt.Fprintf(t.out, "Backed up %s to %s: %s, %s and %s, schema version %d; the copy passed SQLite's integrity check.\n",
		*path, info.Path, size(info.Bytes), plural(info.Books, "book"), plural(info.Users, "reader"), info.Schema)
	return nil
}

// restoreCommand puts a backup in place of the database.
func restoreCommand(ctx context.Context, args []string, getenv func(string) string, t *terminal) error {
	fs := newFlags("bookcase restore", restoreUsage)
	path := fs.db(getenv)
	rest, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return fmt.Errorf("give one backup to restore\n%s", restoreUsage)
	}
	info, err := data.Restore(ctx, rest[0], *path, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(t.out, "Restored %s (%s, %s) into %s", rest[0], plural(info.Backup.Books, "book"), plural(info.Backup.Users, "reader"), *path)
	if info.Schema != info.Backup.Schema {
		fmt.Fprintf(t.out, ", and brought its schema from version %d to %d", info.Backup.Schema, info.Schema)
	}
	fmt.Fprintln(t.out, ".")
	if info.Kept != "" {
		fmt.Fprintf(t.out, "The database it replaced is kept as %s.\n", info.Kept)
	}
	return nil
}

// copyCommand copies a whole library from one database into an empty one, on either engine.
func copyCommand(ctx context.Context, args []string, getenv func(string) string, t *terminal) error {
	fs := newFlags("bookcase copy", copyUsage)
	from := fs.String("from", "", "the database to copy: a SQLite file or a postgres:// URL")
	to := fs.String("to", "", "the empty database to copy into: a new SQLite file or a postgres:// URL")
	rest, err := fs.parse(args)
	if err != nil {
		return err
	}
	switch {
	case len(rest) > 0:
		return fmt.Errorf("unexpected argument %q\n%s", rest[0], copyUsage)
	case *from == "" || *to == "":
		return fmt.Errorf("give --from and --to\n%s", copyUsage)
	case *from == *to:
		return errors.New("--from and --to are the same database")
	}
	report, err := data.Copy(ctx, *from, *to)
	if err != nil {
		return err
	}
	fmt.Fprintf(t.out, "Copied %s to %s:\n\n", data.Redact(*from), data.Redact(*to))
	width := len("in all")
	var total int64
	for _, table := range report.Tables {
		width = max(width, len(table.Name))
		total += table.Rows
	}
	fmt.Fprintf(t.out, "  %-*s  %10s\n", width, "table", "rows")
	for _, table := range report.Tables {
		fmt.Fprintf(t.out, "  %-*s  %10d\n", width, table.Name, table.Rows)
	}
	fmt.Fprintf(t.out, "  %-*s  %10d\n", width, "in all", total)
	fmt.Fprintf(t.out, "\nEvery table has as many rows in %s as in %s. The search index was rebuilt (%s). Readers stay signed in: their sessions moved too.\n",
		data.Redact(*to), data.Redact(*from), plural(report.Indexed, "book"))
	byWhy := map[string][]string{}
	for name, why := range report.Skipped {
		byWhy[why] = append(byWhy[why], name)
	}
	for _, why := range slices.Sorted(maps.Keys(byWhy)) {
		fmt.Fprintf(t.out, "Not copied: %s (%s).\n", strings.Join(slices.Sorted(slices.Values(byWhy[why])), ", "), why)
	}
	return nil
}

// healthcheckCommand asks a running server whether it is alive, as a container's HEALTHCHECK
// does: an image of the binary alone has no curl or wget.
func healthcheckCommand(ctx context.Context, args []string, getenv func(string) string, t *terminal) error {
	fs := newFlags("bookcase healthcheck", healthcheckUsage)
	addr := fs.String("addr", envOr(getenv, "BOOKCASE_ADDR", "127.0.0.1:4996"), "the server's address (env BOOKCASE_ADDR)")
	rest, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("unexpected argument %q\n%s", rest[0], healthcheckUsage)
	}
	host, port, err := net.SplitHostPort(*addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %w", *addr, err)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1" // listening on every address: ask on this machine's
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/healthz", nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("no answer: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("/healthz answered %s", res.Status)
	}
	fmt.Fprintln(t.out, "ok")
	return nil
}

// backupName is the file name of a backup taken at t; names sort as times do.
func backupName(t time.Time) string {
	return "bookcase-" + t.UTC().Format(backupTimeLayout) + ".db"
}

const backupTimeLayout = "20060102T150405Z"

// size writes a number of bytes for a person.
func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// plural is "1 book", "2 books".
func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// flags is a command's flag set, with the text that heads its help. The flag package never
// writes: errors are returned, and help is asked for by returning a *helpRequest.
type flags struct {
	*flag.FlagSet
	usage string
}

func newFlags(name, usage string) flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return flags{fs, usage}
}

// db defines --db, the database: BOOKCASE_DB, else defaultDB. A postgres:// URL is a
// PostgreSQL database (data.IsPostgres), anything else a SQLite file.
func (f flags) db(getenv func(string) string) *string {
	return f.String("db", envOr(getenv, "BOOKCASE_DB", defaultDB), "SQLite database file, created if missing, or a postgres:// URL (env BOOKCASE_DB)")
}

// parse parses the flags wherever they are in args, before, between or after the command's
// other arguments, and returns those in order: "user list --db FILE" is "user --db FILE list".
// After "--" every argument is one of them.
func (f flags) parse(args []string) ([]string, error) {
	var rest []string
	for {
		err := f.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			return nil, f.help()
		}
		if err != nil {
			return nil, err
		}
		if used := len(args) - f.NArg(); used > 0 && args[used-1] == "--" {
			return append(rest, f.Args()...), nil
		}
		if f.NArg() == 0 {
			return rest, nil
		}
		rest = append(rest, f.Arg(0))
		args = f.Args()[1:]
	}
}

// helpRequest is the answer to -h or --help: the help to show, and exit 0.
type helpRequest struct{ text string }

func (h *helpRequest) Error() string        { return "help requested" }
func (h *helpRequest) Is(target error) bool { return target == flag.ErrHelp }

// help is the command's help: its usage, then its flags with their defaults.
func (f flags) help() *helpRequest {
	var b strings.Builder
	b.WriteString(f.usage + "\n\nflags:\n")
	f.SetOutput(&b)
	f.PrintDefaults()
	f.SetOutput(io.Discard)
	return &helpRequest{b.String()}
}

// seed fills a reader's library with made-up books.
func seed(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	fs := newFlags("bookcase seed", seedUsage)
	path := fs.db(getenv)
	user := fs.String("user", "", "the reader whose library gets the books (create them with 'bookcase user add')")
	n := fs.Int("books", 100, "how many books to add")
	rest, err := fs.parse(args)
	if err != nil {
		return err
	}
	switch {
	case len(rest) > 0:
		return fmt.Errorf("unexpected argument %q\n%s", rest[0], seedUsage)
	case *user == "":
		return fmt.Errorf("--user is required\n%s", seedUsage)
	case *n < 0:
		return fmt.Errorf("--books must be positive, not %d", *n)
	}
	db, err := data.Open(ctx, *path)
	if err != nil {
		return err
	}
	u, err := db.Users().ByName(ctx, *user)
	if err != nil {
		return errors.Join(describe(err), db.Close())
	}
	if err := db.Books().Seed(ctx, u.ID, *n, uint64(time.Now().UnixNano())); err != nil {
		return errors.Join(err, db.Close())
	}
	if err := db.Close(); err != nil {
		return err
	}
	fmt.Fprintf(out, "Added %d made-up books to the library of %s.\n", *n, u.Username)
	return nil
}

// userCommand manages accounts from the command line.
func userCommand(ctx context.Context, args []string, getenv func(string) string, t *terminal) error {
	fs := newFlags("bookcase user", userUsage)
	path := fs.db(getenv)
	yes := fs.Bool("yes", false, "delete without asking")
	rest, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return errors.New(userUsage)
	}
	verb, names := rest[0], rest[1:]
	var want int // how many names the command takes
	switch verb {
	case "add", "passwd", "delete":
		want = 1
	case "list":
	default:
		return fmt.Errorf("unknown command %q\n%s", verb, userUsage)
	}
	switch {
	case len(names) < want:
		return fmt.Errorf("%s needs a username\n%s", verb, userUsage)
	case len(names) > want:
		// A password typed after the name lands here, and is never used.
		return fmt.Errorf("unexpected argument %q\n%s", names[want], userUsage)
	}
	var name string
	if want == 1 {
		name = names[0]
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

// describe turns store errors into sentences for the operator: every problem of an account's
// name and password, in that order.
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

// terminal is where the operator commands talk to the operator: out for results, prompt for
// questions and errors.
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
