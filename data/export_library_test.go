package data_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/bookcase/bookcase/data"
)

// exportAll runs Export for owner and returns every book it visits, in order.
func exportAll(t *testing.T, books *data.BookStore, owner int64) []data.ExportBook {
	t.Helper()
	var got []data.ExportBook
	if err := books.Export(t.Context(), owner, func(b data.ExportBook) error {
		got = append(got, b)
		return nil
	}); err != nil {
		t.Fatalf("Export: %v", err)
	}
	return got
}

func TestBookStoreExport(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		f := openReading(t)
		shelves := f.db.Shelves()
		owned, err := shelves.Create(t.Context(), f.owner, "Owned")
		if err != nil {
			t.Fatalf("create shelf: %v", err)
		}
		club, err := shelves.Create(t.Context(), f.owner, "Book club")
		if err != nil {
			t.Fatalf("create shelf: %v", err)
		}
		dune := mustCreate(t, f.books, f.owner, data.BookInput{Title: "Dune", Author: "Frank Herbert", Genre: "SF"})
		f.details(t, dune.ID, data.DetailsInput{Pages: "400", Rating: "4.5", Notes: "Spice.", ISBN: "0441013597"})
		f.setStatus(t, dune.ID, data.StatusReading, day(-10))
		f.progress(t, dune.ID, "100")
		f.progress(t, dune.ID, "50%")
		f.setStatus(t, dune.ID, data.StatusRead, day(-1))
		for _, sh := range []data.Shelf{club, owned} {
			if err := shelves.Shelve(t.Context(), f.owner, dune.ID, sh.ID); err != nil {
				t.Fatalf("Shelve: %v", err)
			}
		}
		emma := mustCreate(t, f.books, f.owner, data.BookInput{Title: "Emma", Author: "Jane Austen"})
		gone := mustCreate(t, f.books, f.owner, data.BookInput{Title: "Gone", Author: "Someone"})
		if _, err := f.books.Delete(t.Context(), f.owner, gone.ID); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		mustCreate(t, f.books, f.other, data.BookInput{Title: "Not mine", Author: "Other"})

		got := exportAll(t, f.books, f.owner)
		if ids := []int64{got[0].ID, got[len(got)-1].ID}; len(got) != 2 || ids[0] != dune.ID || ids[1] != emma.ID {
			t.Fatalf("Export visited %d books %+v, want Dune then Emma", len(got), got)
		}
		d := got[0]
		if d.Title != "Dune" || d.Pages != 400 || d.Rating != 9 || d.Notes != "Spice." || d.ISBN != "9780441013593" || d.Status != data.StatusRead {
			t.Errorf("Dune = %+v, want its details", d.Book)
		}
		if want := []string{"Owned", "Book club"}; !slices.Equal(d.Shelves, want) {
			t.Errorf("Dune's shelves = %q, want %q (in the shelves' order)", d.Shelves, want)
		}
		if len(d.ReadThroughs) != 1 || d.ReadThroughs[0].Outcome != data.StatusRead ||
			!d.ReadThroughs[0].StartedOn.Equal(day(-10)) || d.ReadThroughs[0].FinishedOn == nil || !d.ReadThroughs[0].FinishedOn.Equal(day(-1)) {
			t.Errorf("Dune's read-throughs = %+v, want one read from day -10 to day -1", d.ReadThroughs)
		}
		if len(d.Progress) != 2 || d.Progress[0].Page != 100 || d.Progress[1].Page != 200 {
			t.Errorf("Dune's progress = %+v, want page 100 then page 200, oldest first", d.Progress)
		}
		e := got[1]
		if len(e.Shelves) != 0 || len(e.ReadThroughs) != 0 || len(e.Progress) != 0 || e.Shelves == nil {
			t.Errorf("Emma = %+v, want no shelves, read-throughs or progress (as empty lists)", e)
		}
		if other := exportAll(t, f.books, f.other); len(other) != 1 || other[0].Title != "Not mine" {
			t.Errorf("the other reader's export = %+v, want only their book", other)
		}
	})

	t.Run("OKManyPages", func(t *testing.T) {
		f := openReading(t)
		const n = 1203 // more than two pages of 500
		for i := range n {
			mustCreate(t, f.books, f.owner, data.BookInput{Title: "Book", Author: "A"})
			if i == 600 {
				mustCreate(t, f.books, f.other, data.BookInput{Title: "Other's", Author: "B"})
			}
		}
		got := exportAll(t, f.books, f.owner)
		if len(got) != n {
			t.Fatalf("Export visited %d books, want %d", len(got), n)
		}
		for i := 1; i < len(got); i++ {
			if got[i].ID <= got[i-1].ID {
				t.Fatalf("book %d has id %d after %d: want ascending ids", i, got[i].ID, got[i-1].ID)
			}
		}
	})

	t.Run("ErrFromVisit", func(t *testing.T) {
		f := openReading(t)
		mustCreate(t, f.books, f.owner, data.BookInput{Title: "One", Author: "A"})
		mustCreate(t, f.books, f.owner, data.BookInput{Title: "Two", Author: "A"})
		stop := errors.New("stop")
		visits := 0
		err := f.books.Export(t.Context(), f.owner, func(data.ExportBook) error { visits++; return stop })
		if !errors.Is(err, stop) || visits != 1 {
			t.Errorf("Export = %v after %d visits, want the visitor's error after 1", err, visits)
		}
	})
}
