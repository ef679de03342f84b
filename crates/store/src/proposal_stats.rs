//! The proposal rollup: counts per unit, month and category, maintained in the transaction of
//! every change, so statistics never aggregate the base table and are never stale.

use crate::sql::{Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::proposal::Contribution;
use ingot_domain::{OrgId, OrgPath};
use std::collections::BTreeMap;

/// Adds a contribution (or, negated, removes one).
pub async fn add(tx: &mut Tx, c: &Contribution) -> Result<()> {
    add_many(tx, std::slice::from_ref(c)).await
}

/// Adds many contributions at once, each (unit, period, category) at most once: a bulk load's
/// share of the rollup, in its own transaction. Each counts for its unit in `proposal_rollup`
/// and for its unit and every organisation above it in `proposal_rollup_tree`.
pub async fn add_many(tx: &mut Tx, contributions: &[Contribution]) -> Result<()> {
    let rows: Vec<(i64, &Contribution)> = contributions.iter().map(|c| (c.unit_id.0, c)).collect();
    upsert(tx, ROLLUP, &rows).await?;
    let paths = paths_of(tx, contributions).await?;
    let mut tree: BTreeMap<(i64, i64, &str), Contribution> = BTreeMap::new();
    for c in contributions {
        let Some(path) = paths.get(&c.unit_id.0) else {
            continue;
        };
        for holder in path.ids() {
            let sum = tree
                .entry((holder.0, c.period, c.category.as_str()))
                .or_insert_with(|| Contribution {
                    put_forward: 0,
                    adopted: 0,
                    implemented: 0,
                    benefit_cents: 0,
                    ..c.clone()
                });
            sum.put_forward += c.put_forward;
            sum.adopted += c.adopted;
            sum.implemented += c.implemented;
            sum.benefit_cents += c.benefit_cents;
        }
    }
    let rows: Vec<(i64, &Contribution)> = tree.iter().map(|((h, _, _), c)| (*h, c)).collect();
    upsert(tx, TREE, &rows).await
}

/// The paths of the contributions' units.
async fn paths_of(tx: &mut Tx, contributions: &[Contribution]) -> Result<BTreeMap<i64, OrgPath>> {
    let units: Vec<OrgId> = contributions.iter().map(|c| c.unit_id).collect();
    crate::subtree::paths_of(tx, &units).await
}

/// A rollup table's insert and the update of its conflicting row.
type Upsert = (&'static str, &'static str);

const ROLLUP: Upsert = (
    "INSERT INTO proposal_rollup (org_id, period, category, put_forward, adopted, implemented, benefit_cents) VALUES ",
    " ON CONFLICT (org_id, period, category) DO UPDATE SET
        put_forward = proposal_rollup.put_forward + excluded.put_forward,
        adopted = proposal_rollup.adopted + excluded.adopted,
        implemented = proposal_rollup.implemented + excluded.implemented,
        benefit_cents = proposal_rollup.benefit_cents + excluded.benefit_cents",
);

const TREE: Upsert = (
    "INSERT INTO proposal_rollup_tree (org_id, period, category, put_forward, adopted, implemented, benefit_cents) VALUES ",
    " ON CONFLICT (org_id, period, category) DO UPDATE SET
        put_forward = proposal_rollup_tree.put_forward + excluded.put_forward,
        adopted = proposal_rollup_tree.adopted + excluded.adopted,
        implemented = proposal_rollup_tree.implemented + excluded.implemented,
        benefit_cents = proposal_rollup_tree.benefit_cents + excluded.benefit_cents",
);

/// Adds each (organisation, contribution) to its table's row of that organisation, period and
/// category.
async fn upsert(
    tx: &mut Tx,
    (insert, update): Upsert,
    rows: &[(i64, &Contribution)],
) -> Result<()> {
    for batch in rows.chunks(1_000) {
        let mut b = SqlBuilder::new(insert);
        for (i, (org, c)) in batch.iter().enumerate() {
            b.push(if i == 0 { "(" } else { ", (" })
                .bind(*org)
                .push(", ")
                .bind(c.period)
                .push(", ")
                .bind(c.category.as_str())
                .push(", ")
                .bind(c.put_forward)
                .push(", ")
                .bind(c.adopted)
                .push(", ")
                .bind(c.implemented)
                .push(", ")
                .bind(c.benefit_cents)
                .push(")");
        }
        b.push(update);
        tx.execute(b.build()).await?;
    }
    Ok(())
}

/// Moves what `org`'s subtree counts in `proposal_rollup_tree` from the organisations above its
/// old place to those above its new one. Call after the move.
pub async fn move_subtree(tx: &mut Tx, org: OrgId, old: &OrgPath, new: &OrgPath) -> Result<()> {
    crate::subtree::move_counted(tx, TREE_SHIFT, org, old, Some(new)).await
}

/// Adds `$2` times organisation `$3`'s rows to organisation `$1`'s. `WHERE TRUE` lets SQLite
/// tell the upsert's ON CONFLICT from a join's ON.
const TREE_SHIFT: &str = "INSERT INTO proposal_rollup_tree
        (org_id, period, category, put_forward, adopted, implemented, benefit_cents)
    SELECT $1, period, category, put_forward * $2, adopted * $2, implemented * $2, benefit_cents * $2
    FROM proposal_rollup_tree WHERE org_id = $3 AND TRUE
    ON CONFLICT (org_id, period, category) DO UPDATE SET
        put_forward = proposal_rollup_tree.put_forward + excluded.put_forward,
        adopted = proposal_rollup_tree.adopted + excluded.adopted,
        implemented = proposal_rollup_tree.implemented + excluded.implemented,
        benefit_cents = proposal_rollup_tree.benefit_cents + excluded.benefit_cents";

/// Moves a proposal's contribution from what it was to what it is.
pub async fn shift(
    tx: &mut Tx,
    before: Option<&Contribution>,
    after: Option<&Contribution>,
) -> Result<()> {
    if before == after {
        return Ok(());
    }
    if let Some(b) = before {
        add(tx, &b.negated()).await?;
    }
    if let Some(a) = after {
        add(tx, a).await?;
    }
    Ok(())
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub put_forward: i64,
    pub adopted: i64,
    pub implemented: i64,
    pub benefit_cents: i64,
}

impl Counts {
    /// Implemented per put forward, in basis points.
    pub fn implementation_rate_bp(&self) -> Option<i64> {
        (self.put_forward > 0)
            .then(|| (self.implemented * 10_000 + self.put_forward / 2) / self.put_forward)
    }

    pub fn adoption_rate_bp(&self) -> Option<i64> {
        (self.put_forward > 0)
            .then(|| (self.adopted * 10_000 + self.put_forward / 2) / self.put_forward)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UnitCounts {
    pub org_id: OrgId,
    pub code: String,
    pub name: String,
    pub counts: Counts,
}

type CountRow = (i64, i64, i64, i64);

fn counts((put_forward, adopted, implemented, benefit_cents): CountRow) -> Counts {
    Counts {
        put_forward,
        adopted,
        implemented,
        benefit_cents,
    }
}

// CAST keeps SUM a BIGINT on PostgreSQL (it would be NUMERIC); see dialect.rs.
const SUMS: &str = "SELECT CAST(COALESCE(SUM(r.put_forward), 0) AS BIGINT), CAST(COALESCE(SUM(r.adopted), 0) AS BIGINT),
    CAST(COALESCE(SUM(r.implemented), 0) AS BIGINT), CAST(COALESCE(SUM(r.benefit_cents), 0) AS BIGINT)";

fn period_filter(b: &mut SqlBuilder, from: i64, to: i64, category: Option<&str>) {
    b.push(" AND r.period >= ").bind(from);
    b.push(" AND r.period <= ").bind(to);
    if let Some(c) = category {
        b.push(" AND r.category = ").bind(c);
    }
}

/// Totals over an organisation's subtree for periods `from..=to`.
pub async fn totals(
    tx: &mut Tx,
    within: &OrgPath,
    from: i64,
    to: i64,
    category: Option<&str>,
) -> Result<Counts> {
    let mut b = SqlBuilder::new(SUMS);
    b.push(" FROM proposal_rollup_tree r WHERE r.org_id = ")
        .bind(root_of(within));
    period_filter(&mut b, from, to, category);
    let row: CountRow = tx.fetch_one(b.build()).await?;
    Ok(counts(row))
}

/// Totals for each child of `parent` (each over its own subtree), plus what is recorded on
/// `parent` itself as the last row when there is any.
pub async fn by_child(
    tx: &mut Tx,
    parent: OrgId,
    from: i64,
    to: i64,
    category: Option<&str>,
) -> Result<Vec<UnitCounts>> {
    let mut b = SqlBuilder::new(
        "SELECT c.id, c.code, c.name, CAST(COALESCE(SUM(r.put_forward), 0) AS BIGINT),
            CAST(COALESCE(SUM(r.adopted), 0) AS BIGINT), CAST(COALESCE(SUM(r.implemented), 0) AS BIGINT),
            CAST(COALESCE(SUM(r.benefit_cents), 0) AS BIGINT)
         FROM organisations c
         LEFT JOIN proposal_rollup_tree r ON r.org_id = c.id",
    );
    period_filter(&mut b, from, to, category);
    b.push(" WHERE c.parent_id = ")
        .bind(parent)
        .push(" AND c.archived_at IS NULL GROUP BY c.id, c.code, c.name ORDER BY c.name");
    let rows: Vec<(i64, String, String, i64, i64, i64, i64)> = tx.fetch_all(b.build()).await?;
    let mut out: Vec<UnitCounts> = rows
        .into_iter()
        .map(|(id, code, name, a, b, c, d)| UnitCounts {
            org_id: OrgId(id),
            code,
            name,
            counts: counts((a, b, c, d)),
        })
        .collect();
    let mut own = SqlBuilder::new(SUMS);
    own.push(" FROM proposal_rollup r WHERE r.org_id = ")
        .bind(parent);
    period_filter(&mut own, from, to, category);
    let own = counts(tx.fetch_one(own.build()).await?);
    if own.put_forward > 0 {
        let (code, name): (String, String) = tx
            .fetch_one(Sql::new("SELECT code, name FROM organisations WHERE id = $1").bind(parent))
            .await?;
        out.push(UnitCounts {
            org_id: parent,
            code,
            name,
            counts: own,
        });
    }
    Ok(out)
}

/// Totals per period (month) over a subtree, for a chart.
pub async fn by_period(
    tx: &mut Tx,
    within: &OrgPath,
    from: i64,
    to: i64,
    category: Option<&str>,
) -> Result<Vec<(i64, Counts)>> {
    let mut b = SqlBuilder::new(
        "SELECT r.period, CAST(SUM(r.put_forward) AS BIGINT), CAST(SUM(r.adopted) AS BIGINT),
            CAST(SUM(r.implemented) AS BIGINT), CAST(SUM(r.benefit_cents) AS BIGINT)
         FROM proposal_rollup_tree r WHERE r.org_id = ",
    );
    b.bind(root_of(within));
    period_filter(&mut b, from, to, category);
    b.push(" GROUP BY r.period ORDER BY r.period");
    let rows: Vec<(i64, i64, i64, i64, i64)> = tx.fetch_all(b.build()).await?;
    Ok(rows
        .into_iter()
        .map(|(p, a, b, c, d)| (p, counts((a, b, c, d))))
        .collect())
}

/// The organisation at the top of a subtree.
fn root_of(within: &OrgPath) -> i64 {
    within.ids().last().map_or(0, |id| id.0)
}

/// Totals over each of `orgs`' subtrees for periods `from..=to`: (organisation, counts), for
/// those with any.
pub async fn totals_of_each(
    tx: &mut Tx,
    orgs: &[OrgId],
    from: i64,
    to: i64,
) -> Result<Vec<(i64, Counts)>> {
    let mut out = Vec::new();
    for chunk in orgs.chunks(500) {
        let mut b = SqlBuilder::new(
            "SELECT r.org_id, CAST(SUM(r.put_forward) AS BIGINT), CAST(SUM(r.adopted) AS BIGINT),
                CAST(SUM(r.implemented) AS BIGINT), CAST(SUM(r.benefit_cents) AS BIGINT)
             FROM proposal_rollup_tree r WHERE r.org_id IN ",
        );
        b.values(chunk);
        period_filter(&mut b, from, to, None);
        b.push(" GROUP BY r.org_id");
        let rows: Vec<(i64, i64, i64, i64, i64)> = tx.fetch_all(b.build()).await?;
        out.extend(
            rows.into_iter()
                .map(|(org, a, b, c, d)| (org, counts((a, b, c, d)))),
        );
    }
    Ok(out)
}
