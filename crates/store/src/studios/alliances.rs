//! Alliances of studios and the studios that belong to them.

use crate::sql::{Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::studio::AllianceKind;
use ingot_domain::time::Date;
use ingot_domain::{OrgId, StudioId, Timestamp};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Alliance {
    pub id: i64,
    pub org_id: i64,
    pub kind: AllianceKind,
    pub name: String,
    pub lead_studio_id: i64,
    pub lead_studio_name: String,
    pub founded_on: Date,
    pub description: String,
}

const ALLIANCE_SELECT: &str =
    "SELECT a.id, a.org_id, a.kind, a.name, a.lead_studio_id, s.name AS lead_studio_name,
    a.founded_on, a.description FROM alliances a JOIN studios s ON s.id = a.lead_studio_id";

#[allow(clippy::too_many_arguments)]
pub async fn insert_alliance(
    tx: &mut Tx,
    org: OrgId,
    kind: AllianceKind,
    name: &str,
    lead: StudioId,
    founded_on: Date,
    description: &str,
    now: Timestamp,
) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO alliances (org_id, kind, name, lead_studio_id, founded_on, description, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(org)
            .bind(kind.as_str())
            .bind(name)
            .bind(lead.0)
            .bind(founded_on)
            .bind(description)
            .bind(now),
        )
        .await?;
    Ok(id)
}

pub async fn add_alliance_member(
    tx: &mut Tx,
    alliance: i64,
    studio: StudioId,
    joined_on: Date,
) -> Result<()> {
    tx.execute(
        Sql::new(
            "INSERT INTO alliance_members (alliance_id, studio_id, joined_on) VALUES ($1, $2, $3)
             ON CONFLICT (alliance_id, studio_id) DO NOTHING",
        )
        .bind(alliance)
        .bind(studio.0)
        .bind(joined_on),
    )
    .await?;
    Ok(())
}

pub async fn get_alliance(tx: &mut Tx, id: i64) -> Result<Option<Alliance>> {
    let mut b = SqlBuilder::new(ALLIANCE_SELECT);
    b.push(" WHERE a.id = ").bind(id);
    tx.fetch_optional(b.build()).await
}

pub async fn alliances(tx: &mut Tx, studio: Option<StudioId>) -> Result<Vec<Alliance>> {
    let mut b = SqlBuilder::new(ALLIANCE_SELECT);
    if let Some(studio) = studio {
        b.push(" WHERE a.id IN (SELECT m.alliance_id FROM alliance_members m WHERE m.studio_id = ")
            .bind(studio.0)
            .push(")");
    }
    b.push(" ORDER BY a.founded_on DESC, a.id");
    tx.fetch_all(b.build()).await
}

/// The studios of an alliance: (studio id, name, joined on).
pub async fn alliance_members(tx: &mut Tx, alliance: i64) -> Result<Vec<(i64, String, Date)>> {
    tx.fetch_all(
        Sql::new(
            "SELECT s.id, s.name, m.joined_on FROM alliance_members m JOIN studios s ON s.id = m.studio_id
             WHERE m.alliance_id = $1 ORDER BY m.joined_on, s.id",
        )
        .bind(alliance),
    )
    .await
}
