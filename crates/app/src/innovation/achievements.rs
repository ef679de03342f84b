//! Achievements: recording one with its team, linking the patents and improvement proposals it
//! grew out of, attaching checked files, and the claimed economic benefit that finance verifies.

mod change;

pub use change::{AchievementChange, may_change_achievement, update_achievement};

use super::{date, log, may_read, not_found, require_manage, require_readable, scoped, unit, year};
use crate::audit::{Change, record};
use crate::{Caller, Result};
use ingot_domain::benefit::{self, Verification};
use ingot_domain::innovation::{
    self as rules, AchievementKind, ApplicationNumber, ClaimedLevel, Completer,
};
use ingot_domain::org::Organisation;
use ingot_domain::policy::Action;
use ingot_domain::validate::Validator;
use ingot_domain::{
    AchievementFileId, AchievementId, AppError, FieldError, OrgId, PatentId, ProposalId, Timestamp,
};
use ingot_store::innovation::{
    self as store, Achievement, AchievementItem, AchievementText, Patent, PersonRef, ProposalRef,
    RecordFilter,
};
use ingot_store::{Page, Tx, changes, orgs, users};

/// Recording an achievement with its team and the records it grew out of, as the form and the
/// API send it (`POST /achievements`).
// Serialize: a change's schema shows its default particulars.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = AchievementBody)]
pub struct AchievementInput {
    #[schema(value_type = Option<i64>)]
    pub unit_id: Option<OrgId>,
    pub title: String,
    pub summary: String,
    pub field: String,
    /// process, equipment, material, method, software.
    pub kind: String,
    pub claimed_level: String,
    pub started_on: String,
    pub finished_on: String,
    /// The year it is counted in; absent: the year it was finished.
    pub year: Option<i64>,
    pub award: String,
    pub in_production_since: String,
    pub production_site: String,
    /// Usernames, the first completer first; the first must work in the unit or below it.
    pub completers: Vec<String>,
    #[schema(value_type = Vec<i64>)]
    pub patent_ids: Vec<PatentId>,
    #[schema(value_type = Vec<i64>)]
    pub proposal_ids: Vec<ProposalId>,
}

/// An achievement as typed, checked: the particulars, the team by rank and the records it
/// links, or every problem by field (with those `v` already holds).
pub(super) struct CheckedAchievement {
    pub text: AchievementText,
    pub completers: Vec<Completer>,
    pub patents: Vec<i64>,
    pub proposals: Vec<ProposalId>,
}

pub(super) async fn checked(
    tx: &mut Tx,
    caller: &Caller<'_>,
    mut v: Validator,
    input: &AchievementInput,
) -> Result<CheckedAchievement> {
    let unit = unit(tx, "unit_id", input.unit_id).await?;
    if let Ok(u) = &unit {
        require_manage(caller, u)?;
    }
    let title = v.required_text("title", &input.title, rules::TITLE_MAX);
    let summary = v.required_text("summary", &input.summary, rules::TEXT_MAX);
    let field = v.required_text("field", &input.field, 100);
    let kind = AchievementKind::parse(&input.kind)
        .ok_or_else(|| vec![FieldError::new("kind", "unknown_achievement_kind")]);
    let claimed_level = match input.claimed_level.trim() {
        "" => None,
        raw => {
            let l = ClaimedLevel::parse(raw);
            if l.is_none() {
                v.add(FieldError::new("claimed_level", "unknown_claimed_level"));
            }
            l
        }
    };
    let started = date(&mut v, "started_on", &input.started_on, false);
    let finished = date(&mut v, "finished_on", &input.finished_on, false);
    if let (Some(s), Some(f)) = (started, finished)
        && f < s
    {
        v.add(FieldError::new("finished_on", "finished_before_started"));
    }
    let in_production = date(
        &mut v,
        "in_production_since",
        &input.in_production_since,
        false,
    );
    let year = year(input.year, finished);
    let award = v.optional_text("award", Some(&input.award), 100);
    let site = v.optional_text("production_site", Some(&input.production_site), 200);
    // Completers by rank; the first completer must work in the unit or below it.
    let mut completers = Vec::new();
    let names: Vec<&str> = input
        .completers
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    for (i, name) in names.iter().enumerate() {
        let Some(found) = users::get_by_username(tx, name).await? else {
            v.add(FieldError::new(format!("completers[{i}]"), "unknown_person").with("name", name));
            continue;
        };
        match users::get_with_org_path(tx, found.id).await? {
            Some((user, path)) => {
                if i == 0
                    && let Ok(u) = &unit
                    && !path.is_within(&u.path)
                {
                    v.add(FieldError::new(
                        "completers[0]",
                        "first_completer_outside_unit",
                    ));
                }
                completers.push(Completer {
                    user_id: user.id,
                    rank: i as i64 + 1,
                });
            }
            None => v.add(FieldError::new(
                format!("completers[{i}]"),
                "unknown_person",
            )),
        }
    }
    if completers.len() == names.len()
        && let Err(e) = rules::validate_completers(&completers)
    {
        for fe in e.field_errors() {
            v.add(fe);
        }
    }
    let mut patents = Vec::new();
    for (i, pid) in input.patent_ids.iter().enumerate() {
        match store::get_patent(tx, pid.0).await? {
            Some(p) if may_read(caller, &p.unit_path) => patents.push(p.id),
            _ => v.add(FieldError::new(
                format!("patent_ids[{i}]"),
                "unknown_patent",
            )),
        }
    }
    let mut proposals = Vec::new();
    for (i, pid) in input.proposal_ids.iter().enumerate() {
        match proposal_in_reach(tx, caller, *pid).await? {
            true => proposals.push(*pid),
            false => v.add(FieldError::new(
                format!("proposal_ids[{i}]"),
                "unknown_proposal",
            )),
        }
    }
    let (unit, kind, year) = v.finish_with((unit, kind, year))?;
    let text = AchievementText {
        unit_id: unit.id,
        title,
        summary,
        field,
        kind,
        claimed_level,
        started_on: started,
        finished_on: finished,
        year,
        award,
        in_production_since: in_production.map(|d| d.to_string()),
        production_site: site,
    };
    Ok(CheckedAchievement {
        text,
        completers,
        patents,
        proposals,
    })
}

