-- Every campaign kind: a best-proposals campaign declares proposals, a titling campaign people
-- (the declaration's record is then a proposal or a user). A titling campaign names the title
-- it confers and its level; a title won in an announced campaign is a title record that keeps
-- the declaration it came from (one title per declaration).
--
-- SQLite cannot change a CHECK constraint, so declarations is rebuilt with the same columns,
-- constraints and index, the way 0014 rebuilt the studios' tables: the rows are set aside, the
-- table is dropped and created again under its own name, and foreign keys are deferred to the
-- commit, where they hold again.
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE declarations_before AS SELECT * FROM declarations;
DROP TABLE declarations;
CREATE TABLE declarations (
    id INTEGER PRIMARY KEY,
    campaign_id BIGINT NOT NULL CONSTRAINT declarations_campaign_fk REFERENCES campaigns (id),
    -- Numbered within the campaign, in order of declaration.
    number BIGINT NOT NULL,
    -- The participating unit whose quota it counts against.
    participant_id BIGINT NOT NULL CONSTRAINT declarations_participant_fk REFERENCES organisations (id),
    record_type TEXT NOT NULL CONSTRAINT declarations_record_type_check
        CHECK (record_type IN ('achievement', 'skill', 'proposal', 'person')),
    record_id BIGINT NOT NULL,
    -- The record's unit, title, summary and field as attached (read from the record).
    unit_id BIGINT NOT NULL CONSTRAINT declarations_unit_fk REFERENCES organisations (id),
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    field TEXT NOT NULL,
    first_completer_id BIGINT CONSTRAINT declarations_first_completer_fk REFERENCES users (id),
    status TEXT NOT NULL CONSTRAINT declarations_status_check CHECK (status IN ('submitted', 'returned', 'accepted')),
    return_reasons TEXT,
    correct_by TEXT,
    forwarded_from BIGINT CONSTRAINT declarations_forwarded_fk REFERENCES declarations (id),
    tier TEXT CONSTRAINT declarations_tier_check CHECK (tier IN ('first', 'second', 'third', 'excellent')),
    declared_by BIGINT CONSTRAINT declarations_declared_by_fk REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT declarations_record_key UNIQUE (campaign_id, record_type, record_id),
    CONSTRAINT declarations_number_key UNIQUE (campaign_id, number)
);
INSERT INTO declarations (id, campaign_id, number, participant_id, record_type, record_id, unit_id, title,
    summary, field, first_completer_id, status, return_reasons, correct_by, forwarded_from, tier,
    declared_by, created_at, updated_at)
SELECT id, campaign_id, number, participant_id, record_type, record_id, unit_id, title,
    summary, field, first_completer_id, status, return_reasons, correct_by, forwarded_from, tier,
    declared_by, created_at, updated_at
FROM declarations_before;
DROP TABLE declarations_before;
CREATE INDEX declarations_participant_idx ON declarations (campaign_id, participant_id);

ALTER TABLE campaigns ADD COLUMN title_name TEXT;
ALTER TABLE campaigns ADD COLUMN title_level TEXT CONSTRAINT campaigns_title_level_check
    CHECK (title_level IN ('enterprise', 'municipal', 'provincial', 'national'));

ALTER TABLE titles ADD COLUMN declaration_id BIGINT CONSTRAINT titles_declaration_fk REFERENCES declarations (id);
CREATE UNIQUE INDEX titles_declaration_key ON titles (declaration_id);
