package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

func noEnv(string) string { return "" }

func TestParseConfig(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	t.Run("Defaults", func(t *testing.T) {
		c, err := parseConfig(nil, noEnv)
		if err != nil {
			t.Fatal(err)
		}
		if c.addr != "127.0.0.1:4996" || c.db != "bookcase.db" || c.signup != "open" || c.secureCookies ||
			len(c.trustedProxies) != 0 || c.sessionIdle != 24*time.Hour || c.sessionLifetime != 7*24*time.Hour ||
			c.uploadDir != "bookcase-uploads" {
			t.Errorf("defaults = %+v", c)
		}
	})
	t.Run("UploadDir", func(t *testing.T) {
		c, err := parseConfig([]string{"--db", "/srv/books/my.db"}, noEnv)
		if err != nil || c.uploadDir != "/srv/books/bookcase-uploads" {
			t.Errorf("upload dir beside the database = %q, %v", c.uploadDir, err)
		}
		c, err = parseConfig(nil, env(map[string]string{"BOOKCASE_UPLOAD_DIR": "/var/spool/bookcase"}))
		if err != nil || c.uploadDir != "/var/spool/bookcase" {
			t.Errorf("upload dir from the environment = %q, %v", c.uploadDir, err)
		}
	})
	t.Run("Environment", func(t *testing.T) {
		c, err := parseConfig(nil, env(map[string]string{
			"BOOKCASE_ADDR": "127.0.0.1:9000", "BOOKCASE_DB": "x.db", "BOOKCASE_SIGNUP": "closed",
			"BOOKCASE_SECURE_COOKIES": "true", "BOOKCASE_TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/16",
		}))
		if err != nil {
			t.Fatal(err)
		}
		if c.addr != "127.0.0.1:9000" || c.db != "x.db" || c.signup != "closed" || !c.secureCookies ||
			strings.Join(c.trustedProxies, "|") != "10.0.0.1|192.168.0.0/16" {
			t.Errorf("config = %+v", c)
		}
	})
	t.Run("Metadata", func(t *testing.T) {
		c, err := parseConfig(nil, noEnv)
		if err != nil || strings.Join(c.metadata, ",") != "openlibrary,google" || len(c.metadataURLs) != 0 {
			t.Errorf("default catalogues = %v %v, %v", c.metadata, c.metadataURLs, err)
		}
		c, err = parseConfig([]string{"--metadata=off"}, env(map[string]string{"BOOKCASE_METADATA_URL": "http://mirror.lan:8080"}))
		if err != nil || len(c.metadata) != 0 || c.metadataURLs["google"] != "http://mirror.lan:8080/google" {
			t.Errorf("--metadata=off with a mirror = %v %v, %v", c.metadata, c.metadataURLs, err)
		}
		c, err = parseConfig([]string{"--metadata-url", "openlibrary=https://ol.lan"}, env(map[string]string{"BOOKCASE_METADATA": "openlibrary"}))
		if err != nil || strings.Join(c.metadata, ",") != "openlibrary" || c.metadataURLs["openlibrary"] != "https://ol.lan" {
			t.Errorf("catalogues from env and flag = %v %v, %v", c.metadata, c.metadataURLs, err)
		}
		for _, args := range [][]string{{"--metadata=amazon"}, {"--metadata-url=file:///etc"}} {
			if _, err := parseConfig(args, noEnv); err == nil {
				t.Errorf("parseConfig(%q) accepted", args)
			}
		}
	})
	t.Run("FlagsWin", func(t *testing.T) {
		c, err := parseConfig([]string{"--addr", ":1", "--signup=open"}, env(map[string]string{"BOOKCASE_ADDR": ":2", "BOOKCASE_SIGNUP": "closed"}))
		if err != nil || c.addr != ":1" || c.signup != "open" {
			t.Errorf("config = %+v, %v", c, err)
		}
	})
	t.Run("Operations", func(t *testing.T) {
		c, err := parseConfig(nil, env(map[string]string{
			"BOOKCASE_BACKUP_DIR": "/srv/backups", "BOOKCASE_BACKUP_EVERY": "6h", "BOOKCASE_BACKUP_KEEP": "3",
			"BOOKCASE_METRICS_ADDR": "127.0.0.1:9496", "BOOKCASE_LOG_FORMAT": "json",
		}))
		if err != nil {
			t.Fatal(err)
		}
		if c.backupDir != "/srv/backups" || c.backupEvery != 6*time.Hour || c.backupKeep != 3 || c.metricsAddr != "127.0.0.1:9496" || c.logFormat != "json" {
			t.Errorf("config = %+v", c)
		}
		c, err = parseConfig(nil, noEnv)
		if err != nil || c.backupDir != "" || c.backupEvery != 24*time.Hour || c.backupKeep != 7 || c.metricsAddr != "" || c.logFormat != "text" {
			t.Errorf("defaults = %+v, %v", c, err)
		}
	})
	t.Run("JSONLogs", func(t *testing.T) {
		var b bytes.Buffer
		newLogger("json", &b).Info("request", "status", 200)
		var line map[string]any
		if err := json.Unmarshal(b.Bytes(), &line); err != nil || line["msg"] != "request" || line["status"] != 200.0 {
			t.Errorf("JSON log line %q: %v, %v", b.String(), line, err)
		}
	})
	for _, args := range [][]string{{"--signup=maybe"}, {"extra"}, {"--session-idle=0s"}, {"--log-format=xml"},
		{"--backup-every=10s"}, {"--backup-keep=0"}} {
		if _, err := parseConfig(args, noEnv); err == nil {
			t.Errorf("parseConfig(%v) accepted", args)
		}
	}
	for k, v := range map[string]string{"BOOKCASE_SECURE_COOKIES": "sometimes", "BOOKCASE_BACKUP_EVERY": "daily", "BOOKCASE_BACKUP_KEEP": "all"} {
		if _, err := parseConfig(nil, env(map[string]string{k: v})); err == nil {
			t.Errorf("%s=%s accepted", k, v)
		}
	}
}

