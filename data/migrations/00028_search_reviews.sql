-- +goose Up
-- The library's search finds a book by the words of its review too (issue 13): the review is
-- what the reader writes about a book to share, and they look for "the one I called haunting".
-- The index gains a column, review, folded as migration 00005 folds the others. The private
-- notes stay indexed as they have been since migration 00005: a reader's search is of their own
-- books alone, and nothing shares it.
--
-- book_search_text, the one definition of what the index holds for a book (and what the importer
-- indexes its books from, data.importer.indexBooks), gains the review; everything else is as
-- migrations 00024 and 00027 made it.
DROP VIEW book_search_text;
CREATE VIEW book_search_text AS
SELECT t.book_id,
       CASE WHEN t.title GLOB '*[^ -~]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(t.title, 'ł', 'l'), 'Ł', 'L'), 'ø', 'o'), 'Ø', 'O'), 'æ', 'ae'), 'Æ', 'AE'), 'œ', 'oe'), 'Œ', 'OE'), 'ß', 'ss'), 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'), 'þ', 'th'), 'Þ', 'TH'), 'ı', 'i') ELSE t.title END AS title,
       CASE WHEN t.author GLOB '*[^ -~]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(t.author, 'ł', 'l'), 'Ł', 'L'), 'ø', 'o'), 'Ø', 'O'), 'æ', 'ae'), 'Æ', 'AE'), 'œ', 'oe'), 'Œ', 'OE'), 'ß', 'ss'), 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'), 'þ', 'th'), 'Þ', 'TH'), 'ı', 'i') ELSE t.author END AS author,
       CASE WHEN t.genre GLOB '*[^ -~]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(t.genre, 'ł', 'l'), 'Ł', 'L'), 'ø', 'o'), 'Ø', 'O'), 'æ', 'ae'), 'Æ', 'AE'), 'œ', 'oe'), 'Œ', 'OE'), 'ß', 'ss'), 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'), 'þ', 'th'), 'Þ', 'TH'), 'ı', 'i') ELSE t.genre END AS genre,
       CASE WHEN t.notes GLOB '*[^ -~]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(t.notes, 'ł', 'l'), 'Ł', 'L'), 'ø', 'o'), 'Ø', 'O'), 'æ', 'ae'), 'Æ', 'AE'), 'œ', 'oe'), 'Œ', 'OE'), 'ß', 'ss'), 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'), 'þ', 'th'), 'Þ', 'TH'), 'ı', 'i') ELSE t.notes END AS notes,
       t.isbn,
       CASE WHEN t.series GLOB '*[^ -~]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(t.series, 'ł', 'l'), 'Ł', 'L'), 'ø', 'o'), 'Ø', 'O'), 'æ', 'ae'), 'Æ', 'AE'), 'œ', 'oe'), 'Œ', 'OE'), 'ß', 'ss'), 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'), 'þ', 'th'), 'Þ', 'TH'), 'ı', 'i') ELSE t.series END AS series,
       CASE WHEN t.publisher GLOB '*[^ -~]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(t.publisher, 'ł', 'l'), 'Ł', 'L'), 'ø', 'o'), 'Ø', 'O'), 'æ', 'ae'), 'Æ', 'AE'), 'œ', 'oe'), 'Œ', 'OE'), 'ß', 'ss'), 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'), 'þ', 'th'), 'Þ', 'TH'), 'ı', 'i') ELSE t.publisher END AS publisher,
       CASE WHEN t.review GLOB '*[^ -~]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(t.review, 'ł', 'l'), 'Ł', 'L'), 'ø', 'o'), 'Ø', 'O'), 'æ', 'ae'), 'Æ', 'AE'), 'œ', 'oe'), 'Œ', 'OE'), 'ß', 'ss'), 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'), 'þ', 'th'), 'Þ', 'TH'), 'ı', 'i') ELSE t.review END AS review
FROM (SELECT b.id AS book_id, b.title, b.author, b.genre, b.notes, COALESCE(b.isbn, '') AS isbn,
             COALESCE((SELECT group_concat(s.name, ' / ') FROM book_series bs JOIN series s ON s.id = bs.series_id
                       WHERE bs.book_id = b.id), '') AS series,
             COALESCE(e.publisher, '') AS publisher,
             b.review
      FROM books b LEFT JOIN editions e ON e.book_id = b.id) AS t;

