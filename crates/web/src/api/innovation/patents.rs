//! Patents: the list with its export (in the layout the import reads), recording one with its
//! application number checked, and reading one with the achievements it is linked to.

use super::{ExportRow, RecordQuery, created, in_tx};
use crate::AppState;
use crate::api::dto::AuditEntryDto;
use crate::api::proposal_dto::{FileBytes, SpreadsheetQuery};
use crate::api::{ApiCtx, JsonBody};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::Response;
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
    /// Send it back with a change; a change made meanwhile is refused.
    pub version: i64,
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
            version: p.version,
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
    /// What was recorded about the patent, newest first: edits with before, after and why.
    pub history: Vec<AuditEntryDto>,
}

list_endpoints! {
    /// Patents the caller may see, filtered.
    list_patents("/patents") -> PatentListDto of PatentDto;
    /// The filtered patents as a CSV or XLSX file (in the layout the import reads).
    export_patents("/patents/export");
    cases::patents
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
    let p = in_tx(&state, &api, async |tx, caller| {
        cases::create_patent(tx, caller, &input).await
    })
    .await?;
    Ok(created(PatentDto::from(p)))
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
    let caller = api.caller();
    let (p, linked) = cases::patent(&mut tx, &caller, id).await?;
    let history = cases::patent_history(&mut tx, &caller, id).await?;
    Ok(Json(PatentDetailDto {
        patent: p.into(),
        achievements: linked.into_iter().map(Into::into).collect(),
        history: history.into_iter().map(Into::into).collect(),
    }))
}

/// Changes a patent (granted at last, a number mistyped): every particular again, with the
/// version read and, optionally, why; what it counts for follows.
#[utoipa::path(patch, path = "/patents/{id}", tag = "innovation", params(("id" = i64, Path)),
    request_body = cases::PatentChange,
    responses((status = 200, body = PatentDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn update_patent(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<PatentId>,
    JsonBody(change): JsonBody<cases::PatentChange>,
) -> Result<Json<PatentDto>, Failure> {
    let p = in_tx(&state, &api, async |tx, caller| {
        cases::update_patent(tx, caller, id, &change).await
    })
    .await?;
    Ok(Json(p.into()))
}

impl ExportRow for Patent {
    const NAME: &'static str = "patents";
    const HEADERS: &'static [&'static str] = &[
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

    fn row(self) -> Vec<String> {
        let p = self;
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
    }
}
