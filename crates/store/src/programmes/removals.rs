//! Removing a row recorded about a task (funding, a milestone, an output) entered by mistake:
//! what it held is read first, for the audit row, then it goes.

use crate::sql::Sql;
use crate::{Result, Tx};
use ingot_domain::time::Date;
use ingot_domain::{ProgrammeId, TaskId};
use serde_json::json;

// What each kind of row held, its task first, as read before it goes.
type FundingHeld = (i64, i64, String, i64, i64, Option<String>);
type MilestoneHeld = (i64, String, Date, Option<Date>, Option<String>);
type OutputHeld = (i64, String, String, i64, i64, Date);

/// Removes the programme's row of `kind` (`funding`, `milestone`, `output`) with this id, and
/// answers its task and what it held; none when the programme has no such row.
pub async fn delete_entry(
    tx: &mut Tx,
    programme: ProgrammeId,
    kind: &str,
    id: i64,
) -> Result<Option<(TaskId, serde_json::Value)>> {
    let (table, held) = match kind {
        "funding" => {
            let row: Option<FundingHeld> = tx
                .fetch_optional(
                    Sql::new(
                        "SELECT f.task_id, f.year, f.source, f.planned_cents, f.actual_cents, f.overrun_reason
                         FROM programme_funding f JOIN programme_tasks t ON t.id = f.task_id
                         WHERE f.id = $1 AND t.programme_id = $2",
                    )
                    .bind(id)
                    .bind(programme.0),
                )
                .await?;
            let held = row.map(|(task, year, source, planned, actual, reason)| {
                let values = json!({"year": year, "source": source, "planned_cents": planned,
                    "actual_cents": actual, "overrun_reason": reason});
                (task, values)
            });
            ("programme_funding", held)
        }
        "milestone" => {
            let row: Option<MilestoneHeld> = tx
                .fetch_optional(
                    Sql::new(
                        "SELECT m.task_id, m.title, m.due_on, m.done_on, m.evidence
                         FROM programme_milestones m JOIN programme_tasks t ON t.id = m.task_id
                         WHERE m.id = $1 AND t.programme_id = $2",
                    )
                    .bind(id)
                    .bind(programme.0),
                )
                .await?;
            let held = row.map(|(task, title, due, done, evidence)| {
                let values = json!({"title": title, "due_on": due, "done_on": done,
                    "evidence": evidence});
                (task, values)
            });
            ("programme_milestones", held)
        }
        _ => {
            let row: Option<OutputHeld> = tx
                .fetch_optional(
                    Sql::new(
                        "SELECT task_id, kind, title, quantity, value_cents, recorded_on
                         FROM programme_outputs WHERE id = $1 AND programme_id = $2",
                    )
                    .bind(id)
                    .bind(programme.0),
                )
                .await?;
            let held = row.map(|(task, kind, title, quantity, value, on)| {
                let values = json!({"output_kind": kind, "title": title, "quantity": quantity,
                    "value_cents": value, "recorded_on": on});
                (task, values)
            });
            ("programme_outputs", held)
        }
    };
    let Some((task, values)) = held else {
        return Ok(None);
    };
    // The table name is one of three constants above, never input.
    let delete = format!("DELETE FROM {table} WHERE id = $1");
    tx.execute(Sql {
        text: delete.into(),
        args: vec![crate::sql::Arg::Int(Some(id))],
    })
    .await?;
    Ok(Some((TaskId(task), values)))
}
