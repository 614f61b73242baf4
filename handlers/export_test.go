package handlers_test

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

// wantHeader is Goodreads' export header, then Bookcase's own columns.
var wantHeader = []string{"Book Id", "Title", "Author", "Author l-f", "Additional Authors", "ISBN", "ISBN13", "My Rating", "Average Rating", "Publisher", "Binding", "Number of Pages", "Year Published", "Original Publication Year", "Date Read", "Date Added", "Bookshelves", "Bookshelves with positions", "Exclusive Shelf", "My Review", "Spoiler", "Private Notes", "Read Count", "Owned Copies",
	"Bookcase Rating", "Bookcase Genre", "Bookcase Date Started", "Bookcase Date Abandoned", "Bookcase Language", "Bookcase StoryGraph Id", "Bookcase Series"}

// fullBook gives the signed-in reader a book with everything set: details, edition facts, two
// shelves, a finished reading with progress.
func fullBook(t *testing.T, a *testApp) data.Book {
	t.Helper()
	ctx := t.Context()
	b := a.create("Dune", "Frank Herbert", "SF")
	owned, err := a.db.Shelves().Create(ctx, a.reader.ID, "Owned")
	if err != nil {
		t.Fatal(err)
	}
	club, err := a.db.Shelves().Create(ctx, a.reader.ID, "Book club")
	if err != nil {
		t.Fatal(err)
	}
	for _, sh := range []data.Shelf{owned, club} {
		if err := a.db.Shelves().Shelve(ctx, a.reader.ID, b.ID, sh.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.reading.SetDetails(ctx, a.reader.ID, b.ID, data.DetailsInput{Pages: "400", Rating: "4.5", Notes: "Spice, \"must\" flow.\nTwo lines.", ISBN: "0441013597"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.Editions().Set(ctx, a.reader.ID, b.ID, fullEdition); err != nil {
		t.Fatal(err)
	}
	started := time.Now().UTC().AddDate(0, 0, -10)
	if _, err := a.reading.SetStatus(ctx, a.reader.ID, b.ID, data.StatusReading, started); err != nil {
		t.Fatal(err)
	}
	if _, err := a.reading.RecordProgress(ctx, a.reader.ID, b.ID, data.ProgressInput{Page: 120}); err != nil {
		t.Fatal(err)
	}
	b, err = a.reading.SetStatus(ctx, a.reader.ID, b.ID, data.StatusRead, started.AddDate(0, 0, 5))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fullEdition is the edition facts of fullBook's book.
var fullEdition = data.Edition{
	Publisher: "Ace", Year: 1990, OriginalYear: 1965, Language: "en-US", Copies: 2, GoodreadsID: "234225", StoryGraphID: "sg-dune",
}

// readCSV fetches the CSV export and parses it.
func readCSV(t *testing.T, a *testApp) [][]string {
	t.Helper()
	res := a.get(plain, "/export/goodreads.csv")
	res.wantStatus(t, http.StatusOK)
	if got := res.Header.Get("Content-Type"); got != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type = %q, want text/csv; charset=utf-8", got)
	}
	if got := res.Header.Get("Content-Disposition"); got != `attachment; filename="bookcase-goodreads.csv"` {
		t.Errorf("Content-Disposition = %q", got)
	}
	rows, err := csv.NewReader(strings.NewReader(res.body)).ReadAll()
	if err != nil {
		t.Fatalf("parse CSV: %v\n%s", err, res.body)
	}
	if len(rows) == 0 || !slices.Equal(rows[0], wantHeader) {
		t.Fatalf("header = %q, want %q", rows[0], wantHeader)
	}
	return rows
}

// column returns the row's cell under the header name.
func column(row []string, name string) string { return row[slices.Index(wantHeader, name)] }

func TestExportCSV(t *testing.T) {
	a := newTestApp(t)
	b := fullBook(t, a)
	a.create("Emma", "Jane Austen", "")
	other := a.browser()
	other.signIn(other.addUser("other"))
	other.create("Not mine", "Other Author", "")

	rows := readCSV(t, a)
	if len(rows) != 3 {
		t.Fatalf("CSV has %d rows, want the header and 2 books:\n%q", len(rows), rows)
	}
	finished := time.Now().UTC().AddDate(0, 0, -5).Format("2006/01/02")
	want := map[string]string{
		"Book Id": "234225", "Title": "Dune", "Author": "Frank Herbert",
		"Author l-f": "Herbert, Frank", "ISBN": `="0441013597"`, "ISBN13": `="9780441013593"`,
		"My Rating": "5", "Number of Pages": "400", "Date Read": finished,
		"Date Added": b.CreatedAt.Format("2006/01/02"), "Bookshelves": "Owned, Book club, read",
		"Exclusive Shelf": "read", "Private Notes": "Spice, \"must\" flow.\nTwo lines.", "Read Count": "1",
		"Average Rating": "", "Owned Copies": "2", "Publisher": "Ace", "Year Published": "1990",
		"Original Publication Year": "1965", "Bookcase Language": "en-US", "Bookcase StoryGraph Id": "sg-dune",
		"Bookcase Rating": "4.5", "Bookcase Genre": "SF", "Bookcase Date Started": time.Now().UTC().AddDate(0, 0, -10).Format("2006/01/02"),
		"Bookcase Date Abandoned": "",
	}
	for name, w := range want {
		if got := column(rows[1], name); got != w {
			t.Errorf("%s = %q, want %q", name, got, w)
		}
	}
	emma := rows[2]
	// A book with no Goodreads id has no Book Id: Bookcase's own ids are no one's Goodreads ids.
	for name, w := range map[string]string{"Book Id": "", "Publisher": "", "Owned Copies": "0", "Title": "Emma", "ISBN": `=""`, "ISBN13": `=""`, "My Rating": "0", "Number of Pages": "", "Date Read": "", "Exclusive Shelf": "to-read", "Bookshelves": "to-read", "Read Count": "0"} {
		if got := column(emma, name); got != w {
			t.Errorf("Emma's %s = %q, want %q", name, got, w)
		}
	}
	if strings.Contains(strings.Join(slices.Concat(rows...), "|"), "Not mine") {
		t.Error("the CSV holds another reader's book")
	}
}

func TestExportCSVInjection(t *testing.T) {
	a := newTestApp(t)
	for _, v := range []string{"=SUM(A1)", "+1", "-1", "@x"} {
		b := a.create(v, v, "")
		if _, err := a.reading.SetDetails(t.Context(), a.reader.ID, b.ID, data.DetailsInput{Notes: v}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.db.Editions().Set(t.Context(), a.reader.ID, b.ID, data.Edition{Publisher: v}); err != nil {
			t.Fatal(err)
		}
	}
	rows := readCSV(t, a)
	want := []string{"=SUM(A1)", "+1", "-1", "@x"}
	for i, row := range rows[1:] {
		for _, name := range []string{"Title", "Author", "Private Notes", "Publisher"} {
			got := column(row, name)
			if got != "'"+want[i] {
				t.Errorf("%s = %q, want %q neutralised as %q", name, got, want[i], "'"+want[i])
			}
			if back := strings.TrimPrefix(got, "'"); back != want[i] {
				t.Errorf("%s without its leading ' = %q, want the original %q", name, back, want[i])
			}
		}
	}
}

func TestExportJSON(t *testing.T) {
	a := newTestApp(t)
	b := fullBook(t, a)
	a.create("Emma", "Jane Austen", "")
	other := a.browser()
	other.signIn(other.addUser("other"))
	other.create("Not mine", "Other Author", "")

	res := a.get(plain, "/export/bookcase.json")
	res.wantStatus(t, http.StatusOK)
	if got := res.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", got)
	}
	if got := res.Header.Get("Content-Disposition"); !strings.HasPrefix(got, "attachment;") {
		t.Errorf("Content-Disposition = %q, want an attachment", got)
	}
	type readThrough struct {
		StartedOn     string  `json:"started_on"`
		FinishedOn    *string `json:"finished_on"`
		Outcome       string  `json:"outcome"`
		StoppedAtPage *int    `json:"stopped_at_page"`
	}
	var doc struct {
		Format     string    `json:"format"`
		Version    int       `json:"version"`
		ExportedAt time.Time `json:"exported_at"`
		Shelves    []struct {
			Name     string `json:"name"`
			Position int    `json:"position"`
		} `json:"shelves"`
		Books []struct {
			ID           int64  `json:"id"`
			Title        string `json:"title"`
			Author       string `json:"author"`
			Contributors []struct {
				Name     string `json:"name"`
				SortName string `json:"sort_name"`
				Role     string `json:"role"`
			} `json:"contributors"`
			Genre        string        `json:"genre"`
			Status       string        `json:"status"`
			Format       string        `json:"format"`
			Pages        *int          `json:"pages"`
			Minutes      *int          `json:"minutes"`
			Rating       *float64      `json:"rating"`
			Notes        string        `json:"notes"`
			Review       string        `json:"review"`
			Spoiler      bool          `json:"spoiler"`
			ISBN         *string       `json:"isbn"`
			CreatedAt    time.Time     `json:"created_at"`
			UpdatedAt    time.Time     `json:"updated_at"`
			Shelves      []string      `json:"shelves"`
			ReadThroughs []readThrough `json:"read_throughs"`
			Progress     []struct {
				Page       int       `json:"page"`
				Percent    float64   `json:"percent"`
				RecordedAt time.Time `json:"recorded_at"`
			} `json:"progress"`
			Edition *struct {
				Publisher    string `json:"publisher"`
				Year         int    `json:"year"`
				OriginalYear int    `json:"original_year"`
				Language     string `json:"language"`
				Copies       int    `json:"copies"`
				GoodreadsID  string `json:"goodreads_id"`
				StoryGraphID string `json:"storygraph_id"`
			} `json:"edition"`
		} `json:"books"`
	}
	dec := json.NewDecoder(strings.NewReader(res.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("decode: %v\n%s", err, res.body)
	}
	if doc.Format != "bookcase" || doc.Version != 1 || doc.ExportedAt.IsZero() {
		t.Errorf("format, version, exported_at = %q, %d, %v", doc.Format, doc.Version, doc.ExportedAt)
	}
	if len(doc.Shelves) != 2 || doc.Shelves[0].Name != "Owned" || doc.Shelves[1].Name != "Book club" {
		t.Errorf("shelves = %+v, want Owned then Book club", doc.Shelves)
	}
	if len(doc.Books) != 2 {
		t.Fatalf("books = %+v, want the reader's 2", doc.Books)
	}
	d := doc.Books[0]
	if len(d.Contributors) != 1 || d.Contributors[0].Name != "Frank Herbert" || d.Contributors[0].SortName != "Herbert, Frank" || d.Contributors[0].Role != "author" {
		t.Errorf("contributors %+v, want Frank Herbert filed under Herbert, Frank", d.Contributors)
	}
	if d.ID != b.ID || d.Title != "Dune" || d.Author != "Frank Herbert" || d.Genre != "SF" || d.Status != "read" ||
		d.Pages == nil || *d.Pages != 400 || d.Rating == nil || *d.Rating != 4.5 || d.Notes != b.Notes ||
		d.ISBN == nil || *d.ISBN != "9780441013593" || d.CreatedAt.IsZero() || d.UpdatedAt.IsZero() {
		t.Errorf("Dune = %+v", d)
	}
	if ed := d.Edition; ed == nil || (data.Edition{Publisher: ed.Publisher, Year: ed.Year, OriginalYear: ed.OriginalYear, Language: ed.Language,
		Copies: ed.Copies, GoodreadsID: ed.GoodreadsID, StoryGraphID: ed.StoryGraphID}) != fullEdition {
		t.Errorf("Dune's edition = %+v, want %+v", ed, fullEdition)
	}
	if !slices.Equal(d.Shelves, []string{"Owned", "Book club"}) {
		t.Errorf("Dune's shelves = %q", d.Shelves)
	}
	started := time.Now().UTC().AddDate(0, 0, -10).Format(time.DateOnly)
	finished := time.Now().UTC().AddDate(0, 0, -5).Format(time.DateOnly)
	if len(d.ReadThroughs) != 1 || d.ReadThroughs[0].StartedOn != started || d.ReadThroughs[0].FinishedOn == nil ||
		*d.ReadThroughs[0].FinishedOn != finished || d.ReadThroughs[0].Outcome != "read" || d.ReadThroughs[0].StoppedAtPage != nil {
		t.Errorf("Dune's read-throughs = %+v", d.ReadThroughs)
	}
	if len(d.Progress) != 1 || d.Progress[0].Page != 120 || d.Progress[0].Percent != 30 || d.Progress[0].RecordedAt.IsZero() {
		t.Errorf("Dune's progress = %+v, want page 120 (30%%)", d.Progress)
	}
	e := doc.Books[1]
	if e.Title != "Emma" || e.Pages != nil || e.Rating != nil || e.ISBN != nil || e.Status != "want" ||
		e.Shelves == nil || e.ReadThroughs == nil || e.Progress == nil || e.Edition != nil {
		t.Errorf("Emma = %+v, want nulls for unknowns and empty lists", e)
	}
}

func TestExportPage(t *testing.T) {
	a := newTestApp(t)
	res := a.get(plain, "/books")
	one(t, res.page(t), `header nav a[href="/export"]`)
	doc := a.get(plain, "/export").page(t)
	wantAttr(t, one(t, doc, `[data-testid="export-csv"]`), "href", "/export/goodreads.csv")
	wantAttr(t, one(t, doc, `[data-testid="export-json"]`), "href", "/export/bookcase.json")
}

func TestExportSignedOut(t *testing.T) {
	a := newTestApp(t).browser()
	for _, target := range []string{"/export", "/export/goodreads.csv", "/export/bookcase.json"} {
		t.Run(target, func(t *testing.T) {
			a.get(plain, target).wantRedirect(t, "/login?next="+url.QueryEscape(target))
		})
	}
}
