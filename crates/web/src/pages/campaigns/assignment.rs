//! Which experts review which declarations: running the solver and overriding a pair by hand.

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
use ingot_app::campaigns::{self as cases, Matrix, declaration_label};
use ingot_domain::{AppError, CampaignId};
use ingot_store::campaigns::{AssignmentRow, Campaign, Declaration};

#[derive(Template)]
#[template(path = "campaigns/assignment.html")]
struct AssignmentPage {
    ctx: PageCtx,
    c: Campaign,
    m: Matrix,
    rows: Vec<AssignmentRow>,
    errors: FormErrors,
    form: SentForm,
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
    id: CampaignId,
    errors: FormErrors,
    form: SentForm,
    status: StatusCode,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let c = cases::load(&mut tx, id).await?;
    if !cases::may_manage(&caller, &c) {
        return Err(Failure(AppError::forbidden()));
    }
    let m = cases::matrix(&mut tx, id).await?;
    let rows = cases::assignment(&mut tx, &caller, &c).await?;
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
    Path(id): Path<CampaignId>,
) -> Result<Response, Failure> {
    assignment_page(
        &state,
        ctx,
        id,
        FormErrors::none(),
        SentForm::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn run_assignment(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<CampaignId>,
) -> Result<Response, Failure> {
    let r = in_tx(&state, &ctx, async |tx, c| {
        cases::run_assignment(tx, c, id).await
    })
    .await;
    answer(
        ctx,
        r,
        &format!("/campaigns/{id}/assignment"),
        "assignment_solved",
        async |ctx, errors, status| {
            assignment_page(&state, ctx, id, errors, SentForm::default(), status).await
        },
    )
    .await
}

pub async fn override_pair(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<CampaignId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = SentForm::of(&body);
    let r = in_tx(&state, &ctx, async |tx, c| {
        let input: cases::OverrideInput = decode_form(&body)?;
        cases::override_pair(tx, c, id, &input).await
    })
    .await;
    answer(
        ctx,
        r,
        &format!("/campaigns/{id}/assignment"),
        "assignment_changed",
        async |ctx, errors, status| assignment_page(&state, ctx, id, errors, form, status).await,
    )
    .await
}
