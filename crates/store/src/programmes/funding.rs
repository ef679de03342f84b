//! A task's funding rows by year and source: recording or replacing one, the spending so far
//! without it, and the filtered list.

use super::{ListFilter, paged, stored, task_filter, text_filter};
use crate::sql::{Arg, Page, Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::programme::FundingSource;
use ingot_domain::{AppError, ProgrammeId, TaskId, Timestamp, UserId};

#[derive(Debug, Clone)]
pub struct NewFunding {
    pub task_id: TaskId,
    pub year: i64,
    pub source: FundingSource,
    pub planned_cents: i64,
    pub actual_cents: i64,
    pub overrun_reason: Option<String>,
}

impl NewFunding {
    pub fn row(&self, by: Option<UserId>, now: Timestamp) -> Vec<Arg> {
        vec![
            self.task_id.0.into(),
            self.year.into(),
            self.source.as_str().into(),
            self.planned_cents.into(),
            self.actual_cents.into(),
            self.overrun_reason.as_deref().into(),
            by.into(),
            now.into(),
        ]
    }
}

pub const FUNDING_INSERT: &str =
    "INSERT INTO programme_funding (task_id, year, source, planned_cents,
    actual_cents, overrun_reason, updated_by, updated_at) VALUES ";

/// Records (or replaces) a task's funding for a year and source.
pub async fn upsert_funding(
    tx: &mut Tx,
    f: &NewFunding,
    by: Option<UserId>,
    now: Timestamp,
) -> Result<i64> {
    let mut b = SqlBuilder::new(FUNDING_INSERT);
    b.push("(");
    for (i, v) in f.row(by, now).into_iter().enumerate() {
        if i > 0 {
            b.push(", ");
        }
        b.bind(v);
    }
    b.push(
        ") ON CONFLICT (task_id, year, source) DO UPDATE SET planned_cents = excluded.planned_cents,
         actual_cents = excluded.actual_cents, overrun_reason = excluded.overrun_reason,
         updated_by = excluded.updated_by, updated_at = excluded.updated_at RETURNING id",
    );
    let (id,): (i64,) = tx.fetch_one(b.build()).await?;
    Ok(id)
}

/// A task's actual spending from both sources, leaving out one year and source (the row about
/// to be replaced).
pub async fn spent_except(
    tx: &mut Tx,
    task: TaskId,
    year: i64,
    source: FundingSource,
) -> Result<i64> {
    let (sum,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "SELECT CAST(COALESCE(SUM(actual_cents), 0) AS BIGINT) FROM programme_funding
                 WHERE task_id = $1 AND NOT (year = $2 AND source = $3)",
            )
            .bind(task.0)
            .bind(year)
            .bind(source.as_str()),
        )
        .await?;
    Ok(sum)
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Funding {
    pub id: i64,
    pub task_id: TaskId,
    pub task_code: String,
    pub task_title: String,
    pub area_name: String,
    pub year: i64,
    pub source: FundingSource,
    pub planned_cents: i64,
    pub actual_cents: i64,
    pub overrun_reason: Option<String>,
}

#[derive(sqlx::FromRow)]
struct FundingRow {
    id: i64,
    task_id: i64,
    task_code: String,
    task_title: String,
    area_name: String,
    year: i64,
    source: String,
    planned_cents: i64,
    actual_cents: i64,
    overrun_reason: Option<String>,
}

impl TryFrom<FundingRow> for Funding {
    type Error = AppError;
    fn try_from(r: FundingRow) -> Result<Funding> {
        Ok(Funding {
            id: r.id,
            task_id: TaskId(r.task_id),
            task_code: r.task_code,
            task_title: r.task_title,
            area_name: r.area_name,
            year: r.year,
            source: stored("funding source", &r.source, FundingSource::parse)?,
            planned_cents: r.planned_cents,
            actual_cents: r.actual_cents,
            overrun_reason: r.overrun_reason,
        })
    }
}

pub async fn funding(
    tx: &mut Tx,
    programme: ProgrammeId,
    f: &ListFilter,
    page: Page,
) -> Result<(Vec<Funding>, i64)> {
    paged::<FundingRow, Funding>(
        tx,
        "SELECT f.id, f.task_id, t.code AS task_code, t.title AS task_title, a.name AS area_name, f.year,
         f.source, f.planned_cents, f.actual_cents, f.overrun_reason",
        |b| {
            b.push(
                "FROM programme_funding f JOIN programme_tasks t ON t.id = f.task_id
                 JOIN programme_areas a ON a.id = t.area_id WHERE t.programme_id = ",
            )
            .bind(programme.0);
            task_filter(b, f);
            if let Some(source) = f.kind.as_deref() {
                b.push(" AND f.source = ").bind(source);
            }
            if let Some(year) = f.year {
                b.push(" AND f.year = ").bind(year);
            }
            text_filter(b, f, "t.title");
        },
        " ORDER BY a.position, t.code, f.year, f.source",
        page,
        Funding::try_from,
    )
    .await
}
