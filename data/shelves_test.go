package data_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

// shelfFixture is a database with two readers, ada and bob, and a clock the test controls.
type shelfFixture struct {
	db       *data.DB
	shelves  *data.ShelfStore
	books    *data.BookStore
	ada, bob int64
	now      *time.Time
}

func openShelves(t *testing.T) shelfFixture {
	t.Helper()
	db := openDB(t)
	clock := t0
	db.SetClock(fixedClock(&clock))
	return shelfFixture{
		db: db, shelves: db.Shelves(), books: db.Books(),
		ada: addReader(t, db, "ada").ID, bob: addReader(t, db, "bob").ID,
		now: &clock,
	}
}

// shelf creates a shelf or fails the test.
func (f shelfFixture) shelf(t *testing.T, owner int64, name string) data.Shelf {
	t.Helper()
	s, err := f.shelves.Create(t.Context(), owner, name)
	if err != nil {
		t.Fatalf("Create(%q): %v", name, err)
	}
	return s
}

// book creates a book or fails the test.
func (f shelfFixture) book(t *testing.T, owner int64, title string) data.Book {
	t.Helper()
	return mustCreate(t, f.books, owner, data.BookInput{Title: title, Author: "Someone"})
}

// shelve puts a book on a shelf or fails the test.
func (f shelfFixture) shelve(t *testing.T, owner, book, shelf int64) {
	t.Helper()
	if err := f.shelves.Shelve(t.Context(), owner, book, shelf); err != nil {
		t.Fatalf("Shelve(%d, %d): %v", book, shelf, err)
	}
}

// list returns the owner's shelves or fails the test.
func (f shelfFixture) list(t *testing.T, owner int64) []data.Shelf {
	t.Helper()
	got, err := f.shelves.List(t.Context(), owner)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	return got
}

// names lists the names of shelves in order.
func names(shelves []data.Shelf) []string {
	out := make([]string, len(shelves))
	for i, s := range shelves {
		out[i] = s.Name
	}
	return out
}

// counts maps each shelf's name to its count of books.
func counts(shelves []data.Shelf) map[string]int {
	out := make(map[string]int, len(shelves))
	for _, s := range shelves {
		out[s.Name] = s.Books
	}
	return out
}

// assertDense fails the test unless the shelves are numbered 0, 1, 2 ... in order.
func assertDense(t *testing.T, shelves []data.Shelf) {
	t.Helper()
	for i, s := range shelves {
		if s.Position != i {
			t.Errorf("shelf %q at index %d has position %d, want %d", s.Name, i, s.Position, i)
		}
	}
}

// assertNameError fails the test unless err is a validation error at "name" saying want.
func assertNameError(t *testing.T, err error, want string) {
	t.Helper()
	assertInvalid(t, err, "name")
	var verr *data.ValidationError
	if errors.As(err, &verr) && verr.Fields["name"] != want {
		t.Errorf("name error = %q, want %q", verr.Fields["name"], want)
	}
}

// snapshot dumps every row of shelves, book_shelves and books, to show that a refused call changed nothing.
func snapshot(t *testing.T, db *data.DB) string {
	t.Helper()
	_, read := db.Pools()
	var b strings.Builder
	for _, q := range []string{
		`SELECT id, owner_id, name, name_key, position, created_at FROM shelves ORDER BY id`,
		`SELECT book_id, shelf_id, added_at FROM book_shelves ORDER BY book_id, shelf_id`,
		`SELECT id, owner_id, title, deleted_at IS NULL FROM books ORDER BY id`,
	} {
		rows, err := read.QueryxContext(t.Context(), q)
		if err != nil {
			t.Fatalf("snapshot: %v", err)
		}
		for rows.Next() {
			row, err := rows.SliceScan()
			if err != nil {
				t.Fatalf("snapshot: %v", err)
			}
			fmt.Fprintln(&b, row...)
		}
		if err := rows.Close(); err != nil {
			t.Fatalf("snapshot: %v", err)
		}
		b.WriteString("--\n")
	}
	return b.String()
}

