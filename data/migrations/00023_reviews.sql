-- +goose Up
-- A book's review, what the reader would share (Goodreads' My Review, StoryGraph's Review), apart
-- from its notes, which stay private: notes are never shown to anyone but their reader, nor
-- exported as a review. review_spoiler says the review gives the story away. Every book keeps its
-- notes as they were, as private notes: nothing written so far was written to be shared.
ALTER TABLE books ADD COLUMN review TEXT NOT NULL DEFAULT '';
ALTER TABLE books ADD COLUMN review_spoiler BOOLEAN NOT NULL DEFAULT FALSE;

-- The library filtered by language: the books of a language, from the edition facts, found
-- without reading the editions of others; those without a language are not indexed.
CREATE INDEX editions_language ON editions (language, book_id) WHERE language <> '';

-- +goose Down
DROP INDEX editions_language;
ALTER TABLE books DROP COLUMN review_spoiler;
ALTER TABLE books DROP COLUMN review;
