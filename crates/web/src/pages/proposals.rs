//! Improvement proposals: lists, the submission form with its duplicate warning, the page of
//! one proposal with its timeline, and the exports.

use super::filters::unit_path;
use super::{Pager, done, in_tx, ok, query_url, render};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::{FormErrors, decode_form, is_form_error};
use askama::Template;
use axum::Form;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ingot_app::proposals::{
    self as cases, PersonInput, ProposalDetail, ProposalInput, Similar, SubmitInput, Submitted,
    VersionInput,
};
use ingot_domain::org::Organisation;
use ingot_domain::proposal::Status;
use ingot_domain::validate::Validator;
use ingot_domain::{AppError, OrgId, ProposalId, Timestamp};
use ingot_store::proposal_config::Category;
use ingot_store::proposals::{Filter, ListItem, Sort, View};
use ingot_store::{Page, Total};

pub mod actions;
pub mod reports;

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    pub view: String,
    pub unit: String,
    pub from: String,
    pub to: String,
    pub category: String,
    pub status: String,
    pub overdue: String,
    pub q: String,
    pub sort: String,
    pub page: Option<i64>,
}

/// `YYYY-MM` as a period number, or a field error.
pub fn parse_month(field: &'static str, raw: &str) -> Result<Option<i64>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let (y, m) = raw
        .split_once('-')
        .ok_or_else(|| AppError::field(field, "not_a_month"))?;
    match (y.parse::<i64>(), m.parse::<i64>()) {
        (Ok(y), Ok(m)) if (1000..=9999).contains(&y) && (1..=12).contains(&m) => {
            Ok(Some(y * 100 + m))
        }
        _ => Err(AppError::field(field, "not_a_month")),
    }
}

impl ListQuery {
    pub fn view(&self) -> View {
        match self.view.as_str() {
            "to_review" => View::ToReview,
            "all" => View::All,
            _ => View::Mine,
        }
    }

    /// The store's filter; an unknown unit or a malformed month is an error naming the field.
    pub async fn filter(&self, state: &AppState) -> Result<Filter, AppError> {
        let mut problems = Validator::new();
        let unit = problems.keep_answer(unit_path(state, &self.unit).await)?;
        let period_from = problems.keep_answer(parse_month("from", &self.from))?;
        let period_to = problems.keep_answer(parse_month("to", &self.to))?;
        problems.finish()?;
        Ok(Filter {
            view: self.view(),
            unit: unit.flatten(),
            period_from: period_from.flatten(),
            period_to: period_to.flatten(),
            category: Some(self.category.trim().to_string()).filter(|c| !c.is_empty()),
            status: Status::parse(&self.status),
            overdue_at: (self.overdue == "1" || self.overdue == "true").then(Timestamp::now),
            text: Some(self.q.clone()).filter(|t| !t.trim().is_empty()),
            sort: Sort::parse(&self.sort),
        })
    }

    fn params(&self) -> Vec<(&'static str, String)> {
        vec![
            ("view", self.view.clone()),
            ("unit", self.unit.clone()),
            ("from", self.from.clone()),
            ("to", self.to.clone()),
            ("category", self.category.clone()),
            ("status", self.status.clone()),
            ("overdue", self.overdue.clone()),
            ("q", self.q.clone()),
            ("sort", self.sort.clone()),
        ]
    }

    pub fn url(&self, path: &str) -> String {
        let params = self.params();
        let refs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        query_url(path, &refs)
    }
}

#[derive(Template)]
#[template(path = "proposals/index.html")]
struct IndexPage {
    ctx: PageCtx,
    q: ListQuery,
    items: Vec<ListItem>,
    total: Total,
    pager: Pager,
    units: Vec<Organisation>,
    categories: Vec<Category>,
    statuses: Vec<Status>,
    now: Timestamp,
    export_csv: String,
    export_xlsx: String,
    errors: FormErrors,
}

pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<ListQuery>,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let page = Page::new(q.page, Some(25), 25);
    let (filter, errors) = match q.filter(&state).await {
        Ok(f) => (f, FormErrors::none()),
        Err(e) if is_form_error(&e) => (
            Filter {
                view: q.view(),
                ..Default::default()
            },
            FormErrors::from_error(ctx.catalogs(), ctx.lang, &e),
        ),
        Err(e) => return Err(Failure(e)),
    };
    let mut tx = state.db.read().await?;
    let (items, total) = cases::list(&mut tx, &caller, &filter, page).await?;
    // The filters' choices are not part of the results htmx asks for.
    let (units, categories) = if ctx.htmx_target.as_deref() == Some(RESULTS) {
        (Vec::new(), Vec::new())
    } else {
        (
            cases::units_for_proposer(&mut tx, &caller).await?,
            cases::categories_for(&mut tx, &caller).await?,
        )
    };
    drop(tx);
    let base = q.url("/proposals");
    let pager = Pager::of(&ctx, &base, page, total);
    let export = q.url("/proposals/export");
    let sep = if export.contains('?') { '&' } else { '?' };
    let view = IndexPage {
        export_csv: format!("{export}{sep}format=csv"),
        export_xlsx: format!("{export}{sep}format=xlsx"),
        ctx,
        q,
        items,
        total,
        pager,
        units,
        categories,
        statuses: Status::ALL.to_vec(),
        now: Timestamp::now(),
        errors,
    };
    Ok(crate::pages::list_page(
        &view.ctx,
        RESULTS,
        &view,
        IndexResults,
    ))
}

/// The element of the list page that filters and paging replace.
const RESULTS: &str = "proposal-results";

crate::pages::results_block!(IndexResults, IndexPage, "proposals/index.html");

/// The proposal form's fields as posted. Co-proposers come as three fixed rows, which is
/// what fits a phone; the API takes any number.
#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub struct ProposalForm {
    pub title: String,
    pub problem: String,
    pub proposed_change: String,
    pub expected_effect: String,
    pub category: String,
    pub unit_id: String,
    pub proposer_share: String,
    pub co1_username: String,
    pub co1_share: String,
    pub co2_username: String,
    pub co2_share: String,
    pub co3_username: String,
    pub co3_share: String,
    pub version: Option<i64>,
    /// "draft" saves; "submit" saves and submits.
    pub intent: String,
}

impl ProposalForm {
    fn input(&self) -> ProposalInput {
        let co = |u: &str, s: &str| PersonInput {
            username: u.to_string(),
            share: s.to_string(),
        };
        ProposalInput {
            title: self.title.clone(),
            problem: self.problem.clone(),
            proposed_change: self.proposed_change.clone(),
            expected_effect: self.expected_effect.clone(),
            category: self.category.clone(),
            unit_id: self.unit_id.trim().parse().ok().map(OrgId),
            proposer_share: self.proposer_share.clone(),
            co_proposers: vec![
                co(&self.co1_username, &self.co1_share),
                co(&self.co2_username, &self.co2_share),
                co(&self.co3_username, &self.co3_share),
            ],
        }
    }

    async fn of(state: &AppState, d: &ProposalDetail) -> Result<ProposalForm, AppError> {
        let p = &d.proposal;
        let others: Vec<_> = d.people.iter().skip(1).collect();
        let row = |i: usize| {
            others
                .get(i)
                .map(|x| (x.username.clone(), strip_percent(x.share_bp)))
                .unwrap_or_default()
        };
        let _ = state;
        let (co1_username, co1_share) = row(0);
        let (co2_username, co2_share) = row(1);
        let (co3_username, co3_share) = row(2);
        Ok(ProposalForm {
            title: p.title.clone(),
            problem: p.problem.clone(),
            proposed_change: p.proposed_change.clone(),
            expected_effect: p.expected_effect.clone(),
            category: p.category.clone(),
            unit_id: p.unit_id.to_string(),
            proposer_share: d
                .people
                .first()
                .map(|x| strip_percent(x.share_bp))
                .unwrap_or_default(),
            co1_username,
            co1_share,
            co2_username,
            co2_share,
            co3_username,
            co3_share,
            version: Some(p.version),
            intent: String::new(),
        })
    }
}

fn strip_percent(bp: i64) -> String {
    ingot_domain::proposal::format_percent(bp)
        .trim_end_matches('%')
        .to_string()
}

#[derive(Template)]
#[template(path = "proposals/form.html")]
struct FormPage {
    ctx: PageCtx,
    /// `None` for a new proposal.
    id: Option<ProposalId>,
    form: ProposalForm,
    units: Vec<Organisation>,
    categories: Vec<Category>,
    errors: FormErrors,
}

async fn form_page(
    state: &AppState,
    ctx: PageCtx,
    id: Option<ProposalId>,
    form: ProposalForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let units = cases::units_for_proposer(&mut tx, &caller).await?;
    let categories = cases::categories_for(&mut tx, &caller).await?;
    drop(tx);
    Ok(render(
        status,
        &FormPage {
            ctx,
            id,
            form,
            units,
            categories,
            errors,
        },
    ))
}

