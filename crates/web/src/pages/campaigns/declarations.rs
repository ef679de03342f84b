//! A campaign's page: its timetable as a stepper, its stage, units and quotas, with the forms on
//! it: declaring a record, the formal check and resubmission of a declaration, and moving the
//! campaign to its next stage.

use super::{CampaignRequest, FormPage, PageRequest, read_detail, today};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::{FormErrors, SentForm};
use askama::Template;
use axum::body::Bytes;
use axum::response::Response;
use ingot_app::campaigns::{self as cases, CampaignDetail};
use ingot_domain::campaign::Stage;
use ingot_domain::{CampaignId, DeclarationId};
use ingot_store::campaigns::Campaign;
use ingot_store::campaigns::Candidate;

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
pub(super) struct ShowPage {
    ctx: PageCtx,
    d: CampaignDetail,
    steps: Vec<StepView>,
    records: Vec<Candidate>,
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
    /// The organiser of an announced round with a round above sends its winners on.
    fn may_forward(&self) -> bool {
        self.d.manage && self.d.stage == Stage::Announced && self.d.campaign.parent_id.is_some()
    }
    fn open_for_declarations(&self) -> bool {
        self.d.may_declare && self.d.stage == Stage::Declaration
    }
    fn record_href(&self, d: &ingot_store::campaigns::Declaration) -> String {
        d.record_type.href(d.record_id)
    }
    /// A verified benefit in fen as yuan, for proposals' declarations and candidates.
    fn yuan(&self, cents: &i64) -> String {
        format!("{:.2}", *cents as f64 / 100.0)
    }
    fn at_least(&self, stage: &str) -> bool {
        Stage::parse(stage).is_some_and(|s| self.d.stage.rank() >= s.rank())
    }
}

pub(super) async fn show_page(
    state: &AppState,
    ctx: PageCtx,
    id: CampaignId,
    errors: FormErrors,
    form: SentForm,
) -> Result<ShowPage, Failure> {
    let (d, records) = read_detail(
        state,
        &ctx,
        id,
        today(&ctx),
        async |tx, caller, d| match caller {
            Some(c) => cases::declarable(tx, c, d).await,
            None => Ok(Vec::new()),
        },
    )
    .await?;
    Ok(ShowPage {
        steps: steps(&d.campaign, d.stage),
        ctx,
        d,
        records,
        errors,
        form,
    })
}

pub async fn show(request: CampaignRequest) -> Result<Response, Failure> {
    request.visit(FormPage::Show).await
}

pub async fn advance(request: CampaignRequest) -> Result<Response, Failure> {
    let id = request.id;
    request
        .run(FormPage::Show.back("campaign_advanced"), async |tx, c| {
            cases::advance(tx, c, id).await
        })
        .await
}

pub async fn declare(request: CampaignRequest, body: Bytes) -> Result<Response, Failure> {
    let id = request.id;
    request
        .submit(
            FormPage::Show.back("declared"),
            &body,
            async |tx, c, input: cases::DeclareInput| cases::declare(tx, c, id, &input).await,
        )
        .await
}

pub async fn check(request: PageRequest<DeclarationId>, body: Bytes) -> Result<Response, Failure> {
    let (request, declaration) = request.campaign().await?;
    let back = FormPage::Show.back("declaration_checked");
    request
        .submit(back, &body, async |tx, c, input: cases::CheckInput| {
            cases::check(tx, c, declaration, &input).await
        })
        .await
}

/// A winner of this (announced) round sent on to the campaign above, within this federation's
/// quota there.
pub async fn forward(request: PageRequest<DeclarationId>) -> Result<Response, Failure> {
    let (request, declaration) = request.campaign().await?;
    let back = FormPage::Show.back("declaration_forwarded");
    request
        .run(back, async |tx, c| {
            cases::forward(tx, c, declaration).await.map(|_| ())
        })
        .await
}

pub async fn resubmit(request: PageRequest<DeclarationId>) -> Result<Response, Failure> {
    let (request, declaration) = request.campaign().await?;
    let back = FormPage::Show.back("declaration_resubmitted");
    request
        .run(back, async |tx, c| {
            cases::resubmit(tx, c, declaration).await
        })
        .await
}
