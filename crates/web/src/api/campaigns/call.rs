//! Issuing a campaign's call (its rules, units and quotas, timetable, rubric and tier quotas),
//! listing and reading campaigns, and moving a campaign on to its next stage.

use super::{CampaignDetailDto, CampaignDto, MaybeApi, detail_of};
use crate::AppState;
use crate::api::{ApiCtx, JsonBody};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ingot_app::campaigns as cases;
use ingot_domain::time::Date;
use ingot_domain::{CampaignId, Timestamp};

/// Every campaign (calls are public), newest first.
#[utoipa::path(get, path = "/campaigns", tag = "campaigns",
    responses((status = 200, body = Vec<CampaignDto>)), security((), ("bearer" = []), ("session" = [])))]
pub(super) async fn list_campaigns(
    State(state): State<AppState>,
    who: MaybeApi,
) -> Result<Json<Vec<CampaignDto>>, Failure> {
    let mut tx = state.db.read().await?;
    let today = Date::of(Timestamp::now(), state.config.utc_offset_ms());
    Ok(Json(
        cases::list(&mut tx, who.user().as_ref(), today)
            .await?
            .iter()
            .map(CampaignDto::from)
            .collect(),
    ))
}

/// Issues a call: the federation's campaign with its rules, units and quotas, timetable,
/// rubric and tier quotas.
#[utoipa::path(post, path = "/campaigns", tag = "campaigns", request_body = cases::CampaignInput,
    responses((status = 201, body = CampaignDetailDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn create_campaign(
    State(state): State<AppState>,
    api: ApiCtx,
    JsonBody(input): JsonBody<cases::CampaignInput>,
) -> Result<Response, Failure> {
    let mut tx = state.db.begin().await?;
    let id = cases::create(&mut tx, &api.caller(), &input).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(detail_of(&state, Some(&api.caller()), id).await?),
    )
        .into_response())
}

#[utoipa::path(get, path = "/campaigns/{id}", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = CampaignDetailDto), (status = 404, body = ErrorBody)),
    security((), ("bearer" = []), ("session" = [])))]
pub(super) async fn get_campaign(
    State(state): State<AppState>,
    who: MaybeApi,
    Path(id): Path<CampaignId>,
) -> Result<Json<CampaignDetailDto>, Failure> {
    Ok(Json(detail_of(&state, who.user().as_ref(), id).await?))
}

/// Moves the campaign on: declaration → formal check → review (every declaration checked).
#[utoipa::path(post, path = "/campaigns/{id}/advance", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = CampaignDetailDto), (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn advance(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<CampaignId>,
) -> Result<Json<CampaignDetailDto>, Failure> {
    let mut tx = state.db.begin().await?;
    cases::advance(&mut tx, &api.caller(), id).await?;
    tx.commit().await?;
    Ok(Json(detail_of(&state, Some(&api.caller()), id).await?))
}
