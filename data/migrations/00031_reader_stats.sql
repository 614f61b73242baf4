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

-- What Down kept aside comes back: the goals in hours (unless the reader set that year's goal
-- again meanwhile) and the time zones. The tables are there only after a Down.
CREATE TABLE IF NOT EXISTS kept_hours_goals (
    owner_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    year     INTEGER NOT NULL,
    target   INTEGER NOT NULL,
    PRIMARY KEY (owner_id, year)
);
INSERT INTO reading_goals (owner_id, year, unit, target)
SELECT k.owner_id, k.year, 'hours', k.target FROM kept_hours_goals k
WHERE NOT EXISTS (SELECT 1 FROM reading_goals g WHERE g.owner_id = k.owner_id AND g.year = k.year);
DROP TABLE kept_hours_goals;
CREATE TABLE IF NOT EXISTS kept_time_zones (
    user_id   INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    time_zone VARCHAR(64) NOT NULL
);
UPDATE users SET time_zone = (SELECT k.time_zone FROM kept_time_zones k WHERE k.user_id = users.id)
WHERE id IN (SELECT user_id FROM kept_time_zones);
DROP TABLE kept_time_zones;

CREATE INDEX read_throughs_ended ON read_throughs (outcome, finished_on, book_id) WHERE finished_on IS NOT NULL;

-- +goose Down
-- A goal in hours has no place in the older table, nor a time zone in the older users: both are
-- kept aside (kept_hours_goals, kept_time_zones, which the older schema ignores), and Up brings
-- them back; the reader's goals in books and pages stay where they are.
DROP INDEX read_throughs_ended;
CREATE TABLE kept_hours_goals (
    owner_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    year     INTEGER NOT NULL,
    target   INTEGER NOT NULL,
    PRIMARY KEY (owner_id, year)
);
INSERT INTO kept_hours_goals (owner_id, year, target) SELECT owner_id, year, target FROM reading_goals WHERE unit = 'hours';
CREATE TABLE kept_time_zones (
    user_id   INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    time_zone VARCHAR(64) NOT NULL
);
INSERT INTO kept_time_zones (user_id, time_zone) SELECT id, time_zone FROM users WHERE time_zone <> 'UTC';
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
