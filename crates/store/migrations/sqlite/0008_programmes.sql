-- Regional science & technology programmes: strategic areas (the "7+1" layout), critical tasks
-- led by organisations of the tree (external bodies included), participating organisations,
-- funding per task, year and source (planned and actual, integer fen), milestones, outputs
-- (linked to achievement and patent records where they are one), participating people (counted
-- once however many tasks they join) and award tallies from which shares are computed.
-- Dates are 'YYYY-MM-DD' text, which sorts as dates do.

CREATE TABLE programmes (
    id INTEGER PRIMARY KEY,
    owner_org_id BIGINT NOT NULL CONSTRAINT programmes_owner_fk REFERENCES organisations (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    name_en TEXT,
    start_year BIGINT NOT NULL CONSTRAINT programmes_start_year_check CHECK (start_year BETWEEN 1949 AND 2100),
    plan_name TEXT,
    plan_url TEXT,
    summary TEXT NOT NULL,
    created_by BIGINT CONSTRAINT programmes_created_by_fk REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT programmes_code_key UNIQUE (code)
);
CREATE INDEX programmes_owner_idx ON programmes (owner_org_id);

CREATE TABLE programme_areas (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL CONSTRAINT programme_areas_programme_fk REFERENCES programmes (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    name_en TEXT,
    position BIGINT NOT NULL,
    -- The "+1" of "7+1": major scientific infrastructure rather than an industry.
    infrastructure BOOLEAN NOT NULL,
    CONSTRAINT programme_areas_code_key UNIQUE (programme_id, code)
);

CREATE TABLE programme_tasks (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL CONSTRAINT programme_tasks_programme_fk REFERENCES programmes (id),
    area_id BIGINT NOT NULL CONSTRAINT programme_tasks_area_fk REFERENCES programme_areas (id),
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    lead_org_id BIGINT NOT NULL CONSTRAINT programme_tasks_lead_fk REFERENCES organisations (id),
    leader_name TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT,
    status TEXT NOT NULL CONSTRAINT programme_tasks_status_check
        CHECK (status IN ('planned', 'in_progress', 'completed', 'suspended')),
    budget_cents BIGINT NOT NULL CONSTRAINT programme_tasks_budget_check CHECK (budget_cents >= 0),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT programme_tasks_code_key UNIQUE (programme_id, code),
    CONSTRAINT programme_tasks_dates_check CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX programme_tasks_programme_idx ON programme_tasks (programme_id, area_id);
CREATE INDEX programme_tasks_lead_idx ON programme_tasks (lead_org_id);

CREATE TABLE programme_task_orgs (
    task_id BIGINT NOT NULL CONSTRAINT programme_task_orgs_task_fk REFERENCES programme_tasks (id),
    org_id BIGINT NOT NULL CONSTRAINT programme_task_orgs_org_fk REFERENCES organisations (id),
    PRIMARY KEY (task_id, org_id)
);
CREATE INDEX programme_task_orgs_org_idx ON programme_task_orgs (org_id);

CREATE TABLE programme_funding (
    id INTEGER PRIMARY KEY,
    task_id BIGINT NOT NULL CONSTRAINT programme_funding_task_fk REFERENCES programme_tasks (id),
    year BIGINT NOT NULL CONSTRAINT programme_funding_year_check CHECK (year BETWEEN 1949 AND 2100),
    source TEXT NOT NULL CONSTRAINT programme_funding_source_check CHECK (source IN ('fiscal', 'social')),
    planned_cents BIGINT NOT NULL CONSTRAINT programme_funding_planned_check CHECK (planned_cents >= 0),
    actual_cents BIGINT NOT NULL CONSTRAINT programme_funding_actual_check CHECK (actual_cents >= 0),
    -- Why the task's spending went beyond its budget, when it did.
    overrun_reason TEXT,
    updated_by BIGINT CONSTRAINT programme_funding_updated_by_fk REFERENCES users (id),
    updated_at BIGINT NOT NULL,
    CONSTRAINT programme_funding_key UNIQUE (task_id, year, source)
);

CREATE TABLE programme_milestones (
    id INTEGER PRIMARY KEY,
    task_id BIGINT NOT NULL CONSTRAINT programme_milestones_task_fk REFERENCES programme_tasks (id),
    title TEXT NOT NULL,
    due_on TEXT NOT NULL,
    done_on TEXT,
    evidence TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX programme_milestones_task_idx ON programme_milestones (task_id);

CREATE TABLE programme_outputs (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL CONSTRAINT programme_outputs_programme_fk REFERENCES programmes (id),
    task_id BIGINT NOT NULL CONSTRAINT programme_outputs_task_fk REFERENCES programme_tasks (id),
    kind TEXT NOT NULL CONSTRAINT programme_outputs_kind_check
        CHECK (kind IN ('pilot_line', 'new_product', 'added_value', 'adopting_company', 'achievement', 'patent')),
    title TEXT NOT NULL,
    quantity BIGINT NOT NULL CONSTRAINT programme_outputs_quantity_check CHECK (quantity >= 0),
    value_cents BIGINT NOT NULL CONSTRAINT programme_outputs_value_check CHECK (value_cents >= 0),
    achievement_id BIGINT CONSTRAINT programme_outputs_achievement_fk REFERENCES achievements (id),
    patent_id BIGINT CONSTRAINT programme_outputs_patent_fk REFERENCES patents (id),
    note TEXT,
    recorded_on TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX programme_outputs_programme_idx ON programme_outputs (programme_id, kind);
CREATE INDEX programme_outputs_task_idx ON programme_outputs (task_id);

CREATE TABLE programme_people (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL CONSTRAINT programme_people_programme_fk REFERENCES programmes (id),
    name TEXT NOT NULL,
    academician BOOLEAN NOT NULL,
    institution_id BIGINT NOT NULL CONSTRAINT programme_people_institution_fk REFERENCES organisations (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX programme_people_programme_idx ON programme_people (programme_id, institution_id);

CREATE TABLE programme_task_people (
    task_id BIGINT NOT NULL CONSTRAINT programme_task_people_task_fk REFERENCES programme_tasks (id),
    person_id BIGINT NOT NULL CONSTRAINT programme_task_people_person_fk REFERENCES programme_people (id),
    PRIMARY KEY (task_id, person_id)
);
CREATE INDEX programme_task_people_person_idx ON programme_task_people (person_id);

CREATE TABLE programme_awards (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL CONSTRAINT programme_awards_programme_fk REFERENCES programmes (id),
    award TEXT NOT NULL,
    region_total BIGINT NOT NULL CONSTRAINT programme_awards_total_check CHECK (region_total > 0),
    programme_won BIGINT NOT NULL CONSTRAINT programme_awards_won_check CHECK (programme_won >= 0 AND programme_won <= region_total),
    CONSTRAINT programme_awards_key UNIQUE (programme_id, award)
);
