//! Each of a programme's lists, filtered as on its page, as a CSV or XLSX file.

use super::ListQuery;
use crate::AppState;
use crate::api::ApiCtx;
use crate::api::proposal_dto::{FileBytes, SpreadsheetQuery};
use crate::error::{ErrorBody, Failure};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use ingot_app::programmes as cases;
use ingot_domain::proposal::format_money;
use ingot_domain::{AppError, FieldError, ProgrammeId};
use ingot_store::Page;
use ingot_store::programmes::ListFilter;

const EXPORT_MAX_ROWS: i64 = 10_000;

fn yuan(cents: i64) -> String {
    format_money(cents)
}

/// Which list to export, with its column headers and rows, as the pages show them.
pub async fn export_rows(
    tx: &mut ingot_store::Tx,
    caller: &ingot_app::Caller<'_>,
    id: ProgrammeId,
    which: &str,
    filter: &ListFilter,
) -> Result<(&'static [&'static str], Vec<Vec<String>>), AppError> {
    let all = Page {
        number: 1,
        size: EXPORT_MAX_ROWS,
    };
    Ok(match which {
        "tasks" => (
            &[
                "code",
                "title",
                "area",
                "lead",
                "leader",
                "starts_on",
                "ends_on",
                "status",
                "budget_yuan",
                "fiscal_actual_yuan",
                "social_actual_yuan",
                "people",
            ],
            cases::tasks(tx, caller, id, filter, all)
                .await?
                .0
                .into_iter()
                .map(|t| {
                    vec![
                        t.code,
                        t.title,
                        t.area_name,
                        t.lead_name,
                        t.leader_name,
                        t.starts_on.to_string(),
                        t.ends_on.map(|d| d.to_string()).unwrap_or_default(),
                        t.status.as_str().to_string(),
                        yuan(t.budget_cents),
                        yuan(t.fiscal_actual_cents),
                        yuan(t.social_actual_cents),
                        t.people.to_string(),
                    ]
                })
                .collect(),
        ),
        "funding" => (
            &[
                "task",
                "title",
                "area",
                "year",
                "source",
                "planned_yuan",
                "actual_yuan",
                "overrun_reason",
            ],
            cases::funding(tx, caller, id, filter, all)
                .await?
                .0
                .into_iter()
                .map(|f| {
                    vec![
                        f.task_code,
                        f.task_title,
                        f.area_name,
                        f.year.to_string(),
                        f.source.as_str().to_string(),
                        yuan(f.planned_cents),
                        yuan(f.actual_cents),
                        f.overrun_reason.unwrap_or_default(),
                    ]
                })
                .collect(),
        ),
        "milestones" => (
            &["task", "title", "due_on", "done_on", "evidence"],
            cases::milestones(tx, caller, id, filter, all)
                .await?
                .0
                .into_iter()
                .map(|m| {
                    vec![
                        m.task_code,
                        m.title,
                        m.due_on.to_string(),
                        m.done_on.map(|d| d.to_string()).unwrap_or_default(),
                        m.evidence.unwrap_or_default(),
                    ]
                })
                .collect(),
        ),
        "outputs" => (
            &[
                "task",
                "area",
                "kind",
                "title",
                "quantity",
                "value_yuan",
                "patent",
                "note",
                "recorded_on",
            ],
            cases::outputs(tx, caller, id, filter, all)
                .await?
                .0
                .into_iter()
                .map(|o| {
                    vec![
                        o.task_code,
                        o.area_name,
                        o.kind.as_str().to_string(),
                        o.title,
                        o.quantity.to_string(),
                        yuan(o.value_cents),
                        o.patent_number.unwrap_or_default(),
                        o.note.unwrap_or_default(),
                        o.recorded_on.to_string(),
                    ]
                })
                .collect(),
        ),
        "people" => (
            &["name", "academician", "institution", "tasks"],
            cases::people(tx, caller, id, filter, all)
                .await?
                .0
                .into_iter()
                .map(|p| {
                    vec![
                        p.name,
                        if p.academician { "yes" } else { "no" }.to_string(),
                        p.institution_name,
                        p.tasks.to_string(),
                    ]
                })
                .collect(),
        ),
        "institutions" => (
            &["name", "name_en", "kind", "people", "tasks"],
            cases::institutions(tx, caller, id, filter, all)
                .await?
                .0
                .into_iter()
                .map(|i| {
                    vec![
                        i.name,
                        i.name_en.unwrap_or_default(),
                        i.kind.as_str().to_string(),
                        i.people.to_string(),
                        i.tasks.to_string(),
                    ]
                })
                .collect(),
        ),
        _ => {
            return Err(AppError::Validation(vec![
                FieldError::new("list", "unknown_option").with(
                    "allowed",
                    "tasks, funding, milestones, outputs, people, institutions",
                ),
            ]));
        }
    })
}

/// One of the programme's lists (tasks, funding, milestones, outputs, people, institutions),
/// filtered as on its page, as a CSV or XLSX file.
#[utoipa::path(get, path = "/programmes/{id}/export/{list}", tag = "programmes",
    params(("id" = i64, Path), ("list" = String, Path), ListQuery, SpreadsheetQuery),
    responses(
        (status = 200, description = "The file", content(
            (FileBytes = "text/csv"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn export_list(
    State(state): State<AppState>,
    api: ApiCtx,
    Path((id, which)): Path<(ProgrammeId, String)>,
    Query(q): Query<ListQuery>,
    Query(f): Query<SpreadsheetQuery>,
) -> Result<Response, Failure> {
    let format = match f.format.as_deref().unwrap_or("xlsx") {
        "csv" => "csv",
        "xlsx" => "xlsx",
        _ => {
            return Err(Failure(AppError::Validation(vec![
                FieldError::new("format", "unknown_option").with("allowed", "csv, xlsx"),
            ])));
        }
    };
    let mut tx = state.db.read().await?;
    let (headers, rows) = export_rows(&mut tx, &api.caller(), id, &which, &q.filter()).await?;
    drop(tx);
    let stem = format!("programme-{id}-{which}");
    Ok(crate::pages::orgs::spreadsheet_response(format, &stem, &which, headers, rows).await?)
}
