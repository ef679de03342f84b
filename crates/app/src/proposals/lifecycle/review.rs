//! The review at each step of the enterprise's workflow (forward, adopt, reject, return) and
//! marking a proposal as a duplicate of an earlier one.

use super::{
    Happened, blind_reviewers, commit_change, due, named_people, open, own_record, step_holders,
};
use crate::{Caller, Result};
use ingot_domain::proposal::{self as rules, Proposal, ReviewAction, Status, event};
use ingot_domain::validate::Validator;
use ingot_domain::{AppError, FieldError, ProposalId, Timestamp};
use ingot_store::{Tx, proposals};

/// What a reviewer does at the current step, and why.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ReviewBody)]
pub struct ReviewInput {
    pub action: ReviewAction,
    /// Required to reject or return; at most 1000 characters.
    #[serde(default)]
    pub comment: String,
    /// The version last read; if the proposal changed since, 409 `proposal_changed`.
    #[serde(default)]
    pub version: Option<i64>,
}

/// The earlier proposal this one repeats.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = DuplicateBody)]
pub struct DuplicateInput {
    /// The earlier proposal of the same enterprise this one repeats.
    #[schema(value_type = i64)]
    pub of: ProposalId,
    /// The version last read; if the proposal changed since, 409 `proposal_changed`.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A reviewer acts at the current step: forward, adopt, reject (with a reason) or return.
pub async fn review(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProposalId,
    input: &ReviewInput,
) -> Result<Proposal> {
    let mut v = Validator::new();
    let comment = v.optional_text("comment", Some(&input.comment), rules::REASON_MAX);
    if matches!(input.action, ReviewAction::Reject | ReviewAction::Return) && comment.is_none() {
        v.add(FieldError::new("comment", "reason_required"));
    }
    v.finish()?;
    let (l, access) = open(tx, caller, id, input.version).await?;
    if l.proposal.status != Status::InReview {
        return Err(AppError::conflict_on("action", "review_out_of_order"));
    }
    if access.named {
        return Err(own_record());
    }
    if !access.review {
        return Err(AppError::forbidden());
    }
    let position = l.proposal.current_step.unwrap_or(1);
    let total = l.steps.len() as i64;
    let status = input.action.outcome(position, total)?;
    let now = Timestamp::now();
    let before = l.proposal.clone();
    let mut notify = named_people(&l);
    let mut blind = Vec::new();
    let mut p = l.proposal.clone();
    p.status = status;
    let kind = match input.action {
        ReviewAction::Forward => {
            let next = l
                .steps
                .iter()
                .find(|s| s.position == position + 1)
                .ok_or_else(|| AppError::internal("missing next step"))?;
            p.current_step = Some(next.position);
            p.step_due_at = Some(due(now, next.due_days));
            let holders = step_holders(tx, next).await?;
            blind = blind_reviewers(tx, next, holders.clone(), &notify, &l).await?;
            notify.extend(holders);
            event::FORWARDED
        }
        ReviewAction::Adopt => {
            p.current_step = None;
            p.step_due_at = None;
            p.decided_at = Some(now);
            event::ADOPTED
        }
        ReviewAction::Reject => {
            p.current_step = None;
            p.step_due_at = None;
            p.decided_at = Some(now);
            p.reject_reason = comment.clone();
            event::REJECTED
        }
        ReviewAction::Return => {
            p.current_step = None;
            p.step_due_at = None;
            event::RETURNED
        }
    };
    commit_change(
        tx,
        caller,
        &before,
        p,
        "proposal.review",
        Some(Happened {
            kind,
            step: Some(position),
            comment: comment.as_deref(),
            notify,
            blind,
        }),
    )
    .await
}

/// Marks a proposal as a duplicate of an earlier one in the same enterprise. The earlier one
/// keeps its proposer as first: credit goes to whoever raised it first.
pub async fn mark_duplicate(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProposalId,
    input: &DuplicateInput,
) -> Result<Proposal> {
    let of = input.of;
    let (l, access) = open(tx, caller, id, input.version).await?;
    if !access.mark_duplicate {
        if caller.permits(ingot_domain::Action::MarkDuplicate, &l.unit.path) {
            return Err(AppError::conflict("proposal_not_open"));
        }
        return Err(AppError::forbidden());
    }
    let original = proposals::get(tx, of)
        .await?
        .filter(|o| o.enterprise_id == l.proposal.enterprise_id && o.id != id)
        .ok_or_else(|| AppError::field("duplicate_of", "unknown_proposal"))?;
    let earlier = match (original.submitted_at, l.proposal.submitted_at) {
        (Some(o), Some(p)) => (o, original.id) < (p, id),
        (Some(_), None) => true,
        _ => false,
    };
    if !earlier
        || matches!(
            original.status,
            Status::Draft | Status::Withdrawn | Status::Duplicate
        )
    {
        return Err(AppError::field("duplicate_of", "duplicate_not_earlier"));
    }
    let notify = named_people(&l);
    let before = l.proposal.clone();
    let mut p = l.proposal;
    p.status = Status::Duplicate;
    p.duplicate_of = Some(original.id);
    p.current_step = None;
    p.step_due_at = None;
    p.decided_at = Some(Timestamp::now());
    let comment = original.number.clone().unwrap_or(original.title.clone());
    commit_change(
        tx,
        caller,
        &before,
        p,
        "proposal.duplicate",
        Some(Happened {
            kind: event::DUPLICATE,
            step: None,
            comment: Some(&comment),
            notify,
            blind: Vec::new(),
        }),
    )
    .await
}
