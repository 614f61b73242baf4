-- +goose Up
-- Series, and titles sorted as libraries sort them.
--
-- A reader's series: name as first written, name_key the name folded for matching (SeriesKey in
-- data/series.go: lower case, spaces collapsed), unique per reader, so "The Expanse" and
-- "the  expanse" are one series. A series lives as long as it has books (the trigger
-- book_series_last_book below); one whose books are all deleted is hidden until Undo brings one back.
CREATE TABLE series (
    id         INTEGER      PRIMARY KEY,
    owner_id   INTEGER      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       VARCHAR(250) NOT NULL,
    name_key   VARCHAR(250) NOT NULL,
    created_at TIMESTAMP    NOT NULL,
    UNIQUE (owner_id, name_key)
);

-- A book's places in series (a book may be in several): position as the reader typed it ("1",
-- "0.5", "1-3", '' for none), position_sort the number it sorts by (a range by its start; NULL
-- for none, which sorts after every numbered book).
CREATE TABLE book_series (
    book_id       INTEGER     NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    series_id     INTEGER     NOT NULL REFERENCES series (id) ON DELETE CASCADE,
    position      VARCHAR(20) NOT NULL DEFAULT '',
    position_sort REAL,
    PRIMARY KEY (book_id, series_id)
);
-- A series' books in order: the series page, its counts and its "next up".
CREATE INDEX book_series_order ON book_series (series_id, position_sort, book_id);

-- The library's order by series then position: the book's first series' name_key, a unit
-- separator, and its position as fixed-width text (data/series.go seriesSortKey), kept by the
-- store whenever a book's series change; NULL for a book in no series, which sorts last both ways.
ALTER TABLE books ADD COLUMN series_sort VARCHAR(300);
CREATE INDEX books_sort_series_asc ON books (owner_id, COALESCE(series_sort, '􏿿'), id) WHERE deleted_at IS NULL;
CREATE INDEX books_sort_series_desc ON books (owner_id, COALESCE(series_sort, ''), id) WHERE deleted_at IS NULL;

