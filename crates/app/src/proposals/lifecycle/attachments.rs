//! Files on a proposal: recording an upload, and the download of one the caller may see.

use super::{open, view};
use crate::audit::{Change, record};
use crate::{Caller, Result};
use ingot_domain::proposal::event;
use ingot_domain::{AppError, FieldError, ProposalId, Timestamp};
use ingot_store::{Tx, proposals};

/// Records an uploaded file (already checked and stored by hash) on a proposal.
pub async fn attach(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProposalId,
    file: &ingot_store::attachments::NewAttachment<'_>,
) -> Result<ingot_domain::AttachmentId> {
    let (l, access) = open(tx, caller, id, None).await?;
    if !access.attach {
        if access.named {
            return Err(AppError::conflict("proposal_not_editable"));
        }
        return Err(AppError::forbidden());
    }
    let existing = ingot_store::attachments::list(tx, id).await?;
    if existing.len() >= crate::files::MAX_FILES_PER_PROPOSAL {
        return Err(AppError::Validation(vec![
            FieldError::new("file", "too_many_files")
                .with("max", crate::files::MAX_FILES_PER_PROPOSAL),
        ]));
    }
    let now = Timestamp::now();
    let attachment = ingot_store::attachments::insert(tx, file, now).await?;
    proposals::add_event(
        tx,
        id,
        now,
        caller.user_id(),
        event::ATTACHED,
        None,
        Some(file.filename),
    )
    .await?;
    record(
        tx,
        caller,
        Change::new("proposal.attach", "proposal", id.0)
            .label(l.proposal.number.clone().unwrap_or(l.proposal.title.clone()))
            .org(l.proposal.unit_id)
            .after(&serde_json::json!({"file": file.filename, "sha256": file.sha256, "size": file.size})),
    )
    .await?;
    Ok(attachment)
}

/// An attachment the caller may download.
pub async fn attachment(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ingot_domain::AttachmentId,
) -> Result<ingot_store::attachments::Attachment> {
    let a = ingot_store::attachments::get(tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("attachment"))?;
    view(tx, caller, a.proposal_id, None)
        .await
        .map_err(|e| match e {
            AppError::NotFound { .. } => AppError::not_found("attachment"),
            e => e,
        })?;
    Ok(a)
}
