//! Skills and methods: recording one with the people who created it, and reading one or a page of
//! them within the caller's reach.

use super::{log, may_read, not_found, require_manage, require_not_blind, scoped, unit, year};
use crate::{Caller, Result};
use ingot_domain::innovation::{self as rules, SkillKind};
use ingot_domain::validate::Validator;
use ingot_domain::{AppError, FieldError, OrgId, Timestamp, UserId};
use ingot_store::innovation::{self as store, NewSkill, PersonRef, RecordFilter, Skill};
use ingot_store::{Page, Tx, users};

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct SkillInput {
    pub unit_id: Option<OrgId>,
    /// unique_skill or operation_method.
    pub kind: String,
    pub name: String,
    /// The creator's username, when they have an account; else `creator_name` alone.
    pub creator: String,
    pub creator_name: String,
    pub description: String,
    pub used_where: String,
    /// How many were trained in it; at least the number of trainees named.
    pub trained_count: String,
    pub trainees: Vec<String>,
    pub year: String,
}

pub async fn create_skill(tx: &mut Tx, caller: &Caller<'_>, input: &SkillInput) -> Result<Skill> {
    let mut v = Validator::new();
    let unit = unit(tx, input.unit_id).await?;
    match &unit {
        Some(u) => require_manage(caller, u)?,
        None => v.add(FieldError::new("unit_id", "required")),
    }
    let kind = SkillKind::parse(&input.kind);
    if kind.is_none() {
        v.add(FieldError::new("kind", "unknown_skill_kind"));
    }
    let name = v.required_text("name", &input.name, rules::TITLE_MAX);
    let description = v.required_text("description", &input.description, rules::TEXT_MAX);
    let used_where = v.required_text("used_where", &input.used_where, 500);
    let mut creator_id = None;
    let mut creator_name = input.creator_name.trim().to_string();
    if !input.creator.trim().is_empty() {
        match users::get_by_username(tx, input.creator.trim()).await? {
            Some(u) => {
                creator_id = Some(u.id);
                if creator_name.is_empty() {
                    creator_name = u.display_name;
                }
            }
            None => v.add(
                FieldError::new("creator", "unknown_person").with("name", input.creator.trim()),
            ),
        }
    }
    let creator_name = v.required_text("creator_name", &creator_name, 100);
    let mut trainees: Vec<UserId> = Vec::new();
    for (i, t) in input
        .trainees
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .enumerate()
    {
        match users::get_by_username(tx, t).await? {
            Some(u) if !trainees.contains(&u.id) => trainees.push(u.id),
            Some(_) => v.add(FieldError::new(format!("trainees[{i}]"), "person_twice")),
            None => {
                v.add(FieldError::new(format!("trainees[{i}]"), "unknown_person").with("name", t))
            }
        }
    }
    let trained_count = match input.trained_count.trim() {
        "" => trainees.len() as i64,
        raw => match raw.parse::<i64>() {
            Ok(n) if (0..1_000_000).contains(&n) => n,
            _ => {
                v.add(FieldError::new("trained_count", "not_a_whole_number"));
                0
            }
        },
    };
    if trained_count < trainees.len() as i64 {
        v.add(FieldError::new("trained_count", "fewer_than_named").with("named", trainees.len()));
    }
    let year = year(&mut v, &input.year, None);
    v.finish()?;
    let (Some(unit), Some(kind)) = (unit, kind) else {
        return Err(AppError::internal("checked skill incomplete"));
    };
    let new = NewSkill {
        unit_id: unit.id,
        kind,
        name,
        creator_id,
        creator_name,
        description,
        used_where,
        trained_count,
        year,
    };
    let id = store::insert_skill(tx, &new, &trainees, caller.user_id(), Timestamp::now()).await?;
    log(tx, caller, "skill.create", "skill", id, &new.name, unit.id,
        serde_json::json!({"name": new.name, "creator": new.creator_name, "trained": trained_count})).await?;
    store::get_skill(tx, id).await?.ok_or_else(not_found)
}

pub async fn skill(tx: &mut Tx, caller: &Caller<'_>, id: i64) -> Result<(Skill, Vec<PersonRef>)> {
    let s = store::get_skill(tx, id).await?.ok_or_else(not_found)?;
    if !may_read(caller, &s.unit_path) {
        return Err(not_found());
    }
    require_not_blind(tx, caller, "skill", id).await?;
    let trainees = store::trainees(tx, id).await?;
    Ok((s, trainees))
}

pub async fn skills(
    tx: &mut Tx,
    caller: &Caller<'_>,
    filter: RecordFilter,
    page: Page,
) -> Result<(Vec<Skill>, i64)> {
    store::list_skills(tx, &scoped(caller, filter), page).await
}