pub async fn new_form(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, Failure> {
    let form = ProposalForm {
        category: "small_suggestion".into(),
        unit_id: ctx.actor()?.org_id.to_string(),
        ..Default::default()
    };
    form_page(&state, ctx, None, form, FormErrors::none(), StatusCode::OK).await
}

#[derive(Template)]
#[template(path = "proposals/similar.html")]
struct SimilarPage {
    ctx: PageCtx,
    id: ProposalId,
    title: String,
    version: i64,
    similar: Vec<Similar>,
}

/// After saving: either to the proposal, or (submitting) to the duplicate warning.
async fn after_save(
    state: &AppState,
    ctx: PageCtx,
    id: ProposalId,
    submit: bool,
) -> Result<Response, Failure> {
    if !submit {
        return Ok(done(&format!("/proposals/{id}"), "proposal_saved"));
    }
    let outcome = in_tx(state, &ctx, async |tx, caller| {
        cases::submit(tx, caller, id, &SubmitInput::default()).await
    })
    .await?;
    match outcome {
        Submitted::Done(_) => Ok(done(&format!("/proposals/{id}"), "proposal_submitted")),
        Submitted::SimilarFound(similar) => {
            let (title, version) = {
                let caller = ctx.caller()?;
                let mut tx = state.db.read().await?;
                let d = cases::detail(&mut tx, &caller, id).await?;
                (d.proposal.title, d.proposal.version)
            };
            Ok(ok(&SimilarPage {
                ctx,
                id,
                title,
                version,
                similar,
            }))
        }
    }
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    Form(form): Form<ProposalForm>,
) -> Result<Response, Failure> {
    let input = form.input();
    let result = in_tx(&state, &ctx, async |tx, caller| {
        cases::create(tx, caller, &input).await
    })
    .await;
    match result {
        Ok(id) => after_save(&state, ctx, id, form.intent == "submit").await,
        Err(e) if is_form_error(&e) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            form_page(
                &state,
                ctx,
                None,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(Failure(e)),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<ProposalId>,
) -> Result<Response, Failure> {
    let form = {
        let caller = ctx.caller()?;
        let mut tx = state.db.read().await?;
        let d = cases::detail(&mut tx, &caller, id).await?;
        if !d.access.edit {
            return Err(Failure(AppError::conflict("proposal_not_editable")));
        }
        ProposalForm::of(&state, &d).await?
    };
    form_page(
        &state,
        ctx,
        Some(id),
        form,
        FormErrors::none(),
        StatusCode::OK,
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<ProposalId>,
    Form(form): Form<ProposalForm>,
) -> Result<Response, Failure> {
    let input = form.input();
    let result = in_tx(&state, &ctx, async |tx, caller| {
        cases::update(tx, caller, id, form.version, &input).await
    })
    .await;
    match result {
        Ok(_) => after_save(&state, ctx, id, form.intent == "submit").await,
        Err(e) if is_form_error(&e) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            form_page(
                &state,
                ctx,
                Some(id),
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(Failure(e)),
    }
}

/// "Submit anyway" after seeing the similar proposals, or a plain submit from the page.
pub async fn submit(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<ProposalId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let input: SubmitInput = decode_form(&body)?;
    let outcome = in_tx(&state, &ctx, async |tx, caller| {
        cases::submit(tx, caller, id, &input).await
    })
    .await?;
    match outcome {
        Submitted::Done(_) => Ok(done(&format!("/proposals/{id}"), "proposal_submitted")),
        Submitted::SimilarFound(similar) => {
            let title = {
                let caller = ctx.caller()?;
                let mut tx = state.db.read().await?;
                cases::detail(&mut tx, &caller, id).await?.proposal.title
            };
            Ok(ok(&SimilarPage {
                ctx,
                id,
                title,
                version: input.version.unwrap_or_default(),
                similar,
            }))
        }
    }
}

pub async fn withdraw(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<ProposalId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let input: VersionInput = decode_form(&body)?;
    in_tx(&state, &ctx, async |tx, caller| {
        cases::withdraw(tx, caller, id, &input).await
    })
    .await?;
    Ok(done(&format!("/proposals/{id}"), "proposal_withdrawn"))
}

#[derive(Template)]
#[template(path = "proposals/show.html")]
pub struct ShowPage {
    ctx: PageCtx,
    d: ProposalDetail,
    similar: Vec<Similar>,
    grades: Vec<(String, i64)>,
    errors: FormErrors,
    now: Timestamp,
}

impl ShowPage {
    fn current_step(&self) -> Option<&ingot_store::proposals::ProposalStep> {
        let n = self.d.proposal.current_step?;
        self.d.steps.iter().find(|s| s.position == n)
    }

    fn at_last_step(&self) -> bool {
        self.d.proposal.current_step.unwrap_or(0) >= self.d.steps.len() as i64
    }

    fn impl_is(&self, status: &str) -> bool {
        self.d
            .proposal
            .impl_status
            .is_some_and(|s| s.as_str() == status)
    }

    fn impl_key(&self, s: &ingot_domain::proposal::ImplStatus) -> &'static str {
        match s.as_str() {
            "planned" => "impl.planned",
            "in_progress" => "impl.in_progress",
            _ => "impl.done",
        }
    }

    fn method_key(&self, method: &str) -> &'static str {
        match method {
            "cost" => "benefit.cost",
            "time" => "benefit.time",
            _ => "benefit.free",
        }
    }

    fn grade_key(&self, grade: &str) -> &'static str {
        match grade {
            "special" => "grade.special",
            "first" => "grade.first",
            "second" => "grade.second",
            "third" => "grade.third",
            _ => "grade.encouragement",
        }
    }

    fn step_state(&self, position: &i64) -> &'static str {
        let p = &self.d.proposal;
        match p.current_step {
            Some(c) if c == *position => "current",
            Some(c) if c > *position => "done",
            None if p.status.is_adopted() => "done",
            _ => "",
        }
    }
}

pub async fn show_page(
    state: &AppState,
    ctx: PageCtx,
    id: ProposalId,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, Failure> {
    let (d, similar, grades) = {
        let caller = ctx.caller()?;
        let mut tx = state.db.read().await?;
        let d = cases::detail(&mut tx, &caller, id).await?;
        let shows_similar = d.access.named || d.access.review || d.access.mark_duplicate;
        let similar = if shows_similar && d.proposal.status != Status::Duplicate {
            cases::similar(&mut tx, &caller, id).await?
        } else {
            Vec::new()
        };
        let grades = if d.access.reward {
            cases::settings(&mut tx, &caller, d.proposal.enterprise_id)
                .await
                .map(|s| s.grades)
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        (d, similar, grades)
    };
    // Opening a proposal reads its notifications.
    if ctx.unread > 0 {
        in_tx(state, &ctx, async |tx, caller| {
            ingot_app::notifications::mark_proposal_read(tx, caller, id).await
        })
        .await?;
    }
    Ok(render(
        status,
        &ShowPage {
            ctx,
            d,
            similar,
            grades,
            errors,
            now: Timestamp::now(),
        },
    ))
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<ProposalId>,
) -> Result<Response, Failure> {
    show_page(&state, ctx, id, FormErrors::none(), StatusCode::OK).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ExportQuery {
    #[serde(flatten)]
    pub list: ListQuery,
    pub format: String,
}

pub const EXPORT_MAX_ROWS: i64 = 10_000;

/// The list as CSV or XLSX, with the same filters as on screen.
pub async fn export(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<ExportQuery>,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let filter = q.list.filter(&state).await?;
    let mut tx = state.db.read().await?;
    let items = cases::rows(
        &mut tx,
        &caller,
        &filter,
        Page::new(Some(1), Some(EXPORT_MAX_ROWS), EXPORT_MAX_ROWS),
    )
    .await?;
    drop(tx);
    let headers: Vec<String> = [
        "number",
        "title",
        "category",
        "status",
        "unit",
        "proposer",
        "submitted",
        "benefit",
        "reward",
    ]
    .iter()
    .map(|h| ctx.t(&format!("proposals.col.{h}")).to_string())
    .collect();
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|i| {
            vec![
                i.number.clone().unwrap_or_default(),
                i.title.clone(),
                ctx.category_name(&i.category),
                ctx.status_name(&i.status).to_string(),
                i.unit_name.clone(),
                i.proposer_name.clone(),
                i.submitted_at.map(|t| ctx.date(&t)).unwrap_or_default(),
                i.benefit_verified_cents
                    .map(|c| ctx.money(&c))
                    .unwrap_or_default(),
                i.reward_cents.map(|c| ctx.money(&c)).unwrap_or_default(),
            ]
        })
        .collect();
    table_download(&q.format, "proposals", &headers, rows).await
}

/// The list or reward file in the format asked for (CSV when none is named).
pub async fn table_download(
    format: &str,
    name: &str,
    headers: &[String],
    rows: Vec<Vec<String>>,
) -> Result<Response, Failure> {
    let format = match format {
        "" | "csv" => "csv",
        "xlsx" => "xlsx",
        _ => return Err(Failure(AppError::field("format", "unknown_format"))),
    };
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    Ok(super::orgs::spreadsheet_response(format, name, name, &headers, rows).await?)
}