// rowCount runs a COUNT(*) query on the read pool or fails the test.
func rowCount(t *testing.T, db *data.DB, query string, args ...any) int {
	t.Helper()
	_, read := db.Pools()
	var n int
	if err := read.GetContext(t.Context(), &n, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestShelfStoreCreate(t *testing.T) {
	f := openShelves(t)
	ctx := t.Context()

	t.Run("OK", func(t *testing.T) {
		first := f.shelf(t, f.ada, "  Book \u00a0  club ")
		if first.ID <= 0 || first.Name != "Book club" || first.Position != 0 || first.Books != 0 || !first.CreatedAt.Equal(t0) {
			t.Errorf("Create = %+v, want Book club at position 0 with no books, created at t0", first)
		}
		second := f.shelf(t, f.ada, "Owned")
		if second.Position != 1 {
			t.Errorf("second shelf at position %d, want 1 (appended)", second.Position)
		}
		got, err := f.shelves.Get(ctx, f.ada, first.ID)
		if err != nil || got != first {
			t.Errorf("Get = %+v, %v; want %+v", got, err, first)
		}
		if got := names(f.list(t, f.ada)); !slices.Equal(got, []string{"Book club", "Owned"}) {
			t.Errorf("List = %q, want [Book club Owned]", got)
		}
	})
	t.Run("OKLongestName", func(t *testing.T) {
		name := strings.Repeat("é", data.MaxShelfNameLen) // 100 characters, 200 bytes
		if s := f.shelf(t, f.ada, name); s.Name != name {
			t.Errorf("Name = %q, want %q", s.Name, name)
		}
	})
	t.Run("OKSameNameOtherReader", func(t *testing.T) {
		if s := f.shelf(t, f.bob, "owned"); s.Name != "owned" || s.Position != 0 {
			t.Errorf("bob's shelf = %+v, want owned at position 0", s)
		}
	})

	for _, tc := range []struct {
		test, name, want string
	}{
		{"ErrNameRequired", "", "Give the shelf a name."},
		{"ErrNameRequiredSpaces", " \u00a0 ", "Give the shelf a name."},
		{"ErrNameTooLong", strings.Repeat("x", 101), "The name must be at most 100 characters (it has 101)."},
		{"ErrNameNewline", "Book\nclub", "The name must be a single line of text."},
		{"ErrNameTab", "Book\tclub", "The name must be a single line of text."},
		{"ErrNameBidiOverride", "Book\u202eclub", "The name must be a single line of text."},
		{"ErrNameNotUTF8", "Book \xff", "The name contains characters that are not valid text."},
		{"ErrNameTaken", "Owned", "You already have a shelf called “Owned”."},
		{"ErrNameTakenCase", "OWNED", "You already have a shelf called “Owned”."},
		{"ErrNameTakenSpaces", "  book   CLUB ", "You already have a shelf called “Book club”."},
	} {
		t.Run(tc.test, func(t *testing.T) {
			before := snapshot(t, f.db)
			_, err := f.shelves.Create(ctx, f.ada, tc.name)
			assertNameError(t, err, tc.want)
			if after := snapshot(t, f.db); after != before {
				t.Errorf("a refused Create changed the database:\n%s\nwant\n%s", after, before)
			}
		})
	}
}

func TestShelfStoreRename(t *testing.T) {
	f := openShelves(t)
	ctx := t.Context()
	owned := f.shelf(t, f.ada, "Owned")
	club := f.shelf(t, f.ada, "Book club")
	b := f.book(t, f.ada, "Dune")
	f.shelve(t, f.ada, b.ID, club.ID)

	t.Run("OK", func(t *testing.T) {
		got, err := f.shelves.Rename(ctx, f.ada, club.ID, "  Reading   group ")
		if err != nil {
			t.Fatalf("Rename: %v", err)
		}
		want := club
		want.Name, want.Books = "Reading group", 1
		if got != want {
			t.Errorf("Rename = %+v, want %+v (same position, books and time)", got, want)
		}
		// The old name is free again.
		f.shelf(t, f.ada, "book club")
	})
	t.Run("OKChangeCase", func(t *testing.T) {
		got, err := f.shelves.Rename(ctx, f.ada, owned.ID, "OWNED")
		if err != nil || got.Name != "OWNED" {
			t.Errorf("Rename to a new case = %+v, %v; want OWNED", got, err)
		}
	})
	t.Run("OKSameNameOtherReader", func(t *testing.T) {
		mine := f.shelf(t, f.bob, "Mine")
		if _, err := f.shelves.Rename(ctx, f.bob, mine.ID, "Owned"); err != nil {
			t.Errorf("bob renaming to a name ada uses: %v", err)
		}
	})
	for _, tc := range []struct {
		test, name, want string
	}{
		{"ErrNameRequired", "  ", "Give the shelf a name."},
		{"ErrNameTooLong", strings.Repeat("x", 120), "The name must be at most 100 characters (it has 120)."},
		{"ErrNameNewline", "a\r\nb", "The name must be a single line of text."},
		{"ErrNameTaken", "owned", "You already have a shelf called “OWNED”."},
	} {
		t.Run(tc.test, func(t *testing.T) {
			before := snapshot(t, f.db)
			_, err := f.shelves.Rename(ctx, f.ada, club.ID, tc.name)
			assertNameError(t, err, tc.want)
			if after := snapshot(t, f.db); after != before {
				t.Errorf("a refused Rename changed the database:\n%s\nwant\n%s", after, before)
			}
		})
	}
	t.Run("ErrNotFound", func(t *testing.T) {
		for _, id := range []int64{0, 999999} {
			if _, err := f.shelves.Rename(ctx, f.ada, id, "Anything"); !errors.Is(err, data.ErrNotFound) {
				t.Errorf("Rename(%d) = %v, want ErrNotFound", id, err)
			}
		}
	})
}

func TestShelfStoreMove(t *testing.T) {
	f := openShelves(t)
	ctx := t.Context()
	byName := map[string]int64{}
	for _, name := range []string{"a", "b", "c", "d"} {
		byName[name] = f.shelf(t, f.ada, name).ID
	}
	// Each move starts from the order the one before left.
	for _, tc := range []struct {
		test  string
		shelf string
		to    int
		want  []string
	}{
		{"OKToFirst", "d", 0, []string{"d", "a", "b", "c"}},
		{"OKToLast", "d", 3, []string{"a", "b", "c", "d"}},
		{"OKToMiddle", "a", 2, []string{"b", "c", "a", "d"}},
		{"OKUp", "d", 1, []string{"b", "d", "c", "a"}},
		{"OKInPlace", "c", 2, []string{"b", "d", "c", "a"}},
		{"OKPastEnd", "b", 99, []string{"d", "c", "a", "b"}},
		{"OKBeforeStart", "a", -5, []string{"a", "d", "c", "b"}},
	} {
		t.Run(tc.test, func(t *testing.T) {
			got, err := f.shelves.Move(ctx, f.ada, byName[tc.shelf], tc.to)
			if err != nil {
				t.Fatalf("Move: %v", err)
			}
			if !slices.Equal(names(got), tc.want) {
				t.Errorf("Move(%s, %d) = %q, want %q", tc.shelf, tc.to, names(got), tc.want)
			}
			assertDense(t, got)
			if list := f.list(t, f.ada); !slices.Equal(list, got) {
				t.Errorf("List after Move = %+v, want %+v", list, got)
			}
		})
	}
	t.Run("OKDeleteKeepsDense", func(t *testing.T) {
		if err := f.shelves.Delete(ctx, f.ada, byName["d"]); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		got := f.list(t, f.ada)
		if !slices.Equal(names(got), []string{"a", "c", "b"}) {
			t.Errorf("List after Delete = %q, want [a c b]", names(got))
		}
		assertDense(t, got)
		if e := f.shelf(t, f.ada, "e"); e.Position != 3 {
			t.Errorf("new shelf after a Delete at position %d, want 3", e.Position)
		}
	})
	t.Run("OKOnlyShelf", func(t *testing.T) {
		only := f.shelf(t, f.bob, "only")
		got, err := f.shelves.Move(ctx, f.bob, only.ID, 5)
		if err != nil || len(got) != 1 || got[0].Position != 0 {
			t.Errorf("Move of the only shelf = %+v, %v; want it at 0", got, err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		before := snapshot(t, f.db)
		if _, err := f.shelves.Move(ctx, f.ada, 999999, 0); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("Move of a missing shelf = %v, want ErrNotFound", err)
		}
		if after := snapshot(t, f.db); after != before {
			t.Errorf("a refused Move changed the database")
		}
	})
}

func TestShelfStoreDelete(t *testing.T) {
	f := openShelves(t)
	ctx := t.Context()
	owned, club := f.shelf(t, f.ada, "Owned"), f.shelf(t, f.ada, "Book club")
	dune, emma := f.book(t, f.ada, "Dune"), f.book(t, f.ada, "Emma")
	for _, b := range []int64{dune.ID, emma.ID} {
		f.shelve(t, f.ada, b, owned.ID)
		f.shelve(t, f.ada, b, club.ID)
	}

	t.Run("OK", func(t *testing.T) {
		if err := f.shelves.Delete(ctx, f.ada, owned.ID); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if _, err := f.shelves.Get(ctx, f.ada, owned.ID); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("Get of a deleted shelf = %v, want ErrNotFound", err)
		}
		for _, b := range []data.Book{dune, emma} {
			if _, err := f.books.Get(ctx, f.ada, b.ID); err != nil {
				t.Errorf("book %q after its shelf was deleted: %v", b.Title, err)
			}
			got, err := f.shelves.BookShelves(ctx, f.ada, b.ID)
			if err != nil || !slices.Equal(names(got), []string{"Book club"}) {
				t.Errorf("BookShelves(%q) = %q, %v; want [Book club]", b.Title, names(got), err)
			}
		}
		if n := rowCount(t, f.db, `SELECT COUNT(*) FROM book_shelves WHERE shelf_id = ?`, owned.ID); n != 0 {
			t.Errorf("%d memberships of the deleted shelf remain, want 0", n)
		}
		if n := count(t, f.books, f.ada); n != 2 {
			t.Errorf("Count = %d, want 2", n)
		}
		got := f.list(t, f.ada)
		if len(got) != 1 || got[0].Name != "Book club" || got[0].Books != 2 || got[0].Position != 0 {
			t.Errorf("List = %+v, want Book club at 0 with 2 books", got)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		before := snapshot(t, f.db)
		for _, id := range []int64{owned.ID, 999999} {
			if err := f.shelves.Delete(ctx, f.ada, id); !errors.Is(err, data.ErrNotFound) {
				t.Errorf("Delete(%d) = %v, want ErrNotFound", id, err)
			}
		}
		if after := snapshot(t, f.db); after != before {
			t.Errorf("a refused Delete changed the database")
		}
	})
}

func TestShelfStoreShelve(t *testing.T) {
	f := openShelves(t)
	ctx := t.Context()
	owned, club := f.shelf(t, f.ada, "Owned"), f.shelf(t, f.ada, "Book club")
	dune := f.book(t, f.ada, "Dune")

	t.Run("OK", func(t *testing.T) {
		f.shelve(t, f.ada, dune.ID, club.ID)
		f.shelve(t, f.ada, dune.ID, owned.ID)
		got, err := f.shelves.BookShelves(ctx, f.ada, dune.ID)
		if err != nil || !slices.Equal(names(got), []string{"Owned", "Book club"}) {
			t.Errorf("BookShelves = %q, %v; want [Owned Book club] (in shelf order)", names(got), err)
		}
		if c := counts(f.list(t, f.ada)); c["Owned"] != 1 || c["Book club"] != 1 {
			t.Errorf("counts = %v, want 1 each", c)
		}
		if s, err := f.shelves.Get(ctx, f.ada, owned.ID); err != nil || s.Books != 1 {
			t.Errorf("Get = %+v, %v; want 1 book", s, err)
		}
	})
	t.Run("OKTwice", func(t *testing.T) {
		before := snapshot(t, f.db)
		*f.now = f.now.Add(time.Hour)
		f.shelve(t, f.ada, dune.ID, owned.ID)
		if after := snapshot(t, f.db); after != before {
			t.Errorf("shelving a book again changed the database:\n%s\nwant\n%s", after, before)
		}
	})
	t.Run("OKUnshelve", func(t *testing.T) {
		for range 2 { // the second time, it is not on the shelf: still not an error
			if err := f.shelves.Unshelve(ctx, f.ada, dune.ID, owned.ID); err != nil {
				t.Fatalf("Unshelve: %v", err)
			}
		}
		got, err := f.shelves.BookShelves(ctx, f.ada, dune.ID)
		if err != nil || !slices.Equal(names(got), []string{"Book club"}) {
			t.Errorf("BookShelves = %q, %v; want [Book club]", names(got), err)
		}
		if c := counts(f.list(t, f.ada)); c["Owned"] != 0 || c["Book club"] != 1 {
			t.Errorf("counts = %v, want Owned 0, Book club 1", c)
		}
	})
	t.Run("ErrNotFoundDeletedBook", func(t *testing.T) {
		gone := f.book(t, f.ada, "Gone")
		if _, err := f.books.Delete(ctx, f.ada, gone.ID); err != nil {
			t.Fatal(err)
		}
		before := snapshot(t, f.db)
		if err := f.shelves.Shelve(ctx, f.ada, gone.ID, owned.ID); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("Shelve of a deleted book = %v, want ErrNotFound", err)
		}
		if err := f.shelves.Unshelve(ctx, f.ada, gone.ID, owned.ID); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("Unshelve of a deleted book = %v, want ErrNotFound", err)
		}
		if _, err := f.shelves.BookShelves(ctx, f.ada, gone.ID); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("BookShelves of a deleted book = %v, want ErrNotFound", err)
		}
		if after := snapshot(t, f.db); after != before {
			t.Errorf("a refused Shelve changed the database")
		}
	})
	t.Run("ErrNotFoundMissing", func(t *testing.T) {
		before := snapshot(t, f.db)
		for _, ids := range [][2]int64{{999999, owned.ID}, {dune.ID, 999999}, {0, 0}} {
			if err := f.shelves.Shelve(ctx, f.ada, ids[0], ids[1]); !errors.Is(err, data.ErrNotFound) {
				t.Errorf("Shelve(%d, %d) = %v, want ErrNotFound", ids[0], ids[1], err)
			}
			if err := f.shelves.Unshelve(ctx, f.ada, ids[0], ids[1]); !errors.Is(err, data.ErrNotFound) {
				t.Errorf("Unshelve(%d, %d) = %v, want ErrNotFound", ids[0], ids[1], err)
			}
		}
		if after := snapshot(t, f.db); after != before {
			t.Errorf("a refused Shelve changed the database")
		}
	})
}

