//! Milestones of the tasks: the list, and adding one.

use super::ListQuery;
use crate::api::api_create;
use crate::error::ErrorBody;
use ingot_app::programmes as cases;
use ingot_domain::ProgrammeId;
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

crate::api::list_dto!(MilestoneListDto, MilestoneDto);

programme_list!(
    /// Milestones, filtered (`kind`: done or open).
    #[utoipa::path(get, path = "/programmes/{id}/milestones", tag = "programmes", params(("id" = i64, Path), ListQuery),
        responses((status = 200, body = MilestoneListDto), (status = 404, body = ErrorBody)),
        security(("bearer" = []), ("session" = [])))]
    list_milestones,
    cases::milestones,
    MilestoneListDto
);

api_create!(
    /// Adds a milestone to a task; it cannot fall due before the task starts.
    #[utoipa::path(post, path = "/programmes/{id}/milestones", tag = "programmes", params(("id" = i64, Path)), request_body = cases::MilestoneInput,
        responses((status = 201, body = MilestoneDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
        security(("bearer" = []), ("session" = [])))]
    add_milestone,
    ProgrammeId,
    cases::MilestoneInput,
    cases::add_milestone,
    MilestoneDto
);

/// Changes a milestone: reached with its evidence, a date moved, a title corrected.
#[utoipa::path(patch, path = "/programmes/{id}/milestones/{milestone}", tag = "programmes",
    params(("id" = i64, Path), ("milestone" = i64, Path)), request_body = cases::MilestoneChange,
    responses((status = 200, body = MilestoneDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn update_milestone(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    api: crate::api::ApiCtx,
    axum::extract::Path((id, milestone)): axum::extract::Path<(ProgrammeId, i64)>,
    crate::api::JsonBody(change): crate::api::JsonBody<cases::MilestoneChange>,
) -> Result<axum::Json<MilestoneDto>, crate::error::Failure> {
    let mut tx = state.db.begin().await?;
    let m = cases::update_milestone(&mut tx, &api.caller(), (id, milestone), &change).await?;
    tx.commit().await?;
    Ok(axum::Json(m.into()))
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RemovedDto {
    /// The task the row belonged to.
    pub task_id: i64,
}

/// Removes a funding, milestone or output row entered by mistake, with the reason; what it held
/// stays in the task's history.
#[utoipa::path(post, path = "/programmes/{id}/removals", tag = "programmes",
    params(("id" = i64, Path)), request_body = cases::RemovalInput,
    responses((status = 200, body = RemovedDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn remove_entry(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    api: crate::api::ApiCtx,
    axum::extract::Path(id): axum::extract::Path<ProgrammeId>,
    crate::api::JsonBody(input): crate::api::JsonBody<cases::RemovalInput>,
) -> Result<axum::Json<RemovedDto>, crate::error::Failure> {
    let mut tx = state.db.begin().await?;
    let task = cases::remove_entry(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(axum::Json(RemovedDto { task_id: task.0 }))
}
