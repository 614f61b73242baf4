package e2e

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/views"
)

// phone makes the tab a phone's: 390×844, touch, mobile.
func (p *page) phone() {
	p.t.Helper()
	p.do("be a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
}

// theme emulates the light or the dark theme.
func (p *page) theme(name string) {
	p.t.Helper()
	if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: name}},
	}); err != nil {
		p.t.Fatalf("emulate the %s theme: %v", name, err)
	}
}

// openProgress opens the progress input of the book id's row (it is being read) as a keyboard
// reader does, from the row's status or its progress: Tab to the progress, Enter.
func (p *page) openProgress(id int64) {
	p.t.Helper()
	p.tabTo(fmt.Sprintf("#book-%d a.pg", id))
	p.press(kb.Enter)
	p.waitFocus(fmt.Sprintf("#progress-%d", id))
}

// shelfBooks fills the reader's library as a reader's looks: a dozen books, one being read with
// progress, some read and rated, one with a long title and authors, and a shelf.
func shelfBooks(t *testing.T, p *page) []data.Book {
	t.Helper()
	ctx := context.Background()
	var books []data.Book
	for _, b := range []struct{ title, author, genre string }{
		{"The Remains of the Day", "Kazuo Ishiguro", "Fiction"},
		{"Station Eleven", "Emily St. John Mandel", "Science fiction"},
		{"A Room of One's Own", "Virginia Woolf", "Essays"},
		{"Gödel, Escher, Bach: An Eternal Golden Braid", "Douglas Hofstadter", "Philosophy of mind"},
		{"The Name of the Rose", "Umberto Eco", "Mystery"},
		{"Things Fall Apart", "Chinua Achebe", "Fiction"},
		{"The Left Hand of Darkness", "Ursula K. Le Guin", "Science fiction"},
		{"Good Omens", "Terry Pratchett & Neil Gaiman", "Fantasy"},
		{"Kindred", "Octavia E. Butler", "Science fiction"},
		{"Beloved", "Toni Morrison", "Fiction"},
		{"Piranesi", "Susanna Clarke", "Fantasy"},
		{"Middlemarch", "George Eliot", "Fiction"},
	} {
		books = append(books, p.addBook(b.title, b.author, b.genre))
	}
	reading := books[len(books)-1]
	if _, err := p.reading.SetDetails(ctx, p.reader.id, reading.ID, data.DetailsInput{Pages: "880"}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.reading.SetStatus(ctx, p.reader.id, reading.ID, data.StatusReading, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := p.reading.RecordProgress(ctx, p.reader.id, reading.ID, data.ProgressInput{Page: 352}); err != nil {
		t.Fatal(err)
	}
	today := time.Now().UTC()
	for i, b := range books[:4] {
		if _, err := p.reading.SetDetails(ctx, p.reader.id, b.ID, data.DetailsInput{Rating: []string{"4.5", "4", "5", "3.5"}[i]}); err != nil {
			t.Fatal(err)
		}
		if _, err := p.reading.AddReadThrough(ctx, p.reader.id, b.ID, data.ReadingInput{FinishedOn: &today, Outcome: data.StatusRead}); err != nil {
			t.Fatal(err)
		}
	}
	shelves := p.shelves
	for _, name := range []string{"Owned", "Book club"} {
		sh, err := shelves.Create(ctx, p.reader.id, name)
		if err != nil {
			t.Fatal(err)
		}
		if err := shelves.Shelve(ctx, p.reader.id, books[0].ID, sh.ID); err != nil {
			t.Fatal(err)
		}
	}
	return books
}

// TestPhoneLibrary: on a 390×844 phone the header is one line (logo, Search, Menu), the new-book
// row waits behind Add, and each book is a card of a few lines, so that at least six fit the
// first screen; Add and n open the row and put the focus in its title, and a book added from there
// comes in at the top; the menu opens by keyboard and shows the site's links.
func TestPhoneLibrary(t *testing.T) {
	p := signedIn(t)
	books := shelfBooks(t, p)
	p.phone()
	p.open("/books")

	if h := eval[float64](p, `document.querySelector('header.site').getBoundingClientRect().height`); h > 64 {
		t.Errorf("the header is %.0f px high, want one line (at most 64)", h)
	}
	// Six or more cards fit the first screen as it loads, nothing scrolled: the header, search and
	// tabs above them take a line each (the filters, the order and the density wait behind
	// Filter and sort). Count those wholly on it.
	if y := eval[float64](p, `scrollY`); y != 0 {
		t.Fatalf("the page loads scrolled by %.0f px", y)
	}
	fit := eval[int](p, `[...document.querySelectorAll('#book-list > tr.book')].filter(r => {
		const b = r.getBoundingClientRect();
		return b.top >= 0 && b.bottom <= innerHeight && b.height > 0;
	}).length`)
	t.Logf("%d books fit the 390×844 screen", fit)
	if fit < 6 {
		t.Errorf("%d books fit the 390×844 screen, want at least 6", fit)
	}
	// Each card shows its title, author, status on a few lines, and its controls are 44 px high.
	card := eval[map[string]float64](p, `(() => {
		const r = document.querySelector('#book-list > tr.book');
		const h = el => el.getBoundingClientRect().height;
		return {height: h(r), status: h(r.querySelector('td.status > a')), edit: h(r.querySelector('a[href$="/edit"]')),
			title: r.querySelector('th.title > a').getBoundingClientRect().width};
	})()`)
	if card["height"] > 140 || card["status"] < 44 || card["edit"] < 44 || card["title"] < 100 {
		t.Errorf("a card: %v; want at most 140 px high, a title, and 44 px touch targets", card)
	}
	reading := books[len(books)-1]
	if got := p.text(fmt.Sprintf("#book-%d a.pg", reading.ID)); got != "40%" {
		t.Errorf("the card of the book being read shows %q, want 40%%", got)
	}

	// The new-book row waits behind Add, which opens it with the focus in the title.
	if p.display("#new-book-row") != "none" {
		t.Error("the new-book row shows before Add is pressed")
	}
	eval[chromedp.Void](p, `scrollTo(0, 0)`)
	p.do("tap Add", chromedp.Click(chromedp.CSS(`.heading a[data-action="add"]`)))
	p.waitFocus("#new-book-title")
	p.press("Circe")
	p.press(kb.Tab)
	p.press("Madeline Miller")
	p.press(kb.Enter)
	p.waitUntil("the book is added at the top", `document.querySelector('#book-list > tr.book th.title a')?.textContent.trim() === 'Circe' && `+htmxIdle)
	p.stillSamePage()

	// n opens it as well, on a fresh page.
	p.open("/books")
	p.waitFocus("body")
	p.key("n")
	p.waitFocus("#new-book-title")
	if p.display("#new-book-row") == "none" {
		t.Error("n put the focus in a hidden row")
	}

	// The menu: Tab to it, Enter opens it, and its links show.
	p.press(kb.Escape)
	p.tabBackTo("header.site .menu > summary")
	p.press(kb.Enter)
	p.waitUntil("the menu is open", `document.querySelector('header.site .menu').open`)
	if !eval[bool](p, `document.querySelector('header.site .site-nav a[href="/shelves"]').checkVisibility()`) {
		t.Error("the menu's Shelves link is not visible")
	}
	p.tabTo(`header.site .site-nav a[href="/shelves"]`)
	// Escape closes it, the focus back on Menu; Enter opens it again.
	p.press(kb.Escape)
	p.waitUntil("the menu is closed", `!document.querySelector('header.site .menu').open`)
	p.waitFocus("header.site .menu > summary")
	p.press(kb.Enter)
	p.waitUntil("the menu is open again", `document.querySelector('header.site .menu').open`)
	p.tabTo(`header.site .site-nav a[href="/shelves"]`)
	if status := p.loads("follow Shelves", typed(kb.Enter)); status != 200 || p.path() != "/shelves" {
		t.Errorf("Enter on Shelves: status %d, %s", status, p.path())
	}
}

// TestDesktopHeaderLinks: at 1280 px the site's links and the account are in the header, with no
// Menu button to open first.
func TestDesktopHeaderLinks(t *testing.T) {
	p := signedIn(t)
	p.open("/books")
	if eval[bool](p, `document.querySelector('header.site .menu > summary').checkVisibility()`) {
		t.Error("the Menu button shows at 1280 px")
	}
	for _, sel := range []string{`header.site .site-nav a[href="/shelves"]`, `header.site .account button`} {
		if !eval[bool](p, fmt.Sprintf(`document.querySelector(%q).checkVisibility()`, sel)) {
			t.Errorf("%s is hidden at 1280 px", sel)
		}
	}
	if h := eval[float64](p, `document.querySelector('header.site').getBoundingClientRect().height`); h > 70 {
		t.Errorf("the header is %.0f px high at 1280 px, want one line", h)
	}
	p.tabTo(`header.site .site-nav a[href="/shelves"]`)
}

// TestNoHorizontalScroll opens every page a reader sees on a 390 px phone, signed out and in, and
// checks that none is wider than the screen, with the menu closed and open.
func TestNoHorizontalScroll(t *testing.T) {
	p := newPage(t)
	p.phone()
	wide := func(path string) {
		t.Helper()
		p.visit(path)
		for _, state := range []string{"closed", "open"} {
			if state == "open" {
				if !eval[bool](p, `!!document.querySelector('header.site .menu')`) {
					continue
				}
				eval[chromedp.Void](p, `document.querySelector('header.site .menu').open = true`)
			}
			if w := eval[int](p, `document.documentElement.scrollWidth`); w > 390 {
				t.Errorf("%s (menu %s) is %d px wide on a 390 px screen; widest: %s", path, state, w, eval[string](p, `[...document.querySelectorAll('body *')]
					.filter(e => e.getBoundingClientRect().right > 391)
					.slice(0, 4).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).replace(/ /g, '.') : '')).join(', ')`))
			}
		}
	}
	wide("/login")
	wide("/signup")
	wide("/offline")
	p.reader = p.newReader("ada")
	books := shelfBooks(t, p)
	p.logIn(p.reader)
	authors, err := p.authors.List(context.Background(), p.reader.id, data.AuthorQuery{})
	if err != nil || len(authors.Authors) == 0 {
		t.Fatalf("the reader's authors: %+v, %v", authors, err)
	}
	reading := books[len(books)-1]
	for _, path := range []string{
		"/books", "/books?q=darkness", "/books?status=reading", "/books?q=nothing-matches",
		fmt.Sprintf("/books/%d", books[0].ID), fmt.Sprintf("/books/%d", books[3].ID), fmt.Sprintf("/books/%d", reading.ID),
		fmt.Sprintf("/books/%d/edit", books[3].ID), fmt.Sprintf("/books/%d/delete", books[3].ID),
		fmt.Sprintf("/books/%d/status", books[3].ID), fmt.Sprintf("/books/%d/progress", reading.ID),
		"/shelves", "/authors", views.AuthorURL(authors.Authors[0].ID), "/series",
		"/import", "/export", "/stats", views.StatsReviewURL(time.Now().UTC().Year()), "/shortcuts", "/no-such-page",
	} {
		wide(path)
	}
}

// TestDensityRemembered: the reader picks compact rows, which are lower; the choice is kept
// across a reload and in a new session (logged out and in again), and comfortable comes back.
func TestDensityRemembered(t *testing.T) {
	p := signedIn(t)
	books := shelfBooks(t, p)
	p.open("/books")
	rowHeight := func() float64 {
		return eval[float64](p, fmt.Sprintf(`document.querySelector('#book-%d').getBoundingClientRect().height`, books[2].ID))
	}
	comfortable := rowHeight()
	p.tabTo(`#density button[value="compact"]`)
	p.press(kb.Enter)
	p.waitUntil("the rows are compact", `document.querySelector('#density.compact button[value="compact"][aria-pressed="true"]') && `+htmxIdle)
	p.waitFocus(`#density button[value="compact"]`)
	p.stillSamePage()
	compact := rowHeight()
	t.Logf("a row is %.0f px high comfortable, %.0f px compact", comfortable, compact)
	if compact >= comfortable-8 {
		t.Errorf("a compact row is %.0f px high, a comfortable one %.0f: want it lower", compact, comfortable)
	}
	// Every row is one line high, whatever its text.
	if heights := eval[[]float64](p, `[...new Set([...document.querySelectorAll('#book-list > tr.book')].map(r => Math.round(r.getBoundingClientRect().height)))]`); len(heights) != 1 {
		t.Errorf("compact rows of %v px, want one height", heights)
	}

	p.open("/books")
	if !eval[bool](p, `!!document.querySelector('#density.compact')`) {
		t.Error("after a reload the rows are not compact")
	}
	p.loads("log out", chromedp.Click(chromedp.CSS(`header.site .account button`)))
	p.logIn(p.reader)
	if !eval[bool](p, `!!document.querySelector('#density.compact')`) || rowHeight() != compact {
		t.Error("in a new session the rows are not compact")
	}
	p.do("choose comfortable", chromedp.Click(chromedp.CSS(`#density button[value="comfortable"]`)))
	p.waitUntil("the rows are comfortable", `document.querySelector('#density:not(.compact) button[value="comfortable"][aria-pressed="true"]') && `+htmxIdle)
	if got := rowHeight(); got != comfortable {
		t.Errorf("comfortable again: %.0f px, want %.0f", got, comfortable)
	}
	if heights := eval[[]float64](p, `[...new Set([...document.querySelectorAll('#book-list > tr.book')].map(r => Math.round(r.getBoundingClientRect().height)))]`); len(heights) != 1 {
		t.Errorf("comfortable rows of %v px, want one height", heights)
	}
}

// TestDensityWithoutJavaScript: the density buttons are a plain form, which goes back to the view.
func TestDensityWithoutJavaScript(t *testing.T) {
	p := newPage(t, withoutJavaScript)
	p.reader = p.newReader("ada")
	shelfBooks(t, p)
	p.logIn(p.reader)
	p.visit("/books?status=read")
	if status := p.loads("choose compact", chromedp.Click(chromedp.CSS(`#density button[value="compact"]`))); status != 200 {
		t.Fatalf("choose compact: status %d", status)
	}
	if got := p.location().RequestURI(); got != "/books?status=read" {
		t.Errorf("after choosing compact the tab shows %s, want the view it was on", got)
	}
	if !eval[bool](p, `!!document.querySelector('#density.compact')`) {
		t.Error("the rows are not compact")
	}
}

// TestProgressWithKeyboard: p on the current row opens its progress input, Enter saves it (the row
// shows the new progress, focused for the next), Escape closes it unsaved; a click on the
// progress opens it too. Every row stays one line high meanwhile.
func TestProgressWithKeyboard(t *testing.T) {
	p := signedIn(t)
	books := shelfBooks(t, p)
	reading := books[len(books)-1]
	link := fmt.Sprintf("#book-%d a.pg", reading.ID)
	input := fmt.Sprintf("#progress-%d", reading.ID)
	p.open("/books")
	heights := `[...new Set([...document.querySelectorAll('#book-list > tr.book:not(.choosing)')].map(r => Math.round(r.getBoundingClientRect().height)))].length`
	if n := eval[int](p, heights); n != 1 {
		t.Errorf("the rows have %d heights, want one", n)
	}
	p.waitFocus("body")
	p.key("j")
	p.waitUntil("the book being read is current", fmt.Sprintf(`document.querySelector('#book-%d.current') !== null`, reading.ID))
	p.key("p")
	p.waitFocus(input)
	p.press("440")
	p.press(kb.Enter)
	p.waitUntil("the row shows 50%", fmt.Sprintf(`document.querySelector(%q)?.textContent.trim() === '50%%' && %s`, link, htmxIdle))
	p.waitFocus(link)
	p.stillSamePage()
	if b, err := p.storedBook(reading.ID); err != nil || b.Progress().Page != 440 {
		t.Errorf("stored progress %+v, %v; want page 440", b.Progress(), err)
	}
	p.key("p")
	p.waitFocus(input)
	p.press("500")
	p.press(kb.Escape)
	p.waitFocus(link)
	if got := p.text(link); got != "50%" {
		t.Errorf("after Escape the row shows %q, want 50%% (nothing saved)", got)
	}
	p.do("click the progress", chromedp.Click(chromedp.CSS(link)))
	p.waitFocus(input)
	if n := eval[int](p, heights); n != 1 {
		t.Errorf("with the input open the other rows have %d heights, want one", n)
	}
}

// TestFirstRunSteps: a new reader sees what to do first, not an empty table; Add a book goes to
// the new-book row, and the first book added puts the table in the steps' place.
func TestFirstRunSteps(t *testing.T) {
	for _, size := range []string{"Desktop", "Phone"} {
		t.Run(size, func(t *testing.T) {
			p := signedIn(t)
			if size == "Phone" {
				p.phone()
			}
			p.open("/books")
			if !eval[bool](p, `document.querySelector('[data-testid="first-run"]').checkVisibility()`) {
				t.Fatal("a new reader sees no first steps")
			}
			if eval[bool](p, `document.querySelector('table.books thead').checkVisibility()`) {
				t.Error("a new reader sees the table's headings")
			}
			if !eval[bool](p, `document.querySelector('[data-testid="first-run"] a[href="/import"]').checkVisibility()`) {
				t.Error("no way to import from Goodreads")
			}
			p.do("click Add a book", chromedp.Click(chromedp.CSS(`[data-testid="first-run"] a[data-action="add"]`)))
			p.waitFocus("#new-book-title")
			p.press("Circe")
			p.press(kb.Tab)
			p.press("Madeline Miller")
			p.press(kb.Enter)
			p.waitUntil("the book is added", `document.querySelectorAll('#book-list > tr.book').length === 1 && `+htmxIdle)
			if eval[bool](p, `document.querySelector('[data-testid="first-run"]').checkVisibility()`) {
				t.Error("the first steps still show with a book in the library")
			}
			if size == "Desktop" && !eval[bool](p, `document.querySelector('table.books thead').checkVisibility()`) {
				t.Error("the table's headings are hidden with a book in it")
			}
			p.stillSamePage()
		})
	}
}

// TestPhoneSortAndFilters: on a 390×844 phone the filters, the order and the density wait behind
// Filter and sort, which opens by keyboard; the order select sorts the cards in place (the
// address follows), the focus staying on it; the tabs scroll sideways with a shadow at the edge
// that has more; nothing is wider than the screen, and axe finds nothing serious, open or shut.
func TestPhoneSortAndFilters(t *testing.T) {
	source, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("read axe: %v", err)
	}
	p := signedIn(t)
	shelfBooks(t, p)
	p.phone()
	p.open("/books?sort=title")
	byTitle := eval[[]string](p, `[...document.querySelectorAll('#book-list > tr.book th.title > a:first-of-type')].map(a => a.textContent.trim())`)
	p.open("/books")

	for _, sel := range []string{"#order", "#genre", "#density"} {
		if eval[bool](p, fmt.Sprintf(`document.querySelector(%q).checkVisibility()`, sel)) {
			t.Errorf("%s shows before Filter and sort is opened", sel)
		}
	}
	// The tabs are wider than the screen and scroll; the shadow at the right edge says so.
	tabs := eval[map[string]any](p, `(() => {
		const f = document.getElementById('filters'), s = getComputedStyle(f);
		return {scrolls: f.scrollWidth > f.clientWidth, overflow: s.overflowX, image: s.backgroundImage, attachment: s.backgroundAttachment};
	})()`)
	if tabs["scrolls"] != true || tabs["overflow"] != "auto" {
		t.Errorf("the tabs: %v; want them to scroll sideways", tabs)
	}
	if image, _ := tabs["image"].(string); !strings.Contains(image, "radial-gradient") || !strings.Contains(tabs["attachment"].(string), "local") {
		t.Errorf("the tabs have no edge shadow: %v", tabs)
	}
	for _, v := range p.axeRun(string(source)) {
		t.Errorf("shut: %s", v)
	}

	// Filter and sort, by keyboard: the filters, the order and the density show.
	p.tabTo("#library-search details.view > summary")
	p.press(kb.Enter)
	p.waitUntil("Filter and sort is open", `document.querySelector('#library-search details.view').open`)
	for _, sel := range []string{"#order", "#genre", "#format", "#density button"} {
		if !eval[bool](p, fmt.Sprintf(`document.querySelector(%q).checkVisibility()`, sel)) {
			t.Errorf("%s is hidden with Filter and sort open", sel)
		}
		if h := eval[float64](p, fmt.Sprintf(`document.querySelector(%q).getBoundingClientRect().height`, sel)); h < 44 {
			t.Errorf("%s is %.0f px high, want a 44 px touch target", sel, h)
		}
	}
	if w := eval[int](p, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("with Filter and sort open the page is %d px wide", w)
	}
	for _, v := range p.axeRun(string(source)) {
		t.Errorf("open: %s", v)
	}

	// The order, by keyboard: t chooses "Title, A to Z", and the cards come back in that order.
	p.tabTo("#order")
	p.markOld("book-list")
	p.key("t")
	p.waitUntil("the cards are sorted by title", swapped("book-list")+` && document.getElementById('order').value === 'title'`)
	got := eval[[]string](p, `[...document.querySelectorAll('#book-list > tr.book th.title > a:first-of-type')].map(a => a.textContent.trim())`)
	if !slices.Equal(got, byTitle) {
		t.Errorf("sorted from the select: %q, want %q", got, byTitle)
	}
	if u := p.location(); u.Path != "/books" || u.RawQuery != "sort=title" {
		t.Errorf("the address is %s, want /books?sort=title", u)
	}
	p.waitFocus("#order")
	p.stillSamePage()
}
