//! Upward statistical returns: opening one for the units below, each unit's figures computed
//! from its records (live until submitted, frozen after), submitting with the figures records do
//! not hold, and the level above accepting or returning it. Every change is one transaction with
//! its audit row.

use super::year_of_each;
use crate::audit::{Change, record};
use crate::{Caller, Result};
use ingot_domain::org::Organisation;
use ingot_domain::policy::Action;
use ingot_domain::report::YearTallies;
use ingot_domain::stat_return::{
    self as rules, AddedFigure, Column, Figures, ReturnStatus, Verdict, added_figures,
    correction_reason,
};
use ingot_domain::time::Date;
use ingot_domain::validate::{Checked, Validator, date, problem};
use ingot_domain::{AppError, FieldError, OrgId, OrgPath, Timestamp};
use ingot_store::stat_returns::{self as store, NewReturn, NewSubmission, StatReturn, UnitRow};
use ingot_store::{Tx, orgs};
use std::collections::BTreeMap;

fn not_found() -> AppError {
    AppError::not_found("return")
}

/// A return to open, as the form and the API send it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = ReturnBody)]
pub struct ReturnInput {
    /// The federation (or enterprise union) opening it; its units directly below report.
    #[schema(value_type = i64)]
    pub org_id: Option<OrgId>,
    pub year: Option<i64>,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub due_on: String,
    /// Column codes in order; none: the default layout.
    pub columns: Vec<String>,
}

/// Opens a return for the live units directly below the organisation.
pub async fn open(tx: &mut Tx, caller: &Caller<'_>, input: &ReturnInput) -> Result<i64> {
    let mut v = Validator::new();
    let org: Checked<Organisation> = match input.org_id {
        None => problem(FieldError::new("org_id", "required")),
        Some(id) => match orgs::get(tx, id).await?.filter(|o| !o.is_archived()) {
            Some(o) => Ok(o),
            None => problem(FieldError::new("org_id", "unknown_org")),
        },
    };
    if let Ok(o) = &org {
        caller.require(Action::ManageReturns, &o.path)?;
    }
    let year: Checked<i64> = match input.year {
        Some(y) if super::YEARS.contains(&y) => Ok(y),
        Some(_) => problem(FieldError::new("year", "invalid_year")),
        None => problem(FieldError::new("year", "required")),
    };
    let title = v.required_text("title", &input.title, 200);
    let due_on: Checked<Date> = date("due_on", &input.due_on);
    let columns = rules::columns("columns", &input.columns);
    let (org, year, due_on, columns) = v.finish_with((org, year, due_on, columns))?;
    if store::of_year(tx, org.id, year).await?.is_some() {
        return Err(AppError::conflict("return_exists"));
    }
    let units: Vec<OrgId> = orgs::children(tx, Some(org.id), false)
        .await?
        .into_iter()
        .map(|n| n.org.id)
        .collect();
    if units.is_empty() {
        return Err(AppError::field("org_id", "no_units_below"));
    }
    let codes = columns
        .iter()
        .map(|c| c.code())
        .collect::<Vec<_>>()
        .join(",");
    let now = Timestamp::now();
    let id = store::insert(
        tx,
        &NewReturn {
            org_id: org.id,
            year,
            title: &title,
            due_on,
            columns: &codes,
            created_by: caller.user_id(),
        },
        &units,
        now,
    )
    .await?;
    record(
        tx,
        caller,
        Change::new("return.open", "stat_return", id)
            .label(&title)
            .org(org.id)
            .after(
                &serde_json::json!({ "year": year, "due_on": due_on.to_string(),
                "columns": codes, "units": units.len() }),
            ),
    )
    .await?;
    Ok(id)
}

/// The returns the caller runs or reports to.
pub async fn list(tx: &mut Tx, caller: &Caller<'_>) -> Result<Vec<StatReturn>> {
    let opened = caller.scope(Action::ManageReturns);
    let reporting = caller.scope(Action::SubmitReturn);
    if opened.as_ref().is_some_and(|s| s.is_empty())
        && reporting.as_ref().is_some_and(|s| s.is_empty())
    {
        return Ok(Vec::new());
    }
    store::list(tx, opened.as_ref(), reporting.as_ref()).await
}

/// One unit's row as its reader sees it: the frozen figures of its latest submission, the live
/// figures computed now, and what the units below it reported in their own return.
#[derive(Debug, Clone)]
pub struct RowView {
    pub row: UnitRow,
    pub frozen: Option<Figures>,
    pub live: Figures,
    /// May the reader submit this row now?
    pub may_submit: bool,
    /// May the reader accept or return it now?
    pub may_review: bool,
    /// The added figures of the unit's own return for the same year, summed over its accepted
    /// rows: what it may carry up.
    pub from_below: Option<Figures>,
}

impl RowView {
    /// Columns whose live figure differs from the frozen one.
    pub fn changed_since(&self, column: &Column) -> Option<i64> {
        let frozen = self.frozen.as_ref()?;
        let code = column.code();
        let (Some(was), Some(now)) = (frozen.get(&code), self.live.get(&code)) else {
            return None;
        };
        (was != now).then(|| now - was)
    }
}