pub async fn create_achievement(
    tx: &mut Tx,
    caller: &Caller<'_>,
    input: &AchievementInput,
) -> Result<Achievement> {
    let CheckedAchievement {
        text,
        completers,
        patents,
        proposals,
    } = checked(tx, caller, Validator::new(), input).await?;
    let now = Timestamp::now();
    let id = store::insert_achievement(tx, &text, caller.user_id(), now).await?;
    store::set_completers(tx, id, &completers).await?;
    for p in patents {
        store::link_patent(tx, id, p).await?;
    }
    for p in proposals {
        store::link_proposal(tx, id, p).await?;
    }
    log(
        tx,
        caller,
        "achievement.create",
        "achievement",
        id,
        &text.title,
        text.unit_id,
        serde_json::json!({"title": text.title, "kind": text.kind, "year": text.year,
            "completers": completers.iter().map(|c| c.user_id).collect::<Vec<_>>()}),
    )
    .await?;
    store::get_achievement(tx, id).await?.ok_or_else(not_found)
}

/// A proposal the caller may link: one of a unit its grants reach.
pub(super) async fn proposal_in_reach(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProposalId,
) -> Result<bool> {
    let Some(p) = ingot_store::proposals::get(tx, id).await? else {
        return Ok(false);
    };
    let Some(unit) = orgs::get(tx, p.unit_id).await? else {
        return Ok(false);
    };
    Ok(may_read(caller, unit.path.as_str()))
}

/// An achievement with its team and links.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AchievementDetail {
    pub achievement: Achievement,
    pub completers: Vec<PersonRef>,
    pub patents: Vec<Patent>,
    pub proposals: Vec<ProposalRef>,
    pub attachments: Vec<store::AchievementAttachment>,
    /// The awards it won in announced campaigns; a change then needs its reason.
    pub awards: Vec<store::AwardRef>,
    /// What was recorded about it, newest first.
    pub history: Vec<ingot_domain::audit::AuditEntry>,
    pub can_manage: bool,
    pub can_verify: bool,
}

pub(super) async fn load_achievement(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: AchievementId,
) -> Result<(Achievement, Organisation)> {
    let id = id.0;
    let a = store::get_achievement(tx, id)
        .await?
        .ok_or_else(not_found)?;
    require_readable(tx, caller, ("achievement", id), &a.unit_path).await?;
    let unit = orgs::get(tx, a.unit_id).await?.ok_or_else(not_found)?;
    Ok((a, unit))
}

/// Whether the achievement exists and the caller may read it.
pub async fn achievement_readable(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: AchievementId,
) -> Result<bool> {
    Ok(store::get_achievement(tx, id.0)
        .await?
        .is_some_and(|a| may_read(caller, &a.unit_path)))
}

