//! Attachments of achievements (contents in the file store, by hash, like proposals' files).

use crate::sql::{Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::{Timestamp, UserId};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct AchievementAttachment {
    pub id: i64,
    pub achievement_id: i64,
    pub sha256: String,
    pub size: i64,
    pub content_type: String,
    pub filename: String,
    pub uploaded_at: i64,
}

#[allow(clippy::too_many_arguments)] // the columns of the row
pub async fn insert_attachment(
    tx: &mut Tx,
    achievement: i64,
    sha256: &str,
    size: i64,
    content_type: &str,
    filename: &str,
    by: UserId,
    now: Timestamp,
) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO achievement_attachments (achievement_id, sha256, size, content_type, filename,
                    uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(achievement)
            .bind(sha256)
            .bind(size)
            .bind(content_type)
            .bind(filename)
            .bind(by)
            .bind(now.0),
        )
        .await?;
    Ok(id)
}

const ATTACHMENT: &str =
    "SELECT id, achievement_id, sha256, size, content_type, filename, uploaded_at
    FROM achievement_attachments";

pub async fn attachments(tx: &mut Tx, achievement: i64) -> Result<Vec<AchievementAttachment>> {
    let mut b = SqlBuilder::new(ATTACHMENT);
    b.push(" WHERE achievement_id = ")
        .bind(achievement)
        .push(" ORDER BY id");
    tx.fetch_all(b.build()).await
}

pub async fn get_attachment(tx: &mut Tx, id: i64) -> Result<Option<AchievementAttachment>> {
    let mut b = SqlBuilder::new(ATTACHMENT);
    b.push(" WHERE id = ").bind(id);
    tx.fetch_optional(b.build()).await
}
