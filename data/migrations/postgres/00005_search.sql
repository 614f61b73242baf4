-- +goose Up
-- Full-text search on PostgreSQL, with the semantics of SQLite's FTS5 index (migrations 00005, 00024,
-- 00027 and 00028 there): every word of a search matches the start of a word of a book's title,
-- authors, genre, private notes, ISBN, series, publisher or review, ignoring case and accents.
--
-- A book's words are kept in book_search, one tsvector a book, indexed by GIN, as books_fts is kept
-- beside books on SQLite. bookcase_fold turns text into the words SQLite's unicode61 tokenizer
-- (remove_diacritics 2) makes of it: unaccent removes accents and folds the letters unicode61 does
-- not (ł, ø, æ, œ, ß, đ, ð, þ, ı, as data.foldLetters does to a search on SQLite); lower-case; every
-- run of characters that are not letters or digits separates words. Case and letters are those of
-- ICU's root locale when the server has it (the database's own locale may be C, which knows no
-- letter past ASCII). The simple configuration keeps every word as it is: no stemming, no stop words.
-- One difference is known: unicode61 counts every number character as part of a word (½, ², Ⅻ),
-- where [:alnum:] knows letters and decimal digits only, so those separate words here.
--
-- unaccent is an extension from postgresql-contrib, in whichever schema of the database it was
-- made: data.checkUnaccent makes it before the migrations run (it is trusted since PostgreSQL 13:
-- the database's owner may), or says what to install or run. Its function is only STABLE (it
-- reads a dictionary found by the search path), so bookcase_fold names the function and the
-- dictionary with their schema and is IMMUTABLE, as an index's function must be.
-- +goose StatementBegin
DO $do$
DECLARE
    ext  text;
    coll text := 'default';
