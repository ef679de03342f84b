//! Declarations to a campaign: their numbering, the formal check, resubmission and the tier
//! finally given.

use crate::sql::{Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::campaign::{DeclarationStatus, RecordType, Tier};
use ingot_domain::{OrgId, Timestamp, UserId};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Declaration {
    pub id: i64,
    pub campaign_id: i64,
    pub number: i64,
    pub participant_id: i64,
    pub participant_name: String,
    pub record_type: RecordType,
    pub record_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    #[serde(skip)]
    pub unit_path: String,
    pub title: String,
    pub summary: String,
    pub field: String,
    pub first_completer_id: Option<i64>,
    pub first_completer_name: Option<String>,
    pub status: DeclarationStatus,
    pub return_reasons: Option<String>,
    pub correct_by: Option<String>,
    pub forwarded_from: Option<i64>,
    pub tier: Option<Tier>,
    pub created_at: i64,
    /// A declared proposal's verified benefit in fen (best-proposals campaigns).
    pub benefit_verified_cents: Option<i64>,
}

const DECLARATION: &str = "SELECT d.id, d.campaign_id, d.number, d.participant_id, p.name AS participant_name,
    d.record_type, d.record_id, d.unit_id, o.name AS unit_name, o.path AS unit_path, d.title, d.summary, d.field,
    d.first_completer_id, fc.display_name AS first_completer_name, d.status, d.return_reasons, d.correct_by,
    d.forwarded_from, d.tier, d.created_at,
    CASE WHEN d.record_type = 'proposal'
        THEN (SELECT pr.benefit_verified_cents FROM proposals pr WHERE pr.id = d.record_id) END
        AS benefit_verified_cents
    FROM declarations d JOIN organisations p ON p.id = d.participant_id
    JOIN organisations o ON o.id = d.unit_id LEFT JOIN users fc ON fc.id = d.first_completer_id";

pub struct NewDeclaration<'a> {
    pub campaign_id: i64,
    pub participant_id: OrgId,
    pub record_type: RecordType,
    pub record_id: i64,
    pub unit_id: OrgId,
    pub title: &'a str,
    pub summary: &'a str,
    pub field: &'a str,
    pub first_completer_id: Option<UserId>,
    pub forwarded_from: Option<i64>,
    pub declared_by: Option<UserId>,
}

pub async fn insert_declaration(
    tx: &mut Tx,
    d: &NewDeclaration<'_>,
    now: Timestamp,
) -> Result<i64> {
    let (number,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "SELECT COALESCE(MAX(number), 0) + 1 FROM declarations WHERE campaign_id = $1",
            )
            .bind(d.campaign_id),
        )
        .await?;
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO declarations (campaign_id, number, participant_id, record_type, record_id, unit_id,
                    title, summary, field, first_completer_id, status, forwarded_from, declared_by,
                    created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'submitted', $11, $12, $13, $13) RETURNING id",
            )
            .bind(d.campaign_id)
            .bind(number)
            .bind(d.participant_id)
            .bind(d.record_type.as_str())
            .bind(d.record_id)
            .bind(d.unit_id)
            .bind(d.title)
            .bind(d.summary)
            .bind(d.field)
            .bind(d.first_completer_id)
            .bind(d.forwarded_from)
            .bind(d.declared_by)
            .bind(now),
        )
        .await?;
    Ok(id)
}

pub async fn get_declaration(tx: &mut Tx, id: i64) -> Result<Option<Declaration>> {
    let mut b = SqlBuilder::new(DECLARATION);
    b.push(" WHERE d.id = ").bind(id);
    tx.fetch_optional(b.build()).await
}

pub async fn declarations(tx: &mut Tx, campaign: i64) -> Result<Vec<Declaration>> {
    let mut b = SqlBuilder::new(DECLARATION);
    b.push(" WHERE d.campaign_id = ")
        .bind(campaign)
        .push(" ORDER BY d.number");
    tx.fetch_all(b.build()).await
}

/// Locks the campaign's row until the transaction ends: declarations to one campaign are taken
/// one at a time, so its quotas, its once-per-first-completer rule and its numbering hold.
pub async fn lock(tx: &mut Tx, campaign: i64) -> Result<()> {
    crate::dialect::lock_row(tx, "SELECT id FROM campaigns WHERE id = ", campaign).await?;
    Ok(())
}

pub async fn count_of_participant(tx: &mut Tx, campaign: i64, participant: OrgId) -> Result<i64> {
    let (n,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "SELECT COUNT(*) FROM declarations WHERE campaign_id = $1 AND participant_id = $2",
            )
            .bind(campaign)
            .bind(participant),
        )
        .await?;
    Ok(n)
}

pub async fn set_check(
    tx: &mut Tx,
    id: i64,
    status: &str,
    reasons: Option<&str>,
    correct_by: Option<&str>,
    now: Timestamp,
) -> Result<()> {
    tx.execute(
        Sql::new(
            "UPDATE declarations SET status = $1, return_reasons = $2, correct_by = $3, updated_at = $4 WHERE id = $5",
        )
        .bind(status)
        .bind(reasons)
        .bind(correct_by)
        .bind(now)
        .bind(id),
    )
    .await?;
    Ok(())
}

/// A returned declaration corrected from its (corrected) record.
pub async fn resubmit(
    tx: &mut Tx,
    id: i64,
    title: &str,
    summary: &str,
    field: &str,
    now: Timestamp,
) -> Result<()> {
    tx.execute(
        Sql::new(
            "UPDATE declarations SET status = 'submitted', title = $1, summary = $2, field = $3, updated_at = $4
             WHERE id = $5",
        )
        .bind(title)
        .bind(summary)
        .bind(field)
        .bind(now)
        .bind(id),
    )
    .await?;
    Ok(())
}

pub async fn set_tier(tx: &mut Tx, id: i64, tier: Option<&str>, now: Timestamp) -> Result<()> {
    tx.execute(
        Sql::new("UPDATE declarations SET tier = $1, updated_at = $2 WHERE id = $3")
            .bind(tier)
            .bind(now)
            .bind(id),
    )
    .await?;
    Ok(())
}
