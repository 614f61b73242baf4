-- +goose NO TRANSACTION
-- +goose Up
-- A reading may have unknown dates: a book read "some time, date unknown" has neither a start
-- nor a finish, a finish date may be known without its start, and a book being read may have
-- been started on a day the reader does not know. started_on becomes nullable, and a finished
-- reading no longer needs a finish date; an open one still has none, a book still has one open
-- reading at most, and a finish is never before a known start.
--
-- SQLite cannot drop a NOT NULL with ALTER TABLE, so the table is rebuilt by the twelve steps
-- of https://www.sqlite.org/lang_altertable.html#otheralter. Step 1 turns foreign keys off:
-- with them on, DROP TABLE read_throughs would delete every progress update through its ON
-- DELETE CASCADE. The pragma does nothing inside a transaction, hence NO TRANSACTION and the
-- explicit BEGIN and COMMIT (the writer pool is one connection, so every statement here runs on
-- it). Should the process die after COMMIT and before goose records the version, the migration
-- runs again on the next open and rebuilds the same table again: every step is safe to repeat.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

-- Steps 3 and 9: the view and the triggers that name read_throughs go first (and come back
-- below exactly as migration 00005 made them): renaming a table into place fails while a view or
-- trigger names a table that does not exist. The triggers ON read_throughs would go with the
-- table; they are dropped here all the same, to list in one place what is rebuilt.
DROP TRIGGER IF EXISTS books_sort_keys_insert;
DROP TRIGGER IF EXISTS books_sort_keys_update;
DROP TRIGGER IF EXISTS read_throughs_sort_keys_insert;
DROP TRIGGER IF EXISTS read_throughs_sort_keys_update;
DROP TRIGGER IF EXISTS read_throughs_sort_keys_delete;
DROP TRIGGER IF EXISTS progress_updates_sort_keys_insert;
DROP TRIGGER IF EXISTS progress_updates_sort_keys_delete;
DROP VIEW IF EXISTS book_sort_keys;

-- Step 4.
DROP TABLE IF EXISTS read_throughs_new;
CREATE TABLE read_throughs_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    book_id         INTEGER     NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    -- NULL when the reader does not know when the reading began.
    started_on      DATE,
    -- NULL while the reading is open, or when the reader does not know when it ended.
    finished_on     DATE,
    -- reading (open), read, or dnf (did not finish).
    outcome         VARCHAR(10) NOT NULL DEFAULT 'reading' CHECK (outcome IN ('reading', 'read', 'dnf')),
    stopped_at_page INTEGER     CHECK (stopped_at_page IS NULL OR stopped_at_page >= 0),
    CHECK (finished_on IS NULL OR started_on IS NULL OR finished_on >= started_on),
    -- An open reading has no finish date.
    CHECK (outcome <> 'reading' OR finished_on IS NULL)
);

-- Step 5: every row, with its id, which progress_updates refers to.
INSERT INTO read_throughs_new (id, book_id, started_on, finished_on, outcome, stopped_at_page)
SELECT id, book_id, started_on, finished_on, outcome, stopped_at_page FROM read_throughs;
-- AUTOINCREMENT keeps its high-water mark in sqlite_sequence, which the rename carries over: the
-- id of a deleted reading is never given again, whether or not readings are left.
DELETE FROM sqlite_sequence WHERE name = 'read_throughs_new';
INSERT INTO sqlite_sequence (name, seq)
SELECT 'read_throughs_new', MAX(seq) FROM (
    SELECT seq FROM sqlite_sequence WHERE name = 'read_throughs'
    UNION ALL SELECT MAX(id) FROM read_throughs_new)
HAVING MAX(seq) IS NOT NULL;

-- Steps 6 and 7 (the indexes go with the old table).
DROP TABLE read_throughs;
ALTER TABLE read_throughs_new RENAME TO read_throughs;

-- Step 8: the indexes of migration 00004, and the view and triggers of migration 00005.
CREATE INDEX read_throughs_book ON read_throughs (book_id, started_on);
-- A book is read once at a time.
CREATE UNIQUE INDEX read_throughs_open ON read_throughs (book_id) WHERE outcome = 'reading';

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

-- Step 10. The check reports rather than fails; TestMigrateReadingDates asks it again after
-- migrating a database full of readings and progress, and wants nothing.
PRAGMA foreign_key_check;
-- Step 11.
COMMIT;
-- Step 12.
PRAGMA foreign_keys = ON;

-- +goose Down
-- Not undone: going back would have to invent the dates that are unknown.
SELECT 1;
