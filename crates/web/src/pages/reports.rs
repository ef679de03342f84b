//! `/reports/annual`: a unit's annual summary for a year beside the year before, each figure
//! leading to its records, with the workbook to download; `/reports/rankings`: the units below
//! it ranked, as a chart with its table. Thin over `ingot_app::reports`.

use super::ok;
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::{FormErrors, is_form_error};
use crate::reports as lines;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use ingot_app::reports::{self as cases, AnnualSummary, Ranking};
use ingot_domain::org::Organisation;
use ingot_domain::report::ranking::{RankBy, RankRow};
use ingot_domain::validate::Validator;
use ingot_domain::{AppError, FieldError, OrgId};

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct AnnualQuery {
    pub unit: String,
    pub year: String,
}

/// One line as the page shows it.
pub struct LineView {
    pub label: String,
    pub detail: bool,
    pub value: String,
    pub previous: String,
    pub change: String,
    pub records: Option<String>,
    pub testid: String,
}

#[derive(Template)]
#[template(path = "reports/annual.html")]
struct AnnualPage {
    ctx: PageCtx,
    roots: Vec<Organisation>,
    subunits: Vec<Organisation>,
    year: String,
    summary: Option<AnnualSummary>,
    lines: Vec<LineView>,
    errors: FormErrors,
}

impl AnnualPage {
    fn export(&self, format: &str) -> String {
        match &self.summary {
            Some(s) => format!(
                "/api/v1/reports/annual-summary/export?unit_id={}&year={}&format={format}",
                s.unit.id.0, s.year
            ),
            None => String::new(),
        }
    }

    fn share(&self) -> Option<String> {
        let p = self.summary.as_ref()?.leading_share_permille?;
        Some(format!("{}.{}%", p / 10, p % 10))
    }
}

/// The unit and year a report page asks for, their problems kept in `problems`: the unit's id
/// (none given: the reader's first root, none at all when they have no unit) and the year
/// (none given: this year, `year_text` is what the form shows).
fn asked(
    problems: &mut Validator,
    roots: &[Organisation],
    (unit, year_text): (&str, &str),
) -> (Option<OrgId>, Option<i64>) {
    let unit = match unit.trim() {
        "" => roots.first().map(|o| o.id),
        raw => problems.keep(
            raw.parse::<i64>()
                .map(OrgId)
                .map_err(|_| vec![FieldError::new("unit_id", "unknown_org")]),
        ),
    };
    let year = problems.keep(
        year_text
            .parse::<i64>()
            .map_err(|_| vec![FieldError::new("year", "invalid_year")]),
    );
    (unit, year)
}

/// The year the form shows: as given, or this year.
fn year_shown(caller: &ingot_app::Caller<'_>, given: &str) -> String {
    match given.trim() {
        "" => caller.origin.today().year.to_string(),
        given => given.to_string(),
    }
}

/// A report, or the form's problems to show above it (a failure of another kind is the error
/// page).
fn shown<T>(
    ctx: &PageCtx,
    result: Result<Option<T>, AppError>,
) -> Result<(Option<T>, FormErrors), Failure> {
    match result {
        Ok(r) => Ok((r, FormErrors::none())),
        Err(e) if is_form_error(&e) => {
            Ok((None, FormErrors::from_error(ctx.catalogs(), ctx.lang, &e)))
        }
        Err(e) => Err(Failure(e)),
    }
}

