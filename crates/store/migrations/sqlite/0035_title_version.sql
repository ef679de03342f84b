-- A title's version: an edit (a name mistyped, the wrong level or year) names the version it
-- read, so a change made meanwhile is refused.
ALTER TABLE titles ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
