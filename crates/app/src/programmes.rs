//! Regional science & technology programmes: setting one up with its areas, critical tasks,
//! funding per task, year and source, milestones, outputs, people and award tallies; the
//! overview a science department shows, and the lists behind each of its figures. A programme
//! belongs to its owner department: reading needs `ViewProgramme` there, changing it
//! `ManageProgramme`. Each change is one transaction with its audit row.

use crate::audit::{Change, record};
use crate::{Caller, Result};
use ingot_domain::policy::Action;
use ingot_domain::programme::{self as rules, Figures, FundingSource, OutputKind, TaskStatus};
use ingot_domain::time::Date;
use ingot_domain::validate::Validator;
use ingot_domain::{AppError, FieldError, OrgId, OrgKind, OrgPath, ProgrammeId, TaskId, Timestamp};
use ingot_store::programmes::{
    self as store, Area, AwardTally, Funding, Institution, ListFilter, Milestone, NewFunding,
    NewMilestone, NewOutput, NewProgramme, NewTask, Output, Person, Programme, Talent, Task,
};
use ingot_store::{Page, Tx, orgs};

fn not_found() -> AppError {
    AppError::not_found("programme")
}

fn owner_path(p: &Programme) -> OrgPath {
    OrgPath::from_stored(p.owner_path.clone())
}

/// The programme, if the caller may read it; otherwise it does not exist for them.
pub async fn readable(tx: &mut Tx, caller: &Caller<'_>, id: ProgrammeId) -> Result<Programme> {
    let p = store::get_programme(tx, id).await?.ok_or_else(not_found)?;
    if !caller.permits(Action::ViewProgramme, &owner_path(&p)) {
        return Err(not_found());
    }
    Ok(p)
}

/// The programme, if the caller may change it.
async fn manageable(tx: &mut Tx, caller: &Caller<'_>, id: ProgrammeId) -> Result<Programme> {
    let p = readable(tx, caller, id).await?;
    caller.require(Action::ManageProgramme, &owner_path(&p))?;
    Ok(p)
}

pub fn may_manage(caller: &Caller<'_>, p: &Programme) -> bool {
    caller.permits(Action::ManageProgramme, &owner_path(p))
}

#[allow(clippy::too_many_arguments)] // each argument is a column of the audit row
async fn log(
    tx: &mut Tx,
    caller: &Caller<'_>,
    action: &str,
    object: &'static str,
    id: i64,
    label: &str,
    p: &Programme,
    after: serde_json::Value,
) -> Result<()> {
    record(
        tx,
        caller,
        Change::new(action, object, id)
            .label(label)
            .org(p.owner_org_id)
            .after(&after),
    )
    .await
}

fn date(v: &mut Validator, field: &str, raw: &str, required: bool) -> Option<Date> {
    let raw = raw.trim();
    if raw.is_empty() {
        if required {
            v.add(FieldError::new(field, "required"));
        }
        return None;
    }
    let parsed = Date::parse(raw);
    if parsed.is_none() {
        v.add(FieldError::new(field, "invalid_date"));
    }
    parsed
}

fn year(v: &mut Validator, field: &str, y: i64) {
    if !(1949..=2100).contains(&y) {
        v.add(FieldError::new(field, "invalid_year"));
    }
}

/// An organisation that exists and is open, or a field error.
async fn org(
    tx: &mut Tx,
    v: &mut Validator,
    field: &str,
    id: Option<OrgId>,
) -> Result<Option<OrgId>> {
    let Some(id) = id else {
        v.add(FieldError::new(field, "required"));
        return Ok(None);
    };
    match orgs::get(tx, id).await?.filter(|o| !o.is_archived()) {
        Some(o) => Ok(Some(o.id)),
        None => {
            v.add(FieldError::new(field, "unknown_unit"));
            Ok(None)
        }
    }
}

