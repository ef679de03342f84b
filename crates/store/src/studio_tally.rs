//! Studios by level and focus field, and namings by year and level, per organisation subtree
//! (migration 0023), kept exact in the transaction of every change to a studio, its fields or
//! its namings, so that the studio statistics read their scope's own rows instead of counting
//! every studio beneath it.
//!
//! A change is counted by difference: what the studio counted for before the change is read
//! first (`counted`), and `recount` takes it away and adds what it counts for after, so that
//! no writer has to know which of its columns the statistics group by.

use crate::sql::{Sql, SqlBuilder};
use crate::subtree::{Delta, add_up, move_counted, paths_of};
use crate::{Result, Tx};
use ingot_domain::{OrgId, OrgPath, OrgScope, StudioId};

const TABLE: &str = "studio_tally";

/// Adds `$2` times organisation `$3`'s counts to organisation `$1`'s. `WHERE TRUE` lets SQLite
/// tell the upsert's ON CONFLICT from a join's ON.
const SHIFT: &str = "INSERT INTO studio_tally (org_id, metric, n)
    SELECT $1, metric, n * $2 FROM studio_tally WHERE org_id = $3 AND TRUE
    ON CONFLICT (org_id, metric) DO UPDATE SET n = studio_tally.n + excluded.n";

pub fn level_metric(level: Option<&str>) -> String {
    format!("level:{}", level.unwrap_or("none"))
}

pub fn field_metric(field: &str) -> String {
    format!("field:{field}")
}

/// A naming by the year of its date (`YYYY-MM-DD`) and its level.
pub fn naming_metric(named_on: &str, level: &str) -> String {
    format!("named:{}:{level}", named_on.get(..4).unwrap_or(named_on))
}

/// What one studio counts for, at its unit.
#[derive(Debug, Clone)]
pub struct Counted {
    path: OrgPath,
    metrics: Vec<String>,
}

/// What the studio counts for now (`None` if there is no such studio): its level and fields
/// unless it is revoked, and each of its namings.
pub async fn counted(tx: &mut Tx, studio: StudioId) -> Result<Option<Counted>> {
    let row: Option<(String, Option<String>, String)> = tx
        .fetch_optional(
            Sql::new(
                "SELECT s.status, s.level, o.path FROM studios s
                 JOIN organisations o ON o.id = s.unit_id WHERE s.id = $1",
            )
            .bind(studio.0),
        )
        .await?;
    let Some((status, level, path)) = row else {
        return Ok(None);
    };
    let mut metrics = Vec::new();
    if status != "revoked" {
        metrics.push(level_metric(level.as_deref()));
        let fields: Vec<(String,)> = tx
            .fetch_all(
                Sql::new("SELECT field FROM studio_fields WHERE studio_id = $1").bind(studio.0),
            )
            .await?;
        metrics.extend(fields.iter().map(|(f,)| field_metric(f)));
    }
    let namings: Vec<(String, String)> = tx
        .fetch_all(
            Sql::new("SELECT named_on, level FROM studio_namings WHERE studio_id = $1")
                .bind(studio.0),
        )
        .await?;
    metrics.extend(namings.iter().map(|(on, level)| naming_metric(on, level)));
    Ok(Some(Counted {
        path: OrgPath::from_stored(path),
        metrics,
    }))
}

/// Counts the studio's change: takes away what it counted for `before` the change and adds
/// what it counts for now.
pub async fn recount(tx: &mut Tx, studio: StudioId, before: Option<Counted>) -> Result<()> {
    let after = counted(tx, studio).await?;
    let mut deltas = Vec::new();
    for (counted, by) in [(&before, -1), (&after, 1)] {
        if let Some(c) = counted {
            deltas.extend(c.metrics.iter().map(|metric| Delta {
                path: &c.path,
                metric,
                by,
            }));
        }
    }
    add_up(tx, TABLE, &deltas).await
}

