//! `/webhooks` and `/notifications/mail`: what Ingot sends out — webhooks carrying a subtree's
//! events to other systems and group bots, and a person's e-mail preference.

use super::{ApiCtx, JsonBody};
use crate::AppState;
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Path, State};
use ingot_app::outbound as cases;
use ingot_store::outbound::{Delivery, MailRecord, Webhook};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_webhooks, create_webhook))
        .routes(routes!(get_webhook))
        .routes(routes!(set_active))
        .routes(routes!(ping))
        .routes(routes!(get_mail, set_mail))
}

#[derive(serde::Serialize, ToSchema)]
pub struct WebhookDto {
    id: i64,
    org_id: i64,
    org_name: String,
    name: String,
    url: String,
    /// `ingot`, `wecom`, `dingtalk` or `feishu`.
    format: String,
    /// The event kinds sent; empty: every event.
    events: Vec<String>,
    active: bool,
    /// Milliseconds since the epoch.
    created_at: i64,
    delivered: i64,
    /// Deliveries failing now: waiting for a retry, or given up.
    failing: i64,
}

impl From<Webhook> for WebhookDto {
    fn from(w: Webhook) -> Self {
        WebhookDto {
            id: w.id,
            org_id: w.org_id.0,
            org_name: w.org_name,
            name: w.name,
            url: w.url,
            format: w.format,
            events: if w.events == "*" {
                Vec::new()
            } else {
                w.events.split(',').map(str::to_string).collect()
            },
            active: w.active,
            created_at: w.created_at.0,
            delivered: w.delivered,
            failing: w.failing,
        }
    }
}

#[derive(serde::Serialize, ToSchema)]
pub struct DeliveryDto {
    id: i64,
    event: String,
    created_at: i64,
    attempts: i64,
    next_attempt_at: i64,
    delivered_at: Option<i64>,
    given_up_at: Option<i64>,
    /// The receiver's HTTP status at the last attempt.
    last_status: Option<i64>,
    last_error: Option<String>,
}

impl From<Delivery> for DeliveryDto {
    fn from(d: Delivery) -> Self {
        DeliveryDto {
            id: d.id,
            event: d.event_kind,
            created_at: d.created_at.0,
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at.0,
            delivered_at: d.delivered_at.map(|t| t.0),
            given_up_at: d.given_up_at.map(|t| t.0),
            last_status: d.last_status,
            last_error: d.last_error,
        }
    }
}

#[derive(serde::Serialize, ToSchema)]
pub struct WebhookDetailDto {
    webhook: WebhookDto,
    /// The latest 50 deliveries, newest first.
    deliveries: Vec<DeliveryDto>,
}

#[derive(serde::Serialize, ToSchema)]
pub struct CreatedDto {
    id: i64,
}

#[derive(serde::Deserialize, serde::Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActiveDto {
    active: bool,
}

