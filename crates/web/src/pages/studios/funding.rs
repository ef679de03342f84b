//! The funding form on a studio's page: a payment of special funding or spending from it.

use super::{FormMap, finish};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use ingot_app::studios as cases;
use ingot_domain::{AppError, StudioId};

pub async fn funding_entry(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((id, funding)): Path<(StudioId, i64)>,
    body: Bytes,
) -> Result<Response, Failure> {
    let f = FormMap::parse(&body);
    let input = cases::EntryInput {
        kind: f.get("kind"),
        category: f.get("category"),
        amount: f.get("amount"),
        on_date: f.get("on_date"),
        entry_note: f.get("entry_note"),
    };
    let r = crate::pages::in_tx(&state, &ctx, async |tx, c| {
        let funding_row = ingot_store::studios::get_funding(tx, funding)
            .await?
            .filter(|x| x.studio_id == id.0)
            .ok_or_else(|| AppError::not_found("funding"))?;
        cases::funding_entry(tx, c, funding_row.id, &input).await
    })
    .await;
    finish(&state, ctx, id, r, "funding_recorded").await
}
