-- +goose Up
-- A book's cover, in two sizes, as Bookcase wrote them from the reader's upload (JPEG, with no
-- metadata). In the database rather than in files beside it: one file to back up (bookcase backup
-- copies covers with everything else), removed with its book in the same transaction, and the same
-- on PostgreSQL with several instances, which share no disk. hash names the pictures in their URLs,
-- which browsers may then keep for good.
CREATE TABLE covers (
    book_id    INTEGER     PRIMARY KEY REFERENCES books (id) ON DELETE CASCADE,
    hash       VARCHAR(16) NOT NULL,
    small      BLOB        NOT NULL,
    large      BLOB        NOT NULL,
    updated_at TIMESTAMP   NOT NULL
);

-- +goose Down
DROP TABLE covers;
