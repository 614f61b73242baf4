package data_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

// titles returns the titles of a page's books, in order.
func titles(books []data.Book) []string {
	out := make([]string, len(books))
	for i, b := range books {
		out[i] = b.Title
	}
	return out
}

func find(t *testing.T, books *data.BookStore, owner int64, q data.BookQuery) data.BookPage {
	t.Helper()
	page, err := books.Find(t.Context(), owner, q)
	if err != nil {
		t.Fatalf("Find(%+v): %v", q, err)
	}
	return page
}

// findAll pages through every book q finds, limit at a time, and checks no page repeats a book.
func findAll(t *testing.T, books *data.BookStore, owner int64, q data.BookQuery) []data.Book {
	t.Helper()
	var all []data.Book
	seen := map[int64]bool{}
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("Find never reached the last page")
		}
		page := find(t, books, owner, q)
		for _, b := range page.Books {
			if seen[b.ID] {
				t.Fatalf("book %d (%q) came twice", b.ID, b.Title)
			}
			seen[b.ID] = true
		}
		all = append(all, page.Books...)
		if page.Cursor == "" {
			return all
		}
		q.Cursor = page.Cursor
	}
}

func TestFindSearch(t *testing.T) {
	db := openDB(t)
	books := db.Books()
	owner := addReader(t, db, "reader").ID
	other := addReader(t, db, "other").ID
	hobbit := mustCreate(t, books, owner, data.BookInput{Title: "The Hobbit", Author: "J. R. R. Tolkien", Genre: "Fantasy"})
	cien := mustCreate(t, books, owner, data.BookInput{Title: "Cien años de soledad", Author: "Gabriel García Márquez", Genre: "Novel"})
	solaris := mustCreate(t, books, owner, data.BookInput{Title: "Solaris", Author: "Stanisław Lem", Genre: "Science fiction"})
	smilla := mustCreate(t, books, owner, data.BookInput{Title: "Frøken Smillas fornemmelse for sne", Author: "Peter Høeg"})
	dune := mustCreate(t, books, owner, data.BookInput{Title: "Dune", Author: "Frank Herbert", Genre: "Science fiction"})
	if _, err := db.Reading().SetDetails(t.Context(), owner, dune.ID, data.DetailsInput{Notes: "Desert planet, spice.\nRe-read in 2024.", ISBN: "0441013597"}); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, books, other, data.BookInput{Title: "The Silmarillion", Author: "J. R. R. Tolkien", Genre: "Fantasy"})
	mustCreate(t, books, other, data.BookInput{Title: "Dune Messiah", Author: "Frank Herbert"})

	for _, tc := range []struct {
		name, search string
		want         []data.Book
	}{
		{"Prefix", "tolk", []data.Book{hobbit}},
		{"Case", "TOLKIEN", []data.Book{hobbit}},
		{"AccentsInBook", "garcia marquez", []data.Book{cien}},
		{"AccentsInSearch", "Gárcía", []data.Book{cien}},
		{"AccentInTitle", "anos", []data.Book{cien}},
		{"PolishLetter", "stanislaw", []data.Book{solaris}},
		{"PolishLetterTyped", "Stanisł", []data.Book{solaris}},
		{"DanishLetter", "hoeg frok", []data.Book{smilla}},
		{"MultiWord", "hobbit tolk", []data.Book{hobbit}},
		{"MultiWordAllRequired", "hobbit lem", nil},
		{"WordOrderFree", "herbert dune", []data.Book{dune}},
		{"Genre", "fantasy", []data.Book{hobbit}},
		{"SharedGenre", "science", []data.Book{dune, solaris}},
		{"Notes", "spice", []data.Book{dune}},
		{"NotesSecondLine", "2024", []data.Book{dune}},
		{"ISBN13", "9780441013593", []data.Book{dune}},
		{"ISBN10WithHyphens", "0-441-01359-7", []data.Book{dune}},
		{"ISBNPrefixWithHyphens", "978-0441", []data.Book{dune}},
		{"MiddleOfWordDoesNotMatch", "olkien", nil},
		{"Punctuation", "J. R. R.", []data.Book{hobbit}},
		{"FTSSyntaxIsText", `"the" OR dune* NEAR(x) -`, nil},
		{"OnlyPunctuation", `*"()`, nil},
		{"OtherReadersBooksNeverMatch", "silmarillion", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := find(t, books, owner, data.BookQuery{Search: tc.search})
			if !slices.Equal(ids(got.Books), ids(tc.want)) {
				t.Errorf("Search %q found %q, want %q", tc.search, titles(got.Books), titles(tc.want))
			}
			n, err := books.FindCount(t.Context(), owner, data.BookQuery{Search: tc.search}, 100)
			if err != nil || n != len(tc.want) {
				t.Errorf("FindCount(%q) = %d, %v; want %d", tc.search, n, err, len(tc.want))
			}
		})
	}

	t.Run("FollowsEdits", func(t *testing.T) {
		if _, err := books.Update(t.Context(), owner, hobbit.ID, data.BookInput{Title: "There and Back Again", Author: "J. R. R. Tolkien"}); err != nil {
			t.Fatal(err)
		}
		if got := find(t, books, owner, data.BookQuery{Search: "hobbit"}); len(got.Books) != 0 {
			t.Errorf("old title still found: %q", titles(got.Books))
		}
		if got := find(t, books, owner, data.BookQuery{Search: "there back"}); !slices.Equal(ids(got.Books), []int64{hobbit.ID}) {
			t.Errorf("new title found %q", titles(got.Books))
		}
	})
	t.Run("DeletedBooksDoNotMatchUntilRestored", func(t *testing.T) {
		if _, err := books.Delete(t.Context(), owner, solaris.ID); err != nil {
			t.Fatal(err)
		}
		if got := find(t, books, owner, data.BookQuery{Search: "solaris"}); len(got.Books) != 0 {
			t.Errorf("deleted book found: %q", titles(got.Books))
		}
		if _, err := books.Restore(t.Context(), owner, solaris.ID); err != nil {
			t.Fatal(err)
		}
		if got := find(t, books, owner, data.BookQuery{Search: "solaris"}); len(got.Books) != 1 {
			t.Errorf("restored book not found: %q", titles(got.Books))
		}
	})
	t.Run("PurgedBooksLeaveTheIndex", func(t *testing.T) {
		if _, err := books.Delete(t.Context(), owner, cien.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := books.PurgeDeleted(t.Context(), -1); err != nil {
			t.Fatal(err)
		}
		write, _ := db.Pools()
		left := `SELECT COUNT(*) FROM books_fts WHERE books_fts MATCH 'soledad'`
		if data.OnPostgres() {
			left = `SELECT COUNT(*) FROM book_search WHERE doc @@ to_tsquery('simple', 'soledad')`
		}
		var n int
		if err := write.Get(&n, left); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d index entries left for a purged book", n)
		}
	})
}

