-- +goose Up
-- Authors: a book's contributors, each a person of the reader's, in order and with a role.
--
-- A reader's authors: name as first written (in its natural order: "Ursula K. Le Guin"),
-- sort_name as libraries file it ("Le Guin, Ursula K.", derived by data.SortName when the author
-- is made, corrected by the reader), name_key the name folded for matching (data.AuthorKey:
-- lower case, points and runs of spaces as one space, so "J.R.R. Tolkien" and "j. r. r. tolkien"
-- are one author), unique per reader, and sort_key the sort name in lower case, by which the list
-- of authors sorts and the suggestions find a surname. An author lives as long as a book has them
-- (the trigger book_contributors_last_book below); one whose books are all deleted is hidden until
-- Undo brings one back.
CREATE TABLE authors (
    id         INTEGER      PRIMARY KEY,
    owner_id   INTEGER      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       VARCHAR(250) NOT NULL,
    name_key   VARCHAR(250) NOT NULL,
    sort_name  VARCHAR(250) NOT NULL,
    sort_key   VARCHAR(250) NOT NULL,
    created_at TIMESTAMP    NOT NULL,
    UNIQUE (owner_id, name_key)
);
CREATE INDEX authors_sort ON authors (owner_id, sort_key, id);

-- A book's contributors in order (position, from 0), each with a role. The same author may
-- contribute to a book in two roles (author and illustrator), not twice in one.
CREATE TABLE book_contributors (
    book_id   INTEGER     NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    author_id INTEGER     NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
    role      VARCHAR(20) NOT NULL DEFAULT 'author'
              CHECK (role IN ('author', 'translator', 'editor', 'illustrator', 'narrator')),
    position  INTEGER     NOT NULL,
    PRIMARY KEY (book_id, position),
    UNIQUE (book_id, author_id, role)
);
-- An author's books: the author page, the counts of the list of authors.
CREATE INDEX book_contributors_author ON book_contributors (author_id, book_id);

-- books.author stays the display string of the contributors ("Terry Pratchett, Neil Gaiman"),
-- which the search index, the export and the library's rows read; the store writes it with the
-- contributors. author_sort is the key the library's author order sorts by: the first author's
-- sort_key, kept by the store. NULL until the book's author text has been made contributors
-- (data.fillContributors does it for the books of earlier schemas when the database is opened:
-- the splitting rules are Go's, data.ParseContributors), and such a book sorts by its author text.
ALTER TABLE books ADD COLUMN author_sort VARCHAR(250);
DROP INDEX books_sort_author;
CREATE INDEX books_sort_author ON books (owner_id, COALESCE(author_sort, lower(author)), id) WHERE deleted_at IS NULL;
-- The books whose contributors are still to be made: none, once they are.
CREATE INDEX books_contributors_pending ON books (id) WHERE author_sort IS NULL;

-- SQLite-only from here (a PostgreSQL port writes it as its own trigger): an author goes with
-- their last book, taken off it or purged (the cascade from books).
-- +goose StatementBegin
CREATE TRIGGER book_contributors_last_book AFTER DELETE ON book_contributors
WHEN NOT EXISTS (SELECT 1 FROM book_contributors WHERE author_id = OLD.author_id) BEGIN
    DELETE FROM authors WHERE id = OLD.author_id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER book_contributors_last_book;
DROP INDEX books_contributors_pending;
DROP INDEX books_sort_author;
CREATE INDEX books_sort_author ON books (owner_id, lower(author), id) WHERE deleted_at IS NULL;
ALTER TABLE books DROP COLUMN author_sort;
DROP TABLE book_contributors;
DROP TABLE authors;
