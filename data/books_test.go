package data_test

import (
	"errors"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

// openBooks opens a new database with one reader, and returns its book store and the reader's id,
// with the clock under the test's control: it starts at t0 and moves when the test assigns to *now.
func openBooks(t *testing.T) (books *data.BookStore, owner int64, now *time.Time) {
	t.Helper()
	db := openDB(t)
	clock := t0
	db.SetClock(fixedClock(&clock))
	return db.Books(), addReader(t, db, "reader").ID, &clock
}

// t0 is when every test's clock starts; it has nanoseconds, which the store must keep on SQLite.
// PostgreSQL keeps microseconds, and its store's clock reads no more (data.Stored).
var t0 = data.Stored(time.Date(2025, 3, 14, 15, 9, 26, 535897932, time.UTC))

var dune = data.BookInput{Title: "Dune", Author: "Frank Herbert", Genre: "Science fiction"}

// mustCreate adds a book to the owner's library or fails the test.
func mustCreate(t *testing.T, books *data.BookStore, owner int64, in data.BookInput) data.Book {
	t.Helper()
	b, err := books.Create(t.Context(), owner, in)
	if err != nil {
		t.Fatalf("Create(%+v): %v", in, err)
	}
	return b
}

// count returns the number of the owner's live books or fails the test.
func count(t *testing.T, books *data.BookStore, owner int64) int {
	t.Helper()
	n, err := books.Count(t.Context(), owner)
	if err != nil {
		t.Fatalf("Count: %v", err)
	}
	return n
}

// assertInvalid fails the test unless err is a validation error about exactly the fields named.
func assertInvalid(t *testing.T, err error, fields ...string) {
	t.Helper()
	var verr *data.ValidationError
	if !errors.Is(err, data.ErrInvalid) || !errors.As(err, &verr) {
		t.Fatalf("err = %v, want a *data.ValidationError", err)
	}
	got := slices.Sorted(maps.Keys(verr.Fields))
	slices.Sort(fields)
	if !slices.Equal(got, fields) {
		t.Errorf("invalid fields = %q, want %q", got, fields)
	}
}

func TestBookStoreCreate(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		books, owner, _ := openBooks(t)
		got := mustCreate(t, books, owner, dune)
		if got.ID <= 0 {
			t.Errorf("ID = %d, want > 0", got.ID)
		}
		want := data.Book{ID: got.ID, Title: "Dune", Author: "Frank Herbert", Genre: "Science fiction", CreatedAt: t0, UpdatedAt: t0}
		assertSameBook(t, got, want)
		stored, err := books.Get(t.Context(), owner, got.ID)
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		assertSameBook(t, stored, want)
		if n := count(t, books, owner); n != 1 {
			t.Errorf("Count() = %d, want 1", n)
		}
	})
	t.Run("OKIDsIncrease", func(t *testing.T) {
		books, owner, _ := openBooks(t)
		a := mustCreate(t, books, owner, dune)
		b := mustCreate(t, books, owner, dune)
		if b.ID <= a.ID {
			t.Errorf("second ID %d is not above the first %d", b.ID, a.ID)
		}
	})

	t.Run("OKAtOnce", func(t *testing.T) {
		// Books added at the same moment share a transaction (group commit): each must still
		// come back as itself, with its status, and be counted once.
		db := openDB(t)
		books, owner := db.Books(), addReader(t, db, "reader").ID
		const n = 64
		statuses := []data.Status{data.StatusWant, data.StatusReading, data.StatusRead, data.StatusDNF}
		got := make([]data.Book, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				in := data.BookInput{Title: "Book " + strconv.Itoa(i), Author: "Author " + strconv.Itoa(i), Status: statuses[i%4]}
				got[i], errs[i] = books.Create(t.Context(), owner, in)
			})
		}
		wg.Wait()
		ids := map[int64]bool{}
		for i, b := range got {
			if errs[i] != nil {
				t.Fatalf("Create %d: %v", i, errs[i])
			}
			if want := "Book " + strconv.Itoa(i); b.Title != want || b.Status != statuses[i%4] || ids[b.ID] {
				t.Errorf("Create %d = %q (%s, id %d), want %q (%s, a new id)", i, b.Title, b.Status, b.ID, want, statuses[i%4])
			}
			ids[b.ID] = true
			stored, err := books.Get(t.Context(), owner, b.ID)
			if err != nil || stored.Title != b.Title || stored.Status != b.Status {
				t.Errorf("Get(%d) = %q (%s), %v; want %q (%s)", b.ID, stored.Title, stored.Status, err, b.Title, b.Status)
			}
		}
		counts, err := db.Reading().StatusCounts(t.Context(), owner)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range statuses {
			if counts[st] != n/4 {
				t.Errorf("StatusCounts[%s] = %d, want %d", st, counts[st], n/4)
			}
		}
		if c := count(t, books, owner); c != n {
			t.Errorf("Count = %d, want %d", c, n)
		}
	})

	tests := []struct {
		name string
		in   data.BookInput
		want data.BookInput // what is stored
	}{
		{
			name: "OKTrimsWhitespace",
			in:   data.BookInput{Title: "  Dune \t", Author: "\n Frank Herbert  ", Genre: " \r\n"},
			want: data.BookInput{Title: "Dune", Author: "Frank Herbert", Genre: ""},
		},
		{
			name: "OK250Runes",
			in:   data.BookInput{Title: strings.Repeat("é", 250), Author: " " + strings.Repeat("é", 250) + " ", Genre: strings.Repeat("é", 250)},
			want: data.BookInput{Title: strings.Repeat("é", 250), Author: strings.Repeat("é", 250), Genre: strings.Repeat("é", 250)},
		},
		{
			name: "OKUnicode",
			in:   data.BookInput{Title: "百年の孤独 📚", Author: "Gabriel García Márquez", Genre: "Réalisme magique"},
			want: data.BookInput{Title: "百年の孤独 📚", Author: "Gabriel García Márquez", Genre: "Réalisme magique"},
		},
		{
			name: "OKMarkupIsText",
			in:   data.BookInput{Title: "<script>alert(1)</script>", Author: `O'Brien & "Sons"`, Genre: "'); DROP TABLE books; --"},
			// "&" separates two authors, which the library writes with a comma.
			want: data.BookInput{Title: "<script>alert(1)</script>", Author: `O'Brien, "Sons"`, Genre: "'); DROP TABLE books; --"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			books, owner, _ := openBooks(t)
			b := mustCreate(t, books, owner, tt.in)
			got, err := books.Get(t.Context(), owner, b.ID)
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			if in := (data.BookInput{Title: got.Title, Author: got.Author, Genre: got.Genre}); in != tt.want {
				t.Errorf("stored %+v, want %+v", in, tt.want)
			}
		})
	}

	errTests := []struct {
		name   string
		in     data.BookInput
		fields []string
	}{
		{"ErrTitleRequired", data.BookInput{Author: "Frank Herbert"}, []string{"title"}},
		{"ErrTitleBlank", data.BookInput{Title: " \t\u00a0 ", Author: "Frank Herbert"}, []string{"title"}},
		{"ErrAuthorRequired", data.BookInput{Title: "Dune", Author: "   "}, []string{"author"}},
		{"ErrTitleTooLong", data.BookInput{Title: strings.Repeat("é", 251), Author: "Frank Herbert"}, []string{"title"}},
		{"ErrAuthorTooLong", data.BookInput{Title: "Dune", Author: strings.Repeat("a", 251)}, []string{"author"}},
		{"ErrGenreTooLong", data.BookInput{Title: "Dune", Author: "Frank Herbert", Genre: strings.Repeat("é", 251)}, []string{"genre"}},
		{"ErrInvalidUTF8", data.BookInput{Title: "Dune\xff", Author: "Frank Herbert"}, []string{"title"}},
		{"ErrNewline", data.BookInput{Title: "Dune\nMessiah", Author: "Frank Herbert"}, []string{"title"}},
		{"ErrControlCharacter", data.BookInput{Title: "Dune", Author: "Frank\x1bHerbert"}, []string{"author"}},
		{"ErrEveryField", data.BookInput{Genre: "a\nb"}, []string{"title", "author", "genre"}},
	}
	for _, tt := range errTests {
		t.Run(tt.name, func(t *testing.T) {
			books, owner, _ := openBooks(t)
			_, err := books.Create(t.Context(), owner, tt.in)
			assertInvalid(t, err, tt.fields...)
			if n := count(t, books, owner); n != 0 {
				t.Errorf("Count() = %d after a rejected Create, want 0", n)
			}
		})
	}
}

