-- +goose Up
-- What catalogues (Open Library, Google Books) answered for an ISBN, found or not, until
-- expires_at: a second lookup of the same ISBN, by any reader, asks no one. The answers are public
-- catalogue data, not a reader's, so they are shared. record is the edition's facts as JSON ('' for
-- an ISBN not found); small and large its cover, as Bookcase writes covers (JPEG, no metadata),
-- NULL when the catalogue has none. A new book takes its cover from here, by ISBN: the browser
-- never names a picture to fetch.
CREATE TABLE catalogue_answers (
    isbn       VARCHAR(13) PRIMARY KEY,
    found      BOOLEAN     NOT NULL,
    record     TEXT        NOT NULL,
    small      BLOB,
    large      BLOB,
    fetched_at TIMESTAMP   NOT NULL,
    expires_at TIMESTAMP   NOT NULL
);
CREATE INDEX catalogue_answers_expires ON catalogue_answers (expires_at);

-- +goose Down
DROP TABLE catalogue_answers;
