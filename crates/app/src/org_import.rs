//! Importing an organisation tree from CSV or XLSX. Every row is checked first; if any row is
//! wrong, the report lists each problem by row and column and nothing is saved.

use crate::audit::{Change, record};
use crate::orgs::{check_placement, insert_checked};
use crate::{Caller, Result};
use ingot_domain::org::{NewOrg, OrgInput, Organisation};
use ingot_domain::policy::Action;
use ingot_domain::{AppError, FieldError, OrgId, OrgKind};
use ingot_office::Table;
use ingot_store::{Db, orgs};
use std::collections::{HashMap, HashSet};

pub const MAX_IMPORT_ROWS: usize = 20_000;

/// One problem in the file: the spreadsheet row (the header is row 1), the column as headed in
/// the file, and a stable code with its parameters.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub error: FieldError,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportReport {
    pub rows: usize,
    pub dry_run: bool,
    pub errors: Vec<RowError>,
    /// The organisations created (empty for a dry run or when there were errors).
    pub created: Vec<Organisation>,
}

impl ImportReport {
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Reads the uploaded file; runs the parser on a blocking thread.
/// A spreadsheet's problem as the `file` field's error, with the values its message names.
pub fn file_error(e: &ingot_office::OfficeError) -> FieldError {
    e.params()
        .into_iter()
        .fold(FieldError::new("file", e.code()), |error, (name, value)| {
            error.with(name, value)
        })
}

pub async fn read_file(bytes: Vec<u8>) -> Result<Table> {
    tokio::task::spawn_blocking(move || ingot_office::read_table(&bytes, MAX_IMPORT_ROWS))
        .await
        .map_err(AppError::internal)?
        .map_err(|e| AppError::Validation(vec![file_error(&e)]))
}

struct Columns {
    code: usize,
    name: usize,
    kind: usize,
    name_en: Option<usize>,
    parent: Option<usize>,
}

const CODE: &[&str] = &["code", "编码", "代码", "组织编码", "单位编码"];
const NAME: &[&str] = &["name", "名称", "组织名称", "单位名称"];
const NAME_EN: &[&str] = &["name_en", "english name", "英文名称"];
const KIND: &[&str] = &["kind", "type", "类型", "层级", "组织类型"];
const PARENT: &[&str] = &["parent_code", "parent", "上级编码", "上级代码", "上级"];

/// Kinds as people write them in Chinese spreadsheets, besides the English codes.
fn parse_kind(raw: &str) -> String {
    let kind = match raw.trim() {
        "全国" | "全国总工会" | "国家" => OrgKind::National,
        "省" | "省级" | "自治区" | "省/自治区" => OrgKind::Province,
        "市" | "市级" | "地市" => OrgKind::City,
        "区" | "县" | "区县" | "区/县" => OrgKind::District,
        "企业" | "集团" => OrgKind::Enterprise,
        "分公司" | "子公司" | "分支机构" => OrgKind::Branch,
        "部门" | "车间" | "科室" => OrgKind::Department,
        "外部" | "外部机构" | "高校" | "科研院所" => OrgKind::External,
        other => return other.to_string(),
    };
    kind.as_str().to_string()
}

fn columns(table: &Table) -> std::result::Result<Columns, Vec<RowError>> {
    let mut missing = Vec::new();
    let mut need = |names: &[&'static str], field: &'static str| {
        let found = table.column(names);
        if found.is_none() {
            missing.push(RowError {
                row: 1,
                column: names[0].to_string(),
                error: FieldError::new(field, "missing_column")
                    .with("column", format!("{} / {}", names[0], names[1])),
            });
        }
        found.unwrap_or(0)
    };
    let cols = Columns {
        code: need(CODE, "code"),
        name: need(NAME, "name"),
        kind: need(KIND, "kind"),
        name_en: table.column(NAME_EN),
        parent: table.column(PARENT),
    };
    if missing.is_empty() {
        Ok(cols)
    } else {
        Err(missing)
    }
}

/// Where a row's new organisation hangs.
#[derive(Clone)]
enum ParentRef {
    Existing(Organisation),
    InFile(usize),
    Root,
}

pub async fn import(
    db: &Db,
    caller: &Caller<'_>,
    table: &Table,
    under: Option<OrgId>,
    dry_run: bool,
) -> Result<ImportReport> {
    let mut report = ImportReport {
        rows: table.rows.len(),
        dry_run,
        errors: Vec::new(),
        created: Vec::new(),
    };
    let cols = match columns(table) {
        Ok(c) => c,
        Err(errors) => {
            report.errors = errors;
            return Ok(report);
        }
    };
    let header = |i: usize| table.headers.get(i).cloned().unwrap_or_default();
    let column_of = |field: &str| match field {
        "code" => header(cols.code),
        "name" => header(cols.name),
        "kind" => header(cols.kind),
        "name_en" => cols.name_en.map(header).unwrap_or_default(),
        _ => cols.parent.map(header).unwrap_or_default(),
    };
    let mut errors: Vec<RowError> = Vec::new();
    let mut push = |row: usize, error: FieldError| {
        errors.push(RowError {
            row,
            column: column_of(&error.field),
            error,
        })
    };

    let mut tx = db.begin().await?;
    let under = match under {
        Some(id) => Some(
            orgs::get(&mut tx, id)
                .await?
                .ok_or_else(|| AppError::field("parent", "unknown_org"))?,
        ),
        None => None,
    };

    // 1. Each row on its own.
    let mut parsed: Vec<Option<NewOrg>> = Vec::with_capacity(table.rows.len());
    let mut first_row_of_code: HashMap<String, usize> = HashMap::new();
    for row in &table.rows {
        let input = OrgInput {
            parent_id: None,
            code: row.get(cols.code).to_string(),
            name: row.get(cols.name).to_string(),
            name_en: cols.name_en.map(|c| row.get(c).to_string()),
            kind: parse_kind(row.get(cols.kind)),
        };
        match input.validate(None) {
            Ok(new) => {
                if let Some(first) = first_row_of_code.get(&new.code) {
                    push(
                        row.number,
                        FieldError::new("code", "duplicate_in_file").with("row", first),
                    );
                    parsed.push(None);
                } else {
                    first_row_of_code.insert(new.code.clone(), row.number);
                    parsed.push(Some(new));
                }
            }
            Err(field_errors) => {
                field_errors.into_iter().for_each(|e| push(row.number, e));
                parsed.push(None);
            }
        }
    }

    // 2. Codes already taken, and parents that already exist.
    let mut codes: Vec<String> = parsed.iter().flatten().map(|n| n.code.clone()).collect();
    let parent_codes: Vec<String> = match cols.parent {
        Some(c) => table
            .rows
            .iter()
            .map(|r| r.get(c).to_string())
            .filter(|p| !p.is_empty())
            .collect(),
        None => Vec::new(),
    };
    codes.extend(parent_codes.iter().cloned());
    codes.sort();
    codes.dedup();
    let existing: HashMap<String, Organisation> = orgs::existing_codes(&mut tx, &codes)
        .await?
        .into_iter()
        .map(|o| (o.code.clone(), o))
        .collect();
    let index_of_code: HashMap<&str, usize> = parsed
        .iter()
        .enumerate()
        .filter_map(|(i, n)| n.as_ref().map(|n| (n.code.as_str(), i)))
        .collect();

    // Every code the file names, valid or not: a parent with a bad row is not "unknown".
    let file_codes: HashSet<&str> = table.rows.iter().map(|r| r.get(cols.code)).collect();
    let mut parents: Vec<Option<ParentRef>> = vec![None; parsed.len()];
    for (i, row) in table.rows.iter().enumerate() {
        let parent_code = cols.parent.map(|c| row.get(c)).unwrap_or("");
        let parent_unknown = !parent_code.is_empty()
            && !file_codes.contains(parent_code)
            && !existing.contains_key(parent_code);
        if parent_unknown {
            // Reported for every row, so a file is corrected in one pass.
            push(
                row.number,
                FieldError::new("parent_code", "unknown_parent").with("code", parent_code),
            );
        }
        let Some(new) = &parsed[i] else { continue };
        if existing.contains_key(&new.code) {
            push(
                row.number,
                FieldError::new("code", "org_code_taken").with("code", &new.code),
            );
            continue;
        }
        let parent = if parent_code.is_empty() {
            match &under {
                Some(u) => ParentRef::Existing(u.clone()),
                None => ParentRef::Root,
            }
        } else if let Some(&j) = index_of_code.get(parent_code) {
            ParentRef::InFile(j)
        } else if let Some(o) = existing.get(parent_code) {
            ParentRef::Existing(o.clone())
        } else {
            // Unknown (reported above), or a row of the file that is itself wrong.
            continue;
        };
        parents[i] = Some(parent);
    }

    // 3. Order parents before children; what cannot be ordered is a cycle.
    let order = topological_order(&parents);
    let ordered: HashSet<usize> = order.iter().copied().collect();
    for i in 0..parents.len() {
        if !ordered.contains(&i) && in_cycle(&parents, i) {
            push(
                table.rows[i].number,
                FieldError::new("parent_code", "parent_cycle"),
            );
        }
    }

    // 4. Placement, permission and sibling names, in order, with kinds of in-file parents known.
    let mut sibling_names: HashMap<(String, String), usize> = HashMap::new();
    let mut existing_children: HashMap<OrgId, HashSet<String>> = HashMap::new();
    for &i in &order {
        let (Some(new), Some(parent)) = (&parsed[i], &parents[i]) else {
            continue;
        };
        let row = table.rows[i].number;
        let (parent_kind, parent_key) = match parent {
            ParentRef::Existing(p) => {
                if !caller.permits(Action::ImportOrgs, &p.path) {
                    push(
                        row,
                        FieldError::new("parent_code", "forbidden_parent").with("code", &p.code),
                    );
                    continue;
                }
                if p.is_archived() {
                    push(
                        row,
                        FieldError::new("parent_code", "org_parent_archived").with("code", &p.code),
                    );
                    continue;
                }
                if let std::collections::hash_map::Entry::Vacant(slot) =
                    existing_children.entry(p.id)
                {
                    let children = orgs::children(&mut tx, Some(p.id), false).await?;
                    slot.insert(children.into_iter().map(|n| n.org.name).collect());
                }
                if existing_children[&p.id].contains(&new.name) {
                    push(
                        row,
                        FieldError::new("name", "org_name_taken").with("name", &new.name),
                    );
                }
                (Some(p.kind), p.code.clone())
            }
            ParentRef::InFile(j) => (
                parsed[*j].as_ref().map(|n| n.kind),
                parsed[*j]
                    .as_ref()
                    .map(|n| n.code.clone())
                    .unwrap_or_default(),
            ),
            ParentRef::Root => {
                if !caller.is_root_admin() {
                    push(row, FieldError::new("parent_code", "parent_required"));
                    continue;
                }
                (None, String::new())
            }
        };
        if !new.kind.may_sit_under(parent_kind) {
            let mut e =
                FieldError::new("kind", "org_kind_misplaced").with("kind", new.kind.as_str());
            if let Some(k) = parent_kind {
                e = e.with("parent_kind", k.as_str());
            }
            push(row, e);
        }
        if let Some(first) = sibling_names.insert((parent_key, new.name.clone()), row) {
            push(
                row,
                FieldError::new("name", "duplicate_sibling_in_file").with("row", first),
            );
        }
    }

    errors.sort_by(|a, b| (a.row, &a.column).cmp(&(b.row, &b.column)));
    report.errors = errors;
    if !report.errors.is_empty() || dry_run {
        tx.rollback().await?;
        return Ok(report);
    }

    // 5. All rows are good: create them in order, in this one transaction.
    let mut created: HashMap<usize, Organisation> = HashMap::new();
    for &i in &order {
        let mut new = parsed[i]
            .clone()
            .ok_or_else(|| AppError::internal("unparsed row in import order"))?;
        let parent = match &parents[i] {
            Some(ParentRef::Existing(p)) => Some(p.clone()),
            Some(ParentRef::InFile(j)) => Some(
                created
                    .get(j)
                    .cloned()
                    .ok_or_else(|| AppError::internal("parent not created"))?,
            ),
            _ => None,
        };
        new.parent_id = parent.as_ref().map(|p| p.id);
        check_placement(&new, parent.as_ref())?;
        let org = insert_checked(&mut tx, caller, &new, parent.as_ref()).await?;
        created.insert(i, org);
    }
    let mut created: Vec<Organisation> = order.iter().filter_map(|i| created.remove(i)).collect();
    created.sort_by(|a, b| a.path.cmp(&b.path));
    let summary = serde_json::json!({ "rows": report.rows, "created": created.len() });
    let mut change = Change::new("org.import", "organisation", None).after(&summary);
    change.org_id = under.as_ref().map(|u| u.id);
    record(&mut tx, caller, change).await?;
    tx.commit().await?;
    report.created = created;
    Ok(report)
}

/// Indices of rows whose parent is known, parents first (Kahn's algorithm over the in-file
/// parent links). Rows in a cycle, or below a row that could not be placed, are left out.
fn topological_order(parents: &[Option<ParentRef>]) -> Vec<usize> {
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); parents.len()];
    let mut queue: std::collections::VecDeque<usize> = std::collections::VecDeque::new();
    for (i, p) in parents.iter().enumerate() {
        match p {
            Some(ParentRef::InFile(j)) => children[*j].push(i),
            Some(_) => queue.push_back(i),
            None => {}
        }
    }
    let mut order = Vec::with_capacity(parents.len());
    while let Some(i) = queue.pop_front() {
        order.push(i);
        queue.extend(children[i].iter().copied());
    }
    order
}

