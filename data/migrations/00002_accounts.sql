-- +goose Up
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Usernames are stored lower-cased, so "Ada" and "ada" are one account.
    username      VARCHAR(32)  NOT NULL UNIQUE,
    -- argon2id in PHC string format: the parameters travel with the hash and can be raised later.
    password_hash VARCHAR(255) NOT NULL,
    created_at    TIMESTAMP    NOT NULL
);

CREATE TABLE sessions (
    -- SHA-256 of the session token: a copy of the database does not hold usable cookies.
    id           VARCHAR(64) PRIMARY KEY,
    user_id      INTEGER     NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMP   NOT NULL,
    last_seen_at TIMESTAMP   NOT NULL,
    expires_at   TIMESTAMP   NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE csrf_tokens (
    -- SHA-256 of the token.
    id         VARCHAR(64) PRIMARY KEY,
    expires_at TIMESTAMP   NOT NULL
);

-- Books created before accounts existed have no owner until the first account adopts them.
ALTER TABLE books ADD COLUMN owner_id INTEGER REFERENCES users (id) ON DELETE CASCADE;
DROP INDEX books_live;
CREATE INDEX books_owner_live ON books (owner_id, id) WHERE deleted_at IS NULL;

-- +goose Down
DROP INDEX books_owner_live;
CREATE INDEX books_live ON books (id) WHERE deleted_at IS NULL;
ALTER TABLE books DROP COLUMN owner_id;
DROP TABLE csrf_tokens;
DROP TABLE sessions;
DROP TABLE users;
