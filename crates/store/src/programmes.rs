//! Programmes: areas, critical tasks with their participating organisations, funding rows,
//! milestones, outputs, people and award tallies, and the figures computed from them. Access is
//! checked per programme by the use cases; everything here is within one programme.

use crate::sql::{Arg, Page, Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::programme::{Figures, FundingSource, OutputKind, TaskStatus};
use ingot_domain::{AppError, OrgId, OrgKind, ProgrammeId, TaskId, Timestamp, UserId};

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

// ---------------------------------------------------------------------------------------------
// Programmes and areas

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Programme {
    pub id: ProgrammeId,
    pub owner_org_id: OrgId,
    pub owner_name: String,
    pub owner_name_en: Option<String>,
    pub owner_path: String,
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub start_year: i64,
    pub plan_name: Option<String>,
    pub plan_url: Option<String>,
    pub summary: String,
}

#[derive(sqlx::FromRow)]
struct ProgrammeRow {
    id: i64,
    owner_org_id: i64,
    owner_name: String,
    owner_name_en: Option<String>,
    owner_path: String,
    code: String,
    name: String,
    name_en: Option<String>,
    start_year: i64,
    plan_name: Option<String>,
    plan_url: Option<String>,
    summary: String,
}

impl From<ProgrammeRow> for Programme {
    fn from(r: ProgrammeRow) -> Self {
        Programme {
            id: ProgrammeId(r.id),
            owner_org_id: OrgId(r.owner_org_id),
            owner_name: r.owner_name,
            owner_name_en: r.owner_name_en,
            owner_path: r.owner_path,
            code: r.code,
            name: r.name,
            name_en: r.name_en,
            start_year: r.start_year,
            plan_name: r.plan_name,
            plan_url: r.plan_url,
            summary: r.summary,
        }
    }
}

const PROGRAMME: &str = "SELECT p.id, p.owner_org_id, o.name AS owner_name, o.name_en AS owner_name_en,
    o.path AS owner_path, p.code, p.name, p.name_en, p.start_year, p.plan_name, p.plan_url, p.summary
    FROM programmes p JOIN organisations o ON o.id = p.owner_org_id";

#[derive(Debug, Clone)]
pub struct NewProgramme {
    pub owner_org_id: OrgId,
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub start_year: i64,
    pub plan_name: Option<String>,
    pub plan_url: Option<String>,
    pub summary: String,
}

pub async fn insert_programme(
    tx: &mut Tx,
    p: &NewProgramme,
    by: Option<UserId>,
    now: Timestamp,
) -> Result<ProgrammeId> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO programmes (owner_org_id, code, name, name_en, start_year, plan_name, plan_url,
                 summary, created_by, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
            )
            .bind(p.owner_org_id)
            .bind(p.code.as_str())
            .bind(p.name.as_str())
            .bind(p.name_en.as_deref())
            .bind(p.start_year)
            .bind(p.plan_name.as_deref())
            .bind(p.plan_url.as_deref())
            .bind(p.summary.as_str())
            .bind(by)
            .bind(now),
        )
        .await?;
    Ok(ProgrammeId(id))
}

pub async fn get_programme(tx: &mut Tx, id: ProgrammeId) -> Result<Option<Programme>> {
    let row: Option<ProgrammeRow> = tx
        .fetch_optional(Sql {
            text: format!("{PROGRAMME} WHERE p.id = $1").into(),
            args: vec![Arg::Int(Some(id.0))],
        })
        .await?;
    Ok(row.map(Into::into))
}

pub async fn programme_by_code(tx: &mut Tx, code: &str) -> Result<Option<Programme>> {
    let row: Option<ProgrammeRow> = tx
        .fetch_optional(Sql {
            text: format!("{PROGRAMME} WHERE p.code = $1").into(),
            args: vec![Arg::Text(Some(code.to_string()))],
        })
        .await?;
    Ok(row.map(Into::into))
}