pub async fn achievement(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: AchievementId,
) -> Result<AchievementDetail> {
    let (a, unit) = load_achievement(tx, caller, id).await?;
    let id = id.0;
    let completers = store::completers(tx, id).await?;
    let completer = caller
        .user_id()
        .is_some_and(|me| completers.iter().any(|c| c.user_id == me.0));
    Ok(AchievementDetail {
        can_verify: !completer && caller.permits(Action::VerifyBenefit, &unit.path),
        completers,
        patents: store::linked_patents(tx, id).await?,
        proposals: store::linked_proposals(tx, id).await?,
        attachments: store::attachments(tx, id).await?,
        awards: store::awards_of_record(tx, "achievement", id).await?,
        history: crate::audit_log::history_of(tx, "achievement", id).await?,
        can_manage: caller.permits(Action::ManageInnovationRecords, &unit.path),
        achievement: a,
    })
}

pub async fn achievements(
    tx: &mut Tx,
    caller: &Caller<'_>,
    filter: RecordFilter,
    page: Page,
) -> Result<(Vec<AchievementItem>, i64)> {
    store::list_achievements(tx, &scoped(caller, filter), page).await
}

// Linking a patent to an achievement, as the API sends it (`POST /achievements/{id}/patents`).
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = LinkPatentBody)]
pub struct LinkPatentInput {
    #[schema(value_type = i64)]
    pub patent_id: PatentId,
}

// Linking a proposal to an achievement, as the API sends it (`POST /achievements/{id}/proposals`).
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = LinkProposalBody)]
pub struct LinkProposalInput {
    #[schema(value_type = i64)]
    pub proposal_id: ProposalId,
}

/// Links a patent (which the caller may read) to an achievement it may manage.
pub async fn link_patent(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: AchievementId,
    patent: PatentId,
) -> Result<()> {
    let (a, unit) = load_achievement(tx, caller, id).await?;
    require_manage(caller, &unit)?;
    let id = id.0;
    let p = store::get_patent(tx, patent.0).await?;
    let Some(p) = p.filter(|p| may_read(caller, &p.unit_path)) else {
        return Err(AppError::field("patent_id", "unknown_patent"));
    };
    if store::link_patent(tx, id, p.id).await? {
        log_change(
            tx,
            caller,
            "achievement.link_patent",
            &a,
            serde_json::json!({"patent": p.number}),
        )
        .await?;
    }
    Ok(())
}

/// Links a patent named by its application number, as typed on the achievement's page.
pub async fn link_patent_by_number(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: AchievementId,
    number: &str,
) -> Result<()> {
    // The problem is the typed number's, so the form shows it with that field.
    let unknown = || AppError::field("patent_number", "unknown_patent");
    let number = ApplicationNumber::parse(number).map_err(|_| unknown())?;
    let patent = store::patent_by_number(tx, &number.to_string())
        .await?
        .ok_or_else(unknown)?;
    link_patent(tx, caller, id, PatentId(patent)).await
}

/// Links an improvement proposal the achievement grew out of.
pub async fn link_proposal(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: AchievementId,
    proposal: ProposalId,
) -> Result<()> {
    let (a, unit) = load_achievement(tx, caller, id).await?;
    require_manage(caller, &unit)?;
    let id = id.0;
    if !proposal_in_reach(tx, caller, proposal).await? {
        return Err(AppError::field("proposal_id", "unknown_proposal"));
    }
    if store::link_proposal(tx, id, proposal).await? {
        log_change(
            tx,
            caller,
            "achievement.link_proposal",
            &a,
            serde_json::json!({"proposal": proposal}),
        )
        .await?;
    }
    Ok(())
}

/// Attaches a file already checked by its contents (`crate::files::check`); the caller stores
/// the bytes in the file store before committing.
pub async fn attach(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: AchievementId,
    filename: &str,
    content_type: &str,
    bytes: &[u8],
) -> Result<store::AchievementAttachment> {
    let (a, unit) = load_achievement(tx, caller, id).await?;
    require_manage(caller, &unit)?;
    let id = id.0;
    let me = caller.user_id().ok_or_else(AppError::forbidden)?;
    if store::attachments(tx, id).await?.len() >= crate::files::MAX_FILES_PER_PROPOSAL {
        return Err(AppError::Validation(vec![
            FieldError::new("file", "too_many_files")
                .with("max", crate::files::MAX_FILES_PER_PROPOSAL),
        ]));
    }
    let sha256 = crate::files::sha256_hex(bytes);
    let now = Timestamp::now();
    let att = store::insert_attachment(
        tx,
        id,
        &sha256,
        bytes.len() as i64,
        content_type,
        filename,
        me,
        now,
    )
    .await?;
    let file = serde_json::json!({"file": filename, "sha256": sha256, "size": bytes.len()});
    log_change(tx, caller, "achievement.attach", &a, file).await?;
    store::get_attachment(tx, att).await?.ok_or_else(not_found)
}

