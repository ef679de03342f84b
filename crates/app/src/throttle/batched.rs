//! API limits counted in memory and written to the shared buckets at most once a second per
//! bucket, so that an API read does not cost a write transaction. One server counts exactly
//! (its own hits are all in memory until written); several servers see each other's hits when
//! they write, so together they may let through at most about one second of the others'
//! requests beyond a limit. Sign-in and objection limits stay exact (`super::check`).

use super::Count;
use crate::Result;
use ingot_domain::{AppError, Timestamp};
use ingot_store::{Db, throttle};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Buckets kept before those whose windows have ended are forgotten.
const MAX_BUCKETS: usize = 10_000;

/// One bucket as this server knows it.
struct Local {
    window_start: i64,
    window_end: i64,
    /// The shared count when this server last wrote it (every server's hits until then).
    shared: i64,
    /// This server's hits since.
    pending: i64,
    written_at: Option<Instant>,
}

/// This server's view of the API buckets.
pub struct Batched {
    write_every: Duration,
    buckets: Mutex<HashMap<String, Local>>,
}

impl Batched {
    pub fn new(write_every: Duration) -> Batched {
        Batched {
            write_every,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one hit on each bucket and refuses with `TooManyRequests` when any is over its
    /// limit. Writes the buckets whose last write is older than a second, or that look over
    /// their limit (a refusal is confirmed against the shared count first).
    pub async fn check(&self, db: &Db, counts: &[Count<'_>]) -> Result<()> {
        let now = Timestamp::now();
        let mut to_write: Vec<(&Count<'_>, i64, i64)> = Vec::new();
        let mut over: Option<i64> = None;
        {
            let mut buckets = self.buckets.lock().expect("throttle buckets");
            if buckets.len() > MAX_BUCKETS {
                buckets.retain(|_, b| b.window_end > now.millis());
            }
            for count in counts.iter().filter(|c| !c.limit.is_off()) {
                let length = (count.limit.window.as_millis() as i64).max(1);
                let start = now.millis() - now.millis().rem_euclid(length);
                let local = buckets.entry(count.bucket.clone()).or_insert(Local {
                    window_start: start,
                    window_end: start + length,
                    shared: 0,
                    pending: 0,
                    written_at: None,
                });
                if local.window_start < start {
                    // A new window: what was not written of the last one no longer counts.
                    local.window_start = start;
                    local.window_end = start + length;
                    local.shared = 0;
                    local.pending = 0;
                }
                local.pending += 1;
                let looks_over = local.shared + local.pending > i64::from(count.limit.max);
                let stale = local
                    .written_at
                    .is_none_or(|at| at.elapsed() >= self.write_every);
                if looks_over || stale {
                    to_write.push((count, local.pending, start));
                    local.pending = 0;
                    local.written_at = Some(Instant::now());
                }
            }
        }
        if !to_write.is_empty() {
            let mut tx = db.begin().await?;
            let mut written = Vec::with_capacity(to_write.len());
            for (count, n, _) in &to_write {
                let hits =
                    throttle::hits(&mut tx, &count.bucket, now, count.limit.window, *n).await?;
                if hits.count > i64::from(count.limit.max) {
                    tracing::info!(bucket = %count.bucket, hits = hits.count, "throttled");
                    over = over.max(Some(hits.window_ends.millis()));
                }
                written.push(hits);
            }
            tx.commit().await?;
            let mut buckets = self.buckets.lock().expect("throttle buckets");
            for ((count, _, start), hits) in to_write.iter().zip(written) {
                if let Some(local) = buckets.get_mut(&count.bucket)
                    && local.window_start == *start
                {
                    local.shared = hits.count;
                }
            }
        }
        match over {
            None => Ok(()),
            Some(ends) => Err(AppError::TooManyRequests {
                retry_after_secs: ((ends - now.millis()).max(0) as u64).div_ceil(1000).max(1),
            }),
        }
    }
}