/// Every programme whose owner lies in `scope` (None: all).
pub async fn list_programmes(
    tx: &mut Tx,
    scope: Option<&ingot_domain::OrgScope>,
) -> Result<Vec<Programme>> {
    let mut b = SqlBuilder::new(PROGRAMME);
    b.push(" WHERE 1 = 1");
    if let Some(scope) = scope {
        b.push(" AND ").scope("o.path", scope);
    }
    b.push(" ORDER BY p.start_year DESC, p.id");
    let rows: Vec<ProgrammeRow> = tx.fetch_all(b.build()).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct Area {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub position: i64,
    pub infrastructure: bool,
}

pub async fn insert_area(tx: &mut Tx, programme: ProgrammeId, area: &Area) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO programme_areas (programme_id, code, name, name_en, position, infrastructure)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(programme.0)
            .bind(area.code.as_str())
            .bind(area.name.as_str())
            .bind(area.name_en.as_deref())
            .bind(area.position)
            .bind(area.infrastructure),
        )
        .await?;
    Ok(id)
}

pub async fn areas(tx: &mut Tx, programme: ProgrammeId) -> Result<Vec<Area>> {
    tx.fetch_all(
        Sql::new(
            "SELECT id, code, name, name_en, position, infrastructure FROM programme_areas
             WHERE programme_id = $1 ORDER BY position, id",
        )
        .bind(programme.0),
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Tasks

#[derive(Debug, Clone)]
pub struct NewTask {
    pub programme_id: ProgrammeId,
    pub area_id: i64,
    pub code: String,
    pub title: String,
    pub lead_org_id: OrgId,
    pub leader_name: String,
    pub starts_on: String,
    pub ends_on: Option<String>,
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
            self.starts_on.as_str().into(),
            self.ends_on.as_deref().into(),
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
    pub starts_on: String,
    pub ends_on: Option<String>,
    pub status: TaskStatus,
    pub budget_cents: i64,
    pub fiscal_actual_cents: i64,
    pub social_actual_cents: i64,
    pub people: i64,
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
    starts_on: String,
    ends_on: Option<String>,
    status: String,
    budget_cents: i64,
    fiscal_actual_cents: i64,
    social_actual_cents: i64,
    people: i64,
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
        })
    }
}

const TASK: &str = "SELECT t.id, t.programme_id, t.area_id, a.name AS area_name, a.name_en AS area_name_en,
    t.code, t.title, t.lead_org_id, o.name AS lead_name, o.name_en AS lead_name_en, t.leader_name,
    t.starts_on, t.ends_on, t.status, t.budget_cents,
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

pub async fn tasks(
    tx: &mut Tx,
    programme: ProgrammeId,
    f: &ListFilter,
    page: Page,
) -> Result<(Vec<Task>, i64)> {
    // The column list of TASK without its FROM, so the count can share the WHERE clause.
    const SELECT: &str = "SELECT t.id, t.programme_id, t.area_id, a.name AS area_name, a.name_en AS area_name_en,
    t.code, t.title, t.lead_org_id, o.name AS lead_name, o.name_en AS lead_name_en, t.leader_name,
    t.starts_on, t.ends_on, t.status, t.budget_cents,
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

// ---------------------------------------------------------------------------------------------
// Funding

#[derive(Debug, Clone)]
pub struct NewFunding {
    pub task_id: TaskId,
    pub year: i64,
    pub source: FundingSource,
    pub planned_cents: i64,
    pub actual_cents: i64,
    pub overrun_reason: Option<String>,
}

impl NewFunding {
    pub fn row(&self, by: Option<UserId>, now: Timestamp) -> Vec<Arg> {
        vec![
            self.task_id.0.into(),
            self.year.into(),
            self.source.as_str().into(),
            self.planned_cents.into(),
            self.actual_cents.into(),
            self.overrun_reason.as_deref().into(),
            by.into(),
            now.into(),
        ]
    }
}

pub const FUNDING_INSERT: &str =
    "INSERT INTO programme_funding (task_id, year, source, planned_cents,
    actual_cents, overrun_reason, updated_by, updated_at) VALUES ";

