//! Innovation records by year per organisation subtree (migration 0026), kept exact in the
//! transaction of every change to an achievement, patent, skill or method, title, or campaign
//! announcement, so that a unit's annual summary reads its own rows instead of counting the
//! records beneath it.
//!
//! A metric is `<year>:<figure>[:<detail>]`, year first so that a year is one range of the
//! primary key. A change is counted by difference, as the studio tally does: what the record
//! counted for before is read first (`counted`), and `recount` takes it away and adds what it
//! counts for after.

use crate::sql::{Sql, SqlBuilder};
use crate::subtree::{Delta, add_up, move_counted, paths_of};
use crate::{Result, Tx};
use ingot_domain::{OrgId, OrgPath};

const TABLE: &str = "record_tally";

/// Adds `$2` times organisation `$3`'s counts to organisation `$1`'s. `WHERE TRUE` lets SQLite
/// tell the upsert's ON CONFLICT from a join's ON.
const SHIFT: &str = "INSERT INTO record_tally (org_id, metric, n)
    SELECT $1, metric, n * $2 FROM record_tally WHERE org_id = $3 AND TRUE
    ON CONFLICT (org_id, metric) DO UPDATE SET n = record_tally.n + excluded.n";

/// A metric and what one record adds to it (1 for a count, fen for the benefit).
pub type Weighted = (String, i64);

/// An achievement counts once in its year, once more under its claimed level, and its
/// verified benefit.
pub fn achievement_metrics(
    year: i64,
    claimed_level: Option<&str>,
    verified_cents: Option<i64>,
) -> Vec<Weighted> {
    let mut m = vec![(format!("{year}:achievements"), 1)];
    if let Some(level) = claimed_level {
        m.push((format!("{year}:achievements:{level}"), 1));
    }
    if let Some(cents) = verified_cents.filter(|c| *c != 0) {
        m.push((format!("{year}:benefit"), cents));
    }
    m
}

/// A patent counts under its kind in its year, and again once granted.
pub fn patent_metrics(year: i64, kind: &str, granted: bool) -> Vec<Weighted> {
    let mut m = vec![(format!("{year}:patents:{kind}"), 1)];
    if granted {
        m.push((format!("{year}:patents_granted:{kind}"), 1));
    }
    m
}

pub fn skill_metrics(year: i64, kind: &str) -> Vec<Weighted> {
    vec![(format!("{year}:skills:{kind}"), 1)]
}

/// A title counts under its level and under its name (a person holds a name once a year).
pub fn title_metrics(year: i64, level: &str, name: &str) -> Vec<Weighted> {
    vec![
        (format!("{year}:titles:{level}"), 1),
        (format!("{year}:title:{name}"), 1),
    ]
}

/// An awarded declaration, by the kind of the organisation that ran the campaign.
pub fn award_metric(year: i64, organiser_kind: &str, tier: &str) -> Weighted {
    (format!("{year}:awards:{organiser_kind}:{tier}"), 1)
}

/// A record whose counts the tally keeps.
#[derive(Debug, Clone, Copy)]
pub enum Record {
    Achievement(i64),
    Patent(i64),
    Skill(i64),
    Title(i64),
}

/// What one record counts for, at its unit.
#[derive(Debug, Clone)]
pub struct Counted {
    path: OrgPath,
    metrics: Vec<Weighted>,
}

/// What the record counts for now (`None` if there is no such record).
pub async fn counted(tx: &mut Tx, record: Record) -> Result<Option<Counted>> {
    let (sql, id) = match record {
        Record::Achievement(id) => (
            "SELECT o.path, x.year, x.claimed_level, x.benefit_verified_cents, NULL
             FROM achievements x JOIN organisations o ON o.id = x.unit_id WHERE x.id = $1",
            id,
        ),
        Record::Patent(id) => (
            "SELECT o.path, x.year, x.kind, NULL, x.status
             FROM patents x JOIN organisations o ON o.id = x.unit_id WHERE x.id = $1",
            id,
        ),
        Record::Skill(id) => (
            "SELECT o.path, x.year, x.kind, NULL, NULL
             FROM skills x JOIN organisations o ON o.id = x.unit_id WHERE x.id = $1",
            id,
        ),
        Record::Title(id) => (
            "SELECT o.path, x.year, x.level, NULL, x.name
             FROM titles x JOIN organisations o ON o.id = x.unit_id WHERE x.id = $1",
            id,
        ),
    };
    type Row = (String, i64, Option<String>, Option<i64>, Option<String>);
    let row: Option<Row> = tx.fetch_optional(Sql::new(sql).bind(id)).await?;
    let Some((path, year, code, cents, text)) = row else {
        return Ok(None);
    };
    let code = code.unwrap_or_default();
    let text = text.unwrap_or_default();
    let metrics = match record {
        Record::Achievement(_) => {
            achievement_metrics(year, Some(code.as_str()).filter(|c| !c.is_empty()), cents)
        }
        Record::Patent(_) => patent_metrics(year, &code, text == "granted"),
        Record::Skill(_) => skill_metrics(year, &code),
        Record::Title(_) => title_metrics(year, &code, &text),
    };
    Ok(Some(Counted {
        path: OrgPath::from_stored(path),
        metrics,
    }))
}

