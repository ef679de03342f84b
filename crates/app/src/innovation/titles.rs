//! Talent titles and honours, the questions other rules ask about them (does a person hold an
//! honour of at least some level), and the record pages: a person's or a unit's holdings and a
//! unit's yearly figures.

use super::{log, may_read, not_found, require_manage, scoped, unit, year};
use crate::{Caller, Result};
use ingot_domain::innovation::{self as rules, HonourLevel};
use ingot_domain::org::Organisation;
use ingot_domain::validate::{Validator, problem};
use ingot_domain::{AppError, FieldError, OrgId, OrgScope, Timestamp, UserId};
use ingot_store::innovation::{
    self as store, AchievementItem, NewTitle, Patent, RecordFilter, Skill, Title,
};
use ingot_store::{Page, Tx, orgs, users};

/// Recording a title or honour, as the form and the API send it (`POST /titles`).
// Serialize: a change's schema shows its default particulars.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = TitleBody)]
pub struct TitleInput {
    /// The holder's username.
    pub holder: String,
    pub name: String,
    /// The granting body (an organisation).
    #[schema(value_type = Option<i64>)]
    pub granted_by: Option<OrgId>,
    pub year: Option<i64>,
    /// enterprise, municipal, provincial, national.
    pub level: String,
}

/// A title as typed, checked: the row to store and the holder's username, or every problem by
/// field (with those `v` already holds). The unit is the holder's, except for `kept`: a title
/// whose holder does not change keeps the unit it was recorded in (the holder may have moved).
async fn checked(
    tx: &mut Tx,
    caller: &Caller<'_>,
    mut v: Validator,
    input: &TitleInput,
    kept: Option<(UserId, OrgId)>,
) -> Result<(NewTitle, String)> {
    let holder = match input.holder.trim() {
        "" => problem(FieldError::new("holder", "required")),
        name => match users::get_by_username(tx, name).await? {
            Some(u) => Ok(u),
            None => problem(FieldError::new("holder", "unknown_person").with("name", name)),
        },
    };
    let name = v.required_text("name", &input.name, rules::TITLE_MAX);
    let body = unit(tx, "granted_by", input.granted_by).await?;
    let level = HonourLevel::parse(&input.level)
        .ok_or_else(|| vec![FieldError::new("level", "unknown_honour_level")]);
    let year = year(input.year, None);
    // Titles are recorded by whoever administers the holder's unit.
    let holder_org = match &holder {
        Ok(h) => match kept {
            Some((user, unit)) if user == h.id => Ok(unit),
            _ => match orgs::get(tx, h.org_id).await? {
                Some(o) => {
                    require_manage(caller, &o)?;
                    Ok(o.id)
                }
                None => problem(FieldError::new("holder", "unknown_person")),
            },
        },
        // The holder's own problem says why.
        Err(_) => Err(Vec::new()),
    };
    let (holder, unit_id, body, level, year) =
        v.finish_with((holder, holder_org, body, level, year))?;
    let new = NewTitle {
        user_id: holder.id,
        unit_id,
        name,
        granted_by: body.id,
        year,
        level,
    };
    Ok((new, holder.username))
}

fn title_exists() -> AppError {
    AppError::Validation(vec![FieldError::new("name", "title_exists")])
}

pub async fn create_title(tx: &mut Tx, caller: &Caller<'_>, input: &TitleInput) -> Result<Title> {
    let (new, holder) = checked(tx, caller, Validator::new(), input, None).await?;
    if store::title_held(tx, new.user_id, &new.name, new.year).await? {
        return Err(title_exists());
    }
    let id = store::insert_title(tx, &new, caller.user_id(), Timestamp::now()).await?;
    log(tx, caller, "title.create", "title", id, &new.name, new.unit_id,
        serde_json::json!({"holder": holder, "name": new.name, "year": new.year, "level": new.level})).await?;
    store::get_title(tx, id).await?.ok_or_else(not_found)
}