// library makes n books for owner with titles, authors, genres, ratings and statuses spread so
// that every order has ties and missing values.
func library(t *testing.T, db *data.DB, owner int64, n int, rng *rand.Rand) []data.Book {
	t.Helper()
	books := db.Books()
	words := []string{"alpha", "Bravo", "charlie", "Delta", "echo", "foxtrot"}
	var out []data.Book
	// Books are added on days out of the order they are written in, several on one day, as an
	// import does with a file's Date Added.
	defer db.SetClock(func() time.Time { return time.Now().UTC() })
	for i := range n {
		added := time.Date(2020, 1, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(n/3+1))
		db.SetClock(func() time.Time { return added })
		in := data.BookInput{
			Title:  words[rng.IntN(len(words))] + " " + words[rng.IntN(len(words))],
			Author: words[rng.IntN(3)] + " Writer",
			Genre:  []string{"Fantasy", "fantasy", "History", ""}[i%4],
			Status: data.Statuses()[rng.IntN(4)],
		}
		b := mustCreate(t, books, owner, in)
		if rng.IntN(3) > 0 {
			rating := fmt.Sprint(1 + rng.IntN(5))
			if _, err := db.Reading().SetDetails(t.Context(), owner, b.ID, data.DetailsInput{Rating: rating, Pages: "300"}); err != nil {
				t.Fatal(err)
			}
		}
		if in.Status == data.StatusReading && rng.IntN(2) == 0 {
			if _, err := db.Reading().RecordProgress(t.Context(), owner, b.ID, data.ProgressInput{Page: 1 + rng.IntN(299)}); err != nil {
				t.Fatal(err)
			}
		}
		b, err := books.Get(t.Context(), owner, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// sortKeys reads the stored progress and finish date of every book, by id.
func sortKeys(t *testing.T, db *data.DB) map[int64][2]any {
	t.Helper()
	write, _ := db.Pools()
	rows, err := write.Query(`SELECT id, progress, CAST(finished_on AS TEXT) FROM books`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	keys := map[int64][2]any{}
	for rows.Next() {
		var id int64
		var progress, finished any
		if err := rows.Scan(&id, &progress, &finished); err != nil {
			t.Fatal(err)
		}
		keys[id] = [2]any{progress, finished}
	}
	return keys
}

// less orders two books as Find does for the order s ascending, keys being their stored keys.
func less(s data.Sort, a, b data.Book, keys map[int64][2]any, desc bool) int {
	num := func(v any, missing float64) float64 {
		switch x := v.(type) {
		case float64:
			return x
		case int64:
			return float64(x)
		}
		return missing
	}
	text := func(v any, missing string) string {
		switch x := v.(type) {
		case string:
			return x
		case []byte:
			return string(x)
		}
		return missing
	}
	missingNum, missingText := 1e9, "9999-12-31"
	if desc {
		missingNum, missingText = -1, ""
	}
	var c int
	switch s {
	case data.SortTitle:
		c = strings.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title))
	case data.SortAuthor:
		c = strings.Compare(strings.ToLower(a.Author), strings.ToLower(b.Author))
	case data.SortRating:
		ra, rb := float64(a.Rating), float64(b.Rating)
		if a.Rating == 0 {
			ra = missingNum
		}
		if b.Rating == 0 {
			rb = missingNum
		}
		c = cmpFloat(ra, rb)
	case data.SortProgress:
		c = cmpFloat(num(keys[a.ID][0], missingNum), num(keys[b.ID][0], missingNum))
	case data.SortFinished:
		c = strings.Compare(text(keys[a.ID][1], missingText), text(keys[b.ID][1], missingText))
	case data.SortAdded:
		c = a.CreatedAt.Compare(b.CreatedAt)
	}
	if c == 0 {
		c = cmpFloat(float64(a.ID), float64(b.ID))
	}
	if desc {
		return -c
	}
	return c
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestFindOrders(t *testing.T) {
	db := openDB(t)
	owner := addReader(t, db, "reader").ID
	other := addReader(t, db, "other").ID
	rng := rand.New(rand.NewPCG(1, 2))
	mine := library(t, db, owner, 90, rng)
	library(t, db, other, 20, rng)
	keys := sortKeys(t, db)
	books := db.Books()
	for _, s := range data.Sorts() {
		for _, desc := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/desc=%v", s, desc), func(t *testing.T) {
				want := slices.Clone(mine)
				slices.SortFunc(want, func(a, b data.Book) int { return less(s, a, b, keys, desc) })
				got := findAll(t, books, owner, data.BookQuery{Sort: s, Reverse: desc != s.DefaultDesc(), Limit: 7})
				if !slices.Equal(ids(got), ids(want)) {
					t.Errorf("order:\n got %v\nwant %v", ids(got), ids(want))
				}
			})
		}
	}
	t.Run("MissingValuesLastBothWays", func(t *testing.T) {
		for _, desc := range []bool{false, true} {
			got := findAll(t, books, owner, data.BookQuery{Sort: data.SortRating, Reverse: !desc, Limit: 500})
			if got[len(got)-1].Rating != 0 || got[0].Rating == 0 {
				t.Errorf("desc=%v: first rating %d, last rating %d; unrated books go last", desc, got[0].Rating, got[len(got)-1].Rating)
			}
		}
	})
}

