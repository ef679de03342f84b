//! Achievements: the record and its benefit, the completers, the proposals and patents linked to
//! it, and the scoped listing.

use super::{
    PersonRef, RecordFilter, blind_filter, common, get_by_id, list_page, stored, text_filter,
};
use crate::record_tally::{self, Record};
use crate::sql::{Page, Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::benefit::Benefit;
use ingot_domain::innovation::{AchievementKind, ClaimedLevel, Completer};
use ingot_domain::time::Date;
use ingot_domain::{AppError, OrgId, ProposalId, Timestamp, UserId};

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Achievement {
    pub id: i64,
    pub unit_id: OrgId,
    pub unit_name: String,
    pub unit_path: String,
    pub title: String,
    pub summary: String,
    pub field: String,
    pub kind: AchievementKind,
    pub claimed_level: Option<ClaimedLevel>,
    pub started_on: Option<Date>,
    pub finished_on: Option<Date>,
    pub year: i64,
    pub award: Option<String>,
    pub in_production_since: Option<String>,
    pub production_site: Option<String>,
    pub benefit: Option<Benefit>,
    pub benefit_note: Option<String>,
    pub benefit_claimed_cents: Option<i64>,
    pub benefit_claimed_at: Option<Timestamp>,
    pub benefit_verified_cents: Option<i64>,
    pub benefit_verified_by: Option<UserId>,
    pub benefit_verified_at: Option<Timestamp>,
    pub benefit_verify_note: Option<String>,
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct AchievementRow {
    id: i64,
    unit_id: i64,
    unit_name: String,
    unit_path: String,
    title: String,
    summary: String,
    field: String,
    kind: String,
    claimed_level: Option<String>,
    started_on: Option<Date>,
    finished_on: Option<Date>,
    year: i64,
    award: Option<String>,
    in_production_since: Option<String>,
    production_site: Option<String>,
    benefit_inputs: Option<String>,
    benefit_note: Option<String>,
    benefit_claimed_cents: Option<i64>,
    benefit_claimed_at: Option<i64>,
    benefit_verified_cents: Option<i64>,
    benefit_verified_by: Option<i64>,
    benefit_verified_at: Option<i64>,
    benefit_verify_note: Option<String>,
    version: i64,
    created_at: i64,
    updated_at: i64,
}

const ACHIEVEMENT: &str = "SELECT a.id, a.unit_id, u.name AS unit_name, u.path AS unit_path, a.title, a.summary,
    a.field, a.kind, a.claimed_level, a.started_on, a.finished_on, a.year, a.award, a.in_production_since,
    a.production_site, a.benefit_inputs, a.benefit_note, a.benefit_claimed_cents, a.benefit_claimed_at,
    a.benefit_verified_cents, a.benefit_verified_by, a.benefit_verified_at, a.benefit_verify_note, a.version,
    a.created_at, a.updated_at
    FROM achievements a JOIN organisations u ON u.id = a.unit_id";

impl TryFrom<AchievementRow> for Achievement {
    type Error = AppError;
    fn try_from(r: AchievementRow) -> Result<Achievement> {
        let benefit = match r.benefit_inputs.as_deref() {
            Some(json) => Some(
                serde_json::from_str::<Benefit>(json)
                    .map_err(|e| AppError::internal(format!("stored benefit: {e}")))?,
            ),
            None => None,
        };
        Ok(Achievement {
            id: r.id,
            unit_id: OrgId(r.unit_id),
            unit_name: r.unit_name,
            unit_path: r.unit_path,
            title: r.title,
            summary: r.summary,
            field: r.field,
            kind: stored("achievement kind", &r.kind, AchievementKind::parse)?,
            claimed_level: match r.claimed_level.as_deref() {
                Some(l) => Some(stored("claimed level", l, ClaimedLevel::parse)?),
                None => None,
            },
            started_on: r.started_on,
            finished_on: r.finished_on,
            year: r.year,
            award: r.award,
            in_production_since: r.in_production_since,
            production_site: r.production_site,
            benefit,
            benefit_note: r.benefit_note,
            benefit_claimed_cents: r.benefit_claimed_cents,
            benefit_claimed_at: r.benefit_claimed_at.map(Timestamp),
            benefit_verified_cents: r.benefit_verified_cents,
            benefit_verified_by: r.benefit_verified_by.map(UserId),
            benefit_verified_at: r.benefit_verified_at.map(Timestamp),
            benefit_verify_note: r.benefit_verify_note,
            version: r.version,
            created_at: Timestamp(r.created_at),
            updated_at: Timestamp(r.updated_at),
        })
    }
}

/// The descriptive part of an achievement, as written by `insert_achievement` and `update_achievement`.
#[derive(Debug, Clone)]
pub struct AchievementText {
    pub unit_id: OrgId,
    pub title: String,
    pub summary: String,
    pub field: String,
    pub kind: AchievementKind,
    pub claimed_level: Option<ClaimedLevel>,
    pub started_on: Option<Date>,
    pub finished_on: Option<Date>,
    pub year: i64,
    pub award: Option<String>,
    pub in_production_since: Option<String>,
    pub production_site: Option<String>,
}

pub async fn insert_achievement(
    tx: &mut Tx,
    a: &AchievementText,
    by: Option<UserId>,
    now: Timestamp,
) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO achievements (unit_id, title, summary, field, kind, claimed_level, started_on,
                    finished_on, year, award, in_production_since, production_site, created_by, version,
                    created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14, $14) RETURNING id",
            )
            .bind(a.unit_id)
            .bind(a.title.as_str())
            .bind(a.summary.as_str())
            .bind(a.field.as_str())
            .bind(a.kind.as_str())
            .bind(a.claimed_level.map(|l| l.as_str()))
            .bind(a.started_on)
            .bind(a.finished_on)
            .bind(a.year)
            .bind(a.award.clone())
            .bind(a.in_production_since.clone())
            .bind(a.production_site.clone())
            .bind(by)
            .bind(now.0),
        )
        .await?;
    record_tally::recount(tx, Record::Achievement(id), None).await?;
    Ok(id)
}

