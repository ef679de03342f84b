//! A studio's people and their record over the API: adding members, recording a member leaving,
//! honours of the lead or a member (which naming calls' eligibility rules read), and the outputs
//! ledger.

use super::{StudioDetailDto, detail_of};
use crate::AppState;
use crate::api::{ApiCtx, JsonBody};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Path, State};
use ingot_app::studios as cases;
use ingot_domain::MemberId;
use ingot_domain::StudioId;
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct MemberBody {
    pub username: String,
    pub joined_on: String,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct LeaveBody {
    pub left_on: String,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct HonourBody {
    /// The member honoured; empty for the lead.
    pub username: String,
    pub title: String,
    pub awarded_by: String,
    pub level: String,
    /// Empty if not known.
    pub year: String,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(as = StudioOutputBody)]
pub struct OutputBody {
    /// `proposal`, `achievement`, `transformation`, `patent`, `skill_method`, `people_trained`, `economic_benefit`.
    pub kind: String,
    pub title: String,
    pub on_date: String,
    pub count: String,
    /// Yuan (for economic benefit).
    pub amount: String,
    /// For patents: `invention`, `utility_model` or `design`.
    pub patent_type: String,
    /// For patents: `applied` or `granted`.
    pub patent_stage: String,
    pub proposal_id: String,
}

/// Adds a member (by username) from a date.
#[utoipa::path(post, path = "/studios/{id}/members", tag = "studios", params(("id" = i64, Path)), request_body = MemberBody,
    responses((status = 200, body = StudioDetailDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn add_member(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<StudioId>,
    JsonBody(b): JsonBody<MemberBody>,
) -> Result<Json<StudioDetailDto>, Failure> {
    let input = cases::MemberInput {
        username: b.username,
        joined_on: b.joined_on,
    };
    studio_change!(state, api, id, |tx, c| cases::add_member(
        &mut tx, &c, id, &input
    )
    .await?)
}

/// Records a member leaving (never the lead).
#[utoipa::path(post, path = "/studios/{id}/members/{member}/leave", tag = "studios", params(("id" = i64, Path), ("member" = i64, Path)), request_body = LeaveBody,
    responses((status = 200, body = StudioDetailDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn member_leaves(
    State(state): State<AppState>,
    api: ApiCtx,
    Path((id, member)): Path<(StudioId, MemberId)>,
    JsonBody(b): JsonBody<LeaveBody>,
) -> Result<Json<StudioDetailDto>, Failure> {
    studio_change!(state, api, id, |tx, c| cases::member_leaves(
        &mut tx, &c, id, member, &b.left_on
    )
    .await?)
}

/// Records an honour of the lead (or a member), which naming calls' eligibility rules read.
#[utoipa::path(post, path = "/studios/{id}/honours", tag = "studios", params(("id" = i64, Path)), request_body = HonourBody,
    responses((status = 200, body = StudioDetailDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn add_honour(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<StudioId>,
    JsonBody(b): JsonBody<HonourBody>,
) -> Result<Json<StudioDetailDto>, Failure> {
    let input = cases::HonourInput {
        username: b.username,
        title: b.title,
        awarded_by: b.awarded_by,
        level: b.level,
        year: b.year,
    };
    studio_change!(state, api, id, |tx, c| cases::add_honour(
        &mut tx, &c, id, &input
    )
    .await?)
}

/// Adds a row to the outputs ledger.
#[utoipa::path(post, path = "/studios/{id}/outputs", tag = "studios", params(("id" = i64, Path)), request_body = OutputBody,
    responses((status = 200, body = StudioDetailDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn add_output(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<StudioId>,
    JsonBody(b): JsonBody<OutputBody>,
) -> Result<Json<StudioDetailDto>, Failure> {
    let input = cases::OutputInput {
        kind: b.kind,
        title: b.title,
        on_date: b.on_date,
        count: b.count,
        amount: b.amount,
        patent_type: b.patent_type,
        patent_stage: b.patent_stage,
        proposal_id: b.proposal_id,
    };
    studio_change!(state, api, id, |tx, c| cases::add_output(
        &mut tx, &c, id, &input
    )
    .await?)
}
