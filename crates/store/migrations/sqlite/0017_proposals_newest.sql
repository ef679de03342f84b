-- The proposals list's default order (newest first) as an index, so a page of it is read in
-- order and stops after its rows instead of sorting every proposal the reader may see.
CREATE INDEX proposals_newest_idx ON proposals ((COALESCE(submitted_at, created_at)) DESC, id DESC);
