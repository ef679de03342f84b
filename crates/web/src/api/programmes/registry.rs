//! The programmes the caller may read, and setting one up with its strategic areas.

use super::overview::OverviewDto;
use crate::AppState;
use crate::api::{ApiCtx, JsonBody};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ingot_app::programmes as cases;
use ingot_store::programmes::{Area, Programme};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct ProgrammeDto {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub owner_org_id: i64,
    pub owner_name: String,
    pub start_year: i64,
    pub plan_name: Option<String>,
    pub plan_url: Option<String>,
    pub summary: String,
}

impl From<Programme> for ProgrammeDto {
    fn from(p: Programme) -> Self {
        ProgrammeDto {
            id: p.id.0,
            code: p.code,
            name: p.name,
            name_en: p.name_en,
            owner_org_id: p.owner_org_id.0,
            owner_name: p.owner_name,
            start_year: p.start_year,
            plan_name: p.plan_name,
            plan_url: p.plan_url,
            summary: p.summary,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProgrammeListDto {
    pub items: Vec<ProgrammeDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AreaDto {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    /// The "+1" of "7+1": major scientific infrastructure rather than an industry.
    pub infrastructure: bool,
}

impl From<Area> for AreaDto {
    fn from(a: Area) -> Self {
        AreaDto {
            id: a.id,
            code: a.code,
            name: a.name,
            name_en: a.name_en,
            infrastructure: a.infrastructure,
        }
    }
}

/// The programmes the caller may read (of their science department, or below their federation).
#[utoipa::path(get, path = "/programmes", tag = "programmes",
    responses((status = 200, body = ProgrammeListDto), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn list_programmes(
    State(state): State<AppState>,
    api: ApiCtx,
) -> Result<Json<ProgrammeListDto>, Failure> {
    let mut tx = state.db.read().await?;
    let items = cases::list(&mut tx, &api.caller()).await?;
    Ok(Json(ProgrammeListDto {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// Sets up a programme with its strategic areas.
#[utoipa::path(post, path = "/programmes", tag = "programmes", request_body = cases::ProgrammeInput,
    responses((status = 201, body = OverviewDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn create_programme(
    State(state): State<AppState>,
    api: ApiCtx,
    JsonBody(input): JsonBody<cases::ProgrammeInput>,
) -> Result<Response, Failure> {
    let caller = api.caller();
    let mut tx = state.db.begin().await?;
    let p = cases::create(&mut tx, &caller, &input).await?;
    let overview = cases::overview(&mut tx, &caller, p.id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(OverviewDto::from(overview))).into_response())
}