/// Changing a title (a name mistyped, the wrong level, year or granting body), as the form and
/// the API send it: every particular again, the version read and why. A title won in an
/// announced campaign is changed only with a reason.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = TitleChangeBody)]
pub struct TitleChange {
    /// The version read (`version` of the title); a change made meanwhile is refused with
    /// `record_changed`.
    pub version: Option<i64>,
    /// Why it changes; required for a title won in a campaign.
    pub reason: Option<String>,
    #[serde(flatten)]
    pub title: TitleInput,
}

/// Whether the caller may change this title (manages the unit it was recorded in).
pub fn may_change_title(caller: &Caller<'_>, t: &Title) -> bool {
    caller.permits(
        ingot_domain::policy::Action::ManageInnovationRecords,
        &ingot_domain::OrgPath::from_stored(t.unit_path.clone()),
    )
}

/// A title the caller may read, with what was recorded about it, newest first.
pub async fn title(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ingot_domain::TitleId,
) -> Result<(Title, Vec<ingot_domain::audit::AuditEntry>)> {
    let t = readable_title(tx, caller, id).await?;
    let history = crate::audit_log::history_of(tx, "title", id.0).await?;
    Ok((t, history))
}

/// The title if the caller may read it (its unit's records, or their own).
async fn readable_title(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ingot_domain::TitleId,
) -> Result<Title> {
    let t = store::get_title(tx, id.0).await?.ok_or_else(not_found)?;
    if !may_read(caller, &t.unit_path) && caller.user_id() != Some(t.user_id) {
        return Err(not_found());
    }
    Ok(t)
}

/// Changes a title still at the version read, checked as when it was recorded, by someone who
/// manages its unit; what it counts for (the annual summary, naming eligibility) follows in the
/// same transaction.
pub async fn update_title(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ingot_domain::TitleId,
    change: &TitleChange,
) -> Result<Title> {
    let was = readable_title(tx, caller, id).await?;
    if !may_change_title(caller, &was) {
        return Err(AppError::forbidden());
    }
    let version = change.version.unwrap_or(was.version);
    if version != was.version {
        return Err(AppError::conflict("record_changed"));
    }
    let mut v = Validator::new();
    let reason = v.optional_text("reason", change.reason.as_deref(), rules::TEXT_MAX);
    if was.declaration_id.is_some() && reason.is_none() {
        v.add(FieldError::new("reason", "reason_required_after_award"));
    }
    let kept = Some((was.user_id, was.unit_id));
    let (new, holder) = checked(tx, caller, v, &change.title, kept).await?;
    let same_key = new.user_id == was.user_id && new.name == was.name && new.year == was.year;
    if !same_key && store::title_held(tx, new.user_id, &new.name, new.year).await? {
        return Err(title_exists());
    }
    if !store::update_title(tx, id.0, &new, version).await? {
        return Err(AppError::conflict("record_changed"));
    }
    let was_holder = users::get(tx, was.user_id)
        .await?
        .map(|u| u.username)
        .unwrap_or_default();
    let particulars = |holder: &str, t: &NewTitle| {
        serde_json::json!({"holder": holder, "name": t.name, "granted_by": t.granted_by,
            "year": t.year, "level": t.level})
    };
    let before = NewTitle {
        user_id: was.user_id,
        unit_id: was.unit_id,
        name: was.name.clone(),
        granted_by: was.granted_by,
        year: was.year,
        level: was.level,
    };
    let mut after = particulars(&holder, &new);
    after["reason"] = reason.clone().into();
    crate::audit::record(
        tx,
        caller,
        crate::audit::Change::new("title.update", "title", id.0)
            .label(&new.name)
            .org(new.unit_id)
            .before(&particulars(&was_holder, &before))
            .after(&after),
    )
    .await?;
    if let (Some(_), Some(reason)) = (was.declaration_id, &reason) {
        store::insert_amendment(
            tx,
            ("title", id.0),
            reason,
            caller.user_id(),
            Timestamp::now(),
        )
        .await?;
    }
    ingot_store::changes::record(tx, "title", id.0, "upsert", Timestamp::now()).await?;
    store::get_title(tx, id.0).await?.ok_or_else(not_found)
}

pub async fn titles(
    tx: &mut Tx,
    caller: &Caller<'_>,
    filter: RecordFilter,
    page: Page,
) -> Result<(Vec<Title>, i64)> {
    store::list_titles(tx, &scoped(caller, filter), page).await
}

