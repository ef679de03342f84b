//! Handing a studio over: to a new lead when the lead retires or moves, and to another unit
//! when its unit is merged or reorganised. Each is recorded in the studio's history with its
//! reason; the studio keeps its namings, members and record.

use super::{commit, event, load, studio_home, today, user_by_name};
use crate::audit::Change;
use crate::{Caller, Result};
use ingot_domain::policy::Action;
use ingot_domain::studio::{self as rules, MemberRole, StudioEvent};
use ingot_domain::validate::{Validator, date, problem};
use ingot_domain::{AppError, FieldError, OrgId, Role, StudioId, Timestamp, UserId};
use ingot_store::studios as store;
use ingot_store::{Tx, grants, orgs};

/// Handing a studio over to a new lead, as the form and the API send it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = LeadChangeBody)]
pub struct LeadChangeInput {
    /// The new lead's username (from the studio's enterprise).
    pub username: String,
    /// The day the new lead takes over.
    pub on: String,
    /// Why (the lead retired, moved, ...), shown in the studio's history.
    pub reason: String,
    /// The former lead stays on as a member; otherwise they leave the studio that day.
    pub former_stays: bool,
    /// The studio's version read; a change made meanwhile is refused with `studio_changed`.
    pub version: Option<i64>,
}

/// Hands the studio over: the former lead's time as lead ends on the day (they stay as a
/// member if asked), the new lead's begins (ending their time as a plain member), and the
/// history says who handed over to whom and why. The studio's namings stay with it.
pub async fn change_lead(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: StudioId,
    input: &LeadChangeInput,
) -> Result<()> {
    let mut s = load(tx, id).await?;
    // The unit's administrators hand a studio over, not its lead alone.
    caller.require(Action::ManageStudio, &s.unit_path)?;
    let mut v = Validator::new();
    let on = date("on", &input.on).and_then(|d| {
        if d < s.founded_on {
            problem(FieldError::new("on", "date_before_founding"))
        } else if d > today(caller) {
            problem(FieldError::new("on", "date_in_future"))
        } else {
            Ok(d)
        }
    });
    let reason = v.required_text("reason", &input.reason, rules::SHORT_MAX);
    let home = studio_home(tx, &s).await?;
    let lead = match user_by_name(tx, &input.username).await? {
        Some(u) if u.active && u.id == s.lead_id => {
            problem(FieldError::new("username", "already_lead").with("username", &u.username))
        }
        Some(u) if u.active => {
            let within = super::works_within(tx, u.id, &home).await?;
            if within {
                Ok(u)
            } else {
                problem(
                    FieldError::new("username", "member_outside_unit")
                        .with("username", &u.username),
                )
            }
        }
        _ => problem(
            FieldError::new("username", "unknown_user").with("username", input.username.trim()),
        ),
    };
    let (new_lead, on) = v.finish_with((lead, on))?;
    if let Some(version) = input.version {
        s.version = version;
    }
    let now = Timestamp::now();
    let current = store::members(tx, id).await?;
    let open = |user: i64| {
        current
            .iter()
            .find(|m| m.user_id == user && m.left_on.is_none())
    };
    let former = open(s.lead_id.0).ok_or_else(|| AppError::internal("studio without its lead"))?;
    if on < former.joined_on {
        return Err(AppError::field("on", "left_before_joined"));
    }
    store::set_member_left(tx, former.id, on).await?;
    if input.former_stays {
        store::add_member(tx, id, s.lead_id, MemberRole::Member, on, now).await?;
    }
    if let Some(member) = open(new_lead.id.0) {
        store::set_member_left(tx, member.id, on).await?;
    }
    store::add_member(tx, id, new_lead.id, MemberRole::Lead, on, now).await?;
    let step = StudioEvent::LeadChanged {
        from: former.display_name.clone(),
        to: new_lead.display_name.clone(),
        reason: reason.clone(),
    };
    event(tx, caller, id, on, step, true).await?;
    let former_lead = s.lead_id;
    s.lead_id = new_lead.id;
    store::update(tx, &s, now).await?;
    let (granted, revoked) = hand_over_role(tx, caller, &s, former_lead, now).await?;
    let change = serde_json::json!({
        "from": former.username, "to": new_lead.username, "on": on.to_string(),
        "reason": reason, "former_stays": input.former_stays,
        "lead_role_granted": granted, "lead_role_revoked": revoked,
    });
    commit(
        tx,
        caller,
        id,
        Change::new("studio.lead_changed", "studio", id.0)
            .label(&s.name)
            .org(s.unit_id)
            .after(&change),
    )
    .await
}

