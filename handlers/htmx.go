package handlers

import "github.com/gofiber/fiber/v2"

// htmx request and response headers, named once.
const (
	hxRequest  = "HX-Request"
	hxRetarget = "HX-Retarget"
	hxReswap   = "HX-Reswap"
	// hxTarget is the id of the element a request's answer goes to, and hxTrigger the id of the
	// element that made it.
	hxTarget  = "HX-Target"
	hxTrigger = "HX-Trigger"
	// hxPushURL adds a URL to the browser's history; hxReplaceURL replaces the current entry.
	hxPushURL    = "HX-Push-Url"
	hxReplaceURL = "HX-Replace-Url"
)

// isHTMX reports whether the request was made by htmx (and so wants a fragment, not a page).
// History-restore requests ask for a whole page, and boosted links are not used here.
func isHTMX(c *fiber.Ctx) bool {
	return c.Get(hxRequest) == "true" && c.Get("HX-History-Restore-Request") != "true"
}

// swapAnyway marks an error answer rendered for the element it replaces (a lookup's problem in
// the new-book row): app.js swaps it in, as htmx swaps a 422, where others are only reported.
const swapAnyway = "Bookcase-Swap"

// More htmx headers, used by the sign-in flow.
const (
	hxRedirect   = "HX-Redirect"
	hxCurrentURL = "HX-Current-URL"
)
