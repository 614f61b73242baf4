package e2e

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/bookcase/bookcase/data"
)

// view is one order of the library, as its URL says it.
type view struct {
	path string
	q    data.BookQuery
}

// everyOrder is the library in each of its orders, both ways.
func everyOrder() []view {
	var out []view
	for _, s := range data.Sorts() {
		for _, reverse := range []bool{false, true} {
			q := data.BookQuery{Sort: s, Reverse: reverse}
			path := "/books?sort=" + string(s)
			if s == data.SortAdded {
				path = "/books"
			}
			if reverse {
				dir := "asc"
				if q.Descending() {
					dir = "desc"
				}
				if path == "/books" {
					path += "?dir=" + dir
				} else {
					path += "&dir=" + dir
				}
			}
			out = append(out, view{path: path, q: q})
		}
	}
	return out
}

// ordered returns the rows of q's view as the store orders them, every page.
func (p *page) ordered(q data.BookQuery) []row {
	p.t.Helper()
	var out []row
	for {
		page, err := p.books.Find(context.Background(), p.reader.id, q)
		if err != nil {
			p.t.Fatalf("Find(%+v): %v", q, err)
		}
		for _, b := range page.Books {
			out = append(out, rowOf(b))
		}
		if page.Cursor == "" {
			return out
		}
		q.Cursor = page.Cursor
	}
}

// everyOrderTimeout bounds a tab that goes through every order of the library: some seconds for
// each of them on a busy machine.
const everyOrderTimeout = 3 * time.Minute

// TestLoadMoreInEveryOrder loads the second page of a 60-book library in every order, both ways,
// with the keyboard: the rows are the server's order, and the focus is on the first book loaded.
// One reader and one tab go through every order: each subtest loads its order afresh.
func TestLoadMoreInEveryOrder(t *testing.T) {
	reader := signedIn(t, lasting(everyOrderTimeout))
	if err := reader.books.Seed(context.Background(), reader.reader.id, 60, 1); err != nil {
		t.Fatal(err)
	}
	for _, v := range everyOrder() {
		t.Run(v.path, func(t *testing.T) {
			p := reader.in(t)
			want := p.ordered(v.q)
			p.open(v.path)
			p.do("focus Load more", chromedp.Focus(chromedp.CSS("#load-more a")))
			p.press(kb.Enter)
			p.waitUntil("60 books are listed", `document.querySelectorAll('#book-list > tr.book').length === 60 && !document.getElementById('load-more')`)
			if got := p.rows(); !slices.Equal(got, want) {
				t.Errorf("rows after Load more:\n got %+v\nwant %+v", got, want)
			}
			p.waitFocus(fmt.Sprintf("#%s .title a", want[data.PageSize].ID))
			p.stillSamePage()
		})
	}
}

// TestUndoInEveryOrder deletes a book and undoes it in every order of the library, both ways: the
// book comes back in its place (the case: sorted by title, Apple between Mango and Zebra
// came back above Mango), with the focus on it. One reader and one tab go through every order:
// Undo gives the library back as it was, and each subtest reads its order from the store afresh.
func TestUndoInEveryOrder(t *testing.T) {
	reader := signedIn(t, lasting(everyOrderTimeout))
	if err := reader.books.Seed(context.Background(), reader.reader.id, 60, 2); err != nil {
		t.Fatal(err)
	}
	for _, v := range everyOrder() {
		t.Run(v.path, func(t *testing.T) {
			p := reader.in(t)
			want := p.ordered(v.q)[:data.PageSize]
			p.open(v.path)
			if got := p.rows(); !slices.Equal(got, want) {
				t.Fatalf("rows:\n got %+v\nwant %+v", got, want)
			}
			// A book inside the page; and, in two orders, the last book of the page, which goes
			// back before "Load more".
			rows := []int{2}
			if v.q.Sort == data.SortTitle || v.q.Sort == data.SortAdded {
				rows = append(rows, data.PageSize-1)
			}
			for _, at := range rows {
				gone := want[at].ID
				p.do("focus Delete", chromedp.Focus(chromedp.CSS(fmt.Sprintf("#%s a[href$=\"/delete\"]", gone))))
				p.press(kb.Enter)
				p.waitUntil("the row goes", fmt.Sprintf(`!document.getElementById(%q) && %s`, gone, htmxIdle))
				p.waitFocus(fmt.Sprintf("#undo-%d [data-action=undo]", p.idOf(want[at])))
				p.press(kb.Enter)
				p.waitUntil("the row is back", fmt.Sprintf(`document.getElementById(%q) && !document.getElementById('undo-%d') && %s`, gone, p.idOf(want[at]), htmxIdle))
				if got := p.rows(); !slices.Equal(got, want) {
					t.Errorf("rows after Undo:\n got %+v\nwant %+v", got, want)
				}
				p.waitFocus(fmt.Sprintf("#%s .title a", gone))
			}
			p.stillSamePage()
		})
	}
}
