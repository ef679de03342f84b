-- Full-text search held by PostgreSQL: one row per searchable record with its analysed words
-- (jieba words, stemmed English, pairs of Chinese characters, and the organisations above it)
-- as a tsvector under a GIN index, so every server answers from the database with memory and
-- start-up time independent of the corpus.
CREATE SEQUENCE search_documents_seq;

CREATE TABLE search_documents (
    kind TEXT NOT NULL,
    id BIGINT NOT NULL,
    -- Order of indexing: newest first among equals, as the in-memory index ranks.
    seq BIGINT NOT NULL,
    org_id BIGINT NOT NULL,
    org_path TEXT NOT NULL,
    org_name TEXT NOT NULL,
    year INTEGER NOT NULL,
    status TEXT NOT NULL,
    owners BIGINT[] NOT NULL,
    published BOOLEAN NOT NULL,
    private BOOLEAN NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    title_words TEXT[] NOT NULL,
    length INTEGER NOT NULL,
    lexemes TSVECTOR NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX search_documents_lexemes_idx ON search_documents USING gin (lexemes);
CREATE INDEX search_documents_newest_idx ON search_documents (seq DESC);

-- English words ever indexed and how often, for spelling tolerance.
CREATE TABLE search_words (
    word TEXT PRIMARY KEY,
    uses BIGINT NOT NULL
);

-- Records changed and not yet re-indexed: filled in the transaction of every change (from the
-- change log, by the trigger below), drained by whichever server takes the drain lock.
CREATE TABLE search_pending (
    id BIGSERIAL PRIMARY KEY,
    object_type TEXT NOT NULL,
    object_id BIGINT NOT NULL
);

CREATE FUNCTION search_pending_from_change_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_pending (object_type, object_id) VALUES (NEW.object_type, NEW.object_id);
    RETURN NULL;
END;
$$;

CREATE TRIGGER change_log_to_search_pending AFTER INSERT ON change_log
    FOR EACH ROW EXECUTE FUNCTION search_pending_from_change_log();

-- Everything already stored is indexed by the first drain.
INSERT INTO search_pending (object_type, object_id)
SELECT 'search_index', 0
WHERE EXISTS (SELECT 1 FROM proposals) OR EXISTS (SELECT 1 FROM users)
   OR EXISTS (SELECT 1 FROM studios) OR EXISTS (SELECT 1 FROM achievements)
   OR EXISTS (SELECT 1 FROM patents);
