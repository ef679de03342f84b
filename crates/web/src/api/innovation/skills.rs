//! Skills and methods named after their creators: the list with its export, recording one with
//! who was trained in it, and reading one.

use super::{PersonRefDto, RecordQuery, export_page, filter_of, format_of, page_of};
use crate::AppState;
use crate::api::proposal_dto::{FileBytes, SpreadsheetQuery};
use crate::api::{ApiCtx, JsonBody};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ingot_app::innovation as cases;
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
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SkillDetailDto {
    pub skill: SkillDto,
    pub trainees: Vec<PersonRefDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SkillListDto {
    pub items: Vec<SkillDto>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// Skills and methods the caller may see, filtered.
#[utoipa::path(get, path = "/skills", tag = "innovation", params(RecordQuery),
    responses((status = 200, body = SkillListDto), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn list_skills(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<RecordQuery>,
) -> Result<Json<SkillListDto>, Failure> {
    let filter = filter_of(&state, &q).await?;
    let page = page_of(&q);
    let mut tx = state.db.read().await?;
    let (items, total) = cases::skills(&mut tx, &api.caller(), filter, page).await?;
    Ok(Json(SkillListDto {
        items: items.into_iter().map(Into::into).collect(),
        total,
        page: page.number,
        per_page: page.size,
    }))
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
    let mut tx = state.db.begin().await?;
    let s = cases::create_skill(&mut tx, &api.caller(), &input).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(SkillDto::from(s))).into_response())
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
    let (s, trainees) = cases::skill(&mut tx, &api.caller(), id).await?;
    Ok(Json(SkillDetailDto {
        skill: s.into(),
        trainees: trainees.into_iter().map(Into::into).collect(),
    }))
}

const SKILL_HEADERS: [&str; 8] = [
    "name",
    "kind",
    "creator",
    "unit",
    "used_where",
    "trained_count",
    "year",
    "description",
];

pub fn skill_rows(items: Vec<Skill>) -> Vec<Vec<String>> {
    items
        .into_iter()
        .map(|s| {
            vec![
                s.name,
                s.kind.as_str().into(),
                s.creator_name,
                s.unit_name,
                s.used_where,
                s.trained_count.to_string(),
                s.year.to_string(),
                s.description,
            ]
        })
        .collect()
}

/// The filtered skills and methods as a CSV or XLSX file.
#[utoipa::path(get, path = "/skills/export", tag = "innovation", params(RecordQuery, SpreadsheetQuery),
    responses(
        (status = 200, description = "The file", content(
            (FileBytes = "text/csv"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn export_skills(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<RecordQuery>,
    Query(f): Query<SpreadsheetQuery>,
) -> Result<Response, Failure> {
    let format = format_of(&f)?;
    let filter = filter_of(&state, &q).await?;
    let mut tx = state.db.read().await?;
    let (items, _) = cases::skills(&mut tx, &api.caller(), filter, export_page()).await?;
    drop(tx);
    Ok(crate::pages::orgs::spreadsheet_response(
        format,
        "skills",
        "skills",
        &SKILL_HEADERS,
        skill_rows(items),
    )
    .await?)
}
