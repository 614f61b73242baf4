-- +goose Up
-- Server secrets, made by the first start and shared by every server on this database, so that
-- what one signs another accepts, and a restart invalidates nothing. Today: the key that signs
-- the anti-forgery tokens of visitors who are not signed in, and device cookies.
CREATE TABLE secrets (
    name  VARCHAR(64)  PRIMARY KEY,
    -- Hex of random bytes.
    value VARCHAR(128) NOT NULL
);

-- +goose Down
DROP TABLE secrets;
