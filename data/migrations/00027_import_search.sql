-- +goose Up
-- An import indexes each of its books for search once (issue 17). Its books are written before
-- they are shown (books.pending_import), a row at a time: the book, then its edition, series and
-- contributors. The triggers of migration 00024 put the book's row into the search index when the
-- book was inserted, and again, deleting the first, when its publisher or a series came: two or
-- three times a row. The triggers now leave a book alone while it is pending, and the importer
-- puts its row into the index from book_search_text when the book is whole (and again if a later
-- row of the file changes it). A deleted pending book's row goes as before (books_fts_delete),
-- and what a book shown in the library is indexed from is defined once still, by the view.
DROP TRIGGER books_fts_insert;
-- +goose StatementBegin
CREATE TRIGGER books_fts_insert AFTER INSERT ON books
WHEN NEW.pending_import IS NULL BEGIN
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher FROM book_search_text WHERE book_id = NEW.id;
END;
-- +goose StatementEnd
DROP TRIGGER books_fts_update;
-- +goose StatementBegin
CREATE TRIGGER books_fts_update AFTER UPDATE OF title, author, genre, notes, isbn ON books
WHEN (OLD.title IS NOT NEW.title OR OLD.author IS NOT NEW.author OR OLD.genre IS NOT NEW.genre
    OR OLD.notes IS NOT NEW.notes OR OLD.isbn IS NOT NEW.isbn) AND NEW.pending_import IS NULL BEGIN
    DELETE FROM books_fts WHERE rowid = NEW.id;
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher FROM book_search_text WHERE book_id = NEW.id;
END;
-- +goose StatementEnd
DROP TRIGGER book_series_fts_insert;
-- +goose StatementBegin
CREATE TRIGGER book_series_fts_insert AFTER INSERT ON book_series
WHEN (SELECT pending_import FROM books WHERE id = NEW.book_id) IS NULL BEGIN
    DELETE FROM books_fts WHERE rowid = NEW.book_id;
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher FROM book_search_text WHERE book_id = NEW.book_id;
END;
-- +goose StatementEnd
DROP TRIGGER book_series_fts_delete;
-- +goose StatementBegin
CREATE TRIGGER book_series_fts_delete AFTER DELETE ON book_series
WHEN (SELECT pending_import FROM books WHERE id = OLD.book_id) IS NULL BEGIN
    DELETE FROM books_fts WHERE rowid = OLD.book_id;
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher FROM book_search_text WHERE book_id = OLD.book_id;
END;
-- +goose StatementEnd
DROP TRIGGER editions_fts_insert;
-- +goose StatementBegin
CREATE TRIGGER editions_fts_insert AFTER INSERT ON editions
WHEN NEW.publisher <> '' AND (SELECT pending_import FROM books WHERE id = NEW.book_id) IS NULL BEGIN
    DELETE FROM books_fts WHERE rowid = NEW.book_id;
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher FROM book_search_text WHERE book_id = NEW.book_id;
END;
-- +goose StatementEnd
DROP TRIGGER editions_fts_update;
-- +goose StatementBegin
CREATE TRIGGER editions_fts_update AFTER UPDATE OF publisher ON editions
WHEN OLD.publisher IS NOT NEW.publisher AND (SELECT pending_import FROM books WHERE id = NEW.book_id) IS NULL BEGIN
    DELETE FROM books_fts WHERE rowid = NEW.book_id;
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher FROM book_search_text WHERE book_id = NEW.book_id;
END;
-- +goose StatementEnd
DROP TRIGGER editions_fts_delete;
-- +goose StatementBegin
CREATE TRIGGER editions_fts_delete AFTER DELETE ON editions
WHEN OLD.publisher <> '' AND (SELECT pending_import FROM books WHERE id = OLD.book_id) IS NULL BEGIN
    DELETE FROM books_fts WHERE rowid = OLD.book_id;
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher FROM book_search_text WHERE book_id = OLD.book_id;
END;
-- +goose StatementEnd

-- +goose Down
-- The triggers as migration 00024 made them. A pending book is indexed by its import still, so an
-- import under way when this runs leaves such books indexed as they were.
DROP TRIGGER books_fts_insert;
-- +goose StatementBegin
CREATE TRIGGER books_fts_insert AFTER INSERT ON books BEGIN
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher FROM book_search_text WHERE book_id = NEW.id;
END;
-- +goose StatementEnd
DROP TRIGGER books_fts_update;
-- +goose StatementBegin
CREATE TRIGGER books_fts_update AFTER UPDATE OF title, author, genre, notes, isbn ON books
WHEN OLD.title IS NOT NEW.title OR OLD.author IS NOT NEW.author OR OLD.genre IS NOT NEW.genre
    OR OLD.notes IS NOT NEW.notes OR OLD.isbn IS NOT NEW.isbn BEGIN
    DELETE FROM books_fts WHERE rowid = NEW.id;
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher FROM book_search_text WHERE book_id = NEW.id;
END;
-- +goose StatementEnd
DROP TRIGGER book_series_fts_insert;
-- +goose StatementBegin
CREATE TRIGGER book_series_fts_insert AFTER INSERT ON book_series BEGIN
    DELETE FROM books_fts WHERE rowid = NEW.book_id;
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher FROM book_search_text WHERE book_id = NEW.book_id;
END;
-- +goose StatementEnd
DROP TRIGGER book_series_fts_delete;
-- +goose StatementBegin
CREATE TRIGGER book_series_fts_delete AFTER DELETE ON book_series BEGIN
    DELETE FROM books_fts WHERE rowid = OLD.book_id;
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher FROM book_search_text WHERE book_id = OLD.book_id;
END;
-- +goose StatementEnd
DROP TRIGGER editions_fts_insert;
-- +goose StatementBegin
CREATE TRIGGER editions_fts_insert AFTER INSERT ON editions
WHEN NEW.publisher <> '' BEGIN
    DELETE FROM books_fts WHERE rowid = NEW.book_id;
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher FROM book_search_text WHERE book_id = NEW.book_id;
END;
-- +goose StatementEnd
DROP TRIGGER editions_fts_update;
-- +goose StatementBegin
CREATE TRIGGER editions_fts_update AFTER UPDATE OF publisher ON editions
WHEN OLD.publisher IS NOT NEW.publisher BEGIN
    DELETE FROM books_fts WHERE rowid = NEW.book_id;
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher FROM book_search_text WHERE book_id = NEW.book_id;
END;
-- +goose StatementEnd
DROP TRIGGER editions_fts_delete;
-- +goose StatementBegin
CREATE TRIGGER editions_fts_delete AFTER DELETE ON editions
WHEN OLD.publisher <> '' BEGIN
    DELETE FROM books_fts WHERE rowid = OLD.book_id;
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher FROM book_search_text WHERE book_id = OLD.book_id;
END;
-- +goose StatementEnd
