//! Declarations: attaching a record within a unit's quota, the formal check (accept, or return
//! for correction), resubmission, and forwarding a lower round's winner to the campaign above.

use super::IdDto;
use crate::AppState;
use crate::api::{ApiCtx, JsonBody};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ingot_app::campaigns as cases;
use ingot_domain::{CampaignId, DeclarationId};

/// Declares a record (attached by id, not retyped) within the participating unit's quota.
/// Ineligible records are refused with every reason (`quota_exceeded`,
/// `first_completer_not_in_unit`, `record_year_outside`, ...).
#[utoipa::path(post, path = "/campaigns/{id}/declarations", tag = "campaigns", params(("id" = i64, Path)),
    request_body = cases::DeclareInput,
    responses((status = 201, body = IdDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn declare(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<CampaignId>,
    JsonBody(input): JsonBody<cases::DeclareInput>,
) -> Result<Response, Failure> {
    let mut tx = state.db.begin().await?;
    let d = cases::declare(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(IdDto { id: d.0 })).into_response())
}

/// The formal check: accept, or return with reasons and a correction deadline.
#[utoipa::path(post, path = "/declarations/{id}/check", tag = "campaigns", params(("id" = i64, Path)),
    request_body = cases::CheckInput,
    responses((status = 204), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn check(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<DeclarationId>,
    JsonBody(input): JsonBody<cases::CheckInput>,
) -> Result<StatusCode, Failure> {
    let mut tx = state.db.begin().await?;
    cases::check(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sends a returned declaration for checking again once its record is corrected.
#[utoipa::path(post, path = "/declarations/{id}/resubmit", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 204), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn resubmit(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<DeclarationId>,
) -> Result<StatusCode, Failure> {
    let mut tx = state.db.begin().await?;
    cases::resubmit(&mut tx, &api.caller(), id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Forwards a winner of a lower federation's announced round to the campaign above it.
#[utoipa::path(post, path = "/declarations/{id}/forward", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 201, body = IdDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn forward(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<DeclarationId>,
) -> Result<Response, Failure> {
    let mut tx = state.db.begin().await?;
    let d = cases::forward(&mut tx, &api.caller(), id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(IdDto { id: d.0 })).into_response())
}
