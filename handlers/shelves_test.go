package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/bookcase/bookcase/data"
)

// shelfPath is the URL of a shelf, with an optional action.
func shelfPath(id int64, action ...string) string {
	p := "/shelves/" + strconv.FormatInt(id, 10)
	for _, a := range action {
		p += "/" + a
	}
	return p
}

// addShelf creates a shelf for the signed-in reader, straight in the store.
func (a *testApp) addShelf(name string) data.Shelf {
	a.t.Helper()
	sh, err := a.db.Shelves().Create(a.t.Context(), a.reader.ID, name)
	if err != nil {
		a.t.Fatalf("create shelf %q: %v", name, err)
	}
	return sh
}

// shelfNames lists the signed-in reader's shelves in order, as the store has them.
func (a *testApp) shelfNames() []string {
	a.t.Helper()
	shelves, err := a.db.Shelves().List(a.t.Context(), a.reader.ID)
	if err != nil {
		a.t.Fatalf("list shelves: %v", err)
	}
	var names []string
	for _, sh := range shelves {
		names = append(names, sh.Name)
	}
	return names
}

func name(n string) url.Values { return url.Values{"name": {n}} }

func TestShelvesPage(t *testing.T) {
	a := newTestApp(t)
	club := a.addShelf("Book club")
	a.addShelf("<b>Owned</b>")
	b := a.create("Dune", "Frank Herbert", "")
	if err := a.db.Shelves().Shelve(t.Context(), a.reader.ID, b.ID, club.ID); err != nil {
		t.Fatal(err)
	}
	res := a.get(plain, "/shelves")
	res.wantStatus(t, http.StatusOK)
	doc := res.page(t)
	items := doc.Find("li.shelf")
	if items.Length() != 2 {
		t.Fatalf("%d shelves shown, want 2", items.Length())
	}
	first := items.First()
	link := one(t, first, "a.shelf-name")
	wantText(t, link, "Book club")
	wantAttr(t, link, "href", "/books?shelf="+strconv.FormatInt(club.ID, 10))
	wantText(t, one(t, first, `[data-testid="shelf-count"]`), "1 book")
	wantText(t, one(t, items.Last(), "a.shelf-name"), "<b>Owned</b>")
	if strings.Contains(res.body, "<b>Owned</b>") {
		t.Error("the shelf name is not escaped")
	}
	// Move down on the first, Move up on the last; no Move up on the first.
	none(t, first, `button[data-action="up"]`)
	wantAttr(t, one(t, first, `button[data-action="down"]`), "value", "1")
	wantAttr(t, one(t, items.Last(), `button[data-action="up"]`), "value", "0")
	doc.Find("form[method=post]").Each(func(_ int, f *goquery.Selection) {
		if f.Find(`input[name="_csrf"]`).Length() != 1 {
			t.Errorf("form %s has no CSRF field", attr(t, f, "action"))
		}
	})
}

func TestCreateShelf(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		a := newTestApp(t)
		a.get(plain, "/shelves")
		a.do(plain, http.MethodPost, "/shelves", name("  Book   club ")).wantRedirect(t, "/shelves")
		if got := a.shelfNames(); len(got) != 1 || got[0] != "Book club" {
			t.Errorf("shelves = %q, want [Book club]", got)
		}
	})
	for _, tc := range []struct{ test, name, want string }{
		{"ErrNameRequired", "  ", "Give the shelf a name."},
		{"ErrDuplicate", "book CLUB", "You already have a shelf called “Book club”."},
	} {
		t.Run(tc.test, func(t *testing.T) {
			a := newTestApp(t)
			a.addShelf("Book club")
			a.get(plain, "/shelves")
			res := a.do(plain, http.MethodPost, "/shelves", name(tc.name))
			res.wantStatus(t, http.StatusUnprocessableEntity)
			doc := res.page(t)
			input := one(t, doc, `form[data-testid="new-shelf"] input[name="name"]`)
			wantAttr(t, input, "value", tc.name)
			wantAttr(t, input, "aria-invalid", "true")
			wantText(t, one(t, doc, "#field-name-error"), tc.want)
			if got := a.shelfNames(); len(got) != 1 {
				t.Errorf("shelves = %q, want one", got)
			}
		})
	}
	t.Run("ErrCSRF", func(t *testing.T) {
		a := newTestApp(t)
		a.send(a.request(plain, http.MethodPost, "/shelves", name("Sneaky"))).wantStatus(t, http.StatusForbidden)
		if got := a.shelfNames(); len(got) != 0 {
			t.Errorf("shelves = %q, want none", got)
		}
	})
	t.Run("SignedOut", func(t *testing.T) {
		a := newTestApp(t).browser()
		a.get(plain, "/shelves").wantRedirect(t, "/login?next=%2Fshelves")
	})
}

