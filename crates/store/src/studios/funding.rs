//! A naming's special funding: the grants, and the payments and spending recorded against
//! them, a grant locked while an entry is checked against it.

use crate::sql::{Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::studio::{EntryKind, SpendCategory};
use ingot_domain::time::Date;
use ingot_domain::{OrgId, StudioId, Timestamp, UserId};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Funding {
    pub id: i64,
    pub studio_id: i64,
    pub naming_id: i64,
    pub org_id: i64,
    pub granted_cents: i64,
    pub paid_cents: i64,
    pub spent_cents: i64,
}

pub async fn insert_funding(
    tx: &mut Tx,
    studio: StudioId,
    naming: i64,
    org: OrgId,
    granted_cents: i64,
    now: Timestamp,
) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO studio_funding (studio_id, naming_id, org_id, granted_cents, created_at)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(studio.0)
            .bind(naming)
            .bind(org)
            .bind(granted_cents)
            .bind(now),
        )
        .await?;
    Ok(id)
}

const FUNDING_SELECT: &str = "SELECT f.id, f.studio_id, f.naming_id, f.org_id, f.granted_cents,
    CAST(COALESCE((SELECT SUM(e.amount_cents) FROM funding_entries e WHERE e.funding_id = f.id AND e.kind = 'payment'), 0) AS BIGINT) AS paid_cents,
    CAST(COALESCE((SELECT SUM(e.amount_cents) FROM funding_entries e WHERE e.funding_id = f.id AND e.kind = 'spending'), 0) AS BIGINT) AS spent_cents
    FROM studio_funding f";

pub async fn funding_of(tx: &mut Tx, studio: StudioId) -> Result<Vec<Funding>> {
    let mut b = SqlBuilder::new(FUNDING_SELECT);
    b.push(" WHERE f.studio_id = ")
        .bind(studio.0)
        .push(" ORDER BY f.id");
    tx.fetch_all(b.build()).await
}

/// Locks a grant's row until the transaction ends: its payments and spending are recorded one
/// at a time, each checked against what the others left.
pub async fn lock_funding(tx: &mut Tx, id: i64) -> Result<()> {
    crate::dialect::lock_row(tx, "SELECT id FROM studio_funding WHERE id = ", id).await?;
    Ok(())
}

pub async fn get_funding(tx: &mut Tx, id: i64) -> Result<Option<Funding>> {
    let mut b = SqlBuilder::new(FUNDING_SELECT);
    b.push(" WHERE f.id = ").bind(id);
    tx.fetch_optional(b.build()).await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct FundingEntry {
    pub id: i64,
    pub funding_id: i64,
    pub kind: EntryKind,
    pub category: Option<SpendCategory>,
    pub amount_cents: i64,
    pub on_date: Date,
    pub note: String,
}

pub struct NewEntry<'a> {
    pub funding_id: i64,
    pub kind: EntryKind,
    pub category: Option<SpendCategory>,
    pub amount_cents: i64,
    pub on_date: Date,
    pub note: &'a str,
    pub by: Option<UserId>,
}

pub async fn insert_entry(tx: &mut Tx, e: &NewEntry<'_>, now: Timestamp) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO funding_entries (funding_id, kind, category, amount_cents, on_date, note, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(e.funding_id)
            .bind(e.kind.as_str())
            .bind(e.category.map(SpendCategory::as_str))
            .bind(e.amount_cents)
            .bind(e.on_date)
            .bind(e.note)
            .bind(e.by)
            .bind(now),
        )
        .await?;
    Ok(id)
}

pub async fn entries_of_studio(tx: &mut Tx, studio: StudioId) -> Result<Vec<FundingEntry>> {
    tx.fetch_all(
        Sql::new(
            "SELECT e.id, e.funding_id, e.kind, e.category, e.amount_cents, e.on_date, e.note
             FROM funding_entries e JOIN studio_funding f ON f.id = e.funding_id
             WHERE f.studio_id = $1 ORDER BY e.on_date, e.id",
        )
        .bind(studio.0),
    )
    .await
}
