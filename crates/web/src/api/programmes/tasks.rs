//! Critical tasks: the list, adding one led by an organisation of the tree, and one task with
//! its participants, funding, milestones and outputs.

use super::ListQuery;
use super::funding::FundingDto;
use super::milestones::MilestoneDto;
use super::outputs::OutputDto;
use crate::AppState;
use crate::api::dto::AuditEntryDto;
use crate::api::{ApiCtx, JsonBody, api_create};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Path, State};
use ingot_app::programmes as cases;
use ingot_domain::{ProgrammeId, TaskId};
use ingot_store::programmes::Task;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct TaskDto {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub area_id: i64,
    pub area_name: String,
    pub lead_org_id: i64,
    pub lead_name: String,
    pub leader_name: String,
    pub starts_on: String,
    pub ends_on: Option<String>,
    /// planned, in_progress, completed, suspended.
    pub status: String,
    pub budget_cents: i64,
    pub fiscal_actual_cents: i64,
    pub social_actual_cents: i64,
    /// The task's own leverage: actual social per actual fiscal funding, in hundredths.
    pub leverage_x100: Option<i64>,
    pub people: i64,
    /// Send it back with a change; a change made meanwhile is refused.
    pub version: i64,
}

impl From<Task> for TaskDto {
    fn from(t: Task) -> Self {
        TaskDto {
            id: t.id.0,
            code: t.code,
            title: t.title,
            area_id: t.area_id,
            area_name: t.area_name,
            lead_org_id: t.lead_org_id.0,
            lead_name: t.lead_name,
            leader_name: t.leader_name,
            starts_on: t.starts_on.to_string(),
            ends_on: t.ends_on.map(|d| d.to_string()),
            status: t.status.as_str().to_string(),
            budget_cents: t.budget_cents,
            fiscal_actual_cents: t.fiscal_actual_cents,
            social_actual_cents: t.social_actual_cents,
            leverage_x100: ingot_domain::programme::leverage_hundredths(
                t.fiscal_actual_cents,
                t.social_actual_cents,
            ),
            people: t.people,
            version: t.version,
        }
    }
}

crate::api::list_dto!(TaskListDto, TaskDto);

#[derive(Debug, Serialize, ToSchema)]
pub struct TaskDetailDto {
    pub task: TaskDto,
    pub participants: Vec<ParticipantDto>,
    pub funding: Vec<FundingDto>,
    pub milestones: Vec<MilestoneDto>,
    pub outputs: Vec<OutputDto>,
    /// What was recorded about the task, newest first: edits with before and after.
    pub history: Vec<AuditEntryDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipantDto {
    pub org_id: i64,
    pub name: String,
}

programme_list!(
    /// The programme's critical tasks, filtered (area, status as `kind`, organisation, words).
    #[utoipa::path(get, path = "/programmes/{id}/tasks", tag = "programmes", params(("id" = i64, Path), ListQuery),
        responses((status = 200, body = TaskListDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
        security(("bearer" = []), ("session" = [])))]
    list_tasks,
    cases::tasks,
    TaskListDto
);

api_create!(
    /// Adds a critical task, led by an organisation of the tree (external bodies included).
    #[utoipa::path(post, path = "/programmes/{id}/tasks", tag = "programmes", params(("id" = i64, Path)), request_body = cases::TaskInput,
        responses((status = 201, body = TaskDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
        security(("bearer" = []), ("session" = [])))]
    create_task,
    ProgrammeId,
    cases::TaskInput,
    cases::create_task,
    TaskDto
);

/// One task with its participants, funding, milestones and outputs.
#[utoipa::path(get, path = "/programmes/{id}/tasks/{task}", tag = "programmes",
    params(("id" = i64, Path), ("task" = i64, Path)),
    responses((status = 200, body = TaskDetailDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn get_task(
    State(state): State<AppState>,
    api: ApiCtx,
    Path((id, task)): Path<(ProgrammeId, TaskId)>,
) -> Result<Json<TaskDetailDto>, Failure> {
    let mut tx = state.db.read().await?;
    let caller = api.caller();
    let d = cases::task(&mut tx, &caller, id, task).await?;
    let history = cases::task_history(&mut tx, &caller, id, task).await?;
    Ok(Json(TaskDetailDto {
        history: history.into_iter().map(Into::into).collect(),
        task: d.task.into(),
        participants: d
            .participants
            .into_iter()
            .map(|(id, name)| ParticipantDto { org_id: id.0, name })
            .collect(),
        funding: d.funding.into_iter().map(Into::into).collect(),
        milestones: d.milestones.into_iter().map(Into::into).collect(),
        outputs: d.outputs.into_iter().map(Into::into).collect(),
    }))
}

/// Changes a task: every particular again, with the version read.
#[utoipa::path(patch, path = "/programmes/{id}/tasks/{task}", tag = "programmes",
    params(("id" = i64, Path), ("task" = i64, Path)), request_body = cases::TaskChange,
    responses((status = 200, body = TaskDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn update_task(
    State(state): State<AppState>,
    api: ApiCtx,
    Path((id, task)): Path<(ProgrammeId, TaskId)>,
    JsonBody(change): JsonBody<cases::TaskChange>,
) -> Result<Json<TaskDto>, Failure> {
    let mut tx = state.db.begin().await?;
    let t = cases::update_task(&mut tx, &api.caller(), (id, task), &change).await?;
    tx.commit().await?;
    Ok(Json(t.into()))
}
