package e2e

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp/kb"

	"github.com/bookcase/bookcase/data"
)

// TestBookPageInPlace edits a book's title in its place on its page with the keyboard: an empty
// one is refused beside the field, which keeps the focus; corrected, Enter saves it; a second
// edit is put back by Escape; and it records progress while reading, all without a page load.
func TestBookPageInPlace(t *testing.T) {
	p := signedIn(t)
	dune := p.addBook("Dune", "Frank Herbert", "Science fiction")
	heading := `document.querySelector('#book-main h1 [data-testid="title"]')?.textContent.trim()`

	p.open("/books/" + strconv.FormatInt(dune.ID, 10))
	p.tabTo("#edit-title")
	p.openFact("title")
	p.replaceText("")
	p.markOld("fact-title")
	p.press(kb.Enter)
	p.waitUntil("the empty title is refused beside its field", swapped("fact-title")+
		` && document.querySelector('#fact-title.invalid #field-title-error')?.textContent.trim() === 'Title is required.'`)
	p.waitFocus("#field-title")
	p.replaceText("Dune Messiah")
	p.markOld("fact-title")
	p.press(kb.Enter)
	p.closed("title")
	if got := eval[string](p, heading); got != "Dune Messiah" {
		t.Errorf("heading = %q, want Dune Messiah", got)
	}
	p.stillSamePage()
	if b, err := p.storedBook(dune.ID); err != nil || b.Title != "Dune Messiah" || b.Author != "Frank Herbert" || b.Genre != "Science fiction" {
		t.Errorf("stored book = %+v, %v; want the new title, the rest kept", b, err)
	}

	// Enter, type, Escape: the title comes back unchanged.
	p.openFact("title")
	p.replaceText("Something else")
	p.markOld("fact-title")
	p.press(kb.Escape)
	p.closed("title")
	if got := eval[string](p, heading); got != "Dune Messiah" {
		t.Errorf("heading after Escape = %q, want Dune Messiah", got)
	}
	p.stillSamePage()
	if b, err := p.storedBook(dune.ID); err != nil || b.Title != "Dune Messiah" {
		t.Errorf("stored book = %+v, %v; want it unchanged by Escape", b, err)
	}

	// While reading: 30, Enter, and the history shows page 30.
	if _, err := p.reading.SetStatus(context.Background(), p.reader.id, dune.ID, data.StatusReading, time.Time{}); err != nil {
		t.Fatal(err)
	}
	p.open("/books/" + strconv.FormatInt(dune.ID, 10))
	p.tabBackTo("#page-progress") // after the readings, whose date inputs take several Tabs each
	p.press("30")
	p.markOld("book-progress")
	p.press(kb.Enter)
	p.waitUntil("the history shows page 30", swapped("book-progress")+
		` && Array.from(document.querySelectorAll('#book-readings [data-testid="progress"] .what')).at(-1)?.textContent.trim() === 'Page 30'`)
	p.waitFocus("#page-progress")
	p.stillSamePage()
}

