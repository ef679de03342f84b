-- The innovation records counted per organisation subtree and year, kept by every change to an
-- achievement, patent, skill or method, title or campaign announcement in the same transaction:
-- the annual summary reads its unit's own rows instead of counting the records beneath it. A
-- record counts at its unit and every organisation above it. Metrics, year first so that one
-- year is one range of the primary key:
--   '<year>:achievements', '<year>:achievements:<claimed level>', '<year>:benefit' (verified fen),
--   '<year>:skills:<kind>', '<year>:patents:<kind>', '<year>:patents_granted:<kind>',
--   '<year>:titles:<level>', '<year>:title:<name>',
--   '<year>:awards:<organiser kind>:<tier>' (awarded declarations of announced campaigns).
CREATE TABLE record_tally (
    org_id BIGINT NOT NULL,
    metric TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (org_id, metric)
);

INSERT INTO record_tally (org_id, metric, n)
SELECT a.id, m.metric, SUM(m.n) FROM (
    SELECT unit_id, CAST(year AS TEXT) || ':achievements' AS metric, 1 AS n FROM achievements
    UNION ALL
    SELECT unit_id, CAST(year AS TEXT) || ':achievements:' || claimed_level, 1 FROM achievements
        WHERE claimed_level IS NOT NULL
    UNION ALL
    SELECT unit_id, CAST(year AS TEXT) || ':benefit', benefit_verified_cents FROM achievements
        WHERE benefit_verified_cents IS NOT NULL AND benefit_verified_cents <> 0
    UNION ALL
    SELECT unit_id, CAST(year AS TEXT) || ':skills:' || kind, 1 FROM skills
    UNION ALL
    SELECT unit_id, CAST(year AS TEXT) || ':patents:' || kind, 1 FROM patents
    UNION ALL
    SELECT unit_id, CAST(year AS TEXT) || ':patents_granted:' || kind, 1 FROM patents
        WHERE status = 'granted'
    UNION ALL
    SELECT unit_id, CAST(year AS TEXT) || ':titles:' || level, 1 FROM titles
    UNION ALL
    SELECT unit_id, CAST(year AS TEXT) || ':title:' || name, 1 FROM titles
    UNION ALL
    SELECT d.unit_id, CAST(c.year AS TEXT) || ':awards:' || f.kind || ':' || d.tier, 1
        FROM declarations d
        JOIN campaigns c ON c.id = d.campaign_id
        JOIN organisations f ON f.id = c.org_id
        WHERE c.stage = 'announced' AND d.tier IS NOT NULL
) m
JOIN organisations o ON o.id = m.unit_id
JOIN organisations a ON o.path >= a.path AND o.path < SUBSTR(a.path, 1, LENGTH(a.path) - 1) || '0'
GROUP BY a.id, m.metric;
