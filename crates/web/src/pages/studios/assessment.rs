//! Assessment pages: assessing a studio from its page, and reading or setting an organisation's
//! assessment standard.

use super::{FormMap, finish, naming_orgs, subtree_orgs};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::{Failure, status_of};
use crate::forms::{FormErrors, is_form_error};
use crate::pages::{done, render};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ingot_app::studios as cases;
use ingot_domain::org::Organisation;
use ingot_domain::{AppError, OrgId, StudioId};

pub async fn assess(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<StudioId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let f = FormMap::parse(&body);
    let scores =
        f.0.iter()
            .filter_map(|(k, v)| k.strip_prefix("score_").map(|c| (c.to_string(), v.clone())))
            .collect();
    let input = cases::AssessInput {
        naming_id: f.id("naming_id"),
        period: f.get("period"),
        assessed_on: f.get("assessed_on"),
        scores,
        assessment_note: f.get("assessment_note"),
    };
    let r = crate::pages::in_tx(&state, &ctx, async |tx, c| {
        cases::assess(tx, c, id, &input).await
    })
    .await;
    finish(&state, ctx, id, r, "studio_assessed").await
}

#[derive(Template)]
#[template(path = "studios/standard.html")]
struct StandardPage {
    ctx: PageCtx,
    orgs: Vec<Organisation>,
    org: Option<Organisation>,
    standard: ingot_domain::studio::Standard,
    errors: FormErrors,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct StandardQuery {
    pub org: Option<OrgId>,
}

async fn standard_page(
    state: &AppState,
    ctx: PageCtx,
    org: Option<OrgId>,
    shown: Option<ingot_domain::studio::Standard>,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, Failure> {
    let actor = ctx.actor()?.clone();
    let mut tx = state.db.read().await?;
    let mut candidates = Vec::new();
    for g in &actor.grants {
        for o in subtree_orgs(&mut tx, &g.org_path).await? {
            if !candidates.iter().any(|x: &Organisation| x.id == o.id) {
                candidates.push(o);
            }
        }
    }
    let orgs = naming_orgs(&ctx, candidates);
    let org = match org {
        Some(id) => orgs.iter().find(|o| o.id == id).cloned(),
        None => orgs.first().cloned(),
    };
    let standard = match (&shown, &org) {
        (Some(s), _) => s.clone(),
        (None, Some(o)) => cases::standard_of(&mut tx, o.id).await?,
        (None, None) => ingot_domain::studio::Standard::default(),
    };
    drop(tx);
    Ok(render(
        status,
        &StandardPage {
            ctx,
            orgs,
            org,
            standard,
            errors,
        },
    ))
}

pub async fn standard(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<StandardQuery>,
) -> Result<Response, Failure> {
    standard_page(&state, ctx, q.org, None, FormErrors::none(), StatusCode::OK).await
}

pub async fn set_standard(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(org): Path<OrgId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let f = FormMap::parse(&body);
    let mut errors = Vec::new();
    let mut criteria = Vec::new();
    for (i, (code, weight)) in f.all("code").iter().zip(f.all("weight")).enumerate() {
        let code = code.trim();
        if code.is_empty() && weight.trim().is_empty() {
            continue;
        }
        match weight.trim().parse::<i64>() {
            Ok(w) => criteria.push(ingot_domain::studio::Criterion {
                code: code.to_string(),
                weight: w,
            }),
            Err(_) => errors.push(ingot_domain::FieldError::new(
                format!("criteria[{i}].weight"),
                "weight_invalid",
            )),
        }
    }
    let number = |k: &str| f.get(k).trim().parse::<i64>().unwrap_or(-1);
    let standard = ingot_domain::studio::Standard {
        criteria,
        excellent_min: number("excellent_min"),
        pass_min: number("pass_min"),
    };
    let r = if errors.is_empty() {
        crate::pages::in_tx(&state, &ctx, async |tx, c| {
            cases::set_standard(tx, c, org, &standard).await
        })
        .await
    } else {
        Err(AppError::Validation(errors))
    };
    match r {
        Ok(()) => Ok(done(
            &format!("/studios/standards?org={org}"),
            "standard_saved",
        )),
        Err(e) if is_form_error(&e) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            standard_page(
                &state,
                ctx,
                Some(org),
                Some(standard),
                errors,
                status_of(&e),
            )
            .await
        }
        Err(e) => Err(Failure(e)),
    }
}
