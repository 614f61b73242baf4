-- +goose Up
-- A book's format: paperback, hardcover, ebook, audiobook or other. Every book there is becomes a
-- paperback, its pages kept. books.pages is the book's length in its format's unit from now on:
-- pages, or minutes for an audiobook (1,000 hours at most, 60,000 minutes, under the 100,000
-- pages a printed book may have); a progress update's page is likewise a minute of an audiobook.
-- One length, in the unit the book is read in, keeps everything computed from the length as it
-- was: the progress the sort-key triggers of migration 00005 derive, a percentage made a
-- position, the end of a book read. The store changes the unit only with the format (data.Format).
ALTER TABLE books ADD COLUMN format VARCHAR(10) NOT NULL DEFAULT 'paperback'
    CHECK (format IN ('paperback', 'hardcover', 'ebook', 'audiobook', 'other'));
-- The library filtered by format, in the added order, as the status and genre indexes of
-- migration 00010 serve theirs.
CREATE INDEX books_format ON books (owner_id, format, created_at, id) WHERE deleted_at IS NULL;

-- +goose Down
DROP INDEX books_format;
ALTER TABLE books DROP COLUMN format;
