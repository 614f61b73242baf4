package handlers

import (
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// admission lets a few page requests do their work at a time and makes the others wait their
// turn, first come first served.
//
// Without it, every request that arrives starts at once, and under load they take turns at the
// CPUs and at the read pool's connections in no particular order: database/sql hands a freed
// connection to a random waiter, and a library page asks for one about eight times. A few unlucky
// requests then wait several times as long as the rest. Admitted a few at a time, in order, they
// wait in the queue instead, where it is fair: with 32 clients searching a library of 100,000
// books as fast as a 2-core machine answers, the slowest 1% took 44 ms instead of 54 ms, for the
// same requests per second (bench/README.md).
//
// Only reads (GET and HEAD) are admitted this way. A write may wait for SQLite's single writer,
// behind an import that holds it for seconds, and must not hold a place that pages need
// meanwhile; writes queue for the write pool's one connection anyway.
type admission struct {
	wait time.Duration // how long a read waits for its turn before it is turned away

	mu     sync.Mutex
	places int             // how many reads do their work at once
	free   int             // the places no read holds
	queue  []chan struct{} // the reads waiting for a place, first come first; closed when it is theirs
}

// admitted is how many reads do their work at once: enough to keep every CPU busy while another
// request waits for a system call or a lock, and as many as the read pool has connections
// (data.Open), so an admitted request rarely waits for one.
func admitted() int { return max(4, 2*runtime.GOMAXPROCS(0)) }

// maxQueueWait is how long a read waits for its turn before it is turned away: well within
// requestTimeout, so that the answer saying so can still be rendered.
const maxQueueWait = 10 * time.Second

// retryBusy is the Retry-After, in seconds, of a request that was turned away.
const retryBusy = 5

func newAdmission(n int, wait time.Duration) *admission {
	return &admission{wait: wait, places: n, free: n}
}

// admit runs the rest of a read's handlers once it is its turn. A read that waits longer than
// a.wait gets 503 Service Unavailable, with Retry-After.
func (a *admission) admit(c *fiber.Ctx) error {
	if m := c.Method(); m != fiber.MethodGet && m != fiber.MethodHead {
		return c.Next()
	}
	if !a.enter() {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(retryBusy))
		return fiber.ErrServiceUnavailable
	}
	defer a.leave()
	return c.Next()
}

// enter takes a place, waiting in the queue for one when none is free, and reports false when
// the wait ran out first. The queue is the admission's own, so that a read is in line from the
// moment it counts as waiting (a send to a full channel also waits in order, but a read counted
// as waiting before its send could be overtaken by the next).
func (a *admission) enter() bool {
	a.mu.Lock()
	if a.free > 0 {
		a.free--
		a.mu.Unlock()
		return true
	}
	turn := make(chan struct{})
	a.queue = append(a.queue, turn)
	a.mu.Unlock()
	wait := time.NewTimer(a.wait)
	defer wait.Stop()
	select {
	case <-turn:
		return true
	case <-wait.C:
		a.mu.Lock()
		defer a.mu.Unlock()
		if i := slices.Index(a.queue, turn); i >= 0 {
			a.queue = slices.Delete(a.queue, i, i+1)
			return false
		}
		return true // a place was handed over as the wait ran out: it is the read's
	}
}

// leave gives the place up, to the first read in the queue if there is one.
func (a *admission) leave() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.queue) == 0 {
		a.free++
		return
	}
	close(a.queue[0])
	a.queue = slices.Delete(a.queue, 0, 1)
}

// state is how many places are taken and how many reads wait for one.
func (a *admission) state() (taken, waiting int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.places - a.free, len(a.queue)
}
