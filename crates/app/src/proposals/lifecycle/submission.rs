//! The proposer sends a proposal into review, or takes it back.

use super::{Happened, blind_reviewers, commit_change, due, named_people, open, step_holders};
use crate::proposals::{Similar, similar_in, text_of};
use crate::{Caller, Result};
use ingot_domain::proposal::{self as rules, Proposal, Status, event};
use ingot_domain::time::Date;
use ingot_domain::{AppError, ProposalId, Timestamp};
use ingot_store::{Tx, proposal_config, proposals};

pub enum Submitted {
    Done(Box<Proposal>),
    /// Not submitted: similar proposals exist and the proposer has not yet seen them.
    SimilarFound(Vec<Similar>),
}

/// Sending a proposal into review.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = SubmitBody)]
pub struct SubmitInput {
    /// The version last read; if the proposal changed since, 409 `proposal_changed`.
    #[serde(default)]
    pub version: Option<i64>,
    /// Submit even though similar proposals exist (after showing them to the proposer).
    #[serde(default)]
    pub seen_similar: bool,
}

/// An action that needs nothing but the version the caller last read.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = VersionBody)]
pub struct VersionInput {
    /// The version last read; if the proposal changed since, 409 `proposal_changed`.
    #[serde(default)]
    pub version: Option<i64>,
}

/// Sends a draft (or returned proposal) into review at the first step of the enterprise's
/// workflow. Unless `seen_similar`, stops first when similar proposals exist.
pub async fn submit(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProposalId,
    input: &SubmitInput,
) -> Result<Submitted> {
    let seen_similar = input.seen_similar;
    let (l, access) = open(tx, caller, id, input.version).await?;
    if !access.is_proposer {
        return Err(AppError::forbidden());
    }
    if !access.submit {
        return Err(AppError::conflict("proposal_not_editable"));
    }
    if !seen_similar {
        let found = similar_in(
            tx,
            l.proposal.enterprise_id,
            &text_of(&l.proposal),
            Some(id),
            None,
        )
        .await?;
        if !found.is_empty() {
            return Ok(Submitted::SimilarFound(found));
        }
    }
    let now = Timestamp::now();
    let offset = caller.origin.utc_offset_ms;
    let mut steps = proposal_config::steps(tx, l.proposal.enterprise_id).await?;
    if steps.is_empty() {
        steps = rules::default_steps(l.proposal.enterprise_id);
    }
    proposals::set_steps(tx, id, &steps, l.proposal.unit_id).await?;
    let snapshot = proposals::steps(tx, id).await?;
    let first = snapshot
        .first()
        .ok_or_else(|| AppError::internal("workflow without steps"))?
        .clone();
    let holders = step_holders(tx, &first).await?;
    let named = named_people(&l);
    let blind = blind_reviewers(tx, &first, holders.clone(), &named, &l).await?;
    let mut notify = holders;
    notify.extend(named);
    let before = l.proposal.clone();
    let mut p = l.proposal;
    let today = Date::of(now, offset);
    if p.number.is_none() {
        let enterprise = crate::orgs::get(tx, p.enterprise_id).await?;
        let n = proposals::next_number(tx, p.enterprise_id, i64::from(today.year)).await?;
        p.number = Some(rules::number(&enterprise.code, today.year, n));
    }
    p.submitted_at.get_or_insert(now);
    p.period.get_or_insert(today.period());
    p.status = Status::InReview;
    p.current_step = Some(1);
    p.step_due_at = Some(due(now, first.due_days));
    p.reject_reason = None;
    let saved = commit_change(
        tx,
        caller,
        &before,
        p,
        "proposal.submit",
        Some(Happened {
            kind: event::SUBMITTED,
            step: Some(1),
            comment: None,
            notify,
            blind,
        }),
    )
    .await?;
    Ok(Submitted::Done(Box::new(saved)))
}

/// The proposer takes a proposal back (a draft, or one still in review or returned).
pub async fn withdraw(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProposalId,
    input: &VersionInput,
) -> Result<Proposal> {
    let (l, access) = open(tx, caller, id, input.version).await?;
    if !access.is_proposer {
        return Err(AppError::forbidden());
    }
    if !access.withdraw {
        return Err(AppError::conflict("proposal_not_withdrawable"));
    }
    let notify = named_people(&l);
    let before = l.proposal.clone();
    let mut p = l.proposal;
    p.status = Status::Withdrawn;
    p.current_step = None;
    p.step_due_at = None;
    commit_change(
        tx,
        caller,
        &before,
        p,
        "proposal.withdraw",
        Some(Happened {
            kind: event::WITHDRAWN,
            step: None,
            comment: None,
            notify,
            blind: Vec::new(),
        }),
    )
    .await
}
