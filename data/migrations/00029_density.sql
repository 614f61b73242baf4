-- +goose Up
-- How closely the library's rows are set, chosen by the reader and kept with the account, so that
-- it follows them to every device and session: 'comfortable' (the default) or 'compact'.
ALTER TABLE users ADD COLUMN density TEXT NOT NULL DEFAULT 'comfortable'
    CHECK (density IN ('comfortable', 'compact'));

-- +goose Down
ALTER TABLE users DROP COLUMN density;
