package handlers

import (
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/views"
)

// readerLocation is the time zone whose days reader's stats count in: their own, UTC until they
// choose one (settings).
func (s *Server) readerLocation(c *fiber.Ctx, reader int64) (*time.Location, error) {
	loc, err := s.users.TimeZone(c.UserContext(), reader)
	if errors.Is(err, data.ErrNotFound) {
		return time.UTC, nil
	}
	return loc, err
}

// zones keeps the time zones readers' pages have been written in, by name: loading one from the
// time zone database takes 42 µs and 20 allocations, too much for each library page.
type zones struct{ byName sync.Map }

// zone is the time zone of the signed-in reader, read with their session (UTC for nobody, and
// for a zone the database no longer knows), whose days the dates on their pages are.
func (s *Server) zone(c *fiber.Ctx) *time.Location {
	sess, ok := currentUser(c)
	if !ok || sess.TimeZone == "" || sess.TimeZone == "UTC" {
		return time.UTC
	}
	if loc, ok := s.zones.byName.Load(sess.TimeZone); ok {
		return loc.(*time.Location)
	}
	loc, err := data.ParseTimeZone(sess.TimeZone)
	if err != nil {
		return time.UTC
	}
	s.zones.byName.Store(sess.TimeZone, loc)
	return loc
}

// showSettings answers the reader's settings page: their time zone.
func (s *Server) showSettings(c *fiber.Ctx) error {
	loc, err := s.readerLocation(c, owner(c))
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.SettingsPage(s.meta(c, "Settings"), views.ZoneForm{TimeZone: loc.String()}))
}

// setTimeZone sets the reader's time zone: htmx gets the section back, a plain form the settings
// page (303); a name that is not a time zone is a 422 with the message beside the field and
// what was typed kept. The stats are kept by time zone (statsKey.loc): the next ones count in
// the new zone.
func (s *Server) setTimeZone(c *fiber.Ctx) error {
	name := strings.TrimSpace(c.FormValue("time_zone"))
	err := s.users.SetTimeZone(c.UserContext(), owner(c), name)
	var verr *data.ValidationError
	switch {
	case errors.As(err, &verr):
		// Copied: Fiber's form values point into a buffer it reuses.
		f := views.ZoneForm{TimeZone: strings.Clone(name), Error: verr.Fields["time_zone"]}
		if isHTMX(c) {
			return render(c, fiber.StatusUnprocessableEntity, views.SettingsZone(f))
		}
		return render(c, fiber.StatusUnprocessableEntity, views.SettingsPage(s.meta(c, "Settings"), f))
	case err != nil:
		return err
	case !isHTMX(c):
		return c.Redirect(views.SettingsURL, fiber.StatusSeeOther)
	}
	loc, err := s.readerLocation(c, owner(c))
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.SettingsZone(views.ZoneForm{TimeZone: loc.String(), Saved: true}))
}
