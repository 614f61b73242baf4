package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
)

// statsCache keeps computed stats until what they count changes. Computing a reader's stats
// reads every reading and progress update that may count (at 100,000 books, all time's take
// about 0.8 s of CPU and allocate 38 MB, a year's half a second and 12 MB); the page is asked
// for again far more often than the library changes. Each reader has a version
// (reading_versions) that triggers move on every change to their live books, readings, progress
// and covers, whoever writes; stats are kept with the version they were computed at, and a
// request whose version differs computes them again.
//
// The version is read before the stats, so kept stats are never older than their version.
// Requests for the same stats at the same time wait for one computation (singleflight), and
// at most statsComputing computations run at once, so that many readers asking together
// neither use every core nor hold a hundred MB each.
type statsCache struct {
	mu      sync.Mutex
	entries map[statsKey]*statsEntry
	flight  singleflight.Group
	slots   chan struct{}
	// computed counts the stats computed rather than taken from the cache.
	computed atomic.Int64
}

// statsKey is what a reader's stats depend on besides their data.
type statsKey struct {
	owner int64
	year  int
	loc   string    // the reader's time zone
	today time.Time // the reader's today: streaks and the pace move with it
}

type statsEntry struct {
	version int64
	stats   ReadingStats
	used    time.Time
}

// statsTimeout bounds a stats computation, whichever requests wait for it: at 100,000 books
// one takes about half a second of CPU.
const statsTimeout = 30 * time.Second

// statsKept is how many stats the cache holds at most (a few KB to a few tens each).
const statsKept = 256

func newStatsCache() *statsCache {
	return &statsCache{entries: map[statsKey]*statsEntry{}, slots: make(chan struct{}, statsComputing())}
}

// statsComputing is how many stats computations run at once: one per two cores, one at least. A
// first computation at 100,000 books holds some tens of MB while it runs: two at once on a
// 2-core machine took the server's peak memory to 116 MB, past its goal of 100.
func statsComputing() int { return max(1, runtime.NumCPU()/2) }

func (c *statsCache) get(k statsKey, version int64) (ReadingStats, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok || e.version != version {
		return ReadingStats{}, false
	}
	e.used = time.Now()
	return e.stats, true
}

func (c *statsCache) put(k statsKey, version int64, st ReadingStats) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[k]; !ok && len(c.entries) >= statsKept {
		var oldest statsKey
		var at time.Time
		for key, e := range c.entries {
			if at.IsZero() || e.used.Before(at) {
				oldest, at = key, e.used
			}
		}
		delete(c.entries, oldest)
	}
	c.entries[k] = &statsEntry{version: version, stats: st, used: time.Now()}
}

// readingVersion is the owner's version of what their stats count (0 before any change): the
// one ctx carries for the owner (WithReadingVersion), or else the one stored now.
func (s *ReadingStore) readingVersion(ctx context.Context, owner int64) (int64, error) {
	if known, ok := ctx.Value(readingVersionKey{}).(knownVersion); ok && known.owner == owner {
		return known.version, nil
	}
	var v int64
	err := s.db.get(ctx, &v, `SELECT version FROM reading_versions WHERE owner_id = ?`, owner)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return v, err
}

// readingVersionKey is the key of the knownVersion a context carries.
type readingVersionKey struct{}

// knownVersion is an owner's reading version as read earlier in a request.
type knownVersion struct{ owner, version int64 }

// WithReadingVersion returns ctx carrying owner's reading version as read at the start of a
// request (Session.ReadingVersion), which the stats and the library summary then use instead of
// reading it again: what they return is as of that moment, as if the request had run a little
// sooner. Only for a request that writes nothing the version counts (a page read): after such a
// write, the version carried would be older than the request's own change, and the summary kept
// for it would not show the change.
func WithReadingVersion(ctx context.Context, owner, version int64) context.Context {
	return context.WithValue(ctx, readingVersionKey{}, knownVersion{owner: owner, version: version})
}

// beforeStatsFlight, when set (by tests), runs between YearStats finding no stats kept and its
// joining or starting a computation.
var beforeStatsFlight func()

// YearStats computes the owner's reading stats for year (0: all time), days being the reader's
// in loc, as of now, or returns them as computed before when nothing they count has changed
// since (statsCache). The stats returned are shared: callers must not change them.
func (s *ReadingStore) YearStats(ctx context.Context, owner int64, year int, loc *time.Location) (ReadingStats, error) {
	version, err := s.readingVersion(ctx, owner)
	if err != nil {
		return ReadingStats{}, fmt.Errorf("reading stats: %w", err)
	}
	c := s.db.stats
	k := statsKey{owner: owner, year: year, loc: loc.String(), today: dateOf(s.db.now().In(loc))}
	if st, ok := c.get(k, version); ok {
		return st, nil
	}
	flight := strconv.FormatInt(owner, 10) + "/" + strconv.Itoa(year) + "/" + k.loc + "/" +
		k.today.Format(dateLayout) + "/" + strconv.FormatInt(version, 10)
	if beforeStatsFlight != nil {
		beforeStatsFlight()
	}
	done := c.flight.DoChan(flight, func() (any, error) {
		// A flight for the same stats may have ended, and kept them, since the look above.
		if st, ok := c.get(k, version); ok {
			return st, nil
		}
		// The computation is not the request's that happened to start it: the others asking
		// wait for it too, and a request that gives up (its deadline passed while 32 others
		// took turns at the CPUs) would otherwise throw away the work done so far, and the
		// next request start it again from nothing. It runs to its end and is kept, within
		// its own bound.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), statsTimeout)
		defer cancel()
		select {
		case c.slots <- struct{}{}:
		case <-ctx.Done():
			return ReadingStats{}, fmt.Errorf("reading stats: %w (%w)", ErrBusy, ctx.Err())
		}
		defer func() { <-c.slots }()
		c.computed.Add(1)
		st, err := s.computeYearStats(ctx, owner, year, loc)
		if err == nil {
			c.put(k, version, st)
		}
		return st, err
	})
	var v any
	select {
	case r := <-done:
		if r.Err != nil {
			return ReadingStats{}, r.Err
		}
		v = r.Val
	case <-ctx.Done():
		return ReadingStats{}, fmt.Errorf("reading stats: %w (%w)", ErrBusy, ctx.Err())
	}
	return v.(ReadingStats), nil
}
