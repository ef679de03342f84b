//! Assessments over the API: assessing a named studio against the naming federation's standard, and
//! reading or setting an organisation's assessment standard.

use crate::AppState;
use crate::api::{ApiCtx, JsonBody};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Path, State};
use ingot_app::studios as cases;
use ingot_domain::studio::Standard;
use ingot_domain::{OrgId, StudioId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct AssessmentResultDto {
    pub total: i64,
    pub result: String,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct StandardDto {
    pub criteria: Vec<CriterionDto>,
    pub excellent_min: i64,
    pub pass_min: i64,
}

#[derive(Serialize, Deserialize, ToSchema)]
#[schema(as = StandardCriterionDto)]
pub struct CriterionDto {
    pub code: String,
    /// Percent; the weights add up to 100.
    pub weight: i64,
}

impl From<Standard> for StandardDto {
    fn from(s: Standard) -> Self {
        StandardDto {
            criteria: s
                .criteria
                .into_iter()
                .map(|c| CriterionDto {
                    code: c.code,
                    weight: c.weight,
                })
                .collect(),
            excellent_min: s.excellent_min,
            pass_min: s.pass_min,
        }
    }
}

/// Assesses a named studio against the naming federation's standard; a fail takes the title away.
#[utoipa::path(post, path = "/studios/{id}/assessments", tag = "studios", params(("id" = i64, Path)), request_body = cases::AssessInput,
    responses((status = 200, body = AssessmentResultDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn assess(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<StudioId>,
    JsonBody(input): JsonBody<cases::AssessInput>,
) -> Result<Json<AssessmentResultDto>, Failure> {
    let mut tx = state.db.begin().await?;
    let (total, result) = cases::assess(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(Json(AssessmentResultDto {
        total,
        result: result.as_str().into(),
    }))
}

/// The organisation's assessment standard (the default one until it sets its own).
#[utoipa::path(get, path = "/orgs/{id}/assessment-standard", tag = "studios", params(("id" = i64, Path)),
    responses((status = 200, body = StandardDto)), security(("bearer" = []), ("session" = [])))]
pub(super) async fn get_standard(
    State(state): State<AppState>,
    _api: ApiCtx,
    Path(id): Path<OrgId>,
) -> Result<Json<StandardDto>, Failure> {
    let mut tx = state.db.read().await?;
    Ok(Json(cases::standard_of(&mut tx, id).await?.into()))
}

/// Sets the organisation's assessment standard: criteria with weights adding up to 100.
#[utoipa::path(put, path = "/orgs/{id}/assessment-standard", tag = "studios", params(("id" = i64, Path)), request_body = StandardDto,
    responses((status = 200, body = StandardDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn set_standard(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<OrgId>,
    JsonBody(b): JsonBody<StandardDto>,
) -> Result<Json<StandardDto>, Failure> {
    let standard = Standard {
        criteria: b
            .criteria
            .into_iter()
            .map(|c| ingot_domain::studio::Criterion {
                code: c.code,
                weight: c.weight,
            })
            .collect(),
        excellent_min: b.excellent_min,
        pass_min: b.pass_min,
    };
    let mut tx = state.db.begin().await?;
    cases::set_standard(&mut tx, &api.caller(), id, &standard).await?;
    tx.commit().await?;
    Ok(Json(standard.into()))
}