-- Titles sort without their leading article ("The Hobbit" under H): sort_title is the title's
-- sort key, lower case, without the article, or NULL when the title starts with none, so that most
-- books are never written twice; the title order sorts by COALESCE(sort_title, lower(title)).
-- The articles are English's (The, A, An) unless the book's language (editions.language, a BCP 47
-- tag) is German (Der, Die, Das), French (Le, La, Les, L') or Spanish (El, La, Los, Las): "Die
-- Hard" is not German, "A la carte" not English. The one definition is this view.
ALTER TABLE books ADD COLUMN sort_title VARCHAR(250);

CREATE VIEW book_sort_titles AS
SELECT b.id AS book_id,
       CASE
           WHEN e.language = 'de' OR e.language LIKE 'de-%' THEN
               CASE WHEN lower(b.title) LIKE 'der %' OR lower(b.title) LIKE 'die %' OR lower(b.title) LIKE 'das %'
                    THEN lower(ltrim(substr(b.title, 5))) END
           WHEN e.language = 'fr' OR e.language LIKE 'fr-%' THEN
               CASE WHEN lower(b.title) LIKE 'le %' OR lower(b.title) LIKE 'la %' THEN lower(ltrim(substr(b.title, 4)))
                    WHEN lower(b.title) LIKE 'les %' THEN lower(ltrim(substr(b.title, 5)))
                    WHEN lower(b.title) LIKE 'l''_%' OR lower(b.title) LIKE 'l’_%' THEN lower(ltrim(substr(b.title, 3))) END
           WHEN e.language = 'es' OR e.language LIKE 'es-%' THEN
               CASE WHEN lower(b.title) LIKE 'el %' OR lower(b.title) LIKE 'la %' THEN lower(ltrim(substr(b.title, 4)))
                    WHEN lower(b.title) LIKE 'los %' OR lower(b.title) LIKE 'las %' THEN lower(ltrim(substr(b.title, 5))) END
           WHEN lower(b.title) LIKE 'the %' THEN lower(ltrim(substr(b.title, 5)))
           WHEN lower(b.title) LIKE 'an %' THEN lower(ltrim(substr(b.title, 4)))
           WHEN lower(b.title) LIKE 'a %' THEN lower(ltrim(substr(b.title, 3)))
       END AS sort_title
FROM books b
LEFT JOIN editions e ON e.book_id = b.id;

UPDATE books SET sort_title = (SELECT t.sort_title FROM book_sort_titles t WHERE t.book_id = books.id)
WHERE id IN (SELECT book_id FROM book_sort_titles WHERE sort_title IS NOT NULL);

DROP INDEX books_sort_title;
CREATE INDEX books_sort_title ON books (owner_id, COALESCE(sort_title, lower(title)), id) WHERE deleted_at IS NULL;

-- SQLite-only from here (a PostgreSQL port writes these as its own triggers): sort_title follows
-- the title and the language.
-- +goose StatementBegin
CREATE TRIGGER books_sort_title_insert AFTER INSERT ON books
WHEN (SELECT sort_title FROM book_sort_titles WHERE book_id = NEW.id) IS NOT NULL BEGIN
    UPDATE books SET sort_title = (SELECT sort_title FROM book_sort_titles WHERE book_id = NEW.id) WHERE id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER books_sort_title_update AFTER UPDATE OF title ON books
WHEN NEW.title IS NOT OLD.title BEGIN
    UPDATE books SET sort_title = (SELECT sort_title FROM book_sort_titles WHERE book_id = NEW.id) WHERE id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER editions_sort_title_insert AFTER INSERT ON editions BEGIN
    UPDATE books SET sort_title = (SELECT sort_title FROM book_sort_titles WHERE book_id = NEW.book_id)
    WHERE id = NEW.book_id AND sort_title IS NOT (SELECT sort_title FROM book_sort_titles WHERE book_id = NEW.book_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER editions_sort_title_update AFTER UPDATE OF language ON editions
WHEN NEW.language IS NOT OLD.language BEGIN
    UPDATE books SET sort_title = (SELECT sort_title FROM book_sort_titles WHERE book_id = NEW.book_id)
    WHERE id = NEW.book_id AND sort_title IS NOT (SELECT sort_title FROM book_sort_titles WHERE book_id = NEW.book_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER editions_sort_title_delete AFTER DELETE ON editions BEGIN
    UPDATE books SET sort_title = (SELECT sort_title FROM book_sort_titles WHERE book_id = OLD.book_id)
    WHERE id = OLD.book_id AND sort_title IS NOT (SELECT sort_title FROM book_sort_titles WHERE book_id = OLD.book_id);
END;
-- +goose StatementEnd

-- A series goes with its last book: removed from it, or purged (the cascade from books).
-- +goose StatementBegin
CREATE TRIGGER book_series_last_book AFTER DELETE ON book_series
WHEN NOT EXISTS (SELECT 1 FROM book_series WHERE series_id = OLD.series_id) BEGIN
    DELETE FROM series WHERE id = OLD.series_id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER book_series_last_book;
DROP TRIGGER editions_sort_title_delete;
DROP TRIGGER editions_sort_title_update;
DROP TRIGGER editions_sort_title_insert;
DROP TRIGGER books_sort_title_update;
DROP TRIGGER books_sort_title_insert;
DROP INDEX books_sort_title;
CREATE INDEX books_sort_title ON books (owner_id, lower(title), id) WHERE deleted_at IS NULL;
DROP VIEW book_sort_titles;
ALTER TABLE books DROP COLUMN sort_title;
DROP INDEX books_sort_series_desc;
DROP INDEX books_sort_series_asc;
ALTER TABLE books DROP COLUMN series_sort;
DROP TABLE book_series;
DROP TABLE series;
