package handlers_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/bookcase/bookcase/data"
)

// linkedReader is a test app whose reader finished, last year: Ancillary Justice and Emma in
// March, Ancillary Sword in May (and is reading it again now), gave Ulysses up in June, and
// finished Persuasion the year before. It returns the app and last year.
func linkedReader(t *testing.T) (*testApp, int) {
	a := newTestApp(t)
	ctx := t.Context()
	year := time.Now().UTC().Year() - 1
	on := func(y int, m time.Month, d int) *time.Time { t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC); return &t }
	read := func(title, author, genre string, format data.Format, outcome data.Status, day *time.Time) data.Book {
		t.Helper()
		b, err := a.books.Create(ctx, a.reader.ID, data.BookInput{Title: title, Author: author, Genre: genre, Format: format})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.reading.AddReadThrough(ctx, a.reader.ID, b.ID, data.ReadingInput{FinishedOn: day, Outcome: outcome}); err != nil {
			t.Fatal(err)
		}
		return b
	}
	read("Ancillary Justice", "Ann Leckie", "SF", data.FormatEbook, data.StatusRead, on(year, 3, 1))
	read("Emma", "Jane Austen", "Classics", "", data.StatusRead, on(year, 3, 31))
	sword := read("Ancillary Sword", "Ann Leckie", "SF", data.FormatAudiobook, data.StatusRead, on(year, 5, 2))
	if _, err := a.reading.SetStatus(ctx, a.reader.ID, sword.ID, data.StatusReading, time.Now()); err != nil {
		t.Fatal(err)
	}
	read("Ulysses", "James Joyce", "Classics", "", data.StatusDNF, on(year, 6, 9))
	read("Persuasion", "Jane Austen", "Classics", "", data.StatusRead, on(year-1, 12, 30))
	a.create("Unread", "Ann Leckie", "SF")
	return a, year
}

// number reads a figure as the page writes it ("1,234").
func number(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(strings.ReplaceAll(strings.TrimSpace(s), ",", ""))
	if err != nil {
		t.Fatalf("figure %q: %v", s, err)
	}
	return n
}

