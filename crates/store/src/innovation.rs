//! Innovation records: achievements (with completers, linked proposals and patents), patents,
//! skills and methods, and talent titles. Listings are scoped to the organisations a reader may see.

use crate::sql::{Page, Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::benefit::Benefit;
use ingot_domain::innovation::{
    AchievementKind, ClaimedLevel, Completer, HonourLevel, PatentKind, PatentStatus, SkillKind,
    YearFigures,
};
use ingot_domain::{AppError, OrgId, OrgScope, ProposalId, Timestamp, UserId};

fn stored<T>(what: &str, raw: &str, parse: fn(&str) -> Option<T>) -> Result<T> {
    parse(raw).ok_or_else(|| AppError::internal(format!("stored {what} {raw:?}")))
}

/// What a listing shows: only `scope` (None: everything), optionally one unit's subtree, a year,
/// a kind or level code, words in the title, a person named on the record.
#[derive(Debug, Clone, Default)]
pub struct RecordFilter {
    pub scope: Option<OrgScope>,
    pub within: Option<OrgScope>,
    pub year: Option<i64>,
    pub kind: Option<String>,
    pub text: Option<String>,
    pub person: Option<UserId>,
    /// Leave out the records behind declarations assigned to this expert in blind campaigns not
    /// yet announced, so that the lists do not re-identify what they review.
    pub blind_to: Option<UserId>,
}

/// The records (achievements and skills) behind declarations assigned to `user` in blind
/// campaigns that are not announced yet; `record_type` and `id` name the outer query's record.
const BLIND_ASSIGNED: &str = " AND NOT EXISTS (SELECT 1 FROM assignments x \
    JOIN declarations xd ON xd.id = x.declaration_id JOIN campaigns xc ON xc.id = x.campaign_id \
    WHERE xc.blind = TRUE AND xc.stage <> 'announced' AND x.user_id = ";

fn blind_filter(b: &mut SqlBuilder, f: &RecordFilter, record_type: &'static str, id: &'static str) {
    if let Some(user) = f.blind_to {
        b.push(BLIND_ASSIGNED)
            .bind(user)
            .push(" AND xd.record_type = '")
            .push(record_type)
            .push("' AND xd.record_id = ")
            .push(id)
            .push(")");
    }
}

/// Is the record behind a declaration assigned to `user` in a blind campaign not yet announced?
/// Patents count through the achievements they are linked to.
pub async fn blind_to(tx: &mut Tx, user: UserId, record_type: &str, id: i64) -> Result<bool> {
    let mut b = SqlBuilder::new(
        "SELECT COUNT(*) FROM assignments x JOIN declarations xd ON xd.id = x.declaration_id JOIN campaigns xc ON xc.id = x.campaign_id WHERE xc.blind = TRUE AND xc.stage <> 'announced' AND x.user_id = ",
    );
    b.bind(user);
    if record_type == "patent" {
        b.push(" AND xd.record_type = 'achievement' AND xd.record_id IN (SELECT achievement_id FROM achievement_patents WHERE patent_id = ")
            .bind(id)
            .push(")");
    } else {
        b.push(" AND xd.record_type = ")
            .bind(record_type.to_string())
            .push(" AND xd.record_id = ")
            .bind(id);
    }
    let (n,): (i64,) = tx.fetch_one(b.build()).await?;
    Ok(n > 0)
}

/// (record type, id) of every record hidden from `user` by [`blind_to`], patents included.
pub async fn blind_records(tx: &mut Tx, user: UserId) -> Result<Vec<(String, i64)>> {
    tx.fetch_all(
        Sql::new(
            "SELECT xd.record_type, xd.record_id FROM assignments x \
             JOIN declarations xd ON xd.id = x.declaration_id JOIN campaigns xc ON xc.id = x.campaign_id \
             WHERE xc.blind = TRUE AND xc.stage <> 'announced' AND x.user_id = $1 \
             UNION SELECT 'patent', ap.patent_id FROM assignments x \
             JOIN declarations xd ON xd.id = x.declaration_id JOIN campaigns xc ON xc.id = x.campaign_id \
             JOIN achievement_patents ap ON ap.achievement_id = xd.record_id AND xd.record_type = 'achievement' \
             WHERE xc.blind = TRUE AND xc.stage <> 'announced' AND x.user_id = $1",
        )
        .bind(user),
    )
    .await
}

fn common(
    b: &mut SqlBuilder,
    f: &RecordFilter,
    alias_year: &'static str,
    alias_kind: &'static str,
) {
    b.push(" WHERE 1 = 1");
    if let Some(scope) = &f.scope {
        b.push(" AND ");
        b.scope("u.path", scope);
    }
    if let Some(within) = &f.within {
        b.push(" AND ");
        b.scope("u.path", within);
    }
    if let Some(year) = f.year {
        b.push(" AND ").push(alias_year).push(" = ").bind(year);
    }
    if let Some(kind) = f.kind.as_deref().filter(|k| !k.is_empty()) {
        b.push(" AND ").push(alias_kind).push(" = ").bind(kind);
    }
}

fn text_filter(b: &mut SqlBuilder, f: &RecordFilter, column: &'static str) {
    if let Some(text) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        b.push(" AND LOWER(")
            .push(column)
            .push(") LIKE LOWER(")
            .bind(format!("%{}%", text.replace(['%', '_'], "")))
            .push(")");
    }
}

