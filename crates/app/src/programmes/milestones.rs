//! A task's milestones: the list (done or open) and adding one with its evidence once reached.

use super::{check_kind, date, log, manageable, not_found, readable, task_of};
use crate::{Caller, Result};
use ingot_domain::programme as rules;
use ingot_domain::validate::{self, Checked, Validator};
use ingot_domain::{FieldError, ProgrammeId, TaskId, Timestamp};
use ingot_store::programmes::{self as store, ListFilter, Milestone, NewMilestone, Task};
use ingot_store::{Page, Tx};

pub async fn milestones(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProgrammeId,
    filter: &ListFilter,
    page: Page,
) -> Result<(Vec<Milestone>, i64)> {
    readable(tx, caller, id).await?;
    check_kind(filter, &["done", "open"])?;
    store::milestones(tx, id, filter, page).await
}

/// Adding a milestone to a task, as the API sends it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = MilestoneBody)]
pub struct MilestoneInput {
    #[schema(value_type = Option<i64>)]
    pub task_id: Option<TaskId>,
    pub title: String,
    /// Not before the task starts.
    pub due_on: String,
    pub done_on: String,
    /// Required once done: what shows the milestone was reached (a report number, an
    /// acceptance record).
    pub evidence: Option<String>,
}

/// A milestone as typed for `task`, checked: the task and the row to store, or every problem
/// by field. Reached (a date done) needs its evidence; due not before the task starts.
pub(super) fn checked(task: Checked<Task>, input: &MilestoneInput) -> Result<(Task, NewMilestone)> {
    let mut v = Validator::new();
    let title = v.required_text("title", &input.title, rules::TITLE_MAX);
    let due = validate::date("due_on", &input.due_on);
    let done = date(&mut v, "done_on", &input.done_on, false);
    let evidence = v.optional_text("evidence", input.evidence.as_deref(), rules::TEXT_MAX);
    if done.is_some() && evidence.is_none() {
        v.add(FieldError::new("evidence", "required"));
    }
    if let (Ok(t), Ok(due)) = (&task, &due)
        && let Some(e) = rules::check_milestone_due(t.starts_on, *due)
    {
        v.add(e);
    }
    let (task, due) = v.finish_with((task, due))?;
    let new = NewMilestone {
        task_id: task.id,
        title,
        due_on: due,
        done_on: done,
        evidence,
    };
    Ok((task, new))
}

pub async fn add_milestone(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProgrammeId,
    input: &MilestoneInput,
) -> Result<Milestone> {
    let p = manageable(tx, caller, id).await?;
    let task = task_of(tx, "task_id", &p, input.task_id).await?;
    let (task, new) = checked(task, input)?;
    let m = store::insert_milestone(tx, &new, Timestamp::now()).await?;
    log(
        tx,
        caller,
        "programme.milestone.add",
        "programme_task",
        task.id.0,
        &task.title,
        &p,
        serde_json::json!({"milestone_id": m, "title": new.title, "due_on": new.due_on}),
    )
    .await?;
    let filter = ListFilter {
        task_id: Some(task.id),
        ..Default::default()
    };
    let all = Page::new(Some(1), Some(Page::MAX_SIZE), Page::MAX_SIZE);
    store::milestones(tx, id, &filter, all)
        .await?
        .0
        .into_iter()
        .find(|x| x.id == m)
        .ok_or_else(not_found)
}