// TestStatsLinks follows every linked figure of a year's stats page, as a plain page and as the
// results htmx asks for, and counts the books the library view lists: each is the figure. The
// figures and the views: 3 books finished, 1 given up; March 2, May 1, other months 0; SF 2,
// Classics 1; Ann Leckie 2, Jane Austen 1; an audiobook, an ebook and a paperback.
func TestStatsLinks(t *testing.T) {
	a, year := linkedReader(t)
	doc := a.get(plain, "/stats?year="+strconv.Itoa(year)).page(t)
	y := strconv.Itoa(year)
	type link struct {
		name, href string
		figure     int
	}
	var links []link
	add := func(name string, s *goquery.Selection, figure int) {
		links = append(links, link{name, attr(t, s, "href"), figure})
	}
	add("finished", one(t, doc, `[data-testid="figure-finished"] a`), number(t, one(t, doc, `[data-testid="figure-finished"]`).Text()))
	add("given up", one(t, doc, `[data-testid="figure-abandoned"] a`), number(t, one(t, doc, `[data-testid="figure-abandoned"]`).Text()))
	wantAttr(t, one(t, doc, `[data-testid="figure-pages"] a`), "href", "/books?read="+y)
	months := doc.Find(`[data-testid="months-table"] tbody tr`)
	if months.Length() != 12 {
		t.Fatalf("months table has %d rows", months.Length())
	}
	months.Each(func(i int, row *goquery.Selection) {
		cell := row.Find("td").First()
		add(row.Find("th").Text(), one(t, cell, "a"), number(t, cell.Text()))
		// The bar links where its row does.
		bar := one(t, doc, `svg[data-testid="chart-books"] a[data-testid="bar-books-`+strconv.Itoa(i+1)+`"]`)
		if attr(t, bar, "href") != links[len(links)-1].href {
			t.Errorf("%s's bar links to %q, its row to %q", row.Find("th").Text(), attr(t, bar, "href"), links[len(links)-1].href)
		}
	})
	for _, list := range []string{"genres", "authors", "formats"} {
		doc.Find(`[data-testid="top-` + list + `"] li`).Each(func(_ int, li *goquery.Selection) {
			books := number(t, strings.Fields(li.Find(".muted").Text())[0])
			add(li.Find("a").Text(), one(t, li, "a"), books)
		})
	}
	wantHrefs := map[string]string{
		"finished":   "/books?status=read&finished=" + y,
		"given up":   "/books?status=dnf&finished=" + y,
		"March":      "/books?status=read&finished=" + y + "-03",
		"SF":         "/books?status=read&genre=SF&finished=" + y,
		"Ann Leckie": "/books?q=Ann+Leckie&status=read&finished=" + y,
		"Audiobook":  "/books?status=read&format=audiobook&finished=" + y,
	}
	wantFigures := map[string]int{"finished": 3, "given up": 1, "March": 2, "May": 1, "April": 0, "SF": 2, "Classics": 1, "Ann Leckie": 2, "Jane Austen": 1,
		"Audiobook": 1, "Ebook": 1, "Paperback": 1}
	seen := 0
	for _, l := range links {
		if want, ok := wantHrefs[l.name]; ok && l.href != want {
			t.Errorf("%s links to %q, want %q", l.name, l.href, want)
		}
		if want, ok := wantFigures[l.name]; ok {
			seen++
			if l.figure != want {
				t.Errorf("%s = %d, want %d", l.name, l.figure, want)
			}
		}
		for _, m := range modes {
			var listed int
			if m.htmx {
				res := a.results(l.href, "")
				res.wantStatus(t, http.StatusOK)
				listed = len(rowIDs(t, resultsOf(t, res)))
			} else {
				res := a.get(plain, l.href)
				res.wantStatus(t, http.StatusOK)
				page := res.page(t)
				listed = len(rowIDs(t, page.Selection))
				if l.figure > 0 {
					one(t, page, `[data-testid="finished-filter"]`)
				}
			}
			if listed != l.figure {
				t.Errorf("%s (%s, %s): %d books listed, the figure is %d", l.name, l.href, m.name, listed, l.figure)
			}
		}
	}
	if seen != len(wantFigures) {
		t.Errorf("found %d of the %d figures expected", seen, len(wantFigures))
	}

	// All time: the figures link to every span; the months (every year's) to none.
	all := a.get(plain, "/stats?year=all").page(t)
	wantAttr(t, one(t, all, `[data-testid="figure-finished"] a`), "href", "/books?status=read&finished=all")
	if got := len(rowIDs(t, a.get(plain, "/books?status=read&finished=all").page(t).Selection)); got != 4 {
		t.Errorf("finished at any time: %d books listed, want 4", got)
	}
	none(t, all, `svg[data-testid="chart-books"] a`)
}