pub async fn annual(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<AnnualQuery>,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let year_text = year_shown(&caller, &q.year);
    let mut tx = state.db.read().await?;
    let roots = cases::summary_roots(&mut tx, &caller).await?;
    let mut problems = Validator::new();
    let (unit, year) = asked(&mut problems, &roots, (&q.unit, &year_text));
    let result = match (problems.finish(), unit, year) {
        (Err(e), _, _) => Err(e),
        (Ok(()), Some(unit), Some(year)) => cases::annual_summary(&mut tx, &caller, unit, year)
            .await
            .map(Some),
        _ => Ok(None),
    };
    let (summary, errors) = shown(&ctx, result)?;
    let subunits = match &summary {
        Some(s) => cases::sub_units(&mut tx, &s.unit).await?,
        None => Vec::new(),
    };
    drop(tx);
    let views = summary
        .as_ref()
        .map(|s| {
            s.lines
                .iter()
                .map(|line| LineView {
                    label: lines::label(ctx.catalogs(), ctx.lang, line.figure),
                    detail: line.figure.is_detail(),
                    value: lines::value_text(line.figure, line.value),
                    previous: lines::value_text(line.figure, line.previous),
                    change: lines::change_text(line),
                    records: lines::records(line.figure, s.unit.id, s.year, false),
                    testid: line.figure.code(),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(ok(&AnnualPage {
        ctx,
        roots,
        subunits,
        year: year_text,
        summary,
        lines: views,
        errors,
    }))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct RankingQuery {
    pub unit: String,
    pub year: String,
    pub by: String,
}

/// One ranked unit as the page shows it.
pub struct RankView {
    pub rank: usize,
    pub org_id: i64,
    pub name: String,
    pub points: i64,
    pub prizes: i64,
    pub put_forward: i64,
    pub per_hundred: String,
    pub rate: String,
    pub benefit: String,
}

#[derive(Template)]
#[template(path = "reports/rankings.html")]
struct RankingPage {
    ctx: PageCtx,
    roots: Vec<Organisation>,
    year: String,
    by: String,
    choices: Vec<(String, String)>,
    ranking: Option<Ranking>,
    rows: Vec<RankView>,
    chart: String,
    errors: FormErrors,
}

pub async fn rankings(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<RankingQuery>,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let year_text = year_shown(&caller, &q.year);
    let by_text = match q.by.trim() {
        "" => RankBy::Awards.as_str().to_string(),
        given => given.to_string(),
    };
    let mut tx = state.db.read().await?;
    let roots = cases::summary_roots(&mut tx, &caller).await?;
    let mut problems = Validator::new();
    let (unit, year) = asked(&mut problems, &roots, (&q.unit, &year_text));
    let by = problems.keep(ingot_domain::validate::choice::<RankBy>("by", &by_text));
    let result = match (problems.finish(), unit, year, by) {
        (Err(e), _, _, _) => Err(e),
        (Ok(()), Some(unit), Some(year), Some(by)) => {
            cases::rankings(&mut tx, &caller, unit, year, by)
                .await
                .map(Some)
        }
        _ => Ok(None),
    };
    drop(tx);
    let (ranking, errors) = shown(&ctx, result)?;
    let rows: Vec<RankView> = ranking
        .as_ref()
        .map(|r| {
            r.rows
                .iter()
                .map(|(o, row)| RankView {
                    rank: row.rank,
                    org_id: o.id.0,
                    name: ctx.org_name(o).to_string(),
                    points: row.points,
                    prizes: row.prizes,
                    put_forward: row.put_forward,
                    per_hundred: row
                        .per_hundred_x100
                        .map_or("—".into(), |x| format!("{}.{:02}", x / 100, x % 100)),
                    rate: row.rate_bp.map_or("—".into(), |bp| {
                        ingot_domain::proposal::format_percent(bp)
                    }),
                    benefit: ingot_domain::proposal::format_money(row.benefit_cents),
                })
                .collect()
        })
        .unwrap_or_default();
    let chart = ranking
        .as_ref()
        .map(|r| {
            let top = &r.rows[..r.rows.len().min(20)];
            let value = |row: &RankRow| -> f64 {
                match r.by {
                    RankBy::Awards => row.points as f64,
                    RankBy::ProposalsPerHundred => {
                        row.per_hundred_x100.unwrap_or(0) as f64 / 100.0
                    }
                    RankBy::ImplementationRate => row.rate_bp.unwrap_or(0) as f64 / 100.0,
                    RankBy::Benefit => row.benefit_cents as f64 / 100.0,
                }
            };
            serde_json::json!({
                "type": "bar",
                "label": ctx.t(&format!("report.rank.by.{}", r.by.as_str())),
                "labels": top.iter().map(|(o, _)| ctx.org_name(o)).collect::<Vec<_>>(),
                "values": top.iter().map(|(_, row)| value(row)).collect::<Vec<_>>(),
                "links": top.iter().map(|(o, _)| format!("/reports/annual?unit={}&year={}", o.id.0, r.year)).collect::<Vec<_>>(),
            })
            .to_string()
            .replace('<', "\\u003c")
        })
        .unwrap_or_default();
    let choices = RankBy::ALL
        .iter()
        .map(|b| {
            (
                b.as_str().to_string(),
                ctx.t(&format!("report.rank.by.{}", b.as_str())).to_string(),
            )
        })
        .collect();
    Ok(ok(&RankingPage {
        ctx,
        roots,
        year: year_text,
        by: by_text,
        choices,
        ranking,
        rows,
        chart,
        errors,
    }))
}
