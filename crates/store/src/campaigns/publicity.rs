//! The end of a campaign: the publicity period, objections lodged during it and their outcome,
//! the decision and the announcement.

use crate::sql::Sql;
use crate::{Result, Tx};
use ingot_domain::campaign::ObjectionStatus;
use ingot_domain::{Timestamp, UserId};
use serde::Serialize;

pub async fn set_publicity(
    tx: &mut Tx,
    id: i64,
    start: &str,
    days: i64,
    now: Timestamp,
) -> Result<()> {
    tx.execute(
        Sql::new(
            "UPDATE campaigns SET stage = 'publicity', publicity_start = $1, publicity_days = $2, updated_at = $3
             WHERE id = $4",
        )
        .bind(start)
        .bind(days)
        .bind(now)
        .bind(id),
    )
    .await?;
    Ok(())
}

pub async fn set_decision(
    tx: &mut Tx,
    id: i64,
    note: &str,
    by: Option<UserId>,
    now: Timestamp,
) -> Result<()> {
    tx.execute(
        Sql::new(
            "UPDATE campaigns SET decision_note = $1, decided_by = $2, decided_at = $3, updated_at = $3
             WHERE id = $4",
        )
        .bind(note)
        .bind(by)
        .bind(now)
        .bind(id),
    )
    .await?;
    Ok(())
}

pub async fn set_announced(
    tx: &mut Tx,
    id: i64,
    number: &str,
    on: &str,
    now: Timestamp,
) -> Result<()> {
    tx.execute(
        Sql::new(
            "UPDATE campaigns SET stage = 'announced', notice_number = $1, announced_on = $2, updated_at = $3
             WHERE id = $4",
        )
        .bind(number)
        .bind(on)
        .bind(now)
        .bind(id),
    )
    .await?;
    crate::record_tally::count_awards(tx, id).await
}

// --- Objections ---------------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Objection {
    pub id: i64,
    pub campaign_id: i64,
    pub declaration_id: i64,
    pub name: String,
    pub contact: String,
    pub text: String,
    pub lodged_at: i64,
    pub status: ObjectionStatus,
    pub outcome: Option<String>,
}

pub async fn insert_objection(
    tx: &mut Tx,
    campaign: i64,
    declaration: i64,
    name: &str,
    contact: &str,
    text: &str,
    now: Timestamp,
) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO objections (campaign_id, declaration_id, name, contact, text, lodged_at, status)
                 VALUES ($1, $2, $3, $4, $5, $6, 'open') RETURNING id",
            )
            .bind(campaign)
            .bind(declaration)
            .bind(name)
            .bind(contact)
            .bind(text)
            .bind(now),
        )
        .await?;
    Ok(id)
}

pub async fn objections(tx: &mut Tx, campaign: i64) -> Result<Vec<Objection>> {
    tx.fetch_all(
        Sql::new(
            "SELECT id, campaign_id, declaration_id, name, contact, text, lodged_at, status, outcome
             FROM objections WHERE campaign_id = $1 ORDER BY id",
        )
        .bind(campaign),
    )
    .await
}

pub async fn decide_objection(
    tx: &mut Tx,
    id: i64,
    status: ObjectionStatus,
    outcome: &str,
    by: Option<UserId>,
    now: Timestamp,
) -> Result<()> {
    tx.execute(
        Sql::new(
            "UPDATE objections SET status = $1, outcome = $2, decided_by = $3, decided_at = $4 WHERE id = $5",
        )
        .bind(status.as_str())
        .bind(outcome)
        .bind(by)
        .bind(now)
        .bind(id),
    )
    .await?;
    Ok(())
}
