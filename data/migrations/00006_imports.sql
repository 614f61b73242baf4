-- +goose Up
-- An uploaded file waiting for the reader's review, being imported, or imported. Its rows live in
-- import_rows until the import has been written; then only the counts are kept.
CREATE TABLE imports (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id     INTEGER      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    filename     VARCHAR(255) NOT NULL,
    format       VARCHAR(20)  NOT NULL,
    -- pending (in review), running, done, or failed (nothing written; it can be confirmed again).
    state        VARCHAR(10)  NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'running', 'done', 'failed')),
    on_duplicate VARCHAR(6)   NOT NULL DEFAULT 'skip' CHECK (on_duplicate IN ('skip', 'update')),
    total        INTEGER      NOT NULL CHECK (total >= 0),
    -- The file's shelves in their order (Bookcase JSON), as a JSON array of names.
    shelves      TEXT         NOT NULL DEFAULT '[]',
    created      INTEGER      NOT NULL DEFAULT 0,
    updated      INTEGER      NOT NULL DEFAULT 0,
    skipped      INTEGER      NOT NULL DEFAULT 0,
    -- Why a failed import failed, in words for the reader.
    error        TEXT         NOT NULL DEFAULT '',
    created_at   TIMESTAMP    NOT NULL,
    finished_at  TIMESTAMP
);
CREATE INDEX imports_owner ON imports (owner_id, id);

-- One row of an uploaded file: n is its place in the file, from 1. kind is what the import will
-- do with it (new, match, problem, dropped); rank orders the review (problems first).
CREATE TABLE import_rows (
    import_id INTEGER     NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    n         INTEGER     NOT NULL,
    kind      VARCHAR(10) NOT NULL CHECK (kind IN ('new', 'match', 'problem', 'dropped')),
    rank      INTEGER     NOT NULL,
    book_id   INTEGER,
    -- The row as JSON: the book, its line in the file and its problems.
    row       TEXT        NOT NULL,
    PRIMARY KEY (import_id, n)
) WITHOUT ROWID;
CREATE INDEX import_rows_review ON import_rows (import_id, rank, n);

-- +goose Down
DROP INDEX import_rows_review;
DROP TABLE import_rows;
DROP INDEX imports_owner;
DROP TABLE imports;
