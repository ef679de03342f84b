//! Properties over arbitrary input: reading never panics and fails only with a known code,
//! a table read back is the table written (within the normalisations documented below),
//! and whatever is returned lies within the budget.

use crate::support::*;
use ingot_office::{OfficeError, Table, read_table, write_csv, write_xlsx};
use proptest::collection::vec;
use proptest::prelude::*;

const MAX_ROWS: usize = 50;

fn known_outcome(result: &Result<Table, OfficeError>) -> Result<(), TestCaseError> {
    match result {
        Ok(table) => {
            prop_assert!(table.rows.len() <= MAX_ROWS);
            prop_assert!(table.headers.len() <= 256);
            prop_assert!(table.rows.iter().all(|r| r.cells.len() <= 256));
        }
        Err(e) => prop_assert!(OfficeError::CODES.contains(&e.code()), "{e:?}"),
    }
    Ok(())
}

/// Text as people and attackers type it: letters, CJK, quotes, separators, line breaks,
/// Excel's escape syntax, emoji and any other character.
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => "[a-zA-Z0-9 ]{1,4}",
        2 => "[北方稀土内蒙古自治区总工会]{1,3}",
        2 => prop::sample::select(vec![
            ",", "\"", "'", "\n", "\r\n", "\r", "\t", " ", "=", "+", "-", "@", "_x000D_",
            "_x005F_", "&amp;", "<t>", "😀", "\u{feff}", "\u{a0}", "\u{1}",
        ])
        .prop_map(str::to_string),
        1 => any::<char>().prop_map(String::from),
    ];
    vec(piece, 0..5).prop_map(|p| p.concat())
}

/// Headers that name at least one column, and ragged rows beneath them.
fn table() -> impl Strategy<Value = (Vec<String>, Vec<Vec<String>>)> {
    let headers = vec(text(), 1..6).prop_filter("a named column", |h| {
        h.iter()
            .any(|c| !c.trim_matches(is_space_or_bom).is_empty())
    });
    (headers, vec(vec(text(), 0..7), 0..12))
}