BEGIN
    SELECT n.nspname INTO ext FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'unaccent';
    IF ext IS NULL THEN
        RAISE EXCEPTION 'Bookcase''s search needs the PostgreSQL extension unaccent: run CREATE EXTENSION unaccent; in this database as a superuser or its owner (it comes with postgresql-contrib)';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu') THEN
        coll := 'und-x-icu';
    END IF;
    EXECUTE format($f$
        CREATE FUNCTION bookcase_fold(t text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        RETURN regexp_replace(lower(%1$I.unaccent(%2$L::regdictionary, t) COLLATE %3$I) COLLATE %3$I,
                              '[^[:alnum:]]+', ' ', 'g')
    $f$, ext, quote_ident(ext) || '.unaccent', coll);
END
$do$;
-- +goose StatementEnd

-- bookcase_search_query is the query of a search's words: each word, folded as the books' words
-- are, a prefix ('tolk':*), all of them required. Folding leaves letters, digits and spaces alone,
-- so no word can carry tsquery syntax (a quote, a colon, an operator). NULL when nothing is left.
-- +goose StatementBegin
CREATE FUNCTION bookcase_search_query(words text) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (SELECT to_tsquery('pg_catalog.simple', string_agg('''' || w || ''':*', ' & '))
        FROM regexp_split_to_table(bookcase_fold(words), ' ') AS w WHERE w <> '');
-- +goose StatementEnd

-- What the index holds for a book, defined once (the importer indexes its books from it too,
-- data.importer.indexBooks): as SQLite's view, without the folding, which bookcase_fold does.
CREATE VIEW book_search_text AS
SELECT b.id AS book_id, b.title, b.author, b.genre, b.notes, COALESCE(b.isbn, '') AS isbn,
       COALESCE((SELECT string_agg(s.name, ' / ') FROM book_series bs JOIN series s ON s.id = bs.series_id
                 WHERE bs.book_id = b.id), '') AS series,
       COALESCE(e.publisher, '') AS publisher,
       b.review
FROM books b LEFT JOIN editions e ON e.book_id = b.id;

-- Contentless as on SQLite: the words without their positions (no search asks for a phrase).
CREATE TABLE book_search (
    book_id BIGINT   PRIMARY KEY REFERENCES books (id) ON DELETE CASCADE,
    doc     tsvector NOT NULL
);
CREATE INDEX book_search_doc ON book_search USING gin (doc);

-- bookcase_search_doc is what the index holds for a book: its words, folded.
-- +goose StatementBegin
CREATE FUNCTION bookcase_search_doc(t book_search_text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN strip(to_tsvector('pg_catalog.simple',
    bookcase_fold(concat_ws(' ', t.title, t.author, t.genre, t.notes, t.isbn, t.series, t.publisher, t.review))));
-- +goose StatementEnd

-- bookcase_index_books puts the books' words into the index, replacing what it held of them, a
-- statement for them all (an import's books, a renamed series' books). PL/pgSQL keeps the plan of
-- its statement, which a SQL function would make again at every call.
-- +goose StatementBegin
CREATE FUNCTION bookcase_index_books(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO book_search (book_id, doc)
    SELECT t.book_id, bookcase_search_doc(t) FROM book_search_text t WHERE t.book_id = ANY (ids)
    ON CONFLICT (book_id) DO UPDATE SET doc = EXCLUDED.doc;
END
$$;
-- +goose StatementEnd

SELECT bookcase_index_books(ARRAY(SELECT id FROM books WHERE pending_import IS NULL));

-- bookcase_index_book puts one book's words into the index, unless it is being imported. A book
-- by its id, not an array of one: the plan of = ANY (array) made writing a book about 2 ms slower
-- (2,000 books in one INSERT, EXPLAIN ANALYZE's trigger times).
-- +goose StatementBegin
CREATE FUNCTION bookcase_index_book(book bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO book_search (book_id, doc)
    SELECT t.book_id, bookcase_search_doc(t) FROM book_search_text t JOIN books b ON b.id = t.book_id
    WHERE t.book_id = book AND b.pending_import IS NULL
    ON CONFLICT (book_id) DO UPDATE SET doc = EXCLUDED.doc;
END
$$;
-- +goose StatementEnd

-- The triggers keep the index in step with the books, as SQLite's do: a book is indexed when it
-- is made, when its words change, and when its series, a series' name or its publisher change;
-- a book being imported (pending_import) is left to its import, which indexes it when it is whole.
-- A deleted book's words go with it (ON DELETE CASCADE); a soft-deleted book stays indexed, and
-- the search keeps the live books.
-- +goose StatementBegin
CREATE FUNCTION bookcase_search_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'books' THEN
        PERFORM bookcase_index_book(NEW.id);
    ELSIF TG_TABLE_NAME = 'series' THEN
        PERFORM bookcase_index_books(ARRAY(
            SELECT bs.book_id FROM book_series bs JOIN books b ON b.id = bs.book_id
            WHERE bs.series_id = NEW.id AND b.pending_import IS NULL));
    ELSE
        -- book_series and editions: the book that lost a row, and the book that gained one.
        IF TG_OP = 'INSERT' THEN
            PERFORM bookcase_index_book(NEW.book_id);
        ELSE
            PERFORM bookcase_index_book(OLD.book_id);
            IF TG_OP = 'UPDATE' AND NEW.book_id <> OLD.book_id THEN
                PERFORM bookcase_index_book(NEW.book_id);
            END IF;
        END IF;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER books_search_insert AFTER INSERT ON books
FOR EACH ROW WHEN (NEW.pending_import IS NULL) EXECUTE FUNCTION bookcase_search_trigger();
CREATE TRIGGER books_search_update AFTER UPDATE OF title, author, genre, notes, isbn, review ON books
FOR EACH ROW WHEN (NEW.pending_import IS NULL AND (OLD.title, OLD.author, OLD.genre, OLD.notes, OLD.isbn, OLD.review)
    IS DISTINCT FROM (NEW.title, NEW.author, NEW.genre, NEW.notes, NEW.isbn, NEW.review))
EXECUTE FUNCTION bookcase_search_trigger();
CREATE TRIGGER book_series_search AFTER INSERT OR DELETE OR UPDATE OF book_id, series_id ON book_series
FOR EACH ROW EXECUTE FUNCTION bookcase_search_trigger();
CREATE TRIGGER series_search_rename AFTER UPDATE OF name ON series
FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION bookcase_search_trigger();
CREATE TRIGGER editions_search_insert AFTER INSERT ON editions
FOR EACH ROW WHEN (NEW.publisher <> '') EXECUTE FUNCTION bookcase_search_trigger();
CREATE TRIGGER editions_search_update AFTER UPDATE OF publisher ON editions
FOR EACH ROW WHEN (OLD.publisher IS DISTINCT FROM NEW.publisher) EXECUTE FUNCTION bookcase_search_trigger();
CREATE TRIGGER editions_search_delete AFTER DELETE ON editions
FOR EACH ROW WHEN (OLD.publisher <> '') EXECUTE FUNCTION bookcase_search_trigger();

-- +goose Down
DROP TRIGGER editions_search_delete ON editions;
DROP TRIGGER editions_search_update ON editions;
DROP TRIGGER editions_search_insert ON editions;
DROP TRIGGER series_search_rename ON series;
DROP TRIGGER book_series_search ON book_series;
DROP TRIGGER books_search_update ON books;
DROP TRIGGER books_search_insert ON books;
DROP FUNCTION bookcase_search_trigger();
DROP FUNCTION bookcase_index_book(bigint);
DROP FUNCTION bookcase_index_books(bigint[]);
DROP FUNCTION bookcase_search_doc(book_search_text);
DROP TABLE book_search;
DROP VIEW book_search_text;
DROP FUNCTION bookcase_search_query(text);
DROP FUNCTION bookcase_fold(text);
