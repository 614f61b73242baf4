package views

import "testing"

// TestURLs checks each builder against the address written out: the routes in handlers/routes.go
// and the outside links to Bookcase depend on them (handlers' TestBuiltURLsAreRouted checks that
// each is routed).
func TestURLs(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{LibraryQueryURL(""), "/books"},
		{LibraryQueryURL("sort=title"), "/books?sort=title"},
		{LibraryDeletedURL(7), "/books?deleted=7"},
		{ShelfBooksURL(3), "/books?shelf=3"},
		{LoginNextURL("/books/7?focus=status"), "/login?next=%2Fbooks%2F7%3Ffocus%3Dstatus"},
		{BookURL(7), "/books/7"},
		{BookFocusURL(7, FocusEdit), "/books/7?focus=edit"},
		{BookReadingsURL(7, 12), "/books/7?focus=12"},
		{BookEditURL(7), "/books/7/edit"},
		{BookDeleteURL(7), "/books/7/delete"},
		{BookRestoreURL(7), "/books/7/restore"},
		{BookStatusURL(7), "/books/7/status"},
		{BookProgressURL(7), "/books/7/progress"},
		{BookShelvesURL(7), "/books/7/shelves"},
		{BookDetailsURL(7), "/books/7/details"},
		{ReadThroughsURL(7), "/books/7/read-throughs"},
		{ReadThroughURL(7, 12), "/books/7/read-throughs/12"},
		{ReadThroughDeleteURL(7, 12), "/books/7/read-throughs/12/delete"},
		{ShelfURL(3), "/shelves/3"},
		{ShelfMoveURL(3), "/shelves/3/move"},
		{ShelfDeleteURL(3), "/shelves/3/delete"},
		{ImportURL(5), "/import/5"},
		{ImportPageURL(5, 2), "/import/5?page=2"},
		{ImportRefusedURL(5), "/import/5?confirm=problems"},
		{ImportProgressURL(5), "/import/5/progress"},
		{ImportConfirmURL(5), "/import/5/confirm"},
		{ImportDeleteURL(5), "/import/5/delete"},
		{ImportRowURL(5, 9), "/import/5/rows/9"},
		{ImportRowEditURL(5, 9), "/import/5/rows/9/edit"},
		{ImportRowDropURL(5, 9), "/import/5/rows/9/drop"},
		{ImportRowRestoreURL(5, 9), "/import/5/rows/9/restore"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
