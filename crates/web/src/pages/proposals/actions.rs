//! The forms on a proposal's page: review, duplicate, implementation, benefit, reward, files.

use super::show_page;
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::{FormErrors, is_form_error};
use crate::pages::{done, form_command};
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use ingot_app::proposals::{
    self as cases, BenefitInput, DuplicateInput, ImplementationInput, ReviewInput, RewardInput,
    VerifyInput,
};
use ingot_domain::{AppError, AttachmentId, ProposalId};
use ingot_store::attachments::NewAttachment;

/// Redirects on success; shows the page again with the problem otherwise.
async fn finish<T>(
    state: &AppState,
    ctx: PageCtx,
    id: ProposalId,
    result: Result<T, AppError>,
    flash: &'static str,
) -> Result<Response, Failure> {
    match result {
        Ok(_) => Ok(done(&format!("/proposals/{id}"), flash)),
        Err(e) if is_form_error(&e) || matches!(e, AppError::Conflict { .. }) => {
            // A conflict (someone acted first, a step out of order) is 409 like in the API.
            let status = if matches!(e, AppError::Conflict { .. }) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            show_page(state, ctx, id, errors, status).await
        }
        Err(e) => Err(Failure(e)),
    }
}

form_command!(
    review,
    ProposalId,
    ReviewInput,
    cases::review,
    "proposal_reviewed"
);
form_command!(
    duplicate,
    ProposalId,
    DuplicateInput,
    cases::mark_duplicate,
    "proposal_marked_duplicate"
);
form_command!(
    implementation,
    ProposalId,
    ImplementationInput,
    cases::set_implementation,
    "saved"
);
form_command!(
    benefit,
    ProposalId,
    BenefitInput,
    cases::claim_benefit,
    "benefit_claimed"
);
form_command!(
    verify,
    ProposalId,
    VerifyInput,
    cases::verify_benefit,
    "benefit_verified"
);
form_command!(reward, ProposalId, RewardInput, cases::reward, "rewarded");

/// Reads the `file` field of a multipart form, refusing more than the limit while reading.
pub async fn read_file_field(mut multipart: Multipart) -> Result<(String, Vec<u8>), AppError> {
    let limit = ingot_app::files::MAX_FILE_BYTES;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::field("file", "upload_malformed"))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("").to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::Validation(vec![
                    ingot_domain::FieldError::new("file", "file_too_large")
                        .with("max_mb", limit / 1024 / 1024),
                ])
            } else {
                AppError::field("file", "upload_malformed")
            }
        })? {
            if bytes.len() + chunk.len() > limit {
                return Err(AppError::Validation(vec![
                    ingot_domain::FieldError::new("file", "file_too_large")
                        .with("max_mb", limit / 1024 / 1024),
                ]));
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok((name, bytes));
    }
    Err(AppError::field("file", "file_missing"))
}

/// Checks, stores by hash, and records an upload on a proposal.
pub async fn store_upload(
    state: &AppState,
    ctx_caller: &ingot_app::Caller<'_>,
    id: ProposalId,
    name: &str,
    bytes: Vec<u8>,
) -> Result<AttachmentId, AppError> {
    let (filename, content_type) = ingot_app::files::check(name, &bytes)?;
    // Refuse early (and store nothing) when the caller may not attach here.
    {
        let mut tx = state.db.read().await?;
        let access = cases::view_access(&mut tx, ctx_caller, id).await?;
        if !access.attach {
            return Err(if access.named {
                AppError::conflict("proposal_not_editable")
            } else {
                AppError::forbidden()
            });
        }
    }
    let size = bytes.len() as i64;
    let sha256 = state.files.put(bytes).await?;
    let uploaded_by = ctx_caller.user_id().ok_or_else(AppError::forbidden)?;
    let mut tx = state.db.begin().await?;
    let attachment = cases::attach(
        &mut tx,
        ctx_caller,
        id,
        &NewAttachment {
            proposal_id: id,
            sha256: &sha256,
            size,
            content_type,
            filename: &filename,
            uploaded_by,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(attachment)
}

pub async fn attach(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<ProposalId>,
    multipart: Multipart,
) -> Result<Response, Failure> {
    let result = async {
        let (name, bytes) = read_file_field(multipart).await?;
        let caller = ctx.caller().map_err(|f| f.0)?;
        store_upload(&state, &caller, id, &name, bytes).await
    }
    .await;
    finish(&state, ctx, id, result, "file_attached").await
}

/// An attachment's bytes as a download: its checked content type, never sniffed, and its name
/// as `filename*=UTF-8''...`, so Chinese names survive and nothing can break out of the header.
pub fn attachment_response(a: &ingot_store::attachments::Attachment, bytes: Vec<u8>) -> Response {
    let disposition = format!(
        "attachment; filename*=UTF-8''{}",
        crate::forms::encode(&a.filename)
    );
    (
        [
            (header::CONTENT_TYPE, a.content_type.clone()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response()
}

pub async fn download(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<AttachmentId>,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let a = {
        let mut tx = state.db.read().await?;
        cases::attachment(&mut tx, &caller, id).await?
    };
    let bytes = state.files.get(&a.sha256).await?;
    Ok(attachment_response(&a, bytes))
}