/// Changes an achievement's particulars if it is still at `version`, raising it and recounting
/// what it counts for; false when someone changed it meanwhile. The benefit is not touched: it
/// has its own claim and verification.
pub async fn update_achievement(
    tx: &mut Tx,
    id: i64,
    a: &AchievementText,
    version: i64,
    now: Timestamp,
) -> Result<bool> {
    let before = record_tally::counted(tx, Record::Achievement(id)).await?;
    let changed = tx
        .execute(
            Sql::new(
                "UPDATE achievements SET unit_id = $1, title = $2, summary = $3, field = $4, kind = $5,
                    claimed_level = $6, started_on = $7, finished_on = $8, year = $9, award = $10,
                    in_production_since = $11, production_site = $12, updated_at = $13,
                    version = version + 1
                 WHERE id = $14 AND version = $15",
            )
            .bind(a.unit_id)
            .bind(a.title.as_str())
            .bind(a.summary.as_str())
            .bind(a.field.as_str())
            .bind(a.kind.as_str())
            .bind(a.claimed_level.map(|l| l.as_str()))
            .bind(a.started_on)
            .bind(a.finished_on)
            .bind(a.year)
            .bind(a.award.clone())
            .bind(a.in_production_since.clone())
            .bind(a.production_site.clone())
            .bind(now.0)
            .bind(id)
            .bind(version),
        )
        .await?;
    if changed != 1 {
        return Ok(false);
    }
    record_tally::recount(tx, Record::Achievement(id), before).await?;
    Ok(true)
}

/// Replaces the patents and proposals an achievement links.
pub async fn set_links(
    tx: &mut Tx,
    id: i64,
    patents: &[i64],
    proposals: &[ProposalId],
) -> Result<()> {
    tx.execute(Sql::new("DELETE FROM achievement_patents WHERE achievement_id = $1").bind(id))
        .await?;
    tx.execute(Sql::new("DELETE FROM achievement_proposals WHERE achievement_id = $1").bind(id))
        .await?;
    for p in patents {
        link_patent(tx, id, *p).await?;
    }
    for p in proposals {
        link_proposal(tx, id, *p).await?;
    }
    Ok(())
}

