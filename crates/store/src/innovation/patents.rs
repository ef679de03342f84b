//! Patents: the record, the numbers already taken, the scoped listing and the patents linked to
//! an achievement.

use super::{RecordFilter, blind_filter, common, get_by_id, list_page, stored, text_filter};
use crate::sql::{Page, Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::innovation::{PatentKind, PatentStatus};
use ingot_domain::time::Date;
use ingot_domain::{AppError, OrgId, Timestamp, UserId};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Patent {
    pub id: i64,
    pub unit_id: OrgId,
    pub unit_name: String,
    pub unit_path: String,
    pub kind: PatentKind,
    pub number: String,
    pub title: String,
    pub inventors: String,
    pub applied_on: Date,
    pub granted_on: Option<Date>,
    pub status: PatentStatus,
    pub year: i64,
    pub created_at: Timestamp,
    /// Raised by every edit; an edit names the version it read.
    pub version: i64,
}

#[derive(sqlx::FromRow)]
struct PatentRow {
    id: i64,
    unit_id: i64,
    unit_name: String,
    unit_path: String,
    kind: String,
    number: String,
    title: String,
    inventors: String,
    applied_on: Date,
    granted_on: Option<Date>,
    status: String,
    year: i64,
    created_at: i64,
    version: i64,
}

const PATENT: &str =
    "SELECT p.id, p.unit_id, u.name AS unit_name, u.path AS unit_path, p.kind, p.number, p.title,
    p.inventors, p.applied_on, p.granted_on, p.status, p.year, p.created_at, p.version
    FROM patents p JOIN organisations u ON u.id = p.unit_id";

impl TryFrom<PatentRow> for Patent {
    type Error = AppError;
    fn try_from(r: PatentRow) -> Result<Patent> {
        Ok(Patent {
            id: r.id,
            unit_id: OrgId(r.unit_id),
            unit_name: r.unit_name,
            unit_path: r.unit_path,
            kind: stored("patent kind", &r.kind, PatentKind::parse)?,
            number: r.number,
            title: r.title,
            inventors: r.inventors,
            applied_on: r.applied_on,
            granted_on: r.granted_on,
            status: stored("patent status", &r.status, PatentStatus::parse)?,
            year: r.year,
            created_at: Timestamp(r.created_at),
            version: r.version,
        })
    }
}

#[derive(Debug, Clone)]
pub struct NewPatent {
    pub unit_id: OrgId,
    pub kind: PatentKind,
    pub number: String,
    pub title: String,
    pub inventors: String,
    pub applied_on: Date,
    pub granted_on: Option<Date>,
    pub status: PatentStatus,
    pub year: i64,
}

pub async fn insert_patent(
    tx: &mut Tx,
    p: &NewPatent,
    by: Option<UserId>,
    now: Timestamp,
) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO patents (unit_id, kind, number, title, inventors, applied_on, granted_on, status, year,
                    created_by, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
            )
            .bind(p.unit_id)
            .bind(p.kind.as_str())
            .bind(p.number.as_str())
            .bind(p.title.as_str())
            .bind(p.inventors.as_str())
            .bind(p.applied_on)
            .bind(p.granted_on)
            .bind(p.status.as_str())
            .bind(p.year)
            .bind(by)
            .bind(now.0),
        )
        .await?;
    crate::record_tally::recount(tx, crate::record_tally::Record::Patent(id), None).await?;
    Ok(id)
}

/// Changes a patent if it is still at `version`, raising it and recounting what it counts for
/// (a grant, another year or unit); false when someone changed it meanwhile.
pub async fn update_patent(
    tx: &mut Tx,
    id: i64,
    p: &NewPatent,
    version: i64,
    now: Timestamp,
) -> Result<bool> {
    let record = crate::record_tally::Record::Patent(id);
    let before = crate::record_tally::counted(tx, record).await?;
    let changed = tx
        .execute(
            Sql::new(
                "UPDATE patents SET unit_id = $1, kind = $2, number = $3, title = $4, inventors = $5,
                 applied_on = $6, granted_on = $7, status = $8, year = $9, updated_at = $10,
                 version = version + 1 WHERE id = $11 AND version = $12",
            )
            .bind(p.unit_id)
            .bind(p.kind.as_str())
            .bind(p.number.as_str())
            .bind(p.title.as_str())
            .bind(p.inventors.as_str())
            .bind(p.applied_on)
            .bind(p.granted_on)
            .bind(p.status.as_str())
            .bind(p.year)
            .bind(now.0)
            .bind(id)
            .bind(version),
        )
        .await?;
    if changed != 1 {
        return Ok(false);
    }
    crate::record_tally::recount(tx, record, before).await?;
    Ok(true)
}

pub async fn get_patent(tx: &mut Tx, id: i64) -> Result<Option<Patent>> {
    get_by_id::<PatentRow, _>(tx, (PATENT, "p.id"), id, Patent::try_from).await
}

/// The id of the patent with this application number, written as stored (`CN202010566088.9`).
pub async fn patent_by_number(tx: &mut Tx, number: &str) -> Result<Option<i64>> {
    let row: Option<(i64,)> = tx
        .fetch_optional(Sql::new("SELECT id FROM patents WHERE number = $1").bind(number))
        .await?;
    Ok(row.map(|(id,)| id))
}

pub async fn patent_numbers_taken(tx: &mut Tx, numbers: &[String]) -> Result<Vec<String>> {
    let mut taken = Vec::new();
    for n in numbers {
        let row: Option<(String,)> = tx
            .fetch_optional(
                Sql::new("SELECT number FROM patents WHERE number = $1").bind(n.as_str()),
            )
            .await?;
        if let Some((n,)) = row {
            taken.push(n);
        }
    }
    Ok(taken)
}

pub async fn list_patents(tx: &mut Tx, f: &RecordFilter, page: Page) -> Result<(Vec<Patent>, i64)> {
    let filters = |b: &mut SqlBuilder| {
        common(b, f, "p.year", "p.kind");
        if f.blind_to.is_some() {
            // A patent linked to a hidden achievement names its unit and inventors too.
            b.push(
                " AND NOT EXISTS (SELECT 1 FROM achievement_patents ap WHERE ap.patent_id = p.id",
            );
            blind_filter(b, f, "achievement", "ap.achievement_id");
            b.push(")");
        }
        text_filter(b, f, "p.title || ' ' || p.number || ' ' || p.inventors");
        if let Some(status) = &f.status {
            b.push(" AND p.status = ").bind(status.as_str());
        }
    };
    let count = "SELECT COUNT(*) FROM patents p JOIN organisations u ON u.id = p.unit_id";
    let order = " ORDER BY p.applied_on DESC, p.id DESC";
    list_page::<PatentRow, _>(tx, (count, PATENT, order), filters, page, Patent::try_from).await
}

pub async fn linked_patents(tx: &mut Tx, achievement: i64) -> Result<Vec<Patent>> {
    let mut b = SqlBuilder::new(PATENT);
    b.push(" JOIN achievement_patents l ON l.patent_id = p.id WHERE l.achievement_id = ")
        .bind(achievement)
        .push(" ORDER BY p.applied_on, p.id");
    let rows: Vec<PatentRow> = tx.fetch_all(b.build()).await?;
    rows.into_iter().map(Patent::try_from).collect()
}
