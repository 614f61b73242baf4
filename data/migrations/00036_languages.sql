-- +goose Up
-- The languages of each reader's live books (those whose edition gives one), with how many books
-- each has, kept by triggers as the genres are (00005), so that the library's language filter
-- reads the reader's own few rows. It walked every language any edition has and looked for one
-- of the reader's books in each: a language only other readers' books have was read through,
-- edition by edition, on every library page of a reader who has none.
-- A pending book (an import's, 00016) counts when its import finishes: the importer adds its
-- books then, as it does their genres.
CREATE TABLE languages (
    owner_id INTEGER     NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    language VARCHAR(35) NOT NULL,
    books    INTEGER     NOT NULL,
    PRIMARY KEY (owner_id, language)
);

INSERT INTO languages (owner_id, language, books)
SELECT b.owner_id, e.language, COUNT(*) FROM editions e JOIN books b ON b.id = e.book_id
WHERE e.language <> '' AND b.deleted_at IS NULL AND b.pending_import IS NULL
GROUP BY b.owner_id, e.language;

-- +goose StatementBegin
CREATE TRIGGER editions_languages_insert AFTER INSERT ON editions
WHEN NEW.language <> '' BEGIN
    INSERT INTO languages (owner_id, language, books)
    SELECT b.owner_id, NEW.language, 1 FROM books b
    WHERE b.id = NEW.book_id AND b.deleted_at IS NULL AND b.pending_import IS NULL
    ON CONFLICT (owner_id, language) DO UPDATE SET books = books + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER editions_languages_update AFTER UPDATE OF language, book_id ON editions
WHEN OLD.language IS NOT NEW.language OR OLD.book_id IS NOT NEW.book_id BEGIN
    UPDATE languages SET books = books - 1
    WHERE OLD.language <> '' AND language = OLD.language AND owner_id = (
        SELECT b.owner_id FROM books b WHERE b.id = OLD.book_id AND b.deleted_at IS NULL AND b.pending_import IS NULL);
    INSERT INTO languages (owner_id, language, books)
    SELECT b.owner_id, NEW.language, 1 FROM books b
    WHERE NEW.language <> '' AND b.id = NEW.book_id AND b.deleted_at IS NULL AND b.pending_import IS NULL
    ON CONFLICT (owner_id, language) DO UPDATE SET books = books + 1;
END;
-- +goose StatementEnd
-- An edition deleted with its book (ON DELETE CASCADE) finds no book here: the book's own
-- trigger below has taken it out of the counts.
-- +goose StatementBegin
CREATE TRIGGER editions_languages_delete AFTER DELETE ON editions
WHEN OLD.language <> '' BEGIN
    UPDATE languages SET books = books - 1
    WHERE language = OLD.language AND owner_id = (
        SELECT b.owner_id FROM books b WHERE b.id = OLD.book_id AND b.deleted_at IS NULL AND b.pending_import IS NULL);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER books_languages_delete BEFORE DELETE ON books
WHEN OLD.deleted_at IS NULL AND OLD.pending_import IS NULL BEGIN
    UPDATE languages SET books = books - 1
    WHERE owner_id = OLD.owner_id AND language = (
        SELECT e.language FROM editions e WHERE e.book_id = OLD.id AND e.language <> '');
END;
-- +goose StatementEnd
-- Deleted, restored (Undo), or moved to another reader: not the flip of an import's books out of
-- pending, which the importer counts.
-- +goose StatementBegin
CREATE TRIGGER books_languages_update AFTER UPDATE OF owner_id, deleted_at ON books
WHEN (OLD.owner_id IS NOT NEW.owner_id OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL))
    AND NEW.pending_import IS NULL
    AND EXISTS (SELECT 1 FROM editions e WHERE e.book_id = NEW.id AND e.language <> '') BEGIN
    UPDATE languages SET books = books - 1
    WHERE OLD.deleted_at IS NULL AND owner_id = OLD.owner_id AND language = (
        SELECT e.language FROM editions e WHERE e.book_id = OLD.id);
    INSERT INTO languages (owner_id, language, books)
    SELECT NEW.owner_id, e.language, 1 FROM editions e
    WHERE NEW.deleted_at IS NULL AND e.book_id = NEW.id
    ON CONFLICT (owner_id, language) DO UPDATE SET books = books + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER books_languages_update;
DROP TRIGGER books_languages_delete;
DROP TRIGGER editions_languages_delete;
DROP TRIGGER editions_languages_update;
DROP TRIGGER editions_languages_insert;
DROP TABLE languages;
