-- +goose Up
-- How many live books each reader has, kept by the store in the same transaction as every change,
-- so the count on every page is one row read instead of a scan of the reader's books.
CREATE TABLE book_counts (
    owner_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    live     INTEGER NOT NULL DEFAULT 0 CHECK (live >= 0)
);
INSERT INTO book_counts (owner_id, live)
SELECT owner_id, COUNT(*) FROM books
WHERE owner_id IS NOT NULL AND deleted_at IS NULL
GROUP BY owner_id;

-- +goose Down
DROP TABLE book_counts;
