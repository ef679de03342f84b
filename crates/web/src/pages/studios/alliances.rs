//! The alliance page: an alliance (or a mentoring pair) of studios with its members.

use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::pages::ok;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use ingot_app::studios as cases;
use ingot_domain::AllianceId;

#[derive(Template)]
#[template(path = "studios/alliance.html")]
struct AlliancePage {
    ctx: PageCtx,
    a: ingot_store::studios::Alliance,
    members: Vec<(i64, String, ingot_domain::time::Date)>,
}

pub async fn alliance(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<AllianceId>,
) -> Result<Response, Failure> {
    let mut tx = state.db.read().await?;
    let (a, members) = cases::alliance(&mut tx, id).await?;
    drop(tx);
    Ok(ok(&AlliancePage { ctx, a, members }))
}
