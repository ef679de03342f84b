-- One date type: every calendar day is 'YYYY-MM-DD' text, as campaigns, achievements and
-- programmes already store theirs; the studios' and digests' yyyymmdd numbers are rewritten
-- digit for digit (the same arithmetic as the SQLite migration; NULL stays NULL). Instants stay
-- BIGINT milliseconds. The indexes and unique constraints on these columns are rebuilt by
-- PostgreSQL with the new type.

ALTER TABLE studios
    ALTER COLUMN founded_on TYPE TEXT USING lpad(CAST(founded_on / 10000 AS TEXT), 4, '0') || '-' || lpad(CAST(founded_on / 100 % 100 AS TEXT), 2, '0') || '-' || lpad(CAST(founded_on % 100 AS TEXT), 2, '0');
ALTER TABLE studio_members
    ALTER COLUMN joined_on TYPE TEXT USING lpad(CAST(joined_on / 10000 AS TEXT), 4, '0') || '-' || lpad(CAST(joined_on / 100 % 100 AS TEXT), 2, '0') || '-' || lpad(CAST(joined_on % 100 AS TEXT), 2, '0'),
    ALTER COLUMN left_on TYPE TEXT USING lpad(CAST(left_on / 10000 AS TEXT), 4, '0') || '-' || lpad(CAST(left_on / 100 % 100 AS TEXT), 2, '0') || '-' || lpad(CAST(left_on % 100 AS TEXT), 2, '0');
ALTER TABLE naming_calls
    ALTER COLUMN deadline TYPE TEXT USING lpad(CAST(deadline / 10000 AS TEXT), 4, '0') || '-' || lpad(CAST(deadline / 100 % 100 AS TEXT), 2, '0') || '-' || lpad(CAST(deadline % 100 AS TEXT), 2, '0');
ALTER TABLE site_reviews
    ALTER COLUMN visited_on TYPE TEXT USING lpad(CAST(visited_on / 10000 AS TEXT), 4, '0') || '-' || lpad(CAST(visited_on / 100 % 100 AS TEXT), 2, '0') || '-' || lpad(CAST(visited_on % 100 AS TEXT), 2, '0');
ALTER TABLE naming_notices
    ALTER COLUMN issued_on TYPE TEXT USING lpad(CAST(issued_on / 10000 AS TEXT), 4, '0') || '-' || lpad(CAST(issued_on / 100 % 100 AS TEXT), 2, '0') || '-' || lpad(CAST(issued_on % 100 AS TEXT), 2, '0');
ALTER TABLE studio_namings
    ALTER COLUMN named_on TYPE TEXT USING lpad(CAST(named_on / 10000 AS TEXT), 4, '0') || '-' || lpad(CAST(named_on / 100 % 100 AS TEXT), 2, '0') || '-' || lpad(CAST(named_on % 100 AS TEXT), 2, '0'),
    ALTER COLUMN lost_on TYPE TEXT USING lpad(CAST(lost_on / 10000 AS TEXT), 4, '0') || '-' || lpad(CAST(lost_on / 100 % 100 AS TEXT), 2, '0') || '-' || lpad(CAST(lost_on % 100 AS TEXT), 2, '0');
ALTER TABLE funding_entries
    ALTER COLUMN on_date TYPE TEXT USING lpad(CAST(on_date / 10000 AS TEXT), 4, '0') || '-' || lpad(CAST(on_date / 100 % 100 AS TEXT), 2, '0') || '-' || lpad(CAST(on_date % 100 AS TEXT), 2, '0');
ALTER TABLE studio_assessments
    ALTER COLUMN assessed_on TYPE TEXT USING lpad(CAST(assessed_on / 10000 AS TEXT), 4, '0') || '-' || lpad(CAST(assessed_on / 100 % 100 AS TEXT), 2, '0') || '-' || lpad(CAST(assessed_on % 100 AS TEXT), 2, '0');
ALTER TABLE studio_outputs
    ALTER COLUMN on_date TYPE TEXT USING lpad(CAST(on_date / 10000 AS TEXT), 4, '0') || '-' || lpad(CAST(on_date / 100 % 100 AS TEXT), 2, '0') || '-' || lpad(CAST(on_date % 100 AS TEXT), 2, '0');
ALTER TABLE studio_events
    ALTER COLUMN on_date TYPE TEXT USING lpad(CAST(on_date / 10000 AS TEXT), 4, '0') || '-' || lpad(CAST(on_date / 100 % 100 AS TEXT), 2, '0') || '-' || lpad(CAST(on_date % 100 AS TEXT), 2, '0');
ALTER TABLE alliances
    ALTER COLUMN founded_on TYPE TEXT USING lpad(CAST(founded_on / 10000 AS TEXT), 4, '0') || '-' || lpad(CAST(founded_on / 100 % 100 AS TEXT), 2, '0') || '-' || lpad(CAST(founded_on % 100 AS TEXT), 2, '0');
ALTER TABLE alliance_members
    ALTER COLUMN joined_on TYPE TEXT USING lpad(CAST(joined_on / 10000 AS TEXT), 4, '0') || '-' || lpad(CAST(joined_on / 100 % 100 AS TEXT), 2, '0') || '-' || lpad(CAST(joined_on % 100 AS TEXT), 2, '0');
ALTER TABLE digests
    ALTER COLUMN day TYPE TEXT USING lpad(CAST(day / 10000 AS TEXT), 4, '0') || '-' || lpad(CAST(day / 100 % 100 AS TEXT), 2, '0') || '-' || lpad(CAST(day % 100 AS TEXT), 2, '0');
