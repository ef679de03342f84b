//! The expert panel: its experts, conflicts of interest and affinities, and the optimal
//! assignment of reviewers to declarations with manual overrides.

use crate::AppState;
use crate::api::{ApiCtx, JsonBody};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use ingot_app::campaigns::{self as cases, Matrix};
use ingot_domain::{AppError, CampaignId};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct ExpertDto {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub org_name: String,
    pub fields: Vec<String>,
    pub profile: String,
}

#[derive(Serialize, ToSchema)]
pub struct PairDto {
    pub declaration_id: i64,
    pub expert_id: i64,
    /// Why they may not be paired: `same_unit`, `same_group`, `completer`, `past_co_work`,
    /// `declared`, `manual`. Empty when they may.
    pub conflicts: Vec<String>,
    pub affinity: i64,
}

#[derive(Serialize, ToSchema)]
pub struct PanelDto {
    pub experts: Vec<ExpertDto>,
    /// Every expert against every accepted declaration.
    pub pairs: Vec<PairDto>,
}

fn panel_dto(m: &Matrix) -> PanelDto {
    PanelDto {
        experts: m
            .experts
            .iter()
            .map(|e| ExpertDto {
                user_id: e.user_id,
                username: e.username.clone(),
                display_name: e.display_name.clone(),
                org_name: e.org_name.clone(),
                fields: e.fields.split(',').map(String::from).collect(),
                profile: e.profile.clone(),
            })
            .collect(),
        pairs: m
            .declarations
            .iter()
            .zip(&m.pairs)
            .flat_map(|(d, row)| {
                m.experts.iter().zip(row).map(move |(e, p)| PairDto {
                    declaration_id: d.id,
                    expert_id: e.user_id,
                    conflicts: p.conflicts.iter().map(|c| c.as_str().to_string()).collect(),
                    affinity: p.affinity,
                })
            })
            .collect(),
    }
}

#[derive(Serialize, ToSchema)]
pub struct AssignmentPairDto {
    pub declaration_id: i64,
    pub expert_id: i64,
    pub affinity: i64,
    /// Placed by hand (an override) rather than by the solver.
    pub manual: bool,
}

#[derive(Serialize, ToSchema)]
pub struct AssignmentDto {
    pub pairs: Vec<AssignmentPairDto>,
    /// Total affinity of the assignment.
    pub objective: i64,
}

async fn panel_of(state: &AppState, api: &ApiCtx, id: CampaignId) -> Result<PanelDto, AppError> {
    let mut tx = state.db.read().await?;
    let c = cases::load(&mut tx, id).await?;
    if !cases::may_manage(&api.caller(), &c) {
        return Err(AppError::forbidden());
    }
    Ok(panel_dto(&cases::matrix(&mut tx, id).await?))
}

/// The campaign's expert panel with every conflict of interest and affinity.
#[utoipa::path(get, path = "/campaigns/{id}/experts", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = PanelDto), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn list_experts(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<CampaignId>,
) -> Result<Json<PanelDto>, Failure> {
    Ok(Json(panel_of(&state, &api, id).await?))
}

/// Adds a person with the expert role to the pool (fields, profile) and to the panel.
#[utoipa::path(post, path = "/campaigns/{id}/experts", tag = "campaigns", params(("id" = i64, Path)),
    request_body = cases::ExpertInput,
    responses((status = 200, body = PanelDto), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn add_expert(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<CampaignId>,
    JsonBody(input): JsonBody<cases::ExpertInput>,
) -> Result<Json<PanelDto>, Failure> {
    let mut tx = state.db.begin().await?;
    cases::add_expert(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(Json(panel_of(&state, &api, id).await?))
}

/// Records a conflict: an expert declares their own, or staff record one by hand.
#[utoipa::path(post, path = "/campaigns/{id}/conflicts", tag = "campaigns", params(("id" = i64, Path)),
    request_body = cases::ConflictInput,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn add_conflict(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<CampaignId>,
    JsonBody(input): JsonBody<cases::ConflictInput>,
) -> Result<StatusCode, Failure> {
    let mut tx = state.db.begin().await?;
    cases::add_conflict(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn assignment_of(
    state: &AppState,
    api: &ApiCtx,
    id: CampaignId,
) -> Result<AssignmentDto, AppError> {
    let mut tx = state.db.read().await?;
    let c = cases::load(&mut tx, id).await?;
    let pairs: Vec<AssignmentPairDto> = cases::assignment(&mut tx, &api.caller(), &c)
        .await?
        .iter()
        .map(|a| AssignmentPairDto {
            declaration_id: a.declaration_id,
            expert_id: a.user_id,
            affinity: a.affinity,
            manual: a.manual,
        })
        .collect();
    Ok(AssignmentDto {
        objective: pairs.iter().map(|p| p.affinity).sum(),
        pairs,
    })
}

#[utoipa::path(get, path = "/campaigns/{id}/assignment", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = AssignmentDto), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn get_assignment(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<CampaignId>,
) -> Result<Json<AssignmentDto>, Failure> {
    Ok(Json(assignment_of(&state, &api, id).await?))
}

/// Solves the assignment optimally (k reviewers each, loads within bounds, no conflicted
/// pair, total affinity maximal). An impossible one is refused naming the declarations or
/// experts concerned (`too_few_reviewers`, `declarations_uncovered`, `reviewer_capacity`,
/// `experts_underloaded`).
#[utoipa::path(post, path = "/campaigns/{id}/assignment", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = AssignmentDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn run_assignment(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<CampaignId>,
) -> Result<Json<AssignmentDto>, Failure> {
    let mut tx = state.db.begin().await?;
    cases::run_assignment(&mut tx, &api.caller(), id).await?;
    tx.commit().await?;
    Ok(Json(assignment_of(&state, &api, id).await?))
}

/// Swaps one reviewer of a declaration for another, checked against every rule.
#[utoipa::path(post, path = "/campaigns/{id}/assignment/override", tag = "campaigns", params(("id" = i64, Path)),
    request_body = cases::OverrideInput,
    responses((status = 200, body = AssignmentDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn override_assignment(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<CampaignId>,
    JsonBody(input): JsonBody<cases::OverrideInput>,
) -> Result<Json<AssignmentDto>, Failure> {
    let mut tx = state.db.begin().await?;
    cases::override_pair(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(Json(assignment_of(&state, &api, id).await?))
}
