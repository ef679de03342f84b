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
use ingot_domain::time::Date;
use ingot_domain::{CampaignId, DeclarationId, Timestamp};
use serde::Serialize;
use utoipa::ToSchema;

/// A record the caller may declare: an achievement, a skill or method, an implemented proposal
/// or a person (their user id), as the campaign's kind takes.
#[derive(Serialize, ToSchema)]
pub struct DeclarableDto {
    /// The `record_id` to declare.
    pub id: i64,
    /// The record's title, or the person's name.
    pub title: String,
    pub unit_name: String,
    pub year: Option<i64>,
    /// An achievement's or a proposal's verified benefit in fen.
    pub benefit_verified_cents: Option<i64>,
}

/// What the caller may declare to the campaign now (at most 200): of its kind, within the
/// caller's declaring units and its record years, not declared yet. Empty outside the
/// declaration stage or for a caller who may not declare.
#[utoipa::path(get, path = "/campaigns/{id}/declarable", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<DeclarableDto>), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn declarable(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<CampaignId>,
) -> Result<Json<Vec<DeclarableDto>>, Failure> {
    let mut tx = state.db.read().await?;
    let caller = api.caller();
    let today = Date::of(Timestamp::now(), state.config.utc_offset_ms());
    let detail = cases::detail(&mut tx, Some(&caller), id, today).await?;
    let items = cases::declarable(&mut tx, &caller, &detail).await?;
    Ok(Json(
        items
            .into_iter()
            .map(|c| DeclarableDto {
                id: c.id,
                title: c.title,
                unit_name: c.unit_name,
                year: c.year,
                benefit_verified_cents: c.benefit_verified_cents,
            })
            .collect(),
    ))
}

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