-- SQLite-only from here (FTS5 and its triggers; a PostgreSQL port indexes book_search_text with
-- a tsvector instead). The index is contentless and takes no new column, so it is made again and
-- filled from the view for the books it held (the live and deleted books, and the pending books
-- their import has indexed: data.importer.indexBooks); the triggers name the columns they fill,
-- so they are made again too, as migrations 00024 and 00027 left them, with the review.
DROP TRIGGER editions_fts_delete;
DROP TRIGGER editions_fts_update;
DROP TRIGGER editions_fts_insert;
DROP TRIGGER series_fts_rename;
DROP TRIGGER book_series_fts_update;
DROP TRIGGER book_series_fts_delete;
DROP TRIGGER book_series_fts_insert;
DROP TRIGGER books_fts_delete;
DROP TRIGGER books_fts_update;
DROP TRIGGER books_fts_insert;
ALTER TABLE books_fts RENAME TO books_fts_old;
CREATE VIRTUAL TABLE books_fts USING fts5(
    title, author, genre, notes, isbn, series, publisher, review,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
);
INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher, review)
SELECT book_id, title, author, genre, notes, isbn, series, publisher, review FROM book_search_text
WHERE book_id IN (SELECT rowid FROM books_fts_old);
DROP TABLE books_fts_old;
-- +goose StatementBegin
CREATE TRIGGER books_fts_insert AFTER INSERT ON books
WHEN NEW.pending_import IS NULL BEGIN
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher, review)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher, review FROM book_search_text WHERE book_id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER books_fts_update AFTER UPDATE OF title, author, genre, notes, isbn, review ON books
WHEN (OLD.title IS NOT NEW.title OR OLD.author IS NOT NEW.author OR OLD.genre IS NOT NEW.genre
    OR OLD.notes IS NOT NEW.notes OR OLD.isbn IS NOT NEW.isbn OR OLD.review IS NOT NEW.review) AND NEW.pending_import IS NULL BEGIN
    DELETE FROM books_fts WHERE rowid = NEW.id;
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher, review)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher, review FROM book_search_text WHERE book_id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER books_fts_delete AFTER DELETE ON books BEGIN
    DELETE FROM books_fts WHERE rowid = OLD.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER book_series_fts_insert AFTER INSERT ON book_series
WHEN (SELECT pending_import FROM books WHERE id = NEW.book_id) IS NULL BEGIN
    DELETE FROM books_fts WHERE rowid = NEW.book_id;
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher, review)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher, review FROM book_search_text WHERE book_id = NEW.book_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER book_series_fts_delete AFTER DELETE ON book_series
WHEN (SELECT pending_import FROM books WHERE id = OLD.book_id) IS NULL BEGIN
    DELETE FROM books_fts WHERE rowid = OLD.book_id;
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher, review)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher, review FROM book_search_text WHERE book_id = OLD.book_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER book_series_fts_update AFTER UPDATE OF book_id, series_id ON book_series
WHEN OLD.book_id IS NOT NEW.book_id OR OLD.series_id IS NOT NEW.series_id BEGIN
    DELETE FROM books_fts WHERE rowid = OLD.book_id;
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher, review)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher, review FROM book_search_text WHERE book_id = OLD.book_id;
    DELETE FROM books_fts WHERE rowid = NEW.book_id;
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher, review)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher, review FROM book_search_text WHERE book_id = NEW.book_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER series_fts_rename AFTER UPDATE OF name ON series
WHEN OLD.name IS NOT NEW.name BEGIN
    DELETE FROM books_fts WHERE rowid IN (SELECT book_id FROM book_series WHERE series_id = NEW.id);
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher, review)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher, review FROM book_search_text
    WHERE book_id IN (SELECT book_id FROM book_series WHERE series_id = NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER editions_fts_insert AFTER INSERT ON editions
WHEN NEW.publisher <> '' AND (SELECT pending_import FROM books WHERE id = NEW.book_id) IS NULL BEGIN
    DELETE FROM books_fts WHERE rowid = NEW.book_id;
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher, review)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher, review FROM book_search_text WHERE book_id = NEW.book_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER editions_fts_update AFTER UPDATE OF publisher ON editions
WHEN OLD.publisher IS NOT NEW.publisher AND (SELECT pending_import FROM books WHERE id = NEW.book_id) IS NULL BEGIN
    DELETE FROM books_fts WHERE rowid = NEW.book_id;
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher, review)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher, review FROM book_search_text WHERE book_id = NEW.book_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER editions_fts_delete AFTER DELETE ON editions
WHEN OLD.publisher <> '' AND (SELECT pending_import FROM books WHERE id = OLD.book_id) IS NULL BEGIN
    DELETE FROM books_fts WHERE rowid = OLD.book_id;
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher, review)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher, review FROM book_search_text WHERE book_id = OLD.book_id;
END;
-- +goose StatementEnd

