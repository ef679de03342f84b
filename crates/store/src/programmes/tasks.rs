//! Critical tasks: inserting them with their participating organisations, reading one by id
//! or code, and the filtered, paged list.

use super::{ListFilter, insert_rows, paged, stored, task_filter, text_filter};
use crate::sql::{Arg, Page, Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::programme::TaskStatus;
use ingot_domain::time::Date;
use ingot_domain::{AppError, OrgId, ProgrammeId, TaskId, Timestamp};

#[derive(Debug, Clone)]
pub struct NewTask {
    pub programme_id: ProgrammeId,
    pub area_id: i64,
    pub code: String,
    pub title: String,
    pub lead_org_id: OrgId,
    pub leader_name: String,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub status: TaskStatus,
    pub budget_cents: i64,
}

impl NewTask {
    /// The task as the values of one `programme_tasks` row, for bulk loading.
    pub fn row(&self, now: Timestamp) -> Vec<Arg> {
        vec![
            self.programme_id.0.into(),
            self.area_id.into(),
            self.code.as_str().into(),
            self.title.as_str().into(),
            self.lead_org_id.into(),
            self.leader_name.as_str().into(),
            self.starts_on.into(),
            self.ends_on.into(),
            self.status.as_str().into(),
            self.budget_cents.into(),
            now.into(),
            now.into(),
        ]
    }
}

pub const TASK_INSERT: &str =
    "INSERT INTO programme_tasks (programme_id, area_id, code, title, lead_org_id,
    leader_name, starts_on, ends_on, status, budget_cents, created_at, updated_at) VALUES ";

pub async fn insert_task(tx: &mut Tx, t: &NewTask, now: Timestamp) -> Result<TaskId> {
    let mut b = SqlBuilder::new(TASK_INSERT);
    b.push("(");
    for (i, v) in t.row(now).into_iter().enumerate() {
        if i > 0 {
            b.push(", ");
        }
        b.bind(v);
    }
    b.push(") RETURNING id");
    let (id,): (i64,) = tx.fetch_one(b.build()).await?;
    Ok(TaskId(id))
}

