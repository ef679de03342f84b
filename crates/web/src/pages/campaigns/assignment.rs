//! Which experts review which declarations: running the solver and overriding a pair by hand.

use super::{CampaignRequest, FormPage, read_managed};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::{FormErrors, SentForm};
use askama::Template;
use axum::body::Bytes;
use axum::response::Response;
use ingot_app::campaigns::{self as cases, Matrix, declaration_label};
use ingot_domain::CampaignId;
use ingot_store::campaigns::{AssignmentRow, Campaign, Declaration};

#[derive(Template)]
#[template(path = "campaigns/assignment.html")]
pub(super) struct AssignmentPage {
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

pub(super) async fn assignment_page(
    state: &AppState,
    ctx: PageCtx,
    id: CampaignId,
    errors: FormErrors,
    form: SentForm,
) -> Result<AssignmentPage, Failure> {
    let (c, (m, rows)) = read_managed(state, &ctx, id, async |tx, caller, c| {
        let m = cases::matrix(tx, id).await?;
        Ok((m, cases::assignment(tx, caller, c).await?))
    })
    .await?;
    Ok(AssignmentPage {
        ctx,
        c,
        m,
        rows,
        errors,
        form,
    })
}

pub async fn assignment(request: CampaignRequest) -> Result<Response, Failure> {
    request.visit(FormPage::Assignment).await
}

pub async fn run_assignment(request: CampaignRequest) -> Result<Response, Failure> {
    let id = request.id;
    request
        .run(
            FormPage::Assignment.back("assignment_solved"),
            async |tx, c| cases::run_assignment(tx, c, id).await,
        )
        .await
}

pub async fn override_pair(request: CampaignRequest, body: Bytes) -> Result<Response, Failure> {
    let id = request.id;
    let back = FormPage::Assignment.back("assignment_changed");
    request
        .submit(back, &body, async |tx, c, input: cases::OverrideInput| {
            cases::override_pair(tx, c, id, &input).await
        })
        .await
}
