//! Implementing an adopted proposal: who, by when, and how far it is.

use super::{Happened, commit_change, named_people, open};
use crate::{Caller, Result};
use ingot_domain::proposal::{ImplStatus, Proposal, Status, event};
use ingot_domain::validate::{Checked, Validator, date, problem};
use ingot_domain::{AppError, FieldError, ProposalId, Timestamp};
use ingot_store::{Tx, users};

/// Who implements an adopted proposal, by when, and how far it is.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ImplementationBody)]
pub struct ImplementationInput {
    /// Username of the person responsible.
    #[serde(default)]
    pub owner: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub due: String,
    pub status: ImplStatus,
    /// The version last read; if the proposal changed since, 409 `proposal_changed`.
    #[serde(default)]
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
    let status = input.status;
    let (owner, due_at) = v.finish_with((owner, due))?;
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
