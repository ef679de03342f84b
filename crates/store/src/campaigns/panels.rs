//! The expert pool, each campaign's panel, and the conflicts of interest between experts and
//! declarations.

use crate::sql::{Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::{Timestamp, UserId};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Expert {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub org_id: i64,
    pub org_name: String,
    #[serde(skip)]
    pub org_path: String,
    pub fields: String,
    pub profile: String,
}

const EXPERT: &str = "SELECT e.user_id, u.username, u.display_name, u.org_id, o.name AS org_name,
    o.path AS org_path, e.fields, e.profile
    FROM experts e JOIN users u ON u.id = e.user_id JOIN organisations o ON o.id = u.org_id";

pub async fn upsert_expert(
    tx: &mut Tx,
    user: UserId,
    fields: &str,
    profile: &str,
    now: Timestamp,
) -> Result<()> {
    tx.execute(
        Sql::new(
            "INSERT INTO experts (user_id, fields, profile, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id) DO UPDATE SET fields = excluded.fields, profile = excluded.profile",
        )
        .bind(user)
        .bind(fields)
        .bind(profile)
        .bind(now),
    )
    .await?;
    Ok(())
}

pub async fn expert(tx: &mut Tx, user: UserId) -> Result<Option<Expert>> {
    let mut b = SqlBuilder::new(EXPERT);
    b.push(" WHERE e.user_id = ").bind(user);
    tx.fetch_optional(b.build()).await
}

pub async fn pool(tx: &mut Tx) -> Result<Vec<Expert>> {
    let mut b = SqlBuilder::new(EXPERT);
    b.push(" ORDER BY u.username");
    tx.fetch_all(b.build()).await
}

pub async fn add_to_panel(tx: &mut Tx, campaign: i64, user: UserId) -> Result<bool> {
    let n = tx
        .execute(
            Sql::new(
                "INSERT INTO campaign_experts (campaign_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(campaign)
            .bind(user),
        )
        .await?;
    Ok(n > 0)
}

pub async fn panel(tx: &mut Tx, campaign: i64) -> Result<Vec<Expert>> {
    let mut b = SqlBuilder::new(EXPERT);
    b.push(" WHERE e.user_id IN (SELECT user_id FROM campaign_experts WHERE campaign_id = ")
        .bind(campaign)
        .push(") ORDER BY u.username");
    tx.fetch_all(b.build()).await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ConflictRow {
    pub id: i64,
    pub user_id: i64,
    pub declaration_id: i64,
    pub source: String,
    pub reason: String,
}

pub struct NewConflict<'a> {
    pub campaign_id: i64,
    pub user_id: UserId,
    pub declaration_id: i64,
    pub source: &'a str,
    pub reason: &'a str,
    pub created_by: Option<UserId>,
}

pub async fn insert_conflict(tx: &mut Tx, c: &NewConflict<'_>, now: Timestamp) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO expert_conflicts (campaign_id, user_id, declaration_id, source, reason, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(c.campaign_id)
            .bind(c.user_id)
            .bind(c.declaration_id)
            .bind(c.source)
            .bind(c.reason)
            .bind(c.created_by)
            .bind(now),
        )
        .await?;
    Ok(id)
}

pub async fn conflicts(tx: &mut Tx, campaign: i64) -> Result<Vec<ConflictRow>> {
    tx.fetch_all(
        Sql::new(
            "SELECT id, user_id, declaration_id, source, reason FROM expert_conflicts WHERE campaign_id = $1 ORDER BY id",
        )
        .bind(campaign),
    )
    .await
}

/// (expert, co-completer) for every expert of `users` at once: who worked with whom on an
/// achievement, for the past co-work conflict.
pub async fn co_completers_of(tx: &mut Tx, users: &[i64]) -> Result<Vec<(i64, i64)>> {
    if users.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuilder::new(
        "SELECT DISTINCT a.user_id, b.user_id FROM achievement_completers a
         JOIN achievement_completers b ON b.achievement_id = a.achievement_id
         WHERE b.user_id <> a.user_id AND a.user_id IN ",
    );
    b.values(users);
    tx.fetch_all(b.build()).await
}
