-- +goose Up
-- Finding books fast in a large library: a full-text index, and a stored, indexed key for every
-- column the library sorts by, so any page of any order is an index range scan.

-- Sort keys derived from reading history, kept by the triggers below from book_sort_keys:
-- how far into the book the reader is (read = 100, reading = the latest update's percentage or 0,
-- otherwise NULL) and the date the book was last finished (a read-through with outcome read).
ALTER TABLE books ADD COLUMN progress REAL;
ALTER TABLE books ADD COLUMN finished_on DATE;

-- The latest progress update of the book's open read-through is kept on the book as well, for the
-- "Currently reading" strip and the rows of books being read.
ALTER TABLE books ADD COLUMN progress_page INTEGER;
ALTER TABLE books ADD COLUMN progress_percent REAL;
ALTER TABLE books ADD COLUMN progress_at TIMESTAMP;

CREATE VIEW book_sort_keys AS
SELECT b.id AS book_id,
       CASE b.status
           WHEN 'read' THEN 100.0
           WHEN 'reading' THEN COALESCE(
               CASE WHEN p.page IS NOT NULL AND b.pages > 0
                    THEN MIN(100.0, p.page * 100.0 / b.pages)
                    ELSE p.percent END, 0.0)
       END AS progress,
       (SELECT MAX(r.finished_on) FROM read_throughs r
        WHERE r.book_id = b.id AND r.outcome = 'read') AS finished_on,
       p.page AS progress_page, p.percent AS progress_percent, p.recorded_at AS progress_at
FROM books b
LEFT JOIN progress_updates p ON p.id = (
    SELECT u.id FROM read_throughs r JOIN progress_updates u ON u.read_through_id = r.id
    WHERE r.book_id = b.id AND r.outcome = 'reading'
    ORDER BY u.recorded_at DESC, u.id DESC LIMIT 1);

UPDATE books SET (progress, finished_on, progress_page, progress_percent, progress_at) =
    (SELECT progress, finished_on, progress_page, progress_percent, progress_at FROM book_sort_keys WHERE book_id = books.id);

-- +goose StatementBegin
CREATE TRIGGER books_sort_keys_insert AFTER INSERT ON books WHEN NEW.status <> 'want' BEGIN
    UPDATE books SET (progress, finished_on, progress_page, progress_percent, progress_at) =
        (SELECT progress, finished_on, progress_page, progress_percent, progress_at FROM book_sort_keys WHERE book_id = NEW.id)
    WHERE id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER books_sort_keys_update AFTER UPDATE OF status, pages ON books
