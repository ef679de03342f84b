//! The bell's page: notifications, the daily digest option and recent digests.

use super::{Pager, done, in_tx, ok};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Response;
use ingot_app::notifications as cases;
use ingot_app::outbound;
use ingot_store::Page;
use ingot_store::notifications::{Digest, Notification};
use ingot_store::outbound::MailRecord;

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    unread: String,
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "notifications/index.html")]
struct IndexPage {
    ctx: PageCtx,
    items: Vec<Notification>,
    total: i64,
    unread_only: bool,
    pager: Pager,
    digest: bool,
    digests: Vec<Digest>,
    mail_each: bool,
    mail_configured: bool,
    mails: Vec<MailRecord>,
}

pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<ListQuery>,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let unread_only = q.unread == "1";
    let page = Page::new(q.page, Some(30), 30);
    let mut tx = state.db.read().await?;
    let (items, total) = cases::list(&mut tx, &caller, unread_only, page).await?;
    let digest = cases::digest_enabled(&mut tx, &caller).await?;
    let digests = cases::digests(&mut tx, &caller).await?;
    let mail_each = outbound::mail_each_notification(&mut tx, &caller).await?;
    let mails = outbound::recent_mails(&mut tx, &caller).await?;
    drop(tx);
    let base = if unread_only {
        "/notifications?unread=1"
    } else {
        "/notifications"
    };
    let pager = Pager::new(&ctx, base, page, total);
    Ok(ok(&IndexPage {
        ctx,
        items,
        total,
        unread_only,
        pager,
        digest,
        digests,
        mail_each,
        mail_configured: state.config.mail_configured,
        mails,
    }))
}

pub async fn read_all(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, Failure> {
    in_tx(&state, &ctx, async |tx, caller| {
        cases::mark_read(tx, caller, &Default::default()).await
    })
    .await?;
    Ok(done("/notifications", "notifications_read"))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct DigestForm {
    daily_digest: String,
}

pub async fn set_digest(
    State(state): State<AppState>,
    ctx: PageCtx,
    Form(form): Form<DigestForm>,
) -> Result<Response, Failure> {
    let on = form.daily_digest == "1";
    in_tx(&state, &ctx, async |tx, caller| {
        cases::set_digest(tx, caller, on).await
    })
    .await?;
    Ok(done("/notifications", "saved"))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct MailForm {
    each_notification: String,
}

pub async fn set_mail(
    State(state): State<AppState>,
    ctx: PageCtx,
    Form(form): Form<MailForm>,
) -> Result<Response, Failure> {
    let on = form.each_notification == "1";
    in_tx(&state, &ctx, async |tx, caller| {
        outbound::set_mail_each_notification(tx, caller, on).await
    })
    .await?;
    Ok(done("/notifications", "saved"))
}
