-- A task's version: an edit names the version it read, so a change made meanwhile is refused
-- instead of silently overwritten.
ALTER TABLE programme_tasks ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
