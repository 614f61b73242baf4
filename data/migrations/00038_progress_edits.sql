-- +goose Up
-- A progress update can be corrected in place (issue 16): the library's progress columns of its
-- book follow an UPDATE as they follow an INSERT or a DELETE (00012). The stats' version already
-- moves on any change to progress_updates (00026).
-- +goose StatementBegin
CREATE TRIGGER progress_updates_sort_keys_update AFTER UPDATE OF page, percent, recorded_at, read_through_id ON progress_updates BEGIN
    UPDATE books SET (progress, finished_on, progress_page, progress_percent, progress_at) =
        (SELECT progress, finished_on, progress_page, progress_percent, progress_at FROM book_sort_keys WHERE book_id = books.id)
    WHERE id IN (SELECT book_id FROM read_throughs WHERE id IN (NEW.read_through_id, OLD.read_through_id));
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER progress_updates_sort_keys_update;
