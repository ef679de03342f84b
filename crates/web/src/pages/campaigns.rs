//! Award campaigns: the list and the call form; a campaign's page with its timetable, stage,
//! units and quotas, the declaration form (attach a record) and the formal check; the expert
//! panel and conflicts; the assignment (run the solver, override); the expert's scoring page
//! (made for a phone); results with raw and calibrated scores, tiers, ties and the panel
//! decision; the public publicity page with its objection form; the announcement, printable
//! certificates and the ranking of participating units.

use super::studios::FormMap;
use super::{ok, render};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::FormErrors;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use ingot_app::Caller;
use ingot_app::campaigns::{
    self as cases, CampaignDetail, Matrix, RankRow, Results, ReviewItem, declaration_label,
};
use ingot_domain::campaign::{Cadence, CampaignKind, RequiredField, Stage, Tier};
use ingot_domain::org::Organisation;
use ingot_domain::policy::{self, Action, Principal};
use ingot_domain::time::Date;
use ingot_domain::{AppError, OrgId, Timestamp};
use ingot_store::campaigns::{AssignmentRow, Campaign, Declaration, Objection};
use ingot_store::innovation::AchievementItem;

fn user_caller(ctx: &PageCtx) -> Option<Caller<'_>> {
    ctx.actor.as_ref().map(|a| Caller::user(a, &ctx.origin))
}

/// The stages in order with where the campaign stands, for the stepper.
pub struct StepView {
    pub code: &'static str,
    pub date: String,
    pub state: &'static str,
}

