-- +goose Up
-- A progress update can be corrected in place (issue 16): the library's progress columns of its
-- book follow an UPDATE as they follow an INSERT or a DELETE (SQLite's 00038).
CREATE TRIGGER progress_updates_sort_keys_update AFTER UPDATE OF page, percent, recorded_at, read_through_id ON progress_updates
FOR EACH ROW EXECUTE FUNCTION progress_updates_sort_keys();

-- +goose Down
DROP TRIGGER progress_updates_sort_keys_update ON progress_updates;
