-- +goose Up
-- Reading status, progress, rating, notes and ISBN per book; shelves of the reader's own making.
-- Every new row belongs to a book or shelf that belongs to a reader: ownership is checked in the
-- store through books.owner_id and shelves.owner_id, and deleting a book (when purged) or a shelf
-- removes only what hangs from it.
ALTER TABLE books ADD COLUMN status VARCHAR(10) NOT NULL DEFAULT 'want'
    CHECK (status IN ('want', 'reading', 'read', 'dnf'));
ALTER TABLE books ADD COLUMN pages INTEGER CHECK (pages IS NULL OR pages > 0);
-- Half stars: 1 is half a star, 10 is five stars; NULL is unrated.
ALTER TABLE books ADD COLUMN rating INTEGER CHECK (rating IS NULL OR rating BETWEEN 1 AND 10);
ALTER TABLE books ADD COLUMN notes TEXT NOT NULL DEFAULT '';
-- Normalised ISBN-13, or NULL.
ALTER TABLE books ADD COLUMN isbn VARCHAR(13);
CREATE INDEX books_owner_status ON books (owner_id, status, id) WHERE deleted_at IS NULL;
-- Live books per status, kept by the store beside the total, so the tabs' counts are one row read.
-- Every book is "want" so far.
ALTER TABLE book_counts ADD COLUMN want INTEGER NOT NULL DEFAULT 0 CHECK (want >= 0);
ALTER TABLE book_counts ADD COLUMN reading INTEGER NOT NULL DEFAULT 0 CHECK (reading >= 0);
ALTER TABLE book_counts ADD COLUMN read INTEGER NOT NULL DEFAULT 0 CHECK (read >= 0);
ALTER TABLE book_counts ADD COLUMN dnf INTEGER NOT NULL DEFAULT 0 CHECK (dnf >= 0);
UPDATE book_counts SET want = live;

CREATE TABLE shelves (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id   INTEGER      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       VARCHAR(100) NOT NULL,
    -- The name folded for comparison, so "Owned" and "owned" are one shelf.
    name_key   VARCHAR(100) NOT NULL,
    position   INTEGER      NOT NULL,
    created_at TIMESTAMP    NOT NULL,
    UNIQUE (owner_id, name_key)
);

CREATE TABLE book_shelves (
    book_id  INTEGER   NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    shelf_id INTEGER   NOT NULL REFERENCES shelves (id) ON DELETE CASCADE,
    added_at TIMESTAMP NOT NULL,
    PRIMARY KEY (book_id, shelf_id)
);
CREATE INDEX book_shelves_shelf ON book_shelves (shelf_id, book_id);

-- One reading of a book, from start to finish (or to where the reader stopped).
CREATE TABLE read_throughs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    book_id         INTEGER     NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    started_on      DATE        NOT NULL,
    finished_on     DATE,
    -- reading (open), read, or dnf (did not finish).
    outcome         VARCHAR(10) NOT NULL DEFAULT 'reading' CHECK (outcome IN ('reading', 'read', 'dnf')),
    stopped_at_page INTEGER     CHECK (stopped_at_page IS NULL OR stopped_at_page >= 0),
    CHECK (finished_on IS NULL OR finished_on >= started_on),
    -- Open exactly while it has no finish date.
    CHECK ((outcome = 'reading') = (finished_on IS NULL))
);
CREATE INDEX read_throughs_book ON read_throughs (book_id, started_on);
-- A book is read once at a time.
CREATE UNIQUE INDEX read_throughs_open ON read_throughs (book_id) WHERE outcome = 'reading';

-- Each progress update is kept with its time, for history and statistics.
CREATE TABLE progress_updates (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    read_through_id INTEGER   NOT NULL REFERENCES read_throughs (id) ON DELETE CASCADE,
    page            INTEGER   CHECK (page IS NULL OR page >= 0),
    percent         REAL      CHECK (percent IS NULL OR (percent >= 0 AND percent <= 100)),
    recorded_at     TIMESTAMP NOT NULL,
    CHECK (page IS NOT NULL OR percent IS NOT NULL)
);
CREATE INDEX progress_updates_read_through ON progress_updates (read_through_id, recorded_at);

-- +goose Down
DROP TABLE progress_updates;
DROP INDEX read_throughs_open;
DROP TABLE read_throughs;
DROP TABLE book_shelves;
DROP TABLE shelves;
DROP INDEX books_owner_status;
ALTER TABLE book_counts DROP COLUMN dnf;
ALTER TABLE book_counts DROP COLUMN read;
ALTER TABLE book_counts DROP COLUMN reading;
ALTER TABLE book_counts DROP COLUMN want;
ALTER TABLE books DROP COLUMN isbn;
ALTER TABLE books DROP COLUMN notes;
ALTER TABLE books DROP COLUMN rating;
ALTER TABLE books DROP COLUMN pages;
ALTER TABLE books DROP COLUMN status;
