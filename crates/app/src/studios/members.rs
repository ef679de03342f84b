//! A studio's people: members joining and leaving, and the honours of its lead or members.

use super::{commit, event, load, require_manage, studio_home, today, user_by_name};
use crate::audit::Change;
use crate::{Caller, Result};
use ingot_domain::MemberId;
use ingot_domain::policy::Action;
use ingot_domain::studio::StudioEvent;
use ingot_domain::studio::{self as rules, Level, MemberRole};
use ingot_domain::validate::Validator;
use ingot_domain::validate::{choice, date, problem};
use ingot_domain::{AppError, FieldError, StudioId, Timestamp, UserId};
use ingot_store::studios as store;
use ingot_store::{Tx, users};

/// Adding a member from a date, as the form and the API send it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = MemberBody)]
pub struct MemberInput {
    pub username: String,
    pub joined_on: String,
}

pub async fn add_member(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: StudioId,
    input: &MemberInput,
) -> Result<i64> {
    let s = load(tx, id).await?;
    require_manage(caller, &s)?;
    let mut v = Validator::new();
    let joined = date("joined_on", &input.joined_on);
    let user = match user_by_name(tx, &input.username).await? {
        Some(u) if u.active => Ok(u),
        _ => problem(
            FieldError::new("username", "unknown_user").with("username", input.username.trim()),
        ),
    };
    if let Ok(u) = &user {
        // Members come from the studio's own enterprise: a manager cannot enrol (and then
        // record honours for) anybody in the country.
        let home = studio_home(tx, &s).await?;
        let within = super::works_within(tx, u.id, &home).await?;
        if !within {
            v.add(FieldError::new("username", "member_outside_unit").with("username", &u.username));
        }
        let current = store::members(tx, id).await?;
        if current
            .iter()
            .any(|m| m.user_id == u.id.0 && m.left_on.is_none())
        {
            v.add(FieldError::new("username", "already_member").with("username", &u.username));
        }
    }
    let (user, joined) = v.finish_with((user, joined))?;
    let member = store::add_member(
        tx,
        id,
        user.id,
        MemberRole::Member,
        joined,
        Timestamp::now(),
    )
    .await?;
    event(
        tx,
        caller,
        id,
        joined,
        StudioEvent::MemberJoined {
            name: user.display_name.clone(),
        },
        true,
    )
    .await?;
    commit(
        tx,
        caller,
        id,
        Change::new("studio.add_member", "studio", id.0)
            .label(&s.name)
            .org(s.unit_id)
            .after(
                &serde_json::json!({ "username": user.username, "joined_on": joined.to_string() }),
            ),
    )
    .await?;
    Ok(member)
}

/// A member leaving on a date, as the form and the API send it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = LeaveBody)]
pub struct LeaveInput {
    pub left_on: String,
}

pub async fn member_leaves(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: StudioId,
    member: MemberId,
    input: &LeaveInput,
) -> Result<()> {
    let s = load(tx, id).await?;
    require_manage(caller, &s)?;
    let left = date("left_on", &input.left_on)?;
    let members = store::members(tx, id).await?;
    let m = members
        .iter()
        .find(|m| m.id == member.0 && m.left_on.is_none())
        .ok_or_else(|| AppError::not_found("member"))?;
    if m.role == MemberRole::Lead {
        return Err(AppError::conflict("lead_cannot_leave"));
    }
    if left < m.joined_on {
        return Err(AppError::field("left_on", "left_before_joined"));
    }
    store::set_member_left(tx, member.0, left).await?;
    event(
        tx,
        caller,
        id,
        left,
        StudioEvent::MemberLeft {
            name: m.display_name.clone(),
        },
        true,
    )
    .await?;
    commit(
        tx,
        caller,
        id,
        Change::new("studio.member_left", "studio", id.0)
            .label(&s.name)
            .org(s.unit_id)
            .after(&serde_json::json!({ "username": m.username, "left_on": left.to_string() })),
    )
    .await?;
    Ok(())
}

/// Recording an honour of the lead or a member, as the form and the API send it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = HonourBody)]
pub struct HonourInput {
    /// The member honoured; empty for the lead.
    pub username: String,
    pub title: String,
    // Who awarded it, as on the certificate.
    pub awarded_by: String,
    pub level: String,
    /// Absent if not known (an old certificate).
    pub year: Option<i64>,
}

/// Records an honour of the lead or a member (the unit's union or a federation does this).
pub async fn add_honour(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: StudioId,
    input: &HonourInput,
) -> Result<i64> {
    let s = load(tx, id).await?;
    caller.require(Action::ManageStudio, &s.unit_path)?;
    let mut v = Validator::new();
    let title = v.required_text("title", &input.title, rules::SHORT_MAX);
    let body = v.required_text("awarded_by", &input.awarded_by, rules::SHORT_MAX);
    let level = choice::<Level>("level", &input.level);
    let year = match input.year {
        Some(y) if !(1950..=i64::from(today(caller).year)).contains(&y) => {
            v.add(FieldError::new("year", "invalid_year"));
            None
        }
        year => year,
    };
    let person = if input.username.trim().is_empty() {
        Ok(s.lead_id)
    } else {
        let members = store::members(tx, id).await?;
        let wanted = input.username.trim().to_lowercase();
        let found = members
            .iter()
            .find(|m| m.username == wanted && m.left_on.is_none())
            .map(|m| UserId(m.user_id));
        found.ok_or_else(|| {
            vec![
                FieldError::new("username", "not_a_member").with("username", input.username.trim()),
            ]
        })
    };
    // An honour counts wherever its holder goes (a naming's eligibility): only someone who
    // manages studios where the person works may record it.
    if let Ok(p) = person {
        let reachable = users::get_with_org_path(tx, p)
            .await?
            .is_some_and(|(_, path)| caller.permits(Action::ManageStudio, &path));
        if !reachable {
            v.add(FieldError::new("username", "person_outside_reach"));
        }
    }
    let (person, level) = v.finish_with((person, level))?;
    let honour =
        store::add_honour(tx, person, &title, &body, level, year, Timestamp::now()).await?;
    commit(
        tx,
        caller,
        id,
        Change::new("studio.add_honour", "studio", id.0)
            .label(&s.name)
            .org(s.unit_id)
            .after(&serde_json::json!({ "user_id": person, "title": title, "body": body, "level": level, "year": year })),
    )
    .await?;
    Ok(honour)
}