func TestRenameShelf(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		a := newTestApp(t)
		sh := a.addShelf("Book club")
		a.get(plain, "/shelves")
		a.do(plain, http.MethodPost, shelfPath(sh.ID), name("Reading group")).wantRedirect(t, "/shelves")
		if got := a.shelfNames(); got[0] != "Reading group" {
			t.Errorf("shelves = %q", got)
		}
	})
	t.Run("ErrDuplicate", func(t *testing.T) {
		a := newTestApp(t)
		a.addShelf("Owned")
		sh := a.addShelf("Book club")
		a.get(plain, "/shelves")
		res := a.do(plain, http.MethodPost, shelfPath(sh.ID), name("owned"))
		res.wantStatus(t, http.StatusUnprocessableEntity)
		doc := res.page(t)
		id := strconv.FormatInt(sh.ID, 10)
		one(t, doc, "#shelf-"+id+" details[open]")
		wantAttr(t, one(t, doc, "#rename-"+id), "value", "owned")
		wantText(t, one(t, doc, "#rename-"+id+"-error"), "You already have a shelf called “Owned”.")
	})
	t.Run("ErrCSRF", func(t *testing.T) {
		a := newTestApp(t)
		sh := a.addShelf("Book club")
		a.send(a.request(plain, http.MethodPost, shelfPath(sh.ID), name("X"))).wantStatus(t, http.StatusForbidden)
	})
}

func TestMoveShelf(t *testing.T) {
	a := newTestApp(t)
	a.addShelf("A")
	a.addShelf("B")
	c := a.addShelf("C")
	a.get(plain, "/shelves")
	a.do(plain, http.MethodPost, shelfPath(c.ID, "move"), url.Values{"position": {"0"}}).wantRedirect(t, "/shelves")
	if got, want := strings.Join(a.shelfNames(), ","), "C,A,B"; got != want {
		t.Errorf("order = %s, want %s", got, want)
	}
	a.do(plain, http.MethodPost, shelfPath(c.ID, "move"), url.Values{"position": {"up"}}).wantStatus(t, http.StatusBadRequest)
	a.send(a.request(plain, http.MethodPost, shelfPath(c.ID, "move"), url.Values{"position": {"2"}})).wantStatus(t, http.StatusForbidden)
	if got, want := strings.Join(a.shelfNames(), ","), "C,A,B"; got != want {
		t.Errorf("order = %s, want %s", got, want)
	}
}

func TestDeleteShelf(t *testing.T) {
	a := newTestApp(t)
	sh := a.addShelf("<script>Club</script>")
	b := a.create("Dune", "Frank Herbert", "")
	if err := a.db.Shelves().Shelve(t.Context(), a.reader.ID, b.ID, sh.ID); err != nil {
		t.Fatal(err)
	}
	res := a.get(plain, shelfPath(sh.ID, "delete"))
	res.wantStatus(t, http.StatusOK)
	if strings.Contains(res.body, "<script>Club") {
		t.Error("the shelf name is not escaped")
	}
	form := one(t, res.page(t), "main form")
	wantAttr(t, form, "action", shelfPath(sh.ID, "delete"))
	one(t, form, `input[name="_csrf"]`)

	a.send(a.request(plain, http.MethodPost, shelfPath(sh.ID, "delete"), url.Values{})).wantStatus(t, http.StatusForbidden)
	a.do(plain, http.MethodPost, shelfPath(sh.ID, "delete"), nil).wantRedirect(t, "/shelves")
	if got := a.shelfNames(); len(got) != 0 {
		t.Errorf("shelves = %q, want none", got)
	}
	a.stored(b.ID) // the book stays
	a.do(plain, http.MethodPost, shelfPath(sh.ID, "delete"), nil).wantStatus(t, http.StatusNotFound)
}

