//! The list of award campaigns and the call form that opens one.

use super::user_caller;
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::FormErrors;
use crate::pages::studios::FormMap;
use crate::pages::{answer, in_tx, ok, render};
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use ingot_app::campaigns as cases;
use ingot_domain::campaign::{Cadence, CampaignKind, RequiredField};
use ingot_domain::org::Organisation;
use ingot_domain::policy::{self, Action, Principal};
use ingot_domain::time::Date;
use ingot_domain::{AppError, OrgId, Timestamp};
use ingot_store::campaigns::Campaign;

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
    let r = in_tx(&state, &ctx, async |tx, c| {
        cases::create(tx, c, &input).await
    })
    .await;
    let to = r
        .as_ref()
        .map_or(String::new(), |id| format!("/campaigns/{id}"));
    answer(
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
