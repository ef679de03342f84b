//! Innovation studios: registering a studio with its members, honours, outputs and photos;
//! naming calls, applications with a snapshot of the studio, on-site reviews, decisions with a
//! published notice and special funding; periodic assessment; revocation. Each use case checks
//! the policy, writes, adds the studio's timeline step and the audit row in one transaction.
//!
//! Each concern has its own file below; this one keeps what they share (loading a studio, who may
//! manage it, its timeline steps, its level) and re-exports the use cases, so callers keep
//! writing `studios::create`.

mod alliances;
mod assessment;
mod funding;
mod handover;
mod members;
mod naming;
mod outputs;
mod record_outputs;
mod registry;
mod review;

pub use alliances::{AllianceInput, alliance, alliances, create_alliance};
pub use assessment::{AssessInput, ScoreRow, assess, assessment_form, set_standard, standard_of};
pub use funding::{EntryInput, funding_entry};
pub use handover::{LeadChangeInput, UnitChangeInput, change_lead, change_unit};
pub use members::{HonourInput, LeaveInput, MemberInput, add_honour, add_member, member_leaves};
pub(crate) use naming::apply_at;
pub use naming::{
    ApplicationDetail, ApplyInput, CallDetail, CallInput, DecisionInput, NoticeDetail,
    RecordNamingInput, application_detail, apply, call_detail, calls, create_call, decide,
    notice_detail, record_naming,
};
pub use outputs::{MAX_PHOTOS, OutputInput, StoredFile, add_output, add_photo, check_photo, photo};
pub use record_outputs::{RecordOutputs, record_outputs, studio_outputs, totals_with};
pub use registry::{
    FederationCounts, FundingDetail, Stats, StatusInput, StudioAccess, StudioChange, StudioDetail,
    StudioInput, create, detail, list, manageable, set_status, stats, totals, update,
};
pub use review::{ReviewInput, review};

use crate::{Caller, Result};
use ingot_domain::policy::Action;
use ingot_domain::proposal::parse_fixed2;
use ingot_domain::studio::StudioEvent;
use ingot_domain::studio::{self as rules, Level, NamingStatus};
use ingot_domain::time::Date;
use ingot_domain::validate::{Checked, problem};
use ingot_domain::{AppError, FieldError, OrgPath, StudioId, Timestamp, UserId};
use ingot_store::studios::{self as store, Naming, Studio};
use ingot_store::{Tx, users};

fn today(caller: &Caller<'_>) -> Date {
    caller.origin.today()
}

/// Yuan as typed ("12.5", "300000") into fen; empty is `None`.
fn money_field(field: &str, raw: &str) -> Checked<Option<i64>> {
    let raw = raw.trim().replace([',', '，'], "");
    if raw.is_empty() {
        return Ok(None);
    }
    match parse_fixed2(&raw) {
        Some(c) if c >= 0 => Ok(Some(c)),
        _ => problem(FieldError::new(field, "invalid_amount")),
    }
}

/// A required amount in yuan, more than nothing.
fn positive_money_field(field: &str, raw: &str) -> Checked<i64> {
    match money_field(field, raw)? {
        None => problem(FieldError::new(field, "required")),
        Some(0) => problem(FieldError::new(field, "invalid_amount")),
        Some(cents) => Ok(cents),
    }
}

fn studio_not_found() -> AppError {
    store::not_found()
}

async fn load(tx: &mut Tx, id: StudioId) -> Result<Studio> {
    store::get(tx, id).await?.ok_or_else(studio_not_found)
}

async fn user_by_name(tx: &mut Tx, username: &str) -> Result<Option<ingot_domain::user::User>> {
    users::get_by_username(tx, &username.trim().to_lowercase()).await
}

/// Where a studio's members come from: the enterprise its unit belongs to, or the unit itself
/// when it belongs to none.
async fn studio_home(tx: &mut Tx, s: &Studio) -> Result<OrgPath> {
    Ok(crate::proposals::enterprise_of(tx, &s.unit_path)
        .await?
        .map_or_else(|| s.unit_path.clone(), |e| e.path))
}

/// Whether `user` works within `home` (a studio's enterprise), as everyone in a studio must.
async fn works_within(tx: &mut Tx, user: UserId, home: &OrgPath) -> Result<bool> {
    Ok(users::get_with_org_path(tx, user)
        .await?
        .is_some_and(|(_, path)| path.is_within(home)))
}

/// The unit admin (or a federation above), or the studio's own lead.
pub fn may_manage(caller: &Caller<'_>, s: &Studio) -> bool {
    caller.permits(Action::ManageStudio, &s.unit_path) || caller.user_id() == Some(s.lead_id)
}

fn require_manage(caller: &Caller<'_>, s: &Studio) -> Result<()> {
    if may_manage(caller, s) {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

async fn event(
    tx: &mut Tx,
    caller: &Caller<'_>,
    studio: StudioId,
    on: Date,
    step: StudioEvent,
    public: bool,
) -> Result<()> {
    store::add_event(
        tx,
        studio,
        on,
        &step,
        caller.user_id(),
        public,
        Timestamp::now(),
    )
    .await
}

/// Ends a change of a studio the one way every studio change ends: its audit row, and its
/// change-log row so that every server's search catches up with it.
async fn commit(
    tx: &mut Tx,
    caller: &Caller<'_>,
    studio: StudioId,
    change: crate::audit::Change<'_>,
) -> Result<()> {
    crate::audit::record(tx, caller, change).await?;
    ingot_store::changes::record(tx, "studio", studio.0, "upsert", Timestamp::now()).await?;
    Ok(())
}

/// Recomputes the studio's level and year of naming from its standing namings.
async fn refresh_level(tx: &mut Tx, id: StudioId) -> Result<Option<Level>> {
    let namings = store::namings(tx, id).await?;
    let standing: Vec<&Naming> = namings
        .iter()
        .filter(|n| n.status == NamingStatus::Active)
        .collect();
    let level = rules::current_level(&standing.iter().map(|n| n.level).collect::<Vec<_>>());
    let year = standing.iter().map(|n| i64::from(n.named_on.year)).max();
    store::set_level(tx, id, level, year, Timestamp::now()).await?;
    Ok(level)
}

fn standing_levels(namings: &[Naming]) -> Vec<Level> {
    namings
        .iter()
        .filter(|n| n.status == NamingStatus::Active)
        .map(|n| n.level)
        .collect()
}

/// Whether the caller sees a studio's internal records: applications, reviews with their
/// photos, steps that are not public.
fn insider(caller: Option<&Caller<'_>>, s: &Studio) -> bool {
    caller.is_some_and(|c| {
        may_manage(c, s)
            || [
                Action::ViewStudios,
                Action::ReviewNaming,
                Action::ManageNamings,
            ]
            .into_iter()
            .any(|a| c.permits(a, &s.unit_path))
    })
}
