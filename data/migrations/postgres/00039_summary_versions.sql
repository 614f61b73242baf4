-- +goose Up
-- The library page's summary is kept until the reader's library changes (SQLite's 00039): a
-- change to their visible shelves, or to the counts of their languages, moves their reading
-- version too. books_reading_version (the baseline) bumps the version of the row's owner_id,
-- which shelves and languages have as books do.
CREATE TRIGGER shelves_reading_version_insert AFTER INSERT ON shelves
FOR EACH ROW WHEN (NEW.pending_import IS NULL)
EXECUTE FUNCTION books_reading_version();
CREATE TRIGGER shelves_reading_version_update AFTER UPDATE ON shelves
FOR EACH ROW WHEN (NEW.pending_import IS NULL OR OLD.pending_import IS NULL)
EXECUTE FUNCTION books_reading_version();
CREATE TRIGGER shelves_reading_version_delete AFTER DELETE ON shelves
FOR EACH ROW WHEN (OLD.pending_import IS NULL)
EXECUTE FUNCTION books_reading_version();
CREATE TRIGGER languages_reading_version_insert AFTER INSERT ON languages
FOR EACH ROW EXECUTE FUNCTION books_reading_version();
CREATE TRIGGER languages_reading_version_update AFTER UPDATE ON languages
FOR EACH ROW EXECUTE FUNCTION books_reading_version();

-- +goose Down
DROP TRIGGER languages_reading_version_update ON languages;
DROP TRIGGER languages_reading_version_insert ON languages;
DROP TRIGGER shelves_reading_version_delete ON shelves;
DROP TRIGGER shelves_reading_version_update ON shelves;
DROP TRIGGER shelves_reading_version_insert ON shelves;
