//! Statistics of an organisation's subtree, the reward lines payroll needs, and the filtered
//! list as a spreadsheet.

use super::{Problems, filter_of, offset, visible_items};
use crate::AppState;
use crate::api::ApiCtx;
use crate::api::proposal_dto::{
    FileBytes, MonthCountsDto, ProposalListQuery, RewardListDto, RewardsQuery, SpreadsheetQuery,
    StatsDto, StatsQuery, period_text,
};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use ingot_app::proposals as cases;
use ingot_domain::proposal::format_percent;
use ingot_domain::time::Date;
use ingot_domain::{AppError, OrgId, Timestamp};
use ingot_store::Page;

/// The most rows a list export holds.
const EXPORT_MAX_ROWS: i64 = 10_000;

/// Counts of an organisation's subtree for a range of months: totals, per child unit and per
/// month. For readers of the organisation's records (its union, reviewers, finance, the
/// federations above).
#[utoipa::path(get, path = "/proposals/stats", tag = "proposals", params(StatsQuery),
    responses((status = 200, body = StatsDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn proposal_stats(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<StatsQuery>,
) -> Result<Json<StatsDto>, Failure> {
    let caller = api.caller();
    let mut p = Problems::default();
    let org = p.int("org", q.org.as_deref());
    let from = p.period("from", q.from.as_deref());
    let to = p.period("to", q.to.as_deref());
    p.finish()?;
    let to = to.unwrap_or_else(|| Date::of(Timestamp::now(), offset(&api)).period());
    let from = from.unwrap_or(to / 100 * 100 + 1);
    let category = q
        .category
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let mut tx = state.db.read().await?;
    let org = match org {
        Some(id) => OrgId(id),
        None => cases::stats_roots(&mut tx, &caller)
            .await?
            .first()
            .map(|o| o.id)
            .ok_or_else(AppError::forbidden)?,
    };
    let s = cases::stats(&mut tx, &caller, org, from, to, category).await?;
    Ok(Json(StatsDto {
        org: s.org.into(),
        from: period_text(s.from),
        to: period_text(s.to),
        totals: s.totals.into(),
        units: s.units.into_iter().map(Into::into).collect(),
        months: s
            .months
            .into_iter()
            .map(|(period, counts)| MonthCountsDto {
                month: period_text(period),
                counts: counts.into(),
            })
            .collect(),
    }))
}

fn yuan(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}{}.{:02}", c / 100, c % 100)
}

fn local_date(at: Option<Timestamp>, offset_ms: i64) -> String {
    at.map(|t| Date::of(t, offset_ms).to_string())
        .unwrap_or_default()
}

const REWARD_HEADERS: [&str; 9] = [
    "number",
    "title",
    "unit",
    "username",
    "display_name",
    "person_unit",
    "share_percent",
    "amount_yuan",
    "rewarded_on",
];

/// Rewards decided in a range of days within an organisation's subtree, one line per person:
/// the list payroll needs. For finance officers and unions.
#[utoipa::path(get, path = "/proposals/rewards", tag = "proposals", params(RewardsQuery),
    responses(
        (status = 200, description = "The lines as JSON, or a CSV or XLSX file with `format`", content(
            (RewardListDto = "application/json"),
            (FileBytes = "text/csv"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn reward_list(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<RewardsQuery>,
) -> Result<Response, Failure> {
    let offset = offset(&api);
    let mut p = Problems::default();
    let org = p.int("org", q.org.as_deref());
    if q.org.as_deref().map(str::trim).unwrap_or("").is_empty() {
        p.add("org", "required");
    }
    let from = p.date("from", q.from.as_deref());
    let to = p.date("to", q.to.as_deref());
    let format = p
        .choice("format", q.format.as_deref(), &["json", "csv", "xlsx"])
        .unwrap_or("json");
    p.finish()?;
    let today = Date::of(Timestamp::now(), offset);
    let to = to.unwrap_or(today);
    let from = from.unwrap_or(Date { day: 1, ..to });
    let lines = {
        let mut tx = state.db.read().await?;
        cases::reward_lines(
            &mut tx,
            &api.caller(),
            OrgId(org.unwrap_or_default()),
            from.start(offset),
            to.plus_days(1).start(offset),
        )
        .await?
    };
    if format == "json" {
        let total_cents = lines.iter().map(|l| l.amount_cents).sum();
        return Ok(Json(RewardListDto {
            items: lines.into_iter().map(Into::into).collect(),
            total_cents,
        })
        .into_response());
    }
    let rows = lines
        .into_iter()
        .map(|l| {
            vec![
                l.number,
                l.title,
                l.unit,
                l.username,
                l.display_name,
                l.person_unit,
                format_percent(l.share_bp).trim_end_matches('%').to_string(),
                yuan(l.amount_cents),
                local_date(Some(l.rewarded_at), offset),
            ]
        })
        .collect();
    let stem = format!("rewards-{from}-{to}");
    Ok(
        crate::pages::orgs::spreadsheet_response(format, &stem, "rewards", &REWARD_HEADERS, rows)
            .await?,
    )
}

const LIST_HEADERS: [&str; 11] = [
    "number",
    "title",
    "category",
    "status",
    "unit",
    "proposer",
    "submitted_on",
    "step_due_on",
    "overdue",
    "benefit_verified_yuan",
    "reward_yuan",
];

/// The filtered list as a CSV or XLSX file (at most 10,000 rows).
#[utoipa::path(get, path = "/proposals/export", tag = "proposals", params(ProposalListQuery, SpreadsheetQuery),
    responses(
        (status = 200, description = "The file", content(
            (FileBytes = "text/csv"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn export_proposals(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<ProposalListQuery>,
    Query(f): Query<SpreadsheetQuery>,
) -> Result<Response, Failure> {
    let caller = api.caller();
    let offset = offset(&api);
    let now = Timestamp::now();
    let mut p = Problems::default();
    let format = p
        .choice("format", f.format.as_deref(), &["csv", "xlsx"])
        .unwrap_or("xlsx");
    p.finish()?;
    let items = {
        let mut tx = state.db.read().await?;
        let (filter, _, _) = filter_of(&mut tx, &q, now).await?;
        let page = Page {
            number: 1,
            size: EXPORT_MAX_ROWS,
        };
        let items = cases::rows(&mut tx, &caller, &filter, page).await?;
        visible_items(items, now)
    };
    let rows = items
        .into_iter()
        .map(|i| {
            let status: ingot_domain::proposal::Status = i.status;
            vec![
                i.number.unwrap_or_default(),
                i.title,
                i.category,
                status.as_str().to_string(),
                i.unit_name.unwrap_or_default(),
                i.proposer_name.unwrap_or_default(),
                local_date(i.submitted_at.map(Timestamp), offset),
                local_date(i.step_due_at.map(Timestamp), offset),
                if i.overdue { "yes" } else { "" }.to_string(),
                i.benefit_verified_cents.map(yuan).unwrap_or_default(),
                i.reward_cents.map(yuan).unwrap_or_default(),
            ]
        })
        .collect();
    Ok(crate::pages::orgs::spreadsheet_response(
        format,
        "proposals",
        "proposals",
        &LIST_HEADERS,
        rows,
    )
    .await?)
}
