//! A programme's outputs: inserting them and the filtered list.

use super::{ListFilter, paged, stored, task_filter, text_filter};
use crate::sql::{Arg, Page, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::programme::OutputKind;
use ingot_domain::time::Date;
use ingot_domain::{AppError, ProgrammeId, TaskId, Timestamp};

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
    pub recorded_on: Date,
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
            self.recorded_on.into(),
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
    pub recorded_on: Date,
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
    recorded_on: Date,
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
