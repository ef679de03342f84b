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
