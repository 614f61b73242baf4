-- +goose Up
-- The library page's summary beside its books (the counts by status, the shelves with theirs,
-- the books being read, the genres and the languages) is kept until the reader's library
-- changes (BookStore.Summary), by the version of 00026 that every change to their live books,
-- readings, progress and covers moves. These move it on the rest: a change to their visible
-- shelves (made, renamed, moved, deleted, or a book put on or taken off one, which changes its
-- count) and to the counts of their languages (kept by the triggers of 00036: rows are never
-- deleted but with their reader). SQLite only, like those of 00026.
-- +goose StatementBegin
CREATE TRIGGER shelves_reading_version_insert AFTER INSERT ON shelves
WHEN NEW.pending_import IS NULL BEGIN
    INSERT INTO reading_versions (owner_id, version) VALUES (NEW.owner_id, 1)
    ON CONFLICT (owner_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER shelves_reading_version_update AFTER UPDATE ON shelves
WHEN NEW.pending_import IS NULL OR OLD.pending_import IS NULL BEGIN
    INSERT INTO reading_versions (owner_id, version) VALUES (NEW.owner_id, 1)
    ON CONFLICT (owner_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER shelves_reading_version_delete AFTER DELETE ON shelves
WHEN OLD.pending_import IS NULL BEGIN
    INSERT INTO reading_versions (owner_id, version) VALUES (OLD.owner_id, 1)
    ON CONFLICT (owner_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER languages_reading_version_insert AFTER INSERT ON languages BEGIN
    INSERT INTO reading_versions (owner_id, version) VALUES (NEW.owner_id, 1)
    ON CONFLICT (owner_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER languages_reading_version_update AFTER UPDATE ON languages BEGIN
    INSERT INTO reading_versions (owner_id, version) VALUES (NEW.owner_id, 1)
    ON CONFLICT (owner_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER languages_reading_version_update;
DROP TRIGGER languages_reading_version_insert;
DROP TRIGGER shelves_reading_version_delete;
DROP TRIGGER shelves_reading_version_update;
DROP TRIGGER shelves_reading_version_insert;
