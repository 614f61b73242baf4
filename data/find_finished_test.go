package data_test

import (
	"slices"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

func TestParseSpan(t *testing.T) {
	for _, tc := range []struct {
		in, want, label string
		ok              bool
	}{
		{"", "", "", true},
		{"2026", "2026", "2026", true},
		{"2026-03", "2026-03", "March 2026", true},
		{"2026-12", "2026-12", "December 2026", true},
		{"2026-03-05", "2026-03-05", "5 March 2026", true},
		{"2026-02-30", "", "", false},
		{"2026-3-05x", "", "", false},
		{"all", "all", "", true},
		{"2026-13", "", "", false},
		{"2026-00", "", "", false},
		{"2026-3", "", "", false},
		{"26", "", "", false},
		{"-026", "", "", false},
		{"2026-+3", "", "", false},
		{"0000", "", "", false},
		{"2026/03", "", "", false},
		{"March", "", "", false},
	} {
		sp, err := data.ParseSpan(tc.in)
		if (err == nil) != tc.ok || err == nil && (sp.String() != tc.want || sp.Label() != tc.label) {
			t.Errorf("ParseSpan(%q) = %q (%q), %v; want %q (%q), ok %v", tc.in, sp.String(), sp.Label(), err, tc.want, tc.label, tc.ok)
		}
	}
}

// TestFindFinished lists the books a reading of which ended in a month, a year or at any time,
// and checks that each count is the stats' figure for the span: a book read in March and again
// in May is in both months (and once in the year), one read in December 2025 and given up in
// January 2026 is among 2026's given up but not its finished, a deleted book and another
// reader's are in none.
func TestFindFinished(t *testing.T) {
	ctx := t.Context()
	db := openDB(t)
	clock := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	db.SetClock(fixedClock(&clock))
	ada, bob := addReader(t, db, "ada").ID, addReader(t, db, "bob").ID
	books, reading := db.Books(), db.Reading()
	date := func(y int, m time.Month, d int) *time.Time { t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC); return &t }
	book := func(owner int64, title, genre string, format data.Format) int64 {
		t.Helper()
		return mustCreate(t, books, owner, data.BookInput{Title: title, Author: title + " Writer", Genre: genre, Format: format}).ID
	}
	read := func(owner, id int64, outcome data.Status, on *time.Time) {
		t.Helper()
		if _, err := reading.AddReadThrough(ctx, owner, id, data.ReadingInput{FinishedOn: on, Outcome: outcome}); err != nil {
			t.Fatalf("AddReadThrough: %v", err)
		}
	}
	dune := book(ada, "Dune", "SF", data.FormatAudiobook)
	read(ada, dune, data.StatusRead, date(2026, 3, 1))
	read(ada, dune, data.StatusRead, date(2026, 5, 31))
	emma := book(ada, "Emma", "Classics", "")
	read(ada, emma, data.StatusRead, date(2026, 3, 31))
	ulysses := book(ada, "Ulysses", "Classics", "")
	read(ada, ulysses, data.StatusRead, date(2025, 12, 31))
	read(ada, ulysses, data.StatusDNF, date(2026, 1, 1))
	gone := book(ada, "Gone", "SF", "")
	read(ada, gone, data.StatusRead, date(2026, 3, 15))
	if _, err := books.Delete(ctx, ada, gone); err != nil {
		t.Fatal(err)
	}
	book(ada, "Unread", "SF", "")
	read(bob, book(bob, "Bob's", "SF", ""), data.StatusRead, date(2026, 3, 3))

	titles := func(q data.BookQuery) []string {
		t.Helper()
		page, err := books.Find(ctx, ada, q)
		if err != nil {
			t.Fatalf("Find(%+v): %v", q, err)
		}
		var out []string
		for _, b := range page.Books {
			out = append(out, b.Title)
		}
		n, err := books.FindCount(ctx, ada, q, 100)
		if err != nil || n != len(out) {
			t.Errorf("FindCount(%+v) = %d, %v; want %d", q, n, err, len(out))
		}
		return out
	}
	month := func(y int, m time.Month) data.Span { return data.MonthSpan(y, m) }
	for _, tc := range []struct {
		name string
		q    data.BookQuery
		want []string
	}{
		{"March", data.BookQuery{Finished: month(2026, 3), Sort: data.SortTitle}, []string{"Dune", "Emma"}},
		{"May", data.BookQuery{Finished: month(2026, 5)}, []string{"Dune"}},
		{"April", data.BookQuery{Finished: month(2026, 4)}, nil},
		{"December 2025", data.BookQuery{Finished: month(2025, 12)}, []string{"Ulysses"}},
		{"2026", data.BookQuery{Finished: data.YearSpan(2026), Sort: data.SortTitle}, []string{"Dune", "Emma"}},
		{"2026 given up", data.BookQuery{Status: data.StatusDNF, Finished: data.YearSpan(2026)}, []string{"Ulysses"}},
		{"2025 given up", data.BookQuery{Status: data.StatusDNF, Finished: data.YearSpan(2025)}, nil},
		{"all time", data.BookQuery{Finished: data.AllTime(), Sort: data.SortTitle}, []string{"Dune", "Emma", "Ulysses"}},
		{"March with a search", data.BookQuery{Finished: month(2026, 3), Search: "emma"}, []string{"Emma"}},
		{"2026 SF", data.BookQuery{Finished: data.YearSpan(2026), Genre: "sf"}, []string{"Dune"}},
		{"2026 audiobooks", data.BookQuery{Finished: data.YearSpan(2026), Format: data.FormatAudiobook}, []string{"Dune"}},
		{"2026 read, by title backwards", data.BookQuery{Status: data.StatusRead, Finished: data.YearSpan(2026), Sort: data.SortTitle, Reverse: true}, []string{"Emma", "Dune"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := titles(tc.q)
			if len(got) != len(tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got %q, want %q", got, tc.want)
				}
			}
		})
	}

	// Paging keeps the filter: one book a page, March has two.
	first, err := books.Find(ctx, ada, data.BookQuery{Finished: month(2026, 3), Sort: data.SortTitle, Limit: 1})
	if err != nil || len(first.Books) != 1 || first.Books[0].Title != "Dune" || first.Cursor == "" {
		t.Fatalf("first page = %+v, %v", first, err)
	}
	second, err := books.Find(ctx, ada, data.BookQuery{Finished: month(2026, 3), Sort: data.SortTitle, Limit: 1, Cursor: first.Cursor})
	if err != nil || len(second.Books) != 1 || second.Books[0].Title != "Emma" || second.Cursor != "" {
		t.Fatalf("second page = %+v, %v", second, err)
	}

	// The counts are the stats' figures for the same spans.
	st, err := reading.YearStats(ctx, ada, 2026, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	count := func(q data.BookQuery) int {
		t.Helper()
		n, err := books.FindCount(ctx, ada, q, 100)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// March: 2 books, 2 readings; May: 1 and 1 (Dune's re-read counts in each month).
	for _, m := range st.Months {
		if n := count(data.BookQuery{Finished: month(2026, m.Month)}); n != m.Finished {
			t.Errorf("%s: %d books listed, the stats count %d", m.Month, n, m.Finished)
		}
	}
	if n := count(data.BookQuery{Status: data.StatusDNF, Finished: data.YearSpan(2026)}); n != st.Abandoned || n != 1 {
		t.Errorf("given up in 2026: %d listed, the stats count %d; want 1", n, st.Abandoned)
	}
	// A span's figures count readings and the library books: Dune, finished twice in 2026, is
	// two of the year's finished readings, its genre's and its author's, and one row of the
	// year's list. Every other book here was finished once in 2026.
	if n := count(data.BookQuery{Finished: data.YearSpan(2026)}); st.Finished != 3 || n != st.Finished-1 {
		t.Errorf("2026: %d listed, the stats count %d; want 2 and 3 (Dune twice)", n, st.Finished)
	}
	reread := map[string]int{"SF": 1, "Dune Writer": 1}
	for _, g := range st.Genres {
		if n := count(data.BookQuery{Genre: g.Name, Finished: data.YearSpan(2026)}); n != g.Books-reread[g.Name] {
			t.Errorf("genre %s: %d listed, the stats count %d", g.Name, n, g.Books)
		}
	}
	for _, a := range st.Authors {
		if n := count(data.BookQuery{Search: a.Name, Finished: data.YearSpan(2026)}); n != a.Books-reread[a.Name] {
			t.Errorf("author %s: %d listed, the stats count %d", a.Name, n, a.Books)
		}
	}
	reread["audiobook"] = 1
	for _, f := range st.Formats {
		if n := count(data.BookQuery{Format: data.Format(f.Name), Finished: data.YearSpan(2026)}); n != f.Books-reread[f.Name] {
			t.Errorf("format %s: %d listed, the stats count %d", f.Name, n, f.Books)
		}
	}
	if want := []data.Share{{Name: "audiobook", Books: 2, Percent: 67}, {Name: "paperback", Books: 1, Percent: 33}}; !slices.Equal(st.Formats, want) {
		t.Errorf("formats = %+v, want %+v", st.Formats, want)
	}
	if len(st.Genres) != 2 || len(st.Authors) != 2 {
		t.Errorf("genres %+v, authors %+v; want SF and Classics, Dune's and Emma's writers", st.Genres, st.Authors)
	}
}
