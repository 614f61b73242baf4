-- +goose Up
-- A reader's goal for a year: so many books, or so many pages, finished or read in it. Past
-- years keep theirs, to show how they went.
CREATE TABLE reading_goals (
    owner_id INTEGER    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    year     INTEGER    NOT NULL,
    unit     VARCHAR(8) NOT NULL CHECK (unit IN ('books', 'pages')),
    target   INTEGER    NOT NULL CHECK (target > 0),
    PRIMARY KEY (owner_id, year)
);

-- +goose Down
DROP TABLE reading_goals;
