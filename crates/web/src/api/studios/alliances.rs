//! Alliances over the API: forming an alliance (or a mentoring pair) of studios within an
//! organisation's area, and reading one.

use crate::AppState;
use crate::api::{ApiCtx, JsonBody};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ingot_app::studios as cases;
use ingot_domain::AllianceId;
use ingot_domain::AppError;
use ingot_domain::studio::AllianceKind;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct AllianceDto {
    pub id: i64,
    pub kind: AllianceKind,
    pub name: String,
    pub lead_studio_id: i64,
    pub lead_studio_name: String,
    pub founded_on: String,
    pub description: String,
    pub studios: Vec<AllianceMemberDto>,
}

#[derive(Serialize, ToSchema)]
pub struct AllianceMemberDto {
    pub studio_id: i64,
    pub name: String,
    pub joined_on: String,
}

/// Forms an alliance (or a mentoring pair) of studios within the organisation's area.
#[utoipa::path(post, path = "/alliances", tag = "studios", request_body = cases::AllianceInput,
    responses((status = 201, body = AllianceDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn create_alliance(
    State(state): State<AppState>,
    api: ApiCtx,
    JsonBody(input): JsonBody<cases::AllianceInput>,
) -> Result<Response, Failure> {
    let mut tx = state.db.begin().await?;
    let id = cases::create_alliance(&mut tx, &api.caller(), &input).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(alliance_of(&state, id).await?)).into_response())
}

async fn alliance_of(state: &AppState, id: AllianceId) -> Result<AllianceDto, AppError> {
    let mut tx = state.db.read().await?;
    let (a, members) = cases::alliance(&mut tx, id).await?;
    Ok(AllianceDto {
        id: a.id,
        kind: a.kind,
        name: a.name,
        lead_studio_id: a.lead_studio_id,
        lead_studio_name: a.lead_studio_name,
        founded_on: a.founded_on.to_string(),
        description: a.description,
        studios: members
            .into_iter()
            .map(|(studio_id, name, joined)| AllianceMemberDto {
                studio_id,
                name,
                joined_on: joined.to_string(),
            })
            .collect(),
    })
}

#[utoipa::path(get, path = "/alliances/{id}", tag = "studios", params(("id" = i64, Path)),
    responses((status = 200, body = AllianceDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn get_alliance(
    State(state): State<AppState>,
    _api: ApiCtx,
    Path(id): Path<AllianceId>,
) -> Result<Json<AllianceDto>, Failure> {
    Ok(Json(alliance_of(&state, id).await?))
}
