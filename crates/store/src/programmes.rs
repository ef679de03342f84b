//! Programmes: areas, critical tasks with their participating organisations, funding rows,
//! milestones, outputs, people and award tallies, and the figures computed from them. Access is
//! checked per programme by the use cases; everything here is within one programme.
//!
//! Each concern has its own file below; this one keeps what they share (reading stored codes,
//! batched inserts, the drill-down filter and paging) and re-exports the rest, so callers keep
//! writing `programmes::tasks`.

mod figures;
mod funding;
mod milestones;
mod outputs;
mod people;
mod registry;
mod removals;
mod tasks;

pub use figures::{AwardTally, Talent, awards, figures_by_area, talent, upsert_award};
pub use funding::{FUNDING_INSERT, Funding, NewFunding, funding, spent_except, upsert_funding};
pub use milestones::{
    MILESTONE_INSERT, Milestone, NewMilestone, get_milestone, insert_milestone, milestones,
    update_milestone,
};
pub use outputs::{NewOutput, OUTPUT_INSERT, Output, insert_output, outputs};
pub use people::{
    Institution, PERSON_INSERT, Person, insert_person, institutions, link_people, people,
    person_ids, tasks_of_person,
};
pub use registry::{
    Area, NewProgramme, Programme, areas, get_programme, insert_area, insert_programme,
    list_programmes, programme_by_code,
};
pub use removals::delete_entry;
pub use tasks::{
    NewTask, TASK_INSERT, Task, add_task_orgs, get_task, insert_task, set_task_orgs, task_by_code,
    task_orgs, tasks, update_task,
};

use crate::sql::{Arg, Page, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::{AppError, OrgId, TaskId};

fn stored<T>(what: &str, raw: &str, parse: fn(&str) -> Option<T>) -> Result<T> {
    parse(raw).ok_or_else(|| AppError::internal(format!("stored {what} {raw:?}")))
}

/// Rows per multi-row INSERT: well inside both databases' limits on bound parameters.
const BATCH_ROWS: usize = 400;

/// Inserts many rows with one statement per batch: `head` is `INSERT INTO t (a, b) VALUES `,
/// each row binds the same number of values.
pub async fn insert_rows(tx: &mut Tx, head: &'static str, rows: Vec<Vec<Arg>>) -> Result<()> {
    for chunk in rows.chunks(BATCH_ROWS) {
        let mut b = SqlBuilder::new(head);
        for (i, row) in chunk.iter().enumerate() {
            b.push(if i == 0 { "(" } else { ", (" });
            for (j, value) in row.iter().enumerate() {
                if j > 0 {
                    b.push(", ");
                }
                b.bind(value.clone());
            }
            b.push(")");
        }
        tx.execute(b.build()).await?;
    }
    Ok(())
}

/// What the drill-down lists show: one programme, narrowed by any of these.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub area_id: Option<i64>,
    pub task_id: Option<TaskId>,
    /// A task status, funding source, output kind or organisation kind, by list.
    pub kind: Option<String>,
    pub year: Option<i64>,
    pub academician: Option<bool>,
    pub org_id: Option<OrgId>,
    pub text: Option<String>,
}

fn text_filter(b: &mut SqlBuilder, f: &ListFilter, column: &'static str) {
    if let Some(text) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        b.push(" AND LOWER(")
            .push(column)
            .push(") LIKE LOWER(")
            .bind(format!("%{}%", text.replace(['%', '_'], "")))
            .push(")");
    }
}

fn task_filter(b: &mut SqlBuilder, f: &ListFilter) {
    if let Some(area) = f.area_id {
        b.push(" AND t.area_id = ").bind(area);
    }
    if let Some(task) = f.task_id {
        b.push(" AND t.id = ").bind(task.0);
    }
}

/// Runs `SELECT COUNT(*) <from_where>` and `<select> <from_where> <order> LIMIT ...`.
async fn paged<R: crate::db::BothRows, T>(
    tx: &mut Tx,
    select: &'static str,
    build: impl Fn(&mut SqlBuilder),
    order: &'static str,
    page: Page,
    convert: impl Fn(R) -> Result<T>,
) -> Result<(Vec<T>, i64)> {
    let mut count = SqlBuilder::new("SELECT COUNT(*) FROM (SELECT 1 AS one ");
    build(&mut count);
    count.push(") counted");
    let (total,): (i64,) = tx.fetch_one(count.build()).await?;
    let mut b = SqlBuilder::new(select);
    b.push(" ");
    build(&mut b);
    b.push(order);
    page.apply(&mut b);
    let rows: Vec<R> = tx.fetch_all(b.build()).await?;
    let items = rows.into_iter().map(convert).collect::<Result<_>>()?;
    Ok((items, total))
}
