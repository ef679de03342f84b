//! Importing achievements, skills and methods, and titles from a spreadsheet. Each row goes
//! through the same use case as the form (`create_achievement`, ...), so a row is held to every
//! rule a record typed in is held to, and writes the same audit entry. All rows are one
//! transaction: nothing is saved unless every row is right, or, when the user chooses, only the
//! right rows are, and the rows left out are named in the import's audit entry.

mod columns;
mod export;

pub use columns::{Column, RecordKind, UNIT_CODE, Values, Vocabulary};
pub use export::{Batch, ExportFilter, export_batch, extra_columns, records_filter};

use super::{AchievementInput, SkillInput, TitleInput};
use super::{create_achievement, create_skill, create_title};
use crate::audit::{Change, record};
use crate::org_import::RowError;
use crate::studios::StudioInput;
use crate::users::NewUserInput;
use crate::{Caller, Result};
use ingot_domain::validate::{Checked, int_in, problem};
use ingot_domain::{AppError, FieldError, OrgId, Role};
use ingot_office::{Table, TableRow};
use ingot_store::{Db, Tx, held_counts, orgs};
use std::collections::HashMap;

/// What the user chose for an import.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportChoice {
    /// Rows without a unit code belong to this unit.
    pub default_unit: Option<OrgId>,
    /// Check every row and save nothing.
    pub dry_run: bool,
    /// Save the right rows even when others are wrong (and name the others in the audit log).
    pub keep_valid: bool,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct RecordImportReport {
    pub kind: RecordKind,
    pub rows: usize,
    pub dry_run: bool,
    pub keep_valid: bool,
    /// Records saved (none for a check, or when a wrong row stopped an all-or-nothing import).
    pub saved: usize,
    /// Every problem, by row (the heading is row 1) and column heading as the file spells it.
    pub errors: Vec<RowError>,
}

impl RecordImportReport {
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// The years a record may be counted in.
const YEARS: (i64, i64) = (1949, 2100);
/// More people trained than this is a typing error (as on the form).
const MAX_TRAINED: i64 = 999_999;

/// The columns of one file: where each of the kind's columns is, by key.
struct Layout<'a> {
    table: &'a Table,
    at: HashMap<&'static str, usize>,
}

impl Layout<'_> {
    fn cell<'r>(&self, row: &'r TableRow, key: &str) -> &'r str {
        self.at.get(key).map_or("", |&c| row.get(c))
    }

    /// The heading of `key`'s column as the file spells it (its key when the file lacks it).
    fn heading(&self, key: &str) -> String {
        self.at
            .get(key)
            .and_then(|&c| self.table.headers.get(c).cloned())
            .unwrap_or_else(|| key.to_string())
    }

    /// The column a record's field problem belongs to: `completers[2]` to the completers,
    /// `unit_id` to the unit's code, `granted_by` to the granting body's code.
    fn heading_of_field(&self, field: &str) -> String {
        let base = field.split('[').next().unwrap_or(field);
        let key = match base {
            "unit_id" | "org_id" => UNIT_CODE,
            "granted_by" => "granted_by_code",
            other => other,
        };
        if self.at.contains_key(key) {
            self.heading(key)
        } else {
            String::new()
        }
    }
}