#[derive(Debug, Clone)]
pub struct ReturnView {
    pub ret: StatReturn,
    pub columns: Vec<Column>,
    /// Whether the reader runs the return (sees every row and reviews).
    pub manages: bool,
    pub rows: Vec<RowView>,
    /// The sum of the frozen figures of the rows that are accepted.
    pub accepted_totals: Figures,
    /// Rows not yet submitted (pending or returned).
    pub missing: usize,
}

fn layout(ret: &StatReturn) -> Vec<Column> {
    ret.columns.split(',').filter_map(Column::parse).collect()
}

fn computed(columns: &[Column], t: &YearTallies) -> Figures {
    columns
        .iter()
        .filter_map(|c| match c {
            Column::Computed(f) => Some((c.code(), t.value(*f))),
            Column::Added(_) => None,
        })
        .collect()
}

async fn load(tx: &mut Tx, id: i64) -> Result<StatReturn> {
    store::get(tx, id).await?.ok_or_else(not_found)
}

fn path(stored: &str) -> OrgPath {
    OrgPath::from_stored(stored.to_string())
}

/// A return with the rows the caller may read: all of them for whoever runs it, else the rows
/// of the units they submit for (none: as if there were no such return).
pub async fn show(tx: &mut Tx, caller: &Caller<'_>, id: i64) -> Result<ReturnView> {
    let ret = load(tx, id).await?;
    let manages = caller.permits(Action::ManageReturns, &path(&ret.org_path));
    let mut rows = store::units(tx, id).await?;
    if !manages {
        rows.retain(|r| caller.permits(Action::SubmitReturn, &path(&r.org_path)));
        if rows.is_empty() {
            return Err(not_found());
        }
    }
    let columns = layout(&ret);
    let units: Vec<OrgId> = rows.iter().map(|r| OrgId(r.org_id)).collect();
    let tallies = year_of_each(tx, &units, ret.year).await?;
    let mut views = Vec::new();
    for row in rows {
        let frozen = match &row.figures {
            Some(json) => Some(serde_json::from_str::<Figures>(json).map_err(AppError::internal)?),
            None => None,
        };
        let live = computed(&columns, &tallies[&row.org_id]);
        // The level above reviews; it does not fill in its units' rows.
        let may_submit = !manages
            && matches!(row.status, ReturnStatus::Pending | ReturnStatus::Returned)
            && caller.permits(Action::SubmitReturn, &path(&row.org_path));
        let may_review = manages && row.status == ReturnStatus::Submitted;
        let from_below = if may_submit {
            carried_up(tx, OrgId(row.org_id), ret.year, &columns).await?
        } else {
            None
        };
        views.push(RowView {
            row,
            frozen,
            live,
            may_submit,
            may_review,
            from_below,
        });
    }
    let mut accepted_totals = Figures::new();
    for v in views
        .iter()
        .filter(|v| v.row.status == ReturnStatus::Accepted)
    {
        for (code, n) in v.frozen.iter().flatten() {
            *accepted_totals.entry(code.clone()).or_default() += n;
        }
    }
    let missing = views
        .iter()
        .filter(|v| matches!(v.row.status, ReturnStatus::Pending | ReturnStatus::Returned))
        .count();
    Ok(ReturnView {
        ret,
        columns,
        manages,
        rows: views,
        accepted_totals,
        missing,
    })
}

/// The added figures of the unit's own return for `year` (to the units below it), summed over
/// its accepted rows, for the columns both layouts have.
async fn carried_up(
    tx: &mut Tx,
    unit: OrgId,
    year: i64,
    columns: &[Column],
) -> Result<Option<Figures>> {
    let Some(own) = store::of_year(tx, unit, year).await? else {
        return Ok(None);
    };
    let mut sums = Figures::new();
    for row in store::units(tx, own.id).await? {
        if row.status != ReturnStatus::Accepted {
            continue;
        }
        let Some(json) = &row.figures else { continue };
        let figures: Figures = serde_json::from_str(json).map_err(AppError::internal)?;
        for c in columns {
            if let Column::Added(a) = c {
                let n = figures.get(a.as_str()).copied().unwrap_or(0);
                *sums.entry(a.as_str().to_string()).or_default() += n;
            }
        }
    }
    Ok(Some(sums))
}

/// A unit's submission, as the form and the API send it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = SubmissionBody)]
pub struct SubmissionInput {
    /// Technical cooperation projects, when the layout has that column.
    pub cooperation_projects: Option<i64>,
    /// Employees taking part (person-times), when the layout has that column.
    pub participants: Option<i64>,
    pub note: String,
    /// Required for a correction (every submission after the first).
    pub reason: String,
}

