//! A programme's critical tasks: their list, creating one with its lead and participating units,
//! and a task with everything recorded about it.

use super::{check_kind, date, log, manageable, not_found, org, readable};
use crate::audit::{Change, record};
use crate::{Caller, Result};
use ingot_domain::audit::AuditEntry;
use ingot_domain::programme::{self as rules, TaskStatus};
use ingot_domain::validate::{self, Validator, problem};
use ingot_domain::{AppError, FieldError, OrgId, ProgrammeId, TaskId, Timestamp};
use ingot_store::programmes::{
    self as store, Funding, ListFilter, Milestone, NewTask, Output, Task,
};
use ingot_store::{Page, Tx};

pub async fn tasks(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProgrammeId,
    filter: &ListFilter,
    page: Page,
) -> Result<(Vec<Task>, i64)> {
    readable(tx, caller, id).await?;
    let codes: Vec<&str> = TaskStatus::ALL.iter().map(|s| s.as_str()).collect();
    check_kind(filter, &codes)?;
    store::tasks(tx, id, filter, page).await
}

/// Adding a critical task to a programme, as the API sends it.
// Serialize: a change's schema shows its default particulars.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = TaskBody)]
pub struct TaskInput {
    pub area_id: Option<i64>,
    pub code: String,
    pub title: String,
    /// The leading enterprise or platform: any organisation of the tree, external ones included.
    #[schema(value_type = Option<i64>)]
    pub lead_org_id: Option<OrgId>,
    /// Participating universities, institutes and enterprises.
    #[schema(value_type = Vec<i64>)]
    pub participant_org_ids: Vec<OrgId>,
    pub leader_name: String,
    pub starts_on: String,
    pub ends_on: String,
    /// planned, in_progress, completed, suspended; empty: planned.
    pub status: String,
    pub budget_cents: i64,
}

/// A task as typed, checked: the row to store and its participants (deduplicated, the lead
/// left out), or every problem by field.
async fn checked(tx: &mut Tx, id: ProgrammeId, input: &TaskInput) -> Result<(NewTask, Vec<OrgId>)> {
    let mut v = Validator::new();
    let areas = store::areas(tx, id).await?;
    let area_id = match input.area_id {
        None => problem(FieldError::new("area_id", "required")),
        Some(a) if !areas.iter().any(|x| x.id == a) => {
            problem(FieldError::new("area_id", "unknown_area"))
        }
        Some(a) => Ok(a),
    };
    let code = v.required_text("code", &input.code, 40);
    let title = v.required_text("title", &input.title, rules::TITLE_MAX);
    let lead = org(tx, "lead_org_id", input.lead_org_id).await?;
    for (i, o) in input.participant_org_ids.iter().enumerate() {
        let participant = org(tx, &format!("participant_org_ids[{i}]"), Some(*o)).await?;
        v.keep(participant);
    }
    let leader_name = v.required_text("leader_name", &input.leader_name, 100);
    let starts = validate::date("starts_on", &input.starts_on);
    let ends = date(&mut v, "ends_on", &input.ends_on, false);
    if let Ok(s) = starts
        && let Some(e) = rules::check_task_dates(s, ends)
    {
        v.add(e);
    }
    let status = match input.status.trim() {
        "" => Ok(TaskStatus::Planned),
        raw => validate::choice::<TaskStatus>("status", raw),
    };
    for e in rules::check_amounts(&[("budget_cents", input.budget_cents)]) {
        v.add(e);
    }
    let (area_id, lead, starts, status) = v.finish_with((area_id, lead, starts, status))?;
    let new = NewTask {
        programme_id: id,
        area_id,
        code,
        title,
        lead_org_id: lead,
        leader_name,
        starts_on: starts,
        ends_on: ends,
        status,
        budget_cents: input.budget_cents,
    };
    let mut participants: Vec<OrgId> = input.participant_org_ids.clone();
    participants.sort();
    participants.dedup();
    participants.retain(|o| *o != lead);
    Ok((new, participants))
}

pub async fn create_task(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProgrammeId,
    input: &TaskInput,
) -> Result<Task> {
    let p = manageable(tx, caller, id).await?;
    let (new, participants) = checked(tx, id, input).await?;
    let task = store::insert_task(tx, &new, Timestamp::now()).await?;
    store::add_task_orgs(tx, task, &participants).await?;
    log(
        tx,
        caller,
        "programme.task.create",
        "programme_task",
        task.0,
        &new.title,
        &p,
        serde_json::json!({"programme_id": id, "code": new.code, "budget_cents": new.budget_cents}),
    )
    .await?;
    store::get_task(tx, task).await?.ok_or_else(not_found)
}

/// Changing a task (a code mistyped, a new leader, the status as work goes on), as the form and
/// the API send it: every particular again, and the version read.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = TaskChangeBody)]
pub struct TaskChange {
    /// The version read (`version` of the task); a change made meanwhile is refused with
    /// `task_changed`.
    pub version: Option<i64>,
    #[serde(flatten)]
    pub task: TaskInput,
}

