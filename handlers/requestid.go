package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"

	"github.com/gofiber/fiber/v2"
)

// Every request has an id: in every log line written for it, in its X-Request-Id response header
// and on its error page, so that a reader's report ("reference 3f9c…") finds its lines in the log.
const headerRequestID = "X-Request-Id"

type requestIDKey struct{}

// RequestID is the id of the request whose context ctx is, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// requestID is the id of this request: the one a trusted proxy gave it (so the proxy's log and
// ours share it), else a new one. Anyone else's is ignored: it could claim another request's id,
// and a proxy's is taken only when it is short and plain, as it is written into the log.
func requestID(c *fiber.Ctx) string {
	if id := c.Get(headerRequestID); id != "" && c.IsProxyTrusted() && plainID(id) {
		return id
	}
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}

// plainID reports whether id is 1 to 64 letters, digits, '-', '_', '.' or ':'.
func plainID(id string) bool {
	if len(id) > 64 {
		return false
	}
	for _, r := range id {
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9', r == '-', r == '_', r == '.', r == ':':
		default:
			return false
		}
	}
	return true
}

// requestIDLogs is a slog.Handler that adds request_id to every record logged with a request's
// context (the Context variants of the logger's methods, c.UserContext()).
type requestIDLogs struct{ slog.Handler }

func (h requestIDLogs) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDLogs) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestIDLogs{h.Handler.WithAttrs(attrs)}
}

func (h requestIDLogs) WithGroup(name string) slog.Handler {
	return requestIDLogs{h.Handler.WithGroup(name)}
}
