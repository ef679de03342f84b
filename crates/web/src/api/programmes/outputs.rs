//! Outputs of the tasks, linked to their achievement or patent records: the list, and
//! recording one.

use super::ListQuery;
use crate::api::api_create;
use crate::error::ErrorBody;
use ingot_app::programmes as cases;
use ingot_domain::ProgrammeId;
use ingot_store::programmes::Output;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct OutputDto {
    pub id: i64,
    pub task_id: i64,
    pub task_code: String,
    pub area_name: String,
    /// pilot_line, new_product, added_value, adopting_company, achievement, patent.
    pub kind: String,
    pub title: String,
    pub quantity: i64,
    pub value_cents: i64,
    pub achievement_id: Option<i64>,
    pub patent_id: Option<i64>,
    pub patent_number: Option<String>,
    pub note: Option<String>,
    pub recorded_on: String,
}

impl From<Output> for OutputDto {
    fn from(o: Output) -> Self {
        OutputDto {
            id: o.id,
            task_id: o.task_id.0,
            task_code: o.task_code,
            area_name: o.area_name,
            kind: o.kind.as_str().to_string(),
            title: o.title,
            quantity: o.quantity,
            value_cents: o.value_cents,
            achievement_id: o.achievement_id,
            patent_id: o.patent_id,
            patent_number: o.patent_number,
            note: o.note,
            recorded_on: o.recorded_on.to_string(),
        }
    }
}

crate::api::list_dto!(OutputListDto, OutputDto);

programme_list!(
    /// Outputs, filtered (`kind`: an output kind).
    #[utoipa::path(get, path = "/programmes/{id}/outputs", tag = "programmes", params(("id" = i64, Path), ListQuery),
        responses((status = 200, body = OutputListDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
        security(("bearer" = []), ("session" = [])))]
    list_outputs,
    cases::outputs,
    OutputListDto
);

api_create!(
    /// Records an output of a task of this programme, linked to its achievement or patent record.
    #[utoipa::path(post, path = "/programmes/{id}/outputs", tag = "programmes", params(("id" = i64, Path)), request_body = cases::OutputInput,
        responses((status = 201, body = OutputDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
        security(("bearer" = []), ("session" = [])))]
    add_output,
    ProgrammeId,
    cases::OutputInput,
    cases::add_output,
    OutputDto
);
