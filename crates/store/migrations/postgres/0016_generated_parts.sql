-- What `ingot generate` has finished: one row per part (the organisation tree, a batch of people,
-- a batch of proposals), written in the same transaction as the part's rows, so that a run
-- stopped half-way resumes where it stopped and a second run adds nothing.

CREATE TABLE generated_parts (
    part TEXT PRIMARY KEY,
    seed BIGINT NOT NULL,
    row_count BIGINT NOT NULL,
    finished_at BIGINT NOT NULL
);