// ---------------------------------------------------------------------------------------------
// Achievements

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
    pub started_on: Option<String>,
    pub finished_on: Option<String>,
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
    started_on: Option<String>,
    finished_on: Option<String>,
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
    pub started_on: Option<String>,
    pub finished_on: Option<String>,
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
            .bind(a.started_on.clone())
            .bind(a.finished_on.clone())
            .bind(a.year)
            .bind(a.award.clone())
            .bind(a.in_production_since.clone())
            .bind(a.production_site.clone())
            .bind(by)
            .bind(now.0),
        )
        .await?;
    Ok(id)
}

pub async fn get_achievement(tx: &mut Tx, id: i64) -> Result<Option<Achievement>> {
    let mut b = SqlBuilder::new(ACHIEVEMENT);
    b.push(" WHERE a.id = ").bind(id);
    let row: Option<AchievementRow> = tx.fetch_optional(b.build()).await?;
    row.map(Achievement::try_from).transpose()
}

/// Saves the benefit of an achievement if it is still at `a.version`; returns the new version.
pub async fn save_benefit(tx: &mut Tx, a: &Achievement, now: Timestamp) -> Result<i64> {
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
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct PersonRef {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub org_id: i64,
    pub rank: i64,
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

pub async fn linked_patents(tx: &mut Tx, achievement: i64) -> Result<Vec<Patent>> {
    let mut b = SqlBuilder::new(PATENT);
    b.push(" JOIN achievement_patents l ON l.patent_id = p.id WHERE l.achievement_id = ")
        .bind(achievement)
        .push(" ORDER BY p.applied_on, p.id");
    let rows: Vec<PatentRow> = tx.fetch_all(b.build()).await?;
    rows.into_iter().map(Patent::try_from).collect()
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
    pub kind: String,
    pub claimed_level: Option<String>,
    pub year: i64,
    pub award: Option<String>,
    pub first_completer: Option<String>,
    pub benefit_claimed_cents: Option<i64>,
    pub benefit_verified_cents: Option<i64>,
}

pub async fn list_achievements(
    tx: &mut Tx,
    f: &RecordFilter,
    page: Page,
) -> Result<(Vec<AchievementItem>, i64)> {
    let from = " FROM achievements a JOIN organisations u ON u.id = a.unit_id";
    let filters = |b: &mut SqlBuilder| {
        b.push(from);
        common(b, f, "a.year", "a.kind");
        blind_filter(b, f, "achievement", "a.id");
        text_filter(b, f, "a.title");
        if let Some(p) = f.person {
            b.push(" AND EXISTS (SELECT 1 FROM achievement_completers c WHERE c.achievement_id = a.id AND c.user_id = ")
                .bind(p)
                .push(")");
        }
    };
    let mut count = SqlBuilder::new("SELECT COUNT(*)");
    filters(&mut count);
    let (total,): (i64,) = tx.fetch_one(count.build()).await?;
    let mut b = SqlBuilder::new(
        "SELECT a.id, a.title, a.unit_id, u.name AS unit_name, a.field, a.kind, a.claimed_level, a.year, a.award,
            (SELECT us.display_name FROM achievement_completers c JOIN users us ON us.id = c.user_id
             WHERE c.achievement_id = a.id AND c.rank = 1) AS first_completer,
            a.benefit_claimed_cents, a.benefit_verified_cents",
    );
    filters(&mut b);
    b.push(" ORDER BY a.year DESC, a.id DESC");
    page.apply(&mut b);
    Ok((tx.fetch_all(b.build()).await?, total))
}

// ---------------------------------------------------------------------------------------------
// Patents

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Patent {
    pub id: i64,
    pub unit_id: OrgId,
    pub unit_name: String,
    pub unit_path: String,
    pub kind: PatentKind,
    pub number: String,
    pub title: String,
    pub inventors: String,
    pub applied_on: String,
    pub granted_on: Option<String>,
    pub status: PatentStatus,
    pub year: i64,
    pub created_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct PatentRow {
    id: i64,
    unit_id: i64,
    unit_name: String,
    unit_path: String,
    kind: String,
    number: String,
    title: String,
    inventors: String,
    applied_on: String,
    granted_on: Option<String>,
    status: String,
    year: i64,
    created_at: i64,
}

const PATENT: &str =
    "SELECT p.id, p.unit_id, u.name AS unit_name, u.path AS unit_path, p.kind, p.number, p.title,
    p.inventors, p.applied_on, p.granted_on, p.status, p.year, p.created_at
    FROM patents p JOIN organisations u ON u.id = p.unit_id";

impl TryFrom<PatentRow> for Patent {
    type Error = AppError;
    fn try_from(r: PatentRow) -> Result<Patent> {
        Ok(Patent {
            id: r.id,
            unit_id: OrgId(r.unit_id),
            unit_name: r.unit_name,
            unit_path: r.unit_path,
            kind: stored("patent kind", &r.kind, PatentKind::parse)?,
            number: r.number,
            title: r.title,
            inventors: r.inventors,
            applied_on: r.applied_on,
            granted_on: r.granted_on,
            status: stored("patent status", &r.status, PatentStatus::parse)?,
            year: r.year,
            created_at: Timestamp(r.created_at),
        })
    }
}

#[derive(Debug, Clone)]
pub struct NewPatent {
    pub unit_id: OrgId,
    pub kind: PatentKind,
    pub number: String,
    pub title: String,
    pub inventors: String,
    pub applied_on: String,
    pub granted_on: Option<String>,
    pub status: PatentStatus,
    pub year: i64,
}

pub async fn insert_patent(
    tx: &mut Tx,
    p: &NewPatent,
    by: Option<UserId>,
    now: Timestamp,
) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO patents (unit_id, kind, number, title, inventors, applied_on, granted_on, status, year,
                    created_by, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
            )
            .bind(p.unit_id)
            .bind(p.kind.as_str())
            .bind(p.number.as_str())
            .bind(p.title.as_str())
            .bind(p.inventors.as_str())
            .bind(p.applied_on.as_str())
            .bind(p.granted_on.clone())
            .bind(p.status.as_str())
            .bind(p.year)
            .bind(by)
            .bind(now.0),
        )
        .await?;
    Ok(id)
}

pub async fn get_patent(tx: &mut Tx, id: i64) -> Result<Option<Patent>> {
    let mut b = SqlBuilder::new(PATENT);
    b.push(" WHERE p.id = ").bind(id);
    let row: Option<PatentRow> = tx.fetch_optional(b.build()).await?;
    row.map(Patent::try_from).transpose()
}

pub async fn patent_numbers_taken(tx: &mut Tx, numbers: &[String]) -> Result<Vec<String>> {
    let mut taken = Vec::new();
    for n in numbers {
        let row: Option<(String,)> = tx
            .fetch_optional(
                Sql::new("SELECT number FROM patents WHERE number = $1").bind(n.as_str()),
            )
            .await?;
        if let Some((n,)) = row {
            taken.push(n);
        }
    }
    Ok(taken)
}

pub async fn list_patents(tx: &mut Tx, f: &RecordFilter, page: Page) -> Result<(Vec<Patent>, i64)> {
    let filters = |b: &mut SqlBuilder| {
        common(b, f, "p.year", "p.kind");
        if f.blind_to.is_some() {
            // A patent linked to a hidden achievement names its unit and inventors too.
            b.push(
                " AND NOT EXISTS (SELECT 1 FROM achievement_patents ap WHERE ap.patent_id = p.id",
            );
            blind_filter(b, f, "achievement", "ap.achievement_id");
            b.push(")");
        }
        text_filter(b, f, "p.title || ' ' || p.number || ' ' || p.inventors");
    };
    let mut count =
        SqlBuilder::new("SELECT COUNT(*) FROM patents p JOIN organisations u ON u.id = p.unit_id");
    filters(&mut count);
    let (total,): (i64,) = tx.fetch_one(count.build()).await?;
    let mut b = SqlBuilder::new(PATENT);
    filters(&mut b);
    b.push(" ORDER BY p.applied_on DESC, p.id DESC");
    page.apply(&mut b);
    let rows: Vec<PatentRow> = tx.fetch_all(b.build()).await?;
    Ok((
        rows.into_iter()
            .map(Patent::try_from)
            .collect::<Result<Vec<_>>>()?,
        total,
    ))
}

// ---------------------------------------------------------------------------------------------
// Skills and methods

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skill {
    pub id: i64,
    pub unit_id: OrgId,
    pub unit_name: String,
    pub unit_path: String,
    pub kind: SkillKind,
    pub name: String,
    pub creator_id: Option<UserId>,
    pub creator_name: String,
    pub description: String,
    pub used_where: String,
    pub trained_count: i64,
    pub year: i64,
}

#[derive(sqlx::FromRow)]
struct SkillRow {
    id: i64,
    unit_id: i64,
    unit_name: String,
    unit_path: String,
    kind: String,
    name: String,
    creator_id: Option<i64>,
    creator_name: String,
    description: String,
    used_where: String,
    trained_count: i64,
    year: i64,
}

const SKILL: &str = "SELECT s.id, s.unit_id, u.name AS unit_name, u.path AS unit_path, s.kind, s.name, s.creator_id,
    s.creator_name, s.description, s.used_where, s.trained_count, s.year
    FROM skills s JOIN organisations u ON u.id = s.unit_id";

impl TryFrom<SkillRow> for Skill {
    type Error = AppError;
    fn try_from(r: SkillRow) -> Result<Skill> {
        Ok(Skill {
            id: r.id,
            unit_id: OrgId(r.unit_id),
            unit_name: r.unit_name,
            unit_path: r.unit_path,
            kind: stored("skill kind", &r.kind, SkillKind::parse)?,
            name: r.name,
            creator_id: r.creator_id.map(UserId),
            creator_name: r.creator_name,
            description: r.description,
            used_where: r.used_where,
            trained_count: r.trained_count,
            year: r.year,
        })
    }
}

#[derive(Debug, Clone)]
pub struct NewSkill {
    pub unit_id: OrgId,
    pub kind: SkillKind,
    pub name: String,
    pub creator_id: Option<UserId>,
    pub creator_name: String,
    pub description: String,
    pub used_where: String,
    pub trained_count: i64,
    pub year: i64,
}

pub async fn insert_skill(
    tx: &mut Tx,
    s: &NewSkill,
    trainees: &[UserId],
    by: Option<UserId>,
    now: Timestamp,
) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO skills (unit_id, kind, name, creator_id, creator_name, description, used_where,
                    trained_count, year, created_by, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
            )
            .bind(s.unit_id)
            .bind(s.kind.as_str())
            .bind(s.name.as_str())
            .bind(s.creator_id)
            .bind(s.creator_name.as_str())
            .bind(s.description.as_str())
            .bind(s.used_where.as_str())
            .bind(s.trained_count)
            .bind(s.year)
            .bind(by)
            .bind(now.0),
        )
        .await?;
    for t in trainees {
        tx.execute(
            Sql::new("INSERT INTO skill_trainees (skill_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(id)
                .bind(*t),
        )
        .await?;
    }
    Ok(id)
}

