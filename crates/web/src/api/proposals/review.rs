//! The review: a reviewer acting at the current step, and marking a proposal as a duplicate.

use super::detail_of;
use crate::AppState;
use crate::api::proposal_dto::ProposalDetailDto;
use crate::api::{ApiCtx, JsonBody};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Path, State};
use ingot_app::proposals::{self as cases, DuplicateInput, ReviewInput};
use ingot_domain::ProposalId;

/// A reviewer acts at the current step. Of two reviewers acting on the same version, the
/// second gets 409 `proposal_changed`.
#[utoipa::path(post, path = "/proposals/{id}/review", tag = "proposals", params(("id" = i64, Path)), request_body = ReviewInput,
    responses((status = 200, body = ProposalDetailDto), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`proposal_changed` or `review_out_of_order`"),
        (status = 422, body = ErrorBody, description = "`comment`: a reason is required to reject or return")),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn review_proposal(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<ProposalId>,
    JsonBody(input): JsonBody<ReviewInput>,
) -> Result<Json<ProposalDetailDto>, Failure> {
    let mut tx = state.db.begin().await?;
    cases::review(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(Json(detail_of(&state, &api, id).await?))
}

/// Marks the proposal as a duplicate of an earlier one of the same enterprise.
#[utoipa::path(post, path = "/proposals/{id}/duplicate", tag = "proposals", params(("id" = i64, Path)), request_body = DuplicateInput,
    responses((status = 200, body = ProposalDetailDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn mark_duplicate(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<ProposalId>,
    JsonBody(input): JsonBody<DuplicateInput>,
) -> Result<Json<ProposalDetailDto>, Failure> {
    let mut tx = state.db.begin().await?;
    cases::mark_duplicate(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(Json(detail_of(&state, &api, id).await?))
}
