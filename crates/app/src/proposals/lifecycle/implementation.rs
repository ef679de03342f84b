//! Implementing an adopted proposal: who, by when, and how far it is.

use super::{Happened, commit_change, named_people, open};
use crate::{Caller, Result};
use ingot_domain::proposal::{ImplStatus, Proposal, Status, event};
use ingot_domain::validate::{Checked, Validator, date, problem};
use ingot_domain::{AppError, FieldError, ProposalId, Timestamp};
use ingot_store::{Tx, users};

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ImplementationInput {
    /// Username of the person responsible.
    pub owner: String,
    /// `YYYY-MM-DD`.
    pub due: String,
    pub status: String,
    pub version: Option<i64>,
}

/// Sets who implements an adopted proposal, by when, and how far it is; `done` makes it
/// implemented.
pub async fn set_implementation(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProposalId,
    input: &ImplementationInput,
) -> Result<Proposal> {
    let (l, access) = open(tx, caller, id, input.version).await?;
    if !caller.permits(ingot_domain::Action::ManageImplementation, &l.unit.path) {
        return Err(AppError::forbidden());
    }
    if !access.implement {
        return Err(AppError::conflict("proposal_not_adopted"));
    }
    let v = Validator::new();
    let owner_name = input.owner.trim();
    let owner: Checked<_> = match users::get_by_username(tx, &owner_name.to_lowercase()).await? {
        Some(u) => Ok(u),
        None if owner_name.is_empty() => problem(FieldError::new("owner", "required")),
        None => problem(FieldError::new("owner", "unknown_user").with("username", owner_name)),
    };
    let offset = caller.origin.utc_offset_ms;
    let due: Checked<Timestamp> = date("due", &input.due).map(|d| d.start(offset));
    let status: Checked<ImplStatus> = ImplStatus::parse(&input.status)
        .ok_or_else(|| vec![FieldError::new("status", "unknown_status")]);
    let (owner, due_at, status) = v.finish_with((owner, due, status))?;
    let due_at = Some(due_at);
    let now = Timestamp::now();
    let mut notify = named_people(&l);
    notify.push(owner.id);
    let before = l.proposal.clone();
    let mut p = l.proposal;
    p.impl_owner_id = Some(owner.id);
    p.impl_due_at = due_at;
    p.impl_status = Some(status);
    let kind = if status == ImplStatus::Done && p.status == Status::Adopted {
        p.status = Status::Implemented;
        p.implemented_at = Some(now);
        event::IMPLEMENTED
    } else {
        if status != ImplStatus::Done && p.status == Status::Implemented {
            // Reopening: it no longer counts as implemented.
            p.status = Status::Adopted;
            p.implemented_at = None;
        }
        event::IMPLEMENTATION
    };
    let comment = format!(
        "{} · {} · {}",
        owner.display_name,
        input.due.trim(),
        status.as_str()
    );
    commit_change(
        tx,
        caller,
        &before,
        p,
        "proposal.implementation",
        Some(Happened {
            kind,
            step: None,
            comment: Some(&comment),
            notify,
            blind: Vec::new(),
        }),
    )
    .await
}
