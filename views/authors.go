package views

import (
	"net/url"
	"strconv"
)

// AuthorsURL lists the reader's authors.
const AuthorsURL = "/authors"

// AuthorSuggestURL answers the author field's suggestions (GET author: the text typed).
const AuthorSuggestURL = AuthorsURL + "/suggest"

// AuthorURL is an author's page: their books, renaming, the sort name, merging (POST name).
func AuthorURL(id int64) string { return AuthorsURL + "/" + strconv.FormatInt(id, 10) }

// AuthorBooksURL is the page of an author's books that starts at cursor (the store's), the page
// that "Load more books" brings; "" is the author's page.
func AuthorBooksURL(id int64, cursor string) string {
	if cursor == "" {
		return AuthorURL(id)
	}
	return AuthorURL(id) + "?" + url.Values{"cursor": {cursor}}.Encode()
}

// AuthorSortNameURL sets the author's sort name (POST sort_name).
func AuthorSortNameURL(id int64) string { return AuthorURL(id) + "/sort-name" }

// AuthorMergeURL merges the author into another (POST into: the other's name).
func AuthorMergeURL(id int64) string { return AuthorURL(id) + "/merge" }

// AuthorsListURL is the list of authors with a search, an order, and the page after the author
// after (0 for the first page); the defaults are left out.
func AuthorsListURL(search, sort string, after int64) string {
	q := url.Values{}
	if search != "" {
		q.Set("q", search)
	}
	if sort != "" && sort != "name" {
		q.Set("sort", sort)
	}
	if after > 0 {
		q.Set("after", strconv.FormatInt(after, 10))
	}
	if len(q) == 0 {
		return AuthorsURL
	}
	return AuthorsURL + "?" + q.Encode()
}

// BookContributorsURL sets a book's contributors from its page (POST name and role, repeated,
// and action).
func BookContributorsURL(book int64) string { return BookURL(book) + "/contributors" }

// AuthorEditID is the id of the author page's section of forms, which they replace.
const AuthorEditID = "author-edit"

// AuthorSummary is an author as the list of authors shows them.
type AuthorSummary struct {
	ID          int64
	Name        string
	SortName    string
	Books, Read int
}

// AuthorsList is the list of authors: the search and order it shows, a page of authors, and the
// links to the first page (on a later one) and the page after it ("" for none).
type AuthorsList struct {
	Search            string
	Sort              string
	Authors           []AuthorSummary
	FirstURL, NextURL string
	// ByNameURL and ByBooksURL order the list, keeping the search.
	ByNameURL, ByBooksURL string
}

// AuthorPage is an author's page: the author, their books in the library's rows, and the forms
// that rename them, set their sort name and merge them, as typed after a refusal, with the
// problems keyed by data.FieldAuthorName, data.FieldAuthorSortName and data.FieldMergeInto.
type AuthorPage struct {
	ID       int64
	Name     string
	SortName string
	// Books are a page of the author's books; MoreURL the next page's (MoreCursor its cursor),
	// "" on the last; Later is true on a page after the first.
	Books               []Book
	MoreURL, MoreCursor string
	Later               bool
	// Total, Read and Unread count all of the author's books.
	Total, Read, Unread int

	NameInput, SortNameInput, MergeInput string
	Errors                               map[string]string
	// Done is what was just done, which the forms' section announces (htmx).
	Done string
}

// ContributorLine is one line of the book page's list of contributors: a name and its role.
type ContributorLine struct {
	Name string
	Role string
	// AuthorID is the author's page, 0 for a line not saved yet.
	AuthorID int64
}

// ContributorsSection is the book page's contributors (its author fact): the lines as saved, or
// as typed after a refusal, with the problem; and what was just done, which the editor announces.
type ContributorsSection struct {
	Lines []ContributorLine
	Error string
	Done  string
}
