//! Reports read from the tallies: a unit's annual summary (and the year's figures the API has
//! offered since before it), never by counting records on a request.

pub mod returns;

use crate::{Caller, Result};
use ingot_domain::org::Organisation;
use ingot_domain::policy::Action;
use ingot_domain::report::ranking::{self, RankBy, RankRow};
use ingot_domain::report::{self, SummaryLine, YearTallies};
use ingot_domain::studio::Level;
use ingot_domain::{AppError, FieldError, OrgId};
use ingot_store::{Tx, org_tally, orgs, proposal_stats, record_tally, studio_tally};

/// The years a summary may be asked for.
pub const YEARS: std::ops::RangeInclusive<i64> = 1949..=2100;

/// A unit's annual summary: its lines for `year` beside `year - 1`.
#[derive(Debug, Clone)]
pub struct AnnualSummary {
    pub unit: Organisation,
    pub year: i64,
    pub lines: Vec<SummaryLine>,
    /// Domestic firsts and domestic leading among the year's achievements, in tenths of a percent.
    pub leading_share_permille: Option<i64>,
}

/// The unit (which the caller must be able to read the records of) and a year within `YEARS`;
/// both problems at once.
async fn unit_and_year(
    tx: &mut Tx,
    caller: &Caller<'_>,
    unit_id: OrgId,
    year: i64,
) -> Result<Organisation> {
    let unit = orgs::get(tx, unit_id).await?;
    let mut problems = Vec::new();
    if unit.is_none() {
        problems.push(FieldError::new("unit_id", "unknown_org"));
    }
    if !YEARS.contains(&year) {
        problems.push(FieldError::new("year", "invalid_year"));
    }
    match unit {
        Some(unit) if problems.is_empty() => {
            // Somebody who may not read the unit's records learns nothing of it, not even that
            // it exists.
            caller
                .require(Action::ViewInnovationRecords, &unit.path)
                .map_err(|_| AppError::not_found("organisation"))?;
            Ok(unit)
        }
        _ => Err(AppError::Validation(problems)),
    }
}

/// What the tallies hold for `unit`'s subtree in `first..=last`, one entry per year.
async fn tallies(
    tx: &mut Tx,
    unit: &Organisation,
    first: i64,
    last: i64,
) -> Result<Vec<YearTallies>> {
    let rows = record_tally::years(tx, unit.id, first, last).await?;
    let scope = ingot_domain::OrgScope::of([unit.path.clone()]);
    // Months of every year at once, and namings of every year (a few rows a year).
    let months =
        proposal_stats::by_period(tx, &unit.path, first * 100 + 1, last * 100 + 12, None).await?;
    let namings = studio_tally::within(tx, Some(&scope), "named:").await?;
    let mut out = Vec::new();
    for year in first..=last {
        let prefix = format!("{year}:");
        let mut t = YearTallies {
            records: rows
                .iter()
                .filter_map(|(metric, n)| Some((metric.strip_prefix(&prefix)?.to_string(), *n)))
                .collect(),
            ..Default::default()
        };
        for (_, c) in months.iter().filter(|(period, _)| period / 100 == year) {
            t.put_forward += c.put_forward;
            t.adopted += c.adopted;
            t.implemented += c.implemented;
            t.proposal_benefit_cents += c.benefit_cents;
        }
        for (key, n) in &namings {
            let level = key.strip_prefix(&prefix).and_then(Level::parse);
            if let Some(level) = level {
                t.named.insert(level, *n);
            }
        }
        out.push(t);
    }
    Ok(out)
}

/// The annual summary of `unit_id`'s subtree for `year`, with the year before beside it.
pub async fn annual_summary(
    tx: &mut Tx,
    caller: &Caller<'_>,
    unit_id: OrgId,
    year: i64,
) -> Result<AnnualSummary> {
    let unit = unit_and_year(tx, caller, unit_id, year).await?;
    let t = tallies(tx, &unit, year - 1, year).await?;
    let (previous, this) = (&t[0], &t[1]);
    Ok(AnnualSummary {
        year,
        lines: report::lines(this, previous),
        leading_share_permille: report::leading_share_permille(this),
        unit,
    })
}

/// The year's figures of a unit's subtree, as `/innovation/figures` reports them: titles counted
/// are those named `title` when given (a person holds a title once a year), else all of them.
pub async fn year_figures(
    tx: &mut Tx,
    caller: &Caller<'_>,
    unit_id: OrgId,
    year: i64,
    title: Option<&str>,
) -> Result<ingot_domain::innovation::YearFigures> {
    use ingot_domain::report::Figure;
    let unit = unit_and_year(tx, caller, unit_id, year).await?;
    let t = tallies(tx, &unit, year, year).await?;
    let t = &t[0];
    let titled_people = match title {
        Some(name) => t
            .records
            .get(&format!("title:{name}"))
            .copied()
            .unwrap_or(0),
        None => t.value(Figure::Titles),
    };
    Ok(ingot_domain::innovation::YearFigures {
        achievements: t.value(Figure::Achievements),
        skills: t.value(Figure::Skills),
        proposals: t.value(Figure::ProposalsPutForward),
        patents: t.value(Figure::Patents),
        titled_people,
        verified_benefit_cents: t.value(Figure::Benefit),
    })
}

