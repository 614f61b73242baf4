package data_test

import (
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/bookcase/bookcase/data"
)

// storedAuthors is what the store keeps of a book's people: its author text, its author sort key
// and its contributors as the library reads them.
type storedAuthors struct {
	Text, Sort string
	People     []data.BookContributor
}

// authorsOf reads what the store keeps of the owner's book titled title, and the id of each of
// its authors.
func authorsOf(t *testing.T, db *data.DB, owner int64, title string) (storedAuthors, []int64) {
	t.Helper()
	write, _ := db.Pools()
	var b struct {
		ID   int64   `db:"id"`
		Text string  `db:"author"`
		Sort *string `db:"author_sort"`
	}
	if err := write.Get(&b, `SELECT id, author, author_sort FROM books WHERE owner_id = ? AND title = ?`, owner, title); err != nil {
		t.Fatalf("book %q: %v", title, err)
	}
	if b.Sort == nil {
		t.Fatalf("book %q has no author sort key", title)
	}
	people, err := db.Authors().OfBook(t.Context(), owner, b.ID)
	if err != nil {
		t.Fatalf("contributors of %q: %v", title, err)
	}
	ids := make([]int64, len(people))
	for i := range people {
		ids[i] = people[i].AuthorID
		people[i].BookID, people[i].AuthorID = 0, 0
	}
	return storedAuthors{b.Text, *b.Sort, people}, ids
}

// TestImportContributorsAsTyped checks that an import gives its books the authors, author text and
// sort keys the same books typed into the library get, in batches of a few rows: one author for
// two spellings of a name, a name given twice once, the roles and order of a list, and the author
// the reader had before the import.
func TestImportContributorsAsTyped(t *testing.T) {
	db := openDB(t)
	db.SetImportBatches(2)
	ada, bob := addReader(t, db, "ada"), addReader(t, db, "bob")
	books := []struct{ title, typed string }{
		{"Mort", "Terry Pratchett"},
		{"The Hobbit", "J.R.R. Tolkien"},
		{"The Silmarillion", "J. R. R. Tolkien"},
		{"My Brilliant Friend", "Elena Ferrante, Ann Goldstein (translator)"},
		{"Good Omens", "Terry Pratchett, Neil Gaiman, Terry Pratchett"},
		{"A Wizard of Earthsea", "Le Guin, Ursula K."},
		{"The Magic Toyshop", "Angela Carter; Angela Carter (illustrator)"},
	}
	for _, b := range books {
		if _, err := db.Books().Create(t.Context(), bob.ID, data.BookInput{Title: b.title, Author: b.typed}); err != nil {
			t.Fatalf("bob types %q: %v", b.title, err)
		}
	}
	if _, err := db.Books().Create(t.Context(), ada.ID, data.BookInput{Title: books[0].title, Author: books[0].typed}); err != nil {
		t.Fatal(err)
	}
	var rows []data.ImportRow
	for _, b := range books[1:] {
		row := data.ImportRow{Title: b.title, Author: b.typed, Status: data.StatusWant}
		if b.title == "Good Omens" { // as Goodreads gives them: the first author, then the others
			row.Author, row.OtherAuthors = "Terry Pratchett", []string{"Neil Gaiman", "Terry Pratchett"}
		}
		rows = append(rows, row)
	}
	if _, err := db.Import(t.Context(), ada.ID, rows, data.OnDuplicateSkip); err != nil {
		t.Fatalf("Import: %v", err)
	}
	authorIDs := map[string]int64{}
	for _, b := range books {
		got, ids := authorsOf(t, db, ada.ID, b.title)
		want, _ := authorsOf(t, db, bob.ID, b.title)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q imported:\n got %+v\nwant %+v (as typed)", b.title, got, want)
		}
		for i, p := range got.People {
			key := strings.ToLower(strings.ReplaceAll(p.Name, " ", ""))
			if id, ok := authorIDs[key]; ok && id != ids[i] {
				t.Errorf("%q: %s is author %d, and %d on an earlier book", b.title, p.Name, ids[i], id)
			}
			authorIDs[key] = ids[i]
		}
	}
	write, _ := db.Pools()
	var count int
	if err := write.Get(&count, `SELECT COUNT(*) FROM authors WHERE owner_id = ?`, ada.ID); err != nil {
		t.Fatal(err)
	}
	if count != len(authorIDs) {
		t.Errorf("ada has %d authors, want %d (%v)", count, len(authorIDs), authorIDs)
	}
}

