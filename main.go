// Command bookcase serves Bookcase, a self-hosted library of the books you own, read and want to read.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/handlers"
)

// config is what the command line and the environment decide.
type config struct {
	addr string
	db   string
}

// parseConfig reads flags, falling back to BOOKCASE_* environment variables, then to defaults.
func parseConfig(args []string, getenv func(string) string) (config, error) {
	fs := flag.NewFlagSet("bookcase", flag.ContinueOnError)
	var c config
	fs.StringVar(&c.addr, "addr", envOr(getenv, "BOOKCASE_ADDR", "127.0.0.1:4996"), "address to listen on (env BOOKCASE_ADDR)")
	fs.StringVar(&c.db, "db", envOr(getenv, "BOOKCASE_DB", "bookcase.db"), "SQLite database file, created if missing (env BOOKCASE_DB)")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
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
	if len(os.Args) > 1 && os.Args[1] == "seed" {
		if err := seed(os.Args[2:], os.Getenv); err != nil {
			fmt.Fprintln(os.Stderr, "bookcase seed:", err)
			os.Exit(1)
		}
		return
	}
	cfg, err := parseConfig(os.Args[1:], os.Getenv)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bookcase:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, log); err != nil {
		log.Error("bookcase stopped", "err", err)
		os.Exit(1)
	}
}

// run serves until ctx is cancelled, then lets in-flight requests finish and closes the database.
func run(ctx context.Context, cfg config, log *slog.Logger) (err error) {
	db, err := data.Open(ctx, cfg.db)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()

	app, err := handlers.New(handlers.Config{Books: db.Books(), Logger: log})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	go purgeDeleted(ctx, db.Books(), log)

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

// seed fills the database with made-up books: bookcase seed [--db FILE] --books N.
func seed(args []string, getenv func(string) string) error {
	fs := flag.NewFlagSet("bookcase seed", flag.ContinueOnError)
	path := fs.String("db", envOr(getenv, "BOOKCASE_DB", "bookcase.db"), "SQLite database file (env BOOKCASE_DB)")
	n := fs.Int("books", 100, "how many books to add")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx := context.Background()
	db, err := data.Open(ctx, *path)
	if err != nil {
		return err
	}
	return errors.Join(db.Books().Seed(ctx, *n, uint64(time.Now().UnixNano())), db.Close())
}

// undoWindow is how long a deleted book can still be restored before it is purged for good.
const undoWindow = 24 * time.Hour

// purgeDeleted drops deleted books once they are past undoing, at start and then hourly.
func purgeDeleted(ctx context.Context, books *data.BookStore, log *slog.Logger) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		if n, err := books.PurgeDeleted(ctx, undoWindow); err != nil && ctx.Err() == nil {
			log.Warn("purging deleted books failed", "err", err)
		} else if n > 0 {
			log.Info("purged deleted books", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