/// The studio lead's role follows the studio: the new lead gets it on the studio's unit unless
/// a grant of theirs already reaches it, and the former lead loses theirs when they lead no
/// other studio (the role is for leading one, wherever it was granted). Answers (granted,
/// revoked).
async fn hand_over_role(
    tx: &mut Tx,
    caller: &Caller<'_>,
    s: &store::Studio,
    former: UserId,
    now: Timestamp,
) -> Result<(bool, bool)> {
    let unit = &s.unit_path;
    let holds = grants::of_user(tx, s.lead_id)
        .await?
        .into_iter()
        .any(|g| g.role == Role::StudioLead && unit.is_within(&g.org_path));
    if !holds {
        grants::insert(
            tx,
            s.lead_id,
            Role::StudioLead,
            s.unit_id,
            caller.user_id(),
            now,
        )
        .await?;
    }
    let mut revoked = false;
    if store::others_led(tx, former, s.id).await? == 0 {
        for g in grants::of_user(tx, former).await? {
            if g.role == Role::StudioLead {
                grants::delete(tx, g.id).await?;
                revoked = true;
            }
        }
    }
    Ok((!holds, revoked))
}

/// Moving a studio to another unit (its unit merged or reorganised), as the form and the API
/// send it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = UnitChangeBody)]
pub struct UnitChangeInput {
    /// The studio's new unit: an enterprise, or a branch or department of one.
    #[schema(value_type = Option<i64>)]
    pub unit_id: Option<OrgId>,
    /// Or the new unit by its organisation code (as the form sends it).
    pub unit_code: String,
    /// The day the studio belongs to its new unit.
    pub on: String,
    /// Why (the unit was merged, ...), shown in the studio's history.
    pub reason: String,
    /// The studio's version read; a change made meanwhile is refused with `studio_changed`.
    pub version: Option<i64>,
}

/// Moves the studio to another unit. The administrators of both units' organisations must
/// agree (the caller may manage studios at both), and everyone in the studio must work in the
/// new unit's enterprise, as a member added then would have to: people are moved first.
pub async fn change_unit(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: StudioId,
    input: &UnitChangeInput,
) -> Result<()> {
    let mut s = load(tx, id).await?;
    caller.require(Action::ManageStudio, &s.unit_path)?;
    let mut v = Validator::new();
    let on = date("on", &input.on).and_then(|d| {
        if d > today(caller) {
            problem(FieldError::new("on", "date_in_future"))
        } else {
            Ok(d)
        }
    });
    let reason = v.required_text("reason", &input.reason, rules::SHORT_MAX);
    let unit_id = match (input.unit_id, input.unit_code.trim()) {
        (Some(id), _) => Some(id),
        (None, "") => None,
        (None, code) => match orgs::get_by_code(tx, code).await? {
            Some(o) => Some(o.id),
            None => {
                return Err(AppError::Validation(vec![
                    FieldError::new("unit_id", "unknown_unit_code").with("code", code),
                ]));
            }
        },
    };
    let unit = match unit_id {
        Some(unit) if unit == s.unit_id => problem(FieldError::new("unit_id", "unit_unchanged")),
        other => super::registry::studio_unit(tx, other).await?,
    };
    let (unit, on) = v.finish_with((unit, on))?;
    caller.require(Action::ManageStudio, &unit.path)?;
    let home = crate::proposals::enterprise_of(tx, &unit.path)
        .await?
        .map_or_else(|| unit.path.clone(), |e| e.path);
    let mut outside = Vec::new();
    for m in store::members(tx, id)
        .await?
        .iter()
        .filter(|m| m.left_on.is_none())
    {
        let within = super::works_within(tx, ingot_domain::UserId(m.user_id), &home).await?;
        if !within {
            outside.push(
                FieldError::new("unit_id", "member_outside_unit").with("username", &m.username),
            );
        }
    }
    if !outside.is_empty() {
        return Err(AppError::Validation(outside));
    }
    if let Some(version) = input.version {
        s.version = version;
    }
    let from = orgs::get(tx, s.unit_id)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    store::set_unit(tx, &s, unit.id, Timestamp::now()).await?;
    let step = StudioEvent::UnitChanged {
        from: from.clone(),
        to: unit.name.clone(),
        reason: reason.clone(),
    };
    event(tx, caller, id, on, step, true).await?;
    let change = serde_json::json!({
        "from": from, "to": unit.name, "to_code": unit.code, "on": on.to_string(), "reason": reason,
    });
    commit(
        tx,
        caller,
        id,
        Change::new("studio.unit_changed", "studio", id.0)
            .label(&s.name)
            .org(unit.id)
            .after(&change),
    )
    .await
}
