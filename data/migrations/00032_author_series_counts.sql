-- +goose Up
-- Each author and series keeps the count of its live books (not deleted, not waiting in an
-- import) and of those read, as shelves and genres keep theirs: the author page, the list of
-- authors (by most books too, paged on an index) and the list of series read them instead of
-- looking up every book of each to count it (issue 13's speed: 554 books of the top author of
-- 100,000 seeded, some 1,400 for a page of fifty series). A book an author has two roles in
-- counts once. An author or series whose count is 0 has all its books deleted: hidden until Undo.
ALTER TABLE authors ADD COLUMN books INTEGER NOT NULL DEFAULT 0;
ALTER TABLE authors ADD COLUMN books_read INTEGER NOT NULL DEFAULT 0;
ALTER TABLE series ADD COLUMN books INTEGER NOT NULL DEFAULT 0;
ALTER TABLE series ADD COLUMN books_read INTEGER NOT NULL DEFAULT 0;

UPDATE authors SET
    books = (SELECT COUNT(DISTINCT b.id) FROM book_contributors bc JOIN books b ON b.id = bc.book_id
             WHERE bc.author_id = authors.id AND b.deleted_at IS NULL AND b.pending_import IS NULL),
    books_read = (SELECT COUNT(DISTINCT b.id) FROM book_contributors bc JOIN books b ON b.id = bc.book_id
                  WHERE bc.author_id = authors.id AND b.deleted_at IS NULL AND b.pending_import IS NULL AND b.status = 'read');
UPDATE series SET
    books = (SELECT COUNT(*) FROM book_series bs JOIN books b ON b.id = bs.book_id
             WHERE bs.series_id = series.id AND b.deleted_at IS NULL AND b.pending_import IS NULL),
    books_read = (SELECT COUNT(*) FROM book_series bs JOIN books b ON b.id = bs.book_id
                  WHERE bs.series_id = series.id AND b.deleted_at IS NULL AND b.pending_import IS NULL AND b.status = 'read');

-- The list of authors by most books, a page after another (data.AuthorStore.List).
CREATE INDEX authors_by_books ON authors (owner_id, books DESC, sort_key, id) WHERE books > 0;

-- A contribution keeps its book's title sort key (COALESCE(sort_title, lower(title)), the
-- library's title order), so that an author's page walks their books by title on an index and
-- stops at the page's end, instead of looking up every book of theirs to sort them.
ALTER TABLE book_contributors ADD COLUMN title_key VARCHAR(250);
UPDATE book_contributors SET title_key = (SELECT COALESCE(b.sort_title, lower(b.title)) FROM books b WHERE b.id = book_contributors.book_id);
CREATE INDEX book_contributors_titles ON book_contributors (author_id, title_key, book_id);

-- SQLite-only from here (a PostgreSQL port writes these as its own triggers): the counts follow
-- the contributions, the places in series, and the books' status and life.
-- +goose StatementBegin
CREATE TRIGGER book_contributors_count_insert AFTER INSERT ON book_contributors
WHEN (SELECT COUNT(*) FROM book_contributors WHERE book_id = NEW.book_id AND author_id = NEW.author_id) = 1 BEGIN
    UPDATE authors SET books = books + 1, books_read = books_read + (b.status = 'read')
    FROM books b WHERE authors.id = NEW.author_id AND b.id = NEW.book_id AND b.deleted_at IS NULL AND b.pending_import IS NULL;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER book_contributors_count_delete AFTER DELETE ON book_contributors
WHEN NOT EXISTS (SELECT 1 FROM book_contributors WHERE book_id = OLD.book_id AND author_id = OLD.author_id) BEGIN
    UPDATE authors SET books = books - 1, books_read = books_read - (b.status = 'read')
    FROM books b WHERE authors.id = OLD.author_id AND b.id = OLD.book_id AND b.deleted_at IS NULL AND b.pending_import IS NULL;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER book_contributors_count_update AFTER UPDATE OF book_id, author_id ON book_contributors
WHEN OLD.book_id IS NOT NEW.book_id OR OLD.author_id IS NOT NEW.author_id BEGIN
    UPDATE authors SET books = books - 1, books_read = books_read - (b.status = 'read')
    FROM books b WHERE authors.id = OLD.author_id AND b.id = OLD.book_id AND b.deleted_at IS NULL AND b.pending_import IS NULL
    AND NOT EXISTS (SELECT 1 FROM book_contributors WHERE book_id = OLD.book_id AND author_id = OLD.author_id);
    UPDATE authors SET books = books + 1, books_read = books_read + (b.status = 'read')
    FROM books b WHERE authors.id = NEW.author_id AND b.id = NEW.book_id AND b.deleted_at IS NULL AND b.pending_import IS NULL
    AND (SELECT COUNT(*) FROM book_contributors WHERE book_id = NEW.book_id AND author_id = NEW.author_id) = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER book_series_count_insert AFTER INSERT ON book_series BEGIN
    UPDATE series SET books = books + 1, books_read = books_read + (b.status = 'read')
    FROM books b WHERE series.id = NEW.series_id AND b.id = NEW.book_id AND b.deleted_at IS NULL AND b.pending_import IS NULL;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER book_series_count_delete AFTER DELETE ON book_series BEGIN
    UPDATE series SET books = books - 1, books_read = books_read - (b.status = 'read')
    FROM books b WHERE series.id = OLD.series_id AND b.id = OLD.book_id AND b.deleted_at IS NULL AND b.pending_import IS NULL;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER book_series_count_update AFTER UPDATE OF book_id, series_id ON book_series
