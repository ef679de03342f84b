-- The registry's order (highest level first, most recently named, then by name) as an index,
-- so that a page of a national registry reads its rows in order instead of sorting every
-- studio. The expression is the one in `studios::registry::REGISTRY_ORDER`.
CREATE INDEX studios_registry_order_idx ON studios (
    (CASE level WHEN 'national' THEN 4 WHEN 'provincial' THEN 3 WHEN 'municipal' THEN 2
        WHEN 'enterprise' THEN 1 ELSE 0 END) DESC,
    named_year DESC,
    name,
    id
);
