-- The audit log's events per organisation subtree and quarter of an hour, kept by every append
-- in its transaction: the dashboard's activity chart reads its roots' quarters of the last two
-- weeks instead of counting every event beneath them. An organisation's row counts the events
-- of its whole subtree; organisation 0 holds the events of no organisation. Quarters of an hour,
-- so that the local days of any deployment's time zone are whole.
CREATE TABLE audit_tally (
    org_id BIGINT NOT NULL,
    quarter BIGINT NOT NULL,
    events BIGINT NOT NULL,
    PRIMARY KEY (org_id, quarter)
);

-- The events already logged: each counts for its organisation and every one above it.
INSERT INTO audit_tally (org_id, quarter, events)
SELECT a.id, t.quarter, SUM(t.events)
FROM (SELECT org_id, at / 900000 AS quarter, COUNT(*) AS events
      FROM audit_log WHERE org_id IS NOT NULL GROUP BY org_id, at / 900000) t
JOIN organisations o ON o.id = t.org_id
JOIN organisations a ON o.path >= a.path AND o.path < SUBSTR(a.path, 1, LENGTH(a.path) - 1) || '0'
GROUP BY a.id, t.quarter;

INSERT INTO audit_tally (org_id, quarter, events)
SELECT 0, at / 900000, COUNT(*) FROM audit_log WHERE org_id IS NULL GROUP BY at / 900000;
