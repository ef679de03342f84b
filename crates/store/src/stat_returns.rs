//! Statistical returns (migration 0027): the return a federation opens for a year, its units'
//! rows with their status, and every submission as a frozen version.

use crate::sql::{Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::stat_return::ReturnStatus;
use ingot_domain::time::Date;
use ingot_domain::{OrgId, OrgScope, Timestamp, UserId};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct StatReturn {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub org_name_en: Option<String>,
    #[serde(skip)]
    pub org_path: String,
    pub year: i64,
    pub title: String,
    pub due_on: Date,
    /// Column codes, comma-separated.
    pub columns: String,
    pub created_at: i64,
}

const SELECT: &str = "SELECT r.id, r.org_id, o.name AS org_name, o.name_en AS org_name_en,
    o.path AS org_path, r.year, r.title, r.due_on, r.columns, r.created_at
    FROM stat_returns r JOIN organisations o ON o.id = r.org_id";

pub struct NewReturn<'a> {
    pub org_id: OrgId,
    pub year: i64,
    pub title: &'a str,
    pub due_on: Date,
    pub columns: &'a str,
    pub created_by: Option<UserId>,
}

/// Opens a return with a pending row for each of `units`.
pub async fn insert(
    tx: &mut Tx,
    r: &NewReturn<'_>,
    units: &[OrgId],
    now: Timestamp,
) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO stat_returns (org_id, year, title, due_on, columns, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(r.org_id)
            .bind(r.year)
            .bind(r.title)
            .bind(r.due_on)
            .bind(r.columns)
            .bind(r.created_by)
            .bind(now),
        )
        .await?;
    for chunk in units.chunks(300) {
        let mut b = SqlBuilder::new(
            "INSERT INTO stat_return_units (return_id, org_id, status, version) VALUES ",
        );
        for (i, unit) in chunk.iter().enumerate() {
            b.push(if i == 0 { "(" } else { ", (" })
                .bind(id)
                .push(", ")
                .bind(*unit)
                .push(", 'pending', 0)");
        }
        tx.execute(b.build()).await?;
    }
    Ok(id)
}

pub async fn get(tx: &mut Tx, id: i64) -> Result<Option<StatReturn>> {
    let mut b = SqlBuilder::new(SELECT);
    b.push(" WHERE r.id = ").bind(id);
    tx.fetch_optional(b.build()).await
}

/// The return `org` opened for `year`, if any.
pub async fn of_year(tx: &mut Tx, org: OrgId, year: i64) -> Result<Option<StatReturn>> {
    let mut b = SqlBuilder::new(SELECT);
    b.push(" WHERE r.org_id = ")
        .bind(org)
        .push(" AND r.year = ")
        .bind(year);
    tx.fetch_optional(b.build()).await
}

/// Returns opened within `opened_within`, or with a row for a unit within `reporting_within`
/// (`None`: any), newest year first, at most 200.
pub async fn list(
    tx: &mut Tx,
    opened_within: Option<&OrgScope>,
    reporting_within: Option<&OrgScope>,
) -> Result<Vec<StatReturn>> {
    let mut b = SqlBuilder::new(SELECT);
    match (opened_within, reporting_within) {
        (None, _) | (_, None) => {
            b.push(" WHERE 1 = 1");
        }
        (Some(opened), Some(reporting)) => {
            b.push(" WHERE (");
            b.scope("o.path", opened);
            b.push(
                " OR EXISTS (SELECT 1 FROM stat_return_units ru JOIN organisations uo ON uo.id = ru.org_id
                   WHERE ru.return_id = r.id AND ",
            );
            b.scope("uo.path", reporting);
            b.push("))");
        }
    }
    b.push(" ORDER BY r.year DESC, o.path, r.id LIMIT 200");
    tx.fetch_all(b.build()).await
}

/// One unit's row of a return, with its latest submission.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct UnitRow {
    pub org_id: i64,
    pub org_code: String,
    pub org_name: String,
    pub org_name_en: Option<String>,
    #[serde(skip)]
    pub org_path: String,
    pub status: ReturnStatus,
    pub version: i64,
    pub review_note: Option<String>,
    pub reviewed_by: Option<i64>,
    /// The latest submission's frozen figures (JSON), note, reason, author and instant.
    pub figures: Option<String>,
    pub note: Option<String>,
    pub reason: Option<String>,
    pub submitted_by: Option<i64>,
    pub submitted_by_name: Option<String>,
    pub submitted_at: Option<i64>,
}

