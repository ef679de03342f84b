//! Periodic assessment: an organisation's assessment standard and the assessments of a
//! studio's namings, one per naming and period.

use crate::sql::Sql;
use crate::{Result, Tx};
use ingot_domain::studio::AssessmentResult;
use ingot_domain::time::Date;
use ingot_domain::{AppError, OrgId, StudioId, Timestamp, UserId};
use serde::Serialize;

#[derive(sqlx::FromRow)]
struct StandardRow {
    criteria: String,
    excellent_min: i64,
    pass_min: i64,
}

/// The organisation's assessment standard, or the default one.
pub async fn standard(tx: &mut Tx, org: OrgId) -> Result<ingot_domain::studio::Standard> {
    let row: Option<StandardRow> = tx
        .fetch_optional(
            Sql::new("SELECT criteria, excellent_min, pass_min FROM assessment_standards WHERE org_id = $1")
                .bind(org),
        )
        .await?;
    match row {
        None => Ok(ingot_domain::studio::Standard::default()),
        Some(r) => Ok(ingot_domain::studio::Standard {
            criteria: serde_json::from_str(&r.criteria)
                .map_err(|e| AppError::internal(format!("stored criteria: {e}")))?,
            excellent_min: r.excellent_min,
            pass_min: r.pass_min,
        }),
    }
}

pub async fn set_standard(
    tx: &mut Tx,
    org: OrgId,
    s: &ingot_domain::studio::Standard,
    now: Timestamp,
) -> Result<()> {
    let criteria = serde_json::to_string(&s.criteria).map_err(AppError::internal)?;
    tx.execute(
        Sql::new(
            "INSERT INTO assessment_standards (org_id, criteria, excellent_min, pass_min, updated_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (org_id) DO UPDATE SET criteria = excluded.criteria, excellent_min = excluded.excellent_min,
                pass_min = excluded.pass_min, updated_at = excluded.updated_at",
        )
        .bind(org)
        .bind(criteria)
        .bind(s.excellent_min)
        .bind(s.pass_min)
        .bind(now),
    )
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Assessment {
    pub id: i64,
    pub studio_id: i64,
    pub naming_id: i64,
    pub org_id: i64,
    pub period: String,
    pub assessed_on: Date,
    pub scores: String,
    pub total: i64,
    pub result: AssessmentResult,
    pub note: String,
}

pub struct NewAssessment<'a> {
    pub studio_id: StudioId,
    pub naming_id: i64,
    pub org_id: OrgId,
    pub period: &'a str,
    pub assessed_on: Date,
    pub scores: &'a str,
    pub total: i64,
    pub result: &'a str,
    pub note: &'a str,
    pub by: Option<UserId>,
}

pub async fn insert_assessment(tx: &mut Tx, a: &NewAssessment<'_>, now: Timestamp) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO studio_assessments (studio_id, naming_id, org_id, period, assessed_on, scores, total, result,
                    note, assessed_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            )
            .bind(a.studio_id.0)
            .bind(a.naming_id)
            .bind(a.org_id)
            .bind(a.period)
            .bind(a.assessed_on)
            .bind(a.scores)
            .bind(a.total)
            .bind(a.result)
            .bind(a.note)
            .bind(a.by)
            .bind(now),
        )
        .await?;
    Ok(id)
}

pub async fn assessments(tx: &mut Tx, studio: StudioId) -> Result<Vec<Assessment>> {
    tx.fetch_all(
        Sql::new(
            "SELECT id, studio_id, naming_id, org_id, period, assessed_on, scores, total, result, note
             FROM studio_assessments WHERE studio_id = $1 ORDER BY assessed_on, id",
        )
        .bind(studio.0),
    )
    .await
}

pub async fn assessment_exists(tx: &mut Tx, naming: i64, period: &str) -> Result<bool> {
    let found: Option<(i64,)> = tx
        .fetch_optional(
            Sql::new("SELECT id FROM studio_assessments WHERE naming_id = $1 AND period = $2")
                .bind(naming)
                .bind(period),
        )
        .await?;
    Ok(found.is_some())
}
