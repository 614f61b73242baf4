package catalogue

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/bookcase/bookcase/data"
)

// openLibrary asks Open Library (openlibrary.org or a mirror at base) for the edition with an
// ISBN: GET /isbn/{isbn}.json, which redirects to the edition's record. An edition names its
// authors by reference (/authors/OL…A), each fetched for its name; an edition without authors
// takes its work's (/works/OL…W.json, whose authors are {"author": {"key": …}}).
type openLibrary struct{ base string }

// olEdition is the part of an Open Library edition record Bookcase reads.
type olEdition struct {
	Title         string   `json:"title"`
	Authors       []olRef  `json:"authors"`
	Works         []olRef  `json:"works"`
	NumberOfPages int      `json:"number_of_pages"`
	Publishers    []string `json:"publishers"`
	PublishDate   string   `json:"publish_date"`
	Languages     []olRef  `json:"languages"`
}

// olRef is a reference to another record, by its key ("/authors/OL23919A").
type olRef struct {
	Key string `json:"key"`
}

// olWork is the part of a work record Bookcase reads: its authors, each in a role.
type olWork struct {
	Authors []struct {
		Author olRef `json:"author"`
	} `json:"authors"`
}

// olAuthor is the part of an author record Bookcase reads.
type olAuthor struct {
	Name string `json:"name"`
}

// Only references of these shapes are followed: a record's key, never a path of the answer's choosing.
var (
	olAuthorKey   = regexp.MustCompile(`^/authors/OL[0-9]+A$`)
	olWorkKey     = regexp.MustCompile(`^/works/OL[0-9]+W$`)
	olLanguageKey = regexp.MustCompile(`^/languages/([a-z]{2,3})$`)
)

func (o openLibrary) lookup(ctx context.Context, c *Client, isbn data.ISBN) (data.CatalogueRecord, error) {
	var e olEdition
	if err := c.getJSON(ctx, o.base+"/isbn/"+string(isbn)+".json", &e); err != nil {
		return data.CatalogueRecord{}, err
	}
	r := data.CatalogueRecord{Title: clean(e.Title), Year: year(e.PublishDate), Source: "Open Library"}
	if e.NumberOfPages > 0 && e.NumberOfPages <= data.MaxPages {
		r.Pages = e.NumberOfPages
	}
	for _, p := range e.Publishers {
		if p = clean(p); p != "" {
			r.Publisher = p
			break
		}
	}
	for _, l := range e.Languages {
		if m := olLanguageKey.FindStringSubmatch(l.Key); m != nil {
			r.Language = m[1]
			if iso, ok := languages[m[1]]; ok {
				r.Language = iso
			}
			break
		}
	}
	authors := e.Authors
	if len(authors) == 0 && len(e.Works) > 0 && olWorkKey.MatchString(e.Works[0].Key) {
		var w olWork
		switch err := c.getJSON(ctx, o.base+e.Works[0].Key+".json", &w); {
		case errors.Is(err, ErrNotFound):
		case err != nil:
			return data.CatalogueRecord{}, err
		}
		for _, a := range w.Authors {
			authors = append(authors, a.Author)
		}
	}
	names, err := o.authors(ctx, c, authors)
	if err != nil {
		return data.CatalogueRecord{}, err
	}
	r.Authors = names
	if r.Title == "" && len(r.Authors) == 0 {
		return data.CatalogueRecord{}, fmt.Errorf("%w: Open Library's record of %s has neither title nor author", ErrUnavailable, isbn)
	}
	return r, nil
}

// authors fetches the names of the first maxAuthors authors referred to, at once, in order. An
// author whose record is missing is left out.
func (o openLibrary) authors(ctx context.Context, c *Client, refs []olRef) ([]string, error) {
	var keys []string
	for _, ref := range refs {
		if olAuthorKey.MatchString(ref.Key) && len(keys) < maxAuthors {
			keys = append(keys, ref.Key)
		}
	}
	names := make([]string, len(keys))
	errs := make([]error, len(keys))
	var wg sync.WaitGroup
	for i, key := range keys {
		wg.Go(func() {
			var a olAuthor
			if err := c.getJSON(ctx, o.base+key+".json", &a); err != nil && !errors.Is(err, ErrNotFound) {
				errs[i] = err
				return
			}
			names[i] = clean(a.Name)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var out []string
	for _, n := range names {
		if n != "" && !containsFold(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

// containsFold reports whether names has name, in any case.
func containsFold(names []string, name string) bool {
	for _, n := range names {
		if strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}