const UNIT_SELECT: &str = "SELECT u.org_id, o.code AS org_code, o.name AS org_name,
    o.name_en AS org_name_en, o.path AS org_path, u.status, u.version, u.review_note,
    u.reviewed_by, s.figures, s.note, s.reason, s.submitted_by,
    p.display_name AS submitted_by_name, s.submitted_at
    FROM stat_return_units u JOIN organisations o ON o.id = u.org_id
    LEFT JOIN stat_return_submissions s
        ON s.return_id = u.return_id AND s.org_id = u.org_id AND s.version = u.version
    LEFT JOIN users p ON p.id = s.submitted_by";

/// The rows of a return, in the tree's order.
pub async fn units(tx: &mut Tx, return_id: i64) -> Result<Vec<UnitRow>> {
    let mut b = SqlBuilder::new(UNIT_SELECT);
    b.push(" WHERE u.return_id = ")
        .bind(return_id)
        .push(" ORDER BY o.path");
    tx.fetch_all(b.build()).await
}

pub async fn unit(tx: &mut Tx, return_id: i64, org: OrgId) -> Result<Option<UnitRow>> {
    let mut b = SqlBuilder::new(UNIT_SELECT);
    b.push(" WHERE u.return_id = ")
        .bind(return_id)
        .push(" AND u.org_id = ")
        .bind(org);
    tx.fetch_optional(b.build()).await
}

pub struct NewSubmission<'a> {
    pub return_id: i64,
    pub org_id: OrgId,
    pub version: i64,
    pub figures: &'a str,
    pub note: &'a str,
    pub reason: &'a str,
    pub submitted_by: Option<UserId>,
}

/// Keeps a submission as the row's new version, if the row is still at the version before it
/// (false: someone else submitted in between).
pub async fn submit(tx: &mut Tx, s: &NewSubmission<'_>, now: Timestamp) -> Result<bool> {
    let moved = tx
        .execute(
            Sql::new(
                "UPDATE stat_return_units SET status = 'submitted', version = $1,
                    review_note = NULL, reviewed_by = NULL, reviewed_at = NULL
                 WHERE return_id = $2 AND org_id = $3 AND version = $4
                   AND status IN ('pending', 'returned')",
            )
            .bind(s.version)
            .bind(s.return_id)
            .bind(s.org_id)
            .bind(s.version - 1),
        )
        .await?;
    if moved == 0 {
        return Ok(false);
    }
    tx.execute(
        Sql::new(
            "INSERT INTO stat_return_submissions (return_id, org_id, version, figures, note, reason,
                submitted_by, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(s.return_id)
        .bind(s.org_id)
        .bind(s.version)
        .bind(s.figures)
        .bind(s.note)
        .bind(s.reason)
        .bind(s.submitted_by)
        .bind(now),
    )
    .await?;
    Ok(true)
}

/// Records the level above's answer to the submitted version `version` (false: the row is no
/// longer that submission).
pub async fn review(
    tx: &mut Tx,
    (return_id, org, version): (i64, OrgId, i64),
    status: ReturnStatus,
    note: &str,
    by: Option<UserId>,
    now: Timestamp,
) -> Result<bool> {
    let done = tx
        .execute(
            Sql::new(
                "UPDATE stat_return_units SET status = $1, review_note = $2, reviewed_by = $3,
                    reviewed_at = $4
                 WHERE return_id = $5 AND org_id = $6 AND version = $7 AND status = 'submitted'",
            )
            .bind(status.as_str())
            .bind(Some(note).filter(|n| !n.is_empty()))
            .bind(by)
            .bind(now)
            .bind(return_id)
            .bind(org)
            .bind(version),
        )
        .await?;
    Ok(done == 1)
}

/// Every version a unit submitted, oldest first: (version, figures, note, reason, author, at).
pub async fn versions(
    tx: &mut Tx,
    return_id: i64,
    org: OrgId,
) -> Result<Vec<(i64, String, String, String, Option<String>, i64)>> {
    tx.fetch_all(
        Sql::new(
            "SELECT s.version, s.figures, s.note, s.reason, p.display_name, s.submitted_at
             FROM stat_return_submissions s LEFT JOIN users p ON p.id = s.submitted_by
             WHERE s.return_id = $1 AND s.org_id = $2 ORDER BY s.version",
        )
        .bind(return_id)
        .bind(org),
    )
    .await
}
