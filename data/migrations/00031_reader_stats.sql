-- +goose Up
-- Issue 14's remainder. (1) A yearly goal may be in hours listened: the CHECK on the unit takes
-- 'hours', which SQLite changes only by making the table again. (2) A reader's time zone (an
-- IANA name, checked by the store with time.LoadLocation), whose days the stats count in; 'UTC'
-- for every reader until they choose. (3) The library's filter by when a reading finished
-- (/books?finished=2026-03) finds the readings ended in a span on an index of their end dates,
-- rather than reading every reading of every reader.
CREATE TABLE reading_goals_new (
    owner_id INTEGER    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    year     INTEGER    NOT NULL,
    unit     VARCHAR(8) NOT NULL CHECK (unit IN ('books', 'pages', 'hours')),
    target   INTEGER    NOT NULL CHECK (target > 0),
    PRIMARY KEY (owner_id, year)
);
INSERT INTO reading_goals_new (owner_id, year, unit, target) SELECT owner_id, year, unit, target FROM reading_goals;
DROP TABLE reading_goals;
ALTER TABLE reading_goals_new RENAME TO reading_goals;

ALTER TABLE users ADD COLUMN time_zone VARCHAR(64) NOT NULL DEFAULT 'UTC';

CREATE INDEX read_throughs_ended ON read_throughs (outcome, finished_on, book_id) WHERE finished_on IS NOT NULL;

-- +goose Down
-- A goal in hours has no place in the older table: it goes (the reader's other years keep theirs).
DROP INDEX read_throughs_ended;
ALTER TABLE users DROP COLUMN time_zone;
CREATE TABLE reading_goals_old (
    owner_id INTEGER    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    year     INTEGER    NOT NULL,
    unit     VARCHAR(8) NOT NULL CHECK (unit IN ('books', 'pages')),
    target   INTEGER    NOT NULL CHECK (target > 0),
    PRIMARY KEY (owner_id, year)
);
INSERT INTO reading_goals_old (owner_id, year, unit, target)
SELECT owner_id, year, unit, target FROM reading_goals WHERE unit IN ('books', 'pages');
DROP TABLE reading_goals;
ALTER TABLE reading_goals_old RENAME TO reading_goals;