// TestImportIndexesEachBookOnce checks that an import's books are found by search by what they
// are when the import ends: by their publisher and series (written after the book), by what a
// later row of the same file changed, and not by what it replaced, in batches of a few rows.
// Migration 00027 leaves pending books to the importer, which indexes each once it is whole.
func TestImportIndexesEachBookOnce(t *testing.T) {
	db := openDB(t)
	db.SetImportBatches(2)
	ada := addReader(t, db, "ada")
	rows := []data.ImportRow{
		{Title: "Leviathan Wakes", Author: "James S. A. Corey", Status: data.StatusRead, Notes: "Ceres",
			Series: []data.SeriesRef{{Name: "The Expanse", Position: "1"}}, Edition: data.Edition{Publisher: "Orbit"}},
		{Title: "Caliban's War", Author: "James S. A. Corey", Status: data.StatusWant,
			Series: []data.SeriesRef{{Name: "The Expanse", Position: "2"}}},
		{Title: "Ancillary Justice", Author: "Ann Leckie", Status: data.StatusWant, Edition: data.Edition{Publisher: "Orbit"}},
		{Title: "Piranesi", Author: "Susanna Clarke", Status: data.StatusReading, Notes: "labyrinth"},
		// The same book again, further down the file: its notes and genre are the last row's.
		{Title: "Leviathan Wakes", Author: "James S. A. Corey", Status: data.StatusRead, Notes: "Eros", Genre: "Space opera",
			Series: []data.SeriesRef{{Name: "The Expanse", Position: "1"}}, Edition: data.Edition{Publisher: "Orbit"}},
	}
	if _, err := db.Import(t.Context(), ada.ID, rows, data.OnDuplicateUpdate); err != nil {
		t.Fatalf("Import: %v", err)
	}
	for q, want := range map[string][]string{
		"orbit":      {"Ancillary Justice", "Leviathan Wakes"},
		"expanse":    {"Caliban's War", "Leviathan Wakes"},
		"corey":      {"Caliban's War", "Leviathan Wakes"},
		"eros":       {"Leviathan Wakes"},
		"space":      {"Leviathan Wakes"},
		"ceres":      nil,
		"labyrinth":  {"Piranesi"},
		"piranesi":   {"Piranesi"},
		"leckie":     {"Ancillary Justice"},
		"justice":    {"Ancillary Justice"},
		"wakes eros": {"Leviathan Wakes"},
	} {
		page, err := db.Books().Find(t.Context(), ada.ID, data.BookQuery{Search: q, Sort: data.SortTitle, Limit: 10})
		if err != nil {
			t.Fatalf("Find(%q): %v", q, err)
		}
		var got []string
		for _, b := range page.Books {
			got = append(got, b.Title)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("search %q finds %q, want %q", q, got, want)
		}
	}
	if entries := searchIndexed(t, db, "orbit"); entries != 2 {
		t.Errorf("the search index holds %d entries for orbit, want 2 (one a book)", entries)
	}
}

// importSearchMigration is the migration that leaves pending books' search index to their import.
const importSearchMigration = 27

// TestMigrateImportSearch checks migration 00027 both ways: after Up the triggers index a book in
// the library as before (inserted, given a publisher and a series, changed) and leave a pending
// one alone; after Down they index a pending book again.
func TestMigrateImportSearch(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := data.OpenAt(ctx, path, importSearchMigration-1)
	if err != nil {
		t.Fatalf("OpenAt(%d): %v", importSearchMigration-1, err)
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := data.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	write, _ := db.Pools()
	sql := oldWriter(t, db)
	indexed := func(q string, want ...int64) {
		t.Helper()
		var got []int64
		if err := write.SelectContext(ctx, &got, `SELECT rowid FROM books_fts(?) ORDER BY rowid`, q); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("the index has %v for %q, want %v", got, q, want)
		}
	}
	owner := sql(`INSERT INTO users (username, password_hash, created_at) VALUES ('reader', 'x', ?)`, t0)
	book := func(title string, pending any) int64 {
		return sql(`INSERT INTO books (owner_id, title, author, genre, created_at, updated_at, pending_import) VALUES (?, ?, 'Ann Leckie', '', ?, ?, ?)`,
			owner, title, t0, t0, pending)
	}
	justice := book("Ancillary Justice", nil)
	sword := book("Ancillary Sword", 7)
	sid := sql(`INSERT INTO series (owner_id, name, name_key, created_at) VALUES (?, 'Imperial Radch', 'imperial radch', ?)`, owner, t0)
	for _, id := range []int64{justice, sword} {
		sql(`INSERT INTO book_series (book_id, series_id, position, position_sort) VALUES (?, ?, '1', 1)`, id, sid)
		sql(`INSERT INTO editions (book_id, publisher, updated_at) VALUES (?, 'Orbit', ?)`, id, t0)
		sql(`UPDATE books SET genre = 'Space opera' WHERE id = ?`, id)
	}
	indexed("ancillary", justice)
	indexed("radch", justice)
	indexed("orbit", justice)
	indexed("opera", justice)
	sql(`UPDATE editions SET publisher = 'Hachette' WHERE book_id = ?`, justice)
	indexed("hachette", justice)
	indexed("orbit")

	if err := data.MigrateDownTo(ctx, db, importSearchMigration-1); err != nil {
		t.Fatalf("down: %v", err)
	}
	mercy := book("Ancillary Mercy", 8)
	sql(`INSERT INTO editions (book_id, publisher, updated_at) VALUES (?, 'Orbit', ?)`, mercy, t0)
	indexed("mercy", mercy)
	indexed("orbit", mercy)
}
