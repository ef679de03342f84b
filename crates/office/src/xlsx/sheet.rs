//! The first sheet read as a stream of cells: every reference is checked against the row and
//! column budget as it is met, and only cells with a value are kept, so memory follows what
//! is returned, never what the file claims.

use super::shared_strings::SharedStrings;
use super::styles::{NumberKind, Styles};
use super::xml::{Part, TextError, attribute, unescape_excel};
use crate::budget::TableBudget;
use crate::cell_ref::CellPos;
use crate::{Limits, OfficeError, TableRow};
use quick_xml::events::Event;
use std::io::BufRead;

/// What cells refer to: the workbook's shared strings, styles and date system.
pub(super) struct SheetContext<'a> {
    pub shared: &'a SharedStrings,
    pub styles: &'a Styles,
    pub date1904: bool,
    pub limits: &'a Limits,
}

/// A row's cells with a value, by zero-based column, in the order the file gives them.
struct SparseRow {
    row: u32,
    cells: Vec<(u32, String)>,
    /// Cells charged to the budget so far: every column up to the rightmost value.
    charged_width: usize,
}

pub(super) fn read_sheet<R: BufRead>(
    mut part: Part<R>,
    ctx: &SheetContext<'_>,
) -> Result<Vec<TableRow>, OfficeError> {
    let limits = ctx.limits;
    let mut budget = TableBudget::new(limits);
    let mut rows: Vec<SparseRow> = Vec::new();
    // Where a row or cell without a reference falls: after the previous one.
    let (mut row, mut next_row, mut next_col) = (0u32, 0u32, 0u32);
    loop {
        match Tag::of(part.next()?) {
            Tag::Dimension(reference) => {
                // The declared used range, `A1:C20`: a reader that allocates by it would trust it.
                let last = reference.and_then(|r| r.rsplit(':').next().and_then(CellPos::parse));
                if let Some(last) = last {
                    check_position(last, limits)?;
                }
            }
            Tag::Row(number) => {
                row = number
                    .and_then(|r| r.parse::<u32>().ok())
                    .and_then(|r| r.checked_sub(1))
                    .unwrap_or(next_row);
                next_row = row.saturating_add(1);
                next_col = 0;
            }
            Tag::Cell {
                reference,
                kind,
                style,
                has_body,
            } => {
                let pos = match reference {
                    Some(r) => CellPos::parse(&r)
                        .ok_or_else(|| part.broken(&format!("bad cell reference {r:.20}")))?,
                    None => CellPos { row, col: next_col },
                };
                check_position(pos, limits)?;
                next_col = pos.col.saturating_add(1);
                if !has_body {
                    continue;
                }
                let style = style.and_then(|s| s.parse::<usize>().ok());
                let Some(text) = read_cell(&mut part, ctx, pos, kind.as_deref(), style)? else {
                    continue;
                };
                store(&mut rows, &mut budget, pos, text).map_err(|e| match e {
                    Stored::OutOfOrder => {
                        part.broken(&format!("rows out of order at {}", pos.name()))
                    }
                    Stored::Refused(e) => e,
                })?;
            }
            Tag::End => break,
            Tag::Other => {}
        }
    }
    Ok(into_table_rows(rows))
}

/// The events of a sheet that matter, with the attributes they need.
enum Tag {
    Dimension(Option<String>),
    Row(Option<String>),
    Cell {
        reference: Option<String>,
        kind: Option<String>,
        style: Option<String>,
        has_body: bool,
    },
    /// The end of the cells (what follows, such as merged ranges, is not needed) or the part.
    End,
    Other,
}

impl Tag {
    fn of(event: Event<'_>) -> Tag {
        let (e, has_body) = match event {
            Event::Start(e) => (e, true),
            Event::Empty(e) => (e, false),
            Event::End(e) if e.local_name().as_ref() == "sheetData" => return Tag::End,
            Event::Eof => return Tag::End,
            _ => return Tag::Other,
        };
        match e.local_name().as_ref() {
            "dimension" => Tag::Dimension(attribute(&e, "ref")),
            "row" => Tag::Row(attribute(&e, "r")),
            "c" => Tag::Cell {
                reference: attribute(&e, "r"),
                kind: attribute(&e, "t"),
                style: attribute(&e, "s"),
                has_body,
            },
            _ => Tag::Other,
        }
    }
}

/// A cell outside the budget is refused by its reference, before anything is allocated for it.
fn check_position(pos: CellPos, limits: &Limits) -> Result<(), OfficeError> {
    if pos.within(limits.sheet_rows(), limits.max_columns) {
        Ok(())
    } else {
        Err(OfficeError::SheetTooLarge {
            cell: pos.name(),
            max_rows: limits.sheet_rows(),
            max_columns: limits.max_columns,
        })
    }
}

enum Stored {
    OutOfOrder,
    Refused(OfficeError),
}

fn store(
    rows: &mut Vec<SparseRow>,
    budget: &mut TableBudget,
    pos: CellPos,
    text: String,
) -> Result<(), Stored> {
    match rows.last() {
        Some(last) if last.row == pos.row => {}
        Some(last) if last.row > pos.row => return Err(Stored::OutOfOrder),
        _ => {
            budget.charge_row().map_err(Stored::Refused)?;
            rows.push(SparseRow {
                row: pos.row,
                cells: Vec::new(),
                charged_width: 0,
            });
        }
    }
    let current = rows.last_mut().expect("a row was pushed above");
    let width = pos.col as usize + 1;
    let padding = width.saturating_sub(current.charged_width);
    budget
        .charge(padding, text.len() + size_of::<(u32, String)>())
        .map_err(Stored::Refused)?;
    current.charged_width = current.charged_width.max(width);
    current.cells.push((pos.col, text));
    Ok(())
}