-- +goose Down
-- The view, the index and its triggers as migrations 00024 and 00027 left them: no review.
DROP VIEW book_search_text;
CREATE VIEW book_search_text AS
SELECT t.book_id,
       CASE WHEN t.title GLOB '*[^ -~]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(t.title, 'ł', 'l'), 'Ł', 'L'), 'ø', 'o'), 'Ø', 'O'), 'æ', 'ae'), 'Æ', 'AE'), 'œ', 'oe'), 'Œ', 'OE'), 'ß', 'ss'), 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'), 'þ', 'th'), 'Þ', 'TH'), 'ı', 'i') ELSE t.title END AS title,
       CASE WHEN t.author GLOB '*[^ -~]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(t.author, 'ł', 'l'), 'Ł', 'L'), 'ø', 'o'), 'Ø', 'O'), 'æ', 'ae'), 'Æ', 'AE'), 'œ', 'oe'), 'Œ', 'OE'), 'ß', 'ss'), 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'), 'þ', 'th'), 'Þ', 'TH'), 'ı', 'i') ELSE t.author END AS author,
       CASE WHEN t.genre GLOB '*[^ -~]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(t.genre, 'ł', 'l'), 'Ł', 'L'), 'ø', 'o'), 'Ø', 'O'), 'æ', 'ae'), 'Æ', 'AE'), 'œ', 'oe'), 'Œ', 'OE'), 'ß', 'ss'), 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'), 'þ', 'th'), 'Þ', 'TH'), 'ı', 'i') ELSE t.genre END AS genre,
       CASE WHEN t.notes GLOB '*[^ -~]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(t.notes, 'ł', 'l'), 'Ł', 'L'), 'ø', 'o'), 'Ø', 'O'), 'æ', 'ae'), 'Æ', 'AE'), 'œ', 'oe'), 'Œ', 'OE'), 'ß', 'ss'), 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'), 'þ', 'th'), 'Þ', 'TH'), 'ı', 'i') ELSE t.notes END AS notes,
       t.isbn,
       CASE WHEN t.series GLOB '*[^ -~]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(t.series, 'ł', 'l'), 'Ł', 'L'), 'ø', 'o'), 'Ø', 'O'), 'æ', 'ae'), 'Æ', 'AE'), 'œ', 'oe'), 'Œ', 'OE'), 'ß', 'ss'), 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'), 'þ', 'th'), 'Þ', 'TH'), 'ı', 'i') ELSE t.series END AS series,
       CASE WHEN t.publisher GLOB '*[^ -~]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(t.publisher, 'ł', 'l'), 'Ł', 'L'), 'ø', 'o'), 'Ø', 'O'), 'æ', 'ae'), 'Æ', 'AE'), 'œ', 'oe'), 'Œ', 'OE'), 'ß', 'ss'), 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'), 'þ', 'th'), 'Þ', 'TH'), 'ı', 'i') ELSE t.publisher END AS publisher
FROM (SELECT b.id AS book_id, b.title, b.author, b.genre, b.notes, COALESCE(b.isbn, '') AS isbn,
             COALESCE((SELECT group_concat(s.name, ' / ') FROM book_series bs JOIN series s ON s.id = bs.series_id
                       WHERE bs.book_id = b.id), '') AS series,
             COALESCE(e.publisher, '') AS publisher
      FROM books b LEFT JOIN editions e ON e.book_id = b.id) AS t;