func TestBookStoreGet(t *testing.T) {
	books, owner, _ := openBooks(t)
	want := mustCreate(t, books, owner, dune)
	gone := mustCreate(t, books, owner, data.BookInput{Title: "Gone", Author: "Someone"})
	if _, err := books.Delete(t.Context(), owner, gone.ID); err != nil {
		t.Fatal(err)
	}

	t.Run("OK", func(t *testing.T) {
		got, err := books.Get(t.Context(), owner, want.ID)
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		assertSameBook(t, got, want)
	})
	for _, tt := range []struct {
		name string
		id   int64
	}{
		{"ErrNotFound", want.ID + 100},
		{"ErrNotFoundDeleted", gone.ID},
		{"ErrNotFoundZero", 0},
		{"ErrNotFoundNegative", -want.ID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := books.Get(t.Context(), owner, tt.id); !errors.Is(err, data.ErrNotFound) {
				t.Errorf("Get(%d) = %v, want ErrNotFound", tt.id, err)
			}
		})
	}
}

func TestBookStoreUpdate(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		books, owner, now := openBooks(t)
		b := mustCreate(t, books, owner, dune)
		other := mustCreate(t, books, owner, data.BookInput{Title: "Emma", Author: "Jane Austen"})
		*now = now.Add(time.Hour)

		got, err := books.Update(t.Context(), owner, b.ID, data.BookInput{Title: " Dune Messiah ", Author: "Frank Herbert", Genre: ""})
		if err != nil {
			t.Fatalf("Update: %v", err)
		}
		want := data.Book{ID: b.ID, Title: "Dune Messiah", Author: "Frank Herbert", Genre: "", CreatedAt: t0, UpdatedAt: t0.Add(time.Hour)}
		assertSameBook(t, got, want)
		stored, err := books.Get(t.Context(), owner, b.ID)
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		assertSameBook(t, stored, want)
		// Only the book named changes.
		if o, err := books.Get(t.Context(), owner, other.ID); err != nil {
			t.Fatal(err)
		} else {
			assertSameBook(t, o, other)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		books, owner, _ := openBooks(t)
		b := mustCreate(t, books, owner, dune)
		if _, err := books.Update(t.Context(), owner, b.ID+1, dune); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("Update of a missing id = %v, want ErrNotFound", err)
		}
		if n := count(t, books, owner); n != 1 {
			t.Errorf("Count() = %d, want 1: Update must not create", n)
		}
	})
	t.Run("ErrNotFoundDeleted", func(t *testing.T) {
		books, owner, _ := openBooks(t)
		b := mustCreate(t, books, owner, dune)
		if _, err := books.Delete(t.Context(), owner, b.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := books.Update(t.Context(), owner, b.ID, data.BookInput{Title: "Changed", Author: "Changed"}); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("Update of a deleted book = %v, want ErrNotFound", err)
		}
		// The deleted book comes back as it was, not with the rejected change.
		got, err := books.Restore(t.Context(), owner, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		assertSameBook(t, got, b)
	})
	for _, tt := range []struct {
		name   string
		in     data.BookInput
		fields []string
	}{
		{"ErrTitleRequired", data.BookInput{Title: "  ", Author: "Frank Herbert"}, []string{"title"}},
		{"ErrAuthorRequired", data.BookInput{Title: "Dune"}, []string{"author"}},
		{"ErrTitleTooLong", data.BookInput{Title: strings.Repeat("é", 251), Author: "Frank Herbert"}, []string{"title"}},
		{"ErrGenreNewline", data.BookInput{Title: "Dune", Author: "Frank Herbert", Genre: "Sci\nfi"}, []string{"genre"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			books, owner, _ := openBooks(t)
			b := mustCreate(t, books, owner, dune)
			_, err := books.Update(t.Context(), owner, b.ID, tt.in)
			assertInvalid(t, err, tt.fields...)
			got, err := books.Get(t.Context(), owner, b.ID)
			if err != nil {
				t.Fatal(err)
			}
			assertSameBook(t, got, b)
		})
	}
	t.Run("ErrInvalidBeforeNotFound", func(t *testing.T) {
		// Validation comes first, so a bad form for a missing book still reports its fields.
		books, owner, _ := openBooks(t)
		_, err := books.Update(t.Context(), owner, 42, data.BookInput{})
		assertInvalid(t, err, "title", "author")
	})
}

