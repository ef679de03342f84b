//! Records in and out as spreadsheets: the template of each kind and the import of a file of
//! achievements, skills and methods, titles, people or studios, with its report or its marked workbook.

use crate::AppState;
use crate::api::ApiCtx;
use crate::api::dto::ImportRowErrorDto;
use crate::api::proposal_dto::{FileBytes, SpreadsheetQuery};
use crate::error::{ErrorBody, Failure};
use crate::transfer::{self as sheets, kind_of};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ingot_app::innovation::transfer::ImportChoice;
use ingot_domain::OrgId;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecordKindQuery {
    /// achievements, skills, titles, people or studios.
    pub kind: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecordImportQuery {
    /// achievements, skills, titles, people or studios.
    pub kind: String,
    /// Rows without a unit code belong to this organisation (all kinds but titles).
    pub unit_id: Option<i64>,
    /// Check every row and report, without saving anything.
    #[serde(default)]
    pub dry_run: bool,
    /// Save the right rows even when others are wrong; the rows left out are named in the
    /// audit log. Otherwise nothing is saved unless every row is right.
    #[serde(default)]
    pub keep_valid: bool,
    /// When rows are wrong, answer with the file itself as XLSX, each wrong cell filled red
    /// with a note saying what is wrong, instead of the JSON report.
    #[serde(default)]
    pub marked: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordImportReportDto {
    pub kind: String,
    pub rows: usize,
    pub dry_run: bool,
    pub keep_valid: bool,
    /// Records saved.
    pub saved: usize,
    /// Every problem by row and column, in the caller's language.
    pub errors: Vec<ImportRowErrorDto>,
}

/// A refused records import (422): the report of its rows, or an error about the request or the
/// file as a whole. Documents the API; never built.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum RecordImportRefusedDto {
    Rows(RecordImportReportDto),
    File(ErrorBody),
}

/// The empty file a kind of record is imported from, its headings in the caller's language.
#[utoipa::path(get, path = "/records/import/template", tag = "innovation",
    params(RecordKindQuery, SpreadsheetQuery),
    responses(
        (status = 200, description = "The file", content(
            (FileBytes = "text/csv"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn import_template(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(k): Query<RecordKindQuery>,
    Query(f): Query<SpreadsheetQuery>,
) -> Result<Response, Failure> {
    let kind = kind_of(&k.kind)?;
    let format = super::format_of(&f)?;
    Ok(sheets::template(&state.catalogs, api.lang, kind, format).await?)
}

/// Imports a CSV (UTF-8 or GB18030) or XLSX file of achievements, skills and methods, titles and
/// honours, people with their roles (without passwords), or studios with their members, its columns found by their headings in Chinese or English (as the template and
/// the export write them). Each row is held to the rules of the form. Nothing is saved unless
/// every row is right, unless `keep_valid` is asked.
#[utoipa::path(post, path = "/records/import", tag = "innovation", params(RecordImportQuery),
    request_body(content = FileBytes, content_type = "application/octet-stream"),
    responses(
        (status = 200, description = "Every row right, or with `keep_valid` the right rows saved (the report lists the others)", body = RecordImportReportDto),
        (status = 422, description = "Rows are wrong: the report, or with `marked` the file with its wrong cells marked", content(
            (RecordImportRefusedDto = "application/json"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn import_records(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<RecordImportQuery>,
    body: Bytes,
) -> Result<Response, Failure> {
    let kind = kind_of(&q.kind)?;
    if body.len() > state.config.max_upload_bytes {
        return Err(Failure(crate::forms::file_too_large()));
    }
    crate::pages::orgs::check_upload_type(None, &body)?;
    let choice = ImportChoice {
        default_unit: q.unit_id.map(OrgId),
        dry_run: q.dry_run,
        keep_valid: q.keep_valid,
    };
    let caller = api.caller();
    let (table, report) = sheets::import(&state, &caller, kind, body.to_vec(), choice).await?;
    // A check that found nothing wrong, or rows saved (all, or the right ones when asked).
    if report.is_ok() || report.saved > 0 {
        return Ok(Json(report_dto(&state, &api, &report)).into_response());
    }
    if q.marked {
        let file = sheets::marked_workbook(&state.catalogs, api.lang, table, &report).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, file).into_response());
    }
    let dto = report_dto(&state, &api, &report);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(dto)).into_response())
}

fn report_dto(
    state: &AppState,
    api: &ApiCtx,
    report: &ingot_app::innovation::transfer::RecordImportReport,
) -> RecordImportReportDto {
    RecordImportReportDto {
        kind: report.kind.as_str().to_string(),
        rows: report.rows,
        dry_run: report.dry_run,
        keep_valid: report.keep_valid,
        saved: report.saved,
        errors: report
            .errors
            .iter()
            .map(|e| ImportRowErrorDto::of(&state.catalogs, api.lang, e))
            .collect(),
    }
}
