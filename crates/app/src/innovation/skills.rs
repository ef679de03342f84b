//! Skills and methods: recording one with the people who created it, and reading one or a page of
//! them within the caller's reach.

use super::{log, not_found, require_manage, require_readable, scoped, unit, year};
use crate::{Caller, Result};
use ingot_domain::innovation::{self as rules, SkillKind};
use ingot_domain::validate::{Validator, problem};
use ingot_domain::{FieldError, OrgId, SkillId, Timestamp, UserId};
use ingot_store::innovation::{self as store, NewSkill, PersonRef, RecordFilter, Skill};
use ingot_store::{Page, Tx, users};

/// More people trained than this is a typing error.
const MAX_TRAINED: i64 = 999_999;

/// Recording a skill or method, as the form and the API send it (`POST /skills`).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = SkillBody)]
pub struct SkillInput {
    #[schema(value_type = Option<i64>)]
    pub unit_id: Option<OrgId>,
    /// unique_skill or operation_method.
    pub kind: String,
    pub name: String,
    /// The creator's username, if they have an account.
    pub creator: String,
    pub creator_name: String,
    pub description: String,
    pub used_where: String,
    /// How many were trained; at least the trainees named. Absent: as many as are named.
    pub trained_count: Option<i64>,
    /// Usernames of people trained in it.
    pub trainees: Vec<String>,
    pub year: Option<i64>,
}

pub async fn create_skill(tx: &mut Tx, caller: &Caller<'_>, input: &SkillInput) -> Result<Skill> {
    let mut v = Validator::new();
    let unit = unit(tx, "unit_id", input.unit_id).await?;
    if let Ok(u) = &unit {
        require_manage(caller, u)?;
    }
    let kind = SkillKind::parse(&input.kind)
        .ok_or_else(|| vec![FieldError::new("kind", "unknown_skill_kind")]);
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
    let named = trainees.len() as i64;
    let trained_count = match input.trained_count {
        None => Ok(named),
        Some(n) if !(0..=MAX_TRAINED).contains(&n) => problem(
            FieldError::new("trained_count", "number_out_of_range")
                .with("min", 0)
                .with("max", MAX_TRAINED),
        ),
        Some(n) if n < named => {
            problem(FieldError::new("trained_count", "fewer_than_named").with("named", named))
        }
        Some(n) => Ok(n),
    };
    let year = year(input.year, None);
    let (unit, kind, trained_count, year) = v.finish_with((unit, kind, trained_count, year))?;
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

pub async fn skill(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: SkillId,
) -> Result<(Skill, Vec<PersonRef>)> {
    let id = id.0;
    let s = store::get_skill(tx, id).await?.ok_or_else(not_found)?;
    require_readable(tx, caller, ("skill", id), &s.unit_path).await?;
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