func TestFindPagingStableAcrossInserts(t *testing.T) {
	db := openDB(t)
	owner := addReader(t, db, "reader").ID
	rng := rand.New(rand.NewPCG(3, 4))
	original := library(t, db, owner, 60, rng)
	books := db.Books()
	for _, s := range []data.Sort{data.SortAdded, data.SortTitle, data.SortAuthor, data.SortRating} {
		t.Run(string(s), func(t *testing.T) {
			q := data.BookQuery{Sort: s, Limit: 9}
			var got []data.Book
			seen := map[int64]bool{}
			for {
				page := find(t, books, owner, q)
				for _, b := range page.Books {
					if seen[b.ID] {
						t.Fatalf("book %d came twice", b.ID)
					}
					seen[b.ID] = true
				}
				got = append(got, page.Books...)
				// Someone adds books between pages; every page still starts where the last ended.
				library(t, db, owner, 3, rng)
				if page.Cursor == "" {
					break
				}
				q.Cursor = page.Cursor
			}
			for _, b := range original {
				if !seen[b.ID] {
					t.Errorf("book %d (%q) was skipped", b.ID, b.Title)
				}
			}
			keys := sortKeys(t, db)
			if !slices.IsSortedFunc(got, func(a, b data.Book) int { return less(s, a, b, keys, q.Descending()) }) {
				t.Errorf("pages are not in order: %v", ids(got))
			}
		})
	}
}

