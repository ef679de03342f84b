//! Award campaigns: the call (timetable, rules, units and quotas, rubric, tier quotas),
//! declarations with their formal check and tier, the expert pool and each campaign's panel,
//! conflicts, the assignment, score sheets and objections. Codes are the domain's snake_case
//! strings, parsed by the use cases; dates 'YYYY-MM-DD'.

use crate::sql::{Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::{AppError, OrgId, Timestamp, UserId};
use serde::Serialize;

pub fn not_found() -> AppError {
    AppError::not_found("campaign")
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Campaign {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub org_name_en: Option<String>,
    #[serde(skip)]
    pub org_path: String,
    pub parent_id: Option<i64>,
    pub kind: String,
    pub title: String,
    pub edition: i64,
    pub year: i64,
    pub cadence: String,
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
    pub declaration_closes: String,
    pub check_closes: String,
    pub review_closes: String,
    pub publicity_days: i64,
    pub announce_on: String,
    pub stage: String,
    pub publicity_start: Option<String>,
    pub decision_note: Option<String>,
    pub decided_at: Option<i64>,
    pub notice_number: Option<String>,
    pub announced_on: Option<String>,
    pub created_at: i64,
}

const CAMPAIGN: &str = "SELECT c.id, c.org_id, o.name AS org_name, o.name_en AS org_name_en, o.path AS org_path,
    c.parent_id, c.kind, c.title, c.edition, c.year, c.cadence, c.rules, c.min_record_year, c.max_record_year,
    c.required_fields, c.required_documents, c.reviewers_per_declaration, c.min_load, c.max_load,
    c.score_scale, c.blind, c.divergence_hundredths, c.declaration_closes, c.check_closes, c.review_closes,
    c.publicity_days, c.announce_on, c.stage, c.publicity_start, c.decision_note, c.decided_at,
    c.notice_number, c.announced_on, c.created_at
    FROM campaigns c JOIN organisations o ON o.id = c.org_id";

pub struct NewCampaign<'a> {
    pub org_id: OrgId,
    pub parent_id: Option<i64>,
    pub kind: &'a str,
    pub title: &'a str,
    pub edition: i64,
    pub year: i64,
    pub cadence: &'a str,
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
}

pub async fn insert(tx: &mut Tx, c: &NewCampaign<'_>, now: Timestamp) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO campaigns (org_id, parent_id, kind, title, edition, year, cadence, rules,
                    min_record_year, max_record_year, required_fields, required_documents,
                    reviewers_per_declaration, min_load, max_load, score_scale, blind, divergence_hundredths,
                    declaration_closes, check_closes, review_closes, publicity_days, announce_on, stage,
                    created_by, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                    $19, $20, $21, $22, $23, 'declaration', $24, $25, $25) RETURNING id",
            )
            .bind(c.org_id)
            .bind(c.parent_id)
            .bind(c.kind)
            .bind(c.title)
            .bind(c.edition)
            .bind(c.year)
            .bind(c.cadence)
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
            .bind(now),
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

pub async fn set_stage(tx: &mut Tx, id: i64, stage: &str, now: Timestamp) -> Result<()> {
    tx.execute(
        Sql::new("UPDATE campaigns SET stage = $1, updated_at = $2 WHERE id = $3")
            .bind(stage)
            .bind(now)
            .bind(id),
    )
    .await?;
    Ok(())
}

pub async fn set_publicity(
    tx: &mut Tx,
    id: i64,
    start: &str,
    days: i64,
    now: Timestamp,
) -> Result<()> {
    tx.execute(
        Sql::new(
            "UPDATE campaigns SET stage = 'publicity', publicity_start = $1, publicity_days = $2, updated_at = $3
             WHERE id = $4",
        )
        .bind(start)
        .bind(days)
        .bind(now)
        .bind(id),
    )
    .await?;
    Ok(())
}

pub async fn set_decision(
    tx: &mut Tx,
    id: i64,
    note: &str,
    by: Option<UserId>,
    now: Timestamp,
) -> Result<()> {
    tx.execute(
        Sql::new(
            "UPDATE campaigns SET decision_note = $1, decided_by = $2, decided_at = $3, updated_at = $3
             WHERE id = $4",
        )
        .bind(note)
        .bind(by)
        .bind(now)
        .bind(id),
    )
    .await?;
    Ok(())
}