pub async fn get_achievement(tx: &mut Tx, id: i64) -> Result<Option<Achievement>> {
    get_by_id::<AchievementRow, _>(tx, (ACHIEVEMENT, "a.id"), id, Achievement::try_from).await
}

/// Saves the benefit of an achievement if it is still at `a.version`; returns the new version.
pub async fn save_benefit(tx: &mut Tx, a: &Achievement, now: Timestamp) -> Result<i64> {
    let before = record_tally::counted(tx, Record::Achievement(a.id)).await?;
    let inputs = match &a.benefit {
        Some(b) => Some(serde_json::to_string(b).map_err(AppError::internal)?),
        None => None,
    };
    let done = tx
        .execute(
            Sql::new(
                "UPDATE achievements SET benefit_method = $1, benefit_inputs = $2, benefit_note = $3,
                    benefit_claimed_cents = $4, benefit_claimed_at = $5, benefit_verified_cents = $6,
                    benefit_verified_by = $7, benefit_verified_at = $8, benefit_verify_note = $9,
                    version = version + 1, updated_at = $10
                 WHERE id = $11 AND version = $12",
            )
            .bind(a.benefit.as_ref().map(|b| b.method()))
            .bind(inputs)
            .bind(a.benefit_note.clone())
            .bind(a.benefit_claimed_cents)
            .bind(a.benefit_claimed_at.map(|t| t.0))
            .bind(a.benefit_verified_cents)
            .bind(a.benefit_verified_by)
            .bind(a.benefit_verified_at.map(|t| t.0))
            .bind(a.benefit_verify_note.clone())
            .bind(now.0)
            .bind(a.id)
            .bind(a.version),
        )
        .await?;
    if done == 0 {
        return Err(AppError::conflict("record_changed"));
    }
    record_tally::recount(tx, Record::Achievement(a.id), before).await?;
    Ok(a.version + 1)
}

/// Writes the verified figure of a record loaded in bulk (the demo), without a claim history.
pub async fn set_verified_benefit(
    tx: &mut Tx,
    id: i64,
    amount_cents: i64,
    note: &str,
    at: Timestamp,
) -> Result<()> {
    let benefit =
        serde_json::to_string(&Benefit::Free { amount_cents }).map_err(AppError::internal)?;
    let before = record_tally::counted(tx, Record::Achievement(id)).await?;
    tx.execute(
        Sql::new(
            "UPDATE achievements SET benefit_method = 'free', benefit_inputs = $1, benefit_note = $2,
                benefit_claimed_cents = $3, benefit_claimed_at = $4, benefit_verified_cents = $3,
                benefit_verified_at = $4 WHERE id = $5",
        )
        .bind(benefit)
        .bind(note)
        .bind(amount_cents)
        .bind(at.0)
        .bind(id),
    )
    .await?;
    record_tally::recount(tx, Record::Achievement(id), before).await?;
    Ok(())
}

pub async fn set_completers(tx: &mut Tx, id: i64, completers: &[Completer]) -> Result<()> {
    tx.execute(Sql::new("DELETE FROM achievement_completers WHERE achievement_id = $1").bind(id))
        .await?;
    for c in completers {
        tx.execute(
            Sql::new(
                "INSERT INTO achievement_completers (achievement_id, rank, user_id) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(c.rank)
            .bind(c.user_id),
        )
        .await?;
    }
    Ok(())
}

pub async fn completers(tx: &mut Tx, id: i64) -> Result<Vec<PersonRef>> {
    tx.fetch_all(
        Sql::new(
            "SELECT c.user_id, us.username, us.display_name, us.org_id, c.rank
             FROM achievement_completers c JOIN users us ON us.id = c.user_id
             WHERE c.achievement_id = $1 ORDER BY c.rank",
        )
        .bind(id),
    )
    .await
}

/// (achievement, completer) for every achievement of `ids` at once.
pub async fn completer_ids(tx: &mut Tx, ids: &[i64]) -> Result<Vec<(i64, i64)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuilder::new(
        "SELECT achievement_id, user_id FROM achievement_completers WHERE achievement_id IN ",
    );
    b.values(ids);
    tx.fetch_all(b.build()).await
}

