//! Improvement proposals: drafting, submission with a duplicate check, the review workflow,
//! implementation, benefit verification and rewards. Each use case checks the policy, writes,
//! keeps the statistics rollup, the timeline, notifications and the audit log in one
//! transaction.

mod access;
mod lifecycle;
mod listing;

pub use access::{Access, ProposalDetail, detail, view_access};
pub use lifecycle::*;
pub use listing::*;

use crate::Result;
use ingot_domain::org::{OrgKind, Organisation};
use ingot_domain::proposal::BUILTIN_CATEGORIES;
use ingot_domain::{AppError, OrgPath};
use ingot_store::{Tx, orgs, proposal_config};

/// The enterprise an organisation belongs to: the nearest enterprise at or above it.
pub async fn enterprise_of(tx: &mut Tx, path: &OrgPath) -> Result<Option<Organisation>> {
    let chain = orgs::ancestors(tx, path).await?;
    Ok(chain
        .into_iter()
        .rev()
        .find(|o| o.kind == OrgKind::Enterprise))
}

/// Whether `code` is one of the five built-in kinds or the enterprise's own category.
pub async fn category_exists(tx: &mut Tx, enterprise: &Organisation, code: &str) -> Result<bool> {
    if BUILTIN_CATEGORIES.contains(&code) {
        return Ok(true);
    }
    Ok(proposal_config::categories(tx, enterprise.id)
        .await?
        .iter()
        .any(|c| c.code == code))
}

fn not_found() -> AppError {
    ingot_store::proposals::not_found()
}
