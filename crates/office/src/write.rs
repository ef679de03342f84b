use crate::OfficeError;
use rust_xlsxwriter::{Format, Workbook};

/// CSV with a UTF-8 byte-order mark, which Excel needs to show Chinese correctly. Rows may
/// be shorter or longer than the header.
pub fn write_csv(headers: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        // Not flexible, the writer refuses a row of another length, and the row would be lost.
        let mut writer = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(&mut out);
        // Writing to memory cannot fail.
        let _ = writer.write_record(headers);
        let _ = writer.flush();
    }
    out.extend(write_csv_rows(rows));
    out
}

/// Rows of CSV without the heading and its byte-order mark: the batches after the first of a
/// streamed export.
pub fn write_csv_rows(rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut writer = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(&mut out);
        for row in rows {
            // Writing to memory cannot fail.
            let _ = writer.write_record(row.iter().map(|c| neutralise_formula(c)));
        }
        let _ = writer.flush();
    }
    out
}

/// A workbook with one sheet, a bold frozen header row and sensible column widths.
pub fn write_xlsx(
    sheet_name: &str,
    headers: &[&str],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, OfficeError> {
    let fail = |e: rust_xlsxwriter::XlsxError| OfficeError::Unreadable(e.to_string());
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name).map_err(fail)?;
    let bold = Format::new().set_bold();
    let mut widths: Vec<usize> = headers.iter().map(|h| display_width(h)).collect();
    for (c, h) in headers.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(fail)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            // Written as text always: codes and numbers keep their exact form.
            sheet
                .write_string(r as u32 + 1, c as u16, cell)
                .map_err(fail)?;
            if let Some(w) = widths.get_mut(c) {
                *w = (*w).max(display_width(cell));
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        sheet
            .set_column_width(c as u16, (*w as f64 + 2.0).min(60.0))
            .map_err(fail)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(fail)?;
    book.save_to_buffer().map_err(fail)
}

/// Wide (CJK) characters take two columns.
fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) > 0x2E7F { 2 } else { 1 })
        .sum()
}

/// A cell starting with = + - @ would run as a formula when the CSV is opened in a spreadsheet.
fn neutralise_formula(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{SheetFormat, read_table};

    #[test]
    fn xlsx_round_trips_chinese_text_and_codes() {
        let rows = vec![
            vec![
                "CN-NM".to_string(),
                "内蒙古自治区总工会".to_string(),
                "1001".to_string(),
            ],
            vec![
                "CN-LN".to_string(),
                "辽宁省总工会".to_string(),
                "".to_string(),
            ],
        ];
        let bytes = write_xlsx("组织", &["编码", "名称", "编号"], &rows).unwrap();
        assert_eq!(SheetFormat::detect(&bytes).unwrap(), SheetFormat::Xlsx);
        let table = read_table(&bytes, 10).unwrap();
        assert_eq!(table.headers, vec!["编码", "名称", "编号"]);
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[0].number, 2);
        assert_eq!(table.rows[0].get(1), "内蒙古自治区总工会");
        assert_eq!(table.rows[0].get(2), "1001");
        assert_eq!(table.rows[1].get(2), "");
    }

    #[test]
    fn csv_reads_utf8_with_bom_and_gbk() {
        let out = write_csv(
            &["code", "name"],
            &[
                vec!["JZ".into(), "锦州市总工会".into()],
                vec!["X".into(), "=1+1".into()],
            ],
        );
        let table = read_table(&out, 10).unwrap();
        assert_eq!(table.headers, vec!["code", "name"]);
        assert_eq!(table.rows[0].get(1), "锦州市总工会");
        assert_eq!(table.rows[1].get(1), "'=1+1");

        let (gbk, _, _) = encoding_rs::GBK.encode("编码,名称\nDL,大连市总工会\n");
        let table = read_table(&gbk, 10).unwrap();
        assert_eq!(table.column(&["code", "编码"]), Some(0));
        assert_eq!(table.rows[0].get(1), "大连市总工会");
        assert_eq!(table.rows[0].number, 2);
    }

    #[test]
    fn csv_keeps_rows_of_another_length_than_the_header() {
        // Found by the round-trip property: a short row after a long one vanished.
        let rows = vec![
            vec![String::new(), String::new()],
            vec!["a".to_string()],
            vec!["b".into(), "c".into(), "d".into()],
        ];
        let table = read_table(&write_csv(&["A"], &rows), 10).unwrap();
        let cells: Vec<_> = table.rows.iter().map(|r| r.cells.clone()).collect();
        assert_eq!(cells, vec![vec!["a"], vec!["b", "c", "d"]]);
    }

    #[test]
    fn refuses_binaries_empty_files_and_too_many_rows() {
        assert_eq!(read_table(b"", 10), Err(OfficeError::Empty));
        assert_eq!(
            read_table(b"%PDF-1.4\0\0binary", 10),
            Err(OfficeError::UnsupportedFormat)
        );
        assert_eq!(read_table(b"\n\n , \n", 10), Err(OfficeError::NoHeader));
        let many: String = std::iter::once("a\n".to_string())
            .chain((0..20).map(|i| format!("{i}\n")))
            .collect();
        assert_eq!(
            read_table(many.as_bytes(), 5),
            Err(OfficeError::TooManyRows { max: 5 })
        );
        assert!(matches!(
            read_table(b"PK\x03\x04garbage", 10),
            Err(OfficeError::Unreadable(_))
        ));
    }

    #[test]
    fn blank_rows_are_skipped_but_numbers_stay_true() {
        let table = read_table("code,name\n\nA,甲\n,\nB,乙\n".as_bytes(), 10).unwrap();
        let numbers: Vec<usize> = table.rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, vec![3, 5]);
    }
}
