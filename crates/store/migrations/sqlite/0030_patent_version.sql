-- A patent's version: an edit (granted at last, a number mistyped) names the version it read, so
-- a change made meanwhile is refused instead of silently overwritten.
ALTER TABLE patents ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
