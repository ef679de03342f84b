//! A campaign's expert panel and the conflicts of interest between experts and declarations.

use super::{CampaignRequest, FormPage, read_managed};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::{FormErrors, SentForm};
use askama::Template;
use axum::body::Bytes;
use axum::response::Response;
use ingot_app::campaigns::{self as cases, Matrix, declaration_label};
use ingot_domain::CampaignId;
use ingot_store::campaigns::Campaign;

#[derive(Template)]
#[template(path = "campaigns/experts.html")]
pub(super) struct ExpertsPage {
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

pub(super) async fn experts_page(
    state: &AppState,
    ctx: PageCtx,
    id: CampaignId,
    errors: FormErrors,
    form: SentForm,
) -> Result<ExpertsPage, Failure> {
    let (c, m) = read_managed(state, &ctx, id, async |tx, _, _| {
        cases::matrix(tx, id).await
    })
    .await?;
    Ok(ExpertsPage {
        ctx,
        c,
        m,
        errors,
        form,
    })
}

pub async fn experts(request: CampaignRequest) -> Result<Response, Failure> {
    request.visit(FormPage::Experts).await
}

pub async fn add_expert(request: CampaignRequest, body: Bytes) -> Result<Response, Failure> {
    let id = request.id;
    let back = FormPage::Experts.back("expert_added");
    request
        .submit(back, &body, async |tx, c, input: cases::ExpertInput| {
            cases::add_expert(tx, c, id, &input).await
        })
        .await
}

/// Staff record a conflict from the panel page; an expert declares theirs from the review page.
pub async fn add_conflict(request: CampaignRequest, body: Bytes) -> Result<Response, Failure> {
    let id = request.id;
    // `from` is the page's own (the command does not read it): the answer goes back to where
    // the form was.
    let from = if SentForm::of(&body).get("from") == "review" {
        FormPage::Review
    } else {
        FormPage::Experts
    };
    let back = from.back("conflict_declared");
    request
        .submit(back, &body, async |tx, c, input: cases::ConflictInput| {
            cases::add_conflict(tx, c, id, &input).await
        })
        .await
}
