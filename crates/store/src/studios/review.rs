//! On-site reviews of an application.

use crate::sql::Sql;
use crate::{Result, Tx};
use ingot_domain::time::Date;
use ingot_domain::{ApplicationId, Timestamp, UserId};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SiteReview {
    pub id: i64,
    pub application_id: i64,
    pub reviewer_id: i64,
    pub reviewer_name: String,
    pub visited_on: Date,
    pub checklist: String,
    pub score: i64,
    pub comments: String,
    pub signature: String,
    pub signed_at: i64,
}

pub struct NewReview<'a> {
    pub application_id: ApplicationId,
    pub reviewer_id: UserId,
    pub visited_on: Date,
    pub checklist: &'a str,
    pub score: i64,
    pub comments: &'a str,
    pub signature: &'a str,
}

pub async fn insert_review(tx: &mut Tx, r: &NewReview<'_>, now: Timestamp) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO site_reviews (application_id, reviewer_id, visited_on, checklist, score, comments, signature, signed_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(r.application_id.0)
            .bind(r.reviewer_id)
            .bind(r.visited_on)
            .bind(r.checklist)
            .bind(r.score)
            .bind(r.comments)
            .bind(r.signature)
            .bind(now),
        )
        .await?;
    Ok(id)
}

pub async fn review_of(tx: &mut Tx, application: ApplicationId) -> Result<Option<SiteReview>> {
    tx.fetch_optional(
        Sql::new(
            "SELECT r.id, r.application_id, r.reviewer_id, u.display_name AS reviewer_name, r.visited_on, r.checklist,
                r.score, r.comments, r.signature, r.signed_at
             FROM site_reviews r JOIN users u ON u.id = r.reviewer_id WHERE r.application_id = $1",
        )
        .bind(application.0),
    )
    .await
}
