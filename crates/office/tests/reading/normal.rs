//! Ordinary files read as before: values as people typed them, true row numbers, both CSV
//! encodings, and a full-size import within the budgets.

use crate::support::*;
use ingot_office::{read_table, write_xlsx};
use rust_xlsxwriter::{Format, Formula, Workbook};

#[test]
fn numbers_dates_booleans_and_formulas_read_as_shown() {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["code", "amount", "date", "日期", "flag", "sum", "time"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let iso = Format::new().set_num_format("yyyy-mm-dd");
    let chinese = Format::new().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
    let builtin = Format::new().set_num_format_index(14);
    let elapsed = Format::new().set_num_format("[h]:mm");
    sheet.write_number(1, 0, 1001.0).unwrap();
    sheet.write_number(1, 1, 2.5).unwrap();
    // 2024-03-15 is day 45366 of Excel's 1900 calendar; the time of day is dropped.
    sheet.write_number_with_format(1, 2, 45366.0, &iso).unwrap();
    sheet
        .write_number_with_format(1, 3, 45366.75, &chinese)
        .unwrap();
    sheet.write_boolean(1, 4, true).unwrap();
    // The cached result is read; the formula is never evaluated.
    sheet
        .write_formula(1, 5, Formula::new("=A2*3").set_result("2002"))
        .unwrap();
    sheet.write_number_with_format(1, 6, 1.5, &elapsed).unwrap();
    sheet.write_number_with_format(2, 2, 1.0, &builtin).unwrap();
    let table = read_table(&book.save_to_buffer().unwrap(), 10).unwrap();
    assert_eq!(
        table.rows[0].cells,
        vec![
            "1001",
            "2.5",
            "2024-03-15",
            "2024-03-15",
            "true",
            "2002",
            "1.5"
        ]
    );
    assert_eq!(table.rows[1].get(2), "1900-01-01");
}

#[test]
fn a_table_placed_lower_right_keeps_its_row_numbers() {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(2, 1, "编码").unwrap();
    sheet.write_string(2, 2, "名称").unwrap();
    sheet.write_string(4, 1, "NM").unwrap();
    sheet.write_string(4, 2, "内蒙古自治区总工会").unwrap();
    let table = read_table(&book.save_to_buffer().unwrap(), 10).unwrap();
    assert_eq!(table.headers, vec!["编码", "名称"]);
    assert_eq!(table.rows.len(), 1);
    assert_eq!(table.rows[0].number, 5);
    assert_eq!(table.rows[0].get(1), "内蒙古自治区总工会");
}

#[test]
fn dates_of_the_1904_calendar_and_custom_styles_are_found_through_relationships() {
    let workbook = r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr date1904="1"/><sheets><sheet name="数据" sheetId="3" r:id="rId7"/></sheets></workbook>"#;
    let rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="/xl/styles.xml"/><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="sheets/data.xml"/></Relationships>"#;
    let styles = r#"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="170" formatCode="yyyy/mm/dd"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="170"/></cellXfs></styleSheet>"#;
    let sheet = sheet_xml(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>date</t></is></c></row><row r="2"><c r="A2" s="1"><v>0</v></c></row><row r="3"><c r="A3" s="1"><v>43900</v></c></row>"#,
    );
    let package_rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/xl/workbook.xml"/></Relationships>"#;
    let bytes = zip_of(&[
        ("_rels/.rels", package_rels.as_bytes()),
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
        ("xl/styles.xml", styles.as_bytes()),
        ("xl/sheets/data.xml", sheet.as_bytes()),
    ]);
    let table = read_table(&bytes, 10).unwrap();
    // Day 0 of the 1904 calendar, and 43,900 days later (1462 days after the 1900 serial).
    assert_eq!(table.rows[0].get(0), "1904-01-01");
    assert_eq!(table.rows[1].get(0), "2024-03-11");
}

#[test]
fn gb18030_beyond_the_basic_plane_decodes() {
    let (bytes, _, _) = encoding_rs::GB18030.encode("编码,名称\n𠀀,€ 鄂尔多斯\n");
    assert!(std::str::from_utf8(&bytes).is_err());
    let table = read_table(&bytes, 10).unwrap();
    assert_eq!(table.headers, vec!["编码", "名称"]);
    assert_eq!(table.rows[0].cells, vec!["𠀀", "€ 鄂尔多斯"]);
}

#[test]
fn a_full_import_is_within_every_budget() {
    // 20,000 rows of distinct text: sheet and shared strings compress about 12 to 1.
    let rows: Vec<Vec<String>> = (0..20_000)
        .map(|r| (0..5).map(|c| format!("单位{r}-{c}")).collect())
        .collect();
    let bytes = write_xlsx("导入", &["a", "b", "c", "d", "e"], &rows).unwrap();
    let table = read_table(&bytes, 20_000).unwrap();
    assert_eq!(table.rows.len(), 20_000);
    assert_eq!(table.rows[19_999].number, 20_001);
    assert_eq!(table.rows[19_999].get(4), "单位19999-4");
    assert_eq!(
        read_table(&bytes, 19_999).unwrap_err().code(),
        "sheet_too_large"
    );
}
