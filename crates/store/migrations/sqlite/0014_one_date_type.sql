-- One date type: every calendar day is 'YYYY-MM-DD' text, as campaigns, achievements and
-- programmes already store theirs; the studios' and digests' yyyymmdd numbers are rewritten
-- digit for digit (the same arithmetic as the PostgreSQL migration; NULL stays NULL). Instants
-- stay BIGINT milliseconds.
--
-- SQLite cannot change a column's type, so each table is rebuilt with the same columns,
-- constraints and indexes. The rows are first set aside in a temporary table and the table is
-- dropped and created again under its own name: renaming a new table into place would leave
-- the rows that refer to it counted as foreign key violations, and renaming the old one away
-- would make those rows refer to the old name. The migration runs in one transaction, where
-- foreign keys cannot be switched off; deferred to the commit, they hold again by then.
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE studios_before AS SELECT * FROM studios;
DROP TABLE studios;
CREATE TABLE studios (
    id INTEGER PRIMARY KEY,
    unit_id BIGINT NOT NULL CONSTRAINT studios_unit_fk REFERENCES organisations (id),
    lead_id BIGINT NOT NULL CONSTRAINT studios_lead_fk REFERENCES users (id),
    kind TEXT NOT NULL CONSTRAINT studios_kind_check CHECK (kind IN ('model_worker', 'employee', 'craftsman')),
    name TEXT NOT NULL,
    founded_on TEXT NOT NULL,
    address TEXT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL CONSTRAINT studios_status_check CHECK (status IN ('active', 'suspended', 'revoked')),
    -- The highest standing naming and the year it was published, kept with every naming change.
    level TEXT CONSTRAINT studios_level_check CHECK (level IN ('enterprise', 'municipal', 'provincial', 'national')),
    named_year BIGINT,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT studios_name_key UNIQUE (unit_id, name)
);
INSERT INTO studios (id, unit_id, lead_id, kind, name, founded_on, address, description, status, level, named_year, version, created_at, updated_at)
SELECT
    id, unit_id, lead_id, kind, name,
    printf('%04d-%02d-%02d', founded_on / 10000, founded_on / 100 % 100, founded_on % 100), address,
    description, status, level, named_year, version, created_at, updated_at
FROM studios_before;
DROP TABLE studios_before;
CREATE INDEX studios_level_idx ON studios (level, named_year);
CREATE INDEX studios_lead_idx ON studios (lead_id);

CREATE TEMP TABLE studio_members_before AS SELECT * FROM studio_members;
DROP TABLE studio_members;
CREATE TABLE studio_members (
    id INTEGER PRIMARY KEY,
    studio_id BIGINT NOT NULL CONSTRAINT studio_members_studio_fk REFERENCES studios (id),
    user_id BIGINT NOT NULL CONSTRAINT studio_members_user_fk REFERENCES users (id),
    role TEXT NOT NULL CONSTRAINT studio_members_role_check CHECK (role IN ('lead', 'member')),
    joined_on TEXT NOT NULL,
    left_on TEXT,
    recorded_at BIGINT
);
INSERT INTO studio_members (id, studio_id, user_id, role, joined_on, left_on, recorded_at)
SELECT
    id, studio_id, user_id, role,
    printf('%04d-%02d-%02d', joined_on / 10000, joined_on / 100 % 100, joined_on % 100),
    CASE WHEN left_on IS NULL THEN NULL ELSE printf('%04d-%02d-%02d', left_on / 10000, left_on / 100 % 100, left_on % 100) END,
    recorded_at
FROM studio_members_before;
DROP TABLE studio_members_before;
CREATE INDEX studio_members_studio_idx ON studio_members (studio_id);
CREATE INDEX studio_members_user_idx ON studio_members (user_id);

CREATE TEMP TABLE naming_calls_before AS SELECT * FROM naming_calls;
DROP TABLE naming_calls;
CREATE TABLE naming_calls (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL CONSTRAINT naming_calls_org_fk REFERENCES organisations (id),
    level TEXT NOT NULL CONSTRAINT naming_calls_level_check CHECK (level IN ('enterprise', 'municipal', 'provincial', 'national')),
    title TEXT NOT NULL,
    rules TEXT NOT NULL,
    deadline TEXT NOT NULL,
    -- The lowest honour the studio's lead must hold; NULL: none.
    min_honour TEXT CONSTRAINT naming_calls_min_honour_check CHECK (min_honour IN ('enterprise', 'municipal', 'provincial', 'national')),
    created_by BIGINT CONSTRAINT naming_calls_created_by_fk REFERENCES users (id),
    created_at BIGINT NOT NULL
);
INSERT INTO naming_calls (id, org_id, level, title, rules, deadline, min_honour, created_by, created_at)
SELECT
    id, org_id, level, title, rules,
    printf('%04d-%02d-%02d', deadline / 10000, deadline / 100 % 100, deadline % 100), min_honour,
    created_by, created_at