/// A task of this programme; a task of another programme is named as such.
async fn task_of(
    tx: &mut Tx,
    v: &mut Validator,
    p: &Programme,
    id: Option<TaskId>,
) -> Result<Option<Task>> {
    let Some(id) = id else {
        v.add(FieldError::new("task_id", "required"));
        return Ok(None);
    };
    match store::get_task(tx, id).await? {
        Some(t) if t.programme_id == p.id => Ok(Some(t)),
        Some(_) => {
            v.add(FieldError::new("task_id", "task_of_other_programme"));
            Ok(None)
        }
        None => {
            v.add(FieldError::new("task_id", "unknown_task"));
            Ok(None)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Programmes

/// The programmes the caller may read.
pub async fn list(tx: &mut Tx, caller: &Caller<'_>) -> Result<Vec<Programme>> {
    let scope = caller.scope(Action::ViewProgramme);
    store::list_programmes(tx, scope.as_ref()).await
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct AreaInput {
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub infrastructure: bool,
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ProgrammeInput {
    pub owner_org_id: Option<OrgId>,
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub start_year: i64,
    pub plan_name: Option<String>,
    pub plan_url: Option<String>,
    pub summary: String,
    pub areas: Vec<AreaInput>,
}

/// Sets up a programme with its strategic areas, owned by a department the caller manages.
pub async fn create(tx: &mut Tx, caller: &Caller<'_>, input: &ProgrammeInput) -> Result<Programme> {
    let mut v = Validator::new();
    let owner = org(tx, &mut v, "owner_org_id", input.owner_org_id).await?;
    let code = v.required_text("code", &input.code, 40);
    let name = v.required_text("name", &input.name, rules::TITLE_MAX);
    let name_en = v.optional_text("name_en", input.name_en.as_deref(), rules::TITLE_MAX);
    year(&mut v, "start_year", input.start_year);
    let plan_name = v.optional_text("plan_name", input.plan_name.as_deref(), rules::TITLE_MAX);
    let plan_url = v.optional_text("plan_url", input.plan_url.as_deref(), 500);
    if let Some(url) = &plan_url
        && !(url.starts_with("https://") || url.starts_with("http://") || url.starts_with('/'))
    {
        v.add(FieldError::new("plan_url", "invalid_url"));
    }
    let summary = v.required_text("summary", &input.summary, rules::TEXT_MAX);
    if input.areas.is_empty() {
        v.add(FieldError::new("areas", "required"));
    }
    let mut areas = Vec::new();
    for (i, a) in input.areas.iter().enumerate() {
        let code = v.required_text(&format!("areas[{i}].code"), &a.code, 40);
        if input.areas[..i].iter().any(|b| b.code.trim() == code) {
            v.add(FieldError::new(
                format!("areas[{i}].code"),
                "area_code_taken",
            ));
        }
        areas.push(Area {
            id: 0,
            code,
            name: v.required_text(&format!("areas[{i}].name"), &a.name, rules::TITLE_MAX),
            name_en: v.optional_text(
                &format!("areas[{i}].name_en"),
                a.name_en.as_deref(),
                rules::TITLE_MAX,
            ),
            position: i as i64 + 1,
            infrastructure: a.infrastructure,
        });
    }
    v.finish()?;
    let owner = owner.ok_or_else(|| AppError::internal("checked owner missing"))?;
    let owner_org = orgs::get(tx, owner).await?.ok_or_else(not_found)?;
    caller.require(Action::ManageProgramme, &owner_org.path)?;
    let new = NewProgramme {
        owner_org_id: owner,
        code,
        name,
        name_en,
        start_year: input.start_year,
        plan_name,
        plan_url,
        summary,
    };
    let id = store::insert_programme(tx, &new, caller.user_id(), Timestamp::now()).await?;
    for a in &areas {
        store::insert_area(tx, id, a).await?;
    }
    let p = store::get_programme(tx, id).await?.ok_or_else(not_found)?;
    log(
        tx,
        caller,
        "programme.create",
        "programme",
        id.0,
        &p.name,
        &p,
        serde_json::json!({"code": p.code, "areas": areas.len()}),
    )
    .await?;
    Ok(p)
}

/// An area's figures, for the overview and its chart.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AreaFigures {
    pub area: Area,
    pub figures: Figures,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct AwardShare {
    pub tally: AwardTally,
    pub share_bp: Option<i64>,
}

/// What the overview page and `GET /programmes/{id}` show.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Overview {
    pub programme: Programme,
    pub figures: Figures,
    pub areas: Vec<AreaFigures>,
    pub talent: Talent,
    pub awards: Vec<AwardShare>,
    pub can_manage: bool,
}

pub async fn overview(tx: &mut Tx, caller: &Caller<'_>, id: ProgrammeId) -> Result<Overview> {
    let programme = readable(tx, caller, id).await?;
    let figures = store::figures(tx, id, None).await?;
    let mut areas = Vec::new();
    for area in store::areas(tx, id).await? {
        let figures = store::figures(tx, id, Some(area.id)).await?;
        areas.push(AreaFigures { area, figures });
    }
    let talent = store::talent(tx, id).await?;
    let awards = store::awards(tx, id)
        .await?
        .into_iter()
        .map(|tally| AwardShare {
            share_bp: rules::share_bp(tally.programme_won, tally.region_total),
            tally,
        })
        .collect();
    Ok(Overview {
        can_manage: may_manage(caller, &programme),
        programme,
        figures,
        areas,
        talent,
        awards,
    })
}

pub async fn areas(tx: &mut Tx, caller: &Caller<'_>, id: ProgrammeId) -> Result<Vec<Area>> {
    readable(tx, caller, id).await?;
    store::areas(tx, id).await
}

// ---------------------------------------------------------------------------------------------
// Lists behind the figures

/// Checks a list filter's kind against the codes of that list, so a typo is an error rather
/// than an empty list.
fn check_kind(filter: &ListFilter, allowed: &[&str]) -> Result<()> {
    match filter.kind.as_deref() {
        Some(k) if !allowed.contains(&k) => Err(AppError::Validation(vec![
            FieldError::new("kind", "unknown_option").with("allowed", allowed.join(", ")),
        ])),
        _ => Ok(()),
    }
}

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

pub async fn funding(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProgrammeId,
    filter: &ListFilter,
    page: Page,
) -> Result<(Vec<Funding>, i64)> {
    readable(tx, caller, id).await?;
    let codes: Vec<&str> = FundingSource::ALL.iter().map(|s| s.as_str()).collect();
    check_kind(filter, &codes)?;
    store::funding(tx, id, filter, page).await
}

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

pub async fn outputs(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProgrammeId,
    filter: &ListFilter,
    page: Page,
) -> Result<(Vec<Output>, i64)> {
    readable(tx, caller, id).await?;
    let codes: Vec<&str> = OutputKind::ALL.iter().map(|s| s.as_str()).collect();
    check_kind(filter, &codes)?;
    store::outputs(tx, id, filter, page).await
}

pub async fn people(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProgrammeId,
    filter: &ListFilter,
    page: Page,
) -> Result<(Vec<Person>, i64)> {
    readable(tx, caller, id).await?;
    store::people(tx, id, filter, page).await
}

pub async fn institutions(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProgrammeId,
    filter: &ListFilter,
    page: Page,
) -> Result<(Vec<Institution>, i64)> {
    readable(tx, caller, id).await?;
    let codes: Vec<&str> = OrgKind::ALL.iter().map(|s| s.as_str()).collect();
    check_kind(filter, &codes)?;
    store::institutions(tx, id, filter, page).await
}

// ---------------------------------------------------------------------------------------------
// Tasks

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct TaskInput {
    pub area_id: Option<i64>,
    pub code: String,
    pub title: String,
    pub lead_org_id: Option<OrgId>,
    pub participant_org_ids: Vec<OrgId>,
    pub leader_name: String,
    pub starts_on: String,
    pub ends_on: String,
    /// planned, in_progress, completed, suspended; empty: planned.
    pub status: String,
    pub budget_cents: i64,
}

pub async fn create_task(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProgrammeId,
    input: &TaskInput,
) -> Result<Task> {
    let p = manageable(tx, caller, id).await?;
    let mut v = Validator::new();
    let areas = store::areas(tx, id).await?;
    match input.area_id {
        None => v.add(FieldError::new("area_id", "required")),
        Some(a) if !areas.iter().any(|x| x.id == a) => {
            v.add(FieldError::new("area_id", "unknown_area"))
        }
        Some(_) => {}
    }
    let code = v.required_text("code", &input.code, 40);
    let title = v.required_text("title", &input.title, rules::TITLE_MAX);
    let lead = org(tx, &mut v, "lead_org_id", input.lead_org_id).await?;
    for (i, o) in input.participant_org_ids.iter().enumerate() {
        org(tx, &mut v, &format!("participant_org_ids[{i}]"), Some(*o)).await?;
    }
    let leader_name = v.required_text("leader_name", &input.leader_name, 100);
    let starts = date(&mut v, "starts_on", &input.starts_on, true);
    let ends = date(&mut v, "ends_on", &input.ends_on, false);
    if let Some(s) = starts
        && let Some(e) = rules::check_task_dates(s, ends)
    {
        v.add(e);
    }
    let status = match input.status.trim() {
        "" => Some(TaskStatus::Planned),
        raw => {
            let s = TaskStatus::parse(raw);
            if s.is_none() {
                v.add(FieldError::new("status", "unknown_option"));
            }
            s
        }
    };
    for e in rules::check_amounts(&[("budget_cents", input.budget_cents)]) {
        v.add(e);
    }
    v.finish()?;
    let (Some(area_id), Some(lead), Some(starts), Some(status)) =
        (input.area_id, lead, starts, status)
    else {
        return Err(AppError::internal("checked task incomplete"));
    };
    let new = NewTask {
        programme_id: id,
        area_id,
        code,
        title,
        lead_org_id: lead,
        leader_name,
        starts_on: starts.to_string(),
        ends_on: ends.map(|e| e.to_string()),
        status,
        budget_cents: input.budget_cents,
    };
    let task = store::insert_task(tx, &new, Timestamp::now()).await?;
    let mut participants: Vec<OrgId> = input.participant_org_ids.clone();
    participants.sort();
    participants.dedup();
    participants.retain(|o| *o != lead);
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

// ---------------------------------------------------------------------------------------------
// Funding

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct FundingInput {
    pub task_id: Option<TaskId>,
    pub year: i64,
    /// fiscal or social.
    pub source: String,
    pub planned_cents: i64,
    pub actual_cents: i64,
    /// Required when the task's actual spending goes beyond its budget.
    pub overrun_reason: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct FundingRecorded {
    pub funding: Funding,
    /// The task's spending now exceeds its budget (recorded with the reason given).
    pub over_budget: bool,
    pub spent_cents: i64,
    pub budget_cents: i64,
}

/// Records a task's planned and actual funding for a year and source, replacing what was
/// recorded for that year and source. Spending beyond the budget is accepted only with a reason.
pub async fn record_funding(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProgrammeId,
    input: &FundingInput,
) -> Result<FundingRecorded> {
    let p = manageable(tx, caller, id).await?;
    let mut v = Validator::new();
    let task = task_of(tx, &mut v, &p, input.task_id).await?;
    year(&mut v, "year", input.year);
    let source = FundingSource::parse(&input.source);
    if source.is_none() {
        v.add(FieldError::new("source", "unknown_option").with("allowed", "fiscal, social"));
    }
    for e in rules::check_amounts(&[
        ("planned_cents", input.planned_cents),
        ("actual_cents", input.actual_cents),
    ]) {
        v.add(e);
    }
    let reason = v.optional_text("overrun_reason", input.overrun_reason.as_deref(), 1000);
    let mut spent = 0;
    if let (Some(t), Some(s)) = (&task, source)
        && v.is_empty()
    {
        spent = store::spent_except(tx, t.id, input.year, s).await? + input.actual_cents;
        if let Some(e) = rules::check_overrun(t.budget_cents, spent, reason.as_deref()) {
            v.add(e);
        }
    }
    v.finish()?;
    let (Some(task), Some(source)) = (task, source) else {
        return Err(AppError::internal("checked funding incomplete"));
    };
    let over_budget = spent > task.budget_cents;
    let new = NewFunding {
        task_id: task.id,
        year: input.year,
        source,
        planned_cents: input.planned_cents,
        actual_cents: input.actual_cents,
        // A reason is kept only where it explains an overrun.
        overrun_reason: reason.filter(|_| over_budget),
    };
    let row = store::upsert_funding(tx, &new, caller.user_id(), Timestamp::now()).await?;
    log(
        tx,
        caller,
        "programme.funding.record",
        "programme_task",
        task.id.0,
        &task.title,
        &p,
        serde_json::json!({"funding_id": row, "year": new.year, "source": source,
            "planned_cents": new.planned_cents, "actual_cents": new.actual_cents,
            "overrun_reason": new.overrun_reason}),
    )
    .await?;
    let filter = ListFilter {
        task_id: Some(task.id),
        kind: Some(source.as_str().to_string()),
        year: Some(input.year),
        ..Default::default()
    };
    let funding = store::funding(tx, id, &filter, Page::new(None, None, 1))
        .await?
        .0
        .into_iter()
        .next()
        .ok_or_else(not_found)?;
    Ok(FundingRecorded {
        funding,
        over_budget,
        spent_cents: spent,
        budget_cents: task.budget_cents,
    })
}

// ---------------------------------------------------------------------------------------------
// Milestones and outputs

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct MilestoneInput {
    pub task_id: Option<TaskId>,
    pub title: String,
    pub due_on: String,
    pub done_on: String,
    /// What shows the milestone was reached (a report number, an acceptance record).
    pub evidence: Option<String>,
}

pub async fn add_milestone(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProgrammeId,
    input: &MilestoneInput,
) -> Result<Milestone> {
    let p = manageable(tx, caller, id).await?;
    let mut v = Validator::new();
    let task = task_of(tx, &mut v, &p, input.task_id).await?;
    let title = v.required_text("title", &input.title, rules::TITLE_MAX);
    let due = date(&mut v, "due_on", &input.due_on, true);
    let done = date(&mut v, "done_on", &input.done_on, false);
    let evidence = v.optional_text("evidence", input.evidence.as_deref(), rules::TEXT_MAX);
    if done.is_some() && evidence.is_none() {
        v.add(FieldError::new("evidence", "required"));
    }
    if let (Some(t), Some(due)) = (&task, due)
        && let Some(starts) = Date::parse(&t.starts_on)
        && let Some(e) = rules::check_milestone_due(starts, due)
    {
        v.add(e);
    }
    v.finish()?;
    let (Some(task), Some(due)) = (task, due) else {
        return Err(AppError::internal("checked milestone incomplete"));
    };
    let new = NewMilestone {
        task_id: task.id,
        title,
        due_on: due.to_string(),
        done_on: done.map(|d| d.to_string()),
        evidence,
    };
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

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct OutputInput {
    pub task_id: Option<TaskId>,
    pub kind: String,
    pub title: String,
    pub quantity: i64,
    pub value_cents: i64,
    pub achievement_id: Option<i64>,
    pub patent_id: Option<i64>,
    pub note: Option<String>,
    pub recorded_on: String,
}

pub async fn add_output(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProgrammeId,
    input: &OutputInput,
) -> Result<Output> {
    let p = manageable(tx, caller, id).await?;
    let mut v = Validator::new();
    let task = task_of(tx, &mut v, &p, input.task_id).await?;
    let kind = OutputKind::parse(&input.kind);
    match kind {
        None => v.add(FieldError::new("kind", "unknown_option")),
        Some(k) => {
            for e in rules::check_output(k, input.quantity, input.value_cents) {
                v.add(e);
            }
            if k == OutputKind::Patent && input.patent_id.is_none() {
                v.add(FieldError::new("patent_id", "required"));
            }
        }
    }
    let title = v.required_text("title", &input.title, rules::TITLE_MAX);
    let note = v.optional_text("note", input.note.as_deref(), rules::TEXT_MAX);
    let recorded = date(&mut v, "recorded_on", &input.recorded_on, true);
    if let Some(a) = input.achievement_id
        && ingot_store::innovation::get_achievement(tx, a)
            .await?
            .is_none()
    {
        v.add(FieldError::new("achievement_id", "unknown_record"));
    }
    if let Some(pt) = input.patent_id
        && ingot_store::innovation::get_patent(tx, pt).await?.is_none()
    {
        v.add(FieldError::new("patent_id", "unknown_record"));
    }
    v.finish()?;
    let (Some(task), Some(kind), Some(recorded)) = (task, kind, recorded) else {
        return Err(AppError::internal("checked output incomplete"));
    };
    let new = NewOutput {
        programme_id: id,
        task_id: task.id,
        kind,
        title,
        quantity: input.quantity,
        value_cents: input.value_cents,
        achievement_id: input.achievement_id,
        patent_id: input.patent_id,
        note,
        recorded_on: recorded.to_string(),
    };
    let o = store::insert_output(tx, &new, Timestamp::now()).await?;
    log(
        tx,
        caller,
        "programme.output.add",
        "programme_task",
        task.id.0,
        &task.title,
        &p,
        serde_json::json!({"output_id": o, "kind": kind, "quantity": new.quantity, "value_cents": new.value_cents}),
    )
    .await?;
    let filter = ListFilter {
        task_id: Some(task.id),
        ..Default::default()
    };
    let all = Page::new(Some(1), Some(Page::MAX_SIZE), Page::MAX_SIZE);
    store::outputs(tx, id, &filter, all)
        .await?
        .0
        .into_iter()
        .find(|x| x.id == o)
        .ok_or_else(not_found)
}

// ---------------------------------------------------------------------------------------------
// People and awards

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct PersonInput {
    pub name: String,
    pub academician: bool,
    pub institution_id: Option<OrgId>,
    /// The tasks of this programme the person works on (at least one).
    pub task_ids: Vec<TaskId>,
}

pub async fn add_person(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProgrammeId,
    input: &PersonInput,
) -> Result<Person> {
    let p = manageable(tx, caller, id).await?;
    let mut v = Validator::new();
    let name = v.required_text("name", &input.name, 100);
    let institution = org(tx, &mut v, "institution_id", input.institution_id).await?;
    if input.task_ids.is_empty() {
        v.add(FieldError::new("task_ids", "required"));
    }
    let mut tasks: Vec<TaskId> = Vec::new();
    for t in &input.task_ids {
        if let Some(task) = task_of(tx, &mut v, &p, Some(*t)).await?
            && !tasks.contains(&task.id)
        {
            tasks.push(task.id);
        }
    }
    v.finish()?;
    let institution = institution.ok_or_else(|| AppError::internal("checked person incomplete"))?;
    let person = store::insert_person(
        tx,
        id,
        &name,
        input.academician,
        institution,
        Timestamp::now(),
    )
    .await?;
    let pairs: Vec<(TaskId, i64)> = tasks.iter().map(|t| (*t, person)).collect();
    store::link_people(tx, &pairs).await?;
    log(
        tx,
        caller,
        "programme.person.add",
        "programme",
        id.0,
        &name,
        &p,
        serde_json::json!({"person_id": person, "academician": input.academician, "tasks": tasks}),
    )
    .await?;
    let filter = ListFilter {
        text: Some(name.clone()),
        ..Default::default()
    };
    let all = Page::new(Some(1), Some(Page::MAX_SIZE), Page::MAX_SIZE);
    store::people(tx, id, &filter, all)
        .await?
        .0
        .into_iter()
        .find(|x| x.id == person)
        .ok_or_else(not_found)
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct AwardInput {
    pub award: String,
    pub region_total: i64,
    pub programme_won: i64,
}

/// Records how many of the region's awards of a kind there were and how many went to
/// programme teams; the share is computed from these.
pub async fn record_award(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProgrammeId,
    input: &AwardInput,
) -> Result<AwardShare> {
    let p = manageable(tx, caller, id).await?;
    let mut v = Validator::new();
    let award = v.required_text("award", &input.award, rules::TITLE_MAX);
    if input.region_total <= 0 {
        v.add(FieldError::new("region_total", "required"));
    }
    for e in rules::check_amounts(&[("programme_won", input.programme_won)]) {
        v.add(e);
    }
    if input.programme_won > input.region_total && input.region_total > 0 {
        v.add(FieldError::new("programme_won", "won_more_than_total"));
    }
    v.finish()?;
    let tally = AwardTally {
        award,
        region_total: input.region_total,
        programme_won: input.programme_won,
    };
    store::upsert_award(tx, id, &tally).await?;
    log(
        tx,
        caller,
        "programme.award.record",
        "programme",
        id.0,
        &tally.award,
        &p,
        serde_json::json!(tally),
    )
    .await?;
    Ok(AwardShare {
        share_bp: rules::share_bp(tally.programme_won, tally.region_total),
        tally,
    })
}
