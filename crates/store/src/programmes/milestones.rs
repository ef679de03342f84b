//! A task's milestones: inserting them and the filtered list.

use super::{ListFilter, paged, task_filter, text_filter};
use crate::sql::{Arg, Page, Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::time::Date;
use ingot_domain::{ProgrammeId, TaskId, Timestamp};

#[derive(Debug, Clone)]
pub struct NewMilestone {
    pub task_id: TaskId,
    pub title: String,
    pub due_on: Date,
    pub done_on: Option<Date>,
    pub evidence: Option<String>,
}

impl NewMilestone {
    pub fn row(&self, now: Timestamp) -> Vec<Arg> {
        vec![
            self.task_id.0.into(),
            self.title.as_str().into(),
            self.due_on.into(),
            self.done_on.into(),
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
    pub due_on: Date,
    pub done_on: Option<Date>,
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

/// A milestone of the programme, by id.
pub async fn get_milestone(
    tx: &mut Tx,
    programme: ProgrammeId,
    id: i64,
) -> Result<Option<Milestone>> {
    tx.fetch_optional(
        Sql::new(
            "SELECT m.id, m.task_id, t.code AS task_code, t.title AS task_title, m.title, m.due_on,
             m.done_on, m.evidence FROM programme_milestones m JOIN programme_tasks t ON t.id = m.task_id
             WHERE m.id = $1 AND t.programme_id = $2",
        )
        .bind(id)
        .bind(programme.0),
    )
    .await
}

/// Changes a milestone's title, dates and evidence (its task stays).
pub async fn update_milestone(tx: &mut Tx, id: i64, m: &NewMilestone) -> Result<()> {
    tx.execute(
        Sql::new(
            "UPDATE programme_milestones SET title = $1, due_on = $2, done_on = $3, evidence = $4
             WHERE id = $5",
        )
        .bind(m.title.as_str())
        .bind(m.due_on)
        .bind(m.done_on)
        .bind(m.evidence.as_deref())
        .bind(id),
    )
    .await?;
    Ok(())
}