pub async fn get_skill(tx: &mut Tx, id: i64) -> Result<Option<Skill>> {
    let mut b = SqlBuilder::new(SKILL);
    b.push(" WHERE s.id = ").bind(id);
    let row: Option<SkillRow> = tx.fetch_optional(b.build()).await?;
    row.map(Skill::try_from).transpose()
}

pub async fn trainees(tx: &mut Tx, skill: i64) -> Result<Vec<PersonRef>> {
    tx.fetch_all(
        Sql::new(
            "SELECT t.user_id, us.username, us.display_name, us.org_id, CAST(0 AS BIGINT) AS rank
             FROM skill_trainees t JOIN users us ON us.id = t.user_id WHERE t.skill_id = $1 ORDER BY us.display_name",
        )
        .bind(skill),
    )
    .await
}

pub async fn list_skills(tx: &mut Tx, f: &RecordFilter, page: Page) -> Result<(Vec<Skill>, i64)> {
    let filters = |b: &mut SqlBuilder| {
        common(b, f, "s.year", "s.kind");
        blind_filter(b, f, "skill", "s.id");
        text_filter(b, f, "s.name || ' ' || s.creator_name");
        if let Some(p) = f.person {
            b.push(" AND (s.creator_id = ")
                .bind(p)
                .push(" OR EXISTS (SELECT 1 FROM skill_trainees t WHERE t.skill_id = s.id AND t.user_id = ")
                .bind(p)
                .push("))");
        }
    };
    let mut count =
        SqlBuilder::new("SELECT COUNT(*) FROM skills s JOIN organisations u ON u.id = s.unit_id");
    filters(&mut count);
    let (total,): (i64,) = tx.fetch_one(count.build()).await?;
    let mut b = SqlBuilder::new(SKILL);
    filters(&mut b);
    b.push(" ORDER BY s.year DESC, s.id DESC");
    page.apply(&mut b);
    let rows: Vec<SkillRow> = tx.fetch_all(b.build()).await?;
    Ok((
        rows.into_iter()
            .map(Skill::try_from)
            .collect::<Result<Vec<_>>>()?,
        total,
    ))
}