WHEN NEW.status IS NOT OLD.status OR NEW.pages IS NOT OLD.pages BEGIN
    UPDATE books SET (progress, finished_on, progress_page, progress_percent, progress_at) =
        (SELECT progress, finished_on, progress_page, progress_percent, progress_at FROM book_sort_keys WHERE book_id = NEW.id)
    WHERE id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER read_throughs_sort_keys_insert AFTER INSERT ON read_throughs BEGIN
    UPDATE books SET (progress, finished_on, progress_page, progress_percent, progress_at) =
        (SELECT progress, finished_on, progress_page, progress_percent, progress_at FROM book_sort_keys WHERE book_id = NEW.book_id)
    WHERE id = NEW.book_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER read_throughs_sort_keys_update AFTER UPDATE ON read_throughs BEGIN
    UPDATE books SET (progress, finished_on, progress_page, progress_percent, progress_at) =
        (SELECT progress, finished_on, progress_page, progress_percent, progress_at FROM book_sort_keys WHERE book_id = NEW.book_id)
    WHERE id = NEW.book_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER read_throughs_sort_keys_delete AFTER DELETE ON read_throughs BEGIN
    UPDATE books SET (progress, finished_on, progress_page, progress_percent, progress_at) =
        (SELECT progress, finished_on, progress_page, progress_percent, progress_at FROM book_sort_keys WHERE book_id = OLD.book_id)
    WHERE id = OLD.book_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER progress_updates_sort_keys_insert AFTER INSERT ON progress_updates BEGIN
    UPDATE books SET (progress, finished_on, progress_page, progress_percent, progress_at) =
        (SELECT progress, finished_on, progress_page, progress_percent, progress_at FROM book_sort_keys WHERE book_id = books.id)
    WHERE id = (SELECT book_id FROM read_throughs WHERE id = NEW.read_through_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER progress_updates_sort_keys_delete AFTER DELETE ON progress_updates BEGIN
    UPDATE books SET (progress, finished_on, progress_page, progress_percent, progress_at) =
        (SELECT progress, finished_on, progress_page, progress_percent, progress_at FROM book_sort_keys WHERE book_id = books.id)
    WHERE id = (SELECT book_id FROM read_throughs WHERE id = OLD.read_through_id);
END;
-- +goose StatementEnd

-- How many live books each shelf holds, kept by triggers, so the library's shelf tabs are one row
-- read per shelf instead of a count of every book on every shelf on every page. A book that is
-- deleted (until Undo) or purged leaves its shelves' counts; a book purged after its delete is
-- not counted twice, since only live books count.
ALTER TABLE shelves ADD COLUMN books INTEGER NOT NULL DEFAULT 0 CHECK (books >= 0);
UPDATE shelves SET books = (
    SELECT COUNT(*) FROM book_shelves bs JOIN books b ON b.id = bs.book_id
    WHERE bs.shelf_id = shelves.id AND b.deleted_at IS NULL);

-- +goose StatementBegin
CREATE TRIGGER book_shelves_count_insert AFTER INSERT ON book_shelves
WHEN EXISTS (SELECT 1 FROM books WHERE id = NEW.book_id AND deleted_at IS NULL) BEGIN
    UPDATE shelves SET books = books + 1 WHERE id = NEW.shelf_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER book_shelves_count_delete AFTER DELETE ON book_shelves
WHEN EXISTS (SELECT 1 FROM books WHERE id = OLD.book_id AND deleted_at IS NULL) BEGIN
    UPDATE shelves SET books = books - 1 WHERE id = OLD.shelf_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER books_shelf_counts AFTER UPDATE OF deleted_at ON books
WHEN (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL) BEGIN
    UPDATE shelves SET books = books + (CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END)
    WHERE id IN (SELECT shelf_id FROM book_shelves WHERE book_id = NEW.id);
END;
-- +goose StatementEnd

-- The genres of each reader's live books, with how many books each has, kept by triggers, so
-- the genre filter's choices are one short read instead of a walk through the genre index.
-- Genres that differ only in case are one genre, named as it was first written.
CREATE TABLE genres (
    owner_id INTEGER      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name_key VARCHAR(250) NOT NULL,
    name     VARCHAR(250) NOT NULL,
    books    INTEGER      NOT NULL DEFAULT 0 CHECK (books >= 0),
    PRIMARY KEY (owner_id, name_key)
);
INSERT INTO genres (owner_id, name_key, name, books)
SELECT owner_id, lower(genre), MIN(genre), COUNT(*) FROM books
WHERE owner_id IS NOT NULL AND deleted_at IS NULL AND genre <> ''
GROUP BY owner_id, lower(genre);

-- +goose StatementBegin
CREATE TRIGGER books_genres_insert AFTER INSERT ON books
WHEN NEW.owner_id IS NOT NULL AND NEW.deleted_at IS NULL AND NEW.genre <> '' BEGIN
    INSERT INTO genres (owner_id, name_key, name, books) VALUES (NEW.owner_id, lower(NEW.genre), NEW.genre, 1)
    ON CONFLICT (owner_id, name_key) DO UPDATE SET books = books + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER books_genres_update AFTER UPDATE OF owner_id, genre, deleted_at ON books BEGIN
    UPDATE genres SET books = books - 1
    WHERE OLD.deleted_at IS NULL AND OLD.genre <> '' AND owner_id = OLD.owner_id AND name_key = lower(OLD.genre);
    INSERT INTO genres (owner_id, name_key, name, books)
    SELECT NEW.owner_id, lower(NEW.genre), NEW.genre, 1
    WHERE NEW.owner_id IS NOT NULL AND NEW.deleted_at IS NULL AND NEW.genre <> ''
    ON CONFLICT (owner_id, name_key) DO UPDATE SET books = books + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER books_genres_delete AFTER DELETE ON books
WHEN OLD.deleted_at IS NULL AND OLD.genre <> '' BEGIN
    UPDATE genres SET books = books - 1 WHERE owner_id = OLD.owner_id AND name_key = lower(OLD.genre);
END;
-- +goose StatementEnd

-- One index per sort order, on the live books of one owner, ending in id for a stable order and
-- the keyset cursor. Text sorts ignore case; a missing rating, progress or finish date sorts
-- last in both directions, hence two indexes (one key expression per direction) for those.
CREATE INDEX books_sort_title ON books (owner_id, lower(title), id) WHERE deleted_at IS NULL;
CREATE INDEX books_sort_author ON books (owner_id, lower(author), id) WHERE deleted_at IS NULL;
CREATE INDEX books_sort_rating_asc ON books (owner_id, COALESCE(rating, 99), id) WHERE deleted_at IS NULL;
CREATE INDEX books_sort_rating_desc ON books (owner_id, COALESCE(rating, -1), id) WHERE deleted_at IS NULL;
CREATE INDEX books_sort_progress_asc ON books (owner_id, COALESCE(progress, 999), id) WHERE deleted_at IS NULL;
CREATE INDEX books_sort_progress_desc ON books (owner_id, COALESCE(progress, -1), id) WHERE deleted_at IS NULL;
CREATE INDEX books_sort_finished_asc ON books (owner_id, COALESCE(finished_on, '9999-12-31'), id) WHERE deleted_at IS NULL;
CREATE INDEX books_sort_finished_desc ON books (owner_id, COALESCE(finished_on, ''), id) WHERE deleted_at IS NULL;
CREATE INDEX books_genre ON books (owner_id, lower(genre), id) WHERE deleted_at IS NULL;
-- The "Currently reading" strip: the books being read, last changed first, without a sort.
CREATE INDEX books_reading ON books (owner_id, updated_at, id) WHERE status = 'reading' AND deleted_at IS NULL;

-- Full-text search over title, author, genre, notes and ISBN. Word prefixes match; case and
-- accents are ignored (unicode61 with remove_diacritics 2; the letters it does not fold, such as
-- ł, ø, æ and ß, are replaced in text that is not all ASCII, as data.foldLetters does to
-- searches). Prefixes of up to three characters have their own index, for search as you type.
-- A search joins books for the owner's live books (an owner token in the index would make every
-- search walk the owner's whole library). Contentless: the text lives in books only, and the
-- triggers keep the index in step with it (soft-deleted books stay indexed and are filtered out
-- by the query, so Undo needs no reindexing).
CREATE VIRTUAL TABLE books_fts USING fts5(
    title, author, genre, notes, isbn,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
);
INSERT INTO books_fts (rowid, title, author, genre, notes, isbn)
SELECT id,
       CASE WHEN title GLOB '*[^ -~]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(title, 'ł', 'l'), 'Ł', 'L'), 'ø', 'o'), 'Ø', 'O'), 'æ', 'ae'), 'Æ', 'AE'), 'œ', 'oe'), 'Œ', 'OE'), 'ß', 'ss'), 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'), 'þ', 'th'), 'Þ', 'TH'), 'ı', 'i') ELSE title END,
       CASE WHEN author GLOB '*[^ -~]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(author, 'ł', 'l'), 'Ł', 'L'), 'ø', 'o'), 'Ø', 'O'), 'æ', 'ae'), 'Æ', 'AE'), 'œ', 'oe'), 'Œ', 'OE'), 'ß', 'ss'), 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'), 'þ', 'th'), 'Þ', 'TH'), 'ı', 'i') ELSE author END,
       CASE WHEN genre GLOB '*[^ -~]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(genre, 'ł', 'l'), 'Ł', 'L'), 'ø', 'o'), 'Ø', 'O'), 'æ', 'ae'), 'Æ', 'AE'), 'œ', 'oe'), 'Œ', 'OE'), 'ß', 'ss'), 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'), 'þ', 'th'), 'Þ', 'TH'), 'ı', 'i') ELSE genre END,
       CASE WHEN notes GLOB '*[^ -~]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(notes, 'ł', 'l'), 'Ł', 'L'), 'ø', 'o'), 'Ø', 'O'), 'æ', 'ae'), 'Æ', 'AE'), 'œ', 'oe'), 'Œ', 'OE'), 'ß', 'ss'), 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'), 'þ', 'th'), 'Þ', 'TH'), 'ı', 'i') ELSE notes END, COALESCE(isbn, '')