// TestDeleteReading deletes a reading made by mistake with the keyboard: Delete asks in the
// reading's place, Escape takes it back (focus on Delete again), Enter on Delete reading deletes
// it, and the status follows the reading left, all without a page load.
func TestDeleteReading(t *testing.T) {
	p := signedIn(t)
	ctx := context.Background()
	dune := p.addBook("Dune", "Frank Herbert", "Science fiction")
	for _, st := range []struct {
		status data.Status
		on     time.Time
	}{
		{data.StatusRead, time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)},
		{data.StatusReading, time.Time{}},
		{data.StatusRead, time.Time{}},
	} {
		if _, err := p.reading.SetStatus(ctx, p.reader.id, dune.ID, st.status, st.on); err != nil {
			t.Fatal(err)
		}
	}
	rts, err := p.reading.ReadThroughs(ctx, p.reader.id, dune.ID)
	if err != nil || len(rts) != 2 {
		t.Fatalf("readings %v, %v", rts, err)
	}
	mistake := strconv.FormatInt(rts[0].ID, 10)
	p.open("/books/" + strconv.FormatInt(dune.ID, 10))

	p.tabTo("#delete-reading-" + mistake)
	p.markOld("book-readings")
	p.press(kb.Enter)
	p.waitUntil("it asks", swapped("book-readings")+` && document.querySelector('#book-readings form.confirming') !== null`)
	p.waitFocus("#confirm-delete-reading-" + mistake)
	p.markOld("book-readings")
	p.press(kb.Escape)
	p.waitUntil("it no longer asks", swapped("book-readings")+` && document.querySelector('#book-readings form.confirming') === null`)
	p.waitFocus("#delete-reading-" + mistake)
	if got, err := p.reading.ReadThroughs(ctx, p.reader.id, dune.ID); err != nil || len(got) != 2 {
		t.Fatalf("after Escape: readings %v, %v; want both", got, err)
	}

	p.press(kb.Enter)
	p.waitFocus("#confirm-delete-reading-" + mistake)
	p.markOld("book-readings")
	p.press(kb.Enter)
	p.waitUntil("the reading is gone", swapped("book-readings")+` && document.querySelectorAll('#book-readings .reading').length === 1`)
	p.waitFocus("#readings-heading")
	if got := p.text(`#book-readings [role=status]`); got != "Reading deleted." {
		t.Errorf("message %q", got)
	}
	if got := eval[string](p, `document.querySelector('#book-status button[aria-pressed="true"]').value`); got != "read" {
		t.Errorf("status shown %q, want read", got)
	}
	p.stillSamePage()
	if b, err := p.storedBook(dune.ID); err != nil || b.Status != data.StatusRead || b.FinishedOn != "2025-03-01" {
		t.Errorf("stored book = %+v, %v; want read, finished 2025-03-01", b, err)
	}
}

// TestAddPastReading adds a reading from years ago with the keyboard: Enter on "Add a past
// reading" opens its form, Did not finish chosen with
// the arrow keys, dates typed into the date fields, Enter. A finish before the start comes back
// with its message and the focus on the finish date; corrected, the reading is added in place
// and said so, all without a page load.
func TestAddPastReading(t *testing.T) {
	p := signedIn(t)
	dune := p.addBook("Dune", "Frank Herbert", "Science fiction")
	p.open("/books/" + strconv.FormatInt(dune.ID, 10))

	p.tabTo("#add-past-reading")
	p.press(kb.Enter) // opens the disclosure
	p.tabTo("#outcome-new")
	p.press(kb.ArrowDown)
	p.waitUntil("Did not finish is chosen", `document.querySelector('#outcome-new').value === 'dnf'`)
	// Day and month alike, so the dates read the same in a month-first or a day-first locale.
	p.tabTo("#started_on-new")
	p.press("04042024")
	p.waitUntil("the start is typed", `document.querySelector('#started_on-new').value === '2024-04-04'`)
	p.tabTo("#finished_on-new")
	p.press("03032024")
	p.waitUntil("the finish is typed", `document.querySelector('#finished_on-new').value === '2024-03-03'`)
	p.markOld("book-readings")
	p.press(kb.Enter)
	p.waitUntil("the problem is shown", swapped("book-readings")+
		` && document.querySelector('#finished_on-new-error')?.textContent.trim() === 'The finish date is before the start date.'`)
	p.waitFocus("#finished_on-new")
	if got := eval[string](p, `document.querySelector('#started_on-new').value + ' ' + document.querySelector('#outcome-new').value`); got != "2024-04-04 dnf" {
		t.Errorf("the form kept %q, want 2024-04-04 dnf", got)
	}

	p.press("05052024")
	p.waitUntil("the finish is corrected", `document.querySelector('#finished_on-new').value === '2024-05-05'`)
	p.markOld("book-readings")
	p.press(kb.Enter)
	p.waitUntil("the reading is added", swapped("book-readings")+` && document.querySelectorAll('#book-readings .reading').length === 1`)
	p.waitFocus("#readings-heading")
	if got := p.text(`#book-readings [role=status]`); got != "Reading added." {
		t.Errorf("message %q", got)
	}
	if got := eval[string](p, timeline("#book-readings")); got != "Started 4 April 2024 | Gave up 5 May 2024" {
		t.Errorf("reading shows %q", got)
	}
	p.stillSamePage()
	rts, err := p.reading.ReadThroughs(context.Background(), p.reader.id, dune.ID)
	if err != nil || len(rts) != 1 || rts[0].Outcome != data.StatusDNF || rts[0].StartedOn == nil || rts[0].FinishedOn == nil ||
		rts[0].StartedOn.Format(time.DateOnly) != "2024-04-04" || rts[0].FinishedOn.Format(time.DateOnly) != "2024-05-05" {
		t.Errorf("stored readings %+v, %v; want one not finished, 2024-04-04 to 2024-05-05", rts, err)
	}
}

