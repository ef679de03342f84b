//! Files of a proposal: uploading one (bounded before it is read whole) and downloading it.

use crate::AppState;
use crate::api::ApiCtx;
use crate::api::proposal_dto::{AttachmentDto, FileBytes, UploadForm};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ingot_app::files::{self, MAX_FILE_BYTES};
use ingot_app::proposals as cases;
use ingot_domain::{AppError, AttachmentId, FieldError, ProposalId};
use ingot_store::attachments::NewAttachment;

fn upload_error(e: &MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::Validation(vec![
            FieldError::new("file", "file_too_large").with("max_mb", MAX_FILE_BYTES / 1024 / 1024),
        ])
    } else {
        AppError::Validation(vec![FieldError::new("file", "upload_malformed")])
    }
}

/// Reads the `file` field, keeping at most one byte more than a file may have (enough for the
/// check to refuse it) and reading the rest of the body so that the client gets the answer.
pub(in crate::api) async fn read_upload(
    multipart: &mut Multipart,
) -> Result<(String, Vec<u8>), AppError> {
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(mut field) = multipart.next_field().await.map_err(|e| upload_error(&e))? {
        let wanted = file.is_none() && field.name() == Some("file");
        let name = field.file_name().unwrap_or_default().to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|e| upload_error(&e))? {
            if wanted && bytes.len() <= MAX_FILE_BYTES {
                let room = MAX_FILE_BYTES + 1 - bytes.len();
                bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
        }
        if wanted {
            file = Some((name, bytes));
        }
    }
    Ok(file.unwrap_or_default())
}

/// Attaches a file (multipart field `file`): images, PDF or office documents up to 10 MB whose
/// contents match their name. While a draft or returned, the proposer attaches; once adopted,
/// those implementing it.
#[utoipa::path(post, path = "/proposals/{id}/attachments", tag = "proposals", params(("id" = i64, Path)),
    request_body(content = inline(UploadForm), content_type = "multipart/form-data"),
    responses((status = 201, body = AttachmentDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`file`: `file_too_large`, `file_type_not_allowed`, `file_content_mismatch`, `file_empty`, `file_missing`, `too_many_files`")),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn upload_attachment(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<ProposalId>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, Failure> {
    let mut multipart = multipart.map_err(|_| AppError::field("file", "upload_malformed"))?;
    let (name, bytes) = read_upload(&mut multipart).await?;
    let (filename, content_type) = files::check(&name, &bytes)?;
    let sha256 = files::sha256_hex(&bytes);
    let caller = api.caller();
    let mut tx = state.db.begin().await?;
    let attachment = cases::attach(
        &mut tx,
        &caller,
        id,
        &NewAttachment {
            proposal_id: id,
            sha256: &sha256,
            size: bytes.len() as i64,
            content_type,
            filename: &filename,
            uploaded_by: api.actor.user_id,
        },
    )
    .await?;
    // Stored before the row is committed, so that a row never names a missing file.
    state.files.put(bytes).await?;
    tx.commit().await?;
    let mut tx = state.db.read().await?;
    let a = cases::attachment(&mut tx, &caller, attachment).await?;
    Ok((StatusCode::CREATED, Json(AttachmentDto::from(a))).into_response())
}

/// Downloads an attached file, as it was uploaded.
#[utoipa::path(get, path = "/attachments/{id}", tag = "proposals", params(("id" = i64, Path)),
    responses((status = 200, body = FileBytes, content_type = "application/octet-stream",
            description = "The file, with its own Content-Type and `Content-Disposition: attachment`"),
        (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn download_attachment(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<AttachmentId>,
) -> Result<Response, Failure> {
    let a = {
        let mut tx = state.db.read().await?;
        cases::attachment(&mut tx, &api.caller(), id).await?
    };
    let bytes = state.files.get(&a.sha256).await?;
    Ok(crate::pages::proposals::actions::attachment_response(
        &a, bytes,
    ))
}
