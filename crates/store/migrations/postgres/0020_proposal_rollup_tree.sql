-- The proposal rollup per organisation subtree: each row counts the whole subtree of its
-- organisation, kept by every change in its transaction like proposal_rollup, so that
-- statistics of a federation read its own rows (and its children's) instead of summing the
-- rollup rows of every unit beneath it.
CREATE TABLE proposal_rollup_tree (
    org_id BIGINT NOT NULL,
    period BIGINT NOT NULL,
    category TEXT NOT NULL,
    put_forward BIGINT NOT NULL,
    adopted BIGINT NOT NULL,
    implemented BIGINT NOT NULL,
    benefit_cents BIGINT NOT NULL,
    PRIMARY KEY (org_id, period, category)
);

-- What the rollup holds already: each unit's rows count for it and every organisation above it.
INSERT INTO proposal_rollup_tree (org_id, period, category, put_forward, adopted, implemented, benefit_cents)
SELECT a.id, r.period, r.category, SUM(r.put_forward), SUM(r.adopted), SUM(r.implemented), SUM(r.benefit_cents)
FROM proposal_rollup r
JOIN organisations o ON o.id = r.org_id
JOIN organisations a ON o.path >= a.path AND o.path < SUBSTR(a.path, 1, LENGTH(a.path) - 1) || '0'
GROUP BY a.id, r.period, r.category;