func TestFindFilters(t *testing.T) {
	db := openDB(t)
	books, shelves := db.Books(), db.Shelves()
	owner := addReader(t, db, "reader").ID
	other := addReader(t, db, "other").ID
	rng := rand.New(rand.NewPCG(5, 6))
	mine := library(t, db, owner, 40, rng)
	shelf, err := shelves.Create(t.Context(), owner, "Favourites")
	if err != nil {
		t.Fatal(err)
	}
	var onShelf []data.Book
	for i, b := range mine {
		if i%3 == 0 {
			if err := shelves.Shelve(t.Context(), owner, b.ID, shelf.ID); err != nil {
				t.Fatal(err)
			}
			onShelf = append(onShelf, b)
		}
	}
	theirs, err := shelves.Create(t.Context(), other, "Theirs")
	if err != nil {
		t.Fatal(err)
	}
	// newest lists the books kept, in the library's default order: last added first.
	newest := func(books []data.Book, keep func(data.Book) bool) []int64 {
		var kept []data.Book
		for _, b := range books {
			if keep(b) {
				kept = append(kept, b)
			}
		}
		slices.SortFunc(kept, func(a, b data.Book) int { return less(data.SortAdded, a, b, nil, true) })
		return ids(kept)
	}
	onShelfIDs := map[int64]bool{}
	for _, b := range onShelf {
		onShelfIDs[b.ID] = true
	}
	for _, tc := range []struct {
		name string
		q    data.BookQuery
		keep func(data.Book) bool
	}{
		{"Status", data.BookQuery{Status: data.StatusRead}, func(b data.Book) bool { return b.Status == data.StatusRead }},
		{"Shelf", data.BookQuery{Shelf: shelf.ID}, func(b data.Book) bool { return onShelfIDs[b.ID] }},
		{"GenreIgnoresCase", data.BookQuery{Genre: "FANTASY"}, func(b data.Book) bool { return strings.EqualFold(b.Genre, "fantasy") }},
		{"AllTogether", data.BookQuery{Status: data.StatusWant, Shelf: shelf.ID, Genre: "fantasy", Search: "writer"},
			func(b data.Book) bool {
				return b.Status == data.StatusWant && onShelfIDs[b.ID] && strings.EqualFold(b.Genre, "fantasy")
			}},
		{"SearchAndStatus", data.BookQuery{Search: "alph", Status: data.StatusReading}, func(b data.Book) bool {
			return b.Status == data.StatusReading && strings.Contains(strings.ToLower(b.Title+" "+b.Author), "alpha")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := tc.q
			q.Limit = 4
			got := findAll(t, books, owner, q)
			if want := newest(mine, tc.keep); !slices.Equal(ids(got), want) || len(want) == 0 {
				t.Errorf("got %v, want %v (and some)", ids(got), want)
			}
		})
	}
	t.Run("ErrNotFoundForAnotherReadersShelf", func(t *testing.T) {
		if _, err := books.Find(t.Context(), owner, data.BookQuery{Shelf: theirs.ID}); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("err = %v, want ErrNotFound", err)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, q := range []data.BookQuery{
			{Status: "finished"},
			{Sort: "price"},
			{Cursor: "not-a-cursor"},
			{Sort: data.SortTitle, Cursor: "12"},
			{Sort: data.SortRating, Cursor: find(t, books, owner, data.BookQuery{Sort: data.SortTitle, Limit: 1}).Cursor},
		} {
			if _, err := books.Find(t.Context(), owner, q); !errors.Is(err, data.ErrInvalid) {
				t.Errorf("Find(%+v) err = %v, want ErrInvalid", q, err)
			}
		}
	})
	t.Run("FindCountStopsPastMax", func(t *testing.T) {
		n, err := books.FindCount(t.Context(), owner, data.BookQuery{Search: "writer"}, 10)
		if err != nil || n != 11 {
			t.Errorf("FindCount = %d, %v; want 11 (max+1)", n, err)
		}
	})
	t.Run("Genres", func(t *testing.T) {
		got, err := books.Genres(t.Context(), owner)
		if err != nil || len(got) != 2 || !strings.EqualFold(got[0], "fantasy") || got[1] != "History" {
			t.Errorf("Genres = %q, %v; want fantasy and History once each", got, err)
		}
	})
}

