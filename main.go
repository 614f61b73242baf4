// Command bookcase serves Bookcase, a self-hosted library of the books you own, read and want to read.
package main

import (
	"context"
	"errors"
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
	"time"
	// The time zone database, in the binary: the image is FROM scratch, and readers' time
	// zones (their stats' days) are looked up in it.
	_ "time/tzdata"

	"github.com/bookcase/bookcase/catalogue"
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
	// backupDir, when set, is where the server backs its database up every backupEvery,
	// keeping the newest backupKeep.
	backupDir   string
	backupEvery time.Duration
	backupKeep  int
	// metricsAddr, when set, is where Prometheus metrics are served, apart from the app.
	metricsAddr string
	// logFormat is text or json.
	logFormat string
	// metadata are the catalogues that look books up by ISBN, in the order asked; none is off.
	// metadataURLs are their base URLs by name (a mirror's), where not the public ones.
	metadata     []string
	metadataURLs map[string]string
	// dbWait is how long to keep trying to reach PostgreSQL at start (it may be starting too).
	dbWait time.Duration
}

// parseConfig reads flags, falling back to BOOKCASE_* environment variables, then to defaults.
func parseConfig(args []string, getenv func(string) string) (config, error) {
	fs := newFlags("bookcase", serveUsage)
	var c config
	fs.StringVar(&c.addr, "addr", envOr(getenv, "BOOKCASE_ADDR", "127.0.0.1:4996"), "address to listen on (env BOOKCASE_ADDR)")
	db := fs.db(getenv)
	dbWait, err := time.ParseDuration(envOr(getenv, "BOOKCASE_DB_WAIT", "0s"))
	if err != nil {
		return config{}, fmt.Errorf("BOOKCASE_DB_WAIT: %w", err)
	}
	fs.DurationVar(&c.dbWait, "db-wait", dbWait, "keep trying to reach PostgreSQL at start for this long, e.g. 30s; 0 tries once (env BOOKCASE_DB_WAIT)")
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
	fs.StringVar(&c.backupDir, "backup-dir", getenv("BOOKCASE_BACKUP_DIR"), "back the database up into this directory while serving, created if missing; off when empty (env BOOKCASE_BACKUP_DIR)")
	every, err := time.ParseDuration(envOr(getenv, "BOOKCASE_BACKUP_EVERY", "24h"))
	if err != nil {
		return config{}, fmt.Errorf("BOOKCASE_BACKUP_EVERY: %w", err)
	}
	fs.DurationVar(&c.backupEvery, "backup-every", every, "how often to back up into --backup-dir (env BOOKCASE_BACKUP_EVERY)")
	keep, err := strconv.Atoi(envOr(getenv, "BOOKCASE_BACKUP_KEEP", "7"))
	if err != nil {
		return config{}, fmt.Errorf("BOOKCASE_BACKUP_KEEP: %w", err)
	}
	fs.IntVar(&c.backupKeep, "backup-keep", keep, "how many backups to keep in --backup-dir, the newest (env BOOKCASE_BACKUP_KEEP)")
	fs.StringVar(&c.metricsAddr, "metrics-addr", getenv("BOOKCASE_METRICS_ADDR"), "serve Prometheus metrics at http://ADDR/metrics, e.g. 127.0.0.1:9496; off when empty (env BOOKCASE_METRICS_ADDR)")
	fs.StringVar(&c.logFormat, "log-format", envOr(getenv, "BOOKCASE_LOG_FORMAT", "text"), "log lines as text (key=value) or json (env BOOKCASE_LOG_FORMAT)")
	metadata := fs.String("metadata", envOr(getenv, "BOOKCASE_METADATA", "openlibrary,google"), "the catalogues that fill in a book from its ISBN, asked in order (openlibrary, google), or off (env BOOKCASE_METADATA)")
	metadataURL := fs.String("metadata-url", getenv("BOOKCASE_METADATA_URL"), "a mirror of the catalogues: a base URL (Open Library at its root, covers under /covers, Google Books under /google), or name=URL pairs, comma-separated: openlibrary=, covers=, google= (env BOOKCASE_METADATA_URL)")
	rest, err := fs.parse(args)
	if err != nil {
		return config{}, err
	}
	if c.logFormat != "text" && c.logFormat != "json" {
		return config{}, fmt.Errorf("--log-format must be text or json, not %q", c.logFormat)
	}
	if len(rest) > 0 {
		return config{}, fmt.Errorf("unexpected argument %q: try bookcase help", rest[0])
	}
	if c.backupEvery < time.Minute {
		return config{}, fmt.Errorf("--backup-every must be at least 1m, not %s", c.backupEvery)
	}
	if c.backupKeep < 1 {
		return config{}, fmt.Errorf("--backup-keep must be at least 1, not %d", c.backupKeep)
	}
	if c.dbWait < 0 {
		return config{}, fmt.Errorf("--db-wait must not be negative, not %s", c.dbWait)
	}
	c.db = *db
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
	if c.metadata, err = catalogue.ParseProviders(*metadata); err != nil {
		return config{}, fmt.Errorf("--metadata: %w", err)
	}
	if c.metadataURLs, err = catalogue.ParseURLs(*metadataURL); err != nil {
		return config{}, fmt.Errorf("--metadata-url: %w", err)
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
	cfg, serve, code := commandLine(context.Background(), os.Args[1:], os.Getenv, newTerminal(os.Stdin, os.Stdout, os.Stderr))
	if !serve {
		os.Exit(code)
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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := prepare(ctx, cfg, data.CheckSQLite); err != nil {
		fmt.Fprintln(os.Stderr, "bookcase:", err)
		os.Exit(1)
	}
	log := newLogger(cfg.logFormat, os.Stderr)
	if err := run(ctx, cfg, log); err != nil {
		log.Error("bookcase stopped", "err", err)
		os.Exit(1)
	}
}

// prepare readies the process to serve. checkSQLite comes first: a build that cannot serve
// refuses before it makes the upload directory (or, in run, the database).
func prepare(ctx context.Context, cfg config, checkSQLite func(context.Context) error) error {
	if err := checkSQLite(ctx); err != nil {
		return err
	}
	// fasthttp spools an upload's file over 16 MB through mime/multipart into os.TempDir, and
	// TMPDIR is the one setting of both (and of SQLite's temporary files): pointing it at a
	// directory of the server's own lets run find the files a killed server left, and keeps
	// them off a /tmp that others fill, or that is memory.
	if err := os.MkdirAll(cfg.uploadDir, 0o700); err != nil {
		return fmt.Errorf("upload directory: %w", err)
	}
	if err := os.Setenv("TMPDIR", cfg.uploadDir); err != nil {
		return fmt.Errorf("set TMPDIR: %w", err)
	}
	return nil
}

// newLogger writes structured log lines to w: text (key=value, for a person at a terminal) or
// JSON (for a log collector).
func newLogger(format string, w io.Writer) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// memoryLimit is the Go runtime's soft memory limit unless GOMEMLIMIT sets one. SQLite's page
// caches (up to 40 MB) come on top. At 64 MiB rather than 128, the peak memory of the server
// under bench/load.sh at 100,000 books fell from 92 to 87 MB and that of a 100,000-row import
// (bench/import.sh) from 141 to 98 MB, with the same requests per second and import time. 48 MiB
// was tried: it cut the peak after the first stats from 111 to 94 MB, but under bench/load.sh the
// collector then ran nearly without pause, and the server's CPU per request grew by 14% on the
// library page and by 73–86% on the series page and on create (7 December 2026).
const memoryLimit = 64 << 20

// openWaiting opens the database at dsn, trying again for up to wait while PostgreSQL cannot be
// reached (it may be starting beside Bookcase, as in a compose file or after a reboot): once a
// second, saying so in the log. Any other failure (a wrong password, a missing extension) is
// final at once.
func openWaiting(ctx context.Context, dsn string, wait time.Duration, log *slog.Logger) (*data.DB, error) {
	deadline := time.Now().Add(wait)
	for {
		db, err := data.Open(ctx, dsn)
		if err == nil || !errors.Is(err, data.ErrUnreachable) {
			return db, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			if wait > 0 {
				return nil, fmt.Errorf("%w (tried for %s, --db-wait)", err, wait)
			}
			return nil, fmt.Errorf("%w (to keep trying while it starts, give --db-wait 30s)", err)
		}
		log.Warn("waiting for PostgreSQL", "db", data.Redact(dsn), "left", left.Round(time.Second), "err", err)
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(min(time.Second, left)):
		}
	}
}

// run serves until ctx is cancelled, then lets in-flight requests finish and closes the database.
func run(ctx context.Context, cfg config, log *slog.Logger) (err error) {
	if cfg.backupDir != "" && data.IsPostgres(cfg.db) {
		return fmt.Errorf("--backup-dir: %w", data.ErrBackupPostgres)
	}
	db, err := openWaiting(ctx, cfg.db, cfg.dbWait, log)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, closeStore(db.Close, cfg.db, log)) }()

	// An import that was being written when the server last stopped did not finish: say so, and
	// delete the books it had written, which no one has seen.
	if n, err := db.Imports().FailInterrupted(ctx); err != nil {
		return err
	} else if n > 0 {
		log.Warn("imports interrupted by the last shutdown marked failed", "count", n)
	}
	if n, err := db.DropPendingBooks(ctx); err != nil {
		return err
	} else if n > 0 {
		log.Info("deleted the books of unfinished imports", "count", n)
	}
	if n, err := removeStaleSpool(cfg.uploadDir, staleSpool, time.Now()); err != nil {
		log.Warn("removing uploads left by an earlier run failed", "dir", cfg.uploadDir, "err", err)
	} else if n > 0 {
		log.Info("removed uploads left by an earlier run", "dir", cfg.uploadDir, "count", n)
	}
	ready := db.Ready
	if cfg.backupDir != "" {
		if err := os.MkdirAll(cfg.backupDir, 0o700); err != nil {
			return fmt.Errorf("backup directory: %w", err)
		}
		backups := newBackupSchedule(cfg.backupDir, cfg.backupEvery, cfg.backupKeep, db, log)
		// Stopped, and waited for, before the database closes under it.
		scheduled, stopBackups := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); backups.run(scheduled) }()
		defer func() { stopBackups(); <-done }()
		ready = func(ctx context.Context) error { return errors.Join(db.Ready(ctx), backups.Ready(ctx)) }
	}
	var observe func(route, method string, status int, elapsed time.Duration)
	if cfg.metricsAddr != "" {
		ln, err := net.Listen("tcp", cfg.metricsAddr)
		if err != nil {
			return fmt.Errorf("metrics listener: %w", err)
		}
		m := newMetrics(db, log)
		observe = m.observe
		// Stopped, and waited for, before the database closes under a scrape.
		serving, stopMetrics := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); serveMetrics(serving, ln, m, log) }()
		defer func() { stopMetrics(); <-done }()
		log.Info("metrics listening", "addr", "http://"+ln.Addr().String()+"/metrics")
	}
	sessions := db.Sessions(cfg.sessionIdle, cfg.sessionLifetime)
	// Lookups are off without catalogues: the handlers then offer none (a nil interface, not a
	// nil *catalogue.Client in one).
	var lookups handlers.Catalogue
	if len(cfg.metadata) > 0 {
		client, err := catalogue.New(catalogue.Config{Providers: cfg.metadata, URLs: cfg.metadataURLs})
		if err != nil {
			return err
		}
		lookups = client
	}
	// Instances that share a PostgreSQL database count failed logins there, so that the login
	// limits hold across them; one instance on SQLite keeps them in memory.
	var loginFailures handlers.LoginFailures
	if data.IsPostgres(cfg.db) {
		loginFailures = db.LoginFailures()
	}
	app, err := handlers.New(handlers.Config{
		Books:          db.Books(),
		Reading:        db.Reading(),
		Editions:       db.Editions(),
		Series:         db.Series(),
		Authors:        db.Authors(),
		Shelves:        db.Shelves(),
		Export:         db.Books(),
		Imports:        db.Imports(),
		Covers:         db.Covers(),
		Users:          db.Users(),
		Sessions:       sessions,
		CSRF:           db.CSRFTokens(),
		Logger:         log,
		SignupOpen:     cfg.signup == "open",
		SecureCookies:  cfg.secureCookies,
		TrustedProxies: cfg.trustedProxies,
		Ready:          ready,
		Observe:        observe,
		Catalogue:      lookups,
		CatalogueCache: db.Catalogue(),
		LoginFailures:  loginFailures,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	go housekeeping(ctx, db, sessions, log)

	served := make(chan error, 1)
	go func() { served <- app.Listener(ln) }()
	log.Info("bookcase listening", "addr", "http://"+ln.Addr().String(), "db", data.Redact(cfg.db))

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
// expired sessions, CSRF tokens and catalogue answers, and compacts the search index, at start and
// then hourly: on one instance at a time, when several share a PostgreSQL database (the others
// skip their turn). Every minute, it rolls back the imports of instances that died while writing
// them (PostgreSQL; on SQLite, only this process writes imports).
func housekeeping(ctx context.Context, db *data.DB, sessions *data.SessionStore, log *slog.Logger) {
	books, imports, answers, logins := db.Books(), db.Imports(), db.Catalogue(), db.LoginFailures()
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	var last time.Time
	for {
		if n, err := imports.RollBackOrphans(ctx); err != nil && ctx.Err() == nil {
			log.Warn("rolling back the imports of stopped instances failed", "err", err)
		} else if n > 0 {
			log.Warn("imports interrupted by a stopped instance marked failed", "count", n)
		}
		if time.Since(last) >= time.Hour {
			last = time.Now()
			if ran, err := db.Exclusively(ctx, "housekeeping", func(ctx context.Context) error {
				hourly(ctx, books, sessions, imports, answers, logins, log)
				return nil
			}); err != nil && ctx.Err() == nil {
				log.Warn("housekeeping failed", "err", err)
			} else if !ran {
				log.Info("housekeeping left to another instance")
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// hourly is housekeeping's hourly work.
func hourly(ctx context.Context, books *data.BookStore, sessions *data.SessionStore, imports *data.ImportStore, answers *data.CatalogueCache, logins *data.LoginFailures, log *slog.Logger) {
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
	if n, err := answers.PurgeExpired(ctx); err != nil && ctx.Err() == nil {
		log.Warn("purging expired catalogue answers failed", "err", err)
	} else if n > 0 {
		log.Info("purged expired catalogue answers", "count", n)
	}
	if err := books.CompactSearchIndex(ctx); err != nil && ctx.Err() == nil {
		log.Warn("compacting the search index failed", "err", err)
	}
	// The login limits count failures of the last minutes; an hour's are of no more use.
	if _, err := logins.PurgeOlder(ctx, time.Hour); err != nil && ctx.Err() == nil {
		log.Warn("purging failed logins failed", "err", err)
	}
}
