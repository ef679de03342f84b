//! Whole records for export, a batch at a time in id order (each batch starts after the last
//! id of the one before, so the thousandth batch costs what the first did), with the usernames
//! and organisation codes an import needs to find the people and units again.

use super::RecordFilter;
use super::achievements::achievement_filters;
use super::skills::skill_filters;
use super::titles::title_filters;
use crate::sql::SqlBuilder;
use crate::transfer::{after_id, linked};
use crate::{Result, Tx};
use ingot_domain::time::Date;

/// An achievement with every field the import reads; codes as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AchievementExport {
    pub id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub title: String,
    pub summary: String,
    pub field: String,
    pub kind: String,
    pub claimed_level: Option<String>,
    pub started_on: Option<Date>,
    pub finished_on: Option<Date>,
    pub year: i64,
    pub award: Option<String>,
    pub in_production_since: Option<String>,
    pub production_site: Option<String>,
    pub benefit_verified_cents: Option<i64>,
    /// Usernames, the first completer first.
    #[sqlx(skip)]
    pub completers: Vec<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SkillExport {
    pub id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub kind: String,
    pub name: String,
    pub creator: Option<String>,
    pub creator_name: String,
    pub description: String,
    pub used_where: String,
    pub trained_count: i64,
    pub year: i64,
    /// Usernames of the people trained, in order of username.
    #[sqlx(skip)]
    pub trainees: Vec<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TitleExport {
    pub id: i64,
    pub holder: String,
    pub holder_name: String,
    pub unit_name: String,
    pub name: String,
    pub granted_by_code: String,
    pub granted_by_name: String,
    pub year: i64,
    pub level: String,
}

/// The next `limit` achievements after id `after` that `f` finds, with their completers.
pub async fn export_achievements(
    tx: &mut Tx,
    f: &RecordFilter,
    after: i64,
    limit: i64,
) -> Result<Vec<AchievementExport>> {
    let mut b = SqlBuilder::new(
        "SELECT a.id, u.code AS unit_code, u.name AS unit_name, a.title, a.summary, a.field, a.kind,
            a.claimed_level, a.started_on, a.finished_on, a.year, a.award, a.in_production_since,
            a.production_site, a.benefit_verified_cents",
    );
    achievement_filters(&mut b, f);
    after_id(&mut b, "a.id", after, limit);
    let mut rows: Vec<AchievementExport> = tx.fetch_all(b.build()).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut completers = linked(
        tx,
        (
            "SELECT c.achievement_id, us.username FROM achievement_completers c
             JOIN users us ON us.id = c.user_id WHERE c.achievement_id IN ",
            " ORDER BY c.achievement_id, c.rank",
        ),
        &ids,
    )
    .await?;
    for row in &mut rows {
        row.completers = completers.remove(&row.id).unwrap_or_default();
    }
    Ok(rows)
}

/// The next `limit` skills and methods after id `after` that `f` finds, with their trainees.
pub async fn export_skills(
    tx: &mut Tx,
    f: &RecordFilter,
    after: i64,
    limit: i64,
) -> Result<Vec<SkillExport>> {
    let mut b = SqlBuilder::new(
        "SELECT s.id, u.code AS unit_code, u.name AS unit_name, s.kind, s.name, cu.username AS creator,
            s.creator_name, s.description, s.used_where, s.trained_count, s.year
         FROM skills s JOIN organisations u ON u.id = s.unit_id
         LEFT JOIN users cu ON cu.id = s.creator_id",
    );
    skill_filters(&mut b, f);
    after_id(&mut b, "s.id", after, limit);
    let mut rows: Vec<SkillExport> = tx.fetch_all(b.build()).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut trainees = linked(
        tx,
        (
            "SELECT t.skill_id, us.username FROM skill_trainees t
             JOIN users us ON us.id = t.user_id WHERE t.skill_id IN ",
            " ORDER BY t.skill_id, us.username",
        ),
        &ids,
    )
    .await?;
    for row in &mut rows {
        row.trainees = trainees.remove(&row.id).unwrap_or_default();
    }
    Ok(rows)
}

/// The next `limit` titles and honours after id `after` that `f` finds.
pub async fn export_titles(
    tx: &mut Tx,
    f: &RecordFilter,
    after: i64,
    limit: i64,
) -> Result<Vec<TitleExport>> {
    let mut b = SqlBuilder::new(
        "SELECT t.id, us.username AS holder, us.display_name AS holder_name, u.name AS unit_name,
            t.name, g.code AS granted_by_code, g.name AS granted_by_name, t.year, t.level
         FROM titles t JOIN organisations u ON u.id = t.unit_id
         JOIN organisations g ON g.id = t.granted_by JOIN users us ON us.id = t.user_id",
    );
    title_filters(&mut b, f);
    after_id(&mut b, "t.id", after, limit);
    tx.fetch_all(b.build()).await
}