/// Records (or replaces) a task's funding for a year and source.
pub async fn upsert_funding(
    tx: &mut Tx,
    f: &NewFunding,
    by: Option<UserId>,
    now: Timestamp,
) -> Result<i64> {
    let mut b = SqlBuilder::new(FUNDING_INSERT);
    b.push("(");
    for (i, v) in f.row(by, now).into_iter().enumerate() {
        if i > 0 {
            b.push(", ");
        }
        b.bind(v);
    }
    b.push(
        ") ON CONFLICT (task_id, year, source) DO UPDATE SET planned_cents = excluded.planned_cents,
         actual_cents = excluded.actual_cents, overrun_reason = excluded.overrun_reason,
         updated_by = excluded.updated_by, updated_at = excluded.updated_at RETURNING id",
    );
    let (id,): (i64,) = tx.fetch_one(b.build()).await?;
    Ok(id)
}

/// A task's actual spending from both sources, leaving out one year and source (the row about
/// to be replaced).
pub async fn spent_except(
    tx: &mut Tx,
    task: TaskId,
    year: i64,
    source: FundingSource,
) -> Result<i64> {
    let (sum,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "SELECT CAST(COALESCE(SUM(actual_cents), 0) AS BIGINT) FROM programme_funding
                 WHERE task_id = $1 AND NOT (year = $2 AND source = $3)",
            )
            .bind(task.0)
            .bind(year)
            .bind(source.as_str()),
        )
        .await?;
    Ok(sum)
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Funding {
    pub id: i64,
    pub task_id: TaskId,
    pub task_code: String,
    pub task_title: String,
    pub area_name: String,
    pub year: i64,
    pub source: FundingSource,
    pub planned_cents: i64,
    pub actual_cents: i64,
    pub overrun_reason: Option<String>,
}

#[derive(sqlx::FromRow)]
struct FundingRow {
    id: i64,
    task_id: i64,
    task_code: String,
    task_title: String,
    area_name: String,
    year: i64,
    source: String,
    planned_cents: i64,
    actual_cents: i64,
    overrun_reason: Option<String>,
}

impl TryFrom<FundingRow> for Funding {
    type Error = AppError;
    fn try_from(r: FundingRow) -> Result<Funding> {
        Ok(Funding {
            id: r.id,
            task_id: TaskId(r.task_id),
            task_code: r.task_code,
            task_title: r.task_title,
            area_name: r.area_name,
            year: r.year,
            source: stored("funding source", &r.source, FundingSource::parse)?,
            planned_cents: r.planned_cents,
            actual_cents: r.actual_cents,
            overrun_reason: r.overrun_reason,
        })
    }
}

