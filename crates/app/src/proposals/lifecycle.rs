//! The changes a proposal goes through, each one transaction.
//!
//! Each stage has its own file below (drafting, the duplicate check, submission, review,
//! implementation, benefit, reward, files); this one keeps what they share: opening a proposal
//! for a change, committing it with its timeline entry, notifications and audit row, and who
//! hears about it. The use cases are re-exported, so callers keep writing `proposals::submit`.

mod attachments;
mod benefit;
mod drafting;
mod implementation;
mod review;
mod reward;
mod similarity;
mod submission;

pub use attachments::{attach, attachment};
pub use benefit::{BenefitInput, VerifyInput, claim_benefit, verify_benefit};
pub use drafting::{PersonInput, ProposalInput, create, update};
pub use implementation::{ImplementationInput, set_implementation};
pub use review::{DuplicateInput, ReviewInput, mark_duplicate, review};
pub use reward::{RewardInput, grade_amount, reward};
pub use similarity::{
    SIMILAR_SHOWN, SIMILARITY_THRESHOLD, Similar, index_text, joined_text, similar, similar_in,
    text_of,
};
pub use submission::{SubmitInput, Submitted, VersionInput, submit, withdraw};

use super::access::{Loaded, access_to, load};
use super::not_found;
use crate::audit::{Change, record};
use crate::{Caller, Result};
use ingot_domain::proposal::Proposal;
use ingot_domain::{AppError, ProposalId, Timestamp, UserId};
use ingot_store::proposals::{self, ProposalStep};
use ingot_store::{Tx, changes, grants, notifications, proposal_stats};
use std::time::Duration;

/// Loads a proposal the caller can see for a change, checks it is still at `version`, and
/// returns it with the caller's access. The proposal's row stays locked until the transaction
/// ends, so two changes of one proposal run one after the other and the second sees the first.
async fn open(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProposalId,
    version: Option<i64>,
) -> Result<(Loaded, super::Access)> {
    proposals::lock(tx, id).await?;
    view(tx, caller, id, version).await
}

/// `open` without the lock, for reading.
async fn view(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProposalId,
    version: Option<i64>,
) -> Result<(Loaded, super::Access)> {
    let l = load(tx, id).await?;
    let access = access_to(caller, &l).ok_or_else(not_found)?;
    if version.is_some_and(|v| v != l.proposal.version) {
        return Err(AppError::conflict("proposal_changed"));
    }
    Ok((l, access))
}

/// A timeline entry and who hears about it.
struct Happened<'a> {
    kind: &'static str,
    step: Option<i64>,
    comment: Option<&'a str>,
    notify: Vec<UserId>,
    /// Reviewers of a blind step among `notify`: they are not told who acted.
    blind: Vec<UserId>,
}

/// Saves `after` over `before` (refusing if someone changed it meanwhile), keeps the rollup,
/// writes the timeline entry, notifications, audit row and change-log row.
async fn commit_change(
    tx: &mut Tx,
    caller: &Caller<'_>,
    before: &Proposal,
    mut after: Proposal,
    action: &str,
    happened: Option<Happened<'_>>,
) -> Result<Proposal> {
    let now = Timestamp::now();
    after.version = proposals::save(tx, &after, now).await?;
    after.updated_at = now;
    proposal_stats::shift(
        tx,
        before.contribution().as_ref(),
        after.contribution().as_ref(),
    )
    .await?;
    if let Some(h) = happened {
        let event = proposals::add_event(
            tx,
            after.id,
            now,
            caller.user_id(),
            h.kind,
            h.step,
            h.comment,
        )
        .await?;
        let me = caller.user_id();
        let mut recipients: Vec<UserId> = h
            .notify
            .into_iter()
            .filter(|u| Some(*u) != me && !h.blind.contains(u))
            .collect();
        recipients.sort();
        recipients.dedup();
        notifications::notify(tx, &recipients, event, after.id, now, false).await?;
        let mut blind: Vec<UserId> = h.blind.into_iter().filter(|u| Some(*u) != me).collect();
        blind.sort();
        blind.dedup();
        notifications::notify(tx, &blind, event, after.id, now, true).await?;
        crate::outbound::announce_proposal_event(tx, &after, h.kind, now).await?;
    }
    record(
        tx,
        caller,
        Change::new(action, "proposal", after.id.0)
            .label(after.number.clone().unwrap_or_else(|| after.title.clone()))
            .org(after.unit_id)
            .before(&state_of(before))
            .after(&state_of(&after)),
    )
    .await?;
    changes::record(tx, "proposal", after.id.0, "upsert", now).await?;
    Ok(after)
}

/// The part of a proposal the audit log keeps before and after a change.
fn state_of(p: &Proposal) -> serde_json::Value {
    serde_json::json!({
        "status": p.status,
        "title": p.title,
        "unit_id": p.unit_id,
        "category": p.category,
        "current_step": p.current_step,
        "impl_status": p.impl_status,
        "benefit_claimed_cents": p.benefit_claimed_cents,
        "benefit_verified_cents": p.benefit_verified_cents,
        "reward_cents": p.reward_cents,
    })
}

fn named_people(l: &Loaded) -> Vec<UserId> {
    let mut v: Vec<UserId> = l.people.iter().map(|p| p.user_id).collect();
    v.push(l.proposal.proposer_id);
    v
}

/// Separation of duties: nobody named on a proposal reviews it, verifies its benefit or awards
/// its reward; a second person must.
fn own_record() -> AppError {
    AppError::Forbidden { code: "own_record" }
}

/// The holders of a blind step who will see the proposal only as its blind reviewers: not named
/// on it, not readers of its unit. They must not learn who acted on it.
async fn blind_reviewers(
    tx: &mut Tx,
    step: &ProposalStep,
    holders: Vec<UserId>,
    named: &[UserId],
    l: &Loaded,
) -> Result<Vec<UserId>> {
    if !step.blind {
        return Ok(Vec::new());
    }
    let readers = grants::holders_of_roles(
        tx,
        ingot_domain::policy::roles_for(ingot_domain::Action::ViewUnpublished),
        &l.unit.path,
    )
    .await?;
    Ok(holders
        .into_iter()
        .filter(|u| !named.contains(u) && !readers.contains(u))
        .collect())
}

async fn step_holders(tx: &mut Tx, step: &ProposalStep) -> Result<Vec<UserId>> {
    grants::holders(
        tx,
        step.role,
        &ingot_domain::OrgPath::from_stored(step.org_path.clone()),
    )
    .await
}

fn due(from: Timestamp, days: i64) -> Timestamp {
    from.plus(Duration::from_secs(days.max(0) as u64 * 86_400))
}
