package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestImportSpeed times importing made-up Goodreads exports of 10,000 and 100,000 rows through
// the HTTP layer on a real database: the upload and the first page of its review ("preview"),
// then confirming and waiting until every row is written ("confirm"). It also samples the Go
// heap in use, and reports the process's peak resident memory (which includes the test's own
// copy of the file). It runs only when BOOKCASE_IMPORT_SPEED is set (a list of row counts, or
// 1 for both), as it takes a while:
//
//	BOOKCASE_IMPORT_SPEED=1 go test ./handlers/ -run TestImportSpeed -v
func TestImportSpeed(t *testing.T) {
	env := os.Getenv("BOOKCASE_IMPORT_SPEED")
	if env == "" {
		t.Skip("set BOOKCASE_IMPORT_SPEED=1 to time imports of 10,000 and 100,000 rows")
	}
	sizes := []int{10_000, 100_000}
	if env != "1" {
		sizes = nil
		for _, s := range strings.Split(env, ",") {
			n, err := strconv.Atoi(s)
			if err != nil {
				t.Fatalf("BOOKCASE_IMPORT_SPEED=%s: %v", env, err)
			}
			sizes = append(sizes, n)
		}
	}
	limits := map[int]time.Duration{10_000: 3 * time.Second, 100_000: 30 * time.Second}
	for _, n := range sizes {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			a := newTestApp(t)
			file := goodreadsCSV(n, 7) // one row with a problem, dropped before confirming
			runtime.GC()
			var peak atomic.Uint64
			stop := make(chan struct{})
			sampled := make(chan struct{})
			go func() {
				defer close(sampled)
				var ms runtime.MemStats
				for {
					runtime.ReadMemStats(&ms)
					if in := ms.HeapInuse + ms.StackInuse; in > peak.Load() {
						peak.Store(in)
					}
					select {
					case <-stop:
						return
					case <-time.After(20 * time.Millisecond):
					}
				}
			}()

			start := time.Now()
			id := a.uploaded("goodreads_library_export.csv", file)
			a.get(plain, importURL(id)).wantStatus(t, http.StatusOK)
			a.do(plain, http.MethodPost, importURL(id, "/rows/7/drop"), nil).wantRedirect(t, importURL(id))
			preview := time.Since(start)
			previewPeak := peak.Load()
			peak.Store(0)
			a.do(plain, http.MethodPost, importURL(id, "/confirm"), url.Values{"onDuplicate": {"skip"}}).wantRedirect(t, importURL(id))
			im := a.waitImport(id)
			total := time.Since(start)
			close(stop)
			<-sampled
			if im.Created != n-1 {
				t.Fatalf("import = %+v, want %d created", im, n-1)
			}
			if got := a.count(); got != n-1 {
				t.Fatalf("Count() = %d, want %d", got, n-1)
			}
			t.Logf("%d rows (%.1f MB): preview %v, confirm %v, total %v; peak Go heap in use: preview %d MB, confirm %d MB; process peak RSS %s",
				n, float64(len(file))/(1<<20), preview.Round(time.Millisecond), (total - preview).Round(time.Millisecond),
				total.Round(time.Millisecond), previewPeak>>20, peak.Load()>>20, peakRSS())
			peak.Store(max(peak.Load(), previewPeak))
			if limit, ok := limits[n]; ok && total > limit {
				t.Errorf("%d rows took %v, want under %v", n, total, limit)
			}
			if peak.Load() > 200<<20 {
				t.Errorf("peak Go heap %d MB, want under 200 MB", peak.Load()>>20)
			}
		})
	}
}

// peakRSS is the process's peak resident memory, from /proc/self/status, or "unknown".
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return fmt.Sprint("unknown")
}
