// Package e2e holds Bookcase's browser tests. They start the real server in-process on a loopback
// port with a fresh database and accounts, drive headless Chromium through chromedp the way a
// reader would (keys and clicks), and check what the page shows. Most tests begin with a reader
// who logs in through the login page; the account tests sign up, log in and out themselves. An
// uncaught JavaScript exception or a Content Security Policy violation in a tab fails its test.
// The package has no code outside its tests.
//
// The browser is found through BOOKCASE_CHROME, else /usr/bin/chromium, chromium or google-chrome
// on PATH. Without one the tests skip, unless CI is set or BOOKCASE_E2E=require, where they fail.
// The tests share one browser, except the HTTPS test, which starts its own that accepts the
// self-signed certificate the test makes. BOOKCASE_SCREENSHOT=1 makes TestScreenshot write
// docs/screenshot.png.
package e2e
