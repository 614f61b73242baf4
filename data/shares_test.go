package data_test

import (
	"errors"
	"testing"
	"time"

	"github.com/bookcase/bookcase/data"
)

func TestReviewShares(t *testing.T) {
	ctx := t.Context()
	db := openDB(t)
	ada, bob := addReader(t, db, "ada").ID, addReader(t, db, "bob").ID
	reading := db.Reading()
	year := time.Now().Year()
	if _, err := reading.ReviewShare(ctx, ada, year); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("ReviewShare before sharing = %v, want ErrNotFound", err)
	}
	if _, err := reading.ShareReview(ctx, ada, 1899, false); !errors.Is(err, data.ErrInvalid) {
		t.Errorf("ShareReview(1899) = %v, want a validation error", err)
	}
	sh, err := reading.ShareReview(ctx, ada, year, false)
	if err != nil || len(sh.Token) != 43 || sh.ShowName {
		t.Fatalf("ShareReview = %+v, %v", sh, err)
	}
	again, err := reading.ShareReview(ctx, ada, year, true)
	if err != nil || again.Token != sh.Token || !again.ShowName {
		t.Errorf("sharing again = %+v, %v; want the same link, now naming the reader", again, err)
	}
	got, err := reading.SharedReview(ctx, sh.Token)
	if err != nil || got.Owner != ada || got.Year != year || got.Username != "ada" || !got.ShowName {
		t.Errorf("SharedReview = %+v, %v", got, err)
	}
	bobs, err := reading.ShareReview(ctx, bob, year, false)
	if err != nil || bobs.Token == sh.Token {
		t.Errorf("Bob's share = %+v, %v; want a link of its own", bobs, err)
	}
	for _, bad := range []string{"", "x", sh.Token[:42] + "A", sh.Token + "A"} {
		if bad == sh.Token {
			continue
		}
		if _, err := reading.SharedReview(ctx, bad); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("SharedReview(%q) = %v, want ErrNotFound", bad, err)
		}
	}
	if err := reading.UnshareReview(ctx, ada, year); err != nil {
		t.Fatal(err)
	}
	if _, err := reading.SharedReview(ctx, sh.Token); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("SharedReview after unsharing = %v, want ErrNotFound", err)
	}
	if _, err := reading.SharedReview(ctx, bobs.Token); err != nil {
		t.Errorf("Bob's share after Ada unshared: %v", err)
	}
}

// TestReviewHasCover checks which covers a shared review may show: those of the owner's live
// books finished in its year, and no others.
func TestReviewHasCover(t *testing.T) {
	ctx := t.Context()
	db := openDB(t)
	ada, bob := addReader(t, db, "ada").ID, addReader(t, db, "bob").ID
	reading, covers := db.Reading(), db.Covers()
	year := time.Now().Year()
	book := func(owner int64, title string, finished time.Time, small, large string) string {
		t.Helper()
		b := mustCreate(t, db.Books(), owner, data.BookInput{Title: title, Author: "A"})
		if !finished.IsZero() {
			if _, err := reading.AddReadThrough(ctx, owner, b.ID, data.ReadingInput{FinishedOn: &finished, Outcome: data.StatusRead}); err != nil {
				t.Fatal(err)
			}
		}
		hash, err := covers.Set(ctx, owner, b.ID, []byte(small), []byte(large))
		if err != nil {
			t.Fatal(err)
		}
		return hash
	}
	thisYear := time.Date(year, 1, 2, 0, 0, 0, 0, time.UTC)
	read := book(ada, "Read this year", thisYear, "s1", "l1")
	lastYear := book(ada, "Read last year", thisYear.AddDate(-1, 0, 0), "s2", "l2")
	unread := book(ada, "Not read", time.Time{}, "s3", "l3")
	bobs := book(bob, "Bob's", thisYear, "s4", "l4")
	for _, tc := range []struct {
		hash string
		want bool
	}{{read, true}, {lastYear, false}, {unread, false}, {bobs, false}} {
		if got, err := reading.ReviewHasCover(ctx, ada, year, tc.hash); err != nil || got != tc.want {
			t.Errorf("ReviewHasCover(%s) = %v, %v; want %v", tc.hash, got, err, tc.want)
		}
	}
}
