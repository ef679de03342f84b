//! The expert's scoring page (made for a phone): the declarations assigned to them, scored
//! against the campaign's rubric.

use super::{CampaignRequest, FormPage, PageRequest};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::FormErrors;
use askama::Template;
use axum::body::Bytes;
use axum::response::Response;
use ingot_app::campaigns::{self as cases, ReviewItem};
use ingot_domain::{CampaignId, DeclarationId};
use ingot_store::campaigns::Campaign;

#[derive(Template)]
#[template(path = "campaigns/review.html")]
pub(super) struct ReviewPage {
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
    fn yuan(&self, cents: &i64) -> String {
        format!("{:.2}", *cents as f64 / 100.0)
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
) -> Result<ReviewPage, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let c = cases::load(&mut tx, id).await?;
    let items = cases::my_reviews(&mut tx, &caller, id).await?;
    let criteria = cases::criteria(&mut tx, id).await?;
    drop(tx);
    Ok(ReviewPage {
        ctx,
        c,
        items,
        criteria,
        errors,
    })
}

pub async fn review(request: CampaignRequest) -> Result<Response, Failure> {
    request.visit(FormPage::Review).await
}

/// A score answers on the expert's review page of the declaration's campaign.
pub async fn score(request: PageRequest<DeclarationId>, body: Bytes) -> Result<Response, Failure> {
    let (request, declaration) = request.campaign().await?;
    let back = FormPage::Review.back("score_saved");
    request
        .submit(back, &body, async |tx, c, input: cases::ScoreInput| {
            cases::score(tx, c, declaration, &input).await
        })
        .await
}
