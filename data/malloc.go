//go:build linux && cgo

package data

/*
#include <malloc.h>

// keep_freed_memory sets how much freed memory glibc's malloc keeps for reuse: a block of up to
// mmap bytes comes from the heap rather than a mapping of its own, and the heap is given back to
// the system only once more than trim bytes at its top are free. Elsewhere (musl) it does nothing.
static void keep_freed_memory(int mmap, int trim) {
#ifdef __GLIBC__
	mallopt(M_MMAP_THRESHOLD, mmap);
	mallopt(M_TRIM_THRESHOLD, trim);
#endif
}
*/
import "C"

// keepFreedMemory stops glibc's malloc giving SQLite's short-lived memory back to the system
// after every query. A query that sorts or merges rows (the deep library page's two seeks merged
// in order) has SQLite allocate a temporary b-tree with its page cache, some 100 KB, and free it
// when done; with glibc's defaults that left more than its 128 KB trimming threshold free at the
// top of the heap, so free shrank the heap (brk, or madvise in a thread's arena: about one call
// a request), the next query faulted the pages in again, and every shrinking interrupted every
// CPU to flush its TLB. glibc's own thresholds rise only after a block over 128 KB was mapped and
// freed, which these never are. Keeping up to 1 MB free per arena, at 100,000 books:
// BenchmarkLibraryDeepPage 1,418–1,982 → 1,246–1,295 µs of CPU a request (the query alone,
// 675–1,028 → 268–340 µs). The memory kept is bounded: at most 1 MB per malloc arena (one per
// thread that ran SQLite at once, a few), on top of what SQLite itself holds.
func keepFreedMemory() { C.keep_freed_memory(512<<10, 1<<20) }