/// The units whose summaries the caller may read at the top of their reach (the top-level
/// organisations for the system), highest first.
pub async fn summary_roots(tx: &mut Tx, caller: &Caller<'_>) -> Result<Vec<Organisation>> {
    let mut roots = match caller.scope(Action::ViewInnovationRecords) {
        Some(scope) => orgs::get_many(tx, &scope.root_ids()).await?,
        None => orgs::children(tx, None, false)
            .await?
            .into_iter()
            .map(|n| n.org)
            .collect(),
    };
    roots.sort_by_key(|o| o.path.as_str().len());
    Ok(roots)
}

/// The live units directly below `unit`, each with a summary of its own.
pub async fn sub_units(tx: &mut Tx, unit: &Organisation) -> Result<Vec<Organisation>> {
    Ok(orgs::children(tx, Some(unit.id), false)
        .await?
        .into_iter()
        .map(|n| n.org)
        .collect())
}

/// What the tallies hold for each of `units`' subtrees in `year`, in three statements however
/// many units there are (a return's rows).
pub async fn year_of_each(
    tx: &mut Tx,
    units: &[OrgId],
    year: i64,
) -> Result<std::collections::HashMap<i64, YearTallies>> {
    let mut out: std::collections::HashMap<i64, YearTallies> = units
        .iter()
        .map(|u| (u.0, YearTallies::default()))
        .collect();
    let prefix = format!("{year}:");
    for (org, metric, n) in record_tally::year_of_each(tx, units, year).await? {
        if let (Some(t), Some(key)) = (out.get_mut(&org), metric.strip_prefix(&prefix)) {
            t.records.insert(key.to_string(), n);
        }
    }
    for (org, c) in
        proposal_stats::totals_of_each(tx, units, year * 100 + 1, year * 100 + 12).await?
    {
        if let Some(t) = out.get_mut(&org) {
            t.put_forward = c.put_forward;
            t.adopted = c.adopted;
            t.implemented = c.implemented;
            t.proposal_benefit_cents = c.benefit_cents;
        }
    }
    for (org, level, n) in studio_tally::of_each(tx, units, &format!("named:{year}:")).await? {
        if let (Some(t), Some(level)) = (out.get_mut(&org), Level::parse(&level)) {
            t.named.insert(level, n);
        }
    }
    Ok(out)
}

/// The units directly below a unit, ranked for a year.
#[derive(Debug, Clone)]
pub struct Ranking {
    pub unit: Organisation,
    pub year: i64,
    pub by: RankBy,
    pub rows: Vec<(Organisation, RankRow)>,
}

/// Ranks the live units directly below `unit_id` for `year` by `by`, from the tallies (four
/// statements however many units).
pub async fn rankings(
    tx: &mut Tx,
    caller: &Caller<'_>,
    unit_id: OrgId,
    year: i64,
    by: RankBy,
) -> Result<Ranking> {
    let unit = unit_and_year(tx, caller, unit_id, year).await?;
    let below = sub_units(tx, &unit).await?;
    let ids: Vec<OrgId> = below.iter().map(|o| o.id).collect();
    let tallies = year_of_each(tx, &ids, year).await?;
    let people: std::collections::HashMap<i64, i64> = org_tally::people_of_each(tx, &ids)
        .await?
        .into_iter()
        .collect();
    let mut rows: Vec<RankRow> = below
        .iter()
        .map(|o| {
            let t = tallies.get(&o.id.0).cloned().unwrap_or_default();
            RankRow::of(o.id.0, &t, people.get(&o.id.0).copied().unwrap_or(0))
        })
        .collect();
    let names: std::collections::HashMap<i64, String> =
        below.iter().map(|o| (o.id.0, o.name.clone())).collect();
    ranking::rank(&mut rows, by, |id| {
        names.get(&id).cloned().unwrap_or_default()
    });
    let mut by_id: std::collections::HashMap<i64, Organisation> =
        below.into_iter().map(|o| (o.id.0, o)).collect();
    let rows = rows
        .into_iter()
        .filter_map(|r| Some((by_id.remove(&r.org_id)?, r)))
        .collect();
    Ok(Ranking {
        unit,
        year,
        by,
        rows,
    })
}
