-- Live organisations by kind and active people, per organisation subtree, kept by every change
-- to either in its transaction: the dashboard reads its roots' rows instead of counting every
-- organisation and person beneath them. An organisation's rows count its whole subtree; the
-- metric is an organisation kind's code, or 'people'.
CREATE TABLE org_tally (
    org_id BIGINT NOT NULL,
    metric TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (org_id, metric)
);

-- What is there already: each counts for its organisation and every one above it.
INSERT INTO org_tally (org_id, metric, n)
SELECT a.id, o.kind, COUNT(*)
FROM organisations o
JOIN organisations a ON o.path >= a.path AND o.path < SUBSTR(a.path, 1, LENGTH(a.path) - 1) || '0'
WHERE o.archived_at IS NULL
GROUP BY a.id, o.kind;

INSERT INTO org_tally (org_id, metric, n)
SELECT a.id, 'people', COUNT(*)
FROM users u
JOIN organisations o ON o.id = u.org_id
JOIN organisations a ON o.path >= a.path AND o.path < SUBSTR(a.path, 1, LENGTH(a.path) - 1) || '0'
WHERE u.active = TRUE
GROUP BY a.id;