// ---------------------------------------------------------------------------------------------
// Titles and honours

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Title {
    pub id: i64,
    pub user_id: UserId,
    pub holder_name: String,
    pub unit_id: OrgId,
    pub unit_name: String,
    pub name: String,
    pub granted_by: OrgId,
    pub granted_by_name: String,
    pub year: i64,
    pub level: HonourLevel,
}

#[derive(sqlx::FromRow)]
struct TitleRow {
    id: i64,
    user_id: i64,
    holder_name: String,
    unit_id: i64,
    unit_name: String,
    name: String,
    granted_by: i64,
    granted_by_name: String,
    year: i64,
    level: String,
}

const TITLE: &str = "SELECT t.id, t.user_id, us.display_name AS holder_name, t.unit_id, u.name AS unit_name, t.name,
    t.granted_by, g.name AS granted_by_name, t.year, t.level
    FROM titles t JOIN organisations u ON u.id = t.unit_id JOIN organisations g ON g.id = t.granted_by
    JOIN users us ON us.id = t.user_id";

impl TryFrom<TitleRow> for Title {
    type Error = AppError;
    fn try_from(r: TitleRow) -> Result<Title> {
        Ok(Title {
            id: r.id,
            user_id: UserId(r.user_id),
            holder_name: r.holder_name,
            unit_id: OrgId(r.unit_id),
            unit_name: r.unit_name,
            name: r.name,
            granted_by: OrgId(r.granted_by),
            granted_by_name: r.granted_by_name,
            year: r.year,
            level: stored("honour level", &r.level, HonourLevel::parse)?,
        })
    }
}

