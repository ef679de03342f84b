//! Changing an achievement after entry (a completer was missing, a title mistyped, a level
//! corrected): every particular again with the version read; once an award names it, only with
//! a reason, kept as an amendment that the award's certificate shows.

use super::{AchievementInput, CheckedAchievement, checked, load_achievement};
use crate::innovation::not_found;
use crate::{Caller, Result};
use ingot_domain::innovation as rules;
use ingot_domain::validate::Validator;
use ingot_domain::{AchievementId, AppError, FieldError, OrgPath, Timestamp};
use ingot_store::Tx;
use ingot_store::innovation::{self as store, Achievement, AchievementText};

/// Changing an achievement, as the form and the API send it: every particular again (the team by
/// rank, and the patents and proposals it links, which replace the links it had), the version
/// read and why. An achievement that won an award is changed only with a reason.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = AchievementChangeBody)]
pub struct AchievementChange {
    /// The version read (`version` of the achievement); a change made meanwhile is refused with
    /// `record_changed`.
    pub version: Option<i64>,
    /// Why it changes; required once the achievement has won an award.
    pub reason: Option<String>,
    #[serde(flatten)]
    pub achievement: AchievementInput,
}

fn particulars(a: &AchievementText, team: &[String], links: (&[i64], &[i64])) -> serde_json::Value {
    serde_json::json!({"unit_id": a.unit_id, "title": a.title, "summary": a.summary,
        "field": a.field, "kind": a.kind, "claimed_level": a.claimed_level,
        "started_on": a.started_on, "finished_on": a.finished_on, "year": a.year,
        "award": a.award, "in_production_since": a.in_production_since,
        "production_site": a.production_site, "completers": team,
        "patent_ids": links.0, "proposal_ids": links.1})
}

fn text_of(a: &Achievement) -> AchievementText {
    AchievementText {
        unit_id: a.unit_id,
        title: a.title.clone(),
        summary: a.summary.clone(),
        field: a.field.clone(),
        kind: a.kind,
        claimed_level: a.claimed_level,
        started_on: a.started_on,
        finished_on: a.finished_on,
        year: a.year,
        award: a.award.clone(),
        in_production_since: a.in_production_since.clone(),
        production_site: a.production_site.clone(),
    }
}

/// Whether the caller may change this achievement (manages its unit).
pub fn may_change_achievement(caller: &Caller<'_>, a: &Achievement) -> bool {
    caller.permits(
        ingot_domain::policy::Action::ManageInnovationRecords,
        &OrgPath::from_stored(a.unit_path.clone()),
    )
}

/// The particulars as recorded now: the team's usernames by rank and the linked ids.
async fn recorded(tx: &mut Tx, id: i64) -> Result<(Vec<String>, Vec<i64>, Vec<i64>)> {
    let team = store::completers(tx, id).await?;
    let patents = store::linked_patents(tx, id).await?;
    let proposals = store::linked_proposals(tx, id).await?;
    Ok((
        team.into_iter().map(|c| c.username).collect(),
        patents.into_iter().map(|p| p.id).collect(),
        proposals.into_iter().map(|p| p.id).collect(),
    ))
}

/// Changes an achievement still at the version read, checked as when it was recorded, by someone
/// who manages its unit (and the new one, if it moves). The benefit keeps its own claim and
/// verification; what the achievement counts for is recounted in the same transaction.
pub async fn update_achievement(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: AchievementId,
    change: &AchievementChange,
) -> Result<Achievement> {
    let (was, _) = load_achievement(tx, caller, id).await?;
    if !may_change_achievement(caller, &was) {
        return Err(AppError::forbidden());
    }
    let version = change.version.unwrap_or(was.version);
    if version != was.version {
        return Err(AppError::conflict("record_changed"));
    }
    let awards = store::awards_of_record(tx, "achievement", id.0).await?;
    let mut v = Validator::new();
    let reason = v.optional_text("reason", change.reason.as_deref(), rules::TEXT_MAX);
    if !awards.is_empty() && reason.is_none() {
        v.add(FieldError::new("reason", "reason_required_after_award"));
    }
    let mut input = change.achievement.clone();
    input.unit_id = input.unit_id.or(Some(was.unit_id));
    let CheckedAchievement {
        text,
        completers,
        patents,
        proposals,
    } = checked(tx, caller, v, &input).await?;
    let (team_before, patents_before, proposals_before) = recorded(tx, id.0).await?;
    let now = Timestamp::now();
    if !store::update_achievement(tx, id.0, &text, version, now).await? {
        return Err(AppError::conflict("record_changed"));
    }
    store::set_completers(tx, id.0, &completers).await?;
    store::set_links(tx, id.0, &patents, &proposals).await?;
    let (team_after, patents_after, proposals_after) = recorded(tx, id.0).await?;
    let mut after = particulars(&text, &team_after, (&patents_after, &proposals_after));
    after["reason"] = reason.clone().into();
    crate::audit::record(
        tx,
        caller,
        crate::audit::Change::new("achievement.update", "achievement", id.0)
            .label(&text.title)
            .org(text.unit_id)
            .before(&particulars(
                &text_of(&was),
                &team_before,
                (&patents_before, &proposals_before),
            ))
            .after(&after),
    )
    .await?;
    if let (false, Some(reason)) = (awards.is_empty(), &reason) {
        store::insert_amendment(tx, ("achievement", id.0), reason, caller.user_id(), now).await?;
    }
    // The search index follows the change log.
    ingot_store::changes::record(tx, "achievement", id.0, "upsert", now).await?;
    store::get_achievement(tx, id.0)
        .await?
        .ok_or_else(not_found)
}