func TestRunServesAndShutsDownCleanly(t *testing.T) {
	dir := t.TempDir()
	cfg, err := parseConfig([]string{"--addr", "127.0.0.1:0", "--db", filepath.Join(dir, "run.db"),
		"--metrics-addr", "127.0.0.1:0", "--backup-dir", filepath.Join(dir, "backups")}, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, cfg, slog.New(slog.NewTextHandler(&logs, nil))) }()

	// The log lines say where it listens. The deadline only bounds a hang: under -race on a busy
	// machine, opening and migrating the database once took longer than the 10 s it was.
	var addr, metricsAddr string
	deadline := time.Now().Add(2 * time.Minute)
	for (addr == "" || metricsAddr == "") && time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("run ended before it listened: %v; log:\n%s", err, logs.String())
		default:
		}
		if m := regexp.MustCompile(`msg="bookcase listening" addr=http://(\S+)`).FindStringSubmatch(logs.String()); m != nil {
			addr = m[1]
		}
		if m := regexp.MustCompile(`msg="metrics listening" addr=(\S+)`).FindStringSubmatch(logs.String()); m != nil {
			metricsAddr = m[1]
		}
		time.Sleep(10 * time.Millisecond)
	}
	if addr == "" || metricsAddr == "" {
		t.Fatalf("server did not start; log:\n%s", logs.String())
	}
	res, err := http.Get("http://" + addr + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET /login = %d, want 200", res.StatusCode)
	}
	if !strings.Contains(logs.String(), "msg=request method=GET path=/login status=200") {
		t.Errorf("no request log line; log:\n%s", logs.String())
	}

	// The first scheduled backup is due at start.
	for time.Now().Before(deadline) && !strings.Contains(logs.String(), `msg="backed up the database"`) {
		time.Sleep(10 * time.Millisecond)
	}
	if made, _ := filepath.Glob(filepath.Join(dir, "backups", "bookcase-*.db")); len(made) != 1 {
		t.Errorf("backups made at start: %v, want one; log:\n%s", made, logs.String())
	}
	res, err = http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET /readyz = %d, want 200", res.StatusCode)
	}

	// Metrics, on their own listener: the requests above under their route, and the rest.
	if metricsAddr == "" {
		t.Fatalf("no metrics listener; log:\n%s", logs.String())
	}
	res, err = http.Get(metricsAddr)
	if err != nil {
		t.Fatal(err)
	}
	scraped, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{
		`bookcase_http_requests_total{method="GET",route="/login",status="200"} 1`,
		`bookcase_http_request_duration_seconds_bucket{method="GET",route="/login",le="+Inf"} 1`,
		`bookcase_db_writes_waiting 0`,
		`bookcase_imports{state="running"} 0`,
		`bookcase_sessions 0`,
		`go_sql_open_connections{db_name="write"}`,
		`go_sql_wait_count_total{db_name="read"}`,
		`go_goroutines`,
		`process_resident_memory_bytes`,
	} {
		if !strings.Contains(string(scraped), want) {
			t.Errorf("metrics lack %s", want)
		}
	}

	cancel() // what SIGINT or SIGTERM does
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run = %v, want a clean stop", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not return after shutdown")
	}
	// The database was checkpointed and closed: no write-ahead log left behind.
	if info, err := os.Stat(filepath.Join(dir, "run.db-wal")); err == nil && info.Size() > 0 {
		t.Errorf("run.db-wal holds %d bytes after shutdown, want it checkpointed", info.Size())
	}
	if _, err := http.Get("http://" + addr + "/login"); err == nil {
		t.Error("the server still answers after shutdown")
	}
}