/// Counts the record's change: takes away what it counted for `before` the change and adds
/// what it counts for now.
pub async fn recount(tx: &mut Tx, record: Record, before: Option<Counted>) -> Result<()> {
    let after = counted(tx, record).await?;
    let mut deltas = Vec::new();
    for (counted, sign) in [(&before, -1), (&after, 1)] {
        if let Some(c) = counted {
            deltas.extend(c.metrics.iter().map(|(metric, by)| Delta {
                path: &c.path,
                metric,
                by: sign * by,
            }));
        }
    }
    add_up(tx, TABLE, &deltas).await
}

/// Counts records written in bulk: for each, its unit and what it counts for.
pub async fn count_new(tx: &mut Tx, records: &[(OrgId, Vec<Weighted>)]) -> Result<()> {
    let units: Vec<OrgId> = records.iter().map(|(unit, _)| *unit).collect();
    let paths = paths_of(tx, &units).await?;
    let deltas: Vec<Delta<'_>> = records
        .iter()
        .filter_map(|(unit, metrics)| Some((paths.get(&unit.0)?, metrics)))
        .flat_map(|(path, metrics)| {
            metrics.iter().map(move |(metric, by)| Delta {
                path,
                metric,
                by: *by,
            })
        })
        .collect();
    add_up(tx, TABLE, &deltas).await
}

/// Counts the awards of a campaign that has just been announced: each awarded declaration at
/// its record's unit, under the campaign's year and its organiser's kind.
pub async fn count_awards(tx: &mut Tx, campaign: i64) -> Result<()> {
    let rows: Vec<(i64, i64, String, String)> = tx
        .fetch_all(
            Sql::new(
                "SELECT d.unit_id, c.year, f.kind, d.tier FROM declarations d
                 JOIN campaigns c ON c.id = d.campaign_id
                 JOIN organisations f ON f.id = c.org_id
                 WHERE d.campaign_id = $1 AND d.tier IS NOT NULL",
            )
            .bind(campaign),
        )
        .await?;
    let records: Vec<(OrgId, Vec<Weighted>)> = rows
        .into_iter()
        .map(|(unit, year, kind, tier)| (OrgId(unit), vec![award_metric(year, &kind, &tier)]))
        .collect();
    count_new(tx, &records).await
}

/// Moves what `org`'s subtree counts to the organisations above its new place. Call after
/// the move.
pub async fn move_subtree(tx: &mut Tx, org: OrgId, old: &OrgPath, new: &OrgPath) -> Result<()> {
    move_counted(tx, SHIFT, org, old, Some(new)).await
}

/// The non-zero metrics of `org`'s subtree for the years `first..=last`, by metric.
pub async fn years(tx: &mut Tx, org: OrgId, first: i64, last: i64) -> Result<Vec<(String, i64)>> {
    // Years are four digits, and ';' sorts just after ':', so the range holds exactly them.
    let mut b = SqlBuilder::new("SELECT metric, n FROM record_tally WHERE org_id = ");
    b.bind(org)
        .push(" AND metric >= ")
        .bind(format!("{first}:"))
        .push(" AND metric < ")
        .bind(format!("{last};"))
        .push(" AND n <> 0 ORDER BY metric");
    tx.fetch_all(b.build()).await
}

/// The non-zero metrics of each of `orgs`' subtrees for `year`: (organisation, metric, n).
pub async fn year_of_each(
    tx: &mut Tx,
    orgs: &[OrgId],
    year: i64,
) -> Result<Vec<(i64, String, i64)>> {
    let mut out = Vec::new();
    for chunk in orgs.chunks(500) {
        let mut b = SqlBuilder::new("SELECT org_id, metric, n FROM record_tally WHERE org_id IN ");
        b.values(chunk)
            .push(" AND metric >= ")
            .bind(format!("{year}:"))
            .push(" AND metric < ")
            .bind(format!("{year};"))
            .push(" AND n <> 0");
        out.extend(tx.fetch_all::<(i64, String, i64)>(b.build()).await?);
    }
    Ok(out)
}