/// Imports `table` as records of `kind` for the caller.
pub async fn import_records(
    db: &Db,
    caller: &Caller<'_>,
    kind: RecordKind,
    table: &Table,
    words: &Vocabulary,
    choice: ImportChoice,
) -> Result<RecordImportReport> {
    let mut report = RecordImportReport {
        kind,
        rows: table.rows.len(),
        dry_run: choice.dry_run,
        keep_valid: choice.keep_valid,
        saved: 0,
        errors: Vec::new(),
    };
    let mut at = HashMap::new();
    for c in kind.columns() {
        match table.column(&words.headings(c.key)) {
            Some(i) => {
                at.insert(c.key, i);
            }
            None if c.required && !(c.key == UNIT_CODE && choice.default_unit.is_some()) => {
                // The key and our headings in both languages; the aliases would be a long list.
                let names: Vec<&str> = words.headings(c.key).into_iter().take(3).collect();
                report.errors.push(RowError {
                    row: 1,
                    column: c.key.to_string(),
                    error: FieldError::new(c.key, "missing_column")
                        .with("column", names.join(" / ")),
                })
            }
            None => {}
        }
    }
    if table.rows.is_empty() {
        report.errors.push(RowError {
            row: 2,
            column: String::new(),
            error: FieldError::new("file", "file_without_rows"),
        });
    }
    if !report.errors.is_empty() {
        return Ok(report);
    }
    let layout = Layout { table, at };
    let mut tx = db.begin().await?;
    let mut units = UnitCodes::default();
    let mut left_out = Vec::new();
    // The tallies every row counts into are written once at the end, not once a row.
    let (rows, held) = held_counts::holding(async {
        let mut problems_by_row = Vec::new();
        for row in &table.rows {
            let words_and_units = (words, &mut units);
            let checked = import_row(
                &mut tx,
                caller,
                (kind, &layout),
                row,
                words_and_units,
                choice,
            );
            problems_by_row.push((row.number, checked.await?.err().unwrap_or_default()));
        }
        Ok::<_, AppError>(problems_by_row)
    })
    .await;
    for (number, problems) in rows? {
        if problems.is_empty() {
            report.saved += 1;
            continue;
        }
        left_out.push(number);
        for error in problems {
            let column = layout.heading_of_field(&error.field);
            report.errors.push(RowError {
                row: number,
                column,
                error,
            });
        }
    }
    if choice.dry_run || (!report.errors.is_empty() && !choice.keep_valid) {
        tx.rollback().await?;
        report.saved = 0;
        return Ok(report);
    }
    let summary = serde_json::json!({
        "kind": kind, "rows": report.rows, "saved": report.saved, "left_out_rows": left_out,
    });
    let mut change = Change::new("records.import", "record", None).after(&summary);
    change.org_id = choice.default_unit;
    record(&mut tx, caller, change).await?;
    held_counts::add_held(&mut tx, held).await?;
    tx.commit().await?;
    Ok(report)
}

/// Organisations by code, each looked up once per import.
#[derive(Default)]
struct UnitCodes(HashMap<String, Option<OrgId>>);

impl UnitCodes {
    /// The organisation `code` names, `fallback` for an empty cell, or the problem of `field`.
    async fn find(
        &mut self,
        tx: &mut Tx,
        field: &str,
        code: &str,
        fallback: Option<OrgId>,
    ) -> Result<Checked<Option<OrgId>>> {
        if code.is_empty() {
            return Ok(Ok(fallback));
        }
        if !self.0.contains_key(code) {
            let found = orgs::get_by_code(tx, code).await?.map(|o| o.id);
            self.0.insert(code.to_string(), found);
        }
        Ok(match self.0[code] {
            Some(id) => Ok(Some(id)),
            None => problem(FieldError::new(field, "unknown_unit_code").with("code", code)),
        })
    }
}

/// A whole number typed in a cell (spreadsheets write `2020` as `2020.0` at times).
fn number(field: &str, raw: &str, (min, max): (i64, i64)) -> Checked<Option<i64>> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    int_in(field, raw.strip_suffix(".0").unwrap_or(raw), min, max).map(Some)
}

/// The usernames in a cell, however the list is separated.
fn names(raw: &str) -> Vec<String> {
    ingot_domain::validate::list_items(raw)
        .map(str::to_string)
        .collect()
}