func TestBookStoreDelete(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		books, owner, _ := openBooks(t)
		b := mustCreate(t, books, owner, dune)
		keep := mustCreate(t, books, owner, data.BookInput{Title: "Emma", Author: "Jane Austen"})

		got, err := books.Delete(t.Context(), owner, b.ID)
		if err != nil {
			t.Fatalf("Delete: %v", err)
		}
		assertSameBook(t, got, b)
		if _, err := books.Get(t.Context(), owner, b.ID); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("Get after Delete = %v, want ErrNotFound", err)
		}
		if n := count(t, books, owner); n != 1 {
			t.Errorf("Count() = %d after Delete, want 1", n)
		}
		page, err := books.List(t.Context(), owner, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := ids(page.Books), []int64{keep.ID}; !slices.Equal(got, want) {
			t.Errorf("List after Delete = %v, want %v", got, want)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		books, owner, _ := openBooks(t)
		if _, err := books.Delete(t.Context(), owner, 7); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("Delete of a missing id = %v, want ErrNotFound", err)
		}
	})
	t.Run("ErrNotFoundTwice", func(t *testing.T) {
		books, owner, _ := openBooks(t)
		b := mustCreate(t, books, owner, dune)
		if _, err := books.Delete(t.Context(), owner, b.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := books.Delete(t.Context(), owner, b.ID); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("second Delete = %v, want ErrNotFound", err)
		}
	})
}

func TestBookStoreRestore(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		books, owner, now := openBooks(t)
		older := mustCreate(t, books, owner, data.BookInput{Title: "Emma", Author: "Jane Austen"})
		*now = now.Add(time.Minute)
		b := mustCreate(t, books, owner, dune)
		*now = now.Add(time.Minute)
		b, err := books.Update(t.Context(), owner, b.ID, data.BookInput{Title: "Dune", Author: "Frank Herbert", Genre: "Classic"})
		if err != nil {
			t.Fatal(err)
		}
		*now = now.Add(time.Minute)
		newer := mustCreate(t, books, owner, data.BookInput{Title: "Kindred", Author: "Octavia E. Butler"})
		*now = now.Add(time.Minute)
		if _, err := books.Delete(t.Context(), owner, b.ID); err != nil {
			t.Fatal(err)
		}
		*now = now.Add(time.Minute)

		got, err := books.Restore(t.Context(), owner, b.ID)
		if err != nil {
			t.Fatalf("Restore: %v", err)
		}
		// Same id, same fields, same times: as if it had never gone.
		assertSameBook(t, got, b)
		stored, err := books.Get(t.Context(), owner, b.ID)
		if err != nil {
			t.Fatalf("Get after Restore: %v", err)
		}
		assertSameBook(t, stored, b)
		if n := count(t, books, owner); n != 3 {
			t.Errorf("Count() = %d after Restore, want 3", n)
		}
		page, err := books.List(t.Context(), owner, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := ids(page.Books), []int64{newer.ID, b.ID, older.ID}; !slices.Equal(got, want) {
			t.Errorf("List after Restore = %v, want %v (back in its old place)", got, want)
		}
	})
	t.Run("OKAlreadyLive", func(t *testing.T) {
		books, owner, _ := openBooks(t)
		b := mustCreate(t, books, owner, dune)
		got, err := books.Restore(t.Context(), owner, b.ID)
		if err != nil {
			t.Fatalf("Restore of a live book: %v", err)
		}
		assertSameBook(t, got, b)
		if n := count(t, books, owner); n != 1 {
			t.Errorf("Count() = %d, want 1", n)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		books, owner, _ := openBooks(t)
		b := mustCreate(t, books, owner, dune)
		if _, err := books.Restore(t.Context(), owner, b.ID+1); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("Restore of an id that never existed = %v, want ErrNotFound", err)
		}
	})
}

