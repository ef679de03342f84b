//! Regional science & technology programmes: setting one up with its areas, critical tasks,
//! funding per task, year and source, milestones, outputs, people and award tallies; the
//! overview a science department shows, and the lists behind each of its figures. A programme
//! belongs to its owner department: reading needs `ViewProgramme` there, changing it
//! `ManageProgramme`. Each change is one transaction with its audit row.
//!
//! Each concern has its own file below; this one keeps what they share (reading and managing a
//! programme, its audit rows, the checks of dates, years, units, tasks and list filters) and
//! re-exports the use cases, so callers keep writing `programmes::create`.

mod awards;
mod corrections;
mod funding;
mod milestones;
mod outputs;
mod overview;
mod people;
mod registry;
mod tasks;

pub use awards::{AwardInput, AwardShare, record_award};
pub use corrections::{MilestoneChange, RemovalInput, remove_entry, update_milestone};
pub use funding::{FundingInput, FundingRecorded, funding, record_funding};
pub use milestones::{MilestoneInput, add_milestone, milestones};
pub use outputs::{OutputInput, add_output, outputs};
pub use overview::{AreaFigures, Overview, overview};
pub use people::{PersonInput, add_person, institutions, people};
pub use registry::{AreaInput, ProgrammeInput, areas, create, list};
pub use tasks::{
    TaskChange, TaskDetail, TaskInput, create_task, task, task_history, tasks, update_task,
};

use crate::audit::{Change, record};
use crate::{Caller, Result};
use ingot_domain::policy::Action;
use ingot_domain::time::Date;
use ingot_domain::validate::{Checked, Validator, problem};
use ingot_domain::{AppError, FieldError, OrgId, OrgPath, ProgrammeId, TaskId};
use ingot_store::programmes::{self as store, ListFilter, Programme, Task};
use ingot_store::{Tx, orgs};

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

/// An organisation that exists and is open, or the field's problem.
async fn org(tx: &mut Tx, field: &str, id: Option<OrgId>) -> Result<Checked<OrgId>> {
    let Some(id) = id else {
        return Ok(problem(FieldError::new(field, "required")));
    };
    Ok(
        match orgs::get(tx, id).await?.filter(|o| !o.is_archived()) {
            Some(o) => Ok(o.id),
            None => problem(FieldError::new(field, "unknown_unit")),
        },
    )
}

/// A task of this programme; a task of another programme is named as such.
async fn task_of(
    tx: &mut Tx,
    field: &str,
    p: &Programme,
    id: Option<TaskId>,
) -> Result<Checked<Task>> {
    let Some(id) = id else {
        return Ok(problem(FieldError::new(field, "required")));
    };
    Ok(match store::get_task(tx, id).await? {
        Some(t) if t.programme_id == p.id => Ok(t),
        Some(_) => problem(FieldError::new(field, "task_of_other_programme")),
        None => problem(FieldError::new(field, "unknown_task")),
    })
}

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