-- SQLite-only from here (FTS5 and its triggers; a PostgreSQL port indexes book_search_text with
-- a tsvector instead). The index is contentless and takes no new column, so it is made again and
-- filled from the view for the books it held (the live and deleted books, and the pending books
-- their import has indexed: data.importer.indexBooks); the triggers name the columns they fill,
-- so they are made again too, as migrations 00024 and 00027 left them.
DROP TRIGGER editions_fts_delete;
DROP TRIGGER editions_fts_update;
DROP TRIGGER editions_fts_insert;
DROP TRIGGER series_fts_rename;
DROP TRIGGER book_series_fts_update;
DROP TRIGGER book_series_fts_delete;
DROP TRIGGER book_series_fts_insert;
DROP TRIGGER books_fts_delete;
DROP TRIGGER books_fts_update;
DROP TRIGGER books_fts_insert;
ALTER TABLE books_fts RENAME TO books_fts_old;
CREATE VIRTUAL TABLE books_fts USING fts5(
    title, author, genre, notes, isbn, series, publisher,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
);
INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher)
SELECT book_id, title, author, genre, notes, isbn, series, publisher FROM book_search_text
WHERE book_id IN (SELECT rowid FROM books_fts_old);
DROP TABLE books_fts_old;
-- +goose StatementBegin
CREATE TRIGGER books_fts_insert AFTER INSERT ON books
WHEN NEW.pending_import IS NULL BEGIN
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher FROM book_search_text WHERE book_id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER books_fts_update AFTER UPDATE OF title, author, genre, notes, isbn ON books
WHEN (OLD.title IS NOT NEW.title OR OLD.author IS NOT NEW.author OR OLD.genre IS NOT NEW.genre
    OR OLD.notes IS NOT NEW.notes OR OLD.isbn IS NOT NEW.isbn) AND NEW.pending_import IS NULL BEGIN
    DELETE FROM books_fts WHERE rowid = NEW.id;
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher FROM book_search_text WHERE book_id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER books_fts_delete AFTER DELETE ON books BEGIN
    DELETE FROM books_fts WHERE rowid = OLD.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER book_series_fts_insert AFTER INSERT ON book_series
WHEN (SELECT pending_import FROM books WHERE id = NEW.book_id) IS NULL BEGIN
    DELETE FROM books_fts WHERE rowid = NEW.book_id;
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher FROM book_search_text WHERE book_id = NEW.book_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER book_series_fts_delete AFTER DELETE ON book_series
WHEN (SELECT pending_import FROM books WHERE id = OLD.book_id) IS NULL BEGIN
    DELETE FROM books_fts WHERE rowid = OLD.book_id;
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher FROM book_search_text WHERE book_id = OLD.book_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER book_series_fts_update AFTER UPDATE OF book_id, series_id ON book_series
WHEN OLD.book_id IS NOT NEW.book_id OR OLD.series_id IS NOT NEW.series_id BEGIN
    DELETE FROM books_fts WHERE rowid = OLD.book_id;
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher FROM book_search_text WHERE book_id = OLD.book_id;
    DELETE FROM books_fts WHERE rowid = NEW.book_id;
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher FROM book_search_text WHERE book_id = NEW.book_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER series_fts_rename AFTER UPDATE OF name ON series
WHEN OLD.name IS NOT NEW.name BEGIN
    DELETE FROM books_fts WHERE rowid IN (SELECT book_id FROM book_series WHERE series_id = NEW.id);
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher FROM book_search_text
    WHERE book_id IN (SELECT book_id FROM book_series WHERE series_id = NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER editions_fts_insert AFTER INSERT ON editions
WHEN NEW.publisher <> '' AND (SELECT pending_import FROM books WHERE id = NEW.book_id) IS NULL BEGIN
    DELETE FROM books_fts WHERE rowid = NEW.book_id;
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher FROM book_search_text WHERE book_id = NEW.book_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER editions_fts_update AFTER UPDATE OF publisher ON editions
WHEN OLD.publisher IS NOT NEW.publisher AND (SELECT pending_import FROM books WHERE id = NEW.book_id) IS NULL BEGIN
    DELETE FROM books_fts WHERE rowid = NEW.book_id;
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher FROM book_search_text WHERE book_id = NEW.book_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER editions_fts_delete AFTER DELETE ON editions
WHEN OLD.publisher <> '' AND (SELECT pending_import FROM books WHERE id = OLD.book_id) IS NULL BEGIN
    DELETE FROM books_fts WHERE rowid = OLD.book_id;
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn, series, publisher)
    SELECT book_id, title, author, genre, notes, isbn, series, publisher FROM book_search_text WHERE book_id = OLD.book_id;
END;
-- +goose StatementEnd
