-- +goose Up
-- Triggers that touch only what changed. An UPDATE that names a column fires the triggers on it
-- even when its value stays the same: saving a book's rating or pages (reading.go sets pages,
-- rating, notes and ISBN together), an import's update of a known book, or an edit that changes
-- nothing, took the book out of the search index and put it back (a tombstone and a new segment
-- in books_fts_data, merged later) and took one from its genre's count and gave it back (the
-- genres row written twice). Now the search index is rewritten only when indexed text changes,
-- and the genre counts only when the owner, the genre or whether the book is live changes.
DROP TRIGGER books_fts_update;
-- +goose StatementBegin
CREATE TRIGGER books_fts_update AFTER UPDATE OF title, author, genre, notes, isbn ON books
WHEN OLD.title IS NOT NEW.title OR OLD.author IS NOT NEW.author OR OLD.genre IS NOT NEW.genre
    OR OLD.notes IS NOT NEW.notes OR OLD.isbn IS NOT NEW.isbn BEGIN
    DELETE FROM books_fts WHERE rowid = OLD.id;
    INSERT INTO books_fts (rowid, title, author, genre, notes, isbn)
    VALUES (NEW.id,
        CASE WHEN NEW.title GLOB '*[^ -~]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(NEW.title, 'ł', 'l'), 'Ł', 'L'), 'ø', 'o'), 'Ø', 'O'), 'æ', 'ae'), 'Æ', 'AE'), 'œ', 'oe'), 'Œ', 'OE'), 'ß', 'ss'), 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'), 'þ', 'th'), 'Þ', 'TH'), 'ı', 'i') ELSE NEW.title END,
        CASE WHEN NEW.author GLOB '*[^ -~]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(NEW.author, 'ł', 'l'), 'Ł', 'L'), 'ø', 'o'), 'Ø', 'O'), 'æ', 'ae'), 'Æ', 'AE'), 'œ', 'oe'), 'Œ', 'OE'), 'ß', 'ss'), 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'), 'þ', 'th'), 'Þ', 'TH'), 'ı', 'i') ELSE NEW.author END,
        CASE WHEN NEW.genre GLOB '*[^ -~]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(NEW.genre, 'ł', 'l'), 'Ł', 'L'), 'ø', 'o'), 'Ø', 'O'), 'æ', 'ae'), 'Æ', 'AE'), 'œ', 'oe'), 'Œ', 'OE'), 'ß', 'ss'), 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'), 'þ', 'th'), 'Þ', 'TH'), 'ı', 'i') ELSE NEW.genre END,
        CASE WHEN NEW.notes GLOB '*[^ -~]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(NEW.notes, 'ł', 'l'), 'Ł', 'L'), 'ø', 'o'), 'Ø', 'O'), 'æ', 'ae'), 'Æ', 'AE'), 'œ', 'oe'), 'Œ', 'OE'), 'ß', 'ss'), 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'), 'þ', 'th'), 'Þ', 'TH'), 'ı', 'i') ELSE NEW.notes END, COALESCE(NEW.isbn, ''));
END;
-- +goose StatementEnd
DROP TRIGGER books_genres_update;
-- +goose StatementBegin
CREATE TRIGGER books_genres_update AFTER UPDATE OF owner_id, genre, deleted_at ON books
WHEN OLD.owner_id IS NOT NEW.owner_id OR OLD.genre IS NOT NEW.genre
    OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL) BEGIN
    UPDATE genres SET books = books - 1
    WHERE OLD.deleted_at IS NULL AND OLD.genre <> '' AND owner_id = OLD.owner_id AND name_key = lower(OLD.genre);
    INSERT INTO genres (owner_id, name_key, name, books)
    SELECT NEW.owner_id, lower(NEW.genre), NEW.genre, 1
    WHERE NEW.owner_id IS NOT NULL AND NEW.deleted_at IS NULL AND NEW.genre <> ''
    ON CONFLICT (owner_id, name_key) DO UPDATE SET books = books + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER books_fts_update;
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
DROP TRIGGER books_genres_update;
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
