//! The expert's scoring page (made for a phone): the declarations assigned to them, scored
//! against the campaign's rubric.

use super::campaign_of_declaration;
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::{FormErrors, decode_form};
use crate::pages::{answer, in_tx, render};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use ingot_app::campaigns::{self as cases, ReviewItem};
use ingot_domain::{CampaignId, DeclarationId};
use ingot_store::campaigns::Campaign;

#[derive(Template)]
#[template(path = "campaigns/review.html")]
struct ReviewPage {
    ctx: PageCtx,
    c: Campaign,
    items: Vec<ReviewItem>,
    criteria: Vec<ingot_store::campaigns::CriterionRow>,
    errors: FormErrors,
}

impl ReviewPage {
    fn mark(&self, item: &ReviewItem, i: &usize) -> String {
        item.marks
            .as_ref()
            .and_then(|m| m.get(*i))
            .map(i64::to_string)
            .unwrap_or_default()
    }
    fn total(&self, item: &ReviewItem) -> String {
        item.total_hundredths
            .map(|t| format!("{:.2}", t as f64 / 100.0))
            .unwrap_or_default()
    }
}

pub(super) async fn review_page(
    state: &AppState,
    ctx: PageCtx,
    id: CampaignId,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let c = cases::load(&mut tx, id).await?;
    let items = cases::my_reviews(&mut tx, &caller, id).await?;
    let criteria = cases::criteria(&mut tx, id).await?;
    drop(tx);
    Ok(render(
        status,
        &ReviewPage {
            ctx,
            c,
            items,
            criteria,
            errors,
        },
    ))
}

pub async fn review(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<CampaignId>,
) -> Result<Response, Failure> {
    review_page(&state, ctx, id, FormErrors::none(), StatusCode::OK).await
}

pub async fn score(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(declaration): Path<DeclarationId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let campaign = campaign_of_declaration(&state, declaration).await?;
    let r = in_tx(&state, &ctx, async |tx, c| {
        let input: cases::ScoreInput = decode_form(&body)?;
        cases::score(tx, c, declaration, &input).await
    })
    .await;
    answer(
        ctx,
        r,
        &format!("/campaigns/{campaign}/review"),
        "score_saved",
        async |ctx, errors, status| review_page(&state, ctx, campaign, errors, status).await,
    )
    .await
}
