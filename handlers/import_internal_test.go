package handlers

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

// endingImports is an import store whose one import runs until released. Its Get can be armed to
// let the job end, all of it, between reading the import and returning it: the reader sees the
// import as it was a moment before.
type endingImports struct {
	ImportStore // nil: only Get, Run and RunningElsewhere are called

	mu      sync.Mutex
	state   data.ImportState
	release chan struct{}
	jobs    *importJobs
	armed   bool
	// elsewhere is how many books another instance running the import has written, or -1 when
	// no instance runs it.
	elsewhere int
}

func (e *endingImports) RunningElsewhere(context.Context, int64, int64) (bool, int, error) {
	return e.elsewhere >= 0, max(e.elsewhere, 0), nil
}

func (e *endingImports) Get(_ context.Context, _, id int64) (data.Import, error) {
	e.mu.Lock()
	im := data.Import{ID: id, State: e.state}
	armed := e.armed
	e.armed = false
	e.mu.Unlock()
	if armed {
		close(e.release)
		e.jobs.wg.Wait() // the job has recorded its end and left the running jobs
	}
	return im, nil
}

func (e *endingImports) Run(_ context.Context, _, _ int64, progress func(done, total int)) (data.ImportSummary, error) {
	progress(2, 3)
	<-e.release
	e.mu.Lock()
	e.state = data.ImportDone
	e.mu.Unlock()
	return data.ImportSummary{Created: 3}, nil
}

// TestImportEndingWhileItIsRead reads an import that ends between the read and the answer. The
// answer may say it still runs, or that it is done; never that it failed. (Before the running jobs
// were looked at first, the page said "The import stopped before it finished", and its polling
// stopped there, until the reader reloaded it.)
func TestImportEndingWhileItIsRead(t *testing.T) {
	store := &endingImports{state: data.ImportRunning, release: make(chan struct{}), elsewhere: -1}
	jobs := newImportJobs(store, slog.New(slog.DiscardHandler))
	store.jobs = jobs
	s := &Server{imports: store, jobs: jobs}
	const id = 7
	jobs.start(1, id, "")
	waitRunning(t, jobs, id)

	store.mu.Lock()
	store.armed = true
	store.mu.Unlock()
	_, p, err := s.importWithProgress(t.Context(), 1, id)
	if err != nil {
		t.Fatal(err)
	}
	if p.State != string(data.ImportRunning) || p.Done != 2 || p.Total != 3 || p.Error != "" {
		t.Errorf("progress of an import that ended while it was read = %+v, want running, 2 of 3", p)
	}

	// The next look sees it done.
	_, p, err = s.importWithProgress(t.Context(), 1, id)
	if err != nil {
		t.Fatal(err)
	}
	if p.State != string(data.ImportDone) {
		t.Errorf("progress after the import ended = %+v, want done", p)
	}
}

// TestImportInterrupted reads an import that the store calls running but that no job of this
// process runs: the server stopped during it. It is shown as failed, with what to do.
func TestImportInterrupted(t *testing.T) {
	store := &endingImports{state: data.ImportRunning, elsewhere: -1}
	s := &Server{imports: store, jobs: newImportJobs(store, slog.New(slog.DiscardHandler))}
	_, p, err := s.importWithProgress(t.Context(), 1, 7)
	if err != nil {
		t.Fatal(err)
	}
	if p.State != string(data.ImportFailed) || p.Error == "" {
		t.Errorf("progress of an interrupted import = %+v, want failed with a message", p)
	}
}

// TestImportRunningElsewhere reads an import that another instance sharing the database runs: it
// is shown running, as far as the books written there (it was shown failed, and its reader told
// to confirm it again, behind a balancer that sent the page to another instance).
func TestImportRunningElsewhere(t *testing.T) {
	store := &endingImports{state: data.ImportRunning, elsewhere: 40}
	s := &Server{imports: store, jobs: newImportJobs(store, slog.New(slog.DiscardHandler))}
	_, p, err := s.importWithProgress(t.Context(), 1, 7)
	if err != nil {
		t.Fatal(err)
	}
	if p.State != string(data.ImportRunning) || p.Done != 40 || p.Error != "" {
		t.Errorf("progress of an import running on another instance = %+v, want running, 40 written", p)
	}
}

// waitRunning waits until the job for import id has reported its first progress.
func waitRunning(t *testing.T, jobs *importJobs, id int64) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if done, _, ok := jobs.progress(id); ok && done > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the job never reported its progress")
		}
		time.Sleep(time.Millisecond)
	}
}
