package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestTimeZoneWithKeyboard opens the settings from the header with the keyboard and sets the
// time zone: a name that is not one is refused beside the field, with the focus there; the
// browser's own zone is offered on a button that fills the field; a good name is saved in place.
func TestTimeZoneWithKeyboard(t *testing.T) {
	p := signedIn(t)
	p.open("/books")
	p.tabTo(`[data-testid="settings-link"]`)
	p.loads("open the settings", chromedp.KeyEvent(kb.Enter))
	if got := eval[string](p, `document.querySelector('#field-time_zone').value`); got != "UTC" {
		t.Errorf("a new reader's time zone = %q, want UTC", got)
	}

	eval[chromedp.Void](p, `window.__marker = 42`) // for stillSamePage: the form is sent in place
	p.tabTo("#field-time_zone")
	p.replaceText("Mars/Olympus")
	p.markOld("settings-zone")
	p.press(kb.Enter)
	p.waitUntil("the zone is refused", swapped("settings-zone")+
		` && document.querySelector('#field-time_zone-error')?.textContent.includes('Choose a time zone')`)
	p.waitFocus("#field-time_zone")

	// The browser's own zone, offered on the button that JavaScript shows.
	browserZone := eval[string](p, `Intl.DateTimeFormat().resolvedOptions().timeZone`)
	p.tabTo(`[data-testid="browser-zone"]`)
	p.press(kb.Enter)
	p.waitFocus("#field-time_zone")
	if got := eval[string](p, `document.querySelector('#field-time_zone').value`); got != browserZone {
		t.Errorf("the button put %q in the field, want the browser's %q", got, browserZone)
	}

	p.replaceText("Asia/Tokyo")
	p.markOld("settings-zone")
	p.press(kb.Enter)
	p.waitUntil("the zone is saved", swapped("settings-zone")+
		` && document.querySelector('#settings-zone [role="status"]')?.textContent.includes('Time zone saved: Asia/Tokyo.')`)
	p.stillSamePage()
	loc, err := p.users.TimeZone(context.Background(), p.reader.id)
	if err != nil || loc.String() != "Asia/Tokyo" {
		t.Errorf("stored time zone = %v, %v; want Asia/Tokyo", loc, err)
	}
}
