//! Request counters per fixed time window, kept in the database so that every server of a
//! deployment counts together. One statement per hit: the count is raised and read at once.

use crate::sql::Sql;
use crate::{Result, Tx};
use ingot_domain::Timestamp;
use std::time::Duration;

/// The count in the current window of a bucket, this hit included, and when the window ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hits {
    pub count: i64,
    pub window_ends: Timestamp,
}

/// Counts one hit on `bucket` in the window of length `window` that holds `now`. A server whose
/// clock lags behind another's counts into the later window rather than resetting it.
pub async fn hit(tx: &mut Tx, bucket: &str, now: Timestamp, window: Duration) -> Result<Hits> {
    hits(tx, bucket, now, window, 1).await
}

/// Counts `n` hits at once (a server's hits since it last wrote the bucket).
pub async fn hits(
    tx: &mut Tx,
    bucket: &str,
    now: Timestamp,
    window: Duration,
    n: i64,
) -> Result<Hits> {
    let length = (window.as_millis() as i64).max(1);
    let start = now.millis() - now.millis().rem_euclid(length);
    let (count, window_start): (i64, i64) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO throttle_buckets (bucket, window_start, hits) VALUES ($1, $2, $3)
                 ON CONFLICT (bucket) DO UPDATE SET
                    hits = CASE WHEN throttle_buckets.window_start >= excluded.window_start
                                THEN throttle_buckets.hits + excluded.hits ELSE excluded.hits END,
                    window_start = CASE WHEN throttle_buckets.window_start >= excluded.window_start
                                        THEN throttle_buckets.window_start
                                        ELSE excluded.window_start END
                 RETURNING hits, window_start",
            )
            .bind(bucket)
            .bind(start)
            .bind(n),
        )
        .await?;
    Ok(Hits {
        count,
        window_ends: Timestamp(window_start + length),
    })
}

/// Forgets buckets whose window ended before `before`.
pub async fn purge(tx: &mut Tx, before: Timestamp) -> Result<u64> {
    tx.execute(Sql::new("DELETE FROM throttle_buckets WHERE window_start < $1").bind(before))
        .await
}
