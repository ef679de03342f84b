//! Correcting what was recorded about a task: a milestone changed (reached with its evidence, a
//! date moved, a title mistyped), and a funding, output or milestone row entered by mistake
//! removed with the reason. Each keeps what the row was in its audit row, which the task's
//! history shows; the overview's figures are read from the rows, so they follow at once.

use super::milestones::{MilestoneInput, checked};
use super::{manageable, not_found};
use crate::audit::{Change, record};
use crate::{Caller, Result};
use ingot_domain::programme as rules;
use ingot_domain::validate::Validator;
use ingot_domain::{AppError, FieldError, ProgrammeId, TaskId};
use ingot_store::Tx;
use ingot_store::programmes::{self as store, Milestone, Programme};

/// Changing a milestone, as the form and the API send it (its task stays).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = MilestoneChangeBody)]
pub struct MilestoneChange {
    pub title: String,
    pub due_on: String,
    /// The day it was reached; empty while it is not.
    pub done_on: String,
    /// Required once reached.
    pub evidence: Option<String>,
}

fn shown(m: &Milestone) -> serde_json::Value {
    serde_json::json!({"title": m.title, "due_on": m.due_on, "done_on": m.done_on,
        "evidence": m.evidence})
}

async fn audit(
    tx: &mut Tx,
    caller: &Caller<'_>,
    (p, task): (&Programme, TaskId),
    (action, label): (&str, &str),
    (before, after): (serde_json::Value, Option<serde_json::Value>),
) -> Result<()> {
    let mut change = Change::new(action, "programme_task", task.0)
        .label(label)
        .org(p.owner_org_id)
        .before(&before);
    if let Some(after) = &after {
        change = change.after(after);
    }
    record(tx, caller, change).await
}

/// Changes a milestone of the programme, checked as when it was added.
pub async fn update_milestone(
    tx: &mut Tx,
    caller: &Caller<'_>,
    (id, milestone): (ProgrammeId, i64),
    change: &MilestoneChange,
) -> Result<Milestone> {
    let p = manageable(tx, caller, id).await?;
    let was = store::get_milestone(tx, id, milestone)
        .await?
        .ok_or_else(|| AppError::not_found("milestone"))?;
    let task = store::get_task(tx, TaskId(was.task_id))
        .await?
        .ok_or_else(not_found)?;
    let input = MilestoneInput {
        task_id: Some(task.id),
        title: change.title.clone(),
        due_on: change.due_on.clone(),
        done_on: change.done_on.clone(),
        evidence: change.evidence.clone(),
    };
    let (task, new) = checked(Ok(task), &input)?;
    store::update_milestone(tx, milestone, &new).await?;
    let now = store::get_milestone(tx, id, milestone)
        .await?
        .ok_or_else(not_found)?;
    let changes = (shown(&was), Some(shown(&now)));
    let action = ("programme.milestone.update", task.title.as_str());
    audit(tx, caller, (&p, task.id), action, changes).await?;
    Ok(now)
}

/// Removing a row entered by mistake, as the form and the API send it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = RemovalBody)]
pub struct RemovalInput {
    /// `funding`, `milestone` or `output`.
    pub kind: String,
    /// The row's `id`.
    pub entry_id: Option<i64>,
    /// Why it goes: kept in the task's history.
    pub reason: String,
}

/// Removes a funding, milestone or output row of the programme, keeping what it was and why in
/// the task's history.
pub async fn remove_entry(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProgrammeId,
    input: &RemovalInput,
) -> Result<TaskId> {
    let p = manageable(tx, caller, id).await?;
    let mut v = Validator::new();
    let reason = v.required_text("reason", &input.reason, rules::TEXT_MAX);
    let kind = match input.kind.trim() {
        k @ ("funding" | "milestone" | "output") => Some(k),
        _ => {
            v.add(
                FieldError::new("kind", "unknown_option")
                    .with("allowed", "funding, milestone, output"),
            );
            None
        }
    };
    if input.entry_id.is_none() {
        v.add(FieldError::new("entry_id", "required"));
    }
    v.finish()?;
    let (Some(kind), Some(entry)) = (kind, input.entry_id) else {
        return Err(not_found());
    };
    let removed = store::delete_entry(tx, id, kind, entry)
        .await?
        .ok_or_else(|| AppError::not_found("entry"))?;
    let task = store::get_task(tx, removed.0)
        .await?
        .ok_or_else(not_found)?;
    let mut before = removed.1;
    before["kind"] = kind.into();
    before["reason"] = reason.into();
    let action = (&*format!("programme.{kind}.remove"), task.title.as_str());
    audit(tx, caller, (&p, task.id), action, (before, None)).await?;
    Ok(task.id)
}