// TestEditionWithKeyboard fills in a book's edition facts on its page with the keyboard, each in
// its place (Enter opens it, Enter saves it, Tab to the next): a year in the future is refused
// beside its field, which keeps the focus and what was typed; corrected, it is saved in place,
// the language shown by its name and a year before Christ as such.
func TestEditionWithKeyboard(t *testing.T) {
	p := signedIn(t)
	iliad := p.addBook("The Iliad", "Homer", "Epic")
	p.open("/books/" + strconv.FormatInt(iliad.ID, 10))

	p.tabTo("#edit-publisher")
	p.editFact("publisher", "Penguin Classics")
	p.press(kb.Tab)
	p.openFact("year")
	future := strconv.Itoa(time.Now().Year() + 1)
	p.press(future)
	p.markOld("fact-year")
	p.press(kb.Enter)
	p.waitUntil("the future year is refused beside its field", swapped("fact-year")+
		` && document.querySelector('#field-year-error')?.textContent.includes('cannot be in the future')`)
	p.waitFocus("#field-year")
	if got := p.value("field-year"); got != future {
		t.Errorf("after the refusal, the year = %q, want %q as typed", got, future)
	}
	if e, err := p.editions.Get(context.Background(), p.reader.id, iliad.ID); err != nil || e != (data.Edition{Publisher: "Penguin Classics"}) {
		t.Errorf("stored edition after the refusal = %+v, %v; want the publisher alone", e, err)
	}
	p.replaceText("1991")
	p.markOld("fact-year")
	p.press(kb.Enter)
	p.closed("year")
	p.press(kb.Tab)
	p.editFact("original_year", "750 BC")
	p.press(kb.Tab)
	p.editFact("language", "fr")
	p.press(kb.Tab)
	p.editFact("copies", "2")
	p.stillSamePage()
	for testid, want := range map[string]string{"edition-original-year": "750 BC", "edition-language": "French", "edition-year": "1991"} {
		if got := p.text(`[data-testid="` + testid + `"]`); got != want {
			t.Errorf("%s shown as %q, want %q", testid, got, want)
		}
	}
	want := data.Edition{Publisher: "Penguin Classics", Year: 1991, OriginalYear: -750, Language: "fr", Copies: 2}
	if e, err := p.editions.Get(context.Background(), p.reader.id, iliad.ID); err != nil || e != want {
		t.Errorf("stored edition = %+v, %v; want %+v", e, err, want)
	}
}

