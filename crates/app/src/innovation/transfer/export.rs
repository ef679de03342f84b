//! Records as rows of their spreadsheet, a batch at a time: the kind's columns in order (codes
//! as stored, for the caller to show as labels), then the columns only an export has.

use super::RecordKind;
use super::columns::{Column, column};
use crate::innovation::scoped;
use crate::{Caller, Result};
use ingot_domain::benefit::format_money;
use ingot_store::Tx;
use ingot_store::innovation::{self as store, RecordFilter};

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
    match kind {
        RecordKind::Achievements => ACHIEVEMENTS,
        RecordKind::Skills => SKILLS,
        RecordKind::Titles => TITLES,
    }
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

/// `filter` narrowed to what the caller may read: an export runs its batches on it after the
/// request's caller is gone.
pub fn export_filter(caller: &Caller<'_>, filter: RecordFilter) -> RecordFilter {
    scoped(caller, filter)
}

/// The next `limit` records of `kind` after id `after` that `filter` (from [`export_filter`])
/// finds.
pub async fn export_batch(
    tx: &mut Tx,
    (kind, filter): (RecordKind, &RecordFilter),
    after: i64,
    limit: i64,
) -> Result<Batch> {
    let (rows, last): (Vec<Vec<String>>, Option<i64>) = match kind {
        RecordKind::Achievements => {
            let found = store::export_achievements(tx, filter, after, limit).await?;
            let last = found.last().map(|a| a.id);
            let rows = found
                .into_iter()
                .map(|a| {
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
                })
                .collect();
            (rows, last)
        }
        RecordKind::Skills => {
            let found = store::export_skills(tx, filter, after, limit).await?;
            let last = found.last().map(|s| s.id);
            let rows = found
                .into_iter()
                .map(|s| {
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
                })
                .collect();
            (rows, last)
        }
        RecordKind::Titles => {
            let found = store::export_titles(tx, filter, after, limit).await?;
            let last = found.last().map(|t| t.id);
            let rows = found
                .into_iter()
                .map(|t| {
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
                })
                .collect();
            (rows, last)
        }
    };
    let full = i64::try_from(rows.len()).unwrap_or(i64::MAX) >= limit;
    Ok(Batch {
        rows,
        next: last.filter(|_| full),
    })
}
