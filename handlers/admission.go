package handlers

import (
	"runtime"
	"strconv"
	"sync/atomic"
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
	slots chan struct{}
	// wait is how long a read waits for its turn before it is turned away.
	wait time.Duration
	// waiting counts the reads waiting for their turn.
	waiting atomic.Int64
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
	return &admission{slots: make(chan struct{}, n), wait: wait}
}

// admit runs the rest of a read's handlers once it is its turn. A read that waits longer than
// a.wait gets 503 Service Unavailable, with Retry-After.
func (a *admission) admit(c *fiber.Ctx) error {
	if m := c.Method(); m != fiber.MethodGet && m != fiber.MethodHead {
		return c.Next()
	}
	select {
	case a.slots <- struct{}{}:
	default:
		// A send to a full channel waits in a queue, in order; a freed slot goes to the first
		// waiter, and no request arriving later gets one before it.
		a.waiting.Add(1)
		wait := time.NewTimer(a.wait)
		select {
		case a.slots <- struct{}{}:
		case <-wait.C:
			a.waiting.Add(-1)
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(retryBusy))
			return fiber.ErrServiceUnavailable
		}
		wait.Stop()
		a.waiting.Add(-1)
	}
	defer func() { <-a.slots }()
	return c.Next()
}