// TestStatsLinksRead follows the links of the figures that count pages, hours and ratings, and
// of the averages, as a plain page and as htmx results, and checks the books listed. Last year:
// Atlas (300 pages, 4.5 stars) was read from 1 to 3 March, Dune (an audiobook, 3 stars) listened
// to on 2 and 3 March, Beloved (200 pages, 4.5 stars) finished on 10 May; Persuasion the year before.
func TestStatsLinksRead(t *testing.T) {
	a := newTestApp(t)
	ctx := t.Context()
	year := time.Now().UTC().Year() - 1
	y := strconv.Itoa(year)
	on := func(y int, m time.Month, d int) *time.Time { t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC); return &t }
	read := func(title string, details data.DetailsInput, in data.ReadingInput) {
		t.Helper()
		b := a.create(title, "Someone", "")
		if _, err := a.reading.SetDetails(ctx, a.reader.ID, b.ID, details); err != nil {
			t.Fatal(err)
		}
		in.Outcome = data.StatusRead
		if _, err := a.reading.AddReadThrough(ctx, a.reader.ID, b.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	read("Atlas", data.DetailsInput{Pages: "300", Rating: "4.5"}, data.ReadingInput{StartedOn: on(year, 3, 1), FinishedOn: on(year, 3, 3)})
	read("Dune", data.DetailsInput{Format: "audiobook", Pages: "7:30", Rating: "3"}, data.ReadingInput{StartedOn: on(year, 3, 2), FinishedOn: on(year, 3, 3)})
	read("Beloved", data.DetailsInput{Pages: "200", Rating: "4.5"}, data.ReadingInput{FinishedOn: on(year, 5, 10)})
	read("Persuasion", data.DetailsInput{Pages: "250", Rating: "4.5"}, data.ReadingInput{FinishedOn: on(year-1, 5, 10)})
	a.create("Unread", "Someone", "")

	doc := a.get(plain, "/stats?year="+y).page(t)
	listened := a.get(plain, "/stats?year="+y+"&calendar=hours").page(t)
	for _, tc := range []struct {
		name, selector, href string
		want                 []string
	}{
		{"pages", `[data-testid="figure-pages"] a`, "/books?read=" + y, []string{"Atlas", "Beloved", "Dune"}},
		{"hours", `[data-testid="figure-hours"] a`, "/books?format=audiobook&read=" + y, []string{"Dune"}},
		{"March's pages", `svg[data-testid="chart-pages"] a[data-testid="bar-pages-3"]`, "/books?read=" + y + "-03", []string{"Atlas", "Dune"}},
		{"May's pages", `[data-testid="months-table"] tbody tr:nth-child(5) td:nth-of-type(2) a`, "/books?read=" + y + "-05", []string{"Beloved"}},
		{"March's hours", `svg[data-testid="chart-hours"] a[data-testid="bar-hours-3"]`, "/books?format=audiobook&read=" + y + "-03", []string{"Dune"}},
		{"4.5 stars", `svg[data-testid="chart-ratings"] a[data-testid="bar-rating-4.5"]`, "/books?status=read&finished=" + y + "&rating=4.5", []string{"Atlas", "Beloved"}},
		{"3 stars", `[data-testid="ratings-table"] tbody tr:nth-child(5) a`, "/books?status=read&finished=" + y + "&rating=3", []string{"Dune"}},
		{"average rating", `[data-testid="average-rating"] a`, "/books?status=read&finished=" + y + "&sort=rating", []string{"Beloved", "Atlas", "Dune"}},
		{"average length", `[data-testid="average-length"]`, "/books?status=read&finished=" + y, []string{"Atlas", "Beloved", "Dune"}},
		{"average time", `[data-testid="average-days"]`, "/books?status=read&finished=" + y, []string{"Atlas", "Beloved", "Dune"}},
		{"1 March in the calendar", `svg[data-testid="calendar"] a:has(title:contains("` + on(year, 3, 1).Format("Monday") + ` 1 March: 100 pages"))`,
			"/books?read=" + y + "-03-01", []string{"Atlas"}},
		{"2 March in the calendar", `svg[data-testid="calendar"] a:has(title:contains("` + on(year, 3, 2).Format("Monday") + ` 2 March: 100 pages"))`,
			"/books?read=" + y + "-03-02", []string{"Atlas", "Dune"}},
		{"10 May in the calendar", `svg[data-testid="calendar"] a:has(title:contains("` + on(year, 5, 10).Format("Monday") + ` 10 May: 200 pages"))`,
			"/books?read=" + y + "-05-10", []string{"Beloved"}},
		{"the hours' calendar", `[data-testid="calendar-hours-link"]`, "/stats?year=" + y + "&calendar=hours#reading-calendar", nil},
		{"3 March listened", `svg[data-testid="calendar-hours"] a:has(title:contains("` + on(year, 3, 3).Format("Monday") + ` 3 March: 3.8 hours"))`,
			"/books?format=audiobook&read=" + y + "-03-03", []string{"Dune"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := doc
			if strings.Contains(tc.selector, "calendar-hours") {
				doc = listened
			}
			href := attr(t, one(t, doc, tc.selector), "href")
			if href != tc.href {
				t.Fatalf("links to %q, want %q", href, tc.href)
			}
			if tc.want == nil { // the stats page, another calendar
				one(t, a.get(plain, href).page(t), `svg[data-testid="calendar-hours"]`)
				return
			}
			sorted := func(titles []string) []string {
				if !strings.Contains(href, "sort=") {
					slices.Sort(titles)
				}
				return titles
			}
			page := a.get(plain, href).page(t)
			if got := sorted(titlesOf(page.Selection)); !slices.Equal(got, tc.want) {
				t.Errorf("rows %q, want %q", got, tc.want)
			}
			one(t, page, `[data-testid="finished-filter"]`)
			res := a.results(href, "")
			res.wantStatus(t, http.StatusOK)
			if got := sorted(titlesOf(resultsOf(t, res))); !slices.Equal(got, tc.want) {
				t.Errorf("htmx rows %q, want %q", got, tc.want)
			}
		})
	}
	// Every day read is a link in its calendar, named once (by its title, which a pointer shows
	// too); no other day is. The tables hold the numbers alone. One calendar is shown at a time,
	// with a link to the other.
	for id, c := range map[string]struct {
		doc     *goquery.Document
		want    int
		current string
	}{"calendar": {doc, 4, "calendar-pages-link"}, "calendar-hours": {listened, 2, "calendar-hours-link"}} {
		days := c.doc.Find(`svg[data-testid="` + id + `"] a`)
		if days.Length() != c.want || days.Find("title").Length() != c.want || days.Filter("[aria-label]").Length() != 0 {
			t.Errorf("%s: %d days linked, %d titles, %d labels; want %d, %d and none", id, days.Length(), days.Find("title").Length(), days.Filter("[aria-label]").Length(), c.want, c.want)
		}
		if n := c.doc.Find(`[data-testid="` + id + `-table"] td a`).Length(); n != 0 {
			t.Errorf("%s's table: %d links, want none", id, n)
		}
		if n := c.doc.Find(`svg[data-calendar]`).Length(); n != 1 {
			t.Errorf("%d calendars shown with %s, want 1", n, id)
		}
		wantText(t, one(t, c.doc, `.calendar-series [aria-current="page"]`), map[string]string{"calendar": "Pages read", "calendar-hours": "Hours listened"}[id])
		one(t, c.doc, `.calendar-series [aria-current="page"][data-testid="`+c.current+`"]`)
	}
	wantText(t, one(t, doc, `[data-testid="calendar-table"] tbody tr:nth-child(3) td:nth-of-type(4)`), "0")
	wantText(t, one(t, listened, `[data-testid="calendar-hours-table"] tbody tr:nth-child(3) td:nth-of-type(2)`), "3.8")
	wantText(t, one(t, doc, `[data-testid="calendar-table"] tbody tr:nth-child(2) td:nth-of-type(30)`), "")
	// A rating with no book has no bar to follow; its row in the table still links.
	none(t, doc, `svg[data-testid="chart-ratings"] a[data-testid="bar-rating-5"]`)
	wantText(t, one(t, a.get(plain, "/books?read="+y+"-03-02&rating=3").page(t), `[data-testid="finished-filter"]`),
		"Rated 3 stars, read on 2 March "+y+". Show them all")
	for _, bad := range []string{"/books?read=2026-02-30", "/books?rating=6", "/books?rating=0"} {
		a.get(plain, bad).wantStatus(t, http.StatusBadRequest)
	}
}

// TestLibraryFinished filters the library by when a reading finished: a month, a year, all time,
// given up; the heading, the tabs, the search form and Load more keep it; a bad span is a 400
// that says so.
func TestLibraryFinished(t *testing.T) {
	a, year := linkedReader(t)
	y := strconv.Itoa(year)
	for _, tc := range []struct {
		target string
		want   []string
		label  string
	}{
		{"/books?finished=" + y + "-03&sort=title", []string{"Ancillary Justice", "Emma"}, "Finished in March " + y},
		{"/books?status=read&finished=" + y + "-05", []string{"Ancillary Sword"}, "Finished in May " + y},
		{"/books?status=reading&finished=" + y, []string{"Ancillary Sword"}, "Finished in " + y},
		{"/books?status=dnf&finished=" + y, []string{"Ulysses"}, "Given up in " + y},
		{"/books?finished=" + y + "&genre=classics", []string{"Emma"}, "Finished in " + y},
		{"/books?finished=" + y + "&q=ancillary&sort=title", []string{"Ancillary Justice", "Ancillary Sword"}, "Finished in " + y},
		{"/books?finished=" + y + "&format=audiobook", []string{"Ancillary Sword"}, "Finished in " + y},
		{"/books?finished=" + strconv.Itoa(year-1) + "-12", []string{"Persuasion"}, "Finished in December " + strconv.Itoa(year-1)},
		{"/books?finished=all&sort=title", []string{"Ancillary Justice", "Ancillary Sword", "Emma", "Persuasion"}, "Finished at any time"},
	} {
		t.Run(tc.target, func(t *testing.T) {
			doc := a.get(plain, tc.target).page(t)
			if got := titlesOf(doc.Selection); !slices.Equal(got, tc.want) {
				t.Errorf("rows %q, want %q", got, tc.want)
			}
			wantText(t, one(t, doc, `[data-testid="finished-filter"]`), tc.label+". Show them all")
			res := a.results(tc.target, "")
			res.wantStatus(t, http.StatusOK)
			if got := titlesOf(resultsOf(t, res)); !slices.Equal(got, tc.want) {
				t.Errorf("htmx rows %q, want %q", got, tc.want)
			}
		})
	}
	doc := a.get(plain, "/books?finished="+y+"-03").page(t)
	wantAttr(t, one(t, doc, `#search-state input[name="finished"]`), "value", y+"-03")
	wantAttr(t, one(t, doc, `[data-testid="finished-filter"] a`), "href", "/books")
	one(t, doc, `#filters a[href="/books?status=dnf&finished=`+y+`-03"]`)
	wantAttr(t, one(t, doc, "thead th.title a[data-sort=title]"), "href", "/books?finished="+y+"-03&sort=title")
	res := a.results("/books?q=&genre=&format=&finished="+y+"-03", "library-search")
	if got := res.Header.Get("HX-Replace-Url"); got != "/books?finished="+y+"-03" {
		t.Errorf("HX-Replace-Url = %q", got)
	}

	for _, bad := range []string{"2026-13", "March", "26", "2026-3"} {
		// A plain page and the results htmx asks for both say so where the rows would be.
		res := a.get(plain, "/books?finished="+bad)
		res.wantStatus(t, http.StatusBadRequest)
		frag := a.results("/books?finished="+bad, "")
		frag.wantStatus(t, http.StatusBadRequest)
		for _, s := range []*goquery.Selection{res.page(t).Selection, resultsOf(t, frag)} {
			if got := one(t, s, "p.problem").Text(); !strings.Contains(got, "“"+bad+"” is not a month (2026-03), a year (2026) or all") {
				t.Errorf("%s: problem = %q", bad, got)
			}
		}
	}

	t.Run("LoadMoreKeepsIt", func(t *testing.T) {
		b := newTestApp(t)
		day := time.Date(year, 4, 4, 0, 0, 0, 0, time.UTC)
		for i := range data.PageSize + 2 {
			bk := b.create("Read "+strconv.Itoa(i), "Author", "")
			if _, err := b.reading.AddReadThrough(t.Context(), b.reader.ID, bk.ID, data.ReadingInput{FinishedOn: &day, Outcome: data.StatusRead}); err != nil {
				t.Fatal(err)
			}
		}
		b.create("Not read", "Author", "")
		more := one(t, b.get(plain, "/books?finished="+y+"-04").page(t), "#load-more a")
		href := attr(t, more, "href")
		if !strings.HasPrefix(href, "/books?finished="+y+"-04&before=") {
			t.Fatalf("load more = %q, want the filter kept", href)
		}
		res := b.get(htmx, href)
		res.wantStatus(t, http.StatusOK)
		if got := rowIDs(t, res.fragment(t).Parent()); len(got) != 2 {
			t.Errorf("next page has %d rows, want 2", len(got))
		}
	})
}

// TestStatsHours shows the hours listened to audiobooks beside the pages read: this year's and
// last year's, by month in a chart and the table, in a calendar of their own, and in the Year in
// Review. Dune, 7 hours 30 minutes, was listened to from 1 to 3 March last year (150 minutes a
// day); Emma, 1 hour 30 minutes, finished on 10 May the year before that.
func TestStatsHours(t *testing.T) {
	a := newTestApp(t)
	ctx := t.Context()
	year := time.Now().UTC().Year() - 1
	listen := func(title, length string, in data.ReadingInput) {
		t.Helper()
		b := a.create(title, "Someone", "")
		if _, err := a.reading.SetDetails(ctx, a.reader.ID, b.ID, data.DetailsInput{Format: "audiobook", Pages: length}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.reading.AddReadThrough(ctx, a.reader.ID, b.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	on := func(y int, m time.Month, d int) *time.Time { t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC); return &t }
	listen("Dune", "7:30", data.ReadingInput{StartedOn: on(year, 3, 1), FinishedOn: on(year, 3, 3), Outcome: data.StatusRead})
	listen("Emma", "1:30", data.ReadingInput{FinishedOn: on(year-1, 5, 10), Outcome: data.StatusRead})

	doc := a.get(plain, "/stats?year="+strconv.Itoa(year)).page(t)
	hours := one(t, doc, `[data-testid="figure-hours"]`)
	wantText(t, hours, "7.5")
	wantText(t, hours.Next(), "1.5 the year before")
	wantText(t, one(t, doc, `[data-testid="figure-pages"]`), "0")
	one(t, doc, `svg[data-testid="chart-hours"]`)
	wantText(t, one(t, doc, `svg[data-testid="chart-hours"] a[data-testid="bar-hours-3"] title`), "March: 7.5 hours")
	var march []string
	one(t, doc, `[data-testid="months-table"] tbody tr:nth-child(3)`).Children().Each(func(_ int, c *goquery.Selection) {
		march = append(march, squash(c.Text()))
	})
	if want := []string{"March", "1", "0", "7.5"}; !slices.Equal(march, want) {
		t.Errorf("March's row = %q, want %q", march, want)
	}
	// 150 minutes a day: the shade of 76 to 150, on three days. Nothing was read in pages: the
	// calendar is the hours', without a link to a pages' one.
	shaded := doc.Find(`svg[data-testid="calendar-hours"] use.l3`)
	if shaded.Length() != 3 || doc.Find(`svg[data-testid="calendar-hours"] use[class]`).Length() != 3 {
		t.Errorf("%d days shaded, want 3", shaded.Length())
	}
	wantText(t, shaded.First().Parent().ChildrenFiltered("title"), time.Date(year, 3, 1, 0, 0, 0, 0, time.UTC).Format("Monday 2 January")+": 2.5 hours")
	none(t, doc, `svg[data-testid="calendar"], .calendar-series`)
	wantText(t, one(t, a.get(plain, "/stats/"+strconv.Itoa(year)+"/review").page(t), `[data-testid="review-totals"]`),
		"1 book finished, 0 pages read and 7.5 hours listened.")

	// A year without listening has no hours chart or calendar.
	none(t, a.get(plain, "/stats?year="+strconv.Itoa(year-2)).page(t), `svg[data-testid="chart-hours"], svg[data-testid="calendar-hours"]`)
}

// TestGoalInHours sets a goal in hours listened, htmx and plain: 2 hours 30 minutes listened
// today are 2 of 12 hours; more than every hour of a leap year is refused beside the field.
func TestGoalInHours(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			a := newTestApp(t)
			b := a.create("Dune", "Frank Herbert", "SF")
			if _, err := a.reading.SetDetails(t.Context(), a.reader.ID, b.ID, data.DetailsInput{Format: "audiobook", Pages: "2:30"}); err != nil {
				t.Fatal(err)
			}
			today := time.Now().UTC()
			if _, err := a.reading.AddReadThrough(t.Context(), a.reader.ID, b.ID, data.ReadingInput{FinishedOn: &today, Outcome: data.StatusRead}); err != nil {
				t.Fatal(err)
			}
			year := strconv.Itoa(today.Year())
			a.get(plain, "/stats")
			goal := url.Values{"year": {year}, "unit": {"hours"}, "target": {"9000"}}
			r := a.do(m, http.MethodPost, "/stats/goal", goal)
			r.wantStatus(t, http.StatusUnprocessableEntity)
			section := answer(t, m, r)
			wantText(t, one(t, section, "#field-target-error"), "A goal is a whole number from 1 to 8,784, like 24.")
			wantAttr(t, one(t, section, `select[name="unit"] option[selected]`), "value", "hours")

			goal.Set("target", "12")
			r = a.do(m, http.MethodPost, "/stats/goal", goal)
			if !m.htmx {
				r.wantRedirect(t, "/stats?year="+year)
				r = a.get(plain, "/stats")
			}
			r.wantStatus(t, http.StatusOK)
			doc := answer(t, m, r)
			wantText(t, one(t, doc, `[data-testid="goal-progress"] strong`), "2 of 12 hours")
			wantAttr(t, one(t, doc, `select[name="unit"] option[selected]`), "value", "hours")
			if today.YearDay() < 360 {
				if pace := one(t, doc, `[data-testid="goal-pace"]`).Text(); !strings.Contains(pace, " hours a week from now makes it.") {
					t.Errorf("pace = %q", pace)
				}
			}
			if g, err := a.reading.Goal(t.Context(), a.reader.ID, today.Year()); err != nil || g != (data.Goal{Year: today.Year(), Unit: data.GoalHours, Target: 12}) {
				t.Errorf("stored goal = %+v, %v", g, err)
			}
		})
	}
}