// syncBuffer is a bytes.Buffer safe for a logger in one goroutine and a reader in another.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestPrepare checks that a build that cannot serve (without full-text search) refuses before it
// makes the upload directory, and that one that can makes it and spools uploads into it.
func TestPrepare(t *testing.T) {
	t.Setenv("TMPDIR", os.Getenv("TMPDIR")) // restored when the test ends
	dir := t.TempDir()
	cfg, err := parseConfig([]string{"--db", filepath.Join(dir, "bookcase.db")}, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	noFTS5 := errors.New("this build of Bookcase has no SQLite full-text search")
	if err := prepare(context.Background(), cfg, func(context.Context) error { return noFTS5 }); !errors.Is(err, noFTS5) {
		t.Errorf("prepare = %v, want %v", err, noFTS5)
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) > 0 {
		t.Errorf("left %v behind (%v), want nothing", entries, err)
	}
	if err := prepare(context.Background(), cfg, data.CheckSQLite); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(cfg.uploadDir); err != nil || !info.IsDir() || os.TempDir() != cfg.uploadDir {
		t.Errorf("upload directory %s: %v; TMPDIR %s", cfg.uploadDir, err, os.TempDir())
	}
}

// TestCloseStoreOnAFullDisk checks the end of a clean shutdown when the disk is full: the last
// checkpoint cannot write, every committed change is in the write-ahead log, and the server says
// so and stops cleanly (run returns nil, so the exit status is 0); any other failure to close is
// still one. The full disk is injected: SQLite's SQLITE_FULL for a checkpoint needs a real full
// file system, which a test cannot make portably (data's tests show SQLITE_FULL is ErrNoSpace).
func TestCloseStoreOnAFullDisk(t *testing.T) {
	full := fmt.Errorf("checkpoint the write-ahead log: %w: database or disk is full", data.ErrNoSpace)
	other := errors.New("close: bad file descriptor")
	for _, tc := range []struct {
		name    string
		closed  error
		want    error
		warning bool
	}{
		{"OK", nil, nil, false},
		{"DiskFull", errors.Join(full), nil, true},
		{"DiskFullAndMore", errors.Join(full, other), other, true},
		{"Other", errors.Join(other), other, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			err := closeStore(func() error { return tc.closed }, "lib.db", slog.New(slog.NewTextHandler(&logs, nil)))
			if (err == nil) != (tc.want == nil) || (tc.want != nil && !errors.Is(err, tc.want)) || errors.Is(err, data.ErrNoSpace) {
				t.Errorf("closeStore = %v, want %v", err, tc.want)
			}
			said := logs.String()
			if warned := strings.Contains(said, "level=WARN") && strings.Contains(said, "write-ahead log") &&
				strings.Contains(said, "wal=lib.db-wal"); warned != tc.warning {
				t.Errorf("log = %q; want a warning saying where the saved changes are: %v", said, tc.warning)
			}
		})
	}
}

// TestRemoveStaleSpool checks that start-up removes the uploads a killed server left spooled
// (mime/multipart's files, an hour old) and nothing else: not a fresh one, which may be another
// server's upload arriving, nor a file or directory of another name.
func TestRemoveStaleSpool(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	old := now.Add(-2 * time.Hour)
	for name, mtime := range map[string]time.Time{
		"multipart-1111": old, // left by a killed server
		"multipart-2222": now, // arriving
		"notes.txt":      old, // not ours
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	sub := filepath.Join(dir, "multipart-dir")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(sub, old, old); err != nil {
		t.Fatal(err)
	}
	n, err := removeStaleSpool(dir, staleSpool, now)
	if err != nil || n != 1 {
		t.Errorf("removeStaleSpool = %d, %v; want 1 removed", n, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if got, want := strings.Join(left, " "), "multipart-2222 multipart-dir notes.txt"; got != want {
		t.Errorf("left %q, want %q", got, want)
	}
	if n, err := removeStaleSpool(filepath.Join(dir, "missing"), staleSpool, now); n != 0 || err != nil {
		t.Errorf("removeStaleSpool(missing dir) = %d, %v; want 0, nil", n, err)
	}
}
