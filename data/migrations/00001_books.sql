-- +goose Up
CREATE TABLE books (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    title      VARCHAR(250) NOT NULL,
    author     VARCHAR(250) NOT NULL,
    genre      VARCHAR(250) NOT NULL DEFAULT '',
    created_at TIMESTAMP    NOT NULL,
    updated_at TIMESTAMP    NOT NULL,
    -- A deleted book is kept for a while so that Undo can bring it back whole.
    deleted_at TIMESTAMP
);

-- The library lists live books newest first; this index serves both the page and the count.
CREATE INDEX books_live ON books (id) WHERE deleted_at IS NULL;

-- +goose Down
DROP TABLE books;
