-- A skill's version: an edit names the version it read, so a change made meanwhile is refused.
ALTER TABLE skills ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

-- A record changed after a published result (an award) named it: why, when and by whom, shown
-- beside the result (the award's certificate) so that a reader of it learns of the change.
CREATE TABLE record_amendments (
    id INTEGER PRIMARY KEY,
    record_type TEXT NOT NULL CONSTRAINT record_amendments_type_check
        CHECK (record_type IN ('achievement', 'patent', 'skill', 'title')),
    record_id BIGINT NOT NULL,
    reason TEXT NOT NULL,
    amended_by BIGINT CONSTRAINT record_amendments_by_fk REFERENCES users (id),
    amended_at BIGINT NOT NULL
);
CREATE INDEX record_amendments_record_idx ON record_amendments (record_type, record_id);