/// For eligibility rules elsewhere (studio namings, campaigns): does this person hold a title or
/// honour of `at_least` level or higher (e.g. a municipal-or-higher honour)?
pub async fn holds_honour_at_least(
    tx: &mut Tx,
    user: UserId,
    at_least: HonourLevel,
) -> Result<bool> {
    Ok(rules::holds_level(
        &store::honour_levels(tx, user).await?,
        at_least,
    ))
}

/// The same question asked through the API: only about a person the caller may see.
pub async fn holds_honour_visible(
    tx: &mut Tx,
    caller: &Caller<'_>,
    user: UserId,
    at_least: HonourLevel,
) -> Result<bool> {
    visible_person(tx, caller, user).await?;
    holds_honour_at_least(tx, user, at_least).await
}

/// A person whose records the caller may look into: themselves, or someone of a unit whose
/// records they read. Anyone else does not exist for the caller.
pub async fn visible_person(
    tx: &mut Tx,
    caller: &Caller<'_>,
    user: UserId,
) -> Result<ingot_domain::user::User> {
    let (person, path) = users::get_with_org_path(tx, user)
        .await?
        .ok_or(AppError::not_found("user"))?;
    if caller.user_id() != Some(user) && !may_read(caller, path.as_str()) {
        return Err(AppError::not_found("user"));
    }
    Ok(person)
}

/// What a person holds, as the caller may see it.
pub async fn person_holdings(
    tx: &mut Tx,
    caller: &Caller<'_>,
    user: UserId,
) -> Result<(ingot_domain::user::User, Holdings)> {
    let person = visible_person(tx, caller, user).await?;
    let filter = RecordFilter {
        person: Some(user),
        ..Default::default()
    };
    Ok((person, holdings(tx, caller, filter).await?))
}

// ---------------------------------------------------------------------------------------------
// Record pages and figures

/// Everything a person or a unit holds, as far as the caller may see.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Holdings {
    pub achievements: Vec<AchievementItem>,
    pub patents: Vec<Patent>,
    pub skills: Vec<Skill>,
    pub titles: Vec<Title>,
}

pub async fn holdings(tx: &mut Tx, caller: &Caller<'_>, filter: RecordFilter) -> Result<Holdings> {
    let all = Page::new(Some(1), Some(500), 500);
    let f = scoped(caller, filter);
    let patents = if f.person.is_some() {
        Vec::new()
    } else {
        store::list_patents(tx, &f, all).await?.0
    };
    Ok(Holdings {
        achievements: store::list_achievements(tx, &f, all).await?.0,
        patents,
        skills: store::list_skills(tx, &f, all).await?.0,
        titles: store::list_titles(tx, &f, all).await?.0,
    })
}

/// The bodies a title may be granted by, for the form's choice: the units the caller records
/// for and the federations above the caller's own unit (a city grants its model workers).
pub async fn granting_bodies(tx: &mut Tx, caller: &Caller<'_>) -> Result<Vec<Organisation>> {
    let mut bodies = super::record_units(tx, caller).await?;
    if let Some(actor) = caller.actor() {
        for id in actor.org_path.ids() {
            if bodies.iter().any(|o| o.id == id) {
                continue;
            }
            if let Some(o) = orgs::get(tx, id).await?.filter(|o| !o.is_archived()) {
                bodies.push(o);
            }
        }
    }
    bodies.sort_by(|a, b| a.path.as_str().cmp(b.path.as_str()));
    Ok(bodies)
}

/// What a unit and the units below it hold, as the caller may see it.
pub async fn unit_holdings(
    tx: &mut Tx,
    caller: &Caller<'_>,
    unit: OrgId,
) -> Result<(Organisation, Holdings)> {
    let org = orgs::get(tx, unit)
        .await?
        .ok_or(AppError::not_found("organisation"))?;
    let filter = RecordFilter {
        within: Some(OrgScope::of([org.path.clone()])),
        ..Default::default()
    };
    Ok((org, holdings(tx, caller, filter).await?))
}
