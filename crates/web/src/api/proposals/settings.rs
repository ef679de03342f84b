//! Per-enterprise settings: the review workflow, the enterprise's own categories and its
//! reward amounts per grade.

use crate::AppState;
use crate::api::dto::OrgDto;
use crate::api::proposal_dto::{CategoryDto, GradeDto, GradesBody, ProposalSettingsDto};
use crate::api::{ApiCtx, JsonBody};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ingot_app::proposals::{self as cases, Settings, WorkflowInput};
use ingot_domain::OrgId;

fn settings_dto(s: Settings) -> ProposalSettingsDto {
    ProposalSettingsDto {
        enterprise: OrgDto::from(s.enterprise),
        steps: s.steps,
        configured: s.configured,
        categories: s
            .categories
            .into_iter()
            .map(|c| CategoryDto {
                code: c.code,
                name: c.name,
                name_en: c.name_en,
            })
            .collect(),
        grades: s
            .grades
            .into_iter()
            .map(|(grade, amount_cents)| GradeDto {
                grade,
                amount_cents,
            })
            .collect(),
        can_configure: s.can_configure,
    }
}

async fn settings_of(
    state: &AppState,
    api: &ApiCtx,
    org: OrgId,
) -> Result<ProposalSettingsDto, Failure> {
    let mut tx = state.db.read().await?;
    Ok(settings_dto(
        cases::settings(&mut tx, &api.caller(), org).await?,
    ))
}

/// How proposals are reviewed and rewarded at the enterprise `org_id` belongs to. Readable by
/// its people and by readers of its records.
#[utoipa::path(get, path = "/enterprises/{org_id}/proposal-settings", tag = "proposals", params(("org_id" = i64, Path)),
    responses((status = 200, body = ProposalSettingsDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn get_settings(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(org_id): Path<OrgId>,
) -> Result<Json<ProposalSettingsDto>, Failure> {
    Ok(Json(settings_of(&state, &api, org_id).await?))
}

/// Replaces the enterprise's review workflow (its union). Proposals already in review keep the
/// steps they were submitted with.
#[utoipa::path(put, path = "/enterprises/{org_id}/proposal-settings", tag = "proposals", params(("org_id" = i64, Path)),
    request_body = WorkflowInput,
    responses((status = 200, body = ProposalSettingsDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn set_workflow(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(org_id): Path<OrgId>,
    JsonBody(input): JsonBody<WorkflowInput>,
) -> Result<Json<ProposalSettingsDto>, Failure> {
    let mut tx = state.db.begin().await?;
    cases::set_workflow(&mut tx, &api.caller(), org_id, &input).await?;
    tx.commit().await?;
    Ok(Json(settings_of(&state, &api, org_id).await?))
}

/// Adds a category of the enterprise's own, besides the five built in.
#[utoipa::path(post, path = "/enterprises/{org_id}/proposal-categories", tag = "proposals", params(("org_id" = i64, Path)),
    request_body = CategoryDto,
    responses((status = 201, body = ProposalSettingsDto), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`category_exists`"), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn add_category(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(org_id): Path<OrgId>,
    JsonBody(body): JsonBody<CategoryDto>,
) -> Result<Response, Failure> {
    let mut tx = state.db.begin().await?;
    cases::add_category(
        &mut tx,
        &api.caller(),
        org_id,
        &body.code,
        &body.name,
        body.name_en.as_deref().unwrap_or_default(),
    )
    .await?;
    tx.commit().await?;
    let settings = settings_of(&state, &api, org_id).await?;
    Ok((StatusCode::CREATED, Json(settings)).into_response())
}

/// Sets the enterprise's reward amounts per grade (in yuan); grades left out keep theirs.
#[utoipa::path(put, path = "/enterprises/{org_id}/reward-grades", tag = "proposals", params(("org_id" = i64, Path)),
    request_body = GradesBody,
    responses((status = 200, body = ProposalSettingsDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn set_grades(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(org_id): Path<OrgId>,
    JsonBody(body): JsonBody<GradesBody>,
) -> Result<Json<ProposalSettingsDto>, Failure> {
    let grades: Vec<(String, String)> = body
        .grades
        .into_iter()
        .map(|(grade, amount)| {
            let amount = match amount {
                serde_json::Value::String(s) => s,
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            (grade, amount)
        })
        .collect();
    let mut tx = state.db.begin().await?;
    cases::set_grades(&mut tx, &api.caller(), org_id, &grades).await?;
    tx.commit().await?;
    Ok(Json(settings_of(&state, &api, org_id).await?))
}
