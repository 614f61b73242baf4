-- +goose Up
-- The library's filter by when a book was read (/books?read=2026-03-05, the stats calendar's
-- links) collects the progress updates recorded in a span by their time, and the readings
-- ended on or after the span's first day with their start dates, from the index alone (those
-- running through the span count too), rather than checking every book's readings in turn.
CREATE INDEX progress_updates_recorded ON progress_updates (recorded_at, read_through_id);
DROP INDEX read_throughs_ended;
CREATE INDEX read_throughs_ended ON read_throughs (outcome, finished_on, started_on, book_id) WHERE finished_on IS NOT NULL;

-- +goose Down
DROP INDEX read_throughs_ended;
CREATE INDEX read_throughs_ended ON read_throughs (outcome, finished_on, book_id) WHERE finished_on IS NOT NULL;
DROP INDEX progress_updates_recorded;
