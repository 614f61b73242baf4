-- +goose Up
-- A Year in Review a reader made public: anyone with the link (/share/{token}) reads it, until
-- the reader stops sharing it (the row is deleted, and the link answers 404). The token is the
-- link itself, 256 random bits, kept as it is: it opens a page its reader chose to publish and
-- nothing else, and the reader can be shown the link again.
CREATE TABLE review_shares (
    token      VARCHAR(64) PRIMARY KEY,
    owner_id   INTEGER     NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    year       INTEGER     NOT NULL,
    -- Whether the page names its reader; by default it does not.
    show_name  BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP   NOT NULL,
    UNIQUE (owner_id, year)
);

-- +goose Down
DROP TABLE review_shares;
