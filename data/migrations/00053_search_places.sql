-- +goose Up
-- PostgreSQL's 00053 keeps in its search index each book's owner, added time and whether it is
-- live, so that a search finds its matches without looking up their books; SQLite's FTS5 index
-- has nothing of the kind. This keeps the two engines' versions in step.
SELECT 1;

-- +goose Down
SELECT 1;
