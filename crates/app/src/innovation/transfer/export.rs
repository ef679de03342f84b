//! Records as rows of their spreadsheet, a batch at a time: the kind's columns in order (codes
//! as stored, for the caller to show as labels), then the columns only an export has.

use super::RecordKind;
use super::columns::{Column, column};
use crate::innovation::scoped;
use crate::{Caller, Result};
use ingot_domain::benefit::format_money;
use ingot_store::Tx;
use ingot_store::innovation::{self as store, RecordFilter};
use ingot_store::studios::Filter as StudioFilter;
use ingot_store::transfer as sheets;
use ingot_store::users::UserFilter;

/// Columns an export adds after the import's: names shown beside the codes, and figures that
/// are not typed in (an import ignores them).
pub fn extra_columns(kind: RecordKind) -> &'static [Column] {
    const ACHIEVEMENTS: &[Column] = &[
        column("unit", "records.col.unit", false),
        column("verified_yuan", "records.col.verified", false),
    ];
    const SKILLS: &[Column] = &[column("unit", "records.col.unit", false)];
    const TITLES: &[Column] = &[
        column("holder_name", "records.col.holder_name", false),
        column("unit", "records.col.unit", false),
        column("granted_by_name", "records.col.granted_by", false),
    ];
    const PEOPLE: &[Column] = &[
        column("unit", "records.col.unit", false),
        column("active", "records.col.active", false),
    ];
    const STUDIOS: &[Column] = &[
        column("unit", "records.col.unit", false),
        column("level", "records.col.named_level", false),
        column("status", "records.col.studio_status", false),
    ];
    match kind {
        RecordKind::Achievements => ACHIEVEMENTS,
        RecordKind::Skills => SKILLS,
        RecordKind::Titles => TITLES,
        RecordKind::People => PEOPLE,
        RecordKind::Studios => STUDIOS,
    }
}

/// Which rows an export writes: the list's own filter, already narrowed to what the caller may
/// read (an export runs its batches after the request's caller is gone).
#[derive(Debug, Clone)]
pub enum ExportFilter {
    Records(RecordFilter),
    /// As `users::scoped_filter` narrowed it.
    People(UserFilter),
    /// The registry is open to everyone signed in.
    Studios(StudioFilter),
}

/// Rows of `found` as `row` writes them, and the id of the last (to continue after).
fn keyed<T>(
    found: Vec<T>,
    id: impl Fn(&T) -> i64,
    row: impl Fn(T) -> Vec<String>,
) -> (Vec<Vec<String>>, Option<i64>) {
    let last = found.last().map(id);
    (found.into_iter().map(row).collect(), last)
}

/// One batch of rows: the rows, and the id to continue after (`None`: this was the last).
pub struct Batch {
    pub rows: Vec<Vec<String>>,
    pub next: Option<i64>,
}

fn text(value: Option<impl ToString>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// Yuan as a spreadsheet reads a number: no thousands separators.
fn yuan(cents: Option<i64>) -> String {
    cents
        .map(|c| format_money(c).replace(',', ""))
        .unwrap_or_default()
}

/// Records `filter` finds that the caller may read.
pub fn records_filter(caller: &Caller<'_>, filter: RecordFilter) -> ExportFilter {
    ExportFilter::Records(scoped(caller, filter))
}

/// The next `limit` records of `kind` after id `after` that `filter` (from [`export_filter`])
/// finds.
pub async fn export_batch(
    tx: &mut Tx,
    (kind, filter): (RecordKind, &ExportFilter),
    after: i64,
    limit: i64,
) -> Result<Batch> {
    let (rows, last) = match filter {
        ExportFilter::Records(filter) => record_rows(tx, (kind, filter), after, limit).await?,
        ExportFilter::People(filter) => {
            let found = sheets::export_people(tx, filter, after, limit).await?;
            keyed(
                found,
                |p| p.id,
                |p| {
                    vec![
                        p.unit_code,
                        p.username,
                        p.display_name,
                        text(p.email),
                        p.roles.join(", "),
                        p.unit_name,
                        p.active.to_string(),
                    ]
                },
            )
        }
        ExportFilter::Studios(filter) => {
            let found = sheets::export_studios(tx, filter, after, limit).await?;
            keyed(
                found,
                |s| s.id,
                |s| {
                    vec![
                        s.unit_code,
                        s.name,
                        s.kind,
                        s.lead,
                        s.founded_on.to_string(),
                        s.address,
                        s.fields.join(", "),
                        s.description,
                        s.members.join(", "),
                        s.unit_name,
                        text(s.level),
                        s.status,
                    ]
                },
            )
        }
    };
    let full = i64::try_from(rows.len()).unwrap_or(i64::MAX) >= limit;
    Ok(Batch {
        rows,
        next: last.filter(|_| full),
    })
}

/// Rows of achievements, skills or titles, and the last id read.
async fn record_rows(
    tx: &mut Tx,
    (kind, filter): (RecordKind, &RecordFilter),
    after: i64,
    limit: i64,
) -> Result<(Vec<Vec<String>>, Option<i64>)> {
    Ok(match kind {
        RecordKind::Achievements => {
            let found = store::export_achievements(tx, filter, after, limit).await?;
            keyed(
                found,
                |a| a.id,
                |a| {
                    vec![
                        a.unit_code,
                        a.title,
                        a.summary,
                        a.field,
                        a.kind,
                        text(a.claimed_level),
                        text(a.started_on),
                        text(a.finished_on),
                        a.year.to_string(),
                        text(a.award),
                        text(a.in_production_since),
                        text(a.production_site),
                        a.completers.join(", "),
                        a.unit_name,
                        yuan(a.benefit_verified_cents),
                    ]
                },
            )
        }
        RecordKind::Skills => {
            let found = store::export_skills(tx, filter, after, limit).await?;
            keyed(
                found,
                |s| s.id,
                |s| {
                    vec![
                        s.unit_code,
                        s.kind,
                        s.name,
                        text(s.creator),
                        s.creator_name,
                        s.description,
                        s.used_where,
                        s.trained_count.to_string(),
                        s.trainees.join(", "),
                        s.year.to_string(),
                        s.unit_name,
                    ]
                },
            )
        }
        RecordKind::Titles => {
            let found = store::export_titles(tx, filter, after, limit).await?;
            keyed(
                found,
                |t| t.id,
                |t| {
                    vec![
                        t.holder,
                        t.name,
                        t.granted_by_code,
                        t.year.to_string(),
                        t.level,
                        t.holder_name,
                        t.unit_name,
                        t.granted_by_name,
                    ]
                },
            )
        }
        // Filters of other lists never reach here: their kinds carry their own filter.
        RecordKind::People | RecordKind::Studios => (Vec::new(), None),
    })
}