/// The audit and change-log rows of a change to the achievement `a` (a link, a file).
async fn log_change(
    tx: &mut Tx,
    caller: &Caller<'_>,
    action: &str,
    a: &Achievement,
    after: serde_json::Value,
) -> Result<()> {
    log(
        tx,
        caller,
        action,
        "achievement",
        a.id,
        &a.title,
        a.unit_id,
        after,
    )
    .await
}

/// An attachment the caller may download: one of an achievement they may read.
pub async fn attachment(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: AchievementFileId,
) -> Result<store::AchievementAttachment> {
    let att = store::get_attachment(tx, id.0)
        .await?
        .ok_or(AppError::not_found("attachment"))?;
    load_achievement(tx, caller, AchievementId(att.achievement_id))
        .await
        .map_err(|_| AppError::not_found("attachment"))?;
    Ok(att)
}

/// A benefit claim is the same command for an achievement as for a proposal.
pub use crate::proposals::BenefitInput as ClaimInput;

// Finance's verification of an achievement's claimed benefit, as the form and the API send it
// (no doc comment: the schema has never had a description).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = RecordVerifyBody)]
pub struct VerifyInput {
    /// Empty to confirm the claim; otherwise the corrected amount in yuan (with a note).
    #[serde(deserialize_with = "ingot_domain::validate::decimal_text")]
    pub corrected_amount: String,
    pub note: String,
    pub version: Option<i64>,
}

fn benefit_state(a: &Achievement) -> serde_json::Value {
    serde_json::json!({
        "benefit_claimed_cents": a.benefit_claimed_cents,
        "benefit_verified_cents": a.benefit_verified_cents,
    })
}

/// Claims the economic benefit with its calculation, by the same rules as a proposal's; a claim
/// may be replaced until finance verifies it.
pub async fn claim_benefit(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: AchievementId,
    input: &ClaimInput,
) -> Result<Achievement> {
    let (a, unit) = load_achievement(tx, caller, id).await?;
    let claim = input.fields().check()?;
    require_manage(caller, &unit)?;
    benefit::ensure_unlocked(a.benefit_verified_at)?;
    if input.version.is_some_and(|v| v != a.version) {
        return Err(AppError::conflict("record_changed"));
    }
    let before = benefit_state(&a);
    let mut after = a;
    after.benefit = Some(claim.benefit);
    after.benefit_note = claim.note;
    after.benefit_claimed_cents = Some(claim.amount_cents);
    after.benefit_claimed_at = Some(Timestamp::now());
    commit_benefit(tx, caller, "achievement.benefit_claim", before, after).await
}

/// Finance verifies or corrects the claimed figure, which then locks.
pub async fn verify_benefit(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: AchievementId,
    input: &VerifyInput,
) -> Result<Achievement> {
    let verification = Verification::parse(&input.corrected_amount, &input.note)?;
    let (a, unit) = load_achievement(tx, caller, id).await?;
    caller.require(Action::VerifyBenefit, &unit.path)?;
    // Separation of duties: a completer of the achievement does not verify its benefit.
    if let Some(me) = caller.user_id()
        && store::completers(tx, id.0)
            .await?
            .iter()
            .any(|c| c.user_id == me.0)
    {
        return Err(AppError::Forbidden { code: "own_record" });
    }
    benefit::ensure_unlocked(a.benefit_verified_at)?;
    let Some(claimed) = a.benefit_claimed_cents else {
        return Err(AppError::conflict("benefit_not_claimed"));
    };
    if input.version.is_some_and(|v| v != a.version) {
        return Err(AppError::conflict("record_changed"));
    }
    let before = benefit_state(&a);
    let mut after = a;
    after.benefit_verified_cents = Some(verification.amount(claimed));
    after.benefit_verified_by = caller.user_id();
    after.benefit_verified_at = Some(Timestamp::now());
    after.benefit_verify_note = verification.note;
    commit_benefit(tx, caller, "achievement.benefit_verify", before, after).await
}

async fn commit_benefit(
    tx: &mut Tx,
    caller: &Caller<'_>,
    action: &str,
    before: serde_json::Value,
    mut after: Achievement,
) -> Result<Achievement> {
    let now = Timestamp::now();
    after.version = store::save_benefit(tx, &after, now).await?;
    record(
        tx,
        caller,
        Change::new(action, "achievement", after.id)
            .label(&after.title)
            .org(after.unit_id)
            .before(&before)
            .after(&benefit_state(&after)),
    )
    .await?;
    changes::record(tx, "achievement", after.id, "upsert", now).await?;
    Ok(after)
}