/// Whether following in-file parents from `start` comes back to it.
fn in_cycle(parents: &[Option<ParentRef>], start: usize) -> bool {
    let mut at = start;
    for _ in 0..parents.len() {
        match &parents[at] {
            Some(ParentRef::InFile(j)) if *j == start => return true,
            Some(ParentRef::InFile(j)) => at = *j,
            _ => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn existing() -> Option<ParentRef> {
        Some(ParentRef::Root)
    }

    #[test]
    fn orders_parents_first_and_drops_cycles() {
        // 0 <- 1 <- 2 ; 3 <-> 4 cycle ; 5 has unknown parent (None) ; 6 hangs from 5
        let parents = vec![
            existing(),
            Some(ParentRef::InFile(0)),
            Some(ParentRef::InFile(1)),
            Some(ParentRef::InFile(4)),
            Some(ParentRef::InFile(3)),
            None,
            Some(ParentRef::InFile(5)),
        ];
        let order = topological_order(&parents);
        let pos = |i| order.iter().position(|&x| x == i);
        assert!(pos(0) < pos(1) && pos(1) < pos(2), "{order:?}");
        for left_out in [3, 4, 5, 6] {
            assert_eq!(pos(left_out), None, "{order:?}");
        }
        assert_eq!(order.len(), 3);
        assert!(in_cycle(&parents, 3) && in_cycle(&parents, 4));
        assert!(!in_cycle(&parents, 6) && !in_cycle(&parents, 2));
    }

    #[test]
    fn chinese_kind_labels() {
        assert_eq!(parse_kind("分公司"), "branch");
        assert_eq!(parse_kind("enterprise"), "enterprise");
        assert_eq!(parse_kind("星系"), "星系");
    }
}
