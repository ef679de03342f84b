//! The call of a campaign: its row (timetable, rules, stage), the participating units and their
//! quotas, the rubric and the tier quotas.

use crate::sql::{Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::campaign::{Cadence, CampaignKind, Stage};
use ingot_domain::time::Date;
use ingot_domain::{OrgId, Timestamp, UserId};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Campaign {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub org_name_en: Option<String>,
    #[serde(skip)]
    pub org_path: String,
    pub parent_id: Option<i64>,
    pub kind: CampaignKind,
    pub title: String,
    pub edition: i64,
    pub year: i64,
    pub cadence: Cadence,
    pub rules: String,
    pub min_record_year: Option<i64>,
    pub max_record_year: Option<i64>,
    pub required_fields: String,
    pub required_documents: i64,
    pub reviewers_per_declaration: i64,
    pub min_load: i64,
    pub max_load: i64,
    pub score_scale: i64,
    pub blind: bool,
    pub divergence_hundredths: i64,
    pub declaration_closes: Date,
    pub check_closes: Date,
    pub review_closes: Date,
    pub publicity_days: i64,
    pub announce_on: Date,
    pub stage: Stage,
    pub publicity_start: Option<String>,
    pub decision_note: Option<String>,
    pub decided_at: Option<i64>,
    pub notice_number: Option<String>,
    pub announced_on: Option<Date>,
    pub created_at: i64,
    pub contact_person: Option<String>,
    /// What a titling campaign confers on its winners, and at which level (`HonourLevel` codes).
    pub title_name: Option<String>,
    pub title_level: Option<String>,
}

const CAMPAIGN: &str = "SELECT c.id, c.org_id, o.name AS org_name, o.name_en AS org_name_en, o.path AS org_path,
    c.parent_id, c.kind, c.title, c.edition, c.year, c.cadence, c.rules, c.min_record_year, c.max_record_year,
    c.required_fields, c.required_documents, c.reviewers_per_declaration, c.min_load, c.max_load,
    c.score_scale, c.blind, c.divergence_hundredths, c.declaration_closes, c.check_closes, c.review_closes,
    c.publicity_days, c.announce_on, c.stage, c.publicity_start, c.decision_note, c.decided_at,
    c.notice_number, c.announced_on, c.created_at, c.contact_person, c.title_name, c.title_level
    FROM campaigns c JOIN organisations o ON o.id = c.org_id";

pub struct NewCampaign<'a> {
    pub org_id: OrgId,
    pub parent_id: Option<i64>,
    pub kind: CampaignKind,
    pub title: &'a str,
    pub edition: i64,
    pub year: i64,
    pub cadence: Cadence,
    pub rules: &'a str,
    pub min_record_year: Option<i64>,
    pub max_record_year: Option<i64>,
    pub required_fields: &'a str,
    pub required_documents: i64,
    pub reviewers_per_declaration: i64,
    pub min_load: i64,
    pub max_load: i64,
    pub score_scale: i64,
    pub blind: bool,
    pub divergence_hundredths: i64,
    pub declaration_closes: &'a str,
    pub check_closes: &'a str,
    pub review_closes: &'a str,
    pub publicity_days: i64,
    pub announce_on: &'a str,
    pub created_by: Option<UserId>,
    pub contact_person: Option<&'a str>,
    pub title_name: Option<&'a str>,
    pub title_level: Option<&'a str>,
}

pub async fn insert(tx: &mut Tx, c: &NewCampaign<'_>, now: Timestamp) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO campaigns (org_id, parent_id, kind, title, edition, year, cadence, rules,
                    min_record_year, max_record_year, required_fields, required_documents,
                    reviewers_per_declaration, min_load, max_load, score_scale, blind, divergence_hundredths,
                    declaration_closes, check_closes, review_closes, publicity_days, announce_on, stage,
                    created_by, created_at, updated_at, contact_person, title_name, title_level)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                    $19, $20, $21, $22, $23, 'declaration', $24, $25, $25, $26, $27, $28) RETURNING id",
            )
            .bind(c.org_id)
            .bind(c.parent_id)
            .bind(c.kind.as_str())
            .bind(c.title)
            .bind(c.edition)
            .bind(c.year)
            .bind(c.cadence.as_str())
            .bind(c.rules)
            .bind(c.min_record_year)
            .bind(c.max_record_year)
            .bind(c.required_fields)
            .bind(c.required_documents)
            .bind(c.reviewers_per_declaration)
            .bind(c.min_load)
            .bind(c.max_load)
            .bind(c.score_scale)
            .bind(c.blind)
            .bind(c.divergence_hundredths)
            .bind(c.declaration_closes)
            .bind(c.check_closes)
            .bind(c.review_closes)
            .bind(c.publicity_days)
            .bind(c.announce_on)
            .bind(c.created_by)
            .bind(now)
            .bind(c.contact_person)
            .bind(c.title_name)
            .bind(c.title_level),
        )
        .await?;
    Ok(id)
}

