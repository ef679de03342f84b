//! The audit log's events per organisation subtree and quarter of an hour (migration 0018),
//! kept exact in the transaction of every append, move and removal, so that the activity of a
//! federation's whole subtree is read from its own rows, not counted from the log.

use crate::sql::{Sql, SqlBuilder};
use crate::subtree::move_counted;
use crate::{Result, Tx};
use ingot_domain::{OrgId, OrgPath, Timestamp};

pub const QUARTER_MS: i64 = 900_000;

/// Where the events of no organisation are counted.
const NO_ORGANISATION: i64 = 0;

/// Counts one event at `at` for the organisation and everything above it.
pub async fn add_event(tx: &mut Tx, org: Option<OrgId>, at: Timestamp) -> Result<()> {
    let quarter = at.millis().div_euclid(QUARTER_MS);
    let holders: Vec<i64> = match org {
        None => vec![NO_ORGANISATION],
        Some(org) => {
            let path: Option<(String,)> = tx
                .fetch_optional(Sql::new("SELECT path FROM organisations WHERE id = $1").bind(org))
                .await?;
            // An organisation already removed is counted nowhere, as the log's scoped
            // readers do not see it either.
            let Some((path,)) = path else {
                return Ok(());
            };
            OrgPath::from_stored(path)
                .ids()
                .iter()
                .map(|id| id.0)
                .collect()
        }
    };
    add(tx, &holders, quarter, 1).await
}

/// Adds `events` to each holder's `quarter`, as one statement.
async fn add(tx: &mut Tx, holders: &[i64], quarter: i64, events: i64) -> Result<()> {
    if crate::held_counts::hold_audit(holders, quarter, events) {
        return Ok(());
    }
    write(tx, holders, quarter, events).await
}

/// Adds `events` to each holder's `quarter` now.
pub(crate) async fn write(tx: &mut Tx, holders: &[i64], quarter: i64, events: i64) -> Result<()> {
    if holders.is_empty() {
        return Ok(());
    }
    let mut b = SqlBuilder::new("INSERT INTO audit_tally (org_id, quarter, events) VALUES ");
    for (i, holder) in holders.iter().enumerate() {
        b.push(if i == 0 { "(" } else { ", (" })
            .bind(*holder)
            .push(", ")
            .bind(quarter)
            .push(", ")
            .bind(events)
            .push(")");
    }
    b.push(
        " ON CONFLICT (org_id, quarter) DO UPDATE SET events = audit_tally.events + excluded.events",
    );
    tx.execute(b.build()).await?;
    Ok(())
}

/// Moves the events of `org`'s subtree from the organisations above its old place to those
/// above its new one. Call after the move.
pub async fn move_subtree(tx: &mut Tx, org: OrgId, old: &OrgPath, new: &OrgPath) -> Result<()> {
    move_counted(tx, SHIFT, org, old, Some(new)).await
}

/// Forgets a removed leaf organisation's events, beneath it and above it.
pub async fn remove(tx: &mut Tx, org: OrgId, path: &OrgPath) -> Result<()> {
    move_counted(tx, SHIFT, org, path, None).await?;
    tx.execute(Sql::new("DELETE FROM audit_tally WHERE org_id = $1").bind(org))
        .await?;
    Ok(())
}

/// Adds `$2` times organisation `$3`'s events to organisation `$1`'s. `WHERE TRUE` lets SQLite
/// tell the upsert's ON CONFLICT from a join's ON.
const SHIFT: &str = "INSERT INTO audit_tally (org_id, quarter, events)
    SELECT $1, quarter, events * $2 FROM audit_tally WHERE org_id = $3 AND TRUE
    ON CONFLICT (org_id, quarter) DO UPDATE SET events = audit_tally.events + excluded.events";

/// Events per quarter of an hour from `since`, within the subtrees of `roots` (which do not
/// overlap) and, when `unscoped`, of no organisation.
pub async fn by_quarter(
    tx: &mut Tx,
    roots: &[OrgId],
    unscoped: bool,
    since: Timestamp,
) -> Result<Vec<(i64, i64)>> {
    let mut holders: Vec<i64> = roots.iter().map(|r| r.0).collect();
    if unscoped {
        holders.push(NO_ORGANISATION);
    }
    if holders.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuilder::new(
        "SELECT quarter, CAST(SUM(events) AS BIGINT) FROM audit_tally WHERE org_id IN ",
    );
    b.values(&holders)
        .push(" AND quarter >= ")
        .bind(since.millis().div_euclid(QUARTER_MS))
        .push(" GROUP BY quarter ORDER BY quarter");
    tx.fetch_all(b.build()).await
}