pub async fn add_task_orgs(tx: &mut Tx, task: TaskId, orgs: &[OrgId]) -> Result<()> {
    let rows = orgs
        .iter()
        .map(|o| vec![Arg::from(task.0), Arg::from(*o)])
        .collect();
    insert_rows(
        tx,
        "INSERT INTO programme_task_orgs (task_id, org_id) VALUES ",
        rows,
    )
    .await
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Task {
    pub id: TaskId,
    pub programme_id: ProgrammeId,
    pub area_id: i64,
    pub area_name: String,
    pub area_name_en: Option<String>,
    pub code: String,
    pub title: String,
    pub lead_org_id: OrgId,
    pub lead_name: String,
    pub lead_name_en: Option<String>,
    pub leader_name: String,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub status: TaskStatus,
    pub budget_cents: i64,
    pub fiscal_actual_cents: i64,
    pub social_actual_cents: i64,
    pub people: i64,
    /// Raised by every edit; an edit names the version it read.
    pub version: i64,
}

#[derive(sqlx::FromRow)]
struct TaskRow {
    id: i64,
    programme_id: i64,
    area_id: i64,
    area_name: String,
    area_name_en: Option<String>,
    code: String,
    title: String,
    lead_org_id: i64,
    lead_name: String,
    lead_name_en: Option<String>,
    leader_name: String,
    starts_on: Date,
    ends_on: Option<Date>,
    status: String,
    budget_cents: i64,
    fiscal_actual_cents: i64,
    social_actual_cents: i64,
    people: i64,
    version: i64,
}

impl TryFrom<TaskRow> for Task {
    type Error = AppError;
    fn try_from(r: TaskRow) -> Result<Task> {
        Ok(Task {
            id: TaskId(r.id),
            programme_id: ProgrammeId(r.programme_id),
            area_id: r.area_id,
            area_name: r.area_name,
            area_name_en: r.area_name_en,
            code: r.code,
            title: r.title,
            lead_org_id: OrgId(r.lead_org_id),
            lead_name: r.lead_name,
            lead_name_en: r.lead_name_en,
            leader_name: r.leader_name,
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            status: stored("task status", &r.status, TaskStatus::parse)?,
            budget_cents: r.budget_cents,
            fiscal_actual_cents: r.fiscal_actual_cents,
            social_actual_cents: r.social_actual_cents,
            people: r.people,
            version: r.version,
        })
    }
}

const TASK: &str = "SELECT t.id, t.programme_id, t.area_id, a.name AS area_name, a.name_en AS area_name_en,
    t.code, t.title, t.lead_org_id, o.name AS lead_name, o.name_en AS lead_name_en, t.leader_name,
    t.starts_on, t.ends_on, t.status, t.budget_cents, t.version,
    CAST(COALESCE((SELECT SUM(f.actual_cents) FROM programme_funding f WHERE f.task_id = t.id AND f.source = 'fiscal'), 0) AS BIGINT) AS fiscal_actual_cents,
    CAST(COALESCE((SELECT SUM(f.actual_cents) FROM programme_funding f WHERE f.task_id = t.id AND f.source = 'social'), 0) AS BIGINT) AS social_actual_cents,
    (SELECT COUNT(*) FROM programme_task_people tp WHERE tp.task_id = t.id) AS people
    FROM programme_tasks t JOIN programme_areas a ON a.id = t.area_id
    JOIN organisations o ON o.id = t.lead_org_id";

pub async fn get_task(tx: &mut Tx, id: TaskId) -> Result<Option<Task>> {
    let row: Option<TaskRow> = tx
        .fetch_optional(Sql {
            text: format!("{TASK} WHERE t.id = $1").into(),
            args: vec![Arg::Int(Some(id.0))],
        })
        .await?;
    row.map(Task::try_from).transpose()
}

pub async fn task_by_code(tx: &mut Tx, programme: ProgrammeId, code: &str) -> Result<Option<Task>> {
    let row: Option<TaskRow> = tx
        .fetch_optional(Sql {
            text: format!("{TASK} WHERE t.programme_id = $1 AND t.code = $2").into(),
            args: vec![
                Arg::Int(Some(programme.0)),
                Arg::Text(Some(code.to_string())),
            ],
        })
        .await?;
    row.map(Task::try_from).transpose()
}

pub async fn tasks(
    tx: &mut Tx,
    programme: ProgrammeId,
    f: &ListFilter,
    page: Page,
) -> Result<(Vec<Task>, i64)> {
    // The column list of TASK without its FROM, so the count can share the WHERE clause.
    const SELECT: &str = "SELECT t.id, t.programme_id, t.area_id, a.name AS area_name, a.name_en AS area_name_en,
    t.code, t.title, t.lead_org_id, o.name AS lead_name, o.name_en AS lead_name_en, t.leader_name,
    t.starts_on, t.ends_on, t.status, t.budget_cents, t.version,
    CAST(COALESCE((SELECT SUM(f.actual_cents) FROM programme_funding f WHERE f.task_id = t.id AND f.source = 'fiscal'), 0) AS BIGINT) AS fiscal_actual_cents,
    CAST(COALESCE((SELECT SUM(f.actual_cents) FROM programme_funding f WHERE f.task_id = t.id AND f.source = 'social'), 0) AS BIGINT) AS social_actual_cents,
    (SELECT COUNT(*) FROM programme_task_people tp WHERE tp.task_id = t.id) AS people";
    paged::<TaskRow, Task>(
        tx,
        SELECT,
        |b| {
            b.push(
                "FROM programme_tasks t JOIN programme_areas a ON a.id = t.area_id
                 JOIN organisations o ON o.id = t.lead_org_id WHERE t.programme_id = ",
            )
            .bind(programme.0);
            task_filter(b, f);
            if let Some(status) = f.kind.as_deref() {
                b.push(" AND t.status = ").bind(status);
            }
            if let Some(org) = f.org_id {
                b.push(" AND (t.lead_org_id = ")
                    .bind(org)
                    .push(" OR EXISTS (SELECT 1 FROM programme_task_orgs x WHERE x.task_id = t.id AND x.org_id = ")
                    .bind(org)
                    .push("))");
            }
            text_filter(b, f, "t.title");
        },
        " ORDER BY a.position, t.code",
        page,
        Task::try_from,
    )
    .await
}

/// Changes a task's particulars if it is still at `version`, raising it; false when someone
/// changed it meanwhile.
pub async fn update_task(
    tx: &mut Tx,
    id: TaskId,
    t: &NewTask,
    version: i64,
    now: Timestamp,
) -> Result<bool> {
    let changed = tx
        .execute(
            Sql::new(
                "UPDATE programme_tasks SET area_id = $1, code = $2, title = $3, lead_org_id = $4,
                 leader_name = $5, starts_on = $6, ends_on = $7, status = $8, budget_cents = $9,
                 updated_at = $10, version = version + 1 WHERE id = $11 AND version = $12",
            )
            .bind(t.area_id)
            .bind(t.code.as_str())
            .bind(t.title.as_str())
            .bind(t.lead_org_id)
            .bind(t.leader_name.as_str())
            .bind(t.starts_on)
            .bind(t.ends_on)
            .bind(t.status.as_str())
            .bind(t.budget_cents)
            .bind(now)
            .bind(id.0)
            .bind(version),
        )
        .await?;
    Ok(changed == 1)
}

/// Replaces a task's participating organisations.
pub async fn set_task_orgs(tx: &mut Tx, task: TaskId, orgs: &[OrgId]) -> Result<()> {
    tx.execute(Sql::new("DELETE FROM programme_task_orgs WHERE task_id = $1").bind(task.0))
        .await?;
    add_task_orgs(tx, task, orgs).await
}

/// The participating organisations of a task (besides its lead).
pub async fn task_orgs(tx: &mut Tx, task: TaskId) -> Result<Vec<(OrgId, String)>> {
    let rows: Vec<(i64, String)> = tx
        .fetch_all(
            Sql::new(
                "SELECT o.id, o.name FROM programme_task_orgs x JOIN organisations o ON o.id = x.org_id
                 WHERE x.task_id = $1 ORDER BY o.name",
            )
            .bind(task.0),
        )
        .await?;
    Ok(rows.into_iter().map(|(id, n)| (OrgId(id), n)).collect())
}
