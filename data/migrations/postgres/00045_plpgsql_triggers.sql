-- +goose Up
-- The two functions that triggers call on every reading, progress update and status change were
-- SQL functions, which PostgreSQL plans again at every call; in PL/pgSQL they keep their plans.
-- Inserting 1,000 readings (EXPLAIN ANALYZE, trigger times): book_sort_keys_refresh 2,206 → 661 ms,
-- reading_version_bump 281 → 104 ms. (SQLite's 00045 has nothing to do.)
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION book_sort_keys_refresh(book BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE books SET (progress, finished_on, progress_page, progress_percent, progress_at) =
        (SELECT progress, finished_on, progress_page, progress_percent, progress_at FROM book_sort_keys WHERE book_id = book)
    WHERE id = book;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION reading_version_bump(owner BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reading_versions AS v (owner_id, version) VALUES (owner, 1)
    ON CONFLICT (owner_id) DO UPDATE SET version = v.version + 1;
END $$;
-- +goose StatementEnd

-- +goose Down

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION book_sort_keys_refresh(book BIGINT) RETURNS void LANGUAGE sql AS $$
    UPDATE books SET (progress, finished_on, progress_page, progress_percent, progress_at) =
        (SELECT progress, finished_on, progress_page, progress_percent, progress_at FROM book_sort_keys WHERE book_id = book)
    WHERE id = book;
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION reading_version_bump(owner BIGINT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO reading_versions AS v (owner_id, version) VALUES (owner, 1)
    ON CONFLICT (owner_id) DO UPDATE SET version = v.version + 1;
$$;
-- +goose StatementEnd
