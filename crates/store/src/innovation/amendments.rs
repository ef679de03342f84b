//! Records changed after a published result named them: the awards a record won (in announced
//! campaigns), and the amendments kept with their reasons, to show beside those results.

use crate::sql::Sql;
use crate::{Result, Tx};
use ingot_domain::{Timestamp, UserId};

/// An award a record won: the declaration (its certificate), the campaign and the tier.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct AwardRef {
    pub declaration_id: i64,
    pub campaign_id: i64,
    pub campaign_name: String,
    pub tier: String,
}

/// The awards of announced campaigns that `record_type` #`id` won.
pub async fn awards_of_record(tx: &mut Tx, record_type: &str, id: i64) -> Result<Vec<AwardRef>> {
    tx.fetch_all(
        Sql::new(
            "SELECT d.id AS declaration_id, c.id AS campaign_id, c.title AS campaign_name, d.tier
             FROM declarations d JOIN campaigns c ON c.id = d.campaign_id
             WHERE d.record_type = $1 AND d.record_id = $2 AND c.stage = 'announced'
               AND d.tier IS NOT NULL
             ORDER BY c.id",
        )
        .bind(record_type)
        .bind(id),
    )
    .await
}

/// A change to a record after a published result named it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct Amendment {
    pub reason: String,
    pub amended_at: i64,
}

pub async fn insert_amendment(
    tx: &mut Tx,
    (record_type, id): (&str, i64),
    reason: &str,
    by: Option<UserId>,
    now: Timestamp,
) -> Result<()> {
    tx.execute(
        Sql::new(
            "INSERT INTO record_amendments (record_type, record_id, reason, amended_by, amended_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(record_type)
        .bind(id)
        .bind(reason)
        .bind(by)
        .bind(now.0),
    )
    .await?;
    Ok(())
}

/// The amendments of a record, oldest first.
pub async fn amendments_of(tx: &mut Tx, record_type: &str, id: i64) -> Result<Vec<Amendment>> {
    tx.fetch_all(
        Sql::new(
            "SELECT reason, amended_at FROM record_amendments
             WHERE record_type = $1 AND record_id = $2 ORDER BY id",
        )
        .bind(record_type)
        .bind(id),
    )
    .await
}

/// The awarded records of a campaign changed after the award, as (record type, id).
pub async fn amended_in_campaign(tx: &mut Tx, campaign: i64) -> Result<Vec<(String, i64)>> {
    tx.fetch_all(
        Sql::new(
            "SELECT DISTINCT a.record_type, a.record_id FROM record_amendments a
             JOIN declarations d ON d.record_type = a.record_type AND d.record_id = a.record_id
             WHERE d.campaign_id = $1 AND d.tier IS NOT NULL",
        )
        .bind(campaign),
    )
    .await
}
