//! A task's outputs (pilot lines, new products, added value, adopting companies, achievements,
//! patents): the list and recording one, linked to an innovation record where there is one.

use super::{check_kind, log, manageable, not_found, readable, task_of};
use crate::{Caller, Result};
use ingot_domain::programme::{self as rules, OutputKind};
use ingot_domain::validate::{self, Validator};
use ingot_domain::{AchievementId, FieldError, PatentId, ProgrammeId, TaskId, Timestamp};
use ingot_store::programmes::{self as store, ListFilter, NewOutput, Output};
use ingot_store::{Page, Tx};

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

/// Recording an output of a task, as the API sends it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = OutputBody)]
pub struct OutputInput {
    /// A task of this programme.
    #[schema(value_type = Option<i64>)]
    pub task_id: Option<TaskId>,
    /// pilot_line, new_product, added_value, adopting_company, achievement, patent.
    pub kind: String,
    pub title: String,
    pub quantity: i64,
    pub value_cents: i64,
    #[schema(value_type = Option<i64>)]
    pub achievement_id: Option<AchievementId>,
    #[schema(value_type = Option<i64>)]
    pub patent_id: Option<PatentId>,
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
    let task = task_of(tx, "task_id", &p, input.task_id).await?;
    let kind = validate::choice::<OutputKind>("kind", &input.kind);
    if let Ok(k) = kind {
        for e in rules::check_output(k, input.quantity, input.value_cents) {
            v.add(e);
        }
        if k == OutputKind::Patent && input.patent_id.is_none() {
            v.add(FieldError::new("patent_id", "required"));
        }
    }
    let title = v.required_text("title", &input.title, rules::TITLE_MAX);
    let note = v.optional_text("note", input.note.as_deref(), rules::TEXT_MAX);
    let recorded = validate::date("recorded_on", &input.recorded_on);
    if let Some(a) = input.achievement_id
        && ingot_store::innovation::get_achievement(tx, a.0)
            .await?
            .is_none()
    {
        v.add(FieldError::new("achievement_id", "unknown_record"));
    }
    if let Some(pt) = input.patent_id
        && ingot_store::innovation::get_patent(tx, pt.0)
            .await?
            .is_none()
    {
        v.add(FieldError::new("patent_id", "unknown_record"));
    }
    let (task, kind, recorded) = v.finish_with((task, kind, recorded))?;
    let new = NewOutput {
        programme_id: id,
        task_id: task.id,
        kind,
        title,
        quantity: input.quantity,
        value_cents: input.value_cents,
        achievement_id: input.achievement_id.map(|a| a.0),
        patent_id: input.patent_id.map(|p| p.0),
        note,
        recorded_on: recorded,
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
