-- +goose Up
-- Failed logins, for the login limits of instances that share a database (PostgreSQL; one
-- instance alone keeps them in memory): a row per failure, under a hash of what it counts
-- against (a client address, an account, a device), at a time in milliseconds since 1970, so
-- that every instance counts the failures of all in a sliding window.
CREATE TABLE login_failures (
    id        INTEGER PRIMARY KEY,
    key       TEXT    NOT NULL,
    failed_at INTEGER NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, failed_at);

-- +goose Down
DROP TABLE login_failures;
