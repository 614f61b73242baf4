package data

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// LibrarySummary is what a library page shows beside its books: the reader's counts by status,
// their shelves, the books they are reading, and their genres and languages to filter by.
type LibrarySummary struct {
	// Counts are the reader's live books by status (StatusCounts).
	Counts map[Status]int
	// Shelves are the reader's shelves in their order, with their counts (ShelfStore.List).
	Shelves []Shelf
	// Reading are the books being read, the most recently updated first, as many as asked
	// (ReadingStore.CurrentlyReading); none are read when no book is being read.
	Reading []ReadingNow
	// Genres and Languages are those of the reader's live books (Genres, Languages).
	Genres    []string
	Languages []string
}

// summaryCache keeps each reader's LibrarySummary until their library changes, by the version
// that the stats are kept by (reading_versions: triggers move it on every change to the reader's
// live books, readings, progress, covers, shelves and languages, whoever writes). Reading the
// five parts took five queries, a fifth of the CPU of a library page at 100,000 books
// (BenchmarkLibraryPage); reading the version is one lookup by key. The version is read before
// the parts, so a summary is never older than its version. Two requests that miss at once both
// read the parts: they are a few rows each.
type summaryCache struct {
	mu      sync.Mutex
	entries map[summaryKey]*summaryEntry
	// read counts the summaries read rather than taken from the cache.
	read atomic.Int64
}

type summaryKey struct {
	owner   int64
	reading int // how many books being read are asked for
}

type summaryEntry struct {
	version int64
	summary LibrarySummary
	used    time.Time
}

// summariesKept is how many readers' summaries the cache holds at most (a few KB each).
const summariesKept = 1024

func newSummaryCache() *summaryCache {
	return &summaryCache{entries: map[summaryKey]*summaryEntry{}}
}

func (c *summaryCache) get(k summaryKey, version int64) (LibrarySummary, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok || e.version != version {
		return LibrarySummary{}, false
	}
	e.used = time.Now()
	return e.summary, true
}

func (c *summaryCache) put(k summaryKey, version int64, s LibrarySummary) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[k]; !ok && len(c.entries) >= summariesKept {
		var oldest summaryKey
		var at time.Time
		for key, e := range c.entries {
			if at.IsZero() || e.used.Before(at) {
				oldest, at = key, e.used
			}
		}
		delete(c.entries, oldest)
	}
	c.entries[k] = &summaryEntry{version: version, summary: s, used: time.Now()}
}

// Summary returns the owner's LibrarySummary with up to reading books being read, as read before
// when nothing in it has changed since (summaryCache). The summary is shared: callers must not
// change it.
func (s *BookStore) Summary(ctx context.Context, owner int64, reading int) (LibrarySummary, error) {
	r := s.db.Reading()
	version, err := r.readingVersion(ctx, owner)
	if err != nil {
		return LibrarySummary{}, fmt.Errorf("library summary: %w", err)
	}
	k := summaryKey{owner: owner, reading: reading}
	if sum, ok := s.db.summaries.get(k, version); ok {
		return sum, nil
	}
	s.db.summaries.read.Add(1)
	var sum LibrarySummary
	if sum.Counts, err = r.StatusCounts(ctx, owner); err != nil {
		return LibrarySummary{}, err
	}
	if sum.Shelves, err = s.db.Shelves().List(ctx, owner); err != nil {
		return LibrarySummary{}, err
	}
	if sum.Counts[StatusReading] > 0 {
		if sum.Reading, err = r.CurrentlyReading(ctx, owner, reading); err != nil {
			return LibrarySummary{}, err
		}
	}
	if sum.Genres, err = s.Genres(ctx, owner); err != nil {
		return LibrarySummary{}, err
	}
	if sum.Languages, err = s.Languages(ctx, owner); err != nil {
		return LibrarySummary{}, err
	}
	s.db.summaries.put(k, version, sum)
	return sum, nil
}
