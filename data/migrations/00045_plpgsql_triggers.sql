-- +goose Up
-- PostgreSQL's 00045 rewrites two of its trigger functions in PL/pgSQL, for speed; SQLite's
-- triggers have nothing of the kind. This keeps the two engines' versions in step.
SELECT 1;

-- +goose Down
SELECT 1;
