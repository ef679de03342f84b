//! The on-site review of an application, with its checklist and photos; a member of the studio
//! may not review it.

use super::naming::call_path;
use super::outputs::{StoredFile, insert_photo};
use super::{event, load, today};
use crate::audit::{Change, record};
use crate::{Caller, Result};
use ingot_domain::policy::Action;
use ingot_domain::studio::StudioEvent;
use ingot_domain::studio::{self as rules, ApplicationStatus, ChecklistItem};
use ingot_domain::validate::Validator;
use ingot_domain::validate::{date, problem};
use ingot_domain::{AppError, ApplicationId, CallId, FieldError, StudioId, Timestamp, UserId};
use ingot_store::Tx;
use ingot_store::studios::{self as store, NewReview};

/// The on-site review of a naming application, as the form (multipart, with photos) and the API
/// send it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = SiteReviewBody)]
pub struct ReviewInput {
    pub visited_on: String,
    /// Items found satisfied: `premises`, `equipment`, `team`, `records`, `outputs`, `training`.
    pub checklist: Vec<String>,
    /// 0-100.
    pub score: Option<i64>,
    pub comments: String,
    /// The reviewer's own name, typed, which must be theirs.
    pub signature: String,
    pub confirm: bool,
    pub version: Option<i64>,
}

/// Records the on-site review. A member (or the lead) of the studio may not review it.
pub async fn review(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ApplicationId,
    input: &ReviewInput,
    photos: &[StoredFile],
) -> Result<i64> {
    let actor = caller.actor().ok_or_else(AppError::forbidden)?;
    let a = store::get_application(tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("naming_application"))?;
    let call = store::get_call(tx, CallId(a.call_id))
        .await?
        .ok_or_else(|| AppError::internal("application without call"))?;
    caller.require(Action::ReviewNaming, &call_path(&call))?;
    let s = load(tx, StudioId(a.studio_id)).await?;
    // Memberships recorded after the call opened do not bar a reviewer by themselves: else a
    // lead could keep a likely reviewer away by enrolling them for a day.
    let members: Vec<UserId> = store::members(tx, s.id)
        .await?
        .iter()
        .filter(|m| m.recorded_at.is_none_or(|at| at <= call.created_at))
        .map(|m| UserId(m.user_id))
        .collect();
    if rules::has_conflict(actor.user_id, s.lead_id, &members) {
        return Err(AppError::field("reviewer", "reviewer_is_member"));
    }
    if input.version.is_some_and(|ver| ver != a.version) {
        return Err(AppError::conflict("application_changed"));
    }
    if a.status != ApplicationStatus::Submitted {
        return Err(AppError::conflict("application_not_awaiting_review"));
    }
    let mut v = Validator::new();
    let visited = date("visited_on", &input.visited_on);
    if visited.as_ref().is_ok_and(|d| *d > today(caller)) {
        v.add(FieldError::new("visited_on", "date_in_future"));
    }
    let mut checklist = Vec::new();
    for item in &input.checklist {
        match ChecklistItem::parse(item) {
            Some(i) if !checklist.contains(&i) => checklist.push(i),
            Some(_) => {}
            None => v.add(
                FieldError::new("checklist", "unknown_option")
                    .with("allowed", ChecklistItem::codes()),
            ),
        }
    }
    let score = match input.score {
        Some(n) if (0..=100).contains(&n) => Ok(n),
        _ => problem(FieldError::new("score", "score_invalid")),
    };
    let comments = v.required_text("comments", &input.comments, rules::TEXT_MAX);
    let signature = v.required_text("signature", &input.signature, rules::SIGNATURE_MAX);
    if !signature.is_empty() && signature != actor.display_name.trim() {
        v.add(FieldError::new("signature", "signature_mismatch").with("name", &actor.display_name));
    }
    if !input.confirm {
        v.add(FieldError::new("confirm", "confirm_required"));
    }
    let (visited, score) = v.finish_with((visited, score))?;
    let codes: Vec<&str> = checklist.iter().map(|c| c.as_str()).collect();
    let review = store::insert_review(
        tx,
        &NewReview {
            application_id: id,
            reviewer_id: actor.user_id,
            visited_on: visited,
            checklist: &serde_json::to_string(&codes).map_err(AppError::internal)?,
            score,
            comments: &comments,
            signature: &signature,
        },
        Timestamp::now(),
    )
    .await?;
    for p in photos {
        insert_photo(tx, s.id, Some(review), p, actor.user_id).await?;
    }
    store::set_application_status(
        tx,
        id,
        a.version,
        ApplicationStatus::Reviewed.as_str(),
        None,
        None,
    )
    .await?;
    event(
        tx,
        caller,
        s.id,
        visited,
        StudioEvent::SiteReviewed {
            level: call.level,
            org: call.org_name.clone(),
            score,
        },
        true,
    )
    .await?;
    record(
        tx,
        caller,
        Change::new("studio.site_review", "naming_application", id.0)
            .label(&s.name)
            .org(s.unit_id)
            .after(&serde_json::json!({ "visited_on": visited.to_string(), "checklist": codes, "score": score,
                "signature": signature, "photos": photos.len() })),
    )
    .await?;
    Ok(review)
}
