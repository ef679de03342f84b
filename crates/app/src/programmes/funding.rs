//! A programme's funding per task, year and source (fiscal or social): the list and recording
//! it, with spending beyond a task's budget accepted only with a reason.

use super::{check_kind, log, manageable, not_found, readable, task_of, year};
use crate::{Caller, Result};
use ingot_domain::programme::{self as rules, FundingSource};
use ingot_domain::validate::{self, Validator};
use ingot_domain::{ProgrammeId, TaskId, Timestamp};
use ingot_store::programmes::{self as store, Funding, ListFilter, NewFunding};
use ingot_store::{Page, Tx};

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

/// Recording a task's funding for a year and source, as the API sends it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = FundingBody)]
pub struct FundingInput {
    #[schema(value_type = Option<i64>)]
    pub task_id: Option<TaskId>,
    pub year: i64,
    /// fiscal or social.
    pub source: String,
    pub planned_cents: i64,
    pub actual_cents: i64,
    /// Required when the task's actual spending would go beyond its budget.
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
    let task = task_of(tx, "task_id", &p, input.task_id).await?;
    year(&mut v, "year", input.year);
    let source = validate::choice::<FundingSource>("source", &input.source);
    for e in rules::check_amounts(&[
        ("planned_cents", input.planned_cents),
        ("actual_cents", input.actual_cents),
    ]) {
        v.add(e);
    }
    let reason = v.optional_text("overrun_reason", input.overrun_reason.as_deref(), 1000);
    let mut spent = 0;
    if let (Ok(t), Ok(s)) = (&task, &source)
        && v.is_empty()
    {
        spent = store::spent_except(tx, t.id, input.year, *s).await? + input.actual_cents;
        if let Some(e) = rules::check_overrun(t.budget_cents, spent, reason.as_deref()) {
            v.add(e);
        }
    }
    let (task, source) = v.finish_with((task, source))?;
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