func TestShelfStoreSetBookShelves(t *testing.T) {
	f := openShelves(t)
	ctx := t.Context()
	a, b, c := f.shelf(t, f.ada, "A"), f.shelf(t, f.ada, "B"), f.shelf(t, f.ada, "C")
	dune := f.book(t, f.ada, "Dune")
	emma := f.book(t, f.ada, "Emma")
	f.shelve(t, f.ada, emma.ID, a.ID) // another book's shelves are never touched

	for _, tc := range []struct {
		test string
		set  []int64
		want []string
	}{
		{"OK", []int64{c.ID, a.ID}, []string{"A", "C"}},
		{"OKReplace", []int64{b.ID, c.ID}, []string{"B", "C"}},
		{"OKDuplicates", []int64{a.ID, a.ID, b.ID, a.ID}, []string{"A", "B"}},
		{"OKSame", []int64{b.ID, a.ID}, []string{"A", "B"}},
		{"OKEmpty", []int64{}, nil},
		{"OKAll", []int64{a.ID, b.ID, c.ID}, []string{"A", "B", "C"}},
		{"OKNil", nil, nil},
	} {
		t.Run(tc.test, func(t *testing.T) {
			if err := f.shelves.SetBookShelves(ctx, f.ada, dune.ID, tc.set); err != nil {
				t.Fatalf("SetBookShelves: %v", err)
			}
			got, err := f.shelves.BookShelves(ctx, f.ada, dune.ID)
			if err != nil || !slices.Equal(names(got), tc.want) {
				t.Errorf("BookShelves = %q, %v; want %q", names(got), err, tc.want)
			}
			if got, err := f.shelves.BookShelves(ctx, f.ada, emma.ID); err != nil || !slices.Equal(names(got), []string{"A"}) {
				t.Errorf("BookShelves(Emma) = %q, %v; want [A]", names(got), err)
			}
		})
	}
	t.Run("OKKeepsAddedAt", func(t *testing.T) {
		if err := f.shelves.SetBookShelves(ctx, f.ada, dune.ID, []int64{a.ID}); err != nil {
			t.Fatal(err)
		}
		before := snapshot(t, f.db)
		*f.now = f.now.Add(time.Hour)
		if err := f.shelves.SetBookShelves(ctx, f.ada, dune.ID, []int64{a.ID}); err != nil {
			t.Fatal(err)
		}
		if after := snapshot(t, f.db); after != before {
			t.Errorf("setting the same shelves changed the database:\n%s\nwant\n%s", after, before)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		bobs := f.shelf(t, f.bob, "Bob's")
		gone := f.book(t, f.ada, "Gone")
		if _, err := f.books.Delete(ctx, f.ada, gone.ID); err != nil {
			t.Fatal(err)
		}
		before := snapshot(t, f.db)
		for _, tc := range []struct {
			test string
			book int64
			set  []int64
		}{
			{"MissingShelf", dune.ID, []int64{b.ID, 999999}},
			{"OtherReadersShelf", dune.ID, []int64{b.ID, bobs.ID}},
			{"MissingBook", 999999, []int64{b.ID}},
			{"DeletedBook", gone.ID, []int64{b.ID}},
			{"DeletedBookEmptySet", gone.ID, nil},
		} {
			if err := f.shelves.SetBookShelves(ctx, f.ada, tc.book, tc.set); !errors.Is(err, data.ErrNotFound) {
				t.Errorf("%s: SetBookShelves = %v, want ErrNotFound", tc.test, err)
			}
		}
		if after := snapshot(t, f.db); after != before {
			t.Errorf("a refused SetBookShelves changed the database:\n%s\nwant\n%s", after, before)
		}
	})
}

func TestShelfStoreBookShelvesOrder(t *testing.T) {
	f := openShelves(t)
	ctx := t.Context()
	a, _, c := f.shelf(t, f.ada, "A"), f.shelf(t, f.ada, "B"), f.shelf(t, f.ada, "C")
	dune := f.book(t, f.ada, "Dune")
	if err := f.shelves.SetBookShelves(ctx, f.ada, dune.ID, []int64{a.ID, c.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.shelves.Move(ctx, f.ada, c.ID, 0); err != nil {
		t.Fatal(err)
	}
	got, err := f.shelves.BookShelves(ctx, f.ada, dune.ID)
	if err != nil || !slices.Equal(names(got), []string{"C", "A"}) {
		t.Errorf("BookShelves after a Move = %q, %v; want [C A]", names(got), err)
	}
	none := f.book(t, f.ada, "Emma")
	if got, err := f.shelves.BookShelves(ctx, f.ada, none.ID); err != nil || got == nil || len(got) != 0 {
		t.Errorf("BookShelves of a book on no shelf = %#v, %v; want an empty list", got, err)
	}
}

// TestShelfStoreDeletedBooks checks that a deleted book leaves the counts and the shelf's pages, comes
// back with its shelves on Restore, and leaves nothing behind when purged.
func TestShelfStoreDeletedBooks(t *testing.T) {
	f := openShelves(t)
	ctx := t.Context()
	owned, club := f.shelf(t, f.ada, "Owned"), f.shelf(t, f.ada, "Book club")
	var books []data.Book
	for _, title := range []string{"Dune", "Emma", "Ulysses"} {
		b := f.book(t, f.ada, title)
		books = append(books, b)
		f.shelve(t, f.ada, b.ID, owned.ID)
	}
	emma := books[1]
	f.shelve(t, f.ada, emma.ID, club.ID)
	assertOwned := func(t *testing.T, wantIDs []int64) {
		t.Helper()
		page, err := f.shelves.ListBooks(ctx, f.ada, owned.ID, 0, 0)
		if err != nil || !slices.Equal(ids(page.Books), wantIDs) {
			t.Errorf("ListBooks = %v, %v; want %v", ids(page.Books), err, wantIDs)
		}
		s, err := f.shelves.Get(ctx, f.ada, owned.ID)
		if err != nil || s.Books != len(wantIDs) {
			t.Errorf("Get = %+v, %v; want %d books", s, err, len(wantIDs))
		}
		if c := counts(f.list(t, f.ada)); c["Owned"] != len(wantIDs) {
			t.Errorf("List counts = %v, want Owned %d", c, len(wantIDs))
		}
	}

	t.Run("OKDeleteDropsOut", func(t *testing.T) {
		if _, err := f.books.Delete(ctx, f.ada, emma.ID); err != nil {
			t.Fatal(err)
		}
		assertOwned(t, []int64{books[2].ID, books[0].ID})
		if c := counts(f.list(t, f.ada)); c["Book club"] != 0 {
			t.Errorf("Book club count = %d, want 0", c["Book club"])
		}
	})
	t.Run("OKRestoreComesBack", func(t *testing.T) {
		if _, err := f.books.Restore(ctx, f.ada, emma.ID); err != nil {
			t.Fatal(err)
		}
		assertOwned(t, []int64{books[2].ID, books[1].ID, books[0].ID})
		got, err := f.shelves.BookShelves(ctx, f.ada, emma.ID)
		if err != nil || !slices.Equal(names(got), []string{"Owned", "Book club"}) {
			t.Errorf("BookShelves after Restore = %q, %v; want [Owned Book club]", names(got), err)
		}
	})
	t.Run("OKPurgeLeavesNoOrphans", func(t *testing.T) {
		if _, err := f.books.Delete(ctx, f.ada, emma.ID); err != nil {
			t.Fatal(err)
		}
		*f.now = f.now.Add(48 * time.Hour)
		if n, err := f.books.PurgeDeleted(ctx, 24*time.Hour); err != nil || n != 1 {
			t.Fatalf("PurgeDeleted = %d, %v; want 1", n, err)
		}
		if n := rowCount(t, f.db, `SELECT COUNT(*) FROM book_shelves WHERE book_id = ?`, emma.ID); n != 0 {
			t.Errorf("%d memberships of the purged book remain, want 0", n)
		}
		if n := rowCount(t, f.db, `
			SELECT COUNT(*) FROM book_shelves
			WHERE book_id NOT IN (SELECT id FROM books) OR shelf_id NOT IN (SELECT id FROM shelves)`); n != 0 {
			t.Errorf("%d orphan memberships, want 0", n)
		}
		assertOwned(t, []int64{books[2].ID, books[0].ID})
		if got := names(f.list(t, f.ada)); !slices.Equal(got, []string{"Owned", "Book club"}) {
			t.Errorf("shelves after purge = %q, want both kept", got)
		}
	})
}

func TestShelfStoreListBooks(t *testing.T) {
	const onShelf = 120
	f := openShelves(t)
	ctx := t.Context()
	shelf := f.shelf(t, f.ada, "Owned")
	other := f.shelf(t, f.ada, "Other")
	want := map[int64]bool{}
	for i := range onShelf + onShelf/4 {
		b := f.book(t, f.ada, fmt.Sprintf("Book %d", i))
		if i%5 == 4 { // every fifth book is on another shelf only
			f.shelve(t, f.ada, b.ID, other.ID)
			continue
		}
		f.shelve(t, f.ada, b.ID, shelf.ID)
		want[b.ID] = true
	}
	// Bob's books are interleaved by id but never on ada's shelf.
	bobs := f.shelf(t, f.bob, "Owned")
	f.shelve(t, f.bob, f.book(t, f.bob, "Bob's").ID, bobs.ID)
	if len(want) != onShelf {
		t.Fatalf("set up %d books on the shelf, want %d", len(want), onShelf)
	}

	t.Run("OK", func(t *testing.T) {
		var got []int64
		pages := 0
		for before := int64(0); ; pages++ {
			page, err := f.shelves.ListBooks(ctx, f.ada, shelf.ID, before, 50)
			if err != nil {
				t.Fatalf("ListBooks(before %d): %v", before, err)
			}
			if pages < 2 && len(page.Books) != 50 {
				t.Errorf("page %d has %d books, want 50", pages, len(page.Books))
			}
			got = append(got, ids(page.Books)...)
			if page.Next == 0 {
				break
			}
			if page.Next != page.Books[len(page.Books)-1].ID {
				t.Errorf("Next = %d, want the last id on the page %d", page.Next, page.Books[len(page.Books)-1].ID)
			}
			before = page.Next
		}
		if pages != 2 {
			t.Errorf("got %d pages after the first, want 2 (50, 50, 20)", pages)
		}
		if !slices.IsSortedFunc(got, func(a, b int64) int { return int(b - a) }) {
			t.Errorf("ids not newest first: %v", got)
		}
		seen := map[int64]bool{}
		for _, id := range got {
			if seen[id] || !want[id] {
				t.Errorf("id %d duplicated or not on the shelf", id)
			}
			seen[id] = true
		}
		if len(seen) != onShelf {
			t.Errorf("paged through %d books, want %d", len(seen), onShelf)
		}
	})
	t.Run("OKDefaultLimit", func(t *testing.T) {
		for _, limit := range []int{0, -1, 501} {
			page, err := f.shelves.ListBooks(ctx, f.ada, shelf.ID, 0, limit)
			if err != nil || len(page.Books) != data.PageSize || page.Next == 0 {
				t.Errorf("ListBooks(limit %d) = %d books, next %d, %v; want a page of %d", limit, len(page.Books), page.Next, err, data.PageSize)
			}
		}
	})
	t.Run("OKEmptyShelf", func(t *testing.T) {
		empty := f.shelf(t, f.ada, "Empty")
		page, err := f.shelves.ListBooks(ctx, f.ada, empty.ID, 0, 10)
		if err != nil || len(page.Books) != 0 || page.Next != 0 {
			t.Errorf("ListBooks of an empty shelf = %+v, %v; want no books", page, err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		for _, id := range []int64{bobs.ID, 999999} {
			if _, err := f.shelves.ListBooks(ctx, f.ada, id, 0, 10); !errors.Is(err, data.ErrNotFound) {
				t.Errorf("ListBooks(%d) = %v, want ErrNotFound", id, err)
			}
		}
	})
}

// TestShelfStoreOwnership checks every method from ada's side against bob's shelf and book: to
// ada they do not exist, and nothing she does changes anything.
func TestShelfStoreOwnership(t *testing.T) {
	f := openShelves(t)
	ctx := t.Context()
	adaShelf, adaBook := f.shelf(t, f.ada, "Owned"), f.book(t, f.ada, "Emma")
	bobShelf, bobBook := f.shelf(t, f.bob, "Owned"), f.book(t, f.bob, "Dune")
	f.shelf(t, f.bob, "Favourites")
	f.shelve(t, f.ada, adaBook.ID, adaShelf.ID)
	f.shelve(t, f.bob, bobBook.ID, bobShelf.ID)
	bobBefore := f.list(t, f.bob)

	for _, tc := range []struct {
		test string
		call func() error
	}{
		{"Get", func() error { _, err := f.shelves.Get(ctx, f.ada, bobShelf.ID); return err }},
		{"Rename", func() error { _, err := f.shelves.Rename(ctx, f.ada, bobShelf.ID, "Mine"); return err }},
		{"RenameToOwnName", func() error { _, err := f.shelves.Rename(ctx, f.ada, bobShelf.ID, "owned"); return err }},
		{"Move", func() error { _, err := f.shelves.Move(ctx, f.ada, bobShelf.ID, 1); return err }},
		{"Delete", func() error { return f.shelves.Delete(ctx, f.ada, bobShelf.ID) }},
		{"ShelveOtherBook", func() error { return f.shelves.Shelve(ctx, f.ada, bobBook.ID, adaShelf.ID) }},
		{"ShelveOnOtherShelf", func() error { return f.shelves.Shelve(ctx, f.ada, adaBook.ID, bobShelf.ID) }},
		{"UnshelveOtherBook", func() error { return f.shelves.Unshelve(ctx, f.ada, bobBook.ID, bobShelf.ID) }},
		{"UnshelveFromOtherShelf", func() error { return f.shelves.Unshelve(ctx, f.ada, adaBook.ID, bobShelf.ID) }},
		{"SetBookShelvesOtherBook", func() error { return f.shelves.SetBookShelves(ctx, f.ada, bobBook.ID, nil) }},
		{"SetBookShelvesOtherShelf", func() error {
			return f.shelves.SetBookShelves(ctx, f.ada, adaBook.ID, []int64{bobShelf.ID})
		}},
		{"BookShelves", func() error { _, err := f.shelves.BookShelves(ctx, f.ada, bobBook.ID); return err }},
		{"ListBooks", func() error { _, err := f.shelves.ListBooks(ctx, f.ada, bobShelf.ID, 0, 10); return err }},
	} {
		t.Run("ErrNotFound"+tc.test, func(t *testing.T) {
			before := snapshot(t, f.db)
			if err := tc.call(); !errors.Is(err, data.ErrNotFound) {
				t.Errorf("err = %v, want ErrNotFound", err)
			}
			if after := snapshot(t, f.db); after != before {
				t.Errorf("a refused call changed the database:\n%s\nwant\n%s", after, before)
			}
		})
	}
	t.Run("OKListIsOwn", func(t *testing.T) {
		if got := f.list(t, f.ada); len(got) != 1 || got[0].ID != adaShelf.ID || got[0].Books != 1 {
			t.Errorf("ada's List = %+v, want only her shelf with 1 book", got)
		}
		if got := f.list(t, f.bob); !slices.Equal(got, bobBefore) {
			t.Errorf("bob's List = %+v, want %+v", got, bobBefore)
		}
	})
}

func TestUserStoreDeleteShelves(t *testing.T) {
	f := openShelves(t)
	ctx := t.Context()
	for _, owner := range []int64{f.ada, f.bob} {
		s1, s2 := f.shelf(t, owner, "Owned"), f.shelf(t, owner, "Book club")
		b := f.book(t, owner, "Dune")
		f.shelve(t, owner, b.ID, s1.ID)
		f.shelve(t, owner, b.ID, s2.ID)
	}
	bobShelves := f.list(t, f.bob)
	bobRows := rowCount(t, f.db, `
		SELECT COUNT(*) FROM book_shelves WHERE shelf_id IN (SELECT id FROM shelves WHERE owner_id = ?)`, f.bob)

	if err := f.db.Users().Delete(ctx, "ada"); err != nil {
		t.Fatalf("Delete user: %v", err)
	}
	if n := rowCount(t, f.db, `SELECT COUNT(*) FROM shelves WHERE owner_id = ?`, f.ada); n != 0 {
		t.Errorf("%d of the deleted reader's shelves remain, want 0", n)
	}
	if n := rowCount(t, f.db, `
		SELECT COUNT(*) FROM book_shelves
		WHERE book_id NOT IN (SELECT id FROM books) OR shelf_id NOT IN (SELECT id FROM shelves)`); n != 0 {
		t.Errorf("%d orphan memberships, want 0", n)
	}
	if got := f.list(t, f.bob); !slices.Equal(got, bobShelves) {
		t.Errorf("bob's shelves = %+v, want %+v", got, bobShelves)
	}
	if n := rowCount(t, f.db, `SELECT COUNT(*) FROM book_shelves`); n != bobRows || n != 2 {
		t.Errorf("%d memberships remain, want bob's %d", n, bobRows)
	}
}

// TestShelfCountsMatchBooks checks the stored count of live books on each shelf against the books
// themselves after a random mix of shelving, unshelving, deleting, restoring, purging and
// deleting shelves.
func TestShelfCountsMatchBooks(t *testing.T) {
	db := openDB(t)
	ctx := t.Context()
	books, shelves := db.Books(), db.Shelves()
	write, _ := db.Pools()
	owner := addReader(t, db, "reader").ID
	check := func(step string) {
		t.Helper()
		list, err := shelves.List(ctx, owner)
		if err != nil {
			t.Fatal(err)
		}
		for _, sh := range list {
			var want int
			if err := write.Get(&want, `
				SELECT COUNT(*) FROM book_shelves bs JOIN books b ON b.id = bs.book_id
				WHERE bs.shelf_id = ? AND b.deleted_at IS NULL`, sh.ID); err != nil {
				t.Fatal(err)
			}
			if sh.Books != want {
				t.Fatalf("after %s: shelf %q says %d books; the books say %d", step, sh.Name, sh.Books, want)
			}
		}
	}
	r := rand.New(rand.NewPCG(7, 8))
	var bookIDs, shelfIDs []int64
	for i := range 400 {
		var step string
		switch op := r.IntN(10); {
		case op == 0 || len(shelfIDs) == 0:
			sh, err := shelves.Create(ctx, owner, "Shelf "+strconv.Itoa(i))
			if err != nil {
				t.Fatal(err)
			}
			shelfIDs, step = append(shelfIDs, sh.ID), "create shelf"
		case op <= 2 || len(bookIDs) == 0:
			b, err := books.Create(ctx, owner, data.BookInput{Title: "Book " + strconv.Itoa(i), Author: "A"})
			if err != nil {
				t.Fatal(err)
			}
			bookIDs, step = append(bookIDs, b.ID), "create book"
		case op <= 4:
			err := shelves.Shelve(ctx, owner, bookIDs[r.IntN(len(bookIDs))], shelfIDs[r.IntN(len(shelfIDs))])
			if err != nil && !errors.Is(err, data.ErrNotFound) {
				t.Fatal(err)
			}
			step = "shelve"
		case op == 5:
			err := shelves.Unshelve(ctx, owner, bookIDs[r.IntN(len(bookIDs))], shelfIDs[r.IntN(len(shelfIDs))])
			if err != nil && !errors.Is(err, data.ErrNotFound) {
				t.Fatal(err)
			}
			step = "unshelve"
		case op == 6:
			if _, err := books.Delete(ctx, owner, bookIDs[r.IntN(len(bookIDs))]); err != nil && !errors.Is(err, data.ErrNotFound) {
				t.Fatal(err)
			}
			step = "delete book"
		case op == 7:
			if _, err := books.Restore(ctx, owner, bookIDs[r.IntN(len(bookIDs))]); err != nil && !errors.Is(err, data.ErrNotFound) {
				t.Fatal(err)
			}
			step = "restore book"
		case op == 8:
			if _, err := books.PurgeDeleted(ctx, -time.Hour); err != nil {
				t.Fatal(err)
			}
			step = "purge"
		default:
			i := r.IntN(len(shelfIDs))
			if err := shelves.Delete(ctx, owner, shelfIDs[i]); err != nil && !errors.Is(err, data.ErrNotFound) {
				t.Fatal(err)
			}
			shelfIDs, step = slices.Delete(shelfIDs, i, i+1), "delete shelf"
		}
		check(step)
	}
}
