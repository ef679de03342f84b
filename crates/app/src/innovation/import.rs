//! Importing a list of patents from CSV or XLSX, as units keep them. Every row is checked first
//! (the number's format and check digit, dates, the unit); if any row is wrong, the report lists
//! each problem by row and column and nothing is saved.

use super::patents::log_patent;
use super::{PatentInput, check_patent, require_manage};
use crate::org_import::RowError;
use crate::{Caller, Result};
use ingot_domain::org::Organisation;
use ingot_domain::{AppError, FieldError, OrgId, Timestamp};
use ingot_office::{Table, TableRow};
use ingot_store::innovation::{self as store, NewPatent, Patent};
use ingot_store::{Db, orgs};
use std::collections::HashMap;

#[derive(Debug, Clone, serde::Serialize)]
pub struct PatentImportReport {
    pub rows: usize,
    pub dry_run: bool,
    pub errors: Vec<RowError>,
    pub created: Vec<Patent>,
}

impl PatentImportReport {
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
}

const NUMBER: &[&str] = &["number", "申请号", "专利号", "application_number"];
const TITLE: &[&str] = &["title", "专利名称", "名称"];
const KIND: &[&str] = &["kind", "type", "专利类型", "类型"];
const INVENTORS: &[&str] = &["inventors", "发明人", "设计人"];
const UNIT: &[&str] = &["unit_code", "unit", "单位编码", "申请单位编码"];
const APPLIED: &[&str] = &["applied_on", "application_date", "申请日"];
const GRANTED: &[&str] = &["granted_on", "grant_date", "授权日", "授权公告日"];
const STATUS: &[&str] = &["status", "法律状态", "状态"];

/// The column heading a field's problem belongs to, as the file spells it.
fn column_of(table: &Table, field: &str) -> String {
    let names = match field {
        "number" => NUMBER,
        "title" => TITLE,
        "kind" => KIND,
        "inventors" => INVENTORS,
        "unit_id" => UNIT,
        "applied_on" => APPLIED,
        "granted_on" => GRANTED,
        _ => STATUS,
    };
    table
        .column(names)
        .and_then(|i| table.headers.get(i).cloned())
        .unwrap_or_else(|| names[0].to_string())
}

fn row_error(row: usize, column: String, error: FieldError) -> RowError {
    RowError { row, column, error }
}

/// Imports the rows of `table` into `default_unit` (or the unit named by each row's code).
pub async fn import_patents(
    db: &Db,
    caller: &Caller<'_>,
    table: &Table,
    default_unit: Option<OrgId>,
    dry_run: bool,
) -> Result<PatentImportReport> {
    let mut errors = Vec::new();
    for (names, field) in [
        (NUMBER, "number"),
        (TITLE, "title"),
        (INVENTORS, "inventors"),
        (APPLIED, "applied_on"),
    ] {
        if table.column(names).is_none() {
            errors.push(row_error(
                1,
                names[0].to_string(),
                FieldError::new(field, "missing_column")
                    .with("column", format!("{} / {}", names[0], names[1])),
            ));
        }
    }
    let unit_col = table.column(UNIT);
    if unit_col.is_none() && default_unit.is_none() {
        errors.push(row_error(
            1,
            UNIT[0].to_string(),
            FieldError::new("unit_id", "missing_column")
                .with("column", format!("{} / {}", UNIT[0], UNIT[2])),
        ));
    }
    let rows = table.rows.len();
    if !errors.is_empty() {
        return Ok(PatentImportReport {
            rows,
            dry_run,
            errors,
            created: Vec::new(),
        });
    }
    let cell = |row: &TableRow, names: &[&str]| {
        table
            .column(names)
            .map(|c| row.get(c).to_string())
            .unwrap_or_default()
    };
    let mut tx = db.begin().await?;
    let default = match default_unit {
        Some(id) => Some(
            orgs::get(&mut tx, id)
                .await?
                .ok_or_else(|| AppError::field("unit_id", "required"))?,
        ),
        None => None,
    };
    let mut units: HashMap<String, Option<Organisation>> = HashMap::new();
    let mut checked: Vec<NewPatent> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for row in &table.rows {
        let code = unit_col.map(|c| row.get(c).to_string()).unwrap_or_default();
        let unit = if code.is_empty() {
            default.clone()
        } else {
            if !units.contains_key(&code) {
                let found = orgs::get_by_code(&mut tx, &code).await?;
                units.insert(code.clone(), found);
            }
            units[&code].clone()
        };
        let Some(unit) = unit.filter(|u| !u.is_archived()) else {
            errors.push(row_error(
                row.number,
                column_of(table, "unit_id"),
                FieldError::new("unit_id", "unknown_unit_code").with("code", &code),
            ));
            continue;
        };
        if require_manage(caller, &unit).is_err() {
            errors.push(row_error(
                row.number,
                column_of(table, "unit_id"),
                FieldError::new("unit_id", "unit_outside_scope").with("code", &unit.code),
            ));
            continue;
        }
        let input = PatentInput {
            unit_id: Some(unit.id),
            kind: cell(row, KIND),
            number: cell(row, NUMBER),
            title: cell(row, TITLE),
            inventors: cell(row, INVENTORS),
            applied_on: cell(row, APPLIED),
            granted_on: cell(row, GRANTED),
            status: cell(row, STATUS),
        };
        match check_patent(&input, unit.id) {
            Ok(p) => {
                if let Some(first) = seen.insert(p.number.clone(), row.number) {
                    errors.push(row_error(
                        row.number,
                        column_of(table, "number"),
                        FieldError::new("number", "patent_number_repeated").with("row", first),
                    ));
                }
                checked.push(p);
            }
            Err(e) => {
                for fe in e.field_errors() {
                    errors.push(row_error(row.number, column_of(table, &fe.field), fe));
                }
            }
        }
    }
    let numbers: Vec<String> = checked.iter().map(|p| p.number.clone()).collect();
    for taken in store::patent_numbers_taken(&mut tx, &numbers).await? {
        let row = seen.get(&taken).copied().unwrap_or(0);
        errors.push(row_error(
            row,
            column_of(table, "number"),
            FieldError::new("number", "patent_number_taken"),
        ));
    }
    if rows == 0 {
        errors.push(row_error(
            2,
            String::new(),
            FieldError::new("file", "file_without_rows"),
        ));
    }
    errors.sort_by_key(|e| e.row);
    if !errors.is_empty() || dry_run {
        tx.rollback().await?;
        return Ok(PatentImportReport {
            rows,
            dry_run,
            errors,
            created: Vec::new(),
        });
    }
    let mut created = Vec::new();
    let now = Timestamp::now();
    for p in &checked {
        let id = store::insert_patent(&mut tx, p, caller.user_id(), now).await?;
        log_patent(&mut tx, caller, "patent.import", id, p).await?;
        created.push(
            store::get_patent(&mut tx, id)
                .await?
                .ok_or_else(|| AppError::internal("imported patent"))?,
        );
    }
    tx.commit().await?;
    Ok(PatentImportReport {
        rows,
        dry_run,
        errors,
        created,
    })
}
