-- Award campaigns (评选): the call with its timetable, rules, participating units and quotas,
-- rubric and tier quotas; declarations attaching a record, with the formal check; the expert
-- pool, each campaign's panel and conflicts of interest; the assignment; score sheets; the
-- publicity period's objections. Dates are 'YYYY-MM-DD' text, instants BIGINT milliseconds,
-- score totals BIGINT hundredths of a point.

CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL CONSTRAINT campaigns_org_fk REFERENCES organisations (id),
    -- A lower federation's round forwards its winners to this campaign.
    parent_id BIGINT CONSTRAINT campaigns_parent_fk REFERENCES campaigns (id),
    kind TEXT NOT NULL CONSTRAINT campaigns_kind_check
        CHECK (kind IN ('achievement_award', 'skills_methods', 'proposals', 'titles')),
    title TEXT NOT NULL,
    edition BIGINT NOT NULL CONSTRAINT campaigns_edition_check CHECK (edition >= 1),
    year BIGINT NOT NULL,
    cadence TEXT NOT NULL CONSTRAINT campaigns_cadence_check CHECK (cadence IN ('annual', 'triennial')),
    rules TEXT NOT NULL,
    min_record_year BIGINT,
    max_record_year BIGINT,
    -- Comma-separated codes of the record particulars every declaration must have.
    required_fields TEXT NOT NULL,
    required_documents BIGINT NOT NULL CONSTRAINT campaigns_documents_check CHECK (required_documents >= 0),
    reviewers_per_declaration BIGINT NOT NULL CONSTRAINT campaigns_reviewers_check CHECK (reviewers_per_declaration >= 1),
    min_load BIGINT NOT NULL CONSTRAINT campaigns_min_load_check CHECK (min_load >= 0),
    max_load BIGINT NOT NULL,
    score_scale BIGINT NOT NULL CONSTRAINT campaigns_scale_check CHECK (score_scale >= 1),
    blind BOOLEAN NOT NULL,
    -- Spread of a declaration's raw totals (hundredths) above which the panel discusses it.
    divergence_hundredths BIGINT NOT NULL,
    declaration_closes TEXT NOT NULL,
    check_closes TEXT NOT NULL,
    review_closes TEXT NOT NULL,
    publicity_days BIGINT NOT NULL CONSTRAINT campaigns_publicity_days_check CHECK (publicity_days >= 1),
    announce_on TEXT NOT NULL,
    stage TEXT NOT NULL CONSTRAINT campaigns_stage_check
        CHECK (stage IN ('declaration', 'formal_check', 'review', 'publicity', 'announced')),
    publicity_start TEXT,
    decision_note TEXT,
    decided_by BIGINT CONSTRAINT campaigns_decided_by_fk REFERENCES users (id),
    decided_at BIGINT,
    notice_number TEXT,
    announced_on TEXT,
    created_by BIGINT CONSTRAINT campaigns_created_by_fk REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT campaigns_load_check CHECK (max_load >= min_load),
    CONSTRAINT campaigns_notice_key UNIQUE (org_id, notice_number)
);
CREATE INDEX campaigns_org_idx ON campaigns (org_id, year);

CREATE TABLE campaign_units (
    campaign_id BIGINT NOT NULL CONSTRAINT campaign_units_campaign_fk REFERENCES campaigns (id),
    org_id BIGINT NOT NULL CONSTRAINT campaign_units_org_fk REFERENCES organisations (id),
    quota BIGINT NOT NULL CONSTRAINT campaign_units_quota_check CHECK (quota >= 1),
    PRIMARY KEY (campaign_id, org_id)
);

CREATE TABLE campaign_criteria (
    campaign_id BIGINT NOT NULL CONSTRAINT campaign_criteria_campaign_fk REFERENCES campaigns (id),
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    weight BIGINT NOT NULL CONSTRAINT campaign_criteria_weight_check CHECK (weight > 0),
    PRIMARY KEY (campaign_id, position)
);

CREATE TABLE campaign_tiers (
    campaign_id BIGINT NOT NULL CONSTRAINT campaign_tiers_campaign_fk REFERENCES campaigns (id),
    tier TEXT NOT NULL CONSTRAINT campaign_tiers_tier_check CHECK (tier IN ('first', 'second', 'third', 'excellent')),
    quota_count BIGINT,
    share_bp BIGINT,
    PRIMARY KEY (campaign_id, tier),
    CONSTRAINT campaign_tiers_quota_check CHECK ((quota_count IS NULL) <> (share_bp IS NULL))
);

