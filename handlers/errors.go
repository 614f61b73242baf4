package handlers

import (
	"context"
	"errors"
	"strconv"
	"syscall"

	"github.com/gofiber/fiber/v2"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/views"
)

// statusOf maps an error to the HTTP status that reports it; this is the one place that does.
func statusOf(err error) int {
	var fe *fiber.Error
	switch {
	case errors.Is(err, data.ErrNotFound):
		return fiber.StatusNotFound
	case errors.Is(err, data.ErrInvalid):
		return fiber.StatusUnprocessableEntity
	case errors.Is(err, data.ErrBusy), errors.Is(err, context.DeadlineExceeded), errors.Is(err, data.ErrDatabaseGone), errors.Is(err, data.ErrReadOnly),
		errors.Is(err, data.ErrUnreachable):
		return fiber.StatusServiceUnavailable
	case diskFull(err):
		return fiber.StatusInsufficientStorage
	case errors.As(err, &fe):
		return fe.Code
	default:
		return fiber.StatusInternalServerError
	}
}

// diskFull reports an error of a write that found no room: the database's (data.ErrNoSpace) or
// the temporary directory's, where fasthttp spools a large upload (ENOSPC, or EDQUOT for a quota).
func diskFull(err error) bool {
	return errors.Is(err, data.ErrNoSpace) || errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// noticeFor says, for a status, what happened and what the reader can do about it. It never
// includes internal details.
func noticeFor(status int) views.Notice {
	switch status {
	case fiber.StatusNotFound:
		return views.Notice{Title: "Not found", Detail: "There is nothing at this address. The book may have been deleted, or the link may be mistyped."}
	case fiber.StatusForbidden:
		return views.Notice{Title: "Page out of date", Detail: "This page's security token is missing or has expired, so nothing was changed. Reload the page and try again."}
	case fiber.StatusTooManyRequests:
		return views.Notice{Title: "Too many requests", Detail: "Wait a few minutes and try again."}
	case fiber.StatusMethodNotAllowed:
		return views.Notice{Title: "Not allowed", Detail: "This address does not accept that kind of request."}
	case fiber.StatusRequestEntityTooLarge:
		return views.Notice{Title: "Too much data", Detail: "What you sent is larger than Bookcase accepts. Shorten it and try again."}
	case fiber.StatusServiceUnavailable:
		return views.Notice{Title: "Busy", Detail: "Bookcase has more to do than it can manage right now. Nothing was lost; try again in a moment."}
	case fiber.StatusInsufficientStorage:
		return views.Notice{Title: "Disk full", Detail: "The server's disk is full; nothing was saved. Everything saved before is safe, and reading still works: try again once the server's operator has made room."}
	case fiber.StatusBadRequest, fiber.StatusUnprocessableEntity:
		return views.Notice{Title: "Bad request", Detail: "Bookcase could not understand that request. Reload the page and try again."}
	default:
		if status >= 500 {
			return views.Notice{Title: "Something went wrong", Detail: "Bookcase could not finish that. Nothing was lost; try again in a moment. If it keeps happening, the server log has the details."}
		}
		return views.Notice{Title: "Request refused", Detail: "Bookcase could not do that. Reload the page and try again."}
	}
}

// handleError is Fiber's error handler: it logs unexpected errors in full and answers with a
// short, honest message. htmx requests get plain text, which app.js shows as a toast; full page
// requests get an error page.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	status := statusOf(err)
	switch {
	case status == fiber.StatusServiceUnavailable:
		if errors.Is(err, data.ErrDatabaseGone) { // trying again will not help: no Retry-After
			s.log.ErrorContext(c.UserContext(), "write refused: the database file is not the one opened; restart Bookcase", "method", c.Method(), "path", c.Path(), "err", err)
			break
		}
		if errors.Is(err, data.ErrReadOnly) { // nor here: the operator has to make it writable
			s.log.ErrorContext(c.UserContext(), "write refused: the database, its directory or its disk is read-only", "method", c.Method(), "path", c.Path(), "err", err)
			break
		}
		if errors.Is(err, data.ErrUnreachable) {
			s.log.ErrorContext(c.UserContext(), "request turned away: PostgreSQL is not reachable", "method", c.Method(), "path", c.Path(), "err", err)
		} else {
			s.log.WarnContext(c.UserContext(), "request turned away: too busy", "method", c.Method(), "path", c.Path(), "err", err)
		}
		if c.GetRespHeader(fiber.HeaderRetryAfter) == "" {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(retryBusy))
		}
	case status >= 500:
		s.log.ErrorContext(c.UserContext(), "request failed", "method", c.Method(), "path", c.Path(), "err", err)
	}
	// The request's context may be the reason for the error (past its deadline): the error page
	// is rendered all the same, or the reader would get an empty 500.
	c.SetUserContext(context.WithoutCancel(c.UserContext()))
	c.Response().ResetBody()
	var gone goneBook
	if isHTMX(c) && errors.As(err, &gone) {
		return render(c, fiber.StatusNotFound, views.RowNotFound(gone.id))
	}
	n := noticeFor(status)
	if status == fiber.StatusRequestEntityTooLarge && coverUpload.MatchString(c.Path()) {
		n = views.Notice{Title: "Picture too large", Detail: "The picture is larger than 10 MB, the most Bookcase takes for a cover: choose a smaller one, or a copy saved at a lower quality."}
	}
	if status == fiber.StatusRequestEntityTooLarge && c.Path() == views.ImportsURL {
		n = views.Notice{Title: "File too large", Detail: "The file is larger than 50 MB, the most Bookcase imports at once: split it into smaller files and import each."}
	}
	if errors.Is(err, data.ErrDatabaseGone) {
		n = views.Notice{Title: "Saving is stopped", Detail: "Bookcase's database file was deleted or replaced while it was running, so nothing more can be saved: this change was not. Whoever runs Bookcase needs to restart it (the README says how to restore a backup safely)."}
	}
	if errors.Is(err, data.ErrUnreachable) {
		n = views.Notice{Title: "Try again in a moment", Detail: "Bookcase cannot reach its database right now, so this could not be done. Nothing saved before is lost; try again in a moment."}
	}
	if errors.Is(err, data.ErrReadOnly) {
		n = views.Notice{Title: "Saving is stopped", Detail: "The server cannot write to Bookcase's database: its file or disk is read-only. Nothing was saved; everything saved before is safe, and reading still works. Whoever runs Bookcase needs to make the database writable again; no restart is needed."}
	}
	if status == fiber.StatusInsufficientStorage && (c.Path() == views.ImportsURL || errors.As(err, new(spoolError))) {
		n = views.Notice{Title: "Disk full", Detail: "The server's disk is full, so the file could not be received. Nothing was imported."}
	}
	if status >= 500 {
		n.Reference = RequestID(c.UserContext())
	}
	if isHTMX(c) {
		c.Status(status)
		c.Type("txt", "utf-8")
		msg := n.Title + ". " + n.Detail
		if n.Reference != "" {
			msg += " (Reference " + n.Reference + ".)"
		}
		return c.SendString(msg)
	}
	return render(c, status, views.ErrorPage(s.meta(c, n.Title), n))
}
