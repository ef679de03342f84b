-- Failed sign-ins count within a window that opens at the first of them: older failures do
-- not count, so that one wrong password now and then never keeps anyone locked out.
ALTER TABLE users ADD COLUMN failures_since BIGINT;

-- API tokens expire. Tokens made before expiry existed get the default lifetime (90 days)
-- from the upgrade, so that the scripts using them keep working while new tokens are made.
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;
UPDATE api_tokens SET expires_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000 + 7776000000 WHERE expires_at IS NULL;

-- Request counters per client address or account and fixed time window, shared by every
-- server of a deployment. `bucket` names what is counted, e.g. `sign_in:address:10.0.0.7`.
CREATE TABLE throttle_buckets (
    bucket TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL
);
CREATE INDEX throttle_buckets_window_idx ON throttle_buckets (window_start);