#[derive(Debug, Clone)]
pub struct NewTitle {
    pub user_id: UserId,
    pub unit_id: OrgId,
    pub name: String,
    pub granted_by: OrgId,
    pub year: i64,
    pub level: HonourLevel,
}

pub async fn insert_title(
    tx: &mut Tx,
    t: &NewTitle,
    by: Option<UserId>,
    now: Timestamp,
) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO titles (user_id, unit_id, name, granted_by, year, level, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(t.user_id)
            .bind(t.unit_id)
            .bind(t.name.as_str())
            .bind(t.granted_by)
            .bind(t.year)
            .bind(t.level.as_str())
            .bind(by)
            .bind(now.0),
        )
        .await?;
    Ok(id)
}

pub async fn get_title(tx: &mut Tx, id: i64) -> Result<Option<Title>> {
    let mut b = SqlBuilder::new(TITLE);
    b.push(" WHERE t.id = ").bind(id);
    let row: Option<TitleRow> = tx.fetch_optional(b.build()).await?;
    row.map(Title::try_from).transpose()
}

pub async fn list_titles(tx: &mut Tx, f: &RecordFilter, page: Page) -> Result<(Vec<Title>, i64)> {
    let filters = |b: &mut SqlBuilder| {
        common(b, f, "t.year", "t.level");
        text_filter(b, f, "t.name || ' ' || us.display_name");
        if let Some(p) = f.person {
            b.push(" AND t.user_id = ").bind(p);
        }
    };
    let mut count = SqlBuilder::new(
        "SELECT COUNT(*) FROM titles t JOIN organisations u ON u.id = t.unit_id JOIN users us ON us.id = t.user_id",
    );
    filters(&mut count);
    let (total,): (i64,) = tx.fetch_one(count.build()).await?;
    let mut b = SqlBuilder::new(TITLE);
    filters(&mut b);
    b.push(" ORDER BY t.year DESC, t.id DESC");
    page.apply(&mut b);
    let rows: Vec<TitleRow> = tx.fetch_all(b.build()).await?;
    Ok((
        rows.into_iter()
            .map(Title::try_from)
            .collect::<Result<Vec<_>>>()?,
        total,
    ))
}