FROM books;

-- +goose StatementBegin
CREATE TRIGGER books_fts_insert AFTER INSERT ON books BEGIN
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn)
    VALUES (NEW.id,
        CASE WHEN NEW.title GLOB '*[^ -~]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(NEW.title, 'ł', 'l'), 'Ł', 'L'), 'ø', 'o'), 'Ø', 'O'), 'æ', 'ae'), 'Æ', 'AE'), 'œ', 'oe'), 'Œ', 'OE'), 'ß', 'ss'), 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'), 'þ', 'th'), 'Þ', 'TH'), 'ı', 'i') ELSE NEW.title END,
        CASE WHEN NEW.author GLOB '*[^ -~]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(NEW.author, 'ł', 'l'), 'Ł', 'L'), 'ø', 'o'), 'Ø', 'O'), 'æ', 'ae'), 'Æ', 'AE'), 'œ', 'oe'), 'Œ', 'OE'), 'ß', 'ss'), 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'), 'þ', 'th'), 'Þ', 'TH'), 'ı', 'i') ELSE NEW.author END,
        CASE WHEN NEW.genre GLOB '*[^ -~]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(NEW.genre, 'ł', 'l'), 'Ł', 'L'), 'ø', 'o'), 'Ø', 'O'), 'æ', 'ae'), 'Æ', 'AE'), 'œ', 'oe'), 'Œ', 'OE'), 'ß', 'ss'), 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'), 'þ', 'th'), 'Þ', 'TH'), 'ı', 'i') ELSE NEW.genre END,
        CASE WHEN NEW.notes GLOB '*[^ -~]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(NEW.notes, 'ł', 'l'), 'Ł', 'L'), 'ø', 'o'), 'Ø', 'O'), 'æ', 'ae'), 'Æ', 'AE'), 'œ', 'oe'), 'Œ', 'OE'), 'ß', 'ss'), 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'), 'þ', 'th'), 'Þ', 'TH'), 'ı', 'i') ELSE NEW.notes END, COALESCE(NEW.isbn, ''));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER books_fts_update AFTER UPDATE OF title, author, genre, notes, isbn ON books BEGIN
    DELETE FROM books_fts WHERE rowid = OLD.id;
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn)
    VALUES (NEW.id,
        CASE WHEN NEW.title GLOB '*[^ -~]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(NEW.title, 'ł', 'l'), 'Ł', 'L'), 'ø', 'o'), 'Ø', 'O'), 'æ', 'ae'), 'Æ', 'AE'), 'œ', 'oe'), 'Œ', 'OE'), 'ß', 'ss'), 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'), 'þ', 'th'), 'Þ', 'TH'), 'ı', 'i') ELSE NEW.title END,
        CASE WHEN NEW.author GLOB '*[^ -~]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(NEW.author, 'ł', 'l'), 'Ł', 'L'), 'ø', 'o'), 'Ø', 'O'), 'æ', 'ae'), 'Æ', 'AE'), 'œ', 'oe'), 'Œ', 'OE'), 'ß', 'ss'), 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'), 'þ', 'th'), 'Þ', 'TH'), 'ı', 'i') ELSE NEW.author END,
        CASE WHEN NEW.genre GLOB '*[^ -~]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(NEW.genre, 'ł', 'l'), 'Ł', 'L'), 'ø', 'o'), 'Ø', 'O'), 'æ', 'ae'), 'Æ', 'AE'), 'œ', 'oe'), 'Œ', 'OE'), 'ß', 'ss'), 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'), 'þ', 'th'), 'Þ', 'TH'), 'ı', 'i') ELSE NEW.genre END,
        CASE WHEN NEW.notes GLOB '*[^ -~]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(NEW.notes, 'ł', 'l'), 'Ł', 'L'), 'ø', 'o'), 'Ø', 'O'), 'æ', 'ae'), 'Æ', 'AE'), 'œ', 'oe'), 'Œ', 'OE'), 'ß', 'ss'), 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'), 'þ', 'th'), 'Þ', 'TH'), 'ı', 'i') ELSE NEW.notes END, COALESCE(NEW.isbn, ''));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER books_fts_delete AFTER DELETE ON books BEGIN
    DELETE FROM books_fts WHERE rowid = OLD.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER books_fts_delete;
