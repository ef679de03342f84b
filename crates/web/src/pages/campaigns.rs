//! Award campaigns: the list and the call form; a campaign's page with its timetable, stage,
//! units and quotas, the declaration form (attach a record) and the formal check; the expert
//! panel and conflicts; the assignment (run the solver, override); the expert's scoring page
//! (made for a phone); results with raw and calibrated scores, tiers, ties and the panel
//! decision; the public publicity page with its objection form; the announcement, printable
//! certificates and the ranking of participating units.
//!
//! Each concern has its own file below; this one keeps what they share (the caller, today, the
//! campaign of a declaration, the awarded list, and the one way a form posted to a campaign page
//! is answered) and re-exports the handlers for the route table.

mod announcement;
mod assignment;
mod call;
mod declarations;
mod panel;
mod publicity;
mod results;
mod scoring;

pub use announcement::{
    announcement, announcement_docx, announcement_pdf, certificate, certificate_pdf, ranking,
};
pub use assignment::{assignment, override_pair, run_assignment};
pub use call::{create, index, new_form};
pub use declarations::{advance, check, declare, forward, resubmit, show};
pub use panel::{add_conflict, add_expert, experts};
pub use publicity::{announce, decide_objection, dismiss_objections, object, publicity};
pub use results::{decide, open_publicity, results};
pub use scoring::{review, score};

use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::{FormErrors, SentForm, decode_form};
use crate::pages::{answer, in_tx, render};
use axum::extract::{FromRequestParts, Path};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use ingot_app::Caller;
use ingot_app::campaigns::{self as cases, CampaignDetail};
use ingot_domain::time::Date;
use ingot_domain::{AppError, CampaignId, DeclarationId};
use ingot_store::Tx;
use ingot_store::campaigns::{Campaign, Declaration};
use serde::de::DeserializeOwned;

fn user_caller(ctx: &PageCtx) -> Option<Caller<'_>> {
    ctx.actor.as_ref().map(|a| Caller::user(a, &ctx.origin))
}

/// Today where the reader is: a campaign's stage turns on dates.
fn today(ctx: &PageCtx) -> Date {
    ctx.origin.today()
}

async fn campaign_of_declaration(
    state: &AppState,
    declaration: DeclarationId,
) -> Result<CampaignId, AppError> {
    let mut tx = state.db.read().await?;
    ingot_app::campaigns::campaign_of_declaration(&mut tx, declaration).await
}

/// The awarded declarations, highest tier first, then by number.
fn awarded(ds: &[Declaration]) -> Vec<Declaration> {
    let mut out: Vec<Declaration> = ds.iter().filter(|d| d.tier.is_some()).cloned().collect();
    out.sort_by_key(|d| (d.tier, d.number));
    out
}

/// The campaign as the reader (signed in or not) sees it on `today`, with what `more` reads
/// beside it in the same read transaction.
async fn read_detail<X>(
    state: &AppState,
    ctx: &PageCtx,
    id: CampaignId,
    today: Date,
    more: impl AsyncFnOnce(&mut Tx, Option<&Caller<'_>>, &CampaignDetail) -> Result<X, AppError>,
) -> Result<(CampaignDetail, X), Failure> {
    let mut tx = state.db.read().await?;
    let caller = user_caller(ctx);
    let d = cases::detail(&mut tx, caller.as_ref(), id, today).await?;
    let x = more(&mut tx, caller.as_ref(), &d).await?;
    Ok((d, x))
}

/// The campaign behind a page only its staff see (the panel, the assignment), with what `more`
/// reads beside it; anyone else is forbidden.
async fn read_managed<X>(
    state: &AppState,
    ctx: &PageCtx,
    id: CampaignId,
    more: impl AsyncFnOnce(&mut Tx, &Caller<'_>, &Campaign) -> Result<X, AppError>,
) -> Result<(Campaign, X), Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let c = cases::load(&mut tx, id).await?;
    if !cases::may_manage(&caller, &c) {
        return Err(Failure(AppError::forbidden()));
    }
    let x = more(&mut tx, &caller, &c).await?;
    Ok((c, x))
}

/// A campaign page's forms as shown: blank with 200 on a visit, or as sent with their problems
/// and the error's status after a refused post.
struct Shown {
    errors: FormErrors,
    form: SentForm,
    status: StatusCode,
}

impl Shown {
    fn fresh() -> Self {
        Shown {
            errors: FormErrors::none(),
            form: SentForm::default(),
            status: StatusCode::OK,
        }
    }
}

/// The campaign pages that carry forms, to show one again with its problems.
#[derive(Clone, Copy)]
enum FormPage {
    Show,
    Experts,
    Assignment,
    Review,
    Results,
    Publicity,
}

impl FormPage {
    async fn render(
        self,
        state: &AppState,
        ctx: PageCtx,
        id: CampaignId,
        shown: Shown,
    ) -> Result<Response, Failure> {
        let Shown {
            errors,
            form,
            status,
        } = shown;
        Ok(match self {
            FormPage::Show => render(
                status,
                &declarations::show_page(state, ctx, id, errors, form).await?,
            ),
            FormPage::Experts => render(
                status,
                &panel::experts_page(state, ctx, id, errors, form).await?,
            ),
            FormPage::Assignment => render(
                status,
                &assignment::assignment_page(state, ctx, id, errors, form).await?,
            ),
            FormPage::Review => {
                render(status, &scoring::review_page(state, ctx, id, errors).await?)
            }
            FormPage::Results => render(
                status,
                &results::results_page(state, ctx, id, errors).await?,
            ),
            FormPage::Publicity => render(
                status,
                &publicity::publicity_page(state, ctx, id, errors, form).await?,
            ),
        })
    }

    /// The page's path below `/campaigns/{id}`.
    fn path(self) -> &'static str {
        match self {
            FormPage::Show => "",
            FormPage::Experts => "/experts",
            FormPage::Assignment => "/assignment",
            FormPage::Review => "/review",
            FormPage::Results => "/results",
            FormPage::Publicity => "/publicity",
        }
    }

    /// A form on this page that comes back to it, with the message `flash`.
    fn back(self, flash: &'static str) -> Back {
        Back {
            to: self.path(),
            flash,
            again: self,
        }
    }
}

