package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/bookcase/bookcase/data"
)

// grSeriesFile is a Goodreads export whose titles carry their series.
const grSeriesFile = grHeader +
	"8855321,\"Leviathan Wakes (The Expanse, #1)\",James S.A. Corey,\"Corey, James S.A.\",,,,5,4.27,Orbit,Paperback,561,2011,2011,2021/03/01,2021/02/01,,,read,,,,1,0\n" +
	"8855000,\"Caliban's War (The Expanse, #2)\",James S.A. Corey,\"Corey, James S.A.\",,,,0,4.33,Orbit,Paperback,595,2012,2012,,2021/02/01,,,to-read,,,,0,0\n" +
	"68428,Mistborn (Book 1),Brandon Sanderson,\"Sanderson, Brandon\",,,,0,4.47,,Paperback,541,2006,2006,,2021/02/04,,,to-read,,,,0,0\n"

// TestImportSeriesReview: the review shows each row's series apart from its title, the fix form
// edits them (a bad position is a 422 beside the field, in place or on its own page) and can keep
// the title whole, and the import makes the series, whose page lists the books.
func TestImportSeriesReview(t *testing.T) {
	a := newTestApp(t)
	id := a.uploaded("goodreads_library_export.csv", []byte(grSeriesFile))
	doc := a.get(plain, importURL(id)).page(t)
	row := one(t, doc, `tr[data-n="1"]`)
	wantText(t, one(t, row, `[data-testid="import-series"]`), "The Expanse, #1")
	if got := squash(one(t, row, "td.title").Contents().First().Text()); got != "Leviathan Wakes" {
		t.Errorf("title = %q, want it without its series", got)
	}
	none(t, one(t, doc, `tr[data-n="3"]`), `[data-testid="import-series"]`)

	for _, m := range modes {
		res := a.get(m, importURL(id, "/rows/1/edit"))
		res.wantStatus(t, http.StatusOK)
		var form finder
		if m.htmx {
			form = res.fragment(t)
		} else {
			form = res.page(t)
		}
		wantAttr(t, one(t, form, `input[name="series"]`), "value", "The Expanse, #1")
		wantAttr(t, one(t, form, `input[name="title"]`), "value", "Leviathan Wakes")
		one(t, form, `input[type="checkbox"][name="keepTitle"]`)

		bad := a.do(m, http.MethodPost, importURL(id, "/rows/1"), url.Values{
			"title": {"Leviathan Wakes"}, "author": {"James S.A. Corey"}, "status": {"read"}, "series": {"The Expanse, #3-1"}})
		bad.wantStatus(t, http.StatusUnprocessableEntity)
		if m.htmx {
			form = bad.fragment(t)
		} else {
			form = bad.page(t)
		}
		wantText(t, one(t, form, "#fix-1-series-error"), "“The Expanse, #3-1”: A range runs from the lower number to the higher, like 1-3.")
		wantAttr(t, one(t, form, `input[name="series"][autofocus]`), "value", "The Expanse, #3-1")
	}

	// Moved to the place the reader says, in place.
	good := a.do(htmx, http.MethodPost, importURL(id, "/rows/2"), url.Values{
		"title": {"Caliban's War"}, "author": {"James S.A. Corey"}, "status": {"want"}, "series": {"The  Expanse #2.0"}})
	good.wantStatus(t, http.StatusOK)
	wantText(t, one(t, good.fragment(t), `tr[data-n="2"] [data-testid="import-series"]`), "The Expanse, #2")
	// Kept whole, without JavaScript: the title has its series back, and the row none.
	a.do(plain, http.MethodPost, importURL(id, "/rows/1"), url.Values{
		"title": {"Leviathan Wakes"}, "author": {"James S.A. Corey"}, "status": {"read"}, "series": {"The Expanse, #1"}, "keepTitle": {"1"}}).
		wantRedirect(t, importURL(id))
	doc = a.get(plain, importURL(id)).page(t)
	row = one(t, doc, `tr[data-n="1"]`)
	wantText(t, one(t, row, "td.title"), "Leviathan Wakes (The Expanse, #1)")
	none(t, row, `[data-testid="import-series"]`)

	a.do(plain, http.MethodPost, importURL(id, "/confirm"), url.Values{"onDuplicate": {"skip"}}).wantRedirect(t, importURL(id))
	if im := a.waitImport(id); im.State != data.ImportDone || im.Created != 3 {
		t.Fatalf("import = %+v", im)
	}
	list, err := a.db.Series().List(t.Context(), a.reader.ID)
	if err != nil || len(list) != 1 || list[0].Name != "The Expanse" || list[0].Books != 1 {
		t.Fatalf("series = %+v, %v; want The Expanse with Caliban's War", list, err)
	}
	page := a.get(plain, "/series/"+strconv.FormatInt(list[0].ID, 10)).page(t)
	wantText(t, one(t, page, "h1"), "The Expanse")
	one(t, page, `[data-testid="series-books"] a:contains("Caliban's War")`)
}

// TestExportSeries: the Goodreads-layout CSV writes a book's first series in its title as
// Goodreads does, and every series in Bookcase Series (a name a spreadsheet would run as a
// formula made safe); the JSON export carries them with their positions as printed.
func TestExportSeries(t *testing.T) {
	a := newTestApp(t)
	ctx := t.Context()
	b := a.create("Leviathan Wakes", "James S.A. Corey", "")
	for _, ref := range []data.SeriesRef{{Name: "The Expanse", Position: "1"}, {Name: "=Orbit Books", Position: "0.5"}} {
		if _, err := a.db.Series().AddBook(ctx, a.reader.ID, b.ID, ref); err != nil {
			t.Fatal(err)
		}
	}
	a.create("Emma", "Jane Austen", "")
	rows := readCSV(t, a)
	if got := column(rows[1], "Title"); got != "Leviathan Wakes (=Orbit Books, #0.5)" {
		t.Errorf("Title = %q, want the first series by name in Goodreads' shape", got)
	}
	if got := column(rows[1], "Bookcase Series"); got != "'=Orbit Books, #0.5; The Expanse, #1" {
		t.Errorf("Bookcase Series = %q", got)
	}
	if got := column(rows[2], "Title") + "|" + column(rows[2], "Bookcase Series"); got != "Emma|" {
		t.Errorf("Emma = %q, want no series", got)
	}
	res := a.get(plain, "/export/bookcase.json")
	res.wantStatus(t, http.StatusOK)
	if !strings.Contains(res.body, `"series":[{"name":"=Orbit Books","position":"0.5"},{"name":"The Expanse","position":"1"}]`) {
		t.Errorf("no series in\n%s", res.body)
	}
}