DROP TRIGGER books_fts_update;
DROP TRIGGER books_fts_insert;
DROP TABLE books_fts;
DROP INDEX books_reading;
DROP INDEX books_genre;
DROP TRIGGER books_genres_delete;
DROP TRIGGER books_genres_update;
DROP TRIGGER books_genres_insert;
DROP TABLE genres;
DROP TRIGGER books_shelf_counts;
DROP TRIGGER book_shelves_count_delete;
DROP TRIGGER book_shelves_count_insert;
ALTER TABLE shelves DROP COLUMN books;
DROP INDEX books_sort_finished_desc;
DROP INDEX books_sort_finished_asc;
DROP INDEX books_sort_progress_desc;
DROP INDEX books_sort_progress_asc;
DROP INDEX books_sort_rating_desc;
DROP INDEX books_sort_rating_asc;
DROP INDEX books_sort_author;
DROP INDEX books_sort_title;
DROP TRIGGER progress_updates_sort_keys_delete;
DROP TRIGGER progress_updates_sort_keys_insert;
DROP TRIGGER read_throughs_sort_keys_delete;
DROP TRIGGER read_throughs_sort_keys_update;
DROP TRIGGER read_throughs_sort_keys_insert;
DROP TRIGGER books_sort_keys_update;
DROP TRIGGER books_sort_keys_insert;
DROP VIEW book_sort_keys;
ALTER TABLE books DROP COLUMN progress_at;
ALTER TABLE books DROP COLUMN progress_percent;
ALTER TABLE books DROP COLUMN progress_page;
ALTER TABLE books DROP COLUMN finished_on;
ALTER TABLE books DROP COLUMN progress;
