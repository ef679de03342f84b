//! Patents: the list with its export (in the layout the import reads), recording one with its
//! application number checked, and reading one with the achievements it is linked to.

use super::{RecordQuery, export_page, filter_of, format_of, page_of};
use crate::AppState;
use crate::api::proposal_dto::{FileBytes, SpreadsheetQuery};
use crate::api::{ApiCtx, JsonBody};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ingot_app::innovation as cases;
use ingot_domain::PatentId;
use ingot_store::innovation::{AchievementRef, Patent};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct PatentDto {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    /// invention, utility_model, design.
    pub kind: String,
    /// The application number, e.g. `CN202110123456.X`.
    pub number: String,
    pub title: String,
    pub inventors: String,
    pub applied_on: String,
    pub granted_on: Option<String>,
    /// applied, granted, rejected, lapsed.
    pub status: String,
    pub year: i64,
}

impl From<Patent> for PatentDto {
    fn from(p: Patent) -> Self {
        PatentDto {
            id: p.id,
            unit_id: p.unit_id.0,
            unit_name: p.unit_name,
            kind: p.kind.as_str().into(),
            number: p.number,
            title: p.title,
            inventors: p.inventors,
            applied_on: p.applied_on.to_string(),
            granted_on: p.granted_on.map(|d| d.to_string()),
            status: p.status.as_str().into(),
            year: p.year,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AchievementRefDto {
    pub id: i64,
    pub title: String,
    pub year: i64,
}

impl From<AchievementRef> for AchievementRefDto {
    fn from(a: AchievementRef) -> Self {
        AchievementRefDto {
            id: a.id,
            title: a.title,
            year: a.year,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PatentDetailDto {
    pub patent: PatentDto,
    pub achievements: Vec<AchievementRefDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PatentListDto {
    pub items: Vec<PatentDto>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// Patents the caller may see, filtered.
#[utoipa::path(get, path = "/patents", tag = "innovation", params(RecordQuery),
    responses((status = 200, body = PatentListDto), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn list_patents(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<RecordQuery>,
) -> Result<Json<PatentListDto>, Failure> {
    let filter = filter_of(&state, &q).await?;
    let page = page_of(&q);
    let mut tx = state.db.read().await?;
    let (items, total) = cases::patents(&mut tx, &api.caller(), filter, page).await?;
    Ok(Json(PatentListDto {
        items: items.into_iter().map(Into::into).collect(),
        total,
        page: page.number,
        per_page: page.size,
    }))
}

/// Records a patent; its application number is checked (format and check digit).
#[utoipa::path(post, path = "/patents", tag = "innovation", request_body = cases::PatentInput,
    responses((status = 201, body = PatentDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn create_patent(
    State(state): State<AppState>,
    api: ApiCtx,
    JsonBody(input): JsonBody<cases::PatentInput>,
) -> Result<Response, Failure> {
    let mut tx = state.db.begin().await?;
    let p = cases::create_patent(&mut tx, &api.caller(), &input).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(PatentDto::from(p))).into_response())
}

/// One patent and the achievements it is linked to.
#[utoipa::path(get, path = "/patents/{id}", tag = "innovation", params(("id" = i64, Path)),
    responses((status = 200, body = PatentDetailDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn get_patent(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<PatentId>,
) -> Result<Json<PatentDetailDto>, Failure> {
    let mut tx = state.db.read().await?;
    let (p, linked) = cases::patent(&mut tx, &api.caller(), id).await?;
    Ok(Json(PatentDetailDto {
        patent: p.into(),
        achievements: linked.into_iter().map(Into::into).collect(),
    }))
}

const PATENT_HEADERS: [&str; 9] = [
    "number",
    "kind",
    "title",
    "inventors",
    "unit",
    "applied_on",
    "granted_on",
    "status",
    "year",
];

pub fn patent_rows(items: Vec<Patent>) -> Vec<Vec<String>> {
    items
        .into_iter()
        .map(|p| {
            vec![
                p.number,
                p.kind.as_str().into(),
                p.title,
                p.inventors,
                p.unit_name,
                p.applied_on.to_string(),
                p.granted_on.map(|d| d.to_string()).unwrap_or_default(),
                p.status.as_str().into(),
                p.year.to_string(),
            ]
        })
        .collect()
}

/// The filtered patents as a CSV or XLSX file (in the layout the import reads).
#[utoipa::path(get, path = "/patents/export", tag = "innovation", params(RecordQuery, SpreadsheetQuery),
    responses(
        (status = 200, description = "The file", content(
            (FileBytes = "text/csv"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn export_patents(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<RecordQuery>,
    Query(f): Query<SpreadsheetQuery>,
) -> Result<Response, Failure> {
    let format = format_of(&f)?;
    let filter = filter_of(&state, &q).await?;
    let mut tx = state.db.read().await?;
    let (items, _) = cases::patents(&mut tx, &api.caller(), filter, export_page()).await?;
    drop(tx);
    Ok(crate::pages::orgs::spreadsheet_response(
        format,
        "patents",
        "patents",
        &PATENT_HEADERS,
        patent_rows(items),
    )
    .await?)
}
