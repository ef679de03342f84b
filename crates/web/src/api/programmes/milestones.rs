//! Milestones of the tasks: the list, and adding one.

use super::ListQuery;
use crate::AppState;
use crate::api::{ApiCtx, JsonBody};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ingot_app::programmes as cases;
use ingot_domain::ProgrammeId;
use ingot_store::Page;
use ingot_store::programmes::Milestone;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct MilestoneDto {
    pub id: i64,
    pub task_id: i64,
    pub task_code: String,
    pub title: String,
    pub due_on: String,
    pub done_on: Option<String>,
    pub evidence: Option<String>,
}

impl From<Milestone> for MilestoneDto {
    fn from(m: Milestone) -> Self {
        MilestoneDto {
            id: m.id,
            task_id: m.task_id,
            task_code: m.task_code,
            title: m.title,
            due_on: m.due_on.to_string(),
            done_on: m.done_on.map(|d| d.to_string()),
            evidence: m.evidence,
        }
    }
}

list_dto!(MilestoneListDto, MilestoneDto);

/// Milestones, filtered (`kind`: done or open).
#[utoipa::path(get, path = "/programmes/{id}/milestones", tag = "programmes", params(("id" = i64, Path), ListQuery),
    responses((status = 200, body = MilestoneListDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn list_milestones(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<ProgrammeId>,
    Query(q): Query<ListQuery>,
) -> Result<Json<MilestoneListDto>, Failure> {
    let page = q.page();
    let mut tx = state.db.read().await?;
    let (items, total) = cases::milestones(&mut tx, &api.caller(), id, &q.filter(), page).await?;
    Ok(Json(MilestoneListDto::of(items, total, page)))
}

/// Adds a milestone to a task; it cannot fall due before the task starts.
#[utoipa::path(post, path = "/programmes/{id}/milestones", tag = "programmes", params(("id" = i64, Path)), request_body = cases::MilestoneInput,
    responses((status = 201, body = MilestoneDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn add_milestone(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<ProgrammeId>,
    JsonBody(input): JsonBody<cases::MilestoneInput>,
) -> Result<Response, Failure> {
    let mut tx = state.db.begin().await?;
    let m = cases::add_milestone(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(MilestoneDto::from(m))).into_response())
}