/// A request to a campaign page's handler: the app, the reader and the id in the path (a
/// campaign's, a declaration's, an objection's), extracted in the order the handlers' own
/// `State`, `PageCtx` and `Path` were, so a refusal is the same.
pub struct PageRequest<Id> {
    state: AppState,
    ctx: PageCtx,
    id: Id,
}

/// A request about one campaign (`/campaigns/{id}/...`).
pub type CampaignRequest = PageRequest<CampaignId>;

impl<Id: DeserializeOwned + Send + 'static> FromRequestParts<AppState> for PageRequest<Id> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let ctx = PageCtx::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let Path(id) = Path::<Id>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(PageRequest {
            state: state.clone(),
            ctx,
            id,
        })
    }
}

impl<Id> PageRequest<Id> {
    /// The same request as one about the campaign `campaign`, whose page answers it, and the id
    /// it came with.
    fn about(self, campaign: CampaignId) -> (CampaignRequest, Id) {
        let request = PageRequest {
            state: self.state,
            ctx: self.ctx,
            id: campaign,
        };
        (request, self.id)
    }
}

impl PageRequest<DeclarationId> {
    /// The request as one about the declaration's campaign (its check, its score), and the
    /// declaration.
    async fn campaign(self) -> Result<(CampaignRequest, DeclarationId), Failure> {
        let campaign = campaign_of_declaration(&self.state, self.id).await?;
        Ok(self.about(campaign))
    }
}

impl CampaignRequest {
    /// The page with its forms blank: a visit.
    async fn visit(self, page: FormPage) -> Result<Response, Failure> {
        page.render(&self.state, self.ctx, self.id, Shown::fresh())
            .await
    }

    /// See `run`.
    async fn run<T>(
        self,
        back: Back,
        command: impl AsyncFnOnce(&mut Tx, &Caller<'_>) -> Result<T, AppError>,
    ) -> Result<Response, Failure> {
        run(&self.state, self.ctx, self.id, back, command).await
    }

    /// See `submit`.
    async fn submit<I: DeserializeOwned, T>(
        self,
        back: Back,
        body: &[u8],
        command: impl AsyncFnOnce(&mut Tx, &Caller<'_>, I) -> Result<T, AppError>,
    ) -> Result<Response, Failure> {
        submit(&self.state, self.ctx, self.id, back, body, command).await
    }
}

/// Where the answer to a form on a campaign page goes: on success 303 to the campaign's page
/// `to` (a path below `/campaigns/{id}`, "" for the campaign itself) with the flash message
/// `flash`; on problems the page `again` with the form as sent.
struct Back {
    to: &'static str,
    flash: &'static str,
    again: FormPage,
}

/// Answers a form posted about campaign `id` once its command ran (see `Back`).
async fn reply<T>(
    state: &AppState,
    ctx: PageCtx,
    id: CampaignId,
    back: Back,
    form: SentForm,
    result: Result<T, AppError>,
) -> Result<Response, Failure> {
    answer(
        ctx,
        result,
        &format!("/campaigns/{id}{}", back.to),
        back.flash,
        async |ctx, errors, status| {
            let shown = Shown {
                errors,
                form,
                status,
            };
            back.again.render(state, ctx, id, shown).await
        },
    )
    .await
}

/// Runs a staff command that takes no form (a button) as the signed-in caller in one write
/// transaction, then answers as `back` says.
async fn run<T>(
    state: &AppState,
    ctx: PageCtx,
    id: CampaignId,
    back: Back,
    command: impl AsyncFnOnce(&mut Tx, &Caller<'_>) -> Result<T, AppError>,
) -> Result<Response, Failure> {
    let result = in_tx(state, &ctx, command).await;
    reply(state, ctx, id, back, SentForm::default(), result).await
}

/// Decodes the posted form into the command `I`, runs `command` with it as the signed-in caller
/// in one write transaction, then answers as `back` says.
async fn submit<I: DeserializeOwned, T>(
    state: &AppState,
    ctx: PageCtx,
    id: CampaignId,
    back: Back,
    body: &[u8],
    command: impl AsyncFnOnce(&mut Tx, &Caller<'_>, I) -> Result<T, AppError>,
) -> Result<Response, Failure> {
    let result = in_tx(state, &ctx, async |tx, caller| {
        let input: I = decode_form(body)?;
        command(tx, caller, input).await
    })
    .await;
    reply(state, ctx, id, back, SentForm::of(body), result).await
}
