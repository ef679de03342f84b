-- Innovation records: achievements with ranked completers, a benefit claimed then verified (the
-- same calculation and lock as proposals), links to proposals and patents, attachments; patents;
-- skills and methods named after their creators; talent titles and honours with their level.
-- Dates are 'YYYY-MM-DD' text, which sorts as dates do.

CREATE TABLE achievements (
    id INTEGER PRIMARY KEY,
    unit_id BIGINT NOT NULL CONSTRAINT achievements_unit_fk REFERENCES organisations (id),
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    field TEXT NOT NULL,
    kind TEXT NOT NULL CONSTRAINT achievements_kind_check
        CHECK (kind IN ('process', 'equipment', 'material', 'method', 'software')),
    claimed_level TEXT CONSTRAINT achievements_claimed_level_check
        CHECK (claimed_level IN ('international_leading', 'international_advanced', 'domestic_first', 'domestic_leading', 'domestic_advanced', 'industry_leading')),
    started_on TEXT,
    finished_on TEXT,
    -- The year it is counted in (awarded, or finished).
    year BIGINT NOT NULL,
    award TEXT,
    in_production_since TEXT,
    production_site TEXT,
    benefit_method TEXT CONSTRAINT achievements_benefit_method_check CHECK (benefit_method IN ('cost', 'time', 'free')),
    benefit_inputs TEXT,
    benefit_note TEXT,
    benefit_claimed_cents BIGINT CONSTRAINT achievements_benefit_claimed_check CHECK (benefit_claimed_cents >= 0),
    benefit_claimed_at BIGINT,
    benefit_verified_cents BIGINT CONSTRAINT achievements_benefit_verified_check CHECK (benefit_verified_cents >= 0),
    benefit_verified_by BIGINT CONSTRAINT achievements_benefit_verified_by_fk REFERENCES users (id),
    benefit_verified_at BIGINT,
    benefit_verify_note TEXT,
    created_by BIGINT CONSTRAINT achievements_created_by_fk REFERENCES users (id),
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT achievements_dates_check CHECK (finished_on IS NULL OR started_on IS NULL OR finished_on >= started_on)
);
CREATE INDEX achievements_unit_idx ON achievements (unit_id, year);
CREATE INDEX achievements_year_idx ON achievements (year);

CREATE TABLE achievement_completers (
    achievement_id BIGINT NOT NULL CONSTRAINT achievement_completers_achievement_fk REFERENCES achievements (id),
    rank BIGINT NOT NULL CONSTRAINT achievement_completers_rank_check CHECK (rank >= 1),
    user_id BIGINT NOT NULL CONSTRAINT achievement_completers_user_fk REFERENCES users (id),
    PRIMARY KEY (achievement_id, rank),
    CONSTRAINT achievement_completers_user_key UNIQUE (achievement_id, user_id)
);
CREATE INDEX achievement_completers_user_idx ON achievement_completers (user_id);

CREATE TABLE achievement_proposals (
    achievement_id BIGINT NOT NULL CONSTRAINT achievement_proposals_achievement_fk REFERENCES achievements (id),
    proposal_id BIGINT NOT NULL CONSTRAINT achievement_proposals_proposal_fk REFERENCES proposals (id),
    PRIMARY KEY (achievement_id, proposal_id)
);

CREATE TABLE achievement_attachments (
    id INTEGER PRIMARY KEY,
    achievement_id BIGINT NOT NULL CONSTRAINT achievement_attachments_achievement_fk REFERENCES achievements (id),
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    filename TEXT NOT NULL,
    uploaded_by BIGINT NOT NULL CONSTRAINT achievement_attachments_uploaded_by_fk REFERENCES users (id),
    uploaded_at BIGINT NOT NULL
);
CREATE INDEX achievement_attachments_achievement_idx ON achievement_attachments (achievement_id);

CREATE TABLE patents (
    id INTEGER PRIMARY KEY,
    unit_id BIGINT NOT NULL CONSTRAINT patents_unit_fk REFERENCES organisations (id),
    kind TEXT NOT NULL CONSTRAINT patents_kind_check CHECK (kind IN ('invention', 'utility_model', 'design')),
    -- Canonical form, e.g. CN202110123456.X.
    number TEXT NOT NULL,
    title TEXT NOT NULL,
    inventors TEXT NOT NULL,
    applied_on TEXT NOT NULL,
    granted_on TEXT,
    status TEXT NOT NULL CONSTRAINT patents_status_check CHECK (status IN ('applied', 'granted', 'rejected', 'lapsed')),
    year BIGINT NOT NULL,
    created_by BIGINT CONSTRAINT patents_created_by_fk REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT patents_number_key UNIQUE (number),
    CONSTRAINT patents_grant_check CHECK (granted_on IS NULL OR granted_on >= applied_on)
);
CREATE INDEX patents_unit_idx ON patents (unit_id, year);

CREATE TABLE achievement_patents (
    achievement_id BIGINT NOT NULL CONSTRAINT achievement_patents_achievement_fk REFERENCES achievements (id),
    patent_id BIGINT NOT NULL CONSTRAINT achievement_patents_patent_fk REFERENCES patents (id),
    PRIMARY KEY (achievement_id, patent_id)
);
CREATE INDEX achievement_patents_patent_idx ON achievement_patents (patent_id);

CREATE TABLE skills (
    id INTEGER PRIMARY KEY,
    unit_id BIGINT NOT NULL CONSTRAINT skills_unit_fk REFERENCES organisations (id),
    kind TEXT NOT NULL CONSTRAINT skills_kind_check CHECK (kind IN ('unique_skill', 'operation_method')),
    -- Named after its creator, e.g. "王xx 精准对中法".
    name TEXT NOT NULL,
    creator_id BIGINT CONSTRAINT skills_creator_fk REFERENCES users (id),
    creator_name TEXT NOT NULL,
    description TEXT NOT NULL,
    used_where TEXT NOT NULL,
    trained_count BIGINT NOT NULL CONSTRAINT skills_trained_count_check CHECK (trained_count >= 0),
    year BIGINT NOT NULL,
    created_by BIGINT CONSTRAINT skills_created_by_fk REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX skills_unit_idx ON skills (unit_id, year);

CREATE TABLE skill_trainees (
    skill_id BIGINT NOT NULL CONSTRAINT skill_trainees_skill_fk REFERENCES skills (id),
    user_id BIGINT NOT NULL CONSTRAINT skill_trainees_user_fk REFERENCES users (id),
    PRIMARY KEY (skill_id, user_id)
);

CREATE TABLE titles (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL CONSTRAINT titles_user_fk REFERENCES users (id),
    -- The unit the holder belonged to when titled, for scoping and unit record pages.
    unit_id BIGINT NOT NULL CONSTRAINT titles_unit_fk REFERENCES organisations (id),
    name TEXT NOT NULL,
    granted_by BIGINT NOT NULL CONSTRAINT titles_granted_by_fk REFERENCES organisations (id),
    year BIGINT NOT NULL,
    level TEXT NOT NULL CONSTRAINT titles_level_check CHECK (level IN ('enterprise', 'municipal', 'provincial', 'national')),
    created_by BIGINT CONSTRAINT titles_created_by_fk REFERENCES users (id),
    created_at BIGINT NOT NULL,
    CONSTRAINT titles_holder_key UNIQUE (user_id, name, year)
);
CREATE INDEX titles_user_idx ON titles (user_id, level);
CREATE INDEX titles_unit_idx ON titles (unit_id, year);