func TestSortKeysFollowReading(t *testing.T) {
	f := openReading(t)
	b := mustCreate(t, f.books, f.owner, dune)
	f.details(t, b.ID, data.DetailsInput{Pages: "400"})
	key := func() (progress, finished any) {
		t.Helper()
		k := sortKeys(t, f.db)[b.ID]
		if s, ok := k[1].([]byte); ok {
			k[1] = string(s)
		}
		return k[0], k[1]
	}
	check := func(step string, wantProgress, wantFinished any) {
		t.Helper()
		if p, fin := key(); p != wantProgress || fin != wantFinished {
			t.Errorf("%s: progress %v finished %v, want %v %v", step, p, fin, wantProgress, wantFinished)
		}
		// The latest progress kept on the book is the store's progress of the book.
		stored, err := f.books.Get(t.Context(), f.owner, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		want, err := f.reading.Progress(t.Context(), f.owner, b.ID)
		if got := stored.Progress(); err != nil || got.Page != want.Page || got.Percent != want.Percent || !got.RecordedAt.Equal(want.RecordedAt) {
			t.Errorf("%s: Book.Progress() = %+v, store's Progress = %+v, %v", step, got, want, err)
		}
	}
	check("want", nil, nil)
	f.setStatus(t, b.ID, data.StatusReading, day(-10))
	check("started", 0.0, nil)
	f.progress(t, b.ID, "100")
	check("page 100 of 400", 25.0, nil)
	f.progress(t, b.ID, "50%")
	check("50%", 50.0, nil)
	f.details(t, b.ID, data.DetailsInput{Pages: "800"})
	check("longer book", 25.0, nil)
	f.setStatus(t, b.ID, data.StatusRead, day(-2))
	check("read", 100.0, day(-2).Format("2006-01-02"))
	f.setStatus(t, b.ID, data.StatusReading, day(-1))
	check("re-read", 0.0, day(-2).Format("2006-01-02"))
	f.setStatus(t, b.ID, data.StatusDNF, day(0))
	check("did not finish", nil, day(-2).Format("2006-01-02"))
	var first data.ReadThrough
	for _, rt := range f.readThroughs(t, b.ID) {
		if rt.Outcome == data.StatusRead {
			first = rt
		}
	}
	fin := day(-3)
	if _, err := f.reading.EditReadThrough(t.Context(), f.owner, b.ID, first.ID, first.StartedOn, &fin); err != nil {
		t.Fatal(err)
	}
	check("finish date corrected", nil, day(-3).Format("2006-01-02"))
}

// TestFindNarrowFilters covers filters that leave few books of a large library, which Find
// collects before ordering them.
func TestFindNarrowFilters(t *testing.T) {
	db := openDB(t)
	books, shelves := db.Books(), db.Shelves()
	owner := addReader(t, db, "reader").ID
	if err := books.Seed(t.Context(), owner, 2500, 7); err != nil {
		t.Fatal(err)
	}
	shelf, err := shelves.Create(t.Context(), owner, "Rare")
	if err != nil {
		t.Fatal(err)
	}
	var rare []data.Book
	for i, title := range []string{"delta", "Alpha", "echo", "charlie", "bravo"} {
		b := mustCreate(t, books, owner, data.BookInput{Title: title, Author: fmt.Sprint("Author ", 5-i), Genre: "Zymurgy"})
		if err := shelves.Shelve(t.Context(), owner, b.ID, shelf.ID); err != nil {
			t.Fatal(err)
		}
		rare = append(rare, b)
		mustCreate(t, books, owner, data.BookInput{Title: title + " common", Author: "Someone"})
	}
	// The rare books are the library's only audiobooks (the seeded ones made paperbacks), and
	// its only books in Welsh.
	write, _ := db.Pools()
	if _, err := write.ExecContext(t.Context(), `UPDATE books SET format = 'paperback' WHERE owner_id = ? AND format = 'audiobook'`, owner); err != nil {
		t.Fatal(err)
	}
	for _, b := range rare {
		if _, err := books.Update(t.Context(), owner, b.ID, data.BookInput{Title: b.Title, Author: b.Author, Genre: b.Genre, Format: data.FormatAudiobook}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Editions().Set(t.Context(), owner, b.ID, data.Edition{Language: "cy"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		q    data.BookQuery
		want []int
	}{
		{"GenreByTitle", data.BookQuery{Genre: "zymurgy", Sort: data.SortTitle}, []int{1, 4, 3, 0, 2}},
		{"ShelfByAuthor", data.BookQuery{Shelf: shelf.ID, Sort: data.SortAuthor}, []int{4, 3, 2, 1, 0}},
		{"ShelfNewest", data.BookQuery{Shelf: shelf.ID}, []int{4, 3, 2, 1, 0}},
		{"ShelfAndGenreByTitleReversed", data.BookQuery{Shelf: shelf.ID, Genre: "Zymurgy", Sort: data.SortTitle, Reverse: true}, []int{2, 0, 3, 4, 1}},
		{"FormatByTitle", data.BookQuery{Format: data.FormatAudiobook, Sort: data.SortTitle}, []int{1, 4, 3, 0, 2}},
		{"FormatNewest", data.BookQuery{Format: data.FormatAudiobook}, []int{4, 3, 2, 1, 0}},
		{"LanguageByAuthor", data.BookQuery{Language: "cy", Sort: data.SortAuthor}, []int{4, 3, 2, 1, 0}},
		{"LanguageNewest", data.BookQuery{Language: "cy"}, []int{4, 3, 2, 1, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := tc.q
			q.Limit = 2
			var want []int64
			for _, i := range tc.want {
				want = append(want, rare[i].ID)
			}
			if got := findAll(t, books, owner, q); !slices.Equal(ids(got), want) {
				t.Errorf("got %q, want %v", titles(got), want)
			}
		})
	}
}

// TestCompactSearchIndex checks that compacting the search index changes nothing that a search
// finds: after a seeded library (compacted by Seed) has books added, edited, deleted, restored and
// purged one transaction at a time, every search finds the same books, in the same order, before
// and after CompactSearchIndex, and again after compacting an index that is compact already.
func TestCompactSearchIndex(t *testing.T) {
	db := openDB(t)
	books := db.Books()
	owner := addReader(t, db, "reader").ID
	if err := books.Seed(t.Context(), owner, 600, 7); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 11))
	var ids []int64
	for i := range 120 {
		b, err := books.Create(t.Context(), owner, data.BookInput{
			Title: fmt.Sprintf("Added book %d of the series", i), Author: "Ursula Le Guin", Genre: "Fantasy",
		})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, b.ID)
	}
	for i, id := range ids {
		switch {
		case i%3 == 0:
			if _, err := books.Update(t.Context(), owner, id, data.BookInput{Title: fmt.Sprintf("Renamed tale %d", i), Author: "Stanisław Lem", Genre: "Science fiction"}); err != nil {
				t.Fatal(err)
			}
		case i%5 == 0:
			if _, err := books.Delete(t.Context(), owner, id); err != nil {
				t.Fatal(err)
			}
		case i%7 == 0:
			if _, err := books.Delete(t.Context(), owner, id); err != nil {
				t.Fatal(err)
			}
			if _, err := books.Restore(t.Context(), owner, id); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n, err := books.PurgeDeleted(t.Context(), 0); err != nil || n == 0 {
		t.Fatalf("PurgeDeleted: %d books, %v", n, err)
	}
	searches := []string{"the", "t", "series", "added book", "renamed", "lem", "stanislaw", "le guin", "fantasy", "science fiction"}
	for range 10 {
		searches = append(searches, string(rune('a'+r.IntN(26))))
	}
	results := func() map[string][]int64 {
		out := map[string][]int64{}
		for _, q := range searches {
			for _, b := range findAll(t, books, owner, data.BookQuery{Search: q, Limit: 500}) {
				out[q] = append(out[q], b.ID)
			}
		}
		return out
	}
	before := results()
	if len(before["renamed"]) != 40 || len(before["series"]) == 0 || len(before["the"]) == 0 {
		t.Fatalf("the library is not what the test expects: %d renamed, %d in series, %d with the",
			len(before["renamed"]), len(before["series"]), len(before["the"]))
	}
	for range 2 {
		if err := books.CompactSearchIndex(t.Context()); err != nil {
			t.Fatal(err)
		}
		after := results()
		for _, q := range searches {
			if !slices.Equal(before[q], after[q]) {
				t.Errorf("search %q found %d books before compacting and %d after", q, len(before[q]), len(after[q]))
			}
		}
	}
}

// TestNeighbourOf puts each book back (Undo) beside the book that follows it, in every order,
// with the library loaded whole or up to a page's cursor: in the added order too, whose dates an
// import sets out of the order the books were written in.
func TestNeighbourOf(t *testing.T) {
	db := openDB(t)
	owner := addReader(t, db, "reader").ID
	rng := rand.New(rand.NewPCG(7, 8))
	library(t, db, owner, 30, rng)
	books := db.Books()
	for _, s := range data.Sorts() {
		t.Run(string(s), func(t *testing.T) {
			all := findAll(t, books, owner, data.BookQuery{Sort: s, Limit: 500})
			first := find(t, books, owner, data.BookQuery{Sort: s, Limit: 10})
			for i, b := range all {
				n, err := books.NeighbourOf(t.Context(), owner, data.BookQuery{Sort: s}, b.ID)
				if err != nil {
					t.Fatal(err)
				}
				want := data.Neighbour{In: true}
				if i+1 < len(all) {
					want.Next = all[i+1].ID
				}
				if n != want {
					t.Errorf("book %d (#%d of the order), all loaded: %+v, want %+v", b.ID, i, n, want)
				}
				// With only the first page loaded, a book past it is left to the page that brings it.
				n, err = books.NeighbourOf(t.Context(), owner, data.BookQuery{Sort: s, Cursor: first.Cursor}, b.ID)
				if err != nil {
					t.Fatal(err)
				}
				switch {
				case i >= 10:
					want = data.Neighbour{}
				case i == 9:
					want = data.Neighbour{In: true}
				}
				if n != want {
					t.Errorf("book %d (#%d of the order), first page loaded: %+v, want %+v", b.ID, i, n, want)
				}
			}
		})
	}
}

// TestFindDenseSearch finds the same books in the same order whichever way a search in the added
// order is run: through the full-text index then ordered, or walking the order's index (which
// Find does when the search matches many books).
func TestFindDenseSearch(t *testing.T) {
	db := openDB(t)
	owner := addReader(t, db, "reader").ID
	other := addReader(t, db, "other").ID
	rng := rand.New(rand.NewPCG(9, 10))
	mine := library(t, db, owner, 60, rng)
	library(t, db, other, 20, rng)
	books := db.Books()
	queries := []data.BookQuery{
		{Search: "writer"},
		{Search: "alpha"},
		{Search: "writer", Status: data.StatusRead},
		{Search: "writer", Genre: "FANTASY"},
		{Search: "br", Reverse: true},
	}
	for _, dense := range []bool{false, true} {
		if dense {
			data.SetDenseMatches(t, 2)
		}
		for _, q := range queries {
			t.Run(fmt.Sprintf("dense=%v/%+v", dense, q), func(t *testing.T) {
				var want []data.Book
				for _, b := range mine {
					text := strings.ToLower(b.Title + " " + b.Author)
					if strings.Contains(text, q.Search) && (q.Status == "" || b.Status == q.Status) &&
						(q.Genre == "" || strings.EqualFold(b.Genre, q.Genre)) {
						want = append(want, b)
					}
				}
				slices.SortFunc(want, func(a, b data.Book) int { return less(data.SortAdded, a, b, nil, !q.Reverse) })
				q.Limit = 4
				if got := findAll(t, books, owner, q); !slices.Equal(ids(got), ids(want)) || len(want) < 3 {
					t.Errorf("got %v, want %v (and at least 3)", ids(got), ids(want))
				}
				// The first page of a search found through the index says how many match in
				// all (the library shows it without counting again); walking the order, it
				// cannot, and a page after the first never does.
				first, err := books.Find(t.Context(), owner, q)
				if err != nil {
					t.Fatal(err)
				}
				wantMatches := len(want)
				if dense {
					wantMatches = -1
				}
				if first.Matches != wantMatches {
					t.Errorf("first page: Matches %d, want %d", first.Matches, wantMatches)
				}
				if first.Cursor != "" {
					q.Cursor = first.Cursor
					next, err := books.Find(t.Context(), owner, q)
					if err != nil {
						t.Fatal(err)
					}
					if next.Matches != -1 {
						t.Errorf("second page: Matches %d, want -1", next.Matches)
					}
				}
			})
		}
	}
}
