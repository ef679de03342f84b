//! The results with raw and calibrated scores, tiers and ties; the panel's decision, and opening
//! the publicity of the decided list.

use super::{Back, CampaignRequest, FormPage, today};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::FormErrors;
use askama::Template;
use axum::body::Bytes;
use axum::response::Response;
use ingot_app::campaigns::{self as cases, Results, TierChoice};
use ingot_domain::campaign::{Stage, Tier};
use ingot_domain::validate::Validator;
use ingot_domain::{AppError, CampaignId, FieldError};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "campaigns/results.html")]
pub(super) struct ResultsPage {
    ctx: PageCtx,
    r: Results,
    errors: FormErrors,
    tiers: &'static [Tier],
    today: String,
}

impl ResultsPage {
    fn points(&self, v: &Option<f64>) -> String {
        v.map(|x| format!("{x:.2}")).unwrap_or_default()
    }
    fn fixed(&self, v: &f64) -> String {
        format!("{v:.2}")
    }
    fn signed(&self, v: &f64) -> String {
        format!("{v:+.2}")
    }
    fn tier_name(&self, t: &Option<Tier>) -> String {
        t.map_or_else(
            || self.ctx.t("campaigns.no_award").to_string(),
            |t| self.ctx.code_name("tier", t.as_str()),
        )
    }
    fn in_review(&self) -> bool {
        self.r.campaign.stage == Stage::Review
    }
    fn any_excluded(&self) -> bool {
        self.r
            .rows
            .iter()
            .any(|row| row.sheets.iter().any(|s| s.excluded.is_some()))
    }
    fn is_proposed(&self, row: &ingot_app::campaigns::ResultRow, t: &Tier) -> bool {
        row.proposed == Some(*t)
    }
}

pub(super) async fn results_page(
    state: &AppState,
    ctx: PageCtx,
    id: CampaignId,
    errors: FormErrors,
) -> Result<ResultsPage, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let r = cases::results(&mut tx, Some(&caller), id).await?;
    drop(tx);
    let today = today(&ctx).to_string();
    Ok(ResultsPage {
        ctx,
        r,
        errors,
        tiers: Tier::ALL,
        today,
    })
}

pub async fn results(request: CampaignRequest) -> Result<Response, Failure> {
    request.visit(FormPage::Results).await
}

pub async fn decide(request: CampaignRequest, body: Bytes) -> Result<Response, Failure> {
    let id = request.id;
    let back = FormPage::Results.back("results_decided");
    request
        .submit(back, &body, async |tx, c, form: DecisionForm| {
            cases::decide(tx, c, id, &decision_of_form(form)?).await
        })
        .await
}

/// The decision form of the results page: a select a declaration, each sending
/// `declaration:tier` (an empty tier is no award), and the note.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct DecisionForm {
    tiers: Vec<String>,
    note: String,
}

/// The decision as the API takes it; a choice that is not `declaration:tier` is a problem of
/// `tiers`.
fn decision_of_form(form: DecisionForm) -> Result<cases::DecisionInput, AppError> {
    let mut v = Validator::new();
    let mut tiers = Vec::new();
    for raw in &form.tiers {
        let choice = raw.split_once(':').and_then(|(id, tier)| {
            Some(TierChoice {
                declaration_id: id.trim().parse().ok()?,
                tier: tier.trim().to_string(),
            })
        });
        match choice {
            Some(c) => tiers.push(c),
            None => v.add(FieldError::new("tiers", "wrong_type").with("detail", raw)),
        }
    }
    v.finish()?;
    Ok(cases::DecisionInput {
        tiers,
        note: form.note,
    })
}

pub async fn open_publicity(request: CampaignRequest, body: Bytes) -> Result<Response, Failure> {
    let id = request.id;
    // Opening the publicity goes on to its page; a refusal shows the results again.
    let back = Back {
        to: "/publicity",
        ..FormPage::Results.back("publicity_opened")
    };
    request
        .submit(back, &body, async |tx, c, input: cases::PublicityInput| {
            cases::open_publicity(tx, c, id, &input).await
        })
        .await
}
