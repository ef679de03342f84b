//! Webhooks on pages: the list with the form that sets one up, and a webhook's page with its
//! deliveries, the switch and the test message.

use crate::AppState;
use crate::access::Gate::{Record, Role};
use crate::access::Routes;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::{FormErrors, SentForm, decode_form};
use crate::pages::{answer, done, in_tx, render};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use ingot_app::outbound as cases;
use ingot_app::reach::Target;
use ingot_domain::org::Organisation;
use ingot_domain::policy::Action;
use ingot_domain::{AppError, OrgId};
use ingot_store::outbound::{Delivery, Webhook};

/// The webhooks' pages, for those who manage a subtree's webhooks.
pub fn routes(routes: Routes) -> Routes {
    let managers = Role(&[Action::ManageWebhooks]);
    routes
        .get("/webhooks", managers, index)
        .post("/webhooks", managers, create)
        .get("/webhooks/{id}", Record(Target::Webhook), show)
        .post("/webhooks/{id}/active", Record(Target::Webhook), set_active)
        .post("/webhooks/{id}/ping", Record(Target::Webhook), ping)
}

#[derive(Template)]
#[template(path = "webhooks/index.html")]
struct IndexPage {
    ctx: PageCtx,
    hooks: Vec<Webhook>,
    orgs: Vec<Organisation>,
    events: &'static [&'static str],
    formats: &'static [&'static str],
    sent: SentForm,
    errors: FormErrors,
}

async fn index_page(
    state: &AppState,
    ctx: PageCtx,
    (sent, errors): (SentForm, FormErrors),
    status: StatusCode,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let roots = caller
        .scope(Action::ManageWebhooks)
        .map(|s| s.root_ids())
        .unwrap_or_default();
    let mut tx = state.db.read().await?;
    let hooks = cases::webhooks(&mut tx, &caller).await?;
    let orgs = ingot_store::orgs::get_many(&mut tx, &roots).await?;
    drop(tx);
    let page = IndexPage {
        ctx,
        hooks,
        orgs,
        events: cases::EVENTS,
        formats: cases::FORMATS,
        sent,
        errors,
    };
    Ok(render(status, &page))
}

pub async fn index(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, Failure> {
    let sent = SentForm::with(&[("format", "ingot".to_string())]);
    index_page(&state, ctx, (sent, FormErrors::none()), StatusCode::OK).await
}

/// The form as it is sent: the event boxes ticked, the rest as the API takes it.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct WebhookForm {
    org_id: Option<OrgId>,
    name: String,
    url: String,
    format: String,
    secret: String,
    events: Vec<String>,
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    body: Bytes,
) -> Result<Response, Failure> {
    let input = decode_form::<WebhookForm>(&body).and_then(|f| {
        Ok(cases::WebhookInput {
            org_id: f
                .org_id
                .ok_or_else(|| AppError::field("org_id", "required"))?,
            name: f.name,
            url: f.url,
            format: f.format,
            secret: f.secret,
            events: f.events,
        })
    });
    let r = in_tx(&state, &ctx, async |tx, c| {
        cases::create_webhook(tx, c, input.as_ref().map_err(Clone::clone)?).await
    })
    .await;
    let to = match &r {
        Ok(id) => format!("/webhooks/{id}"),
        Err(_) => "/webhooks".to_string(),
    };
    let again = async |ctx, errors, status| {
        index_page(&state, ctx, (SentForm::of(&body), errors), status).await
    };
    answer(ctx, r, &to, "webhook_created", again).await
}

#[derive(Template)]
#[template(path = "webhooks/show.html")]
struct ShowPage {
    ctx: PageCtx,
    hook: Webhook,
    deliveries: Vec<Delivery>,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let (hook, deliveries) = cases::webhook(&mut tx, &caller, id).await?;
    drop(tx);
    Ok(render(
        StatusCode::OK,
        &ShowPage {
            ctx,
            hook,
            deliveries,
        },
    ))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ActiveForm {
    active: String,
}

pub async fn set_active(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, Failure> {
    let form: ActiveForm = decode_form(&body)?;
    let on = form.active == "1";
    in_tx(&state, &ctx, async |tx, c| {
        cases::set_webhook_active(tx, c, id, on).await
    })
    .await?;
    Ok(done(&format!("/webhooks/{id}"), "webhook_updated"))
}

pub async fn ping(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    in_tx(&state, &ctx, async |tx, c| cases::ping(tx, c, id).await).await?;
    Ok(done(&format!("/webhooks/{id}"), "webhook_pinged"))
}
