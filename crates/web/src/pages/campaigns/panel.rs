//! A campaign's expert panel and the conflicts of interest between experts and declarations.

use super::scoring::review_page;
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::SentForm;
use crate::forms::{FormErrors, decode_form};
use crate::pages::{answer, in_tx, render};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use ingot_app::campaigns::{self as cases, Matrix, declaration_label};
use ingot_domain::{AppError, CampaignId};
use ingot_store::campaigns::Campaign;

#[derive(Template)]
#[template(path = "campaigns/experts.html")]
struct ExpertsPage {
    ctx: PageCtx,
    c: Campaign,
    m: Matrix,
    errors: FormErrors,
    form: SentForm,
}

impl ExpertsPage {
    /// Each declaration with, per expert, the conflicts (named) or else the affinity.
    fn rows(&self) -> Vec<(String, Vec<(String, i64)>)> {
        self.m
            .declarations
            .iter()
            .zip(&self.m.pairs)
            .map(|(d, row)| {
                let cells = row
                    .iter()
                    .map(|p| {
                        let names = p
                            .conflicts
                            .iter()
                            .map(|c| self.ctx.code_name("conflict", c.as_str()))
                            .collect::<Vec<_>>()
                            .join(", ");
                        (names, p.affinity)
                    })
                    .collect();
                (declaration_label(d), cells)
            })
            .collect()
    }
}

async fn experts_page(
    state: &AppState,
    ctx: PageCtx,
    id: CampaignId,
    errors: FormErrors,
    form: SentForm,
    status: StatusCode,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let c = cases::load(&mut tx, id).await?;
    if !cases::may_manage(&caller, &c) {
        return Err(Failure(AppError::forbidden()));
    }
    let m = cases::matrix(&mut tx, id).await?;
    drop(tx);
    Ok(render(
        status,
        &ExpertsPage {
            ctx,
            c,
            m,
            errors,
            form,
        },
    ))
}

pub async fn experts(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<CampaignId>,
) -> Result<Response, Failure> {
    experts_page(
        &state,
        ctx,
        id,
        FormErrors::none(),
        SentForm::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn add_expert(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<CampaignId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = SentForm::of(&body);
    let r = in_tx(&state, &ctx, async |tx, c| {
        let input: cases::ExpertInput = decode_form(&body)?;
        cases::add_expert(tx, c, id, &input).await
    })
    .await;
    answer(
        ctx,
        r,
        &format!("/campaigns/{id}/experts"),
        "expert_added",
        async |ctx, errors, status| experts_page(&state, ctx, id, errors, form, status).await,
    )
    .await
}

/// Staff record a conflict from the panel page; an expert declares theirs from the review page.
pub async fn add_conflict(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<CampaignId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = SentForm::of(&body);
    // `from` is the page's own (the command does not read it): where to go back to.
    let from_review = form.get("from") == "review";
    let r = in_tx(&state, &ctx, async |tx, c| {
        let input: cases::ConflictInput = decode_form(&body)?;
        cases::add_conflict(tx, c, id, &input).await
    })
    .await;
    // An expert declares from the review page, staff record from the experts page: the answer
    // goes back to where the form was.
    let back = if from_review { "review" } else { "experts" };
    answer(
        ctx,
        r,
        &format!("/campaigns/{id}/{back}"),
        "conflict_declared",
        async |ctx, errors, status| {
            if from_review {
                review_page(&state, ctx, id, errors, status).await
            } else {
                experts_page(&state, ctx, id, errors, form, status).await
            }
        },
    )
    .await
}
