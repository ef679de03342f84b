//! `/reports/annual-summary`: a unit's annual summary for a year beside the year before, each
//! line with the API list of its records; and the same as a workbook, in the caller's language.

use super::ApiCtx;
use super::proposal_dto::{FileBytes, ReportFileQuery};
use crate::AppState;
use crate::documents;
use crate::error::{ErrorBody, Failure};
use crate::reports as lines;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::Response;
use ingot_app::reports::{self as cases, AnnualSummary};
use ingot_domain::OrgId;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(annual_summary))
        .routes(routes!(export_annual_summary))
        .routes(routes!(rankings))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RankingQuery {
    /// The unit whose units directly below are ranked.
    pub unit_id: i64,
    pub year: i64,
    /// `awards` (the default), `proposals_per_hundred`, `implementation_rate` or `benefit`.
    pub by: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitRankDto {
    /// 1 for the best; units with the same figure share a rank.
    pub rank: usize,
    pub org_id: i64,
    pub org_name: String,
    /// 10 a first prize, 6 a second, 3 a third, 1 an excellent achievement.
    pub points: i64,
    pub prizes: i64,
    pub put_forward: i64,
    pub implemented: i64,
    /// Active people of the unit's subtree now.
    pub people: i64,
    /// Proposals per hundred people, in hundredths; null without people.
    pub per_hundred_x100: Option<i64>,
    /// Implemented per put forward, basis points; null without proposals.
    pub rate_bp: Option<i64>,
    /// Verified benefit of achievements and proposals, fen.
    pub benefit_cents: i64,
    /// The unit's annual summary, where its figures come from.
    pub summary: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RankingDto {
    pub unit_id: i64,
    pub year: i64,
    pub by: String,
    pub rows: Vec<UnitRankDto>,
}

/// The units directly below a unit, ranked for a year from the tallies.
#[utoipa::path(get, path = "/reports/rankings", tag = "reports", params(RankingQuery),
    responses((status = 200, body = RankingDto), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn rankings(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<RankingQuery>,
) -> Result<Json<RankingDto>, Failure> {
    use ingot_domain::report::ranking::RankBy;
    let by = match q.by.as_deref() {
        None | Some("") => RankBy::Awards,
        Some(raw) => ingot_domain::validate::choice::<RankBy>("by", raw)
            .map_err(|p| Failure(ingot_domain::AppError::Validation(p)))?,
    };
    let mut tx = state.db.read().await?;
    let r = cases::rankings(&mut tx, &api.caller(), OrgId(q.unit_id), q.year, by).await?;
    drop(tx);
    Ok(Json(RankingDto {
        unit_id: r.unit.id.0,
        year: r.year,
        by: r.by.as_str().to_string(),
        rows: r
            .rows
            .into_iter()
            .map(|(o, row)| UnitRankDto {
                rank: row.rank,
                org_id: o.id.0,
                org_name: o.name,
                points: row.points,
                prizes: row.prizes,
                put_forward: row.put_forward,
                implemented: row.implemented,
                people: row.people,
                per_hundred_x100: row.per_hundred_x100,
                rate_bp: row.rate_bp,
                benefit_cents: row.benefit_cents,
                summary: format!(
                    "/api/v1/reports/annual-summary?unit_id={}&year={}",
                    o.id.0, r.year
                ),
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AnnualQuery {
    /// The unit whose subtree the summary covers.
    pub unit_id: i64,
    /// 1949 to 2100; the year before is given beside it.
    pub year: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SummaryLineDto {
    /// `achievements`, `achievements.domestic_first`, `patents.invention`, `benefit`,
    /// `studios_named.provincial`, `awards.national`, ...
    pub figure: String,
    /// The figure's name in the caller's language.
    pub label: String,
    /// `count`, or `fen` for amounts of money.
    pub unit: String,
    pub value: i64,
    /// The same figure for the year before.
    pub previous: i64,
    pub change: i64,
    /// The change in tenths of a percent of the year before's figure; null when that was 0.
    pub change_permille: Option<i64>,
    /// The API list of the records behind `value`, with the same filters; null where no list
    /// holds exactly them (adopted and implemented proposals, awards).
    pub records: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnnualSummaryDto {
    pub unit_id: i64,
    pub unit_name: String,
    pub year: i64,
    /// Domestic firsts and domestic leading among the year's achievements, in tenths of a percent.
    pub leading_share_permille: Option<i64>,
    pub lines: Vec<SummaryLineDto>,
}

fn dto(state: &AppState, api: &ApiCtx, s: AnnualSummary) -> AnnualSummaryDto {
    AnnualSummaryDto {
        unit_id: s.unit.id.0,
        year: s.year,
        leading_share_permille: s.leading_share_permille,
        lines: s
            .lines
            .iter()
            .map(|l| SummaryLineDto {
                figure: l.figure.code(),
                label: lines::label(&state.catalogs, api.lang, l.figure),
                unit: if l.figure.is_money() { "fen" } else { "count" }.into(),
                value: l.value,
                previous: l.previous,
                change: l.change(),
                change_permille: l.change_permille(),
                records: lines::records(l.figure, s.unit.id, s.year, true),
            })
            .collect(),
        unit_name: s.unit.name,
    }
}

/// A unit's annual summary, read from the tallies kept with every record.
#[utoipa::path(get, path = "/reports/annual-summary", tag = "reports", params(AnnualQuery),
    responses((status = 200, body = AnnualSummaryDto), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn annual_summary(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<AnnualQuery>,
) -> Result<Json<AnnualSummaryDto>, Failure> {
    let mut tx = state.db.read().await?;
    let s = cases::annual_summary(&mut tx, &api.caller(), OrgId(q.unit_id), q.year).await?;
    drop(tx);
    Ok(Json(dto(&state, &api, s)))
}

/// The annual summary as a CSV or XLSX file, or printed as a PDF (a Chinese font embedded),
/// headed in the caller's language.
#[utoipa::path(get, path = "/reports/annual-summary/export", tag = "reports",
    params(AnnualQuery, ReportFileQuery),
    responses(
        (status = 200, description = "The file", content(
            (FileBytes = "text/csv"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (FileBytes = "application/pdf"))),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "`pdf_font_missing`"),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn export_annual_summary(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<AnnualQuery>,
    Query(f): Query<ReportFileQuery>,
) -> Result<Response, Failure> {
    let format = documents::report_format(f.format.as_deref())?;
    let mut tx = state.db.read().await?;
    let s = cases::annual_summary(&mut tx, &api.caller(), OrgId(q.unit_id), q.year).await?;
    drop(tx);
    let t = |key: &str| state.catalogs.t(api.lang, key).to_string();
    let headers = [
        t("report.annual.figure"),
        s.year.to_string(),
        (s.year - 1).to_string(),
        t("report.annual.change"),
    ];
    let mut rows = vec![vec![
        s.unit.name.clone(),
        String::new(),
        String::new(),
        String::new(),
    ]];
    rows.extend(s.lines.iter().map(|l| {
        let indent = if l.figure.is_detail() { "  " } else { "" };
        vec![
            format!(
                "{indent}{}",
                lines::label(&state.catalogs, api.lang, l.figure)
            ),
            lines::value_text(l.figure, l.value),
            lines::value_text(l.figure, l.previous),
            lines::change_text(l),
        ]
    }));
    let file = documents::ReportFile {
        stem: format!("annual-summary-{}-{}", s.unit.code, s.year),
        sheet: t("report.annual.sheet"),
        title: format!("{} {} {}", s.unit.name, s.year, t("report.annual.title")),
        subtitle: vec![t("report.annual.money_note")],
        footer: format!("{} · {}", s.unit.name, t("report.annual.title")),
        headers: headers.to_vec(),
        rows,
        numeric: vec![false, true, true, true],
    };
    Ok(documents::report_response(format, file).await?)
}
