//! The public publicity page with its objection form; the staff's decisions on objections and
//! the announcement of the results.

use super::{awarded, user_caller};
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
use ingot_app::Caller;
use ingot_app::campaigns::{self as cases, CampaignDetail, declaration_label};
use ingot_domain::campaign::{ObjectionStatus, Stage, Tier};
use ingot_domain::time::Date;
use ingot_domain::{AppError, CampaignId, ObjectionId, Timestamp};
use ingot_store::campaigns::{Declaration, Objection};

#[derive(Template)]
#[template(path = "campaigns/publicity.html")]
struct PublicityPage {
    ctx: PageCtx,
    d: CampaignDetail,
    entries: Vec<Declaration>,
    open: bool,
    objections: Vec<Objection>,
    errors: FormErrors,
    form: SentForm,
    today: String,
}

impl PublicityPage {
    fn tier_name(&self, t: &Option<Tier>) -> String {
        t.map(|t| self.ctx.code_name("tier", t)).unwrap_or_default()
    }
    fn title_of(&self, declaration: &i64) -> String {
        self.entries
            .iter()
            .find(|d| d.id == *declaration)
            .map(declaration_label)
            .unwrap_or_default()
    }
    fn open_objections(&self) -> usize {
        self.objections
            .iter()
            .filter(|o| o.status == ObjectionStatus::Open)
            .count()
    }
}

async fn publicity_page(
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
    // The campaign's staff see the list as it will be published before its first day.
    if !d.results_public && !d.manage {
        return Err(Failure(AppError::not_found("publicity")));
    }
    let objections = match &caller {
        Some(c) if cases::may_manage(c, &d.campaign) => cases::objections(&mut tx, c, id).await?,
        _ => Vec::new(),
    };
    drop(tx);
    let today_date = today;
    let start = d.campaign.publicity_start.as_deref().and_then(Date::parse);
    let open = d.stage == Stage::Publicity
        && start.is_some_and(|s| today_date >= s)
        && cases::publicity_end(&d.campaign).is_some_and(|e| today_date < e);
    Ok(render(
        status,
        &PublicityPage {
            entries: awarded(&d.declarations),
            ctx,
            d,
            open,
            objections,
            errors,
            form,
            today: today_date.to_string(),
        },
    ))
}

pub async fn publicity(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<CampaignId>,
) -> Result<Response, Failure> {
    publicity_page(
        &state,
        ctx,
        id,
        FormErrors::none(),
        SentForm::default(),
        StatusCode::OK,
    )
    .await
}

/// Anyone may object, signed in or not.
pub async fn object(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<CampaignId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = SentForm::of(&body);
    // Objecting needs no permission: for the public the system caller only carries the
    // request's origin to the audit row, which names the objector "public".
    let caller = match &ctx.actor {
        Some(a) => Caller::user(a, &ctx.origin),
        None => Caller::system(&ctx.origin),
    };
    let r = async {
        let input: cases::ObjectionInput = decode_form(&body)?;
        crate::request::throttle_objections(&state, &ctx.origin).await?;
        let mut tx = state.db.begin().await?;
        let o = cases::object(&mut tx, &caller, id, &input).await?;
        tx.commit().await?;
        Ok::<_, AppError>(o)
    }
    .await;
    answer(
        ctx,
        r,
        &format!("/campaigns/{id}/publicity"),
        "objection_lodged",
        async |ctx, errors, status| publicity_page(&state, ctx, id, errors, form, status).await,
    )
    .await
}

pub async fn decide_objection(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(objection): Path<ObjectionId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = SentForm::of(&body);
    // `campaign_id` is the page's own (the command does not read it): where to go back to.
    let campaign = CampaignId(form.id("campaign_id").unwrap_or_default());
    let r = in_tx(&state, &ctx, async |tx, c| {
        let input: cases::OutcomeInput = decode_form(&body)?;
        cases::decide_objection(tx, c, objection, &input).await
    })
    .await;
    answer(
        ctx,
        r,
        &format!("/campaigns/{campaign}/publicity"),
        "objection_decided",
        async |ctx, errors, status| {
            publicity_page(&state, ctx, campaign, errors, form, status).await
        },
    )
    .await
}

pub async fn dismiss_objections(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(campaign): Path<CampaignId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = SentForm::of(&body);
    let r = in_tx(&state, &ctx, async |tx, c| {
        let input: cases::DismissInput = decode_form(&body)?;
        cases::dismiss_objections(tx, c, campaign, &input).await
    })
    .await;
    answer(
        ctx,
        r,
        &format!("/campaigns/{campaign}/publicity"),
        "objections_dismissed",
        async |ctx, errors, status| {
            publicity_page(&state, ctx, campaign, errors, form, status).await
        },
    )
    .await
}

pub async fn announce(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<CampaignId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = SentForm::of(&body);
    let r = in_tx(&state, &ctx, async |tx, c| {
        let input: cases::AnnounceInput = decode_form(&body)?;
        cases::announce(tx, c, id, &input).await
    })
    .await;
    answer(
        ctx,
        r,
        &format!("/campaigns/{id}/announcement"),
        "results_announced",
        async |ctx, errors, status| publicity_page(&state, ctx, id, errors, form, status).await,
    )
    .await
}
