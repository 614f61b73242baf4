-- +goose Up
-- A new contributor's title key comes with its row (insertContributor reads it from the book):
-- the trigger that wrote it after the insert updated the row again for every book added, which
-- wrote a second version of it and ran the authors' count triggers of an UPDATE. It stays for a
-- row inserted without its key.
DROP TRIGGER book_contributors_title_key ON book_contributors;
CREATE TRIGGER book_contributors_title_key AFTER INSERT ON book_contributors
FOR EACH ROW WHEN (NEW.title_key IS NULL) EXECUTE FUNCTION book_contributors_title_key();

-- +goose Down
DROP TRIGGER book_contributors_title_key ON book_contributors;
CREATE TRIGGER book_contributors_title_key AFTER INSERT ON book_contributors
FOR EACH ROW EXECUTE FUNCTION book_contributors_title_key();
