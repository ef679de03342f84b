//! `/reports/annual`: a unit's annual summary for a year beside the year before, each figure
//! leading to its records, with the workbook to download. Thin over `ingot_app::reports`.

use super::ok;
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::{FormErrors, is_form_error};
use crate::reports as lines;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use ingot_app::reports::{self as cases, AnnualSummary};
use ingot_domain::org::Organisation;
use ingot_domain::{AppError, OrgId};

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

pub async fn annual(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<AnnualQuery>,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let year_text = match q.year.trim() {
        "" => caller.origin.today().year.to_string(),
        given => given.to_string(),
    };
    let mut tx = state.db.read().await?;
    let roots = cases::summary_roots(&mut tx, &caller).await?;
    let unit = match q.unit.trim() {
        "" => roots.first().map(|o| Ok(o.id)),
        raw => Some(
            raw.parse::<i64>()
                .map(OrgId)
                .map_err(|_| AppError::field("unit_id", "unknown_org")),
        ),
    };
    let year = year_text
        .parse::<i64>()
        .map_err(|_| AppError::field("year", "invalid_year"));
    let result = match (unit, year) {
        (Some(Ok(unit)), Ok(year)) => cases::annual_summary(&mut tx, &caller, unit, year)
            .await
            .map(Some),
        (None, _) => Ok(None),
        (Some(Err(e)), _) | (_, Err(e)) => Err(e),
    };
    let (summary, errors) = match result {
        Ok(s) => (s, FormErrors::none()),
        Err(e) if is_form_error(&e) => (None, FormErrors::from_error(ctx.catalogs(), ctx.lang, &e)),
        Err(e) => return Err(Failure(e)),
    };
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
