//! What the tallies kept per organisation subtree share (the audit tally, the organisation
//! tally): an organisation's rows count its whole subtree, so when a subtree moves or goes,
//! what its root counts leaves the organisations above its old place and joins those above its
//! new one. Those above both keep it.

use crate::sql::{Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::{OrgId, OrgPath};
use std::collections::BTreeMap;

/// A change of one metric at one organisation, counted there and everywhere above it.
pub struct Delta<'a> {
    pub path: &'a OrgPath,
    pub metric: &'a str,
    pub by: i64,
}

/// Applies changes to a tally table of (org_id, metric, n), each for its organisation and every
/// one above it, summed per row (changes that cancel out write nothing).
pub async fn add_up(tx: &mut Tx, table: &'static str, deltas: &[Delta<'_>]) -> Result<()> {
    let mut sums: BTreeMap<(i64, &str), i64> = BTreeMap::new();
    for d in deltas {
        for holder in d.path.ids() {
            *sums.entry((holder.0, d.metric)).or_default() += d.by;
        }
    }
    let sums: Vec<((i64, &str), i64)> = sums.into_iter().filter(|(_, n)| *n != 0).collect();
    if crate::held_counts::hold_subtree(table, &sums) {
        return Ok(());
    }
    write_sums(tx, table, &sums).await
}

/// Adds each (organisation, metric) sum to its row of `table`, 300 rows a statement.
pub(crate) async fn write_sums(
    tx: &mut Tx,
    table: &'static str,
    sums: &[((i64, &str), i64)],
) -> Result<()> {
    for chunk in sums.chunks(300) {
        let mut b = SqlBuilder::new("INSERT INTO ");
        b.push(table).push(" (org_id, metric, n) VALUES ");
        for (i, ((holder, metric), n)) in chunk.iter().enumerate() {
            b.push(if i == 0 { "(" } else { ", (" })
                .bind(*holder)
                .push(", ")
                .bind(*metric)
                .push(", ")
                .bind(*n)
                .push(")");
        }
        b.push(" ON CONFLICT (org_id, metric) DO UPDATE SET n = ")
            .push(table)
            .push(".n + excluded.n");
        tx.execute(b.build()).await?;
    }
    Ok(())
}

/// The paths of organisations named by id (those that exist; each read once).
pub async fn paths_of(tx: &mut Tx, ids: &[OrgId]) -> Result<BTreeMap<i64, OrgPath>> {
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    let mut paths = BTreeMap::new();
    for chunk in ids.chunks(500) {
        let mut b = SqlBuilder::new("SELECT id, path FROM organisations WHERE id IN ");
        b.values(chunk);
        let rows: Vec<(i64, String)> = tx.fetch_all(b.build()).await?;
        paths.extend(
            rows.into_iter()
                .map(|(id, p)| (id, OrgPath::from_stored(p))),
        );
    }
    Ok(paths)
}

/// Moves what `org` counts from the organisations above `old` to those above `new` (`None`:
/// it is gone). `shift` is the tally's statement that adds `$2` times organisation `$3`'s rows
/// to organisation `$1`'s.
pub async fn move_counted(
    tx: &mut Tx,
    shift: &'static str,
    org: OrgId,
    old: &OrgPath,
    new: Option<&OrgPath>,
) -> Result<()> {
    let before = old.ids();
    let after = new.map(OrgPath::ids).unwrap_or_default();
    let leaving = before.iter().filter(|h| **h != org && !after.contains(h));
    let joining = after.iter().filter(|h| **h != org && !before.contains(h));
    for (holder, sign) in leaving.map(|h| (h, -1i64)).chain(joining.map(|h| (h, 1))) {
        tx.execute(Sql::new(shift).bind(*holder).bind(sign).bind(org))
            .await?;
    }
    Ok(())
}
