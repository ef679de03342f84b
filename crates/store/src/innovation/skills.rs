//! Skills and methods, with the people trained in them.

use super::{
    PersonRef, RecordFilter, blind_filter, common, get_by_id, list_page, stored, text_filter,
};
use crate::sql::{Page, Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::innovation::SkillKind;
use ingot_domain::{AppError, OrgId, Timestamp, UserId};

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
    /// Raised by every edit; an edit names the version it read.
    pub version: i64,
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
    version: i64,
}

const SKILL: &str = "SELECT s.id, s.unit_id, u.name AS unit_name, u.path AS unit_path, s.kind, s.name, s.creator_id,
    s.creator_name, s.description, s.used_where, s.trained_count, s.year, s.version
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
            version: r.version,
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
    add_trainees(tx, id, trainees).await?;
    crate::record_tally::recount(tx, crate::record_tally::Record::Skill(id), None).await?;
    Ok(id)
}

async fn add_trainees(tx: &mut Tx, skill: i64, trainees: &[UserId]) -> Result<()> {
    for t in trainees {
        tx.execute(
            Sql::new("INSERT INTO skill_trainees (skill_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(skill)
                .bind(*t),
        )
        .await?;
    }
    Ok(())
}

/// Changes a skill and who was trained in it if it is still at `version`, raising it and
/// recounting what it counts for; false when someone changed it meanwhile.
pub async fn update_skill(
    tx: &mut Tx,
    id: i64,
    (s, trainees): (&NewSkill, &[UserId]),
    version: i64,
    now: Timestamp,
) -> Result<bool> {
    let record = crate::record_tally::Record::Skill(id);
    let before = crate::record_tally::counted(tx, record).await?;
    let changed = tx
        .execute(
            Sql::new(
                "UPDATE skills SET unit_id = $1, kind = $2, name = $3, creator_id = $4,
                 creator_name = $5, description = $6, used_where = $7, trained_count = $8,
                 year = $9, updated_at = $10, version = version + 1 WHERE id = $11 AND version = $12",
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
            .bind(now.0)
            .bind(id)
            .bind(version),
        )
        .await?;
    if changed != 1 {
        return Ok(false);
    }
    tx.execute(Sql::new("DELETE FROM skill_trainees WHERE skill_id = $1").bind(id))
        .await?;
    add_trainees(tx, id, trainees).await?;
    crate::record_tally::recount(tx, record, before).await?;
    Ok(true)
}

pub async fn get_skill(tx: &mut Tx, id: i64) -> Result<Option<Skill>> {
    get_by_id::<SkillRow, _>(tx, (SKILL, "s.id"), id, Skill::try_from).await
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

/// The `WHERE` clause of the filter over skills `s` in unit `u`.
pub(super) fn skill_filters(b: &mut SqlBuilder, f: &RecordFilter) {
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
}

pub async fn list_skills(tx: &mut Tx, f: &RecordFilter, page: Page) -> Result<(Vec<Skill>, i64)> {
    let filters = |b: &mut SqlBuilder| skill_filters(b, f);
    let count = "SELECT COUNT(*) FROM skills s JOIN organisations u ON u.id = s.unit_id";
    let order = " ORDER BY s.year DESC, s.id DESC";
    list_page::<SkillRow, _>(tx, (count, SKILL, order), filters, page, Skill::try_from).await
}
