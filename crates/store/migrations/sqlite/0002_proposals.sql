-- Improvement proposals: enterprise categories and review workflows, proposals with their
-- co-proposers, review steps (a snapshot of the workflow taken at submission), timeline events,
-- attachments (contents stored outside the database by hash), notifications and digests, and the
-- per-unit, per-month rollup that statistics read instead of the base table.

CREATE TABLE proposal_categories (
    id INTEGER PRIMARY KEY,
    enterprise_id BIGINT NOT NULL CONSTRAINT proposal_categories_enterprise_fk REFERENCES organisations (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    name_en TEXT,
    created_at BIGINT NOT NULL,
    CONSTRAINT proposal_categories_code_key UNIQUE (enterprise_id, code)
);

CREATE TABLE review_steps (
    id INTEGER PRIMARY KEY,
    enterprise_id BIGINT NOT NULL CONSTRAINT review_steps_enterprise_fk REFERENCES organisations (id),
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL CONSTRAINT review_steps_role_check
        CHECK (role IN ('employee', 'reviewer', 'finance_officer', 'studio_lead', 'unit_admin', 'federation_admin', 'expert', 'programme_officer')),
    -- NULL: whoever holds the role over the unit the proposal concerns.
    org_id BIGINT CONSTRAINT review_steps_org_fk REFERENCES organisations (id),
    due_days BIGINT NOT NULL,
    blind BOOLEAN NOT NULL,
    CONSTRAINT review_steps_position_key UNIQUE (enterprise_id, position)
);

CREATE TABLE reward_grades (
    enterprise_id BIGINT NOT NULL CONSTRAINT reward_grades_enterprise_fk REFERENCES organisations (id),
    grade TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    PRIMARY KEY (enterprise_id, grade)
);

CREATE TABLE proposal_numbers (
    enterprise_id BIGINT NOT NULL,
    year BIGINT NOT NULL,
    last_number BIGINT NOT NULL,
    PRIMARY KEY (enterprise_id, year)
);

CREATE TABLE proposals (
    id INTEGER PRIMARY KEY,
    enterprise_id BIGINT NOT NULL CONSTRAINT proposals_enterprise_fk REFERENCES organisations (id),
    unit_id BIGINT NOT NULL CONSTRAINT proposals_unit_fk REFERENCES organisations (id),
    proposer_id BIGINT NOT NULL CONSTRAINT proposals_proposer_fk REFERENCES users (id),
    number TEXT,
    title TEXT NOT NULL,
    problem TEXT NOT NULL,
    proposed_change TEXT NOT NULL,
    expected_effect TEXT NOT NULL,
    category TEXT NOT NULL,
    status TEXT NOT NULL CONSTRAINT proposals_status_check
        CHECK (status IN ('draft', 'in_review', 'returned', 'rejected', 'adopted', 'implemented', 'verified', 'rewarded', 'withdrawn', 'duplicate')),
    current_step BIGINT,
    step_due_at BIGINT,
    submitted_at BIGINT,
    -- Year * 100 + month of the first submission: the period a proposal is counted in.
    period BIGINT,
    decided_at BIGINT,
    reject_reason TEXT,
    duplicate_of BIGINT CONSTRAINT proposals_duplicate_of_fk REFERENCES proposals (id),
    impl_owner_id BIGINT CONSTRAINT proposals_impl_owner_fk REFERENCES users (id),
    impl_due_at BIGINT,
    impl_status TEXT CONSTRAINT proposals_impl_status_check CHECK (impl_status IN ('planned', 'in_progress', 'done')),
    implemented_at BIGINT,
    benefit_method TEXT CONSTRAINT proposals_benefit_method_check CHECK (benefit_method IN ('cost', 'time', 'free')),
    benefit_inputs TEXT,
    benefit_note TEXT,
    benefit_claimed_cents BIGINT,
    benefit_claimed_by BIGINT CONSTRAINT proposals_benefit_claimed_by_fk REFERENCES users (id),
    benefit_claimed_at BIGINT,
    benefit_verified_cents BIGINT,
    benefit_verified_by BIGINT CONSTRAINT proposals_benefit_verified_by_fk REFERENCES users (id),
    benefit_verified_at BIGINT,
    benefit_verify_note TEXT,
    reward_basis TEXT CONSTRAINT proposals_reward_basis_check CHECK (reward_basis IN ('grade', 'benefit')),
    reward_grade TEXT,
    reward_percent_bp BIGINT,
    reward_cents BIGINT,
    rewarded_at BIGINT,
    rewarded_by BIGINT CONSTRAINT proposals_rewarded_by_fk REFERENCES users (id),
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT proposals_number_key UNIQUE (number)
);
CREATE INDEX proposals_enterprise_idx ON proposals (enterprise_id, submitted_at);
CREATE INDEX proposals_unit_idx ON proposals (unit_id, submitted_at);
CREATE INDEX proposals_proposer_idx ON proposals (proposer_id, created_at);
CREATE INDEX proposals_status_idx ON proposals (status, step_due_at);

CREATE TABLE proposal_people (
    proposal_id BIGINT NOT NULL CONSTRAINT proposal_people_proposal_fk REFERENCES proposals (id),
    position BIGINT NOT NULL,
    user_id BIGINT NOT NULL CONSTRAINT proposal_people_user_fk REFERENCES users (id),
    -- Basis points: 10000 is the whole.
    share_bp BIGINT NOT NULL CONSTRAINT proposal_people_share_check CHECK (share_bp > 0 AND share_bp <= 10000),
    reward_cents BIGINT,
    PRIMARY KEY (proposal_id, position),
    CONSTRAINT proposal_people_user_key UNIQUE (proposal_id, user_id)
);
CREATE INDEX proposal_people_user_idx ON proposal_people (user_id);

CREATE TABLE proposal_steps (
    proposal_id BIGINT NOT NULL CONSTRAINT proposal_steps_proposal_fk REFERENCES proposals (id),
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    org_id BIGINT NOT NULL CONSTRAINT proposal_steps_org_fk REFERENCES organisations (id),
    due_days BIGINT NOT NULL,
    blind BOOLEAN NOT NULL,
    PRIMARY KEY (proposal_id, position)
);

CREATE TABLE proposal_events (
    id INTEGER PRIMARY KEY,
    proposal_id BIGINT NOT NULL CONSTRAINT proposal_events_proposal_fk REFERENCES proposals (id),
    at BIGINT NOT NULL,
    actor_id BIGINT CONSTRAINT proposal_events_actor_fk REFERENCES users (id),
    kind TEXT NOT NULL,
    step BIGINT,
    comment TEXT
);
CREATE INDEX proposal_events_proposal_idx ON proposal_events (proposal_id, id);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    proposal_id BIGINT NOT NULL CONSTRAINT attachments_proposal_fk REFERENCES proposals (id),
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    filename TEXT NOT NULL,
    uploaded_by BIGINT NOT NULL CONSTRAINT attachments_uploaded_by_fk REFERENCES users (id),
    uploaded_at BIGINT NOT NULL
);
CREATE INDEX attachments_proposal_idx ON attachments (proposal_id);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL CONSTRAINT notifications_user_fk REFERENCES users (id),
    event_id BIGINT NOT NULL CONSTRAINT notifications_event_fk REFERENCES proposal_events (id),
    proposal_id BIGINT NOT NULL CONSTRAINT notifications_proposal_fk REFERENCES proposals (id),
    created_at BIGINT NOT NULL,
    read_at BIGINT,
    -- One notification per event per person, however many roles bring them to it.
    CONSTRAINT notifications_user_event_key UNIQUE (user_id, event_id)
);
CREATE INDEX notifications_unread_idx ON notifications (user_id, read_at, id);

ALTER TABLE users ADD COLUMN daily_digest BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE digests (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL CONSTRAINT digests_user_fk REFERENCES users (id),
    -- Year * 10000 + month * 100 + day, in the deployment's local time.
    day BIGINT NOT NULL,
    items BIGINT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT digests_user_day_key UNIQUE (user_id, day)
);

CREATE TABLE proposal_rollup (
    org_id BIGINT NOT NULL CONSTRAINT proposal_rollup_org_fk REFERENCES organisations (id),
    period BIGINT NOT NULL,
    category TEXT NOT NULL,
    put_forward BIGINT NOT NULL,
    adopted BIGINT NOT NULL,
    implemented BIGINT NOT NULL,
    benefit_cents BIGINT NOT NULL,
    PRIMARY KEY (org_id, period, category)
);