pub async fn set_announced(
    tx: &mut Tx,
    id: i64,
    number: &str,
    on: &str,
    now: Timestamp,
) -> Result<()> {
    tx.execute(
        Sql::new(
            "UPDATE campaigns SET stage = 'announced', notice_number = $1, announced_on = $2, updated_at = $3
             WHERE id = $4",
        )
        .bind(number)
        .bind(on)
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

// --- Declarations -------------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Declaration {
    pub id: i64,
    pub campaign_id: i64,
    pub number: i64,
    pub participant_id: i64,
    pub participant_name: String,
    pub record_type: String,
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
    pub status: String,
    pub return_reasons: Option<String>,
    pub correct_by: Option<String>,
    pub forwarded_from: Option<i64>,
    pub tier: Option<String>,
    pub created_at: i64,
}

const DECLARATION: &str = "SELECT d.id, d.campaign_id, d.number, d.participant_id, p.name AS participant_name,
    d.record_type, d.record_id, d.unit_id, o.name AS unit_name, o.path AS unit_path, d.title, d.summary, d.field,
    d.first_completer_id, fc.display_name AS first_completer_name, d.status, d.return_reasons, d.correct_by,
    d.forwarded_from, d.tier, d.created_at
    FROM declarations d JOIN organisations p ON p.id = d.participant_id
    JOIN organisations o ON o.id = d.unit_id LEFT JOIN users fc ON fc.id = d.first_completer_id";

pub struct NewDeclaration<'a> {
    pub campaign_id: i64,
    pub participant_id: OrgId,
    pub record_type: &'a str,
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
            .bind(d.record_type)
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

// --- Experts and conflicts ----------------------------------------------------------------------

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

/// (user, achievement) pairs of every completer of the achievements the given people completed:
/// who worked with whom, for the past co-work conflict.
pub async fn co_completers(tx: &mut Tx, user: UserId) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = tx
        .fetch_all(
            Sql::new(
                "SELECT DISTINCT b.user_id FROM achievement_completers a
                 JOIN achievement_completers b ON b.achievement_id = a.achievement_id
                 WHERE a.user_id = $1 AND b.user_id <> $1",
            )
            .bind(user),
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

// --- Assignment and scores ----------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AssignmentRow {
    pub declaration_id: i64,
    pub user_id: i64,
    pub affinity: i64,
    pub manual: bool,
}

pub async fn replace_assignment(tx: &mut Tx, campaign: i64, rows: &[AssignmentRow]) -> Result<()> {
    tx.execute(Sql::new("DELETE FROM assignments WHERE campaign_id = $1").bind(campaign))
        .await?;
    for r in rows {
        tx.execute(
            Sql::new(
                "INSERT INTO assignments (campaign_id, declaration_id, user_id, affinity, manual)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(campaign)
            .bind(r.declaration_id)
            .bind(r.user_id)
            .bind(r.affinity)
            .bind(r.manual),
        )
        .await?;
    }
    Ok(())
}

pub async fn assignment(tx: &mut Tx, campaign: i64) -> Result<Vec<AssignmentRow>> {
    tx.fetch_all(
        Sql::new(
            "SELECT declaration_id, user_id, affinity, manual FROM assignments WHERE campaign_id = $1
             ORDER BY declaration_id, user_id",
        )
        .bind(campaign),
    )
    .await
}

pub async fn is_assigned(tx: &mut Tx, declaration: i64, user: UserId) -> Result<bool> {
    let (n,): (i64,) = tx
        .fetch_one(
            Sql::new("SELECT COUNT(*) FROM assignments WHERE declaration_id = $1 AND user_id = $2")
                .bind(declaration)
                .bind(user),
        )
        .await?;
    Ok(n > 0)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Sheet {
    pub declaration_id: i64,
    pub user_id: i64,
    pub display_name: String,
    pub marks: String,
    pub total_hundredths: i64,
    pub comment: String,
    pub submitted_at: i64,
}

pub struct NewSheet<'a> {
    pub campaign_id: i64,
    pub declaration_id: i64,
    pub user_id: UserId,
    pub marks: &'a str,
    pub total_hundredths: i64,
    pub comment: &'a str,
}

/// Saves a score sheet; a reviewer may revise theirs until the results are decided.
pub async fn save_sheet(tx: &mut Tx, s: &NewSheet<'_>, now: Timestamp) -> Result<()> {
    tx.execute(
        Sql::new(
            "INSERT INTO score_sheets (declaration_id, user_id, campaign_id, marks, total_hundredths, comment, submitted_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (declaration_id, user_id) DO UPDATE SET marks = excluded.marks,
                total_hundredths = excluded.total_hundredths, comment = excluded.comment,
                submitted_at = excluded.submitted_at",
        )
        .bind(s.declaration_id)
        .bind(s.user_id)
        .bind(s.campaign_id)
        .bind(s.marks)
        .bind(s.total_hundredths)
        .bind(s.comment)
        .bind(now),
    )
    .await?;
    Ok(())
}

pub async fn sheets(tx: &mut Tx, campaign: i64) -> Result<Vec<Sheet>> {
    tx.fetch_all(
        Sql::new(
            "SELECT s.declaration_id, s.user_id, u.display_name, s.marks, s.total_hundredths, s.comment, s.submitted_at
             FROM score_sheets s JOIN users u ON u.id = s.user_id WHERE s.campaign_id = $1
             ORDER BY s.declaration_id, s.user_id",
        )
        .bind(campaign),
    )
    .await
}

// --- Objections ---------------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Objection {
    pub id: i64,
    pub campaign_id: i64,
    pub declaration_id: i64,
    pub name: String,
    pub contact: String,
    pub text: String,
    pub lodged_at: i64,
    pub status: String,
    pub outcome: Option<String>,
}

pub async fn insert_objection(
    tx: &mut Tx,
    campaign: i64,
    declaration: i64,
    name: &str,
    contact: &str,
    text: &str,
    now: Timestamp,
) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO objections (campaign_id, declaration_id, name, contact, text, lodged_at, status)
                 VALUES ($1, $2, $3, $4, $5, $6, 'open') RETURNING id",
            )
            .bind(campaign)
            .bind(declaration)
            .bind(name)
            .bind(contact)
            .bind(text)
            .bind(now),
        )
        .await?;
    Ok(id)
}

pub async fn objections(tx: &mut Tx, campaign: i64) -> Result<Vec<Objection>> {
    tx.fetch_all(
        Sql::new(
            "SELECT id, campaign_id, declaration_id, name, contact, text, lodged_at, status, outcome
             FROM objections WHERE campaign_id = $1 ORDER BY id",
        )
        .bind(campaign),
    )
    .await
}

pub async fn decide_objection(
    tx: &mut Tx,
    id: i64,
    status: &str,
    outcome: &str,
    by: Option<UserId>,
    now: Timestamp,
) -> Result<()> {
    tx.execute(
        Sql::new(
            "UPDATE objections SET status = $1, outcome = $2, decided_by = $3, decided_at = $4 WHERE id = $5",
        )
        .bind(status)
        .bind(outcome)
        .bind(by)
        .bind(now)
        .bind(id),
    )
    .await?;
    Ok(())
}
