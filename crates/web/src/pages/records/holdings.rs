//! The record pages of a person and of a unit: everything recorded for them.

use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::pages::ok;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use ingot_app::innovation as cases;
use ingot_domain::{OrgId, UserId};

#[derive(Template)]
#[template(path = "records/holdings.html")]
struct HoldingsPage {
    ctx: PageCtx,
    heading: String,
    h: cases::Holdings,
}

pub async fn person(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<UserId>,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let (user, h) = cases::person_holdings(&mut tx, &caller, id).await?;
    drop(tx);
    Ok(ok(&HoldingsPage {
        ctx,
        heading: user.display_name,
        h,
    }))
}

pub async fn unit(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<OrgId>,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let (org, h) = cases::unit_holdings(&mut tx, &caller, id).await?;
    drop(tx);
    let heading = ctx.org_name(&org).to_string();
    Ok(ok(&HoldingsPage { ctx, heading, h }))
}
