//! Skills and methods named after their creators: the list with its export, recording one with
//! who was trained in it, and reading one.

use super::{PersonRefDto, RecordQuery, created, in_tx};
use crate::AppState;
use crate::api::dto::AuditEntryDto;
use crate::api::proposal_dto::{FileBytes, SpreadsheetQuery};
use crate::api::{ApiCtx, JsonBody};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use ingot_app::innovation as cases;
use ingot_app::innovation::transfer::RecordKind;
use ingot_domain::SkillId;
use ingot_store::innovation::Skill;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct SkillDto {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    /// unique_skill (绝招绝技) or operation_method (先进操作法).
    pub kind: String,
    pub name: String,
    pub creator_id: Option<i64>,
    pub creator_name: String,
    pub description: String,
    pub used_where: String,
    pub trained_count: i64,
    pub year: i64,
    /// Send it back with a change; a change made meanwhile is refused.
    pub version: i64,
}

impl From<Skill> for SkillDto {
    fn from(s: Skill) -> Self {
        SkillDto {
            id: s.id,
            unit_id: s.unit_id.0,
            unit_name: s.unit_name,
            kind: s.kind.as_str().into(),
            name: s.name,
            creator_id: s.creator_id.map(|u| u.0),
            creator_name: s.creator_name,
            description: s.description,
            used_where: s.used_where,
            trained_count: s.trained_count,
            year: s.year,
            version: s.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SkillDetailDto {
    pub skill: SkillDto,
    pub trainees: Vec<PersonRefDto>,
    /// The awards it won in announced campaigns; a change then needs its reason.
    pub awards: Vec<AwardRefDto>,
    /// What was recorded about it, newest first: edits with before, after and why.
    pub history: Vec<AuditEntryDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AwardRefDto {
    /// The declaration, whose certificate is `/certificates/{declaration_id}`.
    pub declaration_id: i64,
    pub campaign_id: i64,
    pub campaign_name: String,
    /// first, second, third, excellent.
    pub tier: String,
}

impl From<ingot_store::innovation::AwardRef> for AwardRefDto {
    fn from(a: ingot_store::innovation::AwardRef) -> Self {
        AwardRefDto {
            declaration_id: a.declaration_id,
            campaign_id: a.campaign_id,
            campaign_name: a.campaign_name,
            tier: a.tier,
        }
    }
}

list_endpoints! {
    /// Skills and methods the caller may see, filtered.
    list_skills("/skills") -> SkillListDto of SkillDto;
    /// The filtered skills and methods as a CSV or XLSX file.
    export_skills("/skills/export") as RecordKind::Skills;
    cases::skills
}

/// Records a skill or method named after its creator, with who was trained in it.
#[utoipa::path(post, path = "/skills", tag = "innovation", request_body = cases::SkillInput,
    responses((status = 201, body = SkillDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn create_skill(
    State(state): State<AppState>,
    api: ApiCtx,
    JsonBody(input): JsonBody<cases::SkillInput>,
) -> Result<Response, Failure> {
    let s = in_tx(&state, &api, async |tx, caller| {
        cases::create_skill(tx, caller, &input).await
    })
    .await?;
    Ok(created(SkillDto::from(s)))
}

/// One skill or method with the people trained in it.
#[utoipa::path(get, path = "/skills/{id}", tag = "innovation", params(("id" = i64, Path)),
    responses((status = 200, body = SkillDetailDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn get_skill(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<SkillId>,
) -> Result<Json<SkillDetailDto>, Failure> {
    let mut tx = state.db.read().await?;
    let caller = api.caller();
    let (s, trainees) = cases::skill(&mut tx, &caller, id).await?;
    let (history, awards) = cases::skill_history(&mut tx, &caller, id).await?;
    Ok(Json(SkillDetailDto {
        skill: s.into(),
        trainees: trainees.into_iter().map(Into::into).collect(),
        awards: awards.into_iter().map(Into::into).collect(),
        history: history.into_iter().map(Into::into).collect(),
    }))
}

/// Changes a skill or method: every particular again, with the version read and why (required
/// once it has won an award; its certificate then shows the reason).
#[utoipa::path(patch, path = "/skills/{id}", tag = "innovation", params(("id" = i64, Path)),
    request_body = cases::SkillChange,
    responses((status = 200, body = SkillDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn update_skill(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<SkillId>,
    JsonBody(change): JsonBody<cases::SkillChange>,
) -> Result<Json<SkillDto>, Failure> {
    let s = in_tx(&state, &api, async |tx, caller| {
        cases::update_skill(tx, caller, id, &change).await
    })
    .await?;
    Ok(Json(s.into()))
}
