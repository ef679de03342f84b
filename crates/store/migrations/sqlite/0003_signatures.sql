-- Near-duplicate detection in the database: each proposal's MinHash signature and its LSH band
-- keys, written in the transaction that changes the proposal's text, so every server finds the
-- same candidates without an index of its own.

CREATE TABLE proposal_signatures (
    proposal_id BIGINT PRIMARY KEY CONSTRAINT proposal_signatures_proposal_fk REFERENCES proposals (id),
    enterprise_id BIGINT NOT NULL,
    -- 168 minima (one-permutation hashing) as hex.
    signature TEXT NOT NULL
);

CREATE TABLE proposal_bands (
    enterprise_id BIGINT NOT NULL,
    band_key BIGINT NOT NULL,
    proposal_id BIGINT NOT NULL CONSTRAINT proposal_bands_proposal_fk REFERENCES proposals (id),
    PRIMARY KEY (enterprise_id, band_key, proposal_id)
);
CREATE INDEX proposal_bands_proposal_idx ON proposal_bands (proposal_id);