/// The levels of every title a person holds.
pub async fn honour_levels(tx: &mut Tx, user: UserId) -> Result<Vec<HonourLevel>> {
    let rows: Vec<(String,)> = tx
        .fetch_all(Sql::new("SELECT level FROM titles WHERE user_id = $1").bind(user))
        .await?;
    rows.iter()
        .map(|(l,)| stored("honour level", l, HonourLevel::parse))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Figures

/// The year's figures of the records of the units within `within`: achievements, skills and
/// methods, proposals put forward, patents, people titled `title` (any title if `None`) and the
/// verified benefit of the achievements.
pub async fn year_figures(
    tx: &mut Tx,
    within: &OrgScope,
    year: i64,
    title: Option<&str>,
) -> Result<YearFigures> {
    let count = |table: &'static str| {
        let mut b = SqlBuilder::new("SELECT COUNT(*), CAST(0 AS BIGINT)");
        b.push(table);
        b.push(" JOIN organisations u ON u.id = x.unit_id WHERE x.year = ")
            .bind(year);
        b.push(" AND ");
        b.scope("u.path", within);
        b.build()
    };
    let (achievements, _): (i64, i64) = tx.fetch_one(count(" FROM achievements x")).await?;
    let (skills, _): (i64, i64) = tx.fetch_one(count(" FROM skills x")).await?;
    let (patents, _): (i64, i64) = tx.fetch_one(count(" FROM patents x")).await?;
    let mut b = SqlBuilder::new(
        "SELECT CAST(COALESCE(SUM(x.benefit_verified_cents), 0) AS BIGINT) FROM achievements x
         JOIN organisations u ON u.id = x.unit_id WHERE x.year = ",
    );
    b.bind(year).push(" AND ");
    b.scope("u.path", within);
    let (verified_benefit_cents,): (i64,) = tx.fetch_one(b.build()).await?;
    let mut b = SqlBuilder::new(
        "SELECT COUNT(DISTINCT x.user_id) FROM titles x JOIN organisations u ON u.id = x.unit_id WHERE x.year = ",
    );
    b.bind(year);
    if let Some(t) = title {
        b.push(" AND x.name = ").bind(t);
    }
    b.push(" AND ");
    b.scope("u.path", within);
    let (titled_people,): (i64,) = tx.fetch_one(b.build()).await?;
    let mut b = SqlBuilder::new(
        "SELECT CAST(COALESCE(SUM(r.put_forward), 0) AS BIGINT) FROM proposal_rollup r JOIN organisations u ON u.id = r.org_id
         WHERE r.period >= ",
    );
    // Saturating: a year from a query string may be any i64.
    b.bind(year.saturating_mul(100))
        .push(" AND r.period < ")
        .bind(year.saturating_add(1).saturating_mul(100))
        .push(" AND ");
    b.scope("u.path", within);
    let (proposals,): (i64,) = tx.fetch_one(b.build()).await?;
    Ok(YearFigures {
        achievements,
        skills,
        proposals,
        patents,
        titled_people,
        verified_benefit_cents,
    })
}

// ---------------------------------------------------------------------------------------------
// Attachments of achievements (contents in the file store, by hash, like proposals' files)

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