FROM naming_calls_before;
DROP TABLE naming_calls_before;
CREATE INDEX naming_calls_org_idx ON naming_calls (org_id, deadline);

CREATE TEMP TABLE site_reviews_before AS SELECT * FROM site_reviews;
DROP TABLE site_reviews;
CREATE TABLE site_reviews (
    id INTEGER PRIMARY KEY,
    application_id BIGINT NOT NULL CONSTRAINT site_reviews_application_fk REFERENCES naming_applications (id),
    reviewer_id BIGINT NOT NULL CONSTRAINT site_reviews_reviewer_fk REFERENCES users (id),
    visited_on TEXT NOT NULL,
    -- JSON: the checklist items found satisfied.
    checklist TEXT NOT NULL,
    score BIGINT NOT NULL CONSTRAINT site_reviews_score_check CHECK (score >= 0 AND score <= 100),
    comments TEXT NOT NULL,
    signature TEXT NOT NULL,
    signed_at BIGINT NOT NULL,
    CONSTRAINT site_reviews_application_key UNIQUE (application_id)
);
INSERT INTO site_reviews (id, application_id, reviewer_id, visited_on, checklist, score, comments, signature, signed_at)
SELECT
    id, application_id, reviewer_id,
    printf('%04d-%02d-%02d', visited_on / 10000, visited_on / 100 % 100, visited_on % 100),
    checklist, score, comments, signature, signed_at
FROM site_reviews_before;
DROP TABLE site_reviews_before;

CREATE TEMP TABLE naming_notices_before AS SELECT * FROM naming_notices;
DROP TABLE naming_notices;
CREATE TABLE naming_notices (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL CONSTRAINT naming_notices_org_fk REFERENCES organisations (id),
    number TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    title TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT naming_notices_number_key UNIQUE (org_id, number)
);
INSERT INTO naming_notices (id, org_id, number, issued_on, title, created_at)
SELECT
    id, org_id, number,
    printf('%04d-%02d-%02d', issued_on / 10000, issued_on / 100 % 100, issued_on % 100), title,
    created_at
FROM naming_notices_before;
DROP TABLE naming_notices_before;

CREATE TEMP TABLE studio_namings_before AS SELECT * FROM studio_namings;
DROP TABLE studio_namings;
CREATE TABLE studio_namings (
    id INTEGER PRIMARY KEY,
    studio_id BIGINT NOT NULL CONSTRAINT studio_namings_studio_fk REFERENCES studios (id),
    level TEXT NOT NULL CONSTRAINT studio_namings_level_check CHECK (level IN ('enterprise', 'municipal', 'provincial', 'national')),
    org_id BIGINT NOT NULL CONSTRAINT studio_namings_org_fk REFERENCES organisations (id),
    application_id BIGINT CONSTRAINT studio_namings_application_fk REFERENCES naming_applications (id),
    notice_id BIGINT NOT NULL CONSTRAINT studio_namings_notice_fk REFERENCES naming_notices (id),
    named_on TEXT NOT NULL,
    status TEXT NOT NULL CONSTRAINT studio_namings_status_check CHECK (status IN ('active', 'lost')),
    lost_on TEXT,
    lost_reason TEXT
);
INSERT INTO studio_namings (id, studio_id, level, org_id, application_id, notice_id, named_on, status, lost_on, lost_reason)
SELECT
    id, studio_id, level, org_id, application_id, notice_id,
    printf('%04d-%02d-%02d', named_on / 10000, named_on / 100 % 100, named_on % 100), status,
    CASE WHEN lost_on IS NULL THEN NULL ELSE printf('%04d-%02d-%02d', lost_on / 10000, lost_on / 100 % 100, lost_on % 100) END,
    lost_reason
