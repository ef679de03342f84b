//! The forms on a studio's page for its people and their record: adding a member, a member leaving,
//! honours of the lead or a member, and the outputs ledger.

use super::{FormMap, finish};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
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
    let f = FormMap::parse(&body);
    let input = cases::MemberInput {
        username: f.get("username"),
        joined_on: f.get("joined_on"),
    };
    let r = crate::pages::in_tx(&state, &ctx, async |tx, c| {
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
    let f = FormMap::parse(&body);
    let left = f.get("left_on");
    let r = crate::pages::in_tx(&state, &ctx, async |tx, c| {
        cases::member_leaves(tx, c, id, member, &left).await
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
    let f = FormMap::parse(&body);
    let input = cases::HonourInput {
        username: f.get("username"),
        title: f.get("title"),
        awarded_by: f.get("awarded_by"),
        level: f.get("level"),
        year: f.get("year"),
    };
    let r = crate::pages::in_tx(&state, &ctx, async |tx, c| {
        cases::add_honour(tx, c, id, &input).await
    })
    .await;
    finish(&state, ctx, id, r, "honour_added").await
}

fn output_input(f: &FormMap) -> cases::OutputInput {
    cases::OutputInput {
        kind: f.get("kind"),
        title: f.get("title"),
        on_date: f.get("on_date"),
        count: f.get("count"),
        amount: f.get("amount"),
        patent_type: f.get("patent_type"),
        patent_stage: f.get("patent_stage"),
        proposal_id: f.get("proposal_id"),
    }
}

pub async fn add_output(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<StudioId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let input = output_input(&FormMap::parse(&body));
    let r = crate::pages::in_tx(&state, &ctx, async |tx, c| {
        cases::add_output(tx, c, id, &input).await
    })
    .await;
    finish(&state, ctx, id, r, "output_added").await
}
