//! Throttling per client address and per account, counted in the database (`throttle_buckets`)
//! so that several servers on one PostgreSQL share the counts.

mod batched;

pub use batched::Batched;

use crate::Result;
use ingot_domain::{AppError, Timestamp};
use ingot_store::{Db, throttle};
use std::time::Duration;

/// At most `max` requests per fixed window of `window`; `max == 0` turns the limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub window: Duration,
}

impl Limit {
    pub const OFF: Limit = Limit {
        max: 0,
        window: Duration::from_secs(60),
    };

    pub fn per_minute(max: u32) -> Limit {
        Limit {
            max,
            window: Duration::from_secs(60),
        }
    }

    pub fn is_off(self) -> bool {
        self.max == 0
    }

    /// Reads `COUNT/SECONDS`, e.g. `30/600` for 30 per ten minutes; `0` or `off` for no limit.
    pub fn parse(text: &str) -> std::result::Result<Limit, String> {
        let text = text.trim();
        if text == "0" || text.eq_ignore_ascii_case("off") {
            return Ok(Limit::OFF);
        }
        let (max, secs) = text
            .split_once('/')
            .ok_or_else(|| format!("{text:?} is not COUNT/SECONDS, e.g. 30/600"))?;
        let max: u32 = max
            .trim()
            .parse()
            .map_err(|_| format!("{max:?} is not a count"))?;
        let secs: u64 = secs
            .trim()
            .parse()
            .ok()
            .filter(|s| *s > 0)
            .ok_or_else(|| format!("{secs:?} is not a number of seconds"))?;
        Ok(Limit {
            max,
            window: Duration::from_secs(secs),
        })
    }
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_off() {
            f.write_str("off")
        } else {
            write!(f, "{}/{}", self.max, self.window.as_secs())
        }
    }
}

/// The limits of a deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Sign-in attempts from one client address (generous: an office may share one address).
    pub sign_in_per_address: Limit,
    /// Sign-in attempts for one username, whether or not it exists.
    pub sign_in_per_account: Limit,
    /// Token-authenticated API requests from one client address.
    pub api_per_address: Limit,
    /// Token-authenticated API requests of one account.
    pub api_per_account: Limit,
    /// Public objections lodged from one client address (anyone may object, signed in or not,
    /// and the announcement waits for every objection's outcome).
    pub objections_per_address: Limit,
    /// How often a server writes its API counts to the shared buckets (`Batched`).
    pub api_write_every: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            sign_in_per_address: Limit {
                max: 60,
                window: Duration::from_secs(600),
            },
            sign_in_per_account: Limit {
                max: 20,
                window: Duration::from_secs(600),
            },
            api_per_address: Limit::per_minute(1200),
            api_per_account: Limit::per_minute(600),
            objections_per_address: Limit {
                max: 10,
                window: Duration::from_secs(3600),
            },
            api_write_every: Duration::from_secs(1),
        }
    }
}

/// What is counted: a bucket name and its limit.
pub struct Count<'a> {
    pub bucket: String,
    pub limit: &'a Limit,
}

impl<'a> Count<'a> {
    pub fn new(kind: &str, subject: &str, limit: &'a Limit) -> Count<'a> {
        // Bounded, so that a long made-up username cannot make long keys.
        let subject: String = subject.chars().take(100).collect();
        Count {
            bucket: format!("{kind}:{subject}"),
            limit,
        }
    }
}

/// Counts one hit on each bucket (in one transaction) and refuses with `TooManyRequests` when
/// any of them is over its limit, telling when the latest of those windows ends.
pub async fn check(db: &Db, counts: &[Count<'_>]) -> Result<()> {
    let counts: Vec<&Count> = counts.iter().filter(|c| !c.limit.is_off()).collect();
    if counts.is_empty() {
        return Ok(());
    }
    let now = Timestamp::now();
    let mut tx = db.begin().await?;
    let mut retry_at: Option<Timestamp> = None;
    for count in counts {
        let hits = throttle::hit(&mut tx, &count.bucket, now, count.limit.window).await?;
        if hits.count > i64::from(count.limit.max) {
            tracing::info!(bucket = %count.bucket, hits = hits.count, "throttled");
            retry_at = retry_at.max(Some(hits.window_ends));
        }
    }
    tx.commit().await?;
    match retry_at {
        None => Ok(()),
        Some(at) => {
            let ms = (at.millis() - now.millis()).max(0) as u64;
            Err(AppError::TooManyRequests {
                retry_after_secs: ms.div_ceil(1000).max(1),
            })
        }
    }
}

/// Forgets counters whose windows ended more than a day ago.
pub async fn purge_old(tx: &mut ingot_store::Tx, now: Timestamp) -> Result<u64> {
    throttle::purge(tx, now.minus(Duration::from_secs(24 * 3600))).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_read_count_per_seconds() {
        assert_eq!(
            Limit::parse("30/600").unwrap(),
            Limit {
                max: 30,
                window: Duration::from_secs(600)
            }
        );
        assert!(Limit::parse("off").unwrap().is_off());
        assert!(Limit::parse("0").unwrap().is_off());
        for bad in ["30", "x/60", "30/0", "30/x", ""] {
            assert!(Limit::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(Limit::parse("5/60").unwrap().to_string(), "5/60");
    }
}