fn is_space_or_bom(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// What a reader returns for rows: blank rows dropped, headers trimmed of spaces and a
/// byte-order mark, trailing empty cells not kept.
fn expected(headers: &[String], rows: &[Vec<String>]) -> (Vec<String>, Vec<Vec<String>>) {
    let blank = |r: &Vec<String>| r.iter().all(|c| c.trim().is_empty());
    let mut all = std::iter::once(headers.to_vec())
        .chain(rows.iter().cloned())
        .filter(|r| !blank(r));
    let headers = all
        .next()
        .map(|h| {
            h.iter()
                .map(|c| c.trim_matches(is_space_or_bom).to_string())
                .collect()
        })
        .unwrap_or_default();
    (trimmed(headers), all.map(trimmed).collect())
}

fn trimmed(mut cells: Vec<String>) -> Vec<String> {
    while cells.last().is_some_and(String::is_empty) {
        cells.pop();
    }
    cells
}

fn actual(table: Table) -> (Vec<String>, Vec<Vec<String>>) {
    (
        trimmed(table.headers),
        table.rows.into_iter().map(|r| trimmed(r.cells)).collect(),
    )
}

/// CSV cells starting like a formula are written with a leading apostrophe; a NUL marks a
/// binary file, so text with one is not CSV.
fn as_csv_writes_it(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// A sheet starts at its first column holding a value.
fn as_xlsx_keeps_it(headers: &[String], rows: &[Vec<String>]) -> (Vec<String>, Vec<Vec<String>>) {
    let (headers, rows) = (headers.to_vec(), rows.to_vec());
    let first = std::iter::once(&headers)
        .chain(&rows)
        .filter_map(|r| r.iter().position(|c| !c.is_empty()))
        .min()
        .unwrap_or(0);
    let skip = |r: &Vec<String>| r.iter().skip(first).cloned().collect::<Vec<_>>();
    (skip(&headers), rows.iter().map(skip).collect())
}

/// A cell of a sheet as a hostile writer might put it: any reference, type, style and value.
fn sheet_cell() -> impl Strategy<Value = String> {
    let reference = prop_oneof![
        3 => "[A-Z]{1,3}[1-9][0-9]{0,6}".prop_map(Some),
        1 => ".{0,8}".prop_map(Some),
        1 => Just(None),
    ];
    let kind = prop::option::of(prop_oneof![
        prop::sample::select(vec!["s", "inlineStr", "b", "n", "e", "str", "d"])
            .prop_map(str::to_string),
        ".{0,4}",
    ]);
    let style = prop::option::of("[0-9]{1,3}|.{0,3}");
    (reference, kind, style, text(), any::<bool>()).prop_map(|(r, t, s, value, inline)| {
        let attr = |name: &str, v: Option<String>| {
            v.map(|v| format!(r#" {name}="{}""#, escape(&v)))
                .unwrap_or_default()
        };
        let body = if inline {
            format!("<is><t>{}</t></is>", escape(&value))
        } else {
            format!("<v>{}</v>", escape(&value))
        };
        format!(
            "<c{}{}{}>{body}</c>",
            attr("r", r),
            attr("t", t),
            attr("s", s)
        )
    })
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_read_as_a_table_or_a_known_error(bytes in vec(any::<u8>(), 0..4096)) {
        known_outcome(&read_table(&bytes, MAX_ROWS))?;
    }

    #[test]
    fn arbitrary_archives_read_as_a_table_or_a_known_error(tail in vec(any::<u8>(), 0..4096)) {
        let bytes = [b"PK\x03\x04".as_slice(), &tail].concat();
        known_outcome(&read_table(&bytes, MAX_ROWS))?;
    }

    #[test]
    fn damaged_workbooks_read_as_a_table_or_a_known_error(
        edits in vec((any::<prop::sample::Index>(), any::<u8>()), 1..6)
    ) {
        let mut bytes = inline_workbook(&[("A1", "code"), ("B1", "名称"), ("A2", "x")]);
        for (at, byte) in edits {
            let at = at.index(bytes.len());
            bytes[at] = byte;
        }
        known_outcome(&read_table(&bytes, MAX_ROWS))?;
    }

    #[test]
    fn arbitrary_sheets_read_within_the_budget(
        rows in vec((prop::option::of("[0-9]{1,8}|.{0,4}"), vec(sheet_cell(), 0..6)), 0..8),
        shared in vec(text(), 0..4),
    ) {
        let rows: String = rows
            .into_iter()
            .map(|(r, cells)| {
                let r = r.map(|r| format!(r#" r="{}""#, escape(&r))).unwrap_or_default();
                format!("<row{r}>{}</row>", cells.concat())
            })
            .collect();
        let shared: String = shared
            .iter()
            .map(|s| format!(r#"<si><t xml:space="preserve">{}</t></si>"#, escape(s)))
            .collect();
        let bytes = workbook(&sheet_xml(&rows), &format!("<sst>{shared}</sst>"));
        let result = read_table(&bytes, MAX_ROWS);
        known_outcome(&result)?;
        if let Ok(table) = result {
            prop_assert!(table.rows.iter().all(|r| r.number <= MAX_ROWS + 1));
        }
    }

    #[test]
    fn csv_written_reads_back((headers, rows) in table()) {
        prop_assume!(!headers.iter().chain(rows.iter().flatten()).any(|c| c.contains('\0')));
        let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
        let bytes = write_csv(&header_refs, &rows);
        let written: Vec<Vec<String>> =
            rows.iter().map(|r| r.iter().map(|c| as_csv_writes_it(c)).collect()).collect();
        prop_assert_eq!(actual(read_table(&bytes, MAX_ROWS).unwrap()), expected(&headers, &written));
    }

    #[test]
    fn xlsx_written_reads_back((headers, rows) in table()) {
        let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
        let bytes = write_xlsx("表", &header_refs, &rows).unwrap();
        let (headers, rows) = as_xlsx_keeps_it(&headers, &rows);
        prop_assert_eq!(actual(read_table(&bytes, MAX_ROWS).unwrap()), expected(&headers, &rows));
    }
}

/// `B7` as (row, column), zero-based; the test's own parser, independent of the reader's.
fn position(cell: &str) -> (usize, usize) {
    let letters: String = cell.chars().take_while(char::is_ascii_alphabetic).collect();
    let row: usize = cell[letters.len()..].parse().expect("a row number");
    let col = letters.bytes().fold(0usize, |n, b| {
        n * 26 + usize::from(b.to_ascii_uppercase() - b'A' + 1)
    });
    (row - 1, col - 1)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Workbooks as Excel writes them (rust_xlsxwriter), with cells anywhere in a small grid
    /// and a small budget: within the budget they read; beyond it, the refusal names a cell
    /// that is there and lies beyond the budget, or the cell whose text is too long, so that
    /// the person can find it.
    #[test]
    fn refusals_of_a_workbook_name_the_cell(
        cells in vec(((0u32..40, 0u16..24), "[a-z0-9]{1,12}"), 1..30),
        max_rows in 1usize..30,
        max_columns in 1usize..16,
        max_cell_chars in 4usize..16,
    ) {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        // The header row names a column, so the sheet is a table.
        sheet.write_string(0, 0, "code").unwrap();
        let mut written = std::collections::HashMap::new();
        written.insert((0usize, 0usize), "code".to_string());
        for ((row, col), text) in &cells {
            sheet.write_string(*row, *col, text).unwrap();
            written.insert((*row as usize, usize::from(*col)), text.clone());
        }
        let bytes = book.save_to_buffer().unwrap();
        let limits = ingot_office::Limits {
            max_rows,
            max_columns,
            max_cell_chars,
            ..ingot_office::Limits::default()
        };
        let last_row = written.keys().map(|(r, _)| *r).max().unwrap();
        let last_col = written.keys().map(|(_, c)| *c).max().unwrap();
        let fits = last_row <= max_rows
            && last_col < max_columns
            && written.values().all(|t| t.chars().count() <= max_cell_chars);
        match ingot_office::read_table_with(&bytes, &limits) {
            Ok(table) => {
                prop_assert!(table.rows.len() <= max_rows);
                prop_assert!(fits, "beyond the budget yet read");
            }
            Err(OfficeError::SheetTooLarge { cell, max_rows: rows, max_columns: columns }) => {
                // Rows as the sheet numbers them: the header and the data rows.
                prop_assert_eq!((rows, columns), (max_rows + 1, max_columns));
                prop_assert!(!fits);
                let (r, c) = position(&cell);
                prop_assert!(r > max_rows || c >= max_columns, "{cell} lies within the budget");
                // A written cell, or the far corner of the written cells (the sheet's dimension).
                prop_assert!(
                    written.contains_key(&(r, c)) || (r == last_row && c == last_col),
                    "{cell} is not a cell of the sheet"
                );
            }
            Err(OfficeError::CellTooLong { cell, max_chars }) => {
                prop_assert_eq!(max_chars, max_cell_chars);
                let text = written.get(&position(&cell));
                prop_assert!(
                    text.is_some_and(|t| t.chars().count() > max_cell_chars),
                    "{cell} holds {text:?}"
                );
            }
            Err(OfficeError::TooManyRows { max }) => {
                prop_assert_eq!(max, max_rows);
                prop_assert!(last_row > max_rows);
            }
            Err(other) => prop_assert!(false, "unexpected refusal {other:?} (fits: {fits})"),
        }
    }
}
