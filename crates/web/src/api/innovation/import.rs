//! Importing a CSV or XLSX list of patents: all or nothing, every wrong row reported by row and
//! column.

use super::patents::PatentDto;
use crate::AppState;
use crate::api::ApiCtx;
use crate::api::dto::ImportRowErrorDto;
use crate::api::proposal_dto::FileBytes;
use crate::error::Failure;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ingot_app::innovation::import;
use ingot_domain::OrgId;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PatentImportQuery {
    /// Rows without a unit code belong to this organisation.
    pub unit_id: Option<i64>,
    /// Check every row and report, without saving anything.
    pub dry_run: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PatentImportReportDto {
    pub rows: usize,
    pub dry_run: bool,
    /// Empty when the import succeeded; otherwise nothing was saved.
    pub errors: Vec<ImportRowErrorDto>,
    pub created: Vec<PatentDto>,
}

/// A refused patent import (422): the report of its rows, or an error about the file as a
/// whole. Documents the API; never built.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum PatentImportRefusedDto {
    Rows(PatentImportReportDto),
    File(crate::error::ErrorBody),
}

/// Imports a CSV or XLSX list of patents (columns: number/申请号, title/专利名称, inventors/发明人,
/// applied_on/申请日, and optionally kind/专利类型, granted_on/授权日, status/法律状态,
/// unit_code/单位编码). All or nothing: any wrong row is reported by row and column and nothing
/// is saved.
#[utoipa::path(post, path = "/patents/import", tag = "innovation", params(PatentImportQuery),
    request_body(content = FileBytes, content_type = "application/octet-stream"),
    responses((status = 200, body = PatentImportReportDto), (status = 422, body = PatentImportRefusedDto)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn import_patents(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<PatentImportQuery>,
    body: Bytes,
) -> Result<Response, Failure> {
    if body.len() > state.config.max_upload_bytes {
        return Err(Failure(crate::forms::file_too_large()));
    }
    crate::pages::orgs::check_upload_type(None, &body)?;
    let table = ingot_app::org_import::read_file(body.to_vec()).await?;
    let report = import::import_patents(
        &state.db,
        &api.caller(),
        &table,
        q.unit_id.map(OrgId),
        q.dry_run.unwrap_or(false),
    )
    .await?;
    let status = if report.is_ok() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let dto = PatentImportReportDto {
        rows: report.rows,
        dry_run: report.dry_run,
        errors: report
            .errors
            .iter()
            .map(|e| ImportRowErrorDto::of(&state.catalogs, api.lang, e))
            .collect(),
        created: report.created.into_iter().map(Into::into).collect(),
    };
    Ok((status, Json(dto)).into_response())
}
