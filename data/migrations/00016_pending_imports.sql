-- +goose Up
-- Books an import is still writing. An import writes its new books a few hundred at a time, each
-- batch its own transaction, so that other readers' saves are not held behind it; until its last,
-- short transaction clears this column, the books it wrote are in no view, count or search of
-- the library (every query of live books asks for pending_import IS NULL), and a crash or a
-- failure leaves only rows that are deleted by the import's failure or the next start.
-- No index but the one that finds an import's books: every index of live books keeps them, and
-- the flip to visible then rewrites only the rows, not the twelve indexes.
ALTER TABLE books ADD COLUMN pending_import INTEGER;
CREATE INDEX books_pending ON books (pending_import) WHERE pending_import IS NOT NULL;

-- Shelves an import creates are its own until it finishes, like its books.
ALTER TABLE shelves ADD COLUMN pending_import INTEGER;

-- The shelves' and genres' counts are of books a reader sees: a pending book counts when its
-- import finishes (which adds its books to the counts), and not when it is deleted before.
DROP TRIGGER book_shelves_count_insert;
-- +goose StatementBegin
CREATE TRIGGER book_shelves_count_insert AFTER INSERT ON book_shelves
WHEN EXISTS (SELECT 1 FROM books WHERE id = NEW.book_id AND deleted_at IS NULL AND pending_import IS NULL) BEGIN
    UPDATE shelves SET books = books + 1 WHERE id = NEW.shelf_id;
END;
-- +goose StatementEnd
DROP TRIGGER book_shelves_count_delete;
-- +goose StatementBegin
CREATE TRIGGER book_shelves_count_delete AFTER DELETE ON book_shelves
WHEN EXISTS (SELECT 1 FROM books WHERE id = OLD.book_id AND deleted_at IS NULL AND pending_import IS NULL) BEGIN
    UPDATE shelves SET books = books - 1 WHERE id = OLD.shelf_id;
END;
-- +goose StatementEnd
DROP TRIGGER books_genres_insert;
-- +goose StatementBegin
CREATE TRIGGER books_genres_insert AFTER INSERT ON books
WHEN NEW.owner_id IS NOT NULL AND NEW.deleted_at IS NULL AND NEW.pending_import IS NULL AND NEW.genre <> '' BEGIN
    INSERT INTO genres (owner_id, name_key, name, books) VALUES (NEW.owner_id, lower(NEW.genre), NEW.genre, 1)
    ON CONFLICT (owner_id, name_key) DO UPDATE SET books = books + 1;
END;
-- +goose StatementEnd
DROP TRIGGER books_genres_delete;
-- +goose StatementBegin
CREATE TRIGGER books_genres_delete AFTER DELETE ON books
WHEN OLD.deleted_at IS NULL AND OLD.pending_import IS NULL AND OLD.genre <> '' BEGIN
    UPDATE genres SET books = books - 1 WHERE owner_id = OLD.owner_id AND name_key = lower(OLD.genre);
END;
-- +goose StatementEnd
DROP TRIGGER books_genres_update;
-- +goose StatementBegin
CREATE TRIGGER books_genres_update AFTER UPDATE OF owner_id, genre, deleted_at ON books
WHEN (OLD.owner_id IS NOT NEW.owner_id OR OLD.genre IS NOT NEW.genre
    OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)) AND NEW.pending_import IS NULL BEGIN
    UPDATE genres SET books = books - 1
    WHERE OLD.deleted_at IS NULL AND OLD.genre <> '' AND owner_id = OLD.owner_id AND name_key = lower(OLD.genre);
    INSERT INTO genres (owner_id, name_key, name, books)
    SELECT NEW.owner_id, lower(NEW.genre), NEW.genre, 1
    WHERE NEW.owner_id IS NOT NULL AND NEW.deleted_at IS NULL AND NEW.genre <> ''
    ON CONFLICT (owner_id, name_key) DO UPDATE SET books = books + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER books_genres_update;
-- +goose StatementBegin
CREATE TRIGGER books_genres_update AFTER UPDATE OF owner_id, genre, deleted_at ON books
WHEN OLD.owner_id IS NOT NEW.owner_id OR OLD.genre IS NOT NEW.genre
    OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL) BEGIN
    UPDATE genres SET books = books - 1
    WHERE OLD.deleted_at IS NULL AND OLD.genre <> '' AND owner_id = OLD.owner_id AND name_key = lower(OLD.genre);
    INSERT INTO genres (owner_id, name_key, name, books)
    SELECT NEW.owner_id, lower(NEW.genre), NEW.genre, 1
    WHERE NEW.owner_id IS NOT NULL AND NEW.deleted_at IS NULL AND NEW.genre <> ''
    ON CONFLICT (owner_id, name_key) DO UPDATE SET books = books + 1;
END;
-- +goose StatementEnd
DROP TRIGGER books_genres_delete;
-- +goose StatementBegin
CREATE TRIGGER books_genres_delete AFTER DELETE ON books
WHEN OLD.deleted_at IS NULL AND OLD.genre <> '' BEGIN
    UPDATE genres SET books = books - 1 WHERE owner_id = OLD.owner_id AND name_key = lower(OLD.genre);
END;
-- +goose StatementEnd
DROP TRIGGER books_genres_insert;
-- +goose StatementBegin
CREATE TRIGGER books_genres_insert AFTER INSERT ON books
WHEN NEW.owner_id IS NOT NULL AND NEW.deleted_at IS NULL AND NEW.genre <> '' BEGIN
    INSERT INTO genres (owner_id, name_key, name, books) VALUES (NEW.owner_id, lower(NEW.genre), NEW.genre, 1)
    ON CONFLICT (owner_id, name_key) DO UPDATE SET books = books + 1;
END;
-- +goose StatementEnd
DROP TRIGGER book_shelves_count_delete;
-- +goose StatementBegin
CREATE TRIGGER book_shelves_count_delete AFTER DELETE ON book_shelves
WHEN EXISTS (SELECT 1 FROM books WHERE id = OLD.book_id AND deleted_at IS NULL) BEGIN
    UPDATE shelves SET books = books - 1 WHERE id = OLD.shelf_id;
END;
-- +goose StatementEnd
DROP TRIGGER book_shelves_count_insert;
-- +goose StatementBegin
CREATE TRIGGER book_shelves_count_insert AFTER INSERT ON book_shelves
WHEN EXISTS (SELECT 1 FROM books WHERE id = NEW.book_id AND deleted_at IS NULL) BEGIN
    UPDATE shelves SET books = books + 1 WHERE id = NEW.shelf_id;
END;
-- +goose StatementEnd
DELETE FROM books WHERE pending_import IS NOT NULL;
DELETE FROM shelves WHERE pending_import IS NOT NULL;
ALTER TABLE shelves DROP COLUMN pending_import;
DROP INDEX books_pending;
ALTER TABLE books DROP COLUMN pending_import;
