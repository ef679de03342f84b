//! The forms of a task's page — funding, milestones (added, changed from their row), outputs,
//! researchers and removals of rows entered by mistake — and the award tallies on the overview.
//! Each runs the API's use case in one transaction; a refused one shows its page again with the
//! form open beside its problems.

use super::entry::{merged, optional, org_by_code, whole, yuan};
use super::{overview_page, task_page};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::{Failure, status_of};
use crate::forms::{FormErrors, SentForm, decode_form, is_form_error};
use crate::pages::{answer, done, in_tx};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use ingot_app::programmes as cases;
use ingot_domain::{AchievementId, AppError, FieldError, PatentId, ProgrammeId, TaskId};
use ingot_store::Tx;

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct FundingForm {
    task_id: Option<TaskId>,
    year: String,
    source: String,
    planned: String,
    actual: String,
    overrun_reason: String,
}

impl FundingForm {
    fn input(&self, problems: &mut Vec<FieldError>) -> cases::FundingInput {
        cases::FundingInput {
            task_id: self.task_id,
            year: whole(problems, "year", &self.year, "invalid_year", 0),
            source: self.source.clone(),
            planned_cents: yuan(problems, "planned_cents", &self.planned),
            actual_cents: yuan(problems, "actual_cents", &self.actual),
            overrun_reason: optional(&self.overrun_reason),
        }
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct OutputForm {
    task_id: Option<TaskId>,
    kind: String,
    title: String,
    quantity: String,
    value: String,
    achievement_id: String,
    /// The patent's number as granted or applied for (CN…); the form finds the record.
    patent_number: String,
    note: String,
    recorded_on: String,
}

impl OutputForm {
    async fn input(
        &self,
        tx: &mut Tx,
        problems: &mut Vec<FieldError>,
    ) -> Result<cases::OutputInput, AppError> {
        let achievement = self.achievement_id.trim().trim_start_matches('#');
        let achievement_id = match achievement {
            "" => None,
            raw => match raw.parse() {
                Ok(n) => Some(AchievementId(n)),
                Err(_) => {
                    problems.push(FieldError::new("achievement_id", "unknown_record"));
                    None
                }
            },
        };
        let number = self.patent_number.trim();
        let patent_id = match number {
            "" => None,
            n => match ingot_store::innovation::patent_by_number(tx, n).await? {
                Some(id) => Some(PatentId(id)),
                None => {
                    problems.push(FieldError::new("patent_id", "unknown_record"));
                    None
                }
            },
        };
        Ok(cases::OutputInput {
            task_id: self.task_id,
            kind: self.kind.clone(),
            title: self.title.clone(),
            quantity: whole(problems, "quantity", &self.quantity, "wrong_type", 0),
            value_cents: yuan(problems, "value_cents", &self.value),
            achievement_id,
            patent_id,
            note: optional(&self.note),
            recorded_on: self.recorded_on.clone(),
        })
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct PersonForm {
    name: String,
    academician: bool,
    /// The code of the person's institution.
    institution: String,
    task_ids: Vec<TaskId>,
}

/// Which of a task page's forms was sent, to show it again beside its problems.
#[derive(Clone, PartialEq, Eq)]
pub enum TaskPageForm {
    Funding,
    Milestone,
    Output,
    Person,
    /// The change form of this milestone.
    MilestoneChange(i64),
    /// The removal form of this row (`funding-12`, `output-7`).
    Removal(String),
}

impl TaskPageForm {
    /// The form's name on the page: `funding`, `milestone-12`, `remove-output-7`.
    pub fn is(&self, name: &str) -> bool {
        match self {
            TaskPageForm::Funding => name == "funding",
            TaskPageForm::Milestone => name == "milestone",
            TaskPageForm::Output => name == "output",
            TaskPageForm::Person => name == "person",
            TaskPageForm::MilestoneChange(id) => name == format!("milestone-{id}"),
            TaskPageForm::Removal(row) => name == format!("remove-{row}"),
        }
    }
}

/// A task page's form, sent: which, what was typed, its problems.
pub type SentTaskForm = (TaskPageForm, SentForm, FormErrors);

/// The answer to a form of a task's page: the task page with a flash, or the page again with
/// the form's problems. The task is the one the form named; a form naming none is refused on
/// the error page, as there is no task page to show it on.
async fn task_answer<T>(
    state: &AppState,
    ctx: PageCtx,
    (id, task): (ProgrammeId, Option<TaskId>),
    (which, body, r): (TaskPageForm, &Bytes, Result<T, AppError>),
    flash: &'static str,
) -> Result<Response, Failure> {
    match (r, task) {
        (Ok(_), Some(task)) => Ok(done(&format!("/programmes/{id}/tasks/{task}"), flash)),
        (Ok(_), None) => Ok(done(&format!("/programmes/{id}"), flash)),
        (Err(e), Some(task)) if is_form_error(&e) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            let sent = (which, SentForm::of(body), errors);
            task_page(state, ctx, id, task, Some(sent), status_of(&e)).await
        }
        (Err(e), _) => Err(Failure(e)),
    }
}

pub async fn record_funding(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<ProgrammeId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = decode_form::<FundingForm>(&body);
    let task = form.as_ref().ok().and_then(|f| f.task_id);
    let r = in_tx(&state, &ctx, async |tx, c| {
        let mut problems = Vec::new();
        let input = form.as_ref().map_err(Clone::clone)?.input(&mut problems);
        merged(problems, cases::record_funding(tx, c, id, &input).await)
    })
    .await;
    let sent = (TaskPageForm::Funding, &body, r);
    task_answer(&state, ctx, (id, task), sent, "programme_funding_recorded").await
}

pub async fn add_milestone(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<ProgrammeId>,
    body: Bytes,
) -> Result<Response, Failure> {
    // Every field of a milestone is typed as the API takes it: the wire struct itself.
    let input = decode_form::<cases::MilestoneInput>(&body);
    let task = input.as_ref().ok().and_then(|f| f.task_id);
    let r = in_tx(&state, &ctx, async |tx, c| {
        cases::add_milestone(tx, c, id, input.as_ref().map_err(Clone::clone)?).await
    })
    .await;
    let sent = (TaskPageForm::Milestone, &body, r);
    task_answer(&state, ctx, (id, task), sent, "milestone_added").await
}

pub async fn add_output(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<ProgrammeId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = decode_form::<OutputForm>(&body);
    let task = form.as_ref().ok().and_then(|f| f.task_id);
    let r = in_tx(&state, &ctx, async |tx, c| {
        let mut problems = Vec::new();
        let form = form.as_ref().map_err(Clone::clone)?;
        let input = form.input(tx, &mut problems).await?;
        merged(problems, cases::add_output(tx, c, id, &input).await)
    })
    .await;
    let sent = (TaskPageForm::Output, &body, r);
    task_answer(&state, ctx, (id, task), sent, "programme_output_added").await
}

pub async fn add_person(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<ProgrammeId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = decode_form::<PersonForm>(&body);
    let task = form.as_ref().ok().and_then(|f| f.task_ids.first().copied());
    let r = in_tx(&state, &ctx, async |tx, c| {
        let mut problems = Vec::new();
        let form = form.as_ref().map_err(Clone::clone)?;
        let input = cases::PersonInput {
            name: form.name.clone(),
            academician: form.academician,
            institution_id: org_by_code(tx, &mut problems, "institution_id", &form.institution)
                .await?,
            task_ids: form.task_ids.clone(),
        };
        merged(problems, cases::add_person(tx, c, id, &input).await)
    })
    .await;
    let sent = (TaskPageForm::Person, &body, r);
    task_answer(&state, ctx, (id, task), sent, "person_added").await
}

/// Changing a milestone from its row on the task's page; every field as the API takes it.
pub async fn update_milestone(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((id, milestone)): Path<(ProgrammeId, i64)>,
    body: Bytes,
) -> Result<Response, Failure> {
    let change = decode_form::<cases::MilestoneChange>(&body);
    let r = in_tx(&state, &ctx, async |tx, c| {
        let change = change.as_ref().map_err(Clone::clone)?;
        cases::update_milestone(tx, c, (id, milestone), change).await
    })
    .await;
    let task = match &r {
        Ok(m) => Some(TaskId(m.task_id)),
        Err(_) => milestone_task(&state, id, milestone).await?,
    };
    let sent = (TaskPageForm::MilestoneChange(milestone), &body, r);
    task_answer(&state, ctx, (id, task), sent, "milestone_updated").await
}

/// The task of a milestone, to show its page again beside a refused change.
async fn milestone_task(
    state: &AppState,
    id: ProgrammeId,
    milestone: i64,
) -> Result<Option<TaskId>, Failure> {
    let mut tx = state.db.read().await?;
    let m = ingot_store::programmes::get_milestone(&mut tx, id, milestone).await?;
    Ok(m.map(|m| TaskId(m.task_id)))
}

/// Removing a row entered by mistake, from its row on the task's page.
pub async fn remove_entry(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<ProgrammeId>,
    body: Bytes,
) -> Result<Response, Failure> {
    #[derive(serde::Deserialize, Default)]
    #[serde(default)]
    struct RemovalForm {
        kind: String,
        entry_id: Option<i64>,
        reason: String,
        /// The task whose page the form is on, to show it again beside a problem.
        task_id: Option<TaskId>,
    }
    let form = decode_form::<RemovalForm>(&body);
    let task = form.as_ref().ok().and_then(|f| f.task_id);
    let row = form
        .as_ref()
        .map(|f| format!("{}-{}", f.kind, f.entry_id.unwrap_or(0)))
        .unwrap_or_default();
    let r = in_tx(&state, &ctx, async |tx, c| {
        let form = form.as_ref().map_err(Clone::clone)?;
        let input = cases::RemovalInput {
            kind: form.kind.clone(),
            entry_id: form.entry_id,
            reason: form.reason.clone(),
        };
        cases::remove_entry(tx, c, id, &input).await
    })
    .await;
    let task = r.as_ref().ok().copied().or(task);
    let sent = (TaskPageForm::Removal(row), &body, r);
    task_answer(&state, ctx, (id, task), sent, "entry_removed").await
}

// ---------------------------------------------------------------------------------------------
// On the overview: the region's awards and the programme's share

pub async fn record_award(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<ProgrammeId>,
    body: Bytes,
) -> Result<Response, Failure> {
    #[derive(serde::Deserialize, Default)]
    #[serde(default)]
    struct AwardForm {
        award: String,
        region_total: String,
        programme_won: String,
    }
    let form = decode_form::<AwardForm>(&body);
    let r = in_tx(&state, &ctx, async |tx, c| {
        let form = form.as_ref().map_err(Clone::clone)?;
        let mut problems = Vec::new();
        let input = cases::AwardInput {
            award: form.award.clone(),
            region_total: whole(
                &mut problems,
                "region_total",
                &form.region_total,
                "wrong_type",
                0,
            ),
            programme_won: whole(
                &mut problems,
                "programme_won",
                &form.programme_won,
                "wrong_type",
                0,
            ),
        };
        merged(problems, cases::record_award(tx, c, id, &input).await)
    })
    .await;
    let again = async |ctx, errors, status| {
        overview_page(&state, ctx, id, Some((SentForm::of(&body), errors)), status).await
    };
    answer(
        ctx,
        r,
        &format!("/programmes/{id}#awards"),
        "award_recorded",
        again,
    )
    .await
}
