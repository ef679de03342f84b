//! A studio's members (joining and leaving) and its members' honours.

use crate::sql::Sql;
use crate::{Result, Tx};
use ingot_domain::studio::{Level, MemberRole};
use ingot_domain::time::Date;
use ingot_domain::{StudioId, Timestamp, UserId};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Member {
    pub id: i64,
    pub studio_id: i64,
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: MemberRole,
    pub joined_on: Date,
    pub left_on: Option<Date>,
    /// When the membership was recorded; `None` for memberships older than the column.
    pub recorded_at: Option<i64>,
}

pub async fn add_member(
    tx: &mut Tx,
    studio: StudioId,
    user: UserId,
    role: MemberRole,
    joined_on: Date,
    now: Timestamp,
) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO studio_members (studio_id, user_id, role, joined_on, recorded_at)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(studio.0)
            .bind(user)
            .bind(role.as_str())
            .bind(joined_on)
            .bind(now),
        )
        .await?;
    Ok(id)
}

pub async fn set_member_left(tx: &mut Tx, member: i64, left_on: Date) -> Result<()> {
    tx.execute(
        Sql::new("UPDATE studio_members SET left_on = $1 WHERE id = $2")
            .bind(left_on)
            .bind(member),
    )
    .await?;
    Ok(())
}

/// Everyone who ever belonged to the studio, current members first.
pub async fn members(tx: &mut Tx, studio: StudioId) -> Result<Vec<Member>> {
    tx.fetch_all(
        Sql::new(
            "SELECT m.id, m.studio_id, m.user_id, u.username, u.display_name, m.role, m.joined_on, m.left_on,
                    m.recorded_at
             FROM studio_members m JOIN users u ON u.id = m.user_id
             WHERE m.studio_id = $1
             ORDER BY CASE WHEN m.left_on IS NULL THEN 0 ELSE 1 END, CASE m.role WHEN 'lead' THEN 0 ELSE 1 END, m.joined_on, m.id",
        )
        .bind(studio.0),
    )
    .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Honour {
    pub id: i64,
    pub user_id: i64,
    pub title: String,
    pub body: String,
    pub level: Level,
    pub year: Option<i64>,
}

pub async fn add_honour(
    tx: &mut Tx,
    user: UserId,
    title: &str,
    body: &str,
    level: Level,
    year: Option<i64>,
    now: Timestamp,
) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO honours (user_id, title, body, level, year, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(user)
            .bind(title)
            .bind(body)
            .bind(level.as_str())
            .bind(year)
            .bind(now),
        )
        .await?;
    Ok(id)
}

pub async fn honours(tx: &mut Tx, user: UserId) -> Result<Vec<Honour>> {
    tx.fetch_all(
        Sql::new(
            "SELECT id, user_id, title, body, level, year FROM honours WHERE user_id = $1 ORDER BY CASE WHEN year IS NULL THEN 0 ELSE 1 END, year DESC, id",
        )
        .bind(user),
    )
    .await
}
