//! The public publicity page with its objection form; the staff's decisions on objections and
//! the announcement of the results.

use super::{Back, CampaignRequest, FormPage, PageRequest, awarded, read_detail, reply, today};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::{FormErrors, SentForm, decode_form};
use askama::Template;
use axum::body::Bytes;
use axum::response::Response;
use ingot_app::Caller;
use ingot_app::campaigns::{self as cases, CampaignDetail, declaration_label};
use ingot_domain::campaign::{ObjectionStatus, Stage, Tier};
use ingot_domain::time::Date;
use ingot_domain::{AppError, CampaignId, ObjectionId};
use ingot_store::campaigns::{Declaration, Objection};

#[derive(Template)]
#[template(path = "campaigns/publicity.html")]
pub(super) struct PublicityPage {
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

pub(super) async fn publicity_page(
    state: &AppState,
    ctx: PageCtx,
    id: CampaignId,
    errors: FormErrors,
    form: SentForm,
) -> Result<PublicityPage, Failure> {
    let today = today(&ctx);
    let (d, objections) = read_detail(state, &ctx, id, today, async |tx, caller, d| {
        // The campaign's staff see the list as it will be published before its first day.
        if !d.results_public && !d.manage {
            return Err(AppError::not_found("publicity"));
        }
        match caller {
            Some(c) if cases::may_manage(c, &d.campaign) => cases::objections(tx, c, id).await,
            _ => Ok(Vec::new()),
        }
    })
    .await?;
    let start = d.campaign.publicity_start.as_deref().and_then(Date::parse);
    let open = d.stage == Stage::Publicity
        && start.is_some_and(|s| today >= s)
        && cases::publicity_end(&d.campaign).is_some_and(|e| today < e);
    Ok(PublicityPage {
        entries: awarded(&d.declarations),
        ctx,
        d,
        open,
        objections,
        errors,
        form,
        today: today.to_string(),
    })
}

pub async fn publicity(request: CampaignRequest) -> Result<Response, Failure> {
    request.visit(FormPage::Publicity).await
}

/// Anyone may object, signed in or not.
pub async fn object(request: CampaignRequest, body: Bytes) -> Result<Response, Failure> {
    let PageRequest { state, ctx, id } = request;
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
    let back = FormPage::Publicity.back("objection_lodged");
    reply(&state, ctx, id, back, SentForm::of(&body), r).await
}

pub async fn decide_objection(
    request: PageRequest<ObjectionId>,
    body: Bytes,
) -> Result<Response, Failure> {
    // `campaign_id` is the page's own (the command does not read it): where to go back to.
    let campaign = CampaignId(SentForm::of(&body).id("campaign_id").unwrap_or_default());
    let (request, objection) = request.about(campaign);
    let back = FormPage::Publicity.back("objection_decided");
    request
        .submit(back, &body, async |tx, c, input: cases::OutcomeInput| {
            cases::decide_objection(tx, c, objection, &input).await
        })
        .await
}

pub async fn dismiss_objections(
    request: CampaignRequest,
    body: Bytes,
) -> Result<Response, Failure> {
    let campaign = request.id;
    let back = FormPage::Publicity.back("objections_dismissed");
    request
        .submit(back, &body, async |tx, c, input: cases::DismissInput| {
            cases::dismiss_objections(tx, c, campaign, &input).await
        })
        .await
}

/// Announcing goes on to the announcement; a refusal shows the publicity page again.
pub async fn announce(request: CampaignRequest, body: Bytes) -> Result<Response, Failure> {
    let id = request.id;
    let back = Back {
        to: "/announcement",
        ..FormPage::Publicity.back("results_announced")
    };
    request
        .submit(back, &body, async |tx, c, input: cases::AnnounceInput| {
            cases::announce(tx, c, id, &input).await
        })
        .await
}
