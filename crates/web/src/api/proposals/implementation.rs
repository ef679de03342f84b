//! After adoption: who implements the proposal and by when, the benefit claimed and verified,
//! and the reward split among its people.

use super::detail_of;
use crate::AppState;
use crate::api::proposal_dto::ProposalDetailDto;
use crate::api::{ApiCtx, JsonBody};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Path, State};
use ingot_app::proposals::{
    self as cases, BenefitInput, ImplementationInput, RewardInput, VerifyInput,
};
use ingot_domain::ProposalId;

/// Sets who implements an adopted proposal, by when, and how far it is; `done` makes it
/// implemented.
#[utoipa::path(post, path = "/proposals/{id}/implementation", tag = "proposals", params(("id" = i64, Path)), request_body = ImplementationInput,
    responses((status = 200, body = ProposalDetailDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn set_implementation(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<ProposalId>,
    JsonBody(input): JsonBody<ImplementationInput>,
) -> Result<Json<ProposalDetailDto>, Failure> {
    let mut tx = state.db.begin().await?;
    cases::set_implementation(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(Json(detail_of(&state, &api, id).await?))
}

/// Claims the benefit of an implemented proposal, with its calculation. A claim may be
/// replaced until finance verifies it (then 409 `benefit_locked`).
#[utoipa::path(post, path = "/proposals/{id}/benefit", tag = "proposals", params(("id" = i64, Path)), request_body = BenefitInput,
    responses((status = 200, body = ProposalDetailDto), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`benefit_locked`, `proposal_not_implemented` or `proposal_changed`"),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn claim_benefit(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<ProposalId>,
    JsonBody(input): JsonBody<BenefitInput>,
) -> Result<Json<ProposalDetailDto>, Failure> {
    let mut tx = state.db.begin().await?;
    cases::claim_benefit(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(Json(detail_of(&state, &api, id).await?))
}

/// Finance confirms or corrects the claimed benefit; the figure is then locked.
#[utoipa::path(post, path = "/proposals/{id}/benefit/verify", tag = "proposals", params(("id" = i64, Path)), request_body = VerifyInput,
    responses((status = 200, body = ProposalDetailDto), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`benefit_locked`, `benefit_not_claimed` or `proposal_changed`"),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn verify_benefit(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<ProposalId>,
    JsonBody(input): JsonBody<VerifyInput>,
) -> Result<Json<ProposalDetailDto>, Failure> {
    let mut tx = state.db.begin().await?;
    cases::verify_benefit(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(Json(detail_of(&state, &api, id).await?))
}

/// Decides the reward, by grade or as a percentage of the verified benefit, split among the
/// people by their shares (the parts add up to the reward exactly).
#[utoipa::path(post, path = "/proposals/{id}/reward", tag = "proposals", params(("id" = i64, Path)), request_body = RewardInput,
    responses((status = 200, body = ProposalDetailDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn reward_proposal(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<ProposalId>,
    JsonBody(input): JsonBody<RewardInput>,
) -> Result<Json<ProposalDetailDto>, Failure> {
    let mut tx = state.db.begin().await?;
    cases::reward(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(Json(detail_of(&state, &api, id).await?))
}
