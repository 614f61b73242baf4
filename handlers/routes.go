package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/bookcase/bookcase/views"
)

// routes registers every route, grouped by resource: this file is the whole HTTP surface of
// Bookcase, read top to bottom. The URLs are a contract: outside tests and later features use them.
//
// New mounts the middleware that runs before them (request context, logging, security headers,
// admission, CSRF, session), the embedded assets under /assets, and the installable app's files
// (views.ManifestURL, ServiceWorkerURL and OfflineURL, pwa.go), which skip the rest of the chain.
// Within a group, requireUser comes first: everything under /authors, /books, /export, /import, /series and /shelves
// is for signed-in readers only.
func (s *Server) routes(app *fiber.App) {
	app.Get("/", func(c *fiber.Ctx) error { return c.Redirect(views.LibraryURL, fiber.StatusSeeOther) })

	// Accounts (auth.go).
	app.Get("/login", s.showLogin)
	app.Post("/login", append(s.loginLimiters(), s.login)...)
	app.Get("/signup", s.showSignup)
	app.Post("/signup", append(s.signupLimiters(), s.signup)...)
	app.Post("/logout", s.logout)

	// Help (shortcuts.go).
	app.Get("/shortcuts", s.showShortcuts)

	// Books: the library, each book's row and its page (books.go, library.go, bookpage.go). The
	// routes a book's row and its page share answer the screen that asks: htmx by the id of the
	// element it swaps (HX-Target: a section of the book page, anything else the row), a plain
	// form of the book page by its hidden field screen=page (else back to the library).
	app.Use("/books", s.requireUser)
	app.Get("/books", s.listBooks)
	app.Post("/books", s.createBook)
	app.Get("/books/:id", s.showBook)
	app.Put("/books/:id", s.updateBook)
	app.Post("/books/:id", s.updateBook)
	app.Delete("/books/:id", s.deleteBook)
	app.Get("/books/:id/edit", s.editBook)
	app.Get("/books/:id/delete", s.confirmDelete)
	app.Post("/books/:id/delete", s.deleteBook)
	app.Post("/books/:id/restore", s.restoreBook)

	// A book's cover: upload or replace (multipart, field cover), and remove (covers.go).
	app.Post("/books/:id/cover", s.uploadCover)
	app.Delete("/books/:id/cover", s.deleteCover)
	app.Post("/books/:id/cover/delete", s.deleteCover)

	// Covers' pictures, by hash, for readers who have them (covers.go).
	app.Use("/covers", s.requireUser)
	app.Get("/covers/:file", s.serveCover)

	// Reading state of a book, from its row or its page (reading.go).
	app.Get("/books/:id/status", s.chooseStatus)
	app.Put("/books/:id/status", s.setStatus)
	app.Post("/books/:id/status", s.setStatus)
	app.Get("/books/:id/progress", s.openProgress)
	app.Post("/books/:id/progress", s.recordProgress)
	// A progress update of the book page's timeline, corrected or deleted in its place (bookpage.go).
	app.Post("/books/:id/progress/:pid", s.editProgress)
	app.Post("/books/:id/progress/:pid/delete", s.deleteProgress)
	// Its rating, from the star control of its row, its page, or the rating page (rating.go).
	app.Get("/books/:id/rating", s.chooseRating)
	app.Post("/books/:id/rating", s.setRating)

	// The book page's own forms, which answer htmx with the parts of the page they change (bookpage.go).
	app.Post("/books/:id/shelves", s.setBookShelves)
	app.Post("/books/:id/details", s.setDetails)
	app.Post("/books/:id/edition", s.setEdition)
	app.Post("/books/:id/contributors", s.setBookContributors)
	app.Post("/books/:id/series", s.addBookSeries)
	app.Post("/books/:id/series/:sid", s.setBookSeriesPosition)
	app.Post("/books/:id/series/:sid/delete", s.removeBookSeries)
	app.Post("/books/:id/series/:sid/keep-title", s.keepSeriesTitle)
	app.Post("/books/:id/read-throughs", s.addReadThrough)
	app.Post("/books/:id/read-throughs/:rt", s.editReadThrough)
	app.Get("/books/:id/read-throughs/:rt/delete", s.confirmDeleteReading)
	app.Post("/books/:id/read-throughs/:rt/delete", s.deleteReading)

	// Catalogue lookups by ISBN (catalogue.go), when they are on: the new-book row's, a book
	// page's comparison and the fields taken from it, and the covers found, shown before they are
	// any book's.
	if s.lookups != nil {
		app.Post("/books/:id/catalogue", s.compareCatalogue)
		app.Post("/books/:id/catalogue/apply", s.applyCatalogue)
		app.Use("/catalogue", s.requireUser)
		app.Post("/catalogue/lookup", s.lookupNewBook)
		app.Get("/catalogue/covers/:file", s.serveCatalogueCover)
	}

	// Stats: a year's reading, or all time's, and the year's goal (stats.go).
	app.Use("/stats", s.requireUser)
	app.Get("/stats", s.showStats)
	app.Post("/stats/goal", s.setGoal)
	app.Get("/stats/:year/review", s.showReview)
	app.Post("/stats/:year/review/share", s.shareReview(false))
	app.Post("/stats/:year/review/share/delete", s.shareReview(true))

	// A Year in Review its reader shared: public, by its link (stats.go).
	app.Get("/share/:token", s.showSharedReview)
	app.Get("/share/:token/covers/:file", s.serveSharedCover)

	// Settings: the reader's time zone (settings.go).
	app.Use(views.SettingsURL, s.requireUser)
	app.Get(views.SettingsURL, s.showSettings)
	app.Post(views.SettingsURL, s.setTimeZone)

	// Export: the page and its two downloads (export.go).
	app.Use("/export", s.requireUser)
	app.Get("/export", s.showExport)
	app.Get("/export/goodreads.csv", s.exportCSV)
	app.Get("/export/bookcase.json", s.exportJSON)

	// Import: upload, review, fix rows, confirm (import.go).
	app.Use("/import", s.requireUser)
	app.Get("/import", s.showImports)
	app.Post("/import", s.uploadImport)
	app.Get("/import/:id", s.showImport)
	app.Get("/import/:id/progress", s.importProgress)
	app.Post("/import/:id/confirm", s.confirmImport)
	app.Post("/import/:id/delete", s.deleteImport)
	app.Get("/import/:id/rows/:n", s.showImportRow)
	app.Get("/import/:id/rows/:n/edit", s.editImportRow)
	app.Post("/import/:id/rows/:n", s.fixImportRow)
	app.Post("/import/:id/rows/:n/drop", s.dropImportRow)
	app.Post("/import/:id/rows/:n/restore", s.restoreImportRow)

	// Authors: the list, the author fields' suggestions, an author's books, renaming, the sort
	// name and merging (authors.go).
	app.Use("/authors", s.requireUser)
	app.Get("/authors", s.listAuthors)
	app.Get("/authors/suggest", s.suggestAuthors)
	app.Get("/authors/:id", s.showAuthor)
	app.Post("/authors/:id", s.renameAuthor)
	app.Post("/authors/:id/sort-name", s.setAuthorSortName)
	app.Post("/authors/:id/merge", s.mergeAuthor)

	// Series: the list, and a series' books in order (series.go).
	app.Use("/series", s.requireUser)
	app.Get("/series", s.listSeries)
	app.Get("/series/:id", s.showSeries)

	// Shelves (shelves.go).
	app.Use("/shelves", s.requireUser)
	app.Get("/shelves", s.listShelves)
	app.Post("/shelves", s.createShelf)
	app.Post("/shelves/:id", s.renameShelf)
	app.Post("/shelves/:id/move", s.moveShelf)
	app.Get("/shelves/:id/delete", s.confirmDeleteShelf)
	app.Post("/shelves/:id/delete", s.deleteShelf)

	// The reader's preferences, kept with the account (preferences.go).
	app.Use("/preferences", s.requireUser)
	app.Post("/preferences/density", s.setDensity)
}
