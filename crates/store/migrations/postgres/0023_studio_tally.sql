-- Studios by level (not revoked), by focus field (not revoked), and namings by year and level,
-- per organisation subtree, kept by every change to a studio, its fields or its namings in the
-- same transaction: the studio statistics read their roots' rows instead of counting every
-- studio beneath them. A studio counts at its unit and every organisation above it. Metrics:
-- 'level:<level or none>', 'field:<field>', 'named:<year>:<level>'.
CREATE TABLE studio_tally (
    org_id BIGINT NOT NULL,
    metric TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (org_id, metric)
);

INSERT INTO studio_tally (org_id, metric, n)
SELECT a.id, 'level:' || COALESCE(s.level, 'none'), COUNT(*)
FROM studios s
JOIN organisations o ON o.id = s.unit_id
JOIN organisations a ON o.path >= a.path AND o.path < SUBSTR(a.path, 1, LENGTH(a.path) - 1) || '0'
WHERE s.status <> 'revoked'
GROUP BY a.id, COALESCE(s.level, 'none');

INSERT INTO studio_tally (org_id, metric, n)
SELECT a.id, 'field:' || f.field, COUNT(*)
FROM studio_fields f
JOIN studios s ON s.id = f.studio_id
JOIN organisations o ON o.id = s.unit_id
JOIN organisations a ON o.path >= a.path AND o.path < SUBSTR(a.path, 1, LENGTH(a.path) - 1) || '0'
WHERE s.status <> 'revoked'
GROUP BY a.id, f.field;

INSERT INTO studio_tally (org_id, metric, n)
SELECT a.id, 'named:' || SUBSTR(n.named_on, 1, 4) || ':' || n.level, COUNT(*)
FROM studio_namings n
JOIN studios s ON s.id = n.studio_id
JOIN organisations o ON o.id = s.unit_id
JOIN organisations a ON o.path >= a.path AND o.path < SUBSTR(a.path, 1, LENGTH(a.path) - 1) || '0'
GROUP BY a.id, SUBSTR(n.named_on, 1, 4), n.level;