// TestReadingDatesInPlace corrects the dates of a reading in their place with the keyboard: Enter
// on the dates opens them, a finish before the start is refused beside its date, which keeps the
// focus; corrected, Enter saves and the focus is back on the dates; Escape puts them back.
func TestReadingDatesInPlace(t *testing.T) {
	for _, size := range viewports {
		t.Run(size.name, func(t *testing.T) {
			p := signedIn(t)
			p.sized(size.width, size.height, size.phone)
			ctx := context.Background()
			dune := p.addBook("Dune", "Frank Herbert", "Science fiction")
			for _, st := range []data.Status{data.StatusReading, data.StatusRead} {
				if _, err := p.reading.SetStatus(ctx, p.reader.id, dune.ID, st, time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)); err != nil {
					t.Fatal(err)
				}
			}
			rts, err := p.reading.ReadThroughs(ctx, p.reader.id, dune.ID)
			if err != nil || len(rts) != 1 {
				t.Fatalf("readings %v, %v", rts, err)
			}
			id := strconv.FormatInt(rts[0].ID, 10)
			dates := timeline("#book-readings")
			p.open("/books/" + strconv.FormatInt(dune.ID, 10))
			if w := p.overflow(); w > 0 {
				t.Errorf("the page is %d px wider than the window", w)
			}

			p.tabTo("#edit-dates-" + id)
			p.markOld("book-readings")
			p.press(kb.Enter)
			p.waitUntil("the dates open", swapped("book-readings")+` && document.querySelector('#book-readings form.reading.editing') !== null`)
			p.waitFocus("#started_on-" + id)
			p.press("04042025") // day and month alike: the same in either order
			p.waitUntil("the start is typed", `document.getElementById('started_on-`+id+`').value === '2025-04-04'`)
			p.markOld("book-readings")
			p.press(kb.Enter)
			p.waitUntil("the finish before the start is refused", swapped("book-readings")+
				` && document.getElementById('finished_on-`+id+`-error')?.textContent.trim() === 'The finish date is before the start date.'`)
			p.waitFocus("#finished_on-" + id)
			p.press("05052025")
			p.waitUntil("the finish is typed", `document.getElementById('finished_on-`+id+`').value === '2025-05-05'`)
			p.markOld("book-readings")
			p.press(kb.Enter)
			p.waitUntil("the dates are saved", swapped("book-readings")+` && `+dates+` === 'Started 4 April 2025 | Finished 5 May 2025'`)
			p.waitFocus("#edit-dates-" + id)

			p.markOld("book-readings")
			p.press(kb.Enter)
			p.waitFocus("#started_on-" + id)
			p.press("01012025")
			p.markOld("book-readings")
			p.press(kb.Escape)
			p.waitUntil("the dates are back", swapped("book-readings")+` && `+dates+` === 'Started 4 April 2025 | Finished 5 May 2025'`)
			p.waitFocus("#edit-dates-" + id)
			p.stillSamePage()
			got, err := p.reading.ReadThroughs(ctx, p.reader.id, dune.ID)
			if err != nil || len(got) != 1 || got[0].StartedOn.Format(time.DateOnly) != "2025-04-04" || got[0].FinishedOn.Format(time.DateOnly) != "2025-05-05" {
				t.Errorf("stored readings %+v, %v", got, err)
			}
		})
	}
}

