//! A campaign's page: its timetable as a stepper, its stage, units and quotas, with the forms on
//! it: declaring a record, the formal check and resubmission of a declaration, and moving the
//! campaign to its next stage.

use super::{campaign_of_declaration, user_caller};
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
use ingot_app::campaigns::{self as cases, CampaignDetail};
use ingot_domain::campaign::Stage;
use ingot_domain::time::Date;
use ingot_domain::{AppError, CampaignId, DeclarationId, Timestamp};
use ingot_store::campaigns::Campaign;
use ingot_store::innovation::AchievementItem;

/// The stages in order with where the campaign stands, for the stepper.
pub struct StepView {
    pub code: &'static str,
    pub date: String,
    pub state: &'static str,
}

fn steps(c: &Campaign, stage: Stage) -> Vec<StepView> {
    let dates = [
        c.declaration_closes.to_string(),
        c.check_closes.to_string(),
        c.review_closes.to_string(),
        c.publicity_start.clone().unwrap_or_default(),
        c.announced_on.unwrap_or(c.announce_on).to_string(),
    ];
    Stage::ALL
        .iter()
        .zip(dates)
        .map(|(s, date)| StepView {
            code: s.as_str(),
            date,
            state: if s.rank() < stage.rank() || stage == Stage::Announced {
                "done"
            } else if *s == stage {
                "current"
            } else {
                ""
            },
        })
        .collect()
}

#[derive(Template)]
#[template(path = "campaigns/show.html")]
struct ShowPage {
    ctx: PageCtx,
    d: CampaignDetail,
    steps: Vec<StepView>,
    records: Vec<AchievementItem>,
    errors: FormErrors,
    form: SentForm,
}

impl ShowPage {
    fn may_check(&self) -> bool {
        self.d.manage && matches!(self.d.stage, Stage::Declaration | Stage::FormalCheck)
    }
    fn may_advance(&self) -> bool {
        self.d.manage && matches!(self.d.stage, Stage::Declaration | Stage::FormalCheck)
    }
    fn open_for_declarations(&self) -> bool {
        self.d.may_declare && self.d.stage == Stage::Declaration
    }
    fn at_least(&self, stage: &str) -> bool {
        Stage::parse(stage).is_some_and(|s| self.d.stage.rank() >= s.rank())
    }
}

async fn show_page(
    state: &AppState,
    ctx: PageCtx,
    id: CampaignId,
    errors: FormErrors,
    form: SentForm,
    status: StatusCode,
) -> Result<Response, Failure> {
    let mut tx = state.db.read().await?;
    let today = Date::of(Timestamp::now(), ctx.origin.utc_offset_ms);
    let caller = user_caller(&ctx);
    let d = cases::detail(&mut tx, caller.as_ref(), id, today).await?;
    let records = match &caller {
        Some(c) => cases::declarable(&mut tx, c, &d).await?,
        None => Vec::new(),
    };
    drop(tx);
    Ok(render(
        status,
        &ShowPage {
            steps: steps(&d.campaign, d.stage),
            ctx,
            d,
            records,
            errors,
            form,
        },
    ))
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<CampaignId>,
) -> Result<Response, Failure> {
    show_page(
        &state,
        ctx,
        id,
        FormErrors::none(),
        SentForm::default(),
        StatusCode::OK,
    )
    .await
}

/// After a form on the campaign's page: back to it with a message, or the page with errors.
async fn back_to_show<T>(
    state: &AppState,
    ctx: PageCtx,
    id: CampaignId,
    form: SentForm,
    r: Result<T, AppError>,
    flash: &'static str,
) -> Result<Response, Failure> {
    answer(
        ctx,
        r,
        &format!("/campaigns/{id}"),
        flash,
        async |ctx, errors, status| show_page(state, ctx, id, errors, form, status).await,
    )
    .await
}

pub async fn advance(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<CampaignId>,
) -> Result<Response, Failure> {
    let r = in_tx(&state, &ctx, async |tx, c| cases::advance(tx, c, id).await).await;
    back_to_show(&state, ctx, id, SentForm::default(), r, "campaign_advanced").await
}

pub async fn declare(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<CampaignId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = SentForm::of(&body);
    let r = in_tx(&state, &ctx, async |tx, c| {
        let input: cases::DeclareInput = decode_form(&body)?;
        cases::declare(tx, c, id, &input).await
    })
    .await;
    back_to_show(&state, ctx, id, form, r, "declared").await
}

pub async fn check(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(declaration): Path<DeclarationId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = SentForm::of(&body);
    let campaign = campaign_of_declaration(&state, declaration).await?;
    let r = in_tx(&state, &ctx, async |tx, c| {
        let input: cases::CheckInput = decode_form(&body)?;
        cases::check(tx, c, declaration, &input).await
    })
    .await;
    back_to_show(&state, ctx, campaign, form, r, "declaration_checked").await
}

pub async fn resubmit(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(declaration): Path<DeclarationId>,
) -> Result<Response, Failure> {
    let campaign = campaign_of_declaration(&state, declaration).await?;
    let r = in_tx(&state, &ctx, async |tx, c| {
        cases::resubmit(tx, c, declaration).await
    })
    .await;
    back_to_show(
        &state,
        ctx,
        campaign,
        SentForm::default(),
        r,
        "declaration_resubmitted",
    )
    .await
}
