-- The search index of every server follows the change log by id and re-reads the last few
-- seconds by time (ids may commit out of order on PostgreSQL).

CREATE INDEX change_log_at_idx ON change_log (at);
