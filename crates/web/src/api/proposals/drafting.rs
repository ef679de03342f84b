//! The list, reading one proposal, and its proposer's part: drafting, changing, submitting
//! (after the check for similar proposals) and withdrawing.

use super::{detail_of, filter_of, visible_items};
use crate::AppState;
use crate::api::proposal_dto::{
    ProposalDetailDto, ProposalListDto, ProposalListQuery, SimilarDto, SimilarFoundBody,
    UpdateProposalBody,
};
use crate::api::{ApiCtx, JsonBody, api_command};
use crate::error::{ErrorBody, Failure, error_body};
use crate::request::RequestState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use ingot_app::proposals::{self as cases, SubmitInput, Submitted, VersionInput};
use ingot_domain::{AppError, ProposalId, Timestamp};
use ingot_store::Page;

/// Proposals the caller may see, filtered, a page at a time.
#[utoipa::path(get, path = "/proposals", tag = "proposals", params(ProposalListQuery),
    responses((status = 200, body = ProposalListDto), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn list_proposals(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<ProposalListQuery>,
) -> Result<Json<ProposalListDto>, Failure> {
    let caller = api.caller();
    let now = Timestamp::now();
    let mut tx = state.db.read().await?;
    let (filter, page, per_page) = filter_of(&mut tx, &q, now).await?;
    let page = Page::new(page, per_page.map(|n| n.min(100)), 20);
    let (items, total) = cases::list(&mut tx, &caller, &filter, page).await?;
    let items = visible_items(items, now);
    Ok(Json(ProposalListDto {
        items,
        total: total.count,
        total_exact: total.exact,
        page: page.number,
        per_page: page.size,
    }))
}

/// Saves a new draft for a unit of the caller's enterprise.
#[utoipa::path(post, path = "/proposals", tag = "proposals", request_body = ingot_app::proposals::ProposalInput,
    responses((status = 201, body = ProposalDetailDto), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn create_proposal(
    State(state): State<AppState>,
    api: ApiCtx,
    JsonBody(input): JsonBody<ingot_app::proposals::ProposalInput>,
) -> Result<Response, Failure> {
    let mut tx = state.db.begin().await?;
    let id = cases::create(&mut tx, &api.caller(), &input).await?;
    tx.commit().await?;
    let detail = detail_of(&state, &api, id).await?;
    Ok((StatusCode::CREATED, Json(detail)).into_response())
}

/// A proposal with its people, steps, timeline, files and what the caller may do. For a
/// reviewer at a blind step, the people are left out and the unit is the enterprise.
#[utoipa::path(get, path = "/proposals/{id}", tag = "proposals", params(("id" = i64, Path)),
    responses((status = 200, body = ProposalDetailDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn get_proposal(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<ProposalId>,
) -> Result<Json<ProposalDetailDto>, Failure> {
    Ok(Json(detail_of(&state, &api, id).await?))
}

/// Changes the text and people of a draft or returned proposal (its proposer only).
#[utoipa::path(patch, path = "/proposals/{id}", tag = "proposals", params(("id" = i64, Path)), request_body = UpdateProposalBody,
    responses((status = 200, body = ProposalDetailDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`proposal_changed` or `proposal_not_editable`"), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn update_proposal(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<ProposalId>,
    JsonBody(body): JsonBody<UpdateProposalBody>,
) -> Result<Json<ProposalDetailDto>, Failure> {
    let input = body.proposal;
    let mut tx = state.db.begin().await?;
    cases::update(&mut tx, &api.caller(), id, body.version, &input).await?;
    tx.commit().await?;
    Ok(Json(detail_of(&state, &api, id).await?))
}

/// Sends a draft (or returned proposal) into review. Unless `seen_similar`, it first looks for
/// similar proposals of the enterprise; if there are any, nothing changes and the answer is 409
/// `similar_proposals_found` with the list.
#[utoipa::path(post, path = "/proposals/{id}/submit", tag = "proposals", params(("id" = i64, Path)), request_body = SubmitInput,
    responses((status = 200, body = ProposalDetailDto),
        (status = 409, body = SimilarFoundBody, description = "`similar_proposals_found` (with `similar`), `proposal_changed` or `proposal_not_editable`"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn submit_proposal(
    State(state): State<AppState>,
    Extension(rs): Extension<RequestState>,
    api: ApiCtx,
    Path(id): Path<ProposalId>,
    JsonBody(input): JsonBody<SubmitInput>,
) -> Result<Response, Failure> {
    let mut tx = state.db.begin().await?;
    let outcome = cases::submit(&mut tx, &api.caller(), id, &input).await?;
    match outcome {
        Submitted::Done(_) => {
            tx.commit().await?;
            Ok(Json(detail_of(&state, &api, id).await?).into_response())
        }
        Submitted::SimilarFound(found) => {
            tx.rollback().await?;
            let error = AppError::conflict("similar_proposals_found");
            let body = SimilarFoundBody {
                error: error_body(&state, &rs, &error),
                similar: found.into_iter().map(Into::into).collect(),
            };
            Ok((StatusCode::CONFLICT, Json(body)).into_response())
        }
    }
}

/// Earlier proposals of the enterprise resembling this one, most similar first.
#[utoipa::path(get, path = "/proposals/{id}/similar", tag = "proposals", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<SimilarDto>), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn similar_proposals(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<ProposalId>,
) -> Result<Json<Vec<SimilarDto>>, Failure> {
    let mut tx = state.db.read().await?;
    let found = cases::similar(&mut tx, &api.caller(), id).await?;
    Ok(Json(found.into_iter().map(Into::into).collect()))
}

api_command!(
    /// The proposer takes the proposal back (a draft, or one in review or returned).
    #[utoipa::path(post, path = "/proposals/{id}/withdraw", tag = "proposals", params(("id" = i64, Path)), request_body = VersionInput,
        responses((status = 200, body = ProposalDetailDto), (status = 403, body = ErrorBody),
            (status = 409, body = ErrorBody, description = "`proposal_changed` or `proposal_not_withdrawable`")),
        security(("bearer" = []), ("session" = [])))]
    withdraw_proposal,
    ProposalId,
    VersionInput,
    cases::withdraw,
    detail_of -> ProposalDetailDto
);
