//! A studio's outputs ledger and its photos.

use crate::sql::Sql;
use crate::{Result, Tx};
use ingot_domain::studio::{OutputKind, PatentStage, PatentType};
use ingot_domain::time::Date;
use ingot_domain::{StudioId, Timestamp, UserId};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Output {
    pub id: i64,
    pub studio_id: i64,
    pub kind: OutputKind,
    pub title: String,
    pub on_date: Date,
    pub count: i64,
    pub amount_cents: Option<i64>,
    pub patent_type: Option<PatentType>,
    pub patent_stage: Option<PatentStage>,
    pub proposal_id: Option<i64>,
}

pub struct NewOutput<'a> {
    pub studio_id: StudioId,
    pub kind: &'a str,
    pub title: &'a str,
    pub on_date: Date,
    pub count: i64,
    pub amount_cents: Option<i64>,
    pub patent_type: Option<&'a str>,
    pub patent_stage: Option<&'a str>,
    pub proposal_id: Option<i64>,
    pub by: Option<UserId>,
}

pub async fn insert_output(tx: &mut Tx, o: &NewOutput<'_>, now: Timestamp) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO studio_outputs (studio_id, kind, title, on_date, count, amount_cents, patent_type, patent_stage,
                    proposal_id, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            )
            .bind(o.studio_id.0)
            .bind(o.kind)
            .bind(o.title)
            .bind(o.on_date)
            .bind(o.count)
            .bind(o.amount_cents)
            .bind(o.patent_type)
            .bind(o.patent_stage)
            .bind(o.proposal_id)
            .bind(o.by)
            .bind(now),
        )
        .await?;
    Ok(id)
}

pub async fn outputs(tx: &mut Tx, studio: StudioId) -> Result<Vec<Output>> {
    tx.fetch_all(
        Sql::new(
            "SELECT id, studio_id, kind, title, on_date, count, amount_cents, patent_type, patent_stage, proposal_id
             FROM studio_outputs WHERE studio_id = $1 ORDER BY on_date, id",
        )
        .bind(studio.0),
    )
    .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Photo {
    pub id: i64,
    pub studio_id: i64,
    pub review_id: Option<i64>,
    #[serde(skip)]
    pub sha256: String,
    pub size: i64,
    pub content_type: String,
    pub filename: String,
    pub uploaded_at: i64,
}

pub struct NewPhoto<'a> {
    pub studio_id: StudioId,
    pub review_id: Option<i64>,
    pub sha256: &'a str,
    pub size: i64,
    pub content_type: &'a str,
    pub filename: &'a str,
    pub by: UserId,
}

pub async fn insert_photo(tx: &mut Tx, p: &NewPhoto<'_>, now: Timestamp) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO studio_photos (studio_id, review_id, sha256, size, content_type, filename, uploaded_by, uploaded_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(p.studio_id.0)
            .bind(p.review_id)
            .bind(p.sha256)
            .bind(p.size)
            .bind(p.content_type)
            .bind(p.filename)
            .bind(p.by)
            .bind(now),
        )
        .await?;
    Ok(id)
}

pub async fn photos(tx: &mut Tx, studio: StudioId) -> Result<Vec<Photo>> {
    tx.fetch_all(
        Sql::new(
            "SELECT id, studio_id, review_id, sha256, size, content_type, filename, uploaded_at
             FROM studio_photos WHERE studio_id = $1 ORDER BY id",
        )
        .bind(studio.0),
    )
    .await
}

pub async fn get_photo(tx: &mut Tx, id: i64) -> Result<Option<Photo>> {
    tx.fetch_optional(
        Sql::new(
            "SELECT id, studio_id, review_id, sha256, size, content_type, filename, uploaded_at FROM studio_photos WHERE id = $1",
        )
        .bind(id),
    )
    .await
}
