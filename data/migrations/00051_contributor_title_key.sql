-- +goose Up
-- A new contributor's title key comes with its row (insertContributor reads it from the book):
-- the trigger that wrote it after the insert rewrote the row and its entry in
-- book_contributors_titles for every book added. It stays for a row inserted without its key.
DROP TRIGGER book_contributors_title_key;
-- +goose StatementBegin
CREATE TRIGGER book_contributors_title_key AFTER INSERT ON book_contributors
WHEN NEW.title_key IS NULL BEGIN
    UPDATE book_contributors SET title_key = (SELECT COALESCE(sort_title, lower(title)) FROM books WHERE id = NEW.book_id)
    WHERE book_id = NEW.book_id AND position = NEW.position;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER book_contributors_title_key;
-- +goose StatementBegin
CREATE TRIGGER book_contributors_title_key AFTER INSERT ON book_contributors BEGIN
    UPDATE book_contributors SET title_key = (SELECT COALESCE(sort_title, lower(title)) FROM books WHERE id = NEW.book_id)
    WHERE book_id = NEW.book_id AND position = NEW.position;
END;
-- +goose StatementEnd
