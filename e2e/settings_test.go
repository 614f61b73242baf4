package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/emulation"
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
	p.loads("open the settings", typed(kb.Enter))
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

// TestSignUpTakesTheBrowsersZone signs a reader up in a browser set to Tokyo: their days are
// Tokyo's from the start, and Settings shows it. Without JavaScript the form sends no zone, and
// the reader starts in UTC.
func TestSignUpTakesTheBrowsersZone(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []pageOption
		want string
	}{{"WithJavaScript", nil, "Asia/Tokyo"}, {"WithoutJavaScript", []pageOption{withoutJavaScript}, "UTC"}} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPage(t, tc.opts...)
			if _, err := chromedp.Call(p.ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Asia/Tokyo"}); err != nil {
				t.Fatalf("set the browser's zone: %v", err)
			}
			p.visit("/signup")
			ada := p.signUp("ada")
			loc, err := p.users.TimeZone(context.Background(), ada.id)
			if err != nil || loc.String() != tc.want {
				t.Errorf("the new reader's zone = %v, %v; want %s", loc, err, tc.want)
			}
			p.visit("/settings")
			if got := eval[string](p, `document.querySelector('#field-time_zone').value`); got != tc.want {
				t.Errorf("Settings show the zone %q, want %s", got, tc.want)
			}
		})
	}
}
