//! Award campaigns: the call, declarations attaching a record (checked for eligibility and the
//! unit's quota), forwarding a lower round's winners, the formal check, the expert pool and
//! conflicts of interest, the optimal assignment (`ingot_assign`), score sheets, calibrated
//! results with tiers and ties, the panel's decision, publicity with objections, the numbered
//! announcement and the ranking of participating units. Each use case checks the policy,
//! writes and records its audit row in one transaction.
//!
//! Each concern has its own file below; this one keeps what they share (loading a campaign or a
//! declaration, its stage, who may manage it, date and number fields, how messages name a
//! declaration) and re-exports the use cases, so callers keep writing `campaigns::create`.

mod assign;
mod call;
mod declarations;
mod panel;
mod publicity;
mod records;
mod results;
mod scoring;
mod titling;

pub use assign::{Matrix, OverrideInput, PairInfo, matrix, override_pair, run_assignment};
pub use call::{
    CampaignDetail, CampaignInput, RubricCriterion, UnitQuota, UnitUse, advance, create, detail,
    list, publicity_end, quota_counts, results_public,
};
pub use declarations::{CheckInput, DeclareInput, check, declare, forward, resubmit};
pub use panel::{ConflictInput, ExpertInput, add_conflict, add_expert, panel};
pub use publicity::{
    AnnounceInput, DISMISS_MAX, DecisionInput, DismissInput, ObjectionInput, OutcomeInput,
    PublicityInput, TierChoice, announce, certificate, decide, decide_objection,
    dismiss_objections, object, objections, open_publicity,
};
pub use records::declarable;
pub use results::{RankRow, ResultRow, Results, SheetView, ranking, results};
pub use scoring::{ReviewItem, ScoreInput, my_reviews, score};

use crate::{Caller, Result};
use ingot_domain::campaign::Stage;
use ingot_domain::policy::Action;
use ingot_domain::time::Date;
use ingot_domain::validate::{Checked, problem};
use ingot_domain::{AppError, CampaignId, DeclarationId, FieldError, OrgPath};
use ingot_store::Tx;
use ingot_store::campaigns::{self as store, Campaign, Declaration};

pub fn today(caller: &Caller<'_>) -> Date {
    caller.origin.today()
}

pub fn path_of(c: &Campaign) -> OrgPath {
    OrgPath::from_stored(c.org_path.clone())
}

pub async fn load(tx: &mut Tx, id: CampaignId) -> Result<Campaign> {
    store::get(tx, id.0).await?.ok_or_else(store::not_found)
}

async fn load_declaration(tx: &mut Tx, id: DeclarationId) -> Result<Declaration> {
    store::get_declaration(tx, id.0)
        .await?
        .ok_or_else(|| AppError::not_found("declaration"))
}

/// The campaign a declaration belongs to (pages about a declaration go back to it).
pub async fn campaign_of_declaration(tx: &mut Tx, id: DeclarationId) -> Result<CampaignId> {
    Ok(CampaignId(load_declaration(tx, id).await?.campaign_id))
}

/// The campaign's rubric, criterion by criterion, as its experts score it.
pub async fn criteria(tx: &mut Tx, id: CampaignId) -> Result<Vec<store::CriterionRow>> {
    store::criteria(tx, id.0).await
}

/// The experts assigned to each declaration, for those who run the campaign.
pub async fn assignment(
    tx: &mut Tx,
    caller: &Caller<'_>,
    c: &Campaign,
) -> Result<Vec<store::AssignmentRow>> {
    if !may_manage(caller, c) {
        return Err(AppError::forbidden());
    }
    store::assignment(tx, c.id).await
}

fn require_stage(c: &Campaign, allowed: &[Stage]) -> Result<Stage> {
    let stage = c.stage;
    if allowed.contains(&stage) {
        Ok(stage)
    } else {
        Err(AppError::conflict("campaign_wrong_stage"))
    }
}

/// May the caller run this campaign (its federation's administrators)?
pub fn may_manage(caller: &Caller<'_>, c: &Campaign) -> bool {
    caller.permits(Action::ManageCampaigns, &path_of(c))
}

fn require_manage(caller: &Caller<'_>, c: &Campaign) -> Result<()> {
    if may_manage(caller, c) {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

/// A whole number in `min..=max`; left out, `required`.
fn number_in(field: &str, value: Option<i64>, min: i64, max: i64) -> Checked<i64> {
    match value {
        None => problem(FieldError::new(field, "required")),
        Some(n) if (min..=max).contains(&n) => Ok(n),
        Some(_) => problem(
            FieldError::new(field, "number_out_of_range")
                .with("min", min)
                .with("max", max),
        ),
    }
}

/// A number in `min..=max`, or `default` when left out.
fn number_or(field: &str, value: Option<i64>, default: i64, min: i64, max: i64) -> Checked<i64> {
    number_in(field, Some(value.unwrap_or(default)), min, max)
}

/// A year, or nothing when left out.
fn optional_year(field: &str, value: Option<i64>) -> Checked<Option<i64>> {
    value
        .map(|y| number_in(field, Some(y), 1949, 2200))
        .transpose()
}

/// "No. 3 《title》", how messages name a declaration.
pub fn declaration_label(d: &Declaration) -> String {
    format!("No.{} 《{}》", d.number, d.title)
}
