-- +goose Up
-- An import's rows held for review, compressed a chunk at a time (data/import_chunks.go): rows
-- first..last of the file as DEFLATE-compressed JSON lines, with the chunk's rows counted by kind
-- beside them. import_rows kept a JSON row per book with two indexes: about 30 times the size of
-- the upload. packed comes last, so reading the counts does not read it.
CREATE TABLE import_chunks (
    import_id INTEGER NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    first_n   INTEGER NOT NULL,
    last_n    INTEGER NOT NULL,
    problems  INTEGER NOT NULL,
    matches   INTEGER NOT NULL,
    news      INTEGER NOT NULL,
    dropped   INTEGER NOT NULL,
    packed    BLOB    NOT NULL,
    PRIMARY KEY (import_id, first_n)
);

-- size is how many bytes the import's chunks take, so a reader's open imports can be capped.
ALTER TABLE imports ADD COLUMN size INTEGER NOT NULL DEFAULT 0;

-- The imports in review or not yet written lose their rows (they would have expired within a day
-- under the new rules anyway): the reader uploads the file again. Done imports keep their counts.
DELETE FROM imports WHERE state <> 'done';
DROP INDEX import_rows_review;
DROP TABLE import_rows;

-- +goose Down
CREATE TABLE import_rows (
    import_id INTEGER     NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    n         INTEGER     NOT NULL,
    kind      VARCHAR(10) NOT NULL CHECK (kind IN ('new', 'match', 'problem', 'dropped')),
    rank      INTEGER     NOT NULL,
    book_id   INTEGER,
    row       TEXT        NOT NULL,
    PRIMARY KEY (import_id, n)
) WITHOUT ROWID;
CREATE INDEX import_rows_review ON import_rows (import_id, rank, n);
DELETE FROM imports WHERE state <> 'done';
ALTER TABLE imports DROP COLUMN size;
DROP TABLE import_chunks;
