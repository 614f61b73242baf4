package handlers

import (
	"context"
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/bookcase/bookcase/data"
)

// The probes an operator's supervisor (a container runtime, systemd, a load balancer) asks. They
// answer plain text, need no session and no token, skip admission (a probe must not queue behind
// readers), and are logged at debug level while they pass, not on every probe at info.
const (
	healthPath = "/healthz"
	readyPath  = "/readyz"
)

// readyTimeout bounds the readiness check: a database that takes longer than this to answer
// one query is not ready.
const readyTimeout = 2 * time.Second

// healthz says the process answers.
func (s *Server) healthz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString("ok\n")
}

// readyz says whether Bookcase can serve readers: its database file is the one it opened, the
// database answers a query, and its schema is this binary's (Config.Ready). When it cannot, the
// reason, which is for the operator: the probe is reached by the server's own supervisor.
func (s *Server) readyz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	if s.ready != nil {
		ctx, cancel := context.WithTimeout(c.UserContext(), readyTimeout)
		defer cancel()
		if err := s.ready(ctx); err != nil {
			c.Status(fiber.StatusServiceUnavailable)
			msg := "not ready: " + err.Error()
			if errors.Is(err, data.ErrDatabaseGone) {
				msg += "; writes are refused until Bookcase is restarted (see the README on backups and restores)"
			}
			return c.SendString(msg + "\n")
		}
	}
	return c.SendString("ready\n")
}

// isProbe reports whether the request is one of the probes.
func isProbe(c *fiber.Ctx) bool { return c.Path() == healthPath || c.Path() == readyPath }
