//! Award campaigns: the list and the call form; a campaign's page with its timetable, stage,
//! units and quotas, the declaration form (attach a record) and the formal check; the expert
//! panel and conflicts; the assignment (run the solver, override); the expert's scoring page
//! (made for a phone); results with raw and calibrated scores, tiers, ties and the panel
//! decision; the public publicity page with its objection form; the announcement, printable
//! certificates and the ranking of participating units.
//!
//! Each concern has its own file below; this one keeps what they share (the caller, the campaign
//! of a declaration, the awarded list) and re-exports the handlers for the route table.

mod announcement;
mod assignment;
mod call;
mod declarations;
mod panel;
mod publicity;
mod results;
mod scoring;

pub use announcement::{announcement, certificate, ranking};
pub use assignment::{assignment, override_pair, run_assignment};
pub use call::{create, index, new_form};
pub use declarations::{advance, check, declare, resubmit, show};
pub use panel::{add_conflict, add_expert, experts};
pub use publicity::{announce, decide_objection, dismiss_objections, object, publicity};
pub use results::{decide, open_publicity, results};
pub use scoring::{review, score};

use crate::AppState;
use crate::ctx::PageCtx;
use ingot_app::Caller;
use ingot_domain::{AppError, CampaignId, DeclarationId};
use ingot_store::campaigns::Declaration;

fn user_caller(ctx: &PageCtx) -> Option<Caller<'_>> {
    ctx.actor.as_ref().map(|a| Caller::user(a, &ctx.origin))
}

async fn campaign_of_declaration(
    state: &AppState,
    declaration: DeclarationId,
) -> Result<CampaignId, AppError> {
    let mut tx = state.db.read().await?;
    ingot_app::campaigns::campaign_of_declaration(&mut tx, declaration).await
}

/// The awarded declarations, highest tier first, then by number.
fn awarded(ds: &[Declaration]) -> Vec<Declaration> {
    let mut out: Vec<Declaration> = ds.iter().filter(|d| d.tier.is_some()).cloned().collect();
    out.sort_by_key(|d| (d.tier, d.number));
    out
}