/// Saves one row as a record through its use case, or says what is wrong with it (nothing of
/// a wrong row is written: the use cases check everything before they write).
async fn import_row(
    tx: &mut Tx,
    caller: &Caller<'_>,
    (kind, layout): (RecordKind, &Layout<'_>),
    row: &TableRow,
    (words, units): (&Vocabulary, &mut UnitCodes),
    choice: ImportChoice,
) -> Result<Checked<()>> {
    let cell = |key: &str| layout.cell(row, key).to_string();
    let code = |key: &str| words.code(key, layout.cell(row, key));
    let year = number("year", layout.cell(row, "year"), YEARS);
    // The organisation a row names by its code: a title's granting body, else the record's
    // unit (the default unit for an empty cell).
    let unit = match kind {
        RecordKind::Titles => {
            let code = layout.cell(row, "granted_by_code");
            units.find(tx, "granted_by", code, None).await?
        }
        _ => {
            let code = layout.cell(row, UNIT_CODE);
            units.find(tx, "unit_id", code, choice.default_unit).await?
        }
    };
    let saved = match kind {
        RecordKind::Achievements => {
            let (unit_id, year) = match both(unit, year) {
                Ok(found) => found,
                Err(problems) => return Ok(Err(problems)),
            };
            let input = AchievementInput {
                unit_id,
                title: cell("title"),
                summary: cell("summary"),
                field: cell("field"),
                kind: code("kind"),
                claimed_level: code("claimed_level"),
                started_on: cell("started_on"),
                finished_on: cell("finished_on"),
                year,
                award: cell("award"),
                in_production_since: cell("in_production_since"),
                production_site: cell("production_site"),
                completers: names(layout.cell(row, "completers")),
                patent_ids: Vec::new(),
                proposal_ids: Vec::new(),
            };
            create_achievement(tx, caller, &input).await.map(drop)
        }
        RecordKind::Skills => {
            let trained = number(
                "trained_count",
                layout.cell(row, "trained_count"),
                (0, MAX_TRAINED),
            );
            let ((unit_id, year), trained_count) = match both(both(unit, year), trained) {
                Ok(found) => found,
                Err(problems) => return Ok(Err(problems)),
            };
            let input = SkillInput {
                unit_id,
                kind: code("kind"),
                name: cell("name"),
                creator: cell("creator"),
                creator_name: cell("creator_name"),
                description: cell("description"),
                used_where: cell("used_where"),
                trained_count,
                trainees: names(layout.cell(row, "trainees")),
                year,
            };
            create_skill(tx, caller, &input).await.map(drop)
        }
        RecordKind::Titles => {
            let (granted_by, year) = match both(unit, year) {
                Ok(found) => found,
                Err(problems) => return Ok(Err(problems)),
            };
            let input = TitleInput {
                holder: cell("holder"),
                name: cell("name"),
                granted_by,
                year,
                level: code("level"),
            };
            create_title(tx, caller, &input).await.map(drop)
        }
        RecordKind::People => {
            let org_id = match unit {
                Ok(found) => found,
                Err(problems) => return Ok(Err(problems)),
            };
            let roles = match roles_of(&words.codes("roles", layout.cell(row, "roles"))) {
                Ok(roles) => roles,
                Err(problems) => return Ok(Err(problems)),
            };
            let input = NewUserInput {
                org_id,
                username: cell("username"),
                display_name: cell("display_name"),
                email: Some(cell("email")).filter(|e| !e.trim().is_empty()),
                ..Default::default()
            };
            crate::users::create_imported(tx, caller, &input, &roles)
                .await
                .map(drop)
        }
        RecordKind::Studios => {
            let unit_id = match unit {
                Ok(found) => found,
                Err(problems) => return Ok(Err(problems)),
            };
            let input = StudioInput {
                unit_id,
                lead: cell("lead"),
                kind: code("kind"),
                name: cell("name"),
                founded_on: cell("founded_on"),
                address: cell("address"),
                description: cell("description"),
                fields: words.codes("fields", layout.cell(row, "fields")),
                members: names(layout.cell(row, "members")),
            };
            crate::studios::create(tx, caller, &input).await.map(drop)
        }
    };
    Ok(match saved {
        Ok(()) => Ok(()),
        Err(AppError::Validation(problems)) => Err(problems),
        // A duplicate (a username taken): a problem of this row's field.
        Err(AppError::Conflict {
            code,
            field: Some(field),
        }) => problem(FieldError::new(field, code)),
        // Someone else's unit: a problem of this row, not the end of the import.
        Err(AppError::Forbidden { .. }) if kind == RecordKind::Titles => {
            problem(FieldError::new("holder", "holder_outside_scope"))
        }
        Err(AppError::Forbidden { .. }) => problem(
            FieldError::new("unit_id", "unit_outside_scope")
                .with("code", layout.cell(row, UNIT_CODE)),
        ),
        Err(other) => return Err(other),
    })
}

/// The roles a cell names (codes, after the vocabulary read the labels).
fn roles_of(codes: &[String]) -> Checked<Vec<Role>> {
    let mut roles = Vec::new();
    for code in codes {
        match Role::parse(code) {
            Some(role) if !roles.contains(&role) => roles.push(role),
            Some(_) => {}
            None => {
                let allowed = Role::ALL.map(Role::as_str).join(", ");
                return problem(
                    FieldError::new("roles", "unknown_option").with("allowed", allowed),
                );
            }
        }
    }
    Ok(roles)
}

/// Both values, or the problems of either.
fn both<A, B>(a: Checked<A>, b: Checked<B>) -> Checked<(A, B)> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (a, b) => Err([a.err(), b.err()].into_iter().flatten().flatten().collect()),
    }
}