pub async fn get(tx: &mut Tx, id: i64) -> Result<Option<Campaign>> {
    let mut b = SqlBuilder::new(CAMPAIGN);
    b.push(" WHERE c.id = ").bind(id);
    tx.fetch_optional(b.build()).await
}

/// Every campaign, newest year first. Calls are public.
pub async fn list(tx: &mut Tx) -> Result<Vec<Campaign>> {
    let mut b = SqlBuilder::new(CAMPAIGN);
    b.push(" ORDER BY c.year DESC, c.id DESC");
    tx.fetch_all(b.build()).await
}

pub async fn set_stage(tx: &mut Tx, id: i64, stage: Stage, now: Timestamp) -> Result<()> {
    tx.execute(
        Sql::new("UPDATE campaigns SET stage = $1, updated_at = $2 WHERE id = $3")
            .bind(stage.as_str())
            .bind(now)
            .bind(id),
    )
    .await?;
    Ok(())
}

// --- Participating units, rubric, tier quotas ---------------------------------------------------

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Unit {
    pub org_id: i64,
    pub name: String,
    pub name_en: Option<String>,
    #[serde(skip)]
    pub path: String,
    pub quota: i64,
}

pub async fn add_unit(tx: &mut Tx, campaign: i64, org: OrgId, quota: i64) -> Result<()> {
    tx.execute(
        Sql::new("INSERT INTO campaign_units (campaign_id, org_id, quota) VALUES ($1, $2, $3)")
            .bind(campaign)
            .bind(org)
            .bind(quota),
    )
    .await?;
    Ok(())
}

pub async fn units(tx: &mut Tx, campaign: i64) -> Result<Vec<Unit>> {
    tx.fetch_all(
        Sql::new(
            "SELECT u.org_id, o.name, o.name_en, o.path, u.quota FROM campaign_units u
             JOIN organisations o ON o.id = u.org_id WHERE u.campaign_id = $1 ORDER BY o.path",
        )
        .bind(campaign),
    )
    .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CriterionRow {
    pub position: i64,
    pub name: String,
    pub weight: i64,
}

pub async fn add_criterion(
    tx: &mut Tx,
    campaign: i64,
    position: i64,
    name: &str,
    weight: i64,
) -> Result<()> {
    tx.execute(
        Sql::new(
            "INSERT INTO campaign_criteria (campaign_id, position, name, weight) VALUES ($1, $2, $3, $4)",
        )
        .bind(campaign)
        .bind(position)
        .bind(name)
        .bind(weight),
    )
    .await?;
    Ok(())
}

pub async fn criteria(tx: &mut Tx, campaign: i64) -> Result<Vec<CriterionRow>> {
    tx.fetch_all(
        Sql::new(
            "SELECT position, name, weight FROM campaign_criteria WHERE campaign_id = $1 ORDER BY position",
        )
        .bind(campaign),
    )
    .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct TierRow {
    pub tier: String,
    pub quota_count: Option<i64>,
    pub share_bp: Option<i64>,
}

pub async fn add_tier(
    tx: &mut Tx,
    campaign: i64,
    tier: &str,
    count: Option<i64>,
    share_bp: Option<i64>,
) -> Result<()> {
    tx.execute(
        Sql::new(
            "INSERT INTO campaign_tiers (campaign_id, tier, quota_count, share_bp) VALUES ($1, $2, $3, $4)",
        )
        .bind(campaign)
        .bind(tier)
        .bind(count)
        .bind(share_bp),
    )
    .await?;
    Ok(())
}

pub async fn tiers(tx: &mut Tx, campaign: i64) -> Result<Vec<TierRow>> {
    tx.fetch_all(
        Sql::new(
            "SELECT tier, quota_count, share_bp FROM campaign_tiers WHERE campaign_id = $1
             ORDER BY CASE tier WHEN 'first' THEN 1 WHEN 'second' THEN 2 WHEN 'third' THEN 3 ELSE 4 END",
        )
        .bind(campaign),
    )
    .await
}
