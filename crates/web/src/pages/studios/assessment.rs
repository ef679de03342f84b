//! Assessment pages: assessing a studio from its page, and reading or setting an organisation's
//! assessment standard.

use super::{finish, naming_orgs, subtree_orgs};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::{Failure, status_of};
use crate::forms::{FormErrors, decode_form, is_form_error};
use crate::pages::{done, render};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ingot_app::studios as cases;
use ingot_domain::org::Organisation;
use ingot_domain::studio::Standard;
use ingot_domain::{AppError, FieldError, OrgId, StudioId};

pub async fn assess(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<StudioId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let r = crate::pages::in_tx(&state, &ctx, async |tx, c| {
        let input = decode_form::<AssessForm>(&body)?.into_command()?;
        cases::assess(tx, c, id, &input).await
    })
    .await;
    finish(&state, ctx, id, r, "studio_assessed").await
}

/// The assessment form: one `criterion` (hidden) and one `score` per row of the standard.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct AssessForm {
    naming_id: Option<i64>,
    period: String,
    assessed_on: String,
    criterion: Vec<String>,
    score: Vec<String>,
    assessment_note: String,
}

impl AssessForm {
    /// The command, or a `score_invalid` against each score that is not a whole number (the
    /// field the page shows beside that criterion).
    fn into_command(self) -> Result<cases::AssessInput, AppError> {
        let mut scores = std::collections::BTreeMap::new();
        let mut problems = Vec::new();
        for (code, raw) in self.criterion.into_iter().zip(self.score) {
            match raw.trim().parse::<i64>() {
                Ok(n) => {
                    scores.insert(code, n);
                }
                Err(_) => problems.push(FieldError::new(format!("score_{code}"), "score_invalid")),
            }
        }
        if !problems.is_empty() {
            return Err(AppError::Validation(problems));
        }
        Ok(cases::AssessInput {
            naming_id: self.naming_id,
            period: self.period,
            assessed_on: self.assessed_on,
            scores,
            assessment_note: self.assessment_note,
        })
    }
}

/// The standard form: rows of `code` and `weight` (blank rows left out) and the two thresholds.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct StandardForm {
    code: Vec<String>,
    weight: Vec<String>,
    excellent_min: String,
    pass_min: String,
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
    let form: StandardForm = decode_form(&body)?;
    let rows = form.code.iter().zip(&form.weight);
    let (standard, errors) = Standard::from_rows(
        rows.map(|(c, w)| (c.as_str(), w.as_str())),
        &form.excellent_min,
        &form.pass_min,
    );
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
