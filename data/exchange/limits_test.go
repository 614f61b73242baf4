package exchange_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/bookcase/bookcase/data/exchange"
)

// names writes n shelf names separated by commas, cycling through distinct of them.
func names(n, distinct int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "s%d", i%distinct)
	}
	return b.String()
}

// shelvesRow is a Goodreads row on the shelves given as Bookshelves.
func shelvesRow(shelves string) string {
	return `1,T,A,,,,,,,,,,,,,2024/01/01,"` + shelves + `",,to-read,,,,,`
}

func TestParseShelfNames(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		// 10,000 names (what a 64 KB cell holds) of which 1,000 differ, in one row: every name is
		// looked up once (the row keeps the 1,000), where each was compared with the row's others.
		res, err := exchange.Parse(strings.NewReader(grHeader+"\n"+shelvesRow(names(10_000, exchange.MaxShelves))+"\n"), 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(res.Rows[0].Shelves); got != exchange.MaxShelves {
			t.Errorf("row has %d shelves, want %d", got, exchange.MaxShelves)
		}
	})
	t.Run("ErrTooManyShelves", func(t *testing.T) {
		// The names past MaxShelves come on the third line, after a row of 600 and one of 600.
		input := grHeader + "\n" + shelvesRow(names(600, 600)) + "\n" +
			shelvesRow(strings.ReplaceAll(names(600, 600), "s", "t")) + "\n" + shelvesRow(names(5_000, 5_000)) + "\n"
		_, err := exchange.Parse(strings.NewReader(input), 0)
		if !errors.Is(err, exchange.ErrTooManyShelves) {
			t.Fatalf("err = %v, want ErrTooManyShelves", err)
		}
		if want := "more than 1000 different shelves (the first past them is on line 3)"; !strings.Contains(err.Error(), want) {
			t.Errorf("message = %q, want it to contain %q", err.Error(), want)
		}
	})
	t.Run("ErrTooManyShelvesJSON", func(t *testing.T) {
		var b strings.Builder
		b.WriteString(`{"format":"bookcase","version":1,"shelves":[`)
		for i := range exchange.MaxShelves + 1 {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"name":"s%d","position":%d}`, i, i)
		}
		b.WriteString(`],"books":[]}`)
		_, err := exchange.Parse(strings.NewReader(b.String()), 0)
		if !errors.Is(err, exchange.ErrTooManyShelves) {
			t.Fatalf("err = %v, want ErrTooManyShelves", err)
		}
	})
}

// BenchmarkParseShelfNames parses one row of n shelf names, 1,000 of them distinct: the time per
// name stays flat as n grows (it grew with n when each name was compared with the row's others).
func BenchmarkParseShelfNames(b *testing.B) {
	for _, n := range []int{1_000, 4_000, 10_000} {
		input := grHeader + "\n" + shelvesRow(names(n, exchange.MaxShelves)) + "\n"
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := exchange.Parse(strings.NewReader(input), 0); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/name")
		})
	}
}

func TestParseEachCancelled(t *testing.T) {
	csv := grHeader + "\n" + strings.Repeat(grRow("T", "A", "", "", "", "", "")+"\n", 10)
	json := `{"format":"bookcase","version":1,"books":[` + strings.TrimSuffix(strings.Repeat(`{"title":"T","author":"A"},`, 10), ",") + `]}`
	for name, input := range map[string]string{"CSV": csv, "JSON": json} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			rows := 0
			_, err := exchange.ParseEach(ctx, strings.NewReader(input), 0, func(exchange.Row) error {
				if rows++; rows == 3 {
					cancel() // the client went away while the third row was stored
				}
				return nil
			})
			if !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v, want context.Canceled", err)
			}
			if rows != 3 {
				t.Errorf("each had %d rows, want 3 (none after the cancel)", rows)
			}
		})
	}
}

// bigCell is a Goodreads file whose row on line 2 has a review of n bytes, made as it is read.
func bigCell(n int64) io.Reader {
	return io.MultiReader(
		strings.NewReader(grHeader+"\n"+`1,T,A,,,,,,,,,,,,,2024/01/01,,,read,"`),
		io.LimitReader(repeat("review "), n),
		strings.NewReader(`",,,1,0`+"\n"+grRow("T", "A", "", "", "", "", "")+"\n"),
	)
}

func TestParseLongCell(t *testing.T) {
	t.Run("ErrCellTooLong", func(t *testing.T) {
		res, err := exchange.Parse(bigCell(exchange.MaxCellSize+1), 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Rows) != 2 {
			t.Fatalf("got %d rows, want 2", len(res.Rows))
		}
		r := res.Rows[0]
		want := exchange.Problem{Line: 2, Column: "My Review", Value: strings.Repeat("review ", 12)[:80] + "…",
			Message: "This cell is longer than 64 KB, the most Bookcase reads in one cell: shorten it."}
		if len(r.Problems) != 1 || r.Problems[0] != want {
			t.Errorf("problems = %+v, want [%+v]", r.Problems, want)
		}
		if len(r.Notes) > 100 {
			t.Errorf("the row keeps %d bytes of notes, want only the cell's beginning", len(r.Notes))
		}
	})
	t.Run("ErrBookTooLarge", func(t *testing.T) {
		// A 45 MB review used to cost ~300 MB: now the file is refused once its first MB is read.
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := exchange.Parse(bigCell(45<<20), 0)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, exchange.ErrBookTooLarge) {
			t.Fatalf("err = %v, want ErrBookTooLarge", err)
		}
		if want := `The book on line 2 is longer than 1 MB (in the "My Review" column)`; !strings.Contains(err.Error(), want) {
			t.Errorf("message = %q, want it to contain %q", err.Error(), want)
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > 16<<20 {
			t.Errorf("parsing allocated %d MB, want under 16", got>>20)
		}
	})
	t.Run("ErrBookTooLargeJSON", func(t *testing.T) {
		input := io.MultiReader(
			strings.NewReader(`{"format":"bookcase","version":1,"books":[{"title":"T","author":"A"},`+"\n"+`{"title":"T","author":"A","notes":"`),
			io.LimitReader(repeat("notes "), 45<<20),
			strings.NewReader(`"}]}`),
		)
		_, err := exchange.Parse(input, 0)
		if !errors.Is(err, exchange.ErrBookTooLarge) {
			t.Fatalf("err = %v, want ErrBookTooLarge", err)
		}
		if want := "The book on line 2 is longer than 1 MB"; !strings.Contains(err.Error(), want) {
			t.Errorf("message = %q, want it to contain %q", err.Error(), want)
		}
	})
	t.Run("LongCellJSON", func(t *testing.T) {
		input := `{"format":"bookcase","version":1,"books":[{"title":"T","author":"A","notes":"` + strings.Repeat("n", exchange.MaxCellSize+1) + `"}]}`
		res, err := exchange.Parse(strings.NewReader(input), 0)
		if err != nil {
			t.Fatal(err)
		}
		if p := res.Rows[0].Problems; len(p) != 1 || p[0].Column != "notes" || p[0].Line != 1 {
			t.Errorf("problems = %+v, want one on notes at line 1", p)
		}
	})
}