/// How people name what a task refers to: organisations by code, areas by name.
struct Names<'a> {
    orgs: &'a [ingot_domain::org::Organisation],
    areas: &'a [ingot_store::programmes::Area],
}

/// What an edit can change, as the audit row keeps it before and after, named as people name
/// it.
fn particulars(t: &NewTask, participants: &[OrgId], names: &Names<'_>) -> serde_json::Value {
    let code = |id: &OrgId| {
        names
            .orgs
            .iter()
            .find(|o| o.id == *id)
            .map_or_else(|| id.0.to_string(), |o| o.code.clone())
    };
    let area = names
        .areas
        .iter()
        .find(|a| a.id == t.area_id)
        .map_or_else(|| t.area_id.to_string(), |a| a.name.clone());
    let participants: Vec<String> = participants.iter().map(code).collect();
    serde_json::json!({"area": area, "code": t.code, "title": t.title,
        "lead_org": code(&t.lead_org_id), "participants": participants,
        "leader_name": t.leader_name, "starts_on": t.starts_on, "ends_on": t.ends_on,
        "status": t.status, "budget_cents": t.budget_cents})
}

/// Changes a task of the programme if it is still at the version read; the audit row keeps what
/// it was and what it became, which the task's page shows as its history.
pub async fn update_task(
    tx: &mut Tx,
    caller: &Caller<'_>,
    (id, task): (ProgrammeId, TaskId),
    change: &TaskChange,
) -> Result<Task> {
    let p = manageable(tx, caller, id).await?;
    let t = store::get_task(tx, task)
        .await?
        .filter(|t| t.programme_id == id)
        .ok_or_else(|| AppError::not_found("task"))?;
    let version = change.version.unwrap_or(t.version);
    if version != t.version {
        return Err(AppError::conflict("task_changed"));
    }
    let (new, participants) = checked(tx, id, &change.task).await?;
    let mut before_orgs: Vec<OrgId> = store::task_orgs(tx, task)
        .await?
        .into_iter()
        .map(|(o, _)| o)
        .collect();
    before_orgs.sort();
    let before = NewTask {
        programme_id: id,
        area_id: t.area_id,
        code: t.code.clone(),
        title: t.title.clone(),
        lead_org_id: t.lead_org_id,
        leader_name: t.leader_name.clone(),
        starts_on: t.starts_on,
        ends_on: t.ends_on,
        status: t.status,
        budget_cents: t.budget_cents,
    };
    if !store::update_task(tx, task, &new, version, Timestamp::now()).await? {
        return Err(AppError::conflict("task_changed"));
    }
    store::set_task_orgs(tx, task, &participants).await?;
    let mut involved: Vec<OrgId> = [&before_orgs[..], &participants[..]].concat();
    involved.extend([before.lead_org_id, new.lead_org_id]);
    let orgs = ingot_store::orgs::get_many(tx, &involved).await?;
    let areas = store::areas(tx, id).await?;
    let names = Names {
        orgs: &orgs,
        areas: &areas,
    };
    record(
        tx,
        caller,
        Change::new("programme.task.update", "programme_task", task.0)
            .label(&new.title)
            .org(p.owner_org_id)
            .before(&particulars(&before, &before_orgs, &names))
            .after(&particulars(&new, &participants, &names)),
    )
    .await?;
    store::get_task(tx, task).await?.ok_or_else(not_found)
}

/// The changes recorded about a task, newest first: its creation, edits, funding, milestones
/// and outputs, with who made them and, for edits, what was before and after. Whoever may read
/// the programme may read its tasks' history.
pub async fn task_history(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProgrammeId,
    task: TaskId,
) -> Result<Vec<AuditEntry>> {
    readable(tx, caller, id).await?;
    crate::audit_log::history_of(tx, "programme_task", task.0).await
}

/// A task with everything recorded about it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TaskDetail {
    pub task: Task,
    pub participants: Vec<(OrgId, String)>,
    pub funding: Vec<Funding>,
    pub milestones: Vec<Milestone>,
    pub outputs: Vec<Output>,
}

pub async fn task(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProgrammeId,
    task: TaskId,
) -> Result<TaskDetail> {
    readable(tx, caller, id).await?;
    let t = store::get_task(tx, task)
        .await?
        .filter(|t| t.programme_id == id)
        .ok_or_else(|| AppError::not_found("task"))?;
    let filter = ListFilter {
        task_id: Some(task),
        ..Default::default()
    };
    let all = Page::new(Some(1), Some(Page::MAX_SIZE), Page::MAX_SIZE);
    Ok(TaskDetail {
        participants: store::task_orgs(tx, task).await?,
        funding: store::funding(tx, id, &filter, all).await?.0,
        milestones: store::milestones(tx, id, &filter, all).await?.0,
        outputs: store::outputs(tx, id, &filter, all).await?.0,
        task: t,
    })
}