/// Reads the cell just opened: its value (`<v>`) or inline string (`<is>`), as text.
fn read_cell<R: BufRead>(
    part: &mut Part<R>,
    ctx: &SheetContext<'_>,
    pos: CellPos,
    kind: Option<&str>,
    style: Option<usize>,
) -> Result<Option<String>, OfficeError> {
    let limits = ctx.limits;
    let too_long = || OfficeError::CellTooLong {
        cell: pos.name(),
        max_chars: limits.max_cell_chars,
    };
    let bounded = |result: Result<(), TextError>| match result {
        Ok(()) => Ok(()),
        Err(TextError::TooLong) => Err(too_long()),
        Err(TextError::Broken(e)) => Err(e),
    };
    let (mut value, mut inline) = (String::new(), None::<String>);
    loop {
        match part.next()? {
            Event::Start(e) if e.local_name().as_ref() == "v" => {
                bounded(part.plain_text(&mut value, limits.max_cell_bytes()))?;
            }
            Event::Start(e) if e.local_name().as_ref() == "is" => {
                let text = inline.get_or_insert_with(String::new);
                bounded(part.rich_text(text, limits.max_cell_bytes()))?;
            }
            // Formulas are not evaluated: their cached value in `<v>` is what the file says.
            Event::Start(_) => part.skip()?,
            Event::End(_) => break,
            Event::Eof => return Err(part.broken("unexpected end")),
            _ => {}
        }
    }
    let text = match kind {
        Some("s") => {
            let index = value.trim().parse::<usize>().ok();
            let shared = index.and_then(|i| ctx.shared.get(i)).ok_or_else(|| {
                part.broken(&format!(
                    "cell {}: no shared string {value:.20}",
                    pos.name()
                ))
            })?;
            shared.to_string()
        }
        Some("inlineStr") => inline.unwrap_or(value),
        Some("b") => match value.trim() {
            "1" => "true".to_string(),
            "0" => "false".to_string(),
            _ => value,
        },
        Some("str") => unescape_excel(&value).into_owned(),
        // Errors (`#DIV/0!`) and ISO dates as written.
        Some("e" | "d") => value,
        _ if value.trim().is_empty() => return Ok(None),
        _ => {
            let number = value.trim().parse::<f64>().map_err(|_| {
                part.broken(&format!("cell {}: not a number {value:.20}", pos.name()))
            })?;
            let kind = style.map_or(NumberKind::Plain, |s| ctx.styles.kind(s));
            number_text(number, kind, ctx.date1904)
        }
    };
    if text.chars().count() > limits.max_cell_chars {
        return Err(too_long());
    }
    Ok((!text.is_empty()).then_some(text))
}

fn number_text(value: f64, kind: NumberKind, date1904: bool) -> String {
    let date = match kind {
        NumberKind::Date => excel_date(value, date1904),
        NumberKind::Plain | NumberKind::Duration => None,
    };
    date.unwrap_or_else(|| plain_number(value))
}

/// Whole numbers typed into Excel are stored as floats; codes like 1001 must not become "1001.0".
fn plain_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        value.to_string()
    }
}

/// A serial day number as YYYY-MM-DD. In the 1900 system Excel counts the 29th of February
/// 1900, which never was, so serials from 61 on count from 1899-12-30.
fn excel_date(serial: f64, date1904: bool) -> Option<String> {
    // Excel's last day is 9999-12-31, serial 2,958,465.
    if !(0.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as u64;
    let epoch = match (date1904, days) {
        (true, _) => chrono::NaiveDate::from_ymd_opt(1904, 1, 1),
        (false, 0..60) => chrono::NaiveDate::from_ymd_opt(1899, 12, 31),
        (false, _) => chrono::NaiveDate::from_ymd_opt(1899, 12, 30),
    }?;
    Some(epoch.checked_add_days(chrono::Days::new(days))?.to_string())
}

/// Rows as the spreadsheet shows them: from the leftmost column holding a value, each row as
/// wide as its rightmost value.
fn into_table_rows(rows: Vec<SparseRow>) -> Vec<TableRow> {
    let first_col = rows
        .iter()
        .flat_map(|r| r.cells.iter().map(|(col, _)| *col))
        .min()
        .unwrap_or(0);
    rows.into_iter()
        .map(|sparse| {
            let width = sparse
                .cells
                .iter()
                .map(|(col, _)| (col - first_col) as usize + 1)
                .max()
                .unwrap_or(0);
            let mut cells = vec![String::new(); width];
            for (col, text) in sparse.cells {
                cells[(col - first_col) as usize] = text;
            }
            TableRow {
                number: sparse.row as usize + 1,
                cells,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_people_typed_them() {
        assert_eq!(plain_number(1001.0), "1001");
        assert_eq!(plain_number(-0.0), "0");
        assert_eq!(plain_number(2.5), "2.5");
        assert_eq!(plain_number(1e20), "100000000000000000000");
        assert_eq!(plain_number(f64::NAN), "NaN");
    }

    #[test]
    fn serial_days_become_dates_in_both_systems() {
        assert_eq!(excel_date(1.0, false).unwrap(), "1900-01-01");
        assert_eq!(excel_date(59.0, false).unwrap(), "1900-02-28");
        assert_eq!(excel_date(61.0, false).unwrap(), "1900-03-01");
        assert_eq!(excel_date(44927.75, false).unwrap(), "2023-01-01");
        assert_eq!(excel_date(2_958_465.0, false).unwrap(), "9999-12-31");
        assert_eq!(excel_date(0.0, true).unwrap(), "1904-01-01");
        assert_eq!(excel_date(-1.0, false), None);
        assert_eq!(excel_date(3e6, false), None);
        assert_eq!(number_text(45000.0, NumberKind::Duration, false), "45000");
    }
}