CREATE TABLE declarations (
    id INTEGER PRIMARY KEY,
    campaign_id BIGINT NOT NULL CONSTRAINT declarations_campaign_fk REFERENCES campaigns (id),
    -- Numbered within the campaign, in order of declaration.
    number BIGINT NOT NULL,
    -- The participating unit whose quota it counts against.
    participant_id BIGINT NOT NULL CONSTRAINT declarations_participant_fk REFERENCES organisations (id),
    record_type TEXT NOT NULL CONSTRAINT declarations_record_type_check CHECK (record_type IN ('achievement', 'skill')),
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
CREATE INDEX declarations_participant_idx ON declarations (campaign_id, participant_id);

-- The expert pool: a person with the expert role, their fields and a profile for matching.
CREATE TABLE experts (
    user_id BIGINT PRIMARY KEY CONSTRAINT experts_user_fk REFERENCES users (id),
    -- Comma-separated field names, as the records write them.
    fields TEXT NOT NULL,
    profile TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE campaign_experts (
    campaign_id BIGINT NOT NULL CONSTRAINT campaign_experts_campaign_fk REFERENCES campaigns (id),
    user_id BIGINT NOT NULL CONSTRAINT campaign_experts_user_fk REFERENCES experts (user_id),
    PRIMARY KEY (campaign_id, user_id)
);

CREATE TABLE expert_conflicts (
    id INTEGER PRIMARY KEY,
    campaign_id BIGINT NOT NULL CONSTRAINT expert_conflicts_campaign_fk REFERENCES campaigns (id),
    user_id BIGINT NOT NULL CONSTRAINT expert_conflicts_user_fk REFERENCES users (id),
    declaration_id BIGINT NOT NULL CONSTRAINT expert_conflicts_declaration_fk REFERENCES declarations (id),
    source TEXT NOT NULL CONSTRAINT expert_conflicts_source_check CHECK (source IN ('declared', 'manual')),
    reason TEXT NOT NULL,
    created_by BIGINT CONSTRAINT expert_conflicts_created_by_fk REFERENCES users (id),
    created_at BIGINT NOT NULL,
    CONSTRAINT expert_conflicts_pair_key UNIQUE (declaration_id, user_id)
);

CREATE TABLE assignments (
    campaign_id BIGINT NOT NULL CONSTRAINT assignments_campaign_fk REFERENCES campaigns (id),
    declaration_id BIGINT NOT NULL CONSTRAINT assignments_declaration_fk REFERENCES declarations (id),
    user_id BIGINT NOT NULL CONSTRAINT assignments_user_fk REFERENCES users (id),
    affinity BIGINT NOT NULL,
    manual BOOLEAN NOT NULL,
    PRIMARY KEY (declaration_id, user_id)
);
CREATE INDEX assignments_user_idx ON assignments (user_id, campaign_id);

CREATE TABLE score_sheets (
    declaration_id BIGINT NOT NULL CONSTRAINT score_sheets_declaration_fk REFERENCES declarations (id),
    user_id BIGINT NOT NULL CONSTRAINT score_sheets_user_fk REFERENCES users (id),
    campaign_id BIGINT NOT NULL CONSTRAINT score_sheets_campaign_fk REFERENCES campaigns (id),
    -- The marks per criterion, in rubric order, as a JSON array of integers.
    marks TEXT NOT NULL,
    total_hundredths BIGINT NOT NULL CONSTRAINT score_sheets_total_check CHECK (total_hundredths BETWEEN 0 AND 10000),
    comment TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    PRIMARY KEY (declaration_id, user_id)
);
CREATE INDEX score_sheets_campaign_idx ON score_sheets (campaign_id);

CREATE TABLE objections (
    id INTEGER PRIMARY KEY,
    campaign_id BIGINT NOT NULL CONSTRAINT objections_campaign_fk REFERENCES campaigns (id),
    declaration_id BIGINT NOT NULL CONSTRAINT objections_declaration_fk REFERENCES declarations (id),
    name TEXT NOT NULL,
    contact TEXT NOT NULL,
    text TEXT NOT NULL,
    lodged_at BIGINT NOT NULL,
    status TEXT NOT NULL CONSTRAINT objections_status_check CHECK (status IN ('open', 'upheld', 'dismissed')),
    outcome TEXT,
    decided_by BIGINT CONSTRAINT objections_decided_by_fk REFERENCES users (id),
    decided_at BIGINT
);
CREATE INDEX objections_campaign_idx ON objections (campaign_id);