/// The webhooks of the organisations whose webhooks the caller manages.
#[utoipa::path(get, path = "/webhooks", tag = "webhooks",
    responses((status = 200, body = Vec<WebhookDto>), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn list_webhooks(
    State(state): State<AppState>,
    api: ApiCtx,
) -> Result<Json<Vec<WebhookDto>>, Failure> {
    let mut tx = state.db.read().await?;
    let hooks = cases::webhooks(&mut tx, &api.caller()).await?;
    Ok(Json(hooks.into_iter().map(Into::into).collect()))
}

/// Sets up a webhook: the events of an organisation's subtree posted to a URL.
#[utoipa::path(post, path = "/webhooks", tag = "webhooks", request_body = cases::WebhookInput,
    responses((status = 201, body = CreatedDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn create_webhook(
    State(state): State<AppState>,
    api: ApiCtx,
    JsonBody(input): JsonBody<cases::WebhookInput>,
) -> Result<(axum::http::StatusCode, Json<CreatedDto>), Failure> {
    let mut tx = state.db.begin().await?;
    let id = cases::create_webhook(&mut tx, &api.caller(), &input).await?;
    tx.commit().await?;
    Ok((axum::http::StatusCode::CREATED, Json(CreatedDto { id })))
}

/// A webhook with its latest deliveries: what was sent, what the receiver answered, and when a
/// failed one is tried again.
#[utoipa::path(get, path = "/webhooks/{id}", tag = "webhooks", params(("id" = i64, Path)),
    responses((status = 200, body = WebhookDetailDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn get_webhook(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
) -> Result<Json<WebhookDetailDto>, Failure> {
    let mut tx = state.db.read().await?;
    let (hook, deliveries) = cases::webhook(&mut tx, &api.caller(), id).await?;
    Ok(Json(WebhookDetailDto {
        webhook: hook.into(),
        deliveries: deliveries.into_iter().map(Into::into).collect(),
    }))
}

/// Switches a webhook on or off; switched off, what waited to be sent is dropped.
#[utoipa::path(post, path = "/webhooks/{id}/active", tag = "webhooks", params(("id" = i64, Path)),
    request_body = ActiveDto,
    responses((status = 200, body = ActiveDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn set_active(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<ActiveDto>,
) -> Result<Json<ActiveDto>, Failure> {
    let mut tx = state.db.begin().await?;
    cases::set_webhook_active(&mut tx, &api.caller(), id, body.active).await?;
    tx.commit().await?;
    Ok(Json(body))
}

/// Queues a test event (`ping`) for a webhook, to see its receiver answer.
#[utoipa::path(post, path = "/webhooks/{id}/ping", tag = "webhooks", params(("id" = i64, Path)),
    responses((status = 202), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn ping(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
) -> Result<axum::http::StatusCode, Failure> {
    let mut tx = state.db.begin().await?;
    cases::ping(&mut tx, &api.caller(), id).await?;
    tx.commit().await?;
    Ok(axum::http::StatusCode::ACCEPTED)
}

#[derive(serde::Deserialize, serde::Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MailSettingDto {
    /// An e-mail for each notification, as it happens (the daily digest, when on, is e-mailed
    /// too).
    each_notification: bool,
}

#[derive(serde::Serialize, ToSchema)]
pub struct MailDto {
    each_notification: bool,
    /// Whether this deployment sends e-mail at all.
    mail_configured: bool,
    /// The caller's last ten e-mails, newest first.
    recent: Vec<MailRecordDto>,
}

#[derive(serde::Serialize, ToSchema)]
pub struct MailRecordDto {
    /// `digest` or `notification`.
    kind: String,
    created_at: i64,
    attempts: i64,
    sent_at: Option<i64>,
    given_up_at: Option<i64>,
    last_error: Option<String>,
}

impl From<MailRecord> for MailRecordDto {
    fn from(m: MailRecord) -> Self {
        MailRecordDto {
            kind: m.kind,
            created_at: m.created_at.0,
            attempts: m.attempts,
            sent_at: m.sent_at.map(|t| t.0),
            given_up_at: m.given_up_at.map(|t| t.0),
            last_error: m.last_error,
        }
    }
}

/// The caller's e-mail preference and last e-mails.
#[utoipa::path(get, path = "/notifications/mail", tag = "notifications",
    responses((status = 200, body = MailDto)),
    security(("bearer" = []), ("session" = [])))]
async fn get_mail(State(state): State<AppState>, api: ApiCtx) -> Result<Json<MailDto>, Failure> {
    let caller = api.caller();
    let mut tx = state.db.read().await?;
    let each_notification = cases::mail_each_notification(&mut tx, &caller).await?;
    let recent = cases::recent_mails(&mut tx, &caller).await?;
    Ok(Json(MailDto {
        each_notification,
        mail_configured: state.config.mail_configured,
        recent: recent.into_iter().map(Into::into).collect(),
    }))
}

/// Asks for (or stops) an e-mail for each notification.
#[utoipa::path(put, path = "/notifications/mail", tag = "notifications", request_body = MailSettingDto,
    responses((status = 200, body = MailSettingDto), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn set_mail(
    State(state): State<AppState>,
    api: ApiCtx,
    JsonBody(body): JsonBody<MailSettingDto>,
) -> Result<Json<MailSettingDto>, Failure> {
    let mut tx = state.db.begin().await?;
    cases::set_mail_each_notification(&mut tx, &api.caller(), body.each_notification).await?;
    tx.commit().await?;
    Ok(Json(body))
}
