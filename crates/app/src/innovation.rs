//! Innovation records: achievements (team, benefit, links), patents (with their import), skills
//! and methods, talent titles. Each change is one transaction with its audit and change-log rows;
//! every read is limited to what the caller's grants reach.
//!
//! Each kind of record has its own file below; this one keeps what they share (the record's
//! unit, the audit and change-log rows, date and year fields, what the caller may read or manage,
//! blind reviews) and re-exports the use cases, so callers keep writing `innovation::patents`.

mod achievements;
pub mod import;
mod patents;
mod skills;
mod titles;
pub mod transfer;

pub use achievements::{
    AchievementChange, AchievementDetail, AchievementInput, ClaimInput, LinkPatentInput,
    LinkProposalInput, VerifyInput, achievement, achievement_readable, achievements, attach,
    attachment, claim_benefit, create_achievement, link_patent, link_patent_by_number,
    link_proposal, may_change_achievement, update_achievement, verify_benefit,
};
pub use patents::{
    PatentChange, PatentInput, check_patent, create_patent, may_change_patent, patent,
    patent_history, patents, update_patent,
};
pub use skills::{
    SkillChange, SkillInput, create_skill, may_change_skill, skill, skill_history, skills,
    update_skill,
};
pub use titles::{
    Holdings, TitleChange, TitleInput, create_title, granting_bodies, holdings,
    holds_honour_at_least, holds_honour_visible, may_change_title, person_holdings, title, titles,
    unit_holdings, update_title, visible_person,
};

use crate::audit::{Change, record};
use crate::{Caller, Result};
use ingot_domain::org::Organisation;
use ingot_domain::policy::Action;
use ingot_domain::time::Date;
use ingot_domain::validate::{Checked, Validator, problem};
use ingot_domain::{AppError, FieldError, OrgId, OrgScope, Role, Timestamp, UserId};
use ingot_store::innovation::{self as store, RecordFilter};
use ingot_store::{Page, Tx, changes, orgs};

fn not_found() -> AppError {
    AppError::not_found("record")
}

/// The organisation a record belongs to (or a title's granting body), which must exist and be
/// open.
async fn unit(tx: &mut Tx, field: &str, id: Option<OrgId>) -> Result<Checked<Organisation>> {
    let Some(id) = id else {
        return Ok(problem(FieldError::new(field, "required")));
    };
    Ok(
        match orgs::get(tx, id).await?.filter(|o| !o.is_archived()) {
            Some(o) => Ok(o),
            None => problem(FieldError::new(field, "unknown_unit")),
        },
    )
}

/// A list filter's unit: its subtree, or a problem of `unit_id`.
pub async fn within_unit(tx: &mut Tx, id: OrgId) -> Result<OrgScope> {
    let org = orgs::get(tx, id)
        .await?
        .ok_or(AppError::field("unit_id", "unknown_unit"))?;
    Ok(OrgScope::of([org.path]))
}

/// The units the caller may record innovation records for, for the forms' unit choice.
pub async fn record_units(tx: &mut Tx, caller: &Caller<'_>) -> Result<Vec<Organisation>> {
    let filter = orgs::OrgFilter {
        within: caller.scope(Action::ManageInnovationRecords),
        ..Default::default()
    };
    let all = Page::new(Some(1), Some(Page::MAX_SIZE), Page::MAX_SIZE);
    let (mut units, _) = orgs::list(tx, &filter, all).await?;
    units.retain(|o| !o.is_archived());
    units.sort_by(|a, b| a.path.as_str().cmp(b.path.as_str()));
    Ok(units)
}

/// The changes made to a record after an award named it, with their reasons, oldest first; for
/// the award's public certificate.
pub async fn amendments(
    tx: &mut Tx,
    record_type: &str,
    id: i64,
) -> Result<Vec<ingot_store::innovation::Amendment>> {
    store::amendments_of(tx, record_type, id).await
}

/// The awarded records of an announced campaign changed after the award, as (record type, id),
/// for its announcement to mark them.
pub async fn amended_in_campaign(tx: &mut Tx, campaign: i64) -> Result<Vec<(String, i64)>> {
    store::amended_in_campaign(tx, campaign).await
}

/// The audit row and change-log row every change to a record writes.
#[allow(clippy::too_many_arguments)] // each argument is a column of the audit row
async fn log(
    tx: &mut Tx,
    caller: &Caller<'_>,
    action: &str,
    object: &'static str,
    id: i64,
    label: &str,
    org: OrgId,
    after: serde_json::Value,
) -> Result<()> {
    let now = Timestamp::now();
    record(
        tx,
        caller,
        Change::new(action, object, id)
            .label(label)
            .org(org)
            .after(&after),
    )
    .await?;
    changes::record(tx, object, id, "upsert", now).await?;
    Ok(())
}

fn date(v: &mut Validator, field: &str, raw: &str, required: bool) -> Option<Date> {
    let raw = raw.trim();
    if raw.is_empty() {
        if required {
            v.add(FieldError::new(field, "required"));
        }
        return None;
    }
    let parsed = Date::parse(raw);
    if parsed.is_none() {
        v.add(FieldError::new(field, "invalid_date"));
    }
    parsed
}

/// The year a record is counted in; without one, the year of `fallback` (when there is one).
fn year(value: Option<i64>, fallback: Option<Date>) -> Checked<i64> {
    match (value, fallback) {
        (Some(y), _) if (1949..=2100).contains(&y) => Ok(y),
        (Some(_), _) => problem(FieldError::new("year", "invalid_year")),
        (None, Some(d)) => Ok(i64::from(d.year)),
        (None, None) => problem(FieldError::new("year", "required")),
    }
}

/// What the caller may read: `None` for the system, else the subtrees its grants reach.
fn readable(caller: &Caller<'_>) -> Option<OrgScope> {
    caller.scope(Action::ViewInnovationRecords)
}

fn may_read(caller: &Caller<'_>, path: &str) -> bool {
    match readable(caller) {
        None => true,
        Some(scope) => scope.contains(&ingot_domain::OrgPath::from_stored(path.to_string())),
    }
}

fn require_manage(caller: &Caller<'_>, unit: &Organisation) -> Result<()> {
    caller.require(Action::ManageInnovationRecords, &unit.path)
}

/// Narrows a filter to what the caller may read.
pub fn scoped(caller: &Caller<'_>, mut filter: RecordFilter) -> RecordFilter {
    filter.scope = readable(caller);
    filter.blind_to = blind_expert(caller);
    filter
}

/// The caller, if they are an expert: blind reviews hide records from them (issue 14, hole 9).
fn blind_expert(caller: &Caller<'_>) -> Option<UserId> {
    let actor = caller.actor()?;
    actor
        .grants
        .iter()
        .any(|g| g.role == Role::Expert)
        .then_some(actor.user_id)
}

/// Refuses, as if absent, a record of a unit the caller may not read (at `unit_path`) or one
/// that a blind review hides from them.
async fn require_readable(
    tx: &mut Tx,
    caller: &Caller<'_>,
    (record_type, id): (&str, i64),
    unit_path: &str,
) -> Result<()> {
    if !may_read(caller, unit_path) {
        return Err(not_found());
    }
    require_not_blind(tx, caller, record_type, id).await
}

/// Refuses, as if absent, a record behind a blind declaration assigned to the caller.
async fn require_not_blind(
    tx: &mut Tx,
    caller: &Caller<'_>,
    record_type: &str,
    id: i64,
) -> Result<()> {
    match blind_expert(caller) {
        Some(me) if store::blind_to(tx, me, record_type, id).await? => Err(not_found()),
        _ => Ok(()),
    }
}
