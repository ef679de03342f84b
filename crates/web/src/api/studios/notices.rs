//! Naming notices over the API: a notice with the studios it named, and the notice printed as
//! PDF or as a Word document for the clerks (both without credentials, as the notice is public).

use crate::AppState;
use crate::api::{ApiCtx, accept_language};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use ingot_app::studios as cases;
use ingot_domain::studio::{Level, NamingStatus};
use serde::Serialize;
use utoipa::ToSchema;

/// A studio a notice named, and whether that naming still stands.
#[derive(Serialize, ToSchema)]
pub struct NoticeStudioDto {
    pub studio_id: i64,
    pub name: String,
    pub unit_name: String,
    pub lead_name: String,
    pub level: Level,
    /// `active`, or `lost` when the title was taken away later.
    pub status: NamingStatus,
}

#[derive(Serialize, ToSchema)]
pub struct NamingNoticeDto {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub number: String,
    pub issued_on: String,
    pub title: String,
    pub studios: Vec<NoticeStudioDto>,
}

/// A naming notice: who issued it, its number, day and title, and every studio it named.
#[utoipa::path(get, path = "/naming-notices/{id}", tag = "studios", params(("id" = i64, Path)),
    responses((status = 200, body = NamingNoticeDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn get_notice(
    State(state): State<AppState>,
    _api: ApiCtx,
    Path(id): Path<i64>,
) -> Result<Json<NamingNoticeDto>, Failure> {
    let mut tx = state.db.read().await?;
    let d = cases::notice_detail(&mut tx, id).await?;
    let n = d.notice;
    Ok(Json(NamingNoticeDto {
        id: n.id,
        org_id: n.org_id,
        org_name: n.org_name,
        number: n.number,
        issued_on: n.issued_on.to_string(),
        title: n.title,
        studios: d
            .entries
            .into_iter()
            .map(|e| NoticeStudioDto {
                studio_id: e.studio_id,
                name: e.studio_name,
                unit_name: e.unit_name,
                lead_name: e.lead_name,
                level: e.level,
                status: e.status,
            })
            .collect(),
    }))
}

/// The notice with the studios it named, printed as a PDF in the caller's language
/// (`Accept-Language`), a Chinese font embedded (no credentials needed).
#[utoipa::path(get, path = "/naming-notices/{id}/pdf", tag = "studios", params(("id" = i64, Path)),
    responses(
        (status = 200, description = "The PDF", content((crate::api::proposal_dto::FileBytes = "application/pdf"))),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`pdf_font_missing`: the server has no Chinese font")),
    security((), ("bearer" = []), ("session" = [])))]
pub(super) async fn notice_pdf(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    let asked = (accept_language(&headers), "pdf");
    Ok(crate::documents::naming_notice(&state, asked, id).await?)
}

/// The notice as a Word document (.docx) in the caller's language, for the clerks who edit it
/// before it is stamped (no credentials needed).
#[utoipa::path(get, path = "/naming-notices/{id}/docx", tag = "studios", params(("id" = i64, Path)),
    responses(
        (status = 200, description = "The document", content((crate::api::proposal_dto::FileBytes = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))),
        (status = 404, body = ErrorBody)),
    security((), ("bearer" = []), ("session" = [])))]
pub(super) async fn notice_docx(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    let asked = (accept_language(&headers), "docx");
    Ok(crate::documents::naming_notice(&state, asked, id).await?)
}
