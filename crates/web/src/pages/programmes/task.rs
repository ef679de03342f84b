//! A task's page: its figures, participants, funding, milestones, outputs and people, the
//! forms that record and correct them (for those who manage the programme) and its history.

use super::entry::known_orgs;
use super::task_forms::SentTaskForm;
use super::{compact_money, name_in};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::pages::render;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use ingot_app::programmes as cases;
use ingot_domain::programme::{self as rules, FundingSource, OutputKind};
use ingot_domain::{ProgrammeId, TaskId};

#[derive(Template)]
#[template(path = "programmes/task.html")]
struct TaskPage {
    ctx: PageCtx,
    base: String,
    name: String,
    d: cases::TaskDetail,
    area: String,
    lead: String,
    spent: i64,
    /// The budget and spending as the overview writes money, short enough for a phone.
    budget: String,
    fiscal: String,
    social: String,
    leverage: String,
    manage: bool,
    /// The organisations already in the programme, offered by code on the person form.
    known: Vec<(String, String)>,
    sources: &'static [FundingSource],
    kinds: &'static [OutputKind],
    /// The form sent, when it had problems.
    sent: Option<SentTaskForm>,
    history: Vec<crate::pages::history::HistoryRow>,
}

impl TaskPage {
    /// What was typed in `field` of the form `form`, when that form is shown again.
    fn typed(&self, form: &str, field: &str) -> &str {
        match &self.sent {
            Some((which, sent, _)) if which.is(form) => sent.get(field),
            _ => "",
        }
    }

    /// The problems of `field` on the form `form`, when that form is shown again.
    fn problems(&self, form: &str, field: &str) -> Vec<&str> {
        match &self.sent {
            Some((which, _, errors)) if which.is(form) => errors.of(field),
            _ => Vec::new(),
        }
    }

    /// The problems of the form `form` that belong to no input it shows.
    fn other_problems(&self, form: &str, shown: &[&str]) -> Vec<String> {
        match &self.sent {
            Some((which, _, errors)) if which.is(form) => {
                let mut all = errors.general.clone();
                all.extend(errors.others(shown));
                all
            }
            _ => Vec::new(),
        }
    }

    /// The name of a row's removal form: `remove-funding-12`.
    fn removal(&self, kind: &str, entry: &i64) -> String {
        format!("remove-{kind}-{entry}")
    }

    /// The name of a milestone's change form: `milestone-12`.
    fn milestone_form(&self, id: &i64) -> String {
        format!("milestone-{id}")
    }

    /// Whether the form `form` is the one shown again (it opens, and takes the focus).
    fn is_sent(&self, form: &str) -> bool {
        matches!(&self.sent, Some((which, _, _)) if which.is(form))
    }
}

pub async fn task(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((id, task)): Path<(ProgrammeId, TaskId)>,
) -> Result<Response, Failure> {
    task_page(&state, ctx, id, task, None, StatusCode::OK).await
}

/// A task's page, with one of its forms as sent when it had problems.
pub(crate) async fn task_page(
    state: &AppState,
    ctx: PageCtx,
    id: ProgrammeId,
    task: TaskId,
    sent: Option<SentTaskForm>,
    status: StatusCode,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let p = cases::readable(&mut tx, &caller, id).await?;
    let d = cases::task(&mut tx, &caller, id, task).await?;
    let manage = cases::may_manage(&caller, &p);
    let history = cases::task_history(&mut tx, &caller, id, task).await?;
    let known = match manage {
        true => known_orgs(&mut tx, &caller, id).await?,
        false => Vec::new(),
    };
    drop(tx);
    let lang = ctx.lang;
    let codes = [("status", "programmes.status")];
    let history = history
        .iter()
        .map(|e| crate::pages::history::row(&ctx, e, &codes))
        .collect();
    let page = TaskPage {
        history,
        manage,
        known,
        sources: FundingSource::ALL,
        kinds: OutputKind::ALL,
        sent,
        base: format!("/programmes/{id}"),
        name: name_in(lang, &p.name, p.name_en.as_deref()),
        area: name_in(lang, &d.task.area_name, d.task.area_name_en.as_deref()),
        lead: name_in(lang, &d.task.lead_name, d.task.lead_name_en.as_deref()),
        spent: d.task.fiscal_actual_cents + d.task.social_actual_cents,
        budget: compact_money(lang, d.task.budget_cents),
        fiscal: compact_money(lang, d.task.fiscal_actual_cents),
        social: compact_money(lang, d.task.social_actual_cents),
        leverage: rules::leverage_hundredths(
            d.task.fiscal_actual_cents,
            d.task.social_actual_cents,
        )
        .map(|x| format!("{}:1", rules::format_hundredths(x)))
        .unwrap_or_else(|| "–".to_string()),
        d,
        ctx,
    };
    Ok(render(status, &page))
}