func TestBookStoreList(t *testing.T) {
	t.Run("OKEmpty", func(t *testing.T) {
		books, owner, _ := openBooks(t)
		page, err := books.List(t.Context(), owner, 0, 50)
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		if len(page.Books) != 0 || page.Next != 0 {
			t.Errorf("List of an empty library = %d books, Next %d; want 0, 0", len(page.Books), page.Next)
		}
	})
	t.Run("OKNewestFirst", func(t *testing.T) {
		books, owner, now := openBooks(t)
		var want []data.Book
		for _, title := range []string{"A", "B", "C"} {
			want = append(want, mustCreate(t, books, owner, data.BookInput{Title: title, Author: "X"}))
			*now = now.Add(time.Second)
		}
		slices.Reverse(want)
		page, err := books.List(t.Context(), owner, 0, 50)
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		if len(page.Books) != len(want) {
			t.Fatalf("List returned %d books, want %d", len(page.Books), len(want))
		}
		for i := range want {
			assertSameBook(t, page.Books[i], listed(want[i]))
		}
		if page.Next != 0 {
			t.Errorf("Next = %d, want 0: there is no older page", page.Next)
		}
	})
	t.Run("OKPaging", func(t *testing.T) {
		books, owner, _ := openBooks(t)
		var want []int64
		for range 120 {
			want = append(want, mustCreate(t, books, owner, dune).ID)
		}
		slices.Reverse(want)

		var got []int64
		var sizes []int
		before := int64(0)
		for range 10 { // more than enough; a loop that never ends is a failure too
			page, err := books.List(t.Context(), owner, before, 50)
			if err != nil {
				t.Fatalf("List(%d): %v", before, err)
			}
			sizes = append(sizes, len(page.Books))
			got = append(got, ids(page.Books)...)
			if page.Next == 0 {
				break
			}
			if last := page.Books[len(page.Books)-1].ID; page.Next != last {
				t.Errorf("Next = %d, want the last id on the page, %d", page.Next, last)
			}
			before = page.Next
		}
		if !slices.Equal(sizes, []int{50, 50, 20}) {
			t.Errorf("page sizes = %v, want [50 50 20]", sizes)
		}
		// Every book exactly once, newest first: no duplicates, no gaps.
		if !slices.Equal(got, want) {
			t.Errorf("paged ids = %v,\nwant %v", got, want)
		}
	})
	t.Run("OKExactlyFullLastPage", func(t *testing.T) {
		// 100 books at 50 a page: the second page is the last, with no empty page after it.
		books, owner, _ := openBooks(t)
		for range 100 {
			mustCreate(t, books, owner, dune)
		}
		first, err := books.List(t.Context(), owner, 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		second, err := books.List(t.Context(), owner, first.Next, 50)
		if err != nil {
			t.Fatal(err)
		}
		if first.Next == 0 || len(second.Books) != 50 || second.Next != 0 {
			t.Errorf("pages: first Next %d, second %d books and Next %d; want Next > 0, 50 books, Next 0",
				first.Next, len(second.Books), second.Next)
		}
	})
	t.Run("OKSkipsDeleted", func(t *testing.T) {
		books, owner, _ := openBooks(t)
		var all []int64
		for range 5 {
			all = append(all, mustCreate(t, books, owner, dune).ID)
		}
		for _, id := range []int64{all[1], all[4]} {
			if _, err := books.Delete(t.Context(), owner, id); err != nil {
				t.Fatal(err)
			}
		}
		page, err := books.List(t.Context(), owner, 0, 2)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := ids(page.Books), []int64{all[3], all[2]}; !slices.Equal(got, want) || page.Next != all[2] {
			t.Errorf("first page = %v Next %d, want %v Next %d", got, page.Next, want, all[2])
		}
		page, err = books.List(t.Context(), owner, page.Next, 2)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := ids(page.Books), []int64{all[0]}; !slices.Equal(got, want) || page.Next != 0 {
			t.Errorf("second page = %v Next %d, want %v Next 0", got, page.Next, want)
		}
	})
	t.Run("OKLimitOutOfRange", func(t *testing.T) {
		// A limit of zero, below zero or above 500 falls back to PageSize.
		books, owner, _ := openBooks(t)
		if err := books.Seed(t.Context(), owner, data.PageSize+5, 1); err != nil {
			t.Fatal(err)
		}
		for _, limit := range []int{0, -1, 501} {
			page, err := books.List(t.Context(), owner, 0, limit)
			if err != nil {
				t.Fatalf("List(limit %d): %v", limit, err)
			}
			if len(page.Books) != data.PageSize || page.Next == 0 {
				t.Errorf("List(limit %d) = %d books, Next %d; want %d books and a next page", limit, len(page.Books), page.Next, data.PageSize)
			}
		}
	})
}

func TestBookStoreCount(t *testing.T) {
	books, owner, _ := openBooks(t)
	if n := count(t, books, owner); n != 0 {
		t.Errorf("Count() of an empty library = %d, want 0", n)
	}
	var made []data.Book
	for range 4 {
		made = append(made, mustCreate(t, books, owner, dune))
	}
	if n := count(t, books, owner); n != 4 {
		t.Errorf("Count() = %d, want 4", n)
	}
	for _, b := range made[:2] {
		if _, err := books.Delete(t.Context(), owner, b.ID); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(t, books, owner); n != 2 {
		t.Errorf("Count() after 2 deletes = %d, want 2", n)
	}
	if _, err := books.Restore(t.Context(), owner, made[0].ID); err != nil {
		t.Fatal(err)
	}
	if n := count(t, books, owner); n != 3 {
		t.Errorf("Count() after a restore = %d, want 3", n)
	}
}

func TestBookStorePurgeDeleted(t *testing.T) {
	ctx := t.Context()
	books, owner, now := openBooks(t)
	const window = 24 * time.Hour

	live := mustCreate(t, books, owner, data.BookInput{Title: "Live", Author: "A"})
	old := mustCreate(t, books, owner, data.BookInput{Title: "Deleted long ago", Author: "A"})
	atEdge := mustCreate(t, books, owner, data.BookInput{Title: "Deleted exactly a window ago", Author: "A"})
	restored := mustCreate(t, books, owner, data.BookInput{Title: "Deleted and restored", Author: "A"})
	recent := mustCreate(t, books, owner, data.BookInput{Title: "Deleted recently", Author: "A"})
	del := func(b data.Book) {
		t.Helper()
		if _, err := books.Delete(ctx, owner, b.ID); err != nil {
			t.Fatal(err)
		}
	}
	start := *now
	del(old)
	del(restored)
	if _, err := books.Restore(ctx, owner, restored.ID); err != nil {
		t.Fatal(err)
	}
	*now = start.Add(time.Second)
	del(atEdge)
	*now = start.Add(23 * time.Hour)
	del(recent)

	*now = start.Add(window + time.Second)
	n, err := books.PurgeDeleted(ctx, window)
	if err != nil {
		t.Fatalf("PurgeDeleted: %v", err)
	}
	if n != 1 {
		t.Errorf("PurgeDeleted() = %d, want 1", n)
	}
	if _, err := books.Restore(ctx, owner, old.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("Restore of a purged book = %v, want ErrNotFound", err)
	}
	for _, b := range []data.Book{atEdge, recent} {
		got, err := books.Restore(ctx, owner, b.ID)
		if err != nil {
			t.Errorf("Restore(%q) after purge: %v; it was deleted less than the window ago", b.Title, err)
			continue
		}
		assertSameBook(t, got, b)
	}
	for _, b := range []data.Book{live, restored} {
		if _, err := books.Get(ctx, owner, b.ID); err != nil {
			t.Errorf("Get(%q) after purge: %v; live books are never purged", b.Title, err)
		}
	}
	if n, err := books.PurgeDeleted(ctx, window); err != nil || n != 0 {
		t.Errorf("second PurgeDeleted() = %d, %v; want 0, nil", n, err)
	}
	if c := count(t, books, owner); c != 4 {
		t.Errorf("Count() = %d, want 4", c)
	}
}

func TestBookStoreSeed(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		// The same seed in two databases gives the same books.
		a, ownerA, _ := openBooks(t)
		b, ownerB, _ := openBooks(t)
		if err := a.Seed(t.Context(), ownerA, 30, 42); err != nil {
			t.Fatalf("Seed: %v", err)
		}
		if err := b.Seed(t.Context(), ownerB, 30, 42); err != nil {
			t.Fatalf("Seed: %v", err)
		}
		pa, err := a.List(t.Context(), ownerA, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		pb, err := b.List(t.Context(), ownerB, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(pa.Books) != 30 || len(pb.Books) != 30 {
			t.Fatalf("Seed(30) made %d and %d books, want 30", len(pa.Books), len(pb.Books))
		}
		for i := range pa.Books {
			x, y := pa.Books[i], pb.Books[i]
			if x.Title != y.Title || x.Author != y.Author || x.Genre != y.Genre {
				t.Errorf("book %d differs between runs with the same seed: %+v vs %+v", i, x, y)
			}
			// Seeded books must be books a reader could have typed.
			if err := (data.BookInput{Title: x.Title, Author: x.Author, Genre: x.Genre}).Validate(); err != nil {
				t.Errorf("seeded book %+v is invalid: %v", x, err)
			}
			if i > 0 && !x.CreatedAt.Before(pa.Books[i-1].CreatedAt) {
				t.Errorf("seeded book %d was added at %v, not before the newer book %d at %v", i, x.CreatedAt, i-1, pa.Books[i-1].CreatedAt)
			}
		}
	})
	t.Run("OKOwnerOnly", func(t *testing.T) {
		db := openDB(t)
		books := db.Books()
		ada, bob := addReader(t, db, "ada").ID, addReader(t, db, "bob").ID
		if err := books.Seed(t.Context(), bob, 7, 1); err != nil {
			t.Fatal(err)
		}
		if a, b := count(t, books, ada), count(t, books, bob); a != 0 || b != 7 {
			t.Errorf("after Seed(bob, 7): Count(ada) = %d, Count(bob) = %d; want 0, 7", a, b)
		}
	})
	t.Run("OKNone", func(t *testing.T) {
		books, owner, _ := openBooks(t)
		for _, n := range []int{0, -5} {
			if err := books.Seed(t.Context(), owner, n, 1); err != nil {
				t.Errorf("Seed(%d): %v", n, err)
			}
		}
		if n := count(t, books, owner); n != 0 {
			t.Errorf("Count() = %d, want 0", n)
		}
	})
}

// ids lists the ids of books in order.
func ids(books []data.Book) []int64 {
	out := make([]int64, len(books))
	for i, b := range books {
		out[i] = b.ID
	}
	return out
}

// TestBookStoreOwnership checks that every method keeps to the owner's library: to another
// reader, a book they do not own does not exist, and nothing they do can change it.
func TestBookStoreOwnership(t *testing.T) {
	db := openDB(t)
	books := db.Books()
	ctx := t.Context()
	ada, bob := addReader(t, db, "ada").ID, addReader(t, db, "bob").ID

	live := mustCreate(t, books, ada, dune)
	deleted := mustCreate(t, books, ada, data.BookInput{Title: "Emma", Author: "Jane Austen"})
	if _, err := books.Delete(ctx, ada, deleted.ID); err != nil {
		t.Fatal(err)
	}
	bobs := mustCreate(t, books, bob, data.BookInput{Title: "Kindred", Author: "Octavia E. Butler"})
	change := data.BookInput{Title: "Stolen", Author: "Bob"}

	// assertAdaUntouched fails the test unless Ada's books are exactly as they were.
	assertAdaUntouched := func(t *testing.T) {
		t.Helper()
		got, err := books.Get(ctx, ada, live.ID)
		if err != nil {
			t.Fatalf("Get(ada, live) = %v, want Ada's book", err)
		}
		assertSameBook(t, got, live)
		got, err = books.GetDeleted(ctx, ada, deleted.ID)
		if err != nil {
			t.Fatalf("GetDeleted(ada, deleted) = %v, want it still deleted", err)
		}
		assertSameBook(t, got, deleted)
		if n := count(t, books, ada); n != 1 {
			t.Errorf("Count(ada) = %d, want 1", n)
		}
	}

	methods := []struct {
		name string
		call func(owner, id int64) error
	}{
		{"Get", func(owner, id int64) error { _, err := books.Get(ctx, owner, id); return err }},
		{"GetDeleted", func(owner, id int64) error { _, err := books.GetDeleted(ctx, owner, id); return err }},
		{"Update", func(owner, id int64) error { _, err := books.Update(ctx, owner, id, change); return err }},
		{"Delete", func(owner, id int64) error { _, err := books.Delete(ctx, owner, id); return err }},
		{"Restore", func(owner, id int64) error { _, err := books.Restore(ctx, owner, id); return err }},
	}
	for _, m := range methods {
		for _, target := range []struct {
			name string
			id   int64
		}{{"Live", live.ID}, {"Deleted", deleted.ID}} {
			t.Run("ErrNotFound"+m.name+target.name, func(t *testing.T) {
				if err := m.call(bob, target.id); !errors.Is(err, data.ErrNotFound) {
					t.Errorf("%s(bob, Ada's %s book) = %v, want ErrNotFound", m.name, strings.ToLower(target.name), err)
				}
				assertAdaUntouched(t)
			})
		}
	}

	t.Run("CountPerOwner", func(t *testing.T) {
		if n := count(t, books, bob); n != 1 {
			t.Errorf("Count(bob) = %d, want 1", n)
		}
		if n := count(t, books, bob+ada+100); n != 0 {
			t.Errorf("Count of a reader with no books = %d, want 0", n)
		}
	})
	t.Run("ListPerOwner", func(t *testing.T) {
		for _, tt := range []struct {
			name  string
			owner int64
			want  []int64
		}{{"Ada", ada, []int64{live.ID}}, {"Bob", bob, []int64{bobs.ID}}} {
			page, err := books.List(ctx, tt.owner, 0, 50)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(page.Books); !slices.Equal(got, tt.want) || page.Next != 0 {
				t.Errorf("List(%s) = %v Next %d, want %v Next 0", tt.name, got, page.Next, tt.want)
			}
		}
	})
	t.Run("OKOwnerStillCan", func(t *testing.T) {
		// Bob's own book answers to Bob, through every method.
		check := func(method string, _ data.Book, err error) {
			t.Helper()
			if err != nil {
				t.Errorf("%s(bob, Bob's book) = %v", method, err)
			}
		}
		b, err := books.Get(ctx, bob, bobs.ID)
		check("Get", b, err)
		b, err = books.Update(ctx, bob, bobs.ID, data.BookInput{Title: "Kindred", Author: "Octavia Butler"})
		check("Update", b, err)
		b, err = books.Delete(ctx, bob, bobs.ID)
		check("Delete", b, err)
		b, err = books.GetDeleted(ctx, bob, bobs.ID)
		check("GetDeleted", b, err)
		b, err = books.Restore(ctx, bob, bobs.ID)
		check("Restore", b, err)
		assertAdaUntouched(t)
	})
}

func TestBookStoreListInterleavedOwners(t *testing.T) {
	// Two readers add books in turns; each pages through exactly their own, with no gaps and no
	// empty pages where the other reader's books sit between theirs.
	db := openDB(t)
	books := db.Books()
	ada, bob := addReader(t, db, "ada").ID, addReader(t, db, "bob").ID
	want := map[int64][]int64{}
	for i := range 9 {
		owner := ada
		if i%3 == 2 {
			owner = bob
		}
		want[owner] = append(want[owner], mustCreate(t, books, owner, dune).ID)
	}
	for _, owner := range []int64{ada, bob} {
		slices.Reverse(want[owner])
		var got []int64
		before := int64(0)
		for range 10 {
			page, err := books.List(t.Context(), owner, before, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Books) == 0 {
				t.Errorf("List(%d, before %d) returned an empty page", owner, before)
			}
			got = append(got, ids(page.Books)...)
			if page.Next == 0 {
				break
			}
			before = page.Next
		}
		if !slices.Equal(got, want[owner]) {
			t.Errorf("owner %d paged %v, want %v", owner, got, want[owner])
		}
	}
}

func TestBookStoreCreateNeedsOwner(t *testing.T) {
	// A book always belongs to a reader who exists: a slip that lost the owner's id must not
	// leave a book nobody can see (or that a first account would adopt).
	books, owner, _ := openBooks(t)
	for _, tt := range []struct {
		name  string
		owner int64
	}{{"ErrNoOwner", 0}, {"ErrUnknownOwner", owner + 1}} {
		t.Run(tt.name, func(t *testing.T) {
			if b, err := books.Create(t.Context(), tt.owner, dune); err == nil {
				t.Errorf("Create(owner %d) = %+v, want an error", tt.owner, b)
			}
		})
	}
	if n := count(t, books, owner); n != 0 {
		t.Errorf("Count() = %d, want 0", n)
	}
}

func TestCountMatchesBooks(t *testing.T) {
	// The stored per-reader count must equal the live books after any mix of changes.
	db := openDB(t)
	ctx := t.Context()
	books, reading := db.Books(), db.Reading()
	write, _ := db.Pools()
	var owners []int64
	for _, name := range []string{"ada", "bob"} {
		u, err := db.Users().Create(ctx, name, "a long enough passphrase")
		if err != nil {
			t.Fatal(err)
		}
		owners = append(owners, u.ID)
	}
	check := func(step string) {
		t.Helper()
		for _, owner := range owners {
			var want int
			if err := write.Get(&want, `SELECT COUNT(*) FROM books WHERE owner_id = ? AND deleted_at IS NULL`, owner); err != nil {
				t.Fatal(err)
			}
			if got, err := books.Count(ctx, owner); err != nil || got != want {
				t.Fatalf("after %s: Count(%d) = %d, %v; the books say %d", step, owner, got, err, want)
			}
			var wantGenres []string
			if err := write.Select(&wantGenres, `
				SELECT MIN(genre) FROM books WHERE owner_id = ? AND deleted_at IS NULL AND genre <> ''
				GROUP BY lower(genre) ORDER BY lower(genre)`, owner); err != nil {
				t.Fatal(err)
			}
			if got, err := books.Genres(ctx, owner); err != nil || !slices.EqualFunc(got, wantGenres, strings.EqualFold) {
				t.Fatalf("after %s: Genres(%d) = %q, %v; the books say %q", step, owner, got, err, wantGenres)
			}
			// The language filter's choices: the languages of the live books' editions.
			var wantLanguages []string
			if err := write.Select(&wantLanguages, `
				SELECT DISTINCT e.language FROM editions e JOIN books b ON b.id = e.book_id
				WHERE b.owner_id = ? AND b.deleted_at IS NULL AND e.language <> '' ORDER BY e.language`, owner); err != nil {
				t.Fatal(err)
			}
			if got, err := books.Languages(ctx, owner); err != nil || !slices.Equal(got, wantLanguages) {
				t.Fatalf("after %s: Languages(%d) = %q, %v; the editions say %q", step, owner, got, err, wantLanguages)
			}
			var wrong int
			if err := write.Get(&wrong, `SELECT COUNT(*) FROM languages l WHERE l.books <> (SELECT COUNT(*) FROM editions e
				JOIN books b ON b.id = e.book_id WHERE b.owner_id = l.owner_id AND e.language = l.language AND b.deleted_at IS NULL)`); err != nil || wrong != 0 {
				t.Fatalf("after %s: %d languages' counts disagree with their books, %v", step, wrong, err)
			}
			byStatus, err := reading.StatusCounts(ctx, owner)
			if err != nil {
				t.Fatal(err)
			}
			for _, st := range data.Statuses() {
				var n int
				if err := write.Get(&n, `SELECT COUNT(*) FROM books WHERE owner_id = ? AND status = ? AND deleted_at IS NULL`, owner, st); err != nil {
					t.Fatal(err)
				}
				if byStatus[st] != n {
					t.Fatalf("after %s: StatusCounts(%d)[%s] = %d; the books say %d", step, owner, st, byStatus[st], n)
				}
			}
		}
	}
	check("no books")
	r := rand.New(rand.NewPCG(1, 2))
	var ids [2][]int64
	for i := range 300 {
		o := r.IntN(2)
		owner := owners[o]
		switch op := r.IntN(8); {
		case op == 7 && len(ids[o]) > 0:
			// An edition's language is given, changed or taken away (the language filter's
			// choices follow).
			id := ids[o][r.IntN(len(ids[o]))]
			lang := []string{"", "en", "fr", "de"}[r.IntN(4)]
			if _, err := db.Editions().Set(ctx, owner, id, data.Edition{Language: lang}); err != nil && !errors.Is(err, data.ErrNotFound) {
				t.Fatal(err)
			}
		case op == 6 && len(ids[o]) > 0:
			// A status change moves a book between the per-status counts.
			st := data.Statuses()[r.IntN(4)]
			if _, err := reading.SetStatus(ctx, owner, ids[o][r.IntN(len(ids[o]))], st, time.Time{}); err != nil && !errors.Is(err, data.ErrNotFound) {
				t.Fatal(err)
			}
		case op <= 2 || len(ids[o]) == 0:
			genre := []string{"", "Fantasy", "fantasy", "History"}[r.IntN(4)]
			b, err := books.Create(ctx, owner, data.BookInput{Title: "Book " + strconv.Itoa(i), Author: "A", Genre: genre})
			if err != nil {
				t.Fatal(err)
			}
			ids[o] = append(ids[o], b.ID)
			// Now and then another book changes genre (the genre filter's choices follow).
			id := ids[o][r.IntN(len(ids[o]))]
			in := data.BookInput{Title: "Edited " + strconv.Itoa(i), Author: "A", Genre: []string{"", "Poetry", "history"}[r.IntN(3)]}
			if _, err := books.Update(ctx, owner, id, in); err != nil && !errors.Is(err, data.ErrNotFound) {
				t.Fatal(err)
			}
		case op == 3 || op == 4:
			// Delete or restore any book, maybe one already deleted or live, maybe someone
			// else's: only a real change counts.
			from := ids[r.IntN(2)]
			if len(from) == 0 {
				continue
			}
			id := from[r.IntN(len(from))]
			var err error
			if op == 3 {
				_, err = books.Delete(ctx, owner, id)
			} else {
				_, err = books.Restore(ctx, owner, id)
			}
			if err != nil && !errors.Is(err, data.ErrNotFound) {
				t.Fatal(err)
			}
		case op == 5:
			if err := books.Seed(ctx, owner, r.IntN(5), uint64(i)); err != nil {
				t.Fatal(err)
			}
		}
		check("step " + strconv.Itoa(i))
	}
	if _, err := books.PurgeDeleted(ctx, -time.Hour); err != nil {
		t.Fatal(err)
	}
	check("purge")
}

// listed is a book in no series as a page of books has it (BookPage.Books): without its notes,
// ISBN and time of the last change, and marked as in no series (Book.NoSeries).
func listed(b data.Book) data.Book {
	b.Notes, b.ISBN, b.UpdatedAt = "", "", time.Time{}
	b.NoSeries = true
	return b
}

// TestCreateWithTabs checks that the tabs the new-book row's answer shows, read in the add's own
// transaction, are the library as it is after the add: the books by status with the new one
// counted, and the shelves with theirs. In and out of a series, on each engine.
func TestCreateWithTabs(t *testing.T) {
	ctx := t.Context()
	db := openDB(t)
	owner := addReader(t, db, "reader").ID
	books, shelves := db.Books(), db.Shelves()
	read := mustCreate(t, books, owner, data.BookInput{Title: "Emma", Author: "Jane Austen", Status: data.StatusRead})
	shelf, err := shelves.Create(ctx, owner, "Classics")
	if err != nil {
		t.Fatal(err)
	}
	if err := shelves.Shelve(ctx, owner, read.ID, shelf.ID); err != nil {
		t.Fatal(err)
	}
	check := func(name string, tabs data.LibraryTabs, want map[data.Status]int) {
		t.Helper()
		if !maps.Equal(tabs.Counts, want) {
			t.Errorf("%s: counts %v, want %v", name, tabs.Counts, want)
		}
		if len(tabs.Shelves) != 1 || tabs.Shelves[0].ID != shelf.ID || tabs.Shelves[0].Name != "Classics" || tabs.Shelves[0].Books != 1 {
			t.Errorf("%s: shelves %+v, want Classics with its 1 book", name, tabs.Shelves)
		}
		// As read afterwards.
		counts, err := db.Reading().StatusCounts(ctx, owner)
		if err != nil {
			t.Fatal(err)
		}
		list, err := shelves.List(ctx, owner)
		if err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(tabs.Counts, counts) || !slices.EqualFunc(tabs.Shelves, list, func(a, b data.Shelf) bool {
			return a.ID == b.ID && a.Name == b.Name && a.Books == b.Books
		}) {
			t.Errorf("%s: tabs %+v, read afterwards %v %+v", name, tabs, counts, list)
		}
	}
	_, tabs, err := books.CreateWithTabs(ctx, owner, dune, data.Catalogued{})
	if err != nil {
		t.Fatal(err)
	}
	check("a book", tabs, map[data.Status]int{data.StatusWant: 1, data.StatusReading: 0, data.StatusRead: 1, data.StatusDNF: 0})
	_, tabs, err = books.CreateWithTabs(ctx, owner, data.BookInput{Title: "Persuasion", Author: "Jane Austen", Status: data.StatusReading}, data.Catalogued{})
	if err != nil {
		t.Fatal(err)
	}
	check("a book being read", tabs, map[data.Status]int{data.StatusWant: 1, data.StatusReading: 1, data.StatusRead: 1, data.StatusDNF: 0})
	_, placed, tabs, err := db.Series().CreateInSeries(ctx, owner, data.BookInput{Title: "Dune Messiah", Author: "Frank Herbert"}, data.Catalogued{}, data.SeriesRef{Name: "Dune", Position: "2"})
	if err != nil || placed == nil {
		t.Fatalf("CreateInSeries: placed %v, %v", placed, err)
	}
	check("a book in a series", tabs, map[data.Status]int{data.StatusWant: 2, data.StatusReading: 1, data.StatusRead: 1, data.StatusDNF: 0})
}
