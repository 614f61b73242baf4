-- +goose Up
-- A cover's pictures are asked for by their hash alone (/covers/HASH-s.jpg: the shortest URL, as
-- fifty of them are on a library page), and served to a reader who owns a book with that cover.
CREATE INDEX covers_hash ON covers (hash);

-- +goose Down
DROP INDEX covers_hash;
