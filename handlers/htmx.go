package handlers

import "github.com/gofiber/fiber/v2"

// htmx request and response headers, named once.
const (
	hxRequest  = "HX-Request"
	hxRetarget = "HX-Retarget"
	hxReswap   = "HX-Reswap"
	hxTrigger  = "HX-Trigger"
)

// isHTMX reports whether the request was made by htmx (and so wants a fragment, not a page).
// History-restore requests ask for a whole page, and boosted links are not used here.
func isHTMX(c *fiber.Ctx) bool {
	return c.Get(hxRequest) == "true" && c.Get("HX-History-Restore-Request") != "true"
}

// More htmx headers, used by the sign-in flow.
const (
	hxRedirect   = "HX-Redirect"
	hxCurrentURL = "HX-Current-URL"
)
