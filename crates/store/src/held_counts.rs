//! Counts held back for the length of a bulk change. A tally row counted once per record is
//! updated as many times as there are records in the transaction, and PostgreSQL keeps every
//! version of a row that its own open transaction replaced: the thousandth update of a row walks
//! past the nine hundred and ninety-nine before it, so an import of N records cost N² steps.
//! Inside [`holding`] the subtree tallies and the audit tally only add up in memory; the caller
//! writes the sums once, in the same transaction, with [`add_held`] before it commits.

use crate::{Result, Tx};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::future::Future;

/// What a bulk change has counted and not yet written.
#[derive(Debug, Default)]
pub struct Held {
    /// (tally table, organisation, metric) → change.
    subtree: BTreeMap<(&'static str, i64, String), i64>,
    /// (organisation, quarter) → events.
    audit: BTreeMap<(i64, i64), i64>,
}

tokio::task_local! {
    static HELD: RefCell<Held>;
}

/// Runs `work` with the tallies' counts held back; returns its outcome and what it counted.
pub async fn holding<T>(work: impl Future<Output = T>) -> (T, Held) {
    HELD.scope(RefCell::new(Held::default()), async move {
        let out = work.await;
        (out, HELD.with(|h| h.take()))
    })
    .await
}

/// Holds a subtree tally's sums if a bulk change is under way; false when there is none.
pub(crate) fn hold_subtree(table: &'static str, sums: &[((i64, &str), i64)]) -> bool {
    HELD.try_with(|h| {
        let mut h = h.borrow_mut();
        for ((org, metric), n) in sums {
            *h.subtree
                .entry((table, *org, metric.to_string()))
                .or_default() += n;
        }
    })
    .is_ok()
}

/// Holds audit events if a bulk change is under way; false when there is none.
pub(crate) fn hold_audit(holders: &[i64], quarter: i64, events: i64) -> bool {
    HELD.try_with(|h| {
        let mut h = h.borrow_mut();
        for holder in holders {
            *h.audit.entry((*holder, quarter)).or_default() += events;
        }
    })
    .is_ok()
}

/// One row's change: (organisation, metric) and by how much.
type Sum<'a> = ((i64, &'a str), i64);

/// Writes what was held: each tally row once.
pub async fn add_held(tx: &mut Tx, held: Held) -> Result<()> {
    let mut tables: BTreeMap<&'static str, Vec<Sum<'_>>> = BTreeMap::new();
    for ((table, org, metric), n) in &held.subtree {
        tables
            .entry(table)
            .or_default()
            .push(((*org, metric.as_str()), *n));
    }
    for (table, sums) in tables {
        crate::subtree::write_sums(tx, table, &sums).await?;
    }
    let mut quarters: BTreeMap<(i64, i64), Vec<i64>> = BTreeMap::new();
    for ((holder, quarter), events) in held.audit {
        quarters.entry((quarter, events)).or_default().push(holder);
    }
    for ((quarter, events), holders) in quarters {
        crate::audit_tally::write(tx, &holders, quarter, events).await?;
    }
    Ok(())
}
