//! The workbook an import sends back when rows are wrong: the user's rows where they were, each
//! wrong cell filled red with a note saying what is wrong, and a last column listing every
//! problem of the row, so the user corrects the file itself and imports it again.

use crate::OfficeError;
use crate::read::Table;
use rust_xlsxwriter::{Color, Format, Note, Workbook};
use std::collections::BTreeMap;

/// A problem to mark: the row as the sheet numbers it (the heading is row 1) and the column
/// (from 0), or no column for a problem of the whole row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub row: usize,
    pub column: Option<usize>,
    pub message: String,
}

/// `table` written back with `marks`, its problems listed under `problems_heading`.
pub fn write_marked_xlsx(
    table: &Table,
    marks: &[Mark],
    problems_heading: &str,
) -> Result<Vec<u8>, OfficeError> {
    let fail = |e: rust_xlsxwriter::XlsxError| OfficeError::Unreadable(e.to_string());
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Format::new().set_bold();
    let wrong = Format::new().set_background_color(Color::RGB(0xF8_C8_C8));
    let problem_heading = Format::new()
        .set_bold()
        .set_font_color(Color::RGB(0xB0_00_00));
    let problem_text = Format::new().set_font_color(Color::RGB(0xB0_00_00));
    let last = u16::try_from(table.headers.len()).unwrap_or(u16::MAX);
    let mut by_row: BTreeMap<usize, Vec<&Mark>> = BTreeMap::new();
    for m in marks {
        by_row.entry(m.row).or_default().push(m);
    }
    let cell_marked = |row: usize, column: usize| {
        by_row
            .get(&row)
            .is_some_and(|ms| ms.iter().any(|m| m.column == Some(column)))
    };
    for (c, h) in table.headers.iter().enumerate() {
        let format = if cell_marked(1, c) { &wrong } else { &bold };
        sheet
            .write_string_with_format(0, c as u16, h, format)
            .map_err(fail)?;
    }
    sheet
        .write_string_with_format(0, last, problems_heading, &problem_heading)
        .map_err(fail)?;
    for row in &table.rows {
        let r = sheet_row(row.number)?;
        for (c, value) in row.cells.iter().enumerate() {
            if cell_marked(row.number, c) {
                sheet
                    .write_string_with_format(r, c as u16, value, &wrong)
                    .map_err(fail)?;
            } else {
                sheet.write_string(r, c as u16, value).map_err(fail)?;
            }
        }
    }
    for (row, ms) in &by_row {
        let r = sheet_row(*row)?;
        let mut notes: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
        for m in ms {
            if let Some(c) = m.column {
                notes.entry(c).or_default().push(&m.message);
            }
        }
        for (c, texts) in notes {
            let note = Note::new(texts.join("\n")).set_author("Ingot");
            sheet.insert_note(r, c as u16, &note).map_err(fail)?;
            // A marked cell past the row's end (a missing column) still shows its fill.
            if row_len(table, *row) <= c {
                sheet
                    .write_string_with_format(r, c as u16, "", &wrong)
                    .map_err(fail)?;
            }
        }
        let all: Vec<&str> = ms.iter().map(|m| m.message.as_str()).collect();
        sheet
            .write_string_with_format(r, last, all.join("; "), &problem_text)
            .map_err(fail)?;
    }
    sheet.set_column_width(last, 60).map_err(fail)?;
    sheet.set_freeze_panes(1, 0).map_err(fail)?;
    book.save_to_buffer().map_err(fail)
}

/// The sheet's 0-based row of a row numbered as the sheet shows it.
fn sheet_row(number: usize) -> Result<u32, OfficeError> {
    u32::try_from(number.saturating_sub(1))
        .map_err(|_| OfficeError::Unreadable(format!("row {number} beyond the sheet")))
}

fn row_len(table: &Table, number: usize) -> usize {
    if number == 1 {
        return table.headers.len();
    }
    table
        .rows
        .iter()
        .find(|r| r.number == number)
        .map_or(0, |r| r.cells.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read_table;
    use std::io::Read;

    /// The text of a part of the workbook (the notes live in `xl/comments1.xml`).
    fn part(bytes: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut text = String::new();
        zip.by_name(name)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    }

    #[test]
    fn wrong_cells_carry_their_message_and_rows_stay_where_they_were() {
        let table = read_table("名称,年度\n甲,2020\n\n乙,二〇二〇\n".as_bytes(), 10).unwrap();
        let marks = vec![Mark {
            row: 4,
            column: Some(1),
            message: "年度：不是整数".into(),
        }];
        let bytes = write_marked_xlsx(&table, &marks, "问题").unwrap();
        let back = read_table(&bytes, 10).unwrap();
        assert_eq!(back.headers, vec!["名称", "年度", "问题"]);
        // The blank line stays blank: row 4 is still row 4.
        assert_eq!(back.rows[1].number, 4);
        assert_eq!(back.rows[1].cells, vec!["乙", "二〇二〇", "年度：不是整数"]);
        assert_eq!(back.rows[0].cells, vec!["甲", "2020"]);
        let comments = part(&bytes, "xl/comments1.xml");
        assert!(comments.contains("ref=\"B4\""), "{comments}");
        assert!(comments.contains("年度：不是整数"), "{comments}");
    }
}