// TestShelfNotFound checks that another reader's shelf, and a shelf that is not there, are 404
// on every shelf route, and that nothing changes.
func TestShelfNotFound(t *testing.T) {
	a := newTestApp(t)
	theirs := a.addShelf("Theirs")
	other := a.browser()
	other.signIn(other.addUser("other"))
	for _, id := range []string{strconv.FormatInt(theirs.ID, 10), "999", "x"} {
		for _, r := range []struct {
			method, path string
			form         url.Values
		}{
			{http.MethodGet, "/shelves/" + id + "/delete", nil},
			{http.MethodPost, "/shelves/" + id + "/delete", url.Values{}},
			{http.MethodPost, "/shelves/" + id, name("Mine now")},
			{http.MethodPost, "/shelves/" + id + "/move", url.Values{"position": {"0"}}},
		} {
			t.Run(r.method+" "+r.path, func(t *testing.T) {
				other.t = t
				other.do(plain, r.method, r.path, r.form).wantStatus(t, http.StatusNotFound)
			})
		}
	}
	if got := a.shelfNames(); len(got) != 1 || got[0] != "Theirs" {
		t.Errorf("shelves = %q, want [Theirs]", got)
	}
}

// TestShelvesHTMX checks that every change on the shelves page answers htmx with the panel alone:
// 200 after a change, 422 with the message beside the field; another reader's shelf stays 404.
func TestShelvesHTMX(t *testing.T) {
	a := newTestApp(t)
	a.get(plain, "/shelves")
	panel := func(res response, status int) *goquery.Selection {
		t.Helper()
		res.wantStatus(t, status)
		return one(t, res.parts(t), "section#shelves-panel")
	}
	p := panel(a.do(htmx, http.MethodPost, "/shelves", name("Book club")), http.StatusOK)
	wantText(t, one(t, p, "#shelf-list .shelf-name"), "Book club")
	p = panel(a.do(htmx, http.MethodPost, "/shelves", name("book CLUB")), http.StatusUnprocessableEntity)
	wantText(t, one(t, p, "#field-name-error"), "You already have a shelf called “Book club”.")
	wantAttr(t, one(t, p, "#field-name"), "value", "book CLUB")

	owned := a.addShelf("Owned")
	id := strconv.FormatInt(owned.ID, 10)
	p = panel(a.do(htmx, http.MethodPost, shelfPath(owned.ID, "move"), url.Values{"position": {"0"}}), http.StatusOK)
	wantText(t, one(t, p, "#shelf-list li:first-child .shelf-name"), "Owned")
	p = panel(a.do(htmx, http.MethodPost, shelfPath(owned.ID), name("Book club")), http.StatusUnprocessableEntity)
	wantText(t, one(t, p, "#rename-"+id+"-error"), "You already have a shelf called “Book club”.")
	p = panel(a.do(htmx, http.MethodPost, shelfPath(owned.ID), name("Mine")), http.StatusOK)
	wantText(t, one(t, p, "#shelf-"+id+" .shelf-name"), "Mine")
	p = panel(a.do(htmx, http.MethodPost, shelfPath(owned.ID, "delete"), nil), http.StatusOK)
	none(t, p, "#shelf-"+id)
	if got := a.shelfNames(); len(got) != 1 || got[0] != "Book club" {
		t.Errorf("shelves = %q, want [Book club]", got)
	}
	// The Delete link deletes in place with htmx, and leads to the confirmation without it.
	link := one(t, a.get(plain, "/shelves").page(t), `#shelf-list a[data-action="delete"]`)
	wantAttr(t, link, "hx-post", link.AttrOr("href", ""))

	other := a.browser()
	other.signIn(other.addUser("other"))
	for _, path := range []string{shelfPath(owned.ID, "delete"), a.shelfPathOf("Book club")} {
		other.do(htmx, http.MethodPost, path, name("Theirs")).wantStatus(t, http.StatusNotFound)
	}
	if got := a.shelfNames(); len(got) != 1 || got[0] != "Book club" {
		t.Errorf("shelves = %q, want [Book club]", got)
	}
}

// shelfPathOf is the URL of the signed-in reader's shelf called n.
func (a *testApp) shelfPathOf(n string) string {
	a.t.Helper()
	shelves, err := a.db.Shelves().List(a.t.Context(), a.reader.ID)
	if err != nil {
		a.t.Fatal(err)
	}
	for _, sh := range shelves {
		if sh.Name == n {
			return shelfPath(sh.ID)
		}
	}
	a.t.Fatalf("no shelf %q", n)
	return ""
}
