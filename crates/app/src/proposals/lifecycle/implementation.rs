//! Implementing an adopted proposal: who, by when, and how far it is.

use super::{Happened, commit_change, named_people, open};
use crate::{Caller, Result};
use ingot_domain::proposal::{ImplStatus, Proposal, Status, event};
use ingot_domain::time::Date;
use ingot_domain::validate::Validator;
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
    let mut v = Validator::new();
    let owner = match users::get_by_username(tx, &input.owner.trim().to_lowercase()).await? {
        Some(u) => Some(u),
        None => {
            v.add(if input.owner.trim().is_empty() {
                FieldError::new("owner", "required")
            } else {
                FieldError::new("owner", "unknown_user").with("username", input.owner.trim())
            });
            None
        }
    };
    let offset = caller.origin.utc_offset_ms;
    let due_at = match Date::parse(&input.due) {
        Some(d) => Some(d.start(offset)),
        None => {
            v.add(if input.due.trim().is_empty() {
                FieldError::new("due", "required")
            } else {
                FieldError::new("due", "not_a_date")
            });
            None
        }
    };
    let status = ImplStatus::parse(&input.status);
    if status.is_none() {
        v.add(FieldError::new("status", "unknown_status"));
    }
    v.finish()?;
    let (owner, status) = match (owner, status) {
        (Some(o), Some(s)) => (o, s),
        _ => return Err(AppError::internal("checked above")),
    };
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
