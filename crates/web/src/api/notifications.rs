//! `/notifications`: what happened to the proposals the caller is involved in, and the daily
//! digest.

use super::proposal_dto::*;
use super::proposals::Problems;
use super::{ApiCtx, JsonBody};
use crate::AppState;
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Query, State};
use ingot_app::notifications as cases;
use ingot_store::Page;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_notifications))
        .routes(routes!(mark_read))
        .routes(routes!(get_digest, set_digest))
        .routes(routes!(list_digests))
}

/// The caller's notifications, newest first, with the number unread.
#[utoipa::path(get, path = "/notifications", tag = "notifications", params(NotificationQuery),
    responses((status = 200, body = NotificationListDto), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn list_notifications(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<NotificationQuery>,
) -> Result<Json<NotificationListDto>, Failure> {
    let mut p = Problems::default();
    let unread_only = p.flag("unread", q.unread.as_deref());
    let page = p.int("page", q.page.as_deref());
    let per_page = p.int("per_page", q.per_page.as_deref());
    p.finish()?;
    let page = Page::new(page, per_page.map(|n| n.min(100)), 20);
    let caller = api.caller();
    let mut tx = state.db.read().await?;
    let (items, total) = cases::list(&mut tx, &caller, unread_only, page).await?;
    let unread = cases::unread_count(&mut tx, &caller).await?;
    Ok(Json(NotificationListDto {
        items: items.into_iter().map(Into::into).collect(),
        total,
        unread,
        page: page.number,
        per_page: page.size,
    }))
}

/// Marks one notification read, or all of them when no `id` is given.
#[utoipa::path(post, path = "/notifications/read", tag = "notifications", request_body = cases::MarkReadInput,
    responses((status = 200, body = MarkReadDto)),
    security(("bearer" = []), ("session" = [])))]
async fn mark_read(
    State(state): State<AppState>,
    api: ApiCtx,
    JsonBody(input): JsonBody<cases::MarkReadInput>,
) -> Result<Json<MarkReadDto>, Failure> {
    let caller = api.caller();
    let mut tx = state.db.begin().await?;
    let marked = cases::mark_read(&mut tx, &caller, &input).await?;
    let unread = cases::unread_count(&mut tx, &caller).await?;
    tx.commit().await?;
    Ok(Json(MarkReadDto { marked, unread }))
}

/// Whether the caller receives a daily digest.
#[utoipa::path(get, path = "/notifications/digest", tag = "notifications",
    responses((status = 200, body = DigestSettingDto)),
    security(("bearer" = []), ("session" = [])))]
async fn get_digest(
    State(state): State<AppState>,
    api: ApiCtx,
) -> Result<Json<DigestSettingDto>, Failure> {
    let mut tx = state.db.read().await?;
    let daily_digest = cases::digest_enabled(&mut tx, &api.caller()).await?;
    Ok(Json(DigestSettingDto { daily_digest }))
}

/// Turns the daily digest on or off.
#[utoipa::path(put, path = "/notifications/digest", tag = "notifications", request_body = DigestSettingDto,
    responses((status = 200, body = DigestSettingDto), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn set_digest(
    State(state): State<AppState>,
    api: ApiCtx,
    JsonBody(body): JsonBody<DigestSettingDto>,
) -> Result<Json<DigestSettingDto>, Failure> {
    let mut tx = state.db.begin().await?;
    cases::set_digest(&mut tx, &api.caller(), body.daily_digest).await?;
    tx.commit().await?;
    Ok(Json(body))
}

/// The caller's recent daily digests (the last 14), newest first.
#[utoipa::path(get, path = "/notifications/digests", tag = "notifications",
    responses((status = 200, body = Vec<DigestDto>)),
    security(("bearer" = []), ("session" = [])))]
async fn list_digests(
    State(state): State<AppState>,
    api: ApiCtx,
) -> Result<Json<Vec<DigestDto>>, Failure> {
    let mut tx = state.db.read().await?;
    let digests = cases::digests(&mut tx, &api.caller()).await?;
    Ok(Json(digests.into_iter().map(Into::into).collect()))
}
