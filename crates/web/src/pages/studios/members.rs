//! The forms on a studio's page for its people and their record: adding a member, a member leaving,
//! honours of the lead or a member, and the outputs ledger.

use super::finish;
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::decode_form;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use ingot_app::studios as cases;
use ingot_domain::MemberId;
use ingot_domain::StudioId;

pub async fn add_member(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<StudioId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let r = crate::pages::in_tx(&state, &ctx, async |tx, c| {
        let input: cases::MemberInput = decode_form(&body)?;
        cases::add_member(tx, c, id, &input).await
    })
    .await;
    finish(&state, ctx, id, r, "studio_member_added").await
}

pub async fn member_leaves(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((id, member)): Path<(StudioId, MemberId)>,
    body: Bytes,
) -> Result<Response, Failure> {
    let r = crate::pages::in_tx(&state, &ctx, async |tx, c| {
        let input: cases::LeaveInput = decode_form(&body)?;
        cases::member_leaves(tx, c, id, member, &input).await
    })
    .await;
    finish(&state, ctx, id, r, "studio_member_left").await
}

pub async fn add_honour(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<StudioId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let r = crate::pages::in_tx(&state, &ctx, async |tx, c| {
        let input: cases::HonourInput = decode_form(&body)?;
        cases::add_honour(tx, c, id, &input).await
    })
    .await;
    finish(&state, ctx, id, r, "honour_added").await
}

pub async fn add_output(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<StudioId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let r = crate::pages::in_tx(&state, &ctx, async |tx, c| {
        let input: cases::OutputInput = decode_form(&body)?;
        cases::add_output(tx, c, id, &input).await
    })
    .await;
    finish(&state, ctx, id, r, "output_added").await
}
