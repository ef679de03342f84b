//! A studio's people and their record over the API: adding members, recording a member leaving,
//! honours of the lead or a member (which naming calls' eligibility rules read), and the outputs
//! ledger.

use super::{StudioDetailDto, detail_of};
use crate::AppState;
use crate::api::{ApiCtx, JsonBody};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Path, State};
use ingot_app::studios as cases;
use ingot_domain::MemberId;
use ingot_domain::StudioId;

/// Adds a member (by username) from a date.
#[utoipa::path(post, path = "/studios/{id}/members", tag = "studios", params(("id" = i64, Path)), request_body = cases::MemberInput,
    responses((status = 200, body = StudioDetailDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn add_member(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<StudioId>,
    JsonBody(input): JsonBody<cases::MemberInput>,
) -> Result<Json<StudioDetailDto>, Failure> {
    studio_change!(state, api, id, |tx, c| cases::add_member(
        &mut tx, &c, id, &input
    )
    .await?)
}

/// Records a member leaving (never the lead).
#[utoipa::path(post, path = "/studios/{id}/members/{member}/leave", tag = "studios", params(("id" = i64, Path), ("member" = i64, Path)), request_body = cases::LeaveInput,
    responses((status = 200, body = StudioDetailDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn member_leaves(
    State(state): State<AppState>,
    api: ApiCtx,
    Path((id, member)): Path<(StudioId, MemberId)>,
    JsonBody(input): JsonBody<cases::LeaveInput>,
) -> Result<Json<StudioDetailDto>, Failure> {
    studio_change!(state, api, id, |tx, c| cases::member_leaves(
        &mut tx, &c, id, member, &input
    )
    .await?)
}

/// Hands the studio to a new lead (from its enterprise) from a day, with the reason: the former
/// lead leaves or, with `former_stays`, stays as a member; the studio's history records it.
/// For the unit's administrators (not the lead alone).
#[utoipa::path(post, path = "/studios/{id}/lead", tag = "studios", params(("id" = i64, Path)), request_body = cases::LeadChangeInput,
    responses((status = 200, body = StudioDetailDto), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`studio_changed`"), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn change_lead(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<StudioId>,
    JsonBody(input): JsonBody<cases::LeadChangeInput>,
) -> Result<Json<StudioDetailDto>, Failure> {
    studio_change!(state, api, id, |tx, c| cases::change_lead(
        &mut tx, &c, id, &input
    )
    .await?)
}

/// Moves the studio to another unit (`unit_id`, or `unit_code`) from a day, with the reason,
/// when its unit is merged or reorganised. The caller must manage studios at both units, and
/// everyone in the studio must work in the new unit's enterprise.
#[utoipa::path(post, path = "/studios/{id}/unit", tag = "studios", params(("id" = i64, Path)), request_body = cases::UnitChangeInput,
    responses((status = 200, body = StudioDetailDto), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`studio_changed`"), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn change_unit(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<StudioId>,
    JsonBody(input): JsonBody<cases::UnitChangeInput>,
) -> Result<Json<StudioDetailDto>, Failure> {
    studio_change!(state, api, id, |tx, c| cases::change_unit(
        &mut tx, &c, id, &input
    )
    .await?)
}

/// Records an honour of the lead (or a member), which naming calls' eligibility rules read.
#[utoipa::path(post, path = "/studios/{id}/honours", tag = "studios", params(("id" = i64, Path)), request_body = cases::HonourInput,
    responses((status = 200, body = StudioDetailDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn add_honour(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<StudioId>,
    JsonBody(input): JsonBody<cases::HonourInput>,
) -> Result<Json<StudioDetailDto>, Failure> {
    studio_change!(state, api, id, |tx, c| cases::add_honour(
        &mut tx, &c, id, &input
    )
    .await?)
}

/// Adds a row to the outputs ledger.
#[utoipa::path(post, path = "/studios/{id}/outputs", tag = "studios", params(("id" = i64, Path)), request_body = cases::OutputInput,
    responses((status = 200, body = StudioDetailDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn add_output(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<StudioId>,
    JsonBody(input): JsonBody<cases::OutputInput>,
) -> Result<Json<StudioDetailDto>, Failure> {
    studio_change!(state, api, id, |tx, c| cases::add_output(
        &mut tx, &c, id, &input
    )
    .await?)
}
