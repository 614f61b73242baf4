-- +goose Up
-- A number per reader that every change to what their stats count moves on (their live books,
-- readings, progress updates and covers), so that stats computed once are kept until it moves
-- (statsCache). The triggers keep it, whatever writes: the server, the bookcase command, or
-- the sqlite3 shell. An import's books count once it makes them visible (Import bumps it then:
-- one change, not one per book), so the triggers leave pending books out.
CREATE TABLE reading_versions (
    owner_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    version  INTEGER NOT NULL
);

-- SQLite only: the triggers that move it (a PostgreSQL port writes these as its own triggers).
-- +goose StatementBegin
CREATE TRIGGER books_reading_version_insert AFTER INSERT ON books
WHEN NEW.owner_id IS NOT NULL AND NEW.pending_import IS NULL BEGIN
    INSERT INTO reading_versions (owner_id, version) VALUES (NEW.owner_id, 1)
    ON CONFLICT (owner_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER books_reading_version_update AFTER UPDATE ON books
WHEN NEW.owner_id IS NOT NULL AND NEW.pending_import IS NULL AND OLD.pending_import IS NULL BEGIN
    INSERT INTO reading_versions (owner_id, version) VALUES (NEW.owner_id, 1)
    ON CONFLICT (owner_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER books_reading_version_delete AFTER DELETE ON books
WHEN OLD.owner_id IS NOT NULL AND OLD.pending_import IS NULL BEGIN
    INSERT INTO reading_versions (owner_id, version) VALUES (OLD.owner_id, 1)
    ON CONFLICT (owner_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER read_throughs_reading_version_insert AFTER INSERT ON read_throughs BEGIN
    INSERT INTO reading_versions (owner_id, version)
    SELECT owner_id, 1 FROM books WHERE id = NEW.book_id AND owner_id IS NOT NULL AND pending_import IS NULL
    ON CONFLICT (owner_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER read_throughs_reading_version_update AFTER UPDATE ON read_throughs BEGIN
    INSERT INTO reading_versions (owner_id, version)
    SELECT owner_id, 1 FROM books WHERE id = NEW.book_id AND owner_id IS NOT NULL AND pending_import IS NULL
    ON CONFLICT (owner_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER read_throughs_reading_version_delete AFTER DELETE ON read_throughs BEGIN
    INSERT INTO reading_versions (owner_id, version)
    SELECT owner_id, 1 FROM books WHERE id = OLD.book_id AND owner_id IS NOT NULL AND pending_import IS NULL
    ON CONFLICT (owner_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER progress_updates_reading_version_insert AFTER INSERT ON progress_updates BEGIN
    INSERT INTO reading_versions (owner_id, version)
    SELECT b.owner_id, 1 FROM read_throughs r JOIN books b ON b.id = r.book_id
    WHERE r.id = NEW.read_through_id AND b.owner_id IS NOT NULL AND b.pending_import IS NULL
    ON CONFLICT (owner_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER progress_updates_reading_version_update AFTER UPDATE ON progress_updates BEGIN
    INSERT INTO reading_versions (owner_id, version)
    SELECT b.owner_id, 1 FROM read_throughs r JOIN books b ON b.id = r.book_id
    WHERE r.id = NEW.read_through_id AND b.owner_id IS NOT NULL AND b.pending_import IS NULL
    ON CONFLICT (owner_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER progress_updates_reading_version_delete AFTER DELETE ON progress_updates BEGIN
    INSERT INTO reading_versions (owner_id, version)
    SELECT b.owner_id, 1 FROM read_throughs r JOIN books b ON b.id = r.book_id
    WHERE r.id = OLD.read_through_id AND b.owner_id IS NOT NULL AND b.pending_import IS NULL
    ON CONFLICT (owner_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER covers_reading_version_insert AFTER INSERT ON covers BEGIN
    INSERT INTO reading_versions (owner_id, version)
    SELECT owner_id, 1 FROM books WHERE id = NEW.book_id AND owner_id IS NOT NULL AND pending_import IS NULL
    ON CONFLICT (owner_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER covers_reading_version_update AFTER UPDATE ON covers BEGIN
    INSERT INTO reading_versions (owner_id, version)
    SELECT owner_id, 1 FROM books WHERE id = NEW.book_id AND owner_id IS NOT NULL AND pending_import IS NULL
    ON CONFLICT (owner_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER covers_reading_version_delete AFTER DELETE ON covers BEGIN
    INSERT INTO reading_versions (owner_id, version)
    SELECT owner_id, 1 FROM books WHERE id = OLD.book_id AND owner_id IS NOT NULL AND pending_import IS NULL
    ON CONFLICT (owner_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER covers_reading_version_delete;
DROP TRIGGER covers_reading_version_update;
DROP TRIGGER covers_reading_version_insert;
DROP TRIGGER progress_updates_reading_version_delete;
DROP TRIGGER progress_updates_reading_version_update;
DROP TRIGGER progress_updates_reading_version_insert;
DROP TRIGGER read_throughs_reading_version_delete;
DROP TRIGGER read_throughs_reading_version_update;
DROP TRIGGER read_throughs_reading_version_insert;
DROP TRIGGER books_reading_version_delete;
DROP TRIGGER books_reading_version_update;
DROP TRIGGER books_reading_version_insert;
DROP TABLE reading_versions;