// TestProgressInPlace corrects a progress update of the readings' timeline by keyboard, at a
// desktop's and a phone's size: Enter on it opens how far and the day; a page past the end and a
// day before the reading started are refused beside their fields, which keep the focus; corrected,
// Enter saves with the focus back on it; Escape puts it back unchanged; Delete, in its edit,
// deletes it and says so. Nothing loads a page, and nothing is wider than the window.
func TestProgressInPlace(t *testing.T) {
	for _, size := range viewports {
		t.Run(size.name, func(t *testing.T) {
			p := signedIn(t)
			p.sized(size.width, size.height, size.phone)
			ctx := context.Background()
			dune := p.addBook("Dune", "Frank Herbert", "Science fiction")
			if _, err := p.reading.SetDetails(ctx, p.reader.id, dune.ID, data.DetailsInput{Pages: "400", Keep: []string{"rating", "notes", "isbn"}}); err != nil {
				t.Fatal(err)
			}
			if _, err := p.reading.SetStatus(ctx, p.reader.id, dune.ID, data.StatusReading, time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)); err != nil {
				t.Fatal(err)
			}
			if _, err := p.reading.RecordProgress(ctx, p.reader.id, dune.ID, data.ProgressInput{Page: 100}); err != nil {
				t.Fatal(err)
			}
			history := func() []data.ProgressUpdate {
				t.Helper()
				h, err := p.reading.ProgressHistory(ctx, p.reader.id, dune.ID)
				if err != nil {
					t.Fatal(err)
				}
				return h
			}
			id := strconv.FormatInt(history()[0].ID, 10)
			key, section := "progress-"+id, "book-readings"
			shown := `document.querySelector('#edit-` + key + ` .what')?.textContent.trim()`
			p.open("/books/" + strconv.FormatInt(dune.ID, 10))

			p.tabTo("#edit-" + key)
			p.markOld(section)
			p.press(kb.Enter)
			p.waitUntil("the update opens", swapped(section)+` && document.querySelector('#book-readings [data-testid=progress-edit]') !== null`)
			p.waitFocus("#field-" + key)
			if w := p.overflow(); w > 0 {
				t.Errorf("the page is %d px wider than the window", w)
			}
			p.replaceText("450")
			p.markOld(section)
			p.press(kb.Enter)
			p.waitUntil("the page past the end is refused", swapped(section)+
				` && document.getElementById('field-`+key+`-error')?.textContent.trim() === 'Page 450 is past the end (400 pages).'`)
			p.waitFocus("#field-" + key)
			p.replaceText("150")
			p.press(kb.Tab)
			p.waitFocus("#recorded_on-" + id)
			p.press("02022025") // day and month alike: the same in either order
			p.waitUntil("the day is typed", `document.getElementById('recorded_on-`+id+`').value === '2025-02-02'`)
			p.markOld(section)
			p.press(kb.Enter)
			p.waitUntil("the day before the start is refused", swapped(section)+
				` && document.getElementById('recorded_on-`+id+`-error')?.textContent.trim() === 'The date is before this reading started (1 March 2025).'`)
			p.waitFocus("#recorded_on-" + id)
			if got := p.value("field-" + key); got != "150" {
				t.Errorf("the page as typed is %q after the refusal", got)
			}
			p.press("03032025")
			p.waitUntil("the day is typed", `document.getElementById('recorded_on-`+id+`').value === '2025-03-03'`)
			p.markOld(section)
			p.press(kb.Enter)
			p.waitUntil("the update is saved", swapped(section)+` && `+shown+` === 'Page 150 (37.5%)'`)
			p.waitFocus("#edit-" + key)
			if got := p.text("#book-progress [data-testid=progress-latest]"); got != "Last: Page 150 (37.5%), 3 March 2025. Every update is in the readings below." {
				t.Errorf("the progress says %q", got)
			}

			// Escape puts it back unchanged.
			p.markOld(section)
			p.press(kb.Enter)
			p.waitFocus("#field-" + key)
			p.replaceText("399")
			p.markOld(section)
			p.press(kb.Escape)
			p.waitUntil("the update is back", swapped(section)+` && `+shown+` === 'Page 150 (37.5%)'`)
			p.waitFocus("#edit-" + key)
			if h := history(); len(h) != 1 || h[0].Page != 150 || h[0].RecordedAt.Format(time.DateOnly) != "2025-03-03" {
				t.Errorf("stored %+v, want page 150 on 3 March 2025", h)
			}

			// Deleted, from its edit.
			p.markOld(section)
			p.press(kb.Enter)
			p.waitFocus("#field-" + key)
			p.tabTo("#delete-" + key)
			p.markOld(section)
			p.press(kb.Enter)
			p.waitUntil("the update is gone", swapped(section)+` && document.querySelector('#book-readings [data-testid=progress]') === null`)
			p.waitFocus("#readings-heading")
			if got := p.text("#book-readings [role=status]"); got != "Progress update deleted." {
				t.Errorf("message %q", got)
			}
			p.stillSamePage()
			if h := history(); len(h) != 0 {
				t.Errorf("stored %+v after the delete, want none", h)
			}
		})
	}
}