pub async fn link_patent(tx: &mut Tx, achievement: i64, patent: i64) -> Result<bool> {
    let n = tx
        .execute(
            Sql::new(
                "INSERT INTO achievement_patents (achievement_id, patent_id) VALUES ($1, $2)
                 ON CONFLICT DO NOTHING",
            )
            .bind(achievement)
            .bind(patent),
        )
        .await?;
    Ok(n > 0)
}

pub async fn link_proposal(tx: &mut Tx, achievement: i64, proposal: ProposalId) -> Result<bool> {
    let n = tx
        .execute(
            Sql::new(
                "INSERT INTO achievement_proposals (achievement_id, proposal_id) VALUES ($1, $2)
                 ON CONFLICT DO NOTHING",
            )
            .bind(achievement)
            .bind(proposal),
        )
        .await?;
    Ok(n > 0)
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct ProposalRef {
    pub id: i64,
    pub number: Option<String>,
    pub title: String,
}

pub async fn linked_proposals(tx: &mut Tx, achievement: i64) -> Result<Vec<ProposalRef>> {
    tx.fetch_all(
        Sql::new(
            "SELECT p.id, p.number, p.title FROM achievement_proposals l JOIN proposals p ON p.id = l.proposal_id
             WHERE l.achievement_id = $1 ORDER BY p.id",
        )
        .bind(achievement),
    )
    .await
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct AchievementRef {
    pub id: i64,
    pub title: String,
    pub year: i64,
}

pub async fn achievements_of_patent(tx: &mut Tx, patent: i64) -> Result<Vec<AchievementRef>> {
    tx.fetch_all(
        Sql::new(
            "SELECT a.id, a.title, a.year FROM achievement_patents l JOIN achievements a ON a.id = l.achievement_id
             WHERE l.patent_id = $1 ORDER BY a.id",
        )
        .bind(patent),
    )
    .await
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct AchievementItem {
    pub id: i64,
    pub title: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub field: String,
    pub kind: AchievementKind,
    pub claimed_level: Option<ClaimedLevel>,
    pub year: i64,
    pub award: Option<String>,
    pub first_completer: Option<String>,
    pub benefit_claimed_cents: Option<i64>,
    pub benefit_verified_cents: Option<i64>,
}

/// `FROM` achievements `a` with their unit `u`, and the `WHERE` clause of the filter.
pub(super) fn achievement_filters(b: &mut SqlBuilder, f: &RecordFilter) {
    b.push(" FROM achievements a JOIN organisations u ON u.id = a.unit_id");
    common(b, f, "a.year", "a.kind");
    blind_filter(b, f, "achievement", "a.id");
    text_filter(b, f, "a.title");
    if let Some(level) = &f.level {
        b.push(" AND a.claimed_level = ").bind(level.as_str());
    }
    if let Some(p) = f.person {
        b.push(" AND EXISTS (SELECT 1 FROM achievement_completers c WHERE c.achievement_id = a.id AND c.user_id = ")
            .bind(p)
            .push(")");
    }
}

pub async fn list_achievements(
    tx: &mut Tx,
    f: &RecordFilter,
    page: Page,
) -> Result<(Vec<AchievementItem>, i64)> {
    let filters = |b: &mut SqlBuilder| achievement_filters(b, f);
    let select = "SELECT a.id, a.title, a.unit_id, u.name AS unit_name, a.field, a.kind, a.claimed_level, a.year, a.award,
            (SELECT us.display_name FROM achievement_completers c JOIN users us ON us.id = c.user_id
             WHERE c.achievement_id = a.id AND c.rank = 1) AS first_completer,
            a.benefit_claimed_cents, a.benefit_verified_cents";
    let order = " ORDER BY a.year DESC, a.id DESC";
    list_page(tx, ("SELECT COUNT(*)", select, order), filters, page, Ok).await
}