fn steps(c: &Campaign, stage: Stage) -> Vec<StepView> {
    let dates = [
        c.declaration_closes.clone(),
        c.check_closes.clone(),
        c.review_closes.clone(),
        c.publicity_start.clone().unwrap_or_default(),
        c.announced_on
            .clone()
            .unwrap_or_else(|| c.announce_on.clone()),
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

// --- List and call ------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "campaigns/index.html")]
struct IndexPage {
    ctx: PageCtx,
    items: Vec<Campaign>,
    may_create: bool,
}

fn federations_run(ctx: &PageCtx, orgs: Vec<Organisation>) -> Vec<Organisation> {
    let Some(actor) = &ctx.actor else {
        return Vec::new();
    };
    orgs.into_iter()
        .filter(|o| {
            matches!(
                o.kind,
                ingot_domain::OrgKind::National
                    | ingot_domain::OrgKind::Province
                    | ingot_domain::OrgKind::City
                    | ingot_domain::OrgKind::District
            )
        })
        .filter(|o| policy::may(Principal::User(actor), Action::ManageCampaigns, &o.path))
        .collect()
}

async fn my_federations(state: &AppState, ctx: &PageCtx) -> Result<Vec<Organisation>, AppError> {
    let Some(actor) = &ctx.actor else {
        return Ok(Vec::new());
    };
    let mut tx = state.db.read().await?;
    let mut out = Vec::new();
    for g in &actor.grants {
        if let Some(o) = ingot_store::orgs::get(&mut tx, g.org_id).await? {
            out.push(o);
        }
    }
    Ok(federations_run(ctx, out))
}

pub async fn index(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, Failure> {
    let mut tx = state.db.read().await?;
    let today = Date::of(Timestamp::now(), ctx.origin.utc_offset_ms);
    let items = cases::list(&mut tx, user_caller(&ctx).as_ref(), today).await?;
    drop(tx);
    let may_create = !my_federations(&state, &ctx).await?.is_empty();
    Ok(ok(&IndexPage {
        ctx,
        items,
        may_create,
    }))
}

#[derive(Template)]
#[template(path = "campaigns/new.html")]
struct NewPage {
    ctx: PageCtx,
    form: FormMap,
    orgs: Vec<Organisation>,
    errors: FormErrors,
    kinds: &'static [CampaignKind],
    cadences: &'static [Cadence],
    required: &'static [RequiredField],
}

impl NewPage {
    fn checked(&self, field: &str) -> bool {
        self.form.all("required_fields").iter().any(|f| f == field)
    }
}

fn new_page(ctx: PageCtx, form: FormMap, orgs: Vec<Organisation>, errors: FormErrors) -> NewPage {
    NewPage {
        ctx,
        form,
        orgs,
        errors,
        kinds: CampaignKind::ALL,
        cadences: Cadence::ALL,
        required: RequiredField::ALL,
    }
}

pub async fn new_form(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, Failure> {
    ctx.actor()?;
    let orgs = my_federations(&state, &ctx).await?;
    let defaults = [
        ("reviewers_per_declaration", "3"),
        ("min_load", "0"),
        ("max_load", "10"),
        ("score_scale", "10"),
        ("divergence", "15"),
        ("publicity_days", "7"),
        ("rubric", "创新性: 40\n经济和社会效益: 35\n推广价值: 25"),
        ("required_fields", "summary"),
        ("edition", "1"),
    ];
    let form = FormMap::parse(
        defaults
            .iter()
            .map(|(k, v)| format!("{k}={}", crate::forms::encode(v)))
            .collect::<Vec<_>>()
            .join("&")
            .as_bytes(),
    );
    Ok(ok(&new_page(ctx, form, orgs, FormErrors::none())))
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = FormMap::parse(&body);
    let input = cases::CampaignInput {
        org_id: form.id("org_id").map(OrgId),
        parent_id: form.id("parent_id"),
        kind: form.get("kind"),
        title: form.get("title"),
        edition: form.get("edition"),
        year: form.get("year"),
        cadence: form.get("cadence"),
        rules: form.get("rules"),
        min_record_year: form.get("min_record_year"),
        max_record_year: form.get("max_record_year"),
        required_fields: form.all("required_fields"),
        required_documents: form.get("required_documents"),
        reviewers_per_declaration: form.get("reviewers_per_declaration"),
        min_load: form.get("min_load"),
        max_load: form.get("max_load"),
        score_scale: form.get("score_scale"),
        blind: form.flag("blind"),
        divergence: form.get("divergence"),
        declaration_closes: form.get("declaration_closes"),
        check_closes: form.get("check_closes"),
        review_closes: form.get("review_closes"),
        publicity_days: form.get("publicity_days"),
        announce_on: form.get("announce_on"),
        units: form.get("units"),
        rubric: form.get("rubric"),
        first: form.get("first"),
        second: form.get("second"),
        third: form.get("third"),
        excellent: form.get("excellent"),
    };
    let r = super::in_tx(&state, &ctx, async |tx, c| {
        cases::create(tx, c, &input).await
    })
    .await;
    let to = r
        .as_ref()
        .map_or(String::new(), |id| format!("/campaigns/{id}"));
    super::answer(
        ctx,
        r,
        &to,
        "campaign_created",
        async |ctx, errors, status| {
            let orgs = my_federations(&state, &ctx).await?;
            Ok(render(status, &new_page(ctx, form, orgs, errors)))
        },
    )
    .await
}

// --- A campaign's page --------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "campaigns/show.html")]
struct ShowPage {
    ctx: PageCtx,
    d: CampaignDetail,
    steps: Vec<StepView>,
    records: Vec<AchievementItem>,
    errors: FormErrors,
    form: FormMap,
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

/// Achievements the caller may declare (within their declaring scope and the campaign's years).
async fn declarable(
    tx: &mut ingot_store::Tx,
    ctx: &PageCtx,
    d: &CampaignDetail,
) -> Result<Vec<AchievementItem>, AppError> {
    let Some(actor) = &ctx.actor else {
        return Ok(Vec::new());
    };
    if !d.may_declare || d.stage != Stage::Declaration || d.campaign.kind != "achievement_award" {
        return Ok(Vec::new());
    }
    let scope = policy::scope(actor, Action::DeclareToCampaign);
    let filter = ingot_store::innovation::RecordFilter {
        scope: Some(scope),
        ..Default::default()
    };
    let (items, _) = ingot_store::innovation::list_achievements(
        tx,
        &filter,
        ingot_store::Page::new(Some(1), Some(200), 200),
    )
    .await?;
    let taken: Vec<i64> = d.declarations.iter().map(|x| x.record_id).collect();
    Ok(items
        .into_iter()
        .filter(|a| !taken.contains(&a.id))
        .filter(|a| d.campaign.min_record_year.is_none_or(|y| a.year >= y))
        .filter(|a| d.campaign.max_record_year.is_none_or(|y| a.year <= y))
        .collect())
}

async fn show_page(
    state: &AppState,
    ctx: PageCtx,
    id: i64,
    errors: FormErrors,
    form: FormMap,
    status: StatusCode,
) -> Result<Response, Failure> {
    let mut tx = state.db.read().await?;
    let today = Date::of(Timestamp::now(), ctx.origin.utc_offset_ms);
    let d = cases::detail(&mut tx, user_caller(&ctx).as_ref(), id, today).await?;
    let records = declarable(&mut tx, &ctx, &d).await?;
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
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    show_page(
        &state,
        ctx,
        id,
        FormErrors::none(),
        FormMap::default(),
        StatusCode::OK,
    )
    .await
}

/// After a form on the campaign's page: back to it with a message, or the page with errors.
async fn back_to_show<T>(
    state: &AppState,
    ctx: PageCtx,
    id: i64,
    form: FormMap,
    r: Result<T, AppError>,
    flash: &'static str,
) -> Result<Response, Failure> {
    super::answer(
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
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    let r = super::in_tx(&state, &ctx, async |tx, c| cases::advance(tx, c, id).await).await;
    back_to_show(&state, ctx, id, FormMap::default(), r, "campaign_advanced").await
}

pub async fn declare(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = FormMap::parse(&body);
    let input = cases::DeclareInput {
        record_id: form.id("record_id"),
    };
    let r = super::in_tx(&state, &ctx, async |tx, c| {
        cases::declare(tx, c, id, &input).await
    })
    .await;
    back_to_show(&state, ctx, id, form, r, "declared").await
}

async fn campaign_of_declaration(state: &AppState, declaration: i64) -> Result<i64, AppError> {
    let mut tx = state.db.read().await?;
    ingot_store::campaigns::get_declaration(&mut tx, declaration)
        .await?
        .map(|d| d.campaign_id)
        .ok_or_else(|| AppError::not_found("declaration"))
}

pub async fn check(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(declaration): Path<i64>,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = FormMap::parse(&body);
    let campaign = campaign_of_declaration(&state, declaration).await?;
    let input = cases::CheckInput {
        decision: form.get("decision"),
        reasons: form.get("reasons"),
        correct_by: form.get("correct_by"),
    };
    let r = super::in_tx(&state, &ctx, async |tx, c| {
        cases::check(tx, c, declaration, &input).await
    })
    .await;
    back_to_show(&state, ctx, campaign, form, r, "declaration_checked").await
}

pub async fn resubmit(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(declaration): Path<i64>,
) -> Result<Response, Failure> {
    let campaign = campaign_of_declaration(&state, declaration).await?;
    let r = super::in_tx(&state, &ctx, async |tx, c| {
        cases::resubmit(tx, c, declaration).await
    })
    .await;
    back_to_show(
        &state,
        ctx,
        campaign,
        FormMap::default(),
        r,
        "declaration_resubmitted",
    )
    .await
}

// --- Experts and conflicts ----------------------------------------------------------------------

#[derive(Template)]
#[template(path = "campaigns/experts.html")]
struct ExpertsPage {
    ctx: PageCtx,
    c: Campaign,
    m: Matrix,
    errors: FormErrors,
    form: FormMap,
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
    id: i64,
    errors: FormErrors,
    form: FormMap,
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
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    experts_page(
        &state,
        ctx,
        id,
        FormErrors::none(),
        FormMap::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn add_expert(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = FormMap::parse(&body);
    let input = cases::ExpertInput {
        username: form.get("username"),
        fields: form.get("fields"),
        profile: form.get("profile"),
    };
    let r = super::in_tx(&state, &ctx, async |tx, c| {
        cases::add_expert(tx, c, id, &input).await
    })
    .await;
    super::answer(
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
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = FormMap::parse(&body);
    let input = cases::ConflictInput {
        declaration_id: form.id("declaration_id"),
        username: form.get("username"),
        reason: form.get("reason"),
    };
    let from_review = form.get("from") == "review";
    let r = super::in_tx(&state, &ctx, async |tx, c| {
        cases::add_conflict(tx, c, id, &input).await
    })
    .await;
    // An expert declares from the review page, staff record from the experts page: the answer
    // goes back to where the form was.
    let back = if from_review { "review" } else { "experts" };
    super::answer(
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

// --- Assignment ---------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "campaigns/assignment.html")]
struct AssignmentPage {
    ctx: PageCtx,
    c: Campaign,
    m: Matrix,
    rows: Vec<AssignmentRow>,
    errors: FormErrors,
    form: FormMap,
}

impl AssignmentPage {
    fn label(&self, d: &Declaration) -> String {
        declaration_label(d)
    }
    fn reviewers(&self, declaration: &i64) -> Vec<(String, i64, bool)> {
        self.rows
            .iter()
            .filter(|r| r.declaration_id == *declaration)
            .map(|r| {
                let name = self
                    .m
                    .experts
                    .iter()
                    .find(|e| e.user_id == r.user_id)
                    .map_or_else(String::new, |e| {
                        format!("{} ({})", e.display_name, e.username)
                    });
                (name, r.affinity, r.manual)
            })
            .collect()
    }
    fn load_of(&self, expert: &i64) -> usize {
        self.rows.iter().filter(|r| r.user_id == *expert).count()
    }
    fn objective(&self) -> i64 {
        self.rows.iter().map(|r| r.affinity).sum()
    }
}

async fn assignment_page(
    state: &AppState,
    ctx: PageCtx,
    id: i64,
    errors: FormErrors,
    form: FormMap,
    status: StatusCode,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let c = cases::load(&mut tx, id).await?;
    if !cases::may_manage(&caller, &c) {
        return Err(Failure(AppError::forbidden()));
    }
    let m = cases::matrix(&mut tx, id).await?;
    let rows = ingot_store::campaigns::assignment(&mut tx, id).await?;
    drop(tx);
    Ok(render(
        status,
        &AssignmentPage {
            ctx,
            c,
            m,
            rows,
            errors,
            form,
        },
    ))
}

pub async fn assignment(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    assignment_page(
        &state,
        ctx,
        id,
        FormErrors::none(),
        FormMap::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn run_assignment(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    let r = super::in_tx(&state, &ctx, async |tx, c| {
        cases::run_assignment(tx, c, id).await
    })
    .await;
    super::answer(
        ctx,
        r,
        &format!("/campaigns/{id}/assignment"),
        "assignment_solved",
        async |ctx, errors, status| {
            assignment_page(&state, ctx, id, errors, FormMap::default(), status).await
        },
    )
    .await
}

pub async fn override_pair(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = FormMap::parse(&body);
    let input = cases::OverrideInput {
        declaration_id: form.id("declaration_id"),
        remove: form.get("remove"),
        add: form.get("add"),
    };
    let r = super::in_tx(&state, &ctx, async |tx, c| {
        cases::override_pair(tx, c, id, &input).await
    })
    .await;
    super::answer(
        ctx,
        r,
        &format!("/campaigns/{id}/assignment"),
        "assignment_changed",
        async |ctx, errors, status| assignment_page(&state, ctx, id, errors, form, status).await,
    )
    .await
}

// --- The expert's scoring page ------------------------------------------------------------------

#[derive(Template)]
#[template(path = "campaigns/review.html")]
struct ReviewPage {
    ctx: PageCtx,
    c: Campaign,
    items: Vec<ReviewItem>,
    criteria: Vec<ingot_store::campaigns::CriterionRow>,
    errors: FormErrors,
}

impl ReviewPage {
    fn mark(&self, item: &ReviewItem, i: &usize) -> String {
        item.marks
            .as_ref()
            .and_then(|m| m.get(*i))
            .map(i64::to_string)
            .unwrap_or_default()
    }
    fn total(&self, item: &ReviewItem) -> String {
        item.total_hundredths
            .map(|t| format!("{:.2}", t as f64 / 100.0))
            .unwrap_or_default()
    }
}

async fn review_page(
    state: &AppState,
    ctx: PageCtx,
    id: i64,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let c = cases::load(&mut tx, id).await?;
    let items = cases::my_reviews(&mut tx, &caller, id).await?;
    let criteria = ingot_store::campaigns::criteria(&mut tx, id).await?;
    drop(tx);
    Ok(render(
        status,
        &ReviewPage {
            ctx,
            c,
            items,
            criteria,
            errors,
        },
    ))
}

pub async fn review(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    review_page(&state, ctx, id, FormErrors::none(), StatusCode::OK).await
}

pub async fn score(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(declaration): Path<i64>,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = FormMap::parse(&body);
    let campaign = campaign_of_declaration(&state, declaration).await?;
    let input = cases::ScoreInput {
        marks: form.all("marks"),
        comment: form.get("comment"),
    };
    let r = super::in_tx(&state, &ctx, async |tx, c| {
        cases::score(tx, c, declaration, &input).await
    })
    .await;
    super::answer(
        ctx,
        r,
        &format!("/campaigns/{campaign}/review"),
        "score_saved",
        async |ctx, errors, status| review_page(&state, ctx, campaign, errors, status).await,
    )
    .await
}

// --- Results, decision, publicity ---------------------------------------------------------------

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
        self.r.campaign.stage == Stage::Review.as_str()
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
    id: i64,
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
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    results_page(&state, ctx, id, FormErrors::none(), StatusCode::OK).await
}

pub async fn decide(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = FormMap::parse(&body);
    // Each select sends "declaration:tier" (an empty tier is no award).
    let tiers = form
        .all("tiers")
        .iter()
        .filter_map(|v| {
            let (id, tier) = v.split_once(':')?;
            Some((id.parse::<i64>().ok()?, tier.to_string()))
        })
        .collect();
    let input = cases::DecisionInput {
        tiers,
        note: form.get("note"),
    };
    let r = super::in_tx(&state, &ctx, async |tx, c| {
        cases::decide(tx, c, id, &input).await
    })
    .await;
    super::answer(
        ctx,
        r,
        &format!("/campaigns/{id}/results"),
        "results_decided",
        async |ctx, errors, status| results_page(&state, ctx, id, errors, status).await,
    )
    .await
}

pub async fn open_publicity(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = FormMap::parse(&body);
    let input = cases::PublicityInput {
        start: form.get("start"),
        days: form.get("days"),
    };
    let r = super::in_tx(&state, &ctx, async |tx, c| {
        cases::open_publicity(tx, c, id, &input).await
    })
    .await;
    super::answer(
        ctx,
        r,
        &format!("/campaigns/{id}/publicity"),
        "publicity_opened",
        async |ctx, errors, status| results_page(&state, ctx, id, errors, status).await,
    )
    .await
}

// --- Publicity, objections, announcement (public) -----------------------------------------------

#[derive(Template)]
#[template(path = "campaigns/publicity.html")]
struct PublicityPage {
    ctx: PageCtx,
    d: CampaignDetail,
    entries: Vec<Declaration>,
    open: bool,
    objections: Vec<Objection>,
    errors: FormErrors,
    form: FormMap,
    today: String,
}

impl PublicityPage {
    fn tier_name(&self, t: &Option<String>) -> String {
        self.ctx.code_name("tier", t.as_deref().unwrap_or(""))
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
            .filter(|o| o.status == "open")
            .count()
    }
}

/// The awarded declarations, highest tier first, then by number.
fn awarded(ds: &[Declaration]) -> Vec<Declaration> {
    let mut out: Vec<Declaration> = ds.iter().filter(|d| d.tier.is_some()).cloned().collect();
    let order = |d: &Declaration| {
        d.tier
            .as_deref()
            .and_then(Tier::parse)
            .map_or(9, |t| t as u8)
    };
    out.sort_by_key(|d| (order(d), d.number));
    out
}

async fn publicity_page(
    state: &AppState,
    ctx: PageCtx,
    id: i64,
    errors: FormErrors,
    form: FormMap,
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
        Some(c) if cases::may_manage(c, &d.campaign) => {
            ingot_store::campaigns::objections(&mut tx, id).await?
        }
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
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    publicity_page(
        &state,
        ctx,
        id,
        FormErrors::none(),
        FormMap::default(),
        StatusCode::OK,
    )
    .await
}

/// Anyone may object, signed in or not.
pub async fn object(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = FormMap::parse(&body);
    let input = cases::ObjectionInput {
        declaration_id: form.id("declaration_id"),
        name: form.get("name"),
        contact: form.get("contact"),
        text: form.get("text"),
    };
    // Objecting needs no permission: for the public the system caller only carries the
    // request's origin to the audit row, which names the objector "public".
    let caller = match &ctx.actor {
        Some(a) => Caller::user(a, &ctx.origin),
        None => Caller::system(&ctx.origin),
    };
    let r = async {
        crate::request::throttle_objections(&state, &ctx.origin).await?;
        let mut tx = state.db.begin().await?;
        let o = cases::object(&mut tx, &caller, id, &input).await?;
        tx.commit().await?;
        Ok::<_, AppError>(o)
    }
    .await;
    super::answer(
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
    Path(objection): Path<i64>,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = FormMap::parse(&body);
    let campaign = form.id("campaign_id").unwrap_or_default();
    let input = cases::OutcomeInput {
        status: form.get("status"),
        outcome: form.get("outcome"),
    };
    let r = super::in_tx(&state, &ctx, async |tx, c| {
        cases::decide_objection(tx, c, objection, &input).await
    })
    .await;
    super::answer(
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
    Path(campaign): Path<i64>,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = FormMap::parse(&body);
    let input = cases::DismissInput {
        // An id that is not a number can only come from a forged form: it names no objection.
        ids: form
            .all("ids")
            .iter()
            .map(|raw| raw.trim().parse().unwrap_or(0))
            .collect(),
        outcome: form.get("outcome"),
    };
    let r = super::in_tx(&state, &ctx, async |tx, c| {
        cases::dismiss_objections(tx, c, campaign, &input).await
    })
    .await;
    super::answer(
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
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = FormMap::parse(&body);
    let input = cases::AnnounceInput {
        notice_number: form.get("notice_number"),
        announced_on: form.get("announced_on"),
    };
    let r = super::in_tx(&state, &ctx, async |tx, c| {
        cases::announce(tx, c, id, &input).await
    })
    .await;
    super::answer(
        ctx,
        r,
        &format!("/campaigns/{id}/announcement"),
        "results_announced",
        async |ctx, errors, status| publicity_page(&state, ctx, id, errors, form, status).await,
    )
    .await
}

#[derive(Template)]
#[template(path = "campaigns/announcement.html")]
struct AnnouncementPage {
    ctx: PageCtx,
    d: CampaignDetail,
    entries: Vec<Declaration>,
    tiers: &'static [Tier],
}

impl AnnouncementPage {
    fn of_tier(&self, t: &Tier) -> Vec<&Declaration> {
        self.entries
            .iter()
            .filter(|d| d.tier.as_deref() == Some(t.as_str()))
            .collect()
    }
}

pub async fn announcement(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    let mut tx = state.db.read().await?;
    let today = Date::of(Timestamp::now(), ctx.origin.utc_offset_ms);
    let d = cases::detail(&mut tx, None, id, today).await?;
    drop(tx);
    if d.stage != Stage::Announced {
        return Err(Failure(AppError::not_found("campaign")));
    }
    Ok(ok(&AnnouncementPage {
        entries: awarded(&d.declarations),
        ctx,
        d,
        tiers: Tier::ALL,
    }))
}

#[derive(Template)]
#[template(path = "campaigns/certificate.html")]
struct CertificatePage {
    ctx: PageCtx,
    c: Campaign,
    d: Declaration,
    tier: Tier,
}

pub async fn certificate(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    let mut tx = state.db.read().await?;
    let (c, d, tier) = cases::certificate(&mut tx, id).await?;
    drop(tx);
    Ok(ok(&CertificatePage { ctx, c, d, tier }))
}

#[derive(Template)]
#[template(path = "campaigns/ranking.html")]
struct RankingPage {
    ctx: PageCtx,
    c: Campaign,
    rows: Vec<RankRow>,
}

pub async fn ranking(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    let mut tx = state.db.read().await?;
    let rows = cases::ranking(&mut tx, user_caller(&ctx).as_ref(), id).await?;
    let c = cases::load(&mut tx, id).await?;
    drop(tx);
    Ok(ok(&RankingPage { ctx, c, rows }))
}
