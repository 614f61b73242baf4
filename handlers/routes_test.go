package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/views"
)

// TestBuiltURLsAreRouted requests every address the views package builds, for a real book,
// reading, shelf and import, with the method the pages use it with: each one is routed (neither
// 404 nor 405), so a builder and routes.go cannot drift apart. The writes come last, the ones
// that take something away after the ones that need it.
func TestBuiltURLsAreRouted(t *testing.T) {
	a := newTestApp(t)
	b := a.create("Dune", "Frank Herbert", "")
	if _, err := a.reading.SetDetails(t.Context(), a.reader.ID, b.ID, data.DetailsInput{Pages: "400"}); err != nil {
		t.Fatal(err)
	}
	a.setStatus(b.ID, data.StatusReading)
	rts, err := a.reading.ReadThroughs(t.Context(), a.reader.ID, b.ID)
	if err != nil || len(rts) != 1 {
		t.Fatalf("read-throughs %v, %v", rts, err)
	}
	rt := rts[0].ID
	sh := a.addShelf("Favourites")
	confirmed, discarded := a.uploaded("gr.csv", goodreadsCSV(3)), a.uploaded("gr.csv", goodreadsCSV(2))
	a.waitImport(confirmed)
	a.waitImport(discarded)
	coverHash, err := a.db.Covers().Set(t.Context(), a.reader.ID, b.ID, []byte("s"), []byte("l"))
	if err != nil {
		t.Fatal(err)
	}
	a.get(plain, views.LibraryURL)

	form := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	for _, r := range []struct {
		method, url string
		form        url.Values
	}{
		{http.MethodGet, views.LibraryURL, nil},
		{http.MethodGet, views.LibraryQueryURL("sort=title&dir=asc"), nil},
		{http.MethodGet, views.LibraryDeletedURL(b.ID), nil},
		{http.MethodGet, views.ShelfBooksURL(sh.ID), nil},
		{http.MethodGet, views.LoginURL, nil},
		{http.MethodGet, views.LoginNextURL(views.BookURL(b.ID)), nil},
		{http.MethodGet, views.SignupURL, nil},
		{http.MethodGet, views.ShortcutsURL, nil},
		{http.MethodGet, views.ManifestURL, nil},
		{http.MethodGet, views.ServiceWorkerURL, nil},
		{http.MethodGet, views.OfflineURL, nil},
		{http.MethodGet, views.ShelvesURL, nil},
		{http.MethodGet, views.ExportURL, nil},
		{http.MethodGet, views.SettingsURL, nil},
		{http.MethodPost, views.SettingsURL, form("time_zone", "UTC")},
		{http.MethodGet, views.ExportCSVURL, nil},
		{http.MethodGet, views.ExportJSONURL, nil},
		{http.MethodGet, views.ImportsURL, nil},
		{http.MethodGet, views.BookURL(b.ID), nil},
		{http.MethodGet, views.BookFocusURL(b.ID, views.FocusStatus), nil},
		{http.MethodGet, views.BookReadingsURL(b.ID, rt), nil},
		{http.MethodGet, views.BookEditURL(b.ID), nil},
		{http.MethodGet, views.BookDeleteURL(b.ID), nil},
		{http.MethodGet, views.BookStatusURL(b.ID), nil},
		{http.MethodGet, views.ReadThroughDeleteURL(b.ID, rt), nil},
		{http.MethodGet, views.ShelfDeleteURL(sh.ID), nil},
		{http.MethodGet, views.ImportURL(confirmed), nil},
		{http.MethodGet, views.ImportPageURL(confirmed, 1), nil},
		{http.MethodGet, views.ImportRefusedURL(confirmed), nil},
		{http.MethodGet, views.ImportProgressURL(confirmed), nil},
		{http.MethodGet, views.ImportRowURL(confirmed, 1), nil},
		{http.MethodGet, views.ImportRowEditURL(confirmed, 1), nil},
		{http.MethodGet, views.CoverImageURL(coverHash, "s"), nil},
		{http.MethodGet, views.CoverImageURL(coverHash, "l"), nil},
		{http.MethodPost, views.BookCoverURL(b.ID), url.Values{}}, // no file: 422, routed
		{http.MethodDelete, views.BookCoverURL(b.ID), nil},
		{http.MethodPost, views.BookCoverDeleteURL(b.ID), url.Values{}},

		{http.MethodPut, views.BookURL(b.ID), form("title", "Dune", "author", "Frank Herbert")},
		{http.MethodPost, views.BookURL(b.ID), form("title", "Dune", "author", "Frank Herbert")},
		{http.MethodPut, views.BookStatusURL(b.ID), form("status", "reading")},
		{http.MethodPost, views.BookStatusURL(b.ID), form("status", "reading")},
		{http.MethodPost, views.BookProgressURL(b.ID), form("progress", "10")},
		{http.MethodPost, views.BookShelvesURL(b.ID), form("shelf", strconv.FormatInt(sh.ID, 10))},
		{http.MethodPost, views.BookDetailsURL(b.ID), form("pages", "400")},
		{http.MethodPost, views.BookEditionURL(b.ID), form("publisher", "Chilton Books")},
		{http.MethodPost, views.ReadThroughURL(b.ID, rt), form("started_on", "2025-01-01")},
		{http.MethodPost, views.ReadThroughsURL(b.ID), form("outcome", "read")},
		{http.MethodPost, views.ShelfURL(sh.ID), form("name", "Loved")},
		{http.MethodPost, views.ShelfMoveURL(sh.ID), form("position", "0")},
		{http.MethodPost, views.ImportRowURL(confirmed, 1), form("title", "Fixed", "author", "Someone")},
		{http.MethodPost, views.ImportRowDropURL(confirmed, 1), url.Values{}},
		{http.MethodPost, views.ImportRowRestoreURL(confirmed, 1), url.Values{}},
		{http.MethodPost, views.ImportConfirmURL(confirmed), url.Values{}},
		{http.MethodPost, views.ImportDeleteURL(discarded), url.Values{}},
		{http.MethodPost, views.ReadThroughDeleteURL(b.ID, rt), url.Values{}},
		{http.MethodPost, views.BookDeleteURL(b.ID), url.Values{}},
		{http.MethodPost, views.BookRestoreURL(b.ID), url.Values{}},
		{http.MethodDelete, views.BookURL(b.ID), nil},
		{http.MethodPost, views.ShelfDeleteURL(sh.ID), url.Values{}},
		{http.MethodPost, views.LogoutURL, url.Values{}},
	} {
		res := a.do(htmx, r.method, r.url, r.form)
		if res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusMethodNotAllowed {
			t.Errorf("%s %s: %d, want it routed:\n%s", r.method, r.url, res.StatusCode, res.body)
		}
	}
}
