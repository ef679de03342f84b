//! Live organisations by kind and active people, per organisation subtree (migration 0019),
//! kept exact in the transaction of every change to either, so that the dashboard's figures
//! for a whole federation are read from its own rows, not counted beneath it.

use crate::sql::SqlBuilder;
use crate::subtree::move_counted;
use crate::{Result, Tx};
use ingot_domain::{OrgId, OrgKind, OrgPath, OrgScope};

/// The metric of active people; the others are organisation kinds' codes.
pub const PEOPLE: &str = "people";

pub use crate::subtree::Delta;

/// Applies changes, each for its organisation and every one above it, summed per row.
pub async fn apply(tx: &mut Tx, deltas: &[Delta<'_>]) -> Result<()> {
    crate::subtree::add_up(tx, "org_tally", deltas).await
}

/// Changes the number of active people of organisations named by id.
pub async fn add_people(tx: &mut Tx, changes: &[(OrgId, i64)]) -> Result<()> {
    let ids: Vec<OrgId> = changes.iter().map(|(org, _)| *org).collect();
    let paths = crate::subtree::paths_of(tx, &ids).await?;
    let deltas: Vec<Delta<'_>> = changes
        .iter()
        .filter_map(|(org, by)| {
            Some(Delta {
                path: paths.get(&org.0)?,
                metric: PEOPLE,
                by: *by,
            })
        })
        .collect();
    apply(tx, &deltas).await
}

/// Counts the organisations of a subtree that are about to be archived (`by` = -1, with
/// `archived_at` None: the live ones) or were just restored (`by` = 1, with the instant they
/// had been archived at).
pub async fn add_subtree_orgs(
    tx: &mut Tx,
    root: &OrgPath,
    archived_at: Option<i64>,
    by: i64,
) -> Result<()> {
    let mut b = SqlBuilder::new("SELECT path, kind FROM organisations WHERE path >= ");
    b.bind(root.as_str())
        .push(" AND path < ")
        .bind(root.subtree_end());
    match archived_at {
        None => b.push(" AND archived_at IS NULL"),
        Some(at) => b.push(" AND archived_at = ").bind(at),
    };
    let rows: Vec<(String, String)> = tx.fetch_all(b.build()).await?;
    count_orgs(tx, rows, by).await
}

/// Counts organisations given as (path, kind) rows, `by` each.
pub async fn count_orgs(tx: &mut Tx, rows: Vec<(String, String)>, by: i64) -> Result<()> {
    let paths: Vec<(OrgPath, String)> = rows
        .into_iter()
        .map(|(path, kind)| (OrgPath::from_stored(path), kind))
        .collect();
    let deltas: Vec<Delta<'_>> = paths
        .iter()
        .map(|(path, metric)| Delta { path, metric, by })
        .collect();
    apply(tx, &deltas).await
}

/// Moves everything counted in `org`'s subtree from the organisations above its old place to
/// those above its new one. Call after the move.
pub async fn move_subtree(tx: &mut Tx, org: OrgId, old: &OrgPath, new: &OrgPath) -> Result<()> {
    move_counted(tx, SHIFT, org, old, Some(new)).await
}

/// Adds `$2` times organisation `$3`'s counts to organisation `$1`'s. `WHERE TRUE` lets SQLite
/// tell the upsert's ON CONFLICT from a join's ON.
const SHIFT: &str = "INSERT INTO org_tally (org_id, metric, n)
    SELECT $1, metric, n * $2 FROM org_tally WHERE org_id = $3 AND TRUE
    ON CONFLICT (org_id, metric) DO UPDATE SET n = org_tally.n + excluded.n";

/// Live organisations by kind and active people within `scope`, read from its roots' rows.
pub async fn within(tx: &mut Tx, scope: &OrgScope) -> Result<(Vec<(OrgKind, i64)>, i64)> {
    let roots = scope.root_ids();
    if roots.is_empty() {
        return Ok((Vec::new(), 0));
    }
    let mut b =
        SqlBuilder::new("SELECT metric, CAST(SUM(n) AS BIGINT) FROM org_tally WHERE org_id IN ");
    b.values(&roots).push(" GROUP BY metric");
    let rows: Vec<(String, i64)> = tx.fetch_all(b.build()).await?;
    let people = rows
        .iter()
        .find(|(metric, _)| metric == PEOPLE)
        .map_or(0, |(_, n)| *n);
    let mut orgs: Vec<(OrgKind, i64)> = rows
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .filter_map(|(metric, n)| Some((OrgKind::parse(&metric)?, n)))
        .collect();
    orgs.sort();
    Ok((orgs, people))
}

/// Active people of each of `orgs`' subtrees: (organisation, people), for those with any.
pub async fn people_of_each(tx: &mut Tx, orgs: &[OrgId]) -> Result<Vec<(i64, i64)>> {
    let mut out = Vec::new();
    for chunk in orgs.chunks(500) {
        let mut b = SqlBuilder::new("SELECT org_id, n FROM org_tally WHERE org_id IN ");
        b.values(chunk).push(" AND metric = ").bind(PEOPLE);
        out.extend(tx.fetch_all::<(i64, i64)>(b.build()).await?);
    }
    Ok(out)
}
