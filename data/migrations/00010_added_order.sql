-- +goose Up
-- The library's default order is by the date a book was added (created_at, which an import sets
-- from the file's Date Added), newest first, not by id: an imported book added in 2022 belongs
-- below one added in 2025, whatever order they were written in. The id breaks ties (a file's
-- dates are days, so many books share one). The status and genre indexes end in the same two
-- columns, so that a tab or a genre is still read in that order straight from its index.
CREATE INDEX books_sort_added ON books (owner_id, created_at, id) WHERE deleted_at IS NULL;
DROP INDEX books_owner_status;
CREATE INDEX books_owner_status ON books (owner_id, status, created_at, id) WHERE deleted_at IS NULL;
DROP INDEX books_genre;
CREATE INDEX books_genre ON books (owner_id, lower(genre), created_at, id) WHERE deleted_at IS NULL;

-- +goose Down
DROP INDEX books_genre;
CREATE INDEX books_genre ON books (owner_id, lower(genre), id) WHERE deleted_at IS NULL;
DROP INDEX books_owner_status;
CREATE INDEX books_owner_status ON books (owner_id, status, id) WHERE deleted_at IS NULL;
DROP INDEX books_sort_added;
