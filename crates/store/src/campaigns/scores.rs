//! The assignment of declarations to reviewers and the score sheets they hand in.

use crate::sql::Sql;
use crate::{Result, Tx};
use ingot_domain::{Timestamp, UserId};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AssignmentRow {
    pub declaration_id: i64,
    pub user_id: i64,
    pub affinity: i64,
    pub manual: bool,
}

pub async fn replace_assignment(tx: &mut Tx, campaign: i64, rows: &[AssignmentRow]) -> Result<()> {
    tx.execute(Sql::new("DELETE FROM assignments WHERE campaign_id = $1").bind(campaign))
        .await?;
    for r in rows {
        tx.execute(
            Sql::new(
                "INSERT INTO assignments (campaign_id, declaration_id, user_id, affinity, manual)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(campaign)
            .bind(r.declaration_id)
            .bind(r.user_id)
            .bind(r.affinity)
            .bind(r.manual),
        )
        .await?;
    }
    Ok(())
}

pub async fn assignment(tx: &mut Tx, campaign: i64) -> Result<Vec<AssignmentRow>> {
    tx.fetch_all(
        Sql::new(
            "SELECT declaration_id, user_id, affinity, manual FROM assignments WHERE campaign_id = $1
             ORDER BY declaration_id, user_id",
        )
        .bind(campaign),
    )
    .await
}

pub async fn is_assigned(tx: &mut Tx, declaration: i64, user: UserId) -> Result<bool> {
    let (n,): (i64,) = tx
        .fetch_one(
            Sql::new("SELECT COUNT(*) FROM assignments WHERE declaration_id = $1 AND user_id = $2")
                .bind(declaration)
                .bind(user),
        )
        .await?;
    Ok(n > 0)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Sheet {
    pub declaration_id: i64,
    pub user_id: i64,
    pub display_name: String,
    pub marks: String,
    pub total_hundredths: i64,
    pub comment: String,
    pub submitted_at: i64,
}

pub struct NewSheet<'a> {
    pub campaign_id: i64,
    pub declaration_id: i64,
    pub user_id: UserId,
    pub marks: &'a str,
    pub total_hundredths: i64,
    pub comment: &'a str,
}

/// Saves a score sheet; a reviewer may revise theirs until the results are decided.
pub async fn save_sheet(tx: &mut Tx, s: &NewSheet<'_>, now: Timestamp) -> Result<()> {
    tx.execute(
        Sql::new(
            "INSERT INTO score_sheets (declaration_id, user_id, campaign_id, marks, total_hundredths, comment, submitted_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (declaration_id, user_id) DO UPDATE SET marks = excluded.marks,
                total_hundredths = excluded.total_hundredths, comment = excluded.comment,
                submitted_at = excluded.submitted_at",
        )
        .bind(s.declaration_id)
        .bind(s.user_id)
        .bind(s.campaign_id)
        .bind(s.marks)
        .bind(s.total_hundredths)
        .bind(s.comment)
        .bind(now),
    )
    .await?;
    Ok(())
}

pub async fn sheets(tx: &mut Tx, campaign: i64) -> Result<Vec<Sheet>> {
    tx.fetch_all(
        Sql::new(
            "SELECT s.declaration_id, s.user_id, u.display_name, s.marks, s.total_hundredths, s.comment, s.submitted_at
             FROM score_sheets s JOIN users u ON u.id = s.user_id WHERE s.campaign_id = $1
             ORDER BY s.declaration_id, s.user_id",
        )
        .bind(campaign),
    )
    .await
}
