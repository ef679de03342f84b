-- A notification sent to a reviewer of a blind step does not say who acted: the proposer, or
-- a head of the proposer's unit, would name the unit the review is blind to.
ALTER TABLE notifications ADD COLUMN actor_hidden BOOLEAN NOT NULL DEFAULT FALSE;

-- When a membership was recorded (not the joining date typed in, which may lie in the past):
-- a membership recorded after a naming call opened does not make its reviewer conflicted.
-- Rows from before this column existed count as recorded long ago.
ALTER TABLE studio_members ADD COLUMN recorded_at BIGINT;

-- Keys every server of a deployment shares, made by the first server that needs one (e.g. the
-- key that signs the CSRF token of a visitor who has not signed in yet).
CREATE TABLE server_keys (
    name TEXT PRIMARY KEY,
    secret TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
