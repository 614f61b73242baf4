package data

import (
	"testing"
	"time"
)

// TestStatsKeptByAFlightThatJustEnded has a request find no stats kept, then lets another request
// compute and keep them (its flight ends) before the first joins a flight: the first takes the
// kept stats rather than computing them again. Before, it started a flight of its own, which
// TestStatsComputedOnceTogether saw now and then under load (2 computations for 16 requests).
func TestStatsKeptByAFlightThatJustEnded(t *testing.T) {
	ctx := t.Context()
	db := OpenTest(t)
	u := AddTestReader(t, db, "ada")
	b, err := db.Books().Create(ctx, u.ID, BookInput{Title: "Dune", Author: "Frank Herbert"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Reading().SetStatus(ctx, u.ID, b.ID, StatusRead, time.Now()); err != nil {
		t.Fatal(err)
	}

	missed, proceed := make(chan struct{}), make(chan struct{})
	first := true
	beforeStatsFlight = func() { // runs on the first request's goroutine, then on the second's
		if first {
			first = false
			close(missed)
			<-proceed
		}
	}
	t.Cleanup(func() { beforeStatsFlight = nil })
	done := make(chan error, 1)
	go func() {
		_, err := db.Reading().YearStats(ctx, u.ID, 0, time.UTC)
		done <- err
	}()
	<-missed
	if _, err := db.Reading().YearStats(ctx, u.ID, 0, time.UTC); err != nil { // computes, keeps
		t.Fatal(err)
	}
	close(proceed)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := db.stats.computed.Load(); n != 1 {
		t.Errorf("the stats were computed %d times, want 1: the second request kept them before the first joined a flight", n)
	}
}
