//! Talent titles and honours: the list with its export, recording one, and whether a person
//! holds one of at least a level (for eligibility rules).

use super::{RecordQuery, created, in_tx};
use crate::AppState;
use crate::api::proposal_dto::{FileBytes, SpreadsheetQuery};
use crate::api::{ApiCtx, JsonBody};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use ingot_app::innovation as cases;
use ingot_app::innovation::transfer::RecordKind;
use ingot_domain::innovation::HonourLevel;
use ingot_domain::{AppError, TitleId, UserId};
use ingot_store::innovation::Title;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Serialize, ToSchema)]
pub struct TitleDto {
    pub id: i64,
    pub user_id: i64,
    pub holder_name: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub name: String,
    pub granted_by: i64,
    pub granted_by_name: String,
    pub year: i64,
    /// enterprise, municipal, provincial, national.
    pub level: String,
    /// Won in an announced titling campaign: the winning declaration (its certificate is
    /// `/certificates/{declaration_id}`); null for a title recorded directly.
    pub declaration_id: Option<i64>,
    /// Send it back with a change; a change made meanwhile is refused.
    pub version: i64,
}

impl From<Title> for TitleDto {
    fn from(t: Title) -> Self {
        TitleDto {
            id: t.id,
            user_id: t.user_id.0,
            holder_name: t.holder_name,
            unit_id: t.unit_id.0,
            unit_name: t.unit_name,
            name: t.name,
            granted_by: t.granted_by.0,
            granted_by_name: t.granted_by_name,
            year: t.year,
            level: t.level.as_str().into(),
            declaration_id: t.declaration_id,
            version: t.version,
        }
    }
}

list_endpoints! {
    /// Talent titles and honours the caller may see, filtered (`kind` filters by level).
    list_titles("/titles") -> TitleListDto of TitleDto;
    /// The filtered titles as a CSV or XLSX file.
    export_titles("/titles/export") as RecordKind::Titles;
    cases::titles
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HonourQuery {
    /// enterprise, municipal, provincial or national.
    #[serde(default)]
    pub at_least: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HonourCheckDto {
    pub user_id: i64,
    pub at_least: String,
    pub holds: bool,
}

/// Records a title or honour granted to a person by a body in a year.
#[utoipa::path(post, path = "/titles", tag = "innovation", request_body = cases::TitleInput,
    responses((status = 201, body = TitleDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn create_title(
    State(state): State<AppState>,
    api: ApiCtx,
    JsonBody(input): JsonBody<cases::TitleInput>,
) -> Result<Response, Failure> {
    let t = in_tx(&state, &api, async |tx, caller| {
        cases::create_title(tx, caller, &input).await
    })
    .await?;
    Ok(created(TitleDto::from(t)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TitleDetailDto {
    pub title: TitleDto,
    /// What was recorded about it, newest first: edits with before, after and why.
    pub history: Vec<crate::api::dto::AuditEntryDto>,
}

/// One title or honour with its history.
#[utoipa::path(get, path = "/titles/{id}", tag = "innovation", params(("id" = i64, Path)),
    responses((status = 200, body = TitleDetailDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn get_title(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<TitleId>,
) -> Result<Json<TitleDetailDto>, Failure> {
    let mut tx = state.db.read().await?;
    let (t, history) = cases::title(&mut tx, &api.caller(), id).await?;
    Ok(Json(TitleDetailDto {
        title: t.into(),
        history: history.into_iter().map(Into::into).collect(),
    }))
}

/// Changes a title or honour: every particular again, with the version read and why (required
/// for a title won in a campaign). What it counts for (the annual summary, naming eligibility)
/// follows in the same transaction.
#[utoipa::path(patch, path = "/titles/{id}", tag = "innovation", params(("id" = i64, Path)),
    request_body = cases::TitleChange,
    responses((status = 200, body = TitleDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn update_title(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<TitleId>,
    JsonBody(change): JsonBody<cases::TitleChange>,
) -> Result<Json<TitleDto>, Failure> {
    let t = in_tx(&state, &api, async |tx, caller| {
        cases::update_title(tx, caller, id, &change).await
    })
    .await?;
    Ok(Json(t.into()))
}

/// Does the person hold a title or honour of at least this level? For eligibility rules.
#[utoipa::path(get, path = "/people/{id}/honours", tag = "innovation", params(("id" = i64, Path), HonourQuery),
    responses((status = 200, body = HonourCheckDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn honour_check(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<UserId>,
    Query(q): Query<HonourQuery>,
) -> Result<Json<HonourCheckDto>, Failure> {
    let mut tx = state.db.read().await?;
    // Who the person is stays hidden from those who may not see them, whatever the query.
    cases::visible_person(&mut tx, &api.caller(), id).await?;
    let level = HonourLevel::parse(&q.at_least)
        .ok_or(AppError::field("at_least", "unknown_honour_level"))?;
    let holds = cases::holds_honour_visible(&mut tx, &api.caller(), id, level).await?;
    Ok(Json(HonourCheckDto {
        user_id: id.0,
        at_least: level.as_str().into(),
        holds,
    }))
}
