package catalogue

import (
	"context"
	"fmt"
	"net/url"

	"github.com/bookcase/bookcase/data"
)

// googleBooks asks Google Books (www.googleapis.com or a mirror at base) for the volumes with an
// ISBN: GET /books/v1/volumes?q=isbn:{isbn}. It may answer several volumes (editions, or a volume
// that merely mentions the number): the one whose identifiers include the ISBN is taken, else the
// first.
type googleBooks struct{ base string }

// gbVolumes is the part of a volumes answer Bookcase reads; totalItems 0 comes without items.
type gbVolumes struct {
	TotalItems int `json:"totalItems"`
	Items      []struct {
		VolumeInfo gbVolumeInfo `json:"volumeInfo"`
	} `json:"items"`
}

type gbVolumeInfo struct {
	Title               string   `json:"title"`
	Authors             []string `json:"authors"`
	Publisher           string   `json:"publisher"`
	PublishedDate       string   `json:"publishedDate"`
	PageCount           int      `json:"pageCount"`
	Language            string   `json:"language"`
	IndustryIdentifiers []struct {
		Type       string `json:"type"`
		Identifier string `json:"identifier"`
	} `json:"industryIdentifiers"`
}

// has reports whether the volume's identifiers include isbn, as ISBN-13 or ISBN-10.
func (v gbVolumeInfo) has(isbn data.ISBN) bool {
	isbn10, _ := isbn.ISBN10() // "" for a 979 ISBN, which has no ISBN-10
	for _, id := range v.IndustryIdentifiers {
		if id.Identifier == string(isbn) || (isbn10 != "" && id.Identifier == isbn10) {
			return true
		}
	}
	return false
}

func (g googleBooks) lookup(ctx context.Context, c *Client, isbn data.ISBN) (data.CatalogueRecord, error) {
	var res gbVolumes
	q := url.Values{"q": {"isbn:" + string(isbn)}}
	if err := c.getJSON(ctx, g.base+"/books/v1/volumes?"+q.Encode(), &res); err != nil {
		return data.CatalogueRecord{}, err
	}
	if len(res.Items) == 0 {
		return data.CatalogueRecord{}, ErrNotFound
	}
	v := res.Items[0].VolumeInfo
	for _, it := range res.Items {
		if it.VolumeInfo.has(isbn) {
			v = it.VolumeInfo
			break
		}
	}
	r := data.CatalogueRecord{
		Title: clean(v.Title), Publisher: clean(v.Publisher), Year: year(v.PublishedDate),
		Language: clean(v.Language), Source: "Google Books",
	}
	if v.PageCount > 0 && v.PageCount <= data.MaxPages {
		r.Pages = v.PageCount
	}
	for _, a := range v.Authors {
		if a = clean(a); a != "" && len(r.Authors) < maxAuthors && !containsFold(r.Authors, a) {
			r.Authors = append(r.Authors, a)
		}
	}
	if r.Title == "" && len(r.Authors) == 0 {
		return data.CatalogueRecord{}, fmt.Errorf("%w: Google Books' volume of %s has neither title nor author", ErrUnavailable, isbn)
	}
	return r, nil
}
