//! The results with raw and calibrated scores, tiers and ties; the panel's decision, and opening
//! the publicity of the decided list.

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
use ingot_app::campaigns::{self as cases, Results, TierChoice};
use ingot_domain::campaign::{Stage, Tier};
use ingot_domain::validate::Validator;
use ingot_domain::{AppError, CampaignId, FieldError};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "campaigns/results.html")]
struct ResultsPage {
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

async fn results_page(
    state: &AppState,
    ctx: PageCtx,
    id: CampaignId,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let r = cases::results(&mut tx, Some(&caller), id).await?;
    drop(tx);
    let today =
        ingot_domain::time::Date::of(ingot_domain::Timestamp::now(), ctx.origin.utc_offset_ms)
            .to_string();
    Ok(render(
        status,
        &ResultsPage {
            ctx,
            r,
            errors,
            tiers: Tier::ALL,
            today,
        },
    ))
}

pub async fn results(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<CampaignId>,
) -> Result<Response, Failure> {
    results_page(&state, ctx, id, FormErrors::none(), StatusCode::OK).await
}

pub async fn decide(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<CampaignId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let r = in_tx(&state, &ctx, async |tx, c| {
        let input = decision_of_form(decode_form(&body)?)?;
        cases::decide(tx, c, id, &input).await
    })
    .await;
    answer(
        ctx,
        r,
        &format!("/campaigns/{id}/results"),
        "results_decided",
        async |ctx, errors, status| results_page(&state, ctx, id, errors, status).await,
    )
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

pub async fn open_publicity(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<CampaignId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let r = in_tx(&state, &ctx, async |tx, c| {
        let input: cases::PublicityInput = decode_form(&body)?;
        cases::open_publicity(tx, c, id, &input).await
    })
    .await;
    answer(
        ctx,
        r,
        &format!("/campaigns/{id}/publicity"),
        "publicity_opened",
        async |ctx, errors, status| results_page(&state, ctx, id, errors, status).await,
    )
    .await
}
