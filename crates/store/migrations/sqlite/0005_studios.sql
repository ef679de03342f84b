-- Innovation studios: honours of people (a small table until talent titles come), studios with
-- their members, focus fields, photos and timeline; naming calls, applications (with a snapshot
-- of the studio), on-site reviews, naming notices and the namings they publish; special funding
-- with its payments and spending; assessment standards and assessments; the outputs ledger;
-- alliances and mentoring pairs. Dates are BIGINT yyyymmdd, instants BIGINT milliseconds.

CREATE TABLE honours (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL CONSTRAINT honours_user_fk REFERENCES users (id),
    title TEXT NOT NULL,
    -- The awarding body, as written on the certificate.
    body TEXT NOT NULL,
    level TEXT NOT NULL CONSTRAINT honours_level_check
        CHECK (level IN ('enterprise', 'municipal', 'provincial', 'national')),
    -- NULL when the year is not known.
    year BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX honours_user_idx ON honours (user_id);

CREATE TABLE studios (
    id INTEGER PRIMARY KEY,
    unit_id BIGINT NOT NULL CONSTRAINT studios_unit_fk REFERENCES organisations (id),
    lead_id BIGINT NOT NULL CONSTRAINT studios_lead_fk REFERENCES users (id),
    kind TEXT NOT NULL CONSTRAINT studios_kind_check CHECK (kind IN ('model_worker', 'employee', 'craftsman')),
    name TEXT NOT NULL,
    founded_on BIGINT NOT NULL,
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
CREATE INDEX studios_level_idx ON studios (level, named_year);
CREATE INDEX studios_lead_idx ON studios (lead_id);

CREATE TABLE studio_fields (
    studio_id BIGINT NOT NULL CONSTRAINT studio_fields_studio_fk REFERENCES studios (id),
    field TEXT NOT NULL,
    PRIMARY KEY (studio_id, field)
);
CREATE INDEX studio_fields_field_idx ON studio_fields (field);

CREATE TABLE studio_members (
    id INTEGER PRIMARY KEY,
    studio_id BIGINT NOT NULL CONSTRAINT studio_members_studio_fk REFERENCES studios (id),
    user_id BIGINT NOT NULL CONSTRAINT studio_members_user_fk REFERENCES users (id),
    role TEXT NOT NULL CONSTRAINT studio_members_role_check CHECK (role IN ('lead', 'member')),
    joined_on BIGINT NOT NULL,
    left_on BIGINT
);
CREATE INDEX studio_members_studio_idx ON studio_members (studio_id);
CREATE INDEX studio_members_user_idx ON studio_members (user_id);

CREATE TABLE naming_calls (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL CONSTRAINT naming_calls_org_fk REFERENCES organisations (id),
    level TEXT NOT NULL CONSTRAINT naming_calls_level_check CHECK (level IN ('enterprise', 'municipal', 'provincial', 'national')),
    title TEXT NOT NULL,
    rules TEXT NOT NULL,
    deadline BIGINT NOT NULL,
    -- The lowest honour the studio's lead must hold; NULL: none.
    min_honour TEXT CONSTRAINT naming_calls_min_honour_check CHECK (min_honour IN ('enterprise', 'municipal', 'provincial', 'national')),
    created_by BIGINT CONSTRAINT naming_calls_created_by_fk REFERENCES users (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX naming_calls_org_idx ON naming_calls (org_id, deadline);

CREATE TABLE naming_applications (
    id INTEGER PRIMARY KEY,
    call_id BIGINT NOT NULL CONSTRAINT naming_applications_call_fk REFERENCES naming_calls (id),
    studio_id BIGINT NOT NULL CONSTRAINT naming_applications_studio_fk REFERENCES studios (id),
    status TEXT NOT NULL CONSTRAINT naming_applications_status_check
        CHECK (status IN ('submitted', 'reviewed', 'approved', 'rejected')),
    statement TEXT NOT NULL,
    -- The studio's record as it stood when the application was made (JSON).
    snapshot TEXT NOT NULL,
    applied_by BIGINT CONSTRAINT naming_applications_applied_by_fk REFERENCES users (id),
    applied_at BIGINT NOT NULL,
    decided_at BIGINT,
    decision_note TEXT,
    version BIGINT NOT NULL,
    CONSTRAINT naming_applications_call_studio_key UNIQUE (call_id, studio_id)
);
CREATE INDEX naming_applications_studio_idx ON naming_applications (studio_id);

CREATE TABLE site_reviews (
    id INTEGER PRIMARY KEY,
    application_id BIGINT NOT NULL CONSTRAINT site_reviews_application_fk REFERENCES naming_applications (id),
    reviewer_id BIGINT NOT NULL CONSTRAINT site_reviews_reviewer_fk REFERENCES users (id),
    visited_on BIGINT NOT NULL,
    -- JSON: the checklist items found satisfied.
    checklist TEXT NOT NULL,
    score BIGINT NOT NULL CONSTRAINT site_reviews_score_check CHECK (score >= 0 AND score <= 100),
    comments TEXT NOT NULL,
    signature TEXT NOT NULL,
    signed_at BIGINT NOT NULL,
    CONSTRAINT site_reviews_application_key UNIQUE (application_id)
);

CREATE TABLE naming_notices (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL CONSTRAINT naming_notices_org_fk REFERENCES organisations (id),
    number TEXT NOT NULL,
    issued_on BIGINT NOT NULL,
    title TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT naming_notices_number_key UNIQUE (org_id, number)
);

CREATE TABLE studio_namings (
    id INTEGER PRIMARY KEY,
    studio_id BIGINT NOT NULL CONSTRAINT studio_namings_studio_fk REFERENCES studios (id),
    level TEXT NOT NULL CONSTRAINT studio_namings_level_check CHECK (level IN ('enterprise', 'municipal', 'provincial', 'national')),
    org_id BIGINT NOT NULL CONSTRAINT studio_namings_org_fk REFERENCES organisations (id),
    application_id BIGINT CONSTRAINT studio_namings_application_fk REFERENCES naming_applications (id),
    notice_id BIGINT NOT NULL CONSTRAINT studio_namings_notice_fk REFERENCES naming_notices (id),
    named_on BIGINT NOT NULL,
    status TEXT NOT NULL CONSTRAINT studio_namings_status_check CHECK (status IN ('active', 'lost')),
    lost_on BIGINT,
    lost_reason TEXT
);
CREATE INDEX studio_namings_studio_idx ON studio_namings (studio_id);
CREATE INDEX studio_namings_org_idx ON studio_namings (org_id, level);

CREATE TABLE studio_funding (
    id INTEGER PRIMARY KEY,
    studio_id BIGINT NOT NULL CONSTRAINT studio_funding_studio_fk REFERENCES studios (id),
    naming_id BIGINT NOT NULL CONSTRAINT studio_funding_naming_fk REFERENCES studio_namings (id),
    org_id BIGINT NOT NULL CONSTRAINT studio_funding_org_fk REFERENCES organisations (id),
    granted_cents BIGINT NOT NULL CONSTRAINT studio_funding_granted_check CHECK (granted_cents > 0),
    created_at BIGINT NOT NULL
);
CREATE INDEX studio_funding_studio_idx ON studio_funding (studio_id);

CREATE TABLE funding_entries (
    id INTEGER PRIMARY KEY,
    funding_id BIGINT NOT NULL CONSTRAINT funding_entries_funding_fk REFERENCES studio_funding (id),
    kind TEXT NOT NULL CONSTRAINT funding_entries_kind_check CHECK (kind IN ('payment', 'spending')),
    category TEXT CONSTRAINT funding_entries_category_check
        CHECK (category IN ('equipment', 'materials', 'training', 'research', 'other')),
    amount_cents BIGINT NOT NULL CONSTRAINT funding_entries_amount_check CHECK (amount_cents > 0),
    on_date BIGINT NOT NULL,
    note TEXT NOT NULL,
    created_by BIGINT CONSTRAINT funding_entries_created_by_fk REFERENCES users (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX funding_entries_funding_idx ON funding_entries (funding_id);

CREATE TABLE assessment_standards (
    org_id BIGINT PRIMARY KEY CONSTRAINT assessment_standards_org_fk REFERENCES organisations (id),
    -- JSON: [{code, weight}], weights adding up to 100.
    criteria TEXT NOT NULL,
    excellent_min BIGINT NOT NULL,
    pass_min BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE studio_assessments (
    id INTEGER PRIMARY KEY,
    studio_id BIGINT NOT NULL CONSTRAINT studio_assessments_studio_fk REFERENCES studios (id),
    naming_id BIGINT NOT NULL CONSTRAINT studio_assessments_naming_fk REFERENCES studio_namings (id),
    org_id BIGINT NOT NULL CONSTRAINT studio_assessments_org_fk REFERENCES organisations (id),
    period TEXT NOT NULL,
    assessed_on BIGINT NOT NULL,
    -- JSON: the standard used and each criterion's score.
    scores TEXT NOT NULL,
    total BIGINT NOT NULL,
    result TEXT NOT NULL CONSTRAINT studio_assessments_result_check CHECK (result IN ('excellent', 'pass', 'fail')),
    note TEXT NOT NULL,
    assessed_by BIGINT CONSTRAINT studio_assessments_assessed_by_fk REFERENCES users (id),
    created_at BIGINT NOT NULL,
    CONSTRAINT studio_assessments_period_key UNIQUE (naming_id, period)
);
CREATE INDEX studio_assessments_studio_idx ON studio_assessments (studio_id);

CREATE TABLE studio_outputs (
    id INTEGER PRIMARY KEY,
    studio_id BIGINT NOT NULL CONSTRAINT studio_outputs_studio_fk REFERENCES studios (id),
    kind TEXT NOT NULL CONSTRAINT studio_outputs_kind_check CHECK (kind IN
        ('proposal', 'achievement', 'transformation', 'patent', 'skill_method', 'people_trained', 'economic_benefit')),
    title TEXT NOT NULL,
    on_date BIGINT NOT NULL,
    count BIGINT NOT NULL CONSTRAINT studio_outputs_count_check CHECK (count >= 0),
    amount_cents BIGINT,
    patent_type TEXT CONSTRAINT studio_outputs_patent_type_check CHECK (patent_type IN ('invention', 'utility_model', 'design')),
    patent_stage TEXT CONSTRAINT studio_outputs_patent_stage_check CHECK (patent_stage IN ('applied', 'granted')),
    proposal_id BIGINT CONSTRAINT studio_outputs_proposal_fk REFERENCES proposals (id),
    created_by BIGINT CONSTRAINT studio_outputs_created_by_fk REFERENCES users (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX studio_outputs_studio_idx ON studio_outputs (studio_id, kind);

CREATE TABLE studio_photos (
    id INTEGER PRIMARY KEY,
    studio_id BIGINT NOT NULL CONSTRAINT studio_photos_studio_fk REFERENCES studios (id),
    -- Set when the photo was taken during an on-site review.
    review_id BIGINT CONSTRAINT studio_photos_review_fk REFERENCES site_reviews (id),
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    filename TEXT NOT NULL,
    uploaded_by BIGINT NOT NULL CONSTRAINT studio_photos_uploaded_by_fk REFERENCES users (id),
    uploaded_at BIGINT NOT NULL
);
CREATE INDEX studio_photos_studio_idx ON studio_photos (studio_id);

-- Every step of a studio's history, public ones shown on its public page.
CREATE TABLE studio_events (
    id INTEGER PRIMARY KEY,
    studio_id BIGINT NOT NULL CONSTRAINT studio_events_studio_fk REFERENCES studios (id),
    at BIGINT NOT NULL,
    on_date BIGINT NOT NULL,
    kind TEXT NOT NULL,
    actor_id BIGINT CONSTRAINT studio_events_actor_fk REFERENCES users (id),
    detail TEXT NOT NULL,
    public BOOLEAN NOT NULL
);
CREATE INDEX studio_events_studio_idx ON studio_events (studio_id, on_date, id);

CREATE TABLE alliances (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL CONSTRAINT alliances_org_fk REFERENCES organisations (id),
    kind TEXT NOT NULL CONSTRAINT alliances_kind_check CHECK (kind IN ('alliance', 'pairing')),
    name TEXT NOT NULL,
    lead_studio_id BIGINT NOT NULL CONSTRAINT alliances_lead_fk REFERENCES studios (id),
    founded_on BIGINT NOT NULL,
    description TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE alliance_members (
    alliance_id BIGINT NOT NULL CONSTRAINT alliance_members_alliance_fk REFERENCES alliances (id),
    studio_id BIGINT NOT NULL CONSTRAINT alliance_members_studio_fk REFERENCES studios (id),
    joined_on BIGINT NOT NULL,
    PRIMARY KEY (alliance_id, studio_id)
);
