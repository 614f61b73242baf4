-- +goose Up
-- A book's edition facts, all optional: who published it and when, when the work first appeared,
-- its language, how many copies the reader owns, and the ids other trackers give it. In a table
-- of their own, keyed by the book, rather than on books: only the book's page and the exports read
-- them, so the rows every library list reads stay as narrow as they were, and nothing that reads
-- or triggers on books changes. A book without any facts has no row here.
--   published_year is the edition's year; original_year is the work's, negative before Christ
--   (-300 is 300 BC; there is no year 0). language is a BCP 47 tag in its canonical form ('pt-BR').
--   goodreads_id and storygraph_id are what an import of those trackers' exports matches on.
CREATE TABLE editions (
    book_id        INTEGER      PRIMARY KEY REFERENCES books (id) ON DELETE CASCADE,
    publisher      VARCHAR(250) NOT NULL DEFAULT '',
    published_year INTEGER,
    original_year  INTEGER,
    language       VARCHAR(35)  NOT NULL DEFAULT '',
    copies         INTEGER      NOT NULL DEFAULT 0,
    goodreads_id   VARCHAR(20),
    storygraph_id  VARCHAR(64),
    updated_at     TIMESTAMP    NOT NULL
);

-- +goose Down
DROP TABLE editions;