WHEN OLD.book_id IS NOT NEW.book_id OR OLD.series_id IS NOT NEW.series_id BEGIN
    UPDATE series SET books = books - 1, books_read = books_read - (b.status = 'read')
    FROM books b WHERE series.id = OLD.series_id AND b.id = OLD.book_id AND b.deleted_at IS NULL AND b.pending_import IS NULL;
    UPDATE series SET books = books + 1, books_read = books_read + (b.status = 'read')
    FROM books b WHERE series.id = NEW.series_id AND b.id = NEW.book_id AND b.deleted_at IS NULL AND b.pending_import IS NULL;
END;
-- +goose StatementEnd
-- The title key follows the book's title and sort title (which triggers of migration 00021 set
-- after the title, in an order of their own: the key is read from the book as it stands).
-- +goose StatementBegin
CREATE TRIGGER book_contributors_title_key AFTER INSERT ON book_contributors BEGIN
    UPDATE book_contributors SET title_key = (SELECT COALESCE(sort_title, lower(title)) FROM books WHERE id = NEW.book_id)
    WHERE book_id = NEW.book_id AND position = NEW.position;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER books_title_key AFTER UPDATE OF title, sort_title ON books
WHEN NEW.title IS NOT OLD.title OR NEW.sort_title IS NOT OLD.sort_title BEGIN
    UPDATE book_contributors SET title_key = (SELECT COALESCE(sort_title, lower(title)) FROM books WHERE id = NEW.id)
    WHERE book_id = NEW.id;
END;
-- +goose StatementEnd
-- A book that is deleted or comes back, leaves or joins the library with its import, or is read
-- or no longer: its own count leaves each of its authors and series, and its new one joins them.
-- +goose StatementBegin
CREATE TRIGGER books_author_series_counts AFTER UPDATE OF status, deleted_at, pending_import ON books
WHEN (OLD.deleted_at IS NULL AND OLD.pending_import IS NULL) IS NOT (NEW.deleted_at IS NULL AND NEW.pending_import IS NULL)
    OR ((NEW.deleted_at IS NULL AND NEW.pending_import IS NULL) AND (OLD.status = 'read') IS NOT (NEW.status = 'read')) BEGIN
    UPDATE authors SET
        books = books - (OLD.deleted_at IS NULL AND OLD.pending_import IS NULL) + (NEW.deleted_at IS NULL AND NEW.pending_import IS NULL),
        books_read = books_read - (OLD.deleted_at IS NULL AND OLD.pending_import IS NULL AND OLD.status = 'read')
                                + (NEW.deleted_at IS NULL AND NEW.pending_import IS NULL AND NEW.status = 'read')
    WHERE id IN (SELECT author_id FROM book_contributors WHERE book_id = NEW.id);
    UPDATE series SET
        books = books - (OLD.deleted_at IS NULL AND OLD.pending_import IS NULL) + (NEW.deleted_at IS NULL AND NEW.pending_import IS NULL),
        books_read = books_read - (OLD.deleted_at IS NULL AND OLD.pending_import IS NULL AND OLD.status = 'read')
                                + (NEW.deleted_at IS NULL AND NEW.pending_import IS NULL AND NEW.status = 'read')
    WHERE id IN (SELECT series_id FROM book_series WHERE book_id = NEW.id);
END;
-- +goose StatementEnd
-- A live book deleted for good (with its reader's account) leaves its authors and series before
-- its contributions and places go with it, when it is no longer there to be counted.
-- +goose StatementBegin
CREATE TRIGGER books_author_series_counts_delete BEFORE DELETE ON books
WHEN OLD.deleted_at IS NULL AND OLD.pending_import IS NULL BEGIN
    UPDATE authors SET books = books - 1, books_read = books_read - (OLD.status = 'read')
    WHERE id IN (SELECT author_id FROM book_contributors WHERE book_id = OLD.id);
    UPDATE series SET books = books - 1, books_read = books_read - (OLD.status = 'read')
    WHERE id IN (SELECT series_id FROM book_series WHERE book_id = OLD.id);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER books_title_key;
DROP TRIGGER book_contributors_title_key;
DROP INDEX book_contributors_titles;
ALTER TABLE book_contributors DROP COLUMN title_key;
DROP TRIGGER books_author_series_counts_delete;
DROP TRIGGER books_author_series_counts;
DROP TRIGGER book_series_count_update;
DROP TRIGGER book_series_count_delete;
DROP TRIGGER book_series_count_insert;
DROP TRIGGER book_contributors_count_update;
DROP TRIGGER book_contributors_count_delete;
DROP TRIGGER book_contributors_count_insert;
DROP INDEX authors_by_books;
ALTER TABLE series DROP COLUMN books_read;
ALTER TABLE series DROP COLUMN books;
ALTER TABLE authors DROP COLUMN books_read;
ALTER TABLE authors DROP COLUMN books;