FROM studio_namings_before;
DROP TABLE studio_namings_before;
CREATE INDEX studio_namings_studio_idx ON studio_namings (studio_id);
CREATE INDEX studio_namings_org_idx ON studio_namings (org_id, level);

CREATE TEMP TABLE funding_entries_before AS SELECT * FROM funding_entries;
DROP TABLE funding_entries;
CREATE TABLE funding_entries (
    id INTEGER PRIMARY KEY,
    funding_id BIGINT NOT NULL CONSTRAINT funding_entries_funding_fk REFERENCES studio_funding (id),
    kind TEXT NOT NULL CONSTRAINT funding_entries_kind_check CHECK (kind IN ('payment', 'spending')),
    category TEXT CONSTRAINT funding_entries_category_check
        CHECK (category IN ('equipment', 'materials', 'training', 'research', 'other')),
    amount_cents BIGINT NOT NULL CONSTRAINT funding_entries_amount_check CHECK (amount_cents > 0),
    on_date TEXT NOT NULL,
    note TEXT NOT NULL,
    created_by BIGINT CONSTRAINT funding_entries_created_by_fk REFERENCES users (id),
    created_at BIGINT NOT NULL
);
INSERT INTO funding_entries (id, funding_id, kind, category, amount_cents, on_date, note, created_by, created_at)
SELECT
    id, funding_id, kind, category, amount_cents,
    printf('%04d-%02d-%02d', on_date / 10000, on_date / 100 % 100, on_date % 100), note, created_by,
    created_at
FROM funding_entries_before;
DROP TABLE funding_entries_before;
CREATE INDEX funding_entries_funding_idx ON funding_entries (funding_id);

CREATE TEMP TABLE studio_assessments_before AS SELECT * FROM studio_assessments;
DROP TABLE studio_assessments;
CREATE TABLE studio_assessments (
    id INTEGER PRIMARY KEY,
    studio_id BIGINT NOT NULL CONSTRAINT studio_assessments_studio_fk REFERENCES studios (id),
    naming_id BIGINT NOT NULL CONSTRAINT studio_assessments_naming_fk REFERENCES studio_namings (id),
    org_id BIGINT NOT NULL CONSTRAINT studio_assessments_org_fk REFERENCES organisations (id),
    period TEXT NOT NULL,
    assessed_on TEXT NOT NULL,
    -- JSON: the standard used and each criterion's score.
    scores TEXT NOT NULL,
    total BIGINT NOT NULL,
    result TEXT NOT NULL CONSTRAINT studio_assessments_result_check CHECK (result IN ('excellent', 'pass', 'fail')),
    note TEXT NOT NULL,
    assessed_by BIGINT CONSTRAINT studio_assessments_assessed_by_fk REFERENCES users (id),
    created_at BIGINT NOT NULL,
    CONSTRAINT studio_assessments_period_key UNIQUE (naming_id, period)
);
INSERT INTO studio_assessments (id, studio_id, naming_id, org_id, period, assessed_on, scores, total, result, note, assessed_by, created_at)
SELECT
    id, studio_id, naming_id, org_id, period,
    printf('%04d-%02d-%02d', assessed_on / 10000, assessed_on / 100 % 100, assessed_on % 100),
    scores, total, result, note, assessed_by, created_at
FROM studio_assessments_before;
DROP TABLE studio_assessments_before;
CREATE INDEX studio_assessments_studio_idx ON studio_assessments (studio_id);

CREATE TEMP TABLE studio_outputs_before AS SELECT * FROM studio_outputs;
DROP TABLE studio_outputs;
CREATE TABLE studio_outputs (
    id INTEGER PRIMARY KEY,
    studio_id BIGINT NOT NULL CONSTRAINT studio_outputs_studio_fk REFERENCES studios (id),
    kind TEXT NOT NULL CONSTRAINT studio_outputs_kind_check CHECK (kind IN
        ('proposal', 'achievement', 'transformation', 'patent', 'skill_method', 'people_trained', 'economic_benefit')),
    title TEXT NOT NULL,
    on_date TEXT NOT NULL,
    count BIGINT NOT NULL CONSTRAINT studio_outputs_count_check CHECK (count >= 0),
    amount_cents BIGINT,
    patent_type TEXT CONSTRAINT studio_outputs_patent_type_check CHECK (patent_type IN ('invention', 'utility_model', 'design')),
    patent_stage TEXT CONSTRAINT studio_outputs_patent_stage_check CHECK (patent_stage IN ('applied', 'granted')),
    proposal_id BIGINT CONSTRAINT studio_outputs_proposal_fk REFERENCES proposals (id),
    created_by BIGINT CONSTRAINT studio_outputs_created_by_fk REFERENCES users (id),
    created_at BIGINT NOT NULL
);
INSERT INTO studio_outputs (id, studio_id, kind, title, on_date, count, amount_cents, patent_type, patent_stage, proposal_id, created_by, created_at)
SELECT
    id, studio_id, kind, title,
    printf('%04d-%02d-%02d', on_date / 10000, on_date / 100 % 100, on_date % 100), count,
    amount_cents, patent_type, patent_stage, proposal_id, created_by, created_at