pub async fn funding(
    tx: &mut Tx,
    programme: ProgrammeId,
    f: &ListFilter,
    page: Page,
) -> Result<(Vec<Funding>, i64)> {
    paged::<FundingRow, Funding>(
        tx,
        "SELECT f.id, f.task_id, t.code AS task_code, t.title AS task_title, a.name AS area_name, f.year,
         f.source, f.planned_cents, f.actual_cents, f.overrun_reason",
        |b| {
            b.push(
                "FROM programme_funding f JOIN programme_tasks t ON t.id = f.task_id
                 JOIN programme_areas a ON a.id = t.area_id WHERE t.programme_id = ",
            )
            .bind(programme.0);
            task_filter(b, f);
            if let Some(source) = f.kind.as_deref() {
                b.push(" AND f.source = ").bind(source);
            }
            if let Some(year) = f.year {
                b.push(" AND f.year = ").bind(year);
            }
            text_filter(b, f, "t.title");
        },
        " ORDER BY a.position, t.code, f.year, f.source",
        page,
        Funding::try_from,
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Milestones

#[derive(Debug, Clone)]
pub struct NewMilestone {
    pub task_id: TaskId,
    pub title: String,
    pub due_on: String,
    pub done_on: Option<String>,
    pub evidence: Option<String>,
}

impl NewMilestone {
    pub fn row(&self, now: Timestamp) -> Vec<Arg> {
        vec![
            self.task_id.0.into(),
            self.title.as_str().into(),
            self.due_on.as_str().into(),
            self.done_on.as_deref().into(),
            self.evidence.as_deref().into(),
            now.into(),
        ]
    }
}

pub const MILESTONE_INSERT: &str =
    "INSERT INTO programme_milestones (task_id, title, due_on, done_on,
    evidence, created_at) VALUES ";

pub async fn insert_milestone(tx: &mut Tx, m: &NewMilestone, now: Timestamp) -> Result<i64> {
    let mut b = SqlBuilder::new(MILESTONE_INSERT);
    b.push("(");
    for (i, v) in m.row(now).into_iter().enumerate() {
        if i > 0 {
            b.push(", ");
        }
        b.bind(v);
    }
    b.push(") RETURNING id");
    let (id,): (i64,) = tx.fetch_one(b.build()).await?;
    Ok(id)
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct Milestone {
    pub id: i64,
    pub task_id: i64,
    pub task_code: String,
    pub task_title: String,
    pub title: String,
    pub due_on: String,
    pub done_on: Option<String>,
    pub evidence: Option<String>,
}

pub async fn milestones(
    tx: &mut Tx,
    programme: ProgrammeId,
    f: &ListFilter,
    page: Page,
) -> Result<(Vec<Milestone>, i64)> {
    paged::<Milestone, Milestone>(
        tx,
        "SELECT m.id, m.task_id, t.code AS task_code, t.title AS task_title, m.title, m.due_on, m.done_on, m.evidence",
        |b| {
            b.push(
                "FROM programme_milestones m JOIN programme_tasks t ON t.id = m.task_id
                 WHERE t.programme_id = ",
            )
            .bind(programme.0);
            task_filter(b, f);
            match f.kind.as_deref() {
                Some("done") => {
                    b.push(" AND m.done_on IS NOT NULL");
                }
                Some("open") => {
                    b.push(" AND m.done_on IS NULL");
                }
                _ => {}
            }
            text_filter(b, f, "m.title");
        },
        " ORDER BY m.due_on, m.id",
        page,
        Ok,
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Outputs

#[derive(Debug, Clone)]
pub struct NewOutput {
    pub programme_id: ProgrammeId,
    pub task_id: TaskId,
    pub kind: OutputKind,
    pub title: String,
    pub quantity: i64,
    pub value_cents: i64,
    pub achievement_id: Option<i64>,
    pub patent_id: Option<i64>,
    pub note: Option<String>,
    pub recorded_on: String,
}

impl NewOutput {
    pub fn row(&self, now: Timestamp) -> Vec<Arg> {
        vec![
            self.programme_id.0.into(),
            self.task_id.0.into(),
            self.kind.as_str().into(),
            self.title.as_str().into(),
            self.quantity.into(),
            self.value_cents.into(),
            self.achievement_id.into(),
            self.patent_id.into(),
            self.note.as_deref().into(),
            self.recorded_on.as_str().into(),
            now.into(),
        ]
    }
}

pub const OUTPUT_INSERT: &str = "INSERT INTO programme_outputs (programme_id, task_id, kind, title,
    quantity, value_cents, achievement_id, patent_id, note, recorded_on, created_at) VALUES ";

pub async fn insert_output(tx: &mut Tx, o: &NewOutput, now: Timestamp) -> Result<i64> {
    let mut b = SqlBuilder::new(OUTPUT_INSERT);
    b.push("(");
    for (i, v) in o.row(now).into_iter().enumerate() {
        if i > 0 {
            b.push(", ");
        }
        b.bind(v);
    }
    b.push(") RETURNING id");
    let (id,): (i64,) = tx.fetch_one(b.build()).await?;
    Ok(id)
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Output {
    pub id: i64,
    pub task_id: TaskId,
    pub task_code: String,
    pub task_title: String,
    pub area_name: String,
    pub kind: OutputKind,
    pub title: String,
    pub quantity: i64,
    pub value_cents: i64,
    pub achievement_id: Option<i64>,
    pub patent_id: Option<i64>,
    pub patent_number: Option<String>,
    pub note: Option<String>,
    pub recorded_on: String,
}

#[derive(sqlx::FromRow)]
struct OutputRow {
    id: i64,
    task_id: i64,
    task_code: String,
    task_title: String,
    area_name: String,
    kind: String,
    title: String,
    quantity: i64,
    value_cents: i64,
    achievement_id: Option<i64>,
    patent_id: Option<i64>,
    patent_number: Option<String>,
    note: Option<String>,
    recorded_on: String,
}

impl TryFrom<OutputRow> for Output {
    type Error = AppError;
    fn try_from(r: OutputRow) -> Result<Output> {
        Ok(Output {
            id: r.id,
            task_id: TaskId(r.task_id),
            task_code: r.task_code,
            task_title: r.task_title,
            area_name: r.area_name,
            kind: stored("output kind", &r.kind, OutputKind::parse)?,
            title: r.title,
            quantity: r.quantity,
            value_cents: r.value_cents,
            achievement_id: r.achievement_id,
            patent_id: r.patent_id,
            patent_number: r.patent_number,
            note: r.note,
            recorded_on: r.recorded_on,
        })
    }
}

pub async fn outputs(
    tx: &mut Tx,
    programme: ProgrammeId,
    f: &ListFilter,
    page: Page,
) -> Result<(Vec<Output>, i64)> {
    paged::<OutputRow, Output>(
        tx,
        "SELECT x.id, x.task_id, t.code AS task_code, t.title AS task_title, a.name AS area_name, x.kind,
         x.title, x.quantity, x.value_cents, x.achievement_id, x.patent_id, pt.number AS patent_number,
         x.note, x.recorded_on",
        |b| {
            b.push(
                "FROM programme_outputs x JOIN programme_tasks t ON t.id = x.task_id
                 JOIN programme_areas a ON a.id = t.area_id
                 LEFT JOIN patents pt ON pt.id = x.patent_id WHERE x.programme_id = ",
            )
            .bind(programme.0);
            task_filter(b, f);
            if let Some(kind) = f.kind.as_deref() {
                b.push(" AND x.kind = ").bind(kind);
            }
            text_filter(b, f, "x.title");
        },
        " ORDER BY a.position, t.code, x.id",
        page,
        Output::try_from,
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// People and institutions

pub const PERSON_INSERT: &str = "INSERT INTO programme_people (programme_id, name, academician, institution_id, created_at) VALUES ";

pub async fn insert_person(
    tx: &mut Tx,
    programme: ProgrammeId,
    name: &str,
    academician: bool,
    institution: OrgId,
    now: Timestamp,
) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO programme_people (programme_id, name, academician, institution_id, created_at)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(programme.0)
            .bind(name)
            .bind(academician)
            .bind(institution)
            .bind(now),
        )
        .await?;
    Ok(id)
}

/// The ids of a programme's people in the order they were added.
pub async fn person_ids(tx: &mut Tx, programme: ProgrammeId) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = tx
        .fetch_all(
            Sql::new("SELECT id FROM programme_people WHERE programme_id = $1 ORDER BY id")
                .bind(programme.0),
        )
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

pub async fn link_people(tx: &mut Tx, pairs: &[(TaskId, i64)]) -> Result<()> {
    let rows = pairs
        .iter()
        .map(|(t, p)| vec![Arg::from(t.0), Arg::from(*p)])
        .collect();
    insert_rows(
        tx,
        "INSERT INTO programme_task_people (task_id, person_id) VALUES ",
        rows,
    )
    .await
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub academician: bool,
    pub institution_id: i64,
    pub institution_name: String,
    pub tasks: i64,
}

pub async fn people(
    tx: &mut Tx,
    programme: ProgrammeId,
    f: &ListFilter,
    page: Page,
) -> Result<(Vec<Person>, i64)> {
    paged::<Person, Person>(
        tx,
        "SELECT p.id, p.name, p.academician, p.institution_id, o.name AS institution_name,
         (SELECT COUNT(*) FROM programme_task_people tp WHERE tp.person_id = p.id) AS tasks",
        |b| {
            b.push(
                "FROM programme_people p JOIN organisations o ON o.id = p.institution_id
                 WHERE p.programme_id = ",
            )
            .bind(programme.0);
            if let Some(a) = f.academician {
                b.push(" AND p.academician = ").bind(a);
            }
            if let Some(org) = f.org_id {
                b.push(" AND p.institution_id = ").bind(org);
            }
            if f.area_id.is_some() || f.task_id.is_some() {
                b.push(
                    " AND EXISTS (SELECT 1 FROM programme_task_people tp JOIN programme_tasks t
                     ON t.id = tp.task_id WHERE tp.person_id = p.id",
                );
                task_filter(b, f);
                b.push(")");
            }
            text_filter(b, f, "p.name");
        },
        " ORDER BY p.academician DESC, p.id",
        page,
        Ok,
    )
    .await
}

/// The tasks a person works on.
pub async fn tasks_of_person(tx: &mut Tx, person: i64) -> Result<Vec<TaskId>> {
    let rows: Vec<(i64,)> = tx
        .fetch_all(
            Sql::new(
                "SELECT task_id FROM programme_task_people WHERE person_id = $1 ORDER BY task_id",
            )
            .bind(person),
        )
        .await?;
    Ok(rows.into_iter().map(|(t,)| TaskId(t)).collect())
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Institution {
    pub id: OrgId,
    pub name: String,
    pub name_en: Option<String>,
    pub kind: OrgKind,
    pub people: i64,
    pub tasks: i64,
}

#[derive(sqlx::FromRow)]
struct InstitutionRow {
    id: i64,
    name: String,
    name_en: Option<String>,
    kind: String,
    people: i64,
    tasks: i64,
}

impl TryFrom<InstitutionRow> for Institution {
    type Error = AppError;
    fn try_from(r: InstitutionRow) -> Result<Institution> {
        Ok(Institution {
            id: OrgId(r.id),
            name: r.name,
            name_en: r.name_en,
            kind: stored("organisation kind", &r.kind, OrgKind::parse)?,
            people: r.people,
            tasks: r.tasks,
        })
    }
}

/// The organisations taking part: leading a task, named on one, or employing its people.
const PARTICIPANTS: &str = "SELECT lead_org_id AS org_id FROM programme_tasks WHERE programme_id = $1
    UNION SELECT x.org_id FROM programme_task_orgs x JOIN programme_tasks t ON t.id = x.task_id WHERE t.programme_id = $1
    UNION SELECT institution_id FROM programme_people WHERE programme_id = $1";

pub async fn institutions(
    tx: &mut Tx,
    programme: ProgrammeId,
    f: &ListFilter,
    page: Page,
) -> Result<(Vec<Institution>, i64)> {
    paged::<InstitutionRow, Institution>(
        tx,
        "SELECT o.id, o.name, o.name_en, o.kind,
         (SELECT COUNT(*) FROM programme_people p WHERE p.programme_id = $1 AND p.institution_id = o.id) AS people,
         (SELECT COUNT(*) FROM programme_tasks t WHERE t.programme_id = $1 AND (t.lead_org_id = o.id
           OR EXISTS (SELECT 1 FROM programme_task_orgs x WHERE x.task_id = t.id AND x.org_id = o.id))) AS tasks",
        |b| {
            // $1 is the programme, bound first so the select list can use it too.
            // The first placeholder is the programme, which the select list uses too.
            b.push("FROM organisations o WHERE o.id IN (SELECT lead_org_id FROM programme_tasks WHERE programme_id = ")
                .bind(programme.0)
                .push(" UNION SELECT x.org_id FROM programme_task_orgs x JOIN programme_tasks t ON t.id = x.task_id WHERE t.programme_id = ")
                .bind(programme.0)
                .push(" UNION SELECT institution_id FROM programme_people WHERE programme_id = ")
                .bind(programme.0)
                .push(")");
            if let Some(kind) = f.kind.as_deref() {
                b.push(" AND o.kind = ").bind(kind);
            }
            text_filter(b, f, "o.name");
        },
        " ORDER BY o.kind, o.name",
        page,
        Institution::try_from,
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Awards

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct AwardTally {
    pub award: String,
    pub region_total: i64,
    pub programme_won: i64,
}

pub async fn upsert_award(tx: &mut Tx, programme: ProgrammeId, a: &AwardTally) -> Result<()> {
    tx.execute(
        Sql::new(
            "INSERT INTO programme_awards (programme_id, award, region_total, programme_won)
             VALUES ($1, $2, $3, $4) ON CONFLICT (programme_id, award)
             DO UPDATE SET region_total = excluded.region_total, programme_won = excluded.programme_won",
        )
        .bind(programme.0)
        .bind(a.award.as_str())
        .bind(a.region_total)
        .bind(a.programme_won),
    )
    .await?;
    Ok(())
}

pub async fn awards(tx: &mut Tx, programme: ProgrammeId) -> Result<Vec<AwardTally>> {
    tx.fetch_all(
        Sql::new(
            "SELECT award, region_total, programme_won FROM programme_awards
             WHERE programme_id = $1 ORDER BY id",
        )
        .bind(programme.0),
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Figures

/// The figures of a programme, or of one of its areas.
pub async fn figures(tx: &mut Tx, programme: ProgrammeId, area: Option<i64>) -> Result<Figures> {
    let mut out = Figures::default();
    let mut b = SqlBuilder::new(
        "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN t.status = 'completed' THEN 1 ELSE 0 END), 0) AS BIGINT)
         FROM programme_tasks t WHERE t.programme_id = ",
    );
    b.bind(programme.0);
    if let Some(a) = area {
        b.push(" AND t.area_id = ").bind(a);
    }
    (out.tasks, out.tasks_completed) = tx.fetch_one(b.build()).await?;

    let mut b = SqlBuilder::new(
        "SELECT f.source, CAST(COALESCE(SUM(f.planned_cents), 0) AS BIGINT), CAST(COALESCE(SUM(f.actual_cents), 0) AS BIGINT)
         FROM programme_funding f JOIN programme_tasks t ON t.id = f.task_id WHERE t.programme_id = ",
    );
    b.bind(programme.0);
    if let Some(a) = area {
        b.push(" AND t.area_id = ").bind(a);
    }
    b.push(" GROUP BY f.source");
    let rows: Vec<(String, i64, i64)> = tx.fetch_all(b.build()).await?;
    for (source, planned, actual) in rows {
        match stored("funding source", &source, FundingSource::parse)? {
            FundingSource::Fiscal => {
                out.fiscal_planned_cents = planned;
                out.fiscal_actual_cents = actual;
            }
            FundingSource::Social => {
                out.social_planned_cents = planned;
                out.social_actual_cents = actual;
            }
        }
    }

    let mut b = SqlBuilder::new(
        "SELECT x.kind, CAST(COALESCE(SUM(x.quantity), 0) AS BIGINT), CAST(COALESCE(SUM(x.value_cents), 0) AS BIGINT)
         FROM programme_outputs x JOIN programme_tasks t ON t.id = x.task_id WHERE x.programme_id = ",
    );
    b.bind(programme.0);
    if let Some(a) = area {
        b.push(" AND t.area_id = ").bind(a);
    }
    b.push(" GROUP BY x.kind");
    let rows: Vec<(String, i64, i64)> = tx.fetch_all(b.build()).await?;
    for (kind, quantity, value) in rows {
        match stored("output kind", &kind, OutputKind::parse)? {
            OutputKind::PilotLine => out.pilot_lines = quantity,
            OutputKind::NewProduct => out.new_products = quantity,
            OutputKind::AdoptingCompany => out.adopting_companies = quantity,
            OutputKind::AddedValue => out.added_value_cents = value,
            OutputKind::Achievement => out.achievements = quantity,
            OutputKind::Patent => out.patents = quantity,
        }
    }

    let mut b = SqlBuilder::new(
        "SELECT COUNT(*), COUNT(m.done_on) FROM programme_milestones m
         JOIN programme_tasks t ON t.id = m.task_id WHERE t.programme_id = ",
    );
    b.bind(programme.0);
    if let Some(a) = area {
        b.push(" AND t.area_id = ").bind(a);
    }
    (out.milestones, out.milestones_done) = tx.fetch_one(b.build()).await?;
    Ok(out)
}

/// People counted once each, however many tasks they join; institutions counted once each.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Talent {
    pub researchers: i64,
    pub academicians: i64,
    pub institutions: i64,
}

pub async fn talent(tx: &mut Tx, programme: ProgrammeId) -> Result<Talent> {
    let (researchers, academicians): (i64, i64) = tx
        .fetch_one(
            Sql::new(
                "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN academician THEN 1 ELSE 0 END), 0) AS BIGINT)
                 FROM programme_people WHERE programme_id = $1",
            )
            .bind(programme.0),
        )
        .await?;
    let (institutions,): (i64,) = tx
        .fetch_one(Sql {
            text: format!("SELECT COUNT(*) FROM ({PARTICIPANTS}) participants").into(),
            args: vec![Arg::Int(Some(programme.0))],
        })
        .await?;
    Ok(Talent {
        researchers,
        academicians,
        institutions,
    })
}
