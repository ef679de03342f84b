//! `/returns`: upward statistical returns. A federation opens one for a year for the units
//! below it; each unit submits its figures (computed from its records, frozen on submission,
//! plus those it states); the level above accepts or returns them; the form exports with one row
//! per unit and the totals. Money is integer fen.

use super::ApiCtx;
use super::proposal_dto::{FileBytes, ReportFileQuery};
use crate::AppState;
use crate::error::{ErrorBody, Failure};
use crate::reports::{column_label, column_value};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ingot_app::reports::returns::{
    self as cases, ReturnInput, ReturnView, ReviewInput, SubmissionInput,
};
use ingot_domain::OrgId;
use ingot_domain::stat_return::{Figures, ReturnStatus};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_returns, open_return))
        .routes(routes!(get_return))
        .routes(routes!(export_return))
        .routes(routes!(submit_row))
        .routes(routes!(review_row))
        .routes(routes!(row_versions))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReturnDto {
    pub id: i64,
    /// The organisation that opened it, to which its units report.
    pub org_id: i64,
    pub org_name: String,
    pub year: i64,
    pub title: String,
    pub due_on: String,
}

impl From<&ingot_store::stat_returns::StatReturn> for ReturnDto {
    fn from(r: &ingot_store::stat_returns::StatReturn) -> Self {
        ReturnDto {
            id: r.id,
            org_id: r.org_id,
            org_name: r.org_name.clone(),
            year: r.year,
            title: r.title.clone(),
            due_on: r.due_on.to_string(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReturnColumnDto {
    /// A summary figure's code (`proposals.put_forward`, `patents.granted`, ...) or one the
    /// unit states (`cooperation_projects`, `participants`).
    pub code: String,
    pub label: String,
    /// `count` or `fen`.
    pub unit: String,
    /// Stated by the unit rather than computed from records.
    pub stated: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReturnRowDto {
    pub org_id: i64,
    pub org_code: String,
    pub org_name: String,
    #[schema(value_type = String)]
    pub status: ReturnStatus,
    /// The latest submission's version; 0 before the first.
    pub version: i64,
    /// The figures as submitted (frozen); null before the first submission.
    pub frozen: Option<BTreeMap<String, i64>>,
    /// The figures computed from the records now.
    pub live: BTreeMap<String, i64>,
    /// Live minus frozen, for the columns where they differ.
    pub changed_since: BTreeMap<String, i64>,
    pub note: Option<String>,
    pub reason: Option<String>,
    pub submitted_by: Option<String>,
    /// Epoch milliseconds.
    pub submitted_at: Option<i64>,
    pub review_note: Option<String>,
    pub may_submit: bool,
    pub may_review: bool,
    /// What the unit's own return, from the units below it, carries up (accepted rows).
    pub from_below: Option<BTreeMap<String, i64>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReturnViewDto {
    #[serde(rename = "return")]
    pub ret: ReturnDto,
    pub columns: Vec<ReturnColumnDto>,
    /// Whether the caller runs the return (sees and reviews every row).
    pub manages: bool,
    pub rows: Vec<ReturnRowDto>,
    /// The frozen figures of the accepted rows, summed.
    pub accepted_totals: BTreeMap<String, i64>,
    /// Rows not yet submitted (pending or returned).
    pub missing: usize,
}

fn view_dto(state: &AppState, api: &ApiCtx, v: ReturnView) -> ReturnViewDto {
    ReturnViewDto {
        ret: (&v.ret).into(),
        columns: v
            .columns
            .iter()
            .map(|c| ReturnColumnDto {
                code: c.code(),
                label: column_label(&state.catalogs, api.lang, *c),
                unit: if c.is_money() { "fen" } else { "count" }.into(),
                stated: matches!(c, ingot_domain::stat_return::Column::Added(_)),
            })
            .collect(),
        manages: v.manages,
        missing: v.missing,
        accepted_totals: v.accepted_totals,
        rows: v
            .rows
            .iter()
            .map(|r| ReturnRowDto {
                org_id: r.row.org_id,
                org_code: r.row.org_code.clone(),
                org_name: r.row.org_name.clone(),
                status: r.row.status,
                version: r.row.version,
                frozen: r.frozen.clone(),
                live: r.live.clone(),
                changed_since: v
                    .columns
                    .iter()
                    .filter_map(|c| Some((c.code(), r.changed_since(c)?)))
                    .collect(),
                note: r.row.note.clone().filter(|s| !s.is_empty()),
                reason: r.row.reason.clone().filter(|s| !s.is_empty()),
                submitted_by: r.row.submitted_by_name.clone(),
                submitted_at: r.row.submitted_at,
                review_note: r.row.review_note.clone(),
                may_submit: r.may_submit,
                may_review: r.may_review,
                from_below: r.from_below.clone(),
            })
            .collect(),
    }
}

/// The returns the caller runs or reports to, newest year first.
#[utoipa::path(get, path = "/returns", tag = "reports",
    responses((status = 200, body = Vec<ReturnDto>)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn list_returns(
    State(state): State<AppState>,
    api: ApiCtx,
) -> Result<Json<Vec<ReturnDto>>, Failure> {
    let mut tx = state.db.read().await?;
    let list = cases::list(&mut tx, &api.caller()).await?;
    Ok(Json(list.iter().map(ReturnDto::from).collect()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OpenedDto {
    pub id: i64,
}

/// Opens a return for a year for the units directly below an organisation.
#[utoipa::path(post, path = "/returns", tag = "reports", request_body = ReturnInput,
    responses((status = 201, body = OpenedDto), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn open_return(
    State(state): State<AppState>,
    api: ApiCtx,
    super::JsonBody(input): super::JsonBody<ReturnInput>,
) -> Result<Response, Failure> {
    let mut tx = state.db.begin().await?;
    let id = cases::open(&mut tx, &api.caller(), &input).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(OpenedDto { id })).into_response())
}

/// A return with the rows the caller may read, frozen and live.
#[utoipa::path(get, path = "/returns/{id}", tag = "reports", params(("id" = i64, Path)),
    responses((status = 200, body = ReturnViewDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn get_return(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
) -> Result<Json<ReturnViewDto>, Failure> {
    let mut tx = state.db.read().await?;
    let v = cases::show(&mut tx, &api.caller(), id).await?;
    drop(tx);
    Ok(Json(view_dto(&state, &api, v)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubmittedDto {
    pub version: i64,
}

/// Submits a unit's row: its figures from records and those it states, frozen as a new version.
#[utoipa::path(post, path = "/returns/{id}/units/{org}/submission", tag = "reports",
    params(("id" = i64, Path), ("org" = i64, Path)), request_body = SubmissionInput,
    responses((status = 200, body = SubmittedDto), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn submit_row(
    State(state): State<AppState>,
    api: ApiCtx,
    Path((id, org)): Path<(i64, OrgId)>,
    super::JsonBody(input): super::JsonBody<SubmissionInput>,
) -> Result<Json<SubmittedDto>, Failure> {
    let mut tx = state.db.begin().await?;
    let version = cases::submit(&mut tx, &api.caller(), (id, org), &input).await?;
    tx.commit().await?;
    Ok(Json(SubmittedDto { version }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewedDto {
    #[schema(value_type = String)]
    pub status: ReturnStatus,
}

/// Accepts a unit's submitted row, or returns it for correction with what to correct.
#[utoipa::path(post, path = "/returns/{id}/units/{org}/review", tag = "reports",
    params(("id" = i64, Path), ("org" = i64, Path)), request_body = ReviewInput,
    responses((status = 200, body = ReviewedDto), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn review_row(
    State(state): State<AppState>,
    api: ApiCtx,
    Path((id, org)): Path<(i64, OrgId)>,
    super::JsonBody(input): super::JsonBody<ReviewInput>,
) -> Result<Json<ReviewedDto>, Failure> {
    let mut tx = state.db.begin().await?;
    let status = cases::review(&mut tx, &api.caller(), (id, org), &input).await?;
    tx.commit().await?;
    Ok(Json(ReviewedDto { status }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VersionDto {
    pub version: i64,
    pub figures: BTreeMap<String, i64>,
    pub note: String,
    pub reason: String,
    pub submitted_by: Option<String>,
    pub submitted_at: i64,
}

/// Every version a unit submitted, oldest first: corrections keep what they replaced.
#[utoipa::path(get, path = "/returns/{id}/units/{org}/versions", tag = "reports",
    params(("id" = i64, Path), ("org" = i64, Path)),
    responses((status = 200, body = Vec<VersionDto>), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn row_versions(
    State(state): State<AppState>,
    api: ApiCtx,
    Path((id, org)): Path<(i64, OrgId)>,
) -> Result<Json<Vec<VersionDto>>, Failure> {
    let mut tx = state.db.read().await?;
    let versions = cases::versions(&mut tx, &api.caller(), (id, org)).await?;
    Ok(Json(
        versions
            .into_iter()
            .map(|(version, figures, note, reason, by, at)| VersionDto {
                version,
                figures,
                note,
                reason,
                submitted_by: by,
                submitted_at: at,
            })
            .collect(),
    ))
}

/// The return in the layout of the official form: one row per unit with its frozen figures
/// (blank until submitted) and status, then the totals of the accepted rows; CSV, XLSX, or
/// printed as a PDF (a Chinese font embedded).
#[utoipa::path(get, path = "/returns/{id}/export", tag = "reports",
    params(("id" = i64, Path), ReportFileQuery),
    responses(
        (status = 200, description = "The file", content(
            (FileBytes = "text/csv"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (FileBytes = "application/pdf"))),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "`pdf_font_missing`"),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn export_return(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    Query(f): Query<ReportFileQuery>,
) -> Result<Response, Failure> {
    let format = crate::documents::report_format(f.format.as_deref())?;
    let mut tx = state.db.read().await?;
    let v = cases::show(&mut tx, &api.caller(), id).await?;
    drop(tx);
    let t = |key: &str| state.catalogs.t(api.lang, key).to_string();
    let mut headers = vec![t("report.returns.unit"), t("report.returns.status")];
    headers.extend(
        v.columns
            .iter()
            .map(|c| column_label(&state.catalogs, api.lang, *c)),
    );
    let cells = |figures: &Figures| -> Vec<String> {
        v.columns
            .iter()
            .map(|c| {
                figures
                    .get(&c.code())
                    .map(|n| column_value(*c, *n))
                    .unwrap_or_default()
            })
            .collect()
    };
    let mut rows: Vec<Vec<String>> = v
        .rows
        .iter()
        .map(|r| {
            let mut row = vec![
                r.row.org_name.clone(),
                t(&format!("report.returns.state.{}", r.row.status.as_str())),
            ];
            row.extend(match &r.frozen {
                Some(f) => cells(f),
                None => vec![String::new(); v.columns.len()],
            });
            row
        })
        .collect();
    let mut total = vec![t("report.returns.accepted_total"), String::new()];
    total.extend(cells(&v.accepted_totals));
    rows.push(total);
    let mut numeric = vec![false, false];
    numeric.extend(v.columns.iter().map(|_| true));
    let file = crate::documents::ReportFile {
        stem: format!("return-{}-{}", v.ret.year, v.ret.id),
        sheet: t("report.returns.sheet"),
        title: v.ret.title.clone(),
        subtitle: vec![format!("{} · {}", v.ret.org_name, v.ret.year)],
        footer: v.ret.title.clone(),
        headers,
        rows,
        numeric,
    };
    Ok(crate::documents::report_response(format, file).await?)
}