FROM studio_outputs_before;
DROP TABLE studio_outputs_before;
CREATE INDEX studio_outputs_studio_idx ON studio_outputs (studio_id, kind);

CREATE TEMP TABLE studio_events_before AS SELECT * FROM studio_events;
DROP TABLE studio_events;
CREATE TABLE studio_events (
    id INTEGER PRIMARY KEY,
    studio_id BIGINT NOT NULL CONSTRAINT studio_events_studio_fk REFERENCES studios (id),
    at BIGINT NOT NULL,
    on_date TEXT NOT NULL,
    kind TEXT NOT NULL,
    actor_id BIGINT CONSTRAINT studio_events_actor_fk REFERENCES users (id),
    detail TEXT NOT NULL,
    public BOOLEAN NOT NULL
);
INSERT INTO studio_events (id, studio_id, at, on_date, kind, actor_id, detail, public)
SELECT
    id, studio_id, at, printf('%04d-%02d-%02d', on_date / 10000, on_date / 100 % 100, on_date % 100),
    kind, actor_id, detail, public
FROM studio_events_before;
DROP TABLE studio_events_before;
CREATE INDEX studio_events_studio_idx ON studio_events (studio_id, on_date, id);

CREATE TEMP TABLE alliances_before AS SELECT * FROM alliances;
DROP TABLE alliances;
CREATE TABLE alliances (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL CONSTRAINT alliances_org_fk REFERENCES organisations (id),
    kind TEXT NOT NULL CONSTRAINT alliances_kind_check CHECK (kind IN ('alliance', 'pairing')),
    name TEXT NOT NULL,
    lead_studio_id BIGINT NOT NULL CONSTRAINT alliances_lead_fk REFERENCES studios (id),
    founded_on TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
INSERT INTO alliances (id, org_id, kind, name, lead_studio_id, founded_on, description, created_at)
SELECT
    id, org_id, kind, name, lead_studio_id,
    printf('%04d-%02d-%02d', founded_on / 10000, founded_on / 100 % 100, founded_on % 100),
    description, created_at
FROM alliances_before;
DROP TABLE alliances_before;

CREATE TEMP TABLE alliance_members_before AS SELECT * FROM alliance_members;
DROP TABLE alliance_members;
CREATE TABLE alliance_members (
    alliance_id BIGINT NOT NULL CONSTRAINT alliance_members_alliance_fk REFERENCES alliances (id),
    studio_id BIGINT NOT NULL CONSTRAINT alliance_members_studio_fk REFERENCES studios (id),
    joined_on TEXT NOT NULL,
    PRIMARY KEY (alliance_id, studio_id)
);
INSERT INTO alliance_members (alliance_id, studio_id, joined_on)
SELECT
    alliance_id, studio_id,
    printf('%04d-%02d-%02d', joined_on / 10000, joined_on / 100 % 100, joined_on % 100)
FROM alliance_members_before;
DROP TABLE alliance_members_before;

CREATE TEMP TABLE digests_before AS SELECT * FROM digests;
DROP TABLE digests;
CREATE TABLE digests (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL CONSTRAINT digests_user_fk REFERENCES users (id),
    -- 'YYYY-MM-DD', in the deployment's local time.
    day TEXT NOT NULL,
    items BIGINT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT digests_user_day_key UNIQUE (user_id, day)
);
INSERT INTO digests (id, user_id, day, items, body, created_at)
SELECT
    id, user_id, printf('%04d-%02d-%02d', day / 10000, day / 100 % 100, day % 100), items, body,
    created_at
FROM digests_before;
DROP TABLE digests_before;