/// Submits the unit's row: the live figures and the added ones, frozen as a new version.
pub async fn submit(
    tx: &mut Tx,
    caller: &Caller<'_>,
    (id, unit): (i64, OrgId),
    input: &SubmissionInput,
) -> Result<i64> {
    let ret = load(tx, id).await?;
    let row = store::unit(tx, id, unit).await?.ok_or_else(not_found)?;
    if !caller.permits(Action::SubmitReturn, &path(&row.org_path))
        && !caller.permits(Action::ManageReturns, &path(&ret.org_path))
    {
        return Err(not_found());
    }
    caller.require(Action::SubmitReturn, &path(&row.org_path))?;
    if caller.permits(Action::ManageReturns, &path(&ret.org_path)) {
        // The level above reviews what its units report; it does not report for them.
        return Err(AppError::forbidden());
    }
    if !matches!(row.status, ReturnStatus::Pending | ReturnStatus::Returned) {
        return Err(AppError::conflict("return_not_open"));
    }
    let columns = layout(&ret);
    let version = row.version + 1;
    let mut v = Validator::new();
    let note = v
        .optional_text("note", Some(input.note.as_str()), 2000)
        .unwrap_or_default();
    let given: BTreeMap<String, i64> = [
        (AddedFigure::CooperationProjects, input.cooperation_projects),
        (AddedFigure::Participants, input.participants),
    ]
    .into_iter()
    .filter_map(|(figure, n)| Some((figure.as_str().to_string(), n?)))
    .collect();
    let added = added_figures(&columns, &given);
    let reason = correction_reason(version, &input.reason);
    let (added, reason) = v.finish_with((added, reason))?;
    let tallies = year_of_each(tx, &[unit], ret.year).await?;
    let mut figures = computed(&columns, &tallies[&unit.0]);
    figures.extend(added);
    let json = serde_json::to_string(&figures).map_err(AppError::internal)?;
    let saved = store::submit(
        tx,
        &NewSubmission {
            return_id: id,
            org_id: unit,
            version,
            figures: &json,
            note: &note,
            reason: &reason,
            submitted_by: caller.user_id(),
        },
        Timestamp::now(),
    )
    .await?;
    if !saved {
        return Err(AppError::conflict("record_changed"));
    }
    record(
        tx,
        caller,
        Change::new("return.submit", "stat_return", id)
            .label(format!("{} · {}", ret.title, row.org_name))
            .org(unit)
            .after(&serde_json::json!({ "version": version, "figures": figures,
                "note": note, "reason": reason })),
    )
    .await?;
    Ok(version)
}

/// The level above's answer, as the form and the API send it.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ReviewBody)]
pub struct ReviewInput {
    pub verdict: Verdict,
    /// Required when returning it: what to correct.
    #[serde(default)]
    pub note: String,
    /// The version reviewed, as the reader saw it.
    pub version: i64,
}

/// Accepts a unit's submitted row (by someone other than who submitted it) or returns it for
/// correction with the reason.
pub async fn review(
    tx: &mut Tx,
    caller: &Caller<'_>,
    (id, unit): (i64, OrgId),
    input: &ReviewInput,
) -> Result<ReturnStatus> {
    let ret = load(tx, id).await?;
    caller
        .require(Action::ManageReturns, &path(&ret.org_path))
        .map_err(|_| not_found())?;
    let row = store::unit(tx, id, unit).await?.ok_or_else(not_found)?;
    if row.status != ReturnStatus::Submitted {
        return Err(AppError::conflict("return_not_submitted"));
    }
    if row.version != input.version {
        return Err(AppError::conflict("record_changed"));
    }
    let mut v = Validator::new();
    let note = v
        .optional_text("note", Some(input.note.as_str()), 2000)
        .unwrap_or_default();
    let status = match input.verdict {
        Verdict::Accept => ReturnStatus::Accepted,
        Verdict::Return => {
            v.check(!note.is_empty(), "note", "required");
            ReturnStatus::Returned
        }
    };
    v.finish()?;
    if status == ReturnStatus::Accepted
        && row.submitted_by.is_some()
        && row.submitted_by == caller.user_id().map(|u| u.0)
    {
        // A second person checks what the first one reported.
        return Err(AppError::conflict("own_submission"));
    }
    let done = store::review(
        tx,
        (id, unit, row.version),
        status,
        &note,
        caller.user_id(),
        Timestamp::now(),
    )
    .await?;
    if !done {
        return Err(AppError::conflict("record_changed"));
    }
    record(
        tx,
        caller,
        Change::new("return.review", "stat_return", id)
            .label(format!("{} · {}", ret.title, row.org_name))
            .org(unit)
            .after(
                &serde_json::json!({ "version": row.version, "status": status.as_str(),
                "note": note }),
            ),
    )
    .await?;
    Ok(status)
}

/// Every version a unit submitted, for whoever may read its row.
pub async fn versions(
    tx: &mut Tx,
    caller: &Caller<'_>,
    (id, unit): (i64, OrgId),
) -> Result<Vec<(i64, Figures, String, String, Option<String>, i64)>> {
    let view = show(tx, caller, id).await?;
    if !view.rows.iter().any(|r| r.row.org_id == unit.0) {
        return Err(not_found());
    }
    store::versions(tx, id, unit)
        .await?
        .into_iter()
        .map(|(version, json, note, reason, by, at)| {
            let figures = serde_json::from_str(&json).map_err(AppError::internal)?;
            Ok((version, figures, note, reason, by, at))
        })
        .collect()
}
