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
// Serialize: a change's schema shows its default particulars.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
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

/// A skill as typed, checked: the row to store and who was trained, or every problem by field
/// (with those `v` already holds).
async fn checked(
    tx: &mut Tx,
    caller: &Caller<'_>,
    mut v: Validator,
    input: &SkillInput,
) -> Result<(NewSkill, Vec<UserId>)> {
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
    Ok((new, trainees))
}

pub async fn create_skill(tx: &mut Tx, caller: &Caller<'_>, input: &SkillInput) -> Result<Skill> {
    let (new, trainees) = checked(tx, caller, Validator::new(), input).await?;
    let id = store::insert_skill(tx, &new, &trainees, caller.user_id(), Timestamp::now()).await?;
    log(tx, caller, "skill.create", "skill", id, &new.name, new.unit_id,
        serde_json::json!({"name": new.name, "creator": new.creator_name, "trained": new.trained_count})).await?;
    store::get_skill(tx, id).await?.ok_or_else(not_found)
}

/// Changing a skill or method (a creator or a trainee missing, a name mistyped), as the form and
/// the API send it: every particular again, the version read and why. A skill that won an award
/// is changed only with a reason, which its certificate then shows.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = SkillChangeBody)]
pub struct SkillChange {
    /// The version read (`version` of the skill); a change made meanwhile is refused with
    /// `record_changed`.
    pub version: Option<i64>,
    /// Why it changes; required once the skill has won an award.
    pub reason: Option<String>,
    #[serde(flatten)]
    pub skill: SkillInput,
}

fn particulars(s: &NewSkill, trainees: &[String]) -> serde_json::Value {
    serde_json::json!({"unit_id": s.unit_id, "kind": s.kind, "name": s.name,
        "creator_name": s.creator_name, "description": s.description, "used_where": s.used_where,
        "trained_count": s.trained_count, "trainees": trainees, "year": s.year})
}

/// Whether the caller may change this skill (manages its unit).
pub fn may_change_skill(caller: &Caller<'_>, s: &Skill) -> bool {
    caller.permits(
        ingot_domain::policy::Action::ManageInnovationRecords,
        &ingot_domain::OrgPath::from_stored(s.unit_path.clone()),
    )
}

/// Changes a skill still at the version read, checked as when it was recorded, by someone who
/// manages its unit (and the new one, if it moves). Once the skill has won an award the change
/// needs its reason, kept as an amendment that the award's certificate shows.
pub async fn update_skill(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: SkillId,
    change: &SkillChange,
) -> Result<Skill> {
    let was = store::get_skill(tx, id.0).await?.ok_or_else(not_found)?;
    require_readable(tx, caller, ("skill", id.0), &was.unit_path).await?;
    if !may_change_skill(caller, &was) {
        return Err(ingot_domain::AppError::forbidden());
    }
    let version = change.version.unwrap_or(was.version);
    if version != was.version {
        return Err(ingot_domain::AppError::conflict("record_changed"));
    }
    let awards = store::awards_of_record(tx, "skill", id.0).await?;
    let mut v = Validator::new();
    let reason = v.optional_text("reason", change.reason.as_deref(), rules::TEXT_MAX);
    if !awards.is_empty() && reason.is_none() {
        v.add(FieldError::new("reason", "reason_required_after_award"));
    }
    let mut input = change.skill.clone();
    input.unit_id = input.unit_id.or(Some(was.unit_id));
    let (new, trainees) = checked(tx, caller, v, &input).await?;
    let before_trainees = store::trainees(tx, id.0).await?;
    let now = Timestamp::now();
    if !store::update_skill(tx, id.0, (&new, &trainees), version, now).await? {
        return Err(ingot_domain::AppError::conflict("record_changed"));
    }
    let after_trainees = store::trainees(tx, id.0).await?;
    let names = |people: &[PersonRef]| -> Vec<String> {
        people.iter().map(|p| p.username.clone()).collect()
    };
    let before = NewSkill {
        unit_id: was.unit_id,
        kind: was.kind,
        name: was.name.clone(),
        creator_id: was.creator_id,
        creator_name: was.creator_name.clone(),
        description: was.description.clone(),
        used_where: was.used_where.clone(),
        trained_count: was.trained_count,
        year: was.year,
    };
    let mut after = particulars(&new, &names(&after_trainees));
    after["reason"] = reason.clone().into();
    crate::audit::record(
        tx,
        caller,
        crate::audit::Change::new("skill.update", "skill", id.0)
            .label(&new.name)
            .org(new.unit_id)
            .before(&particulars(&before, &names(&before_trainees)))
            .after(&after),
    )
    .await?;
    if let (false, Some(reason)) = (awards.is_empty(), &reason) {
        store::insert_amendment(tx, ("skill", id.0), reason, caller.user_id(), now).await?;
    }
    store::get_skill(tx, id.0).await?.ok_or_else(not_found)
}

/// What was recorded about a skill, newest first, for whoever may read it; and the awards it
/// won.
pub async fn skill_history(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: SkillId,
) -> Result<(Vec<ingot_domain::audit::AuditEntry>, Vec<store::AwardRef>)> {
    let s = store::get_skill(tx, id.0).await?.ok_or_else(not_found)?;
    require_readable(tx, caller, ("skill", id.0), &s.unit_path).await?;
    let history = crate::audit_log::history_of(tx, "skill", id.0).await?;
    Ok((history, store::awards_of_record(tx, "skill", id.0).await?))
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