/// Counts studios written in bulk: for each, its unit and the metrics it counts for.
pub async fn count_new(tx: &mut Tx, studios: &[(OrgId, Vec<String>)]) -> Result<()> {
    let units: Vec<OrgId> = studios.iter().map(|(unit, _)| *unit).collect();
    let paths = paths_of(tx, &units).await?;
    let deltas: Vec<Delta<'_>> = studios
        .iter()
        .filter_map(|(unit, metrics)| Some((paths.get(&unit.0)?, metrics)))
        .flat_map(|(path, metrics)| {
            metrics.iter().map(move |metric| Delta {
                path,
                metric,
                by: 1,
            })
        })
        .collect();
    add_up(tx, TABLE, &deltas).await
}

/// Moves what `org`'s subtree counts to the organisations above its new place. Call after
/// the move.
pub async fn move_subtree(tx: &mut Tx, org: OrgId, old: &OrgPath, new: &OrgPath) -> Result<()> {
    move_counted(tx, SHIFT, org, old, Some(new)).await
}

/// The metrics starting with `prefix`, summed over the roots of `scope` (every top-level
/// organisation when `None`), without the prefix, those that are not zero, by metric.
pub async fn within(
    tx: &mut Tx,
    scope: Option<&OrgScope>,
    prefix: &str,
) -> Result<Vec<(String, i64)>> {
    let mut b = SqlBuilder::new(
        "SELECT metric, CAST(SUM(n) AS BIGINT) FROM studio_tally WHERE metric LIKE ",
    );
    b.bind(format!("{prefix}%")).push(" AND org_id IN ");
    match scope {
        Some(scope) => {
            let roots = scope.root_ids();
            if roots.is_empty() {
                return Ok(Vec::new());
            }
            b.values(&roots);
        }
        None => {
            b.push("(SELECT id FROM organisations WHERE parent_id IS NULL)");
        }
    }
    b.push(" GROUP BY metric ORDER BY metric");
    let rows: Vec<(String, i64)> = tx.fetch_all(b.build()).await?;
    Ok(rows
        .into_iter()
        .filter(|(_, n)| *n != 0)
        .map(|(metric, n)| (metric[prefix.len()..].to_string(), n))
        .collect())
}

/// Studios by level (`none`: not named) at each live national, provincial and city federation
/// within `scope`: (federation id, its name, level, studios), by the federations' place. The
/// federations come from their own index (migration 0025).
pub async fn by_federation(
    tx: &mut Tx,
    scope: Option<&OrgScope>,
) -> Result<Vec<(i64, String, String, i64)>> {
    let mut b = SqlBuilder::new(
        "SELECT f.id, f.name, t.metric, t.n FROM organisations f
         JOIN studio_tally t ON t.org_id = f.id
             AND t.metric IN ('level:none', 'level:enterprise', 'level:municipal',
                              'level:provincial', 'level:national')
         WHERE f.kind IN ('national', 'province', 'city') AND f.archived_at IS NULL
           AND t.n <> 0",
    );
    if let Some(scope) = scope {
        b.push(" AND ").scope("f.path", scope);
    }
    b.push(" ORDER BY f.path, t.metric");
    let rows: Vec<(i64, String, String, i64)> = tx.fetch_all(b.build()).await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, metric, n)| (id, name, metric["level:".len()..].to_string(), n))
        .collect())
}

/// The non-zero metrics starting with `prefix` of each of `orgs`' subtrees, without the
/// prefix: (organisation, metric, n).
pub async fn of_each(tx: &mut Tx, orgs: &[OrgId], prefix: &str) -> Result<Vec<(i64, String, i64)>> {
    let mut out = Vec::new();
    for chunk in orgs.chunks(500) {
        let mut b = SqlBuilder::new("SELECT org_id, metric, n FROM studio_tally WHERE org_id IN ");
        b.values(chunk)
            .push(" AND metric LIKE ")
            .bind(format!("{prefix}%"))
            .push(" AND n <> 0");
        let rows: Vec<(i64, String, i64)> = tx.fetch_all(b.build()).await?;
        out.extend(
            rows.into_iter()
                .map(|(org, metric, n)| (org, metric[prefix.len()..].to_string(), n)),
        );
    }
    Ok(out)
}
