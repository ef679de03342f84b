-- Upward statistical returns. A federation (or enterprise union) opens one return a year for
-- the units directly below it; each unit's row moves pending -> submitted -> accepted, or back
-- to returned for correction. Every submission is kept as a frozen version: its figures (a JSON
-- object of column code to value, computed from records and stated by the unit) never change.
CREATE TABLE stat_returns (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL CONSTRAINT stat_returns_org_fk REFERENCES organisations (id),
    year BIGINT NOT NULL,
    title TEXT NOT NULL,
    due_on TEXT NOT NULL,
    -- The layout: column codes, comma-separated, in order.
    columns TEXT NOT NULL,
    created_by BIGINT CONSTRAINT stat_returns_created_by_fk REFERENCES users (id),
    created_at BIGINT NOT NULL,
    CONSTRAINT stat_returns_org_year_key UNIQUE (org_id, year)
);

CREATE TABLE stat_return_units (
    return_id BIGINT NOT NULL CONSTRAINT stat_return_units_return_fk REFERENCES stat_returns (id),
    org_id BIGINT NOT NULL CONSTRAINT stat_return_units_org_fk REFERENCES organisations (id),
    status TEXT NOT NULL CONSTRAINT stat_return_units_status_check
        CHECK (status IN ('pending', 'submitted', 'returned', 'accepted')),
    -- The latest submission's version; 0 before the first.
    version BIGINT NOT NULL,
    review_note TEXT,
    reviewed_by BIGINT CONSTRAINT stat_return_units_reviewed_by_fk REFERENCES users (id),
    reviewed_at BIGINT,
    PRIMARY KEY (return_id, org_id)
);
CREATE INDEX stat_return_units_org_idx ON stat_return_units (org_id);

CREATE TABLE stat_return_submissions (
    return_id BIGINT NOT NULL,
    org_id BIGINT NOT NULL,
    version BIGINT NOT NULL,
    figures TEXT NOT NULL,
    note TEXT NOT NULL,
    -- Why this version replaces the one before ('' for the first).
    reason TEXT NOT NULL,
    submitted_by BIGINT CONSTRAINT stat_return_submissions_by_fk REFERENCES users (id),
    submitted_at BIGINT NOT NULL,
    PRIMARY KEY (return_id, org_id, version),
    CONSTRAINT stat_return_submissions_unit_fk FOREIGN KEY (return_id, org_id)
        REFERENCES stat_return_units (return_id, org_id)
);
