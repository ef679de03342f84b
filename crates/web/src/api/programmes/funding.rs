//! Funding per task, year and source, planned and actual; spending beyond a task's budget is
//! accepted with a reason and flagged.

use super::ListQuery;
use crate::AppState;
use crate::api::{ApiCtx, JsonBody};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Path, State};
use ingot_app::programmes as cases;
use ingot_domain::ProgrammeId;
use ingot_store::programmes::Funding;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct FundingDto {
    pub id: i64,
    pub task_id: i64,
    pub task_code: String,
    pub task_title: String,
    pub area_name: String,
    pub year: i64,
    /// fiscal or social.
    pub source: String,
    pub planned_cents: i64,
    pub actual_cents: i64,
    pub overrun_reason: Option<String>,
}

impl From<Funding> for FundingDto {
    fn from(f: Funding) -> Self {
        FundingDto {
            id: f.id,
            task_id: f.task_id.0,
            task_code: f.task_code,
            task_title: f.task_title,
            area_name: f.area_name,
            year: f.year,
            source: f.source.as_str().to_string(),
            planned_cents: f.planned_cents,
            actual_cents: f.actual_cents,
            overrun_reason: f.overrun_reason,
        }
    }
}

crate::api::list_dto!(FundingListDto, FundingDto);

#[derive(Debug, Serialize, ToSchema)]
pub struct FundingRecordedDto {
    pub funding: FundingDto,
    /// The task's actual spending now exceeds its budget; the reason given is kept.
    pub over_budget: bool,
    pub spent_cents: i64,
    pub budget_cents: i64,
}

programme_list!(
    /// Funding rows per task, year and source (source as `kind`), filtered.
    #[utoipa::path(get, path = "/programmes/{id}/funding", tag = "programmes", params(("id" = i64, Path), ListQuery),
        responses((status = 200, body = FundingListDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
        security(("bearer" = []), ("session" = [])))]
    list_funding,
    cases::funding,
    FundingListDto
);

/// Records a task's planned and actual funding for a year and source (replacing what was
/// there). Spending beyond the task's budget is accepted with a reason and flagged.
#[utoipa::path(post, path = "/programmes/{id}/funding", tag = "programmes", params(("id" = i64, Path)), request_body = cases::FundingInput,
    responses((status = 200, body = FundingRecordedDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn record_funding(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<ProgrammeId>,
    JsonBody(input): JsonBody<cases::FundingInput>,
) -> Result<Json<FundingRecordedDto>, Failure> {
    let mut tx = state.db.begin().await?;
    let r = cases::record_funding(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(Json(FundingRecordedDto {
        funding: r.funding.into(),
        over_budget: r.over_budget,
        spent_cents: r.spent_cents,
        budget_cents: r.budget_cents,
    }))
}
